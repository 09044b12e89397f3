package memstore

import (
	"bytes"
	"fmt"
)

// aboveMax reports whether the encoded primary key k is larger than every
// key of m, so that an insert of k needs no duplicate lookup, and raises the
// bound to k. Keys inserted in increasing order (ids from a counter, a bulk
// load, one row per transaction) skip the lookup: it was most of the cost of
// a batch insert beyond go-memdb's own, and one of the two lookups of a
// one-row insert.
//
// The bound is the Store's (see Store.maxKeys), kept across transactions: it
// only ever rises, and every insert raises it, so it stays an upper bound
// whatever happens to the keys it was raised by: a delete, a rolled-back
// transaction, an insert refused after this call, a Restore (a snapshot
// holds only keys inserted through this store). An empty store knows its
// bound (no key). Restore forgets it anyway, so that a test double that
// restores a fixture and inserts the same new keys again skips their
// lookups; it is rebuilt from the restored state with one reverse lookup.
// That lookup costs more than one duplicate lookup, so the first insert
// after a Restore only records its key and answers false (the caller looks
// it up); the bound is built at the second.
func (tx *Tx) aboveMax(m *model, k []byte) bool {
	b := &tx.s.maxKeys[m.id]
	if !b.known {
		if b.hi == nil {
			b.hi = append(b.hi, k...) // the first insert: remember its key, look it up
			return false
		}
		raw, err := tx.baseTxn().Last(m.table, m.pk.index, []byte{})
		if err != nil {
			panic(fmt.Sprintf("memstore: internal: last %s: %v", m.name, err))
		}
		if raw != nil {
			if last := raw.(*record).key(0); bytes.Compare(last, b.hi) > 0 {
				b.hi = append(b.hi[:0], last...)
			}
		}
		b.known = true
	}
	if bytes.Compare(k, b.hi) <= 0 {
		return false
	}
	b.hi = append(b.hi[:0], k...)
	return true
}

// maxKey is aboveMax's bound for one model: hi is the largest key inserted
// so far (it may belong to a row deleted or never committed), and, once
// known, of the whole state the writer works on too. hi is the bound's own
// copy, reused as keys rise (no allocation once it has grown to the key
// length): a slice of the key would keep the record's whole block, row
// included, alive after the row is deleted or rolled back.
type maxKey struct {
	hi    []byte
	known bool
}

// nextKey returns the next auto key of m and records it as used.
func (tx *Tx) nextKey(op string, m *model) (uint64, error) {
	c := m.pk.codec
	row := tx.seq(m)
	next := uint64(1)
	if row.used && !c.less(row.last, 0) {
		if row.last == c.maxInt() {
			return 0, opErr(op+" "+m.name, fmt.Errorf("%w: %s is at its largest value %v", ErrOverflow, m.pk.name, c.decode(c.appendInt(nil, row.last)).Interface()))
		}
		next = row.last + 1
	}
	tx.seqSet(m, next)
	return next, nil
}

// seqSeen records an explicitly inserted auto-model key, so that auto keys
// never collide with it.
func (tx *Tx) seqSeen(m *model, k uint64) {
	if row := tx.seq(m); !row.used || m.pk.codec.less(row.last, k) {
		tx.seqSet(m, k)
	}
}

func (tx *Tx) seq(m *model) seqRow {
	if r, ok := tx.seqs[m.id]; ok {
		return r
	}
	raw, err := tx.reader().First(seqTable, "id", m.id)
	if err != nil {
		panic(fmt.Sprintf("memstore: internal: sequence: %v", err))
	}
	if raw == nil {
		return seqRow{model: m.id}
	}
	r := *raw.(*seqRow)
	if tx.seqs == nil {
		tx.seqs = map[int]seqRow{}
	}
	tx.seqs[m.id] = r
	return r
}

func (tx *Tx) seqSet(m *model, last uint64) {
	if tx.seqs == nil {
		tx.seqs = map[int]seqRow{}
	}
	tx.seqs[m.id] = seqRow{model: m.id, last: last, used: true}
	if err := tx.writer().Insert(seqTable, &seqRow{model: m.id, last: last, used: true}); err != nil {
		panic(fmt.Sprintf("memstore: internal: sequence: %v", err))
	}
}
