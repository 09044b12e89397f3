package memstore

import (
	"bytes"
	"fmt"
	"reflect"
	"unsafe"

	memdb "github.com/hashicorp/go-memdb"
)

// The primitives of relCore that package relations' hasOne, hasManyThrough
// and belongsTo writes build on, beside those of relation.go.

// Stored reports whether the source row at src is stored in tx: its
// primary key is set and a row has it. A zero key, or a model without a key field, is
// not stored (false, nil).
func (r *relCore) Stored(tx *Tx, src unsafe.Pointer) (bool, error) {
	op := "check " + r.r.name
	if err := r.enter(tx, op, false); err != nil {
		return false, err
	}
	defer tx.leave()
	if src == nil {
		return false, invalidf("%s: nil %s", op, r.r.source.name)
	}
	m := r.r.source
	if m.keyless || m.pk.codec.isZero(unsafe.Add(src, m.pk.offset)) {
		return false, nil
	}
	k, err := m.appendPK(op, nil, src)
	if err != nil {
		return false, err
	}
	return tx.lookup(m, m.pk, k) != nil, nil
}

// AppendOwnerPK appends the encoded primary key of the target row at owner
// to buf. It fails with
// ErrInvalid for a zero key or a target without a key field.
func (r *relCore) AppendOwnerPK(buf []byte, owner unsafe.Pointer) ([]byte, error) {
	t := r.r.target
	if owner == nil {
		return buf, invalidf("relation %s: nil %s", r.r.name, t.name)
	}
	return t.appendPK(r.opRel, buf, owner)
}

// SetFKField sets the foreign key field of the source row at src to the
// encoded key k (nil clears a nullable one), in that row alone: nothing is written to the store.
// It fails with ErrInvalid for a shadow foreign key, which has no field,
// and for a nil k with a foreign key that is not nullable.
func (r *relCore) SetFKField(src unsafe.Pointer, k []byte) error {
	c := r.r.fk
	switch {
	case src == nil:
		return invalidf("relation %s: nil %s", r.r.name, r.r.source.name)
	case c.shadow:
		return invalidf("relation %s: %s.%s is a shadow column, not a field", r.r.name, r.r.source.name, c.name)
	case k == nil && !c.nullable:
		return invalidf("relation %s: %s.%s is not nullable", r.r.name, r.r.source.name, c.name)
	}
	var val unsafe.Pointer
	if k != nil {
		if err := r.r.checkKey(r.opRel, k); err != nil {
			return err
		}
		val = r.r.keyTo.codec.decode(k).Addr().UnsafePointer()
		if r.r.poly != nil {
			r.r.poly.setDisc(src, r.r.target.name)
		}
	}
	setField(c, src, val)
	return nil
}

// ByPK reports whether the relation references the target's primary key
// (not another unique field, through keyTo).
func (r *relCore) ByPK() bool { return r.r.keyTo == r.r.target.pk }

// ChildSpace identifies the foreign key's index in cache keys and in
// Store.KeyHash, for a unique foreign key (a hasOne): every commit that
// inserts, deletes or changes a source row whose foreign key has the
// encoded key k reports KeyHash(ChildSpace(), k), so a cache of "the child
// of owner k" stays coherent. It is meaningless for a foreign key that is
// not unique (no commit reports its keys).
func (r *relCore) ChildSpace() uint32 { return space(r.r.source, r.r.fk) }

// ChildPlain reports whether a source value can be copied by assignment
// (no reference fields): CopySource then has nothing to do.
func (r *relCore) ChildPlain() bool { return r.r.source.plain }

// CloneSizeSource gives dst, which holds an assignment copy of the source
// value at src, its own memory for every reference (CopySource), and
// returns the bytes of memory the copy holds.
func (r *relCore) CloneSizeSource(dst, src unsafe.Pointer) int64 {
	return r.r.source.cloneSize(dst, src)
}

// Polymorphic reports whether the relation is one target of a polymorphic
// belongsTo.
func (r *relCore) Polymorphic() bool { return r.r.poly != nil }

// Latest reports whether tx reads the latest committed state: it is a View
// of the store (not of a Snapshot) and no commit or Restore has been
// published since it began. An Update's Tx is never the latest. Package
// relations uses it to tell whether the cache's current entries agree with
// a View's snapshot.
func (tx *Tx) Latest() bool {
	if tx == nil || tx.write || tx.state.Load()&txDone != 0 {
		return false
	}
	return tx.txn == tx.s.cur.Load().read
}

// rowValue returns a copy of the row at p of m as an any holding a value
// of m's type.
func (m *model) rowValue(p unsafe.Pointer) any {
	return reflect.NewAt(m.typ, m.copyRow(p)).Elem().Interface()
}

