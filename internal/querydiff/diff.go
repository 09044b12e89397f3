package querydiff

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/relstore/relstore/ddl"
	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
)

// Filters is the number of filters Run draws per data set in the tests
// (FuzzQuery and TestQueryRandom of fuzz/sqlite, TestQueryRandom of
// fuzz/postgres).
const Filters = 150

// TB is the part of testing.TB that Run uses.
type TB interface {
	Helper()
	Cleanup(func())
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
	Failed() bool
}

// A DB is the database side of the test: a new database in which Open
// applied package ddl's schema of the models.
type DB interface {
	// Tables returns the tables, in the order they were created.
	Tables(ctx context.Context) ([]string, error)
	// Columns returns the columns of table, in order.
	Columns(ctx context.Context, table string) ([]string, error)
	// Exec runs a statement.
	Exec(ctx context.Context, q string, args ...any) error
	// Column runs a query and returns the first column of its rows.
	Column(ctx context.Context, q string, args ...any) ([]any, error)
}

// Open returns a new database of its dialect with schema applied; it fails
// t if it cannot.
type Open func(t TB, schema string) DB

// String names the database.
func (d Dialect) String() string {
	if d == PostgreSQL {
		return "PostgreSQL"
	}
	return "SQLite"
}

// Stats counts what was compared.
type Stats struct {
	Sets     int            // data sets
	Filters  int            // filters compared
	Rows     int            // rows of the data sets
	Pairs    int            // filters x the rows of their model
	Returned int            // rows returned (by each side) and compared
	Counted  int            // rows counted by the filters' where
	ViaJSON  int            // filters relstore got printed to JSON and parsed
	Pages    int            // next keyset pages compared
	plans    map[string]int // how often each kind of plan ran
}

// plan counts the features of p.
func (s *Stats) plan(p memstore.Plan) {
	if s.plans == nil {
		s.plans = map[string]int{}
	}
	s.plans["index "+p.Model+"."+p.Index]++
	for _, f := range []struct {
		name string
		on   bool
	}{
		{"eq", len(p.Eq) > 0}, {"range", p.Range != ""}, {"ranges>1", p.Ranges > 1}, {"reverse", p.Reverse},
		{"seek", p.Seek}, {"residual", p.Residual}, {"sort", p.Sort}, {"topK", p.TopK > 0}, {"stop", p.Stop > 0},
	} {
		if f.on {
			s.plans[f.name]++
		}
	}
}

// Add adds o to s.
func (s *Stats) Add(o Stats) {
	s.Sets += o.Sets
	s.Filters += o.Filters
	s.Rows += o.Rows
	s.Pairs += o.Pairs
	s.Returned += o.Returned
	s.Counted += o.Counted
	s.ViaJSON += o.ViaJSON
	s.Pages += o.Pages
	for k, n := range o.plans {
		if s.plans == nil {
			s.plans = map[string]int{}
		}
		s.plans[k] += n
	}
}

