package postgres

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/relstore/relstore/ddl"
	"github.com/relstore/relstore/internal/opseq"
	"github.com/relstore/relstore/memstore"
)

// goldenDir holds package ddl's golden schemas: the fuzzers', every column
// kind, keyless models and shadow keys, long names, and the models of
// examples/quickstart, storetest and bench.
const goldenDir = "../../ddl/testdata"

// schemaCounts counts what the server holds in the connection's schema.
func schemaCounts(t testing.TB, conn *pgx.Conn) (tables, fks, indexes int) {
	t.Helper()
	ctx := context.Background()
	err := conn.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()),
		(SELECT count(*) FROM information_schema.table_constraints
			WHERE constraint_schema = current_schema() AND constraint_type = 'FOREIGN KEY'),
		(SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema())`).Scan(&tables, &fks, &indexes)
	if err != nil {
		t.Fatal(err)
	}
	return tables, fks, indexes
}

// TestGoldenSchemasApply runs every golden PostgreSQL schema of package ddl
// on the server, which must create every table, foreign key and index it
// declares.
func TestGoldenSchemasApply(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.postgres.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden schemas in %s: %v", goldenDir, err)
	}
	var nTables, nFKs, nIndexes int
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			sql, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			conn := newTestConn(t)
			if _, err := conn.Exec(context.Background(), string(sql)); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			tables, fks, indexes := schemaCounts(t, conn)
			s := string(sql)
			// Each table has a primary key index; unique constraints and
			// CREATE INDEX add one each.
			wantIndexes := strings.Count(s, "CREATE TABLE") + strings.Count(s, " UNIQUE (") + strings.Count(s, "CREATE INDEX")
			if tables != strings.Count(s, "CREATE TABLE") || fks != strings.Count(s, "FOREIGN KEY") || indexes != wantIndexes {
				t.Errorf("server has %d tables, %d foreign keys, %d indexes; the schema declares %d, %d, %d",
					tables, fks, indexes, strings.Count(s, "CREATE TABLE"), strings.Count(s, "FOREIGN KEY"), wantIndexes)
			}
			nTables += tables
			nFKs += fks
			nIndexes += indexes
		})
	}
	t.Logf("%d schemas applied: %d tables, %d foreign keys, %d indexes", len(files), nTables, nFKs, nIndexes)
}

// mustSchema opens a store of models and returns it with its PostgreSQL
// schema, applied to conn.
func mustSchema(t testing.TB, conn *pgx.Conn, models ...memstore.Model) *memstore.Store {
	t.Helper()
	s, err := memstore.New(memstore.Config{Models: models})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	sql, err := ddl.PostgreSQL(s.Models())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatalf("apply schema: %v\n%s", err, sql)
	}
	return s
}

// TestCascadeRemovesRestrictingRow runs, on the fuzzers' schema as package
// ddl writes it, the delete that SQLite's RESTRICT refuses and relstore's
// restrict (NO ACTION) accepts: deleting a customer cascades to its order
// and to a note by that customer, and the note restricts the deletion of
// the order. PostgreSQL accepts it, as relstore does (fuzz/sqlite shows
// SQLite's RESTRICT refusing it).
func TestCascadeRemovesRestrictingRow(t *testing.T) {
	ctx := context.Background()
	conn := newTestConn(t)
	s := mustSchema(t, conn, opseq.Models()...)
	for _, q := range []string{
		`INSERT INTO "customer" ("id", "email", "name") VALUES (1, 'ann@x', 'Ann')`,
		`INSERT INTO "order" ("id", "customer_id", "note") VALUES (10, 1, '')`,
		`INSERT INTO "note" ("id", "order_id", "author_email", "text") VALUES ('n', 10, 'ann@x', '')`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	const del = `DELETE FROM "customer" WHERE "id" = 1`
	if _, err := conn.Exec(ctx, del); err != nil {
		t.Errorf("PostgreSQL: %s: %v, want it accepted", del, err)
	}
	var left int
	if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM "order") + (SELECT count(*) FROM "note")`).Scan(&left); err != nil || left != 0 {
		t.Errorf("PostgreSQL: %d orders and notes left (%v), want 0", left, err)
	}

	err := s.Update(ctx, func(tx *memstore.Tx) error {
		ann := opseq.Customer{ID: 1, Email: "ann@x", Name: "Ann"}
		for _, row := range []any{ann, opseq.Order{ID: 10, CustomerID: 1}, opseq.Note{ID: "n", OrderID: 10, AuthorEmail: &ann.Email}} {
			if err := tx.Insert(row); err != nil {
				return err
			}
		}
		return tx.Delete(ann)
	})
	if err != nil {
		t.Errorf("relstore: the same delete: %v, want it accepted", err)
	}
}

