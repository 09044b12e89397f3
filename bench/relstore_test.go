package bench

import (
	"context"
	"testing"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// cacheMode selects how a relstore system is configured.
type cacheMode int

const (
	withCache    cacheMode = iota // cache.New(cache.Config{}): the default a user gets
	cacheOff                      // cache.Config{Disabled: true}: every read goes to the store
	noCacheAtAll                  // Config.Cache nil (BenchmarkMemory: rows and indexes only)
)

// relstoreSys is relstore through its public API only.
type relstoreSys struct {
	store     *memstore.Store
	cache     *cache.Cache
	customers *memstore.Table[Customer, int64]
	orders    *memstore.Table[Order, int64]
	customer  *relations.BelongsTo[Order, Customer]
	ordersOf  *relations.HasMany[Customer, Order]
	base      *memstore.Snapshot // customers only, for BenchmarkInsert*'s resets
}

func newRelstore(tb testing.TB, mode cacheMode) *relstoreSys {
	tb.Helper()
	r := &relstoreSys{}
	cfg := memstore.Config{Models: []memstore.Model{memstore.ModelOf[Customer](), memstore.ModelOf[Order]()}}
	var err error
	switch mode {
	case withCache:
		r.cache, err = cache.New(cache.Config{})
	case cacheOff:
		r.cache, err = cache.New(cache.Config{Disabled: true})
	}
	if err != nil {
		tb.Fatal(err)
	}
	if r.cache != nil {
		cfg.Cache = r.cache
		tb.Cleanup(func() { r.cache.Close() })
	}
	if r.store, err = memstore.New(cfg); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.store.Close() })
	if r.customers, err = memstore.TableOf[Customer, int64](r.store); err != nil {
		tb.Fatal(err)
	}
	if r.orders, err = memstore.TableOf[Order, int64](r.store); err != nil {
		tb.Fatal(err)
	}
	if r.customer, err = relations.NewBelongsTo[Order, Customer](r.store, "customer"); err != nil {
		tb.Fatal(err)
	}
	if r.ordersOf, err = relations.NewHasMany[Customer, Order](r.store, "customer"); err != nil {
		tb.Fatal(err)
	}
	return r
}

// loadRelstore returns a relstore holding the customers and, if orders, the
// orders of w, loaded batchRows rows per transaction.
func loadRelstore(tb testing.TB, w *workload, mode cacheMode, orders bool) *relstoreSys {
	tb.Helper()
	r := newRelstore(tb, mode)
	ctx := context.Background()
	for lo := 0; lo < len(w.customers); lo += batchRows {
		err := r.store.Update(ctx, func(tx *memstore.Tx) error {
			for _, c := range w.customers[lo:min(lo+batchRows, len(w.customers))] {
				if _, err := r.customers.Insert(tx, c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	var err error
	if r.base, err = r.store.Snapshot(); err != nil {
		tb.Fatal(err)
	}
	if orders {
		for lo := 0; lo < len(w.orders); lo += batchRows {
			if err := r.insertBatch(ctx, w.orders[lo:lo+batchRows]); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return r
}

func (r *relstoreSys) insert(ctx context.Context, o Order) error {
	return r.store.Update(ctx, func(tx *memstore.Tx) error {
		_, err := r.orders.Insert(tx, o)
		return err
	})
}

func (r *relstoreSys) insertBatch(ctx context.Context, os []Order) error {
	return r.store.Update(ctx, func(tx *memstore.Tx) error {
		for _, o := range os {
			if _, err := r.orders.Insert(tx, o); err != nil {
				return err
			}
		}
		return nil
	})
}

// reset drops the orders: back to the customers-only snapshot.
func (r *relstoreSys) reset(tb testing.TB) {
	if err := r.store.Restore(context.Background(), r.base); err != nil {
		tb.Fatal(err)
	}
}

func (r *relstoreSys) get(ctx context.Context, id int64) (o Order, err error) {
	err = r.store.View(ctx, func(tx *memstore.Tx) error {
		o, err = r.orders.Get(tx, id)
		return err
	})
	return o, err
}

func (r *relstoreSys) deleteCustomer(ctx context.Context, id int64) error {
	return r.store.Update(ctx, func(tx *memstore.Tx) error { return r.customers.Delete(tx, id) })
}

// warm fills the owner cache with every customer and waits until Cached
// finds each of them (ristretto applies Sets asynchronously and may drop
// some under load, so it retries).
func (r *relstoreSys) warm(tb testing.TB, w *workload) {
	tb.Helper()
	ctx := context.Background()
	first := make(map[int64]Order, nCustomers) // one order per customer
	for _, o := range w.orders {
		if _, ok := first[o.CustomerID]; !ok {
			first[o.CustomerID] = o
		}
	}
	for round := 0; ; round++ {
		missing := 0
		for _, o := range first {
			if _, st := r.customer.Cached(o); st != relations.Found {
				missing++
				if _, _, err := r.customer.Get(ctx, o); err != nil {
					tb.Fatal(err)
				}
			}
		}
		r.cache.Wait()
		if missing == 0 {
			return
		}
		if round == 20 {
			tb.Fatalf("relstore: %d owners still not cached after %d rounds", missing, round)
		}
	}
}
