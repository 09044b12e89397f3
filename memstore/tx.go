package memstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"sync/atomic"
	"unsafe"

	memdb "github.com/hashicorp/go-memdb"
)

// Tx is a transaction given to an Update or View function. It is valid only
// until that function returns: later calls return ErrTxDone.
//
// The first failed write aborts a write transaction, as in PostgreSQL: every
// later call returns ErrTxAborted and Update returns the first error. Reads
// that find nothing (ErrNotFound) do not abort it.
//
// An Update's Tx is for one goroutine at a time. A call made while another
// call on the same Tx is running (on another goroutine) is refused with an
// error matching ErrInvalid, and the Update then rolls back and returns
// such an error: concurrent use is a bug to fix, which the store reports
// instead of corrupting its indexes. A View's Tx only reads, and may be
// used by several goroutines until the View returns.
type Tx struct {
	s   *Store
	ctx context.Context
	// txn is a View's read transaction, or an Update's go-memdb write
	// transaction, opened by its first write (nil until then).
	txn   *memdb.Txn
	write bool
	// state holds the txBusy, txDone and txMisused flags. Only Tx.enter,
	// Tx.leave and Tx.close change it, atomically: it is what lets a
	// second goroutine's call be refused, and what orders the calls of
	// goroutines that take turns.
	state atomic.Uint32
	err   error // first failed write
	// hashes are the KeyHash of every unique key this transaction touched,
	// for the Invalidator; collected only when the store has one.
	hashes []uint64

	// Reads of a write transaction. go-memdb answers a read of an index the
	// transaction has modified by cloning that index's radix transaction,
	// which throws away its cache of already-copied nodes: the next insert
	// copies its whole path again (measured: 11.6 KB per row in a batch of
	// 1,000 inserts, against 1.8 KB for go-memdb inserting without reads).
	// So unique lookups of a modified table read the database the
	// transaction started from (base) through an overlay of the unique keys
	// this transaction wrote (record) or removed (nil).
	base    *memdb.Txn
	overlay []*modelOverlay // by model id; nil until the model is written
	// seqBase are the auto-key counters of the state the transaction
	// started from (read only); seqNew, an Update's counters once it has
	// moved one (see seqRow), nil until then.
	seqBase, seqNew []seqRow
}

// modelOverlay maps, per unique slot, encoded keys this transaction wrote
// or removed to their record (nil: removed).
type modelOverlay struct {
	slots []map[string]*record
}

// The flags of Tx.state.
const (
	txBusy    = 1 << iota // a call of an Update's Tx is running
	txDone                // the Update or View function returned
	txMisused             // a call was refused: another was running
)

// check validates the transaction's state for an operation.
func (tx *Tx) check(op string, write bool) error {
	switch {
	case tx == nil:
		return invalidf("%s: nil transaction", op)
	case tx.state.Load()&txDone != 0:
		return opErr(op, ErrTxDone)
	case write && !tx.write:
		return opErr(op, ErrReadOnly)
	case tx.err != nil:
		return opErr(op, fmt.Errorf("%w (first error: %w)", ErrTxAborted, tx.err))
	}
	return nil
}

// enter starts the operation op on tx, of a handle (a table or relation
// of that kind and name) of store s, or of tx itself when s is nil. It
// marks an Update's Tx busy, refusing a call while another runs (see Tx);
// checks tx's state (see check); and refuses a handle of another store,
// which would read its own schema's layout into the other store's rows (a
// refused write aborts the transaction, as any refused write does; a
// refused read does not).
// After a nil error the caller must call leave when it is done.
//
// Cost: one compare-and-swap here and one atomic and in leave, for an
// Update's Tx only.
func (tx *Tx) enter(s *Store, kind, name, op string, write bool) error {
	if tx == nil {
		return invalidf("%s: nil transaction", op)
	}
	if tx.write && !tx.state.CompareAndSwap(0, txBusy) {
		if err := tx.contended(op); err != nil {
			return err
		}
	}
	if err := tx.check(op, write); err != nil {
		tx.leave()
		return err
	}
	if s != nil && s != tx.s {
		err := invalidf("%s: %s %s belongs to another store", op, kind, name)
		if write {
			tx.fail(err) // like any refused write: the transaction is aborted
		}
		tx.leave()
		return err
	}
	return nil
}

