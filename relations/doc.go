// Package relations gives typed, LoopBack-style accessors over the relations
// a memstore schema declares: belongsTo (an order's customer), hasMany and
// hasOne (a customer's orders, its address), hasManyThrough (a physician's
// patients), polymorphic belongsTo (a picture's imageable), a declarative
// include of several relations, nested, and walks of self-referencing
// relations (a category's ancestors).
//
// # Basics
//
// An accessor is built once from the store and the relation's name, as the
// schema declares it (see memstore.Relation), with the Go types of the
// models it joins; an unknown name, or the wrong types, is an error
// matching memstore.ErrInvalid that lists the names that exist:
//
//	customer, err := relations.NewBelongsTo[Order, Customer](store, "customer")
//	orders, err := relations.NewHasMany[Customer, Order](store, "orders")
//	address, err := relations.NewHasOne[Customer, Address](store, "address")
//	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](store, "patients")
//	imageable, err := relations.NewPolymorphic[Picture](store, "imageable")
//
// Each accessor has LoopBack's methods in Go form; the LoopBack 3 name is
// in each method's doc:
//
//	c, ok, err := customer.Get(ctx, order)          // order.customer()
//	f := customer.Fetch(ctx, order)                 // order.customer(cb): async
//	c, st := customer.Cached(order)                 // order.customer(): cached, never the store
//	err = customer.Set(ctx, &order, &other)         // order.customer(other)
//	owners, err := customer.Include(ctx, orders)    // include: many at once, no N+1
//
//	list, err := orders.List(ctx, cust)             // customer.orders()
//	err = orders.Create(ctx, cust, &order)          // customer.orders.create(data)
//	top, err := orders.Find(ctx, cust, filter.Filter{Where: filter.Gt("Total", 100),
//		Order: []filter.Order{filter.Desc("CreatedAt")}, Limit: 10}) // customer.orders({where, order, limit})
//
//	err = patients.Add(ctx, doc, pat, &appt)        // physician.patients.add(pat, {date})
//	owner, ok, err := imageable.Get(ctx, pic)       // picture.imageable(): a Customer or a Product
//
// A nil foreign key means "no owner": Get and friends report ok == false
// with a nil error, Cached reports NoOwner. Batch and include results are
// empty slices, never nil, so that JSON shows []. HasMany's Find is planned
// like any query: an index on (CustomerID, CreatedAt) serves the one above.
// Tree walks a self-referencing relation: parent, children, and the
// ancestors up to the root, stopping with ErrCycle on a cycle.
//
// # Transactions
//
// The methods above run in a transaction of their own: a read sees one
// snapshot, a write is one Update. The same operations run inside a
// caller's transaction through In, without the context:
//
//	err := store.Update(ctx, func(tx *memstore.Tx) error {
//		id, err := customers.Insert(tx, c)
//		if err != nil {
//			return err
//		}
//		c.ID = id
//		return orders.In(tx).CreateMany(c, lines) // sees c; commits or rolls back with it
//	})
//
// In an Update they see its own writes; in a View (or a memstore.Snapshot's
// View) they read its snapshot, so several accessors' reads agree. A write
// the store refuses aborts the caller's transaction as any refused write
// does; a refusal of the accessor's own (ErrOtherOwner, ErrEmpty, bad input)
// is made before anything is written and leaves the transaction usable. The
// Tx forms never read or fill the owner cache; Fetch and Cached have none.
//
// # Include
//
// An Include reads the related rows of many rows at once, for several
// relations, nested, each level with its own scope, from one snapshot and
// with no N+1 at any level: each level looks up every distinct key of the
// rows above it once, through an index. It is bound once to a model and a
// list of filter.Include, LoopBack's include, written in Go or parsed from
// JSON:
//
//	inc, err := relations.NewInclude[Customer](store,
//		relations.With("orders", relations.With("items", relations.With("product"))),
//		relations.With("address"))
//	nodes, err := inc.Load(ctx, customers) // or inc.In(tx).Load(customers)
//	for _, n := range nodes {
//		for _, o := range n.Many("orders") { ... o.Row.(Order) ... }
//	}
//
//	f, err := filter.Parse(`{"include":[{"relation":"orders","scope":{"limit":2,"include":"items"}},"address"]}`)
//	inc, err := relations.NewIncludeOf(store, "Customer", f.Include) // by model name, rows as any
//	b, err := json.Marshal(nodes) // each row's fields, then "orders": [...], "address": {...}
//
// A scope applies to the related rows of each row on its own, as in
// LoopBack: where, order (ties by primary key), skip and limit select and
// order each customer's orders, so limit 2 keeps at most two orders per
// customer. For a belongsTo or hasOne the scope's where keeps the related
// row only if it matches (a belongsTo takes no limit or skip); for a
// polymorphic belongsTo the scope is bound to each target model. Scopes
// are bound once, by NewInclude, and add no lookup: they apply to the rows
// each distinct key read, and a nested level reads only the rows its
// scope above kept. A scope the related model cannot take (an unknown
// field, a value of the wrong type) is refused with a
// *memstore.FilterError matching memstore.ErrInvalid, under the include's
// path ("include[0].scope.include[1].scope: ... where.total.gt: ...").
// A scope's fields apply to the JSON of its nodes (a Node's Row stays the
// whole row):
//
//	inc, err := relations.NewInclude[Customer](store, filter.Include{Relation: "orders", Scope: filter.Filter{
//		Where: filter.Gte("Total", 100), Order: []filter.Order{filter.Desc("Total")}, Limit: 2,
//		Fields: filter.Fields{Names: []string{"ID", "Total"}}, // the orders' JSON: {"ID":..,"Total":..}
//	}})
//
// A relation to the model itself includes as deep as the spec nests, at
// most filter.DefaultMaxIncludeDepth levels, and never loops.
//
// # Guarantees
//
//   - Integrity: every write through an accessor is checked by the store as
//     any write is; HasMany and HasOne also refuse, with ErrOtherOwner, to
//     move a child to another owner or touch another owner's child, and
//     BelongsTo.Update refuses to change the referenced key.
//   - Never stale: with an owner cache (memstore.Config.Cache, package
//     cache), no accessor returns a row that a committed write had already
//     replaced or deleted, nor one from a rolled-back transaction or from
//     before a Restore (see BelongsTo). Include and the other batch reads
//     return the store's state at one instant.
//   - No N+1: every read goes through an index, one lookup per distinct
//     key; each accessor's Lookups counts them, so a test can assert it.
//   - Copies: rows and owners come out as copies, as memstore's do.
//   - Concurrency: accessors and Includes are immutable and safe for
//     concurrent use; the value In returns is for the goroutine that owns the
//     transaction. Get, Fetch, Set and the batch reads honour their context;
//     Fetch's goroutine ends by itself, and a Future nobody waits for leaks
//     nothing.
//
// # Caveats
//
//   - Cached says NotCached, never a stale owner, in a few cases after a
//     fetch (a commit since, an eviction, a fetch made in a transaction):
//     BelongsTo.Cached lists them.
//   - A shadow foreign key (declared in code, memstore.Relation.Shadow)
//     lives only in the store: Cached then reads the latest snapshot, and
//     Include and ByKey of such keys neither read nor fill the cache.
//   - A polymorphic relation's hasMany side is a HasMany of one target (see
//     Polymorphic).
package relations
