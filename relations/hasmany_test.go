package relations_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

var (
	ann = Customer{ID: 1, Name: "Ann", Email: "ann@x"}
	bob = Customer{ID: 2, Name: "Bob", Email: "bob@x"}
)

// seedMore adds, on top of seed, customer Cy (3, no orders) and orders 10
// and 5 of Ann, inserted in that order so that key order differs from
// insertion order.
func (f *fixture) seedMore(t testing.TB) {
	t.Helper()
	f.seed(t)
	mustInsert(t, f, f.customers, Customer{Name: "Cy", Email: "cy@x"})
	mustInsert(t, f, f.ordersT, Order{ID: 10, CustomerID: 1, Note: "a10"})
	mustInsert(t, f, f.ordersT, Order{ID: 5, CustomerID: 1, Note: "a5"})
}

func TestHasManyRead(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, cache.Config{})
	f.seedMore(t)
	annOrders := []Order{{1, 1, "a1"}, {2, 1, "a2"}, {5, 1, "a5"}, {10, 1, "a10"}}
	for _, tc := range []struct {
		name  string
		owner Customer
		want  []Order
	}{
		{"an owner's children in key order", ann, annOrders},
		{"one child", bob, []Order{{3, 2, "b1"}}},
		{"an owner with no children", Customer{ID: 3}, []Order{}}, // empty, not nil: JSON shows []
		{"an owner not stored", Customer{ID: 99}, []Order{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.orders.List(ctx, tc.owner)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("List(%d) (-want +got):\n%s", tc.owner.ID, diff)
			}
			seq, err := f.orders.All(ctx, tc.owner)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, slices.Collect(seq), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("All(%d) (-want +got):\n%s", tc.owner.ID, diff)
			}
			n, err := f.orders.Count(ctx, tc.owner)
			if err != nil || n != len(tc.want) {
				t.Errorf("Count(%d) = %d, %v; want %d", tc.owner.ID, n, err, len(tc.want))
			}
		})
	}
	t.Run("All reads the snapshot taken at the call", func(t *testing.T) {
		seq, err := f.orders.All(ctx, bob)
		if err != nil {
			t.Fatal(err)
		}
		mustInsert(t, f, f.ordersT, Order{CustomerID: 2, Note: "b2"})
		if got := slices.Collect(seq); len(got) != 1 {
			t.Errorf("All(Bob) taken before an insert = %+v, want only order 3", got)
		}
	})
	t.Run("All stops when the loop breaks", func(t *testing.T) {
		seq, err := f.orders.All(ctx, ann)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for o := range seq {
			got = append(got, o.ID)
			if len(got) == 2 {
				break
			}
		}
		if diff := cmp.Diff([]int64{1, 2}, got); diff != "" {
			t.Errorf("All(Ann) with break (-want +got):\n%s", diff)
		}
	})
	t.Run("a nullable foreign key by email", func(t *testing.T) {
		invoices := must(relations.NewHasMany[Customer, Invoice](f.store, "payer"))(t)
		mustInsert(t, f, f.invoices, Invoice{PayerEmail: ptr("bob@x")})
		mustInsert(t, f, f.invoices, Invoice{})
		got, err := invoices.List(ctx, bob)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]Invoice{{ID: 1, PayerEmail: ptr("bob@x")}}, got); diff != "" {
			t.Errorf("List(Bob's invoices) (-want +got):\n%s", diff)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := f.orders.List(cctx, ann); !errors.Is(err, context.Canceled) {
			t.Errorf("List(cancelled) error = %v, want context.Canceled", err)
		}
		if _, err := f.orders.Count(cctx, ann); !errors.Is(err, context.Canceled) {
			t.Errorf("Count(cancelled) error = %v, want context.Canceled", err)
		}
		//lint:ignore SA1012 testing bad input
		if _, err := f.orders.List(nil, ann); !errors.Is(err, memstore.ErrInvalid) { //nolint:staticcheck
			t.Errorf("List(nil ctx) error = %v, want ErrInvalid", err)
		}
		invoices := must(relations.NewHasMany[Customer, Invoice](f.store, "payer"))(t)
		// Customer.Email is a string key: the empty string is not nil, so
		// this is a query for invoices paid by "", of which there are none.
		if got, err := invoices.List(ctx, Customer{}); err != nil && !errors.Is(err, memstore.ErrInvalid) || len(got) != 0 {
			t.Errorf("List(no email) = %+v, %v; want none or ErrInvalid", got, err)
		}
	})
}

