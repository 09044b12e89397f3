package relations

import (
	"context"
	"errors"
	"iter"
	"slices"

	"github.com/relstore/relstore/memstore"
)

// HasMany is the inverse of a belongsTo relation: owner T (a Customer) has
// many S (its Orders). Every read goes through the foreign key's index, never
// a scan, and writes are scoped to the owner: they refuse, with
// ErrOtherOwner, to move a child to another owner. It is immutable and safe
// for concurrent use.
type HasMany[T, S any] struct {
	store *memstore.Store
	rel   *memstore.Rel[S, T]
}

// NewHasMany returns the inverse accessor of the belongsTo relation named
// relation of model S (e.g. "customer" of Order), whose target must be T.
func NewHasMany[T, S any](s *memstore.Store, relation string) (*HasMany[T, S], error) {
	rel, err := memstore.RelationOf[S, T](s, relation)
	if err != nil {
		return nil, err
	}
	return &HasMany[T, S]{store: s, rel: rel}, nil
}

func (h *HasMany[T, S]) wrap(err error) error {
	if err == nil {
		return nil
	}
	return &relError{source: h.rel.Target(), name: "hasMany(" + h.rel.Source() + "." + h.rel.Name() + ")", err: err}
}

// key returns the encoded key of owner that children reference.
func (h *HasMany[T, S]) key(ctx context.Context, owner *T) ([]byte, error) {
	if ctx == nil {
		return nil, errors.Join(memstore.ErrInvalid, errors.New("nil context"))
	}
	k, ok, err := h.rel.AppendKey(nil, owner)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.Join(memstore.ErrInvalid, errors.New("owner's "+h.rel.KeyTo()+" is nil"))
	}
	return k, nil
}

// All returns owner's children in primary key order, read from one snapshot
// taken at the call.
func (h *HasMany[T, S]) All(ctx context.Context, owner T) (iter.Seq[S], error) {
	k, err := h.key(ctx, &owner)
	if err != nil {
		return nil, h.wrap(err)
	}
	var seq iter.Seq[S]
	err = h.store.View(ctx, func(tx *memstore.Tx) error {
		seq, err = h.rel.Children(tx, k)
		return err
	})
	return seq, h.wrap(err)
}

// List returns owner's children in primary key order, read from the latest
// snapshot through the foreign key index.
func (h *HasMany[T, S]) List(ctx context.Context, owner T) ([]S, error) {
	k, err := h.key(ctx, &owner)
	if err != nil {
		return nil, h.wrap(err)
	}
	list, err := h.rel.AppendChildrenNow(ctx, nil, k)
	return list, h.wrap(err)
}

// Count returns the number of owner's children.
func (h *HasMany[T, S]) Count(ctx context.Context, owner T) (int, error) {
	k, err := h.key(ctx, &owner)
	if err != nil {
		return 0, h.wrap(err)
	}
	n, err := h.rel.CountChildrenNow(ctx, k)
	return n, h.wrap(err)
}

// Create inserts child as a child of owner: its foreign key is set to
// owner's key (a zero or nil foreign key is filled in; one naming another
// owner is refused with ErrOtherOwner), and the assigned keys are written
// back to *child. It is checked like any insert.
func (h *HasMany[T, S]) Create(ctx context.Context, owner T, child *S) error {
	if child == nil {
		return h.wrap(errors.Join(memstore.ErrInvalid, errors.New("nil child")))
	}
	k, err := h.key(ctx, &owner)
	if err != nil {
		return h.wrap(err)
	}
	if err := h.sameOwner(child, k, true); err != nil {
		return h.wrap(err)
	}
	saved := *child
	err = h.store.Update(ctx, func(tx *memstore.Tx) error { return h.rel.InsertChild(tx, child, k) })
	if err != nil {
		*child = saved
	}
	return h.wrap(err)
}

