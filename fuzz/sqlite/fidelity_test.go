// Package sqlite checks relstore against a real database: the operation
// sequences of the fuzz corpora (internal/opseq: FuzzOps's schema Shop,
// FuzzSeats's schema Seats and FuzzLinks's schema Links, with the on-delete
// actions each input chooses),
// replayed on SQLite in memory (modernc.org/sqlite, pure Go, foreign keys
// on, the schema package ddl writes from the same models: the same ON DELETE
// rules and UNIQUE constraints) and on relstore, must be accepted or refused
// alike and leave the same rows. Each relstore store is its own SQLite database; the
// concurrent writers of an OpConcurrent run on SQLite serially, in the order
// they committed on relstore. It is a nested module so that SQLite stays out
// of relstore's module graph.
//
// Where SQLite and PostgreSQL differ, relstore follows PostgreSQL, and the
// comparison accounts for each difference explicitly:
//
//	#  difference                           PostgreSQL / relstore                  SQLite                                   how the test accounts for it
//	1  RESTRICT vs NO ACTION timing          relstore "restrict" = PG NO ACTION:    RESTRICT checks each row at once and     the DDL maps relstore's restrict to SQLite's
//	                                         checked after the actions queued       refuses a delete whose own cascade       NO ACTION, which SQLite also checks at the
//	                                         before it (13), so a referencing row   removes the referencing row              end of the statement (TestRestrictTiming shows
//	                                         that the deleted row's own cascade                                             RESTRICT refusing what relstore accepts)
//	                                         removes does not block                                                         SQLite reports RESTRICT as SQLITE_CONSTRAINT_TRIGGER
//	2  failed statement in a transaction     aborts the transaction: later          only the statement is rolled back; the   after a failed statement the harness rolls the
//	                                         statements fail (ErrTxAborted), the   transaction goes on and may commit       SQLite transaction back and reports later ops
//	                                         Update returns the first error                                                 as ErrTxAborted (TestFailedStatementKeepsTransaction)
//	3  auto keys                             relstore: largest key ever + 1, part  INTEGER PRIMARY KEY alone reuses         the DDL declares AUTOINCREMENT, whose counter
//	                                         of the transaction and snapshots      max(rowid)+1 after the largest row is    (sqlite_sequence) is largest ever + 1 and
//	                                         (PG sequences are never rolled back;  deleted                                  transactional, as relstore's (TestAutoKeyReuse)
//	                                         relstore's are, for reproducible keys)
//	4  zero keys and bad input               ErrInvalid for ID 0 or "", nil,       id 0 and '' are ordinary keys; Go-level  zero keys are validated before any SQL, as
//	                                         typed nil, unregistered types; a      inputs do not exist                      relstore's API does; the other bad inputs
//	                                         write in a View is ErrReadOnly,                                                (OpBad, a write in a View) are not sent and
//	                                         a nested Update ErrNested                                                      not compared
//	5  clearing a NOT NULL foreign key       ErrInvalid, before looking at the row  NOT NULL constraint failed, or no error  validated before any SQL
//	   (BelongsTo.Set(src, nil))                                                    at all when the row does not exist
//	6  Snapshot / Restore                    O(1) snapshots of the whole store,     none                                     emulated: a snapshot copies every row and the
//	                                         auto-key counter included                                                      sqlite_sequence counter; restore reloads them
//	                                                                                                                        with deferred foreign keys
//	7  context cancelled inside Update fn    checked before commit: rolled back,   database/sql rolls back asynchronously   emulated by a ROLLBACK and context.Canceled
//	                                         context.Canceled                      when the context ends
//	8  changing a referenced key (email)     refused (ErrForeignKey)               ON UPDATE NO ACTION (the default):       none needed
//	                                                                               refused at the end of the statement
//	9  duplicate key error kinds             ErrUnique for both                     SQLITE_CONSTRAINT_PRIMARYKEY and         both map to ErrUnique
//	                                                                                SQLITE_CONSTRAINT_UNIQUE
//	10 a model without a key field           a store-assigned RowID, not in the     a rowid, or an INTEGER PRIMARY KEY       ddl gives a keyless model a "rowid" column
//	                                         struct: Table.Update, Tx.Update,       column                                   (AUTOINCREMENT); the API-only refusals are
//	                                         Tx.Delete and BelongsTo.Set to it                                              made before any SQL (opseq.Schema.Refused)
//	                                         (by RowID) are ErrInvalid
//	11 a handle of another store             ErrInvalid (issue 13, defect 2)        one database per connection: no such     refused before any SQL (opseq.Schema.Refused)
//	                                                                                thing
//	12 a polymorphic belongsTo               the discriminator names the model the  no foreign key can name a table row by   triggers (lite.polyTriggers): a new or changed
//	   (FuzzLinks's LPic.ref)                key references (an unknown name is a   row                                      key is checked in the named table; a target's
//	                                         foreign key error); a target's delete                                          delete applies onDelete to the rows naming it;
//	                                         applies onDelete to the rows naming it                                         RAISE(ABORT) is SQLITE_CONSTRAINT_TRIGGER
//	13 restrict after cascades               a delete's actions run as a queue of   NO ACTION counts the references left     a DELETE that SQLite accepts and the opseq
//	                                         row events (foreign keys in creation   at the end of the statement: accepts     model (the queue rule, as relstore) refuses
//	                                         order: ddl creates cascading ones      a delete whose referencing row goes      is reported refused and SQLite rolled back,
//	                                         first); a NO ACTION check refuses if a only through a later cascade (A→B→C,     as for any refused write, and counted; any
//	                                         referencing row is still there when    C restricts A)                           other disagreement fails
//	                                         its turn comes, even if a cascade                                               (TestRestrictAfterCascades; on PostgreSQL
//	                                         queued later removes it                                                         TestDeepCascade)
package sqlite

