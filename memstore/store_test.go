package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/relstore/relstore/memstore"
)

// After a nested Close was refused with ErrNested, the store must still be
// closable.
func TestCloseAfterNestedClose(t *testing.T) {
	ts := newTestStore(t)
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
		if err := ts.Close(); !errors.Is(err, memstore.ErrNested) {
			t.Errorf("Close inside Update = %v, want ErrNested", err)
		}
		return nil
	})
	if err := ts.Close(); err != nil {
		t.Errorf("Close after the nested Close = %v, want nil", err)
	}
	err := ts.Update(context.Background(), func(*memstore.Tx) error { return nil })
	if !errors.Is(err, memstore.ErrClosed) {
		t.Errorf("Update after Close = %v, want ErrClosed", err)
	}
}

func TestBadArguments(t *testing.T) {
	ts := newTestStore(t)
	var nilCtx context.Context
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	snap, err := ts.Snapshot()
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	noop := func(*memstore.Tx) error { return nil }
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"Update with a nil context", func() error { return ts.Update(nilCtx, noop) }, memstore.ErrInvalid},
		{"Update with a nil function", func() error { return ts.Update(context.Background(), nil) }, memstore.ErrInvalid},
		{"Update with a cancelled context", func() error { return ts.Update(cancelled, noop) }, context.Canceled},
		{"View with a nil context", func() error { return ts.View(nilCtx, noop) }, memstore.ErrInvalid},
		{"View with a nil function", func() error { return ts.View(context.Background(), nil) }, memstore.ErrInvalid},
		{"View with a cancelled context", func() error { return ts.View(cancelled, noop) }, context.Canceled},
		{"Restore with a nil context", func() error { return ts.Restore(nilCtx, snap) }, memstore.ErrInvalid},
		{"Restore with a cancelled context", func() error { return ts.Restore(cancelled, snap) }, context.Canceled},
		{"Restore of nil", func() error { return ts.Restore(context.Background(), nil) }, memstore.ErrInvalid},
		{"Restore of a zero Snapshot", func() error { return ts.Restore(context.Background(), &memstore.Snapshot{}) }, memstore.ErrInvalid},
		{"Restore of another store's snapshot", func() error {
			other := newTestStore(t)
			osnap, err := other.Snapshot()
			if err != nil {
				return err
			}
			return ts.Restore(context.Background(), osnap)
		}, memstore.ErrInvalid},
		{"Snapshot.View with a nil context", func() error { return snap.View(nilCtx, noop) }, memstore.ErrInvalid},
		{"Snapshot.View with a nil function", func() error { return snap.View(context.Background(), nil) }, memstore.ErrInvalid},
		{"Snapshot.View with a cancelled context", func() error { return snap.View(cancelled, noop) }, context.Canceled},
		{"Snapshot.View of nil", func() error { return (*memstore.Snapshot)(nil).View(context.Background(), noop) }, memstore.ErrInvalid},
		{"TableOf of a nil store", func() error {
			_, err := memstore.TableOf[Customer, int64](nil)
			return err
		}, memstore.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
	// Nothing above broke the store.
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error { return seedTx(ts, tx) })
}

// holdWriter runs an Update in another goroutine that holds the writer lock
// until the returned release is called; release waits for it to end.
func holdWriter(t testing.TB, s *memstore.Store) (release func() error) {
	t.Helper()
	started, unblock := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.Update(context.Background(), func(*memstore.Tx) error {
			close(started)
			<-unblock
			return nil
		})
	}()
	<-started
	var once sync.Once
	var err error
	release = func() error {
		once.Do(func() {
			close(unblock)
			select {
			case err = <-done:
			case <-time.After(waitLong):
				err = errors.New("holder did not finish")
			}
		})
		return err
	}
	t.Cleanup(func() { release() })
	return release
}

