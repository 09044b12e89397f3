package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/relstore/relstore/ddl"
	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
)

// The differential test of issue 14: for random data (querygen_test.go), a
// random filter runs on relstore and, translated (querysql_test.go), on
// SQLite; both must return the same rows in the same order, and count the
// same rows for its where. FuzzQuery's input is a seed: it draws one data
// set and queryFilters filters. Its seeds (f.Add) and corpus
// (testdata/fuzz/FuzzQuery) run in go test; TestQueryRandom runs
// -query.n data sets from a seed it prints.

var (
	querySeed = flag.Uint64("query.seed", 0, "TestQueryRandom: the seed of the data sets (0: from the clock)")
	queryN    = flag.Int("query.n", 10, "TestQueryRandom: how many data sets")
)

const queryFilters = 150 // filters per data set

// querySeeds are FuzzQuery's seeds.
var querySeeds = []uint64{1, 2, 3, 4, 5, 6, 7, 8, 14, 2026}

func FuzzQuery(f *testing.F) {
	for _, s := range querySeeds {
		f.Add(s)
	}
	var st queryStats
	f.Cleanup(func() { f.Logf("%s", st) })
	f.Fuzz(func(t *testing.T, seed uint64) {
		st.add(diffQueries(t, seed, queryFilters))
	})
}

// TestQueryRandom runs -query.n random data sets, queryFilters filters each.
func TestQueryRandom(t *testing.T) {
	seed := *querySeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with go test -run %s -query.seed=%d)", seed, t.Name(), seed)
	var st queryStats
	for i := range *queryN {
		st.add(diffQueries(t, seed+uint64(i), queryFilters))
		if t.Failed() {
			t.Logf("data set %d failed: its FuzzQuery corpus entry is\ngo test fuzz v1\nuint64(%d)", i, seed+uint64(i))
			return
		}
	}
	t.Logf("%s", st)
}

// queryStats counts what was compared.
type queryStats struct {
	sets, filters, rows, pairs, returned, counted, viaJSON, pages int
	plans                                                         map[string]int // how often each kind of plan ran
}

