package memstore

import (
	"bytes"
	"reflect"
	"slices"
	"unsafe"
)

// Related is what Tx.Related read.
type Related struct {
	// Rows holds, for each row given, its related rows, as values of the
	// related model: at most one for a belongsTo (none when its foreign key
	// is nil) and a hasOne; for a hasMany in primary key order, for the
	// through kinds in the far model's key order, each far row once. No
	// element is nil. Rows that share a related row share its value.
	Rows [][]any
	// Lookups is the number of index lookups the read made: one per
	// distinct key it looked up (an owner, the children of one owner, the
	// links of one owner, a far row), never a scan.
	Lookups int
}

// Related reads, in tx, the rows related to each of rows through the
// relation named relation of model, of any kind (see Store.Relation): the
// primitive of an include by model name. rows is a slice of the model's Go
// type, or of any holding values of it (or pointers to them). Each
// distinct key is looked up once. It fails with ErrInvalid for an unknown
// model or relation or a row of another model, and with ErrNotFound when a
// row's foreign key references no row (a row that is not stored, or a
// stale copy).
func (tx *Tx) Related(model, relation string, rows any) (Related, error) {
	const op = "related"
	if tx == nil {
		return Related{}, invalidf("%s: nil transaction", op)
	}
	m := tx.s.schema.byName[model]
	if m == nil {
		return Related{}, invalidf("%s: no model %q (models: %s)", op, model, listOr(tx.s.schema.modelNames()))
	}
	return tx.related(op, m, relation, rows, nil)
}

// related is Related and RelatedScoped: the related rows of rows, of m,
// that sc selects (all of them when sc is nil).
func (tx *Tx) related(op string, m *model, relation string, rows any, sc relScope) (Related, error) {
	if err := tx.enter(nil, "", "", op, false); err != nil {
		return Related{}, err
	}
	defer tx.leave()
	ptrs, err := m.rowPtrs(op, rows)
	if err != nil {
		return Related{}, err
	}
	out := Related{Rows: make([][]any, len(ptrs))}
	for i := range out.Rows {
		out.Rows[i] = []any{}
	}
	switch {
	case m.relMap[relation] != nil:
		err = tx.relatedOwners(op, m, m.relMap[relation], nil, ptrs, sc, &out)
	case m.poly(relation) != nil:
		err = tx.relatedOwners(op, m, nil, m.poly(relation), ptrs, sc, &out)
	case m.ownedByName(relation) != nil:
		o := m.ownedByName(relation)
		if o.poly != nil {
			o = &ownedRel{kind: o.kind, name: o.name, owner: o.owner, target: o.target, via: o.poly.byTarget[m.name]}
		}
		if o.far != nil {
			err = tx.relatedThrough(op, m, o, ptrs, sc, &out)
		} else {
			err = tx.relatedChildren(op, m, o.via, ptrs, sc, &out)
		}
	default:
		return Related{}, m.noRelation(relation)
	}
	if err != nil {
		return Related{}, err
	}
	return out, nil
}

// rowPtrs returns a pointer to each row of rows, a slice of m's type or of
// any (values or pointers), without copying the rows of a []T.
func (m *model) rowPtrs(op string, rows any) ([]unsafe.Pointer, error) {
	rv := reflect.ValueOf(rows)
	if rv.Kind() != reflect.Slice {
		return nil, invalidf("%s %s: rows are a %T, not a slice", op, m.name, rows)
	}
	out := make([]unsafe.Pointer, rv.Len())
	if rv.Type().Elem() == m.typ {
		for i := range out {
			out[i] = rv.Index(i).Addr().UnsafePointer()
		}
		return out, nil
	}
	if rv.Type().Elem().Kind() != reflect.Interface {
		return nil, invalidf("%s %s: rows are a %v, not a []%v or []any", op, m.name, rv.Type(), m.typ)
	}
	for i := range out {
		v := rv.Index(i).Elem()
		if v.Kind() == reflect.Pointer && v.Type().Elem() == m.typ && !v.IsNil() {
			out[i] = v.UnsafePointer()
			continue
		}
		if !v.IsValid() || v.Type() != m.typ {
			return nil, invalidf("%s %s: row %d is a %v, not a %v", op, m.name, i, typeOf(v), m.typ)
		}
		c := reflect.New(m.typ)
		c.Elem().Set(v)
		out[i] = c.UnsafePointer()
	}
	return out, nil
}

func typeOf(v reflect.Value) any {
	if !v.IsValid() {
		return "nil"
	}
	return v.Type()
}

// fkOf returns the encoded foreign key c of the row at p: the field's, or,
// for a shadow column, the stored row's (by its primary key).
func (tx *Tx) fkOf(op string, m *model, c *column, p unsafe.Pointer) ([]byte, error) {
	if !c.shadow {
		kp := c.keyPtr(p)
		if kp == nil {
			return nil, nil
		}
		if err := c.codec.check(kp); err != nil {
			return nil, invalidf("%s %s: %v", op, m.name, err)
		}
		return c.codec.appendKey(nil, kp), nil
	}
	k, err := m.appendPK(op, nil, p)
	if err != nil {
		return nil, err
	}
	rec := tx.lookup(m, m.pk, k)
	if rec == nil {
		return nil, &NotFoundError{Op: op, Model: m.name, Field: m.pk.name, Value: m.pk.codec.value(k)}
	}
	return exact(rec.key(c.slot)), nil
}

