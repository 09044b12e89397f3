package relations_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// waitTimeout bounds every Wait in these tests: a Future that never completes
// fails the test instead of hanging it.
const waitTimeout = 5 * time.Second

// mustWait waits for fut at most waitTimeout.
func mustWait[T any](t testing.TB, fut *relations.Future[T]) (T, bool, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	v, ok, err := fut.Wait(ctx)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
		t.Fatalf("Wait did not return within %v", waitTimeout)
	}
	return v, ok, err
}

// isDone reports whether fut's Done channel is closed, without waiting.
func isDone[T any](fut *relations.Future[T]) bool {
	select {
	case <-fut.Done():
		return true
	default:
		return false
	}
}

func TestFetchEqualsGet(t *testing.T) {
	ctx := context.Background()
	for _, cfg := range []struct {
		name string
		cfg  cache.Config
	}{
		{"cache enabled", cache.Config{}},
		{"cache disabled", cache.Config{Disabled: true}},
	} {
		t.Run(cfg.name, func(t *testing.T) {
			f := newFixture(t, cfg.cfg)
			f.seed(t)
			mustInsert(t, f, f.invoices, Invoice{})
			for _, tc := range []struct {
				name  string
				get   func() (Customer, bool, error)
				fetch func() *relations.Future[Customer]
			}{
				{"an owned order", func() (Customer, bool, error) { return f.customer.Get(ctx, f.order(t, 3)) },
					func() *relations.Future[Customer] { return f.customer.Fetch(ctx, f.order(t, 3)) }},
				{"a dangling foreign key", func() (Customer, bool, error) { return f.customer.Get(ctx, Order{ID: 9, CustomerID: 42}) },
					func() *relations.Future[Customer] { return f.customer.Fetch(ctx, Order{ID: 9, CustomerID: 42}) }},
				{"a nil foreign key", func() (Customer, bool, error) { return f.payer.Get(ctx, Invoice{ID: 1}) },
					func() *relations.Future[Customer] { return f.payer.Fetch(ctx, Invoice{ID: 1}) }},
				{"a shadow foreign key of a ticket not stored", func() (Customer, bool, error) { return f.assignee.Get(ctx, Ticket{ID: 5}) },
					func() *relations.Future[Customer] { return f.assignee.Fetch(ctx, Ticket{ID: 5}) }},
			} {
				t.Run(tc.name, func(t *testing.T) {
					want, wantOK, wantErr := tc.get()
					got, ok, err := mustWait(t, tc.fetch())
					if diff := cmp.Diff(want, got); diff != "" || ok != wantOK || !sameError(err, wantErr) {
						t.Errorf("Fetch().Wait() = _, %v, %v; Get = _, %v, %v; owner (-want +got):\n%s", ok, err, wantOK, wantErr, diff)
					}
				})
			}
		})
	}
}

// sameError reports whether got and want are both nil, or match the same
// sentinel of the store.
func sameError(got, want error) bool {
	if (got == nil) != (want == nil) {
		return false
	}
	for _, s := range []error{memstore.ErrNotFound, memstore.ErrInvalid, context.Canceled} {
		if errors.Is(want, s) != errors.Is(got, s) {
			return false
		}
	}
	return true
}

