package relations

import (
	"context"
	"errors"
	"iter"
	"sync/atomic"

	"github.com/relstore/relstore/internal/relcore"
	"github.com/relstore/relstore/memstore"
)

// HasMany is the accessor of a hasMany relation: owner T (a Customer) has
// many S (its Orders), through the belongsTo of S that references T. Every
// read goes through the foreign key's index, never a scan, and writes are
// scoped to the owner: they refuse, with ErrOtherOwner, to move a child to
// another owner or to touch another owner's child. It is immutable and safe
// for concurrent use.
type HasMany[T, S any] struct {
	store *memstore.Store
	rel   *relcore.Rel[S, T]
	name  string // "orders", or "hasMany(Order.customer)" when named by the belongsTo

	lookups atomic.Int64 // index lookups: one per owner whose children are read
}

// NewHasMany returns the accessor of the hasMany relation named relation of
// owner model T, whose model must be S (LoopBack 3: customer.orders). A
// name T does not declare may name the belongsTo of S that references T
// ("customer" of Order), for owners that declare no hasMany. Errors match
// memstore.ErrInvalid and list the relations that exist.
func NewHasMany[T, S any](s *memstore.Store, relation string) (*HasMany[T, S], error) {
	return newHasMany[T, S](s, relation, "hasMany")
}

// newHasMany is NewHasMany for an accessor of the given kind, which names
// it in errors when relation is the belongsTo's name.
func newHasMany[T, S any](s *memstore.Store, relation, kind string) (*HasMany[T, S], error) {
	rel, err := relcore.InverseOf[T, S](s, relation)
	if err != nil {
		return nil, err
	}
	h := &HasMany[T, S]{store: s, rel: rel, name: relation}
	if ri, err := s.Relation(rel.Target(), relation); err != nil || ri.Kind == memstore.BelongsTo {
		h.name = kind + "(" + rel.Source() + "." + relation + ")"
	}
	return h, nil
}

// Name returns the relation's name as the accessor was built with it.
func (h *HasMany[T, S]) Name() string { return h.name }

// Lookups returns how many index lookups h has made in the store: one per
// owner whose children a read listed or counted (Include: per distinct
// owner) or a scoped call (Find, CountWhere, Exists, DeleteWhere,
// UpdateWhere) read, one per child FindByKey or ExistsKey looked up. Every
// accessor counts its lookups so; a test asserts "no N+1" by reading it
// before and after:
//
//	before := orders.Lookups()
//	_, err := orders.Include(ctx, customers) // 100 customers
//	// orders.Lookups()-before == 100: one per customer, never a scan
func (h *HasMany[T, S]) Lookups() int64 { return h.lookups.Load() }

// In returns h's operations inside the transaction tx (see "Transactions"
// in the package doc).
func (h *HasMany[T, S]) In(tx *memstore.Tx) HasManyTx[T, S] { return HasManyTx[T, S]{h: h, tx: tx} }

func (h *HasMany[T, S]) wrap(err error) error {
	return wrapErr(h.rel.Target(), h.name, err)
}

// key returns the encoded key of owner that children reference.
func (h *HasMany[T, S]) key(ctx context.Context, owner *T) ([]byte, error) {
	if ctx == nil {
		return nil, invalid("nil context")
	}
	return h.ownerKey(owner)
}

// ownerKey returns the encoded key of owner that children reference.
func (h *HasMany[T, S]) ownerKey(owner *T) ([]byte, error) {
	k, ok, err := h.rel.AppendKey(nil, owner)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, invalid("owner's " + h.rel.KeyTo() + " is nil")
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
		h.lookups.Add(1)
		seq, err = h.rel.Children(tx, k)
		return err
	})
	return seq, h.wrap(err)
}

// List returns owner's children in primary key order, read from the latest
// snapshot through the foreign key index (LoopBack 3: customer.orders()).
// No child is an empty slice, not nil.
func (h *HasMany[T, S]) List(ctx context.Context, owner T) ([]S, error) {
	k, err := h.key(ctx, &owner)
	if err != nil {
		return nil, h.wrap(err)
	}
	h.lookups.Add(1)
	list, err := h.rel.AppendChildrenNow(ctx, []S{}, k)
	if err != nil {
		return nil, h.wrap(err)
	}
	return list, nil
}

// Count returns the number of owner's children (LoopBack 3:
// customer.orders.count()).
func (h *HasMany[T, S]) Count(ctx context.Context, owner T) (int, error) {
	k, err := h.key(ctx, &owner)
	if err != nil {
		return 0, h.wrap(err)
	}
	h.lookups.Add(1)
	n, err := h.rel.CountChildrenNow(ctx, k)
	return n, h.wrap(err)
}

