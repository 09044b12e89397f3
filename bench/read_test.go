package bench

import (
	"context"
	"testing"
)

// BenchmarkGet reads an order by id, following the lookup sequence.
func BenchmarkGet(b *testing.B) {
	w := newWorkload()
	ctx := context.Background()
	b.Run("relstore", func(b *testing.B) {
		b.ReportAllocs()
		r := loadRelstore(b, w, withCache, true)
		i := 0
		for b.Loop() {
			if _, err := r.get(ctx, w.orderSeq[i&seqMask]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("memdb", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMemdb(b, w, true)
		i := 0
		for b.Loop() {
			if _, err := m.get(w.orderSeq[i&seqMask]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("sqlite", func(b *testing.B) {
		b.ReportAllocs()
		s := loadSQLite(b, w, true)
		i := 0
		for b.Loop() {
			if _, err := s.get(ctx, w.orderSeq[i&seqMask]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMap(b, w, true)
		i := 0
		for b.Loop() {
			if _, err := m.get(w.orderSeq[i&seqMask]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkOwnerByID resolves an order id to its customer (LoopBack 4's
// orderRepository.customer(orderId)): relstore's BelongsTo.ByKey, which reads
// both rows from one snapshot and does not use the cache; SQLite joins.
func BenchmarkOwnerByID(b *testing.B) {
	w := newWorkload()
	ctx := context.Background()
	b.Run("relstore", func(b *testing.B) {
		b.ReportAllocs()
		r := loadRelstore(b, w, withCache, true)
		i := 0
		for b.Loop() {
			if _, _, err := r.customer.ByKey(ctx, w.orderSeq[i&seqMask]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("memdb", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMemdb(b, w, true)
		i := 0
		for b.Loop() {
			if _, err := m.ownerByID(w.orderSeq[i&seqMask]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("sqlite", func(b *testing.B) {
		b.ReportAllocs()
		s := loadSQLite(b, w, true)
		i := 0
		for b.Loop() {
			if _, err := s.ownerByIDQuery(ctx, w.orderSeq[i&seqMask]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMap(b, w, true)
		i := 0
		for b.Loop() {
			if _, err := m.ownerByID(w.orderSeq[i&seqMask]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkChildren lists a customer's orders (~10; every customer of the
// sequence has at least one) in id order, as a new slice of copies:
// relstore's HasMany.List, memdb's customer_id index, SQLite's index on
// orders(customer_id), the map's hand-kept index.
func BenchmarkChildren(b *testing.B) {
	w := newWorkload()
	ctx := context.Background()
	b.Run("relstore", func(b *testing.B) {
		b.ReportAllocs()
		r := loadRelstore(b, w, withCache, true)
		i := 0
		for b.Loop() {
			os, err := r.ordersOf.List(ctx, w.customer(i))
			if err != nil || len(os) == 0 {
				b.Fatal(len(os), err)
			}
			i++
		}
	})
	b.Run("memdb", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMemdb(b, w, true)
		i := 0
		for b.Loop() {
			os, err := m.children(w.customerSeq[i&seqMask], nil)
			if err != nil || len(os) == 0 {
				b.Fatal(len(os), err)
			}
			i++
		}
	})
	b.Run("sqlite", func(b *testing.B) {
		b.ReportAllocs()
		s := loadSQLite(b, w, true)
		i := 0
		for b.Loop() {
			os, err := s.childrenOf(ctx, w.customerSeq[i&seqMask], nil)
			if err != nil || len(os) == 0 {
				b.Fatal(len(os), err)
			}
			i++
		}
	})
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMap(b, w, true)
		i := 0
		for b.Loop() {
			if os := m.children(w.customerSeq[i&seqMask], nil); len(os) == 0 {
				b.Fatal("no children")
			}
			i++
		}
	})
}
