package storetest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/storetest"
)

// exampleTB stands in for the *testing.T an example does not have; done runs
// its cleanups, as the end of a test would.
func exampleTB() (t testing.TB, done func()) {
	f := &fakeTB{}
	return f, func() {
		for i := len(f.cleanups) - 1; i >= 0; i-- {
			f.cleanups[i]()
		}
	}
}

func ExampleNew() {
	t, done := exampleTB() // in a test: the *testing.T
	defer done()
	s := storetest.New(t, models()...)
	s.Seed(t, Customer{ID: 1, Email: "ann@example.com", Name: "Ann"}, Order{ID: 10, CustomerID: 1, Item: "tea"})
	rows, _ := storetest.Rows[Order](s.Store)
	fmt.Println(rows)
	// Output: [{10 1 tea}]
}

func ExampleStore_Reset() {
	t, done := exampleTB() // in a test: the *testing.T
	defer done()
	s := storetest.New(t, models()...)
	s.Seed(t, Customer{ID: 1, Email: "ann@example.com"})
	_ = s.Update(context.Background(), func(tx *memstore.Tx) error { return tx.Delete(Customer{ID: 1}) })
	s.Reset(t) // O(1): back to the seed; Run does this before each subtest
	rows, _ := storetest.Rows[Customer](s.Store)
	fmt.Println(len(rows), "customer after Reset")
	// Output: 1 customer after Reset
}

func ExampleLoadJSON() {
	t, done := exampleTB()
	defer done()
	s := storetest.New(t, models()...)
	// Orders come first in the file list and in the document; the loader
	// inserts customers first anyway.
	err := storetest.LoadJSON(context.Background(), s.Store, "testdata/orders.json", "testdata/customers.json")
	fmt.Println(err)
	err = storetest.LoadJSON(context.Background(), s.Store, "testdata/dangling/orders.json")
	fmt.Println(err)
	// Output:
	// <nil>
	// storetest: testdata/dangling/orders.json: record 1 (Order): memstore: insert Order: ID 10 already exists
}

func ExampleAssertForeignKeyError() {
	t, done := exampleTB()
	defer done()
	s := storetest.New(t, models()...)
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		return tx.Insert(Order{CustomerID: 7})
	})
	fmt.Println(err)
	fmt.Println(storetest.AssertForeignKeyError(t, err, "Order", "CustomerID"))
	// Output:
	// memstore: insert Order: CustomerID 7 references no Customer
	// true
}

func ExampleAssertRows() {
	t, done := exampleTB() // in a test: the *testing.T
	defer done()
	s := storetest.New(t, models()...)
	s.SeedJSON(t, "testdata/shop.json")
	ok := storetest.AssertRows(t, s.Store, []Order{
		{ID: 11, CustomerID: 1, Item: "tea"},
		{ID: 10, CustomerID: 2, Item: "scones"},
	}, storetest.IgnoreOrder())
	fmt.Println("rows match:", ok)
	// Output: rows match: true
}

func ExampleCheckIntegrity() {
	t, done := exampleTB() // in a test: the *testing.T
	defer done()
	s := storetest.New(t, models()...)
	s.SeedJSON(t, "testdata/shop.json")
	fmt.Println("integrity holds:", storetest.CheckIntegrity(t, s.Store))
	// Output: integrity holds: true
}
