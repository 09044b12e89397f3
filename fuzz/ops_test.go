package fuzz

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"reflect"
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
	randomSeed = flag.Uint64("ops.seed", 0, "TestOpsRandom, TestSeatsRandom: the seed (0: from the clock)")
	randomN    = flag.Int("ops.n", 150, "TestOpsRandom, TestSeatsRandom: how many sequences (a sixth with -race or -short)")
	sameStore  = flag.Bool("ops.samestore", false, "FuzzSeats: decode no cross-store handle use (to hunt other defects while issue 13's defect 2 is open)")
)

// smallCache holds a handful of owners, so that evictions and rejections
// happen during a sequence; few stripes, so that commits invalidate
// unrelated entries too.
var smallCache = cache.Config{MaxCost: 3 << 10, Stripes: 16}

// FuzzOps decodes the input into an operation sequence on schema
// opseq.Shop, runs each op on relstore (memstore, cache, relations) and on
// the reference model, and checks after every op:
//
//   - the outcome is the model's: success or the same errors.Is class, and
//     the same returned key, row or owners;
//   - a View opened before the op, and a Snapshot taken before it, still
//     show the state before the op;
//   - CheckIntegrity passes: no foreign key to a missing row, index entries
//     match rows, counts by index equal counts by scan, keys are unique;
//   - independently, through the public API: ByFK lists exactly the rows
//     with each key, Count equals Scan equals the model (keys included),
//     Lookup by each unique field finds each row and nothing else;
//   - every owner the cache would serve (BelongsTo.Cached, after
//     cache.Wait) for the sources before and after the op is the current
//     owner row, and a null foreign key reads NoOwner;
//   - the store's full Dump equals the model's.
func FuzzOps(f *testing.F) {
	for _, s := range opseq.ShopSeeds() {
		f.Add(opseq.Encode(s.Seq))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSeq(t, opseq.Decode(opseq.Shop, data), "")
	})
}

// FuzzSeats is FuzzOps on schema opseq.Seats, whose input also chooses the
// on-delete action of every relation: a unique nullable foreign key that
// other relations reference through keyTo, a keyless model as a parent (by
// its unique Code and by its RowID), a wide row, two stores with three
// handle sets (a handle of one store used in a transaction of the other
// must be refused with ErrInvalid), and concurrent writers (OpConcurrent),
// whose commit order the runner records and the model replays. The
// properties checked after every op are FuzzOps's, on every store.
func FuzzSeats(f *testing.F) {
	for _, s := range opseq.SeatsSeeds() {
		f.Add(opseq.Encode(s.Seq))
	}
	base := seatsBase()
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSeq(t, opseq.Decode(base, data), "")
	})
}

// FuzzLinks is FuzzOps on schema opseq.Links, whose input also chooses the
// on-delete actions: a many-to-many through a link model with a composite
// unique pair (a second link of a pair is ErrUnique), and a polymorphic
// belongsTo whose discriminator names the model its key references (an
// unknown name is a foreign key error; deleting a target applies onDelete
// to the rows that name it, and only to them). The properties checked after
// every op are FuzzOps's.
func FuzzLinks(f *testing.F) {
	for _, s := range opseq.LinksSeeds() {
		f.Add(opseq.Encode(s.Seq))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSeq(t, opseq.Decode(opseq.Links, data), "")
	})
}

// seatsBase is opseq.Seats, without cross-store use under -ops.samestore.
func seatsBase() *opseq.Schema {
	if !*sameStore {
		return opseq.Seats
	}
	s := *opseq.Seats
	s.CrossStore = false
	return &s
}

// TestOpsRandom runs random sequences of Shop; the seed is printed so that a
// failure can be replayed with -ops.seed.
func TestOpsRandom(t *testing.T) {
	checkRandom(t, opseq.Shop, opseq.ShopSeeds()[0].Seq)
}

// TestSeatsRandom runs random sequences of Seats, like TestOpsRandom.
func TestSeatsRandom(t *testing.T) {
	checkRandom(t, opseq.Seats, opseq.SeatsSeeds()[0].Seq)
}

