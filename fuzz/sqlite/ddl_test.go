package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relstore/relstore/ddl"
	"github.com/relstore/relstore/internal/opseq"
	"github.com/relstore/relstore/memstore"
)

// openDDL opens an empty SQLite database in memory, foreign keys on, with
// the schema sql.
func openDDL(t testing.TB, schema string) *sql.Conn {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = ON"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, schema); err != nil {
		t.Fatalf("apply schema: %v\n%s", err, schema)
	}
	return conn
}

// TestDDLGoldenSchemasApply runs every golden SQLite schema of package ddl,
// which must create every table and index it declares.
func TestDDLGoldenSchemasApply(t *testing.T) {
	files, err := filepath.Glob("../../ddl/testdata/*.sqlite.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden schemas: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			conn := openDDL(t, string(b))
			var tables, indexes int
			err = conn.QueryRowContext(context.Background(), `SELECT
				(SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'),
				(SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL)`).Scan(&tables, &indexes)
			if err != nil {
				t.Fatal(err)
			}
			s := string(b)
			if tables != strings.Count(s, "CREATE TABLE") || indexes != strings.Count(s, "CREATE INDEX") {
				t.Errorf("%d tables, %d indexes; the schema declares %d, %d",
					tables, indexes, strings.Count(s, "CREATE TABLE"), strings.Count(s, "CREATE INDEX"))
			}
		})
	}
}

// TestDDLRestrictIsNoAction runs the delete where RESTRICT and NO ACTION
// differ (see DDLNode) on the schema package ddl writes, where relstore's
// restrict is NO ACTION, and on the same schema with RESTRICT: the first
// accepts it, as relstore does (TestRestrictTiming), the second refuses it.
func TestDDLRestrictIsNoAction(t *testing.T) {
	ctx := context.Background()
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[DDLNode]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	schema, err := ddl.SQLite(s.Models())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, schema string
		want         opseq.Class
	}{
		{"NO ACTION (ddl's restrict)", schema, opseq.OK},
		{"RESTRICT", strings.ReplaceAll(schema, "ON DELETE NO ACTION", "ON DELETE RESTRICT"), opseq.ForeignKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn := openDDL(t, tc.schema)
			if _, err := conn.ExecContext(ctx, `INSERT INTO "ddl_node" VALUES (1, NULL, NULL); INSERT INTO "ddl_node" VALUES (2, 1, 1)`); err != nil {
				t.Fatal(err)
			}
			_, err := conn.ExecContext(ctx, `DELETE FROM "ddl_node" WHERE "id" = 1`)
			if got := classify(err); got != tc.want {
				t.Errorf("delete of node 1: %v (%v), want %v", got, err, tc.want)
			}
		})
	}
}

// DDLNode references itself twice: Up cascades, Pin restricts the deletion
// of its target (SQLite acts on a row's foreign keys last declared first,
// so RESTRICT checks Pin before Up's cascade). Deleting node 1 when node 2
// hangs from it and pins it cascades to node 2: NO ACTION accepts that,
// RESTRICT refuses it.
type DDLNode struct {
	ID  int64
	Up  *int64 `relstore:"belongsTo=DDLNode,as=parent,onDelete=cascade"`
	Pin *int64 `relstore:"belongsTo=DDLNode,as=pinned"`
}

// Root, Mid and Leaf make difference 13: deleting a Root cascades to its
// Mid, which cascades to its Leaf, and the Leaf restricts the Root.
type (
	Root struct{ ID int64 }
	Mid  struct {
		ID     int64
		RootID int64 `relstore:"belongsTo=Root,onDelete=cascade"`
	}
	Leaf struct {
		ID     int64
		RootID int64 `relstore:"belongsTo=Root"`
		MidID  int64 `relstore:"belongsTo=Mid,onDelete=cascade"`
	}
)

// TestRestrictAfterCascades shows difference 13 on the schema package ddl
// writes: SQLite's NO ACTION finds no reference left at the end of the
// statement and accepts the delete of root 1; relstore, as PostgreSQL
// (fuzz/postgres TestDeepCascade), checks the Leaf's reference
// when its turn comes, before the Mid's cascade removes the Leaf, and
// refuses it.
func TestRestrictAfterCascades(t *testing.T) {
	ctx := context.Background()
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[Root](), memstore.ModelOf[Mid](), memstore.ModelOf[Leaf](),
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	schema, err := ddl.SQLite(s.Models())
	if err != nil {
		t.Fatal(err)
	}
	conn := openDDL(t, schema)
	if _, err := conn.ExecContext(ctx, `INSERT INTO "root" VALUES (1); INSERT INTO "mid" VALUES (1, 1); INSERT INTO "leaf" VALUES (1, 1, 1)`); err != nil {
		t.Fatal(err)
	}
	_, err = conn.ExecContext(ctx, `DELETE FROM "root" WHERE "id" = 1`)
	if got := classify(err); got != opseq.OK {
		t.Errorf("SQLite: delete of root 1: %v (%v), want it accepted (the difference is gone: update the table)", got, err)
	}
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		for _, row := range []any{Root{ID: 1}, Mid{ID: 1, RootID: 1}, Leaf{ID: 1, RootID: 1, MidID: 1}} {
			if err := tx.Insert(row); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(Root{ID: 1}) })
	if !errors.Is(err, memstore.ErrForeignKey) {
		t.Errorf("relstore: delete of root 1: %v, want ErrForeignKey", err)
	}
}