func TestWaitForWriter(t *testing.T) {
	tests := []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		call func(ts *testStore, ctx context.Context, snap *memstore.Snapshot) error
		want error
	}{
		{"Update until its deadline", deadline, update, context.DeadlineExceeded},
		{"Update until cancelled", cancelLater, update, context.Canceled},
		{"Restore until its deadline", deadline, restore, context.DeadlineExceeded},
		{"Restore until cancelled", cancelLater, restore, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestStore(t)
			snap, err := ts.Snapshot()
			if err != nil {
				t.Fatalf("Snapshot: %v", err)
			}
			release := holdWriter(t, ts.Store)
			ctx, cancel := tt.ctx()
			defer cancel()
			start := time.Now()
			if err := tt.call(ts, ctx, snap); !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
			if d := time.Since(start); d > waitLong/2 {
				t.Errorf("gave up after %v", d)
			}
			// Readers are never blocked by the writer.
			mustView(t, ts.Store, func(tx *memstore.Tx) error {
				_, err := ts.customers.Count(tx)
				return err
			})
			if err := release(); err != nil {
				t.Fatalf("holder: %v", err)
			}
			// The lock is free again.
			mustUpdate(t, ts.Store, func(tx *memstore.Tx) error { return seedTx(ts, tx) })
		})
	}
}

func deadline() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 50*time.Millisecond)
}

func cancelLater() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	return ctx, cancel
}

func update(ts *testStore, ctx context.Context, _ *memstore.Snapshot) error {
	return ts.Update(ctx, func(tx *memstore.Tx) error { return seedTx(ts, tx) })
}

func restore(ts *testStore, ctx context.Context, snap *memstore.Snapshot) error {
	return ts.Restore(ctx, snap)
}

func TestClose(t *testing.T) {
	ts := newSeededStore(t)
	snap, err := ts.Snapshot()
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	if err := ts.Close(); err != nil {
		t.Fatalf("Close = %v, want nil", err)
	}
	noop := func(*memstore.Tx) error { return nil }
	tests := []struct {
		name string
		call func() error
	}{
		{"Update", func() error { return ts.Update(context.Background(), noop) }},
		{"View", func() error { return ts.View(context.Background(), noop) }},
		{"Snapshot", func() error {
			s, err := ts.Snapshot()
			if s != nil {
				return errors.New("Snapshot returned a snapshot")
			}
			return err
		}},
		{"Restore", func() error { return ts.Restore(context.Background(), snap) }},
		{"second Close", func() error { return ts.Close() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, memstore.ErrClosed) {
				t.Errorf("%s after Close = %v, want ErrClosed", tt.name, err)
			}
		})
	}
}

func TestCloseWaitsForUpdate(t *testing.T) {
	ts := newTestStore(t)
	release := holdWriter(t, ts.Store)
	closed := make(chan error, 1)
	go func() { closed <- ts.Close() }()
	select {
	case err := <-closed:
		t.Fatalf("Close returned %v while an Update was running", err)
	case <-time.After(settle):
	}
	if err := release(); err != nil {
		t.Errorf("running Update = %v, want nil: it finishes normally", err)
	}
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close = %v, want nil", err)
		}
	case <-time.After(waitLong):
		t.Fatal("Close did not return after the Update finished")
	}
}

// A caller waiting for the writer lock when Close runs gets ErrClosed, even
// though the lock frees up when the running Update ends.
func TestCloseWakesWaiters(t *testing.T) {
	for i := range 20 {
		ts := newTestStore(t)
		release := holdWriter(t, ts.Store)
		waiter := make(chan error, 1)
		go func() {
			waiter <- ts.Update(context.Background(), func(tx *memstore.Tx) error { return seedTx(ts, tx) })
		}()
		time.Sleep(settle) // the waiter blocks on the lock
		closed := make(chan error, 1)
		go func() { closed <- ts.Close() }()
		time.Sleep(settle) // Close blocks on the lock
		if err := release(); err != nil {
			t.Fatalf("holder: %v", err)
		}
		select {
		case err := <-waiter:
			if !errors.Is(err, memstore.ErrClosed) {
				t.Errorf("run %d: waiting Update = %v, want ErrClosed", i, err)
			}
		case <-time.After(waitLong):
			t.Fatal("waiting Update never returned")
		}
		if err := <-closed; err != nil {
			t.Errorf("run %d: Close = %v, want nil", i, err)
		}
	}
}

