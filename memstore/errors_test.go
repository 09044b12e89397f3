package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/relstore/relstore/memstore"
)

// Tiny has an auto key that overflows after 127 rows.
type Tiny struct {
	ID int8 `relstore:"pk,auto"`
}

// sqlState returns the SQLSTATE that err reports, the way a repository
// written for pgx reads it, and whether it reports one.
func sqlState(err error) (string, bool) {
	var e interface{ SQLState() string }
	if errors.As(err, &e) {
		return e.SQLState(), true
	}
	return "", false
}

// TestSQLState pins the SQLSTATE of every store error that PostgreSQL
// raises for the same operation (fuzz/postgres checks the server's side),
// and that the others report none.
func TestSQLState(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		run  func(ts *testStore, tiny *memstore.Table[Tiny, int8]) error
		want string // "" for no SQLSTATE
	}{
		{
			name: "insert referencing no row is foreign_key_violation",
			run: func(ts *testStore, _ *memstore.Table[Tiny, int8]) error {
				return ts.Update(ctx, func(tx *memstore.Tx) error {
					_, err := ts.orders.Insert(tx, Order{CustomerID: 99})
					return err
				})
			},
			want: "23503",
		},
		{
			name: "delete of a restricted row is foreign_key_violation",
			run: func(ts *testStore, _ *memstore.Table[Tiny, int8]) error {
				return ts.Update(ctx, func(tx *memstore.Tx) error {
					return ts.categories.Delete(tx, "tea")
				})
			},
			want: "23503",
		},
		{
			name: "duplicate primary key is unique_violation",
			run: func(ts *testStore, _ *memstore.Table[Tiny, int8]) error {
				return ts.Update(ctx, func(tx *memstore.Tx) error {
					_, err := ts.customers.Insert(tx, Customer{ID: 1, Email: "new@x"})
					return err
				})
			},
			want: "23505",
		},
		{
			name: "duplicate unique field is unique_violation",
			run: func(ts *testStore, _ *memstore.Table[Tiny, int8]) error {
				return ts.Update(ctx, func(tx *memstore.Tx) error {
					_, err := ts.customers.Insert(tx, Customer{Email: "ann@x"})
					return err
				})
			},
			want: "23505",
		},
		{
			name: "statement after a failed one is in_failed_sql_transaction",
			run: func(ts *testStore, _ *memstore.Table[Tiny, int8]) error {
				var second error
				ts.Update(ctx, func(tx *memstore.Tx) error {
					ts.orders.Insert(tx, Order{CustomerID: 99})
					_, second = ts.customers.Get(tx, 1)
					return nil
				})
				return second
			},
			want: "25P02",
		},
		{
			name: "write in a View is read_only_sql_transaction",
			run: func(ts *testStore, _ *memstore.Table[Tiny, int8]) error {
				return ts.View(ctx, func(tx *memstore.Tx) error {
					_, err := ts.customers.Insert(tx, Customer{Email: "new@x"})
					return err
				})
			},
			want: "25006",
		},
		{
			name: "auto key past its type's largest value is sequence_generator_limit_exceeded",
			run: func(ts *testStore, tiny *memstore.Table[Tiny, int8]) error {
				return ts.Update(ctx, func(tx *memstore.Tx) error {
					if _, err := tiny.Insert(tx, Tiny{ID: 127}); err != nil {
						return err
					}
					_, err := tiny.Insert(tx, Tiny{})
					return err
				})
			},
			want: "2200H",
		},
		{
			name: "missing row has none (PostgreSQL finds no row without an error)",
			run: func(ts *testStore, _ *memstore.Table[Tiny, int8]) error {
				return ts.View(ctx, func(tx *memstore.Tx) error {
					_, err := ts.customers.Get(tx, 99)
					return err
				})
			},
		},
		{
			name: "bad input has none",
			run: func(ts *testStore, _ *memstore.Table[Tiny, int8]) error {
				return ts.Update(ctx, func(tx *memstore.Tx) error {
					_, err := ts.categories.Insert(tx, Category{})
					return err
				})
			},
		},
		{
			name: "finished transaction has none",
			run: func(ts *testStore, _ *memstore.Table[Tiny, int8]) error {
				var kept *memstore.Tx
				ts.View(ctx, func(tx *memstore.Tx) error { kept = tx; return nil })
				_, err := ts.customers.Get(kept, 1)
				return err
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newSQLStateStore(t)
			tiny := mustTable[Tiny, int8](t, ts.Store)
			err := tc.run(ts, tiny)
			if err == nil {
				t.Fatal("no error")
			}
			got, ok := sqlState(err)
			if tc.want == "" {
				if ok {
					t.Errorf("%v: SQLState() = %q, want none", err, got)
				}
				return
			}
			if got != tc.want {
				t.Errorf("%v: SQLState() = %q (reported: %v), want %q", err, got, ok, tc.want)
			}
		})
	}
}

