package relations

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/internal/relcore"
	"github.com/relstore/relstore/memstore"
)

// Status is what Cached knows about a source's owner without the store.
type Status uint8

const (
	// NotCached means the cache holds no current owner for the source's
	// foreign key: ask Get or Fetch.
	NotCached Status = iota
	// Found means Cached returned the current owner.
	Found
	// NoOwner means the source's foreign key is nil.
	NoOwner
	// NoChild means a hasOne's owner has no child.
	NoChild
)

// String returns "not cached", "found", "no owner" or "no child".
func (s Status) String() string {
	switch s {
	case Found:
		return "found"
	case NoOwner:
		return "no owner"
	case NoChild:
		return "no child"
	}
	return "not cached"
}

// keyBuf is the stack buffer for an encoded key: every integer and [16]byte
// key, and strings up to 62 bytes, encode without allocating.
const keyBuf = 64

// BelongsTo is the accessor of a belongsTo relation: source S (an Order)
// belongs to target T (its Customer) through a foreign key. It is immutable
// and safe for concurrent use.
//
// # The owner cache
//
// BelongsTo (and the polymorphic accessor, and a hasOne's Get and Cached,
// and a hasManyThrough's Include for its far rows) read through the owner
// cache the store was opened with (memstore.Config.Cache, a *cache.Cache);
// without one they read the store every time. The cache maps (index, key)
// to the row. It is linearizable with the store — no accessor ever returns
// a row that a committed write had already replaced or deleted before the
// call began, nor one from a rolled-back transaction or from before a
// Restore — because every read follows package cache's protocol: take the
// key's token, then read the cache or one store snapshot, then offer the
// snapshot's value to the cache under that token (see package cache). A
// changed foreign key is simply a different key, so Cached never returns
// the previous owner.
//
// Owners go into the cache as private copies and come out as copies: a
// caller who changes a returned owner cannot change the cache. Each is
// charged what its copy holds (its struct, strings, slices and maps), so the
// cache's MaxCost bounds the memory it keeps. The accessors fill the cache
// only from committed snapshots, never from a write transaction.
type BelongsTo[S, T any] struct {
	store *memstore.Store
	rel   *relcore.Rel[S, T]
	cache *cache.Cache // nil: no cache (a nil *cache.Cache misses and ignores sets)
	space uint32
	plain bool // T has no reference fields: a copy is an assignment

	lookups atomic.Int64 // store lookups of owners: the N+1 test counts them
	pool    sync.Pool    // *includeScratch, Include's reusable bookkeeping
}

// NewBelongsTo returns the accessor of the relation named relation of model
// S, whose target must be model T. It fails with an error matching
// memstore.ErrInvalid and naming the relation when the schema declares no
// such relation or the types do not match.
func NewBelongsTo[S, T any](s *memstore.Store, relation string) (*BelongsTo[S, T], error) {
	rel, err := relcore.RelationOf[S, T](s, relation)
	if err != nil {
		return nil, err
	}
	b := &BelongsTo[S, T]{store: s, rel: rel, space: rel.Space(), plain: rel.Plain()}
	b.cache, _ = s.Cache().(*cache.Cache)
	return b, nil
}

// Name returns the relation's name.
func (b *BelongsTo[S, T]) Name() string { return b.rel.Name() }

// Lookups returns how many owners b has looked up in the store, each an
// index lookup of one key: Get and Fetch on a cache miss, ByKey, and
// Include once per distinct foreign key the cache did not answer; in a
// transaction (In), every owner read. A test asserts "no N+1" with it.
func (b *BelongsTo[S, T]) Lookups() int64 { return b.lookups.Load() }

// In returns b's operations inside the transaction tx (see "Transactions"
// in the package doc): they read and write tx, see its own writes, and
// never read or fill the owner cache.
func (b *BelongsTo[S, T]) In(tx *memstore.Tx) BelongsToTx[S, T] {
	return BelongsToTx[S, T]{b: b, tx: tx}
}

func (b *BelongsTo[S, T]) wrap(err error) error {
	return wrapErr(b.rel.Source(), b.rel.Name(), err)
}

// invalid reports bad input, matching memstore.ErrInvalid.
func (b *BelongsTo[S, T]) invalid(what string) error {
	return b.wrap(errors.Join(memstore.ErrInvalid, errors.New(what)))
}

// checkCtx returns an error for a nil or finished context.
func (b *BelongsTo[S, T]) checkCtx(ctx context.Context) error {
	if ctx == nil {
		return b.invalid("nil context")
	}
	return b.wrap(ctx.Err())
}

