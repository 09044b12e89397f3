package memstore

import (
	"reflect"

	"github.com/relstore/relstore/filter"
)

// ModelQuery is a filter bound to a model named at run time, for tools
// that work on any model (a REST server, a fixture loader): Query's
// untyped twin, with the same binding, planner and semantics. Rows come
// out as struct values of the model's type (not pointers), which
// encoding/json prints with their json tag names. A ModelQuery is
// immutable and safe for concurrent use.
type ModelQuery struct {
	s *Store
	b *bound
}

// Field is a field of a model as filters name it: by its Go name or its
// json tag name.
type Field struct {
	Name  string       // the Go field name
	JSON  string       // the json tag name; the Go name when untagged, "" for json:"-"
	Type  reflect.Type // the field's type
	Index []int        // the field's index sequence, for reflect.Value.FieldByIndex
}

// Query binds f to the model named model, as Table.Query binds a typed
// filter (its doc says how filters bind and plan). It fails with ErrInvalid for an unknown model and with a
// *FilterError for a filter the model cannot take.
func (s *Store) Query(model string, f filter.Filter) (*ModelQuery, error) {
	if s == nil {
		return nil, invalidf("query: nil store")
	}
	m := s.schema.byName[model]
	if m == nil {
		return nil, s.schema.unknownModel("query", model)
	}
	b, err := bind(s, m, f, nil)
	if err != nil {
		return nil, err
	}
	return &ModelQuery{s: s, b: b}, nil
}

func (q *ModelQuery) enter(tx *Tx, op string, write bool) error {
	return tx.enter(q.s, "query of", q.b.m.name, op, write)
}

// Model returns the name of the model q is bound to.
func (q *ModelQuery) Model() string { return q.b.m.name }

// Filter returns the filter q was bound from.
func (q *ModelQuery) Filter() filter.Filter { return q.b.f }

// Explain returns q's plan.
func (q *ModelQuery) Explain() Plan { return q.b.plan.Plan }

// Fields returns the fields the filter's Fields projection keeps, in the
// struct's order: every field for the zero filter.Fields. As in LoopBack,
// the primary key is kept only when listed. The rows Find returns are
// whole structs; a server prints these fields of them.
func (q *ModelQuery) Fields() []Field { return q.b.projection() }

// Find returns copies of the rows of q, in its order, as struct values.
func (q *ModelQuery) Find(tx *Tx) ([]any, error) {
	const op = "find"
	if err := q.enter(tx, op, false); err != nil {
		return nil, err
	}
	defer tx.leave()
	res := make([]any, 0, q.b.sizeHint())
	err := q.b.find(tx, nil, func(rec *record) { res = append(res, q.b.m.boxRow(rec)) })
	if err != nil {
		return nil, err
	}
	return res, nil
}

// First returns a copy of the first row of q, or a *NotFoundError matching
// ErrNotFound.
func (q *ModelQuery) First(tx *Tx) (any, error) {
	const op = "find one"
	if err := q.enter(tx, op, false); err != nil {
		return nil, err
	}
	defer tx.leave()
	rec, err := q.b.first(tx, nil, op)
	if err != nil {
		return nil, err
	}
	return q.b.m.boxRow(rec), nil
}

// Count returns the number of rows Find would return.
func (q *ModelQuery) Count(tx *Tx) (int, error) {
	if err := q.enter(tx, "count", false); err != nil {
		return 0, err
	}
	defer tx.leave()
	return q.b.count(tx, nil)
}

// Exists reports whether Find would return a row.
func (q *ModelQuery) Exists(tx *Tx) (bool, error) {
	if err := q.enter(tx, "exists", false); err != nil {
		return false, err
	}
	defer tx.leave()
	return q.b.exists(tx, nil)
}

// Delete deletes the rows Find would return, as Query.Delete does, and
// returns how many.
func (q *ModelQuery) Delete(tx *Tx) (int, error) {
	const op = "delete"
	if err := q.enter(tx, op, true); err != nil {
		return 0, err
	}
	defer tx.leave()
	return q.b.delete(tx, nil, op)
}

// Patch sets the fields of patch, named by Go name or json tag name, on
// every row Find would return, and returns how many rows it wrote. A value
// is converted to the field's type as filter.Coerce converts a condition's
// (nil sets a pointer field to nil), or assigned as is when it has the
// field's type. The primary key cannot be patched. Each row is checked as
// Table.Update checks it; any refusal aborts the transaction.
func (q *ModelQuery) Patch(tx *Tx, patch map[string]any) (int, error) {
	const op = "update"
	if err := q.enter(tx, op, true); err != nil {
		return 0, err
	}
	defer tx.leave()
	edit, err := q.b.m.compilePatch(op, patch)
	if err != nil {
		return 0, tx.fail(err)
	}
	return q.b.update(tx, nil, op, edit)
}

