package fuzz

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"go.uber.org/goleak"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/internal/opseq"
	"github.com/relstore/relstore/internal/opseq/replay"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var (
	randomSeed = flag.Uint64("ops.seed", 0, "TestOpsRandom: the seed (0: from the clock)")
	randomN    = flag.Int("ops.n", 150, "TestOpsRandom: how many sequences (a sixth with -race or -short)")
)

// smallCache holds a handful of owners, so that evictions and rejections
// happen during a sequence; few stripes, so that commits invalidate
// unrelated entries too.
var smallCache = cache.Config{MaxCost: 3 << 10, Stripes: 16}

// FuzzOps decodes the input into an operation sequence, runs each op on
// relstore (memstore, cache, relations) and on the reference model, and
// checks after every op:
//
//   - the outcome is the model's: success or the same errors.Is class, and
//     the same returned key, row or owners;
//   - a View opened before the op, and a Snapshot taken before it, still
//     show the state before the op;
//   - CheckIntegrity passes: no foreign key to a missing row, index entries
//     match rows, counts by index equal counts by scan, keys are unique;
//   - independently, through the public API: ByFK lists exactly the rows
//     with each key, Count equals Scan equals the model, Lookup by the
//     unique Email finds each customer;
//   - every owner the cache would serve (BelongsTo.Cached, after
//     cache.Wait) for the sources before and after the op is the current
//     owner row, and a null foreign key reads NoOwner;
//   - the store's full Dump equals the model's.
func FuzzOps(f *testing.F) {
	for _, s := range opseq.Seeds() {
		f.Add(opseq.Encode(s.Ops))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkOps(t, opseq.Decode(data), "")
	})
}

// TestOpsRandom runs random sequences; the seed is printed so that a
// failure can be replayed with -ops.seed.
func TestOpsRandom(t *testing.T) {
	seed := *randomSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with go test ./fuzz -run TestOpsRandom -ops.seed=%d)", seed, seed)
	n := *randomN
	if testing.Short() || raceEnabled {
		n /= 6 // a few seconds under -race
	}
	r := rand.New(rand.NewPCG(seed, 0x6f7073))
	var st stats
	for i := range n {
		var data []byte
		if i%2 == 1 { // start from the fixture, so that more ops meet rows
			data = opseq.Encode(opseq.Seeds()[0].Ops)
		}
		for range r.IntN(700) {
			data = append(data, byte(r.Uint32()))
		}
		label := fmt.Sprintf("seed %d, sequence %d, corpus entry:\ngo test fuzz v1\n[]byte(%q)\n", seed, i, data)
		st.add(checkOps(t, opseq.Decode(data), label))
		if t.Failed() {
			return
		}
	}
	t.Logf("%d sequences, %s", n, st)
}

// TestSeeds runs the seed corpus by name, for readable failures.
func TestSeeds(t *testing.T) {
	var st stats
	for _, s := range opseq.Seeds() {
		t.Run(s.Name, func(t *testing.T) { st.add(checkOps(t, s.Ops, "")) })
	}
	t.Logf("%s", st)
}

// stats counts what the checks saw, to show that they bite.
type stats struct {
	ops, failed, cachedFound, cachedChecked int
	classes                                 map[opseq.Class]int
}

func (s *stats) add(o stats) {
	s.ops += o.ops
	s.failed += o.failed
	s.cachedFound += o.cachedFound
	s.cachedChecked += o.cachedChecked
	if s.classes == nil {
		s.classes = map[opseq.Class]int{}
	}
	for c, n := range o.classes {
		s.classes[c] += n
	}
}

func (s stats) String() string {
	return fmt.Sprintf("%d ops (%d refused), outcomes %v, Cached checked %d times, %d hits",
		s.ops, s.failed, s.classes, s.cachedChecked, s.cachedFound)
}

func newTestRunner(t testing.TB) *replay.Runner {
	t.Helper()
	r, err := replay.New(smallCache)
	if err != nil {
		t.Fatalf("replay.New: %v", err)
	}
	t.Cleanup(r.Close)
	return r
}

// dumpOpts: an empty model is nil in one dump and empty in another.
var dumpOpts = cmpopts.EquateEmpty()