// FindByKey returns owner's child whose primary key is key, a value of the
// child's key type (LoopBack 3: customer.orders.findById(id)). A key with
// no row is an error matching memstore.ErrNotFound; so is a row of another
// owner, which also matches ErrOtherOwner.
func (h *HasMany[T, S]) FindByKey(ctx context.Context, owner T, key any) (child S, err error) {
	if err := checkCtx(ctx); err != nil {
		return child, h.wrap(err)
	}
	err = h.store.View(ctx, func(tx *memstore.Tx) error {
		child, err = h.In(tx).FindByKey(owner, key)
		return err
	})
	return child, h.wrap(err)
}

// ExistsKey reports whether owner has a child whose primary key is key
// (LoopBack 3: customer.orders.exists(id)).
func (h *HasMany[T, S]) ExistsKey(ctx context.Context, owner T, key any) (ok bool, err error) {
	if err := checkCtx(ctx); err != nil {
		return false, h.wrap(err)
	}
	err = h.store.View(ctx, func(tx *memstore.Tx) error {
		ok, err = h.In(tx).ExistsKey(owner, key)
		return err
	})
	return ok, h.wrap(err)
}

// Create inserts child as a child of owner (LoopBack 3:
// customer.orders.create(data)): its foreign key is set to owner's key (a
// zero or nil foreign key is filled in; one naming another owner is refused
// with ErrOtherOwner), and the assigned keys are written back to *child. It
// is checked like any insert; on error *child is unchanged.
func (h *HasMany[T, S]) Create(ctx context.Context, owner T, child *S) error {
	if child == nil {
		return h.wrap(invalid("nil child"))
	}
	// Bad input is refused before the context is looked at.
	k, err := h.key(ctx, &owner)
	if err != nil {
		return h.wrap(err)
	}
	if err := h.sameOwner(child, k, true); err != nil {
		return h.wrap(err)
	}
	saved := *child
	err = h.store.Update(ctx, func(tx *memstore.Tx) error { return h.In(tx).Create(owner, child) })
	if err != nil {
		*child = saved
	}
	return h.wrap(err)
}

// CreateMany inserts children as children of owner, in one transaction
// (LoopBack 3: customer.orders.create([...])), each as Create inserts one;
// the assigned keys are written back to the elements of children. Either
// every child is inserted or none is, and on error children is unchanged.
func (h *HasMany[T, S]) CreateMany(ctx context.Context, owner T, children []S) error {
	if err := checkCtx(ctx); err != nil {
		return h.wrap(err)
	}
	saved := append([]S(nil), children...)
	err := h.store.Update(ctx, func(tx *memstore.Tx) error { return h.In(tx).CreateMany(owner, children) })
	if err != nil {
		copy(children, saved)
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

// Update replaces the stored child by child (LoopBack 3:
// customer.orders.updateById). Both the stored row and child must belong
// to owner, else ErrOtherOwner and nothing is written.
func (h *HasMany[T, S]) Update(ctx context.Context, owner T, child S) error {
	k, err := h.key(ctx, &owner)
	if err != nil {
		return h.wrap(err)
	}
	if err := h.sameOwner(&child, k, false); err != nil {
		return h.wrap(err)
	}
	return h.wrap(h.store.Update(ctx, func(tx *memstore.Tx) error { return h.In(tx).Update(owner, child) }))
}

// Delete deletes child if the stored row belongs to owner (else
// ErrOtherOwner), with the usual on-delete actions (LoopBack 3:
// customer.orders.destroyById).
func (h *HasMany[T, S]) Delete(ctx context.Context, owner T, child S) error {
	if _, err := h.key(ctx, &owner); err != nil {
		return h.wrap(err)
	}
	return h.wrap(h.store.Update(ctx, func(tx *memstore.Tx) error { return h.In(tx).Delete(owner, child) }))
}

// Include returns the children of many owners, aligned with owners, read
// from one snapshot through the foreign key index, one lookup per distinct
// owner. An owner without children has an empty slice, not nil.
func (h *HasMany[T, S]) Include(ctx context.Context, owners []T) (out [][]S, err error) {
	for i := range owners {
		if _, err := h.key(ctx, &owners[i]); err != nil {
			return nil, h.wrap(err)
		}
	}
	if ctx == nil {
		return nil, h.wrap(invalid("nil context"))
	}
	err = h.store.View(ctx, func(tx *memstore.Tx) error {
		out, err = h.In(tx).Include(owners)
		return err
	})
	if err != nil {
		return nil, h.wrap(err)
	}
	return out, nil
}

// checkCtx refuses a nil or finished context.
func checkCtx(ctx context.Context) error {
	if ctx == nil {
		return invalid("nil context")
	}
	return ctx.Err()
}

// notMine is the error of FindByKey for a row of another owner.
func notMine(model string, key any) error {
	return errors.Join(memstore.ErrNotFound, ErrOtherOwner, errors.New(model+" "+formatKey(key)+" is another owner's"))
}
