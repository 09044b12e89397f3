// Package cache is a bounded cache that is linearizable with the store it
// fronts: no read through it returns a value that a committed write has
// already replaced or deleted, a value from a rolled-back transaction, or
// one from before a whole-store reset.
//
// # Basics
//
// The cache never sees rows. The caller names an entry by a well-mixed 64-bit
// hash of (space, key), the space (which table and index the key belongs to)
// and the encoded key bytes. Two sides use it:
//
//   - Readers (relation accessors) take a [Token] for the hash, read the store
//     only if [Cache.Get] misses, and offer what they read with [Cache.Set]:
//     take the token, then read the store, then Set.
//   - The store's writer, under its write lock, brackets every commit with
//     [Cache.BeginCommit] and [Cache.EndCommit] (passing the hashes of every
//     key whose cached value may change) and every whole-store reset with
//     [Cache.BeginReset] and [Cache.EndReset].
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
// [Cache.Metrics] reports hits, misses, bypasses, refused Sets, evictions,
// the entries and the bytes held; [Config] bounds memory with MaxCost.
// [SetOf], [GetOf] and [GetManyOf] store a typed value in the entry's own
// allocation, so a hit reads the value from the memory it has just checked
// the entry in; package relations caches owners this way.
//
// # Guarantees
//
//   - Never stale: a Get returns the value of its key as of some instant
//     during the call, and never a value from before a reset. See DESIGN.md
//     beside this file for the argument.
//   - Read your fill: Set is applied before it returns. A Get after it (with
//     a later token) finds the value unless, since the Set, a commit touched
//     its key, a reset happened, or the budget evicted it.
//   - Memory: the entries held are charged their caller-given cost plus
//     [EntryOverhead] plus their key's length, and their sum never stays above
//     MaxCost: each Set evicts (approximately least recently used first)
//     before it returns. A commit removes the entries of the keys it touches
//     at once, so deleted rows are not kept alive by the cache.
//   - Cost: [New] allocates a few KB and starts no goroutine, whatever
//     MaxCost is; the entries, the front table (a lock-free index of entries,
//     about one way per entry) and the stripe counters grow with use.
//   - Sharing: several stores may use one Cache. Their writer-side calls are
//     serialised inside it; each store hashes keys with its own seed, so their
//     entries do not meet (and [entry]'s identity check would refuse them).
//
// A Set can be refused, which only costs a later miss: when its token is a
// bypass token (a commit on its stripe, or a reset, was open when the token
// was taken), when a commit on its stripe or a reset began after the token
// (the value read may be what that commit replaced; counted in
// [Metrics].StaleSets), when the entry alone costs more than MaxCost
// ([Metrics].Drops), and on a closed or disabled Cache.
//
// # Caveats
//
//   - The hash passed to Token must be the hash the store passes to
//     BeginCommit for that key.
//   - Every BeginCommit must be followed by EndCommit with the same hashes,
//     and every BeginReset by EndReset: a stripe left open makes its keys'
//     fills bypass the cache for ever.
//   - Values are shared, not copied: do not modify a value after Set or after
//     Get returned it. Keys are copied.
//   - Stripes are shared by many keys: a commit on one key makes fills of the
//     other keys of its stripe that overlap it skip the cache. With automatic
//     stripes (the default) there are two to four stripes per entry held.
//   - The eviction is a clock (second chance), without ristretto's
//     admission policy: a scan of many cold keys evicts hot ones that were
//     not read since the hand last passed them.
package cache
