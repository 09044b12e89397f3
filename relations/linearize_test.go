package relations_test

import (
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/relstore/relstore/cache"
)

// Partitioning by group is sound. Writes never cross groups and
// every read observes one group, so groups are independent objects — except
// Restore, which the harness records once per group, each with its group's
// part of the snapshot and the same call and return times. A linearization
// of the whole history restricts to one of every partition, so an illegal
// partition is a real violation; checking the partitions separately lets
// each group place the Restore anywhere in its interval, which only relaxes
// cross-group ordering that no read here can observe.
//
// linCheck checks the history with porcupine, one partition per group,
// within timeout. Every group starts in
// the same state. Unknown (the search timed out) counts as a failure.
func linCheck(h []linOp, init linState, groups int, timeout time.Duration) porcupine.CheckResult {
	ops := make([]porcupine.Operation, len(h))
	for i, op := range h {
		ops[i] = porcupine.Operation{ClientId: op.client, Input: op.in, Output: op.out, Call: op.call, Return: op.ret}
	}
	model := porcupine.Model{
		Partition: func(h []porcupine.Operation) [][]porcupine.Operation {
			out := make([][]porcupine.Operation, groups)
			for _, op := range h {
				g := op.Input.(linIn).group
				out[g] = append(out[g], op)
			}
			return out
		},
		Init:  func() any { return init },
		Step:  func(s, in, out any) (bool, any) { return linStep(s.(linState), in.(linIn), out.(linOut)) },
		Equal: func(a, b any) bool { return a.(linState) == b.(linState) },
	}
	return porcupine.CheckOperationsTimeout(model, ops, timeout)
}

// linSameInit returns the groups' common initial state; they are built
// alike, so a difference is a harness bug.
func linSameInit(t testing.TB, init []linState) linState {
	t.Helper()
	for _, s := range init {
		if s != init[0] {
			t.Fatalf("groups start in different states: %+v and %+v", init[0], s)
		}
	}
	return init[0]
}

func TestLinearizable(t *testing.T) {
	opsPerHistory := 100_000
	if testing.Short() {
		opsPerHistory = 20_000
	}
	base := linSeed(t)
	t.Logf("base seed %d (rerun with -lin.seed=%d)", base, base)
	tests := []struct {
		name string
		cfg  cache.Config
	}{
		{"default config seed 1", cache.Config{}},
		{"default config seed 2", cache.Config{}},
		{"default config seed 3", cache.Config{}},
		{"every set dropped", cache.Config{MaxCost: 1}},
		{"one stripe for every key", cache.Config{Stripes: 1}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seed := base + uint64(i)
			e := newLinEnv(t, &tt.cfg, 12)
			rc := linRunConfig{groups: 12, readers: 8, writers: 4, readerOps: opsPerHistory / 8}
			began := time.Now()
			h, init, st := linRun(t, e, linReal{e}, seed, rc)
			ran := time.Since(began)
			began = time.Now()
			res := linCheck(h, linSameInit(t, init), rc.groups, 40*time.Second)
			t.Logf("seed %d: %d operations (%d reads, %d not cached; %d writes, %d Sets, %d restores, %d rollbacks, %d failed Sets) in %v; check %v in %v",
				seed, len(h), st.reads.Load(), st.notCached.Load(), st.writes.Load(), st.setFKs.Load(),
				st.restores.Load(), st.rollbacks.Load(), st.failed.Load(), ran.Round(time.Millisecond), res, time.Since(began).Round(time.Millisecond))
			t.Logf("cache metrics %+v", e.cache.Metrics())
			if res != porcupine.Ok {
				t.Errorf("history of seed %d is %v, want Ok (Unknown means the check timed out)", seed, res)
			}
			if len(h) < opsPerHistory {
				t.Errorf("history has %d operations, want at least %d", len(h), opsPerHistory)
			}
			if m := e.cache.Metrics(); tt.cfg.MaxCost != 1 && m.Hits == 0 {
				t.Errorf("no cache hits: the history did not exercise the cache")
			}
		})
	}
	t.Run("canary: naive cache-aside is caught", func(t *testing.T) {
		// The harness must be able to fail: a cache filled by slow readers
		// and invalidated by a Del after each commit serves owners that a
		// committed write has replaced.
		for attempt := 1; ; attempt++ {
			seed := base + 100 + uint64(attempt)
			e := newLinEnv(t, nil, 2)
			acc := &linNaive{e: e, delay: 200 * time.Microsecond, m: map[int64]linOwner{}}
			rc := linRunConfig{groups: 2, readers: 8, writers: 4, readerOps: 300}
			h, init, _ := linRun(t, e, acc, seed, rc)
			res := linCheck(h, linSameInit(t, init), rc.groups, 20*time.Second)
			t.Logf("attempt %d, seed %d: %d operations, %v", attempt, seed, len(h), res)
			if res == porcupine.Illegal {
				return
			}
			if attempt == 5 {
				t.Fatalf("naive cache-aside history is %v after %d attempts, want Illegal: the harness cannot see stale reads", res, attempt)
			}
		}
	})
}
