package querydiff

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/relstore/relstore/filter"
)

// A filter's SQL, in the dialect of SQLite or of PostgreSQL, on the tables
// package ddl writes for the models. relstore's semantics are PostgreSQL's
// (filter's package doc), so the PostgreSQL translation is nearly the plain
// one and the SQLite translation makes SQLite behave like PostgreSQL:
//
//   - NULL order: every ORDER BY key says NULLS LAST (ASC) or NULLS FIRST
//     (DESC), PostgreSQL's defaults; SQLite's are the opposite.
//   - like: SQLite's LIKE folds ASCII case unless the connection ran PRAGMA
//     case_sensitive_like = ON (fuzz/sqlite's connections do), and has no
//     escape character unless told: LIKE ? ESCAPE '\' (PostgreSQL's
//     default).
//   - ilike: SQLite has none, and its lower() folds ASCII only. PostgreSQL
//     lowers both sides character by character in the collation's LC_CTYPE
//     and then compares as LIKE does (like.c, Generic_Text_IC_like), so
//     SQLite gets pg_lower(col) LIKE pg_lower(?) ESCAPE '\', pg_lower
//     being a Go function of fuzz/sqlite (unicode.ToLower per character:
//     glibc's towlower for the characters of the data).
//   - regexp: SQLite has no REGEXP function built in; pg_regexp(col,
//     pattern, flags) is Go's regexp with PostgreSQL's defaults where they
//     differ from RE2's: '.' matches a newline ((?s)); flag i is ~* and
//     flag m is the embedded option (?w) (^ and $ at newlines). The
//     generated patterns stay in the syntax both engines share.
//   - case-insensitive matching on PostgreSQL: ddl's text columns are
//     COLLATE "C", under which lower(), ILIKE and ~* fold ASCII letters
//     only; filter's doc promises PostgreSQL's folding in a UTF-8 locale,
//     so ILIKE and ~* run on the column under FoldCollation ("C.utf8": byte
//     order, glibc's UTF-8 case rules). fuzz/postgres pins what ILIKE does
//     on the plain column (TestILikeOnCollateC).
//   - empty inq / nin lists: 1 = 0 / 1 = 1 (PostgreSQL has no IN ()).
//   - collation: SQLite's BINARY is memcmp, PostgreSQL's "C" (package ddl
//     declares text COLLATE "C"): byte order, as relstore.
//   - values: a filter's values are converted to the field's type first
//     (filter.Coerce, as binding does) and sent as parameters. SQLite gets
//     booleans as 0 and 1, times as INTEGER nanoseconds since 1970 UTC (the
//     instant, whatever the Location; sortable; the generator keeps to
//     1900-2100, inside int64's range) and [16]byte as BLOB (memcmp order);
//     PostgreSQL gets bool, timestamptz and uuid; placeholders are ? and $n.
//
// Remaining differences are pinned in fuzz/sqlite/querydiff_test.go and
// fuzz/postgres/querydiff_test.go.

// FoldCollation is the collation of PostgreSQL's ILIKE and ~* in the
// translation: a libc UTF-8 locale with byte order (initdb creates it from
// the system's locales; Debian has it).
const FoldCollation = "C.utf8"

// Dialect is the SQL a filter is translated to.
type Dialect int

const (
	SQLite     Dialect = iota // SQLite, with fuzz/sqlite's pg_lower and pg_regexp and case_sensitive_like
	PostgreSQL                // PostgreSQL, with FoldCollation
)

// SQLModel names a model's table and columns in SQL.
type SQLModel struct {
	table  string            // quoted
	key    string            // the primary key's Go field name
	cols   map[string]sqlCol // by Go field name
	fields []string          // Go field names, in column order
}

type sqlCol struct {
	name string       // quoted
	typ  reflect.Type // the field's type
}