func TestSnapshotRestore(t *testing.T) {
	ts := newSeededStore(t)
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
		if _, err := ts.categories.Insert(tx, Category{ID: "books", Tags: []string{"paper"}}); err != nil {
			return err
		}
		_, err := ts.categories.Insert(tx, Category{ID: "poetry", ParentID: ptr("books")})
		return err
	})
	snap, err := ts.Snapshot()
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	want := ts.dump(t)
	// Writes after the snapshot: inserts with auto keys, updates, deletes.
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
		for range 3 {
			if _, err := ts.customers.Insert(tx, Customer{Email: fmt.Sprint(time.Now().UnixNano())}); err != nil {
				return err
			}
		}
		if err := ts.categories.Delete(tx, "books"); err != nil {
			return err
		}
		return ts.customers.Update(tx, Customer{ID: 1, Email: "changed@x"})
	})
	// The snapshot still reads its own rows.
	err = snap.View(context.Background(), func(tx *memstore.Tx) error {
		got, err := ts.customers.Get(tx, 1)
		if err != nil {
			return err
		}
		if got.Email != "a@x" {
			t.Errorf("Snapshot.View: Get(1).Email = %q, want %q", got.Email, "a@x")
		}
		n, err := ts.customers.Count(tx)
		if n != 1 {
			t.Errorf("Snapshot.View: Count() = %d, want 1", n)
		}
		if _, werr := ts.customers.Insert(tx, Customer{Email: "z@x"}); !errors.Is(werr, memstore.ErrReadOnly) {
			t.Errorf("Snapshot.View: Insert = %v, want ErrReadOnly", werr)
		}
		return err
	})
	if err != nil {
		t.Fatalf("Snapshot.View: %v", err)
	}
	for i := range 2 { // a snapshot can be restored more than once
		if err := ts.Restore(context.Background(), snap); err != nil {
			t.Fatalf("Restore #%d: %v", i+1, err)
		}
		if diff := cmp.Diff(want, ts.dump(t)); diff != "" {
			t.Errorf("after Restore #%d (-want +got):\n%s", i+1, diff)
		}
		// Auto keys restart from the snapshot's counter: 2 again.
		var id int64
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
			var err error
			id, err = ts.customers.Insert(tx, Customer{Email: "next@x"})
			return err
		})
		if id != 2 {
			t.Errorf("Insert after Restore #%d = %d, want 2", i+1, id)
		}
	}
}

func TestViewIsolation(t *testing.T) {
	ts := newSeededStore(t)
	opened, committed := make(chan struct{}), make(chan struct{})
	viewDone := make(chan error, 1)
	go func() {
		viewDone <- ts.View(context.Background(), func(tx *memstore.Tx) error {
			close(opened)
			<-committed
			// The write below committed after this View began.
			got, err := ts.customers.Get(tx, 1)
			if err != nil {
				return err
			}
			if got.Name != "" {
				t.Errorf("Get(1).Name = %q in a View opened before the write, want %q", got.Name, "")
			}
			if n, _ := ts.orders.Count(tx); n != 1 {
				t.Errorf("Count() = %d in a View opened before the write, want 1", n)
			}
			return nil
		})
	}()
	<-opened
	// The open View does not block the writer.
	ctx := timeoutCtx(t)
	err := ts.Update(ctx, func(tx *memstore.Tx) error {
		if err := ts.customers.Update(tx, Customer{ID: 1, Email: "a@x", Name: "Ann"}); err != nil {
			return err
		}
		_, err := ts.orders.Insert(tx, Order{CustomerID: 1})
		return err
	})
	if err != nil {
		t.Fatalf("Update while a View is open = %v", err)
	}
	close(committed)
	if err := <-viewDone; err != nil {
		t.Fatalf("View: %v", err)
	}
}

