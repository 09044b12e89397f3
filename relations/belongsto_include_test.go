package relations_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

func TestInclude(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, cache.Config{})
	f.seed(t)
	for _, tc := range []struct {
		name        string
		srcs        []Order
		want        []*Customer
		wantLookups int64
	}{
		{"aligned with the input", []Order{{ID: 3, CustomerID: 2}, {ID: 1, CustomerID: 1}}, []*Customer{&bob, &ann}, 2},
		{"duplicates share one lookup", []Order{{ID: 1, CustomerID: 1}, {ID: 3, CustomerID: 2}, {ID: 2, CustomerID: 1}, {ID: 1, CustomerID: 1}}, []*Customer{&ann, &bob, &ann, &ann}, 2},
		{"no sources", nil, []*Customer{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, cache.Config{Disabled: true})
			f.seed(t)
			before := relations.Lookups(f.customer)
			got, err := f.customer.Include(ctx, tc.srcs)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Include (-want +got):\n%s", diff)
			}
			if n := relations.Lookups(f.customer) - before; n != tc.wantLookups {
				t.Errorf("Include made %d store lookups, want %d", n, tc.wantLookups)
			}
		})
	}
	t.Run("sources with one owner share one value", func(t *testing.T) {
		got, err := f.customer.Include(ctx, []Order{f.order(t, 1), f.order(t, 2)})
		if err != nil {
			t.Fatal(err)
		}
		if got[0] != got[1] {
			t.Errorf("Include: orders of one customer got distinct *Customer %p and %p, want one", got[0], got[1])
		}
	})
	t.Run("a nil foreign key gives nil", func(t *testing.T) {
		mustInsert(t, f, f.invoices, Invoice{PayerEmail: ptr("bob@x")})
		mustInsert(t, f, f.invoices, Invoice{})
		got, err := f.payer.Include(ctx, []Invoice{{ID: 2}, {ID: 1, PayerEmail: ptr("bob@x")}, {ID: 2}})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]*Customer{nil, &bob, nil}, got); diff != "" {
			t.Errorf("Include (-want +got):\n%s", diff)
		}
	})
	t.Run("a dangling foreign key is not found", func(t *testing.T) {
		_, err := f.customer.Include(ctx, []Order{f.order(t, 1), {ID: 9, CustomerID: 42}})
		if !errors.Is(err, memstore.ErrNotFound) {
			t.Errorf("Include(dangling) error = %v, want ErrNotFound", err)
		}
	})
	t.Run("a dangling foreign key among cached owners is not found", func(t *testing.T) {
		mustFill(t, f.cache, f.customer, f.order(t, 1))
		_, err := f.customer.Include(ctx, []Order{f.order(t, 1), {ID: 9, CustomerID: 42}})
		if !errors.Is(err, memstore.ErrNotFound) {
			t.Errorf("Include(dangling) error = %v, want ErrNotFound", err)
		}
	})
	t.Run("a cancelled context is an error", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := f.customer.Include(cctx, []Order{f.order(t, 1)}); !errors.Is(err, context.Canceled) {
			t.Errorf("Include(cancelled) error = %v, want context.Canceled", err)
		}
	})
	t.Run("cached owners updated since are read again", func(t *testing.T) {
		f := newFixture(t, cache.Config{})
		f.seed(t)
		mustFill(t, f.cache, f.customer, f.order(t, 1))
		mustFill(t, f.cache, f.customer, f.order(t, 3))
		f.update(t, func(tx *memstore.Tx) error {
			return f.customers.Update(tx, Customer{ID: 1, Name: "Ann B.", Email: "ann@x"})
		})
		got, err := f.customer.Include(ctx, []Order{f.order(t, 1), f.order(t, 3)})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]*Customer{{ID: 1, Name: "Ann B.", Email: "ann@x"}, &bob}, got); diff != "" {
			t.Errorf("Include after an update (-want +got):\n%s", diff)
		}
	})
}

