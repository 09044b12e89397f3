package memstore

import (
	"bytes"
	"fmt"
)

// aboveMax reports whether the encoded primary key k is larger than every
// key of m, so that an insert of k needs no duplicate lookup, and raises the
// bound to k. It serves models without an auto key (or without a key
// field); an auto model's counter is a bound already (see seqAbove). Keys
// inserted in increasing order (ids from a counter, a bulk load, one row per
// transaction) skip the lookup: it was most of the cost of a batch insert
// beyond go-memdb's own, and one of the two lookups of a one-row insert.
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

// seqAbove reports whether the encoded primary key k of an auto model m is
// larger than every key of m's rows, as this transaction sees them: larger
// than m's counter. The counter is at least every key a row of m holds,
// in every state and snapshot: a key enters only by an insert, which moves
// the counter to an assigned key (nextKey) or past an explicit one
// (seqSeen) in the same transaction, and the counter commits, rolls back
// and is restored with the rows. Unlike aboveMax's bound, it survives a
// Restore with no lookup: a test double that restores its fixture and
// inserts again pays nothing to know its keys are new.
func (tx *Tx) seqAbove(m *model, k []byte) bool {
	row := tx.seq(m)
	return !row.used || m.pk.codec.less(row.last, m.pk.codec.decodeInt(k))
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

// seq returns m's auto-key counter as this transaction sees it.
func (tx *Tx) seq(m *model) seqRow {
	if tx.seqNew != nil {
		return tx.seqNew[m.id]
	}
	return tx.seqBase[m.id]
}

// seqSet sets m's auto-key counter in this transaction. The first change
// copies the counters the transaction started from; the commit publishes
// the copy with the new state (see seqRow), a rollback drops it.
func (tx *Tx) seqSet(m *model, last uint64) {
	if tx.seqNew == nil {
		tx.seqNew = make([]seqRow, len(tx.s.schema.models))
		copy(tx.seqNew, tx.seqBase)
	}
	tx.seqNew[m.id] = seqRow{last: last, used: true}
}

// seqRow is the auto-key counter of one model: the largest key ever used,
// so that auto keys are never reused. The counters of all models are part
// of each published state (and of each Snapshot) as an array by model id
// that is never written once published: a commit that moved a counter
// publishes a new array, so a rolled-back insert does not consume a key,
// and Restore puts the counters back (unlike a PostgreSQL sequence; a test
// double wants the same keys on every run). They used to be rows of a
// go-memdb table; kept beside it, a transaction that assigns keys writes
// one radix tree less, and a refused insert writes none (issue 16).
type seqRow struct {
	last uint64 // raw bits in the key type's signedness
	used bool   // false until a key was assigned or inserted
}
