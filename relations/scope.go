package relations

import (
	"context"
	"errors"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
)

// Find returns owner's children that f selects, in f's order (ties by
// primary key): LoopBack's customer.orders({where, order, limit, skip}).
// f is bound to the child model (a *memstore.FilterError names what it
// cannot take) and read from one snapshot; the foreign key's equality
// plans like any condition, so an index that starts with the foreign key
// field serves both. Fields and Include are not applied to typed rows.
func (h *HasMany[T, S]) Find(ctx context.Context, owner T, f filter.Filter) ([]S, error) {
	q, k, err := h.scope(ctx, &owner, f)
	if err != nil {
		return nil, h.wrap(err)
	}
	var out []S
	err = h.store.View(ctx, func(tx *memstore.Tx) error {
		out, err = q.Find(tx, k)
		return err
	})
	return out, h.wrap(err)
}

// CountWhere returns the number of owner's children that where matches.
func (h *HasMany[T, S]) CountWhere(ctx context.Context, owner T, where filter.Cond) (int, error) {
	q, k, err := h.scope(ctx, &owner, filter.Filter{Where: where})
	if err != nil {
		return 0, h.wrap(err)
	}
	var n int
	err = h.store.View(ctx, func(tx *memstore.Tx) error {
		n, err = q.Count(tx, k)
		return err
	})
	return n, h.wrap(err)
}

// Exists reports whether one of owner's children matches where.
func (h *HasMany[T, S]) Exists(ctx context.Context, owner T, where filter.Cond) (bool, error) {
	q, k, err := h.scope(ctx, &owner, filter.Filter{Where: where})
	if err != nil {
		return false, h.wrap(err)
	}
	var ok bool
	err = h.store.View(ctx, func(tx *memstore.Tx) error {
		ok, err = q.Exists(tx, k)
		return err
	})
	return ok, h.wrap(err)
}

// DeleteWhere deletes owner's children that where matches, in one
// transaction and as one statement (on-delete actions as
// memstore.Query.Delete applies them), and returns how many it deleted.
func (h *HasMany[T, S]) DeleteWhere(ctx context.Context, owner T, where filter.Cond) (int, error) {
	q, k, err := h.scope(ctx, &owner, filter.Filter{Where: where})
	if err != nil {
		return 0, h.wrap(err)
	}
	var n int
	err = h.store.Update(ctx, func(tx *memstore.Tx) error {
		n, err = q.Delete(tx, k)
		return err
	})
	if err != nil {
		return 0, h.wrap(err)
	}
	return n, nil
}

// UpdateWhere calls fn with a copy of each of owner's children that where
// matches and writes it back, in one transaction, checked as any update;
// it returns how many children it wrote. fn must not move a child to
// another owner (ErrOtherOwner) nor change its primary key; an error from
// fn rolls everything back and is returned.
func (h *HasMany[T, S]) UpdateWhere(ctx context.Context, owner T, where filter.Cond, fn func(*S) error) (int, error) {
	q, k, err := h.scope(ctx, &owner, filter.Filter{Where: where})
	if err != nil {
		return 0, h.wrap(err)
	}
	if fn == nil {
		return 0, h.wrap(errors.Join(memstore.ErrInvalid, errors.New("nil function")))
	}
	var n int
	err = h.store.Update(ctx, func(tx *memstore.Tx) error {
		n, err = q.Update(tx, k, func(child *S) error {
			if err := fn(child); err != nil {
				return err
			}
			return h.sameOwner(child, k, false)
		})
		return err
	})
	if err != nil {
		return 0, h.wrap(err)
	}
	return n, nil
}

// scope binds f to the child model, scoped to owner.
func (h *HasMany[T, S]) scope(ctx context.Context, owner *T, f filter.Filter) (*memstore.RelQuery[S, T], []byte, error) {
	k, err := h.key(ctx, owner)
	if err != nil {
		return nil, nil, err
	}
	q, err := h.rel.Query(f)
	if err != nil {
		return nil, nil, err
	}
	return q, k, nil
}
