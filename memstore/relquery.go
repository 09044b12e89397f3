package memstore

import (
	"iter"
	"unsafe"

	"github.com/relstore/relstore/filter"
)

// RelQuery is a filter bound to the source model S of a relation and
// scoped, at each call, to the rows of one owner: those whose foreign key
// is the owner's encoded key k (Rel.AppendKey). It is bound once and run
// for any number of owners (a customer's orders with a where, an order and
// a limit; an include scope, per owner). The foreign key's equality plans
// like any other condition: the foreign key's index, or a secondary index
// that starts with the foreign key field. A RelQuery is immutable and safe
// for concurrent use.
//
// For package relations; most programs use package relations instead.
type RelQuery[S, T any] struct {
	r *Rel[S, T]
	b *bound
}

// Query binds f to the relation's source model, scoped to one owner per
// call. Refusals are as Table.Query's.
func (r *Rel[S, T]) Query(f filter.Filter) (*RelQuery[S, T], error) {
	b, err := bind(r.s, r.r.source, f, r.r.fk)
	if err != nil {
		return nil, err
	}
	return &RelQuery[S, T]{r: r, b: b}, nil
}

// Filter returns the filter q was bound from.
func (q *RelQuery[S, T]) Filter() filter.Filter { return q.b.f }

// Explain returns q's plan; the owner's key is the first equality.
func (q *RelQuery[S, T]) Explain() Plan { return q.b.plan.Plan }

func (q *RelQuery[S, T]) enter(tx *Tx, op string, k []byte, write bool) error {
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

// All returns copies of the owner's rows that q selects, in q's order. The
// sequence is valid as Table.Scan's is.
func (q *RelQuery[S, T]) All(tx *Tx, k []byte) (iter.Seq[S], error) {
	const op = "query"
	if err := q.enter(tx, op, k, false); err != nil {
		return nil, err
	}
	defer tx.leave()
	run := q.b.start(tx, k)
	m := q.b.m
	return func(yield func(S) bool) {
		run.each(func(rec *record) bool { return yield(out[S](m, rec)) })
	}, nil
}

// Find returns copies of the owner's rows that q selects, in q's order.
func (q *RelQuery[S, T]) Find(tx *Tx, k []byte) ([]S, error) {
	const op = "find"
	if err := q.enter(tx, op, k, false); err != nil {
		return nil, err
	}
	defer tx.leave()
	return findRows[S](q.b, tx, k)
}

// Count returns the number of the owner's rows that q selects.
func (q *RelQuery[S, T]) Count(tx *Tx, k []byte) (int, error) {
	if err := q.enter(tx, "count", k, false); err != nil {
		return 0, err
	}
	defer tx.leave()
	return q.b.count(tx, k)
}

// Exists reports whether q selects a row of the owner.
func (q *RelQuery[S, T]) Exists(tx *Tx, k []byte) (bool, error) {
	if err := q.enter(tx, "exists", k, false); err != nil {
		return false, err
	}
	defer tx.leave()
	return q.b.exists(tx, k)
}

// Delete deletes the owner's rows that q selects, as Query.Delete does,
// and returns how many.
func (q *RelQuery[S, T]) Delete(tx *Tx, k []byte) (int, error) {
	const op = "delete"
	if err := q.enter(tx, op, k, true); err != nil {
		return 0, err
	}
	defer tx.leave()
	return q.b.delete(tx, k, op)
}

// Update calls fn with a copy of each of the owner's rows that q selects
// and writes it back, as Query.Update does; it returns how many rows it
// wrote.
func (q *RelQuery[S, T]) Update(tx *Tx, k []byte, fn func(*S) error) (int, error) {
	const op = "update"
	if err := q.enter(tx, op, k, true); err != nil {
		return 0, err
	}
	defer tx.leave()
	if fn == nil {
		return 0, tx.fail(invalidf("%s %s: nil function", op, q.b.m.name))
	}
	return q.b.update(tx, k, op, func(p unsafe.Pointer) error { return fn((*S)(p)) })
}
