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

// waitLong bounds every wait that should end at once: a deadlock fails the
// test instead of hanging it.
const waitLong = 10 * time.Second

// settle is how long a test lets another goroutine reach a blocking call it
// cannot observe (waiting for the writer lock).
const settle = 20 * time.Millisecond

// txOp is one operation on an open transaction.
type txOp struct {
	name  string
	write bool
	fn    func(ts *testStore, tx *memstore.Tx) error
}

// txOps lists every Tx and Table method, on rows seedTx writes.
var txOps = []txOp{
	{"Table.Insert", true, func(ts *testStore, tx *memstore.Tx) error {
		_, err := ts.customers.Insert(tx, Customer{Email: "new@x"})
		return err
	}},
	{"Table.Update", true, func(ts *testStore, tx *memstore.Tx) error {
		return ts.customers.Update(tx, Customer{ID: 1, Email: "a@x", Name: "changed"})
	}},
	{"Table.UpdateKey", true, func(ts *testStore, tx *memstore.Tx) error {
		return ts.customers.UpdateKey(tx, 1, Customer{ID: 1, Email: "a@x", Name: "changed"})
	}},
	{"Table.Upsert", true, func(ts *testStore, tx *memstore.Tx) error {
		_, err := ts.customers.Upsert(tx, Customer{ID: 1, Email: "a@x", Name: "changed"})
		return err
	}},
	{"Table.Delete", true, func(ts *testStore, tx *memstore.Tx) error { return ts.customers.Delete(tx, 1) }},
	{"Tx.Insert", true, func(ts *testStore, tx *memstore.Tx) error { return tx.Insert(&Customer{Email: "new@x"}) }},
	{"Tx.Update", true, func(ts *testStore, tx *memstore.Tx) error { return tx.Update(Customer{ID: 1, Email: "a@x"}) }},
	{"Tx.Delete", true, func(ts *testStore, tx *memstore.Tx) error { return tx.Delete(Customer{ID: 1}) }},
	{"Table.Get", false, func(ts *testStore, tx *memstore.Tx) error {
		_, err := ts.customers.Get(tx, 1)
		return err
	}},
	{"Table.Lookup", false, func(ts *testStore, tx *memstore.Tx) error {
		_, err := ts.customers.Lookup(tx, "Email", "a@x")
		return err
	}},
	{"Table.Count", false, func(ts *testStore, tx *memstore.Tx) error {
		_, err := ts.customers.Count(tx)
		return err
	}},
	{"Table.Scan", false, func(ts *testStore, tx *memstore.Tx) error {
		_, err := ts.customers.Scan(tx)
		return err
	}},
	{"Table.Range", false, func(ts *testStore, tx *memstore.Tx) error {
		_, err := ts.customers.Range(tx, 1, 9)
		return err
	}},
	{"Table.ByFK", false, func(ts *testStore, tx *memstore.Tx) error {
		_, err := ts.orders.ByFK(tx, "customer", int64(1))
		return err
	}},
}

// seedTx writes customer 1 (a@x) with order 1.
func seedTx(ts *testStore, tx *memstore.Tx) error {
	if _, err := ts.customers.Insert(tx, Customer{Email: "a@x"}); err != nil {
		return err
	}
	_, err := ts.orders.Insert(tx, Order{CustomerID: 1})
	return err
}

func newSeededStore(t testing.TB) *testStore {
	t.Helper()
	ts := newTestStore(t)
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error { return seedTx(ts, tx) })
	return ts
}

func timeoutCtx(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	t.Cleanup(cancel)
	return ctx
}

