package lbmodel

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/relstore/relstore/filter"
)

var (
	stringType  = reflect.TypeFor[string]()
	float64Type = reflect.TypeFor[float64]()
	int64Type   = reflect.TypeFor[int64]()
	boolType    = reflect.TypeFor[bool]()
	timeType    = reflect.TypeFor[time.Time]()
)

// markUnique applies the single-property unique indexes of "indexes" before
// relations are resolved, since a relation may reference such a property.
func (c *compiler) markUnique() {
	for _, m := range c.s.Models {
		for _, pi := range c.draft[m].pending {
			if pi.unique && len(pi.keys) == 1 {
				if p := m.byName[pi.keys[0]]; p != nil {
					p.Unique = true
				}
			}
		}
	}
}

// typeProperties gives every property its Go type: keys and foreign keys
// first (a number that is a key, or references one, is an int64), then the
// rest, then converts defaults.
func (c *compiler) typeProperties(polys []polyFK) error {
	keyish := map[*Property]bool{}
	for _, m := range c.s.Models {
		if p := m.KeyProperty(); p != nil {
			keyish[p] = true
		}
	}
	for _, l := range c.links {
		fp, kp := l.holder.byName[l.fk], l.target.byName[l.key]
		if fp.Type == "" {
			fp.Type = kp.Type
		}
		if fp.Type != kp.Type {
			return &Error{File: l.holder.File, Model: l.holder.Name, Property: l.fk, Reason: fmt.Sprintf(
				"the foreign key of %s has type %s, but %s.%s has type %s", l.origin, fp.Type, l.target.Name, l.key, kp.Type)}
		}
		if kp.Type != String && kp.Type != Number {
			return &Error{File: l.target.File, Model: l.target.Name, Property: l.key, Reason: fmt.Sprintf(
				"%s references it: a referenced property must be a string or a number, not %s", l.origin, kp.Type)}
		}
		keyish[fp], keyish[kp] = true, true
		if l.unique {
			fp.Unique = true
		}
	}
	for _, pf := range polys {
		fp := pf.holder.byName[pf.fk]
		t := pf.idType
		if t == "" {
			owner := pf.owner
			if owner == nil {
				owner = pf.holder
			}
			if kp := owner.KeyProperty(); kp != nil {
				t = kp.Type
			} else {
				t = Number
			}
		}
		if fp.Type == "" {
			fp.Type = t
		}
		if fp.Type != String && fp.Type != Number {
			return &Error{File: pf.holder.File, Model: pf.holder.Name, Property: pf.fk, Reason: fmt.Sprintf("a polymorphic foreign key must be a string or a number, not %s", fp.Type)}
		}
		keyish[fp] = true
	}
	for _, m := range c.s.Models {
		for _, r := range m.Relations {
			if r.Kind != BelongsTo || r.Polymorphic == nil {
				continue
			}
			fp := m.byName[r.ForeignKey]
			for _, name := range r.Polymorphic.Models {
				if kp := c.s.byName[name].KeyProperty(); kp.Type != fp.Type {
					return &Error{File: m.File, Model: m.Name, Relation: r.Name, Reason: fmt.Sprintf(
						"foreign key %s has type %s, but %s's id %s has type %s", fp.Name, fp.Type, name, kp.Name, kp.Type)}
				}
			}
		}
	}
	for _, m := range c.s.Models {
		for _, p := range m.Properties {
			if err := p.typeField(keyish[p]); err != nil {
				return &Error{File: m.File, Model: m.Name, Property: p.Name, Reason: err.Error()}
			}
		}
	}
	return nil
}

// typeField sets GoType and converts the default.
func (p *Property) typeField(key bool) error {
	var t reflect.Type
	switch p.Type {
	case String:
		t = stringType
	case Number:
		t = float64Type
		if key {
			t = int64Type
		}
	case Boolean:
		t = boolType
	case Date:
		t = timeType
	case Object, Array, Any:
		t = rawMessageType
	default:
		return fmt.Errorf("no type")
	}
	if key && t != stringType && t != int64Type {
		return fmt.Errorf("a key or foreign key must be a string or a number, not %s", p.Type)
	}
	if t != rawMessageType && !p.Required && !p.ID {
		t = reflect.PointerTo(t)
	}
	p.GoType = t
	def, ok := p.Default.(*node)
	if !ok {
		return nil
	}
	p.Default = nil
	if p.DefaultFn != "" {
		return fmt.Errorf("both \"default\" and \"defaultFn\"")
	}
	if p.ID && p.Generated {
		return fmt.Errorf("a generated id takes no \"default\"")
	}
	v, err := ConvertValue(p, def.value())
	if err != nil {
		return fmt.Errorf("\"default\": %v", err)
	}
	p.Default = v
	return nil
}