// relatedOwners reads the owners of a belongsTo r, or of a polymorphic
// belongsTo p, of the rows at ptrs, that sc selects.
func (tx *Tx) relatedOwners(op string, m *model, r *relation, p *polyRel, ptrs []unsafe.Pointer, sc relScope, out *Related) error {
	type key struct {
		t *model
		k string
	}
	found := map[key]any{} // nil: an owner sc does not select
	for i, ptr := range ptrs {
		rr := r
		if p != nil {
			if rr = p.targetOf(ptr); rr == nil {
				if p.fk.keyPtr(ptr) == nil {
					continue
				}
				d, _ := p.discOf(ptr)
				return invalidf("%s %s.%s: %s %q names no model of the relation", op, m.name, p.name, p.disc.name, d)
			}
		}
		k, err := tx.fkOf(op, m, rr.fk, ptr)
		if err != nil {
			return err
		}
		if k == nil {
			continue
		}
		id := key{rr.target, string(k)}
		v, ok := found[id]
		if !ok {
			out.Lookups++
			rec := tx.lookup(rr.target, rr.keyTo, k)
			if rec == nil {
				return &NotFoundError{Op: op, Model: rr.target.name, Field: rr.keyTo.name, Value: rr.keyTo.codec.value(k)}
			}
			if h := sc[rr.target]; h == nil || len(h.apply([]*record{rec})) == 1 {
				v = rr.target.rowValue(rec.ptr)
			}
			found[id] = v
		}
		if v != nil {
			out.Rows[i] = append(out.Rows[i], v)
		}
	}
	return nil
}

// ownerKeyOf returns the encoded key of the owner row at p that r's
// foreign keys reference (r.keyTo), or nil when it is a nil pointer.
func ownerKeyOf(op string, r *relation, p unsafe.Pointer) ([]byte, error) {
	c := r.keyTo
	if c.shadow {
		return nil, invalidf("%s: %s has no key field to be referenced by", op, r.target.name)
	}
	kp := c.keyPtr(p)
	if kp == nil {
		return nil, nil
	}
	if err := c.codec.check(kp); err != nil {
		return nil, invalidf("%s %s: %v", op, r.target.name, err)
	}
	return c.codec.appendKey(nil, kp), nil
}

// relatedChildren reads, for the owner rows at ptrs, the source rows of
// the belongsTo via (a hasMany or hasOne) that reference them and that sc
// selects.
func (tx *Tx) relatedChildren(op string, m *model, via *relation, ptrs []unsafe.Pointer, sc relScope, out *Related) error {
	found := map[string][]any{}
	for i, ptr := range ptrs {
		k, err := ownerKeyOf(op, via, ptr)
		if err != nil || k == nil {
			if err != nil {
				return err
			}
			continue
		}
		rows, ok := found[string(k)]
		if !ok {
			out.Lookups++
			var recs []*record
			tx.each(via.source, via.fk, k, func(rec *record) bool {
				if via.owns(rec) {
					recs = append(recs, rec)
				}
				return true
			})
			recs = sc.apply(via.source, recs)
			rows = make([]any, len(recs))
			for j, rec := range recs {
				rows[j] = via.source.rowValue(rec.ptr)
			}
			found[string(k)] = rows
		}
		out.Rows[i] = append(out.Rows[i], rows...)
	}
	return nil
}

// relatedThrough reads, for the owner rows at ptrs, the far rows that the
// link model of o connects them to and that sc selects: the links of each
// distinct owner key (one lookup each), then each distinct far key once.
func (tx *Tx) relatedThrough(op string, m *model, o *ownedRel, ptrs []unsafe.Pointer, sc relScope, out *Related) error {
	via, far := o.via, o.far
	type farRow struct {
		rec *record
		v   any // the row, boxed once, when an owner's list first has it
	}
	lists := map[string][]any{} // owner key → its far rows, selected
	at := map[string]int32{}    // far key → its farRow in rows
	var rows []farRow
	for i, ptr := range ptrs {
		k, err := ownerKeyOf(op, via, ptr)
		if err != nil {
			return err
		}
		if k == nil {
			continue
		}
		list, ok := lists[string(k)]
		if !ok {
			out.Lookups++
			var keys [][]byte
			tx.each(via.source, via.fk, k, func(rec *record) bool {
				if fk := rec.key(far.fk.slot); fk != nil {
					keys = append(keys, fk)
				}
				return true
			})
			slices.SortFunc(keys, bytes.Compare)
			keys = slices.CompactFunc(keys, bytes.Equal)
			fr := make([]int32, len(keys))
			for j, fk := range keys {
				r, ok := at[string(fk)]
				if !ok {
					out.Lookups++
					rec := tx.lookup(far.target, far.keyTo, fk)
					if rec == nil {
						panic("memstore: internal: " + via.source.name + "." + far.fk.name + " references no " + far.target.name)
					}
					r = int32(len(rows))
					rows = append(rows, farRow{rec: rec})
					at[string(fk)] = r
				}
				fr[j] = r
			}
			if h := sc[far.target]; h != nil {
				fr = selectHeld(h, fr, func(r int32) *record { return rows[r].rec })
			}
			list = make([]any, len(fr))
			for j, r := range fr {
				if rows[r].v == nil {
					rows[r].v = far.target.rowValue(rows[r].rec.ptr)
				}
				list[j] = rows[r].v
			}
			lists[string(k)] = list
		}
		out.Rows[i] = append(out.Rows[i], list...)
	}
	return nil
}