// NewSQLModel names the columns of t's fields (in field order) after
// columns, as ddl wrote them and the database reports them.
func NewSQLModel(t reflect.Type, key, table string, columns []string) (*SQLModel, error) {
	fs := reflect.VisibleFields(t)
	if len(fs) != len(columns) {
		return nil, fmt.Errorf("table %s: columns %v for the fields of %v", table, columns, t)
	}
	m := &SQLModel{table: quote(table), key: key, cols: map[string]sqlCol{}}
	for i, f := range fs {
		m.cols[f.Name] = sqlCol{quote(columns[i]), f.Type}
		m.fields = append(m.fields, f.Name)
	}
	return m, nil
}

// translation accumulates the parameters of one statement.
type translation struct {
	d    Dialect
	m    *SQLModel
	args []any
}

// param adds v (a value of a field's type, possibly a pointer) as a
// parameter and returns its placeholder.
func (t *translation) param(v reflect.Value) string {
	t.args = append(t.args, t.d.arg(v))
	if t.d == PostgreSQL {
		return fmt.Sprintf("$%d", len(t.args))
	}
	return "?"
}

func (t *translation) paramString(s string) string { return t.param(reflect.ValueOf(s)) }

// arg returns v as a driver parameter of Dialect d (see the comment above).
func (d Dialect) arg(v reflect.Value) any {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch v.Type() {
	case reflect.TypeFor[time.Time]():
		tm := v.Interface().(time.Time)
		if d == SQLite {
			return tm.UnixNano()
		}
		return tm
	case reflect.TypeFor[[16]byte]():
		u := v.Interface().([16]byte)
		if d == SQLite {
			return u[:]
		}
		return u
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if v.Uint() > 1<<63-1 {
			panic(fmt.Sprintf("%d does not fit a SQL bigint", v.Uint()))
		}
		return int64(v.Uint())
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.Bool:
		if d == SQLite {
			if v.Bool() {
				return int64(1)
			}
			return int64(0)
		}
		return v.Bool()
	case reflect.String:
		return v.String()
	}
	panic(fmt.Sprintf("no SQL parameter for %v", v.Type()))
}

func (t *translation) col(field, path string) (sqlCol, error) {
	c, ok := t.m.cols[field]
	if !ok {
		return sqlCol{}, fmt.Errorf("%s: no column for field %q", path, field)
	}
	return c, nil
}

// value converts a where operand to the type of c's field (NULL aside).
func value(c sqlCol, v any, path string) (reflect.Value, error) {
	t := c.typ
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	rv, err := filter.Coerce(v, t)
	if err != nil {
		return reflect.Value{}, fmt.Errorf("%s: %w", path, err)
	}
	return rv, nil
}

