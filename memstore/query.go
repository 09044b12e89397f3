package memstore

import (
	"iter"
	"unsafe"

	"github.com/relstore/relstore/filter"
)

// Query is a filter bound to the model of a Table: its names resolved, its
// values converted to the fields' types and its plan chosen, once, by
// Table.Query. It reads and writes the rows the filter selects, in its
// order, inside the transaction each method is given (one of the Table's
// store). A Query is immutable and safe for concurrent use; rows come out
// as copies.
//
// Count, Exists, Delete and Update act on exactly the rows Find returns:
// the whole filter applies, After, Skip and Limit included; a filter with
// only a Where is LoopBack's count, destroyAll and updateAll. Fields and
// Include do not apply to typed rows (see ModelQuery and package
// relations). First returns ErrNotFound when nothing matches.
//
// A bulk Delete is one statement: the on-delete actions of every relation
// apply to the deleted rows together. A bulk Update writes each row as
// Table.Update does. Both count the rows they touched, and any refusal
// aborts the transaction. Package relations scopes a filter to the rows of
// one owner (HasMany.Find). Tx.Find, Tx.Count, Tx.DeleteAll,
// Tx.UpdateAll, Tx.Get and Tx.ByFK do the same by model name, for generic
// tools.
type Query[T any, K comparable] struct {
	t *Table[T, K]
	b *bound
}

// Query binds f to the table's model, once; the Query runs in any
// transaction. Every refusal is a *FilterError matching ErrInvalid and
// filter.ErrInvalid that names the path in the filter; nothing is read.
//
//	q, err := posts.Query(filter.Filter{
//		Where: filter.Eq("Status", "published"),
//		Order: []filter.Order{filter.Desc("CreatedAt")},
//		Limit: 20,
//	})
//	err = s.View(ctx, func(tx *memstore.Tx) error {
//		page, err := q.Find(tx) // the 20 newest published posts
//		...
//	})
//
// Binding validates the filter (filter.Filter.Validate, with the zero
// Parser's limits: and/or nested at most filter.DefaultMaxDepth deep),
// resolves each field by its Go name or its json tag name, converts every
// value to the field's type (filter.Coerce), checks that each operator fits
// the field's kind and that After fits the order, and reports the first
// refusal naming its path in the filter ("where.createdAt.gt: want a time,
// got 12"), before any row is read. The semantics are package filter's
// (NULLs as in PostgreSQL, ties broken by primary key, like and regexp,
// keyset pages). For the next page, set the filter's After to Query.After
// of the last row shown: the read then starts right after it in the index.
// Fields applies to ModelQuery's description of the rows (ModelQuery.Fields),
// not to typed rows; Include is left to package relations, which binds each
// scope against its related model.
//
// # Plans
//
// A query reads its rows through the best index for its conditions and
// order (the primary key, a unique field, a foreign key or a secondary
// index), in either direction, and stops as soon as it has Skip+Limit rows
// when the index gives the order; otherwise it evaluates the conditions on
// each row as it reads, without copying it, and keeps only the first
// Skip+Limit rows in order. Only the rows returned are copied. Explain says
// which index a query reads, within which bounds, and whether it sorts.
//
// The plan is chosen when the query is bound, from the indexes alone (there
// are no statistics): a unique index whose every field is fixed by equality
// first, then the index with the most leading fields fixed by eq or inq (a
// range on the next one counting half), then one that gives the order. To
// serve "where A = x order by B", declare an index on (A, B).
func (t *Table[T, K]) Query(f filter.Filter) (*Query[T, K], error) {
	b, err := bind(t.s, t.m, f, nil)
	if err != nil {
		return nil, err
	}
	return &Query[T, K]{t: t, b: b}, nil
}

// Filter returns the filter q was bound from.
func (q *Query[T, K]) Filter() filter.Filter { return q.b.f }

// Explain returns q's plan: which index it reads, within which bounds, in
// which direction, and whether it sorts.
func (q *Query[T, K]) Explain() Plan { return q.b.plan.Plan }

// All returns the rows of q in its order, as (key, copy) pairs. The
// sequence is valid as Table.Scan's is: in a View it reads the View's
// snapshot, in an Update a snapshot taken at the call, and it yields
// nothing once the Update has returned.
func (q *Query[T, K]) All(tx *Tx) (iter.Seq2[K, T], error) {
	const op = "query"
	if err := q.t.enter(tx, op, false); err != nil {
		return nil, err
	}
	defer tx.leave()
	run := q.b.start(tx, nil)
	return func(yield func(K, T) bool) {
		run.each(func(rec *record) bool { return yield(q.t.keyOf(rec), q.t.out(rec)) })
	}, nil
}

// Find returns copies of the rows of q, in its order.
func (q *Query[T, K]) Find(tx *Tx) ([]T, error) {
	const op = "find"
	if err := q.t.enter(tx, op, false); err != nil {
		return nil, err
	}
	defer tx.leave()
	return findRows[T](q.b, tx, nil)
}

