package bench

import (
	"context"
	"testing"

	"github.com/dgraph-io/ristretto/v2"
	"github.com/relstore/relstore/relations"
)

// BenchmarkOwner resolves the customer of an order in hand without any
// cache: relstore's BelongsTo.Get with the cache disabled
// (cache.Config{Disabled: true}), so every call reads a store snapshot.
func BenchmarkOwner(b *testing.B) {
	w := newWorkload()
	ctx := context.Background()
	b.Run("relstore", func(b *testing.B) {
		b.ReportAllocs()
		r := loadRelstore(b, w, cacheOff, true)
		i := 0
		for b.Loop() {
			if _, _, err := r.customer.Get(ctx, w.order(i)); err != nil {
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
			o := w.order(i)
			if _, err := m.owner(&o); err != nil {
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
			o := w.order(i)
			if _, err := s.owner(ctx, &o); err != nil {
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
			o := w.order(i)
			if _, err := m.owner(&o); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkOwnerCached resolves the customer of an order in hand when it is
// cached: relstore's Cached and Get with every customer in the owner cache,
// a bare ristretto Get (the floor for a cache hit) and the Go map. miss/op
// must be 0.
func BenchmarkOwnerCached(b *testing.B) {
	w := newWorkload()
	ctx := context.Background()
	r := once(b, func(tb testing.TB) *relstoreSys {
		r := loadRelstore(tb, w, withCache, true)
		r.warm(tb, w)
		return r
	})
	b.Run("relstore-Cached", func(b *testing.B) {
		b.ReportAllocs()
		r := r(b)
		i, misses := 0, 0
		for b.Loop() {
			if _, st := r.customer.Cached(w.order(i)); st != relations.Found {
				misses++
			}
			i++
		}
		b.ReportMetric(float64(misses)/float64(b.N), "miss/op")
	})
	b.Run("relstore-Get", func(b *testing.B) {
		b.ReportAllocs()
		r := r(b)
		i := 0
		for b.Loop() {
			if _, _, err := r.customer.Get(ctx, w.order(i)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("ristretto", func(b *testing.B) {
		b.ReportAllocs()
		rc := loadRistretto(b, w)
		i, misses := 0, 0
		for b.Loop() {
			o := w.order(i)
			if _, ok := rc.Get(o.CustomerID); !ok {
				misses++
			}
			i++
		}
		b.ReportMetric(float64(misses)/float64(b.N), "miss/op")
	})
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMap(b, w, true)
		i := 0
		for b.Loop() {
			o := w.order(i)
			if _, err := m.owner(&o); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkOwnerParallel is BenchmarkOwnerCached on every P at once
// (RunParallel), plus memdb's lock-free uncached read. SQLite is left out: a
// ":memory:" database is one connection, so its readers would queue.
func BenchmarkOwnerParallel(b *testing.B) {
	w := newWorkload()
	ctx := context.Background()
	r := once(b, func(tb testing.TB) *relstoreSys {
		r := loadRelstore(tb, w, withCache, true)
		r.warm(tb, w)
		return r
	})
	m := once(b, func(tb testing.TB) *memdbSys { return loadMemdb(tb, w, true) })
	rc := once(b, func(tb testing.TB) *ristretto.Cache[int64, Customer] { return loadRistretto(tb, w) })
	mp := once(b, func(tb testing.TB) *mapSys { return loadMap(tb, w, true) })
	// Each goroutine starts at its own place in the sequence.
	parallel := func(b *testing.B, f func(i int)) {
		next := make(chan int, 1)
		next <- 0
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			i := <-next
			next <- i + 7919
			for pb.Next() {
				f(i)
				i++
			}
		})
	}
	b.Run("relstore-Cached", func(b *testing.B) {
		b.ReportAllocs()
		r := r(b)
		parallel(b, func(i int) {
			if _, st := r.customer.Cached(w.order(i)); st != relations.Found {
				b.Error("not cached")
			}
		})
	})
	b.Run("relstore-Get", func(b *testing.B) {
		b.ReportAllocs()
		r := r(b)
		parallel(b, func(i int) {
			if _, _, err := r.customer.Get(ctx, w.order(i)); err != nil {
				b.Error(err)
			}
		})
	})
	b.Run("memdb", func(b *testing.B) {
		b.ReportAllocs()
		m := m(b)
		parallel(b, func(i int) {
			o := w.order(i)
			if _, err := m.owner(&o); err != nil {
				b.Error(err)
			}
		})
	})
	b.Run("ristretto", func(b *testing.B) {
		b.ReportAllocs()
		rc := rc(b)
		parallel(b, func(i int) {
			o := w.order(i)
			rc.Get(o.CustomerID)
		})
	})
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		m := mp(b)
		parallel(b, func(i int) {
			o := w.order(i)
			if _, err := m.owner(&o); err != nil {
				b.Error(err)
			}
		})
	})
}
