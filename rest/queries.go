package rest

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
)

// queries reads and writes rows by model name through memstore's query
// API (Tx.Get, Tx.Find, Tx.Count, Tx.DeleteAll, Tx.UpdateAll): filters are
// bound to the model and planned on its indexes. Before a filter reaches
// memstore, its property names are resolved here, so that a refusal names
// what the client wrote (a property, not a Go field) at its path in the
// filter; memstore then checks values and operators (a *memstore.FilterError
// with the path, answered 400 by storeError).
type queries struct{ h *Handler }

// Get returns the row (a struct value) whose key is key, a value of the
// key's type, or a *memstore.NotFoundError.
func (q queries) Get(tx *memstore.Tx, model string, key any) (any, error) {
	q.h.reads.Add(1)
	return tx.Get(model, key)
}

// Find returns the rows that f's Where, Order, After, Skip and Limit
// select; f's Fields and Include are the handler's to apply.
func (q queries) Find(tx *memstore.Tx, model string, f filter.Filter) ([]any, error) {
	q.h.reads.Add(1)
	f, err := q.h.byName[model].bindable(f)
	if err != nil {
		return nil, err
	}
	return tx.Find(model, f)
}

// Query binds f to model once, for a find that also needs After of its
// last row.
func (q queries) Query(model string, f filter.Filter) (*memstore.ModelQuery, error) {
	q.h.reads.Add(1)
	f, err := q.h.byName[model].bindable(f)
	if err != nil {
		return nil, err
	}
	return q.h.store.Query(model, f)
}

// Count returns how many rows match where.
func (q queries) Count(tx *memstore.Tx, model string, where filter.Cond) (int, error) {
	q.h.reads.Add(1)
	where, err := q.h.byName[model].where(where, "where")
	if err != nil {
		return 0, err
	}
	return tx.Count(model, where)
}

// DeleteAll deletes the rows that match where, as one statement (with each
// relation's onDelete), and returns how many.
func (q queries) DeleteAll(tx *memstore.Tx, model string, where filter.Cond) (int, error) {
	where, err := q.h.byName[model].where(where, "where")
	if err != nil {
		return 0, err
	}
	return tx.DeleteAll(model, where)
}

// UpdateAll sets the properties of patch (by property name, values of the
// field's type without its pointer, or nil) on every row that matches
// where and returns how many rows it wrote.
func (q queries) UpdateAll(tx *memstore.Tx, model string, where filter.Cond, patch map[string]any) (int, error) {
	m := q.h.byName[model]
	where, err := m.where(where, "where")
	if err != nil {
		return 0, err
	}
	set := make(map[string]any, len(patch))
	var shadow map[string]any
	for name, v := range patch {
		p := m.Property(name)
		switch {
		case p == nil:
			return 0, fmt.Errorf("%w: update %s: unknown property %q", memstore.ErrInvalid, m.Name, name)
		case p.Shadow:
			if shadow == nil {
				shadow = map[string]any{}
			}
			shadow[p.Field] = v
		default:
			set[p.Field] = v
		}
	}
	if shadow == nil {
		return tx.UpdateAll(model, where, set)
	}
	// memstore's bulk update sets fields only: write each row with its
	// shadow foreign keys instead.
	rows, err := tx.Find(model, filter.Filter{Where: where})
	if err != nil {
		return 0, err
	}
	for _, r := range rows {
		row := reflect.New(m.Type)
		row.Elem().Set(reflect.ValueOf(r))
		for name, v := range set {
			setField(row.Elem().FieldByIndex(m.PropertyOfField(name).FieldIndex), v)
		}
		if err := tx.UpdateShadow(row.Interface(), shadow); err != nil {
			return 0, err
		}
	}
	return len(rows), nil
}

// bindable returns the part of f that memstore binds (no Fields, no
// Include), its names resolved (see where).
func (m *model) bindable(f filter.Filter) (filter.Filter, error) { return m.bindableAt(f, "") }

// bindableAt is bindable for a filter found at prefix in the request (an
// include's scope: "include[0].scope."), for the paths of errors.
func (m *model) bindableAt(f filter.Filter, prefix string) (filter.Filter, error) {
	f.Fields, f.Include = filter.Fields{}, nil
	var err error
	if f.Where, err = m.where(f.Where, prefix+"where"); err != nil {
		return f, err
	}
	if len(f.Order) > 0 {
		os := make([]filter.Order, len(f.Order))
		for i, o := range f.Order {
			path := fmt.Sprintf("%sorder[%d]", prefix, i)
			p, err := m.filterProperty(o.Field, path)
			if err != nil {
				return f, err
			}
			if !comparable(p) {
				return f, &filter.Error{Path: path, Reason: fmt.Sprintf("property %s has type %s, which has no order", p.Name, p.Type)}
			}
			os[i] = filter.Order{Field: p.Field, Desc: o.Desc}
		}
		f.Order = os
	}
	return f, nil
}

