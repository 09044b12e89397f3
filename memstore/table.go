package memstore

import (
	"bytes"
	"fmt"
	"iter"
	"reflect"
	"unsafe"
)

// Table is the typed access to the rows of model T, whose primary key has
// type K (RowID for a model without a key field). Rows go in and come out as
// copies: a caller who changes a value it passed in or got back cannot change
// the store. A Table is a small immutable handle of one store, safe for
// concurrent use; its methods run inside the transaction they are given,
// which must be one of that store's (else an error matching ErrInvalid).
//
// # Copies
//
// Rows go in and come out as copies that share no memory a caller can
// change: changing a struct passed in or got back, or anything it points to,
// changes neither the store nor another caller's copy. How each model is
// copied is planned once, when the store opens, from its fields, exported
// or not:
//
//   - numbers, bools, strings (immutable) and time.Time are copied by the
//     assignment that copies the struct; a time's *time.Location, immutable
//     and compared by identity, is shared, as is a *time.Location field;
//   - a pointer gets a new value: one small allocation for a pointer to a
//     number or string (a nullable foreign key), a deep copy otherwise;
//   - a slice gets a new array of exactly its length (a nil slice stays nil,
//     an empty one has no capacity); a map gets a new map with the same keys;
//     their elements and values are copied the same way, recursively;
//   - interface, channel, function and unsafe.Pointer values are shared,
//     never followed: what they point to is the caller's to keep immutable.
//
// A type that reaches itself (a tree or list node) is copied faithfully:
// what a row reaches twice, a cycle included, is copied once, so the copy
// has the same shape; in other types two fields pointing to one value get a
// copy each. No depth of nesting overflows the stack. A model without
// pointers, slices or maps (strings and times are fine) is copied by one
// assignment, with no allocation; the rows of one read (a scan, a list of
// children) carve their small allocations from shared chunks, so a row the
// caller keeps may keep a few KB of its siblings' memory alive.
//
// # Iterators
//
// The iterators of Scan, Range and ByFK (and package relations') read a snapshot:
// a View's, valid after the View returns, or in an Update, one taken when
// the iterator was made. One made in an Update yields nothing once the
// Update has returned (its rows may never have been committed); an iter.Seq
// cannot carry an error, so range over it inside the Update function.
type Table[T any, K comparable] struct {
	s *Store
	m *model
}

// TableOf returns the table of model T in s. It fails with ErrInvalid if T
// is not a registered model or K is not its key type.
func TableOf[T any, K comparable](s *Store) (*Table[T, K], error) {
	if s == nil {
		return nil, invalidf("table: nil store")
	}
	t := reflect.TypeFor[T]()
	m := s.schema.byType[t]
	if m == nil {
		return nil, invalidf("table: %v is not a registered model", t)
	}
	if k := reflect.TypeFor[K](); k != m.pk.codec.typ {
		return nil, invalidf("table %s: key type %v, want %v", m.name, k, m.pk.codec.typ)
	}
	return &Table[T, K]{s: s, m: m}, nil
}

// enter starts the operation op on tx, which must be a transaction of t's
// store (see Tx.enter).
func (t *Table[T, K]) enter(tx *Tx, op string, write bool) error {
	return tx.enter(t.s, "table", t.m.name, op, write)
}

// Name returns the model's name.
func (t *Table[T, K]) Name() string { return t.m.name }

// out returns the caller's copy of a record's row.
func (t *Table[T, K]) out(rec *record) T {
	return copyOut[T](t.m, rec.ptr)
}

// keyOf returns a record's primary key.
func (t *Table[T, K]) keyOf(rec *record) K {
	if t.m.keyless {
		return any(RowID(t.m.pk.codec.decodeInt(rec.key(0)))).(K)
	}
	return *(*K)(unsafe.Add(rec.ptr, t.m.pk.offset))
}

// encodeKey validates and encodes a key argument.
func (t *Table[T, K]) encodeKey(op string, key K) ([]byte, error) {
	p := unsafe.Pointer(&key)
	c := t.m.pk.codec
	if c.isZero(p) {
		return nil, invalidf("%s %s: zero key", op, t.m.name)
	}
	if err := c.check(p); err != nil {
		return nil, invalidf("%s %s: %v", op, t.m.name, err)
	}
	return c.appendKey(nil, p), nil
}

// Insert inserts a copy of v and returns its primary key, assigned by the
// store when the model's key is auto and v's is zero (or the model has no
// key field). Errors are those of Tx.Insert.
func (t *Table[T, K]) Insert(tx *Tx, v T) (K, error) {
	const op = "insert"
	var zero K
	if err := t.enter(tx, op, true); err != nil {
		return zero, err
	}
	defer tx.leave()
	// v is Insert's own copy: tx.insert may write an auto key into it, and
	// newRecord copies it into the record and makes its references private.
	rec, err := tx.insert(op, t.m, unsafe.Pointer(&v), nil)
	if err != nil {
		return zero, tx.fail(err)
	}
	return t.keyOf(rec), nil
}

