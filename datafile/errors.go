package datafile

import (
	"errors"
	"strings"
)

// ErrInvalid is matched by every *Error: a data file that Load refuses.
var ErrInvalid = errors.New("datafile: invalid data file")

// ErrClosed is returned by Flush after Close.
var ErrClosed = errors.New("datafile: closed")

// Error is a data file refused by Load: malformed, or holding a row the
// store refuses (a dangling foreign key, a duplicate unique value). It names
// the file, the model, the record (its key in the file) and the property.
type Error struct {
	File     string
	Model    string
	Record   string
	Property string
	Reason   string
	Err      error // the store's error behind it, if any (a *memstore.ForeignKeyError, ...)
}

// Error reads like "datafile: db.json: model Order: record 5: property
// customerId: 9 references no Customer".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("datafile: ")
	for _, part := range []struct{ label, v string }{{"", e.File}, {"model ", e.Model}, {"record ", e.Record}, {"property ", e.Property}} {
		if part.v != "" {
			b.WriteString(part.label)
			b.WriteString(part.v)
			b.WriteString(": ")
		}
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Is reports whether target is ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }
