package sqlite

import (
	"context"
	"database/sql"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/relstore/relstore/ddl"
	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/internal/querydiff"
	"github.com/relstore/relstore/memstore"
)

// The differences between relstore, PostgreSQL and SQLite that the
// differential test keeps out of its random data, each pinned here with
// its reason. Every case runs one filter on relstore and, translated, on
// SQLite, and checks each side's answer: where relstore and PostgreSQL
// differ, the SQLite side is the translation that makes SQLite behave like
// PostgreSQL (internal/querydiff/sql.go), so the case shows the difference as
// PostgreSQL would. TestQueryTranslationMatters shows that each device of
// the translation is needed: SQLite's plain SQL answers otherwise.

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
}

func ptr[T any](v T) *T { return &v }

// textEnv is QText's rows in relstore and in SQLite (ddl's schema; conn
// configured by openQueryLite, plain without the pragma).
type textEnv struct {
	store *memstore.Store
	table *memstore.Table[QText, int64]
	sql   *querydiff.SQLModel
	conn  *queryConn
	plain *queryConn
}

// queryConn is a connection with a helper.
type queryConn struct{ *sql.Conn }

func newTextEnv(t *testing.T) *textEnv {
	t.Helper()
	ctx := context.Background()
	st, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[QText]()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	table, err := memstore.TableOf[QText, int64](st)
	if err != nil {
		t.Fatal(err)
	}
	schema, err := ddl.SQLite(st.Models())
	if err != nil {
		t.Fatal(err)
	}
	env := &textEnv{store: st, table: table}
	env.conn = &queryConn{openQueryLite(t, schema)}
	if err := registerFuncs(); err != nil {
		t.Fatal(err)
	}
	env.plain = &queryConn{openDDL(t, schema)}
	if env.sql, err = readSQLModel(ctx, env.conn.Conn, reflect.TypeFor[QText](), "ID", "q_text"); err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx *memstore.Tx) error {
		for i, s := range qTexts {
			row := QText{ID: int64(i + 1), S: s}
			if _, err := table.Insert(tx, row); err != nil {
				return err
			}
			q, args := querydiff.SQLite.Insert(env.sql, reflect.ValueOf(row))
			for _, c := range []*queryConn{env.conn, env.plain} {
				if _, err := c.ExecContext(ctx, q, args...); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// relstoreIDs returns the keys of f's rows on relstore.
func (env *textEnv) relstoreIDs(t *testing.T, f filter.Filter) []int64 {
	t.Helper()
	var rows []QText
	err := env.store.View(context.Background(), func(tx *memstore.Tx) error {
		var err error
		rows, err = env.table.Find(tx, f)
		return err
	})
	if err != nil {
		t.Fatalf("relstore: %v", err)
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids
}

// ids runs q with args and returns the first column as int64s.
func (c *queryConn) ids(t *testing.T, q string, args ...any) []int64 {
	t.Helper()
	rs, err := c.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rs.Close()
	var ids []int64
	for rs.Next() {
		var id int64
		if err := rs.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestQueryPinnedDifferences runs the cases where relstore and PostgreSQL
// (emulated on SQLite by the translation) answer differently. Each is a
// documented choice of relstore's (filter's package doc).
func TestQueryPinnedDifferences(t *testing.T) {
	env := newTextEnv(t)
	order := []filter.Order{filter.Asc("ID")}
	cases := []struct {
		name          string
		where         filter.Cond
		relstore, sql []int64
		reason        string
	}{
		{
			name:     "ilike folds long s to s",
			where:    filter.ILike("S", "s"),
			relstore: []int64{1, 2, 3}, sql: []int64{1, 2},
			reason: "relstore's ilike compares under Unicode simple case folding, whose orbit of s is {s, S, ſ}; " +
				"PostgreSQL lowers both sides (lower('ſ') is 'ſ') and compares",
		},
		{
			name:     "ilike folds final sigma",
			where:    filter.ILike("S", "ς"),
			relstore: []int64{4, 5, 6}, sql: []int64{6},
			reason: "simple folding puts σ, Σ and ς in one orbit; PostgreSQL lowers Σ to σ, never to ς",
		},
		{
			name:     "ilike does not lower dotted capital I",
			where:    filter.ILike("S", "i"),
			relstore: []int64{7, 8}, sql: []int64{7, 8, 9},
			reason: "İ (U+0130) has no simple case folding, so relstore matches it only to itself; " +
				"PostgreSQL (glibc's towlower) lowers it to i",
		},
		{
			name:     "regexp dot does not match a newline",
			where:    filter.Regexp("S", "^a.b$"),
			relstore: nil, sql: []int64{10},
			reason: "relstore's regexp is RE2, where . excludes \\n unless (?s); in PostgreSQL's ARE a newline is " +
				"an ordinary character (no newline-sensitive matching by default)",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := filter.Filter{Where: c.where, Order: order}
			q, args, err := querydiff.SQLite.SelectKeys(env.sql, f)
			if err != nil {
				t.Fatal(err)
			}
			rel, sql := env.relstoreIDs(t, f), env.conn.ids(t, q, args...)
			if d := cmp.Diff(c.relstore, rel, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("relstore %s (-want +got):\n%s", f, d)
			}
			if d := cmp.Diff(c.sql, sql, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("SQLite as PostgreSQL: %s (-want +got):\n%s", q, d)
			}
			if cmp.Equal(rel, sql, cmpopts.EquateEmpty()) {
				t.Errorf("relstore and PostgreSQL agree now (%v): the difference (%s) is gone; drop the case", rel, c.reason)
			}
		})
	}
}

// TestQueryTranslationMatters shows, for each device of the SQLite
// translation, that SQLite's plain SQL differs from relstore and the
// translated SQL does not.
func TestQueryTranslationMatters(t *testing.T) {
	env := newTextEnv(t)
	cases := []struct {
		name   string
		f      filter.Filter
		plain  string // SQLite's SQL without the device, on a connection without the pragma
		differ []int64
	}{
		{
			name:   "like is case-sensitive",
			f:      filter.Filter{Where: filter.Like("S", "a%"), Order: []filter.Order{filter.Asc("ID")}},
			plain:  `SELECT "id" FROM "q_text" WHERE "s" LIKE 'a%' ORDER BY "id"`,
			differ: []int64{10, 11, 12, 16}, // SQLite's LIKE folds ASCII: Ab matches
		},
		{
			name:   "ilike folds non-ASCII letters",
			f:      filter.Filter{Where: filter.ILike("S", "é%"), Order: []filter.Order{filter.Asc("ID")}},
			plain:  `SELECT "id" FROM "q_text" WHERE "s" LIKE 'é%' ORDER BY "id"`,
			differ: []int64{13}, // SQLite folds ASCII only: Éa does not match
		},
		{
			name:   "like escapes with a backslash",
			f:      filter.Filter{Where: filter.Like("S", `a\%`), Order: []filter.Order{filter.Asc("ID")}},
			plain:  `SELECT "id" FROM "q_text" WHERE "s" LIKE 'a\%' ORDER BY "id"`,
			differ: nil, // SQLite has no escape character unless told: a\% wants a\ then anything, not a%
		},
		{
			name:   "NULLs sort last ascending",
			f:      filter.Filter{Order: []filter.Order{filter.Asc("S")}, Limit: 1},
			plain:  `SELECT "id" FROM "q_text" ORDER BY "s", "id" LIMIT 1`,
			differ: []int64{15}, // SQLite puts NULL first
		},
		{
			name:   "NULLs sort first descending",
			f:      filter.Filter{Order: []filter.Order{filter.Desc("S")}, Limit: 1},
			plain:  `SELECT "id" FROM "q_text" ORDER BY "s" DESC, "id" DESC LIMIT 1`,
			differ: []int64{4}, // SQLite puts NULL last: σ (U+03C3) is the largest string
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rel := env.relstoreIDs(t, c.f)
			q, args, err := querydiff.SQLite.SelectKeys(env.sql, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(rel, env.conn.ids(t, q, args...), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("translated %s (-relstore +SQLite):\n%s", q, d)
			}
			plain := env.plain.ids(t, c.plain)
			if d := cmp.Diff(c.differ, plain, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("plain %s (-want +got):\n%s", c.plain, d)
			}
			if cmp.Equal(rel, plain, cmpopts.EquateEmpty()) {
				t.Errorf("plain SQL agrees with relstore (%v): the device is not needed", rel)
			}
		})
	}
}
