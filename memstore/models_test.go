package memstore_test

import (
	"context"
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
