package memstore

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
)

// ModelInfo describes a registered model, for tools that work on any model
// (fixtures, dumps, fuzzers, a REST server).
type ModelInfo struct {
	Name      string         // the model's name
	Plural    string         // its plural (Model.Plural, or Plural(Name))
	Type      reflect.Type   // the Go struct type
	Key       string         // the primary key field; empty for a store-assigned RowID
	AutoKey   bool           // whether zero keys are assigned on insert
	Unique    []string       // unique fields, without the primary key
	Relations []RelationInfo // relations of every kind: belongsTo first (polymorphic ones last), then the others, each in declaration order
	Indexes   []Index        // secondary indexes: tag-declared ones first, in field order, then Model.Indexes
}

// RelationInfo describes a relation of a model: what the model's
// declaration says, with every default resolved. The store enforces
// belongsTo relations; the other kinds read through one (Inverse, or the
// link model's two).
type RelationInfo struct {
	Name string       // the relation's name
	Kind RelationKind // BelongsTo, HasMany, HasOne, HasManyThrough or HasAndBelongsToMany
	// Target is the related model: the referenced model of a belongsTo
	// (empty for a polymorphic one: see Targets), the child model of a
	// hasMany or hasOne, the far model of the through kinds.
	Target string
	// FK is the foreign key field: the model's own for a belongsTo,
	// Target's for a hasMany or hasOne, Through's (referencing this model)
	// for the through kinds.
	FK string
	// KeyTo is the field FK references: Target's for a belongsTo (the
	// primary key of each target for a polymorphic one), this model's for
	// the other kinds (LoopBack's primaryKey).
	KeyTo    string
	OnDelete Action // the on-delete action of the belongsTo that holds FK
	Nullable bool   // FK is a pointer or shadow column
	Shadow   bool   // FK is a shadow column: no struct field
	Unique   bool   // FK is unique (what a hasOne needs)
	// Inverse names the belongsTo that holds FK, for the kinds other than
	// belongsTo: Target's for a hasMany or hasOne, Through's for the
	// through kinds.
	Inverse string
	// Through is the link model of the through kinds; KeyThrough its
	// field that references Target, through its belongsTo named Far.
	Through    string
	KeyThrough string
	Far        string
	// Polymorphic is set for a polymorphic belongsTo and for a hasMany of
	// one. Discriminator is the field that names the referenced model (the
	// model's own for a belongsTo, Target's for a hasMany), and Targets,
	// for a belongsTo, the models it may name.
	Polymorphic   bool
	Discriminator string
	Targets       []string
}

// Models describes the store's models in the order Config listed them.
func (s *Store) Models() []ModelInfo {
	out := make([]ModelInfo, 0, len(s.schema.models))
	for _, m := range s.schema.models {
		mi := ModelInfo{Name: m.name, Plural: m.plural, Type: m.typ, AutoKey: m.auto && !m.keyless}
		if !m.keyless {
			mi.Key = m.pk.name
		}
		for _, c := range m.slots[1:] {
			if c.unique && c.ix == nil {
				mi.Unique = append(mi.Unique, c.name)
			}
		}
		mi.Indexes = m.indexes()
		mi.Relations = m.relationInfos()
		out = append(out, mi)
	}
	return out
}

// relationInfos describes m's relations, in the order of ModelInfo.Relations.
func (m *model) relationInfos() []RelationInfo {
	var out []RelationInfo
	for _, r := range m.rels {
		out = append(out, RelationInfo{
			Name: r.name, Kind: BelongsTo, Target: r.target.name, FK: r.fk.name, KeyTo: r.keyTo.name,
			OnDelete: r.onDelete, Nullable: r.fk.nullable, Shadow: r.fk.shadow, Unique: r.fk.unique,
		})
	}
	for _, p := range m.polys {
		ri := RelationInfo{Name: p.name, Kind: BelongsTo, FK: p.fk.name, OnDelete: p.onDelete,
			Nullable: p.fk.nullable, Polymorphic: true, Discriminator: p.disc.name}
		for _, r := range p.targets {
			ri.Targets = append(ri.Targets, r.target.name)
		}
		if len(p.targets) > 0 {
			ri.KeyTo = p.targets[0].keyTo.name
		}
		out = append(out, ri)
	}
	for _, o := range m.owned {
		v := o.via
		ri := RelationInfo{Name: o.name, Kind: o.kind, Target: o.target.name, FK: v.fk.name, KeyTo: v.keyTo.name,
			OnDelete: v.onDelete, Nullable: v.fk.nullable, Shadow: v.fk.shadow, Unique: v.fk.unique, Inverse: v.name}
		if o.through != nil {
			ri.Through, ri.KeyThrough, ri.Far = o.through.name, o.far.fk.name, o.far.name
		}
		if o.poly != nil {
			ri.Polymorphic, ri.Discriminator = true, o.poly.disc.name
		}
		out = append(out, ri)
	}
	return out
}

// Relation describes the relation named name of the named model, of any
// kind. It fails with an error matching ErrInvalid, listing the names that
// exist, when the model or the relation is unknown.
func (s *Store) Relation(model, name string) (RelationInfo, error) {
	m := s.schema.byName[model]
	if m == nil {
		return RelationInfo{}, invalidf("relation %q: no model %q (models: %s)", name, model, listOr(s.schema.modelNames()))
	}
	for _, ri := range m.relationInfos() {
		if ri.Name == name {
			return ri, nil
		}
	}
	return RelationInfo{}, m.noRelation(name)
}

// noRelation is the error for an unknown relation name of m.
func (m *model) noRelation(name string) error {
	return invalidf("relation %q: model %s has no such relation (its relations: %s)", name, m.name, listOr(m.relationNames()))
}

// modelNames returns the names of the models, in Config's order.
func (s *schema) modelNames() []string {
	out := make([]string, len(s.models))
	for i, m := range s.models {
		out[i] = m.name
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
		return nil, tx.s.schema.unknownModel(op, model)
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
				if p := c.poly; p != nil {
					if r := p.targetOf(rec.ptr); r == nil {
						d, _ := p.discOf(rec.ptr)
						bad(m, "row %v: %s %v: %s %q names no model of relation %s", m.keyOf(rec), c.name, m.value(rec, c), p.disc.name, d, p.name)
					} else if tx.lookup(r.target, r.keyTo, k) == nil {
						bad(m, "row %v: %s %v references no %s", m.keyOf(rec), c.name, m.value(rec, c), r.target.name)
					}
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
