package relations_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// TestOwnerDeleted deletes a cached owner and reads it through a stale copy
// of the source (one read before the delete) and through the stored row.
func TestOwnerDeleted(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, f *fixture)
	}{
		{"cascade: the order of a deleted customer", func(t *testing.T, f *fixture) {
			stale := f.order(t, 1)
			mustFill(t, f.cache, f.customer, stale)
			f.update(t, func(tx *memstore.Tx) error { return f.customers.Delete(tx, 1) })
			if _, ok := stored(t, f, f.ordersT, 1); ok {
				t.Fatal("order 1 survived its customer's delete (cascade)")
			}
			if got, ok, err := f.customer.Get(ctx, stale); !errors.Is(err, memstore.ErrNotFound) || ok {
				t.Errorf("Get(stale order) = %+v, %v, %v; want ErrNotFound", got, ok, err)
			}
			if got, st := f.customer.Cached(stale); st != relations.NotCached {
				t.Errorf("Cached(stale order) = %+v, %v; want not cached", got, st)
			}
		}},
		{"setNull: the region of a customer", func(t *testing.T, f *fixture) {
			mustInsert(t, f, f.regions, Region{Code: "EU"})
			id := mustInsert(t, f, f.customers, Customer{Email: "cy@x", Name: "Cy", RegionCode: ptr("EU")})
			stale, _ := stored(t, f, f.customers, id)
			mustFill(t, f.cache, f.region, stale)
			f.update(t, func(tx *memstore.Tx) error { return f.regions.Delete(tx, "EU") })
			row, _ := stored(t, f, f.customers, id)
			if row.RegionCode != nil {
				t.Fatalf("stored customer's Region = %q after its region's delete, want nil (setNull)", *row.RegionCode)
			}
			if got, ok, err := f.region.Get(ctx, row); err != nil || ok {
				t.Errorf("Get(re-read customer) = %+v, %v, %v; want no owner", got, ok, err)
			}
			if got, st := f.region.Cached(row); st != relations.NoOwner {
				t.Errorf("Cached(re-read customer) = %+v, %v; want no owner", got, st)
			}
			if got, st := f.region.Cached(stale); st != relations.NotCached {
				t.Errorf("Cached(stale customer) = %+v, %v; want not cached", got, st)
			}
			if got, ok, err := f.region.Get(ctx, stale); !errors.Is(err, memstore.ErrNotFound) || ok {
				t.Errorf("Get(stale customer) = %+v, %v, %v; want ErrNotFound", got, ok, err)
			}
		}},
		{"setNull: the payer of an invoice, by email", func(t *testing.T, f *fixture) {
			id := mustInsert(t, f, f.invoices, Invoice{PayerEmail: ptr("ann@x")})
			stale, _ := stored(t, f, f.invoices, id)
			mustFill(t, f.cache, f.payer, stale)
			f.update(t, func(tx *memstore.Tx) error { return f.customers.Delete(tx, 1) })
			row, ok := stored(t, f, f.invoices, id)
			if !ok || row.PayerEmail != nil {
				t.Fatalf("stored invoice after its payer's delete = %+v, %v; want PayerEmail nil (setNull)", row, ok)
			}
			if got, ok, err := f.payer.Get(ctx, row); err != nil || ok {
				t.Errorf("Get(re-read invoice) = %+v, %v, %v; want no owner", got, ok, err)
			}
			if got, st := f.payer.Cached(stale); st != relations.NotCached {
				t.Errorf("Cached(stale invoice) = %+v, %v; want not cached", got, st)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, cache.Config{})
			f.seed(t)
			tc.run(t, f)
		})
	}
}