// TestLinksRandom runs random sequences of Links, like TestOpsRandom.
func TestLinksRandom(t *testing.T) {
	checkRandom(t, opseq.Links, opseq.LinksSeeds()[0].Seq)
}

// checkRandom runs random sequences of base, half of them after fixture;
// the seed is printed so that a failure can be replayed with -ops.seed.
func checkRandom(t *testing.T, base *opseq.Schema, fixture opseq.Seq) {
	seed := *randomSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with go test ./fuzz -run %s -ops.seed=%d)", seed, t.Name(), seed)
	n := *randomN
	if testing.Short() || raceEnabled {
		n /= 6 // a few seconds under -race
	}
	r := rand.New(rand.NewPCG(seed, 0x6f7073))
	var st stats
	fixture.Schema = base
	ops := opseq.Encode(fixture)[base.HeaderLen():]
	for i := range n {
		var data []byte
		for range base.HeaderLen() { // the schema's on-delete actions
			data = append(data, byte(r.Uint32()))
		}
		if i%2 == 1 { // start from the fixture, so that more ops meet rows
			data = append(data, ops...)
		}
		for range r.IntN(700) {
			data = append(data, byte(r.Uint32()))
		}
		label := fmt.Sprintf("seed %d, sequence %d, corpus entry:\ngo test fuzz v1\n[]byte(%q)\n", seed, i, data)
		st.add(checkSeq(t, opseq.Decode(base, data), label))
		if t.Failed() {
			return
		}
	}
	t.Logf("%d sequences, %s", n, st)
}

