package rest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/internal/like"
	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
)

// standIn implements queries over Tx.Rows, Tx.Insert, Tx.Update and
// Tx.Delete, evaluating filters row by row with package filter's rules:
// every read is a scan of the model. It is the seam's placeholder until
// issue 14's query API lands on main (TODO(issue 14): replace it by an
// adapter over tx.Get, tx.Find, tx.Count, tx.DeleteAll and tx.UpdateAll,
// and delete this file).
type standIn struct{ h *Handler }

func newStandIn(h *Handler) queries { return standIn{h: h} }

func (s standIn) model(name string) (*model, error) {
	m := s.h.byName[name]
	if m == nil {
		return nil, fmt.Errorf("%w: unknown model %q", memstore.ErrInvalid, name)
	}
	return m, nil
}

// field resolves a filter's field name: a property name, or a Go field name.
func (s standIn) field(m *model, name, path string) (*lbmodel.Property, error) {
	if p := m.Property(name); p != nil {
		return p, nil
	}
	if p := m.PropertyOfField(name); p != nil {
		return p, nil
	}
	var ns []string
	for _, p := range m.Properties {
		ns = append(ns, p.Name)
	}
	return nil, &filter.Error{Path: path, Reason: fmt.Sprintf("unknown property %q of %s (properties: %s)", name, m.Name, joinNames(ns))}
}

func joinNames(ns []string) string {
	b, _ := json.Marshal(ns)
	return string(bytes.Trim(b, "[]"))
}

func (s standIn) Get(tx *memstore.Tx, model string, key any) (any, error) {
	m, err := s.model(model)
	if err != nil {
		return nil, err
	}
	if m.key == nil {
		return nil, fmt.Errorf("%w: model %s has no key", memstore.ErrInvalid, m.Name)
	}
	rows, err := tx.Rows(model)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if reflect.ValueOf(r).FieldByIndex(m.key.FieldIndex).Interface() == key {
			return r, nil
		}
	}
	return nil, &memstore.NotFoundError{Op: "get", Model: m.Name, Field: m.key.Field, Value: key}
}