import (
	"context"
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
	"github.com/relstore/relstore/memstore"
)

var (
	randomSeed = flag.Uint64("ops.seed", 0, "TestFidelity: the seed of the random sequences (0: from the clock)")
	randomN    = flag.Int("ops.n", 100, "TestFidelity: how many random sequences")
)

// corpora are the fuzz targets' corpora in the root module (seeds and
// crashers), with their schemas, and the random sequences' schemas.
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
// sequences on SQLite and on relstore.
func TestFidelity(t *testing.T) {
	for _, c := range corpora {
		t.Run(c.base.Name, func(t *testing.T) { fidelity(t, c.dir, c.base, c.seeds(), c.random) })
	}
}

func fidelity(t *testing.T, dir string, base *opseq.Schema, seeds []opseq.Seed, random *opseq.Schema) {
	var st stats
	t.Run("seeds", func(t *testing.T) {
		for _, s := range seeds {
			t.Run(s.Name, func(t *testing.T) { st.add(compare(t, s.Seq, "")) })
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
				st.add(compare(t, opseq.Decode(base, data), ""))
			})
		}
	})
	t.Run("random", func(t *testing.T) {
		seed := *randomSeed
		if seed == 0 {
			seed = uint64(time.Now().UnixNano())
		}
		t.Logf("seed %d (replay with go test -run %s -ops.seed=%d)", seed, t.Name(), seed)
		r := rand.New(rand.NewPCG(seed, 0x6c697465))
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
			st.add(compare(t, opseq.Decode(random, data), label))
			if t.Failed() {
				return
			}
		}
	})
	t.Logf("%s", st)
}

// stats counts what was compared.
type stats struct {
	ops, compared, notSent, refused int
	queued                          int // deletes SQLite accepts and PostgreSQL's trigger queue refuses (difference 13)
}

func (s *stats) add(o stats) {
	s.ops += o.ops
	s.compared += o.compared
	s.notSent += o.notSent
	s.refused += o.refused
	s.queued += o.queued
}

func (s stats) String() string {
	return fmt.Sprintf("%d ops: %d compared (%d refused by both, %d of them deletes SQLite accepts and PostgreSQL's trigger queue refuses), %d bad inputs not sent to SQLite",
		s.ops, s.compared, s.refused, s.queued, s.notSent)
}

var dumpOpts = cmpopts.EquateEmpty()

// compare runs seq on both and checks each op's outcome and the rows of
// every store after it. The reference model only resolves each op's
// arguments (the rows it passes), so that both backends make the same call;
// the writers of an OpConcurrent run on SQLite in the order they ran on
// relstore.
func compare(t testing.TB, seq opseq.Seq, label string) stats {
	t.Helper()
	s, ops := seq.Schema, seq.Ops
	if v := s.Variant(); v != "" {
		label += "schema " + s.Name + ": " + v + "\n"
	}
	var st stats
	r, err := replay.New(s, cache.Config{MaxCost: 3 << 10, Stripes: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	l := openLite(t, s, "")
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
		l.queue, l.queued = queueRefusals(op, m.Apply(op)), 0
		want := l.run(op)
		l.queue = nil
		st.ops++
		st.queued += l.queued
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("%sop %d: %s\nops:\n%s", label, i, fmt.Sprintf(format, args...), opseq.FormatOps(s, done, i))
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
				fail("outcome differs (-sqlite +relstore):\n%s", diff)
			}
		}
		for sto := range s.NumStores() {
			rd, err := r.Dump(sto)
			if err != nil {
				fail("relstore Dump of store %d: %v", sto, err)
			}
			ld, err := l.dump(sto)
			if err != nil {
				fail("SQLite dump of store %d: %v", sto, err)
			}
			if diff := cmp.Diff(ld, rd, dumpOpts); diff != "" {
				fail("rows of store %d differ (-sqlite +relstore):\n%s", sto, diff)
			}
		}
	}
	return st
}

// runLite runs ops of schema s on fresh SQLite databases (restrict: see
// schemaSQL) and returns the outcomes.
func runLite(t *testing.T, s *opseq.Schema, restrict string, ops []opseq.Op) []opseq.Outcome {
	t.Helper()
	l := openLite(t, s, restrict)
	m := opseq.NewModel(s)
	var out []opseq.Outcome
	for _, op := range ops {
		op = m.Resolve(op)
		m.Apply(op)
		out = append(out, l.run(op))
	}
	return out
}

