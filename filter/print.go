package filter

import (
	"encoding/hex"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"
)

// MarshalJSON prints f in LoopBack 3's JSON, in one canonical form: keys
// in the order where, order, limit, skip, fields, include, after, absent
// when zero; order as an array of "field ASC|DESC"; fields as an object of
// booleans; include as an array of names and {"relation","scope"}
// objects. Go values print as JSON: numbers as numbers, time.Time as an RFC
// 3339 string with nanoseconds, [16]byte as a UUID string. Parse of the
// output equals f (ignoring Cond.Path) when f is valid and holds only JSON
// values (a Go value comes back as its JSON: a time as a string). It
// refuses, with an *Error, what JSON cannot say: a non-finite float, a
// value of another type, a field name the JSON would misread.
func (f Filter) MarshalJSON() ([]byte, error) { return appendFilter(nil, f, "") }

// MarshalJSON prints c as a LoopBack 3 where object: {} for the zero Cond;
// an And whose terms have distinct keys as one object of them; other
// conditions as in the package doc. Parse of {"where": output} gives back c
// as MarshalJSON of Filter says.
func (c Cond) MarshalJSON() ([]byte, error) { return appendCond(nil, c, "where") }

// UnmarshalJSON parses data with Parse (the zero Parser) into f.
func (f *Filter) UnmarshalJSON(data []byte) error {
	g, err := Parse(data)
	if err != nil {
		return err
	}
	*f = g
	return nil
}

// UnmarshalJSON parses data with ParseWhere (the zero Parser) into c.
func (c *Cond) UnmarshalJSON(data []byte) error {
	w, err := ParseWhere(data)
	if err != nil {
		return err
	}
	*c = w
	return nil
}

// String returns f as JSON (MarshalJSON), or a description of why it cannot
// be printed.
func (f Filter) String() string {
	b, err := f.MarshalJSON()
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return string(b)
}

// String returns c as a JSON where object (MarshalJSON), or a description
// of why it cannot be printed.
func (c Cond) String() string {
	b, err := c.MarshalJSON()
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return string(b)
}

func isZeroFilter(f Filter) bool {
	return f.Where.IsZero() && len(f.Order) == 0 && f.Limit == 0 && f.Skip == 0 &&
		f.Fields.IsZero() && len(f.Include) == 0 && f.After == nil
}

