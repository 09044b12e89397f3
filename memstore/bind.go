package memstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/internal/like"
)

// FilterError is a filter that a model cannot take, found when the filter
// is bound (Table.Query, Store.Query, package relations' scoped queries and
// the methods that bind for you): an unknown field, a value the field's
// type cannot hold, an operator the field's kind cannot take, an After that
// does not fit the order, and everything filter.Validate refuses. It
// matches ErrInvalid, and unwraps to the *filter.Error that names the path
// in the filter (so it matches filter.ErrInvalid too).
type FilterError struct {
	Model string        // the model the filter was bound to
	Err   *filter.Error // the refusal, with its path in the filter
}

// Error reads like "memstore: query Post: filter: where.createdAt.gt:
// want a time, got 12".
func (e *FilterError) Error() string { return "memstore: query " + e.Model + ": " + e.Err.Error() }

// Is reports whether target is ErrInvalid.
func (e *FilterError) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns the *filter.Error.
func (e *FilterError) Unwrap() error { return e.Err }

// qfield is a field of a model as a filter names it: a struct field, or a
// shadow column (a foreign key without a field, a keyless model's rowid),
// whose value lives in the record's keys.
type qfield struct {
	name     string // the Go name (the column's name for a shadow column)
	json     string // the json tag name; the Go name when untagged; "" for json:"-"
	typ      reflect.Type
	elem     reflect.Type // typ without its pointer
	index    []int
	offset   uintptr
	nullable bool
	shadow   *column // set for a shadow column
	// codec encodes the field's values as an index does; nil when the
	// field's kind cannot be compared (a slice, a map, a struct).
	codec *codec
	// asc and desc compare two records by the field (NULL largest), made
	// once with the queryInfo when codec is set: an order binds with no
	// allocation per key.
	asc, desc rowCmp
}

// queryInfo is what binding needs of a model, built on first use.
type queryInfo struct {
	fields []*qfield // struct fields in declaration order, then shadow columns
	byName map[string]*qfield
	byJSON map[string]*qfield
	pk     *qfield
	assign bool // assignCopies of the model's type
}

// query returns m's queryInfo, building it once.
func (m *model) query() *queryInfo {
	m.qonce.Do(func() { m.qinfo = m.buildQueryInfo() })
	return m.qinfo
}

func (m *model) buildQueryInfo() *queryInfo {
	qi := &queryInfo{byName: map[string]*qfield{}, byJSON: map[string]*qfield{}}
	for _, sf := range reflect.VisibleFields(m.typ) {
		if sf.Anonymous || !sf.IsExported() {
			continue
		}
		if f, ok := m.typ.FieldByName(sf.Name); !ok || !slices.Equal(f.Index, sf.Index) {
			continue // hidden or ambiguous
		}
		_, off, ok := fieldOffset(m.typ, sf.Name)
		if !ok {
			continue // through an embedded pointer
		}
		f := &qfield{name: sf.Name, json: jsonFieldName(sf), typ: sf.Type, elem: sf.Type, index: sf.Index, offset: off}
		if sf.Type.Kind() == reflect.Pointer {
			f.elem, f.nullable = sf.Type.Elem(), true
		}
		if c, ok := newIndexCodec(f.elem); ok {
			f.codec = c
		}
		qi.fields = append(qi.fields, f)
	}
	for _, c := range m.slots {
		if c.shadow {
			qi.fields = append(qi.fields, &qfield{name: c.name, json: c.name, typ: c.codec.typ, elem: c.codec.typ,
				nullable: c.nullable, shadow: c, codec: c.codec})
		}
	}
	for _, f := range qi.fields {
		qi.byName[f.name] = f
		if f.codec != nil {
			asc := fieldCmp(f)
			f.asc, f.desc = asc, func(a, b *record) int { return asc(b, a) }
		}
	}
	for _, f := range qi.fields {
		if _, taken := qi.byJSON[f.json]; f.json != "" && !taken {
			qi.byJSON[f.json] = f
		}
	}
	qi.pk = qi.byName[m.pk.name]
	qi.assign = assignCopies(m.typ)
	return qi
}

