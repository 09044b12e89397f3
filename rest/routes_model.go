package rest

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
)

// find: GET /api/Model?filter=...
// When the page may have a next one (it has the filter's limit of rows, or
// it was truncated at MaxLimit), the header X-Next-After holds the filter's
// after for it: the JSON array of the last row's order values.
func (h *Handler) find(q *request) error {
	f, err := h.parseFilter(q)
	if err != nil {
		return err
	}
	probe, err := h.capLimit(&f, "limit")
	if err != nil {
		return err
	}
	mq, err := h.q.Query(q.m.Name, f)
	if err != nil {
		return err
	}
	var body, next []byte
	truncated := false
	err = h.store.View(q.ctx(), func(tx *memstore.Tx) error {
		rows, err := mq.Find(tx)
		if err != nil {
			return err
		}
		if probe && len(rows) > h.cfg.MaxLimit {
			rows, truncated = rows[:h.cfg.MaxLimit], true
		}
		if len(rows) > 0 && (truncated || !probe && len(rows) == f.Limit) {
			after, err := mq.After(rows[len(rows)-1])
			if err != nil {
				return err
			}
			next = appendAfter(nil, after)
		}
		outs, err := h.outputs(tx, q.m, rows, f, "")
		if err != nil {
			return err
		}
		body = appendOuts(make([]byte, 0, 256*len(outs)+2), outs)
		return nil
	})
	if err != nil {
		return err
	}
	if truncated {
		q.w.Header().Set("X-Result-Truncated", "true")
	}
	if next != nil {
		q.w.Header().Set("X-Next-After", string(next))
	}
	writeJSON(q.w, http.StatusOK, body)
	return nil
}

// appendAfter appends the JSON array of a keyset position's values, as the
// rows print them, with every non-ASCII character escaped (a header value).
// It appends nothing for nil (an order over a column the rows lack).
func appendAfter(b []byte, after []any) []byte {
	if after == nil {
		return b
	}
	var js []byte
	js = append(js, '[')
	for i, v := range after {
		if i > 0 {
			js = append(js, ',')
		}
		if v == nil {
			js = append(js, "null"...)
			continue
		}
		js = appendValue(js, reflect.ValueOf(v))
	}
	js = append(js, ']')
	for _, r := range string(js) {
		if r < utf8.RuneSelf {
			b = append(b, byte(r))
			continue
		}
		for _, u := range utf16.Encode([]rune{r}) {
			b = fmt.Appendf(b, `\u%04x`, u)
		}
	}
	return b
}

// findOne: GET /api/Model/findOne?filter=...
func (h *Handler) findOne(q *request) error {
	f, err := h.parseFilter(q)
	if err != nil {
		return err
	}
	f.Limit = 1
	return h.viewOne(q, func(tx *memstore.Tx) (any, error) {
		rows, err := h.q.Find(tx, q.m.Name, f)
		if err != nil || len(rows) == 0 {
			return nil, err
		}
		return rows[0], nil
	}, f, func() error {
		return newError(http.StatusNotFound, codeNotFound, "No %q instance matches the filter.", q.m.Name)
	})
}

