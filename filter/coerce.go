package filter

import (
	"encoding/hex"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"time"
)

// Coerce converts v, a value of a condition or of After, to t, the type of
// the field it meets, by the rules under "Values" below: v is a
// JSON value as Parse keeps it (nil, bool, json.Number, string), a Text, or
// a Go value. t is a bool, integer, float or string kind, time.Time, a
// [16]byte array, a named type of one of these, or a pointer to any of
// them. nil converts only to a pointer type (as a nil pointer). The result
// has type t and shares nothing with v.
//
// The error is an *Error with an empty Path and a Reason such as "want a
// time, got 12" or "want an int8, got 300"; binding sets the Path (copy
// the Reason into an Error of its own, or wrap this one).
//
// # Values
//
// A condition's values are compared with a field of the model, whose type
// decides what a value means. Coerce is the one implementation of these
// rules, shared by memstore and the REST server. By the field's type:
//
//	bool                   JSON true or false; Text "true" or "false"
//	int, int8, ... uint64  a number whose value is an integer in the type's
//	                       range: 12, 12.0 and 1.2e1 are 12, 12.5 and 300 for
//	                       int8 are refused; Text of such a number
//	float32, float64       a finite number, rounded to the nearest float;
//	                       out of range is refused; Text of a number
//	string                 a JSON string, or Text
//	time.Time              an RFC 3339 string ("2026-01-01T00:00:00Z", with
//	                       optional fractional seconds), or Text of one
//	[16]byte               a UUID string, 8-4-4-4-12 hex digits, either case
//	*T (nullable)          null is NULL; anything else as for T
//	named types            as their underlying type (type Status string takes
//	                       a string)
//
// A number is never a string nor a time, and a string never a number:
// {"age": "12"} is refused for an int field, where LoopBack 3 converts it
// (use Text, from a query string, for values whose type the field decides).
// A Go value (from a Filter built in Go) converts when its kind fits: any
// integer to an integer field if in range, an integer-valued float too, any
// number to a float field, a string kind to a string field, time.Time to a
// time field, a [16]byte kind to a [16]byte field; a pointer stands for what
// it points at, a nil pointer for null.
func Coerce(v any, t reflect.Type) (reflect.Value, error) {
	if t == nil {
		return reflect.Value{}, errorf("", "no type to convert to")
	}
	if t.Kind() == reflect.Pointer {
		if isNil(v) {
			return reflect.Zero(t), nil
		}
		ev, err := Coerce(v, t.Elem())
		if err != nil {
			return reflect.Value{}, err
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(ev)
		return p, nil
	}
	if v != nil {
		rv := reflect.ValueOf(v)
		for rv.Kind() == reflect.Pointer && !rv.IsNil() {
			rv = rv.Elem()
		}
		if rv.Kind() == reflect.Pointer {
			v = nil
		} else {
			v = rv.Interface()
		}
	}
	var (
		out any
		err error
	)
	switch {
	case isTimeType(t):
		out, err = toTime(v)
	case isUUIDType(t):
		out, err = toUUID(v)
	default:
		switch t.Kind() {
		case reflect.Bool:
			out, err = toBool(v)
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			out, err = toInt(v, t)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			out, err = toUint(v, t)
		case reflect.Float32, reflect.Float64:
			out, err = toFloat(v, t)
		case reflect.String:
			out, err = toString(v)
		default:
			return reflect.Value{}, errorf("", "a field of type %s cannot be compared with a value", t)
		}
	}
	if err != nil {
		return reflect.Value{}, err
	}
	return reflect.ValueOf(out).Convert(t), nil
}

func want(what string, v any) error {
	return errorf("", "want %s, got %s", what, describe(v))
}

func toBool(v any) (bool, error) {
	switch v := v.(type) {
	case bool:
		return v, nil
	case Text:
		if v == "true" || v == "false" {
			return v == "true", nil
		}
	default:
		if rv := reflect.ValueOf(v); v != nil && rv.Kind() == reflect.Bool {
			return rv.Bool(), nil
		}
	}
	return false, want("a boolean", v)
}

func toString(v any) (string, error) {
	if s, ok := stringOf(v); ok {
		return s, nil
	}
	return "", want("a string", v)
}

// literal returns the number literal of a JSON number or a Text.
func literal(v any) (number, bool) {
	switch v := v.(type) {
	case json.Number:
		return parseNumber(string(v))
	case Text:
		return parseNumber(string(v))
	}
	return number{}, false
}

// article returns a type name with "a" or "an" ("an int8", "a uint8").
func article(name string) string {
	switch name[0] {
	case 'a', 'e', 'i', 'o':
		return "an " + name
	}
	return "a " + name
}

func toInt(v any, t reflect.Type) (int64, error) {
	bits := t.Bits()
	lo, hi := int64(-1)<<(bits-1), int64(1)<<(bits-1)-1
	outOfRange := func() error { return want(article(t.Kind().String()), v) } // built on refusal only
	if n, ok := literal(v); ok {
		mag, isInt, fits := n.integer()
		switch {
		case !isInt:
			return 0, want("an integer", v)
		case !fits:
			return 0, outOfRange()
		case n.neg && mag <= uint64(hi)+1:
			return -int64(mag-1) - 1, nil // -(mag) without overflow at the minimum
		case !n.neg && mag <= uint64(hi):
			return int64(mag), nil
		}
		return 0, outOfRange()
	}
	rv := reflect.ValueOf(v)
	switch {
	case v == nil:
	case rv.Kind() >= reflect.Int && rv.Kind() <= reflect.Int64:
		if i := rv.Int(); lo <= i && i <= hi {
			return i, nil
		}
		return 0, outOfRange()
	case rv.Kind() >= reflect.Uint && rv.Kind() <= reflect.Uint64:
		if u := rv.Uint(); u <= uint64(hi) {
			return int64(u), nil
		}
		return 0, outOfRange()
	case rv.Kind() == reflect.Float32 || rv.Kind() == reflect.Float64:
		f := rv.Float()
		if f != math.Trunc(f) || math.IsInf(f, 0) {
			return 0, want("an integer", v)
		}
		// -2^63 <= f < 2^63 fits in int64; then the type's range.
		if f >= -(1<<63) && f < 1<<63 {
			if i := int64(f); lo <= i && i <= hi {
				return i, nil
			}
		}
		return 0, outOfRange()
	}
	return 0, want("an integer", v)
}

func toUint(v any, t reflect.Type) (uint64, error) {
	hi := uint64(1)<<(t.Bits()-1)<<1 - 1
	outOfRange := func() error { return want(article(t.Kind().String()), v) } // built on refusal only
	if n, ok := literal(v); ok {
		mag, isInt, fits := n.integer()
		switch {
		case !isInt:
			return 0, want("an integer", v)
		case !fits || (n.neg && mag != 0) || mag > hi:
			return 0, outOfRange()
		}
		return mag, nil
	}
	rv := reflect.ValueOf(v)
	switch {
	case v == nil:
	case rv.Kind() >= reflect.Int && rv.Kind() <= reflect.Int64:
		if i := rv.Int(); i >= 0 && uint64(i) <= hi {
			return uint64(i), nil
		}
		return 0, outOfRange()
	case rv.Kind() >= reflect.Uint && rv.Kind() <= reflect.Uint64:
		if u := rv.Uint(); u <= hi {
			return u, nil
		}
		return 0, outOfRange()
	case rv.Kind() == reflect.Float32 || rv.Kind() == reflect.Float64:
		f := rv.Float()
		if f != math.Trunc(f) || math.IsInf(f, 0) {
			return 0, want("an integer", v)
		}
		if f >= 0 && f < 1<<64 {
			if u := uint64(f); u <= hi {
				return u, nil
			}
		}
		return 0, outOfRange()
	}
	return 0, want("an integer", v)
}

func toFloat(v any, t reflect.Type) (float64, error) {
	bits := t.Bits()
	if _, ok := literal(v); ok {
		var s string
		switch v := v.(type) {
		case json.Number:
			s = string(v)
		case Text:
			s = string(v)
		}
		f, err := strconv.ParseFloat(s, bits)
		if err != nil {
			return 0, errorf("", "want %s, got %s (out of range)", article(t.Kind().String()), describe(v))
		}
		return f, nil
	}
	rv := reflect.ValueOf(v)
	var f float64
	switch {
	case v == nil:
		return 0, want("a number", v)
	case rv.Kind() >= reflect.Int && rv.Kind() <= reflect.Int64:
		f = float64(rv.Int())
	case rv.Kind() >= reflect.Uint && rv.Kind() <= reflect.Uint64:
		f = float64(rv.Uint())
	case rv.Kind() == reflect.Float32 || rv.Kind() == reflect.Float64:
		f = rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, want("a finite number", v)
		}
	default:
		return 0, want("a number", v)
	}
	if bits == 32 && math.IsInf(float64(float32(f)), 0) {
		return 0, errorf("", "want a float32, got %s (out of range)", describe(v))
	}
	return f, nil
}

