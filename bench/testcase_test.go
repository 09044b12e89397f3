package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
	"github.com/relstore/relstore/storetest"
)

// The "test case" benchmark (issue 16) times the unit of a test double's
// life: from a seeded store (20 customers, 200 orders, a 50-node category
// tree), 5 writes (2 inserts, a foreign key move, a cascade delete, an insert
// refused with a foreign key error) and 10 reads (3 gets, 3 owners, 3
// customers' orders, the owners of 50 orders), then back to the seed.

// TCustomer, TOrder and TCategory are the test case's schema.
type TCustomer struct {
	ID    int64 `relstore:"pk,auto"`
	Name  string
	Email string `relstore:"unique"`
}

type TOrder struct {
	ID         int64 `relstore:"pk,auto"`
	CustomerID int64 `relstore:"belongsTo=TCustomer,as=customer,onDelete=cascade"`
	Quantity   int
	Note       string
}

type TCategory struct {
	ID       int64  `relstore:"pk,auto"`
	ParentID *int64 `relstore:"belongsTo=TCategory,as=parent,onDelete=cascade"`
	Name     string
}

const (
	tcCustomers  = 20
	tcOrders     = 200
	tcCategories = 50
	tcInclude    = 50
)

// tcSeed returns the seed: customer i has orders 10(i-1)+1..10i; category i
// > 1 has parent i/2 (a binary tree).
func tcSeed() ([]TCustomer, []TOrder, []TCategory) {
	cs := make([]TCustomer, tcCustomers)
	for i := range cs {
		cs[i] = TCustomer{ID: int64(i + 1), Name: fmt.Sprint("customer ", i+1), Email: fmt.Sprintf("c%d@example.com", i+1)}
	}
	os := make([]TOrder, tcOrders)
	for i := range os {
		os[i] = TOrder{ID: int64(i + 1), CustomerID: int64(i/10 + 1), Quantity: 1 + i%5, Note: "seeded"}
	}
	cats := make([]TCategory, tcCategories)
	for i := range cats {
		cats[i] = TCategory{ID: int64(i + 1), Name: fmt.Sprint("category ", i+1)}
		if i > 0 {
			p := int64((i + 1) / 2)
			cats[i].ParentID = &p
		}
	}
	return cs, os, cats
}

// tcStore is the relstore side: a storetest.Store and its handles.
type tcStore struct {
	s          *storetest.Store
	customers  *memstore.Table[TCustomer, int64]
	orders     *memstore.Table[TOrder, int64]
	categories *memstore.Table[TCategory, int64]
	customer   *relations.BelongsTo[TOrder, TCustomer]
	ordersOf   *relations.HasMany[TCustomer, TOrder]
}

func newTCStore(tb testing.TB) *tcStore {
	tb.Helper()
	s := storetest.New(tb, memstore.ModelOf[TCustomer](), memstore.ModelOf[TOrder](), memstore.ModelOf[TCategory]())
	cs, os, cats := tcSeed()
	s.Seed(tb, cs, os, cats)
	r := &tcStore{s: s}
	var err error
	if r.customers, err = memstore.TableOf[TCustomer, int64](s.Store); err != nil {
		tb.Fatal(err)
	}
	if r.orders, err = memstore.TableOf[TOrder, int64](s.Store); err != nil {
		tb.Fatal(err)
	}
	if r.categories, err = memstore.TableOf[TCategory, int64](s.Store); err != nil {
		tb.Fatal(err)
	}
	if r.customer, err = relations.NewBelongsTo[TOrder, TCustomer](s.Store, "customer"); err != nil {
		tb.Fatal(err)
	}
	if r.ordersOf, err = relations.NewHasMany[TCustomer, TOrder](s.Store, "customer"); err != nil {
		tb.Fatal(err)
	}
	return r
}

// run is one test case's writes and reads; it returns what they saw, for
// TestTestCase.
func (r *tcStore) run(ctx context.Context, include []TOrder) (string, error) {
	if err := r.writes(ctx); err != nil {
		return "", err
	}
	return r.reads(ctx, include)
}

