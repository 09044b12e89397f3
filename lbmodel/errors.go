package lbmodel

import (
	"errors"
	"strings"
)

// ErrInvalid is matched by every *Error: a model definition that Load,
// Compile or Schema.Open refuses.
var ErrInvalid = errors.New("lbmodel: invalid model definition")

// Error is a refused model definition. It names the file, the model and the
// property or relation at fault, as far as they are known.
//
// Compile, Load and Open refuse a definition with an *Error naming the file,
// the model and the property, relation or index, matching ErrInvalid:
//
//	lbmodel: order.json: model Order: property customerId: the foreign key of relation
//	Order.customer has type string, but Customer.id has type number
type Error struct {
	File     string // the definition file, as Load was given it; empty for Describe
	Model    string // the model's name, if it has one yet
	Property string // the property at fault, if any
	Relation string // the relation at fault, if any
	Index    string // the index at fault, if any
	Reason   string // what is wrong
	Err      error  // the error behind it, if any (memstore's *SchemaError from Open)
}

// Error reads like "lbmodel: order.json: model Order: property total: type
// \"numbr\" is not a LoopBack type (want string, number, boolean, date,
// object, array or any)".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("lbmodel: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Model != "" {
		b.WriteString("model ")
		b.WriteString(e.Model)
		b.WriteString(": ")
	}
	switch {
	case e.Property != "":
		b.WriteString("property ")
		b.WriteString(e.Property)
		b.WriteString(": ")
	case e.Relation != "":
		b.WriteString("relation ")
		b.WriteString(e.Relation)
		b.WriteString(": ")
	case e.Index != "":
		b.WriteString("index ")
		b.WriteString(e.Index)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Is reports whether target is ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }
