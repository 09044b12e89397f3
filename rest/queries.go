package rest

import (
	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
)

// queries is what the handler needs of the query layer: the forms by model
// name that issue 14 adds to *memstore.Tx (see memstore's Tx.Get, Find,
// Count, DeleteAll and UpdateAll), with the same meaning. Until they are on
// main, standIn implements them by scanning the model's rows; once they
// are, an adapter of a few lines that calls tx.Get(model, key) and so on
// replaces it, and every test of this package checks the real thing.
//
// Field names in filters and patches are property names (json tags) or Go
// field names; values in patches are of the field's type (without its
// pointer), or nil.
type queries interface {
	// Get returns the row (a struct value) whose key is key, a value of the
	// key's type, or a *memstore.NotFoundError.
	Get(tx *memstore.Tx, model string, key any) (any, error)
	// Find returns the rows that f's Where, Order, Skip and Limit select;
	// f has no Fields and no Include (the handler applies those).
	Find(tx *memstore.Tx, model string, f filter.Filter) ([]any, error)
	// Count returns how many rows match where.
	Count(tx *memstore.Tx, model string, where filter.Cond) (int, error)
	// DeleteAll deletes the rows that match where (with each relation's
	// onDelete) and returns how many matched.
	DeleteAll(tx *memstore.Tx, model string, where filter.Cond) (int, error)
	// UpdateAll sets the fields of patch on every row that matches where
	// and returns how many matched.
	UpdateAll(tx *memstore.Tx, model string, where filter.Cond, patch map[string]any) (int, error)
}