// writes is the test case's five write transactions.
func (r *tcStore) writes(ctx context.Context) error {
	st := r.s.Store
	update := func(fn func(tx *memstore.Tx) error) error { return st.Update(ctx, fn) }
	if err := update(func(tx *memstore.Tx) error {
		_, err := r.orders.Insert(tx, TOrder{CustomerID: 3, Quantity: 2, Note: "new"})
		return err
	}); err != nil {
		return err
	}
	if err := update(func(tx *memstore.Tx) error {
		_, err := r.customers.Insert(tx, TCustomer{Name: "new", Email: "new@example.com"})
		return err
	}); err != nil {
		return err
	}
	if err := update(func(tx *memstore.Tx) error {
		o, err := r.orders.Get(tx, 5)
		if err != nil {
			return err
		}
		o.CustomerID = 7
		return r.orders.Update(tx, o)
	}); err != nil {
		return err
	}
	if err := update(func(tx *memstore.Tx) error { return r.categories.Delete(tx, 4) }); err != nil {
		return err
	}
	err := update(func(tx *memstore.Tx) error {
		_, err := r.orders.Insert(tx, TOrder{CustomerID: 999, Note: "dangling"})
		return err
	})
	if !errors.Is(err, memstore.ErrForeignKey) {
		return fmt.Errorf("dangling insert: %v, want ErrForeignKey", err)
	}
	return nil
}

// reads is the test case's ten reads; it returns what they saw.
func (r *tcStore) reads(ctx context.Context, include []TOrder) (string, error) {
	st := r.s.Store
	var out strings.Builder
	for _, id := range []int64{10, 20, 30} {
		var o TOrder
		if err := st.View(ctx, func(tx *memstore.Tx) (err error) { o, err = r.orders.Get(tx, id); return err }); err != nil {
			return "", err
		}
		fmt.Fprint(&out, o.ID, o.CustomerID, " ")
	}
	for _, id := range []int64{40, 50, 60} {
		c, _, err := r.customer.Get(ctx, TOrder{ID: id, CustomerID: (id-1)/10 + 1})
		if err != nil {
			return "", err
		}
		fmt.Fprint(&out, c.ID, " ")
	}
	for _, id := range []int64{1, 3, 7} {
		os, err := r.ordersOf.List(ctx, TCustomer{ID: id})
		if err != nil {
			return "", err
		}
		fmt.Fprint(&out, len(os), " ")
	}
	owners, err := r.customer.Include(ctx, include)
	if err != nil {
		return "", err
	}
	fmt.Fprint(&out, owners[0].ID, owners[tcInclude-1].ID)
	return out.String(), nil
}

// tcInclude returns the orders whose owners the test case includes.
func tcIncludeOrders() []TOrder {
	_, os, _ := tcSeed()
	return os[100 : 100+tcInclude]
}

// iterTB is a testing.TB whose cleanups run when done is called: a store
// opened per benchmark iteration is closed at its end, not the benchmark's.
type iterTB struct {
	testing.TB
	cleanups []func()
}

func (t *iterTB) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }

func (t *iterTB) done() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
	t.cleanups = t.cleanups[:0]
}

// SQLite's side: the same schema and statements.
const tcSchema = `
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE);
CREATE TABLE orders (
	id INTEGER PRIMARY KEY,
	customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
	quantity INTEGER NOT NULL,
	note TEXT NOT NULL
);
CREATE INDEX orders_customer_id ON orders(customer_id);
CREATE TABLE categories (
	id INTEGER PRIMARY KEY,
	parent_id INTEGER REFERENCES categories(id) ON DELETE CASCADE,
	name TEXT NOT NULL
);
CREATE INDEX categories_parent_id ON categories(parent_id);
`

