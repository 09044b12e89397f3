package postgres

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/relstore/relstore/ddl"
	"github.com/relstore/relstore/internal/opseq"
	"github.com/relstore/relstore/memstore"
)

// The SQL schema is package ddl's, written from the models of a store of the
// opseq schema (as a user would write theirs), with ddl's names: the harness
// reads the table and column names back from the server (tables in the
// order they were created, columns in field order, a keyless model's
// "rowid" as its key), as fuzz/sqlite does, so that it depends on no naming
// rule.

// pgdb runs opseq operations on PostgreSQL: each store of the opseq schema
// is a schema of the server with package ddl's tables, reached through a
// connection of its own whose search_path is that schema.
type pgdb struct {
	s       *opseq.Schema
	conns   []*pgx.Conn // one per store
	schemas []string    // the server schema of each store
	ddl     string      // the DDL the schemas hold
	names   []names     // per model
	// seqs are, per store and model, the largest key ever inserted into an
	// auto-key or keyless model: relstore's counter (difference 3).
	seqs  [][]int64
	snaps [][]pgSnap
	// dumps are the rows of each store as last read, nil when an op may
	// have changed them since: a store that no op wrote to is not read
	// again (relstore's are, after every op).
	dumps []memstore.Dump
	// trig lists, per model, the relations that reference it, in the order
	// PostgreSQL fires their ON DELETE triggers (read from the server),
	// the polymorphic ones' triggers included (poly_test.go).
	trig [][]opseq.Rel
	// poly are the triggers of the polymorphic relations by name,
	// polyFuncs their functions, and polyActs the relations' on-delete
	// actions they were made for (see polyActions).
	poly      map[string]polyTrigger
	polyFuncs []string
	polyActs  string

	// Filled while an op runs (see cascade_test.go, poly_test.go).
	deletes deleteStats
	polys   polyStats
	mispred []string // deletes whose outcome the queue rule did not predict
}

// names are the quoted SQL names of a model's table and columns.
type names struct {
	table, key string
	cols       map[string]string // field name → column
	fields     []string          // the columns of the struct's fields, in field order
}

// pgSnap is a copy of a whole store: rows with their keys, and the auto-key
// counters.
type pgSnap struct {
	keys, rows [][]any // per model
	seqs       []int64
}

