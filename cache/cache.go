package cache

import (
	"encoding/binary"
	"runtime"
	"sync"
	"sync/atomic"
)

// Cache is a bounded cache of values keyed by (space, key) that never returns
// a value a committed write has replaced, if its callers follow the protocol
// below (cache/DESIGN.md says why it is correct).
//
// All methods are safe for concurrent use. The writer side
// ([Cache.BeginCommit], [Cache.EndCommit], [Cache.BeginReset],
// [Cache.EndReset]) is called by the stores the cache fronts, under their
// write locks; several stores may share one Cache.
//
// Values are stored and returned as given, not copied: a value passed to
// [Cache.Set] is shared by every later [Cache.Get] that returns it, so it
// must not be modified after Set. Keys are copied.
//
// Create a Cache with [New]; the zero Cache is not usable. A nil *Cache acts
// as a disabled one: bypass tokens, misses, no-ops, and Close returns nil.
//
// # Protocol
//
// The cache never sees rows. The caller names an entry by a well-mixed
// 64-bit hash of (space, key), the space (which table and index the key
// belongs to) and the encoded key bytes. Two sides use it:
//
//   - Readers (relation accessors) take a [Token] for the hash, read the
//     store only if [Cache.Get] misses, and offer what they read with
//     [Cache.Set]: take the token, then read the store, then Set.
//   - The store's writer, under its write lock, brackets every commit with
//     [Cache.BeginCommit] and [Cache.EndCommit] (passing the hashes of every
//     key whose cached value may change) and every whole-store reset with
//     [Cache.BeginReset] and [Cache.EndReset]. memstore.Store does this
//     for the Cache in its memstore.Config.
//
// A reader's flow:
//
//	tok := c.Token(hash)
//	if v, ok := c.Get(tok, space, key); ok {
//		return v
//	}
//	v := readFromStoreSnapshot() // after Token, never before
//	c.Set(tok, space, key, v, size)
//	return v
//
// [SetOf], [GetOf] and [GetManyOf] store a typed value in the entry's own
// allocation, so a hit reads the value from the memory it has just checked
// the entry in; package relations caches owners this way.
//
// A Get returns the value of its key as of some instant during the call,
// and never a value from before a reset. Set is applied before it returns: a
// Get after it (with a later token) finds the value unless, since the Set, a
// commit touched its key, a reset happened, or the budget evicted it. Each
// Set evicts (approximately least recently used first) before it returns,
// so the entries' costs never stay above MaxCost. Several stores may share
// one Cache: their writer-side calls are serialised inside it, and each
// store hashes keys with its own seed, so their entries do not meet (an
// entry's identity check would refuse them anyway).
//
// A Set can be refused, which only costs a later miss: when its token is a
// bypass token (a commit on its stripe, or a reset, was open when the token
// was taken), when a commit on its stripe or a reset began after the token
// (the value read may be what that commit replaced; counted in
// [Metrics].StaleSets), when the entry alone costs more than MaxCost
// ([Metrics].Drops), and on a closed or disabled Cache.
//
// The callers must keep three rules:
//
//   - The hash passed to Token must be the hash the store passes to
//     BeginCommit for that key.
//   - Every BeginCommit must be followed by EndCommit with the same hashes,
//     and every BeginReset by EndReset: a stripe left open makes its keys'
//     fills bypass the cache for ever.
//   - Stripes are shared by many keys: a commit on one key makes fills of
//     the other keys of its stripe that overlap it skip the cache. With
//     automatic stripes (the default) there are two to four stripes per
//     entry held.
type Cache struct {
	// shards hold the entries (a map and an eviction ring each) and count
	// operations for metrics, indexed by hash.
	shards    []shard
	shardMask uint64

	// front is a set-associative table of entries a Get or Set found or
	// stored, indexed by the hash's top bits (see frontSet); nil until the
	// first entry. A hit in front takes no lock. It grows with the number of
	// entries; BeginReset and Close drop it.
	front atomic.Pointer[frontTable]

	// stripes are the generation counters, indexed by hash&mask (see
	// stripeTable). With automatic stripes the writer side replaces the
	// table by a larger one as entries accumulate.
	stripes atomic.Pointer[stripeTable]
	// autoStripes: Config.Stripes was zero.
	autoStripes bool

	// closed is set once by Close. It is read on every call.
	closed atomic.Bool
	// open is enabled && !closed, in one load for Token's fast path: set by
	// New, cleared by Close right after closed.
	open atomic.Bool
	// enabled: not Config.Disabled.
	enabled bool

	// epoch is the whole-store reset word: generation<<16 | resets open
	// (see word).
	epoch atomic.Uint64

	// used is the sum of the charges of the entries held; count their
	// number. Each shard also keeps its own sum, under its lock.
	used  atomic.Int64
	count atomic.Int64
	// evictNext picks the shard the next eviction starts in.
	evictNext atomic.Uint64
	// evictions counts entries evicted to stay within maxCost.
	evictions atomic.Uint64

	// maxCost is the byte budget after defaults.
	maxCost int64

	// closeMu serialises Close, so a concurrent second Close waits for the
	// first to finish before it reports ErrClosed.
	closeMu sync.Mutex

	// wmu serialises the writer side, which stores sharing the cache call
	// concurrently. It protects scratch, marks and openCommits.
	wmu sync.Mutex
	// scratch and marks are the stripe-dedupe buffers: scratch for small
	// commits (at most bitmapMin hashes), marks, one bit per stripe and all
	// zero between calls, for larger ones.
	scratch []uint64
	marks   []uint64
	// openCommits counts the commits begun and not ended; the stripe table
	// only grows when it is zero.
	openCommits int

	// testHookInside, if set, is called by Get and Set after they took a
	// shard's lock and before they touch its entries: a test seam for
	// interleaving Close deterministically. Set before use, never after.
	testHookInside func()
}

