package memstore

import (
	"unsafe"

	"github.com/relstore/relstore/filter"
)

// relQueryCore is a filter bound to the source model of a relation and
// scoped, at each call, to the rows of one owner: those whose foreign key
// is the owner's encoded key k (relCore.AppendKey). It is bound once and
// run for any number of owners (a customer's orders with a where, an order
// and a limit; an include scope, per owner). The foreign key's equality
// plans like any other condition: the foreign key's index, or a secondary
// index that starts with the foreign key field. It is the core of
// internal/relcore's RelQuery[S, T] (see relCore for how rows cross it). A
// relQueryCore is immutable and safe for concurrent use.
type relQueryCore struct {
	r *relCore
	b *bound
}

// Query binds f to the relation's source model, scoped to one owner per
// call: a *relQueryCore. Refusals are as Table.Query's.
func (r *relCore) Query(f filter.Filter) (any, error) {
	b, err := bind(r.s, r.r.source, f, r.r.fk)
	if err != nil {
		return nil, err
	}
	return &relQueryCore{r: r, b: b}, nil
}

// Filter returns the filter q was bound from.
func (q *relQueryCore) Filter() filter.Filter { return q.b.f }

// Explain returns q's plan; the owner's key is the first equality.
func (q *relQueryCore) Explain() Plan { return q.b.plan.Plan }

func (q *relQueryCore) enter(tx *Tx, op string, k []byte, write bool) error {
	if err := q.r.enter(tx, op, write); err != nil {
		return err
	}
	if err := q.r.r.checkKey(op, k); err != nil {
		if write {
			tx.fail(err)
		}
		tx.leave()
		return err
	}
	return nil
}

// All returns the sequence of the stored rows of the owner that q selects,
// in q's order; the caller copies each row before its yield returns. The
// sequence is valid as Table.Scan's is.
func (q *relQueryCore) All(tx *Tx, k []byte) (func(yield func(unsafe.Pointer) bool), error) {
	const op = "query"
	if err := q.enter(tx, op, k, false); err != nil {
		return nil, err
	}
	defer tx.leave()
	run := q.b.start(tx, k)
	return func(yield func(unsafe.Pointer) bool) {
		run.each(func(rec *record) bool { return yield(rec.ptr) })
	}, nil
}

// Find appends to rows the stored rows of the owner that q selects, in q's
// order; the caller copies them.
func (q *relQueryCore) Find(tx *Tx, k []byte, rows []unsafe.Pointer) ([]unsafe.Pointer, error) {
	const op = "find"
	if err := q.enter(tx, op, k, false); err != nil {
		return rows, err
	}
	defer tx.leave()
	err := q.b.find(tx, k, func(rec *record) { rows = append(rows, rec.ptr) })
	return rows, err
}

// Count returns the number of the owner's rows that q selects.
func (q *relQueryCore) Count(tx *Tx, k []byte) (int, error) {
	if err := q.enter(tx, "count", k, false); err != nil {
		return 0, err
	}
	defer tx.leave()
	return q.b.count(tx, k)
}

// Exists reports whether q selects a row of the owner.
func (q *relQueryCore) Exists(tx *Tx, k []byte) (bool, error) {
	if err := q.enter(tx, "exists", k, false); err != nil {
		return false, err
	}
	defer tx.leave()
	return q.b.exists(tx, k)
}

// Delete deletes the owner's rows that q selects, as Query.Delete does,
// and returns how many.
func (q *relQueryCore) Delete(tx *Tx, k []byte) (int, error) {
	const op = "delete"
	if err := q.enter(tx, op, k, true); err != nil {
		return 0, err
	}
	defer tx.leave()
	return q.b.delete(tx, k, op)
}

// Update calls edit with a copy of each of the owner's rows that q selects
// (a pointer to a value of the source's Go type) and writes it back, as
// Query.Update does; it returns how many rows it wrote.
func (q *relQueryCore) Update(tx *Tx, k []byte, edit func(unsafe.Pointer) error) (int, error) {
	const op = "update"
	if err := q.enter(tx, op, k, true); err != nil {
		return 0, err
	}
	defer tx.leave()
	if edit == nil {
		return 0, tx.fail(invalidf("%s %s: nil function", op, q.b.m.name))
	}
	return q.b.update(tx, k, op, edit)
}
