package memstore_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/internal/relcore"
	"github.com/relstore/relstore/memstore"
)

// The reference test: random rows of a model with a field of every kind
// (nullable and not, indexed and not, in compound indexes), random filters
// over them (every operator, nulls, ties, orders, limits, skips, keyset
// positions), and a straightforward evaluator — every row tested by
// reflection, then sorted — whose answer the planned query must equal, in
// the same order. The seed is printed; QUERY_SEED=n replays one run.

type refOwner struct {
	ID int64
}

type Level int16 // a named integer type

type refRow struct {
	ID      int64  `json:"id"`
	OwnerID *int64 `relstore:"belongsTo=refOwner,as=owner,onDelete=setNull" json:"ownerId"`
	Email   string `relstore:"unique" json:"email"`
	I8      int8   `relstore:"index=i8_str"`
	Lvl     Level  `relstore:"index"`
	I32     int32
	Int     int `json:"int"`
	U8      uint8
	U16     *uint16 `relstore:"index"`
	U64     uint64  `relstore:"index"`
	F32     float32
	F64     *float64 `relstore:"index=f64_str"`
	Str     string   `relstore:"index=i8_str,index=f64_str" json:"str"`
	PStr    *string  `relstore:"index" json:"pstr,omitempty"`
	B       bool
	PB      *bool `relstore:"index"`
	At      time.Time
	PAt     *time.Time `relstore:"index=pat_u"`
	U       [16]byte   `relstore:"index=pat_u"`
	PU      *[16]byte
	Tags    []string // not comparable: never in a generated filter
}

var (
	refInts    = []int64{-128, -3, -1, 0, 1, 2, 3, 127}
	refUints   = []uint64{0, 1, 2, 3, 1 << 15, math.MaxUint64}
	refFloats  = []float64{math.Inf(-1), -1.5, math.Copysign(0, -1), 0, 0.25, 2.5, math.Inf(1)}
	refStrings = []string{"", "a", "ab", "abc", "aB", "b", "b\x00", "B", "é", "É", "a%b", "a_b", "a\\b"}
	refTimes   = []time.Time{
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600)), // the same instant
		time.Date(2026, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2300, 6, 1, 0, 0, 0, 0, time.UTC),
	}
	refUUIDs     = [][16]byte{{}, {1}, {1, 2}, {0xff, 0xff}, {0x80}}
	refPatterns  = []string{"a%", "%b", "_", "a_", "a_%", "%", "", "ab", "A%", "é%", "%É", "a\\%b", "a\\_b", "b\x00%", "%a%b%", "a\\\\b"}
	refRegexps   = []string{"^a", "b$", "/^A/i", "b", "^$", "é|É", "a.b"}
	refOrderable = []string{"ID", "OwnerID", "Email", "I8", "Lvl", "I32", "Int", "U8", "U16", "U64", "F32", "F64", "Str", "PStr", "B", "PB", "At", "PAt", "U", "PU"}
)

func querySeed(t testing.TB) *rand.Rand {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("QUERY_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("QUERY_SEED: %v", err)
		}
		seed = n
	}
	t.Logf("seed %d (replay with QUERY_SEED=%d)", seed, seed)
	return rand.New(rand.NewPCG(seed, seed>>32))
}

func pick[T any](r *rand.Rand, vs []T) T { return vs[r.IntN(len(vs))] }

// refValue returns a random value for the named field of refRow (its
// value type: the pointed-to type for a pointer field).
func refValue(r *rand.Rand, field string) any {
	i := pick(r, refInts)
	u := pick(r, refUints)
	switch field {
	case "ID", "OwnerID":
		return int64(r.IntN(12) + 1)
	case "Email":
		return fmt.Sprintf("e%d", r.IntN(40))
	case "I8":
		return int8(i)
	case "Lvl":
		return Level(i)
	case "I32":
		return int32(i)
	case "Int":
		return int(i)
	case "U8":
		return uint8(u)
	case "U16":
		return uint16(u)
	case "U64":
		return u
	case "F32":
		return float32(pick(r, refFloats))
	case "F64":
		return pick(r, refFloats)
	case "Str", "PStr":
		return pick(r, refStrings)
	case "B", "PB":
		return r.IntN(2) == 0
	case "At", "PAt":
		return pick(r, refTimes)
	case "U", "PU":
		return pick(r, refUUIDs)
	}
	panic(field)
}

