package relations

import (
	"context"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/internal/relcore"
	"github.com/relstore/relstore/memstore"
)

// Find returns owner's children that f selects, in f's order (ties by
// primary key): LoopBack's customer.orders({where, order, limit, skip}).
// f is bound to the child model (a *memstore.FilterError names what it
// cannot take) and read from one snapshot; the foreign key's equality
// plans like any condition, so an index that starts with the foreign key
// field serves both. Fields and Include are not applied to typed rows.
func (h *HasMany[T, S]) Find(ctx context.Context, owner T, f filter.Filter) (out []S, err error) {
	err = h.view(ctx, func(t HasManyTx[T, S]) error { out, err = t.Find(owner, f); return err })
	return out, err
}

// CountWhere returns the number of owner's children that where matches.
func (h *HasMany[T, S]) CountWhere(ctx context.Context, owner T, where filter.Cond) (n int, err error) {
	err = h.view(ctx, func(t HasManyTx[T, S]) error { n, err = t.CountWhere(owner, where); return err })
	return n, err
}

// Exists reports whether one of owner's children matches where.
func (h *HasMany[T, S]) Exists(ctx context.Context, owner T, where filter.Cond) (ok bool, err error) {
	err = h.view(ctx, func(t HasManyTx[T, S]) error { ok, err = t.Exists(owner, where); return err })
	return ok, err
}

// DeleteWhere deletes owner's children that where matches, in one
// transaction and as one statement (on-delete actions as
// memstore.Query.Delete applies them), and returns how many it deleted.
func (h *HasMany[T, S]) DeleteWhere(ctx context.Context, owner T, where filter.Cond) (n int, err error) {
	err = h.update(ctx, func(t HasManyTx[T, S]) error { n, err = t.DeleteWhere(owner, where); return err })
	if err != nil {
		return 0, err
	}
	return n, nil
}

// UpdateWhere calls fn with a copy of each of owner's children that where
// matches and writes it back, in one transaction, checked as any update;
// it returns how many children it wrote. fn must not move a child to
// another owner (ErrOtherOwner) nor change its primary key; an error from
// fn rolls everything back and is returned.
func (h *HasMany[T, S]) UpdateWhere(ctx context.Context, owner T, where filter.Cond, fn func(*S) error) (n int, err error) {
	err = h.update(ctx, func(t HasManyTx[T, S]) error { n, err = t.UpdateWhere(owner, where, fn); return err })
	if err != nil {
		return 0, err
	}
	return n, nil
}

// view runs fn in a View, wrapping its errors.
func (h *HasMany[T, S]) view(ctx context.Context, fn func(t HasManyTx[T, S]) error) error {
	if err := checkCtx(ctx); err != nil {
		return h.wrap(err)
	}
	return h.wrap(h.store.View(ctx, func(tx *memstore.Tx) error { return fn(h.In(tx)) }))
}

// update runs fn in an Update, wrapping its errors.
func (h *HasMany[T, S]) update(ctx context.Context, fn func(t HasManyTx[T, S]) error) error {
	if err := checkCtx(ctx); err != nil {
		return h.wrap(err)
	}
	return h.wrap(h.store.Update(ctx, func(tx *memstore.Tx) error { return fn(h.In(tx)) }))
}

// Find returns owner's children that f selects, in f's order (see
// HasMany.Find). A filter the child model cannot take is refused before
// anything is read.
func (t HasManyTx[T, S]) Find(owner T, f filter.Filter) ([]S, error) {
	q, k, err := t.scope(&owner, f)
	if err != nil {
		return nil, t.h.wrap(err)
	}
	out, err := q.Find(t.tx, k)
	return out, t.h.wrap(err)
}

// CountWhere returns the number of owner's children that where matches.
func (t HasManyTx[T, S]) CountWhere(owner T, where filter.Cond) (int, error) {
	q, k, err := t.scope(&owner, filter.Filter{Where: where})
	if err != nil {
		return 0, t.h.wrap(err)
	}
	n, err := q.Count(t.tx, k)
	return n, t.h.wrap(err)
}

// Exists reports whether one of owner's children matches where.
func (t HasManyTx[T, S]) Exists(owner T, where filter.Cond) (bool, error) {
	q, k, err := t.scope(&owner, filter.Filter{Where: where})
	if err != nil {
		return false, t.h.wrap(err)
	}
	ok, err := q.Exists(t.tx, k)
	return ok, t.h.wrap(err)
}

// DeleteWhere deletes owner's children that where matches, as one
// statement, and returns how many it deleted (see HasMany.DeleteWhere). A
// where the child model cannot take is refused before anything is
// written; a refused delete aborts the transaction, as memstore's writes
// do.
func (t HasManyTx[T, S]) DeleteWhere(owner T, where filter.Cond) (int, error) {
	q, k, err := t.scope(&owner, filter.Filter{Where: where})
	if err != nil {
		return 0, t.h.wrap(err)
	}
	n, err := q.Delete(t.tx, k)
	if err != nil {
		return 0, t.h.wrap(err)
	}
	return n, nil
}

// UpdateWhere calls fn with a copy of each of owner's children that where
// matches and writes it back (see HasMany.UpdateWhere); it returns how
// many children it wrote. An error from fn, or a child fn moved to another
// owner (ErrOtherOwner), aborts the transaction and is returned.
func (t HasManyTx[T, S]) UpdateWhere(owner T, where filter.Cond, fn func(*S) error) (int, error) {
	if fn == nil {
		return 0, t.h.wrap(invalid("nil function"))
	}
	q, k, err := t.scope(&owner, filter.Filter{Where: where})
	if err != nil {
		return 0, t.h.wrap(err)
	}
	n, err := q.Update(t.tx, k, func(child *S) error {
		if err := fn(child); err != nil {
			return err
		}
		return t.h.sameOwner(child, k, false)
	})
	if err != nil {
		return 0, t.h.wrap(err)
	}
	return n, nil
}

// scope binds f to the child model, scoped to owner, and counts the read
// of owner's children.
func (t HasManyTx[T, S]) scope(owner *T, f filter.Filter) (*relcore.RelQuery[S, T], []byte, error) {
	k, err := t.h.ownerKey(owner)
	if err != nil {
		return nil, nil, err
	}
	q, err := t.h.rel.Query(f)
	if err != nil {
		return nil, nil, err
	}
	t.h.lookups.Add(1)
	return q, k, nil
}
