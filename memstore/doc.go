// Package memstore is an in-memory, relation-aware data store: Go structs in
// hashicorp/go-memdb tables, indexed by every key and declared index, with
// referential integrity enforced as a SQL database enforces it.
//
// # Basics
//
// Models are Go structs whose relstore tags declare keys, foreign keys and
// indexes ([Model] lists every tag); [New] opens a store of them:
//
//	type Customer struct {
//		ID    int64  `relstore:"pk,auto"`
//		Email string `relstore:"unique"`
//	}
//
//	type Order struct {
//		ID         int64 `relstore:"pk,auto"`
//		CustomerID int64 `relstore:"belongsTo=Customer,onDelete=cascade"`
//		Total      int64 `relstore:"index"`
//	}
//
//	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
//		memstore.ModelOf[Customer](), memstore.ModelOf[Order](),
//	}})
//	orders, err := memstore.TableOf[Order, int64](s)
//	err = s.Update(ctx, func(tx *memstore.Tx) error {
//		_, err := orders.Insert(tx, Order{CustomerID: 42})
//		return err // memstore: insert Order: CustomerID 42 references no Customer
//	})
//
// [Store.Update] runs a function in one write transaction, committed when it
// returns nil; [Store.View] reads a snapshot. A [Table] reads and writes one
// model's rows in them; [Table.Query] binds a filter of package filter
// (LoopBack's where, order, limit, skip) and plans it on the indexes:
//
//	q, err := orders.Query(filter.Filter{Where: filter.Gt("Total", 100),
//		Order: []filter.Order{filter.Desc("Total")}, Limit: 20})
//	err = s.View(ctx, func(tx *memstore.Tx) error {
//		top, err := q.Find(tx) // read backward from the index on Total
//		...
//	})
//
// An owner declares its hasMany, hasOne and hasManyThrough relations on
// blank fields ([Relation]); package relations reads every kind.
//
// # Guarantees
//
//   - Integrity: every foreign key, unique field and unique index is checked
//     inside the writing transaction, and a delete applies each relation's
//     restrict, cascade or setNull ([ForeignKeyError], [UniqueError]).
//   - Atomicity: an Update whose function returns an error or panics writes
//     nothing; its first refused write aborts it, as in PostgreSQL.
//   - Copies: rows go in and come out as copies; changing one never changes
//     the store ([Table] says what is shared).
//   - Concurrency: a [Store] is safe for concurrent use; writers are
//     serialised, readers never wait, Snapshot and Restore are O(1).
//   - Errors: bad input (nil, a wrong type, an unknown field) is an error
//     matching [ErrInvalid], never a panic, and changes nothing; integrity
//     errors report PostgreSQL's SQLSTATE through a SQLState method.
//   - Queries return PostgreSQL's rows, in a deterministic order.
//
// # Caveats
//
//   - The query plan is chosen from the indexes alone, without statistics:
//     to serve "where A = x order by B", declare an index on (A, B); each
//     index costs every write of its model one more index write.
//   - The iterators of Scan, Range and ByFK read a snapshot; one made in an
//     Update yields nothing after the Update returns: range over it inside.
//   - A Snapshot, and a row a read returned, can keep deleted rows' memory
//     alive; drop snapshots you no longer need.
//   - Auto keys are never reused, and a rolled-back insert or a Restore
//     gives its keys back, so a test sees the same keys on every run.
//
// [Rel], [Poly], [RelQuery], [ThroughOf] and [AppendLinked] are for package
// relations. Design notes: memstore/DESIGN.md; measurements: bench/README.md.
package memstore
