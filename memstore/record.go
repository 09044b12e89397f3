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
// keys holds the encoded index key of every slot (nil for a null foreign key),
// computed once when the record is built. The memdb indexers only return
// these slices, so an index can never disagree with itself between insert and
// delete, the hot path does no reflection, and shadow columns (which have no
// struct field) live here and nowhere else. Every key has cap == len: go-memdb
// appends the primary key to non-unique index values.
type record struct {
	ptr  unsafe.Pointer // the row: a private *T, never handed out
	keys [][]byte
}

// newRecord builds the record of the row at p (a private copy the caller
// gives up). Shadow columns take their value from shadow (indexed by slot),
// which may be nil.
func (m *model) newRecord(p unsafe.Pointer, shadow [][]byte) (*record, error) {
	n := 0
	for _, c := range m.slots {
		if c.shadow {
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
	buf := make([]byte, 0, n)
	rec := &record{ptr: p, keys: make([][]byte, len(m.slots))}
	for i, c := range m.slots {
		if c.shadow {
			if shadow != nil {
				rec.keys[i] = shadow[i]
			}
			continue
		}
		kp := c.keyPtr(p)
		if kp == nil {
			continue
		}
		start := len(buf)
		buf = c.codec.appendKey(buf, kp)
		rec.keys[i] = buf[start:len(buf):len(buf)]
	}
	return rec, nil
}

// value returns the column's value in the record as an any, for errors and
// dumps; nil for a null.
func (m *model) value(rec *record, c *column) any {
	k := rec.keys[c.slot]
	if k == nil {
		return nil
	}
	return c.codec.decode(k).Interface()
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

// deepCopy copies src into dst, allocating new memory for pointers, slices
// and maps. Interfaces, channels and functions are shared.
func deepCopy(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		n := reflect.New(src.Type().Elem())
		deepCopy(n.Elem(), src.Elem())
		dst.Set(n)
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		n := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			deepCopy(n.Index(i), src.Index(i))
		}
		dst.Set(n)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		n := reflect.MakeMapWithSize(src.Type(), src.Len())
		it := src.MapRange()
		for it.Next() {
			v := reflect.New(src.Type().Elem()).Elem()
			deepCopy(v, it.Value())
			n.SetMapIndex(it.Key(), v)
		}
		dst.Set(n)
	case reflect.Struct:
		if !dst.CanSet() || !hasRefs(src.Type()) {
			dst.Set(src)
			return
		}
		for i := range src.NumField() {
			if !dst.Field(i).CanSet() {
				// Unexported field: copy the whole struct's bits first, then
				// deep-copy what can be set.
				setUnexported(dst, src)
				break
			}
		}
		for i := range src.NumField() {
			if dst.Field(i).CanSet() {
				deepCopy(dst.Field(i), src.Field(i))
			}
		}
	case reflect.Array:
		for i := range src.Len() {
			deepCopy(dst.Index(i), src.Index(i))
		}
	default:
		dst.Set(src)
	}
}

// setUnexported copies a whole struct value, unexported fields included
// (shallowly), into an addressable dst.
func setUnexported(dst, src reflect.Value) {
	if !dst.CanAddr() {
		return
	}
	s := reflect.New(src.Type()).Elem()
	s.Set(src)
	reflect.NewAt(dst.Type(), dst.Addr().UnsafePointer()).Elem().Set(s)
}

// slotIndexer indexes a record by the precomputed key of one slot.
type slotIndexer int

// FromObject returns the slot's key; a nil key (null foreign key) is missing.
func (ix slotIndexer) FromObject(obj any) (bool, []byte, error) {
	k := obj.(*record).keys[ix]
	return k != nil, k, nil
}

// FromArgs takes one already-encoded key.
func (ix slotIndexer) FromArgs(args ...any) ([]byte, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("memstore: index %d: want one encoded key", int(ix))
	}
	k, ok := args[0].([]byte)
	if !ok {
		return nil, fmt.Errorf("memstore: index %d: key is %T, not []byte", int(ix), args[0])
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