// contended is enter's slow path, for an Update's Tx that is not idle:
// finished, misused, or busy with another goroutine's call. It marks tx
// busy and returns nil if the other call has ended meanwhile.
func (tx *Tx) contended(op string) error {
	for {
		st := tx.state.Load()
		switch {
		case st&txDone != 0:
			return opErr(op, ErrTxDone)
		case st&(txBusy|txMisused) != 0:
			tx.state.Or(txMisused)
			return errConcurrent(op)
		case tx.state.CompareAndSwap(st, st|txBusy):
			return nil
		}
	}
}

// errConcurrent is the error of a call refused because another call on the
// same Tx was running.
func errConcurrent(op string) error {
	return invalidf("%s: transaction used by two goroutines at once", op)
}

// leave ends the operation enter started.
func (tx *Tx) leave() {
	if tx.write {
		tx.state.And(^uint32(txBusy))
	}
}

// ended reports whether tx, an Update's Tx or nil, has ended: a sequence
// made in an Update yields nothing once the Update has returned (nil: a
// View's sequence, which reads a frozen snapshot and never ends).
func (tx *Tx) ended() bool { return tx != nil && tx.state.Load()&txDone != 0 }

// close ends tx: it waits for a call still running on another goroutine
// (a misuse; the call is short), then marks tx done so that no call starts
// any more, and returns the final state. It may be called more than once.
func (tx *Tx) close() uint32 {
	for {
		st := tx.state.Load()
		if st&txBusy == 0 && tx.state.CompareAndSwap(st, st|txDone) {
			return st | txDone
		}
		runtime.Gosched()
	}
}

// fail records a write's error: the transaction is aborted.
func (tx *Tx) fail(err error) error {
	if tx.write && tx.err == nil {
		tx.err = err
	}
	return err
}

// step is called before each step of a write that can fail — a unique
// check, a foreign key lookup, an index write, each row of a cascade — and
// fails it when the Store's fault hook (tests only) says so. Every caller
// returns the error and the whole transaction is aborted: fault injection
// proves that a failure at any step leaves the store as it was. The step's
// name, "kind model" or "kind model.field", is built only for the hook.
func (tx *Tx) step(kind, model, field string) error {
	f := tx.s.fault
	if f == nil {
		return nil
	}
	name := kind + " " + model
	if field != "" {
		name += "." + field
	}
	return f(name)
}

// lookup returns the record of m whose key in the unique column c is k, or
// nil, as this transaction sees it.
//
// A write transaction answers from its overlay of the unique keys it wrote
// or removed, else from the state it started from (base), never through
// go-memdb's write transaction: that costs a lookup of the modified-index
// map per read, and for a modified index a clone that drops its cache of
// copied nodes (see Tx).
func (tx *Tx) lookup(m *model, c *column, k []byte) *record {
	if !tx.write {
		return first(tx.txn, m, c, k)
	}
	if tx.overlay != nil {
		if ov := tx.overlay[m.id]; ov != nil {
			if rec, ok := ov.slots[c.slot][string(k)]; ok {
				return rec
			}
		}
	}
	return first(tx.baseTxn(), m, c, k)
}

// reader returns the go-memdb transaction reads go through: the write
// transaction once this transaction has written, else the state it started
// from (a View's snapshot, or an Update's base).
func (tx *Tx) reader() *memdb.Txn {
	if tx.txn != nil {
		return tx.txn
	}
	return tx.baseTxn()
}

// writer returns go-memdb's write transaction, opening it on the first
// write: an Update that only reads, or whose first write is refused (a
// restricted delete, a dangling foreign key), never opens one.
func (tx *Tx) writer() *memdb.Txn {
	if tx.txn == nil {
		tx.txn = tx.s.db.Load().Txn(true)
	}
	return tx.txn
}

// baseTxn returns a read transaction on the state this write transaction
// started from: the published state, which under the writer lock is the
// last commit.
func (tx *Tx) baseTxn() *memdb.Txn {
	if tx.base == nil {
		tx.base = tx.s.cur.Load().read
	}
	return tx.base
}

// keyArg carries an encoded key into go-memdb's ...interface{} arguments
// without allocating: a pointer fits in an interface as is, the key is
// copied into the keyArg's own buffer (so the caller's key, often on its
// stack, does not escape), and keyArgs are pooled per model. go-memdb does
// not keep the key once First returns.
//
// Pass it as a.args()...: go-memdb's variadic ...interface{} escapes (its
// indexers are called through an interface), so a fresh []any{a} costs an
// allocation per call; args is a slice of the keyArg's own one-element
// array, which holds a itself.
type keyArg struct {
	k   []byte
	one [1]any // {a}, set when a is made
	buf [32]byte
}