// TestSeeds runs the seed corpora by name, for readable failures.
func TestSeeds(t *testing.T) {
	for _, seeds := range [][]opseq.Seed{opseq.ShopSeeds(), opseq.SeatsSeeds(), opseq.LinksSeeds()} {
		var st stats
		for _, s := range seeds {
			t.Run(s.Schema.Name+"/"+s.Name, func(t *testing.T) { st.add(checkSeq(t, s.Seq, "")) })
		}
		t.Logf("%s", st)
	}
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

func newTestRunner(t testing.TB, s *opseq.Schema) *replay.Runner {
	t.Helper()
	r, err := replay.New(s, smallCache)
	if err != nil {
		t.Fatalf("replay.New: %v", err)
	}
	t.Cleanup(r.Close)
	return r
}

// dumpOpts: an empty model is nil in one dump and empty in another.
var dumpOpts = cmpopts.EquateEmpty()

// differ is cmp.Diff(want, got, dumpOpts), with a fast path: most calls
// compare equal values, and cmp.Diff's reflection took most of an exec's
// time; reflect.DeepEqual (nil and empty slices aside) says so first.
func differ(want, got any) string {
	if equal(reflect.ValueOf(want), reflect.ValueOf(got)) {
		return ""
	}
	return cmp.Diff(want, got, dumpOpts)
}

// equal is reflect.DeepEqual, except that a nil and an empty slice or map
// are equal, as dumpOpts has it.
func equal(a, b reflect.Value) bool {
	if !a.IsValid() || !b.IsValid() {
		return a.IsValid() == b.IsValid()
	}
	if a.Type() != b.Type() {
		return false
	}
	switch a.Kind() {
	case reflect.Slice:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !equal(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() {
			return false
		}
		for _, k := range a.MapKeys() {
			if v := b.MapIndex(k); !v.IsValid() || !equal(a.MapIndex(k), v) {
				return false
			}
		}
		return true
	case reflect.Interface:
		return equal(a.Elem(), b.Elem())
	case reflect.Struct:
		for i := range a.NumField() {
			if !equal(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}

// checkSeq runs seq on relstore and on the model and checks the properties
// listed on FuzzOps after each op.
func checkSeq(t testing.TB, seq opseq.Seq, label string) stats {
	t.Helper()
	s, ops := seq.Schema, seq.Ops
	if v := s.Variant(); v != "" {
		label += "schema " + s.Name + ": " + v + "\n"
	}
	st := stats{classes: map[opseq.Class]int{}}
	r := newTestRunner(t, s)
	m := opseq.NewModel(s)
	ctx := context.Background()
	done := make([]opseq.Op, 0, len(ops))
	fail := func(i int, format string, args ...any) {
		t.Helper()
		rest := ""
		if i+1 < len(ops) {
			rest = fmt.Sprintf("(%d more ops not run)\n", len(ops)-i-1)
		}
		t.Fatalf("%sop %d: %s\nops:\n%s%s", label, i, fmt.Sprintf(format, args...), opseq.FormatOps(s, done, i), rest)
	}
	stores := s.NumStores()
	for i, op := range ops {
		op = m.Resolve(op)
		done = append(done, op)
		pre := make([]memstore.Dump, stores)
		preSrcs := make([][][]any, stores)
		snaps := make([]*memstore.Snapshot, stores)
		for sto := range stores {
			pre[sto] = m.Dump(sto)
			for id := range s.Models {
				preSrcs[sto] = append(preSrcs[sto], m.Rows(sto, opseq.ModelID(id)))
			}
			var err error
			if snaps[sto], err = r.Stores[sto].Snapshot(); err != nil {
				fail(i, "Snapshot of store %d: %v", sto, err)
			}
		}

		// Run the op inside a View of its store, which must not see it.
		var got opseq.Outcome
		var atOpen, atClose memstore.Dump
		err := r.Stores[op.Store].View(ctx, func(tx *memstore.Tx) error {
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
		if op.Kind == opseq.OpConcurrent {
			op.Order = got.Order // the model replays the writers in the order they ran
			done[i] = op
		}
		want := m.Apply(op)
		st.ops++
		st.classes[got.Class]++
		if got.Class != opseq.OK {
			st.failed++
		}
		if diff := differ(want, got); diff != "" {
			fail(i, "outcome differs from the model (-model +relstore):\n%s", diff)
		}
		if diff := differ(pre[op.Store], atOpen); diff != "" {
			fail(i, "a View opened before the op: dump differs from the model before it (-model +view):\n%s", diff)
		}
		if diff := differ(atOpen, atClose); diff != "" {
			fail(i, "a View open across the op saw it (-at open +at close):\n%s", diff)
		}
		for sto := range stores {
			failf := func(format string, args ...any) {
				t.Helper()
				if stores > 1 {
					format = fmt.Sprintf("store %d: ", sto) + format
				}
				fail(i, format, args...)
			}
			var snapDump memstore.Dump
			if err := snaps[sto].View(ctx, func(tx *memstore.Tx) (err error) { snapDump, err = tx.Dump(); return err }); err != nil {
				failf("Snapshot.View: %v", err)
			}
			if diff := differ(pre[sto], snapDump); diff != "" {
				failf("a Snapshot taken before the op changed (-before +snapshot):\n%s", diff)
			}
			if err := r.Stores[sto].View(ctx, func(tx *memstore.Tx) error { return tx.CheckIntegrity() }); err != nil {
				failf("CheckIntegrity: %v", err)
			}
			d, err := r.Dump(sto)
			if err != nil {
				failf("Dump: %v", err)
			}
			if diff := differ(m.Dump(sto), d); diff != "" {
				failf("store differs from the model (-model +relstore):\n%s", diff)
			}
			checkIndexes(t, r, m, sto, failf)
			checkCache(t, r, m, sto, preSrcs[sto], &st, failf)
		}
	}
	return st
}

// checkIndexes checks the indexes of store through the public API,
// independently of CheckIntegrity: for every relation and every value a
// foreign key could take, ByFK (the foreign key index) lists exactly the
// model's rows with that key; Count (the primary key index) equals the
// number of rows, and Scan yields the model's keys (a keyless model's
// RowIDs included); Lookup by each unique field finds each row, and a value
// no row has is ErrNotFound.
func checkIndexes(t testing.TB, r *replay.Runner, m *opseq.Model, store int, fail func(string, ...any)) {
	t.Helper()
	s := m.Schema()
	for rel := range s.Rels {
		spec := s.Rels[rel]
		values := map[any]bool{}
		for _, src := range m.Rows(store, spec.Source) {
			if v := s.FK(opseq.Rel(rel), src); v != nil {
				values[v] = true
			}
		}
		keys, rows := m.Keys(store, spec.Target), m.Rows(store, spec.Target)
		for j := range rows {
			if v := s.KeyTo(opseq.Rel(rel), keys[j], rows[j]); v != nil {
				values[v] = true
			}
		}
		for v := range values {
			got, err := r.Children(store, opseq.Rel(rel), v)
			if err != nil {
				fail("ByFK(%s, %#v): %v", s.RelName(opseq.Rel(rel)), v, err)
			}
			var want []any
			for _, src := range m.Rows(store, spec.Source) {
				if s.RawFK(opseq.Rel(rel), src) == v { // ByFK of a polymorphic relation: any model
					want = append(want, src)
				}
			}
			if diff := differ(want, got); diff != "" {
				fail("ByFK(%s, %#v) differs from the rows (-model +index):\n%s", s.RelName(opseq.Rel(rel)), v, diff)
			}
		}
	}
	for id := range s.Models {
		spec := &s.Models[id]
		count, keys, err := r.Scan(store, opseq.ModelID(id))
		if err != nil {
			fail("Count/Scan %s: %v", spec.Name, err)
		}
		want := m.Keys(store, opseq.ModelID(id))
		if count != len(want) {
			fail("%s: Count = %d, want %d", spec.Name, count, len(want))
		}
		if diff := differ(want, keys); diff != "" {
			fail("%s: Scan's keys differ from the model's (-model +scan):\n%s", spec.Name, diff)
		}
		for _, u := range spec.Unique {
			used := map[any]bool{}
			for _, row := range m.Rows(store, opseq.ModelID(id)) {
				v := opseq.Field(row, u)
				if v == nil {
					continue
				}
				used[v] = true
				got, err := r.Lookup(store, opseq.ModelID(id), u, v)
				if err != nil || differ(row, got) != "" {
					fail("Lookup(%s.%s %#v) = %s, %v; want %s", spec.Name, u, v, opseq.FormatRow(got), err, opseq.FormatRow(row))
				}
			}
			for _, f := range spec.Fields {
				if f.Name != u {
					continue
				}
				for _, v := range f.Values {
					if used[v] {
						continue
					}
					if _, err := r.Lookup(store, opseq.ModelID(id), u, v); !errors.Is(err, memstore.ErrNotFound) {
						fail("Lookup(%s.%s %#v) = %v, want ErrNotFound", spec.Name, u, v, err)
					}
					break
				}
			}
		}
	}
}

// checkCache checks every owner the cache of store would serve for the
// sources before and after the op: an owner Cached returns must be the
// current row with that key (never a replaced, deleted or rolled-back one),
// and a null foreign key must read NoOwner.
func checkCache(t testing.TB, r *replay.Runner, m *opseq.Model, store int, pre [][]any, st *stats, fail func(string, ...any)) {
	t.Helper()
	s := m.Schema()
	r.Caches[store].Wait()
	for rel := range s.Rels {
		src := s.Rels[rel].Source
		name := s.RelName(opseq.Rel(rel))
		for _, row := range append(pre[src], m.Rows(store, src)...) {
			owner, status := r.Cached(store, opseq.Rel(rel), row)
			st.cachedChecked++
			fk := s.FK(opseq.Rel(rel), row)
			switch status {
			case relations.NoOwner:
				if fk != nil {
					fail("Cached(%s) of %s = no owner, but its key is %#v", name, opseq.FormatRow(row), fk)
				}
			case relations.Found:
				st.cachedFound++
				if fk == nil {
					fail("Cached(%s) of %s found %s for a null key", name, opseq.FormatRow(row), opseq.FormatRow(owner))
				}
				cur, ok := m.Owner(store, opseq.Rel(rel), fk)
				if !ok {
					fail("Cached(%s) of %s = %s, but no row has key %#v (stale cache)", name, opseq.FormatRow(row), opseq.FormatRow(owner), fk)
				}
				if diff := differ(cur, owner); diff != "" {
					fail("Cached(%s) of %s is stale (-store +cache):\n%s", name, opseq.FormatRow(row), diff)
				}
			}
		}
	}
}