// tcSQLite is a SQLite database with the test case's schema and prepared
// statements (on its one connection).
type tcSQLite struct {
	db                                           *sql.DB
	insOrder, insCustomer, moveOrder, delCat     *sql.Stmt
	getOrder, getCustomer, children, includeStmt *sql.Stmt
}

func openTCSQLite(tb testing.TB) *tcSQLite {
	tb.Helper()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		tb.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	tb.Cleanup(func() { db.Close() })
	for _, q := range []string{"PRAGMA foreign_keys = ON", tcSchema} {
		if _, err := db.Exec(q); err != nil {
			tb.Fatal(err)
		}
	}
	s := &tcSQLite{db: db}
	prep := func(q string) *sql.Stmt {
		st, err := db.Prepare(q)
		if err != nil {
			tb.Fatalf("prepare %q: %v", q, err)
		}
		return st
	}
	s.insOrder = prep("INSERT INTO orders (customer_id, quantity, note) VALUES (?, ?, ?)")
	s.insCustomer = prep("INSERT INTO customers (name, email) VALUES (?, ?)")
	s.moveOrder = prep("UPDATE orders SET customer_id = ? WHERE id = ?")
	s.delCat = prep("DELETE FROM categories WHERE id = ?")
	s.getOrder = prep("SELECT id, customer_id, quantity, note FROM orders WHERE id = ?")
	s.getCustomer = prep("SELECT id, name, email FROM customers WHERE id = ?")
	s.children = prep("SELECT id, customer_id, quantity, note FROM orders WHERE customer_id = ? ORDER BY id")
	s.includeStmt = prep("SELECT id, name, email FROM customers WHERE id IN (?" + strings.Repeat(", ?", tcInclude-1) + ")")
	return s
}

