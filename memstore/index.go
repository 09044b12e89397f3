package memstore

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unsafe"
)

// Index declares a secondary index of a model in code, in Model.Indexes: the
// index and unique=name tags of [Model] declare the same.
//
// Every model is indexed by its primary key, each unique field and each
// foreign key. Secondary indexes serve the reads by other fields: a
// non-unique index on one field, and named indexes over several fields in a
// declared order, each optionally unique:
//
//	type Post struct {
//		ID        int64     `relstore:"pk,auto"`
//		AuthorID  int64     `relstore:"belongsTo=User"`
//		Status    string    `relstore:"index=status_created"`
//		CreatedAt time.Time `relstore:"index=status_created"`
//		Score     *float64  `relstore:"index"`
//	}
//
//	type PostTag struct {
//		ID     int64 `relstore:"pk,auto"`
//		PostID int64 `relstore:"belongsTo=Post,unique=post_tag"`
//		TagID  int64 `relstore:"belongsTo=Tag,unique=post_tag"`
//	}
//
// or, in code, Model.Indexes: []memstore.Index{{Name: "created_status",
// Fields: []string{"CreatedAt", "Status"}}}. A unique index refuses a second
// row with the same values in all its fields, on insert and on update, with
// a *UniqueError whose Fields and Values name every field of the index: a
// PostTag refuses a second identical link. As in PostgreSQL (NULLS
// DISTINCT), a row with a NULL (a nil pointer) in any field of a unique
// index never conflicts.
//
// Indexable fields have an integer, float32, float64, bool, string,
// time.Time or [16]byte kind, a named type of one of these, or a pointer to
// one, nil being SQL's NULL. An index keeps its rows in the order of its
// fields' values, then of primary keys: integers and floats numerically
// (-0 equals +0; NaN has no place in an order and is refused with
// ErrInvalid), strings byte-wise (PostgreSQL's "C" collation), false before
// true, times by instant whatever their Location or monotonic reading,
// [16]byte byte-wise. NULL sorts after every value, as in PostgreSQL, so an
// index gives ascending order with NULLS LAST and, read backward, descending
// order with NULLS FIRST (SQLite puts NULLs first in ascending order; the
// store follows PostgreSQL). An indexed string longer than [MaxKeyLen] is
// refused with ErrInvalid, as a key is.
//
// Each index costs every insert, update and delete of the model one more
// index write (bench/README.md measures it). Indexes of unique fields and
// foreign keys hold no rows whose value is NULL; secondary indexes hold
// every row.
type Index struct {
	// Name names the index in errors and plans; it is unique among the
	// model's indexes, and differs from the names of its primary key,
	// unique fields and foreign keys (whose indexes are named after them).
	// Default: the fields' names joined by "_" ("Status_CreatedAt").
	Name string
	// Fields are the indexed fields, leading field first: rows are kept in
	// the order of the first field's values, then the second's, and so on,
	// then of primary keys.
	Fields []string
	// Unique refuses a second row with the same values in every field; a
	// row with a NULL in any field never conflicts (NULLS DISTINCT).
	Unique bool
}

// secIndex is a compiled secondary index. Its slot is a column with ix set,
// whose key in a record is the encoding of every part, in order, then the
// primary key (see DESIGN.md): go-memdb holds it as a unique index, so it
// appends nothing, and the row is in it whatever its values, NULLs
// included.
type secIndex struct {
	name   string
	unique bool
	// parts are the indexed fields, in index order: field columns (codec,
	// offset, nullable) that are not slots themselves.
	parts []*column
}

// A nullable part's encoding starts with one of these bytes, so that NULL
// sorts after every value and no encoding is a prefix of another.
const (
	partValue byte = 0x01 // the field's value follows
	partNull  byte = 0x02 // the field is NULL (a nil pointer)
)

// tagIndex is one index=name or unique=name tag option.
type tagIndex struct {
	name   string
	unique bool
}

