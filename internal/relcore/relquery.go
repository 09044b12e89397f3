package relcore

import (
	"iter"
	"unsafe"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
)

// queryCore is the method set of memstore's core of a RelQuery; rows are as
// relCore's.
type queryCore interface {
	Filter() filter.Filter
	Explain() memstore.Plan
	All(tx *memstore.Tx, k []byte) (func(yield func(unsafe.Pointer) bool), error)
	Find(tx *memstore.Tx, k []byte, rows []unsafe.Pointer) ([]unsafe.Pointer, error)
	Count(tx *memstore.Tx, k []byte) (int, error)
	Exists(tx *memstore.Tx, k []byte) (bool, error)
	Delete(tx *memstore.Tx, k []byte) (int, error)
	Update(tx *memstore.Tx, k []byte, edit func(unsafe.Pointer) error) (int, error)
}

// RelQuery is a filter bound to the source model S of a relation and
// scoped, at each call, to the rows of one owner: those whose foreign key
// is the owner's encoded key k (Rel.AppendKey). It is bound once and run
// for any number of owners (a customer's orders with a where, an order and
// a limit; an include scope, per owner). The foreign key's equality plans
// like any other condition: the foreign key's index, or a secondary index
// that starts with the foreign key field. A RelQuery is immutable and safe
// for concurrent use.
type RelQuery[S, T any] struct {
	r *Rel[S, T]
	q queryCore
}

// Query binds f to the relation's source model, scoped to one owner per
// call. Refusals are as memstore's Table.Query's.
func (r *Rel[S, T]) Query(f filter.Filter) (*RelQuery[S, T], error) {
	q, err := r.c.Query(f)
	if err != nil {
		return nil, err
	}
	return &RelQuery[S, T]{r: r, q: assertCore[queryCore](q)}, nil
}

// Filter returns the filter q was bound from.
func (q *RelQuery[S, T]) Filter() filter.Filter { return q.q.Filter() }

// Explain returns q's plan; the owner's key is the first equality.
func (q *RelQuery[S, T]) Explain() memstore.Plan { return q.q.Explain() }

// All returns copies of the owner's rows that q selects, in q's order. The
// sequence is valid as memstore's Table.Scan's is.
func (q *RelQuery[S, T]) All(tx *memstore.Tx, k []byte) (iter.Seq[S], error) {
	seq, err := q.q.All(tx, noescapeSlice(k)) // the sequence keeps a copy of k
	if err != nil {
		return nil, err
	}
	return func(yield func(S) bool) {
		each := func(p unsafe.Pointer) bool { return yield(q.r.child(p, nil)) }
		// seq calls each only before it returns: each stays on this frame.
		seq(*noescape(&each))
	}, nil
}

// Find returns copies of the owner's rows that q selects, in q's order.
func (q *RelQuery[S, T]) Find(tx *memstore.Tx, k []byte) ([]S, error) {
	var small [32]unsafe.Pointer
	rows, err := q.q.Find(tx, k, noescapeSlice(small[:0]))
	if err != nil {
		return nil, err
	}
	res := make([]S, len(rows))
	for i, p := range rows {
		res[i] = q.r.child(p, nil)
	}
	return res, nil
}

// Count returns the number of the owner's rows that q selects.
func (q *RelQuery[S, T]) Count(tx *memstore.Tx, k []byte) (int, error) {
	return q.q.Count(tx, k)
}

// Exists reports whether q selects a row of the owner.
func (q *RelQuery[S, T]) Exists(tx *memstore.Tx, k []byte) (bool, error) {
	return q.q.Exists(tx, k)
}

// Delete deletes the owner's rows that q selects, as memstore's
// Query.Delete does, and returns how many.
func (q *RelQuery[S, T]) Delete(tx *memstore.Tx, k []byte) (int, error) {
	return q.q.Delete(tx, k)
}

// Update calls fn with a copy of each of the owner's rows that q selects
// and writes it back, as memstore's Query.Update does; it returns how many
// rows it wrote.
func (q *RelQuery[S, T]) Update(tx *memstore.Tx, k []byte, fn func(*S) error) (int, error) {
	if fn == nil {
		return q.q.Update(tx, k, nil)
	}
	edit := func(p unsafe.Pointer) error { return fn((*S)(p)) }
	// The core calls edit only before it returns: edit stays on this frame.
	return q.q.Update(tx, k, *noescape(&edit))
}