func TestFetchCompletesAtOnce(t *testing.T) {
	ctx := context.Background()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for _, tc := range []struct {
		name    string
		cfg     cache.Config
		fetch   func(t *testing.T, f *fixture) *relations.Future[Customer]
		want    Customer
		wantOK  bool
		wantErr error
	}{
		{"a cached owner", cache.Config{}, func(t *testing.T, f *fixture) *relations.Future[Customer] {
			mustFill(t, f.cache, f.customer, f.order(t, 1))
			return f.customer.Fetch(ctx, f.order(t, 1))
		}, Customer{ID: 1, Name: "Ann", Email: "ann@x"}, true, nil},
		{"a nil foreign key", cache.Config{}, func(t *testing.T, f *fixture) *relations.Future[Customer] {
			return f.payer.Fetch(ctx, Invoice{ID: 1})
		}, Customer{}, false, nil},
		{"a nil foreign key with the cache disabled", cache.Config{Disabled: true}, func(t *testing.T, f *fixture) *relations.Future[Customer] {
			return f.payer.Fetch(ctx, Invoice{ID: 1})
		}, Customer{}, false, nil},
		{"a nil shadow foreign key", cache.Config{}, func(t *testing.T, f *fixture) *relations.Future[Customer] {
			id := mustInsert(t, f, f.tickets, Ticket{Title: "t"})
			return f.assignee.Fetch(ctx, Ticket{ID: id})
		}, Customer{}, false, nil},
		{"a nil shadow foreign key with the cache disabled", cache.Config{Disabled: true}, func(t *testing.T, f *fixture) *relations.Future[Customer] {
			id := mustInsert(t, f, f.tickets, Ticket{Title: "t"})
			return f.assignee.Fetch(ctx, Ticket{ID: id})
		}, Customer{}, false, nil},
		{"a cancelled context", cache.Config{Disabled: true}, func(t *testing.T, f *fixture) *relations.Future[Customer] {
			return f.customer.Fetch(cancelled, f.order(t, 1))
		}, Customer{}, false, context.Canceled},
		{"a cancelled context and a cached owner", cache.Config{}, func(t *testing.T, f *fixture) *relations.Future[Customer] {
			mustFill(t, f.cache, f.customer, f.order(t, 1))
			return f.customer.Fetch(cancelled, f.order(t, 1))
		}, Customer{}, false, context.Canceled},
		{"a nil context", cache.Config{}, func(t *testing.T, f *fixture) *relations.Future[Customer] {
			//lint:ignore SA1012 testing bad input
			return f.customer.Fetch(nil, f.order(t, 1)) //nolint:staticcheck
		}, Customer{}, false, memstore.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tc.cfg)
			f.seed(t)
			fut := tc.fetch(t, f)
			if !isDone(fut) {
				t.Fatal("Done is not closed when Fetch returns")
			}
			got, ok, err := mustWait(t, fut)
			if ok != tc.wantOK || !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
				t.Errorf("Wait() = _, %v, %v; want %v, %v", ok, err, tc.wantOK, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Wait() owner (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFetchCancelledMidway(t *testing.T) {
	// The cache is disabled so that every Fetch starts its goroutine and the
	// cancel races the lookup. Either outcome is right; a hang is not.
	f := newFixture(t, cache.Config{Disabled: true})
	f.seed(t)
	o := f.order(t, 1)
	ann := Customer{ID: 1, Name: "Ann", Email: "ann@x"}
	var owners, cancels int
	for i := range 200 {
		ctx, cancel := context.WithCancel(context.Background())
		fut := f.customer.Fetch(ctx, o)
		if i%2 == 1 {
			runtime.Gosched() // let some lookups finish before the cancel
		}
		cancel()
		got, ok, err := mustWait(t, fut)
		switch {
		case err == nil && ok && cmp.Equal(got, ann):
			owners++
		case errors.Is(err, context.Canceled) && !ok:
			cancels++
		default:
			t.Fatalf("Wait() after cancel = %+v, %v, %v; want Ann or context.Canceled", got, ok, err)
		}
	}
	t.Logf("after cancel: %d owners, %d cancellations", owners, cancels)
}

func TestFutureWait(t *testing.T) {
	t.Run("a context that ends first returns its error and a later Wait gets the result", func(t *testing.T) {
		fut, complete := relations.PendingFuture[Customer]()
		cancelled, cancel := context.WithCancel(context.Background())
		cancel()
		if _, ok, err := fut.Wait(cancelled); !errors.Is(err, context.Canceled) || ok {
			t.Errorf("Wait(cancelled) = _, %v, %v; want context.Canceled", ok, err)
		}
		short, cancel2 := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel2()
		if _, ok, err := fut.Wait(short); !errors.Is(err, context.DeadlineExceeded) || ok {
			t.Errorf("Wait(short timeout) = _, %v, %v; want context.DeadlineExceeded", ok, err)
		}
		if isDone(fut) {
			t.Fatal("Done closed before the result arrived")
		}
		want := Customer{ID: 7, Name: "Zed"}
		complete(want, true, nil)
		got, ok, err := mustWait(t, fut)
		if err != nil || !ok {
			t.Fatalf("Wait() after completion = _, %v, %v; want the owner", ok, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Wait() (-want +got):\n%s", diff)
		}
		// A finished context does not hide a result that is already there.
		if got, ok, err := fut.Wait(cancelled); err != nil || !ok || got.ID != 7 {
			t.Errorf("Wait(cancelled) on a complete Future = %+v, %v, %v; want the owner", got, ok, err)
		}
	})
	t.Run("a nil context is invalid", func(t *testing.T) {
		fut, complete := relations.PendingFuture[Customer]()
		complete(Customer{ID: 1}, true, nil)
		//lint:ignore SA1012 testing bad input
		if _, _, err := fut.Wait(nil); !errors.Is(err, memstore.ErrInvalid) { //nolint:staticcheck
			t.Errorf("Wait(nil) error = %v, want ErrInvalid", err)
		}
	})
	t.Run("an error result is delivered to every Wait", func(t *testing.T) {
		fut, complete := relations.PendingFuture[Customer]()
		complete(Customer{}, false, memstore.ErrNotFound)
		for i := range 2 {
			if _, ok, err := mustWait(t, fut); !errors.Is(err, memstore.ErrNotFound) || ok {
				t.Errorf("Wait #%d = _, %v, %v; want ErrNotFound", i, ok, err)
			}
		}
	})
}

func TestFutureManyWaiters(t *testing.T) {
	const waiters = 64
	ann := Customer{ID: 1, Name: "Ann", Email: "ann@x"}
	for _, tc := range []struct {
		name string
		make func(t *testing.T) (*relations.Future[Customer], func())
	}{
		{"a pending Future completed later", func(t *testing.T) (*relations.Future[Customer], func()) {
			fut, complete := relations.PendingFuture[Customer]()
			return fut, func() { complete(ann, true, nil) }
		}},
		{"a Fetch on a store without cache", func(t *testing.T) (*relations.Future[Customer], func()) {
			f := newFixture(t, cache.Config{Disabled: true})
			f.seed(t)
			return f.customer.Fetch(context.Background(), f.order(t, 1)), func() {}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fut, complete := tc.make(t)
			var wg sync.WaitGroup
			results := make(chan string, waiters)
			for range waiters {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
					defer cancel()
					got, ok, err := fut.Wait(ctx)
					if err != nil || !ok || !cmp.Equal(got, ann) {
						results <- cmp.Diff(ann, got) + " err: " + errString(err)
					}
				}()
			}
			complete()
			wg.Wait()
			close(results)
			for r := range results {
				t.Errorf("a waiter got another result (-want +got):\n%s", r)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// TestFetchLeaksNoGoroutine starts 10^5 lookups, waits for half of them and
// drops the other half, then checks that every goroutine Fetch started has
// ended. The cache is disabled, so each Fetch really starts one.
func TestFetchLeaksNoGoroutine(t *testing.T) {
	const n = 100_000
	ignore := goleak.IgnoreCurrent()
	f := newFixture(t, cache.Config{Disabled: true})
	f.seed(t)
	orders := []Order{f.order(t, 1), f.order(t, 2), f.order(t, 3)}
	wantIDs := []int64{1, 1, 2}
	baseline := runtime.NumGoroutine()
	start := time.Now()

	ctx := context.Background()
	waited := make([]*relations.Future[Customer], 0, n/2)
	for i := range n {
		fut := f.customer.Fetch(ctx, orders[i%3])
		if i%2 == 0 {
			waited = append(waited, fut)
		}
	}
	wctx, cancel := context.WithTimeout(ctx, waitTimeout) // one timer, not 50,000
	defer cancel()
	for i, fut := range waited {
		got, ok, err := fut.Wait(wctx)
		if want := wantIDs[(2*i)%3]; err != nil || !ok || got.ID != want {
			t.Fatalf("Fetch #%d = %+v, %v, %v; want customer %d", 2*i, got, ok, err, want)
		}
	}
	goleak.VerifyNone(t, ignore)
	deadline := time.Now().Add(waitTimeout)
	for runtime.NumGoroutine() > baseline && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > baseline {
		t.Errorf("runtime.NumGoroutine() = %d after the Fetches ended, want at most %d", g, baseline)
	}
	t.Logf("%d Fetch calls, half waited for: %v", n, time.Since(start))
}
