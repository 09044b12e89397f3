package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"

	sqlite "modernc.org/sqlite" // pure-Go SQLite (no cgo): the driver "sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/relstore/relstore/internal/opseq"
	"github.com/relstore/relstore/memstore"
)

// onDelete is the SQL ON DELETE clause for relation r. relstore's restrict
// is PostgreSQL's NO ACTION (checked at the end of the statement, against the
// whole cascade); SQLite's NO ACTION is checked at the end of the statement
// too, while its RESTRICT checks each row at once (difference 1).
func onDelete(r opseq.Rel) string {
	switch opseq.Rels[r].OnDelete {
	case memstore.Cascade:
		return "ON DELETE CASCADE"
	case memstore.SetNull:
		return "ON DELETE SET NULL"
	}
	return "ON DELETE NO ACTION"
}

// schemaSQL is the opseq schema in SQL. AUTOINCREMENT makes SQLite's auto
// keys "largest ever + 1", as relstore's (difference 3).
func schemaSQL(restrict string) string {
	rule := func(r opseq.Rel) string {
		if opseq.Rels[r].OnDelete == memstore.Restrict && restrict != "" {
			return restrict
		}
		return onDelete(r)
	}
	return fmt.Sprintf(`
CREATE TABLE customers (
	id    INTEGER PRIMARY KEY AUTOINCREMENT,
	email TEXT NOT NULL UNIQUE,
	name  TEXT NOT NULL
);
CREATE TABLE orders (
	id          INTEGER PRIMARY KEY,
	customer_id INTEGER NOT NULL REFERENCES customers(id) %s,
	parent_id   INTEGER REFERENCES orders(id) %s,
	note        TEXT NOT NULL
);
CREATE TABLE notes (
	id           TEXT NOT NULL PRIMARY KEY,
	order_id     INTEGER NOT NULL REFERENCES orders(id) %s,
	reply_to     TEXT REFERENCES notes(id) %s,
	author_email TEXT REFERENCES customers(email) %s,
	text         TEXT NOT NULL
);
CREATE INDEX orders_customer_id ON orders(customer_id);
CREATE INDEX orders_parent_id ON orders(parent_id);
CREATE INDEX notes_order_id ON notes(order_id);
CREATE INDEX notes_reply_to ON notes(reply_to);
CREATE INDEX notes_author_email ON notes(author_email);
`, rule(opseq.RelCustomer), rule(opseq.RelParent), rule(opseq.RelOrder), rule(opseq.RelReply), rule(opseq.RelAuthor))
}

// lite runs opseq operations on SQLite in memory, through database/sql on
// one pinned connection (a ":memory:" database belongs to its connection).
type lite struct {
	conn  *sql.Conn
	snaps []liteSnap
}

// liteSnap is a copy of the whole database: rows and the auto-key counter.
type liteSnap struct {
	rows [opseq.NumModels][]any
	seq  int64
}

// q is what both *sql.Conn and *sql.Tx offer.
type q interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// openLite opens an empty database with the schema; restrict, if not empty,
// replaces the ON DELETE clause of relstore's restrict relations.
func openLite(t testing.TB, restrict string) *lite {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = ON"); err != nil {
		t.Fatal(err)
	}
	var fk int
	if err := conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("PRAGMA foreign_keys = %d, %v; want 1", fk, err)
	}
	if _, err := conn.ExecContext(ctx, schemaSQL(restrict)); err != nil {
		t.Fatal(err)
	}
	return &lite{conn: conn}
}

// classify maps a database/sql or SQLite error to an opseq class.
func classify(err error) opseq.Class {
	if err == nil {
		return opseq.OK
	}
	if errors.Is(err, context.Canceled) {
		return opseq.Canceled
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY,
			sqlite3.SQLITE_CONSTRAINT_TRIGGER: // how SQLite reports ON DELETE RESTRICT
			return opseq.ForeignKey
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return opseq.Unique // difference 9: one class for both
		}
	}
	return opseq.Other
}

func fail(err error) opseq.Outcome {
	o := opseq.Outcome{Class: classify(err)}
	if o.Class == opseq.Other {
		o.Value = err.Error()
	}
	return o
}

// notSent marks an outcome of an op that has no SQL counterpart
// (difference 4): the comparison skips it.
const notSent = "not sent to SQLite"

