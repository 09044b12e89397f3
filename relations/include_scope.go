package relations

import (
	"bytes"
	"encoding/json"
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
// or skip. The scope's fields are returned as keep: by related model, the
// JSON names a Node of it marshals (nil: every field). path names the
// include in errors.
func bindScope(s *memstore.Store, ri memstore.RelationInfo, scope filter.Filter, path string) (qs []*memstore.ModelQuery, keep map[string]map[string]bool, err error) {
	if err := scope.Validate(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, errors.Join(memstore.ErrInvalid, err))
	}
	if ri.Kind == memstore.BelongsTo && (scope.Limit > 0 || scope.Skip > 0) {
		return nil, nil, fmt.Errorf("%s: %w", path, invalid("limit and skip apply to the many kinds, not to a belongsTo"))
	}
	if isZeroScope(scope) && scope.Fields.IsZero() {
		return nil, nil, nil
	}
	targets := []string{ri.Target}
	if ri.Kind == memstore.BelongsTo && ri.Polymorphic {
		targets = ri.Targets
	}
	for _, t := range targets {
		q, err := s.Query(t, scope)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		if !isZeroScope(scope) {
			qs = append(qs, q)
		}
		if !scope.Fields.IsZero() {
			if keep == nil {
				keep = map[string]map[string]bool{}
			}
			keep[t] = map[string]bool{}
			for _, f := range q.Fields() {
				if f.JSON != "" {
					keep[t][f.JSON] = true
				}
			}
		}
	}
	return qs, keep, nil
}

// project returns the JSON object b with only the members keep names, in
// b's order: encoding/json's own output of the row (its tags, omitempty
// and string options), less the fields a scope's fields leave out.
func project(b []byte, keep map[string]bool) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("relations: include: fields of a row that is not a JSON object: %s", b)
	}
	out := []byte{'{'}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		name, _ := t.(string)
		if !keep[name] {
			continue
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		k, _ := json.Marshal(name)
		out = append(append(append(out, k...), ':'), v...)
	}
	return append(out, '}'), nil
}

// isZeroScope reports whether scope selects every related row in the
// relation's order.
func isZeroScope(f filter.Filter) bool {
	return f.Where.IsZero() && len(f.Order) == 0 && f.Limit == 0 && f.Skip == 0 && f.After == nil
}