func TestHasManyCreate(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		owner   Customer
		child   Order
		want    Order // the child after Create, as stored
		wantErr error
	}{
		{"a zero foreign key is filled in and the key written back", bob, Order{Note: "b2"}, Order{ID: 4, CustomerID: 2, Note: "b2"}, nil},
		{"the owner's own foreign key is accepted", bob, Order{CustomerID: 2, Note: "b2"}, Order{ID: 4, CustomerID: 2, Note: "b2"}, nil},
		{"an explicit key is kept", bob, Order{ID: 40, Note: "b2"}, Order{ID: 40, CustomerID: 2, Note: "b2"}, nil},
		{"another owner is refused", bob, Order{CustomerID: 1, Note: "x"}, Order{}, relations.ErrOtherOwner},
		{"an owner not stored is a foreign key error", Customer{ID: 9}, Order{Note: "x"}, Order{}, memstore.ErrForeignKey},
		{"an existing key is a unique error", bob, Order{ID: 1, Note: "x"}, Order{}, memstore.ErrUnique},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, cache.Config{})
			f.seed(t)
			child := tc.child
			err := f.orders.Create(ctx, tc.owner, &child)
			if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
				t.Fatalf("Create = %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				if diff := cmp.Diff(tc.child, child); diff != "" {
					t.Errorf("child after a failed Create (-want +got):\n%s", diff)
				}
				if n, _ := f.orders.Count(ctx, tc.owner); n != map[int64]int{1: 2, 2: 1}[tc.owner.ID] {
					t.Errorf("Count after a failed Create = %d, want it unchanged", n)
				}
				return
			}
			if diff := cmp.Diff(tc.want, child); diff != "" {
				t.Errorf("child after Create (-want +got):\n%s", diff)
			}
			if got, ok := stored(t, f, f.ordersT, tc.want.ID); !ok || !cmp.Equal(tc.want, got) {
				t.Errorf("stored child = %+v, %v; want %+v", got, ok, tc.want)
			}
		})
	}
	t.Run("a nil child is invalid", func(t *testing.T) {
		f := newFixture(t, cache.Config{})
		f.seed(t)
		if err := f.orders.Create(ctx, bob, nil); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("Create(nil) = %v, want ErrInvalid", err)
		}
	})
	t.Run("a nil nullable foreign key is filled in", func(t *testing.T) {
		f := newFixture(t, cache.Config{})
		f.seed(t)
		invoices := must(relations.NewHasMany[Customer, Invoice](f.store, "payer"))(t)
		inv := Invoice{}
		if err := invoices.Create(ctx, bob, &inv); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(Invoice{ID: 1, PayerEmail: ptr("bob@x")}, inv); diff != "" {
			t.Errorf("invoice after Create (-want +got):\n%s", diff)
		}
		if err := invoices.Create(ctx, bob, &Invoice{PayerEmail: ptr("ann@x")}); !errors.Is(err, relations.ErrOtherOwner) {
			t.Errorf("Create(Ann's invoice) under Bob = %v, want ErrOtherOwner", err)
		}
	})
	t.Run("a shadow foreign key is set", func(t *testing.T) {
		f := newFixture(t, cache.Config{})
		f.seed(t)
		tickets := must(relations.NewHasMany[Customer, Ticket](f.store, "assignee"))(t)
		tk := Ticket{Title: "t"}
		if err := tickets.Create(ctx, bob, &tk); err != nil {
			t.Fatal(err)
		}
		if got, ok, err := f.assignee.Get(ctx, tk); err != nil || !ok || got.ID != 2 {
			t.Errorf("assignee of the created ticket = %+v, %v, %v; want Bob", got, ok, err)
		}
		if got, err := tickets.List(ctx, bob); err != nil || !cmp.Equal([]Ticket{tk}, got) {
			t.Errorf("List(Bob's tickets) = %+v, %v; want [%+v]", got, err, tk)
		}
	})
}

func TestHasManyUpdate(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		owner   Customer
		child   Order
		wantErr error
	}{
		{"an own child", ann, Order{ID: 1, CustomerID: 1, Note: "changed"}, nil},
		{"moving a child to another owner is refused", ann, Order{ID: 1, CustomerID: 2, Note: "changed"}, relations.ErrOtherOwner},
		{"another owner's child is refused", ann, Order{ID: 3, CustomerID: 1, Note: "changed"}, relations.ErrOtherOwner},
		{"another owner's child as it is stored is refused", ann, Order{ID: 3, CustomerID: 2, Note: "changed"}, relations.ErrOtherOwner},
		{"a child not stored is not found", ann, Order{ID: 99, CustomerID: 1, Note: "changed"}, memstore.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, cache.Config{})
			f.seed(t)
			before, _ := stored(t, f, f.ordersT, tc.child.ID)
			err := f.orders.Update(ctx, tc.owner, tc.child)
			if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
				t.Fatalf("Update = %v, want %v", err, tc.wantErr)
			}
			want := before
			if err == nil {
				want = tc.child
			}
			if got, _ := stored(t, f, f.ordersT, tc.child.ID); !cmp.Equal(want, got) {
				t.Errorf("stored child after Update = %+v, want %+v", got, want)
			}
		})
	}
}