func TestUpdateRollback(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		fn      func(ts *testStore, tx *memstore.Tx) error
		wantErr error
	}{
		{
			name: "function returns an error",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				if err := seedTx(ts, tx); err != nil {
					return err
				}
				return boom
			},
			wantErr: boom,
		},
		{
			name: "first failed write, function returns nil",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				if err := seedTx(ts, tx); err != nil {
					return err
				}
				_, err := ts.orders.Insert(tx, Order{CustomerID: 9}) // fails
				if !errors.Is(err, memstore.ErrForeignKey) {
					return fmt.Errorf("first insert = %v, want ErrForeignKey", err)
				}
				// Later operations, even valid ones, are refused.
				_, err = ts.customers.Insert(tx, Customer{Email: "b@x"})
				if !errors.Is(err, memstore.ErrTxAborted) {
					return fmt.Errorf("second insert = %v, want ErrTxAborted", err)
				}
				return nil
			},
			wantErr: memstore.ErrForeignKey,
		},
		{
			name: "first failed write, function returns the first error",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				if err := seedTx(ts, tx); err != nil {
					return err
				}
				_, err := ts.customers.Insert(tx, Customer{Email: "a@x"})
				return err
			},
			wantErr: memstore.ErrUnique,
		},
		{
			name: "context cancelled during the function",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				return seedTx(ts, tx)
			},
			wantErr: context.Canceled,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestStore(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			err := ts.Update(ctx, func(tx *memstore.Tx) error {
				err := tt.fn(ts, tx)
				if tt.wantErr == context.Canceled {
					cancel()
				}
				return err
			})
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Update = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(testDump{}, ts.dump(t)); diff != "" {
				t.Errorf("rolled-back Update wrote (-want +got):\n%s", diff)
			}
			// The rollback consumed no auto key.
			var id int64
			mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
				var err error
				id, err = ts.customers.Insert(tx, Customer{Email: "a@x"})
				return err
			})
			if id != 1 {
				t.Errorf("Insert after a rollback = %d, want 1", id)
			}
		})
	}
}

func TestUpdatePanic(t *testing.T) {
	ts := newTestStore(t)
	boom := errors.New("boom")
	var got any
	func() {
		defer func() { got = recover() }()
		ts.Update(context.Background(), func(tx *memstore.Tx) error {
			if err := seedTx(ts, tx); err != nil {
				return err
			}
			panic(boom)
		})
	}()
	if got != boom {
		t.Fatalf("recovered %v, want the panic value %v", got, boom)
	}
	if diff := cmp.Diff(testDump{}, ts.dump(t)); diff != "" {
		t.Errorf("panicking Update wrote (-want +got):\n%s", diff)
	}
	// The writer lock was released: the next Update proceeds at once.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := ts.Update(ctx, func(tx *memstore.Tx) error { return seedTx(ts, tx) }); err != nil {
		t.Fatalf("Update after a panic = %v, want nil", err)
	}
	if got := ts.dump(t).Customers; len(got) != 1 || got[0].ID != 1 {
		t.Errorf("customers after a panic and an Update = %v, want customer 1", got)
	}
}

