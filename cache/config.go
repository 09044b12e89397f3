package cache

import "math/bits"

// Defaults and limits applied by [New] to [Config].
const (
	// DefaultMaxCost is the byte budget used when Config.MaxCost is zero.
	DefaultMaxCost = 64 << 20

	// MaxCostLimit bounds Config.MaxCost (256 TiB): a budget above any
	// machine's memory is a mistake, refused with a [*ConfigError].
	MaxCostLimit = 1 << 48

	// MaxStripes bounds Config.Stripes, and the automatic stripe count.
	MaxStripes = 1 << 24

	// minStripes is the automatic stripe count of a new cache (2 KiB of
	// counters); it grows with the entries held (see Config.Stripes).
	minStripes = 256

	// DefaultStripes is the stripe count of caches before the count became
	// automatic; it remains as a reasonable fixed choice.
	DefaultStripes = 4096

	// DefaultBufferItems was ristretto's Get-buffer size. Deprecated: the
	// cache no longer buffers; Config.BufferItems is ignored.
	DefaultBufferItems = 64
)

// EntryOverhead is the fixed number of bytes [Cache.Set] adds to the caller's
// cost for every entry, on top of len(key). It covers what one entry costs
// besides the value itself: the entry record (identity, tag, a key of up to
// 16 bytes inline, bookkeeping: 96 bytes, or a typed entry's share of its
// allocation), its slots in its shard's map and eviction ring, its way in
// the front table and its share of the stripe counters. TestEntryOverhead
// measures the real heap growth per entry and checks this estimate is not
// too low, so that [Config].MaxCost bounds the memory the cache holds.
const EntryOverhead = 192

// Config configures [New]. It is passed by value; New never modifies it.
// The zero value is a usable configuration: every zero field means its
// default.
type Config struct {
	// MaxCost is the memory budget in bytes for cached entries, each charged
	// its caller-given cost plus [EntryOverhead] plus the key's length. Zero
	// means [DefaultMaxCost] (64 MiB); at most [MaxCostLimit]. Nothing is
	// allocated in proportion to it: a cache holds what it is given, up to
	// MaxCost.
	MaxCost int64

	// Disabled turns the cache off: nothing is allocated for entries, every
	// [Cache.Token] is a bypass token, [Cache.Get] always misses and
	// [Cache.Set] does nothing. Reads then always go to the store.
	Disabled bool

	// Stripes is the number of generation counters, a power of two, at most
	// [MaxStripes]. A commit that is open on a stripe makes readers of the
	// stripe's keys go to the store without caching what they read (see the
	// protocol on Cache), so more stripes mean fewer fills lost to
	// unrelated writes, at 8 bytes each. Zero means automatic: 256, growing
	// with the number of entries held (two to four stripes per entry).
	Stripes int

	// NumCounters was the size of ristretto's admission sketch.
	//
	// Deprecated: the cache no longer uses ristretto; NumCounters is
	// ignored (a negative value is still refused).
	NumCounters int64

	// BufferItems was ristretto's per-stripe Get buffer length.
	//
	// Deprecated: the cache no longer buffers; BufferItems is ignored (a
	// negative value is still refused).
	BufferItems int64
}

// withDefaults validates c and returns a copy with every zero field set to
// its default. The caller's Config is never touched (it is a value).
func (c Config) withDefaults() (Config, error) {
	switch {
	case c.MaxCost < 0:
		return c, &ConfigError{Field: "MaxCost", Value: c.MaxCost, Reason: "must not be negative"}
	case c.MaxCost > MaxCostLimit:
		return c, &ConfigError{Field: "MaxCost", Value: c.MaxCost, Reason: "must be at most 1<<48"}
	case c.Stripes < 0:
		return c, &ConfigError{Field: "Stripes", Value: int64(c.Stripes), Reason: "must not be negative"}
	case c.Stripes > MaxStripes:
		return c, &ConfigError{Field: "Stripes", Value: int64(c.Stripes), Reason: "must be at most 1<<24"}
	case c.Stripes > 0 && bits.OnesCount(uint(c.Stripes)) != 1:
		return c, &ConfigError{Field: "Stripes", Value: int64(c.Stripes), Reason: "must be a power of two"}
	case c.NumCounters < 0:
		return c, &ConfigError{Field: "NumCounters", Value: c.NumCounters, Reason: "must not be negative"}
	case c.BufferItems < 0:
		return c, &ConfigError{Field: "BufferItems", Value: c.BufferItems, Reason: "must not be negative"}
	}
	if c.MaxCost == 0 {
		c.MaxCost = DefaultMaxCost
	}
	return c, nil
}
