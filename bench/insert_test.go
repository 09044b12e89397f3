package bench

import (
	"context"
	"testing"
)

// BenchmarkInsert inserts one order per transaction into a store holding the
// 10,000 customers, the foreign key checked by each system. After all
// 100,000 orders the store is reset to customers only, with the timer
// stopped.
func BenchmarkInsert(b *testing.B) {
	w := newWorkload()
	ctx := context.Background()
	b.Run("relstore", func(b *testing.B) {
		b.ReportAllocs()
		r := loadRelstore(b, w, withCache, false)
		i := 0
		for b.Loop() {
			if i == nOrders {
				b.StopTimer()
				r.reset(b)
				i = 0
				b.StartTimer()
			}
			if err := r.insert(ctx, w.orders[i]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("memdb", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMemdb(b, w, false)
		i := 0
		for b.Loop() {
			if i == nOrders {
				b.StopTimer()
				m = loadMemdb(b, w, false)
				i = 0
				b.StartTimer()
			}
			if err := m.insert(w.orders[i]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("sqlite", func(b *testing.B) {
		b.ReportAllocs()
		s := loadSQLite(b, w, false)
		i := 0
		for b.Loop() {
			if i == nOrders {
				b.StopTimer()
				s.reset(b)
				i = 0
				b.StartTimer()
			}
			if err := s.insert(ctx, w.orders[i]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMap(b, w, false)
		i := 0
		for b.Loop() {
			if i == nOrders {
				b.StopTimer()
				m = loadMap(b, w, false)
				i = 0
				b.StartTimer()
			}
			if err := m.insert(w.orders[i]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkInsertBatch inserts batchRows (1,000) orders per transaction; an
// op is one transaction, and ns/row is ns/op divided by 1,000.
func BenchmarkInsertBatch(b *testing.B) {
	w := newWorkload()
	ctx := context.Background()
	const batches = nOrders / batchRows
	batch := func(i int) []Order { return w.orders[i*batchRows : (i+1)*batchRows] }
	perRow := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batchRows), "ns/row")
	}
	b.Run("relstore", func(b *testing.B) {
		b.ReportAllocs()
		r := loadRelstore(b, w, withCache, false)
		i := 0
		for b.Loop() {
			if i == batches {
				b.StopTimer()
				r.reset(b)
				i = 0
				b.StartTimer()
			}
			if err := r.insertBatch(ctx, batch(i)); err != nil {
				b.Fatal(err)
			}
			i++
		}
		perRow(b)
	})
	b.Run("memdb", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMemdb(b, w, false)
		i := 0
		for b.Loop() {
			if i == batches {
				b.StopTimer()
				m = loadMemdb(b, w, false)
				i = 0
				b.StartTimer()
			}
			if err := m.insertBatch(batch(i)); err != nil {
				b.Fatal(err)
			}
			i++
		}
		perRow(b)
	})
	b.Run("sqlite", func(b *testing.B) {
		b.ReportAllocs()
		s := loadSQLite(b, w, false)
		i := 0
		for b.Loop() {
			if i == batches {
				b.StopTimer()
				s.reset(b)
				i = 0
				b.StartTimer()
			}
			if err := s.insertBatch(ctx, batch(i)); err != nil {
				b.Fatal(err)
			}
			i++
		}
		perRow(b)
	})
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMap(b, w, false)
		i := 0
		for b.Loop() {
			if i == batches {
				b.StopTimer()
				m = loadMap(b, w, false)
				i = 0
				b.StartTimer()
			}
			if err := m.insertBatch(batch(i)); err != nil {
				b.Fatal(err)
			}
			i++
		}
		perRow(b)
	})
}
