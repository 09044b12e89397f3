// Package relations gives typed, LoopBack-style accessors over the relations
// a memstore schema declares: belongsTo (an order's customer), its inverse
// hasMany / hasOne (a customer's orders), batched include, and walks of
// self-referencing relations (a category's ancestors).
//
// # Basics
//
// An accessor is built once from the store and the relation's name, with the
// Go types of both ends; a name the schema does not declare, or the wrong
// types, is an error naming the relation:
//
//	customer, err := relations.NewBelongsTo[Order, Customer](store, "customer")
//
//	c, ok, err := customer.Get(ctx, order)       // blocking: cache, else store
//	f := customer.Fetch(ctx, order)              // async: returns at once
//	c, ok, err = f.Wait(ctx)
//	c, st := customer.Cached(order)              // never touches the store
//	err = customer.Set(ctx, &order, &other)      // re-point and persist
//	c, ok, err = customer.ByKey(ctx, orderID)    // LoopBack 4: by the order's id
//	owners, err := customer.Include(ctx, orders) // many at once, no N+1
//
// LoopBack 3 gives order.customer(cb), order.customer() and
// order.customer(c); LoopBack 4 gives orderRepository.customer(orderId). Here
// they are Fetch, Cached, Set and ByKey, and Get is the blocking form Go
// prefers. A nil foreign key means "no owner": Get and friends report ok ==
// false with a nil error, and Cached reports NoOwner.
//
// The inverse, HasMany (and HasOne for a unique foreign key), lists, counts
// and creates children through the foreign key's index, never by a scan, and
// refuses to move a child to another owner. Tree walks a self-referencing
// relation: parent, children, and the ancestors up to the root, stopping with
// ErrCycle on a cycle.
//
// # The owner cache
//
// Accessors read through the owner cache the store was opened with
// (memstore.Config.Cache, a *cache.Cache); without one they read the store
// every time. The cache maps (target index, foreign key value) to the owner.
// It is linearizable with the store — no accessor ever returns an owner that
// a committed write had already replaced or deleted before the call began,
// nor one from a rolled-back transaction or from before a Restore — because
// every read follows package cache's protocol: take the key's token, then
// read the cache or one store snapshot, then offer the snapshot's value to the
// cache under that token (see package cache). A changed foreign key is simply
// a different key, so Cached never returns the previous owner.
//
// Owners go into the cache as private copies and come out as copies: a
// caller who changes a returned owner cannot change the cache. Each is
// charged what its copy holds (its struct, strings, slices and maps), so the
// cache's MaxCost bounds the memory it keeps. The accessors fill the cache
// only from committed snapshots, never from a write transaction.
//
// # Read your fetch
//
// LoopBack's promise: the results of a fetch are "available via later
// synchronous calls". After Get, a completed Fetch or Include returns an
// owner, Cached for a source with that foreign key returns Found at once,
// with no Wait, unless one of these happened; then it says NotCached, never
// a stale owner:
//
//   - since the fetch, a commit changed or deleted that owner, a Restore
//     reset the store, or the cache's budget evicted the entry (its MaxCost
//     is full), or the cache was closed;
//   - the fetch did not fill the cache: the owner came from the cache
//     already and was evicted since; the owner alone costs more than
//     MaxCost; or a write overlapped the fetch (a commit on a key of the
//     same cache stripe was open when the fetch began, or began before it
//     offered the owner; counted in cache.Metrics.StaleSets and Bypasses,
//     and rare: the cache keeps two to four stripes per entry);
//   - Include re-read, from its snapshot, an owner whose cache hit a commit
//     on its stripe made unverifiable; it does not offer it again;
//   - the foreign key is a shadow column and the fetch was Include (shadow
//     keys are read and resolved from one snapshot, without the cache), or
//     the key changed between getShadow's two reads; ByKey never fills the
//     cache;
//   - there is no cache (memstore.Config.Cache nil, or a disabled one).
//
// TestReadYourFetch checks it with 10^5 fetch-then-Cached pairs while
// unrelated writes commit.
//
// Include and the other batch reads are consistent: cache hits are
// re-validated after the store snapshot is taken (cache.Cache.Current), so
// all owners returned are the store's state at one instant.
//
// # Concurrency
//
// Accessors are immutable and safe for concurrent use. Fetch starts one
// goroutine that ends by itself when the lookup is done or its context is
// cancelled; the result is kept in the Future, so a Future nobody waits for
// leaks nothing. Get, Fetch, Set and the batch reads honour their context.
//
// # Caveats
//
// A shadow foreign key (declared in code on a struct without the field) lives
// only in the store, so reading it needs the store: Cached then reads the
// latest snapshot for the foreign key (without waiting for anything) and
// checks, through the source row's cache token, that the row did not change
// while the owner was read from the cache. Include of shadow foreign keys,
// and ByKey, neither read nor fill the cache: their answer comes from one
// snapshot.
package relations