func TestByKey(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, cache.Config{})
	f.seed(t)
	bob := Customer{ID: 2, Name: "Bob", Email: "bob@x"}
	for _, tc := range []struct {
		name    string
		key     any
		want    Customer
		wantOK  bool
		wantErr error
	}{
		{"the owner by the order's id", int64(3), bob, true, nil},
		{"an unknown id is not found", int64(99), Customer{}, false, memstore.ErrNotFound},
		{"a key of another type converts when exact", 3, bob, true, nil},
		{"a key that does not convert exactly is invalid", 3.5, Customer{}, false, memstore.ErrInvalid},
		{"a string key is invalid", "3", Customer{}, false, memstore.ErrInvalid},
		{"a zero key is invalid", int64(0), Customer{}, false, memstore.ErrInvalid},
		{"a nil key is invalid", nil, Customer{}, false, memstore.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok, err := f.customer.ByKey(ctx, tc.key)
			if ok != tc.wantOK || !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
				t.Errorf("ByKey(%#v) = _, %v, %v; want %v, %v", tc.key, ok, err, tc.wantOK, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ByKey(%#v) (-want +got):\n%s", tc.key, diff)
			}
		})
	}
	t.Run("a nil foreign key is no owner", func(t *testing.T) {
		id := mustInsert(t, f, f.invoices, Invoice{})
		if got, ok, err := f.payer.ByKey(ctx, id); err != nil || ok {
			t.Errorf("ByKey(invoice without payer) = %+v, %v, %v; want no owner", got, ok, err)
		}
	})
	t.Run("it reads the stored row, not a copy", func(t *testing.T) {
		f := newFixture(t, cache.Config{})
		f.seed(t)
		o := f.order(t, 1)
		if err := f.customer.Set(ctx, &o, &bob); err != nil {
			t.Fatal(err)
		}
		if got, ok, err := f.customer.ByKey(ctx, int64(1)); err != nil || !ok || got.ID != 2 {
			t.Errorf("ByKey(1) after Set = %+v, %v, %v; want Bob", got, ok, err)
		}
	})
	t.Run("it neither reads nor fills the cache", func(t *testing.T) {
		f := newFixture(t, cache.Config{})
		f.seed(t)
		if _, _, err := f.customer.ByKey(ctx, int64(1)); err != nil {
			t.Fatal(err)
		}
		f.cache.Wait()
		if got, st := f.customer.Cached(f.order(t, 1)); st != relations.NotCached {
			t.Errorf("Cached after ByKey = %+v, %v; want not cached", got, st)
		}
		if m := f.cache.Metrics(); m.Hits != 0 {
			t.Errorf("cache hits after ByKey = %d, want 0", m.Hits)
		}
	})
	t.Run("a cancelled context is an error", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, _, err := f.customer.ByKey(cctx, int64(1)); !errors.Is(err, context.Canceled) {
			t.Errorf("ByKey(cancelled) error = %v, want context.Canceled", err)
		}
	})
}