// refOperand is refValue without the infinities, which a filter refuses.
func refOperand(r *rand.Rand, field string) any {
	for {
		v := refValue(r, field)
		switch f := v.(type) {
		case float64:
			if math.IsInf(f, 0) {
				continue
			}
		case float32:
			if math.IsInf(float64(f), 0) {
				continue
			}
		}
		return v
	}
}

func refNullable(field string) bool {
	f, _ := reflect.TypeFor[refRow]().FieldByName(field)
	return f.Type.Kind() == reflect.Pointer
}

// set sets field of row to v (a value of its value type) or, for a
// pointer field, to a pointer to v; nil sets NULL.
func refSet(row *refRow, field string, v any) {
	fv := reflect.ValueOf(row).Elem().FieldByName(field)
	if v == nil {
		fv.SetZero()
		return
	}
	rv := reflect.ValueOf(v)
	if fv.Kind() == reflect.Pointer {
		p := reflect.New(fv.Type().Elem())
		p.Elem().Set(rv.Convert(fv.Type().Elem()))
		fv.Set(p)
		return
	}
	fv.Set(rv.Convert(fv.Type()))
}

// refGet returns the value of field in row as its value type, or nil.
func refGet(row refRow, field string) any {
	fv := reflect.ValueOf(row).FieldByName(field)
	if fv.Kind() == reflect.Pointer {
		if fv.IsNil() {
			return nil
		}
		fv = fv.Elem()
	}
	return fv.Interface()
}

// refCompare compares two non-NULL values of one field.
func refCompare(a, b any) int {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	switch va.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp.Compare(va.Int(), vb.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return cmp.Compare(va.Uint(), vb.Uint())
	case reflect.Float32, reflect.Float64:
		return cmp.Compare(va.Float(), vb.Float()) // -0 equals 0
	case reflect.String:
		return strings.Compare(va.String(), vb.String())
	case reflect.Bool:
		x, y := 0, 0
		if va.Bool() {
			x = 1
		}
		if vb.Bool() {
			y = 1
		}
		return cmp.Compare(x, y)
	case reflect.Array:
		x, y := a.([16]byte), b.([16]byte)
		return bytes.Compare(x[:], y[:])
	case reflect.Struct:
		return a.(time.Time).Compare(b.(time.Time))
	}
	panic(fmt.Sprintf("refCompare %T", a))
}

// refCmp is refCompare with NULL last.
func refCmp(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return refCompare(a, b)
}

// refLike matches like patterns by translating them to an anchored
// regexp (an implementation independent of internal/like), valid UTF-8
// only: the generated strings are.
func refLike(s, pattern string, fold bool) bool {
	key := fmt.Sprint(fold, pattern)
	re := refLikeCache[key]
	if re == nil {
		re = refLikeRegexp(pattern, fold)
		refLikeCache[key] = re
	}
	return re.MatchString(s)
}

// refLikeCache holds the regexps of refLike (the tests using it are not
// parallel).
var refLikeCache = map[string]*regexp.Regexp{}