// TestRestrictAfterCascade runs the delete of Node 1 (see Node) on the
// schema package ddl writes, which PostgreSQL accepts, as relstore does,
// because the cascading foreign key is created first; and on the same
// tables with the restricting foreign key created first, which PostgreSQL
// refuses: its NO ACTION check then runs before the cascade.
func TestRestrictAfterCascade(t *testing.T) {
	ctx := context.Background()
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Node]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	schema, err := ddl.PostgreSQL(s.Models())
	if err != nil {
		t.Fatal(err)
	}
	const pinFirst = `CREATE TABLE "node" ("id" bigint PRIMARY KEY, "pin" bigint, "up" bigint);
		ALTER TABLE "node" ADD FOREIGN KEY ("pin") REFERENCES "node" ("id") ON DELETE NO ACTION;
		ALTER TABLE "node" ADD FOREIGN KEY ("up") REFERENCES "node" ("id") ON DELETE CASCADE;`
	for _, tc := range []struct {
		name, schema string
		want         string // SQLSTATE of the delete
	}{
		{"ddl's schema", schema, ""},
		{"restricting foreign key created first", pinFirst, "23503"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn := newTestConn(t)
			if _, err := conn.Exec(ctx, tc.schema); err != nil {
				t.Fatal(err)
			}
			if _, err := conn.Exec(ctx, `INSERT INTO "node" VALUES (1, NULL, NULL); INSERT INTO "node" VALUES (2, 1, 1)`); err != nil {
				t.Fatal(err)
			}
			_, err := conn.Exec(ctx, `DELETE FROM "node" WHERE "id" = 1`)
			if got := sqlState(err); got != tc.want || (got == "" && err != nil) {
				t.Errorf("delete of node 1: %v, want SQLSTATE %q", err, tc.want)
			}
		})
	}
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		if err := tx.Insert(Node{ID: 1}); err != nil {
			return err
		}
		if err := tx.Insert(Node{ID: 2, Pin: ptr[int64](1), Up: ptr[int64](1)}); err != nil {
			return err
		}
		return tx.Delete(Node{ID: 1})
	})
	if err != nil {
		t.Errorf("relstore: the same delete: %v, want it accepted", err)
	}
}

// Node references itself twice: Pin restricts the deletion of its target
// and comes first, Up cascades. Deleting node 1 when node 2 pins it and
// hangs from it cascades to node 2, which relstore accepts.
type Node struct {
	ID  int64
	Pin *int64 `relstore:"belongsTo=Node,as=pinned"`
	Up  *int64 `relstore:"belongsTo=Node,as=parent,onDelete=cascade"`
}

