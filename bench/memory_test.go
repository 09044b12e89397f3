package bench

import (
	"runtime"
	"testing"

	"modernc.org/libc"
)

// BenchmarkMemory loads the workload (110,000 rows) into a fresh system and
// reports the live heap it added, per row (B/row): runtime.MemStats.HeapAlloc
// after two GCs, minus the same before loading. The workload is built inside
// the measured window and dropped before the second reading, so the row
// strings a system keeps count once, and what it copies counts as its own.
// relstore is measured without an owner cache (its rows and indexes; the
// cache's fixed cost is its Config). SQLite's pages live outside the Go heap,
// in modernc.org/libc's allocator, whose byte count exists only when built
// with -tags memory.counters (run.sh passes it); without the tag sqlite's
// B/row counts the Go heap only and is reported as 0 extra.
//
// ns/op, B/op and allocs/op of this benchmark are the cost of loading, not a
// target; run it with -benchtime=1x.
func BenchmarkMemory(b *testing.B) {
	const rows = nCustomers + nOrders
	measure := func(b *testing.B, load func(tb testing.TB, w *workload) any) {
		b.ReportAllocs()
		total := 0.0
		for b.Loop() {
			total += loadedBytes(b, load)
		}
		b.ReportMetric(total/float64(b.N)/rows, "B/row")
	}
	b.Run("relstore", func(b *testing.B) {
		measure(b, func(tb testing.TB, w *workload) any { return loadRelstore(tb, w, noCacheAtAll, true) })
	})
	b.Run("memdb", func(b *testing.B) {
		measure(b, func(tb testing.TB, w *workload) any { return loadMemdb(tb, w, true) })
	})
	b.Run("sqlite", func(b *testing.B) {
		measure(b, func(tb testing.TB, w *workload) any { return loadSQLite(tb, w, true) })
	})
	b.Run("map", func(b *testing.B) {
		measure(b, func(tb testing.TB, w *workload) any { return loadMap(tb, w, true) })
	})
}

// loadedBytes returns the bytes a freshly loaded system holds: Go heap plus
// modernc.org/libc's (SQLite's) allocator.
func loadedBytes(tb testing.TB, load func(tb testing.TB, w *workload) any) float64 {
	heap0, ext0 := liveBytes()
	sys := load(tb, newWorkload())
	heap1, ext1 := liveBytes()
	runtime.KeepAlive(sys)
	return float64(heap1-heap0) + float64(ext1-ext0)
}

func liveBytes() (heap, ext int64) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc), int64(libc.MemStat().Bytes)
}
