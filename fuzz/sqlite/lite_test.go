package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	sqlite "modernc.org/sqlite" // pure-Go SQLite (no cgo): the driver "sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/relstore/relstore/ddl"
	"github.com/relstore/relstore/internal/opseq"
	"github.com/relstore/relstore/memstore"
)

// The SQL schema is package ddl's, written from the models of a store of the
// opseq schema (as a user would write theirs), with ddl's names: the harness
// reads the table and column names back from SQLite (tables in the models'
// order, columns in field order, a keyless model's "rowid" as its key), so
// that it depends on no naming rule. PostgreSQL will take ddl.PostgreSQL of
// the same models.

// lite runs opseq operations on SQLite in memory, through database/sql on
// one pinned connection per store (a ":memory:" database belongs to its
// connection).
type lite struct {
	s     *opseq.Schema
	conns []*sql.Conn // one database per store
	snaps [][]liteSnap
	names []names // per model
	// queue is, for each DELETE the current op sends, in the order it
	// sends them, whether PostgreSQL's trigger queue (the opseq model, as
	// relstore) refuses it (difference 13); queued counts the DELETEs
	// SQLite accepted and reported refused for that reason.
	queue  []bool
	queued int
}

// queueRefusals returns, in the order SQLite runs them, whether each
// delete of op is refused by PostgreSQL's trigger queue, as the model's
// outcome o of op says (op.Order set for an OpConcurrent).
func queueRefusals(op opseq.Op, o opseq.Outcome) []bool {
	switch op.Kind {
	case opseq.OpDelete:
		return []bool{o.Class == opseq.ForeignKey}
	case opseq.OpTx:
		var out []bool
		for i, s := range op.Sub {
			if s.Kind == opseq.OpDelete && i < len(o.Sub) {
				out = append(out, o.Sub[i].Class == opseq.ForeignKey)
			}
		}
		return out
	case opseq.OpConcurrent:
		var out []bool
		for _, i := range op.Order {
			if i < len(op.Sub) && i < len(o.Sub) {
				out = append(out, queueRefusals(op.Sub[i], o.Sub[i])...)
			}
		}
		return out
	}
	return nil
}

// names are the quoted SQL names of a model's table and columns.
type names struct {
	table, key string
	cols       map[string]string // field name → column
	fields     []string          // the columns of the struct's fields, in field order
}

// liteSnap is a copy of a whole database: rows with their keys, and the
// auto-key counters.
type liteSnap struct {
	keys, rows [][]any // per model
	seqs       map[string]int64
}

