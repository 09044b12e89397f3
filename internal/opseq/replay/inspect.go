package replay

import (
	"context"

	"github.com/relstore/relstore/internal/opseq"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// These read a store through the public API, independently of
// CheckIntegrity, for the harness's checks. Each uses the first handle set
// of the store.

func (r *Runner) own(store int) *handles {
	for h, st := range r.Schema.HandleSets() {
		if st == store {
			return &r.sets[h]
		}
	}
	panic("replay: a store without handles")
}

// Cached returns what BelongsTo.Cached of store says about a source row of
// relation rel: the owner (when Found) and the status.
func (r *Runner) Cached(store int, rel opseq.Rel, src any) (any, relations.Status) {
	return r.own(store).rels[rel].cached(src)
}

// Children returns the source rows of relation rel in store whose foreign
// key is v, through the foreign key's index (Table.ByFK), in primary key
// order.
func (r *Runner) Children(store int, rel opseq.Rel, v any) (out []any, err error) {
	spec := r.Schema.Rels[rel]
	err = r.Stores[store].View(context.Background(), func(tx *memstore.Tx) error {
		out, err = r.own(store).tables[spec.Source].byFK(tx, spec.Name, v)
		return err
	})
	return out, err
}

// Scan returns Table.Count and Table.Scan's keys of model m in store.
func (r *Runner) Scan(store int, m opseq.ModelID) (count int, keys []any, err error) {
	err = r.Stores[store].View(context.Background(), func(tx *memstore.Tx) error {
		t := r.own(store).tables[m]
		if count, err = t.count(tx); err != nil {
			return err
		}
		keys, _, err = t.scan(tx)
		return err
	})
	return count, keys, err
}

// Lookup returns Table.Lookup(tx, field, v) of model m in store: the row
// with the unique value v.
func (r *Runner) Lookup(store int, m opseq.ModelID, field string, v any) (row any, err error) {
	err = r.Stores[store].View(context.Background(), func(tx *memstore.Tx) error {
		row, err = r.own(store).tables[m].lookup(tx, field, v)
		return err
	})
	return row, err
}
