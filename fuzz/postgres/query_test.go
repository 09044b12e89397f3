package postgres

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/relstore/relstore/internal/querydiff"
)

// The differential query test on PostgreSQL (internal/querydiff, as
// fuzz/sqlite runs it on SQLite): random data sets loaded into relstore and
// into tables of package ddl's DDL, random filters on both, the same rows in
// the same order, the same counts and the same next keyset pages required.
// TestQuerySeeds runs fuzz/sqlite's FuzzQuery corpus, the data sets that
// found relstore's query defects (with -query.seeds, FuzzQuery's f.Add
// seeds too); TestQueryRandom -query.n more from a seed it prints (default
// 3). The defaults keep CI short: 12 data sets, 1,800 filters.

var (
	querySeed  = flag.Uint64("query.seed", 0, "TestQueryRandom: the seed of the data sets (0: from the clock)")
	queryN     = flag.Int("query.n", 3, "TestQueryRandom: how many data sets")
	querySeeds = flag.Bool("query.seeds", false, "TestQuerySeeds: FuzzQuery's f.Add seeds too, not only its corpus")
)

// sqliteQuerySeeds are fuzz/sqlite's FuzzQuery seeds (f.Add).
var sqliteQuerySeeds = []uint64{1, 2, 3, 4, 5, 6, 7, 8, 14, 2026}

// queryCorpus is fuzz/sqlite's FuzzQuery corpus.
const queryCorpus = "../sqlite/testdata/fuzz/FuzzQuery"

// TestQuerySeeds runs FuzzQuery's corpus entries (and with -query.seeds
// its f.Add seeds) on PostgreSQL.
func TestQuerySeeds(t *testing.T) {
	var seeds []uint64
	if *querySeeds {
		seeds = append(seeds, sqliteQuerySeeds...)
	}
	files, err := os.ReadDir(queryCorpus)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(queryCorpus, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		s, err := parseSeedFile(string(b))
		if err != nil {
			t.Fatalf("%s: %v", f.Name(), err)
		}
		if !slices.Contains(seeds, s) {
			seeds = append(seeds, s)
		}
	}
	var st querydiff.Stats
	for _, s := range seeds {
		if !runQuerySet(t, s, &st) {
			t.Fatalf("seed %d failed", s)
		}
	}
	t.Logf("%d seeds: %s", len(seeds), st)
}

// parseSeedFile reads a go test fuzz v1 file holding one uint64.
func parseSeedFile(s string) (uint64, error) {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) != 2 || strings.TrimSpace(lines[0]) != "go test fuzz v1" {
		return 0, strconv.ErrSyntax
	}
	v, ok := strings.CutPrefix(strings.TrimSpace(lines[1]), "uint64(")
	if !ok || !strings.HasSuffix(v, ")") {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseUint(strings.TrimSuffix(v, ")"), 10, 64)
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
		if !runQuerySet(t, seed+uint64(i), &st) {
			t.Logf("data set %d (seed %d) failed", i, seed+uint64(i))
			return
		}
	}
	t.Logf("%s", st)
}

// runQuerySet runs the data set of seed in a subtest (whose schema and
// connections go when it ends) and reports whether it passed.
func runQuerySet(t *testing.T, seed uint64, st *querydiff.Stats) bool {
	return t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
		st.Add(querydiff.Run(t, querydiff.PostgreSQL, openPGDB, seed, querydiff.Filters))
	})
}

// pgDB is a schema of the server, as querydiff.Run uses it.
type pgDB struct{ conn *pgx.Conn }

// openPGDB applies schema (package ddl's) in a new schema of the server
// and checks that the server has querydiff.FoldCollation.
func openPGDB(t querydiff.TB, schema string) querydiff.DB {
	tb := t.(testing.TB)
	tb.Helper()
	conn := newTestConn(tb)
	ctx := context.Background()
	if _, err := conn.Exec(ctx, schema); err != nil {
		tb.Fatalf("apply schema: %v\n%s", err, schema)
	}
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_collation WHERE collname = $1", querydiff.FoldCollation).Scan(&n); err != nil || n == 0 {
		tb.Fatalf("the server has no collation %q (%v): the translation of ilike and regexp i needs it", querydiff.FoldCollation, err)
	}
	return pgDB{conn}
}

func (db pgDB) Tables(ctx context.Context) ([]string, error) {
	rs, err := db.conn.Query(ctx, "SELECT relname::text FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r' ORDER BY oid")
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rs, pgx.RowTo[string])
}

func (db pgDB) Columns(ctx context.Context, table string) ([]string, error) {
	rs, err := db.conn.Query(ctx, "SELECT attname::text FROM pg_attribute WHERE attrelid = to_regclass(quote_ident($1)) AND attnum > 0 AND NOT attisdropped ORDER BY attnum", table)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rs, pgx.RowTo[string])
}

func (db pgDB) Exec(ctx context.Context, q string, args ...any) error {
	_, err := db.conn.Exec(ctx, q, args...)
	return err
}

func (db pgDB) Column(ctx context.Context, q string, args ...any) ([]any, error) {
	rs, err := db.conn.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rs, func(r pgx.CollectableRow) (any, error) {
		vs, err := r.Values()
		if err != nil {
			return nil, err
		}
		return vs[0], nil
	})
}