// Node is the smallest shape where the timing of the restrict check
// matters: deleting a node cascades to its children (Up), and a child that
// pins its parent (Pin, restrict) is removed by the same delete.
type Node struct {
	ID  int64
	Up  *int64 `relstore:"belongsTo=Node,as=parent,onDelete=cascade"`
	Pin *int64 `relstore:"belongsTo=Node,as=pinned"`
}

// TestRestrictTiming shows difference 1: SQLite's RESTRICT refuses the
// delete that relstore (PostgreSQL's NO ACTION) and SQLite's NO ACTION
// accept. With the opseq schema the difference does not show on SQLite only
// because SQLite happens to run the notes' cascade (newest child table
// first) before it deletes the order the note pins.
func TestRestrictTiming(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		rule string
		want opseq.Class
	}{
		{"NO ACTION", opseq.OK},
		{"RESTRICT", opseq.ForeignKey},
	} {
		t.Run(tt.rule, func(t *testing.T) {
			conn := openDDL(t, "")
			ddl := "CREATE TABLE node (id INTEGER PRIMARY KEY, up INTEGER REFERENCES node(id) ON DELETE CASCADE, " +
				"pin INTEGER REFERENCES node(id) ON DELETE " + tt.rule + ");" +
				"INSERT INTO node VALUES (1, NULL, NULL); INSERT INTO node VALUES (2, 1, 1);"
			if _, err := conn.ExecContext(ctx, ddl); err != nil {
				t.Fatal(err)
			}
			_, err := conn.ExecContext(ctx, "DELETE FROM node WHERE id = 1")
			if got := classify(err); got != tt.want {
				t.Errorf("SQLite ON DELETE %s: delete = %v (%v), want %v", tt.rule, got, err, tt.want)
			}
		})
	}
	t.Run("relstore", func(t *testing.T) {
		s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Node]()}})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		err = s.Update(ctx, func(tx *memstore.Tx) error {
			if err := tx.Insert(Node{ID: 1}); err != nil {
				return err
			}
			return tx.Insert(Node{ID: 2, Up: opseq.Int(1), Pin: opseq.Int(1)})
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(Node{ID: 1}) })
		if err != nil {
			t.Errorf("relstore: delete = %v, want nil (NO ACTION: the pinning row goes too)", err)
		}
	})
}

// TestFailedStatementKeepsTransaction shows difference 2 on SQLite itself:
// after a failed INSERT, the transaction is still open and commits the
// statements before and after it. relstore (like PostgreSQL) would return
// the first error and write nothing.
func TestFailedStatementKeepsTransaction(t *testing.T) {
	l := openLite(t, opseq.Shop, "")
	ctx := context.Background()
	tx, err := l.conns[0].BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustExec := func(q string) {
		t.Helper()
		if _, err := tx.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	mustExec(`INSERT INTO "customer" ("id", "email", "name") VALUES (1, 'a@x', '')`)
	if _, err := tx.ExecContext(ctx, `INSERT INTO "order" ("id", "customer_id", "note") VALUES (1, 7, '')`); classify(err) != opseq.ForeignKey {
		t.Fatalf("dangling insert: %v, want a foreign key error", err)
	}
	mustExec(`INSERT INTO "customer" ("id", "email", "name") VALUES (2, 'b@x', '')`)
	if err := tx.Commit(); err != nil {
		t.Fatalf("Commit after a failed statement: %v (SQLite keeps the transaction)", err)
	}
	d, err := l.dump(0)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(d["Customer"]); n != 2 {
		t.Errorf("SQLite committed %d customers, want 2 (both statements around the failed one)", n)
	}
}

// TestAutoKeyReuse shows difference 3: without AUTOINCREMENT, SQLite gives a
// deleted largest key again; relstore and AUTOINCREMENT never do.
func TestAutoKeyReuse(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name, ddl string
		want      int64
	}{
		{"rowid reuses", "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", 2},
		{"autoincrement does not", "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)", 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			conn := openDDL(t, "")
			for _, q := range []string{tt.ddl, "INSERT INTO t (v) VALUES ('1')", "INSERT INTO t (v) VALUES ('2')", "DELETE FROM t WHERE id = 2"} {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			res, err := conn.ExecContext(ctx, "INSERT INTO t (v) VALUES ('3')")
			if err != nil {
				t.Fatal(err)
			}
			if id, _ := res.LastInsertId(); id != tt.want {
				t.Errorf("third key = %d, want %d", id, tt.want)
			}
		})
	}
	out := runLite(t, opseq.Shop, "", []opseq.Op{
		{Kind: opseq.OpInsert, Row: opseq.Customer{Email: "a@x"}},
		{Kind: opseq.OpInsert, Row: opseq.Customer{Email: "b@x"}},
		{Kind: opseq.OpDelete, Model: opseq.MCustomer, Key: int64(2)},
		{Kind: opseq.OpInsert, Row: opseq.Customer{Email: "c@x"}},
	})
	if got := out[3].Value; got != int64(3) {
		t.Errorf("opseq schema: third auto key = %v, want 3", got)
	}
}