// args returns the ...interface{} arguments holding a.
func (a *keyArg) args() []any { return a.one[:] }

// keyArg returns a pooled keyArg holding a copy of k; put it back in
// m.args when the lookup is done.
func (m *model) keyArg(k []byte) *keyArg {
	a, _ := m.args.Get().(*keyArg)
	if a == nil {
		a = new(keyArg)
		a.one[0] = a
	}
	a.k = append(a.buf[:0], k...)
	return a
}

// first returns the record of m whose key in column c is k in txn, or nil.
// It is the one place where go-memdb's (nil, nil) miss is translated.
func first(txn *memdb.Txn, m *model, c *column, k []byte) *record {
	a := m.keyArg(k)
	raw, err := txn.First(m.table, c.index, a.args()...)
	m.args.Put(a)
	if err != nil {
		panic(fmt.Sprintf("memstore: internal: index %s.%s: %v", m.name, c.index, err))
	}
	if raw == nil {
		return nil
	}
	return raw.(*record)
}

// each calls fn for every record of m whose column c has key prefix k (all
// records when k is nil), in key order, until fn returns false.
//
// The key goes to go-memdb as a pooled keyArg (see first): a []byte in an
// ...any costs the slice and the boxed header, two allocations per call,
// and a cascade calls each once per deleted row.
func (tx *Tx) each(m *model, c *column, k []byte, fn func(*record) bool) {
	a := m.keyArg(k) // nil k: the empty key, the whole index
	it, err := tx.reader().Get(m.table, c.index, a.args()...)
	m.args.Put(a)
	if err != nil {
		panic(fmt.Sprintf("memstore: internal: index %s.%s: %v", m.name, c.index, err))
	}
	for raw := it.Next(); raw != nil; raw = it.Next() {
		if !fn(raw.(*record)) {
			return
		}
	}
}

// keyOf formats the primary key of rec for errors.
func (m *model) keyOf(rec *record) any { return m.value(rec, m.pk) }

