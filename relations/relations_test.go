package relations_test

import (
	"context"
	"errors"
	"iter"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type Region struct {
	Code string `relstore:"pk"`
}

type Customer struct {
	ID         int64  `relstore:"pk,auto"`
	Email      string `relstore:"unique"`
	Name       string
	RegionCode *string `relstore:"belongsTo=Region,as=region,onDelete=setNull"`
}

type Order struct {
	ID         int64 `relstore:"pk,auto"`
	CustomerID int64 `relstore:"belongsTo=Customer,onDelete=cascade"`
	Note       string
}

// Invoice points at a customer through a nullable key, by email (keyTo).
type Invoice struct {
	ID         int64   `relstore:"pk,auto"`
	PayerEmail *string `relstore:"belongsTo=Customer,as=payer,keyTo=Email,onDelete=setNull"`
}

type Category struct {
	ID       string
	ParentID *string `relstore:"belongsTo=Category,as=parent,onDelete=cascade"`
}

// Profile is a customer's one profile: a unique foreign key (hasOne).
type Profile struct {
	ID         int64 `relstore:"pk,auto"`
	CustomerID int64 `relstore:"belongsTo=Customer,unique,onDelete=cascade"`
	Bio        string
}

// Ticket has no owner field: its relation is declared in code, so the store
// keeps a shadow foreign key.
type Ticket struct {
	ID    int64 `relstore:"pk,auto"`
	Title string
}

type fixture struct {
	store    *memstore.Store
	cache    *cache.Cache
	customer *relations.BelongsTo[Order, Customer]
	payer    *relations.BelongsTo[Invoice, Customer]
	region   *relations.BelongsTo[Customer, Region]
	assignee *relations.BelongsTo[Ticket, Customer]
	orders   *relations.HasMany[Customer, Order]
	tree     *relations.Tree[Category]

	customers  *memstore.Table[Customer, int64]
	ordersT    *memstore.Table[Order, int64]
	invoices   *memstore.Table[Invoice, int64]
	categories *memstore.Table[Category, string]
	tickets    *memstore.Table[Ticket, int64]
	regions    *memstore.Table[Region, string]
}

func newFixture(t testing.TB, cfg cache.Config) *fixture {
	t.Helper()
	c, err := cache.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ticket := memstore.ModelOf[Ticket]()
	ticket.Relations = []memstore.Relation{{Name: "assignee", Target: "Customer", OnDelete: memstore.SetNull, Shadow: true}}
	s, err := memstore.New(memstore.Config{Cache: c, Models: []memstore.Model{
		memstore.ModelOf[Region](), memstore.ModelOf[Customer](), memstore.ModelOf[Order](),
		memstore.ModelOf[Invoice](), memstore.ModelOf[Category](), memstore.ModelOf[Profile](), ticket,
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f := &fixture{store: s, cache: c}
	f.customer = must(relations.NewBelongsTo[Order, Customer](s, "customer"))(t)
	f.payer = must(relations.NewBelongsTo[Invoice, Customer](s, "payer"))(t)
	f.region = must(relations.NewBelongsTo[Customer, Region](s, "region"))(t)
	f.assignee = must(relations.NewBelongsTo[Ticket, Customer](s, "assignee"))(t)
	f.orders = must(relations.NewHasMany[Customer, Order](s, "customer"))(t)
	f.tree = must(relations.NewTree[Category](s, "parent"))(t)
	f.customers = must(memstore.TableOf[Customer, int64](s))(t)
	f.ordersT = must(memstore.TableOf[Order, int64](s))(t)
	f.invoices = must(memstore.TableOf[Invoice, int64](s))(t)
	f.categories = must(memstore.TableOf[Category, string](s))(t)
	f.tickets = must(memstore.TableOf[Ticket, int64](s))(t)
	f.regions = must(memstore.TableOf[Region, string](s))(t)
	return f
}

func must[V any](v V, err error) func(testing.TB) V {
	return func(t testing.TB) V {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func (f *fixture) update(t testing.TB, fn func(tx *memstore.Tx) error) {
	t.Helper()
	if err := f.store.Update(context.Background(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// seed inserts customers Ann (1) and Bob (2) and orders 1, 2 of Ann and 3 of Bob.
func (f *fixture) seed(t testing.TB) {
	t.Helper()
	f.update(t, func(tx *memstore.Tx) error {
		for _, c := range []Customer{{Name: "Ann", Email: "ann@x"}, {Name: "Bob", Email: "bob@x"}} {
			if _, err := f.customers.Insert(tx, c); err != nil {
				return err
			}
		}
		for _, o := range []Order{{CustomerID: 1, Note: "a1"}, {CustomerID: 1, Note: "a2"}, {CustomerID: 2, Note: "b1"}} {
			if _, err := f.ordersT.Insert(tx, o); err != nil {
				return err
			}
		}
		return nil
	})
}

func (f *fixture) order(t testing.TB, id int64) Order {
	t.Helper()
	var o Order
	err := f.store.View(context.Background(), func(tx *memstore.Tx) error {
		var err error
		o, err = f.ordersT.Get(tx, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// fill makes sure an owner read by Get is in the cache (ristretto applies
// sets asynchronously).
func (f *fixture) fill(t testing.TB, o Order) {
	t.Helper()
	if _, _, err := f.customer.Get(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	f.cache.Wait()
}

func TestBelongsToGet(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, cache.Config{})
	f.seed(t)
	got, ok, err := f.customer.Get(ctx, f.order(t, 3))
	if err != nil || !ok {
		t.Fatalf("Get(order 3) = _, %v, %v; want Bob", ok, err)
	}
	if diff := cmp.Diff(Customer{ID: 2, Name: "Bob", Email: "bob@x"}, got); diff != "" {
		t.Errorf("Get(order 3) (-want +got):\n%s", diff)
	}

	t.Run("a foreign key that matches no row is not found", func(t *testing.T) {
		_, ok, err := f.customer.Get(ctx, Order{ID: 99, CustomerID: 42})
		if !errors.Is(err, memstore.ErrNotFound) || ok {
			t.Errorf("Get(dangling) = _, %v, %v; want ErrNotFound", ok, err)
		}
	})
	t.Run("a nil foreign key is no owner, not an error", func(t *testing.T) {
		_, ok, err := f.payer.Get(ctx, Invoice{ID: 1})
		if err != nil || ok {
			t.Errorf("Get(nil FK) = _, %v, %v; want false, nil", ok, err)
		}
		if _, st := f.payer.Cached(Invoice{ID: 1}); st != relations.NoOwner {
			t.Errorf("Cached(nil FK) = %v, want %v", st, relations.NoOwner)
		}
	})
	t.Run("a cancelled context is an error", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, _, err := f.customer.Get(cctx, f.order(t, 1)); !errors.Is(err, context.Canceled) {
			t.Errorf("Get(cancelled) error = %v, want context.Canceled", err)
		}
	})
	t.Run("a nil context is invalid", func(t *testing.T) {
		//lint:ignore SA1012 testing bad input
		if _, _, err := f.customer.Get(nil, f.order(t, 1)); !errors.Is(err, memstore.ErrInvalid) { //nolint:staticcheck
			t.Errorf("Get(nil ctx) error = %v, want ErrInvalid", err)
		}
	})
}

func TestCachedIsNeverStale(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		write func(f *fixture, t *testing.T)
		want  relations.Status
	}{
		{"no write keeps the owner", func(*fixture, *testing.T) {}, relations.Found},
		{"owner updated", func(f *fixture, t *testing.T) {
			f.update(t, func(tx *memstore.Tx) error {
				return f.customers.Update(tx, Customer{ID: 1, Name: "Ann B.", Email: "ann@x"})
			})
		}, relations.NotCached},
		{"owner deleted by cascade", func(f *fixture, t *testing.T) {
			f.update(t, func(tx *memstore.Tx) error { return f.customers.Delete(tx, 1) })
		}, relations.NotCached},
		{"restore", func(f *fixture, t *testing.T) {
			snap, err := f.store.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			if err := f.store.Restore(ctx, snap); err != nil {
				t.Fatal(err)
			}
		}, relations.NotCached},
		{"write to another owner keeps it", func(f *fixture, t *testing.T) {
			f.update(t, func(tx *memstore.Tx) error {
				return f.customers.Update(tx, Customer{ID: 2, Name: "Bobby", Email: "bob@x"})
			})
		}, relations.Found},
		{"rolled back update keeps it", func(f *fixture, t *testing.T) {
			err := f.store.Update(ctx, func(tx *memstore.Tx) error {
				if err := f.customers.Update(tx, Customer{ID: 1, Name: "never", Email: "ann@x"}); err != nil {
					return err
				}
				return errors.New("roll back")
			})
			if err == nil {
				t.Fatal("Update committed")
			}
		}, relations.Found},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, cache.Config{})
			f.seed(t)
			o := f.order(t, 1)
			if _, st := f.customer.Cached(o); st != relations.NotCached {
				t.Fatalf("Cached before any Get = %v, want not cached", st)
			}
			f.fill(t, o)
			if got, st := f.customer.Cached(o); st != relations.Found || got.Name != "Ann" {
				t.Fatalf("Cached after Get = %+v, %v; want Ann, found", got, st)
			}
			tc.write(f, t)
			if got, st := f.customer.Cached(o); st != tc.want {
				t.Errorf("Cached after write = %+v, %v; want %v", got, st, tc.want)
			}
		})
	}
}

func TestCachedFollowsTheForeignKey(t *testing.T) {
	f := newFixture(t, cache.Config{})
	f.seed(t)
	o := f.order(t, 1)
	f.fill(t, o)
	// Moving the order to Bob: the order value now carries CustomerID 2, a
	// different lookup, never Ann.
	if err := f.customer.Set(context.Background(), &o, &Customer{ID: 2, Email: "bob@x"}); err != nil {
		t.Fatal(err)
	}
	if o.CustomerID != 2 {
		t.Fatalf("Set did not update the source: CustomerID = %d", o.CustomerID)
	}
	if got, st := f.customer.Cached(o); st == relations.Found && got.ID != 2 {
		t.Fatalf("Cached after Set = %+v, want Bob or not cached", got)
	}
	got, ok, err := f.customer.Get(context.Background(), o)
	if err != nil || !ok || got.ID != 2 {
		t.Fatalf("Get after Set = %+v, %v, %v; want Bob", got, ok, err)
	}
	if stored := f.order(t, 1); stored.CustomerID != 2 || stored.Note != "a1" {
		t.Errorf("stored order after Set = %+v, want CustomerID 2 and note kept", stored)
	}
}

func TestSet(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, cache.Config{})
	f.seed(t)
	f.update(t, func(tx *memstore.Tx) error {
		_, err := f.invoices.Insert(tx, Invoice{PayerEmail: ptr("ann@x")})
		return err
	})
	for _, tc := range []struct {
		name    string
		set     func() error
		wantErr error
	}{
		{"owner not stored is a foreign key error", func() error {
			o := f.order(t, 1)
			return f.customer.Set(ctx, &o, &Customer{ID: 77})
		}, memstore.ErrForeignKey},
		{"source not stored is not found", func() error {
			return f.customer.Set(ctx, &Order{ID: 50, CustomerID: 1}, &Customer{ID: 2})
		}, memstore.ErrNotFound},
		{"clearing a non-nullable key is invalid", func() error {
			o := f.order(t, 1)
			return f.customer.Set(ctx, &o, nil)
		}, memstore.ErrInvalid},
		{"nil source is invalid", func() error {
			return f.customer.Set(ctx, nil, &Customer{ID: 2})
		}, memstore.ErrInvalid},
		{"clearing a nullable key works", func() error {
			inv := Invoice{ID: 1}
			if err := f.payer.Set(ctx, &inv, nil); err != nil {
				return err
			}
			if inv.PayerEmail != nil {
				t.Errorf("Set(nil) left PayerEmail = %v", *inv.PayerEmail)
			}
			if _, ok, err := f.payer.Get(ctx, inv); ok || err != nil {
				t.Errorf("Get after clear = %v, %v; want no owner", ok, err)
			}
			return nil
		}, nil},
		{"keyTo: pointing by email", func() error {
			inv := Invoice{ID: 1}
			if err := f.payer.Set(ctx, &inv, &Customer{ID: 2, Email: "bob@x"}); err != nil {
				return err
			}
			if got, ok, err := f.payer.Get(ctx, inv); !ok || err != nil || got.Name != "Bob" {
				t.Errorf("Get after Set = %+v, %v, %v; want Bob", got, ok, err)
			}
			return nil
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.set()
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Errorf("Set error = %v, want %v", err, tc.wantErr)
			}
		})
	}
	t.Run("a failed Set leaves the source unchanged", func(t *testing.T) {
		o := f.order(t, 1)
		before := o
		if err := f.customer.Set(ctx, &o, &Customer{ID: 77}); err == nil {
			t.Fatal("Set to a missing owner succeeded")
		}
		if diff := cmp.Diff(before, o); diff != "" {
			t.Errorf("source after failed Set (-want +got):\n%s", diff)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// mustFill reads src's owner with Get, waits until the cache has applied the
// fill, and checks that Cached now finds it.
func mustFill[S, T any](t testing.TB, c *cache.Cache, b *relations.BelongsTo[S, T], src S) T {
	t.Helper()
	owner, ok, err := b.Get(context.Background(), src)
	if err != nil || !ok {
		t.Fatalf("Get(%+v) = %+v, %v, %v; want an owner", src, owner, ok, err)
	}
	c.Wait()
	if got, st := b.Cached(src); st != relations.Found {
		t.Fatalf("Cached(%+v) after Get and Wait = %+v, %v; want found", src, got, st)
	}
	return owner
}

// mustInsert inserts v through tbl and returns its key.
func mustInsert[T any, K comparable](t testing.TB, f *fixture, tbl *memstore.Table[T, K], v T) K {
	t.Helper()
	var k K
	f.update(t, func(tx *memstore.Tx) error {
		var err error
		k, err = tbl.Insert(tx, v)
		return err
	})
	return k
}

// stored returns the stored row with key k, and whether there is one.
func stored[T any, K comparable](t testing.TB, f *fixture, tbl *memstore.Table[T, K], k K) (T, bool) {
	t.Helper()
	var v T
	err := f.store.View(context.Background(), func(tx *memstore.Tx) error {
		var err error
		v, err = tbl.Get(tx, k)
		return err
	})
	if errors.Is(err, memstore.ErrNotFound) {
		return v, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return v, true
}

// TestContext checks that every accessor call honours a cancelled context
// and refuses a nil one, and that a refused write writes nothing.
func TestContext(t *testing.T) {
	f := newFixture(t, cache.Config{})
	f.seed(t)
	tk := Ticket{ID: mustInsert(t, f, f.tickets, Ticket{Title: "t"})}
	profile := must(relations.NewHasOne[Customer, Profile](f.store, "customer"))(t)
	cat := Category{ID: "c"}
	mustInsert(t, f, f.categories, cat)
	before, err := f.store.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"Get", func(ctx context.Context) error { _, _, err := f.customer.Get(ctx, f.order(t, 1)); return err }},
		{"Get of a shadow foreign key", func(ctx context.Context) error { _, _, err := f.assignee.Get(ctx, tk); return err }},
		{"Fetch", func(ctx context.Context) error {
			_, _, err := mustWait(t, f.customer.Fetch(ctx, f.order(t, 1)))
			return err
		}},
		{"Set", func(ctx context.Context) error { o := f.order(t, 1); return f.customer.Set(ctx, &o, &bob) }},
		{"Set of a shadow foreign key", func(ctx context.Context) error { return f.assignee.Set(ctx, &tk, &bob) }},
		{"ByKey", func(ctx context.Context) error { _, _, err := f.customer.ByKey(ctx, int64(1)); return err }},
		{"Include", func(ctx context.Context) error { _, err := f.customer.Include(ctx, []Order{f.order(t, 1)}); return err }},
		{"Include of a shadow foreign key", func(ctx context.Context) error { _, err := f.assignee.Include(ctx, []Ticket{tk}); return err }},
		{"HasMany.List", func(ctx context.Context) error { _, err := f.orders.List(ctx, ann); return err }},
		{"HasMany.All", func(ctx context.Context) error { _, err := f.orders.All(ctx, ann); return err }},
		{"HasMany.Count", func(ctx context.Context) error { _, err := f.orders.Count(ctx, ann); return err }},
		{"HasMany.Create", func(ctx context.Context) error { return f.orders.Create(ctx, ann, &Order{Note: "x"}) }},
		{"HasMany.Update", func(ctx context.Context) error {
			return f.orders.Update(ctx, ann, Order{ID: 1, CustomerID: 1, Note: "x"})
		}},
		{"HasMany.Delete", func(ctx context.Context) error { return f.orders.Delete(ctx, ann, Order{ID: 1}) }},
		{"HasMany.Include", func(ctx context.Context) error { _, err := f.orders.Include(ctx, []Customer{ann}); return err }},
		{"HasOne.Get", func(ctx context.Context) error { _, _, err := profile.Get(ctx, ann); return err }},
		{"HasOne.Create", func(ctx context.Context) error { return profile.Create(ctx, ann, &Profile{}) }},
		{"Tree.Parent", func(ctx context.Context) error {
			_, _, err := f.tree.Parent(ctx, Category{ID: "d", ParentID: ptr("c")})
			return err
		}},
		{"Tree.Children", func(ctx context.Context) error { _, err := f.tree.Children(ctx, cat); return err }},
		{"Tree.Ancestors", func(ctx context.Context) error {
			_, err := f.tree.Ancestors(ctx, Category{ID: "d", ParentID: ptr("c")})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cancelled, cancel := context.WithCancel(context.Background())
			cancel()
			if err := tc.call(cancelled); !errors.Is(err, context.Canceled) {
				t.Errorf("with a cancelled context: error = %v, want context.Canceled", err)
			}
			//lint:ignore SA1012 testing bad input
			if err := tc.call(nil); !errors.Is(err, memstore.ErrInvalid) { //nolint:staticcheck
				t.Errorf("with a nil context: error = %v, want ErrInvalid", err)
			}
			if diff := cmp.Diff(f.dump(t, before), f.dump(t, f.store)); diff != "" {
				t.Errorf("the store changed (-before +after):\n%s", diff)
			}
		})
	}
}

func TestWriteWaitsForTheWriterLock(t *testing.T) {
	f := newFixture(t, cache.Config{})
	f.seed(t)
	held, release, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		done <- f.store.Update(context.Background(), func(*memstore.Tx) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	for _, tc := range []struct {
		name  string
		write func(ctx context.Context) error
	}{
		{"Set", func(ctx context.Context) error { o := f.order(t, 1); return f.customer.Set(ctx, &o, &bob) }},
		{"HasMany.Create", func(ctx context.Context) error { return f.orders.Create(ctx, ann, &Order{}) }},
		{"HasMany.Delete", func(ctx context.Context) error { return f.orders.Delete(ctx, ann, Order{ID: 1}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			if err := tc.write(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%s while another writer holds the lock: error = %v, want context.DeadlineExceeded", tc.name, err)
			}
		})
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if o := f.order(t, 1); o.CustomerID != 1 {
		t.Errorf("order 1 after the refused writes = %+v, want it unchanged", o)
	}
}

// viewer is a Store or a Snapshot.
type viewer interface {
	View(ctx context.Context, fn func(tx *memstore.Tx) error) error
}

// dump returns the orders, the profiles and Bob's tickets that v holds.
func (f *fixture) dump(t testing.TB, v viewer) map[string]any {
	t.Helper()
	out := map[string]any{}
	err := v.View(context.Background(), func(tx *memstore.Tx) error {
		orders, err := f.ordersT.Scan(tx)
		if err != nil {
			return err
		}
		profiles, err := must(memstore.TableOf[Profile, int64](f.store))(t).Scan(tx)
		if err != nil {
			return err
		}
		bobs, err := f.tickets.ByFK(tx, "assignee", int64(2))
		if err != nil {
			return err
		}
		out["orders"] = collect(orders)
		out["profiles"] = collect(profiles)
		out["Bob's tickets"] = collect(bobs)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func collect[K comparable, V any](seq iter.Seq2[K, V]) []V {
	var out []V
	for _, v := range seq {
		out = append(out, v)
	}
	return out
}