// entry is what a shard holds under a hash. Its identity and tag are
// immutable once it is stored, so readers may check them without
// synchronization. A key of up to len(short) bytes is kept inline, so
// checking a hit's identity reads no memory besides the entry's own.
type entry struct {
	hash  uint64 // the Token hash it was Set under: its shard and front set
	epoch uint64 // the reset epoch of the Set's Token
	// value is the value given to Set, or, for an entry stored by SetOf,
	// the *entryOf holding e and the value.
	value  any
	short  [16]byte // the key, if klen <= 16
	long   string   // the key, if longer
	space  uint32
	klen   uint32 // len(key)
	charge int64  // what it costs against MaxCost
	slot   int32  // its index in its shard's ring, under the shard's lock
	// ref is the eviction clock's referenced bit: set by hits, cleared by
	// the clock hand.
	ref atomic.Bool
	// dead is set, under the shard's lock, when the entry leaves its shard
	// (a commit on its key, an eviction, a replacement); a hit requires it
	// clear. See cache/DESIGN.md.
	dead atomic.Bool
}

// init tags e with tok and names it (space, key), keeping a copy of key.
func (e *entry) init(tok Token, space uint32, key []byte) {
	e.hash, e.epoch, e.space, e.klen = tok.hash, tok.epoch, space, uint32(len(key))
	if len(key) <= len(e.short) {
		copy(e.short[:], key)
	} else {
		e.long = string(key)
	}
}

// any returns e's value as an untyped Get returns it: a typed entry's value
// is boxed (see SetOf).
func (e *entry) any() any {
	if b, ok := e.value.(boxer); ok {
		return b.box()
	}
	return e.value
}

// is reports whether e is the entry for (space, key).
func (e *entry) is(space uint32, key []byte) bool {
	if e.space != space || int(e.klen) != len(key) {
		return false
	}
	switch {
	case len(key) == 8: // an int64 key: one word, no call to memequal
		return binary.NativeEndian.Uint64(e.short[:]) == binary.NativeEndian.Uint64(key)
	case len(key) <= len(e.short):
		return string(e.short[:len(key)]) == string(key) // no allocation: compared in place
	}
	return e.long == string(key)
}