// where translates c to a SQL condition.
func (t *translation) where(c filter.Cond, path string) (string, error) {
	switch c.Op {
	case 0:
		return "1 = 1", nil
	case filter.OpAnd, filter.OpOr:
		if len(c.Terms) == 0 {
			if c.Op == filter.OpAnd {
				return "1 = 1", nil
			}
			return "1 = 0", nil
		}
		sep := " AND "
		if c.Op == filter.OpOr {
			sep = " OR "
		}
		terms := make([]string, len(c.Terms))
		for i, term := range c.Terms {
			s, err := t.where(term, fmt.Sprintf("%s.%s[%d]", path, c.Op, i))
			if err != nil {
				return "", err
			}
			terms[i] = s
		}
		return "(" + strings.Join(terms, sep) + ")", nil
	}
	path = c.At(path)
	col, err := t.col(c.Field, path)
	if err != nil {
		return "", err
	}
	one := func(sqlOp string) (string, error) {
		v, err := value(col, c.Args[0], path)
		if err != nil {
			return "", err
		}
		return col.name + " " + sqlOp + " " + t.param(v), nil
	}
	list := func() (string, error) {
		marks := make([]string, len(c.Args))
		for i, a := range c.Args {
			v, err := value(col, a, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return "", err
			}
			marks[i] = t.param(v)
		}
		return "(" + strings.Join(marks, ", ") + ")", nil
	}
	switch c.Op {
	case filter.OpEq:
		return one("=")
	case filter.OpNeq:
		return one("<>")
	case filter.OpGt:
		return one(">")
	case filter.OpGte:
		return one(">=")
	case filter.OpLt:
		return one("<")
	case filter.OpLte:
		return one("<=")
	case filter.OpBetween:
		lo, err := value(col, c.Args[0], path+"[0]")
		if err != nil {
			return "", err
		}
		hi, err := value(col, c.Args[1], path+"[1]")
		if err != nil {
			return "", err
		}
		return col.name + " BETWEEN " + t.param(lo) + " AND " + t.param(hi), nil
	case filter.OpInq, filter.OpNin:
		if len(c.Args) == 0 {
			if c.Op == filter.OpInq {
				return "1 = 0", nil
			}
			return "1 = 1", nil
		}
		l, err := list()
		if err != nil {
			return "", err
		}
		if c.Op == filter.OpInq {
			return col.name + " IN " + l, nil
		}
		return col.name + " NOT IN " + l, nil
	case filter.OpIsNull:
		return col.name + " IS NULL", nil
	case filter.OpNotNull:
		return col.name + " IS NOT NULL", nil
	case filter.OpLike, filter.OpNLike, filter.OpILike, filter.OpNILike:
		p, ok := c.Args[0].(string)
		if !ok {
			return "", fmt.Errorf("%s: pattern %#v is not a string", path, c.Args[0])
		}
		not := ""
		if c.Op == filter.OpNLike || c.Op == filter.OpNILike {
			not = "NOT "
		}
		fold := c.Op == filter.OpILike || c.Op == filter.OpNILike
		if t.d == PostgreSQL {
			if fold {
				return "(" + col.name + ` COLLATE "` + FoldCollation + `") ` + not + "ILIKE " + t.paramString(p), nil
			}
			return col.name + " " + not + "LIKE " + t.paramString(p), nil
		}
		if fold {
			return "pg_lower(" + col.name + ") " + not + "LIKE pg_lower(" + t.paramString(p) + `) ESCAPE '\'`, nil
		}
		return col.name + " " + not + "LIKE " + t.paramString(p) + ` ESCAPE '\'`, nil
	case filter.OpRegexp:
		s, ok := c.Args[0].(string)
		if !ok {
			return "", fmt.Errorf("%s: regexp %#v is not a string", path, c.Args[0])
		}
		pattern, flags := splitRegexp(s)
		if t.d == PostgreSQL {
			if strings.Contains(flags, "m") {
				pattern = "(?w)" + pattern
			}
			if strings.Contains(flags, "i") {
				return "(" + col.name + ` COLLATE "` + FoldCollation + `") ~* ` + t.paramString(pattern), nil
			}
			return col.name + " ~ " + t.paramString(pattern), nil
		}
		return "pg_regexp(" + col.name + ", " + t.paramString(pattern) + ", " + t.paramString(flags) + ")", nil
	}
	return "", fmt.Errorf("%s: no SQL for operator %v", path, c.Op)
}

// loopbackRegexp is LoopBack's /pattern/flags form (filter.CompileRegexp).
var loopbackRegexp = regexp.MustCompile(`^/(.*)/([a-zA-Z]*)$`)

// splitRegexp returns a regexp operand's pattern and flags.
func splitRegexp(s string) (pattern, flags string) {
	if m := loopbackRegexp.FindStringSubmatch(s); m != nil {
		return m[1], m[2]
	}
	return s, ""
}

// orderBy translates the effective order (the primary key appended).
func (t *translation) orderBy(keys []filter.Order) (string, error) {
	parts := make([]string, len(keys))
	for i, k := range keys {
		col, err := t.col(k.Field, fmt.Sprintf("order[%d]", i))
		if err != nil {
			return "", err
		}
		if k.Desc {
			parts[i] = col.name + " DESC NULLS FIRST"
		} else {
			parts[i] = col.name + " ASC NULLS LAST"
		}
	}
	return strings.Join(parts, ", "), nil
}

