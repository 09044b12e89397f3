package postgres

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/internal/opseq"
	"github.com/relstore/relstore/internal/opseq/replay"
)

var (
	randomSeed = flag.Uint64("ops.seed", 0, "TestFidelity: the seed of the random sequences (0: from the clock)")
	randomN    = flag.Int("ops.n", 50, "TestFidelity: how many random sequences per schema")
)

// corpora are the fuzz targets' corpora in the root module (seeds and
// crashers), with their schemas, and the random sequences' schemas: the
// same as fuzz/sqlite's.
var corpora = []struct {
	dir    string
	base   *opseq.Schema
	seeds  func() []opseq.Seed
	random *opseq.Schema
}{
	{"../testdata/fuzz/FuzzOps", opseq.Shop, opseq.ShopSeeds, opseq.Shop},
	{"../testdata/fuzz/FuzzSeats", opseq.Seats, opseq.SeatsSeeds, opseq.Seats},
	{"../testdata/fuzz/FuzzLinks", opseq.Links, opseq.LinksSeeds, opseq.Links},
}

// TestFidelity replays the seed corpora, the corpus files and random
// sequences on PostgreSQL and on relstore: every op must get the same
// outcome on both, and every store the same rows after every op.
func TestFidelity(t *testing.T) {
	for _, c := range corpora {
		t.Run(c.base.Name, func(t *testing.T) {
			t.Parallel() // the round trips to the server dominate: two replays overlap well
			p := newPG(t, c.base, c.random)
			p.deletes.predict = true
			fidelity(t, p, c.dir, c.base, c.seeds(), c.random)
		})
	}
}

func fidelity(t *testing.T, p *pgdb, dir string, base *opseq.Schema, seeds []opseq.Seed, random *opseq.Schema) {
	var st stats
	t.Run("seeds", func(t *testing.T) {
		for _, s := range seeds {
			t.Run(s.Name, func(t *testing.T) { st.add(compare(t, p, s.Seq, "")) })
		}
	})
	t.Run("corpus files", func(t *testing.T) {
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			t.Skipf("no corpus files in %s", dir) // FuzzLinks has found no crasher yet
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			t.Run(e.Name(), func(t *testing.T) {
				b, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				data, err := opseq.ParseCorpusFile(b)
				if err != nil {
					t.Fatal(err)
				}
				st.add(compare(t, p, opseq.Decode(base, data), ""))
			})
		}
	})
	t.Run("random", func(t *testing.T) {
		seed := *randomSeed
		if seed == 0 {
			seed = uint64(time.Now().UnixNano())
		}
		t.Logf("seed %d (replay with go test -run %s -ops.seed=%d)", seed, t.Name(), seed)
		r := rand.New(rand.NewPCG(seed, 0x7067))
		fixture := seeds[0].Seq
		fixture.Schema = random
		h := random.HeaderLen()
		ops := opseq.Encode(fixture)[h:]
		for i := range *randomN {
			var data []byte
			for range h { // the schema's on-delete actions
				data = append(data, byte(r.Uint32()))
			}
			if i%2 == 1 {
				data = append(data, ops...)
			}
			for range r.IntN(500) {
				data = append(data, byte(r.Uint32()))
			}
			label := fmt.Sprintf("seed %d, sequence %d, corpus entry:\ngo test fuzz v1\n[]byte(%q)\n", seed, i, data)
			st.add(compare(t, p, opseq.Decode(random, data), label))
			if t.Failed() {
				return
			}
		}
	})
	t.Logf("%s", st)
	t.Logf("deletes: %d sent and predicted by the trigger queue rule, %d refused (23503), %d depend on the order of the rows one cascade removes",
		p.deletes.checked, p.deletes.refused, p.deletes.orderDeps)
	if polyActions(base) != "" {
		t.Logf("%s", p.polys)
	}
}

// stats counts what was compared.
type stats struct {
	sequences, ops, compared, notSent, refused, rows int
}

func (s *stats) add(o stats) {
	s.sequences += o.sequences
	s.ops += o.ops
	s.compared += o.compared
	s.notSent += o.notSent
	s.refused += o.refused
	s.rows += o.rows
}

func (s stats) String() string {
	return fmt.Sprintf("%d sequences, %d ops: %d compared (%d refused by both), %d bad inputs not sent to PostgreSQL; %d rows compared after the ops",
		s.sequences, s.ops, s.compared, s.refused, s.notSent, s.rows)
}

var dumpOpts = cmpopts.EquateEmpty()

// compare runs seq on both and checks each op's outcome and the rows of
// every store after it. The reference model only resolves each op's
// arguments (the rows it passes), so that both backends make the same call;
// the writers of an OpConcurrent run on PostgreSQL in the order they ran on
// relstore.
func compare(t testing.TB, p *pgdb, seq opseq.Seq, label string) stats {
	t.Helper()
	s, ops := seq.Schema, seq.Ops
	if v := s.Variant(); v != "" {
		label += "schema " + s.Name + ": " + v + "\n"
	}
	st := stats{sequences: 1}
	r, err := replay.New(s, cache.Config{MaxCost: 3 << 10, Stripes: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p.reset(t, s)
	m := opseq.NewModel(s)
	done := make([]opseq.Op, 0, len(ops))
	for i, op := range ops {
		op = m.Resolve(op)
		done = append(done, op)
		got := r.Run(op)
		if op.Kind == opseq.OpConcurrent {
			op.Order = got.Order
			done[i] = op
		}
		m.Apply(op)
		want := p.run(op)
		st.ops++
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("%sop %d: %s\nops:\n%s", label, i, fmt.Sprintf(format, args...), opseq.FormatOps(s, done, i))
		}
		if len(p.mispred) > 0 {
			fail("the trigger queue rule is wrong: %q", p.mispred)
		}
		if want.Value == notSent {
			st.notSent++
			if got.Class == opseq.OK {
				fail("relstore accepted a bad input: %v", got)
			}
		} else {
			st.compared++
			if got.Class != opseq.OK {
				st.refused++
			}
			if diff := cmp.Diff(want, got); diff != "" {
				fail("outcome differs (-postgres +relstore):\n%s", diff)
			}
		}
		for sto := range s.NumStores() {
			rd, err := r.Dump(sto)
			if err != nil {
				fail("relstore Dump of store %d: %v", sto, err)
			}
			pd, err := p.dump(sto)
			if err != nil {
				fail("PostgreSQL dump of store %d: %v", sto, err)
			}
			if diff := cmp.Diff(pd, rd, dumpOpts); diff != "" {
				fail("rows of store %d differ (-postgres +relstore):\n%s", sto, diff)
			}
			for _, rows := range pd {
				st.rows += len(rows)
			}
		}
	}
	return st
}