// run runs a resolved op. An op that relstore refuses as bad input before any
// SQL would run is validated here the same way (differences 4 and 5).
func (l *lite) run(op opseq.Op) opseq.Outcome {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if op.Cancel {
		cancel()
	}
	switch op.Kind {
	case opseq.OpBad:
		return opseq.Outcome{Value: notSent}
	case opseq.OpSnapshot:
		sn, err := l.snapshot()
		if err != nil {
			return fail(err)
		}
		l.snaps = append(l.snaps, sn)
		return opseq.Outcome{}
	case opseq.OpRestore:
		if op.Index < 0 || len(l.snaps) == 0 {
			return opseq.Outcome{Class: opseq.Invalid}
		}
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		return l.restore(ctx, l.snaps[op.Index%len(l.snaps)])
	case opseq.OpView:
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		if op.Write {
			return opseq.Outcome{Value: notSent}
		}
		return l.read(ctx, l.conn, op.Model, op.Key)
	case opseq.OpGet:
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		src := op.Src
		if op.Via == 2 { // ByKey: the stored source row
			o := l.read(ctx, l.conn, opseq.Rels[op.Rel].Source, op.Key)
			if o.Class != opseq.OK {
				return o
			}
			src = o.Value
		}
		return l.owner(ctx, l.conn, op.Rel, src)
	case opseq.OpInclude:
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		out := make([]any, len(op.Srcs))
		for i, src := range op.Srcs {
			o := l.owner(ctx, l.conn, op.Rel, src)
			if o.Class != opseq.OK {
				return opseq.Outcome{Class: o.Class}
			}
			out[i] = o.Value
		}
		return opseq.Outcome{Value: out}
	}
	// Conn.BeginTx does not look at the context before it starts (DB.BeginTx
	// does): refuse a cancelled one first, as a client would.
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	if op.Kind == opseq.OpTx {
		return l.tx(ctx, op)
	}
	tx, err := l.conn.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	o := l.write(ctx, tx, op)
	if o.Class != opseq.OK {
		tx.Rollback()
		return o
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	return o
}

// tx runs an OpTx in one SQL transaction. The first failed statement rolls
// the SQLite transaction back and every later op reports ErrTxAborted
// without being sent (difference 2).
func (l *lite) tx(ctx context.Context, op opseq.Op) opseq.Outcome {
	tx, err := l.conn.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	out := opseq.Outcome{Sub: make([]opseq.Outcome, len(op.Sub))}
	first := opseq.OK
	for i, s := range op.Sub {
		if first != opseq.OK {
			out.Sub[i] = opseq.Outcome{Class: opseq.TxAborted}
			continue
		}
		if s.Kind == opseq.OpView {
			out.Sub[i] = l.read(ctx, tx, s.Model, s.Key) // a failed read does not abort
			continue
		}
		out.Sub[i] = l.write(ctx, tx, s)
		if c := out.Sub[i].Class; c != opseq.OK {
			first = c
			tx.Rollback()
		}
	}
	if first != opseq.OK {
		switch op.End {
		case opseq.EndError:
			out.Class = opseq.User
		case opseq.EndPanic:
			out.Class = opseq.Panic
		default:
			out.Class = first
		}
		return out
	}
	switch op.End {
	case opseq.EndCommit:
		if err := tx.Commit(); err != nil {
			return fail(err)
		}
		return out
	case opseq.EndError:
		out.Class = opseq.User
	case opseq.EndPanic:
		out.Class = opseq.Panic
	case opseq.EndCancel:
		// The context is cancelled before COMMIT: rolled back (difference 7).
		out.Class = opseq.Canceled
	}
	tx.Rollback()
	return out
}

// write runs one write statement of op in tx.
func (l *lite) write(ctx context.Context, tx *sql.Tx, op opseq.Op) opseq.Outcome {
	switch op.Kind {
	case opseq.OpInsert:
		k, c := l.insert(ctx, tx, op.Row, false)
		if c.Class != opseq.OK || op.Via == 1 { // Tx.Insert(v) returns no key
			return c
		}
		return opseq.Outcome{Value: k}
	case opseq.OpUpsert:
		k, c := l.insert(ctx, tx, op.Row, true)
		if c.Class != opseq.OK {
			return c
		}
		return opseq.Outcome{Value: k}
	case opseq.OpUpdate, opseq.OpMove:
		return l.update(ctx, tx, op.Row)
	case opseq.OpDelete:
		if zeroKey(op.Key) {
			return opseq.Outcome{Class: opseq.Invalid}
		}
		table := tables[op.Model]
		return affected(tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE id = ?", op.Key))
	case opseq.OpSet:
		spec := opseq.Rels[op.Rel]
		if op.Owner == nil && !spec.Nullable {
			return opseq.Outcome{Class: opseq.Invalid} // difference 5
		}
		k := opseq.PK(op.Src)
		if zeroKey(k) {
			return opseq.Outcome{Class: opseq.Invalid}
		}
		var v any
		if op.Owner != nil {
			v = op.Rel.KeyTo(op.Owner)
		}
		return affected(tx.ExecContext(ctx, fmt.Sprintf("UPDATE %s SET %s = ? WHERE id = ?", tables[spec.Source], columns[op.Rel]), v, k))
	}
	return opseq.Outcome{Class: opseq.Other, Value: "not a write: " + op.String()}
}

var (
	tables  = [opseq.NumModels]string{"customers", "orders", "notes"}
	columns = [opseq.NumRels]string{"customer_id", "parent_id", "order_id", "reply_to", "author_email"}
)

func zeroKey(k any) bool { return k == int64(0) || k == "" }

// affected turns an UPDATE or DELETE result into an outcome: no row is
// ErrNotFound.
func affected(res sql.Result, err error) opseq.Outcome {
	if err != nil {
		return fail(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fail(err)
	}
	if n == 0 {
		return opseq.Outcome{Class: opseq.NotFound}
	}
	return opseq.Outcome{}
}

func ptr[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// insert inserts row (upsert: or updates the row with its key) and returns
// its key. A zero Customer key asks for an auto key.
func (l *lite) insert(ctx context.Context, tx *sql.Tx, row any, upsert bool) (any, opseq.Outcome) {
	var res sql.Result
	var err error
	switch r := row.(type) {
	case opseq.Customer:
		var id any
		if r.ID != 0 {
			id = r.ID
		}
		query := "INSERT INTO customers (id, email, name) VALUES (?, ?, ?)"
		if upsert {
			query += " ON CONFLICT (id) DO UPDATE SET email = excluded.email, name = excluded.name"
		}
		res, err = tx.ExecContext(ctx, query, id, r.Email, r.Name)
		if err == nil && r.ID == 0 {
			id, err := res.LastInsertId()
			if err != nil {
				return nil, fail(err)
			}
			return id, opseq.Outcome{}
		}
	case opseq.Order:
		if r.ID == 0 {
			return nil, opseq.Outcome{Class: opseq.Invalid} // difference 4
		}
		query := "INSERT INTO orders (id, customer_id, parent_id, note) VALUES (?, ?, ?, ?)"
		if upsert {
			query += " ON CONFLICT (id) DO UPDATE SET customer_id = excluded.customer_id, parent_id = excluded.parent_id, note = excluded.note"
		}
		_, err = tx.ExecContext(ctx, query, r.ID, r.CustomerID, ptr(r.ParentID), r.Note)
	case opseq.Note:
		if r.ID == "" {
			return nil, opseq.Outcome{Class: opseq.Invalid}
		}
		query := "INSERT INTO notes (id, order_id, reply_to, author_email, text) VALUES (?, ?, ?, ?, ?)"
		if upsert {
			query += " ON CONFLICT (id) DO UPDATE SET order_id = excluded.order_id, reply_to = excluded.reply_to, author_email = excluded.author_email, text = excluded.text"
		}
		_, err = tx.ExecContext(ctx, query, r.ID, r.OrderID, ptr(r.ReplyTo), ptr(r.AuthorEmail), r.Text)
	}
	if err != nil {
		return nil, fail(err)
	}
	return opseq.PK(row), opseq.Outcome{}
}

// update replaces the row with row's key.
func (l *lite) update(ctx context.Context, tx *sql.Tx, row any) opseq.Outcome {
	if zeroKey(opseq.PK(row)) {
		return opseq.Outcome{Class: opseq.Invalid}
	}
	switch r := row.(type) {
	case opseq.Customer:
		return affected(tx.ExecContext(ctx, "UPDATE customers SET email = ?, name = ? WHERE id = ?", r.Email, r.Name, r.ID))
	case opseq.Order:
		return affected(tx.ExecContext(ctx, "UPDATE orders SET customer_id = ?, parent_id = ?, note = ? WHERE id = ?",
			r.CustomerID, ptr(r.ParentID), r.Note, r.ID))
	case opseq.Note:
		return affected(tx.ExecContext(ctx, "UPDATE notes SET order_id = ?, reply_to = ?, author_email = ?, text = ? WHERE id = ?",
			r.OrderID, ptr(r.ReplyTo), ptr(r.AuthorEmail), r.Text, r.ID))
	}
	return opseq.Outcome{Class: opseq.Other}
}

// selects read whole rows, in primary key order.
var selects = [opseq.NumModels]string{
	"SELECT id, email, name FROM customers",
	"SELECT id, customer_id, parent_id, note FROM orders",
	"SELECT id, order_id, reply_to, author_email, text FROM notes",
}

// rows returns the rows of model m matching where (with args), in key order.
func (l *lite) rows(ctx context.Context, qr q, m opseq.ModelID, where string, args ...any) ([]any, error) {
	rs, err := qr.QueryContext(ctx, selects[m]+" "+where+" ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []any
	for rs.Next() {
		switch m {
		case opseq.MCustomer:
			var c opseq.Customer
			err = rs.Scan(&c.ID, &c.Email, &c.Name)
			out = append(out, c)
		case opseq.MOrder:
			var o opseq.Order
			var parent sql.NullInt64
			err = rs.Scan(&o.ID, &o.CustomerID, &parent, &o.Note)
			if parent.Valid {
				o.ParentID = opseq.Int(parent.Int64)
			}
			out = append(out, o)
		default:
			var n opseq.Note
			var reply, author sql.NullString
			err = rs.Scan(&n.ID, &n.OrderID, &reply, &author, &n.Text)
			if reply.Valid {
				n.ReplyTo = opseq.Str(reply.String)
			}
			if author.Valid {
				n.AuthorEmail = opseq.Str(author.String)
			}
			out = append(out, n)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, rs.Err()
}

// read is Table.Get: the row of model m with key k.
func (l *lite) read(ctx context.Context, qr q, m opseq.ModelID, k any) opseq.Outcome {
	if zeroKey(k) {
		return opseq.Outcome{Class: opseq.Invalid}
	}
	rows, err := l.rows(ctx, qr, m, "WHERE id = ?", k)
	if err != nil {
		return fail(err)
	}
	if len(rows) == 0 {
		return opseq.Outcome{Class: opseq.NotFound}
	}
	return opseq.Outcome{Value: rows[0]}
}

// owner is BelongsTo.Get: the owner of src through relation r.
func (l *lite) owner(ctx context.Context, qr q, r opseq.Rel, src any) opseq.Outcome {
	v := r.FK(src)
	if v == nil {
		return opseq.Outcome{}
	}
	col := "id"
	if r == opseq.RelAuthor {
		col = "email"
	}
	rows, err := l.rows(ctx, qr, opseq.Rels[r].Target, "WHERE "+col+" = ?", v)
	if err != nil {
		return fail(err)
	}
	if len(rows) == 0 {
		return opseq.Outcome{Class: opseq.NotFound}
	}
	return opseq.Outcome{Value: rows[0]}
}

// dump returns every row, in the form of memstore's Tx.Dump.
func (l *lite) dump() (memstore.Dump, error) {
	d := memstore.Dump{}
	for m := range opseq.NumModels {
		rows, err := l.rows(context.Background(), l.conn, m, "")
		if err != nil {
			return nil, err
		}
		d[m.String()] = rows
	}
	return d, nil
}

// snapshot copies the database (difference 6).
func (l *lite) snapshot() (liteSnap, error) {
	ctx := context.Background()
	var sn liteSnap
	for m := range opseq.NumModels {
		rows, err := l.rows(ctx, l.conn, m, "")
		if err != nil {
			return sn, err
		}
		sn.rows[m] = rows
	}
	err := l.conn.QueryRowContext(ctx, "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'customers'").Scan(&sn.seq)
	return sn, err
}

// restore replaces the database's content by sn in one transaction, with
// foreign keys checked at commit.
func (l *lite) restore(ctx context.Context, sn liteSnap) opseq.Outcome {
	tx, err := l.conn.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback()
	stmts := []string{"PRAGMA defer_foreign_keys = ON", "DELETE FROM notes", "DELETE FROM orders", "DELETE FROM customers",
		"DELETE FROM sqlite_sequence WHERE name = 'customers'"}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fail(err)
		}
	}
	for m := range opseq.NumModels {
		for _, row := range sn.rows[m] {
			if _, o := l.insert(ctx, tx, row, false); o.Class != opseq.OK {
				return opseq.Outcome{Class: opseq.Other, Value: fmt.Sprintf("restore %s: %v", opseq.FormatRow(row), o)}
			}
		}
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM sqlite_sequence WHERE name = 'customers'"); err != nil {
		return fail(err)
	}
	if sn.seq > 0 {
		if _, err := tx.ExecContext(ctx, "INSERT INTO sqlite_sequence (name, seq) VALUES ('customers', ?)", sn.seq); err != nil {
			return fail(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	return opseq.Outcome{}
}
