package cache

import (
	"encoding/binary"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/dgraph-io/ristretto/v2"
)

// Cache is a bounded cache of values keyed by (space, key) that never returns
// a value a committed write has replaced; see the package documentation for
// the protocol and why it is correct.
//
// All methods are safe for concurrent use, with one restriction: the writer
// side ([Cache.BeginCommit], [Cache.EndCommit], [Cache.BeginReset],
// [Cache.EndReset]) must be called by one goroutine at a time (the store's
// writer, under its write lock). The writer side runs concurrently with
// readers and with [Cache.Close].
//
// Values are stored and returned as given, not copied: a value passed to
// [Cache.Set] is shared by every later [Cache.Get] that returns it, so it
// must not be modified after Set. Keys are copied.
//
// Create a Cache with [New]; the zero Cache is not usable. A nil *Cache acts
// as a disabled one: bypass tokens, misses, no-ops, and Close returns nil.
type Cache struct {
	// rc holds the entries; nil when Config.Disabled.
	rc *ristretto.Cache[uint64, *entry]

	// front is a set-associative table of entries that ristretto holds
	// and a Get found there, indexed by the hash's top bits (see
	// frontSet). A hit in front skips ristretto: no shard lock, no
	// access-buffer push. An entry found in front is checked exactly like
	// one ristretto returns, so front can only ever change which valid
	// entries are found, never what is accepted. ristretto's OnExit clears
	// an entry's way when the entry leaves ristretto; see the package
	// documentation.
	front      []frontSet
	frontShift uint

	// closed is set once by Close, before ristretto is closed. It is read on
	// every call, so it shares no cache line with frequently written fields.
	closed atomic.Bool
	// open is rc != nil && !closed, in one load for Token's inlined fast
	// path: set by New, cleared by Close right after closed.
	open atomic.Bool

	// epoch is the whole-store reset counter: odd while a reset is open.
	epoch atomic.Uint64

	// gens are the striped generation counters, indexed by hash&mask; a
	// stripe is odd while a commit touching it is open. Adjacent stripes
	// share cache lines; that only costs readers a line refill when a
	// commit bumps a neighbour, which is rare next to reads.
	gens []atomic.Uint64
	mask uint64

	// shards count operations for metrics and for Close's drain; see shard.
	shards    []shard
	shardMask uint64

	// bg is written by ristretto's goroutine (evictions, rejections).
	bg bgCounters

	// maxCost is the byte budget after defaults.
	maxCost int64

	// closeMu serialises Close, so a concurrent second Close waits for the
	// first to finish before it reports ErrClosed.
	closeMu sync.Mutex

	// testHookInside, if set, is called by Get, Set and Wait after they
	// entered the Close guard and before they touch ristretto: a test seam
	// for interleaving Close deterministically. Set before use, never after.
	testHookInside func()

	// scratch and marks are BeginCommit/EndCommit's stripe-dedupe buffers:
	// scratch for small commits (at most bitmapMin hashes), marks, one bit
	// per stripe and all zero between calls, for larger ones. They are
	// unsynchronized: the writer side is single-threaded by contract.
	scratch []uint64
	marks   []uint64
}

// entry is what ristretto stores under a hash. It is immutable once handed
// to ristretto, so readers may use it without synchronization. A key of up
// to len(short) bytes is kept inline, so checking a hit's identity reads no
// memory besides the entry's own.
type entry struct {
	// A typed entry (entryOf) of a small value is a 128-byte object, two
	// cache lines: the first holds the tags and a short key, the second
	// space and klen and the value.
	hash  uint64 // the Token hash it was Set under: its front set
	epoch uint64 // Token.epoch of the Set that stored it
	gen   uint64 // Token.gen of the Set that stored it
	// value is the value given to Set, or, for an entry stored by SetOf,
	// the *entryOf holding e and the value.
	value any
	short [16]byte // the key, if klen <= 16
	long  string   // the key, if longer
	space uint32
	klen  uint32 // len(key)
}

