package postgres

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/relstore/relstore/internal/opseq"
	"github.com/relstore/relstore/memstore"
)

// The differences that remain between relstore and PostgreSQL on the DDL
// package ddl writes, each pinned here (see the package doc's table), and
// the agreements where SQLite differs. A test that fails says a difference
// is gone or has changed: update the table, ddl's Caveats and the replay's
// accounting (compare).

// specOf describes a model for the queue rule (predictDelete), which reads
// only the type, the key and the relations of an opseq.Schema, and for
// pgdb.dump, which also reads the key's type from KeyValues.
func specOf[T any](key string) opseq.ModelSpec {
	t := reflect.TypeFor[T]()
	f, _ := t.FieldByName(key)
	return opseq.ModelSpec{Name: t.Name(), Type: t, Key: key, KeyValues: []any{reflect.Zero(f.Type).Interface()}}
}

// snapOf returns the rows of s's models as a pgSnap, keyed by their key
// field, in the order given (PostgreSQL's order of the rows one cascade
// removes is the order they were inserted, here).
func snapOf(s *opseq.Schema, rows ...any) pgSnap {
	sn := pgSnap{keys: make([][]any, len(s.Models)), rows: make([][]any, len(s.Models))}
	for _, row := range rows {
		m := s.ModelOf(row)
		sn.keys[m], sn.rows[m] = append(sn.keys[m], s.PK(row)), append(sn.rows[m], row)
	}
	return sn
}