// q is what both *pgx.Conn and pgx.Tx offer.
type q interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// pgSchema returns package ddl's PostgreSQL schema of s.
func pgSchema(t testing.TB, s *opseq.Schema) string {
	t.Helper()
	st, err := memstore.New(memstore.Config{Models: s.MemstoreModels()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	schema, err := ddl.PostgreSQL(st.Models())
	if err != nil {
		t.Fatal(err)
	}
	return schema
}

// newPG connects to the server with a schema per store, for as many stores
// as the largest of schemas has. Each sequence then starts with reset.
func newPG(t testing.TB, schemas ...*opseq.Schema) *pgdb {
	t.Helper()
	p := &pgdb{}
	n := 0
	for _, s := range schemas {
		n = max(n, s.NumStores())
	}
	for range n {
		conn := newTestConn(t)
		var schema string
		if err := conn.QueryRow(context.Background(), "SELECT current_schema()").Scan(&schema); err != nil {
			t.Fatal(err)
		}
		p.conns, p.schemas = append(p.conns, conn), append(p.schemas, schema)
	}
	return p
}

// reset empties every store for a sequence of schema s. The on-delete
// actions of FuzzSeats's relations vary with the input: when only they
// differ from the DDL the stores hold, the foreign keys are dropped and
// ddl's ALTER TABLE statements of s run again, in ddl's order; when more
// differs, the stores' schemas are dropped and made again with s's DDL.
func (p *pgdb) reset(t testing.TB, s *opseq.Schema) {
	t.Helper()
	ctx := context.Background()
	schema := pgSchema(t, s)
	p.s = s
	p.seqs = make([][]int64, s.NumStores())
	for i := range p.seqs {
		p.seqs[i] = make([]int64, len(s.Models))
	}
	p.snaps = make([][]pgSnap, s.NumStores())
	p.dumps = make([]memstore.Dump, s.NumStores())
	tables, fks := splitDDL(schema)
	oldTables, oldFKs := splitDDL(p.ddl)
	if p.ddl == "" || tables != oldTables {
		for i := range s.NumStores() {
			id := pgx.Identifier{p.schemas[i]}.Sanitize()
			if _, err := p.conns[i].Exec(ctx, "DROP SCHEMA "+id+" CASCADE; CREATE SCHEMA "+id+";\n"+schema); err != nil {
				t.Fatalf("apply schema: %v\n%s", err, schema)
			}
		}
		p.ddl, p.polyFuncs = schema, nil // DROP SCHEMA dropped the functions
		if err := p.readNames(); err != nil {
			t.Fatalf("%v\n%s", err, schema)
		}
		p.triggers(t)
		return
	}
	var names []string
	for _, n := range p.names {
		names = append(names, n.table)
	}
	// DELETE, with the foreign key triggers off, is faster than TRUNCATE
	// on tables this small.
	stmts := []string{"BEGIN", "SET LOCAL session_replication_role = replica", "DELETE FROM " + strings.Join(names, "; DELETE FROM ")}
	if schema != p.ddl {
		for _, fk := range oldFKs {
			drop, _, _ := strings.Cut(fk, "\n\tFOREIGN KEY")
			stmts = append(stmts, strings.Replace(drop, " ADD CONSTRAINT ", " DROP CONSTRAINT ", 1))
		}
		stmts = append(stmts, fks...)
	}
	stmts = append(stmts, "COMMIT")
	for i := range s.NumStores() {
		if _, err := p.conns[i].Exec(ctx, strings.Join(stmts, ";\n")); err != nil {
			t.Fatalf("reset: %v\n%s", err, strings.Join(stmts, ";\n"))
		}
	}
	if schema != p.ddl || polyActions(s) != p.polyActs {
		p.ddl = schema
		p.triggers(t)
	}
}

// triggers makes the triggers of the polymorphic relations of p.s, after
// the foreign keys (their names follow those of the RI triggers), and reads
// the order of every ON DELETE trigger.
func (p *pgdb) triggers(t testing.TB) {
	t.Helper()
	if err := p.installPoly(context.Background()); err != nil {
		t.Fatal(err)
	}
	p.polyActs = polyActions(p.s)
	if err := p.readTriggers(); err != nil {
		t.Fatalf("%v\n%s", err, p.ddl)
	}
}

// splitDDL splits a schema that package ddl wrote into its foreign key
// statements (ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY ...), in order,
// and the rest.
func splitDDL(schema string) (rest string, fks []string) {
	var others []string
	for _, stmt := range strings.Split(schema, ";\n") {
		if s := strings.TrimSpace(stmt); strings.HasPrefix(s, "ALTER TABLE ") && strings.Contains(s, "FOREIGN KEY") {
			fks = append(fks, s)
		} else {
			others = append(others, stmt)
		}
	}
	return strings.Join(others, ";\n"), fks
}

// readNames reads the table and column names of the models back from the
// first store's schema.
func (p *pgdb) readNames() error {
	ctx := context.Background()
	conn := p.conns[0]
	type table struct {
		oid  uint32
		name string
	}
	rs, err := conn.Query(ctx, `SELECT oid, relname FROM pg_class
		WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r' ORDER BY oid`)
	tables, err := collect(rs, err, func(r pgx.Rows) (t table, err error) { return t, r.Scan(&t.oid, &t.name) })
	if err != nil {
		return err
	}
	if len(tables) != len(p.s.Models) {
		return fmt.Errorf("%d tables for %d models", len(tables), len(p.s.Models))
	}
	p.names = nil
	for m, spec := range p.s.Models {
		n := names{table: quote(tables[m].name), cols: map[string]string{}}
		type column struct {
			name string
			pk   bool
		}
		rs, err := conn.Query(ctx, `SELECT a.attname, coalesce(a.attnum = ANY(i.indkey), false)
			FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
			WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`, tables[m].oid)
		cols, err := collect(rs, err, func(r pgx.Rows) (c column, err error) { return c, r.Scan(&c.name, &c.pk) })
		if err != nil {
			return err
		}
		var fieldCols []string
		for _, c := range cols {
			if c.pk {
				n.key = quote(c.name)
			}
			if !c.pk || !spec.Keyless() { // a keyless model's key is no field
				fieldCols = append(fieldCols, quote(c.name))
			}
		}
		fields := reflect.VisibleFields(spec.Type)
		if len(fieldCols) != len(fields) || n.key == "" {
			return fmt.Errorf("table %s: columns %v (key %s) for the fields of %v", tables[m].name, fieldCols, n.key, spec.Type)
		}
		for i, f := range fields {
			n.cols[f.Name] = fieldCols[i]
		}
		n.fields = fieldCols
		p.names = append(p.names, n)
	}
	return nil
}

// readTriggers reads, per model, the relations that reference it in the
// order PostgreSQL fires their ON DELETE triggers: by trigger name, which
// for the triggers of foreign keys ends with the trigger's OID, so creation
// order (while the OIDs have the same number of digits), and which places
// the polymorphic relations' triggers (p.poly) among them. It checks each
// foreign key's ON DELETE rule against its relation's.
func (p *pgdb) readTriggers() error {
	type trigger struct{ name, target, source, column, action string }
	rs, err := p.conns[0].Query(context.Background(), `SELECT t.tgname, tgt.relname,
			coalesce(src.relname, ''), coalesce(a.attname, ''), coalesce(c.confdeltype::text, '')
		FROM pg_trigger t
		JOIN pg_class tgt ON tgt.oid = t.tgrelid
		LEFT JOIN pg_constraint c ON c.oid = t.tgconstraint AND c.contype = 'f'
		LEFT JOIN pg_class src ON src.oid = c.conrelid
		LEFT JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
		WHERE t.tgtype & 8 <> 0 AND t.tgtype & 1 <> 0 AND t.tgtype & 2 = 0
			AND (c.oid IS NULL OR t.tgrelid = c.confrelid)
			AND tgt.relnamespace = current_schema()::regnamespace
		ORDER BY t.tgname COLLATE "C"`)
	rows, err := collect(rs, err, func(r pgx.Rows) (t trigger, err error) {
		return t, r.Scan(&t.name, &t.target, &t.source, &t.column, &t.action)
	})
	if err != nil {
		return err
	}
	s := p.s
	p.trig = make([][]opseq.Rel, len(s.Models))
	want := map[memstore.Action]string{memstore.Cascade: "c", memstore.SetNull: "n", memstore.Restrict: "a"}
	n := 0 // the ON DELETE triggers the relations should have
	for _, spec := range s.Rels {
		n += max(1, len(spec.Targets))
	}
	for _, tr := range rows {
		if tr.source == "" { // no foreign key's: a polymorphic relation's
			pt, ok := p.poly[tr.name]
			if !ok || pt.check || p.table(pt.target) != quote(tr.target) {
				return fmt.Errorf("trigger %s on %s: no polymorphic relation's delete trigger", tr.name, tr.target)
			}
			p.trig[pt.target] = append(p.trig[pt.target], pt.r)
			continue
		}
		found := false
		for r, spec := range s.Rels {
			if spec.Poly() || p.table(spec.Source) != quote(tr.source) || p.col(spec.Source, spec.FK) != quote(tr.column) {
				continue
			}
			if p.table(spec.Target) != quote(tr.target) || want[spec.OnDelete] != tr.action {
				return fmt.Errorf("trigger %s: %s.%s references %s with action %s; relation %s: %s, %v",
					tr.name, tr.source, tr.column, tr.target, tr.action, s.RelName(opseq.Rel(r)), s.ModelName(spec.Target), spec.OnDelete)
			}
			p.trig[spec.Target] = append(p.trig[spec.Target], opseq.Rel(r))
			found = true
		}
		if !found {
			return fmt.Errorf("trigger %s: %s.%s is no relation's foreign key", tr.name, tr.source, tr.column)
		}
	}
	if len(rows) != n {
		return fmt.Errorf("%d ON DELETE triggers for %d relations (%d with each target of a polymorphic one)", len(rows), len(s.Rels), n)
	}
	return nil
}

// collect reads every row of a query with scan.
func collect[T any](rs pgx.Rows, err error, scan func(pgx.Rows) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []T
	for rs.Next() {
		v, err := scan(rs)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rs.Err()
}

func quote(name string) string { return pgx.Identifier{name}.Sanitize() }

// table, key and col return the quoted SQL names of model m's table, key
// column and the column of its field.
func (p *pgdb) table(m opseq.ModelID) string { return p.names[m].table }
func (p *pgdb) key(m opseq.ModelID) string   { return p.names[m].key }
func (p *pgdb) col(m opseq.ModelID, field string) string {
	c, ok := p.names[m].cols[field]
	if !ok {
		panic(fmt.Sprintf("pgdb: %s has no column for field %s", p.s.ModelName(m), field))
	}
	return c
}

// keyToColumn returns the column relation r references.
func (p *pgdb) keyToColumn(r opseq.Rel) string {
	spec := p.s.Rels[r]
	if spec.KeyTo == "" || spec.KeyTo == p.s.Models[spec.Target].Key {
		return p.key(spec.Target)
	}
	return p.col(spec.Target, spec.KeyTo)
}

// classify maps a pgx error to an opseq class by its SQLSTATE.
func classify(err error) opseq.Class {
	if err == nil {
		return opseq.OK
	}
	if errors.Is(err, context.Canceled) {
		return opseq.Canceled
	}
	switch sqlState(err) {
	case "23503": // foreign_key_violation
		return opseq.ForeignKey
	case "23505": // unique_violation
		return opseq.Unique
	case "25P02": // in_failed_sql_transaction
		return opseq.TxAborted
	case "25006": // read_only_sql_transaction
		return opseq.ReadOnly
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

// notSent marks an outcome of an op that has no SQL counterpart (difference
// 4): the comparison skips it.
const notSent = "not sent to PostgreSQL"

// run runs a resolved op. An op that relstore refuses as bad input before any
// SQL would run is refused here the same way (differences 4 and 5).
func (p *pgdb) run(op opseq.Op) opseq.Outcome {
	p.mispred = p.mispred[:0]
	switch op.Kind {
	case opseq.OpView, opseq.OpGet, opseq.OpInclude, opseq.OpSnapshot, opseq.OpBad:
		// Reads (a write in a View is refused): the rows stay.
	case opseq.OpConcurrent:
		for _, sub := range op.Sub {
			p.dumps[sub.Store] = nil
		}
	default:
		p.dumps[op.Store] = nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if op.Cancel {
		cancel()
	}
	s, conn := p.s, p.conns[op.Store]
	switch op.Kind {
	case opseq.OpBad:
		return opseq.Outcome{Value: notSent}
	case opseq.OpSnapshot:
		sn, err := p.snapshot(context.Background(), conn, op.Store) // Store.Snapshot takes no context
		if err != nil {
			return fail(err)
		}
		p.snaps[op.Store] = append(p.snaps[op.Store], sn)
		return opseq.Outcome{}
	case opseq.OpRestore:
		snaps := p.snaps[op.Store]
		if op.Index < 0 || len(snaps) == 0 {
			return opseq.Outcome{Class: opseq.Invalid}
		}
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		return p.restore(ctx, op.Store, snaps[op.Index%len(snaps)])
	case opseq.OpView:
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		if op.Write {
			return p.readOnlyWrite(ctx, op)
		}
		if s.Refused(op) {
			return opseq.Outcome{Class: opseq.Invalid}
		}
		return p.read(ctx, conn, op.Model, op.Key)
	case opseq.OpGet:
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		src := op.Src
		if op.Via == 2 { // ByKey: the stored source row
			o := p.read(ctx, conn, s.Rels[op.Rel].Source, op.Key)
			if o.Class != opseq.OK {
				return o
			}
			src = o.Value
		}
		return p.owner(ctx, conn, op.Rel, src)
	case opseq.OpInclude:
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		out := make([]any, len(op.Srcs))
		for i, src := range op.Srcs {
			o := p.owner(ctx, conn, op.Rel, src)
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
		return p.concurrent(op)
	}
	// A cancelled context is refused before any SQL, as relstore refuses it
	// before the transaction starts.
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	if op.Kind == opseq.OpTx {
		return p.tx(ctx, op)
	}
	return p.one(ctx, op)
}

// readOnlyWrite is a write in a View: an INSERT of a blank row in a READ
// ONLY transaction, which PostgreSQL refuses (25006) before it looks at
// the row.
func (p *pgdb) readOnlyWrite(ctx context.Context, op opseq.Op) opseq.Outcome {
	tx, err := p.conns[op.Store].BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback(ctx)
	row := p.s.Blank(op.Model, nil)
	cols, values := p.columns(op.Model, row)
	_, err = tx.Exec(ctx, fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", p.table(op.Model), strings.Join(cols, ", "), params(len(cols))), values...)
	return fail(err)
}

// one runs one write as a statement of its own (a transaction of its own).
func (p *pgdb) one(ctx context.Context, op opseq.Op) opseq.Outcome {
	seqs := append([]int64(nil), p.seqs[op.Store]...)
	o := p.write(ctx, p.conns[op.Store], op, seqs)
	if o.Class == opseq.OK {
		p.seqs[op.Store] = seqs
	}
	return o
}

// concurrent replays the writers of an OpConcurrent serially, in the order
// they ran on relstore (op.Order), each in a transaction of its own.
func (p *pgdb) concurrent(op opseq.Op) opseq.Outcome {
	out := opseq.Outcome{Sub: make([]opseq.Outcome, len(op.Sub)), Order: op.Order}
	for _, i := range op.Order {
		out.Sub[i] = p.one(context.Background(), op.Sub[i])
	}
	return out
}

// tx runs an OpTx in one SQL transaction. After a statement PostgreSQL
// refuses, the later statements are still sent, and PostgreSQL refuses them
// as relstore does (in_failed_sql_transaction, ErrTxAborted); after an op
// that is refused before any SQL (relstore's ErrInvalid) or an UPDATE or
// DELETE of no row (ErrNotFound), the later ops report ErrTxAborted without
// being sent, and the transaction is rolled back.
func (p *pgdb) tx(ctx context.Context, op opseq.Op) opseq.Outcome {
	tx, err := p.conns[op.Store].Begin(ctx)
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback(ctx)
	seqs := append([]int64(nil), p.seqs[op.Store]...)
	out := opseq.Outcome{Sub: make([]opseq.Outcome, len(op.Sub))}
	first := opseq.OK
	refused := false // the transaction failed before any SQL
	for i, s := range op.Sub {
		if refused || first != opseq.OK && p.s.Refused(s) {
			out.Sub[i] = opseq.Outcome{Class: opseq.TxAborted}
			continue
		}
		if s.Kind == opseq.OpView { // a failed read does not abort
			if p.s.Refused(s) {
				out.Sub[i] = opseq.Outcome{Class: opseq.Invalid}
			} else {
				out.Sub[i] = p.read(ctx, tx, s.Model, s.Key)
			}
			continue
		}
		if first == opseq.OK && p.s.Refused(s) {
			out.Sub[i] = opseq.Outcome{Class: opseq.Invalid} // differences 4 and 5
			first, refused = opseq.Invalid, true
			continue
		}
		out.Sub[i] = p.write(ctx, tx, s, seqs)
		if c := out.Sub[i].Class; c != opseq.OK && first == opseq.OK {
			first = c
			// An UPDATE or DELETE of no row is no error to PostgreSQL,
			// which goes on with the transaction; relstore's ErrNotFound
			// aborts it (difference 12).
			refused = c == opseq.NotFound
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
		if err := tx.Commit(ctx); err != nil {
			return fail(err)
		}
		p.seqs[op.Store] = seqs
		return out
	case opseq.EndError:
		out.Class = opseq.User
	case opseq.EndPanic:
		out.Class = opseq.Panic
	case opseq.EndCancel:
		// The context is cancelled before COMMIT: rolled back (difference 7).
		out.Class = opseq.Canceled
	}
	return out
}

// write runs one write statement of op; bad input is refused before any
// SQL, as relstore's API does (opseq.Schema.Refused). seqs are the auto-key
// counters of op's store, which a successful insert advances.
func (p *pgdb) write(ctx context.Context, qr q, op opseq.Op, seqs []int64) opseq.Outcome {
	s := p.s
	if s.Refused(op) {
		return opseq.Outcome{Class: opseq.Invalid} // differences 4 and 5
	}
	qr = polyCounter{qr, &p.polys}
	switch op.Kind {
	case opseq.OpInsert:
		k, c := p.insert(ctx, qr, op.Row, nil, false, seqs)
		spec := &s.Models[s.ModelOf(op.Row)]
		// Tx.Insert(v) returns no key, nor does Tx.Insert(&v) of a keyless row.
		if c.Class != opseq.OK || op.Via == 1 || op.Via == 2 && spec.Keyless() {
			return c
		}
		return opseq.Outcome{Value: k}
	case opseq.OpUpsert:
		k, c := p.insert(ctx, qr, op.Row, nil, true, seqs)
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
		return p.update(ctx, qr, m, k, op.Row)
	case opseq.OpDelete:
		return p.delete(ctx, qr, op)
	case opseq.OpSet:
		spec := s.Rels[op.Rel]
		var v any
		if op.Owner != nil {
			v = opseq.Field(op.Owner, spec.KeyTo)
		}
		if spec.Poly() && v != nil { // Set writes the discriminator: its target's name
			return affected(qr.Exec(ctx, fmt.Sprintf("UPDATE %s SET %s = $1, %s = $2 WHERE %s = $3", p.table(spec.Source),
				p.col(spec.Source, spec.FK), p.col(spec.Source, spec.Disc), p.key(spec.Source)),
				sqlValue(v), s.Models[spec.Target].Name, sqlValue(s.PK(op.Src))))
		}
		return affected(qr.Exec(ctx, fmt.Sprintf("UPDATE %s SET %s = $1 WHERE %s = $2", p.table(spec.Source),
			p.col(spec.Source, spec.FK), p.key(spec.Source)), sqlValue(v), sqlValue(s.PK(op.Src))))
	}
	return opseq.Outcome{Class: opseq.Other, Value: "not a write: " + op.Format(s)}
}

// delete runs a DELETE, and checks its outcome against the one the trigger
// queue rule predicts from the rows before it (see cascade_test.go).
func (p *pgdb) delete(ctx context.Context, qr q, op opseq.Op) opseq.Outcome {
	var pre pgSnap
	var err error
	if p.deletes.predict {
		if pre, err = p.snapshot(ctx, qr, op.Store); err != nil && classify(err) != opseq.TxAborted {
			return fail(err)
		}
	}
	o := affected(qr.Exec(ctx, fmt.Sprintf("DELETE FROM %s WHERE %s = $1", p.table(op.Model), p.key(op.Model)), sqlValue(op.Key)))
	if p.deletes.predict && err == nil {
		p.check(pre, op, o.Class)
	}
	return o
}

// affected turns an UPDATE or DELETE result into an outcome: no row is
// ErrNotFound.
func affected(tag pgconn.CommandTag, err error) opseq.Outcome {
	if err != nil {
		return fail(err)
	}
	if tag.RowsAffected() == 0 {
		return opseq.Outcome{Class: opseq.NotFound}
	}
	return opseq.Outcome{}
}

// sqlValue converts a key or field value to int64 or string, which pgx
// encodes for any integer or text column (memstore.RowID is a uint64).
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

// params returns "$1, $2, ..., $n".
func params(n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = fmt.Sprintf("$%d", i+1)
	}
	return strings.Join(ps, ", ")
}

// columns returns the columns and values of row's fields.
func (p *pgdb) columns(m opseq.ModelID, row any) (cols []string, values []any) {
	for _, f := range reflect.VisibleFields(reflect.TypeOf(row)) {
		cols = append(cols, p.col(m, f.Name))
		values = append(values, sqlValue(opseq.Field(row, f.Name)))
	}
	return cols, values
}

// insert inserts row (upsert: or updates the row with its key) and returns
// its key. A zero auto key, and a keyless model's RowID unless key gives it
// (a restore), are relstore's counter plus one, given explicitly
// (difference 3); every inserted key of such a model advances the counter.
func (p *pgdb) insert(ctx context.Context, qr q, row, key any, upsert bool, seqs []int64) (any, opseq.Outcome) {
	s := p.s
	m := s.ModelOf(row)
	spec := &s.Models[m]
	cols, values := p.columns(m, row)
	assigned := false
	var k any
	switch {
	case spec.Keyless():
		k = key
		if k == nil {
			k, assigned = seqs[m]+1, true
		}
		cols, values = append(cols, p.key(m)), append(values, sqlValue(k))
	case spec.Auto && reflect.ValueOf(s.PK(row)).IsZero():
		k, assigned = seqs[m]+1, true
		for i, n := range cols {
			if n == p.key(m) {
				values[i] = k
			}
		}
	default:
		k = s.PK(row)
	}
	query := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", p.table(m), strings.Join(cols, ", "), params(len(cols)))
	if upsert && !assigned {
		var sets []string
		for _, n := range cols {
			sets = append(sets, n+" = excluded."+n)
		}
		query += fmt.Sprintf(" ON CONFLICT (%s) DO UPDATE SET %s", p.key(m), strings.Join(sets, ", "))
	}
	if _, err := qr.Exec(ctx, query, values...); err != nil {
		return nil, fail(err)
	}
	if spec.Auto && key == nil {
		seqs[m] = max(seqs[m], sqlValue(k).(int64))
	}
	return reflect.ValueOf(k).Convert(reflect.TypeOf(spec.KeyValues[0])).Interface(), opseq.Outcome{}
}

// update replaces the row of model m with key k.
func (p *pgdb) update(ctx context.Context, qr q, m opseq.ModelID, k, row any) opseq.Outcome {
	cols, values := p.columns(m, row)
	var sets []string
	for i, n := range cols {
		sets = append(sets, fmt.Sprintf("%s = $%d", n, i+1))
	}
	query := fmt.Sprintf("UPDATE %s SET %s WHERE %s = $%d", p.table(m), strings.Join(sets, ", "), p.key(m), len(cols)+1)
	return affected(qr.Exec(ctx, query, append(values, sqlValue(k))...))
}

// selectRows returns the query of the keys and rows of model m matching
// where, in key order.
func (p *pgdb) selectRows(m opseq.ModelID, where string) string {
	key := p.key(m)
	return fmt.Sprintf("SELECT %s, %s FROM %s %s ORDER BY %s", key, strings.Join(p.names[m].fields, ", "), p.table(m), where, key)
}

// scanRows reads the keys and rows of model m from a selectRows query.
func (p *pgdb) scanRows(m opseq.ModelID, rs pgx.Rows) (keys, rows []any, err error) {
	defer rs.Close()
	spec := &p.s.Models[m]
	fields := reflect.VisibleFields(spec.Type)
	keyType := reflect.TypeOf(spec.KeyValues[0])
	for rs.Next() {
		dst, err := rs.Values()
		if err != nil {
			return nil, nil, err
		}
		row := reflect.New(spec.Type).Elem()
		for i, f := range fields {
			if dst[1+i] == nil {
				continue // NULL: a nil pointer
			}
			t := f.Type
			if t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			v, err := fromSQL(dst[1+i], t)
			if err != nil {
				return nil, nil, fmt.Errorf("%s.%s: %w", spec.Name, f.Name, err)
			}
			if f.Type.Kind() == reflect.Pointer {
				ptr := reflect.New(t)
				ptr.Elem().Set(v)
				v = ptr
			}
			row.FieldByIndex(f.Index).Set(v)
		}
		k, err := fromSQL(dst[0], keyType)
		if err != nil {
			return nil, nil, err
		}
		keys, rows = append(keys, k.Interface()), append(rows, row.Interface())
	}
	return keys, rows, rs.Err()
}

// rows returns the keys and rows of model m matching where (with args), in
// key order.
func (p *pgdb) rows(ctx context.Context, qr q, m opseq.ModelID, where string, args ...any) (keys, rows []any, err error) {
	rs, err := qr.Query(ctx, p.selectRows(m, where), args...)
	if err != nil {
		return nil, nil, err
	}
	return p.scanRows(m, rs)
}

// fromSQL converts a scanned value to type t.
func fromSQL(v any, t reflect.Type) (reflect.Value, error) {
	switch v := v.(type) {
	case int64, int32, int16, string:
		return reflect.ValueOf(v).Convert(t), nil
	}
	return reflect.Value{}, fmt.Errorf("unexpected SQL value %#v for %v", v, t)
}

// read is Table.Get: the row of model m with key k.
func (p *pgdb) read(ctx context.Context, qr q, m opseq.ModelID, k any) opseq.Outcome {
	if reflect.ValueOf(k).IsZero() {
		return opseq.Outcome{Class: opseq.Invalid}
	}
	_, rows, err := p.rows(ctx, qr, m, "WHERE "+p.key(m)+" = $1", sqlValue(k))
	if err != nil {
		return fail(err)
	}
	if len(rows) == 0 {
		return opseq.Outcome{Class: opseq.NotFound}
	}
	return opseq.Outcome{Value: rows[0]}
}

// owner is BelongsTo.Get: the owner of src through relation r.
func (p *pgdb) owner(ctx context.Context, qr q, r opseq.Rel, src any) opseq.Outcome {
	s := p.s
	v := s.FK(r, src)
	if v == nil {
		return opseq.Outcome{}
	}
	_, rows, err := p.rows(ctx, qr, s.Rels[r].Target, "WHERE "+p.keyToColumn(r)+" = $1", sqlValue(v))
	if err != nil {
		return fail(err)
	}
	if len(rows) == 0 {
		return opseq.Outcome{Class: opseq.NotFound}
	}
	return opseq.Outcome{Value: rows[0]}
}

// snapshot reads every row of store (in one round trip) and its counters.
func (p *pgdb) snapshot(ctx context.Context, qr q, store int) (pgSnap, error) {
	sn := pgSnap{seqs: append([]int64(nil), p.seqs[store]...)}
	b := &pgx.Batch{}
	for m := range p.s.Models {
		b.Queue(p.selectRows(opseq.ModelID(m), ""))
	}
	br := qr.SendBatch(ctx, b)
	defer br.Close()
	for m := range p.s.Models {
		rs, err := br.Query()
		if err != nil {
			return sn, err
		}
		keys, rows, err := p.scanRows(opseq.ModelID(m), rs)
		if err != nil {
			return sn, err
		}
		sn.keys, sn.rows = append(sn.keys, keys), append(sn.rows, rows)
	}
	return sn, br.Close()
}

// dump returns every row of store, in the form of memstore's Tx.Dump.
func (p *pgdb) dump(store int) (memstore.Dump, error) {
	if d := p.dumps[store]; d != nil {
		return d, nil
	}
	sn, err := p.snapshot(context.Background(), p.conns[store], store)
	if err != nil {
		return nil, err
	}
	d := memstore.Dump{}
	for m, spec := range p.s.Models {
		d[spec.Name] = sn.rows[m]
	}
	p.dumps[store] = d
	return d, nil
}

// restore replaces the content of store by sn in one transaction, with the
// foreign key triggers off (session_replication_role = replica, which needs
// a superuser) while the rows go back, and puts the counters back
// (difference 6).
func (p *pgdb) restore(ctx context.Context, store int, sn pgSnap) opseq.Outcome {
	tx, err := p.conns[store].Begin(ctx)
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback(ctx)
	var tables []string
	for _, n := range p.names {
		tables = append(tables, n.table)
	}
	for _, stmt := range []string{"SET LOCAL session_replication_role = replica", "TRUNCATE " + strings.Join(tables, ", ")} {
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return opseq.Outcome{Class: opseq.Other, Value: fmt.Sprintf("restore: %s: %v", stmt, err)}
		}
	}
	for m, spec := range p.s.Models {
		for i, row := range sn.rows[m] {
			var key any
			if spec.Keyless() {
				key = sn.keys[m][i]
			}
			if _, o := p.insert(ctx, tx, row, key, false, make([]int64, len(p.s.Models))); o.Class != opseq.OK {
				return opseq.Outcome{Class: opseq.Other, Value: fmt.Sprintf("restore %s: %v", opseq.FormatRow(row), o)}
			}
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fail(err)
	}
	p.seqs[store] = append([]int64(nil), sn.seqs...)
	return opseq.Outcome{}
}
