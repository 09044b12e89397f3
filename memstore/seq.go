package memstore

import (
	"bytes"
	"fmt"
)

// aboveMax reports whether the encoded primary key k is larger than every
// key of m, so that an insert of k needs no duplicate lookup, and raises the
// bound to k. The bound starts as the largest key of the snapshot the
// transaction started from (one reverse lookup) and rises with every key
// inserted; deletes leave it an upper bound. Keys inserted in increasing
// order — ids from a counter, a bulk load — skip the lookup: it was most of
// the cost of a batch insert beyond go-memdb's own.
func (tx *Tx) aboveMax(m *model, k []byte) bool {
	if tx.maxKeys == nil {
		tx.maxKeys = map[int][]byte{}
	}
	hi, ok := tx.maxKeys[m.id]
	if !ok {
		raw, err := tx.baseTxn().Last(m.table, m.pk.index, []byte{})
		if err != nil {
			panic(fmt.Sprintf("memstore: internal: last %s: %v", m.name, err))
		}
		if raw != nil {
			hi = raw.(*record).key(0)
		}
	}
	if hi != nil && bytes.Compare(k, hi) <= 0 {
		tx.maxKeys[m.id] = hi
		return false
	}
	tx.maxKeys[m.id] = k
	return true
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
