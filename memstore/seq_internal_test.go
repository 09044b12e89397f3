package memstore

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"weak"
)

// Blob is a row whose record block is large.
type Blob struct {
	ID   int64
	Data [1 << 20]byte
}

// TestLargestKeyDoesNotPinItsRow: the bound of the largest key inserted
// (see Tx.aboveMax) keeps a copy of the key, not a slice of the record: a
// deleted or rolled-back row with the largest key is collectable.
func TestLargestKeyDoesNotPinItsRow(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name string
		// gone makes row 2 the largest key ever inserted and drops it;
		// it returns a weak pointer to its record.
		gone func(s *Store, blobs *Table[Blob, int64]) (weak.Pointer[record], error)
	}{
		{"deleted", func(s *Store, blobs *Table[Blob, int64]) (weak.Pointer[record], error) {
			err := s.Update(context.Background(), func(tx *Tx) error { _, err := blobs.Insert(tx, Blob{ID: 2}); return err })
			if err != nil {
				return weak.Pointer[record]{}, err
			}
			wp := weak.Make(first(s.cur.Load().read, blobs.m, blobs.m.pk, blobs.m.pk.codec.appendInt(nil, 2)))
			return wp, s.Update(context.Background(), func(tx *Tx) error { return blobs.Delete(tx, 2) })
		}},
		{"rolled back", func(s *Store, blobs *Table[Blob, int64]) (wp weak.Pointer[record], err error) {
			err = s.Update(context.Background(), func(tx *Tx) error {
				if _, err := blobs.Insert(tx, Blob{ID: 2}); err != nil {
					return err
				}
				wp = weak.Make(tx.lookup(blobs.m, blobs.m.pk, blobs.m.pk.codec.appendInt(nil, 2)))
				return boom
			})
			if errors.Is(err, boom) {
				err = nil
			}
			return wp, err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(Config{Models: []Model{ModelOf[Blob]()}})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			blobs, err := TableOf[Blob, int64](s)
			if err != nil {
				t.Fatal(err)
			}
			err = s.Update(context.Background(), func(tx *Tx) error { _, err := blobs.Insert(tx, Blob{ID: 1}); return err })
			if err != nil {
				t.Fatal(err)
			}
			wp, err := tt.gone(s, blobs)
			if err != nil {
				t.Fatal(err)
			}
			if wp.Value() == nil {
				t.Fatal("no record to watch")
			}
			runtime.GC()
			runtime.GC()
			if wp.Value() != nil {
				t.Errorf("the %s row's record is still reachable after GC", tt.name)
			}
			// The bound still works: a smaller key is looked up, a larger
			// one is not a duplicate.
			err = s.Update(context.Background(), func(tx *Tx) error { _, err := blobs.Insert(tx, Blob{ID: 1}); return err })
			if !errors.Is(err, ErrUnique) {
				t.Errorf("Insert(1) again = %v, want ErrUnique", err)
			}
			err = s.Update(context.Background(), func(tx *Tx) error { _, err := blobs.Insert(tx, Blob{ID: 3}); return err })
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