// seedMany inserts customers customers and orders orders, order i belonging
// to customer i%customers+1.
func (f *fixture) seedMany(t testing.TB, customers, orders int) []Order {
	t.Helper()
	out := make([]Order, orders)
	f.update(t, func(tx *memstore.Tx) error {
		for i := range customers {
			if _, err := f.customers.Insert(tx, Customer{Name: fmt.Sprint("c", i+1), Email: fmt.Sprint("c", i+1, "@x")}); err != nil {
				return err
			}
		}
		for i := range out {
			o := Order{CustomerID: int64(i%customers + 1), Note: fmt.Sprint("o", i)}
			id, err := f.ordersT.Insert(tx, o)
			if err != nil {
				return err
			}
			o.ID = id
			out[i] = o
		}
		return nil
	})
	return out
}

// TestIncludeNoNPlusOne counts the store lookups of owners that Include
// makes for 1,000 orders of 10 customers.
func TestIncludeNoNPlusOne(t *testing.T) {
	ctx := context.Background()
	const customers, orders = 10, 1000
	check := func(t *testing.T, f *fixture, srcs []Order, wantLookups int64) {
		t.Helper()
		before := relations.Lookups(f.customer)
		got, err := f.customer.Include(ctx, srcs)
		if err != nil {
			t.Fatal(err)
		}
		if n := relations.Lookups(f.customer) - before; n != wantLookups {
			t.Errorf("Include of %d orders made %d store lookups, want %d", len(srcs), n, wantLookups)
		}
		if len(got) != len(srcs) {
			t.Fatalf("Include returned %d owners for %d orders", len(got), len(srcs))
		}
		for i, c := range got {
			want := Customer{ID: srcs[i].CustomerID, Name: fmt.Sprint("c", srcs[i].CustomerID), Email: fmt.Sprint("c", srcs[i].CustomerID, "@x")}
			if c == nil || !cmp.Equal(want, *c) {
				t.Fatalf("Include: owner of order %d = %+v, want %+v", srcs[i].ID, c, want)
			}
		}
	}
	t.Run("cold then warm cache", func(t *testing.T) {
		f := newFixture(t, cache.Config{})
		srcs := f.seedMany(t, customers, orders)
		check(t, f, srcs, customers)
		f.cache.Wait()
		check(t, f, srcs, 0)
	})
	t.Run("cache disabled", func(t *testing.T) {
		f := newFixture(t, cache.Config{Disabled: true})
		srcs := f.seedMany(t, customers, orders)
		for range 3 {
			check(t, f, srcs, customers)
		}
	})
}

// TestIncludeNested resolves order → customer → region by composing two
// accessors.
func TestIncludeNested(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, cache.Config{})
	mustInsert(t, f, f.regions, Region{Code: "EU"})
	mustInsert(t, f, f.regions, Region{Code: "US"})
	f.update(t, func(tx *memstore.Tx) error {
		for _, c := range []Customer{
			{Name: "Ann", Email: "ann@x", RegionCode: ptr("EU")},
			{Name: "Bob", Email: "bob@x"},
			{Name: "Cy", Email: "cy@x", RegionCode: ptr("US")},
		} {
			if _, err := f.customers.Insert(tx, c); err != nil {
				return err
			}
		}
		for _, o := range []Order{{CustomerID: 1}, {CustomerID: 2}, {CustomerID: 3}, {CustomerID: 1}} {
			if _, err := f.ordersT.Insert(tx, o); err != nil {
				return err
			}
		}
		return nil
	})
	srcs := []Order{f.order(t, 1), f.order(t, 2), f.order(t, 3), f.order(t, 4)}
	before := relations.Lookups(f.region)
	regions, err := includeRegions(ctx, f, srcs)
	if err != nil {
		t.Fatal(err)
	}
	eu, us := &Region{Code: "EU"}, &Region{Code: "US"}
	if diff := cmp.Diff([]*Region{eu, nil, us, eu}, regions); diff != "" {
		t.Errorf("regions of the orders' customers (-want +got):\n%s", diff)
	}
	if n := relations.Lookups(f.region) - before; n != 2 {
		t.Errorf("the region Include made %d store lookups, want 2", n)
	}
}

// includeRegions returns the region of each order's customer: nil for an
// order whose customer has none.
func includeRegions(ctx context.Context, f *fixture, orders []Order) ([]*Region, error) {
	customers, err := f.customer.Include(ctx, orders)
	if err != nil {
		return nil, err
	}
	cs := make([]Customer, len(customers))
	for i, c := range customers {
		cs[i] = *c // Order.CustomerID is not nullable: every order has one
	}
	return f.region.Include(ctx, cs)
}
