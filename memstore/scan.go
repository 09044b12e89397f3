package memstore

import (
	"bytes"
	"fmt"
	"reflect"
	"unsafe"

	memdb "github.com/hashicorp/go-memdb"
)

// The storage primitives a query planner builds on: ranges of an index's
// keys, built from field values, and cursors that read the records of a
// range forward or backward without copying a row. DESIGN.md says how they
// fit together; every index of a model is one of its slots (m.slots): the
// primary key, unique fields, foreign keys, secondary indexes.

// keyRange is the range [lo, hi) of an index's keys; a nil lo is the first
// key, a nil hi is past the last. With prefix set, hi is prefixEnd(lo): the
// range holds the keys that start with lo, and a cursor seeks it as a prefix
// (cheaper: no comparisons).
type keyRange struct {
	lo, hi []byte
	prefix bool
}

// prefixRange returns the range of the keys that start with p: the rows
// whose leading fields are encoded as p. A nil or empty p is the whole
// index.
func prefixRange(p []byte) keyRange {
	if len(p) == 0 {
		return keyRange{}
	}
	return keyRange{lo: p, hi: prefixEnd(p), prefix: true}
}

// fieldRange returns the range of the keys that start with p (the encoded
// values of an index's leading fields) and whose next field lies between lo
// and hi, encoded values of that field (appendField): lo included when loInc,
// hi when hiInc; a nil lo or hi is unbounded. An unbounded hi reaches the
// NULLs of a nullable field, which sort last: pass the NULL's encoding,
// excluded, to stop before them as a SQL comparison does.
func fieldRange(p, lo []byte, loInc bool, hi []byte, hiInc bool) keyRange {
	r := keyRange{lo: p, hi: prefixEnd(p)}
	if len(p) == 0 {
		r = keyRange{}
	}
	if lo != nil {
		r.lo = concat(p, lo)
		if !loInc {
			r.lo = prefixEnd(r.lo)
		}
	}
	if hi != nil {
		r.hi = concat(p, hi)
		if hiInc {
			r.hi = prefixEnd(r.hi)
		}
	}
	return r
}

func concat(a, b []byte) []byte {
	return append(append(make([]byte, 0, len(a)+len(b)), a...), b...)
}

// prefixEnd returns the smallest key greater than every key that starts with
// p, or nil when there is none (p is all 0xFF). With a prefix-free encoding
// of every field, [p, prefixEnd(p)) holds exactly the keys whose leading
// fields are encoded as p, and a key that starts with the encoding of a
// larger value is at or after prefixEnd(p) (see DESIGN.md).
func prefixEnd(p []byte) []byte {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] != 0xFF {
			end := bytes.Clone(p[:i+1])
			end[i]++
			return end
		}
	}
	return nil
}

// keyAfter returns the smallest key greater than k: a forward scan that
// continues after a row starts there (keyset pagination), at
// keyAfter(c.storedKey(rec)).
func keyAfter(k []byte) []byte { return append(bytes.Clone(k), 0) }

// nfields returns the number of fields of the index of slot c.
func (c *column) nfields() int {
	if c.ix != nil {
		return len(c.ix.parts)
	}
	return 1
}

// field returns the i-th field of the index of slot c: a column with the
// field's codec, offset and nullability.
func (c *column) field(i int) *column {
	if c.ix != nil {
		return c.ix.parts[i]
	}
	return c
}

// complete reports whether every row of the model is in the index of slot c.
// The indexes of nullable unique fields and foreign keys leave out the rows
// whose value is NULL; secondary indexes hold every row.
func (c *column) complete() bool { return !c.nullable }

// appendsPK reports whether go-memdb appends the primary key to the slot's
// key (a foreign key's non-unique index): the index's order is then the
// key's, then the primary key's, as a secondary index's is, whose key ends
// with the primary key already.
func (c *column) appendsPK() bool { return !c.unique && c.ix == nil }

// storedKey returns the key by which the index of slot c orders rec: its
// key, and for a foreign key's index the primary key go-memdb appends to it.
// It is what a keyset page continues from (keyAfter; or as the hi of a
// backward scan).
func (c *column) storedKey(rec *record) []byte {
	k := rec.key(c.slot)
	if !c.appendsPK() {
		return k
	}
	return concat(k, rec.key(0))
}

// compareKey compares c.storedKey(rec) with k, without building it.
func (c *column) compareKey(rec *record, k []byte) int {
	a := rec.key(c.slot)
	if !c.appendsPK() {
		return bytes.Compare(a, k)
	}
	pk := rec.key(0)
	if len(k) <= len(a) {
		if r := bytes.Compare(a[:len(k)], k); r != 0 {
			return r
		}
		if len(a)+len(pk) > len(k) {
			return 1
		}
		return 0
	}
	if r := bytes.Compare(a, k[:len(a)]); r != 0 {
		return r
	}
	return bytes.Compare(pk, k[len(a):])
}