func (s standIn) Find(tx *memstore.Tx, model string, f filter.Filter) ([]any, error) {
	m, err := s.model(model)
	if err != nil {
		return nil, err
	}
	if len(f.After) > 0 {
		return nil, &filter.Error{Path: "after", Reason: "keyset pages need issue 14's query planner, not yet on this server"}
	}
	match, err := s.compile(m, f.Where, "where")
	if err != nil {
		return nil, err
	}
	keys := make([]sortKey, 0, len(f.Order)+1)
	for i, o := range f.Order {
		p, err := s.field(m, o.Field, fmt.Sprintf("order[%d]", i))
		if err != nil {
			return nil, err
		}
		if p.GoType == reflect.TypeFor[json.RawMessage]() {
			return nil, &filter.Error{Path: fmt.Sprintf("order[%d]", i), Reason: fmt.Sprintf("property %s has type %s, which has no order", p.Name, p.Type)}
		}
		keys = append(keys, sortKey{p, o.Desc})
	}
	if m.key != nil {
		desc := len(keys) > 0 && keys[len(keys)-1].desc
		keys = append(keys, sortKey{m.key, desc})
	}
	rows, err := tx.Rows(model)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, r := range rows {
		if match(reflect.ValueOf(r)) {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b any) int {
		va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
		for _, k := range keys {
			c := compareNullable(va.FieldByIndex(k.p.FieldIndex), vb.FieldByIndex(k.p.FieldIndex))
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	if f.Skip > 0 {
		out = out[min(f.Skip, len(out)):]
	}
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

type sortKey struct {
	p    *lbmodel.Property
	desc bool
}

func (s standIn) Count(tx *memstore.Tx, model string, where filter.Cond) (int, error) {
	rows, err := s.Find(tx, model, filter.Filter{Where: where})
	return len(rows), err
}

func (s standIn) DeleteAll(tx *memstore.Tx, model string, where filter.Cond) (int, error) {
	rows, err := s.Find(tx, model, filter.Filter{Where: where})
	if err != nil {
		return 0, err
	}
	m, _ := s.model(model)
	for _, r := range rows {
		if m.key != nil {
			// A cascade of an earlier delete may have removed it.
			if _, err := s.Get(tx, model, reflect.ValueOf(r).FieldByIndex(m.key.FieldIndex).Interface()); errors.Is(err, memstore.ErrNotFound) {
				continue
			}
		}
		if err := tx.Delete(r); err != nil {
			return 0, err
		}
	}
	return len(rows), nil
}

func (s standIn) UpdateAll(tx *memstore.Tx, model string, where filter.Cond, patch map[string]any) (int, error) {
	rows, err := s.Find(tx, model, filter.Filter{Where: where})
	if err != nil {
		return 0, err
	}
	m, _ := s.model(model)
	for _, r := range rows {
		row := reflect.New(reflect.TypeOf(r))
		row.Elem().Set(reflect.ValueOf(r))
		for name, v := range patch {
			p, err := s.field(m, name, "data."+name)
			if err != nil {
				return 0, err
			}
			setField(row.Elem().FieldByIndex(p.FieldIndex), v)
		}
		if err := tx.Update(row.Interface()); err != nil {
			return 0, err
		}
	}
	return len(rows), nil
}

// compile turns a where into a predicate over rows of m, binding names and
// values first (so that errors come before any row is read).
func (s standIn) compile(m *model, c filter.Cond, parent string) (func(reflect.Value) bool, error) {
	switch c.Op {
	case 0:
		return func(reflect.Value) bool { return true }, nil
	case filter.OpAnd, filter.OpOr:
		path := c.At(parent)
		terms := make([]func(reflect.Value) bool, len(c.Terms))
		for i, t := range c.Terms {
			f, err := s.compile(m, t, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			terms[i] = f
		}
		and := c.Op == filter.OpAnd
		return func(v reflect.Value) bool {
			for _, t := range terms {
				if t(v) != and {
					return !and
				}
			}
			return and
		}, nil
	}
	path := c.At(parent)
	p, err := s.field(m, c.Field, path)
	if err != nil {
		return nil, err
	}
	t := p.GoType
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[json.RawMessage]() {
		return nil, &filter.Error{Path: path, Reason: fmt.Sprintf("property %s has type %s, which filters cannot compare", p.Name, p.Type)}
	}
	idx := p.FieldIndex
	get := func(row reflect.Value) (reflect.Value, bool) {
		f := row.FieldByIndex(idx)
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				return f, false
			}
			return f.Elem(), true
		}
		return f, true
	}
	switch c.Op {
	case filter.OpIsNull:
		return func(v reflect.Value) bool { _, ok := get(v); return !ok }, nil
	case filter.OpNotNull:
		return func(v reflect.Value) bool { _, ok := get(v); return ok }, nil
	case filter.OpLike, filter.OpNLike, filter.OpILike, filter.OpNILike, filter.OpRegexp:
		if t.Kind() != reflect.String {
			return nil, &filter.Error{Path: path, Reason: fmt.Sprintf("%s applies to strings; %s is a %s", c.Op, p.Name, p.Type)}
		}
		pat, _ := c.Args[0].(string)
		var m func(string) bool
		if c.Op == filter.OpRegexp {
			re, err := filter.CompileRegexp(pat)
			if err != nil {
				return nil, err
			}
			m = re.MatchString
		} else {
			lp, err := like.Compile(pat, c.Op == filter.OpILike || c.Op == filter.OpNILike)
			if err != nil {
				return nil, &filter.Error{Path: path, Reason: err.Error()}
			}
			m = lp.Match
		}
		neg := c.Op == filter.OpNLike || c.Op == filter.OpNILike
		return func(v reflect.Value) bool {
			f, ok := get(v)
			return ok && m(f.String()) != neg
		}, nil
	}
	args := make([]reflect.Value, len(c.Args))
	for i, a := range c.Args {
		rv, err := filter.Coerce(a, t)
		if err != nil {
			var fe *filter.Error
			if errors.As(err, &fe) {
				return nil, &filter.Error{Path: path, Reason: fe.Reason}
			}
			return nil, err
		}
		args[i] = rv
	}
	cmpTo := func(v reflect.Value, i int) (int, bool) {
		f, ok := get(v)
		if !ok {
			return 0, false
		}
		return compareValues(f, args[i]), true
	}
	switch c.Op {
	case filter.OpEq:
		return func(v reflect.Value) bool { c, ok := cmpTo(v, 0); return ok && c == 0 }, nil
	case filter.OpNeq:
		return func(v reflect.Value) bool { c, ok := cmpTo(v, 0); return ok && c != 0 }, nil
	case filter.OpGt:
		return func(v reflect.Value) bool { c, ok := cmpTo(v, 0); return ok && c > 0 }, nil
	case filter.OpGte:
		return func(v reflect.Value) bool { c, ok := cmpTo(v, 0); return ok && c >= 0 }, nil
	case filter.OpLt:
		return func(v reflect.Value) bool { c, ok := cmpTo(v, 0); return ok && c < 0 }, nil
	case filter.OpLte:
		return func(v reflect.Value) bool { c, ok := cmpTo(v, 0); return ok && c <= 0 }, nil
	case filter.OpBetween:
		return func(v reflect.Value) bool {
			lo, ok := cmpTo(v, 0)
			hi, _ := cmpTo(v, 1)
			return ok && lo >= 0 && hi <= 0
		}, nil
	case filter.OpInq, filter.OpNin:
		in := c.Op == filter.OpInq
		return func(v reflect.Value) bool {
			f, ok := get(v)
			if !ok {
				return !in && len(args) == 0 // nin [] matches every row, NULL included
			}
			for _, a := range args {
				if compareValues(f, a) == 0 {
					return in
				}
			}
			return !in
		}, nil
	}
	return nil, &filter.Error{Path: path, Reason: fmt.Sprintf("operator %s is not supported", c.Op)}
}

// compareNullable orders two field values, NULL after every value.
func compareNullable(a, b reflect.Value) int {
	an := a.Kind() == reflect.Pointer && a.IsNil()
	bn := b.Kind() == reflect.Pointer && b.IsNil()
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	if a.Kind() == reflect.Pointer {
		a, b = a.Elem(), b.Elem()
	}
	return compareValues(a, b)
}

// compareValues orders two non-null values of one scalar type.
func compareValues(a, b reflect.Value) int {
	if ta, ok := a.Interface().(time.Time); ok {
		return ta.Compare(b.Interface().(time.Time))
	}
	switch a.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp.Compare(a.Int(), b.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return cmp.Compare(a.Uint(), b.Uint())
	case reflect.Float32, reflect.Float64:
		return cmp.Compare(a.Float(), b.Float())
	case reflect.String:
		return cmp.Compare(a.String(), b.String())
	case reflect.Bool:
		switch {
		case a.Bool() == b.Bool():
			return 0
		case b.Bool():
			return -1
		}
		return 1
	case reflect.Array:
		x, y := reflect.New(a.Type()).Elem(), reflect.New(b.Type()).Elem()
		x.Set(a)
		y.Set(b)
		return bytes.Compare(x.Slice(0, x.Len()).Bytes(), y.Slice(0, y.Len()).Bytes())
	}
	return 0
}