// Update replaces the row with v's primary key by a copy of v. Errors are
// those of Tx.Update. For a model without a key field use UpdateKey.
func (t *Table[T, K]) Update(tx *Tx, v T) error {
	const op = "update"
	if err := t.enter(tx, op, true); err != nil {
		return err
	}
	defer tx.leave()
	if t.m.keyless {
		return tx.fail(invalidf("%s %s: the model has no key field; use UpdateKey", op, t.m.name))
	}
	if _, err := tx.update(op, t.m, unsafe.Pointer(&v), nil, nil); err != nil {
		return tx.fail(err)
	}
	return nil
}

// UpdateKey replaces the row with the given key by a copy of v. For a model
// with a key field, v's key must equal key.
func (t *Table[T, K]) UpdateKey(tx *Tx, key K, v T) error {
	const op = "update"
	if err := t.enter(tx, op, true); err != nil {
		return err
	}
	defer tx.leave()
	k, err := t.encodeKey(op, key)
	if err != nil {
		return tx.fail(err)
	}
	p := unsafe.Pointer(&v) // newRecord copies it
	if !t.m.keyless && !bytes.Equal(k, t.m.pk.codec.appendKey(nil, unsafe.Add(p, t.m.pk.offset))) {
		return tx.fail(invalidf("%s %s: value's %s differs from the key %v", op, t.m.name, t.m.pk.name, key))
	}
	if _, err := tx.update(op, t.m, p, k, nil); err != nil {
		return tx.fail(err)
	}
	return nil
}

// Upsert inserts a copy of v, or replaces the row with v's key if there is
// one, and returns the key. A zero key with an auto model always inserts.
func (t *Table[T, K]) Upsert(tx *Tx, v T) (K, error) {
	const op = "upsert"
	var zero K
	if err := t.enter(tx, op, true); err != nil {
		return zero, err
	}
	defer tx.leave()
	p := unsafe.Pointer(&v) // Upsert's own copy: an auto key may be written into it; newRecord copies it
	c := t.m.pk.codec
	var rec *record
	var err error
	if t.m.keyless || c.isZero(unsafe.Add(p, t.m.pk.offset)) {
		rec, err = tx.insert(op, t.m, p, nil)
	} else if err = c.check(unsafe.Add(p, t.m.pk.offset)); err != nil {
		err = invalidf("%s %s: %v", op, t.m.name, err)
	} else if k := c.appendKey(nil, unsafe.Add(p, t.m.pk.offset)); tx.lookup(t.m, t.m.pk, k) != nil {
		rec, err = tx.update(op, t.m, p, k, nil)
	} else {
		rec, err = tx.insert(op, t.m, p, nil)
	}
	if err != nil {
		return zero, tx.fail(err)
	}
	return t.keyOf(rec), nil
}

// Delete deletes the row with the given key, applying the on-delete actions
// as Tx.Delete does. It fails with a *NotFoundError if there is no such row.
func (t *Table[T, K]) Delete(tx *Tx, key K) error {
	const op = "delete"
	if err := t.enter(tx, op, true); err != nil {
		return err
	}
	defer tx.leave()
	k, err := t.encodeKey(op, key)
	if err != nil {
		return tx.fail(err)
	}
	if err := tx.deleteKey(op, t.m, k); err != nil {
		return tx.fail(err)
	}
	return nil
}

// Get returns a copy of the row with the given key, or a *NotFoundError
// matching ErrNotFound.
func (t *Table[T, K]) Get(tx *Tx, key K) (T, error) {
	const op = "get"
	var zero T
	if err := t.enter(tx, op, false); err != nil {
		return zero, err
	}
	defer tx.leave()
	k, err := t.encodeKey(op, key)
	if err != nil {
		return zero, err
	}
	rec := tx.lookup(t.m, t.m.pk, k)
	if rec == nil {
		return zero, &NotFoundError{Op: op, Model: t.m.name, Field: t.m.pk.name, Value: key}
	}
	return t.out(rec), nil
}

