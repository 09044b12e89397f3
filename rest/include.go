package rest

import (
	"fmt"
	"net/http"
	"reflect"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
)

// parseFilter reads a request's filter (?filter= or filter[...]=).
func (h *Handler) parseFilter(q *request) (filter.Filter, error) {
	f, err := h.parser.ParseQuery(q.r.URL.Query())
	if err != nil {
		return f, newError(http.StatusBadRequest, codeBadFilter, "%v", err)
	}
	return f, nil
}

// parseWhere reads a request's where (?where= or where[...]=).
func (h *Handler) parseWhere(q *request) (filter.Cond, error) {
	c, err := h.parser.ParseQueryWhere(q.r.URL.Query())
	if err != nil {
		return c, newError(http.StatusBadRequest, codeBadFilter, "%v", err)
	}
	return c, nil
}

// capLimit applies Config.MaxLimit to a find: a larger limit is refused, no
// limit becomes MaxLimit+1 (probe is then true: one row more than MaxLimit
// means the result was truncated).
func (h *Handler) capLimit(f *filter.Filter, path string) (probe bool, err error) {
	if f.Limit > h.cfg.MaxLimit {
		return false, newError(http.StatusBadRequest, codeBadFilter, "filter: %s: limit %d is above this server's maximum, %d", path, f.Limit, h.cfg.MaxLimit)
	}
	if f.Limit == 0 {
		f.Limit = h.cfg.MaxLimit + 1
		return true, nil
	}
	return false, nil
}

// fieldSet checks a projection and returns the properties it selects (nil:
// all).
func fieldSet(m *model, fs filter.Fields, path string) (map[string]bool, error) {
	if fs.IsZero() {
		return nil, nil
	}
	named := map[string]bool{}
	for i, n := range fs.Names {
		p := m.Property(n)
		if p == nil {
			p = m.PropertyOfField(n)
		}
		if p == nil {
			return nil, newError(http.StatusBadRequest, codeBadFilter, "filter: %s[%d]: unknown property %q of %s", path, i, n, m.Name)
		}
		named[p.Name] = true
	}
	if !fs.Exclude {
		return named, nil
	}
	set := map[string]bool{}
	for _, p := range m.Properties {
		if !named[p.Name] {
			set[p.Name] = true
		}
	}
	return set, nil
}

// outputs makes the rows of model m to write, with f's projection and
// includes, reading the includes in tx (so everything comes from one
// snapshot). path is where f is in the request, for errors.
func (h *Handler) outputs(tx *memstore.Tx, m *model, rows []any, f filter.Filter, path string) ([]*out, error) {
	fields, err := fieldSet(m, f.Fields, path+"fields")
	if err != nil {
		return nil, err
	}
	outs := make([]*out, len(rows))
	for i, r := range rows {
		outs[i] = &out{m: m, row: reflect.ValueOf(r), fields: fields}
	}
	for i, inc := range f.Include {
		ipath := fmt.Sprintf("%sinclude[%d]", path, i)
		r := m.rels[inc.Relation]
		if r == nil {
			return nil, newError(http.StatusBadRequest, codeBadFilter, "filter: %s: %s has no relation %q (relations: %s)", ipath, m.Name, inc.Relation, names(m.rels))
		}
		scope := inc.Scope
		if r.many() {
			if _, err := h.capLimit(&scope, ipath+".scope"); err != nil {
				return nil, err
			}
			if scope.Limit == h.cfg.MaxLimit+1 {
				scope.Limit = h.cfg.MaxLimit
			}
		}
		for _, o := range outs {
			tm, rel, err := h.related(tx, r, o.row, scope)
			if err != nil {
				return nil, err
			}
			in := included{name: r.Name, many: r.many(), rows: []*out{}}
			if len(rel) > 0 {
				sub, err := h.outputs(tx, tm, rel, scope, ipath+".scope.")
				if err != nil {
					return nil, err
				}
				in.rows = sub
			}
			o.incl = append(o.incl, in)
		}
	}
	return outs, nil
}

// many reports whether the relation relates a row to a list.
func (r *relation) many() bool {
	return r.Kind == lbmodel.HasMany || r.Kind == lbmodel.HasManyThrough || r.Kind == lbmodel.HasAndBelongsToMany
}

// scopeWhere returns the condition that selects the related rows of the
// owner row (a hasMany, hasOne or through's links) on the holder.
func (r *relation) scopeWhere(owner reflect.Value) (filter.Cond, bool) {
	kv := fieldValue(owner, r.key)
	if kv == nil {
		return filter.Cond{}, false
	}
	c := filter.Eq(r.fk.Name, kv)
	if r.disc != nil {
		c = and(c, filter.Eq(r.disc.Name, r.owner.Name))
	}
	return c, true
}

// related reads the rows related to row through r, selected by scope (a
// where, order, skip and limit over them), and returns their model. This is
// the stand-in for issue 15's declarative include: it reads each row's
// related rows with one query (N+1), from the same transaction.
// TODO(issue 15): use relations' include, batched over all rows.
func (h *Handler) related(tx *memstore.Tx, r *relation, row reflect.Value, scope filter.Filter) (*model, []any, error) {
	scope.Fields, scope.Include = filter.Fields{}, nil
	switch {
	case r.Kind == lbmodel.BelongsTo:
		fkv := fieldValue(row, r.fk)
		if fkv == nil {
			return nil, nil, nil
		}
		tm, key := r.target, r.key
		if r.Polymorphic != nil {
			d, _ := fieldValue(row, r.disc).(string)
			if tm = h.byName[d]; tm == nil || tm.key == nil {
				return nil, nil, nil
			}
			key = tm.key
			v, err := lbmodel.ConvertValue(key, fkv)
			if err != nil {
				return nil, nil, nil
			}
			fkv = v
		}
		scope.Where = and(filter.Eq(key.Name, fkv), scope.Where)
		scope.Limit, scope.Skip = 1, 0
		rows, err := h.q.Find(tx, tm.Name, scope)
		return tm, rows, err
	case r.through != nil:
		where, ok := r.scopeWhere(row)
		if !ok {
			return r.target, nil, nil
		}
		links, err := h.q.Find(tx, r.through.Name, filter.Filter{Where: where})
		if err != nil {
			return nil, nil, err
		}
		var far []any
		for _, l := range links {
			if v := fieldValue(reflect.ValueOf(l), r.keyThrough); v != nil {
				far = append(far, v)
			}
		}
		if len(far) == 0 {
			return r.target, nil, nil
		}
		scope.Where = and(filter.Inq(r.target.key.Name, far...), scope.Where)
		rows, err := h.q.Find(tx, r.target.Name, scope)
		return r.target, rows, err
	default:
		where, ok := r.scopeWhere(row)
		if !ok {
			return r.target, nil, nil
		}
		scope.Where = and(where, scope.Where)
		if r.Kind == lbmodel.HasOne {
			scope.Limit, scope.Skip = 1, 0
		}
		rows, err := h.q.Find(tx, r.target.Name, scope)
		return r.target, rows, err
	}
}

// and is filter.And without the terms that match every row.
func and(terms ...filter.Cond) filter.Cond {
	var ts []filter.Cond
	for _, t := range terms {
		if !t.IsZero() {
			ts = append(ts, t)
		}
	}
	switch len(ts) {
	case 0:
		return filter.Cond{}
	case 1:
		return ts[0]
	}
	return filter.And(ts...)
}