// ConvertValue converts a JSON value (nil, bool, json.Number, string,
// []any, map[string]any; or a filter.Text) to what property p's field holds:
// for a scalar, a value of the field's type without its pointer (nil for
// JSON null), by filter.Coerce's rules (an integer key must be a whole
// number, a date an RFC 3339 string); for an object, array or any property,
// a json.RawMessage of the value (an object must be an object, an array an
// array). It never changes p. The error says what was wanted.
func ConvertValue(p *Property, v any) (any, error) {
	if p.GoType == rawMessageType {
		if v == nil {
			return json.RawMessage(nil), nil
		}
		switch p.Type {
		case Object:
			if _, ok := v.(map[string]any); !ok {
				return nil, fmt.Errorf("want an object, got %s", describeValue(v))
			}
		case Array:
			if _, ok := v.([]any); !ok {
				return nil, fmt.Errorf("want an array, got %s", describeValue(v))
			}
		}
		if t, ok := v.(filter.Text); ok {
			v = string(t)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return json.RawMessage(b), nil
	}
	if v == nil {
		return nil, nil
	}
	t := p.GoType
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if !scalar(t) {
		// A Go struct's field of another type (Describe): through its JSON.
		if tx, ok := v.(filter.Text); ok {
			v = string(tx)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		out := reflect.New(t)
		if err := json.Unmarshal(b, out.Interface()); err != nil {
			return nil, fmt.Errorf("want a %v: %v", t, err)
		}
		return out.Elem().Interface(), nil
	}
	rv, err := filter.Coerce(v, t)
	if err != nil {
		var fe *filter.Error
		if errors.As(err, &fe) {
			return nil, fmt.Errorf("%s", fe.Reason)
		}
		return nil, err
	}
	return rv.Interface(), nil
}

func describeValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("%q", v)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprint(v)
}

// indexes resolves the property-level and "indexes" indexes of every model
// into the memstore indexes they need; those memstore has anyway (the
// primary key, unique properties, foreign keys) are not repeated.
func (c *compiler) indexes() error {
	fks := map[*Property]bool{}
	for _, l := range c.links {
		fks[l.holder.byName[l.fk]] = true
	}
	for _, m := range c.s.Models {
		d := c.draft[m]
		seen := map[string]int{} // joined properties -> index in m.Indexes... of d.mem
		for _, pi := range d.pending {
			bad := func(format string, args ...any) error {
				e := &Error{File: m.File, Model: m.Name, Reason: fmt.Sprintf(format, args...)}
				if pi.prop {
					e.Property = pi.name
				} else {
					e.Index = pi.name
				}
				return e
			}
			props := make([]*Property, len(pi.keys))
			for i, k := range pi.keys {
				p := m.byName[k]
				if p == nil {
					return bad("%s is not a property", k)
				}
				if p.GoType == rawMessageType {
					return bad("property %s has type %s, which cannot be indexed", k, p.Type)
				}
				if slices.Contains(props[:i], p) {
					return bad("property %s listed twice", k)
				}
				props[i] = p
			}
			if !pi.prop {
				m.Indexes = append(m.Indexes, Index{Name: pi.name, Properties: slices.Clone(pi.keys), Unique: pi.unique})
			}
			if len(props) == 1 {
				p := props[0]
				p.Indexed = true
				if pi.unique {
					p.Unique = true
				}
				if p.ID || p.Unique || fks[p] {
					continue // memstore indexes it anyway
				}
			}
			key := strings.Join(pi.keys, "\x00")
			if i, dup := seen[key]; dup {
				d.memIndexes[i].Unique = d.memIndexes[i].Unique || pi.unique
				continue
			}
			seen[key] = len(d.memIndexes)
			d.memIndexes = append(d.memIndexes, memIndex{name: pi.name, props: props, Unique: pi.unique})
		}
	}
	return nil
}

// memIndex is an index memstore must build.
type memIndex struct {
	name   string
	props  []*Property
	Unique bool
}

// scalar reports whether filter.Coerce converts to t.
func scalar(t reflect.Type) bool {
	if t == timeType {
		return true
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	case reflect.Array:
		return t.Len() == 16 && t.Elem().Kind() == reflect.Uint8
	}
	return false
}
