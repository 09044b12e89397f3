package fuzz

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relstore/relstore/internal/opseq"
)

var update = flag.Bool("update", false, "rewrite the seed files under testdata/fuzz/FuzzOps, FuzzSeats and FuzzLinks")

// corpora are the fuzz targets' corpus directories, with their schemas and
// seeds.
var corpora = []struct {
	dir   string
	base  *opseq.Schema
	seeds func() []opseq.Seed
}{
	{"testdata/fuzz/FuzzOps", opseq.Shop, opseq.ShopSeeds},
	{"testdata/fuzz/FuzzSeats", opseq.Seats, opseq.SeatsSeeds},
	{"testdata/fuzz/FuzzLinks", opseq.Links, opseq.LinksSeeds},
}

// seedFile returns the file name and go-test-fuzz-v1 content of a seed.
func seedFile(s opseq.Seed) (name, content string) {
	slug := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(s.Name))
	return "seed-" + slug, fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", opseq.Encode(s.Seq))
}

// TestSeedCorpusFiles checks that each corpus directory holds every seed of
// its schema as a file, so that `go test -fuzz` starts from them and other
// tools (the SQLite fidelity test) replay them; -update rewrites them.
// Crashers found by fuzzing are committed in the same directory under the
// names go test gives them.
func TestSeedCorpusFiles(t *testing.T) {
	for _, c := range corpora {
		for _, s := range c.seeds() {
			checkSeedFile(t, c.dir, s)
		}
	}
}

// checkSeedFile checks (or, with -update, writes) the file of seed s in dir.
func checkSeedFile(t *testing.T, dir string, s opseq.Seed) {
	t.Helper()
	name, want := seedFile(s)
	path := filepath.Join(dir, name)
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("seed %q: %v (run go test ./fuzz -run TestSeedCorpusFiles -update)", s.Name, err)
		return
	}
	if string(got) != want {
		t.Errorf("seed %q: %s is stale (run go test ./fuzz -run TestSeedCorpusFiles -update)", s.Name, path)
	}
}

// TestCorpusFiles runs every file of the corpus directories (seeds and
// committed crashers) through the checks, with readable names.
func TestCorpusFiles(t *testing.T) {
	for _, c := range corpora {
		entries, err := os.ReadDir(c.dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			t.Run(filepath.Base(c.dir)+"/"+e.Name(), func(t *testing.T) {
				b, err := os.ReadFile(filepath.Join(c.dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				data, err := opseq.ParseCorpusFile(b)
				if err != nil {
					t.Fatalf("%s: %v", e.Name(), err)
				}
				checkSeq(t, opseq.Decode(c.base, data), "")
			})
		}
	}
}