// sameOwner checks that child's foreign key field (if the struct has one) is
// k, or zero/nil when zeroOK.
func (h *HasMany[T, S]) sameOwner(child *S, k []byte, zeroOK bool) error {
	if h.rel.Shadow() {
		return nil
	}
	fk, ok, err := h.rel.AppendFK(nil, nil, child)
	if err != nil {
		return err
	}
	if !ok || string(fk) == string(k) {
		if !ok && !zeroOK {
			return ErrOtherOwner
		}
		return nil
	}
	if zeroOK && h.rel.FKIsZero(child) {
		return nil
	}
	return ErrOtherOwner
}

// Update replaces the stored child by child. Both the stored row and child
// must belong to owner, else ErrOtherOwner and nothing is written.
func (h *HasMany[T, S]) Update(ctx context.Context, owner T, child S) error {
	k, err := h.key(ctx, &owner)
	if err != nil {
		return h.wrap(err)
	}
	if err := h.sameOwner(&child, k, false); err != nil {
		return h.wrap(err)
	}
	return h.wrap(h.store.Update(ctx, func(tx *memstore.Tx) error {
		mine, err := h.rel.HasChild(tx, &child, k)
		if err != nil {
			return err
		}
		if !mine {
			return ErrOtherOwner
		}
		return tx.Update(&child)
	}))
}

// Delete deletes child if the stored row belongs to owner (else
// ErrOtherOwner), with the usual on-delete actions.
func (h *HasMany[T, S]) Delete(ctx context.Context, owner T, child S) error {
	k, err := h.key(ctx, &owner)
	if err != nil {
		return h.wrap(err)
	}
	return h.wrap(h.store.Update(ctx, func(tx *memstore.Tx) error {
		mine, err := h.rel.HasChild(tx, &child, k)
		if err != nil {
			return err
		}
		if !mine {
			return ErrOtherOwner
		}
		return tx.Delete(&child)
	}))
}

// Include returns the children of many owners, aligned with owners, read
// from one snapshot through the foreign key index.
func (h *HasMany[T, S]) Include(ctx context.Context, owners []T) ([][]S, error) {
	keys := make([][]byte, len(owners))
	for i := range owners {
		k, err := h.key(ctx, &owners[i])
		if err != nil {
			return nil, h.wrap(err)
		}
		keys[i] = k
	}
	out := make([][]S, len(owners))
	err := h.store.View(ctx, func(tx *memstore.Tx) error {
		for i, k := range keys {
			seq, err := h.rel.Children(tx, k)
			if err != nil {
				return err
			}
			out[i] = slices.Collect(seq)
		}
		return nil
	})
	if err != nil {
		return nil, h.wrap(err)
	}
	return out, nil
}

// HasOne is the inverse of a belongsTo relation whose foreign key is unique:
// owner T has at most one S. It is immutable and safe for concurrent use.
type HasOne[T, S any] struct {
	many *HasMany[T, S]
}

// NewHasOne returns the hasOne accessor of the belongsTo relation named
// relation of model S, whose foreign key must be unique.
func NewHasOne[T, S any](s *memstore.Store, relation string) (*HasOne[T, S], error) {
	m, err := NewHasMany[T, S](s, relation)
	if err != nil {
		return nil, err
	}
	if !m.rel.Unique() {
		return nil, m.wrap(errors.Join(memstore.ErrInvalid, errors.New("hasOne needs a unique foreign key: tag "+m.rel.FK()+" unique")))
	}
	return &HasOne[T, S]{many: m}, nil
}

// Get returns owner's child; ok is false when it has none.
func (h *HasOne[T, S]) Get(ctx context.Context, owner T) (child S, ok bool, err error) {
	seq, err := h.many.All(ctx, owner)
	if err != nil {
		return child, false, err
	}
	for c := range seq {
		return c, true, nil
	}
	return child, false, nil
}

// Create inserts child as owner's child; a second child is refused with an
// error matching memstore.ErrUnique.
func (h *HasOne[T, S]) Create(ctx context.Context, owner T, child *S) error {
	return h.many.Create(ctx, owner, child)
}