// accepts reports whether e is the current entry for (space, key) for a
// reader holding tok: the one test every hit passes, from front or from a
// shard. An entry still in its shard holds the key's current value (a
// commit on the key removes it before the commit becomes visible); the
// epoch check rejects entries from before a reset, which removes entries
// without marking them (see cache/DESIGN.md).
func (e *entry) accepts(tok Token, space uint32, key []byte) bool {
	return e.hash == tok.hash && e.epoch == tok.epoch && !e.dead.Load() && e.is(space, key)
}

// touch sets e's referenced bit, writing only when it is clear.
func (e *entry) touch() {
	if !e.ref.Load() {
		e.ref.Store(true)
	}
}

// New returns a Cache configured by cfg, or an error matching [ErrConfig] if
// a field is invalid. cfg is taken by value and never modified. New starts
// no goroutine and allocates a few KB: entries, the front table and the
// stripe counters grow with use, up to what MaxCost allows.
func New(cfg Config) (*Cache, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	// Enough shards that parallel readers and writers on different keys
	// rarely share a lock or a counter line: 4 per P, rounded to a power of
	// two, between 8 and 256.
	nShards := 8
	for nShards < 4*runtime.GOMAXPROCS(0) && nShards < 256 {
		nShards <<= 1
	}
	c := &Cache{
		shards:    make([]shard, nShards),
		shardMask: uint64(nShards - 1),
		maxCost:   cfg.MaxCost,
		enabled:   !cfg.Disabled,
	}
	c.epoch.Store(1 << genShift) // never 0: the zero Token's epoch matches no entry
	if cfg.Disabled {
		return c, nil
	}
	n := cfg.Stripes
	if n == 0 {
		n, c.autoStripes = minStripes, true
	}
	c.stripes.Store(newStripeTable(n))
	c.open.Store(true)
	return c, nil
}

// shard returns hash's shard.
func (c *Cache) shard(hash uint64) *shard { return &c.shards[hash&c.shardMask] }

// Get returns the value cached for (space, key) if it is current, for tok,
// which must come from [Cache.Token] for the same hash. A hit requires the
// stored entry's space and key to equal the request (so a hash collision is
// a miss, never another row's value) and the entry to be current: no commit
// on the key and no reset has ended since it was stored.
//
// Get misses on a closed or disabled Cache, for the zero Token and for a
// token taken during a reset; a bypass token taken during a commit on its
// stripe may still hit an entry for a key the commit does not touch. It
// does not allocate. The returned value is shared; do not modify it.
func (c *Cache) Get(tok Token, space uint32, key []byte) (any, bool) {
	if e := c.find(tok, space, key); e != nil {
		return e.any(), true
	}
	return nil, false
}

// find returns the entry a Get accepts, or nil, counting the outcome.
func (c *Cache) find(tok Token, space uint32, key []byte) *entry {
	if c == nil || !c.open.Load() || !tok.readable() {
		return nil
	}
	if e := c.frontLookup(tok.hash); e != nil && e.accepts(tok, space, key) {
		c.shard(tok.hash).frontHits.Add(1)
		e.touch()
		return e
	}
	return c.inShard(tok, space, key)
}

// inShard is find after a front miss: the shard's entry, checked and
// remembered in front.
func (c *Cache) inShard(tok Token, space uint32, key []byte) *entry {
	s := c.shard(tok.hash)
	s.mu.RLock()
	if c.testHookInside != nil {
		c.testHookInside()
	}
	e := s.m[tok.hash] // nil map after Close or a reset: a miss
	hit := e != nil && e.accepts(tok, space, key)
	if hit {
		// Under the shard's lock, so that the entry cannot leave the shard
		// before it is in front (see remember).
		c.remember(tok.hash, e)
		e.touch()
	}
	s.mu.RUnlock()
	switch {
	case hit:
		s.hits.Add(1)
		return e
	case !tok.live:
		// A bypass token's miss is not counted: its Token counted a bypass.
	case e == nil:
		s.misses.Add(1)
	case !e.is(space, key):
		s.misses.Add(1)
		s.collisions.Add(1)
	default:
		s.misses.Add(1)
		s.stale.Add(1)
	}
	return nil
}

