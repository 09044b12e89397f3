// Package postgres checks relstore against a real PostgreSQL: the schemas
// that package ddl writes apply to the server (every golden schema and the
// fuzzers' models), the Go types of each column kind round-trip through pgx,
// the same integrity violation gets the same SQLSTATE from relstore and
// from the server, and the operation sequences of the fuzz corpora replay
// alike on both. It is a nested module so that pgx stays out of relstore's
// module graph.
//
// The tests read one variable, RELSTORE_PG_DSN, a pgx connection string for
// a database they may create schemas in, as a superuser (the replay's
// Restore turns the foreign key triggers off with session_replication_role);
// `source .ci/postgres.sh` (from the repository root) starts a throwaway
// server and sets it. Without it the tests skip, unless CI=true, where they
// fail. Each test works in schemas of its own, dropped when it ends.
//
// # The replay
//
// TestFidelity replays FuzzOps's, FuzzSeats's and FuzzLinks's sequences
// (internal/opseq: schemas Shop, Seats and Links, the latter two with the
// on-delete actions each input chooses) on relstore and on PostgreSQL, as
// fuzz/sqlite does on SQLite: the seed corpora, the committed corpus files
// under fuzz/testdata/fuzz (FuzzLinks has none yet: that subtest skips), and
// -ops.n random sequences per schema (default 50, to keep CI short; the
// seed is printed, and -ops.seed replays it). Each relstore store is a
// schema of the server with ddl's DDL, reached through a connection of its
// own; the concurrent writers of an OpConcurrent run serially, in the order
// they committed on relstore.
// Every op must get the same outcome (ok, ErrForeignKey = 23503, ErrUnique =
// 23505, ErrTxAborted = 25P02, ErrReadOnly = 25006, ErrNotFound = no row,
// ErrInvalid where relstore refuses bad input, and the same keys and rows
// returned), and every store the same rows after every op. Every DELETE is
// also checked against the trigger queue rule (cascade_test.go), the model of
// how PostgreSQL runs referential actions, which relstore follows (1 below).
// Links's polymorphic belongsTo (LPic.ref, to LDoc or LPat as RefType says)
// is no SQL foreign key in ddl's DDL; the harness adds plpgsql triggers that
// enforce it and run its onDelete among the RI triggers, in relstore's
// order (16 below, poly_test.go). Each schema's log gives the ops and
// deletes compared, and for Links what the polymorphic triggers met.
//
// # Differences
//
// Each difference is accounted for explicitly, and pinned by a test where
// the server shows it:
//
//	#  difference                         relstore                              PostgreSQL                              how the replay accounts for it
//	1  restrict after cascades: the       runs a delete's referential actions   a queue of row events (the foreign      compared, and each DELETE's outcome must be
//	   order of the rows one cascade      as PostgreSQL's trigger queue, in     keys of each row in the order they      the queue rule's. TestDeepCascade,
//	   removes                            the order ddl creates the foreign     were created); the rows one cascading   TestSiblingCascadeOrder agree;
//	                                      keys (memstore/DESIGN.md,             statement removes in scan (heap)        TestCascadeRowOrder: PostgreSQL's outcome
//	                                      "Deletes"); the rows one cascade      order                                   can depend on the physical order of the
//	                                      removes in key order                                                          rows (counted; never seen in Shop or Seats)
//	2  failed statement in a transaction  aborts it: ErrTxAborted (25P02)       the same                                compared: the later statements are sent
//	3  auto keys                          largest key ever + 1, rolled back     an identity sequence: ignores keys      relstore's key is given explicitly; the
//	                                      with its transaction, part of         given explicitly, never rolled back     counter is the replay's, transactional
//	                                      snapshots                                                                     and snapshotted. TestAutoKeyDifference
//	4  zero keys and bad input            ErrInvalid for 0 and "" keys, nil,    0 and '' are keys; Go-level inputs do   refused before any SQL, as relstore's
//	                                      typed nil, unregistered types,        not exist                               API does (opseq.Schema.Refused); OpBad
//	                                      nested Update                                                                 is not sent. TestZeroKeyIsAKey
//	5  clearing a NOT NULL foreign key    ErrInvalid, before looking at the     23502, or no error when no row matches  refused before any SQL
//	                                      row
//	6  Snapshot / Restore                 O(1) snapshots of the whole store     none                                    emulated: a snapshot copies every row and
//	                                                                                                                    the counters; Restore reloads them with
//	                                                                                                                    the triggers off
//	7  context cancelled in Update's fn   checked before commit: rolled back,   a cancelled context is a client matter  the replay rolls back and reports
//	                                      context.Canceled                                                              context.Canceled; a context cancelled
//	                                                                                                                    before the call sends nothing
//	8  changing a referenced key          ErrForeignKey                         ON UPDATE NO ACTION: 23503              compared
//	9  duplicate primary key or unique    ErrUnique                             23505 for both                          compared
//	10 a model without a key field        a store-assigned RowID, not in the    ddl's "rowid" identity column           RowIDs given explicitly (3); the API-only
//	                                      struct                                                                        refusals made before any SQL
//	11 a handle of another store          ErrInvalid                            no such thing                           refused before any SQL
//	12 update or delete of no row         ErrNotFound, which aborts the         no error: no row affected, and the      reported as ErrNotFound; in a transaction
//	                                      transaction                           transaction goes on                     the later ops report ErrTxAborted without
//	                                                                                                                    being sent. TestNoRowIsNoError
//	13 a write in a View                  ErrReadOnly                           25006 in a READ ONLY transaction        compared
//	14 ilike, nilike and regexp's flag i  fold every letter (Unicode simple     on ddl's COLLATE "C" columns fold       the random filters run ILIKE and ~* under
//	   on non-ASCII letters               case folding): 'é' ilike 'É%'         ASCII letters only                      COLLATE "C.utf8" (querydiff.FoldCollation).
//	                                                                                                                    TestILikeOnCollateC
//	15 case folding that is not a         ilike: ſ matches s, ς matches Σ, İ    under a UTF-8 locale, lower() both      kept out of the random data.
//	   lower/upper pair; regexp's '.'     matches only itself; regexp i: the    sides: ſ and ς stay, İ becomes i; ~*:   TestQueryFoldingDifferences
//	   and a newline                      Kelvin sign matches k; '.' does not   a pattern letter's two cases only; '.'
//	                                      match a newline (RE2)                 matches a newline (ARE)
//	16 a polymorphic belongsTo            the discriminator names the model     no foreign key can name a table row     plpgsql triggers (poly_test.go): a new or
//	   (FuzzLinks's LPic.ref)             the key references (an unknown name   by row: ddl writes the two columns      changed key is checked in the named table,
//	                                      is a foreign key error); a target's   and an index only                       23503; a target's AFTER DELETE ROW trigger
//	                                      delete applies onDelete to the rows                                           applies onDelete to the rows naming it,
//	                                      naming it, in its queue: after the                                            named to fire among the RI triggers in
//	                                      cascading foreign keys, and after                                             relstore's order. Compared.
//	                                      the restricting ones for a restrict                                           TestPolyTriggerOrder
//	17 a polymorphic action's own         its rows' events go to the end of     a trigger's DELETE or UPDATE is a       not met by Links (LPic is referenced by
//	   cascades                           the queue, as an RI cascade's do      statement: its rows' AFTER triggers     nothing); a delete the queue rule and
//	                                                                            fire when it ends, before the events    PostgreSQL disagree on fails the replay.
//	                                                                            queued after the trigger                TestPolyCascadeNests
//
// # Queries
//
// TestQuerySeeds and TestQueryRandom run internal/querydiff, the
// differential query test of fuzz/sqlite, on the server: random data sets
// (QGroup and QItem: a field of every indexable kind, NULLs, ties,
// boundary values, strings with ASCII and non-ASCII case pairs and LIKE's
// special characters) in tables of ddl's DDL, random filters (eq, neq,
// ranges, between, inq, nin, NULL tests, like, nilike, ilike, regexp, and,
// or, any order, limit, skip, keyset after) translated to SQL with $n
// parameters, NULLS LAST / NULLS FIRST, bool, timestamptz and uuid values.
// Every filter must get the same rows in the same order from Query.Find and
// Tx.Find (the filter as a value and through JSON), the same Count, Exists
// and CountWhere, and the same next keyset page from Query.After.
// TestQuerySeeds runs FuzzQuery's corpus (the data sets that found
// relstore's query defects on SQLite; -query.seeds adds its f.Add seeds);
// TestQueryRandom -query.n random data sets (default 3, to keep CI short;
// the seed is printed, -query.seed replays it). They agree: NULLs sort last ascending and first descending
// on both, and text compares in byte order on both (ddl's columns are
// COLLATE "C"). The differences left are 14 and 15 above.
package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// envDSN is the one variable the tests read.
const envDSN = "RELSTORE_PG_DSN"

// newTestConn connects to the server in a new, empty schema (the
// connection's search_path) that is dropped when the test ends.
func newTestConn(t testing.TB) *pgx.Conn {
	t.Helper()
	dsn := os.Getenv(envDSN)
	if dsn == "" {
		msg := envDSN + " is not set: run `source .ci/postgres.sh` from the repository root to start a throwaway PostgreSQL (or set it to a pgx connection string)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + "; CI=true, so the PostgreSQL tests must not skip")
		}
		t.Skip(msg)
	}
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("%s: %v", envDSN, err)
	}
	schema := fmt.Sprintf("relstore_test_%d_%08x", os.Getpid(), rand.Uint32())
	admin, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		admin.Close(ctx)
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close(ctx)
	})
	cfg.RuntimeParams["search_path"] = schema
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	return conn
}