// viewOne writes the row get returns, with f's fields and includes, or the
// error missing returns when there is none.
func (h *Handler) viewOne(q *request, get func(tx *memstore.Tx) (any, error), f filter.Filter, missing func() error) error {
	var body []byte
	err := h.store.View(q.ctx(), func(tx *memstore.Tx) error {
		row, err := get(tx)
		if errors.Is(err, memstore.ErrNotFound) || (err == nil && row == nil) {
			return missing()
		}
		if err != nil {
			return err
		}
		outs, err := h.outputs(tx, q.m, []any{row}, f, "")
		if err != nil {
			return err
		}
		body = appendOut(nil, outs[0])
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(q.w, http.StatusOK, body)
	return nil
}

// findByID: GET /api/Model/{id}?filter={"fields":...,"include":...}
func (h *Handler) findByID(q *request) error {
	if q.r.Method == http.MethodHead {
		return h.head(q)
	}
	f, err := h.parseFilter(q)
	if err != nil {
		return err
	}
	if !f.Where.IsZero() || len(f.Order) > 0 || f.Limit != 0 || f.Skip != 0 || len(f.After) > 0 {
		return newError(http.StatusBadRequest, codeBadFilter, "filter: a find by id takes fields and include only")
	}
	id := q.r.PathValue("id")
	missing := func() error { return notFound(q.m, id) }
	key, ok := keyOf(q.m, id)
	if !ok {
		return missing()
	}
	return h.viewOne(q, func(tx *memstore.Tx) (any, error) { return h.q.Get(tx, q.m.Name, key) }, f, missing)
}

// existsByID reports whether the row with the path's id exists.
func (h *Handler) existsByID(q *request) (bool, error) {
	key, ok := keyOf(q.m, q.r.PathValue("id"))
	if !ok {
		return false, nil
	}
	found := false
	err := h.store.View(q.ctx(), func(tx *memstore.Tx) error {
		_, err := h.q.Get(tx, q.m.Name, key)
		if errors.Is(err, memstore.ErrNotFound) {
			return nil
		}
		found = err == nil
		return err
	})
	return found, err
}

// exists: GET /api/Model/{id}/exists
func (h *Handler) exists(q *request) error {
	found, err := h.existsByID(q)
	if err != nil {
		return err
	}
	writeJSON(q.w, http.StatusOK, []byte(`{"exists":`+strconv.FormatBool(found)+`}`))
	return nil
}

// head: HEAD /api/Model/{id}: 200, or 404.
func (h *Handler) head(q *request) error {
	found, err := h.existsByID(q)
	if err != nil {
		return err
	}
	if !found {
		return notFound(q.m, q.r.PathValue("id"))
	}
	q.w.WriteHeader(http.StatusOK)
	return nil
}

// count: GET /api/Model/count?where=...
func (h *Handler) count(q *request) error {
	where, err := h.parseWhere(q)
	if err != nil {
		return err
	}
	n := 0
	err = h.store.View(q.ctx(), func(tx *memstore.Tx) error {
		var err error
		n, err = h.q.Count(tx, q.m.Name, where)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(q.w, http.StatusOK, []byte(`{"count":`+strconv.Itoa(n)+`}`))
	return nil
}

// create: POST /api/Model with an object or an array of objects, all
// inserted in one transaction.
func (h *Handler) create(q *request) error {
	objs, isArray, err := readBody(q, true)
	if err != nil {
		return err
	}
	rows := make([]draft, len(objs))
	for i, o := range objs {
		if rows[i], err = buildRow(q.m, o, reflect.Value{}, modeCreate, nil); err != nil {
			return err
		}
	}
	err = h.store.Update(q.ctx(), func(tx *memstore.Tx) error {
		for i := range rows {
			if err := h.insert(tx, q.m, &rows[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	h.writeRows(q, rows, isArray)
	return nil
}

// writeRows writes rows (as written) as an object or an array.
func (h *Handler) writeRows(q *request, rows []draft, array bool) {
	outs := make([]*out, len(rows))
	for i, r := range rows {
		outs[i] = &out{m: q.m, row: r.ptr.Elem(), shadow: r.shadow}
	}
	if array {
		writeJSON(q.w, http.StatusOK, appendOuts(nil, outs))
		return
	}
	writeJSON(q.w, http.StatusOK, appendOut(nil, outs[0]))
}

// upsert: PATCH /api/Model: patch the row with the body's id, or create.
func (h *Handler) upsert(q *request) error { return h.upsertBy(q, modePatch) }

// replaceOrCreate: PUT /api/Model and POST /api/Model/replaceOrCreate:
// replace the row with the body's id, or create.
func (h *Handler) replaceOrCreate(q *request) error { return h.upsertBy(q, modeReplace) }

func (h *Handler) upsertBy(q *request, md mode) error {
	objs, _, err := readBody(q, false)
	if err != nil {
		return err
	}
	body := objs[0]
	var row draft
	err = h.store.Update(q.ctx(), func(tx *memstore.Tx) error {
		var existing any
		if q.m.key != nil {
			if raw, ok := body[q.m.key.Name]; ok && raw != nil {
				key, err := convertKey(q.m, raw)
				if err != nil {
					return err
				}
				if existing, err = h.q.Get(tx, q.m.Name, key); err != nil && !errors.Is(err, memstore.ErrNotFound) {
					return err
				}
			}
		}
		if existing == nil {
			if row, err = buildRow(q.m, body, reflect.Value{}, modeCreate, nil); err != nil {
				return err
			}
			return h.insert(tx, q.m, &row)
		}
		base := reflect.ValueOf(existing)
		if md == modeReplace {
			base = reflect.Value{}
		}
		key := fieldValue(reflect.ValueOf(existing), q.m.key)
		if row, err = buildRow(q.m, body, base, md, map[string]any{q.m.key.Name: key}); err != nil {
			return err
		}
		return h.update(tx, q.m, &row)
	})
	if err != nil {
		return err
	}
	h.writeRows(q, []draft{row}, false)
	return nil
}

// convertKey converts an id from a body.
func convertKey(m *model, raw any) (any, error) {
	v, ok := keyValue(m, raw)
	if !ok {
		v := &validation{model: m.Name}
		v.add(m.key.Name, "type", "is not a valid id", raw)
		return nil, v.err()
	}
	return v, nil
}

// upsertWithWhere: POST /api/Model/upsertWithWhere?where=...: patch the one
// row the where matches, or create one; several matches are refused.
func (h *Handler) upsertWithWhere(q *request) error {
	where, err := h.parseWhere(q)
	if err != nil {
		return err
	}
	objs, _, err := readBody(q, false)
	if err != nil {
		return err
	}
	var row draft
	err = h.store.Update(q.ctx(), func(tx *memstore.Tx) error {
		rows, err := h.q.Find(tx, q.m.Name, filter.Filter{Where: where, Limit: 2})
		if err != nil {
			return err
		}
		switch len(rows) {
		case 0:
			if row, err = buildRow(q.m, objs[0], reflect.Value{}, modeCreate, nil); err != nil {
				return err
			}
			return h.insert(tx, q.m, &row)
		case 1:
			var fixed map[string]any
			if q.m.key != nil {
				fixed = map[string]any{q.m.key.Name: fieldValue(reflect.ValueOf(rows[0]), q.m.key)}
			}
			if row, err = buildRow(q.m, objs[0], reflect.ValueOf(rows[0]), modePatch, fixed); err != nil {
				return err
			}
			return h.update(tx, q.m, &row)
		}
		return newError(http.StatusBadRequest, codeConflict, "There are several %q instances that match the where: upsertWithWhere updates one.", q.m.Name)
	})
	if err != nil {
		return err
	}
	h.writeRows(q, []draft{row}, false)
	return nil
}

// deleteAll: DELETE /api/Model?where=...: delete the matching rows, with
// their relations' onDelete, in one transaction; {"count": n}. A where is
// required (where={} deletes every row).
func (h *Handler) deleteAll(q *request) error {
	if _, ok := q.r.URL.Query()["where"]; !ok && !hasWhereParams(q) {
		return badRequest("A delete of several %s needs a where: ?where={} deletes every row.", q.m.Name)
	}
	where, err := h.parseWhere(q)
	if err != nil {
		return err
	}
	n := 0
	err = h.store.Update(q.ctx(), func(tx *memstore.Tx) error {
		n, err = h.q.DeleteAll(tx, q.m.Name, where)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(q.w, http.StatusOK, []byte(`{"count":`+strconv.Itoa(n)+`}`))
	return nil
}

func hasWhereParams(q *request) bool {
	for k := range q.r.URL.Query() {
		if len(k) > 6 && k[:6] == "where[" {
			return true
		}
	}
	return false
}

// updateAll: POST /api/Model/update?where=... with the properties to set;
// {"count": n}.
func (h *Handler) updateAll(q *request) error {
	where, err := h.parseWhere(q)
	if err != nil {
		return err
	}
	objs, _, err := readBody(q, false)
	if err != nil {
		return err
	}
	patch, err := patchValues(q.m, objs[0])
	if err != nil {
		return err
	}
	n := 0
	err = h.store.Update(q.ctx(), func(tx *memstore.Tx) error {
		n, err = h.q.UpdateAll(tx, q.m.Name, where, patch)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(q.w, http.StatusOK, []byte(`{"count":`+strconv.Itoa(n)+`}`))
	return nil
}

// replaceByID: PUT /api/Model/{id} and POST /api/Model/{id}/replace.
func (h *Handler) replaceByID(q *request) error { return h.writeByID(q, modeReplace) }

// patchByID: PATCH /api/Model/{id}.
func (h *Handler) patchByID(q *request) error { return h.writeByID(q, modePatch) }

func (h *Handler) writeByID(q *request, md mode) error {
	id := q.r.PathValue("id")
	key, ok := keyOf(q.m, id)
	if !ok {
		return notFound(q.m, id)
	}
	objs, _, err := readBody(q, false)
	if err != nil {
		return err
	}
	var row draft
	err = h.store.Update(q.ctx(), func(tx *memstore.Tx) error {
		existing, err := h.q.Get(tx, q.m.Name, key)
		if errors.Is(err, memstore.ErrNotFound) {
			return notFound(q.m, id)
		}
		if err != nil {
			return err
		}
		base := reflect.ValueOf(existing)
		if md == modeReplace {
			base = reflect.Value{}
		}
		if row, err = buildRow(q.m, objs[0], base, md, map[string]any{q.m.key.Name: key}); err != nil {
			return err
		}
		return h.update(tx, q.m, &row)
	})
	if err != nil {
		return err
	}
	h.writeRows(q, []draft{row}, false)
	return nil
}

// deleteByID: DELETE /api/Model/{id}: {"count": 1}, or {"count": 0} when
// there is no such row (as LoopBack answers).
func (h *Handler) deleteByID(q *request) error {
	key, ok := keyOf(q.m, q.r.PathValue("id"))
	n := 0
	if ok {
		err := h.store.Update(q.ctx(), func(tx *memstore.Tx) error {
			row, err := h.q.Get(tx, q.m.Name, key)
			if errors.Is(err, memstore.ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			n = 1
			return tx.Delete(row)
		})
		if err != nil {
			return err
		}
	}
	writeJSON(q.w, http.StatusOK, []byte(`{"count":`+strconv.Itoa(n)+`}`))
	return nil
}