// execAll runs statements on the test's connection.
func execAll(t *testing.T, p *pgdb, stmts ...string) {
	t.Helper()
	for _, q := range stmts {
		if _, err := p.conns[0].Exec(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// relstoreDelete inserts rows into a new store of models, deletes del and
// returns the rows left and the delete's error.
func relstoreDelete(t *testing.T, models []memstore.Model, del any, rows ...any) (memstore.Dump, error) {
	t.Helper()
	ctx := context.Background()
	s, err := memstore.New(memstore.Config{Models: models})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
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
	err = s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(del) })
	var d memstore.Dump
	if err := s.View(ctx, func(tx *memstore.Tx) (err error) { d, err = tx.Dump(); return err }); err != nil {
		t.Fatal(err)
	}
	return d, err
}

// classifyStore maps a relstore error to its class (nil is OK).
func classifyStore(err error) opseq.Class {
	switch {
	case err == nil:
		return opseq.OK
	case errors.Is(err, memstore.ErrForeignKey):
		return opseq.ForeignKey
	}
	return opseq.Other
}

// TestSiblingCascadeOrder shows relstore and PostgreSQL agree on the case
// of FuzzOps's schema that its seed "cascade by keyTo email and reply
// chain" meets, where SQLite does not (fuzz/sqlite's difference 13):
// deleting a customer cascades to its order and, by email, to its note p;
// note x is on that order (restrict) and replies to p (cascade). Both run
// the customer's two cascades in the order the foreign keys were created
// (ddl: in the order of the models), order first: the order's NO ACTION
// check then runs before p's cascade to x, and the delete is refused. With
// the author cascade created first (Note declared before Order), both
// accept it. The trigger queue rule (predictDelete) predicts both.
func TestSiblingCascadeOrder(t *testing.T) {
	ctx := context.Background()
	s := opseq.Shop
	a := "a@x"
	rows := []any{
		opseq.Customer{ID: 1, Email: a},
		opseq.Order{ID: 1, CustomerID: 1},
		opseq.Note{ID: "p", OrderID: 1, AuthorEmail: &a},
		opseq.Note{ID: "x", OrderID: 1, ReplyTo: opseq.Str("p")},
	}
	inserts := []string{
		`INSERT INTO "customer" ("id", "email", "name") VALUES (1, 'a@x', '')`,
		`INSERT INTO "order" ("id", "customer_id", "note") VALUES (1, 1, '')`,
		`INSERT INTO "note" ("id", "order_id", "author_email", "text") VALUES ('p', 1, 'a@x', '')`,
		`INSERT INTO "note" ("id", "order_id", "reply_to", "text") VALUES ('x', 1, 'p', '')`,
	}
	swap := func(schema string) string { // the author cascade before the customer cascade
		_, fks := splitDDL(schema)
		var customer, author string
		for _, fk := range fks {
			switch {
			case strings.Contains(fk, `"order_customer_id_fkey"`):
				customer = fk
			case strings.Contains(fk, `"note_author_email_fkey"`):
				author = fk
			}
		}
		schema = strings.Replace(schema, customer, "@@", 1)
		schema = strings.Replace(schema, author, customer, 1)
		return strings.Replace(schema, "@@", author, 1)
	}
	ms := opseq.Models()
	noteFirst := []memstore.Model{ms[opseq.MCustomer], ms[opseq.MNote], ms[opseq.MOrder]}
	for _, tc := range []struct {
		name   string
		schema func(string) string
		models []memstore.Model // relstore's, declared in the order of the foreign keys
		want   opseq.Class
	}{
		{"ddl's order", func(s string) string { return s }, ms, opseq.ForeignKey},
		{"author cascade first", swap, noteFirst, opseq.OK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPG(t, s)
			p.ddl = tc.schema(pgSchema(t, s))
			id := quote(p.schemas[0])
			execAll(t, p, "DROP SCHEMA "+id+" CASCADE; CREATE SCHEMA "+id+";\n"+p.ddl)
			p.s = s
			if err := p.readNames(); err != nil {
				t.Fatal(err)
			}
			if err := p.readTriggers(); err != nil {
				t.Fatal(err)
			}
			execAll(t, p, inserts...)
			_, err := p.conns[0].Exec(ctx, `DELETE FROM "customer" WHERE "id" = 1`)
			if got := classify(err); got != tc.want {
				t.Errorf("PostgreSQL: delete of customer 1: %v (%v), want %v", got, err, tc.want)
			}
			if got := predictDelete(s, p.trig, snapOf(s, rows...), opseq.MCustomer, int64(1), false); got != tc.want {
				t.Errorf("the queue rule: %v, want %v", got, tc.want)
			}
			rd, err := relstoreDelete(t, tc.models, rows[0], rows...)
			if got := classifyStore(err); got != tc.want {
				t.Errorf("relstore: delete of customer 1: %v, want %v", err, tc.want)
			}
			p.dumps, p.seqs = make([]memstore.Dump, 1), make([][]int64, 1)
			pd, err := p.dump(0)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(pd, rd, dumpOpts); diff != "" {
				t.Errorf("rows differ (-postgres +relstore):\n%s", diff)
			}
		})
	}
}

// Grp, Mem and Link make the case where PostgreSQL's outcome depends on the
// physical order of the rows: deleting a Grp cascades to its Mems in one
// statement, and each Mem's events run in turn: its cascade to the Links
// that keep it, then the NO ACTION check of the Links that pin it.
type Grp struct{ ID int64 }

type Mem struct {
	ID    int64
	GrpID int64 `relstore:"belongsTo=Grp,onDelete=cascade"`
}

type Link struct {
	ID     int64
	KeepID *int64 `relstore:"belongsTo=Mem,as=keep,onDelete=cascade"`
	PinID  *int64 `relstore:"belongsTo=Mem,as=pin"`
}

