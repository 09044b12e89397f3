package cache

import "sync/atomic"

// Token records the cache's counters for one hash at the moment a reader
// started: the reset epoch and the hash's stripe word. A reader takes a
// Token with [Cache.Token] before it reads the store, then passes it to
// [Cache.Get] and [Cache.Set]; the counters are never reloaded after that.
//
// A Token is a small value: copy it freely, use it from any goroutine, but
// only with the Cache that issued it and for the same (space, key) it was
// taken for.
//
// The zero Token is a bypass token that reads nothing.
type Token struct {
	hash  uint64
	epoch uint64 // the epoch word; 0 for the zero Token and a disabled or closed cache
	gen   uint64 // the stripe word
	live  bool   // false for bypass tokens and the zero Token
}

// Bypass reports whether t is a bypass token: one taken while a commit
// touching its stripe or a reset was open, from a disabled or closed Cache,
// or the zero Token. [Cache.Set] does nothing with a bypass token, and
// [Cache.Current] reports false; [Cache.Get] still finds entries of keys the
// open commit does not touch, but not during a reset.
func (t Token) Bypass() bool { return !t.live }

// readable reports whether Get may accept an entry for t: t comes from an
// open cache and no reset was open when it was taken.
func (t Token) readable() bool { return t.epoch != 0 && t.epoch&openMask == 0 }

// Counters are words: a generation in the high bits, the number of commits
// (or resets) open on them in the low genShift bits. Beginning adds 1;
// ending adds 1<<genShift - 1, so every commit changes the word for good,
// and a word with open commits is never mistaken for one without, however
// the commits of stores sharing the cache overlap.
const (
	genShift = 16
	openMask = 1<<genShift - 1
	endDelta = 1<<genShift - 1
)

// stripeTable is one generation of the stripe counters. With automatic
// stripes the writer side replaces it by a larger one (see grow); tokens
// from an older table stay comparable, because a new table starts from the
// old one's words.
type stripeTable struct {
	words []atomic.Uint64
	mask  uint64
}

func newStripeTable(n int) *stripeTable {
	return &stripeTable{words: make([]atomic.Uint64, n), mask: uint64(n - 1)}
}

// word returns the stripe word of hash.
func (t *stripeTable) word(hash uint64) *atomic.Uint64 { return &t.words[hash&t.mask] }

// token returns the token for hash given the epoch word, counting a bypass.
func (t *stripeTable) token(c *Cache, hash, epoch uint64) Token {
	if g := t.word(hash).Load(); (epoch|g)&openMask == 0 {
		return Token{hash: hash, epoch: epoch, gen: g, live: true}
	}
	c.shard(hash).bypasses.Add(1)
	return Token{hash: hash, epoch: epoch}
}

// Token returns the token for hash, the caller's well-mixed 64-bit hash of
// (space, key); it must be the same hash the store passes to
// [Cache.BeginCommit] when it changes that key. Token loads the reset epoch,
// then the hash's stripe word; if a reset or a commit touching the stripe is
// open, or the cache is disabled or closed, it returns a bypass token and
// counts a bypass in [Metrics].
//
// Take the token before reading the store: take the token, then read the
// store, then [Cache.Set]. Token is safe for concurrent use and does not
// allocate.
func (c *Cache) Token(hash uint64) Token {
	// Epoch first, then the stripe: both loads precede the reader's read of
	// the store.
	if c == nil {
		return Token{hash: hash}
	}
	if c.open.Load() {
		e := c.epoch.Load()
		return c.stripes.Load().token(c, hash, e)
	}
	c.shard(hash).bypasses.Add(1)
	return Token{hash: hash}
}

// Current reports whether tok is live and no commit touching its stripe and
// no reset has begun since it was taken. A reader that took tok, then read
// the store, and then finds tok still current knows that no write to tok's
// keys overlapped that read: a value cached under tok (or read under it) is
// the store's value at the moment of the check too. Package relations uses
// this to combine cache hits with one store snapshot into a single
// consistent instant.
func (c *Cache) Current(tok Token) bool {
	if !tok.live || c == nil {
		return false
	}
	return c.current(tok)
}

// current is Current for a live token of a non-nil cache.
func (c *Cache) current(tok Token) bool {
	return c.epoch.Load() == tok.epoch && c.stripes.Load().word(tok.hash).Load() == tok.gen
}

// Enabled reports whether the cache can hold entries: false for a nil,
// disabled or closed Cache. A reader can skip hashing and tokens when it is
// false; Token would return a bypass token anyway.
func (c *Cache) Enabled() bool { return c != nil && c.open.Load() }
