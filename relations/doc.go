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
// refuses to move a child to another owner. With a filter of package filter
// it finds, counts, deletes and updates the children within the owner's
// scope: LoopBack's customer.orders({where, order, limit}) is
//
//	orders.Find(ctx, customer, filter.Filter{Where: filter.Gt("Total", 100),
//		Order: []filter.Order{filter.Desc("CreatedAt")}, Limit: 10})
//
// planned like any query (memstore's Rel.Query): an index that starts with
// the foreign key field, (CustomerID, CreatedAt), serves that order too. Tree walks a self-referencing
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
// caller who changes a returned owner cannot change the cache. The accessors
// fill the cache only from committed snapshots, never from a write
// transaction.
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