// TestCascadeRowOrder pins what no rule over the rows' values can match:
// link 1 keeps mem 1 (cascade) and pins mem 2 (restrict), and both mems
// belong to grp 1. Deleting grp 1 removes both mems in one cascading DELETE,
// which takes them in the order of its scan, here the order they were
// inserted. Mem 1 first: its cascade removes the link before mem 2's check,
// and PostgreSQL accepts the delete; mem 2 first: its check sees the link,
// and PostgreSQL refuses it. The same rows, two outcomes. relstore accepts
// both; the queue rule predicts each with the rows in that order.
func TestCascadeRowOrder(t *testing.T) {
	ctx := context.Background()
	s := &opseq.Schema{
		Name:   "grp",
		Models: []opseq.ModelSpec{specOf[Grp]("ID"), specOf[Mem]("ID"), specOf[Link]("ID")},
		Rels: []opseq.RelSpec{
			{Name: "grp", Source: 1, Target: 0, FK: "GrpID", KeyTo: "ID", OnDelete: memstore.Cascade},
			{Name: "keep", Source: 2, Target: 1, FK: "KeepID", KeyTo: "ID", OnDelete: memstore.Cascade, Nullable: true},
			{Name: "pin", Source: 2, Target: 1, FK: "PinID", KeyTo: "ID", OnDelete: memstore.Restrict, Nullable: true},
		},
	}
	models := []memstore.Model{memstore.ModelOf[Grp](), memstore.ModelOf[Mem](), memstore.ModelOf[Link]()}
	link := Link{ID: 1, KeepID: ptr[int64](1), PinID: ptr[int64](2)}
	for _, tc := range []struct {
		name string
		mems []Mem
		want opseq.Class
	}{
		{"mem 1 inserted first", []Mem{{1, 1}, {2, 1}}, opseq.OK},
		{"mem 2 inserted first", []Mem{{2, 1}, {1, 1}}, opseq.ForeignKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn := newTestConn(t)
			mustSchema(t, conn, models...)
			p := &pgdb{s: s, conns: []*pgx.Conn{conn}}
			if err := p.readNames(); err != nil {
				t.Fatal(err)
			}
			if err := p.readTriggers(); err != nil {
				t.Fatal(err)
			}
			stmts := []string{`INSERT INTO "grp" VALUES (1)`}
			rows := []any{Grp{ID: 1}}
			for _, m := range tc.mems {
				stmts = append(stmts, `INSERT INTO "mem" VALUES (`+strconv.FormatInt(m.ID, 10)+`, 1)`)
				rows = append(rows, m)
			}
			stmts = append(stmts, `INSERT INTO "link" VALUES (1, 1, 2)`)
			rows = append(rows, link)
			execAll(t, p, stmts...)
			_, err := conn.Exec(ctx, `DELETE FROM "grp" WHERE "id" = 1`)
			if got := classify(err); got != tc.want {
				t.Errorf("PostgreSQL: delete of grp 1: %v (%v), want %v", got, err, tc.want)
			}
			if got := predictDelete(s, p.trig, snapOf(s, rows...), 0, int64(1), false); got != tc.want {
				t.Errorf("the queue rule: %v, want %v", got, tc.want)
			}
			if _, err := relstoreDelete(t, models, Grp{ID: 1}, rows...); err != nil {
				t.Errorf("relstore: delete of grp 1: %v, want it accepted", err)
			}
		})
	}
}