// Lookup returns a copy of the row whose unique field (or primary key) has
// the given value, converted to the field's type when that is exact (an
// untyped 7 for an int32 field; see Tx.Get). It fails with ErrNotFound when
// no row has it, and ErrInvalid, listing the unique fields, when field is
// not one, or naming both types when value does not convert.
func (t *Table[T, K]) Lookup(tx *Tx, field string, value any) (T, error) {
	const op = "lookup"
	var zero T
	if err := t.enter(tx, op, false); err != nil {
		return zero, err
	}
	defer tx.leave()
	c := t.m.column(field)
	if c == nil || !c.unique {
		return zero, t.m.notUnique(op, field)
	}
	k, err := encodeValue(op, t.m, c, value)
	if err != nil {
		return zero, err
	}
	rec := tx.lookup(t.m, c, k)
	if rec == nil {
		return zero, &NotFoundError{Op: op, Model: t.m.name, Field: field, Value: value}
	}
	return t.out(rec), nil
}

// Count returns the number of rows.
func (t *Table[T, K]) Count(tx *Tx) (int, error) {
	if err := t.enter(tx, "count", false); err != nil {
		return 0, err
	}
	defer tx.leave()
	n := 0
	tx.each(t.m, t.m.pk, nil, func(*record) bool { n++; return true })
	return n, nil
}

// Scan returns the rows in primary key order, as (key, copy) pairs.
//
// In a View the sequence reads the View's snapshot, and stays valid after
// the View returns. In an Update it reads a snapshot of the transaction
// taken at the call, so writes made while iterating are not seen, and it
// yields nothing once the Update has returned (its rows may never have
// been committed): iterate it inside the Update function.
func (t *Table[T, K]) Scan(tx *Tx) (iter.Seq2[K, T], error) {
	if err := t.enter(tx, "scan", false); err != nil {
		return nil, err
	}
	defer tx.leave()
	return t.seq(tx, t.m.pk, nil, nil), nil
}

// Range returns the rows whose key k satisfies from <= k < to, in key order.
// The sequence is valid as Scan's is.
func (t *Table[T, K]) Range(tx *Tx, from, to K) (iter.Seq2[K, T], error) {
	const op = "range"
	if err := t.enter(tx, op, false); err != nil {
		return nil, err
	}
	defer tx.leave()
	c := t.m.pk.codec
	for _, k := range []*K{&from, &to} {
		if err := c.check(unsafe.Pointer(k)); err != nil {
			return nil, invalidf("%s %s: %v", op, t.m.name, err)
		}
	}
	lo := c.appendKey(nil, unsafe.Pointer(&from))
	hi := c.appendKey(nil, unsafe.Pointer(&to))
	return t.seq(tx, t.m.pk, lo, hi), nil
}

// ByFK returns the rows whose foreign key of the named belongsTo relation
// equals value (converted to the target key's type when that is exact, as
// Tx.Get converts a key), in primary key order,
// through the foreign key's index; for a polymorphic relation, every row
// with that value, whatever model its discriminator names. The sequence is
// valid as Scan's is.
func (t *Table[T, K]) ByFK(tx *Tx, relation string, value any) (iter.Seq2[K, T], error) {
	const op = "by foreign key"
	if err := t.enter(tx, op, false); err != nil {
		return nil, err
	}
	defer tx.leave()
	var c *column
	if r := t.m.relMap[relation]; r != nil {
		c = r.fk
	} else if p := t.m.poly(relation); p != nil {
		c = p.fk // the rows with the value, whatever model they name
	} else {
		return nil, invalidf("%s %s: no relation %q (its belongsTo relations: %s)", op, t.m.name, relation, listOr(belongsToNames(t.m, nil)))
	}
	k, err := encodeValue(op, t.m, c, value)
	if err != nil {
		return nil, err
	}
	return t.seq(tx, c, k, nil), nil
}

// seq iterates index c from lo (a prefix when hi is nil) to hi (exclusive).
func (t *Table[T, K]) seq(tx *Tx, c *column, lo, hi []byte) iter.Seq2[K, T] {
	txn := tx.reader()
	var live *Tx // an Update's Tx: the sequence ends with it
	if tx.write {
		txn, live = txn.Snapshot(), tx
	}
	return func(yield func(K, T) bool) {
		if live.ended() {
			return
		}
		var it interface{ Next() any }
		var err error
		if hi == nil {
			if lo == nil {
				lo = []byte{}
			}
			it, err = txn.Get(t.m.table, c.index, lo)
		} else {
			it, err = txn.LowerBound(t.m.table, c.index, lo)
		}
		if err != nil {
			panic(fmt.Sprintf("memstore: internal: scan %s.%s: %v", t.m.name, c.index, err))
		}
		var b *batch // the rows' small allocations, shared
		for raw := it.Next(); raw != nil; raw = it.Next() {
			rec := raw.(*record)
			if hi != nil && bytes.Compare(rec.key(c.slot), hi) >= 0 || live.ended() {
				return
			}
			if !yield(t.keyOf(rec), copyOutBatch[T](t.m, rec.ptr, &b)) {
				return
			}
		}
	}
}