// Get returns src's owner: from the cache when it holds a current entry,
// else from the store (filling the cache). ok is false, with a nil error,
// when src's foreign key is nil. A foreign key that matches no row (src is
// not a stored row, or a stale copy) gives an error matching
// memstore.ErrNotFound.
func (b *BelongsTo[S, T]) Get(ctx context.Context, src S) (owner T, ok bool, err error) {
	if err := b.checkCtx(ctx); err != nil {
		return owner, false, err
	}
	if b.rel.Shadow() {
		s := src // only this branch's copy escapes (into View closures)
		return b.getShadow(ctx, &s)
	}
	// buf stays on the stack: the store copies the key for go-memdb.
	var buf [keyBuf]byte
	k, ok, err := b.rel.AppendFK(nil, buf[:0], &src)
	if err != nil || !ok {
		return owner, false, b.wrap(err)
	}
	if !b.cache.Enabled() {
		// No cache: no hash, no token, just the store.
		b.lookups.Add(1)
		owner, err = b.rel.OwnerNow(ctx, k)
		return owner, err == nil, b.wrap(err)
	}
	tok := b.cache.Token(b.store.KeyHash(b.space, k))
	if v, hit := cache.GetOf[T](b.cache, tok, b.space, k); hit {
		return b.out(v), true, nil
	}
	// The token was taken before this read of the latest snapshot.
	b.lookups.Add(1)
	if owner, err = b.rel.OwnerNow(ctx, k); err != nil {
		return owner, false, b.wrap(err)
	}
	b.offer(tok, k, owner)
	return owner, true, nil
}

// getShadow is Get for a shadow foreign key, which only the store holds. The
// token for the key must precede the snapshot the owner is read from, and
// the key is known only from a snapshot: so read the key, take its token,
// then read key and owner again from one snapshot, and offer the owner only
// if the key did not change in between.
func (b *BelongsTo[S, T]) getShadow(ctx context.Context, src *S) (owner T, ok bool, err error) {
	var k []byte
	err = b.store.View(ctx, func(tx *memstore.Tx) error {
		k, ok, err = b.rel.AppendFK(tx, nil, src)
		return err
	})
	if err != nil || !ok {
		return owner, false, b.wrap(err)
	}
	tok := b.cache.Token(b.store.KeyHash(b.space, k))
	var k2 []byte
	err = b.store.View(ctx, func(tx *memstore.Tx) error {
		k2, ok, err = b.rel.AppendFK(tx, nil, src)
		if err != nil || !ok {
			return err
		}
		owner, err = b.load(tx, k2)
		return err
	})
	if err != nil || !ok {
		return owner, false, b.wrap(err)
	}
	if string(k2) == string(k) {
		b.offer(tok, k, owner)
	}
	return owner, true, nil
}

// load reads the owner with key k in tx, counting the lookup.
func (b *BelongsTo[S, T]) load(tx *memstore.Tx, k []byte) (T, error) {
	b.lookups.Add(1)
	return b.rel.Owner(tx, k)
}

// offer gives the cache a private copy of owner, read from a snapshot taken
// after tok, charged the memory it holds (its struct, strings, and what its
// references reach: the copy plan measures it), so that the cache's MaxCost
// bounds the heap it keeps. owner is taken by value: a pointer would make
// every caller's owner escape, on the hit path too.
func (b *BelongsTo[S, T]) offer(tok cache.Token, k []byte, owner T) {
	if b.cache == nil || tok.Bypass() {
		return
	}
	if b.plain {
		cache.SetOf(b.cache, tok, b.space, k, owner, b.rel.Size(&owner))
		return
	}
	b.offerDeep(tok, k, owner)
}

func (b *BelongsTo[S, T]) offerDeep(tok cache.Token, k []byte, owner T) {
	v, size := b.rel.CloneSize(&owner)
	cache.SetOf(b.cache, tok, b.space, k, v, size)
}

// out returns the caller's copy of a cached owner: v itself for a plain T,
// else a deep copy. The slow path is separate so that its t, which escapes
// into Clone, is not allocated on the fast path.
func (b *BelongsTo[S, T]) out(v T) T {
	if b.plain {
		return v
	}
	return b.outDeep(v)
}

func (b *BelongsTo[S, T]) outDeep(t T) T {
	return b.rel.Clone(&t)
}

