package rest

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
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
// snapshot) with package relations' declarative include: one index lookup
// per distinct key per level, never one query per row. path is where f is
// in the request, for errors.
func (h *Handler) outputs(tx *memstore.Tx, m *model, rows []any, f filter.Filter, path string) ([]*out, error) {
	fields, err := fieldSet(m, f.Fields, path+"fields")
	if err != nil {
		return nil, err
	}
	outs := make([]*out, len(rows))
	for i, r := range rows {
		sh, err := h.shadowOf(tx, m, r)
		if err != nil {
			return nil, err
		}
		outs[i] = &out{m: m, row: reflect.ValueOf(r), shadow: sh, fields: fields}
	}
	if len(f.Include) == 0 || len(rows) == 0 {
		return outs, nil
	}
	spec, err := h.includeSpec(m, f.Include, path)
	if err != nil {
		return nil, err
	}
	inc, err := relations.NewIncludeOf(h.store, m.Name, spec)
	if err != nil {
		return nil, h.includeError(err, path)
	}
	nodes, err := inc.In(tx).Load(rows)
	h.reads.Add(inc.Lookups())
	if err != nil {
		return nil, h.includeError(err, path)
	}
	for i, n := range nodes {
		if err := h.attach(tx, outs[i], n, f.Include, path); err != nil {
			return nil, err
		}
	}
	return outs, nil
}

// includeSpec checks includes against m's relations (so that a refusal
// names them as the model does) and returns what package relations loads:
// each scope without its fields (applied when the rows are written), a
// many relation's limit capped by MaxLimit, and no limit or skip on a
// belongsTo or hasOne, where LoopBack ignores them.
func (h *Handler) includeSpec(m *model, includes []filter.Include, path string) ([]filter.Include, error) {
	out := make([]filter.Include, len(includes))
	for i, inc := range includes {
		ipath := fmt.Sprintf("%sinclude[%d]", path, i)
		r := m.rels[inc.Relation]
		if r == nil {
			return nil, newError(http.StatusBadRequest, codeBadFilter, "filter: %s: %s has no relation %q (relations: %s)", ipath, m.Name, inc.Relation, names(m.rels))
		}
		if r.target != nil {
			// Checked before anything is read (attach applies the fields;
			// package relations the where and order, by the names the
			// client wrote, which bindable only checks here).
			if _, err := fieldSet(r.target, inc.Scope.Fields, ipath+".scope.fields"); err != nil {
				return nil, err
			}
			if _, err := r.target.bindableAt(inc.Scope, ipath+".scope."); err != nil {
				return nil, err
			}
		}
		scope := inc.Scope
		scope.Fields = filter.Fields{}
		if r.many() {
			if _, err := h.capLimit(&scope, ipath+".scope"); err != nil {
				return nil, err
			}
			if scope.Limit == h.cfg.MaxLimit+1 {
				scope.Limit = h.cfg.MaxLimit
			}
		} else {
			scope.Limit, scope.Skip = 0, 0
		}
		if len(scope.Include) > 0 && r.target != nil {
			nested, err := h.includeSpec(r.target, scope.Include, ipath+".scope.")
			if err != nil {
				return nil, err
			}
			scope.Include = nested
		}
		out[i] = filter.Include{Relation: inc.Relation, Scope: scope}
	}
	return out, nil
}

// includeError answers a refusal of package relations (a scope it cannot
// apply, an include nested too deeply) with a 400.
func (h *Handler) includeError(err error, path string) error {
	if errors.Is(err, memstore.ErrInvalid) || errors.Is(err, filter.ErrInvalid) {
		return newError(http.StatusBadRequest, codeBadFilter, "filter: %s%s", path, strings.ReplaceAll(err.Error(), "\n", ": "))
	}
	return err
}

// attach adds the included relations of node n to o, with each scope's
// projection, recursively.
func (h *Handler) attach(tx *memstore.Tx, o *out, n *relations.Node, includes []filter.Include, path string) error {
	for i, inc := range includes {
		ipath := fmt.Sprintf("%sinclude[%d]", path, i)
		r := o.m.rels[inc.Relation]
		var kids []*relations.Node
		if r.many() {
			kids = n.Many(inc.Relation)
		} else if k := n.One(inc.Relation); k != nil {
			kids = []*relations.Node{k}
		}
		in := included{name: r.Name, many: r.many(), rows: make([]*out, len(kids))}
		for j, k := range kids {
			km := h.byType[reflect.TypeOf(k.Row)]
			if km == nil {
				return fmt.Errorf("rest: include %s: a row of type %T is of no served model", r.Name, k.Row)
			}
			fields, err := fieldSet(km, inc.Scope.Fields, ipath+".scope.fields")
			if err != nil {
				return err
			}
			sh, err := h.shadowOf(tx, km, k.Row)
			if err != nil {
				return err
			}
			ko := &out{m: km, row: reflect.ValueOf(k.Row), shadow: sh, fields: fields}
			if err := h.attach(tx, ko, k, inc.Scope.Include, ipath+".scope."); err != nil {
				return err
			}
			in.rows[j] = ko
		}
		o.incl = append(o.incl, in)
	}
	return nil
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
// where, order, skip and limit over them), and returns their model: the
// rows of a relation route (/api/Customers/1/orders), with one query (an
// include of many rows reads through outputs instead).
func (h *Handler) related(tx *memstore.Tx, r *relation, row reflect.Value, scope filter.Filter) (*model, []any, error) {
	scope.Fields, scope.Include = filter.Fields{}, nil
	switch {
	case r.Kind == lbmodel.BelongsTo:
		fkv, err := h.value(tx, row, r.fk)
		if err != nil {
			return nil, nil, err
		}
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
			v, err := h.value(tx, reflect.ValueOf(l), r.keyThrough)
			if err != nil {
				return nil, nil, err
			}
			if v != nil {
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