// addIndexes compiles the secondary indexes of m, those its tags declare (in
// the order their first field is declared) then decls, once m's columns and
// relations are known, and gives each a slot.
func (m *model) addIndexes(tags map[string]tagInfo, decls []Index) error {
	var all []Index
	named := map[string]int{} // index=name and unique=name indexes, by name
	for _, f := range reflect.VisibleFields(m.typ) {
		if f.Anonymous {
			continue
		}
		ti := tags[f.Name]
		if ti.index {
			all = append(all, Index{Name: f.Name, Fields: []string{f.Name}})
		}
		for _, t := range ti.indexes {
			i, ok := named[t.name]
			if !ok {
				i = len(all)
				named[t.name] = i
				all = append(all, Index{Name: t.name, Unique: t.unique})
			} else if all[i].Unique != t.unique {
				return &SchemaError{Model: m.name, Field: f.Name, Reason: fmt.Sprintf("index %s is declared both by index=%s and by unique=%s", t.name, t.name, t.name)}
			}
			all[i].Fields = append(all[i].Fields, f.Name)
		}
	}
	for _, d := range decls {
		d.Fields = slices.Clone(d.Fields) // the caller's Model keeps its own
		all = append(all, d)
	}
	taken := map[string]bool{}
	for _, c := range m.slots {
		taken[c.name] = true
	}
	for _, d := range all {
		if d.Name == "" {
			d.Name = strings.Join(d.Fields, "_")
		}
		c, err := m.compileIndex(d, taken)
		if err != nil {
			return err
		}
		taken[d.Name] = true
		m.sec = append(m.sec, c)
	}
	if len(m.sec) == 0 {
		return nil
	}
	// The secondary slots go before the foreign keys' (the slots compileModel
	// did not make, which are not unique), so that the last slot stays a
	// foreign key's when the model has one: newRecord leaves room after it
	// for go-memdb's append of the primary key (see fresh).
	at := 1
	for at < len(m.slots) && m.slots[at].unique {
		at++
	}
	m.slots = slices.Insert(m.slots, at, m.sec...)
	for i, c := range m.slots {
		c.slot = i
	}
	return nil // compileSchema checks the number of slots (maxSlots)
}

// compileIndex checks the declaration d and returns the column of its slot.
// taken holds the names of m's other indexes.
func (m *model) compileIndex(d Index, taken map[string]bool) (*column, error) {
	bad := func(field, format string, args ...any) error {
		return &SchemaError{Model: m.name, Field: field, Reason: fmt.Sprintf("index %s: ", d.Name) + fmt.Sprintf(format, args...)}
	}
	if len(d.Fields) == 0 {
		return nil, bad(d.Name, "no fields")
	}
	ix := &secIndex{name: d.Name, unique: d.Unique}
	for i, f := range d.Fields {
		if slices.Contains(d.Fields[:i], f) {
			return nil, bad(f, "field %s listed twice", f)
		}
		if c := m.column(f); c != nil && c.shadow {
			return nil, bad(f, "%s is a shadow column (a foreign key without a struct field), which cannot be indexed", f)
		}
		sf, _, ok := fieldOffset(m.typ, f)
		if !ok {
			return nil, bad(f, "no field %s (or it is reached through an embedded pointer)", f)
		}
		part, err := m.anyFieldColumn(f, "indexed field")
		if err != nil {
			return nil, bad(f, "field %s has type %v, which cannot be indexed (want an integer, float, bool, string, time.Time or [16]byte kind, or a pointer to one)", f, sf.Type)
		}
		ix.parts = append(ix.parts, part)
	}
	if len(d.Fields) == 1 {
		if c := m.column(d.Fields[0]); c != nil {
			switch {
			case c == m.pk:
				return nil, bad(c.name, "the primary key has an index already")
			case c.unique:
				return nil, bad(c.name, "a unique field has a unique index already")
			case (c.fk != nil || c.poly != nil) && !d.Unique:
				return nil, bad(c.name, "a foreign key has an index already")
			}
		}
	}
	for _, o := range m.sec {
		if slices.Equal(o.ix.fieldNames(), d.Fields) {
			return nil, bad(d.Name, "the same fields in the same order as index %s", o.ix.name)
		}
	}
	if taken[d.Name] {
		return nil, bad(d.Name, "the name is taken by another index (the primary key, unique fields and foreign keys have indexes named after them)")
	}
	return &column{name: d.Name, index: "index:" + d.Name, unique: d.Unique, ix: ix}, nil
}

// fieldNames returns the names of the index's fields.
func (ix *secIndex) fieldNames() []string {
	names := make([]string, len(ix.parts))
	for i, p := range ix.parts {
		names[i] = p.name
	}
	return names
}

// keyLen returns the length of the encoding of the index's fields in the
// row at p, without the primary key, or an ErrInvalid error naming the
// field whose value no index can hold (NaN, a string longer than
// MaxKeyLen).
func (ix *secIndex) keyLen(m *model, p unsafe.Pointer) (int, error) {
	n := 0
	for _, c := range ix.parts {
		if c.word {
			n += 8
			continue
		}
		kp := c.keyPtr(p)
		if c.nullable {
			n++
			if kp == nil {
				continue
			}
		}
		if err := c.codec.check(kp); err != nil {
			return 0, fmt.Errorf("%s.%s: %w", m.name, c.name, err)
		}
		n += c.codec.encodedLen(kp)
	}
	return n, nil
}

// appendKey appends the encoding of the index's fields in the row at p
// (checked by keyLen).
func (ix *secIndex) appendKey(dst []byte, p unsafe.Pointer) []byte {
	for _, c := range ix.parts {
		if c.word {
			dst = c.appendKey(dst, p)
			continue
		}
		kp := c.keyPtr(p)
		if c.nullable {
			if kp == nil {
				dst = append(dst, partNull)
				continue
			}
			dst = append(dst, partValue)
		}
		dst = c.codec.appendKey(dst, kp)
	}
	return dst
}