// plan counts the features of p.
func (s *queryStats) plan(p memstore.Plan) {
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

func (s *queryStats) add(o queryStats) {
	s.sets += o.sets
	s.filters += o.filters
	s.rows += o.rows
	s.pairs += o.pairs
	s.returned += o.returned
	s.counted += o.counted
	s.viaJSON += o.viaJSON
	s.pages += o.pages
	for k, n := range o.plans {
		if s.plans == nil {
			s.plans = map[string]int{}
		}
		s.plans[k] += n
	}
}

func (s queryStats) String() string {
	plans := make([]string, 0, len(s.plans))
	for k, n := range s.plans {
		plans = append(plans, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(plans)
	return fmt.Sprintf("%d data sets, %d filters (%d through JSON) over %d rows in all: %d filter x row pairs checked; "+
		"%d rows returned and compared, %d counted, %d next keyset pages; plans: %s",
		s.sets, s.filters, s.viaJSON, s.rows, s.pairs, s.returned, s.counted, s.pages, strings.Join(plans, ", "))
}

// queryEnv is one data set loaded into relstore and SQLite.
type queryEnv struct {
	store  *memstore.Store
	conn   *sql.Conn
	models []queryModel
}

// queryModel is a model of the data set on both sides.
type queryModel struct {
	name    string
	fields  []qfield
	key     string
	indexes [][]string // the fields of each index
	sql     *sqlModel
	rows    []reflect.Value // the data, in insertion order
	byKey   map[any]reflect.Value
}

// queryModels are the models of the differential test.
func queryModels() []memstore.Model {
	item := memstore.ModelOf[QItem]()
	item.Indexes = []memstore.Index{{Name: "due_rank", Fields: qItemIndexes}}
	return []memstore.Model{memstore.ModelOf[QGroup](), item}
}

// newQueryEnv loads groups and items into a new store and a new SQLite
// database whose schema is package ddl's for the same models.
func newQueryEnv(t testing.TB, groups []QGroup, items []QItem) *queryEnv {
	t.Helper()
	ctx := context.Background()
	st, err := memstore.New(memstore.Config{Models: queryModels()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	schema, err := ddl.SQLite(st.Models())
	if err != nil {
		t.Fatal(err)
	}
	env := &queryEnv{store: st, conn: openQueryLite(t, schema)}
	tables, err := tableNames(ctx, env.conn)
	if err != nil || len(tables) != 2 {
		t.Fatalf("tables %v, %v; want 2\n%s", tables, err, schema)
	}
	data := []reflect.Value{reflect.ValueOf(groups), reflect.ValueOf(items)}
	for i, typ := range []reflect.Type{reflect.TypeFor[QGroup](), reflect.TypeFor[QItem]()} {
		sm, err := readSQLModel(ctx, env.conn, typ, "ID", tables[i])
		if err != nil {
			t.Fatal(err)
		}
		m := queryModel{name: typ.Name(), fields: fieldsOf(typ), key: "ID", indexes: [][][]string{qGroupIndexFields, qItemIndexFields}[i],
			sql: sm, byKey: map[any]reflect.Value{}}
		for j := range data[i].Len() {
			row := data[i].Index(j)
			m.rows = append(m.rows, row)
			m.byKey[row.FieldByName("ID").Interface()] = row
			q, args := sqliteSQL.insert(sm, row)
			if _, err := env.conn.ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		env.models = append(env.models, m)
	}
	if err := loadRelstore(ctx, st, groups, items); err != nil {
		t.Fatal(err)
	}
	return env
}

// tableNames returns the tables of a database, in the order created.
func tableNames(ctx context.Context, conn *sql.Conn) ([]string, error) {
	rs, err := conn.QueryContext(ctx, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var names []string
	for rs.Next() {
		var name string
		if err := rs.Scan(&name); err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	return names, rs.Err()
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

// sqlKeys runs f on SQLite and returns the primary keys, converted to the
// model's key type.
func (env *queryEnv) sqlKeys(ctx context.Context, m *queryModel, f filter.Filter) ([]any, string, error) {
	q, args, err := sqliteSQL.selectKeys(m.sql, f)
	if err != nil {
		return nil, q, err
	}
	rs, err := env.conn.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, q, err
	}
	defer rs.Close()
	keyType := m.sql.cols[m.key].typ
	var keys []any
	for rs.Next() {
		var k any
		if err := rs.Scan(&k); err != nil {
			return nil, q, err
		}
		v, err := fromSQL(k, keyType)
		if err != nil {
			return nil, q, err
		}
		keys = append(keys, v.Interface())
	}
	return keys, q, rs.Err()
}

// sqlCount counts the rows w matches on SQLite.
func (env *queryEnv) sqlCount(ctx context.Context, m *queryModel, w filter.Cond) (int, string, error) {
	q, args, err := sqliteSQL.count(m.sql, w)
	if err != nil {
		return 0, q, err
	}
	var n int
	err = env.conn.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, q, err
}

// diffQueries draws the data set of seed and n filters over it, and
// compares relstore's answers with SQLite's. It reports up to
// maxQueryErrors disagreements.
func diffQueries(t *testing.T, seed uint64, n int) queryStats {
	t.Helper()
	ctx := context.Background()
	g := newGen(seed)
	groups, items := g.rows(20 + g.r.IntN(280))
	env := newQueryEnv(t, groups, items)
	st := queryStats{sets: 1, rows: len(groups) + len(items)}
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
			st.viaJSON++
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

// check runs f on SQLite and bound (f, or f printed and parsed) on
// relstore, and returns their first disagreement.
func (env *queryEnv) check(ctx context.Context, m *queryModel, f, bound filter.Filter, st *queryStats) error {
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
		return fmt.Errorf("%s\nkeys (-SQLite +relstore):\n%s", where, d)
	}
	if d := cmp.Diff(want, keysOf(m, a.byName), cmpopts.EquateEmpty()); d != "" {
		return fmt.Errorf("%s\nkeys (-SQLite +relstore's Tx.Find):\n%s", where, d)
	}
	for _, row := range append(a.rows, a.byName...) {
		if d := diffRow(m, row); d != "" {
			return fmt.Errorf("%s\nrelstore returned a row unlike the data: %s", where, d)
		}
	}
	if a.count != len(want) || a.exists != (len(want) > 0) {
		return fmt.Errorf("%s\nQuery.Count %d, Exists %v; SQLite returned %d rows", where, a.count, a.exists, len(want))
	}
	if a.countAll != wantN {
		return fmt.Errorf("%s\ncount SQL: %s\nCountWhere %d, SQLite counts %d", where, cq, a.countAll, wantN)
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
			return fmt.Errorf("%s\nnext page: %s\nplan: %s\nSQL: %s\nkeys (-SQLite +relstore):\n%s", where, nf, b.plan, nq, d)
		}
		st.pages++
	}
	st.plan(a.plan)
	st.filters++
	st.returned += len(want)
	st.counted += wantN
	st.pairs += len(m.rows)
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
