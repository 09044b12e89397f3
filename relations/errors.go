package relations

import (
	"errors"
	"fmt"
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
	// was called with: a scoped accessor never moves a child.
	ErrOtherOwner = errors.New("relations: child belongs to another owner")
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

func formatKey(k any) string { return fmt.Sprint(k) }