// Cached returns src's owner if a previous Get, Fetch or Include cached it
// and it is still current, without reading the store or waiting: Found with
// the owner, NoOwner when src's foreign key is nil, else NotCached. It never
// returns a stale owner: an owner updated or deleted since, or the owner of
// a foreign key src no longer has, is NotCached.
//
// A shadow foreign key (declared in code on a struct without the field)
// lives only in the store: Cached then reads the latest snapshot for the
// foreign key (without waiting for anything) and checks, through the source
// row's cache token, that the row did not change while the owner was read
// from the cache.
//
// # Read your fetch
//
// LoopBack's promise: the results of a fetch are "available via later
// synchronous calls". After Get, a completed Fetch or Include returns an
// owner, Cached for a source with that foreign key returns Found at once,
// with no Wait, unless one of these happened; then it says NotCached, never
// a stale owner:
//
//   - since the fetch, a commit changed or deleted that owner, a Restore
//     reset the store, or the cache's budget evicted the entry (its MaxCost
//     is full), or the cache was closed;
//   - the fetch did not fill the cache: the owner came from the cache
//     already and was evicted since; the owner alone costs more than
//     MaxCost; or a write overlapped the fetch (a commit on a key of the
//     same cache stripe was open when the fetch began, or began before it
//     offered the owner; counted in cache.Metrics.StaleSets and Bypasses,
//     and rare: the cache keeps two to four stripes per entry);
//   - Include re-read, from its snapshot, an owner whose cache hit a commit
//     on its stripe made unverifiable; it does not offer it again;
//   - the foreign key is a shadow column and the fetch was Include (shadow
//     keys are read and resolved from one snapshot, without the cache), or
//     the key changed between the two reads of a shadow key; ByKey never fills the
//     cache;
//   - the fetch ran in a transaction (In): Tx forms never fill the cache;
//   - there is no cache (memstore.Config.Cache nil, or a disabled one).
//
// The same holds for HasOne's Get and Cached (the cache then holds the
// owner's child, or that it has none) and for the polymorphic accessor.
// TestReadYourFetch checks it with 10^5 fetch-then-Cached pairs while
// unrelated writes commit.
//
// Include and the other batch reads are consistent: cache hits are
// re-validated after the store snapshot is taken (cache.Cache.Current), so
// all rows returned are the store's state at one instant.
func (b *BelongsTo[S, T]) Cached(src S) (T, Status) {
	var zero T
	if b.rel.Shadow() {
		return b.cachedShadow(&src)
	}
	var buf [keyBuf]byte
	k, ok, err := b.rel.AppendFK(nil, buf[:0], &src)
	if err != nil {
		return zero, NotCached
	}
	if !ok {
		return zero, NoOwner
	}
	tok := b.cache.Token(b.store.KeyHash(b.space, k))
	if v, hit := cache.GetOf[T](b.cache, tok, b.space, k); hit {
		return b.out(v), Found
	}
	return zero, NotCached
}

// cachedShadow is Cached for a shadow foreign key: the source row's token,
// taken before the key is read and still current after the cache hit, proves
// the key did not change while the owner was read.
func (b *BelongsTo[S, T]) cachedShadow(src *S) (T, Status) {
	var zero T
	var sbuf [keyBuf]byte
	sk, err := b.rel.AppendSourceKey(sbuf[:0], src)
	if err != nil {
		return zero, NotCached
	}
	// A bypass token (no cache, a disabled one, or a write in flight) is
	// checked only after the key is read: a nil key is NoOwner in any case,
	// as the snapshot says, with no cache involved.
	stok := b.cache.Token(b.store.KeyHash(b.rel.SourceSpace(), sk))
	var k []byte
	var ok bool
	err = b.store.View(context.Background(), func(tx *memstore.Tx) error {
		k, ok, err = b.rel.AppendFK(tx, nil, src)
		return err
	})
	if err != nil {
		return zero, NotCached
	}
	if !ok {
		return zero, NoOwner
	}
	if stok.Bypass() {
		return zero, NotCached
	}
	tok := b.cache.Token(b.store.KeyHash(b.space, k))
	v, hit := cache.GetOf[T](b.cache, tok, b.space, k)
	if !hit || !b.cache.Current(stok) {
		return zero, NotCached
	}
	return b.out(v), Found
}

// Fetch starts looking up src's owner and returns at once; the Future
// delivers what Get would return. When the owner is cached (or src has no
// owner) the Future is complete on return and no goroutine starts; otherwise
// one goroutine runs Get with ctx and ends by itself. Cancelling ctx stops
// the lookup; a Future nobody waits for leaks nothing.
func (b *BelongsTo[S, T]) Fetch(ctx context.Context, src S) *Future[T] {
	f := &Future[T]{done: make(chan struct{})}
	if err := b.checkCtx(ctx); err != nil {
		f.complete(f.val, false, err)
		return f
	}
	switch owner, st := b.Cached(src); st {
	case Found:
		f.complete(owner, true, nil)
		return f
	case NoOwner:
		f.complete(owner, false, nil)
		return f
	}
	go func() {
		owner, ok, err := b.Get(ctx, src)
		f.complete(owner, ok, err)
	}()
	return f
}

// ByKey returns the owner of the source row whose primary key is key (a
// value of the source key's type), reading the row and its owner from one
// snapshot: LoopBack 4's orderRepository.customer(orderId). ok is false when
// the row's foreign key is nil; a key with no row gives an error matching
// memstore.ErrNotFound. ByKey neither reads nor fills the cache.
func (b *BelongsTo[S, T]) ByKey(ctx context.Context, key any) (owner T, ok bool, err error) {
	if err := b.checkCtx(ctx); err != nil {
		return owner, false, err
	}
	b.lookups.Add(1)
	owner, ok, err = b.rel.OwnerOfKeyNow(ctx, key)
	return owner, ok, b.wrap(err)
}
