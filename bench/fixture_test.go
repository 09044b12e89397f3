package bench

import (
	"testing"

	"github.com/dgraph-io/ristretto/v2"
)

// cleanupOn reports errors to the running (sub-)benchmark but registers
// cleanups on owner, so that a system loaded once for a b.N-style benchmark
// (RunParallel re-runs its function for every N) outlives each run.
type cleanupOn struct {
	testing.TB
	owner testing.TB
}

func (c cleanupOn) Cleanup(f func()) { c.owner.Cleanup(f) }

// once returns a function that builds a value on its first call, with
// cleanups registered on owner, and returns the same value afterwards.
func once[T any](owner testing.TB, build func(tb testing.TB) T) func(tb testing.TB) T {
	var v T
	built := false
	return func(tb testing.TB) T {
		if !built {
			v, built = build(cleanupOn{TB: tb, owner: owner}), true
		}
		return v
	}
}

// loadRistretto returns a bare ristretto cache holding every customer, for
// the cache-hit floor.
func loadRistretto(tb testing.TB, w *workload) *ristretto.Cache[int64, Customer] {
	tb.Helper()
	rc, err := ristretto.NewCache(&ristretto.Config[int64, Customer]{
		NumCounters:        10 * nCustomers,
		MaxCost:            1 << 30,
		BufferItems:        64,
		IgnoreInternalCost: true,
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(rc.Close)
	for round := 0; ; round++ {
		missing := 0
		for _, c := range w.customers {
			if _, ok := rc.Get(c.ID); !ok {
				missing++
				rc.Set(c.ID, c, 1)
			}
		}
		rc.Wait()
		if missing == 0 {
			return rc
		}
		if round == 20 {
			tb.Fatalf("ristretto: %d customers still not cached", missing)
		}
	}
}
