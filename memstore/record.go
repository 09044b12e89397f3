package memstore

import (
	"encoding/binary"
	"fmt"
	"reflect"
	"unsafe"

	memdb "github.com/hashicorp/go-memdb"
)

// record is what the store keeps in go-memdb for one row. It is immutable
// once inserted: an update inserts a new record.
//
// buf holds the encoded index key of every slot, computed once when the
// record is built: buf[0] is the number of slots n, then n little-endian
// uint16 end offsets, then the keys back to back; an empty key is a null
// foreign key. The memdb indexers only slice buf, so an index can never
// disagree with itself between insert and delete, the hot path does no
// reflection, and shadow columns (which have no struct field) live here and
// nowhere else. One record is two small objects (measured: 56 B for an Order
// with two keys, against 112 B with a [][]byte of keys). Every key slice has
// cap == len: go-memdb appends the primary key to non-unique index values.
type record struct {
	ptr unsafe.Pointer // the row: a private *T, never handed out
	buf []byte
}

// key returns the encoded key of slot i, or nil for a null.
func (r *record) key(i int) []byte {
	b := r.buf
	start := 1 + 2*int(b[0])
	if i > 0 {
		start = int(b[2*i-1]) | int(b[2*i])<<8
	}
	end := int(b[2*i+1]) | int(b[2*i+2])<<8
	if start == end {
		return nil
	}
	return b[start:end:end]
}

// keyList returns every slot's key, for building a record that keeps them.
func (r *record) keyList() [][]byte {
	out := make([][]byte, int(r.buf[0]))
	for i := range out {
		out[i] = r.key(i)
	}
	return out
}

// newRecord builds the record of the row at p (a private copy the caller
// gives up). Shadow columns take their value from shadow (indexed by slot),
// which may be nil.
func (m *model) newRecord(p unsafe.Pointer, shadow [][]byte) (*record, error) {
	n := 1 + 2*len(m.slots)
	for i, c := range m.slots {
		if c.shadow {
			if shadow != nil {
				n += len(shadow[i])
			}
			continue
		}
		kp := c.keyPtr(p)
		if kp == nil {
			continue
		}
		if err := c.codec.check(kp); err != nil {
			return nil, fmt.Errorf("%s.%s: %w", m.name, c.name, err)
		}
		n += c.codec.encodedLen(kp)
	}
	if n > 0xFFFF {
		return nil, fmt.Errorf("%s: %d bytes of keys in one row: %w", m.name, n, ErrInvalid)
	}
	buf := make([]byte, 1+2*len(m.slots), n)
	buf[0] = byte(len(m.slots))
	for i, c := range m.slots {
		if c.shadow {
			if shadow != nil {
				buf = append(buf, shadow[i]...)
			}
		} else if kp := c.keyPtr(p); kp != nil {
			buf = c.codec.appendKey(buf, kp)
		}
		buf[2*i+1], buf[2*i+2] = byte(len(buf)), byte(len(buf)>>8)
	}
	return &record{ptr: p, buf: buf}, nil
}

// appendPK appends the encoded primary key of the row at p to buf. It
// refuses, with ErrInvalid, a model without a key field, a zero key and a
// key longer than MaxKeyLen: every write or lookup by a row's own key
// starts here.
func (m *model) appendPK(op string, buf []byte, p unsafe.Pointer) ([]byte, error) {
	if m.keyless {
		return buf, invalidf("%s %s: the model has no key field", op, m.name)
	}
	kp := unsafe.Add(p, m.pk.offset)
	if m.pk.codec.isZero(kp) {
		return buf, invalidf("%s %s: zero primary key %s", op, m.name, m.pk.name)
	}
	if err := m.pk.codec.check(kp); err != nil {
		return buf, invalidf("%s %s: %v", op, m.name, err)
	}
	return m.pk.codec.appendKey(buf, kp), nil
}

// value returns the column's value in the record as an any, for errors and
// dumps; nil for a null.
func (m *model) value(rec *record, c *column) any {
	k := rec.key(c.slot)
	if k == nil {
		return nil
	}
	return c.codec.value(k)
}

// copyRow returns a new *T (as unsafe.Pointer) holding a copy of the row at
// src that shares no memory with it: pointer key fields are re-allocated and,
// for models with other reference fields (slices, maps, pointers), the copy is
// deep.
func (m *model) copyRow(src unsafe.Pointer) unsafe.Pointer {
	dst := reflect.New(m.typ)
	if !m.plain {
		deepCopy(dst.Elem(), reflect.NewAt(m.typ, src).Elem())
		return dst.UnsafePointer()
	}
	typedmemmove(m.typ, dst.UnsafePointer(), src)
	m.reallocPtrs(dst.UnsafePointer())
	return dst.UnsafePointer()
}