// TestShadowForeignKey exercises the Ticket.assignee relation, whose foreign
// key is declared in code and lives only in the store.
func TestShadowForeignKey(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, cache.Config{})
	f.seed(t)
	ann := Customer{ID: 1, Name: "Ann", Email: "ann@x"}
	bob := Customer{ID: 2, Name: "Bob", Email: "bob@x"}
	id := mustInsert(t, f, f.tickets, Ticket{Title: "broken"})
	tk := Ticket{ID: id, Title: "broken"}

	t.Run("a new ticket has no assignee", func(t *testing.T) {
		if got, ok, err := f.assignee.Get(ctx, tk); err != nil || ok {
			t.Errorf("Get = %+v, %v, %v; want no owner", got, ok, err)
		}
		if got, st := f.assignee.Cached(tk); st != relations.NoOwner {
			t.Errorf("Cached = %+v, %v; want no owner", got, st)
		}
	})
	t.Run("Set then every read sees the owner", func(t *testing.T) {
		if err := f.assignee.Set(ctx, &tk, &ann); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(Ticket{ID: id, Title: "broken"}, tk); diff != "" {
			t.Errorf("ticket after Set (-want +got):\n%s", diff)
		}
		got, ok, err := f.assignee.Get(ctx, tk)
		if err != nil || !ok {
			t.Fatalf("Get = _, %v, %v; want Ann", ok, err)
		}
		if diff := cmp.Diff(ann, got); diff != "" {
			t.Errorf("Get (-want +got):\n%s", diff)
		}
		f.cache.Wait()
		if got, st := f.assignee.Cached(tk); st != relations.Found || !cmp.Equal(ann, got) {
			t.Errorf("Cached after Get and Wait = %+v, %v; want Ann, found", got, st)
		}
		if got, ok, err := f.assignee.ByKey(ctx, id); err != nil || !ok || !cmp.Equal(ann, got) {
			t.Errorf("ByKey(%d) = %+v, %v, %v; want Ann", id, got, ok, err)
		}
		other := mustInsert(t, f, f.tickets, Ticket{Title: "unassigned"})
		owners, err := f.assignee.Include(ctx, []Ticket{tk, {ID: other}, tk})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]*Customer{&ann, nil, &ann}, owners); diff != "" {
			t.Errorf("Include (-want +got):\n%s", diff)
		}
	})
	t.Run("moving the ticket never leaves the previous owner cached", func(t *testing.T) {
		mustFill(t, f.cache, f.assignee, tk)
		if err := f.assignee.Set(ctx, &tk, &bob); err != nil {
			t.Fatal(err)
		}
		if got, st := f.assignee.Cached(tk); st != relations.NotCached && !(st == relations.Found && cmp.Equal(bob, got)) {
			t.Errorf("Cached after the move = %+v, %v; want Bob or not cached", got, st)
		}
		mustFill(t, f.cache, f.assignee, tk)
		if got, st := f.assignee.Cached(tk); st != relations.Found || !cmp.Equal(bob, got) {
			t.Errorf("Cached after Get = %+v, %v; want Bob, found", got, st)
		}
	})
	t.Run("moving it back in a store update is seen too", func(t *testing.T) {
		mustFill(t, f.cache, f.assignee, tk)
		if err := f.assignee.Set(ctx, &Ticket{ID: id}, &ann); err != nil {
			t.Fatal(err)
		}
		if got, st := f.assignee.Cached(tk); st == relations.Found && !cmp.Equal(ann, got) {
			t.Errorf("Cached after the move = %+v, %v; want Ann or not cached", got, st)
		}
	})
	t.Run("clearing it", func(t *testing.T) {
		if err := f.assignee.Set(ctx, &tk, nil); err != nil {
			t.Fatal(err)
		}
		if got, ok, err := f.assignee.Get(ctx, tk); err != nil || ok {
			t.Errorf("Get after clear = %+v, %v, %v; want no owner", got, ok, err)
		}
		if got, st := f.assignee.Cached(tk); st != relations.NoOwner {
			t.Errorf("Cached after clear = %+v, %v; want no owner", got, st)
		}
		if got, ok, err := f.assignee.ByKey(ctx, id); err != nil || ok {
			t.Errorf("ByKey after clear = %+v, %v, %v; want no owner", got, ok, err)
		}
	})
	t.Run("a ticket not stored is not found", func(t *testing.T) {
		if got, ok, err := f.assignee.Get(ctx, Ticket{ID: 999}); !errors.Is(err, memstore.ErrNotFound) || ok {
			t.Errorf("Get(ticket 999) = %+v, %v, %v; want ErrNotFound", got, ok, err)
		}
		if got, st := f.assignee.Cached(Ticket{ID: 999}); st != relations.NotCached {
			t.Errorf("Cached(ticket 999) = %+v, %v; want not cached", got, st)
		}
		if _, err := f.assignee.Include(ctx, []Ticket{{ID: 999}}); !errors.Is(err, memstore.ErrNotFound) {
			t.Errorf("Include(ticket 999) error = %v, want ErrNotFound", err)
		}
		if err := f.assignee.Set(ctx, &Ticket{ID: 999}, &ann); !errors.Is(err, memstore.ErrNotFound) {
			t.Errorf("Set(ticket 999) error = %v, want ErrNotFound", err)
		}
	})
	t.Run("a ticket with a zero key is invalid", func(t *testing.T) {
		if _, _, err := f.assignee.Get(ctx, Ticket{}); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("Get(Ticket{}) error = %v, want ErrInvalid", err)
		}
	})
	t.Run("deleting the owner clears it (setNull)", func(t *testing.T) {
		if err := f.assignee.Set(ctx, &tk, &bob); err != nil {
			t.Fatal(err)
		}
		mustFill(t, f.cache, f.assignee, tk)
		f.update(t, func(tx *memstore.Tx) error { return f.customers.Delete(tx, 2) })
		if got, st := f.assignee.Cached(tk); st != relations.NoOwner {
			t.Errorf("Cached after the owner's delete = %+v, %v; want no owner", got, st)
		}
		if got, ok, err := f.assignee.Get(ctx, tk); err != nil || ok {
			t.Errorf("Get after the owner's delete = %+v, %v, %v; want no owner", got, ok, err)
		}
	})
}

// unregistered is a struct no store knows.
type unregistered struct{ ID int64 }

