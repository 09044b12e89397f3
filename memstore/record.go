package memstore

import (
	"fmt"
	"reflect"
	"unsafe"

	memdb "github.com/hashicorp/go-memdb"
)

// record is what the store keeps in go-memdb for one row. It is immutable
// once inserted (an update inserts a new record), with one exception
// described at fresh.
//
// A record is one allocation, a block: this header, then the encoded index
// key of every slot (the key bytes, computed once when the record is
// built), then the row itself, at ptr. The memdb indexers only slice the
// key bytes, so an index can never disagree with itself between insert and
// delete, the hot path does no reflection, and shadow columns (which have
// no struct field) live there and nowhere else. One block per row, instead
// of a header, a key buffer and a row (measured: 80 B for an Order with two
// keys, against 128 B in three objects and go-memdb's copy of the foreign
// key), and a row's keys and fields share cache lines.
//
// A row's small references (a nullable key's value, a short slice of
// numbers, the strings of a short []string) are kept in the block too, after
// the key bytes and after the row (see blockFor in copyplan.go).
//
// The key bytes: b[0] is the number of slots n, b[1] holds flags (fresh,
// room), then n little-endian uint16 end offsets, then the keys back to
// back; an empty key is a null foreign key. With room set, the last slot (a
// non-unique index) is followed by a copy of the primary key, see fresh.
type record struct {
	ptr unsafe.Pointer // the row, in the same block; never handed out
}

// The flags in a record's b[1].
const (
	// fresh is set from newRecord until go-memdb has indexed the record
	// (Tx.put calls settle). go-memdb appends the primary key to a
	// non-unique index's key: while the record is fresh, and only then,
	// the last slot's key is handed out with capacity for that append, so
	// that go-memdb writes the (identical) primary key bytes into the room
	// after it instead of allocating a copy. A record is fresh only while
	// no other goroutine can see it; later appends (a delete's, an update's
	// of the old record) get cap == len and allocate, so published memory
	// is never written.
	fresh = 1 << iota
	// room: the last slot is followed by a copy of the primary key.
	room
)

// keyBytes returns the record's key bytes.
func (r *record) keyBytes() []byte {
	b := unsafe.Add(unsafe.Pointer(r), unsafe.Sizeof(record{}))
	at := func(i int) int { return int(*(*byte)(unsafe.Add(b, i))) }
	n := at(0)
	total := at(2*n) | at(2*n+1)<<8 // the last slot's end
	if at(1)&room != 0 {
		total += at(2) | at(3)<<8 - (2 + 2*n) // the primary key's length
	}
	return unsafe.Slice((*byte)(b), total)
}

// key returns the encoded key of slot i, or nil for a null. It reads the
// two offsets it needs in place (go-memdb's indexers call it for every
// index of every record they write or delete), without building keyBytes.
func (r *record) key(i int) []byte {
	b := unsafe.Add(unsafe.Pointer(r), unsafe.Sizeof(record{}))
	at := func(j int) int { return int(*(*byte)(unsafe.Add(b, j))) }
	n := at(0)
	start := 2 + 2*n
	if i > 0 {
		start = at(2*i) | at(2*i+1)<<8
	}
	end := at(2*i+2) | at(2*i+3)<<8
	if start == end {
		return nil
	}
	limit := end
	if at(1)&(fresh|room) == fresh|room && i == n-1 {
		limit += at(2) | at(3)<<8 - (2 + 2*n) // the room: the primary key's length
	}
	return unsafe.Slice((*byte)(b), limit)[start:end:limit]
}

// settle clears fresh: go-memdb has indexed the record (see fresh).
func (r *record) settle() {
	b := r.keyBytes()
	b[1] &^= fresh
}

// keyList returns every slot's key, for building a record that keeps them.
func (r *record) keyList() [][]byte {
	out := make([][]byte, int(r.keyBytes()[0]))
	for i := range out {
		out[i] = r.key(i)
	}
	return out
}

// blockType is the Go type of the blocks of one model with room for a
// given number of key bytes.
type blockType struct {
	typ  reflect.Type
	keys uintptr // offset of the key bytes
	row  uintptr // offset of the row
	size int     // room for key bytes (and the row's inline pointer-free values: see blockFor)
	strs uintptr // offset of the row's inline strings, if nstr > 0
	nstr int     // room for strings
}

// blockClass returns the index of the smallest block class with room for n
// key bytes and that room: multiples of 8 up to 64, then powers of two.
func blockClass(n int) (int, int) {
	if n <= 64 {
		c := max((n+7)&^7, 8)
		return c/8 - 1, c
	}
	i, c := 8, 128
	for c < n {
		i, c = i+1, c<<1
	}
	return i, c
}

