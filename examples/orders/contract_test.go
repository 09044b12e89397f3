package orders_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/relstore/relstore/examples/orders"
)

// testOrderRepository is the contract every OrderRepository meets: newRepo
// returns an empty repository for each subtest. TestRelstore and
// TestPostgres run it on both implementations.
func testOrderRepository(t *testing.T, newRepo func(t *testing.T) orders.OrderRepository) {
	ctx := context.Background()
	placed := time.Date(2026, 12, 2, 10, 30, 0, 123456789, time.FixedZone("CET", 3600))
	// seed adds Ann (ann@x) and Bob (bob@x); Ann has two orders.
	seed := func(t *testing.T, r orders.OrderRepository) (ann, bob orders.Customer, annOrders []orders.Order) {
		t.Helper()
		var err error
		if ann, err = r.AddCustomer(ctx, orders.Customer{Email: "ann@x", Name: "Ann"}); err != nil {
			t.Fatal(err)
		}
		if bob, err = r.AddCustomer(ctx, orders.Customer{Email: "bob@x", Name: "Bob"}); err != nil {
			t.Fatal(err)
		}
		annOrders, err = r.PlaceOrders(ctx,
			orders.Order{CustomerID: ann.ID, Item: "tea", Quantity: 2, PlacedAt: placed},
			orders.Order{CustomerID: ann.ID, Item: "jam", Quantity: 1, PlacedAt: placed.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		return ann, bob, annOrders
	}

	t.Run("a customer gets an ID and reads back", func(t *testing.T) {
		r := newRepo(t)
		ann, bob, _ := seed(t, r)
		if ann.ID == 0 || bob.ID == 0 || ann.ID == bob.ID {
			t.Fatalf("IDs %d and %d, want two distinct non-zero IDs", ann.ID, bob.ID)
		}
		got, err := r.Customer(ctx, ann.ID)
		if err != nil || got != ann {
			t.Errorf("Customer(%d) = %+v, %v; want %+v", ann.ID, got, err, ann)
		}
	})
	t.Run("a taken email is ErrEmailTaken", func(t *testing.T) {
		r := newRepo(t)
		ann, _, _ := seed(t, r)
		if _, err := r.AddCustomer(ctx, orders.Customer{Email: "ann@x", Name: "Another Ann"}); !errors.Is(err, orders.ErrEmailTaken) {
			t.Errorf("AddCustomer(ann@x) = %v, want ErrEmailTaken", err)
		}
		if err := r.ChangeEmail(ctx, ann.ID, "bob@x"); !errors.Is(err, orders.ErrEmailTaken) {
			t.Errorf("ChangeEmail(ann, bob@x) = %v, want ErrEmailTaken", err)
		}
		if got, _ := r.Customer(ctx, ann.ID); got.Email != "ann@x" {
			t.Errorf("after the refusals Ann's email is %q, want ann@x", got.Email)
		}
	})
	t.Run("an email changes", func(t *testing.T) {
		r := newRepo(t)
		ann, _, _ := seed(t, r)
		if err := r.ChangeEmail(ctx, ann.ID, "ann@y"); err != nil {
			t.Fatal(err)
		}
		if got, _ := r.Customer(ctx, ann.ID); got.Email != "ann@y" {
			t.Errorf("email %q, want ann@y", got.Email)
		}
		if _, err := r.AddCustomer(ctx, orders.Customer{Email: "ann@x"}); err != nil {
			t.Errorf("the old email is free again: AddCustomer = %v", err)
		}
	})
	t.Run("a missing customer is ErrNotFound", func(t *testing.T) {
		r := newRepo(t)
		if _, err := r.Customer(ctx, 99); !errors.Is(err, orders.ErrNotFound) {
			t.Errorf("Customer(99) = %v, want ErrNotFound", err)
		}
		if err := r.ChangeEmail(ctx, 99, "x@x"); !errors.Is(err, orders.ErrNotFound) {
			t.Errorf("ChangeEmail(99) = %v, want ErrNotFound", err)
		}
		if err := r.DeleteCustomer(ctx, 99); !errors.Is(err, orders.ErrNotFound) {
			t.Errorf("DeleteCustomer(99) = %v, want ErrNotFound", err)
		}
	})
	t.Run("orders read back in ID order, to the microsecond in UTC", func(t *testing.T) {
		r := newRepo(t)
		ann, bob, annOrders := seed(t, r)
		want := []orders.Order{
			{ID: annOrders[0].ID, CustomerID: ann.ID, Item: "tea", Quantity: 2, PlacedAt: placed.UTC().Truncate(time.Microsecond)},
			{ID: annOrders[1].ID, CustomerID: ann.ID, Item: "jam", Quantity: 1, PlacedAt: placed.Add(time.Hour).UTC().Truncate(time.Microsecond)},
		}
		if diff := cmp.Diff(want, annOrders); diff != "" {
			t.Errorf("PlaceOrders returned (-want +got):\n%s", diff)
		}
		got, err := r.OrdersOf(ctx, ann.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("OrdersOf(ann) (-want +got):\n%s", diff)
		}
		if got[0].PlacedAt.Location() != time.UTC {
			t.Errorf("PlacedAt in %v, want UTC", got[0].PlacedAt.Location())
		}
		got, err = r.OrdersOf(ctx, bob.ID)
		if err != nil || len(got) != 0 {
			t.Errorf("OrdersOf(bob) = %v, %v; want none", got, err)
		}
	})
	t.Run("an order for no customer is ErrUnknownCustomer, and places nothing", func(t *testing.T) {
		r := newRepo(t)
		_, bob, _ := seed(t, r)
		_, err := r.PlaceOrders(ctx,
			orders.Order{CustomerID: bob.ID, Item: "scones", PlacedAt: placed},
			orders.Order{CustomerID: 99, Item: "ghost", PlacedAt: placed})
		if !errors.Is(err, orders.ErrUnknownCustomer) {
			t.Errorf("PlaceOrders(bob, 99) = %v, want ErrUnknownCustomer", err)
		}
		got, err := r.OrdersOf(ctx, bob.ID)
		if err != nil || len(got) != 0 {
			t.Errorf("after the refused batch Bob has %v, %v; want no order", got, err)
		}
	})
	t.Run("a customer with orders is ErrHasOrders, one without is deleted", func(t *testing.T) {
		r := newRepo(t)
		ann, bob, annOrders := seed(t, r)
		if err := r.DeleteCustomer(ctx, ann.ID); !errors.Is(err, orders.ErrHasOrders) {
			t.Errorf("DeleteCustomer(ann) = %v, want ErrHasOrders", err)
		}
		got, err := r.OrdersOf(ctx, ann.ID)
		if diff := cmp.Diff(annOrders, got, cmpopts.EquateEmpty()); err != nil || diff != "" {
			t.Errorf("after the refusal Ann's orders (-want +got), %v:\n%s", err, diff)
		}
		if err := r.DeleteCustomer(ctx, bob.ID); err != nil {
			t.Errorf("DeleteCustomer(bob) = %v", err)
		}
		if _, err := r.Customer(ctx, bob.ID); !errors.Is(err, orders.ErrNotFound) {
			t.Errorf("Customer(bob) after delete = %v, want ErrNotFound", err)
		}
	})
	t.Run("concurrent orders all land", func(t *testing.T) {
		r := newRepo(t)
		_, bob, _ := seed(t, r)
		const n = 8
		errs := make(chan error, n)
		for i := range n {
			go func() {
				_, err := r.PlaceOrders(ctx, orders.Order{CustomerID: bob.ID, Item: "cake", Quantity: int32(i), PlacedAt: placed})
				errs <- err
			}()
		}
		for range n {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
		if got, err := r.OrdersOf(ctx, bob.ID); err != nil || len(got) != n {
			t.Errorf("Bob has %d orders (%v), want %d", len(got), err, n)
		}
	})
}
