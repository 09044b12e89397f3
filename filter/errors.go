package filter

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrInvalid is matched by every error of this package: a filter that
// cannot be parsed, fails Validate, or holds a value Coerce cannot convert.
// Each such error is an *Error naming the path.
var ErrInvalid = errors.New("filter: invalid filter")

// Error is a refusal of a filter or of one of its values.
//
// Parse and Validate refuse, with an *Error that names the path in the
// filter and matches ErrInvalid, everything that needs no schema: malformed
// JSON, an unknown key or operator, a duplicate key, an operand of the wrong
// shape (between wants two values, inq an array, like a string), null where
// only eq and neq accept it, a negative or fractional limit or skip, an
// invalid like pattern or regexp, a non-finite number, a Go value that is
// not a scalar, an after of the wrong length, a relation included twice, and
// nesting deeper than the Parser's limits (and/or nesting MaxDepth, default
// DefaultMaxDepth; include nesting MaxIncludeDepth). For example:
//
//	filter: where.and[1].views.between: want an array of 2 values, got 3 values
//
// Binding refuses the rest with paths of the same form, built from Cond.Path:
// an unknown field or relation, a value the field's type cannot take
// (Coerce), an operator the field's kind cannot take (like on an int).
type Error struct {
	// Path is where in the filter, in the dotted form of the JSON filter:
	// "where.and[1].createdAt.gt", "order[0]", "include[0].scope.limit".
	// Empty for the filter as a whole, and for Coerce's errors until the
	// caller sets it.
	Path string
	// Reason says what is wrong, e.g. "want a time, got 12".
	Reason string
}

// Error reads like "filter: where.createdAt.gt: want a time, got 12".
func (e *Error) Error() string {
	if e.Path == "" {
		return "filter: " + e.Reason
	}
	return "filter: " + e.Path + ": " + e.Reason
}

// Is reports whether target is ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

func errorf(path, format string, args ...any) *Error {
	return &Error{Path: path, Reason: fmt.Sprintf(format, args...)}
}

// join appends a key to a path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// index appends an array index to a path.
func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]" // not fmt: Validate builds the paths of valid filters too
}
