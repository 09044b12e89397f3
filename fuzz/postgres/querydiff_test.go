package postgres

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5"

	"github.com/relstore/relstore/ddl"
	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
)

// The query differences that remain between relstore and PostgreSQL, shown
// on the server: each case runs one filter on relstore and its SQL on a
// table of ddl's DDL, and checks both answers. The random filters
// (query_test.go) keep these characters and operators out: their
// translation runs ILIKE and ~* under querydiff.FoldCollation, a UTF-8
// locale, as filter's doc describes ilike.

// QText is the model of the pinned cases: strings with the characters
// whose case rules differ, and a newline.
type QText struct {
	ID int64
	S  *string `relstore:"index"`
}

// qTexts are QText's rows: ID i+1 holds qTexts[i] (nil: NULL).
var qTexts = []*string{
	ptr("s"), ptr("S"), ptr("ſ"), // LATIN SMALL LETTER LONG S
	ptr("σ"), ptr("Σ"), ptr("ς"), // sigma, capital, final
	ptr("i"), ptr("I"), ptr("İ"), // CAPITAL I WITH DOT ABOVE
	ptr("a\nb"), ptr("ab"), ptr("Ab"), ptr("éa"), ptr("Éa"), nil, ptr("a%"),
	ptr("k"), ptr("K"), ptr("\u212a"), // KELVIN SIGN
}

// queryPinCase is a filter with relstore's answer and the server's.
type queryPinCase struct {
	name     string
	where    filter.Cond
	sql      string // the WHERE of the server's query, on ddl's table "q_text"
	args     []any
	relstore []int64 // IDs, ascending
	pg       []int64
	reason   string
}

