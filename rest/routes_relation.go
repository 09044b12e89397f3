package rest

import (
	"errors"
	"net/http"
	"reflect"
	"strconv"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
)

// relReq is a request on a relation of one row: /api/Model/{id}/{rel}...
type relReq struct {
	*request
	rel *relation
	id  string
	key any
}

// relation finds the request's relation and owner key, refusing kinds that
// the route does not serve with 404 (as LoopBack has no such method).
func (h *Handler) relation(q *request, kinds ...lbmodel.Kind) (*relReq, error) {
	name := q.r.PathValue("rel")
	r := q.m.rels[name]
	if r == nil {
		return nil, newError(http.StatusNotFound, codeNoRoute, "%s has no relation %q (relations: %s).", q.m.Name, name, names(q.m.rels))
	}
	if len(kinds) > 0 && !kindIn(r, kinds) {
		return nil, newError(http.StatusNotFound, codeNoRoute, "There is no method to handle %s %s: %s.%s is a %s relation.", q.r.Method, q.r.URL.Path, q.m.Name, r.Name, r.Kind)
	}
	rq := &relReq{request: q, rel: r, id: q.r.PathValue("id")}
	var ok bool
	if rq.key, ok = keyOf(q.m, rq.id); !ok {
		return nil, notFound(q.m, rq.id)
	}
	return rq, nil
}

func kindIn(r *relation, kinds []lbmodel.Kind) bool {
	for _, k := range kinds {
		if r.Kind == k || (k == lbmodel.HasManyThrough && r.Kind == lbmodel.HasAndBelongsToMany) {
			return true
		}
	}
	return false
}

// owner reads the row the path's id names, or answers 404.
func (h *Handler) owner(tx *memstore.Tx, rq *relReq) (reflect.Value, error) {
	row, err := h.q.Get(tx, rq.m.Name, rq.key)
	if errors.Is(err, memstore.ErrNotFound) {
		return reflect.Value{}, notFound(rq.m, rq.id)
	}
	if err != nil {
		return reflect.Value{}, err
	}
	return reflect.ValueOf(row), nil
}

// relGet: GET /api/Model/{id}/{rel}: the owner of a belongsTo, the row of a
// hasOne, the list of a hasMany or through relation (with ?filter=).
func (h *Handler) relGet(q *request) error {
	rq, err := h.relation(q)
	if err != nil {
		return err
	}
	var f filter.Filter
	probe := false
	if rq.rel.many() {
		if f, err = h.parseFilter(q); err != nil {
			return err
		}
		if probe, err = h.capLimit(&f, "limit"); err != nil {
			return err
		}
	}
	var body []byte
	truncated := false
	err = h.store.View(q.ctx(), func(tx *memstore.Tx) error {
		row, err := h.owner(tx, rq)
		if err != nil {
			return err
		}
		tm, rows, err := h.related(tx, rq.rel, row, f)
		if err != nil {
			return err
		}
		if !rq.rel.many() {
			if len(rows) == 0 {
				if rq.rel.Kind == lbmodel.BelongsTo {
					return newError(http.StatusNotFound, codeRelationEmpty, "%s %s has no %s: its %s is null.", q.m.Name, rq.id, rq.rel.Name, rq.rel.fk.Name)
				}
				return newError(http.StatusNotFound, codeNotFound, "No %q instance(s) found: %s %s has no %s.", rq.rel.target.Name, q.m.Name, rq.id, rq.rel.Name)
			}
			outs, err := h.outputs(tx, tm, rows, filter.Filter{}, "")
			if err != nil {
				return err
			}
			body = appendOut(nil, outs[0])
			return nil
		}
		if probe && len(rows) > h.cfg.MaxLimit {
			rows, truncated = rows[:h.cfg.MaxLimit], true
		}
		outs, err := h.outputs(tx, tm, rows, f, "")
		if err != nil {
			return err
		}
		body = appendOuts(nil, outs)
		return nil
	})
	if err != nil {
		return err
	}
	if truncated {
		q.w.Header().Set("X-Result-Truncated", "true")
	}
	writeJSON(q.w, http.StatusOK, body)
	return nil
}

