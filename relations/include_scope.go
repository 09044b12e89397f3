package relations

import (
	"errors"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
)

// applyScope applies the scope f to the related rows of one owner, in the
// order they were read. TODO(issue 14): where, order and fields need the
// query layer's bound filters (memstore's RelQuery, or a predicate and an
// order bound to the related model); until it lands only Skip and Limit
// are applied, and a scope with anything else is refused with an error
// matching memstore.ErrInvalid that says so.
func applyScope[R any](rows []R, f filter.Filter) ([]R, error) {
	if err := scopeSupported(f); err != nil {
		return nil, err
	}
	if f.Skip > 0 {
		rows = rows[min(f.Skip, len(rows)):]
	}
	if f.Limit > 0 && f.Limit < len(rows) {
		rows = rows[:f.Limit]
	}
	return rows, nil
}

// scopeSupported refuses what applyScope cannot apply yet.
func scopeSupported(f filter.Filter) error {
	if err := f.Validate(); err != nil {
		return errors.Join(memstore.ErrInvalid, err)
	}
	if !f.Where.IsZero() || len(f.Order) > 0 || !f.Fields.IsZero() || f.After != nil {
		return invalid("a scope's where, order, fields and after need the query layer (issue 14); limit and skip work")
	}
	return nil
}