// checkOps runs ops on relstore and on the model and checks the properties
// listed on FuzzOps after each op.
func checkOps(t testing.TB, ops []opseq.Op, label string) stats {
	t.Helper()
	st := stats{classes: map[opseq.Class]int{}}
	r := newTestRunner(t)
	m := opseq.NewModel()
	ctx := context.Background()
	done := make([]opseq.Op, 0, len(ops))
	fail := func(i int, format string, args ...any) {
		t.Helper()
		rest := ""
		if i+1 < len(ops) {
			rest = fmt.Sprintf("(%d more ops not run)\n", len(ops)-i-1)
		}
		t.Fatalf("%sop %d: %s\nops:\n%s%s", label, i, fmt.Sprintf(format, args...), opseq.FormatOps(done, i), rest)
	}
	for i, op := range ops {
		op = m.Resolve(op)
		done = append(done, op)
		pre := m.Dump()
		var preSrcs [opseq.NumModels][]any
		for id := range opseq.NumModels {
			preSrcs[id] = m.Rows(id)
		}
		sn, err := r.Store.Snapshot()
		if err != nil {
			fail(i, "Snapshot: %v", err)
		}

		// Run the op inside a View, which must not see it.
		var got opseq.Outcome
		var atOpen, atClose memstore.Dump
		err = r.Store.View(ctx, func(tx *memstore.Tx) error {
			var err error
			if atOpen, err = tx.Dump(); err != nil {
				return err
			}
			got = r.Run(op)
			atClose, err = tx.Dump()
			return err
		})
		if err != nil {
			fail(i, "View around the op: %v", err)
		}
		want := m.Apply(op)
		st.ops++
		st.classes[got.Class]++
		if got.Class != opseq.OK {
			st.failed++
		}
		if diff := cmp.Diff(want, got); diff != "" {
			fail(i, "outcome differs from the model (-model +relstore):\n%s", diff)
		}
		if diff := cmp.Diff(pre, atOpen, dumpOpts); diff != "" {
			fail(i, "a View opened before the op: dump differs from the model before it (-model +view):\n%s", diff)
		}
		if diff := cmp.Diff(atOpen, atClose, dumpOpts); diff != "" {
			fail(i, "a View open across the op saw it (-at open +at close):\n%s", diff)
		}
		var snapDump memstore.Dump
		if err := sn.View(ctx, func(tx *memstore.Tx) (err error) { snapDump, err = tx.Dump(); return err }); err != nil {
			fail(i, "Snapshot.View: %v", err)
		}
		if diff := cmp.Diff(pre, snapDump, dumpOpts); diff != "" {
			fail(i, "a Snapshot taken before the op changed (-before +snapshot):\n%s", diff)
		}
		if err := r.Store.View(ctx, func(tx *memstore.Tx) error { return tx.CheckIntegrity() }); err != nil {
			fail(i, "CheckIntegrity: %v", err)
		}
		d, err := r.Dump()
		if err != nil {
			fail(i, "Dump: %v", err)
		}
		if diff := cmp.Diff(m.Dump(), d, dumpOpts); diff != "" {
			fail(i, "store differs from the model (-model +relstore):\n%s", diff)
		}
		failf := func(format string, args ...any) { t.Helper(); fail(i, format, args...) }
		checkIndexes(t, r, m, failf)
		checkCache(t, r, m, preSrcs, &st, failf)
	}
	return st
}

// checkIndexes checks the indexes through the public API, independently of
// CheckIntegrity: for every relation and every value a foreign key could
// take, ByFK (the foreign key index) lists exactly the model's rows with that
// key; Count (the primary key index) equals the number of rows Scan yields
// and the model holds; Lookup by Email (the unique index) finds each
// customer and nothing else.
func checkIndexes(t testing.TB, r *replay.Runner, m *opseq.Model, fail func(string, ...any)) {
	t.Helper()
	for rel := range opseq.NumRels {
		spec := opseq.Rels[rel]
		values := map[any]bool{}
		for _, s := range m.Rows(spec.Source) {
			if v := rel.FK(s); v != nil {
				values[v] = true
			}
		}
		for _, o := range m.Rows(spec.Target) {
			values[rel.KeyTo(o)] = true
		}
		for v := range values {
			got, err := r.Children(rel, v)
			if err != nil {
				fail("ByFK(%s, %#v): %v", rel, v, err)
			}
			var want []any
			for _, s := range m.Rows(spec.Source) {
				if rel.FK(s) == v {
					want = append(want, s)
				}
			}
			if diff := cmp.Diff(want, got, dumpOpts); diff != "" {
				fail("ByFK(%s, %#v) differs from the rows (-model +index):\n%s", rel, v, diff)
			}
		}
	}
	for id := range opseq.NumModels {
		count, scanned, err := r.Counts(id)
		if err != nil {
			fail("Count/Scan %s: %v", id, err)
		}
		if n := len(m.Rows(id)); count != n || scanned != n {
			fail("%s: Count = %d, Scan yields %d, want %d", id, count, scanned, n)
		}
	}
	for _, row := range m.Rows(opseq.MCustomer) {
		c := row.(opseq.Customer)
		got, err := r.CustomerByEmail(c.Email)
		if err != nil || got != c {
			fail("Lookup(Email %q) = %+v, %v; want %+v", c.Email, got, err, c)
		}
	}
	if _, err := r.CustomerByEmail("nobody@x"); !errors.Is(err, memstore.ErrNotFound) {
		fail("Lookup(Email nobody@x) = %v, want ErrNotFound", err)
	}
}

// checkCache checks every owner the cache would serve for the sources before
// and after the op: an owner Cached returns must be the current row with
// that key (never a replaced, deleted or rolled-back one), and a null
// foreign key must read NoOwner.
func checkCache(t testing.TB, r *replay.Runner, m *opseq.Model, pre [opseq.NumModels][]any, st *stats, fail func(string, ...any)) {
	t.Helper()
	r.Cache.Wait()
	for rel := range opseq.NumRels {
		src := opseq.Rels[rel].Source
		for _, s := range append(pre[src], m.Rows(src)...) {
			owner, status := r.Cached(rel, s)
			st.cachedChecked++
			fk := rel.FK(s)
			switch status {
			case relations.NoOwner:
				if fk != nil {
					fail("Cached(%s) of %s = no owner, but its key is %#v", rel, opseq.FormatRow(s), fk)
				}
			case relations.Found:
				st.cachedFound++
				if fk == nil {
					fail("Cached(%s) of %s found %s for a null key", rel, opseq.FormatRow(s), opseq.FormatRow(owner))
				}
				cur, ok := m.Owner(rel, fk)
				if !ok {
					fail("Cached(%s) of %s = %s, but no row has key %#v (stale cache)", rel, opseq.FormatRow(s), opseq.FormatRow(owner), fk)
				}
				if diff := cmp.Diff(cur, owner); diff != "" {
					fail("Cached(%s) of %s is stale (-store +cache):\n%s", rel, opseq.FormatRow(s), diff)
				}
			}
		}
	}
}