func TestHasManyDelete(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		owner   Customer
		child   Order
		wantErr error
	}{
		{"an own child", ann, Order{ID: 1}, nil},
		{"an own child given as stored", ann, Order{ID: 2, CustomerID: 1}, nil},
		{"another owner's child is refused", ann, Order{ID: 3, CustomerID: 1}, relations.ErrOtherOwner},
		{"a child not stored is not found", ann, Order{ID: 99}, memstore.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, cache.Config{})
			f.seed(t)
			_, existed := stored(t, f, f.ordersT, tc.child.ID)
			err := f.orders.Delete(ctx, tc.owner, tc.child)
			if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
				t.Fatalf("Delete = %v, want %v", err, tc.wantErr)
			}
			if _, ok := stored(t, f, f.ordersT, tc.child.ID); ok != (existed && err != nil) {
				t.Errorf("child stored after Delete = %v, want %v", ok, existed && err != nil)
			}
		})
	}
}

func TestHasManyInclude(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, cache.Config{})
	f.seedMore(t)
	cy := Customer{ID: 3}
	got, err := f.orders.Include(ctx, []Customer{bob, cy, ann, bob})
	if err != nil {
		t.Fatal(err)
	}
	// An owner without children gets a nil slice, not an empty one.
	want := [][]Order{
		{{3, 2, "b1"}},
		{},
		{{1, 1, "a1"}, {2, 1, "a2"}, {5, 1, "a5"}, {10, 1, "a10"}},
		{{3, 2, "b1"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Include (-want +got):\n%s", diff)
	}
	if got[1] == nil {
		t.Errorf("Include: children of an owner without any = nil, want an empty slice (JSON: [])")
	}
	t.Run("no owners", func(t *testing.T) {
		got, err := f.orders.Include(ctx, nil)
		if err != nil || len(got) != 0 {
			t.Errorf("Include(nil) = %v, %v; want none", got, err)
		}
	})
	t.Run("a cancelled context is an error", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := f.orders.Include(cctx, []Customer{ann}); !errors.Is(err, context.Canceled) {
			t.Errorf("Include(cancelled) error = %v, want context.Canceled", err)
		}
	})
}

func TestHasOne(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, cache.Config{})
	f.seed(t)
	profile := must(relations.NewHasOne[Customer, Profile](f.store, "customer"))(t)

	t.Run("an owner without a child", func(t *testing.T) {
		if got, ok, err := profile.Get(ctx, ann); err != nil || ok {
			t.Errorf("Get(Ann) = %+v, %v, %v; want none", got, ok, err)
		}
	})
	t.Run("an owner with one child", func(t *testing.T) {
		p := Profile{Bio: "hi"}
		if err := profile.Create(ctx, ann, &p); err != nil {
			t.Fatal(err)
		}
		want := Profile{ID: 1, CustomerID: 1, Bio: "hi"}
		if diff := cmp.Diff(want, p); diff != "" {
			t.Errorf("profile after Create (-want +got):\n%s", diff)
		}
		got, ok, err := profile.Get(ctx, ann)
		if err != nil || !ok {
			t.Fatalf("Get(Ann) = _, %v, %v; want the profile", ok, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Get(Ann) (-want +got):\n%s", diff)
		}
		if got, ok, err := profile.Get(ctx, bob); err != nil || ok {
			t.Errorf("Get(Bob) = %+v, %v, %v; want none", got, ok, err)
		}
	})
	t.Run("a second child is a unique error", func(t *testing.T) {
		p := Profile{Bio: "again"}
		if err := profile.Create(ctx, ann, &p); !errors.Is(err, memstore.ErrUnique) {
			t.Errorf("second Create = %v, want ErrUnique", err)
		}
		if got, _, _ := profile.Get(ctx, ann); got.Bio != "hi" {
			t.Errorf("Get(Ann) after a refused Create = %+v, want the first profile", got)
		}
	})
	t.Run("a foreign key that is not unique is invalid", func(t *testing.T) {
		if _, err := relations.NewHasOne[Customer, Order](f.store, "customer"); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("NewHasOne(Order.customer) error = %v, want ErrInvalid", err)
		}
	})
}