func refLikeRegexp(pattern string, fold bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^(?s)")
	if fold {
		b.WriteString("(?i)")
	}
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		switch c := rs[i]; c {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		case '\\':
			i++
			b.WriteString(regexp.QuoteMeta(string(rs[i])))
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// refMatch evaluates c on row with SQL's NULL semantics.
func refMatch(c filter.Cond, row refRow) bool {
	switch c.Op {
	case 0:
		return true
	case filter.OpAnd:
		for _, t := range c.Terms {
			if !refMatch(t, row) {
				return false
			}
		}
		return true
	case filter.OpOr:
		for _, t := range c.Terms {
			if refMatch(t, row) {
				return true
			}
		}
		return false
	}
	v := refGet(row, c.Field)
	switch c.Op {
	case filter.OpIsNull:
		return v == nil
	case filter.OpNotNull:
		return v != nil
	}
	if c.Op == filter.OpNin && len(c.Args) == 0 {
		return true // x <> ALL('{}'): every row, NULL included
	}
	if v == nil {
		return false
	}
	eq := func(a any) bool { return refCompare(v, a) == 0 }
	switch c.Op {
	case filter.OpEq:
		return eq(c.Args[0])
	case filter.OpNeq:
		return !eq(c.Args[0])
	case filter.OpGt:
		return refCompare(v, c.Args[0]) > 0
	case filter.OpGte:
		return refCompare(v, c.Args[0]) >= 0
	case filter.OpLt:
		return refCompare(v, c.Args[0]) < 0
	case filter.OpLte:
		return refCompare(v, c.Args[0]) <= 0
	case filter.OpBetween:
		return refCompare(v, c.Args[0]) >= 0 && refCompare(v, c.Args[1]) <= 0
	case filter.OpInq:
		return slices.ContainsFunc(c.Args, eq)
	case filter.OpNin:
		return !slices.ContainsFunc(c.Args, eq)
	case filter.OpLike, filter.OpILike:
		return refLike(v.(string), c.Args[0].(string), c.Op == filter.OpILike)
	case filter.OpNLike, filter.OpNILike:
		return !refLike(v.(string), c.Args[0].(string), c.Op == filter.OpNILike)
	case filter.OpRegexp:
		re, err := filter.CompileRegexp(c.Args[0].(string))
		if err != nil {
			panic(err)
		}
		return re.MatchString(v.(string))
	}
	panic(c.Op)
}

// refOrder returns the effective order: the filter's, then ID in the last
// key's direction unless present.
func refOrder(os []filter.Order) []filter.Order {
	out := slices.Clone(os)
	if !slices.ContainsFunc(os, func(o filter.Order) bool { return o.Field == "ID" }) {
		out = append(out, filter.Order{Field: "ID", Desc: len(os) > 0 && os[len(os)-1].Desc})
	}
	return out
}

func refRowCmp(order []filter.Order, a, b refRow) int {
	for _, o := range order {
		c := refCmp(refGet(a, o.Field), refGet(b, o.Field))
		if o.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// refFind is the reference: every row tested, sorted, positioned, sliced.
func refFind(rows []refRow, f filter.Filter) []int64 {
	order := refOrder(f.Order)
	var keep []refRow
	for _, r := range rows {
		if !refMatch(f.Where, r) {
			continue
		}
		if f.After != nil {
			c := 0
			for i, o := range order {
				c = refCmp(refGet(r, o.Field), f.After[i])
				if o.Desc {
					c = -c
				}
				if c != 0 {
					break
				}
			}
			if c <= 0 {
				continue
			}
		}
		keep = append(keep, r)
	}
	slices.SortFunc(keep, func(a, b refRow) int { return refRowCmp(order, a, b) })
	if f.Skip >= len(keep) {
		return nil
	}
	keep = keep[f.Skip:]
	if f.Limit > 0 && len(keep) > f.Limit {
		keep = keep[:f.Limit]
	}
	var ids []int64
	for _, r := range keep {
		ids = append(ids, r.ID)
	}
	return ids
}

// refNormalize returns v as the field's value type, for the reference
// (afters and operands may be written as other Go types).
func refNormalize(field string, v any) any {
	if v == nil {
		return nil
	}
	f, _ := reflect.TypeFor[refRow]().FieldByName(field)
	t := f.Type
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return reflect.ValueOf(v).Convert(t).Interface()
}

var refOps = []filter.Op{filter.OpEq, filter.OpNeq, filter.OpGt, filter.OpGte, filter.OpLt, filter.OpLte,
	filter.OpBetween, filter.OpInq, filter.OpNin, filter.OpIsNull, filter.OpNotNull,
	filter.OpLike, filter.OpNLike, filter.OpILike, filter.OpNILike, filter.OpRegexp}

// refCond returns a random condition and its reference form (operands as
// the fields' value types).
func refCond(r *rand.Rand, depth int) filter.Cond {
	if depth > 0 && r.IntN(10) < 4 {
		n := r.IntN(4)
		terms := make([]filter.Cond, n)
		for i := range terms {
			terms[i] = refCond(r, depth-1)
		}
		if r.IntN(2) == 0 {
			return filter.And(terms...)
		}
		return filter.Or(terms...)
	}
	field := pick(r, refOrderable)
	op := pick(r, refOps)
	str := field == "Str" || field == "PStr" || field == "Email"
	for !str && op >= filter.OpLike && op <= filter.OpRegexp {
		op = pick(r, refOps)
	}
	val := func() any { return refOperand(r, field) }
	switch op {
	case filter.OpIsNull, filter.OpNotNull:
		return filter.Cond{Op: op, Field: field}
	case filter.OpBetween:
		return filter.Between(field, val(), val())
	case filter.OpInq, filter.OpNin:
		args := make([]any, r.IntN(12))
		for i := range args {
			args[i] = val()
		}
		if op == filter.OpInq {
			return filter.Inq(field, args...)
		}
		return filter.Nin(field, args...)
	case filter.OpRegexp:
		return filter.Regexp(field, pick(r, refRegexps))
	case filter.OpLike, filter.OpNLike, filter.OpILike, filter.OpNILike:
		return filter.Cond{Op: op, Field: field, Args: []any{pick(r, refPatterns)}}
	}
	return filter.Cond{Op: op, Field: field, Args: []any{val()}}
}

// refFilter returns a random filter.
func refFilter(r *rand.Rand, rows []refRow) filter.Filter {
	f := filter.Filter{Where: refCond(r, 3)}
	if r.IntN(4) == 0 {
		f.Where = filter.And(refCond(r, 0), refCond(r, 0)) // the planner's favourite shape
	}
	for range r.IntN(4) {
		f.Order = append(f.Order, filter.Order{Field: pick(r, refOrderable), Desc: r.IntN(2) == 0})
	}
	if r.IntN(3) > 0 {
		f.Limit = r.IntN(10)
	}
	if r.IntN(3) == 0 {
		f.Skip = r.IntN(6)
	}
	if r.IntN(4) == 0 {
		order := refOrder(f.Order)
		f.After = make([]any, len(order))
		if len(rows) > 0 && r.IntN(2) == 0 {
			row := pick(r, rows)
			for i, o := range order {
				f.After[i] = refGet(row, o.Field)
				if v, ok := f.After[i].(float64); ok && math.IsInf(v, 0) {
					f.After[i] = math.Copysign(math.MaxFloat64, v)
				}
				if v, ok := f.After[i].(float32); ok && math.IsInf(float64(v), 0) {
					f.After[i] = float32(math.Copysign(math.MaxFloat32, float64(v)))
				}
			}
		} else {
			for i, o := range order {
				if refNullable(o.Field) && r.IntN(4) == 0 {
					continue
				}
				f.After[i] = refOperand(r, o.Field)
			}
		}
	}
	return f
}

// refIndexes are refRow's indexes, by their fields.
var refIndexes = [][]string{{"ID"}, {"Email"}, {"OwnerID"}, {"I8", "Str"}, {"F64", "Str"}, {"PAt", "U"},
	{"Lvl"}, {"U16"}, {"U64"}, {"PStr"}, {"PB"}}

// refIndexFilter returns a random filter shaped for an index: equality on
// its leading fields, maybe a range on the next, an order by the rest in
// one direction, a limit, an After from a row: the plans that read little.
func refIndexFilter(r *rand.Rand, rows []refRow) filter.Filter {
	fields := pick(r, refIndexes)
	e := r.IntN(len(fields) + 1)
	var terms []filter.Cond
	for _, field := range fields[:e] {
		switch {
		case refNullable(field) && r.IntN(5) == 0:
			terms = append(terms, filter.IsNull(field))
		case r.IntN(4) == 0:
			terms = append(terms, filter.Inq(field, refOperand(r, field), refOperand(r, field), refOperand(r, field)))
		default:
			terms = append(terms, filter.Eq(field, refOperand(r, field)))
		}
	}
	if e < len(fields) && r.IntN(2) == 0 {
		field := fields[e]
		switch r.IntN(4) {
		case 0:
			terms = append(terms, filter.Gt(field, refOperand(r, field)))
		case 1:
			terms = append(terms, filter.Lte(field, refOperand(r, field)))
		case 2:
			terms = append(terms, filter.Between(field, refOperand(r, field), refOperand(r, field)))
		default:
			if field == "Str" || field == "PStr" || field == "Email" {
				terms = append(terms, filter.Like(field, pick(r, []string{"a%", "b%", "é%", "a\\%", "e1%"})))
			} else {
				terms = append(terms, filter.Gte(field, refOperand(r, field)))
			}
		}
	}
	if r.IntN(3) == 0 {
		terms = append(terms, refCond(r, 1))
	}
	f := filter.Filter{Where: filter.And(terms...)}
	desc := r.IntN(2) == 0
	for _, field := range fields[e:] {
		f.Order = append(f.Order, filter.Order{Field: field, Desc: desc})
	}
	if r.IntN(2) == 0 {
		f.Order = append(f.Order, filter.Order{Field: "ID", Desc: desc})
	}
	if r.IntN(4) > 0 {
		f.Limit = r.IntN(8) + 1
	}
	if r.IntN(4) == 0 {
		f.Skip = r.IntN(4)
	}
	if r.IntN(2) == 0 && len(rows) > 0 {
		row := pick(r, rows)
		for _, o := range refOrder(f.Order) {
			v := refGet(row, o.Field)
			if x, ok := v.(float64); ok && math.IsInf(x, 0) {
				v = math.Copysign(math.MaxFloat64, x)
			}
			f.After = append(f.After, v)
		}
	}
	return f
}

// refStore opens a store of refRow and fills it with n random rows.
func refStore(t testing.TB, r *rand.Rand, n int) (*memstore.Store, *memstore.Table[refRow, int64], []refRow) {
	t.Helper()
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[refOwner](), memstore.ModelOf[refRow]()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	tab := mustTable[refRow, int64](t, s)
	var rows []refRow
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		for i := int64(1); i <= 12; i++ {
			if err := tx.Insert(refOwner{ID: i}); err != nil {
				return err
			}
		}
		for i := range n {
			row := refRow{ID: int64(i + 1), Email: fmt.Sprintf("e%d", i), Tags: []string{"x"}}
			for _, field := range refOrderable[3:] {
				if refNullable(field) && r.IntN(4) == 0 {
					continue
				}
				refSet(&row, field, refValue(r, field))
			}
			if r.IntN(4) > 0 {
				refSet(&row, "OwnerID", int64(r.IntN(12)+1))
			}
			if _, err := tab.Insert(tx, row); err != nil {
				return err
			}
			rows = append(rows, row)
		}
		return nil
	})
	return s, tab, rows
}

func idsOf(rows []refRow) []int64 {
	var ids []int64
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	return ids
}

// TestQueryReference compares Find, All, First, Count and Exists, and the
// same filter printed to JSON and parsed back, with the reference on
// random rows and filters, and counts the plans it saw.
func TestQueryReference(t *testing.T) {
	r := querySeed(t)
	s, tab, rows := refStore(t, r, 300)
	filters := 3000
	if testing.Short() {
		filters = 500
	}
	plans := map[string]int{}
	ctx := context.Background()
	owners := must(relcore.RelationOf[refRow, refOwner](s, "owner"))(t)
	for i := range filters {
		f := refFilter(r, rows)
		if i%2 == 0 {
			f = refIndexFilter(r, rows)
		}
		want := refFind(rows, normalizeFilter(f))
		q, err := tab.Query(f)
		if err != nil {
			t.Fatalf("filter %d %v: Query: %v", i, f, err)
		}
		p := q.Explain()
		plans[fmt.Sprintf("index=%s eq=%d range=%v sort=%v reverse=%v seek=%v", p.Index, len(p.Eq), p.Range != "", p.Sort, p.Reverse, p.Seek)]++
		err = s.View(ctx, func(tx *memstore.Tx) error {
			got, err := q.Find(tx)
			if err != nil {
				return err
			}
			if diff := gocmp.Diff(want, idsOf(got)); diff != "" {
				return fmt.Errorf("Find (-want +got):\n%s", diff)
			}
			seq, err := q.All(tx)
			if err != nil {
				return err
			}
			var all []int64
			for k, row := range seq {
				if k != row.ID {
					return fmt.Errorf("All: key %d for row %d", k, row.ID)
				}
				all = append(all, k)
			}
			if !slices.Equal(all, want) {
				return fmt.Errorf("All = %v, want %v", all, want)
			}
			n, err := q.Count(tx)
			if err != nil || n != len(want) {
				return fmt.Errorf("Count = %d, %v; want %d", n, err, len(want))
			}
			ok, err := q.Exists(tx)
			if err != nil || ok != (len(want) > 0) {
				return fmt.Errorf("Exists = %v, %v; want %v", ok, err, len(want) > 0)
			}
			first, err := q.First(tx)
			switch {
			case len(want) == 0 && !errors.Is(err, memstore.ErrNotFound):
				return fmt.Errorf("First = %v, %v; want ErrNotFound", first.ID, err)
			case len(want) > 0 && (err != nil || first.ID != want[0]):
				return fmt.Errorf("First = %v, %v; want %d", first.ID, err, want[0])
			}
			// The same filter scoped to one owner.
			owner := int64(r.IntN(12) + 1)
			var mine []refRow
			for _, row := range rows {
				if row.OwnerID != nil && *row.OwnerID == owner {
					mine = append(mine, row)
				}
			}
			if scoped, err := owners.Query(f); err != nil {
				return fmt.Errorf("Rel.Query: %v", err)
			} else {
				k := binary.BigEndian.AppendUint64(nil, uint64(owner)^1<<63)
				got, err := scoped.Find(tx, k)
				if err != nil {
					return err
				}
				if w := refFind(mine, normalizeFilter(f)); !slices.Equal(idsOf(got), w) {
					return fmt.Errorf("owner %d: RelQuery.Find = %v, want %v (plan %v)", owner, idsOf(got), w, scoped.Explain())
				}
				if n, err := scoped.Count(tx, k); err != nil || n != len(refFind(mine, normalizeFilter(f))) {
					return fmt.Errorf("owner %d: RelQuery.Count = %d, %v", owner, n, err)
				}
			}
			// The JSON form of the same filter, bound by model name.
			data, err := json.Marshal(f)
			if err != nil {
				return nil // +Inf and -Inf have no JSON
			}
			jf, err := filter.Parse(data)
			if err != nil {
				return fmt.Errorf("Parse(%s): %v", data, err)
			}
			got2, err := tx.Find("refRow", jf)
			if err != nil {
				return fmt.Errorf("Find(%s): %v", data, err)
			}
			var ids []int64
			for _, row := range got2 {
				ids = append(ids, row.(refRow).ID)
			}
			if !slices.Equal(ids, want) {
				return fmt.Errorf("JSON %s: Find = %v, want %v", data, ids, want)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("filter %d: %v\nplan: %v\n%v", i, f, q.Explain(), err)
		}
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range plans {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		t.Logf("%5d %s", plans[k], k)
	}
}

// normalizeFilter returns f with every operand and After value as the
// field's value type, for the reference.
func normalizeFilter(f filter.Filter) filter.Filter {
	f.Where = normalizeCond(f.Where)
	order := refOrder(f.Order)
	if f.After != nil {
		after := make([]any, len(f.After))
		for i, v := range f.After {
			after[i] = refNormalize(order[i].Field, v)
		}
		f.After = after
	}
	return f
}

func normalizeCond(c filter.Cond) filter.Cond {
	if c.Op == filter.OpAnd || c.Op == filter.OpOr {
		terms := make([]filter.Cond, len(c.Terms))
		for i, t := range c.Terms {
			terms[i] = normalizeCond(t)
		}
		c.Terms = terms
		return c
	}
	if c.Op >= filter.OpLike && c.Op <= filter.OpRegexp {
		return c
	}
	args := make([]any, len(c.Args))
	for i, a := range c.Args {
		args[i] = refNormalize(c.Field, a)
	}
	c.Args = args
	return c
}

// TestQueryOperatorsByKind runs every operator on every comparable field
// of refRow (every kind, nullable and not, indexed and not) with operands
// from the field's domain, and compares with the reference: the matrix
// the random test covers by chance, covered for sure.
func TestQueryOperatorsByKind(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 14)) // fixed: the same matrix every run
	s, tab, rows := refStore(t, r, 200)
	tries := 8
	if testing.Short() {
		tries = 3
	}
	for _, field := range refOrderable {
		str := field == "Str" || field == "PStr" || field == "Email"
		for _, op := range refOps {
			if !str && op >= filter.OpLike && op <= filter.OpRegexp {
				continue
			}
			t.Run(field+"/"+op.String(), func(t *testing.T) {
				for i := range tries {
					var c filter.Cond
					switch op {
					case filter.OpIsNull, filter.OpNotNull:
						c = filter.Cond{Op: op, Field: field}
					case filter.OpBetween:
						c = filter.Between(field, refOperand(r, field), refOperand(r, field))
					case filter.OpInq, filter.OpNin:
						args := make([]any, i) // 0 to 7 values: empty lists too
						for j := range args {
							args[j] = refOperand(r, field)
						}
						c = filter.Cond{Op: op, Field: field, Args: args}
					case filter.OpRegexp:
						c = filter.Regexp(field, refRegexps[i%len(refRegexps)])
					case filter.OpLike, filter.OpNLike, filter.OpILike, filter.OpNILike:
						c = filter.Cond{Op: op, Field: field, Args: []any{refPatterns[(i*3)%len(refPatterns)]}}
					default:
						c = filter.Cond{Op: op, Field: field, Args: []any{refOperand(r, field)}}
					}
					for _, order := range [][]filter.Order{nil, {filter.Desc(field)}} {
						f := filter.Filter{Where: c, Order: order}
						want := refFind(rows, normalizeFilter(f))
						mustView(t, s, func(tx *memstore.Tx) error {
							got, err := tab.Find(tx, f)
							if err != nil {
								t.Fatalf("Find(%v): %v", f, err)
							}
							if diff := gocmp.Diff(want, idsOf(got)); diff != "" {
								q, _ := tab.Query(f)
								t.Errorf("Find(%v) with plan %v (-want +got):\n%s", f, q.Explain(), diff)
							}
							return nil
						})
					}
				}
			})
		}
	}
}
