package relations

import (
	"context"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/memstore"
)

// HasOne is the accessor of a hasOne relation: owner T (a Customer) has at
// most one S (its Address), through the belongsTo of S whose foreign key
// is unique. Get reads through the owner cache, which then holds the
// owner's child (or that it has none), and Cached reads the cache alone.
// It is immutable and safe for concurrent use.
type HasOne[T, S any] struct {
	many  *HasMany[T, S]
	cache *cache.Cache // nil: no cache
	space uint32       // the unique foreign key's index: Rel.ChildSpace
	plain bool         // S has no reference fields
}

// oneEntry is what the cache holds for an owner: its child, or none.
type oneEntry[S any] struct {
	child S
	ok    bool
}

// NewHasOne returns the accessor of the hasOne relation named relation of
// owner model T, whose model must be S (LoopBack 3: customer.address). As
// for NewHasMany, the name may be that of the belongsTo of S it inverts,
// whose foreign key must be unique.
func NewHasOne[T, S any](s *memstore.Store, relation string) (*HasOne[T, S], error) {
	m, err := newHasMany[T, S](s, relation, "hasOne")
	if err != nil {
		return nil, err
	}
	if !m.rel.Unique() {
		return nil, m.wrap(invalid("hasOne needs a unique foreign key: tag " + m.rel.Source() + "." + m.rel.FK() + " unique"))
	}
	h := &HasOne[T, S]{many: m, space: m.rel.ChildSpace(), plain: m.rel.ChildPlain()}
	h.cache, _ = s.Cache().(*cache.Cache)
	return h, nil
}

// Name returns the relation's name as the accessor was built with it.
func (h *HasOne[T, S]) Name() string { return h.many.name }

// Lookups returns how many index lookups h has made in the store: one per
// owner whose child a read looked up (Get and Fetch on a cache miss).
func (h *HasOne[T, S]) Lookups() int64 { return h.many.lookups.Load() }

// In returns h's operations inside the transaction tx (see "Transactions"
// in the package doc); they never read or fill the cache.
func (h *HasOne[T, S]) In(tx *memstore.Tx) HasOneTx[T, S] {
	return HasOneTx[T, S]{h: h, m: HasManyTx[T, S]{h: h.many, tx: tx}}
}

// Get returns owner's child (LoopBack 3: customer.address()); ok is false,
// with a nil error, when it has none. It reads the cache, else the latest
// snapshot, whose answer (the child, or none) it offers to the cache.
func (h *HasOne[T, S]) Get(ctx context.Context, owner T) (child S, ok bool, err error) {
	k, err := h.many.key(ctx, &owner)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return child, false, h.many.wrap(err)
	}
	if !h.cache.Enabled() {
		return h.read(ctx, k)
	}
	tok := h.cache.Token(h.many.store.KeyHash(h.space, k))
	if e, hit := cache.GetOf[oneEntry[S]](h.cache, tok, h.space, k); hit {
		return h.out(e.child), e.ok, nil
	}
	// The token was taken before this read of the latest snapshot.
	if child, ok, err = h.read(ctx, k); err != nil {
		return child, false, err
	}
	h.offer(tok, k, child, ok)
	return child, ok, nil
}

// read returns the child with foreign key k from the latest snapshot.
func (h *HasOne[T, S]) read(ctx context.Context, k []byte) (child S, ok bool, err error) {
	h.many.lookups.Add(1)
	var one [1]S
	list, err := h.many.rel.AppendChildrenNow(ctx, one[:0], k)
	if err != nil || len(list) == 0 {
		return child, false, h.many.wrap(err)
	}
	return list[0], true, nil
}

// offer gives the cache a private copy of the answer for k, charged what
// it holds.
func (h *HasOne[T, S]) offer(tok cache.Token, k []byte, child S, ok bool) {
	if h.cache == nil || tok.Bypass() {
		return
	}
	var size int64
	if ok {
		child, size = h.many.rel.CloneSizeChild(&child)
	}
	cache.SetOf(h.cache, tok, h.space, k, oneEntry[S]{child: child, ok: ok}, size)
}

