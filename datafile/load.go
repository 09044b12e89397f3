package datafile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
)

// Report says what Load found besides the rows it loaded.
type Report struct {
	// Rows is the number of rows loaded, by model.
	Rows map[string]int
	// Added lists "Model.property" for properties of the schema that the
	// file's rows lack (the model gained them since the file was written):
	// rows got the property's default, or none (null; the zero value for a
	// required property without a default).
	Added []string
	// Removed lists "Model.property" for properties in the file that the
	// schema lacks: their values were dropped.
	Removed []string
	// Models lists models in the file that the schema lacks: their rows
	// were dropped.
	Models []string
}

// String summarises the report in one line, e.g. "12 rows in 3 models;
// added Order.note; removed Customer.fax".
func (r Report) String() string {
	n := 0
	for _, c := range r.Rows {
		n += c
	}
	s := fmt.Sprintf("%d rows in %d models", n, len(r.Rows))
	for _, part := range []struct {
		label string
		list  []string
	}{{"added", r.Added}, {"removed", r.Removed}, {"dropped models", r.Models}} {
		if len(part.list) > 0 {
			s += "; " + part.label + " " + strings.Join(part.list, ", ")
		}
	}
	return s
}

// record is one row of the file, on its way into the store.
type record struct {
	name  string        // its key in the file
	row   reflect.Value // *T
	later []laterFK     // nullable foreign keys, set in the second pass
	// shadow are its shadow foreign keys (lbmodel's Property.Shadow), by
	// field, set in the second pass too.
	shadow map[string]any
	self   any // a non-nullable self-reference's value, for ordering
	key    any
}

type laterFK struct {
	index []int
	v     reflect.Value
}

// Load inserts the rows of a data file (data, named name in errors) into s,
// in one transaction: all of them or, on any error, none. schema describes
// the store's models (nil: lbmodel.Describe(s)); s should hold no rows of
// them. Rows are inserted in foreign key order (nullable foreign keys are
// set once every row is in), so the file's order does not matter; the store
// checks every row as it checks any write, and a dangling foreign key or a
// duplicate unique value is refused with an *Error naming the file, the
// model, the record and the property. The auto-key counters are restored
// from the file's "ids", so keys are never reused across restarts.
//
// Rows may lack properties the schema has and hold properties it lacks; the
// Report lists both (see Report). Models of the file that the schema lacks
// are dropped and reported too.
func Load(ctx context.Context, s *memstore.Store, schema *lbmodel.Schema, name string, data []byte) (Report, error) {
	rep := Report{Rows: map[string]int{}}
	if schema == nil {
		schema = lbmodel.Describe(s)
	}
	if err := checkSavable(s, schema); err != nil {
		e := err.(*Error)
		e.File = name
		return rep, e
	}
	fail := func(format string, args ...any) error {
		return &Error{File: name, Reason: fmt.Sprintf(format, args...)}
	}
	var f file
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&f); err != nil {
		return rep, fail("malformed JSON: %v", err)
	}
	if dec.More() {
		return rep, fail("malformed JSON: data after the top-level value")
	}
	infos := map[string]memstore.ModelInfo{}
	for _, mi := range s.Models() {
		infos[mi.Name] = mi
	}
	for m := range f.Models {
		if schema.Model(m) == nil {
			rep.Models = append(rep.Models, m)
		}
	}
	slices.Sort(rep.Models)
	records := map[string][]*record{}
	for _, m := range schema.Models {
		rows := f.Models[m.Name]
		if rows == nil {
			continue
		}
		recs, err := decodeRows(name, m, infos[m.Name], rows, f.Schema[m.Name], &rep)
		if err != nil {
			return rep, err
		}
		records[m.Name] = recs
	}
	order := loadOrder(schema, infos)
	err := s.Update(ctx, func(tx *memstore.Tx) error {
		for _, m := range order {
			for _, r := range records[m.Name] {
				if err := tx.Insert(r.row.Interface()); err != nil {
					return storeError(name, m, r, err)
				}
				rep.Rows[m.Name]++
			}
		}
		for _, m := range order {
			for _, r := range records[m.Name] {
				if len(r.later) == 0 && len(r.shadow) == 0 {
					continue
				}
				for _, l := range r.later {
					r.row.Elem().FieldByIndex(l.index).Set(l.v)
				}
				update := tx.Update
				if len(r.shadow) > 0 {
					update = func(v any) error { return tx.UpdateShadow(v, r.shadow) }
				}
				if err := update(r.row.Interface()); err != nil {
					return storeError(name, m, r, err)
				}
			}
		}
		for _, m := range schema.Models {
			kp := m.KeyProperty()
			next, ok := f.IDs[m.Name]
			if kp == nil || !kp.Generated || !ok {
				continue
			}
			last, err := lastKey(next, kp.GoType)
			if err != nil {
				return &Error{File: name, Model: m.Name, Reason: fmt.Sprintf("ids: %v", err)}
			}
			if last == nil {
				continue // next is 1 (or less): nothing was assigned
			}
			if err := tx.RaiseAutoKey(m.Name, last); err != nil {
				return &Error{File: name, Model: m.Name, Reason: fmt.Sprintf("ids: %v", err), Err: err}
			}
		}
		return nil
	})
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			err = &Error{File: name, Reason: err.Error(), Err: err}
		}
		return Report{Rows: map[string]int{}}, err
	}
	return rep, nil
}

