package memstore_test

import (
	"context"
	"iter"
	"testing"

	"github.com/relstore/relstore/memstore"
)

// The models most tests share: a customer with orders (cascade), a
// self-referencing category tree (setNull) and a product that restricts the
// deletion of its category.

type Customer struct {
	ID    int64  `relstore:"pk,auto"`
	Email string `relstore:"unique"`
	Name  string
}

type Order struct {
	ID         int64 `relstore:"pk,auto"`
	CustomerID int64 `relstore:"belongsTo=Customer,onDelete=cascade"`
	Note       string
}

type Category struct {
	ID       string
	ParentID *string `relstore:"belongsTo=Category,as=parent,onDelete=setNull"`
	Tags     []string
}

type Product struct {
	SKU        string `relstore:"pk"`
	CategoryID string `relstore:"belongsTo=Category"`
}

func testModels() []memstore.Model {
	return []memstore.Model{
		memstore.ModelOf[Customer](),
		memstore.ModelOf[Order](),
		memstore.ModelOf[Category](),
		memstore.ModelOf[Product](),
	}
}

type testStore struct {
	*memstore.Store
	customers  *memstore.Table[Customer, int64]
	orders     *memstore.Table[Order, int64]
	categories *memstore.Table[Category, string]
	products   *memstore.Table[Product, string]
}

func newTestStore(t testing.TB) *testStore {
	t.Helper()
	s, err := memstore.New(memstore.Config{Models: testModels()})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return &testStore{
		Store:      s,
		customers:  mustTable[Customer, int64](t, s),
		orders:     mustTable[Order, int64](t, s),
		categories: mustTable[Category, string](t, s),
		products:   mustTable[Product, string](t, s),
	}
}

func mustTable[T any, K comparable](t testing.TB, s *memstore.Store) *memstore.Table[T, K] {
	t.Helper()
	tb, err := memstore.TableOf[T, K](s)
	if err != nil {
		t.Fatalf("TableOf: %v", err)
	}
	return tb
}

// mustUpdate runs fn in an Update and fails the test on error.
func mustUpdate(t testing.TB, s *memstore.Store, fn func(tx *memstore.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

// mustView runs fn in a View and fails the test on error.
func mustView(t testing.TB, s *memstore.Store, fn func(tx *memstore.Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// collectKeys returns the keys of a Scan, Range or ByFK sequence, in order.
func collectKeys[K, T any](seq iter.Seq2[K, T]) []K {
	var keys []K
	for k := range seq {
		keys = append(keys, k)
	}
	return keys
}

// collectRows returns the rows of a Scan, Range or ByFK sequence, in order.
func collectRows[K, T any](seq iter.Seq2[K, T]) []T {
	var rows []T
	for _, v := range seq {
		rows = append(rows, v)
	}
	return rows
}

// allRows returns every row of tb, in key order, read in its own View.
func allRows[T any, K comparable](t testing.TB, s *memstore.Store, tb *memstore.Table[T, K]) []T {
	t.Helper()
	var rows []T
	mustView(t, s, func(tx *memstore.Tx) error {
		seq, err := tb.Scan(tx)
		if err != nil {
			return err
		}
		rows = collectRows(seq)
		return nil
	})
	return rows
}

// testDump is the whole content of a testStore, for go-cmp.
type testDump struct {
	Customers  []Customer
	Orders     []Order
	Categories []Category
	Products   []Product
}

// dump returns every row of the test store.
func (ts *testStore) dump(t testing.TB) testDump {
	t.Helper()
	return testDump{
		Customers:  allRows(t, ts.Store, ts.customers),
		Orders:     allRows(t, ts.Store, ts.orders),
		Categories: allRows(t, ts.Store, ts.categories),
		Products:   allRows(t, ts.Store, ts.products),
	}
}