// hasNull reports whether a field of the index is NULL in the row at p.
func (ix *secIndex) hasNull(p unsafe.Pointer) bool {
	for _, c := range ix.parts {
		if c.nullable && c.keyPtr(p) == nil {
			return true
		}
	}
	return false
}

// values returns the index's fields in the row at p, nil for a NULL.
func (ix *secIndex) values(p unsafe.Pointer) []any {
	vals := make([]any, len(ix.parts))
	for i, c := range ix.parts {
		if kp := c.keyPtr(p); kp != nil {
			vals[i] = reflect.NewAt(c.codec.typ, kp).Elem().Interface()
		}
	}
	return vals
}

// appendIndexKey appends the key of the secondary slot c of the row at p to
// buf, the record's key bytes being built: the fields' encoding, then a copy
// of the primary key, slot 0's key, already in buf.
func (m *model) appendIndexKey(buf []byte, c *column, p unsafe.Pointer) []byte {
	buf = c.ix.appendKey(buf, p)
	pkStart, pkEnd := 2+2*len(m.slots), int(buf[2])|int(buf[3])<<8
	return append(buf, buf[pkStart:pkEnd]...)
}

// pkLen returns the length of the primary key's encoding of the row at p,
// whose shadow columns (the RowID of a keyless model) are in shadow.
func (m *model) pkLen(p unsafe.Pointer, shadow [][]byte) int {
	if m.pk.shadow {
		if shadow == nil {
			return 0
		}
		return len(shadow[0])
	}
	if m.pk.word {
		return 8
	}
	return m.pk.codec.encodedLen(unsafe.Add(p, m.pk.offset))
}

// uniqueKey returns what rec's key in the unique secondary index c must not
// share with another row's: its fields' encoding, without the primary key.
// It is nil when a field is NULL: such a row never conflicts.
func (c *column) uniqueKey(rec *record) []byte {
	if c.ix.hasNull(rec.ptr) {
		return nil
	}
	k := rec.key(c.slot)
	return k[:len(k)-len(rec.key(0))]
}

// checkIndex refuses rec when another row has its values in the unique
// secondary index c, as this transaction sees it.
func (tx *Tx) checkIndex(op string, m *model, c *column, rec *record) error {
	v := c.uniqueKey(rec)
	if v == nil {
		return nil
	}
	if err := tx.step("unique", m.name, c.name); err != nil {
		return err
	}
	if tx.lookupIndex(m, c, v) != nil {
		return m.uniqueError(op, c, rec)
	}
	return nil
}

// lookupIndex returns the record of m whose values in the unique secondary
// index c are encoded as v (a uniqueKey), or nil, as this transaction sees
// it: in a write transaction, through the overlay, as lookup does.
func (tx *Tx) lookupIndex(m *model, c *column, v []byte) *record {
	txn := tx.txn
	if tx.write {
		if tx.overlay != nil {
			if ov := tx.overlay[m.id]; ov != nil {
				if rec, ok := ov.slots[c.slot][string(v)]; ok {
					return rec
				}
			}
		}
		txn = tx.baseTxn()
	}
	a := m.keyArg(v)
	defer m.args.Put(a)
	it, err := txn.Get(m.table, c.index, a.args()...) // a prefix: the keys end with primary keys
	if err != nil {
		panic(fmt.Sprintf("memstore: internal: index %s.%s: %v", m.name, c.index, err))
	}
	if raw := it.Next(); raw != nil {
		return raw.(*record)
	}
	return nil
}

// overlayIndex records in ov that old's values in the unique secondary index
// c are free and rec's are taken; old or rec may be nil.
func (ov *modelOverlay) overlayIndex(c *column, old, rec *record) {
	var ok, nk []byte
	if old != nil {
		ok = c.uniqueKey(old)
	}
	if rec != nil {
		nk = c.uniqueKey(rec)
	}
	if ok != nil && !bytes.Equal(ok, nk) {
		ov.slots[c.slot][keyString(ok)] = nil
	}
	if nk != nil {
		ov.slots[c.slot][keyString(nk)] = rec
	}
}

// uniqueError is the error refusing rec because another row has its key in
// the unique column c: the primary key, a unique field or a unique
// secondary index.
func (m *model) uniqueError(op string, c *column, rec *record) *UniqueError {
	if c.ix == nil {
		v := m.value(rec, c)
		return &UniqueError{Op: op, Model: m.name, Field: c.name, Value: v, Fields: []string{c.name}, Values: []any{v}}
	}
	names, vals := c.ix.fieldNames(), c.ix.values(rec.ptr)
	return &UniqueError{Op: op, Model: m.name, Field: names[0], Value: vals[0], Index: c.ix.name, Fields: names, Values: vals}
}

// indexes returns the model's secondary indexes as declared, for Models.
func (m *model) indexes() []Index {
	var out []Index
	for _, c := range m.sec {
		out = append(out, Index{Name: c.ix.name, Fields: c.ix.fieldNames(), Unique: c.ix.unique})
	}
	return out
}
