package relations

import (
	"context"

	"github.com/relstore/relstore/memstore"
)

// The writes of a BelongsTo, each in a transaction of its own. Their
// transaction forms are BelongsToTx's.

// Set points src at owner, or clears src's foreign key when owner is nil,
// and persists it in one transaction (LoopBack 3: order.customer(owner)):
// only the stored row's foreign key changes, and src's foreign key field
// is updated to match. It is checked like any foreign key write: owner must
// be a stored row (else an error matching memstore.ErrForeignKey), src must
// be stored (memstore.ErrNotFound), and only a nullable foreign key can be
// cleared (memstore.ErrInvalid). On error, src is unchanged. Get returns
// the new owner next; Cached returns it or NotCached (until a read caches
// it), never the previous owner.
func (b *BelongsTo[S, T]) Set(ctx context.Context, src *S, owner *T) error {
	if src == nil {
		return b.invalid("nil source")
	}
	if owner != nil {
		// Bad input is refused before the context is looked at.
		if _, ok, err := b.rel.AppendKey(nil, owner); err != nil {
			return b.wrap(err)
		} else if !ok {
			return b.invalid("owner's " + b.rel.KeyTo() + " is nil")
		}
	}
	saved := *src
	err := b.store.Update(ctx, func(tx *memstore.Tx) error { return b.In(tx).Set(src, owner) })
	if err != nil {
		*src = saved
		return b.wrap(err)
	}
	return nil
}

// Create inserts owner and points src at it, in one transaction (LoopBack
// 3: passport.person.create(data)). The keys the store assigns are written
// back to *owner. A stored src (a row has its key) has its foreign key set
// as Set sets it; a src that is not stored yet is inserted, pointing at
// owner (LoopBack saves a new source later; here one call writes both). It
// is checked like the insert and the write it makes; on error nothing is
// written and *src and *owner are unchanged.
func (b *BelongsTo[S, T]) Create(ctx context.Context, src *S, owner *T) error {
	if err := b.checkCtx(ctx); err != nil {
		return err
	}
	if src == nil || owner == nil {
		return b.invalid("nil source or owner")
	}
	savedS, savedT := *src, *owner
	err := b.store.Update(ctx, func(tx *memstore.Tx) error { return b.In(tx).Create(src, owner) })
	if err != nil {
		*src, *owner = savedS, savedT
		return b.wrap(err)
	}
	return nil
}

// Update replaces src's owner by owner, in one transaction (LoopBack 3:
// passport.person.update(data)). owner must be src's owner, the row src's
// foreign key references, with the same referenced key: Update never moves
// src to another owner nor changes the key rows reference (ErrOtherOwner).
// A src whose foreign key is nil has no owner to update (ErrEmpty). The
// write is checked like any update of owner.
func (b *BelongsTo[S, T]) Update(ctx context.Context, src S, owner T) error {
	if err := b.checkCtx(ctx); err != nil {
		return err
	}
	return b.wrap(b.store.Update(ctx, func(tx *memstore.Tx) error { return b.In(tx).Update(src, owner) }))
}

// Unset clears src's foreign key and persists it in one transaction, as
// Set(ctx, src, nil) does, except that a src whose foreign key is nil
// already is refused with ErrEmpty (LoopBack 3: "relation is empty"). The
// foreign key must be nullable (else an error matching memstore.ErrInvalid).
// On error, src is unchanged.
func (b *BelongsTo[S, T]) Unset(ctx context.Context, src *S) error {
	if err := b.checkCtx(ctx); err != nil {
		return err
	}
	if src == nil {
		return b.invalid("nil source")
	}
	saved := *src
	err := b.store.Update(ctx, func(tx *memstore.Tx) error { return b.In(tx).Unset(src) })
	if err != nil {
		*src = saved
		return b.wrap(err)
	}
	return nil
}
