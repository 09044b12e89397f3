// Package postgres checks relstore against a real PostgreSQL: the schemas
// that package ddl writes apply to the server (every golden schema and the
// fuzzers' models), the Go types of each column kind round-trip through pgx,
// and the same integrity violation gets the same SQLSTATE from relstore and
// from the server. It is a nested module so that pgx stays out of
// relstore's module graph.
//
// The tests read one variable, RELSTORE_PG_DSN, a pgx connection string for
// a database they may create schemas in; `source .ci/postgres.sh` (from the
// repository root) starts a throwaway server and sets it. Without it the
// tests skip, unless CI=true, where they fail. Each test works in a schema of
// its own, dropped when it ends.
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