// where returns c with every property name replaced by its Go field name,
// which memstore resolves exactly (a json name may be another field's Go
// name), each condition keeping its path as the client wrote it. An
// unknown property, or one whose type a condition cannot compare, is a
// *filter.Error at its path.
func (m *model) where(c filter.Cond, parent string) (filter.Cond, error) {
	path := c.At(parent)
	switch c.Op {
	case 0:
		return c, nil
	case filter.OpAnd, filter.OpOr:
		terms := make([]filter.Cond, len(c.Terms))
		for i, t := range c.Terms {
			bt, err := m.where(t, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return c, err
			}
			terms[i] = bt
		}
		c.Terms, c.Path = terms, path
		return c, nil
	}
	p, err := m.filterProperty(c.Field, path)
	if err != nil {
		return c, err
	}
	if !comparable(p) {
		return c, &filter.Error{Path: path, Reason: fmt.Sprintf("property %s has type %s, which filters cannot compare", p.Name, p.Type)}
	}
	switch c.Op {
	case filter.OpLike, filter.OpNLike, filter.OpILike, filter.OpNILike, filter.OpRegexp:
		if elemType(p).Kind() != reflect.String {
			return c, &filter.Error{Path: path, Reason: fmt.Sprintf("%s applies to strings; %s is a %s", c.Op, p.Name, p.Type)}
		}
	}
	c.Field, c.Path = p.Field, path
	return c, nil
}

// filterProperty resolves a filter's field name: a property name, or a Go
// field name.
func (m *model) filterProperty(name, path string) (*lbmodel.Property, error) {
	if p := m.Property(name); p != nil {
		return p, nil
	}
	if p := m.PropertyOfField(name); p != nil {
		return p, nil
	}
	ns := make([]string, len(m.Properties))
	for i, p := range m.Properties {
		ns[i] = `"` + p.Name + `"`
	}
	return nil, &filter.Error{Path: path, Reason: fmt.Sprintf("unknown property %q of %s (properties: %s)", name, m.Name, strings.Join(ns, ","))}
}

// elemType is the type of a property's field without its pointer.
func elemType(p *lbmodel.Property) reflect.Type {
	t := p.GoType
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// comparable reports whether conditions and orders can take the property:
// a scalar, a time or a UUID, not an object, array or any (JSON).
func comparable(p *lbmodel.Property) bool {
	t := elemType(p)
	switch t.Kind() {
	case reflect.Slice, reflect.Map, reflect.Interface:
		return false
	case reflect.Struct:
		return t == timeType
	case reflect.Array:
		return t.Len() == 16 && t.Elem().Kind() == reflect.Uint8
	}
	return true
}

// insert inserts d's row (with its shadow foreign keys, if its model has
// any) and reads back the shadow values the store keeps.
func (h *Handler) insert(tx *memstore.Tx, m *model, d *draft) error {
	if !m.hasShadow {
		return tx.Insert(d.ptr.Interface())
	}
	if err := tx.InsertShadow(d.ptr.Interface(), d.shadow); err != nil {
		return err
	}
	var err error
	d.shadow, err = tx.ShadowOf(d.ptr.Interface())
	return err
}

// update updates d's row (and the shadow foreign keys d names) and reads
// back the shadow values the store keeps.
func (h *Handler) update(tx *memstore.Tx, m *model, d *draft) error {
	if !m.hasShadow {
		return tx.Update(d.ptr.Interface())
	}
	if err := tx.UpdateShadow(d.ptr.Interface(), d.shadow); err != nil {
		return err
	}
	var err error
	d.shadow, err = tx.ShadowOf(d.ptr.Interface())
	return err
}

// shadowOf returns the shadow foreign keys of a row of m (nil when m has
// none).
func (h *Handler) shadowOf(tx *memstore.Tx, m *model, row any) (map[string]any, error) {
	if !m.hasShadow {
		return nil, nil
	}
	return tx.ShadowOf(row)
}

// value returns a row's value of p, as fieldValue does, reading a shadow
// foreign key from the store.
func (h *Handler) value(tx *memstore.Tx, row reflect.Value, p *lbmodel.Property) (any, error) {
	if !p.Shadow {
		return fieldValue(row, p), nil
	}
	sh, err := tx.ShadowOf(row.Interface())
	if err != nil {
		return nil, err
	}
	return sh[p.Field], nil
}
