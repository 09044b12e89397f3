package bench

import (
	"context"
	"testing"
)

// BenchmarkInclude resolves the owners of includeRows (1,000) orders in hand
// at once (~950 distinct customers), aligned with the orders; ns/order is
// ns/op divided by 1,000. relstore-cold starts every call with nothing
// current in the owner cache (a Restore of the loaded state, timer stopped,
// moves the cache's epoch), so it reads one store snapshot and offers every
// owner to the cache; relstore-warm finds every owner cached. memdb and the
// map look each owner up in one read transaction / under one read lock;
// SQLite runs one prepared "WHERE id IN (1,000 parameters)" query.
func BenchmarkInclude(b *testing.B) {
	w := newWorkload()
	batches := w.includeBatches()
	ctx := context.Background()
	perOrder := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*includeRows), "ns/order")
	}
	check := func(b *testing.B, os []Order, owners []*Customer, err error) {
		if err != nil || len(owners) != len(os) || owners[0] == nil || owners[0].ID != os[0].CustomerID {
			b.Fatalf("include: %d owners, %v", len(owners), err)
		}
	}
	b.Run("relstore-cold", func(b *testing.B) {
		b.ReportAllocs()
		r := loadRelstore(b, w, withCache, true)
		full, err := r.store.Snapshot()
		if err != nil {
			b.Fatal(err)
		}
		i := 0
		for b.Loop() {
			b.StopTimer()
			if err := r.store.Restore(ctx, full); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			os := batches[i%len(batches)]
			owners, err := r.customer.Include(ctx, os)
			check(b, os, owners, err)
			i++
		}
		perOrder(b)
	})
	b.Run("relstore-warm", func(b *testing.B) {
		b.ReportAllocs()
		r := loadRelstore(b, w, withCache, true)
		r.warm(b, w)
		i := 0
		for b.Loop() {
			os := batches[i%len(batches)]
			owners, err := r.customer.Include(ctx, os)
			check(b, os, owners, err)
			i++
		}
		perOrder(b)
	})
	b.Run("memdb", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMemdb(b, w, true)
		i := 0
		for b.Loop() {
			os := batches[i%len(batches)]
			owners, err := m.include(os)
			check(b, os, owners, err)
			i++
		}
		perOrder(b)
	})
	b.Run("sqlite", func(b *testing.B) {
		b.ReportAllocs()
		s := loadSQLite(b, w, true)
		args := make([]any, includeRows)
		i := 0
		for b.Loop() {
			os := batches[i%len(batches)]
			owners, err := s.includeOwners(ctx, os, args)
			check(b, os, owners, err)
			i++
		}
		perOrder(b)
	})
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMap(b, w, true)
		i := 0
		for b.Loop() {
			os := batches[i%len(batches)]
			owners, err := m.include(os)
			check(b, os, owners, err)
			i++
		}
		perOrder(b)
	})
}