// init tags e with tok and names it (space, key), keeping a copy of key.
func (e *entry) init(tok Token, space uint32, key []byte) {
	e.hash, e.epoch, e.gen, e.space, e.klen = tok.hash, tok.epoch, tok.gen, space, uint32(len(key))
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

// New returns a Cache configured by cfg, or an error matching [ErrConfig] if
// a field is invalid. cfg is taken by value and never modified. Unless
// cfg.Disabled, New starts ristretto's goroutines; call [Cache.Close] to stop
// them.
func New(cfg Config) (*Cache, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	// Enough shards that parallel readers on different keys rarely share a
	// counter line: 4 per P, rounded to a power of two, between 8 and 256.
	nShards := 8
	for nShards < 4*runtime.GOMAXPROCS(0) && nShards < 256 {
		nShards <<= 1
	}
	c := &Cache{
		shards:    make([]shard, nShards),
		shardMask: uint64(nShards - 1),
		maxCost:   cfg.MaxCost,
	}
	if cfg.Disabled {
		return c, nil
	}
	c.gens = make([]atomic.Uint64, cfg.Stripes)
	c.mask = uint64(cfg.Stripes - 1)
	frontBits := frontBits(cfg.MaxCost)
	c.front = make([]frontSet, 1<<frontBits)
	c.frontShift = 64 - frontBits
	c.rc, err = ristretto.NewCache(&ristretto.Config[uint64, *entry]{
		NumCounters: cfg.NumCounters,
		MaxCost:     cfg.MaxCost,
		BufferItems: cfg.BufferItems,
		// Set charges EntryOverhead+len(key) itself, in bytes.
		IgnoreInternalCost: true,
		// The hash is already well mixed; skip ristretto's type switch.
		KeyToHash: func(h uint64) (uint64, uint64) { return h, 0 },
		OnEvict: func(*ristretto.Item[*entry]) {
			// Close's Clear "evicts" everything; that is not an eviction.
			if !c.closed.Load() {
				c.bg.evictions.Add(1)
			}
		},
		OnReject: func(*ristretto.Item[*entry]) {
			if !c.closed.Load() {
				c.bg.rejections.Add(1)
			}
		},
		// Every way out of ristretto (eviction, rejection, replacement by a
		// Set of the same hash, Close) ends here: front must not keep the
		// entry alive.
		OnExit: c.forget,
	})
	if err != nil {
		// Unreachable: withDefaults leaves no zero or negative field.
		return nil, &ConfigError{Field: "NumCounters", Value: cfg.NumCounters, Reason: err.Error()}
	}
	c.open.Store(true)
	return c, nil
}

// Get returns the value cached for (space, key) if it is still current for
// tok, which must come from [Cache.Token] for the same hash. A hit requires
// the stored entry's space and key to equal the request (so a hash collision
// is a miss, never another row's value) and its tags to equal tok's, so an
// entry read before any commit or reset that has moved the counters since is
// never returned. Get never reloads the counters: tok fixed them.
//
// Get misses for a bypass token, on a closed or disabled Cache, and for the
// zero Token. It does not allocate. The returned value is shared; do not
// modify it.
func (c *Cache) Get(tok Token, space uint32, key []byte) (any, bool) {
	if e := c.find(tok, space, key); e != nil {
		return e.any(), true
	}
	return nil, false
}

// find returns the entry a Get accepts, or nil, counting the outcome.
func (c *Cache) find(tok Token, space uint32, key []byte) *entry {
	if !tok.live || c == nil || !c.open.Load() {
		return nil
	}
	if e := c.set(tok.hash).lookup(tok.hash); e != nil && e.accepts(tok, space, key) {
		c.shards[tok.hash&c.shardMask].frontHits.Add(1)
		return e
	}
	return c.inRistretto(tok, space, key)
}

// inRistretto is find after a front miss: ristretto's entry, checked and
// remembered in front, inside the Close guard.
func (c *Cache) inRistretto(tok Token, space uint32, key []byte) *entry {
	s := &c.shards[tok.hash&c.shardMask]
	s.enter.Add(1)
	if c.closed.Load() {
		// Close began after the check above; ristretto must not be touched.
		s.exit.Add(1)
		s.misses.Add(1)
		return nil
	}
	if c.testHookInside != nil {
		c.testHookInside()
	}
	e, ok := c.rc.Get(tok.hash)
	hit := ok && e.accepts(tok, space, key)
	if hit {
		// Inside the Close guard, so that Close's clearing of front, after
		// the drain, is final.
		c.remember(tok.hash, e)
	}
	s.exit.Add(1)
	switch {
	case hit:
		return e
	case !ok:
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
	// Pass 1: each request's token (one epoch load for the chunk: it
	// precedes every stripe load, as in Token) and front entry; the loads
	// of different sets are independent, so their misses overlap.
	epoch := c.epoch.Load()
	for i := range ls {
		l := &ls[i]
		l.Hit = false
		g := c.gens[l.Hash&c.mask].Load()
		if (epoch|g)&1 != 0 {
			l.Token = c.bypass(l.Hash)
			continue
		}
		l.Token = Token{hash: l.Hash, epoch: epoch, gen: g, live: true}
		es[i] = c.set(l.Hash).lookup(l.Hash)
	}
	// Pass 2: accept the entry found, or ask ristretto.
	for i := range ls {
		l := &ls[i]
		if !l.Token.live {
			continue
		}
		if e := es[i]; e != nil && e.accepts(l.Token, space, l.Key) {
			l.Hit = true
			hits++
			continue
		}
		es[i] = c.inRistretto(l.Token, space, l.Key)
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

// accepts reports whether e is the entry for (space, key) tagged with tok's
// counters: the one test every hit passes, from front or from ristretto.
func (e *entry) accepts(tok Token, space uint32, key []byte) bool {
	return e.hash == tok.hash && e.epoch == tok.epoch && e.gen == tok.gen && e.is(space, key)
}

// Set offers value for (space, key) to the cache, tagged with tok's counters.
// cost is the value's size in bytes (negative counts as zero); the entry is
// charged cost + [EntryOverhead] + len(key) against [Config].MaxCost. key is
// copied; value is stored as is and must not be modified afterwards.
//
// The caller must take tok with [Cache.Token] before reading value from the
// store: take the token, then read the store, then Set. That order is what
// makes a late Set harmless: if a commit touched the key after the token was
// taken, the entry's tags are already out of date and no later Get accepts it.
//
// Set is a hint. It does nothing for a bypass token, on a closed or disabled
// Cache, or when a commit has already moved tok's stripe; and ristretto
// applies it asynchronously and may drop or reject it (counted in
// [Metrics].Drops). None of that affects correctness, only the hit rate.
func (c *Cache) Set(tok Token, space uint32, key []byte, value any, cost int64) {
	if c.settable(tok) {
		e := &entry{value: value}
		e.init(tok, space, key)
		c.store(e, cost)
	}
}

// settable reports whether a Set with tok can store anything, counting a
// stale Set.
func (c *Cache) settable(tok Token) bool {
	if !tok.live || c == nil || c.rc == nil || c.closed.Load() {
		return false
	}
	if c.gens[tok.hash&c.mask].Load() != tok.gen || c.epoch.Load() != tok.epoch {
		// A commit (or reset) moved the counters after the token: no Get with a fresh
		// token could accept this entry, and it would only displace a
		// current one. (Gets with equally old tokens lose a possible hit.)
		c.shards[tok.hash&c.shardMask].staleSets.Add(1)
		return false
	}
	return true
}

// store hands e, initialised, to ristretto, charged cost + EntryOverhead +
// len(key).
func (c *Cache) store(e *entry, cost int64) {
	cost = max(cost, 0)
	charge := EntryOverhead + int64(e.klen)
	if cost > c.maxCost { // also avoids overflow below
		charge = c.maxCost + 1
	} else {
		charge += cost
	}
	s := &c.shards[e.hash&c.shardMask]
	s.enter.Add(1)
	if c.closed.Load() {
		s.exit.Add(1)
		s.other.Add(1)
		return
	}
	if c.testHookInside != nil {
		c.testHookInside()
	}
	ok := c.rc.Set(e.hash, e, charge)
	s.exit.Add(1)
	s.other.Add(1)
	s.sets.Add(1)
	if !ok {
		s.drops.Add(1)
	}
}

// Wait blocks until every Set issued before it has been applied to the cache
// or dropped. ristretto applies Sets on a background goroutine, so a Get right
// after a Set usually misses; tests and examples call Wait to make the
// outcome deterministic. Production code never needs it. Wait returns at once
// on a closed or disabled Cache.
func (c *Cache) Wait() {
	if c == nil || c.rc == nil || c.closed.Load() {
		return
	}
	s := &c.shards[0]
	s.enter.Add(1)
	if !c.closed.Load() {
		if c.testHookInside != nil {
			c.testHookInside()
		}
		c.rc.Wait()
	}
	s.exit.Add(1)
	s.other.Add(1)
}

// Close releases the cache: it stops ristretto's goroutines and drops every
// entry. It is safe to call while other goroutines use any method: it marks
// the cache closed, waits for the calls already inside ristretto to leave
// (they are short and never block), then closes ristretto. After Close,
// [Cache.Token] returns bypass tokens, [Cache.Get] misses, [Cache.Set],
// [Cache.Wait] and the writer-side methods do nothing, and [Cache.Metrics]
// still reports the counts so far. Close returns [ErrClosed] if the cache was
// already closed; a concurrent second Close waits for the first to finish.
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
	if c.rc == nil {
		return nil
	}
	// Drain. A call that incremented enter before closed was set is counted
	// by the loads below (atomics are sequentially consistent), so we wait
	// for its exit; a call that increments enter later sees closed and never
	// touches ristretto. Every method checks closed before enter too, so at
	// most one late call per goroutine can hold a shard, and the drain ends.
	for i := range c.shards {
		s := &c.shards[i]
		for s.exit.Load() != s.enter.Load() { // exit first: equality proves a quiet instant
			runtime.Gosched()
		}
	}
	c.rc.Close()
	// After the drain no Get is inside the guard, so nothing remembers an
	// entry again: release them all.
	c.clearFront()
	return nil
}