// q is what both *sql.Conn and *sql.Tx offer.
type q interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// liteSchema returns package ddl's SQLite schema of s.
func liteSchema(t testing.TB, s *opseq.Schema) string {
	t.Helper()
	st, err := memstore.New(memstore.Config{Models: s.MemstoreModels()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	schema, err := ddl.SQLite(st.Models())
	if err != nil {
		t.Fatal(err)
	}
	return schema
}

// openLite opens an empty database per store of s with ddl's schema;
// restrict, if not empty, replaces the ON DELETE clause of relstore's
// restrict relations (NO ACTION).
func openLite(t testing.TB, s *opseq.Schema, restrict string) *lite {
	t.Helper()
	schema := liteSchema(t, s)
	if restrict != "" {
		schema = strings.ReplaceAll(schema, "ON DELETE NO ACTION", restrict)
	}
	l := &lite{s: s, snaps: make([][]liteSnap, s.NumStores())}
	for range s.NumStores() {
		l.conns = append(l.conns, openDDL(t, schema))
	}
	if err := l.readNames(); err != nil {
		t.Fatalf("%v\n%s", err, schema)
	}
	for _, conn := range l.conns {
		for _, trig := range l.polyTriggers() {
			if _, err := conn.ExecContext(context.Background(), trig); err != nil {
				t.Fatalf("%v\n%s", err, trig)
			}
		}
	}
	return l
}

// polyTriggers returns the triggers that give each polymorphic belongsTo
// of the schema the integrity relstore enforces, which can be no SQL
// foreign key (difference 12): a new or changed non-null key must be the
// key of a row of the model the discriminator names, one of the
// relation's targets (an unchanged one is not checked, as relstore does
// not); a target's delete applies the relation's onDelete to the rows that
// name that target, and only to them (setNull keeps the discriminator).
// The triggers run after the row is written, as relstore checks foreign
// keys after its unique fields (a duplicate key with a bad reference is
// ErrUnique), and at the end of its statement. A refusal is RAISE(ABORT),
// which SQLite reports as SQLITE_CONSTRAINT_TRIGGER: a foreign key error.
func (l *lite) polyTriggers() []string {
	var out []string
	for r, spec := range l.s.Rels {
		if !spec.Poly() {
			continue
		}
		src, fk, disc := l.table(spec.Source), l.col(spec.Source, spec.FK), l.col(spec.Source, spec.Disc)
		var ok []string
		for _, t := range spec.Targets {
			ok = append(ok, fmt.Sprintf("(NEW.%s = '%s' AND EXISTS (SELECT 1 FROM %s WHERE %s = NEW.%s))",
				disc, l.s.Models[t].Name, l.table(t), l.key(t), fk))
		}
		bad := fmt.Sprintf("NEW.%s IS NOT NULL AND NOT (%s)", fk, strings.Join(ok, " OR "))
		raise := fmt.Sprintf("BEGIN SELECT RAISE(ABORT, 'polymorphic foreign key %s'); END", spec.Name)
		out = append(out,
			fmt.Sprintf("CREATE TRIGGER poly%d_insert AFTER INSERT ON %s WHEN %s %s", r, src, bad, raise),
			fmt.Sprintf("CREATE TRIGGER poly%d_update AFTER UPDATE OF %s, %s ON %s WHEN (OLD.%s IS NOT NEW.%s OR OLD.%s IS NOT NEW.%s) AND %s %s",
				r, fk, disc, src, fk, fk, disc, disc, bad, raise))
		for _, t := range spec.Targets {
			named := fmt.Sprintf("%s = '%s' AND %s = OLD.%s", disc, l.s.Models[t].Name, fk, l.key(t))
			var trig string
			switch spec.OnDelete {
			case memstore.Cascade:
				trig = fmt.Sprintf("AFTER DELETE ON %s BEGIN DELETE FROM %s WHERE %s; END", l.table(t), src, named)
			case memstore.SetNull:
				trig = fmt.Sprintf("AFTER DELETE ON %s BEGIN UPDATE %s SET %s = NULL WHERE %s; END", l.table(t), src, fk, named)
			default: // restrict
				trig = fmt.Sprintf("AFTER DELETE ON %s WHEN EXISTS (SELECT 1 FROM %s WHERE %s) %s", l.table(t), src, named, raise)
			}
			out = append(out, fmt.Sprintf("CREATE TRIGGER poly%d_delete_%d %s", r, t, trig))
		}
	}
	return out
}

// readNames reads the table and column names of the models back from the
// first database.
func (l *lite) readNames() error {
	ctx := context.Background()
	conn := l.conns[0]
	rs, err := conn.QueryContext(ctx, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
	if err != nil {
		return err
	}
	var tables []string
	for rs.Next() {
		var name string
		if err := rs.Scan(&name); err != nil {
			rs.Close()
			return err
		}
		tables = append(tables, name)
	}
	rs.Close()
	if len(tables) != len(l.s.Models) {
		return fmt.Errorf("%d tables for %d models", len(tables), len(l.s.Models))
	}
	for m, spec := range l.s.Models {
		n := names{table: quote(tables[m]), cols: map[string]string{}}
		rs, err := conn.QueryContext(ctx, "SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", tables[m])
		if err != nil {
			return err
		}
		var cols []string
		for rs.Next() {
			var name string
			var pk int
			if err := rs.Scan(&name, &pk); err != nil {
				rs.Close()
				return err
			}
			if pk == 1 {
				n.key = quote(name)
			}
			if pk != 1 || !spec.Keyless() { // a keyless model's key is no field
				cols = append(cols, quote(name))
			}
		}
		rs.Close()
		fields := reflect.VisibleFields(spec.Type)
		if len(cols) != len(fields) || n.key == "" {
			return fmt.Errorf("table %s: columns %v (key %s) for the fields of %v", tables[m], cols, n.key, spec.Type)
		}
		for i, f := range fields {
			n.cols[f.Name] = cols[i]
		}
		n.fields = cols
		l.names = append(l.names, n)
	}
	return nil
}

func quote(name string) string { return `"` + name + `"` }

// table, key and col return the quoted SQL names of model m's table, key
// column and the column of its field.
func (l *lite) table(m opseq.ModelID) string { return l.names[m].table }
func (l *lite) key(m opseq.ModelID) string   { return l.names[m].key }
func (l *lite) col(m opseq.ModelID, field string) string {
	c, ok := l.names[m].cols[field]
	if !ok {
		panic(fmt.Sprintf("lite: %s has no column for field %s", l.s.ModelName(m), field))
	}
	return c
}

// keyToColumn returns the column relation r references.
func (l *lite) keyToColumn(r opseq.Rel) string {
	spec := l.s.Rels[r]
	if spec.KeyTo == "" || spec.KeyTo == l.s.Models[spec.Target].Key {
		return l.key(spec.Target)
	}
	return l.col(spec.Target, spec.KeyTo)
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
// SQL would run is refused here the same way (differences 4 and 5).
func (l *lite) run(op opseq.Op) opseq.Outcome {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if op.Cancel {
		cancel()
	}
	s, conn := l.s, l.conns[op.Store]
	switch op.Kind {
	case opseq.OpBad:
		return opseq.Outcome{Value: notSent}
	case opseq.OpSnapshot:
		sn, err := l.snapshot(op.Store)
		if err != nil {
			return fail(err)
		}
		l.snaps[op.Store] = append(l.snaps[op.Store], sn)
		return opseq.Outcome{}
	case opseq.OpRestore:
		snaps := l.snaps[op.Store]
		if op.Index < 0 || len(snaps) == 0 {
			return opseq.Outcome{Class: opseq.Invalid}
		}
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		return l.restore(ctx, op.Store, snaps[op.Index%len(snaps)])
	case opseq.OpView:
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		if op.Write {
			return opseq.Outcome{Value: notSent}
		}
		if s.Refused(op) {
			return opseq.Outcome{Class: opseq.Invalid}
		}
		return l.read(ctx, conn, op.Model, op.Key)
	case opseq.OpGet:
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		src := op.Src
		if op.Via == 2 { // ByKey: the stored source row
			o := l.read(ctx, conn, s.Rels[op.Rel].Source, op.Key)
			if o.Class != opseq.OK {
				return o
			}
			src = o.Value
		}
		return l.owner(ctx, conn, op.Rel, src)
	case opseq.OpInclude:
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		out := make([]any, len(op.Srcs))
		for i, src := range op.Srcs {
			o := l.owner(ctx, conn, op.Rel, src)
			if o.Class != opseq.OK {
				return opseq.Outcome{Class: o.Class}
			}
			out[i] = o.Value
		}
		return opseq.Outcome{Value: out}
	case opseq.OpSet:
		spec := s.Rels[op.Rel]
		if op.Owner != nil && spec.KeyTo == "" && s.Models[spec.Target].Keyless() {
			// relations.Set reads the owner's key from the struct, which
			// has no RowID: refused before the context (difference 10).
			return opseq.Outcome{Class: opseq.Invalid}
		}
	case opseq.OpConcurrent:
		return l.concurrent(op)
	}
	// Conn.BeginTx does not look at the context before it starts (DB.BeginTx
	// does): refuse a cancelled one first, as a client would.
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	if op.Kind == opseq.OpTx {
		return l.tx(ctx, op)
	}
	return l.one(ctx, op)
}

// one runs one write in a transaction of its own.
func (l *lite) one(ctx context.Context, op opseq.Op) opseq.Outcome {
	tx, err := l.conns[op.Store].BeginTx(ctx, nil)
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

// concurrent replays the writers of an OpConcurrent serially, in the order
// they ran on relstore (op.Order), each in a transaction of its own.
func (l *lite) concurrent(op opseq.Op) opseq.Outcome {
	out := opseq.Outcome{Sub: make([]opseq.Outcome, len(op.Sub)), Order: op.Order}
	for _, i := range op.Order {
		out.Sub[i] = l.one(context.Background(), op.Sub[i])
	}
	return out
}

// tx runs an OpTx in one SQL transaction. The first failed statement rolls
// the SQLite transaction back and every later op reports ErrTxAborted
// without being sent (difference 2).
func (l *lite) tx(ctx context.Context, op opseq.Op) opseq.Outcome {
	tx, err := l.conns[op.Store].BeginTx(ctx, nil)
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
		if s.Kind == opseq.OpView { // a failed read does not abort
			if l.s.Refused(s) {
				out.Sub[i] = opseq.Outcome{Class: opseq.Invalid}
			} else {
				out.Sub[i] = l.read(ctx, tx, s.Model, s.Key)
			}
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

// write runs one write statement of op in tx; bad input is refused before
// any SQL, as relstore's API does (opseq.Schema.Refused).
func (l *lite) write(ctx context.Context, tx *sql.Tx, op opseq.Op) opseq.Outcome {
	s := l.s
	if s.Refused(op) {
		return opseq.Outcome{Class: opseq.Invalid} // differences 4 and 5
	}
	switch op.Kind {
	case opseq.OpInsert:
		k, c := l.insert(ctx, tx, op.Row, nil, false)
		spec := &s.Models[s.ModelOf(op.Row)]
		// Tx.Insert(v) returns no key, nor does Tx.Insert(&v) of a keyless row.
		if c.Class != opseq.OK || op.Via == 1 || op.Via == 2 && spec.Keyless() {
			return c
		}
		return opseq.Outcome{Value: k}
	case opseq.OpUpsert:
		k, c := l.insert(ctx, tx, op.Row, nil, true)
		if c.Class != opseq.OK {
			return c
		}
		return opseq.Outcome{Value: k}
	case opseq.OpUpdate, opseq.OpMove:
		m := s.ModelOf(op.Row)
		k := op.Key
		if !s.Models[m].Keyless() {
			k = s.PK(op.Row)
		}
		return l.update(ctx, tx, m, k, op.Row)
	case opseq.OpDelete:
		refused := len(l.queue) > 0 && l.queue[0]
		if len(l.queue) > 0 {
			l.queue = l.queue[1:]
		}
		o := affected(tx.ExecContext(ctx, fmt.Sprintf("DELETE FROM %s WHERE %s = ?", l.table(op.Model), l.key(op.Model)),
			sqlValue(op.Key)))
		if o.Class == opseq.OK && refused {
			// Difference 13: SQLite's NO ACTION counts the references left
			// at the end of the statement; PostgreSQL checks each when its
			// turn in the trigger queue comes, and a referencing row that a
			// later cascade removes refuses the delete. SQLite accepted
			// (so the statement left no reference behind) what the queue
			// refuses: report PostgreSQL's refusal; the caller rolls the
			// SQLite transaction back, as it does for any refused write.
			l.queued++
			return opseq.Outcome{Class: opseq.ForeignKey}
		}
		return o
	case opseq.OpSet:
		spec := s.Rels[op.Rel]
		var v any
		if op.Owner != nil {
			v = opseq.Field(op.Owner, spec.KeyTo)
		}
		if spec.Poly() && v != nil { // Set writes the discriminator: its target's name
			return affected(tx.ExecContext(ctx, fmt.Sprintf("UPDATE %s SET %s = ?, %s = ? WHERE %s = ?", l.table(spec.Source),
				l.col(spec.Source, spec.FK), l.col(spec.Source, spec.Disc), l.key(spec.Source)),
				sqlValue(v), s.Models[spec.Target].Name, sqlValue(s.PK(op.Src))))
		}
		return affected(tx.ExecContext(ctx, fmt.Sprintf("UPDATE %s SET %s = ? WHERE %s = ?", l.table(spec.Source),
			l.col(spec.Source, spec.FK), l.key(spec.Source)), sqlValue(v), sqlValue(s.PK(op.Src))))
	}
	return opseq.Outcome{Class: opseq.Other, Value: "not a write: " + op.Format(s)}
}

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

// sqlValue converts a key or field value for database/sql, which does not
// take named integer types such as memstore.RowID.
func sqlValue(v any) any {
	if v == nil {
		return nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int64(rv.Uint())
	case reflect.String:
		return rv.String()
	}
	return v
}

// columns returns the columns and values of row's fields.
func (l *lite) columns(m opseq.ModelID, row any) (cols []string, values []any) {
	for _, f := range reflect.VisibleFields(reflect.TypeOf(row)) {
		cols = append(cols, l.col(m, f.Name))
		values = append(values, sqlValue(opseq.Field(row, f.Name)))
	}
	return cols, values
}

// insert inserts row (upsert: or updates the row with its key) and returns
// its key. A zero auto key, and a keyless model's RowID, are assigned by
// SQLite unless key gives the RowID (a restore).
func (l *lite) insert(ctx context.Context, tx *sql.Tx, row, key any, upsert bool) (any, opseq.Outcome) {
	s := l.s
	m := s.ModelOf(row)
	spec := &s.Models[m]
	names, values := l.columns(m, row)
	assigned := spec.Keyless() && key == nil
	switch {
	case spec.Keyless() && key != nil:
		names, values = append(names, l.key(m)), append(values, sqlValue(key))
	case !spec.Keyless() && spec.Auto && reflect.ValueOf(s.PK(row)).IsZero():
		for i, n := range names {
			if n == l.key(m) {
				values[i] = nil // NULL: SQLite assigns the key
			}
		}
		assigned = true
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ")
	query := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", l.table(m), strings.Join(names, ", "), marks)
	if upsert && !assigned {
		var sets []string
		for _, n := range names {
			sets = append(sets, n+" = excluded."+n)
		}
		query += fmt.Sprintf(" ON CONFLICT (%s) DO UPDATE SET %s", l.key(m), strings.Join(sets, ", "))
	}
	res, err := tx.ExecContext(ctx, query, values...)
	if err != nil {
		return nil, fail(err)
	}
	if !assigned {
		if spec.Keyless() {
			return key, opseq.Outcome{}
		}
		return s.PK(row), opseq.Outcome{}
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, fail(err)
	}
	return reflect.ValueOf(id).Convert(reflect.TypeOf(spec.KeyValues[0])).Interface(), opseq.Outcome{}
}

// update replaces the row of model m with key k.
func (l *lite) update(ctx context.Context, tx *sql.Tx, m opseq.ModelID, k, row any) opseq.Outcome {
	names, values := l.columns(m, row)
	var sets []string
	for _, n := range names {
		sets = append(sets, n+" = ?")
	}
	query := fmt.Sprintf("UPDATE %s SET %s WHERE %s = ?", l.table(m), strings.Join(sets, ", "), l.key(m))
	return affected(tx.ExecContext(ctx, query, append(values, sqlValue(k))...))
}

// rows returns the keys and rows of model m matching where (with args), in
// key order.
func (l *lite) rows(ctx context.Context, qr q, m opseq.ModelID, where string, args ...any) (keys, rows []any, err error) {
	spec := &l.s.Models[m]
	key := l.key(m)
	query := fmt.Sprintf("SELECT %s, %s FROM %s %s ORDER BY %s", key, strings.Join(l.names[m].fields, ", "), l.table(m), where, key)
	rs, err := qr.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rs.Close()
	fields := reflect.VisibleFields(spec.Type)
	keyType := reflect.TypeOf(spec.KeyValues[0])
	for rs.Next() {
		dst := make([]any, 1+len(fields))
		ptrs := make([]any, len(dst))
		for i := range dst {
			ptrs[i] = &dst[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		row := reflect.New(spec.Type).Elem()
		for i, f := range fields {
			if dst[1+i] == nil {
				continue // NULL: a nil pointer
			}
			fv := row.FieldByIndex(f.Index)
			t := f.Type
			if t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			v, err := fromSQL(dst[1+i], t)
			if err != nil {
				return nil, nil, fmt.Errorf("%s.%s: %w", spec.Name, f.Name, err)
			}
			if f.Type.Kind() == reflect.Pointer {
				p := reflect.New(t)
				p.Elem().Set(v)
				v = p
			}
			fv.Set(v)
		}
		k, err := fromSQL(dst[0], keyType)
		if err != nil {
			return nil, nil, err
		}
		keys, rows = append(keys, k.Interface()), append(rows, row.Interface())
	}
	return keys, rows, rs.Err()
}

// fromSQL converts a scanned value to type t.
func fromSQL(v any, t reflect.Type) (reflect.Value, error) {
	switch v := v.(type) {
	case int64:
		return reflect.ValueOf(v).Convert(t), nil
	case string:
		return reflect.ValueOf(v).Convert(t), nil
	case []byte:
		return reflect.ValueOf(string(v)).Convert(t), nil
	}
	return reflect.Value{}, fmt.Errorf("unexpected SQL value %#v for %v", v, t)
}

// read is Table.Get: the row of model m with key k.
func (l *lite) read(ctx context.Context, qr q, m opseq.ModelID, k any) opseq.Outcome {
	if reflect.ValueOf(k).IsZero() {
		return opseq.Outcome{Class: opseq.Invalid}
	}
	_, rows, err := l.rows(ctx, qr, m, "WHERE "+l.key(m)+" = ?", sqlValue(k))
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
	s := l.s
	v := s.FK(r, src)
	if v == nil {
		return opseq.Outcome{}
	}
	_, rows, err := l.rows(ctx, qr, s.Rels[r].Target, "WHERE "+l.keyToColumn(r)+" = ?", sqlValue(v))
	if err != nil {
		return fail(err)
	}
	if len(rows) == 0 {
		return opseq.Outcome{Class: opseq.NotFound}
	}
	return opseq.Outcome{Value: rows[0]}
}

// dump returns every row of store, in the form of memstore's Tx.Dump.
func (l *lite) dump(store int) (memstore.Dump, error) {
	d := memstore.Dump{}
	for m, spec := range l.s.Models {
		_, rows, err := l.rows(context.Background(), l.conns[store], opseq.ModelID(m), "")
		if err != nil {
			return nil, err
		}
		d[spec.Name] = rows
	}
	return d, nil
}

// snapshot copies the database of store (difference 6).
func (l *lite) snapshot(store int) (liteSnap, error) {
	ctx := context.Background()
	conn := l.conns[store]
	sn := liteSnap{seqs: map[string]int64{}}
	for m := range l.s.Models {
		keys, rows, err := l.rows(ctx, conn, opseq.ModelID(m), "")
		if err != nil {
			return sn, err
		}
		sn.keys, sn.rows = append(sn.keys, keys), append(sn.rows, rows)
	}
	rs, err := conn.QueryContext(ctx, "SELECT name, seq FROM sqlite_sequence")
	if err != nil {
		return sn, err
	}
	defer rs.Close()
	for rs.Next() {
		var name string
		var seq int64
		if err := rs.Scan(&name, &seq); err != nil {
			return sn, err
		}
		sn.seqs[name] = seq
	}
	return sn, rs.Err()
}

// restore replaces the content of store's database by sn in one
// transaction, with foreign keys checked at commit.
func (l *lite) restore(ctx context.Context, store int, sn liteSnap) opseq.Outcome {
	tx, err := l.conns[store].BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback()
	stmts := []string{"PRAGMA defer_foreign_keys = ON", "DELETE FROM sqlite_sequence"}
	// The sources before their targets: a polymorphic restrict, a trigger,
	// is not deferred.
	for m := len(l.s.Models) - 1; m >= 0; m-- {
		stmts = append(stmts, "DELETE FROM "+l.table(opseq.ModelID(m)))
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fail(err)
		}
	}
	for m, spec := range l.s.Models {
		for i, row := range sn.rows[m] {
			var key any
			if spec.Keyless() {
				key = sn.keys[m][i]
			}
			if _, o := l.insert(ctx, tx, row, key, false); o.Class != opseq.OK {
				return opseq.Outcome{Class: opseq.Other, Value: fmt.Sprintf("restore %s: %v", opseq.FormatRow(row), o)}
			}
		}
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM sqlite_sequence"); err != nil {
		return fail(err)
	}
	for name, seq := range sn.seqs {
		if _, err := tx.ExecContext(ctx, "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", name, seq); err != nil {
			return fail(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	return opseq.Outcome{}
}