// Lookup is one request of [Cache.GetMany] and [GetManyOf]: the caller
// sets Hash and Key; they set Token (what [Cache.Token] returns for Hash)
// and Hit, and GetMany sets Value. The caller keeps the Tokens for
// [Cache.Set] and [Cache.Current] after reading the store for the misses.
type Lookup struct {
	Hash  uint64
	Key   []byte
	Token Token
	Value any
	Hit   bool
}

// GetMany is [Cache.Token] and [Cache.Get] for a batch of keys of one
// space: for every ls[i] it sets ls[i].Token = c.Token(ls[i].Hash), then
// ls[i].Value, ls[i].Hit = c.Get(ls[i].Token, space, ls[i].Key).
// It works through the batch in chunks, and in each chunk first loads every
// request's candidate entry, then checks them all, so the memory reads of a
// batch overlap instead of waiting for each other; on batches of hundreds
// of keys spread over a large cache that is several times faster than a
// loop of Gets. It does not allocate for values stored with [Cache.Set].
func (c *Cache) GetMany(space uint32, ls []Lookup) {
	var hits uint64
	for lo := 0; lo < len(ls); lo += batchChunk {
		chunk := ls[lo:min(lo+batchChunk, len(ls))]
		es, n := c.findChunk(space, chunk)
		hits += n
		for i := range chunk {
			if e := es[i]; e != nil {
				chunk[i].Value = e.any()
			} else if chunk[i].Value != nil {
				chunk[i].Value = nil
			}
		}
	}
	c.countFrontHits(hits)
}

// batchChunk is how many lookups findChunk takes at once: enough memory
// reads in flight to keep the CPU's miss buffers busy, few enough that the
// chunk's sets and entries are still in the L1 cache when they are checked
// and copied.
const batchChunk = 32

// findChunk sets the Token and Hit of every lookup in ls (at most
// batchChunk of them) and returns the entry Get would accept for each, nil
// for a miss, and the number of front hits. The entries are returned in an
// array, which lives in the caller's frame: storing them there needs no
// write barrier, as storing them in ls would.
func (c *Cache) findChunk(space uint32, ls []Lookup) (es [batchChunk]*entry, hits uint64) {
	ls = ls[:min(len(ls), batchChunk)]
	if c == nil || !c.open.Load() {
		for i := range ls {
			ls[i].Token, ls[i].Hit = c.Token(ls[i].Hash), false
		}
		return es, 0
	}
	// Pass 1: each request's token (one epoch and one table load for the
	// chunk, as in Token) and front entry; the loads of different sets are
	// independent, so their misses overlap.
	epoch := c.epoch.Load()
	st := c.stripes.Load()
	ft := c.front.Load()
	for i := range ls {
		l := &ls[i]
		l.Hit = false
		l.Token = st.token(c, l.Hash, epoch)
		if ft != nil {
			es[i] = ft.lookup(l.Hash)
		}
	}
	// Pass 2: accept the entry found, or ask the shard.
	for i := range ls {
		l := &ls[i]
		if !l.Token.readable() {
			es[i] = nil
			continue
		}
		if e := es[i]; e != nil && e.accepts(l.Token, space, l.Key) {
			e.touch()
			l.Hit = true
			hits++
			continue
		}
		es[i] = c.inShard(l.Token, space, l.Key)
		l.Hit = es[i] != nil
	}
	return es, hits
}