// out returns the caller's copy of a cached child.
func (h *HasOne[T, S]) out(v S) S {
	if h.plain {
		return v
	}
	return h.many.rel.CloneChild(&v)
}

// Cached returns owner's child if a previous Get cached the answer and it
// is still current, without reading the store or waiting: Found with the
// child, NoChild when the owner has none, else NotCached. It never returns
// a stale answer: a child inserted, changed, moved or deleted since is
// NotCached until a read caches it again.
func (h *HasOne[T, S]) Cached(owner T) (S, Status) {
	var zero S
	k, err := h.many.ownerKey(&owner)
	if err != nil {
		return zero, NotCached
	}
	tok := h.cache.Token(h.many.store.KeyHash(h.space, k))
	e, hit := cache.GetOf[oneEntry[S]](h.cache, tok, h.space, k)
	switch {
	case !hit:
		return zero, NotCached
	case !e.ok:
		return zero, NoChild
	}
	return h.out(e.child), Found
}

// Create inserts child as owner's child (LoopBack 3:
// customer.address.create(data)); a second child is refused with an error
// matching memstore.ErrUnique. The assigned keys are written back to
// *child.
func (h *HasOne[T, S]) Create(ctx context.Context, owner T, child *S) error {
	return h.many.Create(ctx, owner, child)
}

// Update replaces owner's stored child by child (LoopBack 3:
// customer.address.update(data)). child must be owner's child and keep its
// foreign key: a change of it is refused with ErrOtherOwner.
func (h *HasOne[T, S]) Update(ctx context.Context, owner T, child S) error {
	return h.many.Update(ctx, owner, child)
}

// Delete deletes owner's child (LoopBack 3: customer.address.destroy()),
// with the usual on-delete actions; ErrEmpty when owner has none.
func (h *HasOne[T, S]) Delete(ctx context.Context, owner T) error {
	if err := checkCtx(ctx); err != nil {
		return h.many.wrap(err)
	}
	return h.many.wrap(h.many.store.Update(ctx, func(tx *memstore.Tx) error { return h.In(tx).Delete(owner) }))
}

// Include returns the children of many owners, aligned with owners (nil
// for an owner without one), read from one snapshot, one lookup per
// distinct owner.
func (h *HasOne[T, S]) Include(ctx context.Context, owners []T) (out []*S, err error) {
	if err := checkCtx(ctx); err != nil {
		return nil, h.many.wrap(err)
	}
	err = h.many.store.View(ctx, func(tx *memstore.Tx) error {
		out, err = h.In(tx).Include(owners)
		return err
	})
	if err != nil {
		return nil, h.many.wrap(err)
	}
	return out, nil
}

// HasOneTx is a HasOne's operations inside one transaction, made by
// HasOne.In (see HasManyTx).
type HasOneTx[T, S any] struct {
	h *HasOne[T, S]
	m HasManyTx[T, S]
}

// Get returns owner's child as the transaction sees it; ok is false when
// it has none.
func (t HasOneTx[T, S]) Get(owner T) (child S, ok bool, err error) {
	list, err := t.m.List(owner)
	if err != nil || len(list) == 0 {
		return child, false, err
	}
	return list[0], true, nil
}

// Create inserts child as owner's child.
func (t HasOneTx[T, S]) Create(owner T, child *S) error { return t.m.Create(owner, child) }

// Update replaces owner's stored child by child.
func (t HasOneTx[T, S]) Update(owner T, child S) error { return t.m.Update(owner, child) }

// Delete deletes owner's child; ErrEmpty when it has none.
func (t HasOneTx[T, S]) Delete(owner T) error {
	c, ok, err := t.Get(owner)
	if err != nil {
		return err
	}
	if !ok {
		return t.h.many.wrap(ErrEmpty)
	}
	return t.m.Delete(owner, c)
}

// Include returns the children of many owners, aligned with owners (nil
// for an owner without one).
func (t HasOneTx[T, S]) Include(owners []T) ([]*S, error) {
	lists, err := t.m.Include(owners)
	if err != nil {
		return nil, err
	}
	out := make([]*S, len(owners))
	for i, l := range lists {
		if len(l) > 0 {
			out[i] = &l[0]
		}
	}
	return out, nil
}
