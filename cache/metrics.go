package cache

// Metrics is a snapshot of a [Cache]'s counters since [New]. Counts are read
// one after another while the cache runs, so under concurrent use they are
// approximate; after the cache is quiet they are exact.
type Metrics struct {
	// Hits counts Gets that returned a value, from the front table or from
	// a shard.
	Hits uint64
	// Misses counts Gets with a live token that returned nothing, including
	// Stale and Collisions. A bypass token's miss is not counted here; the
	// Token call counted a bypass.
	Misses uint64
	// Stale counts misses that found an entry left from before a reset
	// the reader's token postdates (entries a commit replaces leave the
	// cache with the commit).
	Stale uint64
	// Collisions counts misses that found an entry for another (space, key)
	// with the same hash.
	Collisions uint64
	// Bypasses counts Tokens that were bypass tokens: taken during an open
	// commit on their stripe or an open reset, or from a disabled or closed
	// cache.
	Bypasses uint64
	// Sets counts Sets with a live token.
	Sets uint64
	// StaleSets counts Sets refused because a commit or reset had moved the
	// token's counters: the value read may be one the commit replaced.
	StaleSets uint64
	// Drops counts Sets refused because the entry alone costs more than
	// MaxCost.
	Drops uint64
	// Evictions counts entries evicted to stay within MaxCost. Entries that
	// a commit, a reset or Close removed are not counted.
	Evictions uint64
	// Entries is the number of entries held.
	Entries int64
	// CostUsed is the sum of the costs of the entries held, in bytes as
	// charged by Set (see [EntryOverhead]).
	CostUsed int64
	// MaxCost is the byte budget after defaults.
	MaxCost int64
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
		m.Hits += s.hits.Load() + s.frontHits.Load()
		m.Misses += s.misses.Load()
		m.Stale += s.stale.Load()
		m.Collisions += s.collisions.Load()
		m.Bypasses += s.bypasses.Load()
		m.Sets += s.sets.Load()
		m.StaleSets += s.staleSets.Load()
		m.Drops += s.drops.Load()
	}
	m.Evictions = c.evictions.Load()
	m.Entries = c.count.Load()
	m.CostUsed = c.used.Load()
	return m
}