// runQueryPins loads qTexts into relstore and into ddl's table on the
// server and checks each case's answers, and that they still differ.
func runQueryPins(t *testing.T, cases []queryPinCase) {
	ctx := context.Background()
	st, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[QText]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	table, err := memstore.TableOf[QText, int64](st)
	if err != nil {
		t.Fatal(err)
	}
	schema, err := ddl.PostgreSQL(st.Models())
	if err != nil {
		t.Fatal(err)
	}
	conn := newTestConn(t)
	if _, err := conn.Exec(ctx, schema); err != nil {
		t.Fatalf("%v\n%s", err, schema)
	}
	err = st.Update(ctx, func(tx *memstore.Tx) error {
		for i, s := range qTexts {
			if _, err := table.Insert(tx, QText{ID: int64(i + 1), S: s}); err != nil {
				return err
			}
			if _, err := conn.Exec(ctx, `INSERT INTO "q_text" ("id", "s") VALUES ($1, $2)`, i+1, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := filter.Filter{Where: c.where, Order: []filter.Order{filter.Asc("ID")}}
			var rows []QText
			if err := st.View(ctx, func(tx *memstore.Tx) error {
				var err error
				rows, err = table.Find(tx, f)
				return err
			}); err != nil {
				t.Fatalf("relstore: %v", err)
			}
			var rel []int64
			for _, r := range rows {
				rel = append(rel, r.ID)
			}
			q := `SELECT "id" FROM "q_text" WHERE ` + c.sql + ` ORDER BY "id"`
			rs, err := conn.Query(ctx, q, c.args...)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			pg, err := pgx.CollectRows(rs, pgx.RowTo[int64])
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			if d := cmp.Diff(c.relstore, rel, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("relstore %s (-want +got):\n%s", f, d)
			}
			if d := cmp.Diff(c.pg, pg, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("PostgreSQL %s %v (-want +got):\n%s", q, c.args, d)
			}
			if cmp.Equal(rel, pg, cmpopts.EquateEmpty()) {
				t.Errorf("relstore and PostgreSQL agree now (%v): the difference (%s) is gone; drop the case", rel, c.reason)
			}
		})
	}
}

// TestILikeOnCollateC pins what ilike and regexp's flag i do on ddl's
// columns, which are COLLATE "C": PostgreSQL folds ASCII letters only
// there (lower() and the regex engine's case variants under the C locale),
// relstore folds every letter (Unicode simple case folding, filter's doc).
// Under a UTF-8 locale (querydiff.FoldCollation, the random filters'
// translation) they agree on these rows.
func TestILikeOnCollateC(t *testing.T) {
	runQueryPins(t, []queryPinCase{
		{
			name:  "ilike folds é and É",
			where: filter.ILike("S", "é%"), sql: `"s" ILIKE $1`, args: []any{"é%"},
			relstore: []int64{13, 14}, pg: []int64{13},
			reason: `under COLLATE "C" PostgreSQL's ILIKE lowers ASCII letters only`,
		},
		{
			name:  "ilike folds the Kelvin sign to k",
			where: filter.ILike("S", "k"), sql: `"s" ILIKE $1`, args: []any{"k"},
			relstore: []int64{17, 18, 19}, pg: []int64{17, 18},
			reason: `under COLLATE "C" PostgreSQL's ILIKE lowers ASCII letters only`,
		},
		{
			name:  "regexp i folds é and É",
			where: filter.Regexp("S", "/^éa$/i"), sql: `"s" ~* $1`, args: []any{"^éa$"},
			relstore: []int64{13, 14}, pg: []int64{13},
			reason: `under COLLATE "C" PostgreSQL's ~* folds ASCII letters only`,
		},
	})
}

// TestQueryFoldingDifferences pins the differences that remain under a
// UTF-8 locale (querydiff.FoldCollation), the ones fuzz/sqlite's
// TestQueryPinnedDifferences emulates, here on the server, and one the
// emulation does not show (regexp i and the Kelvin sign).
func TestQueryFoldingDifferences(t *testing.T) {
	fold := `("s" COLLATE "C.utf8")`
	runQueryPins(t, []queryPinCase{
		{
			name:  "ilike folds long s to s",
			where: filter.ILike("S", "s"), sql: fold + ` ILIKE $1`, args: []any{"s"},
			relstore: []int64{1, 2, 3}, pg: []int64{1, 2},
			reason: "relstore's ilike compares under Unicode simple case folding, whose orbit of s is {s, S, ſ}; " +
				"PostgreSQL lowers both sides (lower('ſ') is 'ſ') and compares",
		},
		{
			name:  "ilike folds final sigma",
			where: filter.ILike("S", "ς"), sql: fold + ` ILIKE $1`, args: []any{"ς"},
			relstore: []int64{4, 5, 6}, pg: []int64{6},
			reason: "simple folding puts σ, Σ and ς in one orbit; PostgreSQL lowers Σ to σ, never to ς",
		},
		{
			name:  "ilike does not lower dotted capital I",
			where: filter.ILike("S", "i"), sql: fold + ` ILIKE $1`, args: []any{"i"},
			relstore: []int64{7, 8}, pg: []int64{7, 8, 9},
			reason: "İ (U+0130) has no simple case folding, so relstore matches it only to itself; " +
				"PostgreSQL (glibc's towlower) lowers it to i",
		},
		{
			name:  "regexp dot does not match a newline",
			where: filter.Regexp("S", "^a.b$"), sql: `"s" ~ $1`, args: []any{"^a.b$"},
			relstore: nil, pg: []int64{10},
			reason: "relstore's regexp is RE2, where . excludes \\n unless (?s); in PostgreSQL's ARE a newline is " +
				"an ordinary character (no newline-sensitive matching by default)",
		},
		{
			name:  "regexp i folds the Kelvin sign to k",
			where: filter.Regexp("S", "/^k$/i"), sql: fold + ` ~* $1`, args: []any{"^k$"},
			relstore: []int64{17, 18, 19}, pg: []int64{17, 18},
			reason: "RE2's (?i) matches the simple-folding orbit {k, K, U+212A}; PostgreSQL's ~* adds a pattern " +
				"letter's upper and lower case only (towupper('k') is 'K'), so the Kelvin sign does not match",
		},
	})
}