// After returns the After of a filter that continues after row, a value
// of the model or a pointer to one, in q's order; nil when the order has a
// column the struct lacks (see Query.After).
func (q *ModelQuery) After(row any) ([]any, error) {
	p, err := q.b.m.rowPtr("after", row)
	if err != nil {
		return nil, err
	}
	return q.b.after(p), nil
}

// Get returns a copy of the row of the named model whose primary key is
// key, or a *NotFoundError. key is converted to the key's type exactly, as
// filter.Coerce converts a value: 7, json.Number("7") and filter.Text("7")
// are all the int64 key 7; 7.5 and "7" are refused with ErrInvalid.
func (tx *Tx) Get(model string, key any) (any, error) {
	const op = "get"
	if err := tx.enter(nil, "", "", op, false); err != nil {
		return nil, err
	}
	defer tx.leave()
	m, err := tx.s.modelNamed(op, model)
	if err != nil {
		return nil, err
	}
	k, err := encodeValue(op, m, m.pk, key)
	if err != nil {
		return nil, err
	}
	rec := tx.lookup(m, m.pk, k)
	if rec == nil {
		return nil, &NotFoundError{Op: op, Model: m.name, Field: m.pk.name, Value: m.pk.codec.value(k)}
	}
	return m.boxRow(rec), nil
}

// ByFK returns copies of the rows of the named model whose foreign key of
// relation equals value, converted to the key's type as Get converts it,
// in primary key order, through the foreign key's index.
func (tx *Tx) ByFK(model, relation string, value any) ([]any, error) {
	const op = "by foreign key"
	if err := tx.enter(nil, "", "", op, false); err != nil {
		return nil, err
	}
	defer tx.leave()
	m, err := tx.s.modelNamed(op, model)
	if err != nil {
		return nil, err
	}
	r := m.relMap[relation]
	if r == nil {
		return nil, invalidf("%s %s: no relation %q (its belongsTo relations: %s)", op, m.name, relation, listOr(belongsToNames(m, nil)))
	}
	k, err := encodeValue(op, m, r.fk, value)
	if err != nil {
		return nil, err
	}
	var out []any
	tx.each(m, r.fk, k, func(rec *record) bool {
		out = append(out, m.boxRow(rec))
		return true
	})
	return out, nil
}

// Find binds f to the named model and returns its rows (see
// ModelQuery.Find).
func (tx *Tx) Find(model string, f filter.Filter) ([]any, error) {
	q, err := tx.query(model, f)
	if err != nil {
		return nil, err
	}
	return q.Find(tx)
}

// FindOne binds f to the named model and returns its first row, or
// ErrNotFound.
func (tx *Tx) FindOne(model string, f filter.Filter) (any, error) {
	q, err := tx.query(model, f)
	if err != nil {
		return nil, err
	}
	return q.First(tx)
}

// Count returns the number of rows of the named model where matches.
func (tx *Tx) Count(model string, where filter.Cond) (int, error) {
	q, err := tx.query(model, filter.Filter{Where: where})
	if err != nil {
		return 0, err
	}
	return q.Count(tx)
}

// Exists reports whether a row of the named model matches where.
func (tx *Tx) Exists(model string, where filter.Cond) (bool, error) {
	q, err := tx.query(model, filter.Filter{Where: where})
	if err != nil {
		return false, err
	}
	return q.Exists(tx)
}

// DeleteAll deletes the rows of the named model where matches, as one
// statement (see Query.Delete), and returns how many.
func (tx *Tx) DeleteAll(model string, where filter.Cond) (int, error) {
	q, err := tx.query(model, filter.Filter{Where: where})
	if err != nil {
		return 0, tx.refuseWrite("delete", err)
	}
	return q.Delete(tx)
}

// UpdateAll sets the fields of patch on every row of the named model where
// matches (see ModelQuery.Patch) and returns how many rows it wrote.
func (tx *Tx) UpdateAll(model string, where filter.Cond, patch map[string]any) (int, error) {
	q, err := tx.query(model, filter.Filter{Where: where})
	if err != nil {
		return 0, tx.refuseWrite("update", err)
	}
	return q.Patch(tx, patch)
}

// refuseWrite aborts tx, a write transaction, for a write refused before
// it started (a filter the model cannot take), as any refused write
// aborts it, and returns err.
func (tx *Tx) refuseWrite(op string, err error) error {
	if tx.enter(nil, "", "", op, true) == nil {
		tx.fail(err)
		tx.leave()
	}
	return err
}

// query binds f to the named model for the Tx conveniences.
func (tx *Tx) query(model string, f filter.Filter) (*ModelQuery, error) {
	if tx == nil {
		return nil, invalidf("query: nil transaction")
	}
	return tx.s.Query(model, f)
}
