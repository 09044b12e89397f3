// Package storetest is the kit for tests that use relstore as a test double
// for a database: a store per test, fixtures loaded in foreign key order,
// O(1) resets between subtests, and go-cmp assertions with (-want +got)
// diffs.
//
// # Basics
//
//	func TestCheckout(t *testing.T) {
//		s := storetest.New(t, memstore.ModelOf[Customer](), memstore.ModelOf[Order]())
//		s.SeedJSON(t, "testdata/shop.json")   // or s.Seed(t, customers, orders)
//		for _, tc := range cases {
//			s.Run(t, tc.name, func(t *testing.T) { // every subtest starts from the seed
//				...
//				storetest.AssertRows(t, s.Store, tc.wantOrders, storetest.IgnoreOrder())
//			})
//		}
//	}
//
// New opens a store (with an owner cache, as production code would have)
// and closes both when the test ends; a schema error fails the test with the
// store's message. Seed and SeedJSON load fixtures and take a snapshot; Reset
// and Run restore it in O(1), which also empties the owner cache.
//
// # Fixtures
//
// Fixtures are Go values (structs, pointers to structs, slices of them, or a
// memstore.Dump) or JSON files: either one document mapping model names to
// arrays of rows ({"Customer": [...], "Order": [...]}) or one array per file,
// the model named by the file name (Customer.json, customers.json). Unknown
// JSON fields are errors, so a typo in a fixture does not pass silently.
//
// Records are inserted in foreign key order whatever order they are given in:
// models are sorted topologically by their non-nullable foreign keys (and rows
// of a model that references itself, by that key), and nullable foreign keys
// are written in a second pass, so cycles through nullable keys load too. The
// whole set is loaded in one transaction: a dangling foreign key or a
// duplicate key fails it, with an error naming the file (or argument), the
// record and the field, and nothing is inserted. Shadow foreign keys have no
// field, so fixtures cannot set them.
//
// # Assertions
//
// AssertRows and AssertDump compare with go-cmp and report (-want +got)
// diffs; IgnoreOrder makes them order-insensitive. AssertForeignKeyError
// checks that an error is a foreign key violation naming a model and field.
// CheckIntegrity verifies every invariant of the whole store. Each reports
// through t.Errorf and returns whether it passed.
package storetest
