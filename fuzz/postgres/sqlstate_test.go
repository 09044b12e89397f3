package postgres

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/relstore/relstore/internal/opseq"
	"github.com/relstore/relstore/memstore"
)

// Tiny has an auto key that runs out after 127 rows.
type Tiny struct {
	ID int8 `relstore:"pk,auto"`
}

// sqlState returns the SQLSTATE err reports, the way a repository reads
// it, or "" when it reports none.
func sqlState(err error) string {
	var e interface{ SQLState() string }
	if errors.As(err, &e) {
		return e.SQLState()
	}
	return ""
}

// The fixture both sides start from: customer 1 (ann@x), order 10 of it,
// and note "n" on order 10 written by ann@x.
var pgFixture = []string{
	`INSERT INTO "customer" ("email", "name") VALUES ('ann@x', 'Ann')`,
	`INSERT INTO "order" ("id", "customer_id", "note") VALUES (10, 1, '')`,
	`INSERT INTO "note" ("id", "order_id", "author_email", "text") VALUES ('n', 10, 'ann@x', '')`,
}

func relstoreFixture(tx *memstore.Tx) error {
	email := "ann@x"
	for _, row := range []any{
		opseq.Customer{Email: email, Name: "Ann"},
		opseq.Order{ID: 10, CustomerID: 1},
		opseq.Note{ID: "n", OrderID: 10, AuthorEmail: &email},
	} {
		if err := tx.Insert(row); err != nil {
			return err
		}
	}
	return nil
}

