package relations

import (
	"errors"
	"fmt"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
)

// bindScope binds the scope of an include of relation ri (its Include
// already taken out) to each model the relation relates rows to: one
// query per target of a polymorphic belongsTo, else one. A zero scope
// binds none (every related row, in the relation's order). The scope's
// where, order, skip, limit and after apply to the related rows of each
// row on their own, as memstore's Tx.RelatedScoped applies them; a
// belongsTo (one owner per row) takes a where and an order but no limit
// or skip. Fields is refused: a Node holds whole rows. path names the
// include in errors.
func bindScope(s *memstore.Store, ri memstore.RelationInfo, scope filter.Filter, path string) ([]*memstore.ModelQuery, error) {
	if err := scope.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, errors.Join(memstore.ErrInvalid, err))
	}
	if ri.Kind == memstore.BelongsTo && (scope.Limit > 0 || scope.Skip > 0) {
		return nil, fmt.Errorf("%s: %w", path, invalid("limit and skip apply to the many kinds, not to a belongsTo"))
	}
	if !scope.Fields.IsZero() {
		return nil, fmt.Errorf("%s.fields: %w", path, invalid("an include's rows are whole rows: fields is not applied to them"))
	}
	if isZeroScope(scope) {
		return nil, nil
	}
	targets := []string{ri.Target}
	if ri.Kind == memstore.BelongsTo && ri.Polymorphic {
		targets = ri.Targets
	}
	qs := make([]*memstore.ModelQuery, 0, len(targets))
	for _, t := range targets {
		q, err := s.Query(t, scope)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		qs = append(qs, q)
	}
	return qs, nil
}

// isZeroScope reports whether scope selects every related row in the
// relation's order.
func isZeroScope(f filter.Filter) bool {
	return f.Where.IsZero() && len(f.Order) == 0 && f.Limit == 0 && f.Skip == 0 && f.After == nil
}