// seed inserts the seed in one transaction.
func (s *tcSQLite) seed(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	cs, os, cats := tcSeed()
	for _, c := range cs {
		if _, err := tx.ExecContext(ctx, "INSERT INTO customers (id, name, email) VALUES (?, ?, ?)", c.ID, c.Name, c.Email); err != nil {
			return err
		}
	}
	for _, o := range os {
		if _, err := tx.ExecContext(ctx, "INSERT INTO orders (id, customer_id, quantity, note) VALUES (?, ?, ?, ?)", o.ID, o.CustomerID, o.Quantity, o.Note); err != nil {
			return err
		}
	}
	for _, c := range cats {
		if _, err := tx.ExecContext(ctx, "INSERT INTO categories (id, parent_id, name) VALUES (?, ?, ?)", c.ID, c.ParentID, c.Name); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// run is the test case's writes and reads through q: the database (each
// statement its own transaction) or the transaction a test rolls back.
func (s *tcSQLite) run(ctx context.Context, tx *sql.Tx, include []TOrder, args []any) (string, error) {
	if err := s.writes(ctx, tx); err != nil {
		return "", err
	}
	return s.reads(ctx, tx, include, args)
}

// stmt returns st, or st in tx when tx is not nil.
func (s *tcSQLite) stmt(ctx context.Context, tx *sql.Tx, st *sql.Stmt) *sql.Stmt {
	if tx != nil {
		return tx.StmtContext(ctx, st)
	}
	return st
}

// writes is the test case's five writes.
func (s *tcSQLite) writes(ctx context.Context, tx *sql.Tx) error {
	stmt := func(st *sql.Stmt) *sql.Stmt { return s.stmt(ctx, tx, st) }
	if _, err := stmt(s.insOrder).ExecContext(ctx, 3, 2, "new"); err != nil {
		return err
	}
	if _, err := stmt(s.insCustomer).ExecContext(ctx, "new", "new@example.com"); err != nil {
		return err
	}
	if _, err := stmt(s.moveOrder).ExecContext(ctx, 7, 5); err != nil {
		return err
	}
	if _, err := stmt(s.delCat).ExecContext(ctx, 4); err != nil {
		return err
	}
	if _, err := stmt(s.insOrder).ExecContext(ctx, 999, 0, "dangling"); err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		return fmt.Errorf("dangling insert: %v, want a FOREIGN KEY error", err)
	}
	return nil
}

// reads is the test case's ten reads; it returns what they saw.
func (s *tcSQLite) reads(ctx context.Context, tx *sql.Tx, include []TOrder, args []any) (string, error) {
	stmt := func(st *sql.Stmt) *sql.Stmt { return s.stmt(ctx, tx, st) }
	var out strings.Builder
	for _, id := range []int64{10, 20, 30} {
		var o TOrder
		if err := stmt(s.getOrder).QueryRowContext(ctx, id).Scan(&o.ID, &o.CustomerID, &o.Quantity, &o.Note); err != nil {
			return "", err
		}
		fmt.Fprint(&out, o.ID, o.CustomerID, " ")
	}
	for _, id := range []int64{40, 50, 60} {
		var c TCustomer
		if err := stmt(s.getCustomer).QueryRowContext(ctx, (id-1)/10+1).Scan(&c.ID, &c.Name, &c.Email); err != nil {
			return "", err
		}
		fmt.Fprint(&out, c.ID, " ")
	}
	for _, id := range []int64{1, 3, 7} {
		rows, err := stmt(s.children).QueryContext(ctx, id)
		if err != nil {
			return "", err
		}
		n := 0
		for rows.Next() {
			var o TOrder
			if err := rows.Scan(&o.ID, &o.CustomerID, &o.Quantity, &o.Note); err != nil {
				rows.Close()
				return "", err
			}
			n++
		}
		if err := rows.Close(); err != nil {
			return "", err
		}
		fmt.Fprint(&out, n, " ")
	}
	for i, o := range include {
		args[i] = o.CustomerID
	}
	rows, err := stmt(s.includeStmt).QueryContext(ctx, args...)
	if err != nil {
		return "", err
	}
	owners := map[int64]TCustomer{}
	for rows.Next() {
		var c TCustomer
		if err := rows.Scan(&c.ID, &c.Name, &c.Email); err != nil {
			rows.Close()
			return "", err
		}
		owners[c.ID] = c
	}
	if err := rows.Close(); err != nil {
		return "", err
	}
	fmt.Fprint(&out, owners[include[0].CustomerID].ID, owners[include[tcInclude-1].CustomerID].ID)
	return out.String(), nil
}

// BenchmarkTestCase runs the test case (see above) per iteration:
//
//   - relstore: one storetest.Store seeded once; each test runs, then
//     Reset restores the seed (storetest.Run's pattern);
//   - relstore-new: a storetest.Store opened, seeded and closed per test;
//   - sqlite: a SQLite database in memory created, seeded and closed per test;
//   - sqlite-rollback: one seeded database; each test runs in a transaction
//     that is rolled back (the go-txdb pattern);
//   - memdb: go-memdb by hand, the same writes index for index as relstore
//     makes them, and a snapshot restored per test (testcase_memdb_test.go):
//     the floor of relstore's test case on go-memdb.
func BenchmarkTestCase(b *testing.B) {
	ctx := context.Background()
	include := tcIncludeOrders()
	b.Run("relstore", func(b *testing.B) {
		tcLoopRelstore(b, func(r *tcStore) error { _, err := r.run(ctx, include); return err })
	})
	b.Run("relstore-new", func(b *testing.B) {
		b.ReportAllocs()
		t := &iterTB{TB: b}
		for b.Loop() {
			r := newTCStore(t)
			if _, err := r.run(ctx, include); err != nil {
				b.Fatal(err)
			}
			t.done()
		}
	})
	b.Run("sqlite", func(b *testing.B) {
		b.ReportAllocs()
		t := &iterTB{TB: b}
		args := make([]any, tcInclude)
		for b.Loop() {
			s := openTCSQLite(t)
			if err := s.seed(ctx); err != nil {
				b.Fatal(err)
			}
			if _, err := s.run(ctx, nil, include, args); err != nil {
				b.Fatal(err)
			}
			t.done()
		}
	})
	b.Run("sqlite-rollback", func(b *testing.B) {
		args := make([]any, tcInclude)
		tcLoopRollback(b, func(s *tcSQLite, tx *sql.Tx) error { _, err := s.run(ctx, tx, include, args); return err })
	})
	b.Run("memdb", func(b *testing.B) {
		tcLoopMemdb(b, func(m *tcMemdb) error { _, err := m.run(include); return err })
	})
}

// BenchmarkTestCaseWrites runs the test case's five write transactions,
// then back to the seed, per iteration: the part of BenchmarkTestCase that
// go-memdb's write path dominates in relstore. Systems: relstore, memdb (go-memdb by
// hand, the same writes index for index: their floor) and sqlite-rollback.
func BenchmarkTestCaseWrites(b *testing.B) {
	ctx := context.Background()
	b.Run("relstore", func(b *testing.B) {
		tcLoopRelstore(b, func(r *tcStore) error { return r.writes(ctx) })
	})
	b.Run("sqlite-rollback", func(b *testing.B) {
		tcLoopRollback(b, func(s *tcSQLite, tx *sql.Tx) error { return s.writes(ctx, tx) })
	})
	b.Run("memdb", func(b *testing.B) {
		tcLoopMemdb(b, func(m *tcMemdb) error { return m.writes() })
	})
}

// tcLoopRelstore runs test on one seeded storetest.Store per iteration,
// then Reset.
func tcLoopRelstore(b *testing.B, test func(r *tcStore) error) {
	b.ReportAllocs()
	r := newTCStore(b)
	for b.Loop() {
		if err := test(r); err != nil {
			b.Fatal(err)
		}
		r.s.Reset(b)
	}
}

// tcLoopRollback runs test per iteration in a transaction of one seeded
// SQLite database, then rolls it back.
func tcLoopRollback(b *testing.B, test func(s *tcSQLite, tx *sql.Tx) error) {
	b.ReportAllocs()
	s := openTCSQLite(b)
	if err := s.seed(context.Background()); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		tx, err := s.db.BeginTx(context.Background(), nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := test(s, tx); err != nil {
			b.Fatal(err)
		}
		if err := tx.Rollback(); err != nil {
			b.Fatal(err)
		}
	}
}

// tcLoopMemdb runs test per iteration on go-memdb by hand, then restores
// the seed.
func tcLoopMemdb(b *testing.B, test func(m *tcMemdb) error) {
	b.ReportAllocs()
	m, err := newTCMemdb()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := test(m); err != nil {
			b.Fatal(err)
		}
		m.reset()
	}
}