func TestNewAccessorErrors(t *testing.T) {
	f := newFixture(t, cache.Config{})
	s := f.store
	for _, tc := range []struct {
		name     string
		new      func() (any, error)
		relation string
	}{
		{"belongsTo: unknown relation", func() (any, error) { return relations.NewBelongsTo[Order, Customer](s, "buyer") }, "buyer"},
		{"belongsTo: swapped types", func() (any, error) { return relations.NewBelongsTo[Customer, Order](s, "customer") }, "customer"},
		{"belongsTo: wrong target", func() (any, error) { return relations.NewBelongsTo[Order, Region](s, "customer") }, "customer"},
		{"belongsTo: unregistered source", func() (any, error) { return relations.NewBelongsTo[unregistered, Customer](s, "customer") }, "customer"},
		{"belongsTo: unregistered target", func() (any, error) { return relations.NewBelongsTo[Order, unregistered](s, "customer") }, "customer"},
		{"belongsTo: nil store", func() (any, error) { return relations.NewBelongsTo[Order, Customer](nil, "customer") }, "customer"},
		{"hasMany: unknown relation", func() (any, error) { return relations.NewHasMany[Customer, Order](s, "buyer") }, "buyer"},
		{"hasMany: swapped types", func() (any, error) { return relations.NewHasMany[Order, Customer](s, "customer") }, "customer"},
		{"hasMany: unregistered type", func() (any, error) { return relations.NewHasMany[Customer, unregistered](s, "customer") }, "customer"},
		{"hasOne: unknown relation", func() (any, error) { return relations.NewHasOne[Customer, Profile](s, "owner") }, "owner"},
		{"hasOne: a foreign key that is not unique", func() (any, error) { return relations.NewHasOne[Customer, Order](s, "customer") }, "customer"},
		{"tree: unknown relation", func() (any, error) { return relations.NewTree[Category](s, "mother") }, "mother"},
		{"tree: a relation to another model", func() (any, error) { return relations.NewTree[Order](s, "customer") }, "customer"},
		{"tree: unregistered type", func() (any, error) { return relations.NewTree[unregistered](s, "parent") }, "parent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			acc, err := tc.new()
			if !errors.Is(err, memstore.ErrInvalid) {
				t.Fatalf("error = %v, want ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.relation) {
				t.Errorf("error %q does not name the relation %q", err, tc.relation)
			}
			if !isNilAccessor(acc) {
				t.Errorf("accessor = %v, want nil with the error", acc)
			}
		})
	}
}

func isNilAccessor(a any) bool {
	switch a := a.(type) {
	case *relations.BelongsTo[Order, Customer]:
		return a == nil
	case *relations.BelongsTo[Customer, Order]:
		return a == nil
	case *relations.BelongsTo[Order, Region]:
		return a == nil
	case *relations.BelongsTo[unregistered, Customer]:
		return a == nil
	case *relations.BelongsTo[Order, unregistered]:
		return a == nil
	case *relations.HasMany[Customer, Order]:
		return a == nil
	case *relations.HasMany[Order, Customer]:
		return a == nil
	case *relations.HasMany[Customer, unregistered]:
		return a == nil
	case *relations.HasOne[Customer, Profile]:
		return a == nil
	case *relations.HasOne[Customer, Order]:
		return a == nil
	case *relations.Tree[Category]:
		return a == nil
	case *relations.Tree[Order]:
		return a == nil
	case *relations.Tree[unregistered]:
		return a == nil
	}
	return a == nil
}