func TestTxAborted(t *testing.T) {
	for _, op := range txOps {
		t.Run(op.name, func(t *testing.T) {
			ts := newSeededStore(t)
			before := ts.dump(t)
			var opErr error
			err := ts.Update(context.Background(), func(tx *memstore.Tx) error {
				_, _ = ts.orders.Insert(tx, Order{CustomerID: 9}) // aborts the transaction
				opErr = op.fn(ts, tx)
				return nil
			})
			if !errors.Is(opErr, memstore.ErrTxAborted) {
				t.Errorf("%s after a failed write = %v, want ErrTxAborted", op.name, opErr)
			}
			if !errors.Is(err, memstore.ErrForeignKey) {
				t.Errorf("Update = %v, want the first error (ErrForeignKey)", err)
			}
			if diff := cmp.Diff(before, ts.dump(t)); diff != "" {
				t.Errorf("aborted Update wrote (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("a read miss does not abort", func(t *testing.T) {
		ts := newSeededStore(t)
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
			if _, err := ts.customers.Get(tx, 7); !errors.Is(err, memstore.ErrNotFound) {
				t.Errorf("Get(7) = %v, want ErrNotFound", err)
			}
			if _, err := ts.customers.Lookup(tx, "Email", "zz@x"); !errors.Is(err, memstore.ErrNotFound) {
				t.Errorf("Lookup(zz@x) = %v, want ErrNotFound", err)
			}
			_, err := ts.customers.Insert(tx, Customer{Email: "b@x"})
			return err
		})
		if n := len(ts.dump(t).Customers); n != 2 {
			t.Errorf("customers = %d, want 2", n)
		}
	})
}

func TestReadOnly(t *testing.T) {
	for _, op := range txOps {
		if !op.write {
			continue
		}
		t.Run(op.name, func(t *testing.T) {
			ts := newSeededStore(t)
			before := ts.dump(t)
			var opErr error
			err := ts.View(context.Background(), func(tx *memstore.Tx) error {
				opErr = op.fn(ts, tx)
				// A refused write does not end the read transaction.
				_, err := ts.customers.Get(tx, 1)
				return err
			})
			if err != nil {
				t.Errorf("View = %v, want nil", err)
			}
			if !errors.Is(opErr, memstore.ErrReadOnly) {
				t.Errorf("%s in View = %v, want ErrReadOnly", op.name, opErr)
			}
			if diff := cmp.Diff(before, ts.dump(t)); diff != "" {
				t.Errorf("write in View changed the store (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTxDone(t *testing.T) {
	for _, op := range txOps {
		t.Run(op.name, func(t *testing.T) {
			ts := newSeededStore(t)
			var updateTx, viewTx *memstore.Tx
			mustUpdate(t, ts.Store, func(tx *memstore.Tx) error { updateTx = tx; return nil })
			mustView(t, ts.Store, func(tx *memstore.Tx) error { viewTx = tx; return nil })
			before := ts.dump(t)
			for name, tx := range map[string]*memstore.Tx{"Update": updateTx, "View": viewTx} {
				if err := op.fn(ts, tx); !errors.Is(err, memstore.ErrTxDone) {
					t.Errorf("%s on the Tx of a finished %s = %v, want ErrTxDone", op.name, name, err)
				}
			}
			if diff := cmp.Diff(before, ts.dump(t)); diff != "" {
				t.Errorf("finished Tx changed the store (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNilTx(t *testing.T) {
	for _, op := range txOps {
		t.Run(op.name, func(t *testing.T) {
			ts := newSeededStore(t)
			if err := op.fn(ts, nil); !errors.Is(err, memstore.ErrInvalid) {
				t.Errorf("%s(nil Tx) = %v, want ErrInvalid", op.name, err)
			}
		})
	}
}

func TestNested(t *testing.T) {
	tests := []struct {
		name string
		call func(ts *testStore, snap *memstore.Snapshot) error
	}{
		{"Update", func(ts *testStore, _ *memstore.Snapshot) error {
			return ts.Update(context.Background(), func(*memstore.Tx) error { return nil })
		}},
		{"Restore", func(ts *testStore, snap *memstore.Snapshot) error { return ts.Restore(context.Background(), snap) }},
		{"Close", func(ts *testStore, _ *memstore.Snapshot) error { return ts.Close() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestStore(t)
			snap, err := ts.Snapshot()
			if err != nil {
				t.Fatalf("Snapshot: %v", err)
			}
			done := make(chan error, 1)
			var nested error
			go func() {
				done <- ts.Update(context.Background(), func(tx *memstore.Tx) error {
					if err := seedTx(ts, tx); err != nil {
						return err
					}
					nested = tt.call(ts, snap)
					return nil
				})
			}()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("outer Update = %v, want nil", err)
				}
			case <-time.After(waitLong):
				t.Fatalf("nested %s deadlocked", tt.name)
			}
			if !errors.Is(nested, memstore.ErrNested) {
				t.Errorf("%s inside Update = %v, want ErrNested", tt.name, nested)
			}
			// The outer transaction committed normally.
			if n := len(ts.dump(t).Orders); n != 1 {
				t.Errorf("orders after the outer Update = %d, want 1", n)
			}
		})
	}
}

// atDepth calls fn from n frames deeper than its caller.
//
//go:noinline
func atDepth(n int, fn func() error) error {
	if n == 0 {
		return fn()
	}
	return atDepth(n-1, fn)
}

// TestNestedAtAnyDepth: the nested-call guard sees the Update function's
// frame however deep the nested call is made (it read 64 frames).
func TestNestedAtAnyDepth(t *testing.T) {
	calls := []struct {
		name string
		call func(ts *testStore, snap *memstore.Snapshot) error
	}{
		{"Update", func(ts *testStore, _ *memstore.Snapshot) error {
			return ts.Update(context.Background(), func(*memstore.Tx) error { return nil })
		}},
		{"Restore", func(ts *testStore, snap *memstore.Snapshot) error { return ts.Restore(context.Background(), snap) }},
		{"Close", func(ts *testStore, _ *memstore.Snapshot) error { return ts.Close() }},
	}
	for _, depth := range []int{0, 60, 5000} {
		for _, c := range calls {
			t.Run(fmt.Sprintf("%s %d frames deep", c.name, depth), func(t *testing.T) {
				ts := newTestStore(t)
				snap, err := ts.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				var nested error
				go func() {
					done <- ts.Update(context.Background(), func(*memstore.Tx) error {
						nested = atDepth(depth, func() error { return c.call(ts, snap) })
						return nil
					})
				}()
				select {
				case err := <-done:
					if err != nil {
						t.Fatalf("outer Update = %v, want nil", err)
					}
				case <-time.After(waitLong):
					t.Fatalf("nested %s %d frames deep deadlocked", c.name, depth)
				}
				if !errors.Is(nested, memstore.ErrNested) {
					t.Errorf("%s inside Update = %v, want ErrNested", c.name, nested)
				}
			})
		}
	}
}

// TestTxFromTwoGoroutines: two goroutines that use one Update's Tx at once
// get errors, or the transaction commits a consistent store; never a
// broken unique index. Both insert the same emails, so a lost unique check
// shows as a duplicate.
func TestTxFromTwoGoroutines(t *testing.T) {
	ts := newTestStore(t)
	empty, err := ts.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	const runs, rows = 100, 20
	misuse := 0
	for run := range runs {
		if err := ts.Restore(context.Background(), empty); err != nil {
			t.Fatal(err)
		}
		var errs [2][]error
		err := ts.Update(context.Background(), func(tx *memstore.Tx) error {
			start := make(chan struct{})
			var wg sync.WaitGroup
			for g := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					for i := range rows {
						_, err := ts.customers.Insert(tx, Customer{Email: fmt.Sprint(i)})
						errs[g] = append(errs[g], err)
					}
				}()
			}
			close(start)
			wg.Wait()
			return nil
		})
		for _, e := range append(errs[0], errs[1]...) {
			if e != nil && !errors.Is(e, memstore.ErrInvalid) && !errors.Is(e, memstore.ErrUnique) && !errors.Is(e, memstore.ErrTxAborted) {
				t.Errorf("run %d: Insert = %v, want nil, ErrInvalid, ErrUnique or ErrTxAborted", run, e)
			}
			if errors.Is(e, memstore.ErrInvalid) {
				misuse++
				if err == nil {
					t.Errorf("run %d: Update = nil after an Insert was refused as concurrent use (%v); want it rolled back", run, e)
				}
			}
		}
		mustView(t, ts.Store, func(tx *memstore.Tx) error {
			if err := tx.CheckIntegrity(); err != nil {
				t.Fatalf("run %d: Update returned %v; CheckIntegrity: %v", run, err, err)
			}
			return nil
		})
	}
	t.Logf("%d Inserts refused as concurrent use of one Tx in %d runs", misuse, runs)
}

func TestViewInsideUpdate(t *testing.T) {
	ts := newSeededStore(t)
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
		if err := ts.customers.Delete(tx, 1); err != nil {
			return err
		}
		// A View is not nested: it reads the last commit, not this
		// transaction's writes.
		return ts.View(context.Background(), func(vtx *memstore.Tx) error {
			if _, err := ts.customers.Get(vtx, 1); err != nil {
				t.Errorf("Get(1) in a View inside Update = %v, want the committed row", err)
			}
			return nil
		})
	})
}

func TestScanInWriteTxReadsSnapshot(t *testing.T) {
	ts := newSeededStore(t)
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
		rows, err := ts.customers.Scan(tx)
		if err != nil {
			return err
		}
		var seen []int64
		for k := range rows {
			seen = append(seen, k)
			// Writes while iterating are not seen by this iterator.
			if _, err := ts.customers.Insert(tx, Customer{ID: k + 10, Email: fmt.Sprint(k + 10)}); err != nil {
				return err
			}
		}
		if want := []int64{1}; !cmp.Equal(seen, want) {
			t.Errorf("Scan keys = %v, want %v", seen, want)
		}
		// A new Scan sees them.
		rows, err = ts.customers.Scan(tx)
		if err != nil {
			return err
		}
		if got, want := collectKeys(rows), []int64{1, 11}; !cmp.Equal(got, want) {
			t.Errorf("second Scan keys = %v, want %v", got, want)
		}
		return nil
	})
}