// lastKey returns the key before next, of type t (nil when next <= 1).
func lastKey(next json.Number, t reflect.Type) (any, error) {
	n, ok := new(big.Int).SetString(string(next), 10)
	if !ok {
		return nil, fmt.Errorf("next key %s is not an integer", next)
	}
	n.Sub(n, big.NewInt(1))
	if n.Sign() <= 0 {
		return nil, nil
	}
	v, err := filter.Coerce(json.Number(n.String()), t)
	if err != nil {
		return nil, fmt.Errorf("next key %s: %v", next, err)
	}
	return v.Interface(), nil
}

func decodeRows(name string, m *lbmodel.Model, mi memstore.ModelInfo, rows map[string]json.RawMessage, written []string, rep *Report) ([]*record, error) {
	nullableFK := map[string]bool{}
	selfFK := ""
	for _, r := range mi.Relations {
		if r.Nullable {
			nullableFK[r.FK] = true
		} else if r.Target == mi.Name {
			selfFK = r.FK
		}
	}
	inFile := map[string]bool{}      // properties seen in rows, or listed in the file's schema
	writtenProp := map[string]bool{} // listed in the file's schema
	for _, p := range written {
		inFile[p], writtenProp[p] = true, true
	}
	removed := map[string]bool{}
	kp := m.KeyProperty()
	names := make([]string, 0, len(rows))
	for k := range rows {
		names = append(names, k)
	}
	slices.SortFunc(names, compareRecordNames)
	var recs []*record
	for _, rn := range names {
		bad := func(prop, format string, args ...any) error {
			return &Error{File: name, Model: m.Name, Record: rn, Property: prop, Reason: fmt.Sprintf(format, args...)}
		}
		raw := bytes.TrimSpace(rows[rn])
		if len(raw) > 0 && raw[0] == '"' { // LoopBack writes each row as a string of JSON
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, bad("", "malformed row: %v", err)
			}
			raw = []byte(s)
		}
		var vals map[string]any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&vals); err != nil || vals == nil {
			return nil, bad("", "want a row object, got %.40s", raw)
		}
		r := &record{name: rn, row: reflect.New(m.Type)}
		for k := range vals {
			inFile[k] = true
			if m.Property(k) == nil && !removed[k] {
				removed[k] = true
			}
		}
		if kp != nil {
			if _, ok := vals[kp.Name]; !ok {
				vals[kp.Name] = filter.Text(rn) // LoopBack keeps the id in the row too; accept the record's name
			}
		}
		for _, p := range m.Properties {
			v, ok := vals[p.Name]
			switch {
			case ok && v != nil:
				cv, err := lbmodel.ConvertValue(p, v)
				if err != nil {
					return nil, bad(p.Name, "%v", err)
				}
				v = cv
			case ok:
			case p.Default != nil && !writtenProp[p.Name]:
				// Absent from a file that did not have the property (or
				// does not say): the property's default, as on create.
				v = p.Default
			default:
				continue
			}
			if p.Shadow {
				if v != nil {
					if r.shadow == nil {
						r.shadow = map[string]any{}
					}
					r.shadow[p.Field] = v
				}
				continue
			}
			fv := r.row.Elem().FieldByIndex(p.FieldIndex)
			set := valueFor(fv.Type(), v)
			if nullableFK[p.Field] && !set.IsZero() {
				r.later = append(r.later, laterFK{index: p.FieldIndex, v: set})
				continue
			}
			if p.Field == selfFK {
				r.self = v
			}
			if p.ID {
				r.key = v
			}
			fv.Set(set)
		}
		recs = append(recs, r)
	}
	for _, p := range m.Properties {
		if !inFile[p.Name] && len(rows) > 0 && (len(written) > 0 || p.Required) {
			rep.Added = append(rep.Added, m.Name+"."+p.Name)
		}
	}
	for k := range removed {
		rep.Removed = append(rep.Removed, m.Name+"."+k)
	}
	slices.Sort(rep.Removed)
	if selfFK != "" {
		var err error
		if recs, err = selfOrder(recs); err != nil {
			return nil, &Error{File: name, Model: m.Name, Reason: err.Error()}
		}
	}
	return recs, nil
}