// countFrontHits adds a batch's front hits to the metrics: once per batch,
// not per chunk, to keep concurrent batches off the shared counter.
func (c *Cache) countFrontHits(n uint64) {
	if n > 0 {
		c.shards[0].frontHits.Add(n)
	}
}

// Set stores value for (space, key), tagged with tok. cost is the value's
// size in bytes (negative counts as zero); the entry is charged cost +
// [EntryOverhead] + len(key) against [Config].MaxCost, and entries are
// evicted (least recently used first, approximately) to stay within it.
// key is copied; value is stored as is and must not be modified afterwards.
//
// The caller must take tok with [Cache.Token] before reading value from the
// store: take the token, then read the store, then Set. Set refuses the
// value if a commit touching tok's stripe or a reset has begun since the
// token (it may hold what the commit replaced), and does nothing for a
// bypass token, on a closed or disabled Cache, or for an entry whose charge
// exceeds MaxCost (counted in [Metrics].Drops).
//
// Set is synchronous: once it returns, [Cache.Get] with a later token
// finds the value, until a commit on its key, a reset or an eviction.
func (c *Cache) Set(tok Token, space uint32, key []byte, value any, cost int64) {
	if c.settable(tok) {
		e := &entry{value: value}
		e.init(tok, space, key)
		c.store(e, tok, cost)
	}
}

// settable reports whether a Set with tok can store anything, counting a
// stale Set. store checks again under the shard's lock.
func (c *Cache) settable(tok Token) bool {
	if !tok.live || c == nil || !c.open.Load() {
		return false
	}
	if !c.current(tok) {
		// A commit (or reset) moved the counters after the token: the value
		// may be what it replaced.
		c.shard(tok.hash).staleSets.Add(1)
		return false
	}
	return true
}

// store puts e, initialised, into its shard, charged cost + EntryOverhead +
// len(key), replacing the entry of the same hash, and evicts entries until
// the cache is within its budget again.
func (c *Cache) store(e *entry, tok Token, cost int64) {
	cost = max(cost, 0)
	s := c.shard(e.hash)
	s.sets.Add(1)
	if cost > c.maxCost-EntryOverhead-int64(e.klen) { // also avoids overflow
		s.drops.Add(1)
		return
	}
	e.charge = cost + EntryOverhead + int64(e.klen)
	s.mu.Lock()
	if c.testHookInside != nil {
		c.testHookInside()
	}
	// Under the lock, which BeginCommit takes to remove the entries of the
	// keys it touches after it moved their stripes: either the commit's
	// removal comes after this insert, or this check sees the moved stripe.
	if c.closed.Load() || !c.current(tok) {
		s.mu.Unlock()
		s.staleSets.Add(1)
		return
	}
	c.insertLocked(s, e)
	s.mu.Unlock()
	if c.used.Load() > c.maxCost {
		c.evict()
	}
}

// Wait returns at once: Sets are applied before they return.
//
// Deprecated: Wait was needed while Sets were applied asynchronously (by
// ristretto). It remains so that code written for that version compiles.
func (c *Cache) Wait() {}

// Close releases the cache: it drops every entry. It is safe to call while
// other goroutines use any method. After Close, [Cache.Token] returns bypass
// tokens, [Cache.Get] misses, [Cache.Set] and the writer-side methods do
// nothing, and [Cache.Metrics] still reports the counts so far. Close
// returns [ErrClosed] if the cache was already closed; a concurrent second
// Close waits for the first to finish. A Cache starts no goroutine, so an
// unclosed one leaks nothing but its memory until it is unreachable.
func (c *Cache) Close() error {
	if c == nil {
		return nil
	}
	c.closeMu.Lock()
	defer c.closeMu.Unlock()
	if c.closed.Load() {
		return ErrClosed
	}
	c.closed.Store(true)
	c.open.Store(false)
	// Each shard's lock waits for the calls inside it; later calls see
	// closed. Remembering happens under a shard's lock, so after the loop
	// nothing puts an entry in front again.
	c.wipe()
	return nil
}