// appendField appends the encoding of v as the value of the i-th field of
// the index of slot c, for a range or an exact lookup: v must have the
// field's type (the pointed-to type of a pointer field), or be nil for
// NULL, which only a secondary index holds. It fails with ErrInvalid for a
// value of another type, NaN, or a string longer than MaxKeyLen.
func (c *column) appendField(dst []byte, i int, v any) ([]byte, error) {
	f := c.field(i)
	if v == nil {
		if c.ix == nil || !f.nullable {
			return dst, invalidf("index %s: %s is never NULL in it", c.name, f.name)
		}
		return append(dst, partNull), nil
	}
	rv := reflect.ValueOf(v)
	if rv.Type() != f.codec.typ {
		return dst, invalidf("index %s: %s value %v has type %T, want %v", c.name, f.name, v, v, f.codec.typ)
	}
	p := reflect.New(f.codec.typ)
	p.Elem().Set(rv)
	if err := f.codec.check(p.UnsafePointer()); err != nil {
		return dst, invalidf("index %s: %s: %v", c.name, f.name, err)
	}
	if c.ix != nil && f.nullable {
		dst = append(dst, partValue)
	}
	return f.codec.appendKey(dst, p.UnsafePointer()), nil
}

// appendStringPrefix appends the encoding shared by every value of the i-th
// field of the index of slot c that starts with s (a string field): LIKE
// 's%' is the prefix range of the leading fields' encoding and this.
func (c *column) appendStringPrefix(dst []byte, i int, s string) ([]byte, error) {
	f := c.field(i)
	if f.codec.kind != kindString {
		return dst, invalidf("index %s: %s is a %v, not a string", c.name, f.name, f.codec.typ)
	}
	if c.ix != nil && f.nullable {
		dst = append(dst, partValue)
	}
	k := f.codec.appendKey(dst, unsafe.Pointer(&s))
	return k[:len(k)-2], nil // without the terminator
}

// cursor reads the records of one index of a model within a keyRange, in
// key order or its reverse. It reads the state of the transaction that
// opened it, as of the opening (go-memdb's iterators of a write transaction
// are snapshots), and copies nothing: a record's row is read in place
// (rec.ptr) and copied only for the caller (out, copyRow).
type cursor struct {
	c       *column
	it      memdb.ResultIterator
	lo, hi  []byte // bounds still to check; nil: none
	reverse bool
}

// scan opens a cursor over the range r of the index of slot c of m,
// forward (ascending: NULLs last) or backward (descending: NULLs first).
func (tx *Tx) scan(m *model, c *column, r keyRange, reverse bool) cursor {
	return openCursor(tx.reader(), m, c, r, reverse)
}

// openCursor opens a cursor over the range r of the index of slot c of m
// in txn (a query's sequence reads a snapshot of its transaction).
func openCursor(txn *memdb.Txn, m *model, c *column, r keyRange, reverse bool) cursor {
	cu := cursor{c: c, reverse: reverse}
	var seek []byte
	var it memdb.ResultIterator
	var err error
	get := func(f func(string, string, ...any) (memdb.ResultIterator, error), k []byte) {
		a := m.keyArg(k) // go-memdb seeks with it and keeps nothing
		it, err = f(m.table, c.index, a.args()...)
		m.args.Put(a)
	}
	switch {
	case r.prefix || (r.lo == nil && r.hi == nil):
		seek = r.lo // nil: the whole index
		if reverse {
			get(txn.GetReverse, seek)
		} else {
			get(txn.Get, seek)
		}
	case !reverse:
		if len(r.lo) == 0 {
			get(txn.Get, nil)
		} else {
			get(txn.LowerBound, r.lo)
		}
		cu.hi = r.hi
	default:
		if r.hi == nil {
			get(txn.GetReverse, nil)
		} else {
			get(txn.ReverseLowerBound, r.hi) // at or before hi: hi itself is skipped
		}
		cu.lo, cu.hi = r.lo, r.hi
	}
	if err != nil {
		panic(fmt.Sprintf("memstore: internal: scan %s.%s: %v", m.name, c.index, err))
	}
	cu.it = it
	return cu
}

// next returns the next record in the range, or nil at its end.
func (cu *cursor) next() *record {
	for cu.it != nil {
		raw := cu.it.Next()
		if raw == nil {
			cu.it = nil
			break
		}
		rec := raw.(*record)
		if !cu.reverse {
			if cu.hi != nil && cu.c.compareKey(rec, cu.hi) >= 0 {
				cu.it = nil
				break
			}
			return rec
		}
		if cu.hi != nil {
			if cu.c.compareKey(rec, cu.hi) >= 0 {
				continue
			}
			// Backward, keys only decrease: every later record is before
			// hi too (a keyset page skips at most the position itself).
			cu.hi = nil
		}
		if cu.lo != nil && cu.c.compareKey(rec, cu.lo) < 0 {
			cu.it = nil
			break
		}
		return rec
	}
	return nil
}

// count returns the number of records in the range r of the index of slot
// c of m, reading index entries only.
func (tx *Tx) count(m *model, c *column, r keyRange) int {
	cu := tx.scan(m, c, r, false)
	n := 0
	for cu.next() != nil {
		n++
	}
	return n
}