// TestAutoKeyDifference pins difference 3: PostgreSQL's identity sequence
// does not count a key given explicitly, so the next assigned key collides
// with it, and a rolled-back insert consumes its key; relstore's counter is
// the largest key ever inserted plus one and is rolled back with its
// transaction. The replay gives PostgreSQL relstore's keys explicitly.
func TestAutoKeyDifference(t *testing.T) {
	ctx := context.Background()
	conn := newTestConn(t)
	s := mustSchema(t, conn, opseq.Models()...)
	if _, err := conn.Exec(ctx, `INSERT INTO "customer" ("id", "email", "name") VALUES (1, 'a@x', '')`); err != nil {
		t.Fatal(err)
	}
	_, err := conn.Exec(ctx, `INSERT INTO "customer" ("email", "name") VALUES ('b@x', '')`)
	if sqlState(err) != "23505" {
		t.Errorf("PostgreSQL: an assigned key after explicit key 1: %v, want unique_violation (the identity gives 1)", err)
	}
	// The failed insert took 1 from the sequence; a rolled-back one takes 2.
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO "customer" ("email", "name") VALUES ('c@x', '')`); err != nil {
		t.Fatal(err)
	}
	tx.Rollback(ctx)
	var id int64
	if err := conn.QueryRow(ctx, `INSERT INTO "customer" ("email", "name") VALUES ('d@x', '') RETURNING "id"`).Scan(&id); err != nil || id != 3 {
		t.Errorf("PostgreSQL: assigned key %d (%v), want 3 (1 and 2 consumed)", id, err)
	}

	customers, err := memstore.TableOf[opseq.Customer, int64](s)
	if err != nil {
		t.Fatal(err)
	}
	var keys []int64
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		if _, err := customers.Insert(tx, opseq.Customer{ID: 1, Email: "a@x"}); err != nil {
			return err
		}
		k, err := customers.Insert(tx, opseq.Customer{Email: "b@x"})
		keys = append(keys, k)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Update(ctx, func(tx *memstore.Tx) error {
		customers.Insert(tx, opseq.Customer{Email: "c@x"})
		return errors.New("roll back")
	})
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		k, err := customers.Insert(tx, opseq.Customer{Email: "d@x"})
		keys = append(keys, k)
		return err
	})
	if err != nil || !reflect.DeepEqual(keys, []int64{2, 3}) {
		t.Errorf("relstore: assigned keys %v (%v), want [2 3]", keys, err)
	}
}

// TestNoRowIsNoError pins difference 12: an UPDATE or DELETE of no row is
// no error to PostgreSQL, and the transaction goes on; relstore's
// ErrNotFound is an error like the others, and aborts the transaction. The
// replay ends the SQL transaction there.
func TestNoRowIsNoError(t *testing.T) {
	ctx := context.Background()
	conn := newTestConn(t)
	s := mustSchema(t, conn, opseq.Models()...)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tag, err := tx.Exec(ctx, `UPDATE "customer" SET "name" = 'x' WHERE "id" = 9`)
	if err != nil || tag.RowsAffected() != 0 {
		t.Fatalf("PostgreSQL: update of no row: %v, %d rows", err, tag.RowsAffected())
	}
	if _, err := tx.Exec(ctx, `INSERT INTO "customer" ("id", "email", "name") VALUES (1, 'a@x', '')`); err != nil {
		t.Errorf("PostgreSQL: insert after an update of no row: %v, want it accepted", err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Errorf("PostgreSQL: commit: %v", err)
	}

	var second error
	s.Update(ctx, func(tx *memstore.Tx) error {
		if err := tx.Update(opseq.Customer{ID: 9, Name: "x"}); !errors.Is(err, memstore.ErrNotFound) {
			t.Errorf("relstore: update of no row: %v, want ErrNotFound", err)
		}
		second = tx.Insert(opseq.Customer{ID: 1, Email: "a@x"})
		return nil
	})
	if !errors.Is(second, memstore.ErrTxAborted) {
		t.Errorf("relstore: insert after an update of no row: %v, want ErrTxAborted", second)
	}
}

// TestZeroKeyIsAKey pins difference 4: 0 and ” are keys like any other to
// PostgreSQL; relstore refuses a zero key with ErrInvalid. The replay
// refuses such ops before any SQL.
func TestZeroKeyIsAKey(t *testing.T) {
	ctx := context.Background()
	conn := newTestConn(t)
	s := mustSchema(t, conn, opseq.Models()...)
	for _, q := range []string{
		`INSERT INTO "customer" ("id", "email", "name") VALUES (0, 'a@x', '')`,
		`INSERT INTO "order" ("id", "customer_id", "note") VALUES (0, 0, '')`,
		`INSERT INTO "note" ("id", "order_id", "text") VALUES ('', 0, '')`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Errorf("PostgreSQL: %s: %v, want it accepted", q, err)
		}
	}
	for _, row := range []any{opseq.Order{ID: 0, CustomerID: 1}, opseq.Note{ID: "", OrderID: 1}} {
		err := s.Update(ctx, func(tx *memstore.Tx) error { return tx.Insert(row) })
		if !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("relstore: insert %s: %v, want ErrInvalid", opseq.FormatRow(row), err)
		}
	}
}