// after translates a keyset position (filter/DESIGN.md, "Ties, direction
// and keyset"): the rows strictly after the position in the total order
// keys, NULL last ascending and first descending. Each value is known
// here, so NULL's cases are chosen now rather than by CASE in SQL.
func (t *translation) after(keys []filter.Order, after []any) (string, error) {
	if len(after) != len(keys) {
		return "", fmt.Errorf("after: %d values for the %d keys of the order", len(after), len(keys))
	}
	cols := make([]sqlCol, len(keys))
	vals := make([]reflect.Value, len(keys))
	null := make([]bool, len(keys))
	for i, k := range keys {
		path := fmt.Sprintf("after[%d]", i)
		col, err := t.col(k.Field, path)
		if err != nil {
			return "", err
		}
		v, err := filter.Coerce(after[i], col.typ)
		if err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		cols[i], vals[i], null[i] = col, v, v.Kind() == reflect.Pointer && v.IsNil()
	}
	// Placeholders are positional: each term adds its parameters in the
	// order they appear in the text.
	var ors []string
	for i, k := range keys {
		if !k.Desc && null[i] {
			continue // nothing comes after NULL ascending but ties on later keys
		}
		var and []string
		for j := range i { // the keys before the i-th are equal
			if null[j] {
				and = append(and, cols[j].name+" IS NULL")
			} else {
				and = append(and, cols[j].name+" = "+t.param(vals[j]))
			}
		}
		c := cols[i].name
		switch {
		case !k.Desc:
			and = append(and, "("+c+" > "+t.param(vals[i])+" OR "+c+" IS NULL)")
		case null[i]:
			and = append(and, c+" IS NOT NULL")
		default:
			and = append(and, c+" < "+t.param(vals[i]))
		}
		ors = append(ors, "("+strings.Join(and, " AND ")+")")
	}
	if len(ors) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(ors, " OR ") + ")", nil
}

// selectKeys returns the statement that reads the primary keys of the rows
// f selects, in f's order, and its parameters.
func (d Dialect) SelectKeys(m *SQLModel, f filter.Filter) (string, []any, error) {
	t := &translation{d: d, m: m}
	where, err := t.where(f.Where, "where")
	if err != nil {
		return "", nil, err
	}
	keys := effectiveOrder(f.Order, m.key)
	if len(f.After) > 0 {
		a, err := t.after(keys, f.After)
		if err != nil {
			return "", nil, err
		}
		where = where + " AND " + a
	}
	order, err := t.orderBy(keys)
	if err != nil {
		return "", nil, err
	}
	q := fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY %s", m.cols[m.key].name, m.table, where, order)
	switch {
	case f.Limit > 0:
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	case f.Skip > 0 && d == SQLite:
		q += " LIMIT -1" // SQLite's OFFSET needs a LIMIT
	}
	if f.Skip > 0 {
		q += fmt.Sprintf(" OFFSET %d", f.Skip)
	}
	return q, t.args, nil
}

// count returns the statement that counts the rows w matches.
func (d Dialect) Count(m *SQLModel, w filter.Cond) (string, []any, error) {
	t := &translation{d: d, m: m}
	where, err := t.where(w, "where")
	if err != nil {
		return "", nil, err
	}
	return fmt.Sprintf("SELECT count(*) FROM %s WHERE %s", m.table, where), t.args, nil
}

// insert returns the statement that inserts row (a value of m's type).
func (d Dialect) Insert(m *SQLModel, row reflect.Value) (string, []any) {
	cols := make([]string, len(m.fields))
	marks := make([]string, len(m.fields))
	t := &translation{d: d, m: m}
	for i, f := range m.fields {
		cols[i] = m.cols[f].name
		marks[i] = t.param(row.FieldByName(f))
	}
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", m.table, strings.Join(cols, ", "), strings.Join(marks, ", ")), t.args
}

// quote quotes an SQL identifier.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }
