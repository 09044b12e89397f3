package cache

import (
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

	// closed is set once by Close, before ristretto is closed. It is read on
	// every call, so it shares no cache line with frequently written fields.
	closed atomic.Bool

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

	// scratch is BeginCommit/EndCommit's stripe-dedupe buffer. It is
	// unsynchronized: the writer side is single-threaded by contract.
	scratch []uint64
}

// entry is what ristretto stores under a hash. It is immutable once handed
// to ristretto, so readers may use it without synchronization.
type entry struct {
	space uint32
	epoch uint64 // Token.epoch of the Set that stored it
	gen   uint64 // Token.gen of the Set that stored it
	key   string
	value any
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
	})
	if err != nil {
		// Unreachable: withDefaults leaves no zero or negative field.
		return nil, &ConfigError{Field: "NumCounters", Value: cfg.NumCounters, Reason: err.Error()}
	}
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
	if !tok.live || c == nil || c.rc == nil || c.closed.Load() {
		return nil, false
	}
	s := &c.shards[tok.hash&c.shardMask]
	s.enter.Add(1)
	if c.closed.Load() {
		// Close began after the check above; ristretto must not be touched.
		s.exit.Add(1)
		s.misses.Add(1)
		return nil, false
	}
	if c.testHookInside != nil {
		c.testHookInside()
	}
	e, ok := c.rc.Get(tok.hash)
	s.exit.Add(1)
	switch {
	case !ok:
		s.misses.Add(1)
		return nil, false
	case e.space != space || e.key != string(key): // no allocation: the compiler compares in place
		s.misses.Add(1)
		s.collisions.Add(1)
		return nil, false
	case e.epoch != tok.epoch || e.gen != tok.gen:
		s.misses.Add(1)
		s.stale.Add(1)
		return nil, false
	}
	return e.value, true
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
	if !tok.live || c == nil || c.rc == nil || c.closed.Load() {
		return
	}
	s := &c.shards[tok.hash&c.shardMask]
	if c.gens[tok.hash&c.mask].Load() != tok.gen || c.epoch.Load() != tok.epoch {
		// A commit (or reset) moved the counters after the token: no Get with a fresh
		// token could accept this entry, and it would only displace a
		// current one. (Gets with equally old tokens lose a possible hit.)
		s.staleSets.Add(1)
		return
	}
	cost = max(cost, 0)
	charge := EntryOverhead + int64(len(key))
	if cost > c.maxCost { // also avoids overflow below
		charge = c.maxCost + 1
	} else {
		charge += cost
	}
	e := &entry{space: space, epoch: tok.epoch, gen: tok.gen, key: string(key), value: value}
	s.enter.Add(1)
	if c.closed.Load() {
		s.exit.Add(1)
		s.other.Add(1)
		return
	}
	if c.testHookInside != nil {
		c.testHookInside()
	}
	ok := c.rc.Set(tok.hash, e, charge)
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
	return nil
}