// valueFor returns v (nil, or a value of t or of t's element type) as a
// value of t.
func valueFor(t reflect.Type, v any) reflect.Value {
	if v == nil {
		return reflect.Zero(t)
	}
	rv := reflect.ValueOf(v)
	if rv.Type() == t {
		return rv
	}
	if t.Kind() == reflect.Pointer {
		p := reflect.New(t.Elem())
		p.Elem().Set(rv)
		return p
	}
	return rv.Convert(t)
}

// compareRecordNames orders record names numerically when both are
// integers (so 2 comes before 10), else as strings.
func compareRecordNames(a, b string) int {
	x, errA := strconv.ParseInt(a, 10, 64)
	y, errB := strconv.ParseInt(b, 10, 64)
	if errA == nil && errB == nil {
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	return strings.Compare(a, b)
}

// selfOrder orders the rows of a model with a non-nullable foreign key to
// itself so that each row comes after the row it references.
func selfOrder(recs []*record) ([]*record, error) {
	placed := map[any]bool{}
	var out []*record
	for len(recs) > 0 {
		var rest []*record
		for _, r := range recs {
			if r.self == nil || r.self == r.key || placed[r.self] {
				out = append(out, r)
				placed[r.key] = true
			} else {
				rest = append(rest, r)
			}
		}
		if len(rest) == len(recs) {
			// A cycle, or a reference to a missing row: insert as is and
			// let the store name the first dangling one.
			return append(out, rest...), nil
		}
		recs = rest
	}
	return out, nil
}

// loadOrder returns the models in an order where every model comes after
// the models its non-nullable foreign keys reference (self-references and
// cycles aside).
func loadOrder(schema *lbmodel.Schema, infos map[string]memstore.ModelInfo) []*lbmodel.Model {
	var out []*lbmodel.Model
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(m *lbmodel.Model)
	visit = func(m *lbmodel.Model) {
		if state[m.Name] != 0 {
			return
		}
		state[m.Name] = 1
		for _, r := range infos[m.Name].Relations {
			if !r.Nullable && r.Target != m.Name {
				if t := schema.Model(r.Target); t != nil {
					visit(t)
				}
			}
		}
		state[m.Name] = 2
		out = append(out, m)
	}
	for _, m := range schema.Models {
		visit(m)
	}
	return out
}

// storeError names the record and property of a row the store refused.
func storeError(name string, m *lbmodel.Model, r *record, err error) error {
	e := &Error{File: name, Model: m.Name, Record: r.name, Reason: err.Error(), Err: err}
	prop := func(field string) string {
		if p := m.PropertyOfField(field); p != nil {
			return p.Name
		}
		return field
	}
	var fk *memstore.ForeignKeyError
	var ue *memstore.UniqueError
	switch {
	case errors.As(err, &fk):
		e.Property = prop(fk.Field)
		e.Reason = fmt.Sprintf("%v references no %s", fk.Value, fk.Target)
	case errors.As(err, &ue):
		names := make([]string, len(ue.Fields))
		for i, f := range ue.Fields {
			names[i] = prop(f)
		}
		e.Property = strings.Join(names, ", ")
		e.Reason = fmt.Sprintf("%v already exists (another record has it)", formatValues(ue.Values))
	}
	return e
}

func formatValues(vs []any) string {
	if len(vs) == 1 {
		return fmt.Sprint(vs[0])
	}
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmt.Sprint(v)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
