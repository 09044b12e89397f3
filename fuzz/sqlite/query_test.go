package sqlite

import (
	"flag"
	"testing"
	"time"

	"github.com/relstore/relstore/internal/querydiff"
)

// The differential test of issue 14 on SQLite: for random data, a random
// filter runs on relstore and, translated, on SQLite; both must return the
// same rows in the same order, and count the same rows for its where
// (internal/querydiff generates, translates and compares; querysql_test.go
// is SQLite's side). FuzzQuery's input is a seed: it draws one data set and
// querydiff.Filters filters. Its seeds (f.Add) and corpus
// (testdata/fuzz/FuzzQuery) run in go test; TestQueryRandom runs -query.n
// data sets from a seed it prints. fuzz/postgres runs the same seeds on
// PostgreSQL.

var (
	querySeed = flag.Uint64("query.seed", 0, "TestQueryRandom: the seed of the data sets (0: from the clock)")
	queryN    = flag.Int("query.n", 10, "TestQueryRandom: how many data sets")
)

// querySeeds are FuzzQuery's seeds.
var querySeeds = []uint64{1, 2, 3, 4, 5, 6, 7, 8, 14, 2026}

func FuzzQuery(f *testing.F) {
	for _, s := range querySeeds {
		f.Add(s)
	}
	var st querydiff.Stats
	f.Cleanup(func() { f.Logf("%s", st) })
	f.Fuzz(func(t *testing.T, seed uint64) {
		st.Add(querydiff.Run(t, querydiff.SQLite, openLiteDB, seed, querydiff.Filters))
	})
}

// TestQueryRandom runs -query.n random data sets, querydiff.Filters
// filters each.
func TestQueryRandom(t *testing.T) {
	seed := *querySeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with go test -run %s -query.seed=%d)", seed, t.Name(), seed)
	var st querydiff.Stats
	for i := range *queryN {
		st.Add(querydiff.Run(t, querydiff.SQLite, openLiteDB, seed+uint64(i), querydiff.Filters))
		if t.Failed() {
			t.Logf("data set %d failed: its FuzzQuery corpus entry is\ngo test fuzz v1\nuint64(%d)", i, seed+uint64(i))
			return
		}
	}
	t.Logf("%s", st)
}
