package querydiff

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"time"

	"github.com/relstore/relstore/filter"
)

// The rows and the filters of the differential test: random rows of QGroup
// and QItem, random filters over them (Run runs each on relstore and,
// translated by sql.go, on the database).
//
// Values come from small domains, so that equal values (ties), NULLs and
// the boundaries of comparisons are frequent: a filter's value is a value
// of the data, or one between two of them. Strings mix ASCII case pairs,
// LIKE's special characters (% _ \), a non-ASCII case pair (é É) and the
// Kelvin sign (U+212A, which folds to k). Times are whole microseconds
// (PostgreSQL's resolution) in several Locations, from 1900 to 2100.
// Characters whose case rules differ between relstore and PostgreSQL (ſ,
// ς, İ) and newlines (regexp's '.') stay out of the random data: each
// difference is a pinned test (fuzz/sqlite/querydiff_test.go).

// Status is a named string type: filters convert to it.
type Status string

// QGroup is the target of QItem's foreign key; its primary key is a string,
// so that its own filters break ties on a string key.
type QGroup struct {
	ID   string
	Name *string `relstore:"index"`
	Size int
}

// QItem has a field of every indexable kind, named types and pointers
// (NULLs) included, in secondary, compound and unique indexes, foreign key
// indexes, and fields no index covers (Title, Score, Opt, Tiny, N, Ref).
type QItem struct {
	ID       int64
	GroupID  string     `relstore:"belongsTo=QGroup,unique=group_seq" json:"groupId"`
	Seq      *int16     `relstore:"unique=group_seq"`
	ParentID *int64     `relstore:"belongsTo=QItem,as=parent"`
	Code     *string    `relstore:"unique"`
	Name     string     `relstore:"index"`
	Status   Status     `relstore:"index=status_at" json:"status"`
	At       time.Time  `relstore:"index=status_at" json:"createdAt"`
	Title    *string    // not indexed: like, ilike, regexp scan
	Rank     int32      `relstore:"index"`
	Due      *time.Time `relstore:"index"`
	Score    float64
	Flag     bool     `relstore:"index=flag_ratio"`
	Ratio    *float32 `relstore:"index=flag_ratio" json:"ratio,omitempty"`
	Opt      *bool
	Tiny     int8
	Count    *uint16 `relstore:"index"`
	N        int
	UUID     [16]byte `relstore:"index"`
	Ref      *[16]byte
}

// qItemIndexes are QItem's code-declared indexes: fields in an order the
// struct does not declare them in.
var qItemIndexes = []string{"Due", "Rank"}

var (
	kelvin = "\u212a" // KELVIN SIGN: folds to k and K

	// strDomain is the strings of the data and of filters.
	strDomain = []string{"", "a", "A", "ab", "aB", "Ab", "abc", "a%b", "a_b", `a\b`, "b", "ba", "bab",
		"é", "É", "éa", kelvin, "k", "K", "Ω", "z", "zz", "a b", "~"}
	// patternPieces build like patterns: literals, wildcards, escapes.
	patternPieces = []string{"a", "b", "A", "é", "É", "k", kelvin, " ", "%", "%", "_", "_", `\%`, `\_`, `\\`, "z"}
	// regexps are patterns in the syntax RE2 and PostgreSQL's ARE share,
	// in LoopBack's /pattern/flags form too.
	regexps = []string{"^a", "b$", "a.b", "^(a|b)+$", "[éÉ]", "^$", `\\`, "%", "_", "^[a-z]*$", "é+",
		"/^a/i", "/B$/i", "/a.b/g", "/^a$/m", "/^(ab)+$/i", "a|z", "^.$", "b{2}", "[^a-z]"}

	// moments are the instants of the data, at microsecond precision.
	moments = []time.Time{
		time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999999000, time.UTC),
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 1000, time.UTC),
		time.Date(2026, 6, 15, 12, 30, 0, 0, time.UTC),
		time.Date(2100, 12, 31, 0, 0, 0, 0, time.UTC),
	}
	zones = []*time.Location{time.UTC, time.FixedZone("IST", 5*3600+1800), time.FixedZone("", -8*3600)}

	uuids = [][16]byte{
		{},
		{15: 1},
		{0: 1},
		{0: 0x7f, 1: 0xff},
		{0: 0x80},
		{0: 0xff, 1: 0xff, 2: 0xff, 3: 0xff, 4: 0xff, 5: 0xff, 6: 0xff, 7: 0xff, 8: 0xff, 9: 0xff, 10: 0xff, 11: 0xff, 12: 0xff, 13: 0xff, 14: 0xff, 15: 0xfe},
		{0: 0xff, 1: 0xff, 2: 0xff, 3: 0xff, 4: 0xff, 5: 0xff, 6: 0xff, 7: 0xff, 8: 0xff, 9: 0xff, 10: 0xff, 11: 0xff, 12: 0xff, 13: 0xff, 14: 0xff, 15: 0xff},
	}
	float64s = []float64{-1e300, -2.5, -1, math.Copysign(0, -1), 0, 0.1, 0.5, 1, 2.5, 1e300, 5e-324}
	float32s = []float64{-3.4e38, -2.5, -1, math.Copysign(0, -1), 0, float64(float32(0.1)), 0.5, 1, 3.4e38, 1e-45}
	ints     = []int64{-3, -1, 0, 1, 2, 3, 7}
	uints    = []uint64{0, 1, 2, 3, 7}
	groupIDs = []string{"a", "b", "B", "ab", "é", "z"}
)

