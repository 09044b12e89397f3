package memstore

import (
	"errors"
	"unsafe"

	"github.com/relstore/relstore/filter"
)

// FilterError is a filter that a model cannot take, found when the filter
// is bound (Table.Query, Store.Query, Rel.Query and the methods that bind
// for you): an unknown field, a value the field's type cannot hold, an
// operator the field's kind cannot take, an After that does not fit the
// order, and everything filter.Validate refuses. It matches ErrInvalid,
// and unwraps to the *filter.Error that names the path in the filter (so
// it matches filter.ErrInvalid too).
type FilterError struct {
	Model string        // the model the filter was bound to
	Err   *filter.Error // the refusal, with its path in the filter
}

// Error reads like "memstore: query Post: filter: where.createdAt.gt:
// want a time, got 12".
func (e *FilterError) Error() string { return "memstore: query " + e.Model + ": " + e.Err.Error() }

// Is reports whether target is ErrInvalid.
func (e *FilterError) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns the *filter.Error.
func (e *FilterError) Unwrap() error { return e.Err }

var errTODO = errors.New("memstore: queries are not implemented yet")

// bound is a filter bound to a model: what every query form shares.
type bound struct {
	s      *Store
	m      *model
	f      filter.Filter
	plan   *plan
	fields []Field
}

type plan struct {
	Plan
}

func (p Plan) describe() string { return p.Model }

// bind validates f against m and plans it. scope, when not nil, is a
// foreign key column whose value each run supplies (RelQuery).
func bind(s *Store, m *model, f filter.Filter, scope *column) (*bound, error) {
	return nil, &FilterError{Model: m.name, Err: &filter.Error{Reason: errTODO.Error()}}
}

type run struct{}

func (r *run) each(fn func(*record) bool) {}

func (b *bound) start(tx *Tx, k []byte, snapshot bool) (*run, error) { return nil, errTODO }
func (b *bound) records(tx *Tx, k []byte) ([]*record, error)         { return nil, errTODO }
func (b *bound) first(tx *Tx, k []byte, op string) (*record, error)  { return nil, errTODO }
func (b *bound) count(tx *Tx, k []byte) (int, error)                 { return 0, errTODO }
func (b *bound) exists(tx *Tx, k []byte) (bool, error)               { return false, errTODO }
func (b *bound) delete(tx *Tx, k []byte, op string) (int, error)     { return 0, errTODO }
func (b *bound) update(tx *Tx, k []byte, op string, edit func(unsafe.Pointer) error) (int, error) {
	return 0, errTODO
}
func (b *bound) after(p unsafe.Pointer) []any { return nil }

func (m *model) boxRow(rec *record) any { return nil }
func (m *model) compilePatch(op string, patch map[string]any) (func(unsafe.Pointer) error, error) {
	return nil, errTODO
}
func (m *model) rowPtr(op string, row any) (unsafe.Pointer, error) { return nil, errTODO }
func (s *Store) modelNamed(op, name string) (*model, error)        { return nil, errTODO }
func (m *model) keyFrom(op string, c *column, v any) ([]byte, error) {
	return nil, errTODO
}
