package opseq

import (
	"context"
	"errors"
	"fmt"

	"github.com/relstore/relstore/memstore"
)

// ErrUser is the error an OpTx function returns when it ends with EndError.
var ErrUser = errors.New("opseq: the transaction function failed")

// Class is the class of an operation's result: success, or which errors.Is
// sentinel its error matches.
type Class uint8

// The classes, in the order Classify tests them.
const (
	OK         Class = iota
	TxAborted        // memstore.ErrTxAborted
	Canceled         // context.Canceled
	Nested           // memstore.ErrNested
	ReadOnly         // memstore.ErrReadOnly
	ForeignKey       // memstore.ErrForeignKey
	Unique           // memstore.ErrUnique
	NotFound         // memstore.ErrNotFound
	Invalid          // memstore.ErrInvalid
	User             // ErrUser
	Panic            // the call panicked
	Other            // any other error: never expected
	numClasses
)

var classNames = [numClasses]string{"ok", "ErrTxAborted", "context.Canceled", "ErrNested", "ErrReadOnly",
	"ErrForeignKey", "ErrUnique", "ErrNotFound", "ErrInvalid", "user error", "panic", "other error"}

func (c Class) String() string {
	if c < numClasses {
		return classNames[c]
	}
	return fmt.Sprintf("Class(%d)", uint8(c))
}

// Classify returns the class of err. ErrTxAborted is tested first: its
// message names the first error, but does not wrap it.
func Classify(err error) Class {
	switch {
	case err == nil:
		return OK
	case errors.Is(err, memstore.ErrTxAborted):
		return TxAborted
	case errors.Is(err, context.Canceled):
		return Canceled
	case errors.Is(err, memstore.ErrNested):
		return Nested
	case errors.Is(err, memstore.ErrReadOnly):
		return ReadOnly
	case errors.Is(err, memstore.ErrForeignKey):
		return ForeignKey
	case errors.Is(err, memstore.ErrUnique):
		return Unique
	case errors.Is(err, memstore.ErrNotFound):
		return NotFound
	case errors.Is(err, memstore.ErrInvalid):
		return Invalid
	case errors.Is(err, ErrUser):
		return User
	}
	return Other
}

// Outcome is what an operation did, comparable across backends with go-cmp.
type Outcome struct {
	Class Class
	// Value is what a successful operation returned: the key of an insert or
	// upsert (nil for Tx.Insert(v), which returns none), the row of a view
	// or a read in a transaction, the owner of a get (nil for no owner), the
	// owners of an include ([]any, nil entries for no owner).
	Value any
	Sub   []Outcome // OpTx, OpConcurrent: each Sub's outcome, in order
	Order []int     // OpConcurrent: the order the Subs ran in
}

func (o Outcome) String() string {
	s := o.Class.String()
	if o.Value != nil {
		s += " " + FormatRow(o.Value)
	}
	if o.Sub != nil {
		s += fmt.Sprintf(" %v", o.Sub)
	}
	if o.Order != nil {
		s += fmt.Sprintf(" in order %v", o.Order)
	}
	return s
}