// insert writes the new row at p (a private copy), assigning an auto key.
func (tx *Tx) insert(op string, m *model, p unsafe.Pointer, shadow [][]byte) (*record, error) {
	assigned := m.auto
	if m.keyless {
		next, err := tx.nextKey(op, m)
		if err != nil {
			return nil, err
		}
		sh := make([][]byte, len(m.slots))
		copy(sh, shadow)
		sh[0] = m.pk.codec.appendInt(make([]byte, 0, 8), next)
		shadow = sh
	} else if m.pk.codec.isZero(unsafe.Add(p, m.pk.offset)) {
		if !m.auto {
			return nil, invalidf("%s %s: zero primary key %s", op, m.name, m.pk.name)
		}
		next, err := tx.nextKey(op, m)
		if err != nil {
			return nil, err
		}
		m.pk.codec.writeInt(unsafe.Add(p, m.pk.offset), next)
	} else {
		assigned = false
	}
	rec, err := m.newRecord(p, shadow)
	if err != nil {
		return nil, invalidf("%s %s: %v", op, m.name, err)
	}
	if err := tx.step("unique", m.name, m.pk.name); err != nil {
		return nil, err
	}
	// A key above every key of m needs no duplicate lookup. An auto model's
	// counter is such a bound (see seqAbove); for other models, aboveMax
	// runs for every insert, assigned keys included: each inserted key must
	// raise the bound, or a later explicit insert of the same key in this
	// transaction would skip its lookup.
	var above bool
	if m.auto && !m.keyless {
		above = assigned || tx.seqAbove(m, rec.key(0))
	} else {
		above = tx.aboveMax(m, rec.key(0))
	}
	if !assigned && !above && tx.lookup(m, m.pk, rec.key(0)) != nil {
		return nil, m.uniqueError(op, m.pk, rec)
	}
	if err := tx.checkRow(op, m, rec, nil); err != nil {
		if assigned {
			// The key was never the row's: do not name it.
			var fk *ForeignKeyError
			if errors.As(err, &fk) {
				fk.Key = nil
			}
		}
		return nil, err
	}
	if m.auto && !m.keyless {
		tx.seqSeen(m, m.pk.codec.decodeInt(rec.key(0)))
	}
	if err := tx.put(m, nil, rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// update replaces the row with p's primary key by the row at p. Shadow
// columns keep their values unless shadow is given.
func (tx *Tx) update(op string, m *model, p unsafe.Pointer, key []byte, shadow [][]byte) (*record, error) {
	if key == nil {
		var err error
		if key, err = m.appendPK(op, nil, p); err != nil {
			return nil, err
		}
	}
	old := tx.lookup(m, m.pk, key)
	if old == nil {
		return nil, &NotFoundError{Op: op, Model: m.name, Field: m.pk.name, Value: m.pk.codec.value(key)}
	}
	if shadow == nil && m.hasShadow {
		shadow = old.keyList()
	}
	if m.keyless {
		sh := make([][]byte, len(m.slots))
		copy(sh, shadow)
		sh[0] = old.key(0)
		shadow = sh
	}
	rec, err := m.newRecord(p, shadow)
	if err != nil {
		return nil, invalidf("%s %s: %v", op, m.name, err)
	}
	if err := tx.checkRow(op, m, rec, old); err != nil {
		return nil, err
	}
	if err := tx.checkReferenced(op, m, old, rec); err != nil {
		return nil, err
	}
	if err := tx.put(m, old, rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// checkRow enforces unique fields and foreign keys of a new or changed row.
// Values unchanged from old were valid and stay valid: deletes of their
// targets are refused, cascaded or nulled.
func (tx *Tx) checkRow(op string, m *model, rec, old *record) error {
	for _, c := range m.slots[1:] {
		k := rec.key(c.slot)
		if k == nil || (old != nil && bytes.Equal(old.key(c.slot), k) && (c.poly == nil || c.poly.sameTarget(old, rec))) {
			continue
		}
		if c.ix != nil {
			if c.unique {
				if err := tx.checkIndex(op, m, c, rec); err != nil {
					return err
				}
			}
			continue
		}
		if c.unique {
			if err := tx.step("unique", m.name, c.name); err != nil {
				return err
			}
		}
		if c.unique && tx.lookup(m, c, k) != nil {
			return m.uniqueError(op, c, rec)
		}
		if p := c.poly; p != nil {
			if err := tx.step("fk", m.name, c.name); err != nil {
				return err
			}
			if err := tx.checkPoly(op, m, c, rec); err != nil {
				return err
			}
			continue
		}
		if r := c.fk; r != nil {
			if r.target == m && bytes.Equal(rec.key(r.keyTo.slot), k) {
				continue // the row references itself
			}
			if err := tx.step("fk", m.name, c.name); err != nil {
				return err
			}
			if tx.lookup(r.target, r.keyTo, k) == nil {
				return &ForeignKeyError{Op: op, Model: m.name, Key: m.keyOf(rec), Relation: r.name,
					Field: c.name, Value: m.value(rec, c), Target: r.target.name}
			}
		}
	}
	return nil
}

// checkPoly checks the polymorphic foreign key c of the row rec, which is
// not null: its discriminator must name a target of the relation, and that
// target must have a row with the key.
func (tx *Tx) checkPoly(op string, m *model, c *column, rec *record) error {
	p, k := c.poly, rec.key(c.slot)
	r := p.targetOf(rec.ptr)
	if r == nil {
		d, _ := p.discOf(rec.ptr)
		names := make([]string, len(p.targets))
		for i, t := range p.targets {
			names[i] = t.target.name
		}
		return &ForeignKeyError{Op: op, Model: m.name, Key: m.keyOf(rec), Relation: p.name,
			Field: c.name, Value: m.value(rec, c), Target: d, Targets: names}
	}
	if r.target == m && bytes.Equal(rec.key(r.keyTo.slot), k) {
		return nil // the row references itself
	}
	if tx.lookup(r.target, r.keyTo, k) == nil {
		return &ForeignKeyError{Op: op, Model: m.name, Key: m.keyOf(rec), Relation: p.name,
			Field: c.name, Value: m.value(rec, c), Target: r.target.name}
	}
	return nil
}

// checkReferenced refuses to change a key that rows reference.
func (tx *Tx) checkReferenced(op string, m *model, old, rec *record) error {
	for _, r := range m.refs {
		k := old.key(r.keyTo.slot)
		if k == nil || bytes.Equal(k, rec.key(r.keyTo.slot)) {
			continue
		}
		if err := tx.step("fk", r.source.name, r.fk.name); err != nil {
			return err
		}
		var child *record
		tx.each(r.source, r.fk, k, func(c *record) bool {
			if !r.owns(c) {
				return true
			}
			child = c
			return false
		})
		if child != nil {
			return &ForeignKeyError{Op: op, Model: m.name, Key: m.keyOf(old), Relation: r.name,
				Field: r.fk.name, Value: m.value(old, r.keyTo), Target: m.name,
				Referrer: r.source.name, ReferrerKey: r.source.keyOf(child)}
		}
	}
	return nil
}

// put writes rec (replacing old, if any) and records the touched keys. An
// error leaves go-memdb's indexes possibly half-written: the caller must fail
// the transaction, which aborts it whole.
func (tx *Tx) put(m *model, old, rec *record) error {
	if err := tx.step("write", m.name, ""); err != nil {
		return err
	}
	if err := tx.writer().Insert(m.table, rec); err != nil {
		return fmt.Errorf("memstore: internal: insert %s: %w", m.name, err)
	}
	rec.settle()
	ov := tx.overlayOf(m)
	for _, c := range m.slots {
		if !c.unique {
			continue
		}
		if c.ix != nil {
			ov.overlayIndex(c, old, rec)
			continue
		}
		nk := rec.key(c.slot)
		if old != nil {
			if ok := old.key(c.slot); ok != nil && !bytes.Equal(ok, nk) {
				ov.slots[c.slot][keyString(ok)] = nil
			}
		}
		if nk != nil {
			ov.slots[c.slot][keyString(nk)] = rec
		}
	}
	tx.touch(m, old)
	tx.touch(m, rec)
	return nil
}

// keyString returns a record's key as a string without copying it: a
// record's buffer is never modified once built, so the string is as
// immutable as any. The overlay keys its maps by these.
func keyString(k []byte) string { return unsafe.String(unsafe.SliceData(k), len(k)) }

// overlayOf returns the overlay of m, taking it from the writer's spare
// buffers on the first write.
func (tx *Tx) overlayOf(m *model) *modelOverlay {
	if tx.overlay == nil {
		tx.overlay = tx.s.spare.overlays(len(tx.s.schema.models))
	}
	ov := tx.overlay[m.id]
	if ov == nil {
		ov = &modelOverlay{slots: make([]map[string]*record, len(m.slots))}
		for _, c := range m.slots {
			if c.unique {
				ov.slots[c.slot] = map[string]*record{}
			}
		}
		tx.overlay[m.id] = ov
	}
	return ov
}

// writeBufs are a write transaction's growable buffers, kept by the Store
// between transactions so that a batch does not regrow them every time:
// the overlay maps keep their buckets, hashes its capacity. Only the writer
// lock's holder uses them; release empties them at the end of every Update.
type writeBufs struct {
	overlay []*modelOverlay
	hashes  []uint64
}

// maxSpare bounds what release keeps: a transaction that wrote more rows
// than this leaves its buffers to the garbage collector.
const maxSpare = 1 << 16

// overlays returns the spare overlays, one slot per model.
func (w *writeBufs) overlays(models int) []*modelOverlay {
	if w.overlay == nil {
		w.overlay = make([]*modelOverlay, models)
	}
	return w.overlay
}

// release empties tx's buffers and keeps them for the next transaction,
// unless they grew too big. The maps are cleared, not dropped: clear keeps
// their buckets and drops every reference to the transaction's records.
func (w *writeBufs) release(tx *Tx) {
	if cap(tx.hashes) <= maxSpare {
		w.hashes = tx.hashes[:0]
	}
	for i, ov := range tx.overlay {
		if ov == nil {
			continue
		}
		for _, sl := range ov.slots {
			if len(sl) > maxSpare {
				tx.overlay[i] = nil
				break
			}
			clear(sl)
		}
	}
}

// remove deletes rec and records the touched keys. Errors are as for put.
func (tx *Tx) remove(m *model, rec *record) error {
	if err := tx.step("delete", m.name, ""); err != nil {
		return err
	}
	if err := tx.writer().Delete(m.table, rec); err != nil {
		return fmt.Errorf("memstore: internal: delete %s: %w", m.name, err)
	}
	ov := tx.overlayOf(m)
	for _, c := range m.slots {
		if c.ix != nil && c.unique {
			ov.overlayIndex(c, rec, nil)
		} else if k := rec.key(c.slot); c.unique && k != nil {
			ov.slots[c.slot][keyString(k)] = nil
		}
	}
	tx.touch(m, rec)
	return nil
}

// touch records the hashes of rec's unique keys for the Invalidator.
func (tx *Tx) touch(m *model, rec *record) {
	if rec == nil || tx.s.cache == nil {
		return
	}
	for _, c := range m.slots {
		if k := rec.key(c.slot); c.unique && c.ix == nil && k != nil {
			tx.hashes = append(tx.hashes, tx.s.KeyHash(space(m, c), k))
		}
	}
}

// rowOf resolves an untyped row argument: a registered struct or a non-nil
// pointer to one. It returns the model, a shallow copy (an auto key may be
// written into it; newRecord gives the stored row its own references), and
// the caller's pointer (invalid when v is not a pointer).
func (tx *Tx) rowOf(op string, v any) (*model, unsafe.Pointer, reflect.Value, error) {
	if v == nil {
		return nil, nil, reflect.Value{}, invalidf("%s: nil value", op)
	}
	rv := reflect.ValueOf(v)
	t, src, ptr := rv.Type(), rv, reflect.Value{}
	if t.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, nil, reflect.Value{}, invalidf("%s: nil %v", op, t)
		}
		t, src, ptr = t.Elem(), rv.Elem(), rv
	}
	m := tx.s.schema.byType[t]
	if m == nil {
		return nil, nil, reflect.Value{}, invalidf("%s: %v is not a registered model", op, t)
	}
	dst := reflect.New(t)
	dst.Elem().Set(src)
	return m, dst.UnsafePointer(), ptr, nil
}

// Insert inserts v, a value of a registered model or a pointer to one. An
// auto key is assigned when v's key is zero; when v is a pointer, the
// assigned key is written back to it. The store keeps its own copy of v.
//
// Insert fails with a *UniqueError if the key, a unique field's value or a
// unique index's values exist, a *ForeignKeyError if a non-nil foreign key
// references no row, and ErrInvalid for bad input; any failure aborts the
// transaction.
func (tx *Tx) Insert(v any) error {
	const op = "insert"
	if err := tx.enter(nil, "", "", op, true); err != nil {
		return err
	}
	defer tx.leave()
	m, p, ptr, err := tx.rowOf(op, v)
	if err != nil {
		return tx.fail(err)
	}
	if _, err := tx.insert(op, m, p, nil); err != nil {
		return tx.fail(err)
	}
	if ptr.IsValid() && m.auto && !m.keyless {
		typedmemmove(m.pk.codec.typ, unsafe.Add(ptr.UnsafePointer(), m.pk.offset), unsafe.Add(p, m.pk.offset))
	}
	return nil
}

// Update replaces the row that has v's primary key by v (a value or a
// pointer). It fails with a *NotFoundError if there is no such row, and like
// Insert for unique fields and foreign keys; changing a unique field that
// rows reference (a keyTo target) is refused with a *ForeignKeyError.
func (tx *Tx) Update(v any) error {
	const op = "update"
	if err := tx.enter(nil, "", "", op, true); err != nil {
		return err
	}
	defer tx.leave()
	m, p, _, err := tx.rowOf(op, v)
	if err != nil {
		return tx.fail(err)
	}
	if m.keyless {
		return tx.fail(invalidf("%s %s: the model has no key field; use Table.UpdateKey", op, m.name))
	}
	if _, err := tx.update(op, m, p, nil, nil); err != nil {
		return tx.fail(err)
	}
	return nil
}

// Delete deletes the row that has v's primary key (v is a value or a
// pointer) and applies the on-delete actions of the relations that reference
// it, in the order PostgreSQL runs them (see ForeignKeyError): a restrict
// relation with referencing rows left refuses the whole delete with a
// *ForeignKeyError, cascade deletes the referencing rows (recursively),
// setNull clears their foreign key.
func (tx *Tx) Delete(v any) error {
	const op = "delete"
	if err := tx.enter(nil, "", "", op, true); err != nil {
		return err
	}
	defer tx.leave()
	m, p, _, err := tx.rowOf(op, v)
	if err != nil {
		return tx.fail(err)
	}
	if m.keyless {
		return tx.fail(invalidf("%s %s: the model has no key field; use Table.Delete", op, m.name))
	}
	k, err := m.appendPK(op, nil, p)
	if err != nil {
		return tx.fail(err)
	}
	if err := tx.deleteKey(op, m, k); err != nil {
		return tx.fail(err)
	}
	return nil
}
