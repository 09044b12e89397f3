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
//	top, err := q.Find(tx) // in a View or Update: read backward from the index on Total
//
// Owners declare hasMany, hasOne and through relations on blank fields
// ([Relation]); package relations reads them.
//
// # Guarantees
//
//   - Integrity: every foreign key, unique field and unique index is checked
//     inside the writing transaction, and a delete applies each relation's
//     restrict, cascade or setNull in the order PostgreSQL runs them
//     ([ForeignKeyError], [UniqueError]).
//   - Atomicity: an Update whose function returns an error or panics writes
//     nothing; its first refused write aborts it, as in PostgreSQL.
//   - Copies: rows go in and come out as copies; changing one never changes
//     the store ([Table] says what is shared).
//   - Concurrency: a [Store] is safe for concurrent use; writers are
//     serialised, readers never wait, Snapshot and Restore are O(1).
//   - Errors: bad input is an error matching [ErrInvalid], never a panic,
//     and changes nothing; integrity errors carry PostgreSQL's SQLSTATE.
//   - Queries return PostgreSQL's rows, in a deterministic order.
//
// # Caveats
//
//   - The query plan is chosen from the indexes alone, without statistics:
//     to serve "where A = x order by B", declare an index on (A, B); each
//     index costs every write of its model one more index write.
//   - An iterator of Scan, Range or ByFK made in an Update yields nothing
//     after the Update returns: range over it inside.
//   - A Snapshot keeps every row it holds in memory, deleted since or not:
//     drop snapshots you no longer need.
//   - Auto-key counters are transactional (a rollback or a Restore puts
//     them back), so a test sees the same keys on every run.
//
// Design notes: memstore/DESIGN.md; measurements: bench/README.md.
package memstore