// assignCopies reports whether an assignment copies a value of t
// completely, sharing nothing a caller could change: t holds only bools,
// numbers, strings (immutable), time.Time (whose Location is immutable and
// shared) and arrays and structs of these. A query copies such rows into its
// result by assignment.
func assignCopies(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String:
		return true
	case reflect.Array:
		return assignCopies(t.Elem())
	case reflect.Struct:
		if t == typeTime {
			return true
		}
		for i := range t.NumField() {
			if !assignCopies(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
}

// jsonFieldName returns the name encoding/json gives a struct field.
func jsonFieldName(sf reflect.StructField) string {
	tag := sf.Tag.Get("json")
	if tag == "-" {
		return ""
	}
	if name, _, _ := strings.Cut(tag, ","); name != "" {
		return name
	}
	return sf.Name
}

// field resolves a name as a filter writes it: a Go name first, then a
// json tag name.
func (qi *queryInfo) field(name string) *qfield {
	if f := qi.byName[name]; f != nil {
		return f
	}
	return qi.byJSON[name]
}

// names lists the fields for an error message: "ID (id), Title, ...".
func (qi *queryInfo) names() string {
	var b strings.Builder
	for i, f := range qi.fields {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.name)
		if f.json != "" && f.json != f.name {
			b.WriteString(" (" + f.json + ")")
		}
	}
	return b.String()
}

// operand is a value of a condition, converted to its field's type.
type operand struct {
	v   reflect.Value // of the field's value type (never a pointer)
	enc []byte        // the value's index encoding (codec.appendKey)
}

// cond is a bound where condition: And, Or, or a comparison of one field.
type cond struct {
	op    filter.Op // 0: true (the zero Cond)
	terms []*cond
	f     *qfield
	args  []operand
	pat   *like.Pattern  // like, nlike, ilike, nilike
	re    *regexp.Regexp // regexp
}

// okey is one key of a bound order.
type okey struct {
	f    *qfield
	desc bool
}

// bound is a filter bound to a model: what every query form shares. It is
// immutable once bind returns.
type bound struct {
	s     *Store
	m     *model
	f     filter.Filter
	where *cond
	// keys is the order as written, the primary key appended (ties):
	// what After lists. order is keys without repeated fields, which
	// change nothing in an order; cmp compares two records in it.
	keys  []okey
	order []okey
	cmp   rowCmp
	// pos is the After position, or nil. A row is after it when posCmp
	// finds it larger, or equal and posTail > 0 (posCmp compares the
	// order's first keys: all of them, unless a repeated field's After
	// value differs from its first one, which decides there).
	pos     *record
	posCmp  rowCmp
	posTail int
	scope   *column          // RelQuery: the foreign key each run fixes
	plan    *plan            // how the rows are read
	keep    map[*qfield]bool // the fields Fields names (see projection)
	skip    int
	limit   int
}

// binder carries the state of one bind call.
type binder struct {
	m  *model
	qi *queryInfo
}

func (bd *binder) errorf(path, format string, args ...any) error {
	return &FilterError{Model: bd.m.name, Err: &filter.Error{Path: path, Reason: fmt.Sprintf(format, args...)}}
}

// bind validates f against m and plans it. scope, when not nil, is a
// foreign key column of m whose value each run supplies (RelQuery).
func bind(s *Store, m *model, f filter.Filter, scope *column) (*bound, error) {
	bd := &binder{m: m, qi: m.query()}
	if err := f.Validate(); err != nil {
		fe, ok := err.(*filter.Error)
		if !ok {
			fe = &filter.Error{Reason: err.Error()}
		}
		return nil, &FilterError{Model: m.name, Err: fe}
	}
	b := &bound{s: s, m: m, f: f, scope: scope, skip: f.Skip, limit: f.Limit}
	var err error
	if b.where, err = bd.cond(f.Where, "where"); err != nil {
		return nil, err
	}
	if b.keys, err = bd.order(f.Order); err != nil {
		return nil, err
	}
	for _, k := range b.keys {
		if !slices.ContainsFunc(b.order, func(o okey) bool { return o.f == k.f }) {
			b.order = append(b.order, k)
		}
	}
	posKeys := 0 // the keys of the order the position compares, if any
	if f.After != nil {
		if b.pos, posKeys, b.posTail, err = bd.after(f.After, len(f.Order), b.keys); err != nil {
			return nil, err
		}
	}
	if b.keep, err = bd.fields(f.Fields); err != nil {
		return nil, err
	}
	b.plan = b.choosePlan()
	// Every bound has its comparison (a scope sorts held rows with it,
	// whatever the plan); compiling it allocates at most one closure, the
	// fields' comparisons being made with the model's queryInfo.
	b.cmp = compileOrder(b.order)
	if b.pos != nil {
		b.posCmp = b.cmp
		if posKeys < len(b.order) {
			b.posCmp = compileOrder(b.order[:posKeys])
		}
	}
	return b, nil
}

// cond binds c, found at parent (see filter.Cond.At).
func (bd *binder) cond(c filter.Cond, parent string) (*cond, error) {
	// The path names a refusal; a valid filter's leaves never build it.
	path := func() string { return c.At(parent) }
	switch c.Op {
	case 0:
		return &cond{}, nil
	case filter.OpAnd, filter.OpOr:
		path := path()
		out := &cond{op: c.Op, terms: make([]*cond, len(c.Terms))}
		for i, t := range c.Terms {
			bt, err := bd.cond(t, path+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			out.terms[i] = bt
		}
		return out, nil
	}
	f := bd.qi.field(c.Field)
	if f == nil {
		return nil, bd.errorf(path(), "unknown field %q of %s (fields: %s)", c.Field, bd.m.name, bd.qi.names())
	}
	if f.codec == nil {
		return nil, bd.errorf(path(), "field %s has type %v, which a condition cannot compare (want a bool, number, string, time.Time or [16]byte kind, or a pointer to one)", f.name, f.typ)
	}
	out := &cond{op: c.Op, f: f}
	switch c.Op {
	case filter.OpIsNull, filter.OpNotNull:
		return out, nil
	case filter.OpLike, filter.OpNLike, filter.OpILike, filter.OpNILike, filter.OpRegexp:
		if f.codec.kind != kindString {
			return nil, bd.errorf(path(), "%s needs a string field; %s has type %v", c.Op, f.name, f.typ)
		}
		s, ok := patternOf(c.Args[0])
		if !ok {
			return nil, bd.errorf(path(), "want a string pattern, got %T", c.Args[0])
		}
		if c.Op == filter.OpRegexp {
			re, err := filter.CompileRegexp(s)
			if err != nil {
				return nil, bd.wrap(err, path())
			}
			out.re = re
			return out, nil
		}
		p, err := like.Compile(s, c.Op == filter.OpILike || c.Op == filter.OpNILike)
		if err != nil {
			return nil, bd.errorf(path(), "invalid like pattern %q", s)
		}
		out.pat = p
		return out, nil
	}
	out.args = make([]operand, len(c.Args))
	list := c.Op == filter.OpInq || c.Op == filter.OpNin || c.Op == filter.OpBetween
	for i, a := range c.Args {
		v, err := bd.operand(f, a)
		if err != nil {
			p := path()
			if list {
				p += "[" + strconv.Itoa(i) + "]"
			}
			return nil, bd.wrap(err, p)
		}
		out.args[i] = v
	}
	return out, nil
}

// patternOf returns the string of a like or regexp operand (Validate has
// checked it is one).
func patternOf(v any) (string, bool) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.String || rv.Type() == reflect.TypeFor[json.Number]() {
		return "", false
	}
	return rv.String(), true
}

// wrap turns an error of package filter into a FilterError at path.
func (bd *binder) wrap(err error, path string) error {
	fe, ok := err.(*filter.Error)
	if !ok {
		return bd.errorf(path, "%v", err)
	}
	return &FilterError{Model: bd.m.name, Err: &filter.Error{Path: path, Reason: fe.Reason}}
}

// operand converts v to f's value type; a refusal is Coerce's.
func (bd *binder) operand(f *qfield, v any) (operand, error) {
	rv, err := filter.Coerce(v, f.elem)
	if err != nil {
		return operand{}, err
	}
	return operand{v: rv, enc: encodeOperand(f.codec, rv)}, nil
}

// encodeOperand returns the index encoding of rv, a value of c's type.
func encodeOperand(c *codec, rv reflect.Value) []byte {
	p := reflect.New(c.typ)
	p.Elem().Set(rv)
	return c.appendKey(nil, p.UnsafePointer())
}

// order binds the order and appends the primary key, in the direction of
// the last key, unless the order has it.
func (bd *binder) order(os []filter.Order) ([]okey, error) {
	out := make([]okey, 0, len(os)+1)
	hasPK := false
	for i, o := range os {
		path := func() string { return "order[" + strconv.Itoa(i) + "]" } // for a refusal only
		f := bd.qi.field(o.Field)
		if f == nil {
			return nil, bd.errorf(path(), "unknown field %q of %s (fields: %s)", o.Field, bd.m.name, bd.qi.names())
		}
		if f.codec == nil {
			return nil, bd.errorf(path(), "field %s has type %v, which cannot be ordered", f.name, f.typ)
		}
		out = append(out, okey{f: f, desc: o.Desc})
		hasPK = hasPK || f == bd.qi.pk
	}
	if !hasPK {
		desc := len(out) > 0 && out[len(out)-1].desc
		out = append(out, okey{f: bd.qi.pk, desc: desc})
	}
	return out, nil
}

// after binds the keyset position: one value per key of the order (the
// primary key included), as a record that compares with rows. A repeated
// field's value must equal its first one to matter no more than the
// repeated key does in the order; when it differs, it decides whether the
// rows that tie on the keys before it (n distinct keys) are after the
// position (tail > 0) or not (tail < 0), as SQL's keyset comparison does.
func (bd *binder) after(vals []any, orders int, keys []okey) (pos *record, n, tail int, err error) {
	switch {
	case len(vals) != len(keys) && len(keys) == orders:
		return nil, 0, 0, bd.errorf("after", "want %d values (the order has the primary key), got %d values", len(keys), len(vals))
	case len(vals) != len(keys):
		return nil, 0, 0, bd.errorf("after", "want %d values (one per order field, then the primary key %s), got %d values", len(keys), bd.m.pk.name, len(vals))
	}
	row := reflect.New(bd.m.typ)
	var shadow [][]byte
	type seenValue struct {
		enc  []byte
		null bool
	}
	seen := map[*qfield]seenValue{}
	decided := false
	for i, k := range keys {
		rv, err := filter.Coerce(vals[i], k.f.typ)
		if err != nil {
			return nil, 0, 0, bd.wrap(err, "after["+strconv.Itoa(i)+"]")
		}
		v := seenValue{null: rv.Kind() == reflect.Pointer && rv.IsNil()}
		if !v.null {
			v.enc = encodeOperand(k.f.codec, reflect.Indirect(rv))
		}
		if first, ok := seen[k.f]; ok {
			if decided || first.null == v.null && bytes.Equal(first.enc, v.enc) {
				continue
			}
			// The rows that tie so far have the first value: compare it
			// with this one, NULL last, in this key's direction.
			tail = bytes.Compare(first.enc, v.enc)
			if first.null || v.null {
				tail = nullCmp(first.null, v.null)
			}
			if k.desc {
				tail = -tail
			}
			decided = true
			continue
		}
		seen[k.f] = v
		if !decided {
			n++
		}
		if k.f.shadow != nil {
			if shadow == nil {
				shadow = make([][]byte, len(bd.m.slots))
			}
			if rv.Kind() == reflect.Pointer {
				rv = rv.Elem()
			}
			if rv.IsValid() {
				shadow[k.f.shadow.slot] = encodeOperand(k.f.codec, rv)
			}
			continue
		}
		reflect.NewAt(k.f.typ, unsafe.Add(row.UnsafePointer(), k.f.offset)).Elem().Set(rv)
	}
	if bd.m.pk.shadow && (shadow == nil || shadow[0] == nil) {
		return nil, 0, 0, bd.errorf("after", "no value for the primary key %s", bd.m.pk.name)
	}
	pos, err = bd.m.newRecord(row.UnsafePointer(), shadow)
	if err != nil {
		return nil, 0, 0, bd.errorf("after", "%v", strings.TrimPrefix(err.Error(), "memstore: "))
	}
	return pos, n, tail, nil
}

// fields binds the projection: the fields it names.
func (bd *binder) fields(fs filter.Fields) (map[*qfield]bool, error) {
	if len(fs.Names) == 0 {
		return nil, nil
	}
	keep := make(map[*qfield]bool, len(fs.Names))
	for i, n := range fs.Names {
		path := "fields[" + strconv.Itoa(i) + "]"
		f := bd.qi.field(n)
		if f == nil {
			return nil, bd.errorf(path, "unknown field %q of %s (fields: %s)", n, bd.m.name, bd.qi.names())
		}
		if f.shadow != nil {
			return nil, bd.errorf(path, "%s is not a field of the struct (the store keeps it beside the row)", f.name)
		}
		keep[f] = true
	}
	return keep, nil
}

// projection returns the fields the filter's projection keeps, in the
// struct's order (ModelQuery.Fields).
func (b *bound) projection() []Field {
	var out []Field
	for _, f := range b.m.query().fields {
		if f.shadow != nil || (len(b.f.Fields.Names) > 0 && b.keep[f] == b.f.Fields.Exclude) {
			continue
		}
		out = append(out, Field{Name: f.name, JSON: f.json, Type: f.typ, Index: slices.Clone(f.index)})
	}
	return out
}

// after returns the After that continues after the row at p: its values of
// the order's keys, nil for a NULL. A shadow column's value is not in the
// row: the result is nil when the order has one.
func (b *bound) after(p unsafe.Pointer) []any {
	out := make([]any, len(b.keys))
	for i, k := range b.keys {
		f := k.f
		if f.shadow != nil {
			return nil
		}
		fp := unsafe.Add(p, f.offset)
		if f.nullable {
			if fp = *(*unsafe.Pointer)(fp); fp == nil {
				continue
			}
		}
		out[i] = reflect.NewAt(f.elem, fp).Elem().Interface()
	}
	return out
}
