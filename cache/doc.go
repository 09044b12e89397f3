// Package cache is a bounded cache, on ristretto, that is linearizable with
// the store it fronts: no read through it returns a value that a committed
// write has already replaced or deleted, a value from a rolled-back
// transaction, or one from before a whole-store reset.
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
//   - The store's single writer, under its write lock, brackets every commit
//     with [Cache.BeginCommit] and [Cache.EndCommit] (passing the hashes of
//     every key whose cached value may change) and every whole-store reset
//     with [Cache.BeginReset] and [Cache.EndReset].
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
// [Cache.Metrics] reports hits, misses, bypasses, drops, evictions and the
// bytes used; [Config] bounds memory with MaxCost. [Cache.Close] stops
// ristretto's goroutines and may run concurrently with every other method.
//
// # How it stays correct
//
// The cache keeps a fixed array of generation counters (stripes, indexed by
// hash & (Stripes-1)) and one reset epoch. BeginCommit makes each distinct
// stripe the commit touches odd, before the commit's changes become visible;
// EndCommit makes it even again, after they are visible. BeginReset and
// EndReset do the same with the epoch, in O(1).
//
// [Cache.Token] loads the epoch, then the stripe. If either is odd a write is
// in flight, and the token is a bypass token: Get misses and Set does
// nothing, so the reader goes to the store, which is always right. Otherwise
// the token carries (epoch, gen) and the reader's Set tags the entry with
// them. Get accepts an entry only if its tags equal the requesting token's,
// and its space and key equal the request's (so a hash collision is a miss,
// never another row's value).
//
// Why no stale value is ever accepted: suppose a filler's token saw an even
// g, and it then read the store (this order is the caller's half of the
// contract). Its entry, tagged g, holds the store's state at some instant
// after the token. A later reader accepts it only with a token that also
// reads g. Counters only grow, so no commit touching the stripe began between
// the two tokens: the key had the same value at both, or a commit began after
// the later token and so overlaps that read, which may then be ordered before
// it. Once a commit on the stripe has ended, every newer token carries g+2 or
// more and the entry is dead for good; a token taken while the commit is open
// bypasses. Resets work the same way with the epoch, for every key at once. A
// rolled-back transaction never calls BeginCommit and never made anything
// visible, so entries stay valid. Entries never come from uncommitted state,
// because readers fill them from committed store snapshots only.
//
// # The front table
//
// A Get that finds an entry in ristretto and accepts it remembers it in a
// front table: a fixed array of four-way sets indexed by the hash's top
// bits, each set one 64-byte cache line holding four entry pointers beside
// the hashes they were remembered under. The next Get of that key finds the
// entry there by comparing hashes in that one line, without ristretto's
// shard lock or access buffer, and reads no other key's entry;
// [Cache.GetMany] works through a batch in chunks, loading every
// candidate of a chunk before checking any, so their memory reads overlap.
// Front changes only which entries are found, never which are accepted: an
// entry from front passes the same identity and tag checks as one from
// ristretto, so the argument above holds unchanged. ristretto's exit
// callback (eviction, rejection, replacement, Close) removes an entry from
// front, so front does not keep evicted entries alive, except for a race
// the design accepts: an entry that a Get accepted just before ristretto
// evicted it, and remembered just after, stays until its way is reused (at
// most one per way). The table has about one way per 256 bytes of MaxCost,
// between 16 and 65,536 ways (1 MiB), allocated once; like the admission
// sketch, it is not counted in MaxCost. Front hits skip ristretto's access
// buffer, so ristretto's admission policy sees fewer reads of the hottest
// keys; that only affects which entries are evicted first. Four ways per
// set, tagged, replaced two ways per hash that were read to be told apart:
// on the bench workload's warm Include (10,000 owners cached), lookups that
// fell through to ristretto went from 1.5% to 0.1%.
//
// [SetOf], [GetOf] and [GetManyOf] store a typed value in the entry's own
// allocation, so a hit reads the value from the memory it has just checked
// the entry in; package relations caches owners this way.
//
// Everything ristretto does on its own only causes misses: a dropped or
// rejected Set, a Set applied late or out of order (a slow reader's Set after
// a commit carries the old generation and is never accepted: the classic
// cache-aside race that invalidation by Del cannot prevent), an eviction.
// The cache is an accelerator only: with every Set dropped, results are the
// same, just slower.
//
// # Caveats
//
//   - The hash passed to Token must be the hash the store passes to
//     BeginCommit for that key. A commit invalidates every entry in the
//     stripes it touches, not just its keys; more stripes mean fewer needless
//     misses.
//   - The writer side must not be called concurrently with itself, and every
//     BeginCommit must be followed by EndCommit with the same hashes (a stripe
//     left odd makes its keys bypass the cache forever).
//   - Values are shared, not copied: do not modify a value after Set or after
//     Get returned it. Keys are copied.
//   - ristretto applies Sets asynchronously, so a Get right after a Set
//     usually misses; [Cache.Wait] makes tests deterministic.
//   - Stale entries are not deleted eagerly (a Del could race a fresh Set);
//     they occupy budget until evicted or overwritten by a Set for the same
//     hash.
//   - Close waits only for calls already inside ristretto, which never block.
package cache
