package cache

import "math/bits"

// Defaults applied by [New] to zero fields of [Config].
const (
	// DefaultMaxCost is the byte budget used when Config.MaxCost is zero.
	DefaultMaxCost = 64 << 20

	// DefaultStripes is the number of generation stripes used when
	// Config.Stripes is zero. 4096 stripes cost 32 KiB and make it unlikely
	// (1 in 4096 per touched key) that a commit invalidates an unrelated entry.
	DefaultStripes = 4096

	// DefaultBufferItems is ristretto's Get-buffer size used when
	// Config.BufferItems is zero; ristretto recommends 64.
	DefaultBufferItems = 64

	// MaxStripes bounds Config.Stripes (128 MiB of counters at most).
	MaxStripes = 1 << 24

	// bytesPerCounter is the average entry size the default NumCounters
	// assumes: [EntryOverhead] plus about 128 bytes of key and value.
	// ristretto wants ~10 counters per item it may hold, so the default is
	// 10 * MaxCost / 320 = MaxCost / 32.
	bytesPerCounter = 32

	// minCounters keeps tiny caches' admission sketch meaningful.
	minCounters = 1 << 10
)

// EntryOverhead is the fixed number of bytes [Cache.Set] adds to the caller's
// cost for every entry, on top of len(key). It estimates what one entry costs
// besides the value itself: the entry record (identity, tags, a key of up to
// 16 bytes inline, the value interface: 80 bytes once allocated), ristretto's stored item in its
// sharded map (48 bytes plus map slot overhead) and its eviction policy's
// per-key record. TestEntryOverhead measures the real heap growth per entry
// and checks this estimate is not too low. With this overhead charged,
// ristretto's own internal-cost estimate is switched off (IgnoreInternalCost)
// so that [Config].MaxCost is a byte budget and nothing is counted twice.
const EntryOverhead = 192

// Config configures [New]. It is passed by value; New never modifies it.
// The zero value is a usable configuration: every zero field means its
// default.
type Config struct {
	// MaxCost is the memory budget in bytes for cached entries, each charged
	// its caller-given cost plus [EntryOverhead] plus the key's length.
	// Zero means [DefaultMaxCost] (64 MiB). The admission sketch
	// (NumCounters, ~3 bytes each) and the front table (16 bytes per 256
	// bytes of MaxCost, at most 1 MiB; see the package documentation) are
	// not part of the budget.
	MaxCost int64

	// Disabled turns the cache off: nothing is allocated for ristretto,
	// every [Cache.Token] is a bypass token, [Cache.Get] always misses and
	// [Cache.Set] does nothing. Reads then always go to the store.
	Disabled bool

	// Stripes is the number of generation counters; it must be a power of
	// two, at most [MaxStripes]. A commit invalidates every entry whose hash
	// falls in a stripe it touches, so more stripes mean fewer needless
	// misses, at 8 bytes each. Zero means [DefaultStripes] (4096).
	Stripes int

	// NumCounters is the number of ristretto's admission counters (ristretto
	// wants ~10 per item the cache may hold). Zero means
	// max(MaxCost/32, 1024): 10 counters per 320-byte entry.
	NumCounters int64

	// BufferItems is ristretto's per-stripe Get buffer length. Zero means
	// [DefaultBufferItems] (64).
	BufferItems int64
}

// withDefaults validates c and returns a copy with every zero field set to
// its default. The caller's Config is never touched (it is a value).
func (c Config) withDefaults() (Config, error) {
	switch {
	case c.MaxCost < 0:
		return c, &ConfigError{Field: "MaxCost", Value: c.MaxCost, Reason: "must not be negative"}
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
	if c.Stripes == 0 {
		c.Stripes = DefaultStripes
	}
	if c.NumCounters == 0 {
		c.NumCounters = max(c.MaxCost/bytesPerCounter, minCounters)
	}
	if c.BufferItems == 0 {
		c.BufferItems = DefaultBufferItems
	}
	return c, nil
}