// newSQLStateStore opens the test models and Tiny, with customer 1
// (ann@x) and category "tea" that product "pu-erh" references.
func newSQLStateStore(t testing.TB) *testStore {
	t.Helper()
	s, err := memstore.New(memstore.Config{Models: append(testModels(), memstore.ModelOf[Tiny]())})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	ts := &testStore{
		Store:      s,
		customers:  mustTable[Customer, int64](t, s),
		orders:     mustTable[Order, int64](t, s),
		categories: mustTable[Category, string](t, s),
		products:   mustTable[Product, string](t, s),
	}
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		if _, err := ts.customers.Insert(tx, Customer{Email: "ann@x"}); err != nil {
			return err
		}
		if _, err := ts.categories.Insert(tx, Category{ID: "tea"}); err != nil {
			return err
		}
		_, err := ts.products.Insert(tx, Product{SKU: "pu-erh", CategoryID: "tea"})
		return err
	})
	return ts
}

// TestSQLStateSentinels: the sentinels themselves report their SQLSTATE,
// so a wrapped sentinel does too.
func TestSQLStateSentinels(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{memstore.ErrTxAborted, "25P02"},
		{memstore.ErrReadOnly, "25006"},
		{memstore.ErrOverflow, "2200H"},
		{&memstore.ForeignKeyError{}, "23503"},
		{&memstore.UniqueError{}, "23505"},
		{memstore.ErrForeignKey, "23503"},
		{memstore.ErrUnique, "23505"},
	} {
		if got, _ := sqlState(tc.err); got != tc.want {
			t.Errorf("%v: SQLState() = %q, want %q", tc.err, got, tc.want)
		}
	}
	for _, err := range []error{
		memstore.ErrNotFound, &memstore.NotFoundError{}, memstore.ErrInvalid, memstore.ErrSchema,
		memstore.ErrClosed, memstore.ErrTxDone, memstore.ErrNested, memstore.ErrIntegrity,
	} {
		if got, ok := sqlState(err); ok {
			t.Errorf("%v: SQLState() = %q, want none", err, got)
		}
	}
}

// Subscriber is the model of ExampleUniqueError_SQLState.
type Subscriber struct {
	ID    int64  `relstore:"pk,auto"`
	Email string `relstore:"unique"`
}

// A repository maps store errors to its own through the SQLSTATE, which
// pgx's *pgconn.PgError reports the same way: the mapping serves relstore
// in tests and PostgreSQL in production.
func ExampleUniqueError_SQLState() {
	ErrEmailTaken := errors.New("email taken")
	domain := func(err error) error {
		var e interface{ SQLState() string }
		if errors.As(err, &e) && e.SQLState() == "23505" { // unique_violation
			return fmt.Errorf("%w (%v)", ErrEmailTaken, err)
		}
		return err
	}

	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Subscriber]()}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	accounts, _ := memstore.TableOf[Subscriber, int64](s)
	register := func(email string) error {
		return domain(s.Update(context.Background(), func(tx *memstore.Tx) error {
			_, err := accounts.Insert(tx, Subscriber{Email: email})
			return err
		}))
	}
	fmt.Println(register("ann@example.com"))
	err = register("ann@example.com")
	fmt.Println(errors.Is(err, ErrEmailTaken))
	fmt.Println(err)
	// Output:
	// <nil>
	// true
	// email taken (memstore: insert Subscriber: Email ann@example.com already exists)
}
