// Package cache is the owner cache of package relations: a bounded cache of
// resolved rows (an order's customer) that is never stale. No read through
// it returns a row that a committed write has already replaced or deleted,
// a row from a rolled-back transaction, or one from before a Restore.
//
// # Basics
//
// A program makes one [Cache] and gives it to the store; package relations
// reads owners through it, and the store keeps it coherent:
//
//	owners, err := cache.New(cache.Config{MaxCost: 64 << 20}) // bytes
//	store, err := memstore.New(memstore.Config{Cache: owners, Models: models})
//	customer, err := relations.NewBelongsTo[Order, Customer](store, "customer")
//	c, ok, err := customer.Get(ctx, order) // the cache, else the store
//	c, st := customer.Cached(order)        // the cache only: never the store
//	fmt.Println(owners.Metrics().Hits)
//
// Do you need one? Without it (memstore.Config.Cache nil) every accessor
// reads the store, which is always correct: an index lookup and a copy per
// owner. A cache saves those for owners read more often than they change,
// and it is what BelongsTo.Cached (LoopBack's synchronous read of a fetched
// owner) reads; without a cache, Cached never finds an owner.
//
// [Config].MaxCost is the budget in bytes: each entry is charged the size
// of the owner's copy (its struct, strings, slices and maps) plus
// [EntryOverhead] plus its key's length. The zero Config is usable: 64 MiB.
// [Cache.Metrics] reports hits, misses, evictions, the entries and the bytes
// held.
//
// # Guarantees
//
//   - Never stale: a read returns the owner as of some instant during the
//     call (cache/DESIGN.md gives the argument).
//   - Read your fetch: after an accessor fetched an owner, Cached finds it,
//     unless a commit touched it since, a Restore reset the store or the
//     budget evicted it (relations' BelongsTo.Cached lists every case).
//   - Bounded memory: the entries held never stay above MaxCost, and a
//     commit drops the entries of the rows it touches at once, so deleted
//     rows are not kept alive by the cache.
//   - Cheap: New allocates a few KB and starts no goroutine, whatever
//     MaxCost is; several stores may share one Cache.
//
// # Caveats
//
//   - Eviction is a clock (second chance) with no admission policy: a scan
//     of many cold owners evicts hot ones not read since the hand passed.
//   - A commit can make a concurrent fill of another key skip the cache (a
//     later miss, never a stale row; counted in Metrics.StaleSets and
//     Bypasses). It is rare: there are two to four stripes per entry held.
//   - Values are shared, not copied: package relations copies owners in and
//     out; code that calls Set or Get itself must not modify them.
//
// A store or accessor of your own uses the protocol on [Cache]'s doc.
package cache
