package memstore_test

import (
	"context"
	"errors"
	"iter"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relstore/relstore/internal/relcore"
	"github.com/relstore/relstore/memstore"
)

// TestSequenceAfterItsTransaction: a sequence made in an Update yields
// nothing once the Update has returned, committed or rolled back, even one
// already started (iter.Pull); a sequence made in a View reads the View's
// snapshot, which stays valid after the View.
func TestSequenceAfterItsTransaction(t *testing.T) {
	seqs := []struct {
		name string
		make func(ts *testStore, rel *relcore.Rel[Order, Customer], tx *memstore.Tx) (iter.Seq[int64], error)
	}{
		{"Table.Scan", func(ts *testStore, _ *relcore.Rel[Order, Customer], tx *memstore.Tx) (iter.Seq[int64], error) {
			seq, err := ts.orders.Scan(tx)
			return keysOf(seq), err
		}},
		{"Table.Range", func(ts *testStore, _ *relcore.Rel[Order, Customer], tx *memstore.Tx) (iter.Seq[int64], error) {
			seq, err := ts.orders.Range(tx, 1, 99)
			return keysOf(seq), err
		}},
		{"Table.ByFK", func(ts *testStore, _ *relcore.Rel[Order, Customer], tx *memstore.Tx) (iter.Seq[int64], error) {
			seq, err := ts.orders.ByFK(tx, "customer", int64(1))
			return keysOf(seq), err
		}},
		{"Rel.Children", func(_ *testStore, rel *relcore.Rel[Order, Customer], tx *memstore.Tx) (iter.Seq[int64], error) {
			seq, err := rel.Children(tx, []byte{0x80, 0, 0, 0, 0, 0, 0, 1})
			if err != nil {
				return nil, err
			}
			return func(yield func(int64) bool) {
				for o := range seq {
					if !yield(o.ID) {
						return
					}
				}
			}, nil
		}},
	}
	boom := errors.New("boom")
	txs := []struct {
		name string
		// run makes a sequence in a transaction that has written order 2
		// (an Update) or sees order 1 only (a View).
		run  func(ts *testStore, fn func(tx *memstore.Tx) error) error
		want []int64 // what the sequence yields after its transaction
	}{
		{"committed Update", func(ts *testStore, fn func(tx *memstore.Tx) error) error {
			return ts.Update(context.Background(), func(tx *memstore.Tx) error {
				if _, err := ts.orders.Insert(tx, Order{CustomerID: 1}); err != nil {
					return err
				}
				return fn(tx)
			})
		}, nil},
		{"rolled back Update", func(ts *testStore, fn func(tx *memstore.Tx) error) error {
			err := ts.Update(context.Background(), func(tx *memstore.Tx) error {
				if _, err := ts.orders.Insert(tx, Order{CustomerID: 1}); err != nil {
					return err
				}
				if err := fn(tx); err != nil {
					return err
				}
				return boom
			})
			if errors.Is(err, boom) {
				return nil
			}
			return err
		}, nil},
		{"View", func(ts *testStore, fn func(tx *memstore.Tx) error) error {
			return ts.View(context.Background(), fn)
		}, []int64{1}},
	}
	for _, sq := range seqs {
		for _, tt := range txs {
			t.Run(sq.name+" of a "+tt.name, func(t *testing.T) {
				ts := newSeededStore(t)
				rel := must(relcore.RelationOf[Order, Customer](ts.Store, "customer"))(t)
				var seq iter.Seq[int64]
				var next func() (int64, bool)
				var first []int64
				err := tt.run(ts, func(tx *memstore.Tx) error {
					var err error
					if seq, err = sq.make(ts, rel, tx); err != nil {
						return err
					}
					pulled, _ := sq.make(ts, rel, tx)
					var stop func()
					next, stop = iter.Pull(pulled)
					t.Cleanup(stop)
					if k, ok := next(); ok {
						first = append(first, k)
					}
					return nil
				})
				if err != nil {
					t.Fatalf("transaction = %v", err)
				}
				if len(first) != 1 {
					t.Errorf("first key pulled inside the transaction = %v, want one key", first)
				}
				var got []int64
				for k := range seq {
					got = append(got, k)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("keys yielded after the transaction (-want +got):\n%s", diff)
				}
				var rest []int64
				for k, ok := next(); ok; k, ok = next() {
					rest = append(rest, k)
				}
				if want := tt.want[min(1, len(tt.want)):]; !cmp.Equal(want, rest, cmpEmpty) {
					t.Errorf("keys pulled after the transaction = %v, want %v", rest, want)
				}
			})
		}
	}
}

// cmpEmpty makes nil and empty slices equal.
var cmpEmpty = cmp.Comparer(func(a, b []int64) bool { return len(a) == 0 && len(b) == 0 || cmp.Equal(a, b) })

// keysOf returns the keys of a Table sequence.
func keysOf[T any](seq iter.Seq2[int64, T]) iter.Seq[int64] {
	if seq == nil {
		return nil
	}
	return func(yield func(int64) bool) {
		for k := range seq {
			if !yield(k) {
				return
			}
		}
	}
}
