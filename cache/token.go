package cache

// Token records the cache's counters for one hash at the moment a reader
// started: the reset epoch and the hash's stripe generation. A reader takes a
// Token with [Cache.Token] before it reads the store, then passes it to
// [Cache.Get] and [Cache.Set]; the counters are never reloaded after that.
//
// A Token is a small value: copy it freely, use it from any goroutine, but
// only with the Cache that issued it and for the same (space, key) it was
// taken for. It expires in effect: once a commit touching its stripe or a
// reset has ended, entries tagged with it are never accepted by fresher
// tokens.
//
// The zero Token is a bypass token.
type Token struct {
	hash  uint64
	epoch uint64
	gen   uint64
	live  bool // false for bypass tokens and the zero Token
}

// Bypass reports whether t is a bypass token: one taken while a commit
// touching its stripe or a reset was open, from a disabled or closed Cache,
// or the zero Token. With a bypass token [Cache.Get] misses and [Cache.Set]
// does nothing; the reader must go to the store.
func (t Token) Bypass() bool { return !t.live }

// Token returns the token for hash, the caller's well-mixed 64-bit hash of
// (space, key); it must be the same hash the store passes to
// [Cache.BeginCommit] when it changes that key. Token loads the reset epoch,
// then the hash's stripe generation; if either is odd (a reset or a commit
// touching the stripe is open), or the cache is disabled or closed, it
// returns a bypass token and counts a bypass in [Metrics].
//
// Take the token before reading the store: take the token, then read the
// store, then [Cache.Set]. Token is safe for concurrent use and does not
// allocate.
func (c *Cache) Token(hash uint64) Token {
	// Epoch first, then the stripe: a reader tags its entry with both, and
	// both loads precede its read of the store.
	if c == nil {
		return Token{hash: hash}
	}
	if c.open.Load() {
		e := c.epoch.Load()
		if g := c.gens[hash&c.mask].Load(); (e|g)&1 == 0 {
			return Token{hash: hash, epoch: e, gen: g, live: true}
		}
	}
	return c.bypass(hash)
}

// bypass returns the bypass token for hash, counting it.
func (c *Cache) bypass(hash uint64) Token {
	c.shards[hash&c.shardMask].bypasses.Add(1)
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
	return c.epoch.Load() == tok.epoch && c.gens[tok.hash&c.mask].Load() == tok.gen
}

// Enabled reports whether the cache can hold entries: false for a nil,
// disabled or closed Cache. A reader can skip hashing and tokens when it is
// false; Token would return a bypass token anyway.
func (c *Cache) Enabled() bool { return c != nil && c.open.Load() }