func toTime(v any) (time.Time, error) {
	s, ok := "", false
	switch v := v.(type) {
	case string:
		s, ok = v, true
	case Text:
		s, ok = string(v), true
	case time.Time:
		return v, nil
	default:
		if rv := reflect.ValueOf(v); v != nil && isTimeType(rv.Type()) {
			return rv.Convert(timeType).Interface().(time.Time), nil
		}
	}
	if ok {
		t, err := time.Parse(time.RFC3339, s)
		if err == nil {
			return t, nil
		}
		return time.Time{}, want("an RFC 3339 time", v)
	}
	return time.Time{}, want("a time", v)
}

func toUUID(v any) ([16]byte, error) {
	var u [16]byte
	s, ok := "", false
	switch v := v.(type) {
	case string:
		s, ok = v, true
	case Text:
		s, ok = string(v), true
	case [16]byte:
		return v, nil
	default:
		if rv := reflect.ValueOf(v); v != nil && isUUIDType(rv.Type()) {
			reflect.Copy(reflect.ValueOf(&u).Elem(), rv)
			return u, nil
		}
	}
	if ok {
		if u, ok := parseUUID(s); ok {
			return u, nil
		}
	}
	return u, want("a UUID", v)
}

// parseUUID reads 8-4-4-4-12 hex digits, either case.
func parseUUID(s string) ([16]byte, bool) {
	var u [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	h := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	if _, err := hex.Decode(u[:], []byte(h)); err != nil {
		return u, false
	}
	return u, true
}
