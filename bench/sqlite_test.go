package bench

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // pure-Go SQLite (no cgo): the driver "sqlite"
)

// sqliteSys is SQLite in memory through database/sql: PRAGMA
// foreign_keys=ON, a REFERENCES constraint (NO ACTION on delete: the delete
// is refused at the end of the statement), an index on orders(customer_id),
// and prepared statements. A ":memory:" database belongs to one connection,
// so the pool is pinned to exactly one.
type sqliteSys struct {
	db *sql.DB

	insOrder, getOrder, getCustomer, ownerByID, children, delCustomer, include *sql.Stmt
}

const sqliteSchema = `
CREATE TABLE customers (
	id    INTEGER PRIMARY KEY,
	name  TEXT NOT NULL,
	email TEXT NOT NULL
);
CREATE TABLE orders (
	id          INTEGER PRIMARY KEY,
	customer_id INTEGER NOT NULL REFERENCES customers(id),
	quantity    INTEGER NOT NULL,
	note        TEXT NOT NULL
);
CREATE INDEX orders_customer_id ON orders(customer_id);
`

func openSQLite(tb testing.TB) *sqliteSys {
	tb.Helper()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		tb.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Exec("PRAGMA foreign_keys = ON"); err != nil {
		tb.Fatal(err)
	}
	var fk int
	if err := db.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		tb.Fatalf("PRAGMA foreign_keys = %d, %v; want 1", fk, err)
	}
	if _, err := db.Exec(sqliteSchema); err != nil {
		tb.Fatal(err)
	}
	s := &sqliteSys{db: db}
	prep := func(q string) *sql.Stmt {
		st, err := db.Prepare(q)
		if err != nil {
			tb.Fatalf("prepare %q: %v", q, err)
		}
		return st
	}
	s.insOrder = prep("INSERT INTO orders (id, customer_id, quantity, note) VALUES (?, ?, ?, ?)")
	s.getOrder = prep("SELECT id, customer_id, quantity, note FROM orders WHERE id = ?")
	s.getCustomer = prep("SELECT id, name, email FROM customers WHERE id = ?")
	s.ownerByID = prep("SELECT c.id, c.name, c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = ?")
	s.children = prep("SELECT id, customer_id, quantity, note FROM orders WHERE customer_id = ? ORDER BY id")
	s.delCustomer = prep("DELETE FROM customers WHERE id = ?")
	s.include = prep("SELECT id, name, email FROM customers WHERE id IN (?" + strings.Repeat(", ?", includeRows-1) + ")")
	return s
}

func loadSQLite(tb testing.TB, w *workload, orders bool) *sqliteSys {
	tb.Helper()
	s := openSQLite(tb)
	tx, err := s.db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	ins, err := tx.Prepare("INSERT INTO customers (id, name, email) VALUES (?, ?, ?)")
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range w.customers {
		if _, err := ins.Exec(c.ID, c.Name, c.Email); err != nil {
			tb.Fatal(err)
		}
	}
	ins.Close()
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	if orders {
		ctx := context.Background()
		for lo := 0; lo < len(w.orders); lo += batchRows {
			if err := s.insertBatch(ctx, w.orders[lo:lo+batchRows]); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return s
}

// insert inserts one order in its own (autocommit) transaction.
func (s *sqliteSys) insert(ctx context.Context, o Order) error {
	_, err := s.insOrder.ExecContext(ctx, o.ID, o.CustomerID, o.Quantity, o.Note)
	return err
}

func (s *sqliteSys) insertBatch(ctx context.Context, os []Order) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st := tx.StmtContext(ctx, s.insOrder) // reuses the statement prepared on the one connection
	for _, o := range os {
		if _, err := st.ExecContext(ctx, o.ID, o.CustomerID, o.Quantity, o.Note); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// reset drops the orders.
func (s *sqliteSys) reset(tb testing.TB) {
	if _, err := s.db.Exec("DELETE FROM orders"); err != nil {
		tb.Fatal(err)
	}
}

func (s *sqliteSys) get(ctx context.Context, id int64) (o Order, err error) {
	err = s.getOrder.QueryRowContext(ctx, id).Scan(&o.ID, &o.CustomerID, &o.Quantity, &o.Note)
	return o, err
}

func (s *sqliteSys) owner(ctx context.Context, o *Order) (c Customer, err error) {
	err = s.getCustomer.QueryRowContext(ctx, o.CustomerID).Scan(&c.ID, &c.Name, &c.Email)
	return c, err
}

func (s *sqliteSys) ownerByIDQuery(ctx context.Context, id int64) (c Customer, err error) {
	err = s.ownerByID.QueryRowContext(ctx, id).Scan(&c.ID, &c.Name, &c.Email)
	return c, err
}

func (s *sqliteSys) childrenOf(ctx context.Context, id int64, out []Order) ([]Order, error) {
	rows, err := s.children.QueryContext(ctx, id)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var o Order
		if err := rows.Scan(&o.ID, &o.CustomerID, &o.Quantity, &o.Note); err != nil {
			return out, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// includeOwners reads the owners of os with one IN query and aligns them.
func (s *sqliteSys) includeOwners(ctx context.Context, os []Order, args []any) ([]*Customer, error) {
	for i := range os {
		args[i] = os[i].CustomerID
	}
	rows, err := s.include.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[int64]*Customer, len(os))
	for rows.Next() {
		c := new(Customer)
		if err := rows.Scan(&c.ID, &c.Name, &c.Email); err != nil {
			return nil, err
		}
		byID[c.ID] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*Customer, len(os))
	for i := range os {
		if out[i] = byID[os[i].CustomerID]; out[i] == nil {
			return nil, errNotFound
		}
	}
	return out, nil
}

func (s *sqliteSys) deleteCustomer(ctx context.Context, id int64) error {
	_, err := s.delCustomer.ExecContext(ctx, id)
	return err
}