// TestValuesNotPointers changes the owner a read returned, including the
// value behind its pointer field, and checks that later reads are unchanged:
// with a warm cache (the read came from the cache) and a cold one (the read
// filled the cache).
func TestValuesNotPointers(t *testing.T) {
	ctx := context.Background()
	want := Customer{ID: 3, Name: "Cy", Email: "cy@x", RegionCode: ptr("EU")}
	reads := []struct {
		name   string
		fills  bool // whether a cold read fills the cache
		cached bool // whether it only reads the cache
		read   func(t *testing.T, f *fixture, o Order) *Customer
	}{
		{"Get", true, false, func(t *testing.T, f *fixture, o Order) *Customer {
			c, _, err := f.customer.Get(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			return &c
		}},
		{"Cached", false, true, func(t *testing.T, f *fixture, o Order) *Customer {
			c, st := f.customer.Cached(o)
			if st != relations.Found {
				t.Fatalf("Cached = %v, want found", st)
			}
			return &c
		}},
		{"Fetch", true, false, func(t *testing.T, f *fixture, o Order) *Customer {
			c, _, err := mustWait(t, f.customer.Fetch(ctx, o))
			if err != nil {
				t.Fatal(err)
			}
			return &c
		}},
		{"ByKey", false, false, func(t *testing.T, f *fixture, o Order) *Customer {
			c, _, err := f.customer.ByKey(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			return &c
		}},
		{"Include", true, false, func(t *testing.T, f *fixture, o Order) *Customer {
			cs, err := f.customer.Include(ctx, []Order{o, o})
			if err != nil {
				t.Fatal(err)
			}
			return cs[0]
		}},
	}
	for _, warm := range []bool{true, false} {
		for _, tc := range reads {
			if tc.cached && !warm {
				continue
			}
			name := tc.name + " of a cold cache"
			if warm {
				name = tc.name + " of a warm cache"
			}
			t.Run(name, func(t *testing.T) {
				f := newFixture(t, cache.Config{})
				mustInsert(t, f, f.regions, Region{Code: "EU"})
				f.seed(t)
				mustInsert(t, f, f.customers, Customer{Name: "Cy", Email: "cy@x", RegionCode: ptr("EU")})
				id := mustInsert(t, f, f.ordersT, Order{CustomerID: 3})
				o := f.order(t, id)
				if warm {
					mustFill(t, f.cache, f.customer, o)
				}

				c := tc.read(t, f, o)
				if diff := cmp.Diff(want, *c); diff != "" {
					t.Fatalf("%s (-want +got):\n%s", tc.name, diff)
				}
				c.Name = "changed"
				*c.RegionCode = "XX"
				f.cache.Wait()

				got, st := f.customer.Cached(o)
				if st == relations.Found {
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("Cached after the change (-want +got):\n%s", diff)
					}
				} else if warm || tc.fills {
					t.Errorf("Cached after the change = %v, want found", st)
				}
				if got, _, err := f.customer.Get(ctx, o); err != nil {
					t.Fatal(err)
				} else if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("Get after the change (-want +got):\n%s", diff)
				}
				if got, _ := stored(t, f, f.customers, 3); !cmp.Equal(want, got) {
					t.Errorf("stored customer after the change = %+v, want %+v", got, want)
				}
			})
		}
	}
}

func TestStatusString(t *testing.T) {
	for _, tc := range []struct {
		st   relations.Status
		want string
	}{
		{relations.NotCached, "not cached"},
		{relations.Found, "found"},
		{relations.NoOwner, "no owner"},
		{relations.Status(200), "not cached"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := tc.st.String(); got != tc.want {
				t.Errorf("Status(%d).String() = %q, want %q", uint8(tc.st), got, tc.want)
			}
		})
	}
}

func TestIncludeShadowLooksUpEachOwnerOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, cache.Config{})
	f.seed(t)
	var tickets []Ticket
	for i := range 30 {
		tk := Ticket{ID: mustInsert(t, f, f.tickets, Ticket{Title: "t"})}
		switch i % 3 {
		case 0:
			mustSet(t, f.assignee, &tk, &ann)
		case 1:
			mustSet(t, f.assignee, &tk, &bob)
		}
		tickets = append(tickets, tk)
	}
	before := relations.Lookups(f.assignee)
	got, err := f.assignee.Include(ctx, tickets)
	if err != nil {
		t.Fatal(err)
	}
	if n := relations.Lookups(f.assignee) - before; n != 2 {
		t.Errorf("Include of 30 tickets of 2 assignees made %d store lookups, want 2", n)
	}
	for i, c := range got {
		want := []*Customer{&ann, &bob, nil}[i%3]
		if diff := cmp.Diff(want, c); diff != "" {
			t.Errorf("assignee of ticket %d (-want +got):\n%s", tickets[i].ID, diff)
		}
	}
}

func mustSet[S, T any](t testing.TB, b *relations.BelongsTo[S, T], src *S, owner *T) {
	t.Helper()
	if err := b.Set(context.Background(), src, owner); err != nil {
		t.Fatalf("Set: %v", err)
	}
}
