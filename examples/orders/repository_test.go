package orders_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/relstore/relstore/ddl"
	"github.com/relstore/relstore/examples/orders"
	"github.com/relstore/relstore/memstore"
)

var update = flag.Bool("update", false, "rewrite schema.sql from the models")

// The suite's time is logged (go test -v) to compare the two stores.

func TestRelstore(t *testing.T) {
	defer logElapsed(t, time.Now())
	testOrderRepository(t, func(t *testing.T) orders.OrderRepository {
		s, err := memstore.New(memstore.Config{Models: orders.Models()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		r, err := orders.NewRelstore(s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	})
}

func TestPostgres(t *testing.T) {
	defer logElapsed(t, time.Now())
	testOrderRepository(t, func(t *testing.T) orders.OrderRepository {
		return orders.NewPostgres(newTestPool(t))
	})
}

func logElapsed(t *testing.T, start time.Time) {
	t.Logf("contract suite: %v", time.Since(start))
}

// TestSchemaIsCurrent: schema.sql is what package ddl writes for Models.
func TestSchemaIsCurrent(t *testing.T) {
	s, err := memstore.New(memstore.Config{Models: orders.Models()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want, err := ddl.PostgreSQL(s.Models())
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("schema.sql", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(want, orders.Schema); diff != "" {
		t.Errorf("schema.sql is not the models' schema (-models +schema.sql; go test -run TestSchemaIsCurrent -update rewrites it):\n%s", diff)
	}
}

// envDSN is the one variable the PostgreSQL tests read; `source
// .ci/postgres.sh` from the repository root starts a throwaway server and
// sets it.
const envDSN = "RELSTORE_PG_DSN"

// newTestPool returns a pool on a new schema that has orders.Schema,
// dropped when the test ends.
func newTestPool(t *testing.T) *pgxpool.Pool {
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
	schema := fmt.Sprintf("orders_test_%d_%08x", os.Getpid(), rand.Uint32())
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close(ctx) })
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()+"; SET search_path TO "+pgx.Identifier{schema}.Sanitize()+";"+orders.Schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close) // runs before the schema is dropped
	return pool
}
