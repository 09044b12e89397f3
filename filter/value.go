package filter

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"

	"github.com/relstore/relstore/internal/like"
)

// Text is a value from a URL query string (filter[where][age]=12), whose
// type is unknown until it meets a field: Coerce reads it as a number for a
// number field, a time for a time field, and so on. JSON prints it as a
// string.
type Text string

var (
	timeType   = reflect.TypeFor[time.Time]()
	numberType = reflect.TypeFor[json.Number]()
	textType   = reflect.TypeFor[Text]()
)

// stringOf returns the string of a string-like value: a string, a Text, or
// a Go value of a string kind (or a pointer to one).
func stringOf(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case Text:
		return string(v), true
	case nil, json.Number:
		return "", false
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() == reflect.String && rv.Type() != numberType {
		return rv.String(), true
	}
	return "", false
}

// checkScalar reports whether v is null, or an error if it is not a value a
// condition can hold.
func checkScalar(v any, path string) (null bool, err error) {
	switch v := v.(type) {
	case nil:
		return true, nil
	case bool, string, Text:
		return false, nil
	case json.Number:
		if _, ok := parseNumber(string(v)); !ok {
			return false, errorf(path, "invalid number %s", quote(string(v)))
		}
		return false, nil
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return true, nil
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if rv.Type() == numberType {
			_, err := checkScalar(json.Number(rv.String()), path)
			return false, err
		}
		return false, nil
	case reflect.Float32, reflect.Float64:
		if f := rv.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			return false, errorf(path, "want a finite number, got %v", f)
		}
		return false, nil
	case reflect.Struct:
		if isTimeType(rv.Type()) {
			return false, nil
		}
	case reflect.Array:
		if isUUIDType(rv.Type()) {
			return false, nil
		}
	}
	return false, errorf(path, "want a scalar value, got %s", describe(v))
}

func isTimeType(t reflect.Type) bool {
	return t == timeType || (t.Kind() == reflect.Struct && t.ConvertibleTo(timeType))
}

func isUUIDType(t reflect.Type) bool {
	return t.Kind() == reflect.Array && t.Len() == 16 && t.Elem().Kind() == reflect.Uint8
}

func checkLike(pattern string, fold bool, path string) error {
	if _, err := like.Compile(pattern, fold); err != nil {
		if errors.Is(err, like.ErrTrailingEscape) {
			return errorf(path, "like pattern %s ends with a lone backslash (write \\\\ for a backslash)", quote(pattern))
		}
		return errorf(path, "invalid like pattern %s", quote(pattern))
	}
	return nil
}

// withPath returns err (an *Error of this package) at path.
func withPath(err error, path string) error {
	var fe *Error
	if errors.As(err, &fe) {
		return &Error{Path: path, Reason: fe.Reason}
	}
	return &Error{Path: path, Reason: err.Error()}
}

// describe renders a value for an error message: JSON values as JSON
// ("12", "\"abc\"", "null"), Go values with their type.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(v)
	case json.Number:
		return truncate(string(v))
	case string:
		return quote(v)
	case Text:
		return quote(string(v))
	case []any:
		return fmt.Sprintf("an array of %d values", len(v))
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return fmt.Sprintf("%s (%s)", quote(rv.String()), rv.Type())
	case reflect.Pointer:
		if rv.IsNil() {
			return fmt.Sprintf("nil (%s)", rv.Type())
		}
	}
	return truncate(fmt.Sprintf("%v (%T)", v, v))
}

// quote quotes s for a message, shortened if long.
func quote(s string) string {
	const max = 64
	if len(s) > max {
		cut := max
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		return strconv.Quote(s[:cut]) + "..."
	}
	return strconv.Quote(s)
}

func truncate(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

// number is a JSON number literal taken apart: the value is
// (neg ? -1 : 1) * digits * 10^exp, digits without leading zeros (empty
// for zero).
type number struct {
	neg    bool
	digits string
	exp    int64
}

// parseNumber parses a JSON number literal (leading zeros allowed, for Text
// from query strings). It never computes 10^exp, so "1e999999999" costs
// nothing.
func parseNumber(s string) (number, bool) {
	var n number
	i := 0
	if i < len(s) && s[i] == '-' {
		n.neg = true
		i++
	}
	start := i
	var digits []byte
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		digits = append(digits, s[i])
		i++
	}
	if i == start {
		return n, false
	}
	var frac int64
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			digits = append(digits, s[i])
			i++
		}
		if i == fs {
			return n, false
		}
		frac = int64(i - fs)
	}
	var exp int64
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		es := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			if exp < 1e12 { // beyond any float; saturate instead of overflowing
				exp = exp*10 + int64(s[i]-'0')
			}
			i++
		}
		if i == es {
			return n, false
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(s) {
		return n, false
	}
	k := 0
	for k < len(digits) && digits[k] == '0' {
		k++
	}
	digits = digits[k:]
	exp -= frac
	for len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		exp++
	}
	if len(digits) == 0 {
		exp = 0
	}
	n.digits = string(digits)
	n.exp = exp
	return n, true
}

// integer returns the number as an integer if it is one and |value| fits
// in a uint64: the magnitude and the sign.
func (n number) integer() (mag uint64, isInt, fits bool) {
	if n.digits == "" {
		return 0, true, true
	}
	if n.exp < 0 {
		return 0, false, false
	}
	if int64(len(n.digits))+n.exp > 20 {
		return 0, true, false
	}
	s := n.digits
	for range n.exp {
		s += "0"
	}
	u, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, true, false
	}
	return u, true, true
}