// TestDeepCascade shows relstore and PostgreSQL agree where SQLite does
// not (fuzz/sqlite's difference 13): deleting a Root cascades to its Mid,
// which cascades to its Leaf, and the Leaf restricts the Root's deletion.
// PostgreSQL checks the Leaf's reference to the Root (queued with the
// Root's deletion) before the Mid's cascade to the Leaf (queued with the
// Mid's), and refuses the delete, as the trigger queue rule
// (predictDelete) predicts; relstore runs the same queue and refuses it
// too, and both keep every row. No order of constraint creation changes
// this.
func TestDeepCascade(t *testing.T) {
	ctx := context.Background()
	conn := newTestConn(t)
	s := mustSchema(t, conn, memstore.ModelOf[Root](), memstore.ModelOf[Mid](), memstore.ModelOf[Leaf]())
	if _, err := conn.Exec(ctx, `INSERT INTO "root" VALUES (1); INSERT INTO "mid" VALUES (1, 1); INSERT INTO "leaf" VALUES (1, 1, 1)`); err != nil {
		t.Fatal(err)
	}
	_, err := conn.Exec(ctx, `DELETE FROM "root" WHERE "id" = 1`)
	if sqlState(err) != "23503" {
		t.Errorf("PostgreSQL: delete of root 1: %v, want foreign_key_violation", err)
	}
	qs := &opseq.Schema{
		Models: []opseq.ModelSpec{specOf[Root]("ID"), specOf[Mid]("ID"), specOf[Leaf]("ID")},
		Rels: []opseq.RelSpec{
			{Name: "root", Source: 1, Target: 0, FK: "RootID", KeyTo: "ID", OnDelete: memstore.Cascade},
			{Name: "root", Source: 2, Target: 0, FK: "RootID", KeyTo: "ID", OnDelete: memstore.Restrict},
			{Name: "mid", Source: 2, Target: 1, FK: "MidID", KeyTo: "ID", OnDelete: memstore.Cascade},
		},
	}
	p := &pgdb{s: qs, conns: []*pgx.Conn{conn}, dumps: make([]memstore.Dump, 1), seqs: make([][]int64, 1)}
	if err := p.readNames(); err != nil {
		t.Fatal(err)
	}
	if err := p.readTriggers(); err != nil {
		t.Fatal(err)
	}
	rows := []any{Root{ID: 1}, Mid{ID: 1, RootID: 1}, Leaf{ID: 1, RootID: 1, MidID: 1}}
	if got := predictDelete(qs, p.trig, snapOf(qs, rows...), 0, int64(1), false); got != opseq.ForeignKey {
		t.Errorf("the queue rule: %v, want ErrForeignKey", got)
	}
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		for _, row := range rows {
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
	// The same rows on both: all three.
	pd, err := p.dump(0)
	if err != nil {
		t.Fatal(err)
	}
	var rd memstore.Dump
	if err := s.View(ctx, func(tx *memstore.Tx) (err error) { rd, err = tx.Dump(); return err }); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(pd, rd, dumpOpts); diff != "" {
		t.Errorf("rows differ (-postgres +relstore):\n%s", diff)
	}
	if n := len(rd["Root"]) + len(rd["Mid"]) + len(rd["Leaf"]); n != 3 {
		t.Errorf("%d rows after the refused delete, want 3", n)
	}
}

type Root struct{ ID int64 }

type Mid struct {
	ID     int64
	RootID int64 `relstore:"belongsTo=Root,onDelete=cascade"`
}

type Leaf struct {
	ID     int64
	RootID int64 `relstore:"belongsTo=Root"`
	MidID  int64 `relstore:"belongsTo=Mid,onDelete=cascade"`
}

// Kinds has a field of every kind package ddl maps, as in its golden
// "kinds" schema.
type Kinds struct {
	ID       int64 `relstore:"pk,auto"`
	Bool     bool
	Int      int
	Int8     int8
	Int16    int16
	Int32    int32
	Int64    int64
	Uint     uint
	Uint8    uint8
	Uint16   uint16
	Uint32   uint32
	Uint64   uint64
	Float32  float32
	Float64  float64
	String   string
	Named    Status
	UUID     [16]byte
	Bytes    []byte
	Time     time.Time
	Duration time.Duration
	Strings  []string
	Array    [3]int
	Map      map[string]int
	Struct   Point
	Any      any
	PtrInt   *int32
	PtrTime  *time.Time
	PtrUUID  *[16]byte
	PtrPoint *Point
	Embedded
	*Optional
}

type Status string

type Point struct{ X, Y int }

type Embedded struct{ Label string }

type Optional struct{ Score float64 }

// kindsColumns are Kinds' columns, in field order, as package ddl names them.
const kindsColumns = `"id", "bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16",
	"uint32", "uint64", "float32", "float64", "string", "named", "uuid", "bytes", "time", "duration",
	"strings", "array", "map", "struct", "any", "ptr_int", "ptr_time", "ptr_uuid", "ptr_point", "label", "score"`

func kindsArgs(k *Kinds) []any {
	var score *float64
	if k.Optional != nil {
		score = &k.Optional.Score
	}
	return []any{k.ID, k.Bool, k.Int, k.Int8, k.Int16, k.Int32, k.Int64, k.Uint, k.Uint8, k.Uint16,
		k.Uint32, k.Uint64, k.Float32, k.Float64, k.String, k.Named, k.UUID, k.Bytes, k.Time, k.Duration,
		k.Strings, k.Array, k.Map, k.Struct, k.Any, k.PtrInt, k.PtrTime, k.PtrUUID, k.PtrPoint, k.Label, score}
}

// TestKindsRoundTrip writes a row with every column kind through pgx into
// the schema package ddl writes, and reads back the same values: the
// mapping fits what the driver encodes for each Go type.
func TestKindsRoundTrip(t *testing.T) {
	ctx := context.Background()
	conn := newTestConn(t)
	mustSchema(t, conn, memstore.ModelOf[Kinds]())
	now := time.Date(2026, 12, 2, 13, 14, 15, 123456000, time.UTC) // microseconds: timestamptz's precision
	full := Kinds{
		ID: 1, Bool: true, Int: -1 << 40, Int8: -128, Int16: -32768, Int32: -1 << 31, Int64: -1 << 62,
		Uint: 1 << 40, Uint8: 255, Uint16: 65535, Uint32: 1<<32 - 1, Uint64: 1<<63 - 1,
		Float32: 1.5, Float64: -2.25, String: "héllo 'quoted'", Named: "active",
		UUID: [16]byte{0: 0xde, 1: 0xad, 15: 0x01}, Bytes: []byte{0, 1, 2, 255}, Time: now, Duration: 90 * time.Minute,
		Strings: []string{"a", "b"}, Array: [3]int{1, 2, 3}, Map: map[string]int{"k": 1}, Struct: Point{3, 4},
		Any: map[string]any{"k": "v"}, PtrInt: ptr[int32](7), PtrTime: &now, PtrUUID: &[16]byte{1}, PtrPoint: &Point{5, 6},
		Embedded: Embedded{Label: "label"}, Optional: &Optional{Score: 9.5},
	}
	empty := Kinds{ID: 2, Time: now} // nil pointers, slices and maps; zero values
	for _, k := range []Kinds{full, empty} {
		args := kindsArgs(&k)
		params := make([]string, len(args))
		for i := range args {
			params[i] = fmt.Sprintf("$%d", i+1)
		}
		q := `INSERT INTO "kinds" (` + kindsColumns + ") VALUES (" + strings.Join(params, ", ") + ")"
		if _, err := conn.Exec(ctx, q, args...); err != nil {
			t.Fatalf("insert %d: %v", k.ID, err)
		}
		var got Kinds
		var score *float64
		if err := conn.QueryRow(ctx, "SELECT "+kindsColumns+` FROM "kinds" WHERE "id" = $1`, k.ID).Scan(kindsDst(&got, &score)...); err != nil {
			t.Fatalf("select %d: %v", k.ID, err)
		}
		if score != nil {
			got.Optional = &Optional{Score: *score}
		}
		if diff := cmp.Diff(k, got); diff != "" {
			t.Errorf("row %d read back (-wrote +read):\n%s", k.ID, diff)
		}
	}
}

// kindsDst returns pointers to Kinds' fields in column order, for Scan;
// the embedded pointer's Score is read into score.
func kindsDst(k *Kinds, score **float64) []any {
	return []any{&k.ID, &k.Bool, &k.Int, &k.Int8, &k.Int16, &k.Int32, &k.Int64, &k.Uint, &k.Uint8, &k.Uint16,
		&k.Uint32, &k.Uint64, &k.Float32, &k.Float64, &k.String, &k.Named, &k.UUID, &k.Bytes, &k.Time, &k.Duration,
		&k.Strings, &k.Array, &k.Map, &k.Struct, &k.Any, &k.PtrInt, &k.PtrTime, &k.PtrUUID, &k.PtrPoint, &k.Label, score}
}

func ptr[T any](v T) *T { return &v }
