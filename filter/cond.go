package filter

import (
	"reflect"
	"strconv"
	"strings"
)

// Op is the operator of a Cond. The zero Op belongs only to the zero Cond,
// which matches every row.
type Op uint8

// The operators. Their String is LoopBack's JSON name, except for IsNull and
// NotNull, which JSON writes as {"f": null} and {"f": {"neq": null}}.
const (
	OpAnd     Op = iota + 1 // all Terms hold (true when there are none)
	OpOr                    // at least one Term holds (false when there are none)
	OpEq                    // Field = Args[0]
	OpNeq                   // Field <> Args[0]; never NULL
	OpGt                    // Field > Args[0]
	OpGte                   // Field >= Args[0]
	OpLt                    // Field < Args[0]
	OpLte                   // Field <= Args[0]
	OpBetween               // Args[0] <= Field <= Args[1]
	OpInq                   // Field equals one of Args (none: no row)
	OpNin                   // Field is not NULL and equals none of Args (none: every row)
	OpLike                  // Field LIKE Args[0]
	OpNLike                 // Field NOT LIKE Args[0]; never NULL
	OpILike                 // Field ILIKE Args[0]
	OpNILike                // Field NOT ILIKE Args[0]; never NULL
	OpRegexp                // Field matches the regexp Args[0] (see CompileRegexp)
	OpIsNull                // Field IS NULL; no Args
	OpNotNull               // Field IS NOT NULL; no Args
	opEnd
)

var opNames = [...]string{
	OpAnd: "and", OpOr: "or", OpEq: "eq", OpNeq: "neq", OpGt: "gt", OpGte: "gte",
	OpLt: "lt", OpLte: "lte", OpBetween: "between", OpInq: "inq", OpNin: "nin",
	OpLike: "like", OpNLike: "nlike", OpILike: "ilike", OpNILike: "nilike",
	OpRegexp: "regexp", OpIsNull: "isNull", OpNotNull: "notNull",
}

// String returns the operator's name: "and", "eq", "inq", ..., "isNull",
// "notNull"; "" for the zero Op.
func (op Op) String() string {
	if op < opEnd {
		return opNames[op]
	}
	return "Op(" + strconv.Itoa(int(op)) + ")"
}

// jsonOps maps the JSON operator names a field's operator object may hold.
var jsonOps = map[string]Op{
	"eq": OpEq, "neq": OpNeq, "gt": OpGt, "gte": OpGte, "lt": OpLt, "lte": OpLte,
	"between": OpBetween, "inq": OpInq, "nin": OpNin, "like": OpLike,
	"nlike": OpNLike, "ilike": OpILike, "nilike": OpNILike, "regexp": OpRegexp,
}

const jsonOpList = "eq, neq, gt, gte, lt, lte, between, inq, nin, like, nlike, ilike, nilike or regexp"

// Cond is a where condition: a node of the condition tree. Build one with
// the functions of this package (Eq, And, ...) or Parse it; a Cond is a
// value, and the functions never keep or change the slices they are given
// beyond storing them.
//
// The zero Cond matches every row. An And or Or has Terms and no Field or
// Args; every other operator has a Field and the Args its comment in the
// Op list says: one value, two for OpBetween, any number for OpInq and
// OpNin, none for OpIsNull and OpNotNull. Args hold JSON values as Parse
// keeps them (bool, json.Number, string), Text from query strings, or Go
// values (see Coerce); a like or regexp pattern is a string.
type Cond struct {
	Op    Op
	Field string // the field as written: a Go name or a json tag name
	Args  []any
	Terms []Cond

	// Path is where Parse found the condition: the path of its operand for
	// a comparison ("where.createdAt.gt", or "where.status" for {"status":
	// "x"}), of its array or object for and/or ("where.and", "where"). It
	// is for error messages only and never changes what the condition
	// means; conditions built in Go have none (see At). Two conditions
	// that differ only in Path are equal.
	Path string
}

// IsZero reports whether c is the zero Cond, which matches every row.
func (c Cond) IsZero() bool {
	return c.Op == 0 && c.Field == "" && c.Args == nil && c.Terms == nil
}

// At returns the path of c for an error message: c.Path when Parse set it,
// otherwise the path c would have if printed at parent: parent.and or
// parent.or for And and Or (whose Terms are then at that path with [i]
// appended), parent.Field for Eq and IsNull, and parent.Field.op for the
// other operators (parent.Field.neq for NotNull). parent is "where" at the
// top of a Filter.
func (c Cond) At(parent string) string {
	if c.Path != "" {
		return c.Path
	}
	switch c.Op {
	case 0:
		return parent
	case OpAnd, OpOr:
		return join(parent, c.Op.String())
	case OpEq, OpIsNull:
		return join(parent, c.Field)
	case OpNotNull:
		return join(join(parent, c.Field), "neq")
	}
	return join(join(parent, c.Field), c.Op.String())
}

// Depth returns how deeply c nests: 0 for the zero Cond and a comparison, 1
// + the deepest term for And and Or (an object with several keys is an And
// too). Parser.MaxDepth bounds it.
func (c Cond) Depth() int {
	if c.Op != OpAnd && c.Op != OpOr {
		return 0
	}
	d := 0
	for _, t := range c.Terms {
		d = max(d, t.Depth())
	}
	return d + 1
}

// And returns a condition that holds when every term holds; with no terms,
// it matches every row.
func And(terms ...Cond) Cond { return Cond{Op: OpAnd, Terms: terms} }

