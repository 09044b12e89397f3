package memstore

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
)

// ModelInfo describes a registered model, for tools that work on any model
// (fixtures, dumps, fuzzers).
type ModelInfo struct {
	Name      string         // the model's name
	Type      reflect.Type   // the Go struct type
	Key       string         // the primary key field; empty for a store-assigned RowID
	AutoKey   bool           // whether zero keys are assigned on insert
	Unique    []string       // unique fields, without the primary key
	Relations []RelationInfo // belongsTo relations of this model
	Indexes   []Index        // secondary indexes: tag-declared ones first, in field order, then Model.Indexes
}

// RelationInfo describes a belongsTo relation.
type RelationInfo struct {
	Name     string // the relation's name
	Target   string // the target model's name
	FK       string // the foreign key field (or shadow column) name
	KeyTo    string // the referenced target field
	OnDelete Action
	Nullable bool // a pointer or shadow foreign key
	Shadow   bool // a shadow column: no struct field
	Unique   bool // a unique foreign key (hasOne)
}

// Models describes the store's models in the order Config listed them.
func (s *Store) Models() []ModelInfo {
	out := make([]ModelInfo, 0, len(s.schema.models))
	for _, m := range s.schema.models {
		mi := ModelInfo{Name: m.name, Type: m.typ, AutoKey: m.auto && !m.keyless}
		if !m.keyless {
			mi.Key = m.pk.name
		}
		for _, c := range m.slots[1:] {
			if c.unique && c.ix == nil {
				mi.Unique = append(mi.Unique, c.name)
			}
		}
		mi.Indexes = m.indexes()
		for _, r := range m.rels {
			mi.Relations = append(mi.Relations, RelationInfo{
				Name: r.name, Target: r.target.name, FK: r.fk.name, KeyTo: r.keyTo.name,
				OnDelete: r.onDelete, Nullable: r.fk.nullable, Shadow: r.fk.shadow, Unique: r.fk.unique,
			})
		}
		out = append(out, mi)
	}
	return out
}

// Rows returns copies of the rows of the named model, in primary key order,
// as struct values (not pointers).
func (tx *Tx) Rows(model string) ([]any, error) {
	op := "rows"
	if err := tx.enter(nil, "", "", op, false); err != nil {
		return nil, err
	}
	defer tx.leave()
	m := tx.s.schema.byName[model]
	if m == nil {
		return nil, invalidf("%s: no model %q", op, model)
	}
	return tx.rows(m), nil
}

// rows returns copies of the rows of m, in primary key order.
func (tx *Tx) rows(m *model) []any {
	var out []any
	tx.each(m, m.pk, nil, func(rec *record) bool {
		out = append(out, reflect.NewAt(m.typ, m.copyRow(rec.ptr)).Elem().Interface())
		return true
	})
	return out
}

// Dump maps each model's name to its rows, in primary key order, as struct
// values: a whole store, ready for go-cmp. Shadow foreign keys and
// store-assigned RowIDs are not in the structs, so not in a Dump.
type Dump map[string][]any

// Dump returns every row of every model.
func (tx *Tx) Dump() (Dump, error) {
	if err := tx.enter(nil, "", "", "dump", false); err != nil {
		return nil, err
	}
	defer tx.leave()
	d := Dump{}
	for _, m := range tx.s.schema.models {
		d[m.name] = tx.rows(m)
	}
	return d, nil
}

// CheckIntegrity verifies, over the whole store as tx sees it, every
// invariant the store maintains, and returns every violation found, joined,
// matching ErrIntegrity: each row's index keys match its fields; every index
// holds exactly the rows that have a key for it (counts by index equal
// counts by scan); primary keys and unique fields are unique; every non-null
// foreign key references an existing row. It reads every row and index entry,
// so it costs O(rows × indexes); it is meant for tests and fuzzers.
func (tx *Tx) CheckIntegrity() error {
	if err := tx.enter(nil, "", "", "check integrity", false); err != nil {
		return err
	}
	defer tx.leave()
	var errs []error
	bad := func(m *model, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s: %s", ErrIntegrity, m.name, fmt.Sprintf(format, args...)))
	}
	for _, m := range tx.s.schema.models {
		var rows []*record
		tx.each(m, m.pk, nil, func(rec *record) bool { rows = append(rows, rec); return true })
		want := make([]int, len(m.slots)) // expected entries per index
		for _, rec := range rows {
			fresh, err := m.newRecord(rec.ptr, rec.keyList())
			if err != nil {
				bad(m, "row %v: %v", m.keyOf(rec), err)
				continue
			}
			for i, c := range m.slots {
				if !bytes.Equal(fresh.key(i), rec.key(i)) {
					bad(m, "row %v: index %s key differs from the field", m.keyOf(rec), c.name)
				}
				k := rec.key(i)
				if k == nil {
					continue
				}
				want[i]++
				if c.ix != nil {
					if v := c.uniqueKey(rec); c.unique && v != nil && tx.lookupIndex(m, c, v) != rec {
						bad(m, "row %v: unique index %s finds another row", m.keyOf(rec), c.name)
					}
				} else if c.unique {
					if got := tx.lookup(m, c, k); got != rec {
						bad(m, "row %v: unique index %s finds another row", m.keyOf(rec), c.name)
					}
				}
				if r := c.fk; r != nil && tx.lookup(r.target, r.keyTo, k) == nil {
					bad(m, "row %v: %s %v references no %s", m.keyOf(rec), c.name, m.value(rec, c), r.target.name)
				}
			}
		}
		for i, c := range m.slots {
			n := 0
			var stray bool
			tx.each(m, c, nil, func(rec *record) bool {
				n++
				if cur := tx.lookup(m, m.pk, rec.key(0)); cur != rec {
					stray = true
				}
				return true
			})
			if n != want[i] {
				bad(m, "index %s has %d entries, rows say %d", c.name, n, want[i])
			}
			if stray {
				bad(m, "index %s holds a row that is not the current row for its key", c.name)
			}
		}
	}
	return errors.Join(errs...)
}
