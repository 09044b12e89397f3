package relations

import (
	"errors"
	"fmt"

	"github.com/relstore/relstore/memstore"
)

// Errors of the accessors. Bad input (a nil pointer, a context that is nil)
// is reported with memstore.ErrInvalid, store misses with memstore.ErrNotFound
// and refused writes with memstore's integrity errors, so one errors.Is
// vocabulary covers both packages.
var (
	// ErrCycle is returned by Tree.Ancestors when the walk to the root meets
	// a node twice.
	ErrCycle = errors.New("relations: cycle in a self-referencing relation")

	// ErrOtherOwner is returned by HasMany and HasOne writes when the child
	// belongs, or would belong, to another owner than the one the accessor
	// was called with: a scoped accessor never moves a child. BelongsTo's
	// Update returns it for an owner that is not the source's (it never
	// changes the referenced key), and HasMany's FindByKey, with
	// memstore.ErrNotFound, for a row of another owner.
	ErrOtherOwner = errors.New("relations: child belongs to another owner")

	// ErrEmpty is returned by a write that needs a related row when there
	// is none (LoopBack: "relation is empty"): BelongsTo's Unset and Update
	// of a source whose foreign key is nil, HasOne's Delete of an owner
	// without a child.
	ErrEmpty = errors.New("relations: relation is empty")
)

// relError names the accessor an error comes from: "relations: Order.customer:
// ...".
type relError struct {
	source, name string
	err          error
}

func (e *relError) Error() string {
	return fmt.Sprintf("relations: %s.%s: %v", e.source, e.name, e.err)
}

func (e *relError) Unwrap() error { return e.err }

// wrapErr names the accessor source.name in err, unless err is nil or
// names an accessor already (an error a Tx form returned to a ctx form).
func wrapErr(source, name string, err error) error {
	if err == nil {
		return nil
	}
	var re *relError
	if errors.As(err, &re) {
		return err
	}
	return &relError{source: source, name: name, err: err}
}

// invalid returns an error matching memstore.ErrInvalid that says what.
func invalid(what string) error { return errors.Join(memstore.ErrInvalid, errors.New(what)) }

func formatKey(k any) string { return fmt.Sprint(k) }