// reallocPtrs gives the pointer key fields of the row at p their own copies.
func (m *model) reallocPtrs(p unsafe.Pointer) {
	for _, c := range m.ptrCols {
		fp := (*unsafe.Pointer)(unsafe.Add(p, c.offset))
		if *fp == nil {
			continue
		}
		n := reflect.New(c.codec.typ)
		typedmemmove(c.codec.typ, n.UnsafePointer(), *fp)
		*fp = n.UnsafePointer()
	}
}

// typedmemmove copies a value of type t from src to dst with write barriers,
// through reflect so the GC sees every pointer.
func typedmemmove(t reflect.Type, dst, src unsafe.Pointer) {
	reflect.NewAt(t, dst).Elem().Set(reflect.NewAt(t, src).Elem())
}

// deepCopy copies src into dst (addressable, of the same struct type), then
// gives every reference reachable through exported or embedded fields its
// own memory: pointers, slices, maps and arrays of them. Unexported fields of
// the user's types (a time.Time's location, a mutex) are opaque and stay
// shallow; interfaces, channels and functions are shared.
func deepCopy(dst, src reflect.Value) {
	dst.Set(src)
	deepen(dst)
}

// deepen replaces, in the addressable v, each reference reachable through
// exported or embedded fields by a copy.
func deepen(v reflect.Value) {
	if !hasRefs(v.Type()) {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		n := reflect.New(v.Type().Elem())
		n.Elem().Set(v.Elem())
		deepen(n.Elem())
		v.Set(n)
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(n, v)
		for i := range n.Len() {
			deepen(n.Index(i))
		}
		v.Set(n)
	case reflect.Map:
		if v.IsNil() {
			return
		}
		n := reflect.MakeMapWithSize(v.Type(), v.Len())
		it := v.MapRange()
		for it.Next() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(it.Value())
			deepen(e)
			n.SetMapIndex(it.Key(), e)
		}
		v.Set(n)
	case reflect.Array:
		for i := range v.Len() {
			deepen(v.Index(i))
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() && !sf.Anonymous {
				continue
			}
			f := v.Field(i)
			if !f.CanSet() {
				// An embedded unexported struct: its promoted fields are
				// the user's; reach them through their address.
				f = reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
			}
			deepen(f)
		}
	}
}

// slotIndexer indexes a record by the precomputed key of one slot.
type slotIndexer int

// FromObject returns the slot's key; a nil key (null foreign key) is missing.
func (ix slotIndexer) FromObject(obj any) (bool, []byte, error) {
	k := obj.(*record).key(int(ix))
	return k != nil, k, nil
}

// FromArgs takes one already-encoded key, as a []byte or a *keyArg.
func (ix slotIndexer) FromArgs(args ...any) ([]byte, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("memstore: index %d: want one encoded key", int(ix))
	}
	var k []byte
	switch a := args[0].(type) {
	case *keyArg:
		k = a.k
	case []byte:
		k = a
	default:
		return nil, fmt.Errorf("memstore: index %d: key is %T, not []byte", int(ix), args[0])
	}
	if len(k) == 0 {
		// The whole index: go-memdb's First and Last take a non-nil value of
		// a unique index as an exact key; nil makes them scan.
		return nil, nil
	}
	return k, nil
}

// seqTable holds one seqRow per auto-key model: the largest key ever used,
// so that auto keys are never reused. Keeping it in go-memdb makes it part of
// transactions and snapshots: a rolled-back insert does not consume a key,
// and Restore puts the counters back (unlike a PostgreSQL sequence; a test
// double wants the same keys on every run).
const seqTable = "relstore.seq"

type seqRow struct {
	model int
	last  uint64 // raw bits in the key type's signedness
	used  bool   // false until a key was assigned or inserted
}

type seqIndexer struct{}

func (seqIndexer) FromObject(obj any) (bool, []byte, error) {
	return true, binary.BigEndian.AppendUint32(nil, uint32(obj.(*seqRow).model)), nil
}

func (seqIndexer) FromArgs(args ...any) ([]byte, error) {
	return binary.BigEndian.AppendUint32(nil, uint32(args[0].(int))), nil
}

// dbSchema builds the go-memdb schema of the compiled models.
func (s *schema) dbSchema() *memdb.DBSchema {
	db := &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{}}
	for _, m := range s.models {
		ts := &memdb.TableSchema{Name: m.table, Indexes: map[string]*memdb.IndexSchema{}}
		for _, c := range m.slots {
			ts.Indexes[c.index] = &memdb.IndexSchema{
				Name:         c.index,
				Unique:       c.unique,
				AllowMissing: c.nullable,
				Indexer:      slotIndexer(c.slot),
			}
		}
		db.Tables[m.table] = ts
	}
	db.Tables[seqTable] = &memdb.TableSchema{
		Name: seqTable,
		Indexes: map[string]*memdb.IndexSchema{
			"id": {Name: "id", Unique: true, Indexer: seqIndexer{}},
		},
	}
	return db
}