func appendFilter(b []byte, f Filter, prefix string) ([]byte, error) {
	var err error
	b = append(b, '{')
	n := 0
	key := func(k string) {
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendString(b, k)
		b = append(b, ':')
	}
	if !f.Where.IsZero() {
		key("where")
		if b, err = appendCond(b, f.Where, join(prefix, "where")); err != nil {
			return nil, err
		}
	}
	if len(f.Order) > 0 {
		key("order")
		b = append(b, '[')
		for i, o := range f.Order {
			if err := checkOrderField(o.Field, index(join(prefix, "order"), i)); err != nil {
				return nil, err
			}
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, o.String())
		}
		b = append(b, ']')
	}
	if f.Limit != 0 {
		key("limit")
		b = strconv.AppendInt(b, int64(f.Limit), 10)
	}
	if f.Skip != 0 {
		key("skip")
		b = strconv.AppendInt(b, int64(f.Skip), 10)
	}
	if !f.Fields.IsZero() {
		if err := checkFields(f.Fields, join(prefix, "fields")); err != nil {
			return nil, err
		}
		key("fields")
		b = append(b, '{')
		for i, name := range f.Fields.Names {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, name)
			b = append(b, ':')
			b = strconv.AppendBool(b, !f.Fields.Exclude)
		}
		b = append(b, '}')
	}
	if len(f.Include) > 0 {
		key("include")
		b = append(b, '[')
		for i, inc := range f.Include {
			path := index(join(prefix, "include"), i)
			if inc.Relation == "" {
				return nil, errorf(path, "empty relation name")
			}
			if i > 0 {
				b = append(b, ',')
			}
			if isZeroFilter(inc.Scope) {
				b = appendString(b, inc.Relation)
				continue
			}
			b = append(b, `{"relation":`...)
			b = appendString(b, inc.Relation)
			b = append(b, `,"scope":`...)
			if b, err = appendFilter(b, inc.Scope, join(path, "scope")); err != nil {
				return nil, err
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if f.After != nil {
		key("after")
		if b, err = appendValues(b, f.After, join(prefix, "after")); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// appendCond prints c as a where object.
func appendCond(b []byte, c Cond, parent string) ([]byte, error) {
	if c.IsZero() {
		return append(b, "{}"...), nil
	}
	path := c.At(parent)
	b = append(b, '{')
	var err error
	if c.Op == OpAnd && flattens(c) {
		for i, t := range c.Terms {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendPair(b, t, index(path, i)); err != nil {
				return nil, err
			}
		}
	} else if b, err = appendPair(b, c, parent); err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

// flattens reports whether an And prints as one object of its terms: two
// or more terms, each printing as one key, all keys distinct. Parse reads
// that object back as the same And.
func flattens(c Cond) bool {
	if len(c.Terms) < 2 {
		return false
	}
	keys := make(map[string]bool, len(c.Terms))
	for _, t := range c.Terms {
		var k string
		switch t.Op {
		case 0:
			return false
		case OpAnd, OpOr:
			k = t.Op.String()
			if f, ok := oneField(t); ok {
				k = f
			}
		default:
			k = t.Field
		}
		if keys[k] {
			return false
		}
		keys[k] = true
	}
	return true
}

// appendPair prints c as one key and its value, the key being the field or
// "and"/"or".
func appendPair(b []byte, c Cond, parent string) ([]byte, error) {
	path := c.At(parent)
	var err error
	switch c.Op {
	case 0:
		return nil, errorf(path, "condition without an operator")
	case OpAnd, OpOr:
		if field, ok := oneField(c); ok {
			return appendOperators(b, field, c.Terms, parent)
		}
		b = appendString(b, c.Op.String())
		b = append(b, ":["...)
		for i, t := range c.Terms {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendCond(b, t, index(path, i)); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	}
	if c.Op >= opEnd {
		return nil, errorf(path, "unknown operator %s", c.Op)
	}
	if err := checkField(c.Field, path); err != nil {
		return nil, err
	}
	b = appendString(b, c.Field)
	b = append(b, ':')
	switch c.Op {
	case OpIsNull:
		return append(b, "null"...), nil
	case OpNotNull:
		return append(b, `{"neq":null}`...), nil
	case OpEq:
		if len(c.Args) == 1 && !isNil(c.Args[0]) {
			return appendValue(b, c.Args[0], path)
		}
	}
	b = append(b, '{')
	b = appendString(b, c.Op.String())
	b = append(b, ':')
	switch c.Op {
	case OpBetween, OpInq, OpNin:
		b, err = appendValues(b, c.Args, path)
	default:
		if len(c.Args) != 1 {
			return nil, errorf(path, "%s takes 1 value, got %d values", c.Op, len(c.Args))
		}
		b, err = appendValue(b, c.Args[0], path)
	}
	if err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

// oneField reports whether c is an And of two or more comparisons of one
// field with distinct JSON operators, which prints as {"field": {"gt": 1,
// "lt": 5}} and parses back as the same And.
func oneField(c Cond) (string, bool) {
	if c.Op != OpAnd || len(c.Terms) < 2 {
		return "", false
	}
	field := c.Terms[0].Field
	seen := make(map[string]bool, len(c.Terms))
	for _, t := range c.Terms {
		if t.Op == 0 || t.Op == OpAnd || t.Op == OpOr || t.Op >= opEnd || t.Field != field || len(t.Terms) > 0 {
			return "", false
		}
		name := jsonName(t.Op)
		if seen[name] {
			return "", false
		}
		seen[name] = true
	}
	return field, true
}

// jsonName returns the key an operator has in a JSON operator object.
func jsonName(op Op) string {
	switch op {
	case OpIsNull:
		return "eq"
	case OpNotNull:
		return "neq"
	}
	return op.String()
}

// appendOperators prints "field": {"op": value, ...} for the terms of an
// And that oneField accepts.
func appendOperators(b []byte, field string, terms []Cond, parent string) ([]byte, error) {
	if err := checkField(field, join(parent, field)); err != nil {
		return nil, err
	}
	b = appendString(b, field)
	b = append(b, ":{"...)
	var err error
	for i, t := range terms {
		path := t.At(parent)
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, jsonName(t.Op))
		b = append(b, ':')
		switch t.Op {
		case OpIsNull, OpNotNull:
			b = append(b, "null"...)
		case OpBetween, OpInq, OpNin:
			b, err = appendValues(b, t.Args, path)
		default:
			if len(t.Args) != 1 {
				return nil, errorf(path, "%s takes 1 value, got %d values", t.Op, len(t.Args))
			}
			b, err = appendValue(b, t.Args[0], path)
		}
		if err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func appendValues(b []byte, vs []any, path string) ([]byte, error) {
	b = append(b, '[')
	var err error
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = appendValue(b, v, index(path, i)); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

// appendValue prints one value as JSON.
func appendValue(b []byte, v any, path string) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case json.Number:
		if !validNumber(string(v)) {
			return nil, errorf(path, "invalid number %s", quote(string(v)))
		}
		return append(b, v...), nil
	case string:
		return appendString(b, v), nil
	case Text:
		return appendString(b, string(v)), nil
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return append(b, "null"...), nil
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Bool:
		return strconv.AppendBool(b, rv.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.AppendUint(b, rv.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, errorf(path, "want a finite number, got %v", f)
		}
		return strconv.AppendFloat(b, f, 'g', -1, rv.Type().Bits()), nil
	case reflect.String:
		if rv.Type() == numberType {
			return appendValue(b, json.Number(rv.String()), path)
		}
		return appendString(b, rv.String()), nil
	case reflect.Struct:
		if isTimeType(rv.Type()) {
			t := rv.Convert(timeType).Interface().(time.Time)
			if y := t.Year(); y < 0 || y > 9999 {
				return nil, errorf(path, "time %v: year outside 0-9999 has no RFC 3339 form", t)
			}
			return appendString(b, t.Format(time.RFC3339Nano)), nil
		}
	case reflect.Array:
		if isUUIDType(rv.Type()) {
			var u [16]byte
			reflect.Copy(reflect.ValueOf(&u).Elem(), rv)
			return appendString(b, formatUUID(u)), nil
		}
	}
	return nil, errorf(path, "want a scalar value, got %s", describe(v))
}

func formatUUID(u [16]byte) string {
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:], u[10:])
	return string(s[:])
}

// validNumber reports whether s is a JSON number literal.
func validNumber(s string) bool {
	if s == "" || !(s[0] == '-' || '0' <= s[0] && s[0] <= '9') {
		return false
	}
	return json.Valid([]byte(s))
}

// appendString appends s as a JSON string. Like encoding/json it writes
// invalid UTF-8 as U+FFFD and escapes U+2028 and U+2029; unlike it, it
// leaves <, > and & alone.
func appendString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			b = append(b, s[i:i+w]...)
		}
		i += w
	}
	return append(b, '"')
}
