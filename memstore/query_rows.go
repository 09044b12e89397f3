package memstore

import (
	"slices"
	"strings"
)

// A scope applies a bound filter to records already read, per owner: the
// related rows of one row of a scoped Related. It uses the filter's where,
// After, order, skip and limit, and no plan: the rows are held, not read
// from an index.

// heldQuery is a bound filter applied to held records.
type heldQuery struct {
	b     *bound
	where pred // the whole where (a plan's residual omits what its index answers); nil: every row
}

// apply returns the records of recs that the filter selects, in its order
// (its order keys, ties by primary key), after its skip and limit. It
// reuses recs' array.
func (h *heldQuery) apply(recs []*record) []*record {
	return selectHeld(h, recs, func(rec *record) *record { return rec })
}

// selectHeld is apply for elements that stand for records: rec returns an
// element's record.
func selectHeld[E any](h *heldQuery, elems []E, rec func(E) *record) []E {
	b := h.b
	out := elems[:0]
	for _, e := range elems {
		r := rec(e)
		if h.where != nil && !h.where(r) {
			continue
		}
		if b.pos != nil {
			if c := b.posCmp(r, b.pos); c < 0 || c == 0 && b.posTail <= 0 {
				continue
			}
		}
		out = append(out, e)
	}
	clear(elems[len(out):])
	if len(out) > 1 {
		slices.SortFunc(out, func(x, y E) int { return b.cmp(rec(x), rec(y)) })
	}
	if b.skip >= len(out) {
		return out[:0]
	}
	out = out[b.skip:]
	if b.limit > 0 && len(out) > b.limit {
		out = out[:b.limit]
	}
	return out
}

// relScope is the scope of a scoped Related: a held query per related
// model. A nil relScope (Related) keeps every row in the read's order.
type relScope map[*model]*heldQuery

// apply returns the records of recs, rows of m, that m's scope selects, in
// its order; recs as they are when m has none.
func (sc relScope) apply(m *model, recs []*record) []*record {
	if h := sc[m]; h != nil {
		return h.apply(recs)
	}
	return recs
}

// RelatedScoped is Related with a scope: of each row's related rows it
// keeps those that the query of the related model selects, in that
// query's order (its Order, ties by primary key; no Order is primary key
// order), after its Skip and Limit, applied to each row's related rows on
// their own (LoopBack's include scope: "limit 2" is two orders per
// customer). For a belongsTo (or a hasOne) a row keeps its related row
// only if the query selects it. Each query is bound by Store.Query to a
// related model: the relation's target, or, for a polymorphic belongsTo,
// one of its targets (the owners of a target with no query are all kept).
// The query's Fields and Include are not applied: the rows are whole
// values, and a caller nests includes itself (package relations).
//
// The lookups are Related's, one per distinct key: a scope is applied to
// the rows each distinct key read, so it adds no lookup. A query of
// another store, of a model the relation does not relate, or two queries
// of one model fail with ErrInvalid.
func (tx *Tx) RelatedScoped(model, relation string, rows any, queries ...*ModelQuery) (Related, error) {
	const op = "related"
	if len(queries) == 0 {
		return tx.Related(model, relation, rows)
	}
	if tx == nil {
		return Related{}, invalidf("%s: nil transaction", op)
	}
	m := tx.s.schema.byName[model]
	if m == nil {
		return Related{}, invalidf("%s: no model %q (models: %s)", op, model, listOr(tx.s.schema.modelNames()))
	}
	related, err := m.relatedModels(relation)
	if err != nil {
		return Related{}, err
	}
	sc := make(relScope, len(queries))
	for i, q := range queries {
		switch {
		case q == nil:
			return Related{}, invalidf("%s %s.%s: query %d is nil", op, model, relation, i)
		case q.s != tx.s:
			return Related{}, invalidf("%s %s.%s: the query of %s belongs to another store", op, model, relation, q.b.m.name)
		case !slices.Contains(related, q.b.m):
			return Related{}, invalidf("%s %s.%s: a query of %s, which the relation does not relate (it relates %s)", op, model, relation, q.b.m.name, modelList(related))
		case sc[q.b.m] != nil:
			return Related{}, invalidf("%s %s.%s: two queries of %s", op, model, relation, q.b.m.name)
		}
		sc[q.b.m] = &heldQuery{b: q.b, where: compileCond(q.b.where)}
	}
	return tx.related(op, m, relation, rows, sc)
}

// relatedModels returns the models that m's relation named name relates
// its rows to: the target of a belongsTo, hasMany or hasOne, the far model
// of the through kinds, the targets of a polymorphic belongsTo.
func (m *model) relatedModels(name string) ([]*model, error) {
	switch {
	case m.relMap[name] != nil:
		return []*model{m.relMap[name].target}, nil
	case m.poly(name) != nil:
		var out []*model
		for _, r := range m.poly(name).targets {
			out = append(out, r.target)
		}
		return out, nil
	case m.ownedByName(name) != nil:
		o := m.ownedByName(name)
		if o.far != nil {
			return []*model{o.far.target}, nil
		}
		return []*model{o.target}, nil
	}
	return nil, m.noRelation(name)
}

func modelList(ms []*model) string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.name
	}
	return strings.Join(names, ", ")
}
