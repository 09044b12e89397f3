package bench

import (
	"testing"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/storetest"
)

// BenchmarkOpen measures what opening and closing costs, the fixed price of
// a store per test: memstore.New + Close of the bench's two models (the
// baseline, "memstore"), cache.New + Close of a default cache
// ("relstore-cache"), and storetest.New with its cleanups (a store with a
// default cache and a snapshot: "relstore-storetest").
func BenchmarkOpen(b *testing.B) {
	models := []memstore.Model{memstore.ModelOf[Customer](), memstore.ModelOf[Order]()}
	b.Run("memstore", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s, err := memstore.New(memstore.Config{Models: models})
			if err != nil {
				b.Fatal(err)
			}
			s.Close()
		}
	})
	b.Run("relstore-cache", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c, err := cache.New(cache.Config{})
			if err != nil {
				b.Fatal(err)
			}
			c.Close()
		}
	})
	b.Run("relstore-storetest", func(b *testing.B) {
		b.ReportAllocs()
		t := &iterTB{TB: b}
		for b.Loop() {
			storetest.New(t, models...)
			t.done()
		}
	})
}