// First returns a copy of the first row of q in its order, or a
// *NotFoundError matching ErrNotFound when there is none.
func (q *Query[T, K]) First(tx *Tx) (T, error) {
	const op = "find one"
	var zero T
	if err := q.t.enter(tx, op, false); err != nil {
		return zero, err
	}
	defer tx.leave()
	rec, err := q.b.first(tx, nil, op)
	if err != nil {
		return zero, err
	}
	return q.t.out(rec), nil
}

// Count returns the number of rows Find would return.
func (q *Query[T, K]) Count(tx *Tx) (int, error) {
	if err := q.t.enter(tx, "count", false); err != nil {
		return 0, err
	}
	defer tx.leave()
	return q.b.count(tx, nil)
}

// Exists reports whether Find would return a row.
func (q *Query[T, K]) Exists(tx *Tx) (bool, error) {
	if err := q.t.enter(tx, "exists", false); err != nil {
		return false, err
	}
	defer tx.leave()
	return q.b.exists(tx, nil)
}

// Delete deletes the rows Find would return and returns how many it
// deleted. The rows are deleted as one statement: every row is deleted
// before any on-delete action runs (a row that another deleted row
// restricts does not block the delete), then the actions run as Tx.Delete
// runs them for one. Any refusal aborts the transaction.
func (q *Query[T, K]) Delete(tx *Tx) (int, error) {
	const op = "delete"
	if err := q.t.enter(tx, op, true); err != nil {
		return 0, err
	}
	defer tx.leave()
	return q.b.delete(tx, nil, op)
}

// Update calls fn with a copy of each row Find would return, in q's order,
// and writes the changed row back, checked as Table.Update checks it
// (unique fields and indexes, foreign keys, referenced keys). fn must not
// change the primary key. It returns the number of rows written. An error
// from fn, or any refusal, aborts the transaction and is returned.
func (q *Query[T, K]) Update(tx *Tx, fn func(*T) error) (int, error) {
	const op = "update"
	if err := q.t.enter(tx, op, true); err != nil {
		return 0, err
	}
	defer tx.leave()
	if fn == nil {
		return 0, tx.fail(invalidf("%s %s: nil function", op, q.t.m.name))
	}
	return q.b.update(tx, nil, op, func(p unsafe.Pointer) error { return fn((*T)(p)) })
}

// After returns the After of a filter that continues after row in q's
// order: row's values of every order field, then its primary key unless
// the order has it (see filter's "Keyset pages"). Give it the last row of
// a page to get the next page with the same filter and this After. It
// returns nil when the order has a column the struct lacks (a shadow
// foreign key, or the rowid of a model without a key field): write such
// an After from the values you know.
func (q *Query[T, K]) After(row T) []any {
	return q.b.after(unsafe.Pointer(&row))
}

// Find binds f and returns the rows it selects (see Query.Find).
func (t *Table[T, K]) Find(tx *Tx, f filter.Filter) ([]T, error) {
	q, err := t.Query(f)
	if err != nil {
		return nil, err
	}
	return q.Find(tx)
}

// FindOne binds f and returns its first row, or ErrNotFound (see
// Query.First).
func (t *Table[T, K]) FindOne(tx *Tx, f filter.Filter) (T, error) {
	q, err := t.Query(f)
	if err != nil {
		var zero T
		return zero, err
	}
	return q.First(tx)
}

// CountWhere returns the number of rows where matches.
func (t *Table[T, K]) CountWhere(tx *Tx, where filter.Cond) (int, error) {
	q, err := t.Query(filter.Filter{Where: where})
	if err != nil {
		return 0, err
	}
	return q.Count(tx)
}

// Exists reports whether a row matches where.
func (t *Table[T, K]) Exists(tx *Tx, where filter.Cond) (bool, error) {
	q, err := t.Query(filter.Filter{Where: where})
	if err != nil {
		return false, err
	}
	return q.Exists(tx)
}

// DeleteWhere deletes the rows where matches and returns how many (see
// Query.Delete).
func (t *Table[T, K]) DeleteWhere(tx *Tx, where filter.Cond) (int, error) {
	q, err := t.Query(filter.Filter{Where: where})
	if err != nil {
		return 0, tx.refuseWrite("delete", err)
	}
	return q.Delete(tx)
}

// UpdateWhere calls fn on a copy of each row where matches and writes it
// back (see Query.Update); it returns how many rows it wrote.
func (t *Table[T, K]) UpdateWhere(tx *Tx, where filter.Cond, fn func(*T) error) (int, error) {
	q, err := t.Query(filter.Filter{Where: where})
	if err != nil {
		return 0, tx.refuseWrite("update", err)
	}
	return q.Update(tx, fn)
}