// Or returns a condition that holds when at least one term holds; with no
// terms, it matches no row.
func Or(terms ...Cond) Cond { return Cond{Op: OpOr, Terms: terms} }

// Eq returns field = v. A nil v, or a nil pointer, is IsNull(field).
func Eq(field string, v any) Cond {
	if isNil(v) {
		return IsNull(field)
	}
	return cmp(OpEq, field, v)
}

// Neq returns field <> v, which never matches a NULL field. A nil v, or a
// nil pointer, is NotNull(field).
func Neq(field string, v any) Cond {
	if isNil(v) {
		return NotNull(field)
	}
	return cmp(OpNeq, field, v)
}

// Gt returns field > v.
func Gt(field string, v any) Cond { return cmp(OpGt, field, v) }

// Gte returns field >= v.
func Gte(field string, v any) Cond { return cmp(OpGte, field, v) }

// Lt returns field < v.
func Lt(field string, v any) Cond { return cmp(OpLt, field, v) }

// Lte returns field <= v.
func Lte(field string, v any) Cond { return cmp(OpLte, field, v) }

// Between returns lo <= field <= hi, which matches nothing when lo > hi.
func Between(field string, lo, hi any) Cond {
	return Cond{Op: OpBetween, Field: field, Args: []any{lo, hi}}
}

// Inq returns a condition that holds when field equals one of values
// (LoopBack's inq, SQL's IN); with no values, it matches no row.
func Inq[T any](field string, values ...T) Cond { return list(OpInq, field, values) }

// Nin returns a condition that holds when field is not NULL and equals none
// of values (LoopBack's nin, SQL's NOT IN); with no values, it matches every
// row.
func Nin[T any](field string, values ...T) Cond { return list(OpNin, field, values) }

// Like returns field LIKE pattern.
//
// like and ilike follow PostgreSQL: % matches any run of characters, _
// exactly one character, and a backslash makes the next character literal
// (\%, \_, \\); the pattern must match the whole string, and a pattern that
// ends with a lone backslash is refused. like compares characters (code
// points) exactly. ilike compares them under Unicode simple case folding,
// one character at a time (the rule of strings.EqualFold): 'É' matches 'é',
// and the Kelvin sign matches 'k'. That is PostgreSQL's ILIKE in a database
// whose LC_CTYPE is a UTF-8 locale, except for the few characters whose
// folding is not a plain upper/lower pair ('ſ', U+017F, matches 's' here and
// not there); under the C locale PostgreSQL folds ASCII only. The patterns
// apply to string fields.
func Like(field, pattern string) Cond { return cmp(OpLike, field, pattern) }

// NLike returns field NOT LIKE pattern, which never matches a NULL field.
func NLike(field, pattern string) Cond { return cmp(OpNLike, field, pattern) }

// ILike returns field ILIKE pattern: LIKE under Unicode simple case folding
// (see Like).
func ILike(field, pattern string) Cond { return cmp(OpILike, field, pattern) }

// NILike returns field NOT ILIKE pattern, which never matches a NULL field.
func NILike(field, pattern string) Cond { return cmp(OpNILike, field, pattern) }

// Regexp returns a condition that holds when the regexp pattern matches
// field somewhere (see CompileRegexp for the pattern).
func Regexp(field, pattern string) Cond { return cmp(OpRegexp, field, pattern) }

// IsNull returns field IS NULL.
func IsNull(field string) Cond { return Cond{Op: OpIsNull, Field: field} }

// NotNull returns field IS NOT NULL.
func NotNull(field string) Cond { return Cond{Op: OpNotNull, Field: field} }

func cmp(op Op, field string, v any) Cond {
	return Cond{Op: op, Field: field, Args: []any{v}}
}

func list[T any](op Op, field string, values []T) Cond {
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	return Cond{Op: op, Field: field, Args: args}
}

// isNil reports whether v is nil or a nil pointer.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// Order is one key of a result's order.
type Order struct {
	Field string // the field as written
	Desc  bool   // descending; ascending when false
}

// Asc returns field in ascending order (NULLs last).
func Asc(field string) Order { return Order{Field: field} }

// Desc returns field in descending order (NULLs first).
func Desc(field string) Order { return Order{Field: field, Desc: true} }

// String returns the order as LoopBack writes it: "createdAt DESC" or
// "title ASC".
func (o Order) String() string {
	if o.Desc {
		return o.Field + " DESC"
	}
	return o.Field + " ASC"
}

// parseOrders reads LoopBack's order strings: each a field, optionally
// followed by ASC or DESC in any case, or several of those separated by
// commas ("status, createdAt DESC"); empty items are skipped.
func parseOrders(items []string, paths []string) ([]Order, error) {
	var out []Order
	for i, item := range items {
		o, err := parseOrderString(item, paths[i])
		if err != nil {
			return nil, err
		}
		out = append(out, o...)
	}
	return out, nil
}

func parseOrderString(s, path string) ([]Order, error) {
	var out []Order
	for _, tok := range strings.Split(s, ",") {
		parts := strings.Fields(tok)
		switch len(parts) {
		case 0:
			continue
		case 1:
			out = append(out, Order{Field: parts[0]})
			continue
		case 2:
			switch strings.ToUpper(parts[1]) {
			case "ASC":
				out = append(out, Order{Field: parts[0]})
				continue
			case "DESC":
				out = append(out, Order{Field: parts[0], Desc: true})
				continue
			}
		}
		return nil, errorf(path, `want "field", "field ASC" or "field DESC", got %s`, quote(strings.TrimSpace(tok)))
	}
	return out, nil
}