func TestConcurrentUpdatesAndViews(t *testing.T) {
	const workers, perWorker = 8, 100
	ts := newTestStore(t)
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
		for w := range workers {
			if _, err := ts.customers.Insert(tx, Customer{Email: fmt.Sprint(w)}); err != nil {
				return err
			}
		}
		return nil
	})
	ctx := timeoutCtx(t)
	var wg sync.WaitGroup
	errs := make(chan error, 2*workers)
	for w := range workers {
		customer := int64(w + 1)
		wg.Add(2)
		go func() { // writer: one order per Update, every third one rolled back
			defer wg.Done()
			for i := range perWorker {
				err := ts.Update(ctx, func(tx *memstore.Tx) error {
					if _, err := ts.orders.Insert(tx, Order{CustomerID: customer, Note: fmt.Sprint(i)}); err != nil {
						return err
					}
					if i%3 == 2 {
						return errRollback
					}
					return nil
				})
				if err != nil && !errors.Is(err, errRollback) {
					errs <- err
					return
				}
			}
		}()
		go func() { // reader: every order's customer exists; counts only grow
			defer wg.Done()
			last := 0
			for range perWorker {
				err := ts.View(ctx, func(tx *memstore.Tx) error {
					rows, err := ts.orders.Scan(tx)
					if err != nil {
						return err
					}
					n := 0
					for _, o := range rows {
						n++
						if _, err := ts.customers.Get(tx, o.CustomerID); err != nil {
							return fmt.Errorf("order %d: customer: %w", o.ID, err)
						}
					}
					if c, _ := ts.orders.Count(tx); c != n {
						return fmt.Errorf("Count() = %d, Scan saw %d", c, n)
					}
					if n < last {
						return fmt.Errorf("orders went from %d to %d", last, n)
					}
					last = n
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	committed := perWorker - perWorker/3
	mustView(t, ts.Store, func(tx *memstore.Tx) error {
		if n, err := ts.orders.Count(tx); err != nil || n != workers*committed {
			t.Errorf("Count() = %d, %v, want %d", n, err, workers*committed)
		}
		for w := range workers {
			rows, err := ts.orders.ByFK(tx, "customer", int64(w+1))
			if err != nil {
				return err
			}
			if n := len(collectKeys(rows)); n != committed {
				t.Errorf("ByFK(customer, %d) = %d rows, want %d", w+1, n, committed)
			}
		}
		// Rolled-back inserts consumed no keys: keys are 1..n.
		rows, err := ts.orders.Scan(tx)
		if err != nil {
			return err
		}
		keys := collectKeys(rows)
		if len(keys) > 0 && keys[len(keys)-1] != int64(len(keys)) {
			t.Errorf("largest order key = %d with %d orders, want them equal", keys[len(keys)-1], len(keys))
		}
		return nil
	})
}

var errRollback = errors.New("roll back")

// recorder is an Invalidator that records what the store tells it.
type recorder struct {
	mu     sync.Mutex
	events []string
	begin  [][]uint64
	end    [][]uint64
	// seen is called in BeginCommit and EndCommit to observe the store.
	seen func(phase string)
}

func (r *recorder) BeginCommit(keys []uint64) {
	r.mu.Lock()
	r.events = append(r.events, "begin commit")
	r.begin = append(r.begin, append([]uint64(nil), keys...))
	r.mu.Unlock()
	if r.seen != nil {
		r.seen("begin")
	}
}

func (r *recorder) EndCommit(keys []uint64) {
	r.mu.Lock()
	r.events = append(r.events, "end commit")
	r.end = append(r.end, append([]uint64(nil), keys...))
	r.mu.Unlock()
	if r.seen != nil {
		r.seen("end")
	}
}

func (r *recorder) BeginReset() {
	r.mu.Lock()
	r.events = append(r.events, "begin reset")
	r.mu.Unlock()
}

func (r *recorder) EndReset() { r.mu.Lock(); r.events = append(r.events, "end reset"); r.mu.Unlock() }

func (r *recorder) take() (events []string, begin, end [][]uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	events, begin, end = r.events, r.begin, r.end
	r.events, r.begin, r.end = nil, nil, nil
	return events, begin, end
}

func TestInvalidator(t *testing.T) {
	rec := &recorder{}
	s, err := memstore.New(memstore.Config{Models: testModels(), Cache: rec})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer s.Close()
	customers := mustTable[Customer, int64](t, s)
	orders := mustTable[Order, int64](t, s)

	// BeginCommit runs before the commit is visible, EndCommit after.
	// (View takes no lock, so reading from the callback is safe here.)
	var visible []string
	rec.seen = func(phase string) {
		s.View(context.Background(), func(tx *memstore.Tx) error {
			n, _ := customers.Count(tx)
			visible = append(visible, fmt.Sprintf("%s: %d customers", phase, n))
			return nil
		})
	}
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	tests := []struct {
		name       string
		fn         func(tx *memstore.Tx) error
		restore    bool
		wantEvents []string
		wantKeys   int // hashes per commit: primary keys and unique values, before and after
	}{
		{
			name: "insert",
			fn: func(tx *memstore.Tx) error {
				_, err := customers.Insert(tx, Customer{Email: "a@x"})
				return err
			},
			wantEvents: []string{"begin commit", "end commit"},
			wantKeys:   2, // ID and Email
		},
		{
			name:       "update of a unique field",
			fn:         func(tx *memstore.Tx) error { return customers.Update(tx, Customer{ID: 1, Email: "b@x"}) },
			wantEvents: []string{"begin commit", "end commit"},
			wantKeys:   4, // before and after
		},
		{
			name: "cascading delete",
			fn: func(tx *memstore.Tx) error {
				if _, err := orders.Insert(tx, Order{CustomerID: 1}); err != nil {
					return err
				}
				return customers.Delete(tx, 1)
			},
			wantEvents: []string{"begin commit", "end commit"},
			wantKeys:   2 + 2, // the order twice (insert, delete), the customer's ID and Email
		},
		{
			name: "rolled back",
			fn: func(tx *memstore.Tx) error {
				if _, err := customers.Insert(tx, Customer{Email: "c@x"}); err != nil {
					return err
				}
				return errRollback
			},
		},
		{
			name: "aborted by a failed write",
			fn: func(tx *memstore.Tx) error {
				customers.Insert(tx, Customer{Email: "c@x"})
				orders.Insert(tx, Order{CustomerID: 99})
				return nil
			},
		},
		{
			name: "read only",
			fn: func(tx *memstore.Tx) error {
				_, err := customers.Count(tx)
				return err
			},
		},
		{
			name:       "restore",
			restore:    true,
			wantEvents: []string{"begin reset", "end reset"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			visible = nil
			if tt.restore {
				if err := s.Restore(context.Background(), snap); err != nil {
					t.Fatalf("Restore: %v", err)
				}
			} else {
				s.Update(context.Background(), tt.fn)
			}
			events, begin, end := rec.take()
			if diff := cmp.Diff(tt.wantEvents, events); diff != "" {
				t.Errorf("events mismatch (-want +got):\n%s", diff)
			}
			if tt.wantKeys == 0 {
				return
			}
			if len(begin) != 1 || len(begin[0]) != tt.wantKeys {
				t.Errorf("BeginCommit keys = %v, want one call with %d keys", begin, tt.wantKeys)
			}
			if diff := cmp.Diff(begin, end); diff != "" {
				t.Errorf("EndCommit keys differ from BeginCommit's (-begin +end):\n%s", diff)
			}
			if len(visible) != 2 || visible[0] == visible[1] {
				t.Errorf("store seen from the callbacks: %q, want the commit invisible in begin and visible in end", visible)
			}
		})
	}
}
