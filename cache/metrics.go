package cache

import "sync/atomic"

// Metrics is a snapshot of a [Cache]'s counters since [New]. Counts are read
// one after another while the cache runs, so under concurrent use they are
// approximate (a Get finishing during the snapshot may count as a hit before
// its miss is recorded); after the cache is quiet they are exact.
type Metrics struct {
	// Hits counts Gets that returned a value, from the front table or from
	// ristretto.
	Hits uint64
	// Misses counts Gets with a live token that returned nothing, including
	// Stale and Collisions and Gets that raced Close. Gets with a bypass token
	// are not counted here; the Token call counted a bypass.
	Misses uint64
	// Stale counts misses that found an entry tagged before a commit or reset
	// the reader's token postdates.
	Stale uint64
	// Collisions counts misses that found an entry for another (space, key)
	// with the same hash.
	Collisions uint64
	// Bypasses counts Tokens that were bypass tokens: taken during an open
	// commit on their stripe or an open reset, or from a disabled or closed
	// cache.
	Bypasses uint64
	// Sets counts Sets handed to ristretto.
	Sets uint64
	// StaleSets counts Sets skipped because a commit or reset had already
	// moved the token's counters.
	StaleSets uint64
	// Drops counts Sets whose value ristretto did not store: dropped (its
	// buffer was full) or rejected — by the admission policy, for a cost
	// above MaxCost, or because another Set of the same new key was queued
	// first (ristretto keeps the first value and rejects the rest). After an
	// invalidation, concurrent readers that miss on one key all refill it,
	// so under load Drops can approach Sets while the hit rate stays high.
	Drops uint64
	// Evictions counts entries ristretto evicted to stay within MaxCost.
	// Entries discarded by Close are not counted.
	Evictions uint64
	// CostUsed is the sum of the costs of the entries held, in bytes as
	// charged by Set (see [EntryOverhead]).
	CostUsed int64
	// MaxCost is the byte budget after defaults.
	MaxCost int64
}

// shard holds one slice of the per-call counters, indexed by hash, so that
// parallel readers of different keys do not write the same cache line.
//
// enter and exit also guard ristretto against Close: every call that touches
// ristretto increments enter before, and exit after, and Close waits until
// they are equal. Because they are monotonic, the hit count needs no counter
// of its own on the hit path: every guarded call that is not a Get counts in
// other, every missing Get in misses, so hits = exit - other - misses. A call
// increments exit before its category counter, and Metrics loads the
// categories before exit, so that difference never goes negative.
type shard struct {
	enter, exit atomic.Uint64
	other       atomic.Uint64 // guarded non-Get calls (Set, Wait)
	misses      atomic.Uint64
	stale       atomic.Uint64
	collisions  atomic.Uint64
	bypasses    atomic.Uint64
	sets        atomic.Uint64
	staleSets   atomic.Uint64
	drops       atomic.Uint64
	frontHits   atomic.Uint64    // hits in front, which never enter the guard
	_           [128 - 11*8]byte // one shard per 128 bytes: no false sharing, even with adjacent-line prefetch
}

// bgCounters are written by ristretto's goroutine only.
type bgCounters struct {
	_          [64]byte // keep off the cache line of Cache's hot read-mostly fields
	evictions  atomic.Uint64
	rejections atomic.Uint64
	_          [64 - 2*8]byte
}

// Metrics returns a snapshot of the cache's counters. It is safe for
// concurrent use, also during and after [Cache.Close]. A nil Cache reports
// zeros.
func (c *Cache) Metrics() Metrics {
	if c == nil {
		return Metrics{}
	}
	m := Metrics{MaxCost: c.maxCost}
	for i := range c.shards {
		s := &c.shards[i]
		other, misses := s.other.Load(), s.misses.Load()
		exit := s.exit.Load() // after the categories: see shard
		m.Hits += exit - other - misses + s.frontHits.Load()
		m.Misses += misses
		m.Stale += s.stale.Load()
		m.Collisions += s.collisions.Load()
		m.Bypasses += s.bypasses.Load()
		m.Sets += s.sets.Load()
		m.StaleSets += s.staleSets.Load()
		m.Drops += s.drops.Load()
	}
	m.Drops += c.bg.rejections.Load()
	m.Evictions = c.bg.evictions.Load()
	if c.rc != nil {
		m.CostUsed = c.maxCost - c.rc.RemainingCost()
	}
	return m
}