// gen draws rows and filters from one seeded source.
type gen struct {
	r *rand.Rand
}

func newGen(seed uint64) *gen { return &gen{r: rand.New(rand.NewPCG(seed, 0x71756572))} }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](g *gen, s []T) T { return s[g.r.IntN(len(s))] }

// value returns a value of type t (a pointer type: nil a quarter of the
// time) from t's domain; between also draws values that fall between or
// beyond the domain's (for filters).
func (g *gen) value(t reflect.Type, between bool) reflect.Value {
	if t.Kind() == reflect.Pointer {
		if g.chance(0.25) {
			return reflect.Zero(t)
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(g.value(t.Elem(), between))
		return p
	}
	v := reflect.New(t).Elem()
	switch {
	case t == reflect.TypeFor[time.Time]():
		m := pick(g, moments)
		if between && g.chance(0.3) {
			m = m.Add(time.Duration(g.r.IntN(3)-1) * time.Hour)
		}
		v.Set(reflect.ValueOf(m.In(pick(g, zones))))
	case t == reflect.TypeFor[[16]byte]():
		u := pick(g, uuids)
		if between && g.chance(0.3) {
			u[15] ^= 0x10
		}
		v.Set(reflect.ValueOf(u))
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := pick(g, ints)
		if g.chance(0.05) {
			n = int64(-1) << (t.Bits() - 1) // the smallest
		} else if g.chance(0.05) {
			n = int64(uint64(1)<<(t.Bits()-1) - 1) // the largest
		} else if between && g.chance(0.3) {
			n = int64(g.r.IntN(13) - 6)
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n := pick(g, uints)
		if g.chance(0.05) {
			n = uint64(1)<<t.Bits() - 1
		} else if between && g.chance(0.3) {
			n = uint64(g.r.IntN(10))
		}
		v.SetUint(n)
	case reflect.Float32:
		f := pick(g, float32s)
		if between && g.chance(0.3) {
			f = float64(float32(g.r.IntN(9)-4) / 4)
		}
		v.SetFloat(f)
	case reflect.Float64:
		f := pick(g, float64s)
		if between && g.chance(0.3) {
			f = float64(g.r.IntN(9)-4) / 4
		}
		v.SetFloat(f)
	case reflect.Bool:
		v.SetBool(g.chance(0.5))
	case reflect.String:
		s := pick(g, strDomain)
		if between && g.chance(0.3) {
			s += pick(g, []string{"a", " ", "é"}) // no NUL, no invalid UTF-8: PostgreSQL refuses them
		}
		v.SetString(s)
	}
	return v
}

// rows returns random data: a few groups and n items whose foreign keys
// are valid (a parent is an earlier item) and whose unique fields and
// indexes hold distinct values (or NULL).
func (g *gen) rows(n int) ([]QGroup, []QItem) {
	groups := make([]QGroup, 0, len(groupIDs))
	for _, id := range groupIDs {
		grp := QGroup{ID: id, Size: int(g.value(reflect.TypeFor[int](), false).Int())}
		if !g.chance(0.25) {
			s := pick(g, strDomain)
			grp.Name = &s
		}
		groups = append(groups, grp)
	}
	items := make([]QItem, 0, n)
	used := map[int64]bool{}
	seqs := map[string]int16{}
	for i := range n {
		it := QItem{}
		rv := reflect.ValueOf(&it).Elem()
		for _, f := range reflect.VisibleFields(rv.Type()) {
			rv.FieldByIndex(f.Index).Set(g.value(f.Type, false))
		}
		for {
			it.ID = int64(g.r.IntN(4*n+20)) - int64(n) // negative keys too
			if it.ID != 0 && !used[it.ID] {
				break
			}
		}
		used[it.ID] = true
		it.GroupID = pick(g, groupIDs)
		if g.chance(0.8) { // unique within the group, or NULL
			s := seqs[it.GroupID]
			seqs[it.GroupID]++
			it.Seq = &s
		} else {
			it.Seq = nil
		}
		it.ParentID = nil
		if i > 0 && g.chance(0.5) {
			p := items[g.r.IntN(i)].ID
			it.ParentID = &p
		}
		if g.chance(0.7) {
			c := "c" + string(rune('a'+i%26)) + strings.Repeat("z", i/26)
			it.Code = &c
		} else {
			it.Code = nil
		}
		it.Status = Status(pick(g, []string{"draft", "review", "published", "archived"}))
		items = append(items, it)
	}
	return groups, items
}

// qfield is a field a filter may name.
type qfield struct {
	name string
	json string       // its json tag name, if it has one
	typ  reflect.Type // the field's type, pointer included
}

func (f qfield) base() reflect.Type {
	if f.typ.Kind() == reflect.Pointer {
		return f.typ.Elem()
	}
	return f.typ
}

func (f qfield) isString() bool { return f.base().Kind() == reflect.String }

func fieldsOf(t reflect.Type) []qfield {
	var fs []qfield
	for _, f := range reflect.VisibleFields(t) {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		fs = append(fs, qfield{f.Name, name, f.Type})
	}
	return fs
}

// jsonNames returns f with every field that has a json tag name named by
// it, as a REST client writes the filter.
func jsonNames(f filter.Filter, fs []qfield) filter.Filter {
	names := map[string]string{}
	for _, fd := range fs {
		if fd.json != "" {
			names[fd.name] = fd.json
		}
	}
	rename := func(s string) string {
		if n, ok := names[s]; ok {
			return n
		}
		return s
	}
	var cond func(c filter.Cond) filter.Cond
	cond = func(c filter.Cond) filter.Cond {
		c.Field = rename(c.Field)
		if c.Terms != nil {
			terms := make([]filter.Cond, len(c.Terms))
			for i, t := range c.Terms {
				terms[i] = cond(t)
			}
			c.Terms = terms
		}
		return c
	}
	f.Where = cond(f.Where)
	if f.Order != nil {
		order := make([]filter.Order, len(f.Order))
		for i, o := range f.Order {
			order[i] = filter.Order{Field: rename(o.Field), Desc: o.Desc}
		}
		f.Order = order
	}
	return f
}

// goValue returns v as a Go value for a filter: sometimes the field's own
// type, sometimes another type Coerce converts (an untyped int for int8, a
// string for a named string type, a pointer).
func (g *gen) goValue(f qfield) any {
	v := g.value(f.base(), true)
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if g.chance(0.3) {
			return v.Int()
		}
	case reflect.String:
		if g.chance(0.3) {
			return v.String()
		}
	}
	if g.chance(0.1) {
		p := reflect.New(v.Type())
		p.Elem().Set(v)
		return p.Interface()
	}
	return v.Interface()
}

// qItemIndexFields and qGroupIndexFields are the fields of every index of
// the models, leading field first: the primary key, unique fields, foreign
// keys and secondary indexes (as queryModels declares them).
var (
	qItemIndexFields = [][]string{{"ID"}, {"Code"}, {"GroupID"}, {"ParentID"}, {"Name"}, {"Status", "At"},
		{"Rank"}, {"Due"}, {"Flag", "Ratio"}, {"Count"}, {"UUID"}, {"GroupID", "Seq"}, qItemIndexes}
	qGroupIndexFields = [][]string{{"ID"}, {"Name"}}
)

// filter returns a random filter over a model with fields fs, primary key
// pk and indexes (their fields); rows are the model's rows (a value or an
// after position is often a row's). Half the filters are shaped for an
// index (indexed), the others are random.
func (g *gen) filter(fs []qfield, pk string, indexes [][]string, rows []reflect.Value) filter.Filter {
	var f filter.Filter
	if g.chance(0.5) {
		f = g.indexed(fs, pk, pick(g, indexes), rows)
	} else {
		if !g.chance(0.15) {
			f.Where = g.cond(fs, 0)
		}
		for range g.r.IntN(4) {
			f.Order = addOrder(f.Order, pick(g, fs).name, g.chance(0.5))
		}
		if len(f.Order) > 0 && g.chance(0.1) { // a field repeated, which changes nothing but After's length
			f.Order = append(f.Order, filter.Order{Field: pick(g, f.Order).Field, Desc: g.chance(0.5)})
		}
	}
	if !g.chance(0.35) {
		f.Limit = 1 + g.r.IntN(20)
	}
	if g.chance(0.35) {
		f.Skip = g.r.IntN(25)
	}
	if g.chance(0.3) {
		keys := effectiveOrder(f.Order, pk)
		var row reflect.Value
		fromRow := len(rows) > 0 && g.chance(0.7)
		if fromRow {
			row = rows[g.r.IntN(len(rows))]
		}
		for _, k := range keys {
			var fd qfield
			for _, x := range fs {
				if x.name == k.Field {
					fd = x
				}
			}
			switch {
			case fromRow:
				f.After = append(f.After, row.FieldByName(k.Field).Interface())
			case fd.typ.Kind() == reflect.Pointer && g.chance(0.25):
				f.After = append(f.After, nil)
			default:
				f.After = append(f.After, g.goValue(fd))
			}
		}
	}
	return f
}

// addOrder appends field to order unless order has it.
func addOrder(order []filter.Order, field string, desc bool) []filter.Order {
	for _, o := range order {
		if o.Field == field {
			return order
		}
	}
	return append(order, filter.Order{Field: field, Desc: desc})
}

// indexed returns a filter shaped for the index over fields idx: equality
// (eq, inq, or an IS NULL test) on some leading fields, maybe a range or a
// like 'prefix%' on the next, maybe a condition the index cannot answer,
// and an order the index gives (either direction) or another.
func (g *gen) indexed(fs []qfield, pk string, idx []string, rows []reflect.Value) filter.Filter {
	field := func(name string) qfield {
		for _, f := range fs {
			if f.name == name {
				return f
			}
		}
		panic(fmt.Sprintf("no field %s in %v", name, fs))
	}
	// a value of the data most of the time, so that equality matches rows
	val := func(f qfield) any {
		if len(rows) > 0 && g.chance(0.7) {
			v := rows[g.r.IntN(len(rows))].FieldByName(f.name)
			if v.Kind() != reflect.Pointer || !v.IsNil() {
				return v.Interface()
			}
		}
		return g.goValue(f)
	}
	var terms []filter.Cond
	k := g.r.IntN(len(idx) + 1)
	for _, name := range idx[:k] {
		f := field(name)
		switch {
		case f.typ.Kind() == reflect.Pointer && g.chance(0.15):
			terms = append(terms, filter.IsNull(name))
		case g.chance(0.25):
			vs := make([]any, g.r.IntN(4))
			for i := range vs {
				vs[i] = val(f)
			}
			terms = append(terms, filter.Inq(name, vs...))
		default:
			terms = append(terms, filter.Eq(name, val(f)))
		}
	}
	if k < len(idx) && g.chance(0.6) {
		f := field(idx[k])
		switch r := g.r.IntN(6); {
		case r == 0:
			terms = append(terms, filter.Gt(f.name, val(f)))
		case r == 1:
			terms = append(terms, filter.Lte(f.name, val(f)))
		case r == 2:
			terms = append(terms, filter.Gte(f.name, val(f)), filter.Lt(f.name, val(f)))
		case r == 3 || !f.isString():
			terms = append(terms, filter.Between(f.name, val(f), val(f)))
		default: // like 'prefix%', the prefix's special characters escaped
			rs := []rune(pick(g, strDomain))
			p := string(rs[:g.r.IntN(len(rs)+1)])
			p = strings.NewReplacer("%", `\%`, "_", `\_`, `\`, `\\`).Replace(p)
			terms = append(terms, filter.Like(f.name, p+"%"))
		}
	}
	if g.chance(0.3) {
		terms = append(terms, g.cond(fs, 1))
	}
	var f filter.Filter
	switch len(terms) {
	case 0:
	case 1:
		f.Where = terms[0]
	default:
		f.Where = filter.And(terms...)
	}
	if g.chance(0.7) { // the order of the index, from its first free field or from the start
		desc := g.chance(0.5)
		from := 0
		if g.chance(0.5) {
			from = k
		}
		for _, name := range idx[from:] {
			f.Order = addOrder(f.Order, name, desc)
		}
		if g.chance(0.3) {
			f.Order = addOrder(f.Order, pk, g.chance(0.7) == desc)
		}
	} else {
		for range g.r.IntN(3) {
			f.Order = addOrder(f.Order, pick(g, fs).name, g.chance(0.5))
		}
	}
	return f
}

// effectiveOrder is order with the primary key appended, in the direction
// of the last key, unless order has it (filter's doc, "Order").
func effectiveOrder(order []filter.Order, pk string) []filter.Order {
	for _, o := range order {
		if o.Field == pk {
			return order
		}
	}
	desc := len(order) > 0 && order[len(order)-1].Desc
	return append(order[:len(order):len(order)], filter.Order{Field: pk, Desc: desc})
}

// cond returns a random condition at nesting depth depth.
func (g *gen) cond(fs []qfield, depth int) filter.Cond {
	if depth < 3 && g.chance(0.3) {
		terms := make([]filter.Cond, g.r.IntN(4))
		for i := range terms {
			terms[i] = g.cond(fs, depth+1)
		}
		if g.chance(0.5) {
			return filter.And(terms...)
		}
		return filter.Or(terms...)
	}
	f := pick(g, fs)
	ops := []filter.Op{filter.OpEq, filter.OpNeq, filter.OpGt, filter.OpGte, filter.OpLt, filter.OpLte,
		filter.OpBetween, filter.OpInq, filter.OpNin, filter.OpIsNull, filter.OpNotNull}
	if f.isString() {
		ops = append(ops, filter.OpLike, filter.OpNLike, filter.OpILike, filter.OpNILike, filter.OpRegexp,
			filter.OpLike, filter.OpILike)
	}
	switch op := pick(g, ops); op {
	case filter.OpEq:
		return filter.Eq(f.name, g.goValue(f))
	case filter.OpNeq:
		return filter.Neq(f.name, g.goValue(f))
	case filter.OpGt:
		return filter.Gt(f.name, g.goValue(f))
	case filter.OpGte:
		return filter.Gte(f.name, g.goValue(f))
	case filter.OpLt:
		return filter.Lt(f.name, g.goValue(f))
	case filter.OpLte:
		return filter.Lte(f.name, g.goValue(f))
	case filter.OpBetween:
		return filter.Between(f.name, g.goValue(f), g.goValue(f))
	case filter.OpInq, filter.OpNin:
		vs := make([]any, g.r.IntN(5))
		for i := range vs {
			vs[i] = g.goValue(f)
		}
		if op == filter.OpInq {
			return filter.Inq(f.name, vs...)
		}
		return filter.Nin(f.name, vs...)
	case filter.OpIsNull:
		return filter.IsNull(f.name)
	case filter.OpNotNull:
		return filter.NotNull(f.name)
	case filter.OpLike:
		return filter.Like(f.name, g.pattern())
	case filter.OpNLike:
		return filter.NLike(f.name, g.pattern())
	case filter.OpILike:
		return filter.ILike(f.name, g.pattern())
	case filter.OpNILike:
		return filter.NILike(f.name, g.pattern())
	default:
		return filter.Regexp(f.name, pick(g, regexps))
	}
}

// pattern returns a like pattern: half the time a string of the domain
// with characters turned into wildcards or escaped, else random pieces.
func (g *gen) pattern() string {
	var b strings.Builder
	if g.chance(0.5) {
		if g.chance(0.3) {
			b.WriteString("%")
		}
		for _, c := range pick(g, strDomain) {
			switch {
			case c == '%' || c == '_' || c == '\\':
				if g.chance(0.7) {
					b.WriteByte('\\')
				}
				b.WriteRune(c)
			case g.chance(0.15):
				b.WriteByte('_')
			case g.chance(0.1):
				b.WriteByte('%')
			default:
				b.WriteRune(c)
			}
		}
		if g.chance(0.3) {
			b.WriteString("%")
		}
		s := b.String()
		if n := len(s) - len(strings.TrimRight(s, `\`)); n%2 == 1 {
			s += `\` // a lone trailing backslash is refused: escape it
		}
		return s
	}
	for range g.r.IntN(5) {
		b.WriteString(pick(g, patternPieces))
	}
	return b.String()
}