// block returns m's block type with room for n key bytes, making it on
// first use (reflect.StructOf: the garbage collector sees the row's
// pointers exactly as in a plain T).
func (m *model) block(n int) *blockType {
	i, c := blockClass(n)
	if bt := m.blocks[i].Load(); bt != nil {
		return bt
	}
	t := reflect.StructOf([]reflect.StructField{
		{Name: "R", Type: reflect.TypeFor[record]()},
		{Name: "K", Type: reflect.ArrayOf(c, reflect.TypeFor[byte]())},
		{Name: "Row", Type: m.typ},
	})
	bt := &blockType{typ: t, keys: t.Field(1).Offset, row: t.Field(2).Offset, size: c}
	m.blocks[i].CompareAndSwap(nil, bt)
	return m.blocks[i].Load()
}

// newRecord builds the record of the row at p: it copies the row into the
// record's block and gives the copy its own memory for every reference
// (pointer key fields; for a model with other reference fields, all of
// them), so the caller keeps p. Shadow columns take their value from shadow
// (indexed by slot), which may be nil.
func (m *model) newRecord(p unsafe.Pointer, shadow [][]byte) (*record, error) {
	n := 2 + 2*len(m.slots)
	for i, c := range m.slots {
		if c.shadow {
			if shadow != nil {
				n += len(shadow[i])
			}
			continue
		}
		if c.word {
			n += 8
			continue
		}
		if c.ix != nil {
			k, err := c.ix.keyLen(m, p)
			if err != nil {
				return nil, err
			}
			n += k + m.pkLen(p, shadow)
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
	withRoom := false
	if last := m.slots[len(m.slots)-1]; !last.unique && last.ix == nil && len(m.slots) > 1 {
		withRoom = true
		// The room holds the primary key; an empty last key (a null)
		// leaves it unused.
		if m.slots[0].shadow {
			if shadow != nil {
				n += len(shadow[0])
			}
		} else {
			n += m.pk.codec.encodedLen(unsafe.Add(p, m.pk.offset))
		}
	}
	// 16-bit offsets; and the largest block class holds 64 KiB of keys.
	if n > 0xFFFF {
		return nil, fmt.Errorf("%s: %d bytes of keys in one row: %w", m.name, n, ErrInvalid)
	}
	words, strs := m.inlineNeeds(n, p) // the row's small references, kept in the block
	bt := m.blockFor(n, words, strs)
	blk := reflect.New(bt.typ).UnsafePointer()
	rec := (*record)(blk)
	rec.ptr = unsafe.Add(blk, bt.row)
	typedmemmove(m.typ, rec.ptr, p)
	if !m.plain {
		m.privatize(bt, blk, n, words, strs, p)
	}
	buf := unsafe.Slice((*byte)(unsafe.Add(blk, bt.keys)), bt.size)[:2+2*len(m.slots)]
	buf[0] = byte(len(m.slots))
	buf[1] = fresh
	for i, c := range m.slots {
		if c.shadow {
			if shadow != nil {
				buf = append(buf, shadow[i]...)
			}
		} else if c.word {
			buf = c.appendKey(buf, rec.ptr)
		} else if c.ix != nil {
			buf = m.appendIndexKey(buf, c, rec.ptr)
		} else if kp := c.keyPtr(rec.ptr); kp != nil {
			buf = c.codec.appendKey(buf, kp)
		}
		buf[2*i+2], buf[2*i+3] = byte(len(buf)), byte(len(buf)>>8)
	}
	if withRoom {
		nn := len(m.slots)
		pkStart, pkEnd := 2+2*nn, int(buf[2])|int(buf[3])<<8
		lastStart := int(buf[2*nn-2]) | int(buf[2*nn-1])<<8
		if len(buf) > lastStart { // the last key is not null
			buf = append(buf, buf[pkStart:pkEnd]...)
			buf[1] |= room
		}
	}
	if unsafe.SliceData(buf) != (*byte)(unsafe.Add(blk, bt.keys)) {
		panic(fmt.Sprintf("memstore: internal: %s: key bytes outgrew their block (%d > %d)", m.name, len(buf), bt.size))
	}
	return rec, nil
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
	if m.pk.word { // the common int64 key: no codec
		if *(*uint64)(kp) != 0 {
			return m.pk.appendKey(buf, p), nil
		}
	} else if !m.pk.codec.isZero(kp) {
		if err := m.pk.codec.check(kp); err != nil {
			return buf, invalidf("%s %s: %v", op, m.name, err)
		}
		return m.pk.codec.appendKey(buf, kp), nil
	}
	return buf, invalidf("%s %s: zero primary key %s", op, m.name, m.pk.name)
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

// dbSchema builds the go-memdb schema of the compiled models.
func (s *schema) dbSchema() *memdb.DBSchema {
	db := &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{}}
	for _, m := range s.models {
		ts := &memdb.TableSchema{Name: m.table, Indexes: map[string]*memdb.IndexSchema{}}
		for _, c := range m.slots {
			ts.Indexes[c.index] = &memdb.IndexSchema{
				Name:         c.index,
				Unique:       c.unique || c.ix != nil, // a secondary key ends with the primary key
				AllowMissing: c.nullable,
				Indexer:      slotIndexer(c.slot),
			}
		}
		db.Tables[m.table] = ts
	}
	return db
}
