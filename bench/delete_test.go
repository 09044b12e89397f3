package bench

import (
	"context"
	"errors"
	"testing"

	"github.com/relstore/relstore/memstore"
)

// BenchmarkDeleteRestrict tries to delete a customer that orders reference
// (restrict): every system must refuse, and nothing changes.
func BenchmarkDeleteRestrict(b *testing.B) {
	w := newWorkload()
	ctx := context.Background()
	b.Run("relstore", func(b *testing.B) {
		b.ReportAllocs()
		r := loadRelstore(b, w, withCache, true)
		i := 0
		for b.Loop() {
			if err := r.deleteCustomer(ctx, w.customerSeq[i&seqMask]); !errors.Is(err, memstore.ErrForeignKey) {
				b.Fatalf("delete: %v, want ErrForeignKey", err)
			}
			i++
		}
	})
	b.Run("memdb", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMemdb(b, w, true)
		i := 0
		for b.Loop() {
			if err := m.deleteCustomer(w.customerSeq[i&seqMask]); err != errFK {
				b.Fatalf("delete: %v, want errFK", err)
			}
			i++
		}
	})
	b.Run("sqlite", func(b *testing.B) {
		b.ReportAllocs()
		s := loadSQLite(b, w, true)
		i := 0
		for b.Loop() {
			if err := s.deleteCustomer(ctx, w.customerSeq[i&seqMask]); err == nil {
				b.Fatal("delete: nil error, want a FOREIGN KEY constraint failure")
			}
			i++
		}
	})
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMap(b, w, true)
		i := 0
		for b.Loop() {
			if err := m.deleteCustomer(w.customerSeq[i&seqMask]); err != errFK {
				b.Fatalf("delete: %v, want errFK", err)
			}
			i++
		}
	})
}