// TestSQLStateMatchesServer runs the same operation on relstore and on
// PostgreSQL, both with the fuzzers' schema (PostgreSQL's from package ddl)
// and the same rows, and requires the same SQLSTATE from both: the code a
// repository maps to its domain errors. The server's constraint name is
// checked too: it is the one package ddl documents.
func TestSQLStateMatchesServer(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name       string
		relstore   func(s *memstore.Store) error
		pg         func(conn *pgx.Conn) error
		want       string // "" for none
		constraint string
	}{
		{
			name: "insert referencing no row",
			relstore: func(s *memstore.Store) error {
				return s.Update(ctx, func(tx *memstore.Tx) error { return tx.Insert(opseq.Order{ID: 11, CustomerID: 99}) })
			},
			pg:   exec(`INSERT INTO "order" ("id", "customer_id", "note") VALUES (11, 99, '')`),
			want: "23503", constraint: "order_customer_id_fkey",
		},
		{
			name: "delete of a row that a restrict relation references",
			relstore: func(s *memstore.Store) error {
				return s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(opseq.Order{ID: 10}) })
			},
			pg:   exec(`DELETE FROM "order" WHERE "id" = 10`),
			want: "23503", constraint: "note_order_id_fkey",
		},
		{
			name: "change of a referenced keyTo value",
			relstore: func(s *memstore.Store) error {
				return s.Update(ctx, func(tx *memstore.Tx) error {
					return tx.Update(opseq.Customer{ID: 1, Email: "bob@x", Name: "Ann"})
				})
			},
			pg:   exec(`UPDATE "customer" SET "email" = 'bob@x' WHERE "id" = 1`),
			want: "23503", constraint: "note_author_email_fkey",
		},
		{
			name: "duplicate primary key",
			relstore: func(s *memstore.Store) error {
				return s.Update(ctx, func(tx *memstore.Tx) error { return tx.Insert(opseq.Customer{ID: 1, Email: "bob@x"}) })
			},
			pg:   exec(`INSERT INTO "customer" ("id", "email", "name") VALUES (1, 'bob@x', '')`),
			want: "23505", constraint: "customer_pkey",
		},
		{
			name: "duplicate unique value",
			relstore: func(s *memstore.Store) error {
				return s.Update(ctx, func(tx *memstore.Tx) error { return tx.Insert(opseq.Customer{Email: "ann@x"}) })
			},
			pg:   exec(`INSERT INTO "customer" ("email", "name") VALUES ('ann@x', '')`),
			want: "23505", constraint: "customer_email_key",
		},
		{
			name: "statement after a failed one in a transaction",
			relstore: func(s *memstore.Store) error {
				var second error
				s.Update(ctx, func(tx *memstore.Tx) error {
					tx.Insert(opseq.Order{ID: 11, CustomerID: 99})
					second = tx.Insert(opseq.Order{ID: 12, CustomerID: 1})
					return nil
				})
				return second
			},
			pg: func(conn *pgx.Conn) error {
				tx, err := conn.Begin(ctx)
				if err != nil {
					return err
				}
				defer tx.Rollback(ctx)
				tx.Exec(ctx, `INSERT INTO "order" ("id", "customer_id", "note") VALUES (11, 99, '')`)
				_, err = tx.Exec(ctx, `INSERT INTO "order" ("id", "customer_id", "note") VALUES (12, 1, '')`)
				return err
			},
			want: "25P02",
		},
		{
			name: "write in a read-only transaction",
			relstore: func(s *memstore.Store) error {
				return s.View(ctx, func(tx *memstore.Tx) error { return tx.Insert(opseq.Customer{Email: "bob@x"}) })
			},
			pg: func(conn *pgx.Conn) error {
				tx, err := conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
				if err != nil {
					return err
				}
				defer tx.Rollback(ctx)
				_, err = tx.Exec(ctx, `INSERT INTO "customer" ("email", "name") VALUES ('bob@x', '')`)
				return err
			},
			want: "25006",
		},
		{
			name: "auto key past its type's largest value",
			relstore: func(s *memstore.Store) error {
				return s.Update(ctx, func(tx *memstore.Tx) error {
					for range 128 {
						if err := tx.Insert(Tiny{}); err != nil {
							return err
						}
					}
					return nil
				})
			},
			pg: func(conn *pgx.Conn) error {
				for range 128 {
					if _, err := conn.Exec(ctx, `INSERT INTO "tiny" DEFAULT VALUES`); err != nil {
						return err
					}
				}
				return nil
			},
			want: "2200H",
		},
		{
			name: "read of a missing row",
			relstore: func(s *memstore.Store) error {
				return s.View(ctx, func(tx *memstore.Tx) error {
					customers, err := memstore.TableOf[opseq.Customer, int64](s)
					if err != nil {
						return err
					}
					_, err = customers.Get(tx, 99)
					return err
				})
			},
			pg: func(conn *pgx.Conn) error {
				var id int64
				return conn.QueryRow(ctx, `SELECT "id" FROM "customer" WHERE "id" = 99`).Scan(&id) // pgx.ErrNoRows
			},
		},
		{
			name: "delete of a missing row",
			relstore: func(s *memstore.Store) error {
				return s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(opseq.Customer{ID: 99}) })
			},
			pg: exec(`DELETE FROM "customer" WHERE "id" = 99`), // no error: no row affected
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn := newTestConn(t)
			s := mustSchema(t, conn, append(opseq.Models(), memstore.ModelOf[Tiny]())...)
			if err := s.Update(ctx, relstoreFixture); err != nil {
				t.Fatal(err)
			}
			for _, q := range pgFixture {
				if _, err := conn.Exec(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			relErr, pgErr := tc.relstore(s), tc.pg(conn)
			if got := sqlState(relErr); got != tc.want {
				t.Errorf("relstore: %v: SQLSTATE %q, want %q", relErr, got, tc.want)
			}
			if got := sqlState(pgErr); got != tc.want {
				t.Errorf("PostgreSQL: %v: SQLSTATE %q, want %q", pgErr, got, tc.want)
			}
			var pe *pgconn.PgError
			if errors.As(pgErr, &pe) && pe.ConstraintName != tc.constraint {
				t.Errorf("PostgreSQL: %v: constraint %q, want %q", pgErr, pe.ConstraintName, tc.constraint)
			}
			if tc.want == "" { // a miss: ErrNotFound, and on the server no row, or none affected
				if !errors.Is(relErr, memstore.ErrNotFound) {
					t.Errorf("relstore: %v, want ErrNotFound", relErr)
				}
				if pgErr != nil && !errors.Is(pgErr, pgx.ErrNoRows) {
					t.Errorf("PostgreSQL: %v, want pgx.ErrNoRows or no error", pgErr)
				}
			}
		})
	}
}

func exec(sql string) func(*pgx.Conn) error {
	return func(conn *pgx.Conn) error {
		_, err := conn.Exec(context.Background(), sql)
		return err
	}
}