// String reports s in one line.
func (s Stats) String() string {
	plans := make([]string, 0, len(s.plans))
	for k, n := range s.plans {
		plans = append(plans, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(plans)
	return fmt.Sprintf("%d data sets, %d filters (%d through JSON) over %d rows in all: %d filter x row pairs checked; "+
		"%d rows returned and compared, %d counted, %d next keyset pages; plans: %s",
		s.Sets, s.Filters, s.ViaJSON, s.Rows, s.Pairs, s.Returned, s.Counted, s.Pages, strings.Join(plans, ", "))
}

// queryEnv is one data set loaded into relstore and the database.
type queryEnv struct {
	store  *memstore.Store
	db     DB
	d      Dialect
	models []queryModel
}

// queryModel is a model of the data set on both sides.
type queryModel struct {
	name    string
	fields  []qfield
	key     string
	indexes [][]string // the fields of each index
	sql     *SQLModel
	rows    []reflect.Value // the data, in insertion order
	byKey   map[any]reflect.Value
}

// Models are the models of the differential test.
func Models() []memstore.Model {
	item := memstore.ModelOf[QItem]()
	item.Indexes = []memstore.Index{{Name: "due_rank", Fields: qItemIndexes}}
	return []memstore.Model{memstore.ModelOf[QGroup](), item}
}

// newQueryEnv loads groups and items into a new store and a new database
// whose schema is package ddl's for the same models.
func newQueryEnv(t TB, d Dialect, open Open, groups []QGroup, items []QItem) *queryEnv {
	t.Helper()
	ctx := context.Background()
	st, err := memstore.New(memstore.Config{Models: Models()})
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(func() { st.Close() })
	write := ddl.SQLite
	if d == PostgreSQL {
		write = ddl.PostgreSQL
	}
	schema, err := write(st.Models())
	if err != nil {
		t.Fatalf("%v", err)
	}
	env := &queryEnv{store: st, db: open(t, schema), d: d}
	tables, err := env.db.Tables(ctx)
	if err != nil || len(tables) != 2 {
		t.Fatalf("tables %v, %v; want 2\n%s", tables, err, schema)
	}
	data := []reflect.Value{reflect.ValueOf(groups), reflect.ValueOf(items)}
	for i, typ := range []reflect.Type{reflect.TypeFor[QGroup](), reflect.TypeFor[QItem]()} {
		cols, err := env.db.Columns(ctx, tables[i])
		if err != nil {
			t.Fatalf("%v", err)
		}
		sm, err := NewSQLModel(typ, "ID", tables[i], cols)
		if err != nil {
			t.Fatalf("%v", err)
		}
		m := queryModel{name: typ.Name(), fields: fieldsOf(typ), key: "ID", indexes: [][][]string{qGroupIndexFields, qItemIndexFields}[i],
			sql: sm, byKey: map[any]reflect.Value{}}
		for j := range data[i].Len() {
			row := data[i].Index(j)
			m.rows = append(m.rows, row)
			m.byKey[row.FieldByName("ID").Interface()] = row
			q, args := d.Insert(sm, row)
			if err := env.db.Exec(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		env.models = append(env.models, m)
	}
	if err := loadRelstore(ctx, st, groups, items); err != nil {
		t.Fatalf("%v", err)
	}
	return env
}

func loadRelstore(ctx context.Context, st *memstore.Store, groups []QGroup, items []QItem) error {
	gt, err := memstore.TableOf[QGroup, string](st)
	if err != nil {
		return err
	}
	it, err := memstore.TableOf[QItem, int64](st)
	if err != nil {
		return err
	}
	return st.Update(ctx, func(tx *memstore.Tx) error {
		for _, g := range groups {
			if _, err := gt.Insert(tx, g); err != nil {
				return err
			}
		}
		for _, i := range items {
			if _, err := it.Insert(tx, i); err != nil {
				return err
			}
		}
		return nil
	})
}

// sqlKeys runs f on the database and returns the primary keys, converted
// to the model's key type.
func (env *queryEnv) sqlKeys(ctx context.Context, m *queryModel, f filter.Filter) ([]any, string, error) {
	q, args, err := env.d.SelectKeys(m.sql, f)
	if err != nil {
		return nil, q, err
	}
	col, err := env.db.Column(ctx, q, args...)
	if err != nil {
		return nil, q, err
	}
	keyType := m.sql.cols[m.key].typ
	keys := make([]any, len(col))
	for i, k := range col {
		v, err := fromSQL(k, keyType)
		if err != nil {
			return nil, q, err
		}
		keys[i] = v.Interface()
	}
	return keys, q, nil
}

// fromSQL converts a key the driver scanned to type t.
func fromSQL(v any, t reflect.Type) (reflect.Value, error) {
	switch v := v.(type) {
	case int64, int32, int16, string:
		return reflect.ValueOf(v).Convert(t), nil
	case []byte:
		return reflect.ValueOf(string(v)).Convert(t), nil
	}
	return reflect.Value{}, fmt.Errorf("unexpected SQL value %#v for %v", v, t)
}

// sqlCount counts the rows w matches on the database.
func (env *queryEnv) sqlCount(ctx context.Context, m *queryModel, w filter.Cond) (int, string, error) {
	q, args, err := env.d.Count(m.sql, w)
	if err != nil {
		return 0, q, err
	}
	col, err := env.db.Column(ctx, q, args...)
	if err != nil {
		return 0, q, err
	}
	n, ok := col[0].(int64)
	if len(col) != 1 || !ok {
		return 0, q, fmt.Errorf("count: %#v", col)
	}
	return int(n), q, nil
}

// Run draws the data set of seed and n filters over it, loads the data into
// relstore and into a database of dialect d that open returns, and compares
// their answers to each filter: the same rows in the same order (Query.Find
// typed and Tx.Find by model name, the filter given as a value or printed
// to JSON and parsed), the same count (Query.Count and Exists, and
// Table.CountWhere of its where), and the same next keyset page (from
// Query.After of the last row). It reports up to maxQueryErrors
// disagreements to t and returns what it compared.
func Run(t TB, d Dialect, open Open, seed uint64, n int) Stats {
	t.Helper()
	ctx := context.Background()
	g := newGen(seed)
	groups, items := g.rows(20 + g.r.IntN(280))
	env := newQueryEnv(t, d, open, groups, items)
	st := Stats{Sets: 1, Rows: len(groups) + len(items)}
	failed := 0
	for i := range n {
		m := &env.models[1]
		if g.chance(0.2) {
			m = &env.models[0]
		}
		f := g.filter(m.fields, m.key, m.indexes, m.rows)
		viaJSON := g.chance(0.5)
		label := fmt.Sprintf("seed %d, filter %d on %s: %s", seed, i, m.name, f)
		if err := f.Validate(); err != nil {
			t.Fatalf("%s: generated an invalid filter: %v", label, err)
		}
		bound := f // what relstore gets
		if viaJSON {
			named := f
			if g.chance(0.5) {
				named = jsonNames(f, m.fields) // json tag names, as a REST client writes them
			}
			js, err := json.Marshal(named)
			if err != nil {
				t.Fatalf("%s: %v", label, err)
			}
			if bound, err = filter.Parse(js); err != nil {
				t.Fatalf("%s: parse %s: %v", label, js, err)
			}
			st.ViaJSON++
		}
		if err := env.check(ctx, m, f, bound, &st); err != nil {
			t.Errorf("%s\n%v", label, err)
			if failed++; failed == maxQueryErrors {
				t.Logf("seed %d: stopped after %d disagreements", seed, failed)
				break
			}
		}
	}
	return st
}

const maxQueryErrors = 3

// check runs f on the database and bound (f, or f printed and parsed) on
// relstore, and returns their first disagreement.
func (env *queryEnv) check(ctx context.Context, m *queryModel, f, bound filter.Filter, st *Stats) error {
	want, q, err := env.sqlKeys(ctx, m, f)
	if err != nil {
		return fmt.Errorf("SQL: %s\n%v", q, err)
	}
	wantN, cq, err := env.sqlCount(ctx, m, f.Where)
	if err != nil {
		return fmt.Errorf("SQL: %s\n%v", cq, err)
	}
	a, err := env.relstore(ctx, m, bound)
	if err != nil {
		return fmt.Errorf("relstore: %v", err)
	}
	if a.refused != nil {
		return fmt.Errorf("relstore refused the filter: %v", a.refused)
	}
	where := "plan: " + a.plan.String() + "\nSQL: " + q
	if d := cmp.Diff(want, keysOf(m, a.rows), cmpopts.EquateEmpty()); d != "" {
		return fmt.Errorf("%s\nkeys (-%v +relstore):\n%s", where, env.d, d)
	}
	if d := cmp.Diff(want, keysOf(m, a.byName), cmpopts.EquateEmpty()); d != "" {
		return fmt.Errorf("%s\nkeys (-%v +relstore's Tx.Find):\n%s", where, env.d, d)
	}
	for _, row := range append(a.rows, a.byName...) {
		if d := diffRow(m, row); d != "" {
			return fmt.Errorf("%s\nrelstore returned a row unlike the data: %s", where, d)
		}
	}
	if a.count != len(want) || a.exists != (len(want) > 0) {
		return fmt.Errorf("%s\nQuery.Count %d, Exists %v; %v returned %d rows", where, a.count, a.exists, env.d, len(want))
	}
	if a.countAll != wantN {
		return fmt.Errorf("%s\ncount SQL: %s\nCountWhere %d, %v counts %d", where, cq, a.countAll, env.d, wantN)
	}
	if f.Limit > 0 && len(a.next) > 0 {
		// The next keyset page, from the position Query.After gives.
		nf := f
		nf.After, nf.Skip = a.next, 0
		want, nq, err := env.sqlKeys(ctx, m, nf)
		if err != nil {
			return fmt.Errorf("%s\nnext page: %s\nSQL: %s\n%v", where, nf, nq, err)
		}
		b, err := env.relstore(ctx, m, nf)
		if err == nil && b.refused != nil {
			err = b.refused
		}
		if err != nil {
			return fmt.Errorf("%s\nnext page: %s\nrelstore: %v", where, nf, err)
		}
		if d := cmp.Diff(want, keysOf(m, b.rows), cmpopts.EquateEmpty()); d != "" {
			return fmt.Errorf("%s\nnext page: %s\nplan: %s\nSQL: %s\nkeys (-%v +relstore):\n%s", where, nf, b.plan, nq, env.d, d)
		}
		st.Pages++
	}
	st.plan(a.plan)
	st.Filters++
	st.Returned += len(want)
	st.Counted += wantN
	st.Pairs += len(m.rows)
	return nil
}

// keysOf returns the primary keys of rows.
func keysOf(m *queryModel, rows []any) []any {
	keys := make([]any, len(rows))
	for i, r := range rows {
		keys[i] = reflect.ValueOf(r).FieldByName(m.key).Interface()
	}
	return keys
}

// diffRow compares a returned row with the data's row of the same key.
func diffRow(m *queryModel, row any) string {
	rv := reflect.ValueOf(row)
	want, ok := m.byKey[rv.FieldByName(m.key).Interface()]
	if !ok {
		return fmt.Sprintf("no row with key %v", rv.FieldByName(m.key))
	}
	if !equalRows(want, rv) {
		return fmt.Sprintf("got %+v, want %+v", row, want.Interface())
	}
	return ""
}

// equalRows compares two rows field by field, times by instant.
func equalRows(a, b reflect.Value) bool {
	for i := range a.NumField() {
		x, y := a.Field(i), b.Field(i)
		if x.Kind() == reflect.Pointer {
			if x.IsNil() || y.IsNil() {
				if x.IsNil() != y.IsNil() {
					return false
				}
				continue
			}
			x, y = x.Elem(), y.Elem()
		}
		if tx, ok := x.Interface().(time.Time); ok {
			if !tx.Equal(y.Interface().(time.Time)) {
				return false
			}
			continue
		}
		if !x.Equal(y) {
			return false
		}
	}
	return true
}

// relAnswer is what relstore answers for one filter.
type relAnswer struct {
	rows     []any // Query.Find, in order
	byName   []any // Tx.Find by model name
	count    int   // Query.Count: the whole filter
	exists   bool  // Query.Exists
	countAll int   // Table.CountWhere of the filter's where
	next     []any // Query.After of the last row, if any (the next keyset page)
	plan     memstore.Plan
	refused  error // binding refused the filter
}

// relstore runs f on relstore, typed and by model name.
func (env *queryEnv) relstore(ctx context.Context, m *queryModel, f filter.Filter) (relAnswer, error) {
	if m.name == "QGroup" {
		return runTyped[QGroup, string](ctx, env.store, m.name, f)
	}
	return runTyped[QItem, int64](ctx, env.store, m.name, f)
}

func runTyped[T any, K comparable](ctx context.Context, st *memstore.Store, name string, f filter.Filter) (relAnswer, error) {
	var a relAnswer
	table, err := memstore.TableOf[T, K](st)
	if err != nil {
		return a, err
	}
	q, err := table.Query(f)
	if err != nil {
		a.refused = err
		return a, nil
	}
	a.plan = q.Explain()
	err = st.View(ctx, func(tx *memstore.Tx) error {
		rows, err := q.Find(tx)
		if err != nil {
			return fmt.Errorf("Find: %w", err)
		}
		for _, r := range rows {
			a.rows = append(a.rows, r)
		}
		if len(rows) > 0 {
			a.next = q.After(rows[len(rows)-1])
		}
		if a.count, err = q.Count(tx); err != nil {
			return fmt.Errorf("Count: %w", err)
		}
		if a.exists, err = q.Exists(tx); err != nil {
			return fmt.Errorf("Exists: %w", err)
		}
		if a.countAll, err = table.CountWhere(tx, f.Where); err != nil {
			return fmt.Errorf("CountWhere: %w", err)
		}
		if a.byName, err = tx.Find(name, f); err != nil {
			return fmt.Errorf("Tx.Find: %w", err)
		}
		return nil
	})
	return a, err
}