// AppendLinked appends to arena the encoded foreign key of far (a
// *relCore, toFar) of each row of the link model whose foreign key of r
// (toOwner) is the encoded key k (the far keys of one owner's links, in the
// links' primary key order; a null far key is skipped), and to ends each
// key's end in arena. It reads the keys the links' records hold, through
// toOwner's foreign key index, copying no row: the first hop of a
// hasManyThrough. toOwner and toFar must be relations of the same model and
// store (else ErrInvalid); on an error arena and ends are returned as given.
func (r *relCore) AppendLinked(tx *Tx, far any, k []byte, arena []byte, ends []int32) ([]byte, []int32, error) {
	toOwner := r
	op := toOwner.opList
	toFar, ok := far.(*relCore)
	if !ok || toOwner.s != toFar.s || toOwner.r.source != toFar.r.source {
		return arena, ends, toOwner.notLinked(op, far)
	}
	if err := toOwner.enter(tx, op, false); err != nil {
		return arena, ends, err
	}
	defer tx.leave()
	if err := toOwner.r.checkKey(op, k); err != nil {
		return arena, ends, err
	}
	m, c, fc := toOwner.r.source, toOwner.r.fk, toFar.r.fk
	a := m.keyArg(k) // go-memdb keeps no reference to it once Get returns
	it, err := tx.reader().Get(m.table, c.index, a)
	m.args.Put(a)
	if err != nil {
		panic(fmt.Sprintf("memstore: internal: links %s.%s: %v", m.name, c.index, err))
	}
	for raw := it.Next(); raw != nil; raw = it.Next() {
		rec := raw.(*record)
		if !toOwner.r.owns(rec) || !toFar.r.owns(rec) {
			continue
		}
		if fk := rec.key(fc.slot); fk != nil {
			arena = append(arena, fk...)
			ends = append(ends, int32(len(arena)))
		}
	}
	return arena, ends, nil
}

// notLinked is AppendLinked's error for a far relation that is not a
// relation of r's model and store.
func (r *relCore) notLinked(op string, far any) error {
	name := "?"
	if f, ok := far.(*relCore); ok {
		name = f.r.name
	}
	return invalidf("%s: relations %s and %s are not of one model of one store", op, r.r.name, name)
}

// linkSkips is how many index entries of owners not asked for
// AppendLinkedMany passes over before it seeks the next owner's key
// instead: a seek costs an iterator and a descent, a step one entry.
const linkSkips = 16

// AppendLinkedMany is AppendLinked for many owners at once: keys are the
// owners' encoded keys, ascending and distinct (else ErrInvalid), and
// spans[i] is set to the range of ends that holds keys[i]'s far keys. It
// walks toOwner's foreign key index in order from keys[0], seeking again
// only past a run of linkSkips entries of other owners, so that the links
// of many owners cost one pass over their part of the index rather than
// one seek each.
func (r *relCore) AppendLinkedMany(tx *Tx, far any, keys [][]byte, arena []byte, ends []int32, spans [][2]int32) ([]byte, []int32, error) {
	toOwner := r
	op := toOwner.opList
	toFar, ok := far.(*relCore)
	switch {
	case !ok || toOwner.s != toFar.s || toOwner.r.source != toFar.r.source:
		return arena, ends, toOwner.notLinked(op, far)
	case len(spans) != len(keys):
		return arena, ends, invalidf("%s: %d spans for %d keys", op, len(spans), len(keys))
	}
	for i, k := range keys {
		if err := toOwner.r.checkKey(op, k); err != nil {
			return arena, ends, err
		}
		if i > 0 && bytes.Compare(keys[i-1], k) >= 0 {
			return arena, ends, invalidf("%s: owner keys not ascending and distinct at %d", op, i)
		}
	}
	if err := toOwner.enter(tx, op, false); err != nil {
		return arena, ends, err
	}
	defer tx.leave()
	m, c, fc := toOwner.r.source, toOwner.r.fk, toFar.r.fk
	txn := tx.reader()
	seek := func(k []byte) memdb.ResultIterator {
		a := m.keyArg(k) // go-memdb keeps no reference to it once the call returns
		it, err := txn.LowerBound(m.table, c.index, a)
		m.args.Put(a)
		if err != nil {
			panic(fmt.Sprintf("memstore: internal: links %s.%s: %v", m.name, c.index, err))
		}
		return it
	}
	o := 0
	for o < len(keys) {
		spans[o] = [2]int32{int32(len(ends)), int32(len(ends))}
		o++
	}
	if len(keys) == 0 {
		return arena, ends, nil
	}
	o = 0
	it, skipped := seek(keys[0]), 0
	for raw := it.Next(); raw != nil; raw = it.Next() {
		rec := raw.(*record)
		fk := rec.key(c.slot)
		for o < len(keys) && bytes.Compare(keys[o], fk) < 0 {
			o++ // owners with no more links
			if o < len(keys) {
				spans[o] = [2]int32{int32(len(ends)), int32(len(ends))}
			}
		}
		if o == len(keys) {
			break
		}
		if !bytes.Equal(keys[o], fk) {
			if skipped++; skipped > linkSkips {
				it, skipped = seek(keys[o]), 0
			}
			continue
		}
		skipped = 0
		if !toOwner.r.owns(rec) || !toFar.r.owns(rec) {
			continue
		}
		if k := rec.key(fc.slot); k != nil {
			arena = append(arena, k...)
			ends = append(ends, int32(len(arena)))
			spans[o][1] = int32(len(ends))
		}
	}
	return arena, ends, nil
}