// relCount: GET /api/Model/{id}/{rel}/count?where=...
func (h *Handler) relCount(q *request) error {
	rq, err := h.relation(q, lbmodel.HasMany, lbmodel.HasManyThrough)
	if err != nil {
		return err
	}
	where, err := h.parseWhere(q)
	if err != nil {
		return err
	}
	n := 0
	err = h.store.View(q.ctx(), func(tx *memstore.Tx) error {
		row, err := h.owner(tx, rq)
		if err != nil {
			return err
		}
		_, rows, err := h.related(tx, rq.rel, row, filter.Filter{Where: where})
		n = len(rows)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(q.w, http.StatusOK, []byte(`{"count":`+strconv.Itoa(n)+`}`))
	return nil
}

// scopedFixed returns the properties a row created through r for owner
// must have: its foreign key (and a polymorphic relation's discriminator).
func (r *relation) scopedFixed(owner reflect.Value) (map[string]any, error) {
	kv := fieldValue(owner, r.key)
	if kv == nil {
		return nil, badRequest("%s's %s is null: nothing can reference it through %s.", r.owner.Name, r.key.Name, r.Name)
	}
	fixed := map[string]any{r.fk.Name: kv}
	if r.disc != nil {
		fixed[r.disc.Name] = r.owner.Name
	}
	return fixed, nil
}

// relCreate: POST /api/Model/{id}/{rel}: create a related row (hasMany: one
// or an array; hasOne: the one; through: the far row and its link).
func (h *Handler) relCreate(q *request) error {
	rq, err := h.relation(q, lbmodel.HasMany, lbmodel.HasOne, lbmodel.HasManyThrough)
	if err != nil {
		return err
	}
	objs, isArray, err := readBody(q, rq.rel.Kind == lbmodel.HasMany)
	if err != nil {
		return err
	}
	rows := make([]draft, len(objs))
	err = h.store.Update(q.ctx(), func(tx *memstore.Tx) error {
		owner, err := h.owner(tx, rq)
		if err != nil {
			return err
		}
		if rq.rel.through != nil {
			far, err := buildRow(rq.rel.target, objs[0], reflect.Value{}, modeCreate, nil)
			if err != nil {
				return err
			}
			if err := h.insert(tx, rq.rel.target, &far); err != nil {
				return err
			}
			rows[0] = far
			_, err = h.link(tx, rq.rel, owner, fieldValue(far.ptr.Elem(), rq.rel.target.key), nil)
			return err
		}
		fixed, err := rq.rel.scopedFixed(owner)
		if err != nil {
			return err
		}
		if rq.rel.Kind == lbmodel.HasOne {
			where, _ := rq.rel.scopeWhere(owner)
			if n, err := h.q.Count(tx, rq.rel.target.Name, where); err != nil {
				return err
			} else if n > 0 {
				return newError(http.StatusConflict, codeConflict, "%s %s already has its %s (a hasOne): update it with PUT, or delete it first.", q.m.Name, rq.id, rq.rel.Name)
			}
		}
		for i, o := range objs {
			if rows[i], err = buildRow(rq.rel.target, o, reflect.Value{}, modeCreate, fixed); err != nil {
				return err
			}
			if err := h.insert(tx, rq.rel.target, &rows[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	h.writeRows(&request{w: q.w, r: q.r, m: rq.rel.target}, rows, isArray)
	return nil
}

// link inserts the link row of a through relation between owner and the
// far row whose key is farKey, with extra properties from the body.
func (h *Handler) link(tx *memstore.Tx, r *relation, owner reflect.Value, farKey any, body map[string]any) (draft, error) {
	fixed, err := r.scopedFixed(owner)
	if err != nil {
		return draft{}, err
	}
	fixed[r.keyThrough.Name] = farKey
	row, err := buildRow(r.through, body, reflect.Value{}, modeCreate, fixed)
	if err != nil {
		return row, err
	}
	return row, h.insert(tx, r.through, &row)
}

// relUpdate: PUT /api/Model/{id}/{rel}: update the row of a hasOne.
func (h *Handler) relUpdate(q *request) error {
	rq, err := h.relation(q, lbmodel.HasOne)
	if err != nil {
		return err
	}
	objs, _, err := readBody(q, false)
	if err != nil {
		return err
	}
	var row draft
	err = h.store.Update(q.ctx(), func(tx *memstore.Tx) error {
		owner, err := h.owner(tx, rq)
		if err != nil {
			return err
		}
		_, rows, err := h.related(tx, rq.rel, owner, filter.Filter{})
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return newError(http.StatusNotFound, codeNotFound, "No %q instance(s) found: %s %s has no %s.", rq.rel.target.Name, q.m.Name, rq.id, rq.rel.Name)
		}
		fixed, err := rq.rel.scopedFixed(owner)
		if err != nil {
			return err
		}
		fixed[rq.rel.target.key.Name] = fieldValue(reflect.ValueOf(rows[0]), rq.rel.target.key)
		if row, err = buildRow(rq.rel.target, objs[0], reflect.ValueOf(rows[0]), modePatch, fixed); err != nil {
			return err
		}
		return h.update(tx, rq.rel.target, &row)
	})
	if err != nil {
		return err
	}
	h.writeRows(&request{w: q.w, r: q.r, m: rq.rel.target}, []draft{row}, false)
	return nil
}

// relDelete: DELETE /api/Model/{id}/{rel}: delete the related rows (hasMany,
// hasOne; for a through relation, the far rows) in one transaction; 204.
func (h *Handler) relDelete(q *request) error {
	rq, err := h.relation(q, lbmodel.HasMany, lbmodel.HasOne, lbmodel.HasManyThrough)
	if err != nil {
		return err
	}
	err = h.store.Update(q.ctx(), func(tx *memstore.Tx) error {
		owner, err := h.owner(tx, rq)
		if err != nil {
			return err
		}
		_, rows, err := h.related(tx, rq.rel, owner, filter.Filter{})
		if err != nil {
			return err
		}
		return h.deleteRows(tx, rq.rel.target, rows)
	})
	if err != nil {
		return err
	}
	q.w.WriteHeader(http.StatusNoContent)
	return nil
}

// deleteRows deletes rows of m as one statement: the on-delete actions of
// every relation apply to them together.
func (h *Handler) deleteRows(tx *memstore.Tx, m *model, rows []any) error {
	if len(rows) == 0 {
		return nil
	}
	keys := make([]any, len(rows))
	for i, r := range rows {
		keys[i] = fieldValue(reflect.ValueOf(r), m.key)
	}
	_, err := h.q.DeleteAll(tx, m.Name, filter.Inq(m.key.Name, keys...))
	return err
}

// scoped returns the related row of rq whose key is the path's {fk}, or a
// 404 when it is not related to the owner.
func (h *Handler) scoped(tx *memstore.Tx, rq *relReq) (owner reflect.Value, row any, err error) {
	fk := rq.request.r.PathValue("fk")
	missing := newError(http.StatusNotFound, codeNotFound, "Unknown %q id %q (of %s %s's %s).", rq.rel.target.Name, fk, rq.m.Name, rq.id, rq.rel.Name)
	owner, err = h.owner(tx, rq)
	if err != nil {
		return owner, nil, err
	}
	key, ok := keyOf(rq.rel.target, fk)
	if !ok {
		return owner, nil, missing
	}
	_, rows, err := h.related(tx, rq.rel, owner, filter.Filter{Where: filter.Eq(rq.rel.target.key.Name, key)})
	if err != nil {
		return owner, nil, err
	}
	if len(rows) == 0 {
		return owner, nil, missing
	}
	return owner, rows[0], nil
}

// relFindByID: GET /api/Model/{id}/{rel}/{fk}
func (h *Handler) relFindByID(q *request) error {
	rq, err := h.relation(q, lbmodel.HasMany, lbmodel.HasManyThrough)
	if err != nil {
		return err
	}
	var body []byte
	err = h.store.View(q.ctx(), func(tx *memstore.Tx) error {
		_, row, err := h.scoped(tx, rq)
		if err != nil {
			return err
		}
		sh, err := h.shadowOf(tx, rq.rel.target, row)
		if err != nil {
			return err
		}
		body = appendOut(nil, &out{m: rq.rel.target, row: reflect.ValueOf(row), shadow: sh})
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(q.w, http.StatusOK, body)
	return nil
}

// relUpdateByID: PUT /api/Model/{id}/{rel}/{fk}: patch a related row; its
// foreign key cannot move to another owner through this route.
func (h *Handler) relUpdateByID(q *request) error {
	rq, err := h.relation(q, lbmodel.HasMany, lbmodel.HasManyThrough)
	if err != nil {
		return err
	}
	objs, _, err := readBody(q, false)
	if err != nil {
		return err
	}
	var row draft
	err = h.store.Update(q.ctx(), func(tx *memstore.Tx) error {
		owner, cur, err := h.scoped(tx, rq)
		if err != nil {
			return err
		}
		fixed := map[string]any{rq.rel.target.key.Name: fieldValue(reflect.ValueOf(cur), rq.rel.target.key)}
		if rq.rel.through == nil {
			more, err := rq.rel.scopedFixed(owner)
			if err != nil {
				return err
			}
			for k, v := range more {
				fixed[k] = v
			}
		}
		if row, err = buildRow(rq.rel.target, objs[0], reflect.ValueOf(cur), modePatch, fixed); err != nil {
			return err
		}
		return h.update(tx, rq.rel.target, &row)
	})
	if err != nil {
		return err
	}
	h.writeRows(&request{w: q.w, r: q.r, m: rq.rel.target}, []draft{row}, false)
	return nil
}

// relDeleteByID: DELETE /api/Model/{id}/{rel}/{fk}: delete a related row
// (for a through relation: its links to the owner, then the far row); 204.
func (h *Handler) relDeleteByID(q *request) error {
	rq, err := h.relation(q, lbmodel.HasMany, lbmodel.HasManyThrough)
	if err != nil {
		return err
	}
	err = h.store.Update(q.ctx(), func(tx *memstore.Tx) error {
		owner, row, err := h.scoped(tx, rq)
		if err != nil {
			return err
		}
		if rq.rel.through != nil {
			if err := h.unlink(tx, rq.rel, owner, fieldValue(reflect.ValueOf(row), rq.rel.target.key)); err != nil {
				return err
			}
		}
		return tx.Delete(row)
	})
	if err != nil {
		return err
	}
	q.w.WriteHeader(http.StatusNoContent)
	return nil
}

// linkWhere selects the links of r between owner and the far row farKey.
func (r *relation) linkWhere(owner reflect.Value, farKey any) (filter.Cond, bool) {
	where, ok := r.scopeWhere(owner)
	if !ok {
		return where, false
	}
	return and(where, filter.Eq(r.keyThrough.Name, farKey)), true
}

func (h *Handler) unlink(tx *memstore.Tx, r *relation, owner reflect.Value, farKey any) error {
	where, ok := r.linkWhere(owner, farKey)
	if !ok {
		return nil
	}
	_, err := h.q.DeleteAll(tx, r.through.Name, where)
	return err
}

// farKey reads the path's {fk} as a key of the far model, checking the row
// exists.
func (h *Handler) farKey(tx *memstore.Tx, rq *relReq) (any, error) {
	fk := rq.request.r.PathValue("fk")
	key, ok := keyOf(rq.rel.target, fk)
	if !ok {
		return nil, notFound(rq.rel.target, fk)
	}
	if _, err := h.q.Get(tx, rq.rel.target.Name, key); errors.Is(err, memstore.ErrNotFound) {
		return nil, notFound(rq.rel.target, fk)
	} else if err != nil {
		return nil, err
	}
	return key, nil
}

// relLink: PUT /api/Model/{id}/{rel}/rel/{fk}: link the owner to an
// existing far row; the body holds the link's other properties. The link
// row is returned.
func (h *Handler) relLink(q *request) error {
	rq, err := h.relation(q, lbmodel.HasManyThrough)
	if err != nil {
		return err
	}
	objs, _, err := readBody(q, false)
	if err != nil {
		return err
	}
	var row draft
	err = h.store.Update(q.ctx(), func(tx *memstore.Tx) error {
		owner, err := h.owner(tx, rq)
		if err != nil {
			return err
		}
		key, err := h.farKey(tx, rq)
		if err != nil {
			return err
		}
		row, err = h.link(tx, rq.rel, owner, key, objs[0])
		return err
	})
	if err != nil {
		return err
	}
	h.writeRows(&request{w: q.w, r: q.r, m: rq.rel.through}, []draft{row}, false)
	return nil
}

// relUnlink: DELETE /api/Model/{id}/{rel}/rel/{fk}: remove the link (the far
// row stays); 204.
func (h *Handler) relUnlink(q *request) error {
	rq, err := h.relation(q, lbmodel.HasManyThrough)
	if err != nil {
		return err
	}
	err = h.store.Update(q.ctx(), func(tx *memstore.Tx) error {
		owner, err := h.owner(tx, rq)
		if err != nil {
			return err
		}
		key, err := h.farKey(tx, rq)
		if err != nil {
			return err
		}
		return h.unlink(tx, rq.rel, owner, key)
	})
	if err != nil {
		return err
	}
	q.w.WriteHeader(http.StatusNoContent)
	return nil
}

// relLinked: HEAD /api/Model/{id}/{rel}/rel/{fk}: 200 when linked, else 404.
func (h *Handler) relLinked(q *request) error {
	if q.r.Method != http.MethodHead {
		return newError(http.StatusNotFound, codeNoRoute, "There is no method to handle %s %s (HEAD tells whether the link exists).", q.r.Method, q.r.URL.Path)
	}
	rq, err := h.relation(q, lbmodel.HasManyThrough)
	if err != nil {
		return err
	}
	linked := false
	err = h.store.View(q.ctx(), func(tx *memstore.Tx) error {
		owner, err := h.owner(tx, rq)
		if err != nil {
			return err
		}
		key, ok := keyOf(rq.rel.target, rq.request.r.PathValue("fk"))
		if !ok {
			return nil
		}
		where, ok := rq.rel.linkWhere(owner, key)
		if !ok {
			return nil
		}
		n, err := h.q.Count(tx, rq.rel.through.Name, where)
		linked = n > 0
		return err
	})
	if err != nil {
		return err
	}
	if !linked {
		return newError(http.StatusNotFound, codeNotFound, "%s %s is not linked to %s %s through %s.", q.m.Name, rq.id, rq.rel.target.Name, q.r.PathValue("fk"), rq.rel.Name)
	}
	q.w.WriteHeader(http.StatusOK)
	return nil
}
