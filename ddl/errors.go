package ddl

import (
	"errors"
	"fmt"
)

// ErrSchema is matched by every error PostgreSQL and SQLite return: a model
// whose schema has no SQL form, or names that collide in SQL. The error is
// a *SchemaError.
var ErrSchema = errors.New("ddl: no SQL schema")

// SchemaError describes a model or field that has no SQL form.
type SchemaError struct {
	Model  string // the model
	Field  string // the field at fault; empty for the whole model
	Reason string // what is wrong, e.g. "type func() has no column type"
}

// Error names the model, field and reason.
func (e *SchemaError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("ddl: %s: %s", e.Model, e.Reason)
	}
	return fmt.Sprintf("ddl: %s.%s: %s", e.Model, e.Field, e.Reason)
}

// Is reports whether target is ErrSchema.
func (e *SchemaError) Is(target error) bool { return target == ErrSchema }
