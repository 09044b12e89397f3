package storetest_test

// A worked example of relstore as a test double: a service (Shop) depends on
// a small repository interface; production code would implement it over
// SQL, and the tests implement it over relstore, getting the same integrity
// errors a database would raise, a fresh seeded store per subtest, and
// go-cmp diffs.

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
	"github.com/relstore/relstore/storetest"
)

// OrderRepository is the port the service depends on.
type OrderRepository interface {
	// Place records an order and returns its id; ErrUnknownCustomer if the
	// customer does not exist.
	Place(ctx context.Context, customerID int64, item string) (int64, error)
	// Count returns the number of orders of a customer.
	Count(ctx context.Context, customerID int64) (int, error)
}

var (
	ErrUnknownCustomer = errors.New("shop: unknown customer")
	ErrTooManyOrders   = errors.New("shop: too many open orders")
)

// Shop is the service under test.
type Shop struct {
	Orders    OrderRepository
	MaxOrders int
}

// Checkout places one order per item, refusing to exceed MaxOrders.
func (s *Shop) Checkout(ctx context.Context, customerID int64, items ...string) error {
	n, err := s.Orders.Count(ctx, customerID)
	if err != nil {
		return err
	}
	if n+len(items) > s.MaxOrders {
		return fmt.Errorf("checkout for %d: %w", customerID, ErrTooManyOrders)
	}
	for _, it := range items {
		if _, err := s.Orders.Place(ctx, customerID, it); err != nil {
			return fmt.Errorf("checkout for %d: %w", customerID, err)
		}
	}
	return nil
}

// relstoreOrders implements OrderRepository over relstore.
type relstoreOrders struct {
	store  *memstore.Store
	orders *memstore.Table[Order, int64]
	of     *relations.HasMany[Customer, Order]
}

func newRelstoreOrders(s *memstore.Store) (*relstoreOrders, error) {
	orders, err := memstore.TableOf[Order, int64](s)
	if err != nil {
		return nil, err
	}
	of, err := relations.NewHasMany[Customer, Order](s, "customer")
	if err != nil {
		return nil, err
	}
	return &relstoreOrders{store: s, orders: orders, of: of}, nil
}

func (r *relstoreOrders) Place(ctx context.Context, customerID int64, item string) (int64, error) {
	var id int64
	err := r.store.Update(ctx, func(tx *memstore.Tx) error {
		var err error
		id, err = r.orders.Insert(tx, Order{CustomerID: customerID, Item: item})
		return err
	})
	if errors.Is(err, memstore.ErrForeignKey) {
		// What a SQL implementation maps from a foreign key violation too.
		return 0, ErrUnknownCustomer
	}
	return id, err
}

func (r *relstoreOrders) Count(ctx context.Context, customerID int64) (int, error) {
	return r.of.Count(ctx, Customer{ID: customerID})
}

func TestShopCheckout(t *testing.T) {
	s := storetest.New(t, models()...)
	s.SeedJSON(t, "testdata/shop.json") // Ann (1) has order 11, Bob (2) has order 10
	repo, err := newRelstoreOrders(s.Store)
	if err != nil {
		t.Fatal(err)
	}
	shop := &Shop{Orders: repo, MaxOrders: 3}
	for _, tc := range []struct {
		name       string
		customer   int64
		items      []string
		wantErr    error
		wantOrders []Order
	}{
		{
			name: "places one order per item", customer: 1, items: []string{"jam", "bread"},
			wantOrders: []Order{
				{ID: 10, CustomerID: 2, Item: "scones"}, {ID: 11, CustomerID: 1, Item: "tea"},
				{ID: 12, CustomerID: 1, Item: "jam"}, {ID: 13, CustomerID: 1, Item: "bread"},
			},
		},
		{
			name: "refuses more than the limit", customer: 1, items: []string{"a", "b", "c"},
			wantErr:    ErrTooManyOrders,
			wantOrders: []Order{{ID: 10, CustomerID: 2, Item: "scones"}, {ID: 11, CustomerID: 1, Item: "tea"}},
		},
		{
			name: "an unknown customer is refused like a database would", customer: 42, items: []string{"ghost"},
			wantErr:    ErrUnknownCustomer,
			wantOrders: []Order{{ID: 10, CustomerID: 2, Item: "scones"}, {ID: 11, CustomerID: 1, Item: "tea"}},
		},
	} {
		s.Run(t, tc.name, func(t *testing.T) {
			err := shop.Checkout(context.Background(), tc.customer, tc.items...)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Checkout(%d, %q) error = %v, want %v", tc.customer, tc.items, err, tc.wantErr)
			}
			storetest.AssertRows(t, s.Store, tc.wantOrders)
			storetest.CheckIntegrity(t, s.Store)
		})
	}
}
