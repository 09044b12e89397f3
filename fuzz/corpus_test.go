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

var update = flag.Bool("update", false, "rewrite the seed files under testdata/fuzz/FuzzOps")

const corpusDir = "testdata/fuzz/FuzzOps"

// seedFile returns the file name and go-test-fuzz-v1 content of a seed.
func seedFile(s opseq.Seed) (name, content string) {
	slug := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(s.Name))
	return "seed-" + slug, fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", opseq.Encode(s.Ops))
}

// TestSeedCorpusFiles checks that testdata/fuzz/FuzzOps holds every seed of
// opseq.Seeds as a file, so that `go test -fuzz` starts from them and other
// tools (the SQLite fidelity test) replay them; -update rewrites them.
// Crashers found by fuzzing are committed in the same directory under the
// names go test gives them.
func TestSeedCorpusFiles(t *testing.T) {
	for _, s := range opseq.Seeds() {
		name, want := seedFile(s)
		path := filepath.Join(corpusDir, name)
		if *update {
			if err := os.MkdirAll(corpusDir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("seed %q: %v (run go test ./fuzz -run TestSeedCorpusFiles -update)", s.Name, err)
			continue
		}
		if string(got) != want {
			t.Errorf("seed %q: %s is stale (run go test ./fuzz -run TestSeedCorpusFiles -update)", s.Name, path)
		}
	}
}

// TestCorpusFiles runs every file of the corpus directory (seeds and
// committed crashers) through the checks, with readable names.
func TestCorpusFiles(t *testing.T) {
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(corpusDir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			data, err := opseq.ParseCorpusFile(b)
			if err != nil {
				t.Fatalf("%s: %v", e.Name(), err)
			}
			checkOps(t, opseq.Decode(data), "")
		})
	}
}