// TestTestCase checks that every system sees the same results in the test
// case, twice in a row (so the reset to the seed works).
func TestTestCase(t *testing.T) {
	ctx := context.Background()
	include := tcIncludeOrders()
	args := make([]any, tcInclude)
	r := newTCStore(t)
	want, err := r.run(ctx, include)
	if err != nil {
		t.Fatal(err)
	}
	r.s.Reset(t)
	if got, err := r.run(ctx, include); err != nil || got != want {
		t.Fatalf("relstore after Reset: %q, %v; want %q", got, err, want)
	}
	fresh := openTCSQLite(t)
	if err := fresh.seed(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := fresh.run(ctx, nil, include, args); err != nil || got != want {
		t.Fatalf("sqlite: %q, %v; want %q", got, err, want)
	}
	s := openTCSQLite(t)
	if err := s.seed(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.run(ctx, tx, include, args)
		tx.Rollback()
		if err != nil || got != want {
			t.Fatalf("sqlite-rollback: %q, %v; want %q", got, err, want)
		}
	}
	m, err := newTCMemdb()
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if got, err := m.run(include); err != nil || got != want {
			t.Fatalf("memdb: %q, %v; want %q", got, err, want)
		}
		m.reset()
	}
	t.Logf("every system saw %q", want)
}
