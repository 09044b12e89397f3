package memstore

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/bits"
	"reflect"
	"strings"
	"unsafe"

	memdb "github.com/hashicorp/go-memdb"

	"github.com/relstore/relstore/internal/relhook"
)

// relCore is the untyped core of a belongsTo relation from a source model
// to a target model, bound to one store: the primitives package relations
// builds its accessors on. Package internal/relcore wraps it in the typed
// Rel[S, T]; memstore hands it out through internal/relhook (see DESIGN.md,
// "The relation bridge"). Its methods are exported so that relcore can call
// them through an interface; the type is not, so they are not memstore's
// API and go doc does not list them.
//
// Rows cross it as unsafe.Pointer: src points at a value of the source
// model's Go type, owner at one of the target's. A row the core returns
// points at a stored row, which the caller must copy (an assignment, then
// CopyTarget or CopySource for a model that is not Plain) and never write.
// Keys cross it encoded (the store's index encoding); bytes that are not an
// encoded key of the target's referenced field are refused with ErrInvalid.
//
// No method retains a pointer, slice or key it is given once it has
// returned (a key an error keeps is copied), but for the key of Children's
// sequence: relcore relies on it to keep its callers' buffers and rows on
// their stacks. A relCore is
// immutable and safe for concurrent use; its methods that take a Tx run
// inside that transaction, which must be one of the store's (else an error
// matching ErrInvalid).
type relCore struct {
	s *Store
	r *relation
	// Operation names, built once: they name the operation in errors.
	opGet, opList, opCount, opRel string
}

// The hooks internal/relcore obtains relations through.
func init() {
	relhook.Relation = func(store any, name string, st, tt reflect.Type) (any, error) {
		return relationOf(store.(*Store), name, st, tt)
	}
	relhook.Inverse = func(store any, name string, tt, st reflect.Type) (any, error) {
		return inverseOf(store.(*Store), name, tt, st)
	}
	relhook.Through = func(store any, name string, tt, ft, lt reflect.Type) (any, any, error) {
		toOwner, toFar, err := throughOf(store.(*Store), name, tt, ft, lt)
		if err != nil {
			return nil, nil, err
		}
		return toOwner, toFar, nil
	}
	relhook.Polymorphic = func(store any, name string, st reflect.Type) (any, error) {
		return polymorphicOf(store.(*Store), name, st)
	}
}

// relationOf returns the belongsTo relation named name of the source model
// of Go type st, whose target must be the model of type tt. For a
// polymorphic relation it is the relation's view of one target, tt: its
// rows are those whose discriminator names tt (for another source row,
// AppendFK reports no key). It fails with ErrInvalid, naming the relation
// and listing those that exist, if st or tt is not a registered model, the
// source has no such belongsTo, or its target is not tt.
func relationOf(s *Store, name string, st, tt reflect.Type) (*relCore, error) {
	if s == nil {
		return nil, invalidf("relation %q: nil store", name)
	}
	sm := s.schema.byType[st]
	if sm == nil {
		return nil, invalidf("relation %q: source %v is not a registered model", name, st)
	}
	r, err := sm.belongsTo(name, tt)
	if err != nil {
		return nil, err
	}
	return newRelCore(s, r), nil
}

// inverseOf returns the belongsTo relation that the hasMany or hasOne
// relation named name of the owner model of type tt reads through: a
// belongsTo of the model of type st whose target is the owner (for a
// polymorphic one, its view of the owner). A name that the owner does not
// declare may name the belongsTo of st itself (relationOf(st, tt)). Errors
// are as relationOf's.
func inverseOf(s *Store, name string, tt, st reflect.Type) (*relCore, error) {
	if s == nil {
		return nil, invalidf("relation %q: nil store", name)
	}
	sm, tm := s.schema.byType[st], s.schema.byType[tt]
	switch {
	case tm == nil:
		return nil, invalidf("relation %q: owner %v is not a registered model", name, tt)
	case sm == nil:
		return nil, invalidf("relation %q: %v is not a registered model", name, st)
	}
	if o := tm.ownedByName(name); o != nil {
		if o.kind != HasMany && o.kind != HasOne {
			return nil, invalidf("relation %s.%s is a %v, not a hasMany or hasOne", tm.name, name, o.kind)
		}
		if o.target != sm {
			return nil, invalidf("relation %s.%s: its model is %s (%v), not %v", tm.name, name, o.target.name, o.target.typ, st)
		}
		return newRelCore(s, o.via), nil
	}
	// A belongsTo of st to tt, named by its own name.
	if r, err := sm.belongsTo(name, tt); err == nil {
		return newRelCore(s, r), nil
	} else if !tm.hasRelation(name) && sm.hasRelation(name) {
		return nil, err
	}
	return nil, invalidf("relation %q: model %s has no such hasMany or hasOne (its relations: %s)", name, tm.name, listOr(tm.relationNames()))
}

// throughOf returns the two belongsTo relations of the link model of type
// lt that the hasManyThrough or hasAndBelongsToMany relation named name of
// the owner model of type tt reads through: toOwner, to the owner, and
// toFar, to the far model of type ft. Errors are as relationOf's.
func throughOf(s *Store, name string, tt, ft, lt reflect.Type) (toOwner, toFar *relCore, err error) {
	if s == nil {
		return nil, nil, invalidf("relation %q: nil store", name)
	}
	tm := s.schema.byType[tt]
	if tm == nil {
		return nil, nil, invalidf("relation %q: owner %v is not a registered model", name, tt)
	}
	o := tm.ownedByName(name)
	if o == nil || (o.kind != HasManyThrough && o.kind != HasAndBelongsToMany) {
		return nil, nil, invalidf("relation %q: model %s has no such hasManyThrough or hasAndBelongsToMany (its relations: %s)", name, tm.name, listOr(tm.relationNames()))
	}
	switch {
	case o.target.typ != ft:
		return nil, nil, invalidf("relation %s.%s: its model is %s (%v), not %v", tm.name, name, o.target.name, o.target.typ, ft)
	case o.through.typ != lt:
		return nil, nil, invalidf("relation %s.%s: its link model is %s (%v), not %v", tm.name, name, o.through.name, o.through.typ, lt)
	}
	return newRelCore(s, o.via), newRelCore(s, o.far), nil
}

// belongsTo returns m's belongsTo named name whose target has type tt (for
// a polymorphic relation, its relation for that target).
func (m *model) belongsTo(name string, tt reflect.Type) (*relation, error) {
	r := m.relMap[name]
	if r == nil {
		p := m.poly(name)
		if p == nil {
			if o := m.ownedByName(name); o != nil {
				return nil, invalidf("relation %s.%s is a %v, not a belongsTo", m.name, name, o.kind)
			}
			return nil, m.noRelation(name)
		}
		for _, pr := range p.targets {
			if pr.target.typ == tt {
				return pr, nil
			}
		}
		names := make([]string, len(p.targets))
		for i, pr := range p.targets {
			names[i] = pr.target.name
		}
		return nil, invalidf("relation %s.%s: polymorphic, its models are %s, not %v", m.name, name, strings.Join(names, ", "), tt)
	}
	if r.target.typ != tt {
		return nil, invalidf("relation %s.%s: target is %s (%v), not %v", m.name, name, r.target.name, r.target.typ, tt)
	}
	return r, nil
}

func newRelCore(s *Store, r *relation) *relCore {
	return &relCore{s: s, r: r, opGet: "get " + r.name, opList: "list " + r.name, opCount: "count " + r.name, opRel: "relation " + r.name}
}

// enter starts the operation op on tx, which must be a transaction of r's
// store (see Tx.enter).
func (r *relCore) enter(tx *Tx, op string, write bool) error {
	return tx.enter(r.s, "relation", r.r.name, op, write)
}

// checkKey refuses k, an encoded key of the relation's target, when it is
// not one (see codec.valid): a key of another width, an unterminated or
// badly escaped string, nil or empty.
//
// The common 64-bit integer key is checked inline, without a call: it is
// on the path of every owner lookup.
func (r *relation) checkKey(op string, k []byte) error {
	if len(k) == 8 && r.keyTo.word {
		return nil
	}
	return r.checkKeySlow(op, k)
}

func (r *relation) checkKeySlow(op string, k []byte) error {
	if c := r.keyTo.codec; !c.valid(k) {
		// A copy in the error: k itself must not escape, or every caller's
		// key buffer (package relations keeps it on the stack) would.
		return invalidf("%s: %x is not an encoded %v key", op, string(k), c.typ)
	}
	return nil
}

// Name returns the relation's name, e.g. "customer".
func (r *relCore) Name() string { return r.r.name }

// Source returns the source model's name, e.g. "Order".
func (r *relCore) Source() string { return r.r.source.name }

// Target returns the target model's name, e.g. "Customer".
func (r *relCore) Target() string { return r.r.target.name }

// FK returns the foreign key field's name, e.g. "CustomerID".
func (r *relCore) FK() string { return r.r.fk.name }

// KeyTo returns the referenced target field's name.
func (r *relCore) KeyTo() string { return r.r.keyTo.name }

// Nullable reports whether the foreign key can be null (a pointer or a
// shadow column).
func (r *relCore) Nullable() bool { return r.r.fk.nullable }

// Shadow reports whether the foreign key is a shadow column, which only the
// store holds: reading it needs a transaction.
func (r *relCore) Shadow() bool { return r.r.fk.shadow }

// Unique reports whether the foreign key is unique (a hasOne relation).
func (r *relCore) Unique() bool { return r.r.fk.unique }

// SelfReferencing reports whether the source and target are the same model.
func (r *relCore) SelfReferencing() bool { return r.r.source == r.r.target }

// OnDelete returns the relation's on-delete action.
func (r *relCore) OnDelete() Action { return r.r.onDelete }

// Space identifies the target's referenced index in cache keys and in
// Store.KeyHash: the Invalidator is told KeyHash(Space(), key) for every
// change of a target row with that key.
func (r *relCore) Space() uint32 { return space(r.r.target, r.r.keyTo) }

// SourceSpace identifies the source's primary key index in cache keys and in
// Store.KeyHash: every commit that changes a source row (its foreign key
// included) reports KeyHash(SourceSpace(), its encoded key).
func (r *relCore) SourceSpace() uint32 { return space(r.r.source, r.r.source.pk) }

// Plain reports whether a target value can be copied by assignment (no
// reference fields): CopyTarget then has nothing to do.
func (r *relCore) Plain() bool { return r.r.target.plain }

// WordFK reports whether the foreign key is a plain 64-bit integer field of
// a relation that is not polymorphic, the common case, whose encoded key
// AppendFK appends without a transaction: the 8 bytes at offset in the
// source row, xor flip, big-endian. relcore encodes it inline, without a
// call.
func (r *relCore) WordFK() (offset uintptr, flip uint64, ok bool) {
	c := r.r.fk
	return c.offset, c.flip, c.word && r.r.poly == nil
}

// WordKeyTo is WordFK for the referenced target field, which AppendKey
// encodes.
func (r *relCore) WordKeyTo() (offset uintptr, flip uint64, ok bool) {
	c := r.r.keyTo
	return c.offset, c.flip, c.word
}

// AppendFK appends the encoded foreign key of the source row at src to buf
// and reports whether it is non-null. For a shadow foreign key it reads the
// stored row of src (by its primary key) in tx, and fails with ErrNotFound
// if there is none; for a field tx is not used and may be nil.
func (r *relCore) AppendFK(tx *Tx, buf []byte, src unsafe.Pointer) ([]byte, bool, error) {
	if src == nil {
		return buf, false, invalidf("relation %s: nil %s", r.r.name, r.r.source.name)
	}
	if tx != nil && tx.s != r.s {
		return buf, false, invalidf("read %s: relation %s belongs to another store", r.r.name, r.r.name)
	}
	c := r.r.fk
	if r.r.poly != nil && !r.r.ownsRow(src) {
		return buf, false, nil // src references another model, or none
	}
	if c.word {
		return c.appendKey(buf, src), true, nil
	}
	if !c.shadow {
		p := c.keyPtr(src)
		if p == nil {
			return buf, false, nil
		}
		if err := c.codec.check(p); err != nil {
			return buf, false, invalidf("relation %s: %v", r.r.name, err)
		}
		return c.codec.appendKey(buf, p), true, nil
	}
	op := "read " + r.r.name
	if err := r.enter(tx, op, false); err != nil {
		return buf, false, err
	}
	defer tx.leave()
	rec, err := r.stored(op, tx, src)
	if err != nil {
		return buf, false, err
	}
	k := rec.key(c.slot)
	return append(buf, k...), k != nil, nil
}

// AppendFKs is AppendFK and [Store.KeyHash] of Space() for the n source
// rows that start at srcs (consecutive values of the source's Go type), for
// a foreign key that is a field: for each row i it appends the encoded key
// to arena and sets ends[i] to the key's end in arena and hashes[i] to its
// hash; for a nil foreign key it appends nothing and sets ends[i] to -1
// (the next key starts at the previous end). A plain 64-bit integer field,
// the common case, is encoded and hashed inline, several times faster than
// a call of each per source. It fails with ErrInvalid for a shadow foreign
// key (use AppendFK in a transaction), when ends or hashes is shorter than
// n, and for a key AppendFK refuses; on an error the returned arena has its
// original length.
func (r *relCore) AppendFKs(arena []byte, srcs unsafe.Pointer, n int, ends []int32, hashes []uint64) ([]byte, error) {
	c := r.r.fk
	switch {
	case c.shadow:
		return arena, invalidf("relation %s: AppendFKs of a shadow foreign key", r.r.name)
	case len(ends) < n || len(hashes) < n:
		return arena, invalidf("relation %s: AppendFKs of %d sources into %d ends and %d hashes", r.r.name, n, len(ends), len(hashes))
	}
	sp, size := r.Space(), r.r.source.typ.Size()
	if c.word && r.r.poly == nil {
		// ends and hashes cut to n: no bounds check per row. A row's field
		// is addressed from i, never by stepping a pointer, which would
		// point past the last row at the end (checkptr, under -race,
		// refuses it). The seeds of hashWords(w, w, 8) are loaded once
		// (TestAppendFKs checks the hashes against KeyHash).
		off, flip := c.offset, c.flip
		k0, k1 := r.s.seed2[0], r.s.seed2[1]^8
		ends, hashes = ends[:n], hashes[:n]
		for i := range ends {
			v := *(*uint64)(unsafe.Add(srcs, uintptr(i)*size+off)) ^ flip
			arena = binary.BigEndian.AppendUint64(arena, v)
			ends[i] = int32(len(arena))
			// KeyHash reads the 8 big-endian bytes little-endian, twice.
			w := bits.ReverseBytes64(v)
			hi, lo := bits.Mul64(w^k0, w^k1)
			hashes[i] = inSpace(hi^lo, sp)
		}
		return arena, nil
	}
	l := len(arena)
	for i := range n {
		start := len(arena)
		var ok bool
		var err error
		if arena, ok, err = r.AppendFK(nil, arena, unsafe.Add(srcs, uintptr(i)*size)); err != nil {
			return arena[:l], err
		}
		if !ok {
			ends[i] = -1
			continue
		}
		ends[i] = int32(len(arena))
		hashes[i] = r.s.KeyHash(sp, arena[start:])
	}
	return arena, nil
}

// stored returns the stored record of the source row at src; the caller has
// entered tx.
func (r *relCore) stored(op string, tx *Tx, src unsafe.Pointer) (*record, error) {
	m := r.r.source
	k, err := m.appendPK(op, nil, src)
	if err != nil {
		return nil, err
	}
	rec := tx.lookup(m, m.pk, k)
	if rec == nil {
		return nil, &NotFoundError{Op: op, Model: m.name, Field: m.pk.name, Value: m.pk.codec.value(k)}
	}
	return rec, nil
}

// AppendKey appends the encoded value of the referenced field (the
// relation's KeyTo) of the target row at owner to buf; ok is false when it
// is a nil pointer.
func (r *relCore) AppendKey(buf []byte, owner unsafe.Pointer) ([]byte, bool, error) {
	if owner == nil {
		return buf, false, invalidf("relation %s: nil %s", r.r.name, r.r.target.name)
	}
	c := r.r.keyTo
	if c.shadow {
		return buf, false, invalidf("relation %s: %s has no key field", r.r.name, r.r.target.name)
	}
	p := c.keyPtr(owner)
	if p == nil {
		return buf, false, nil
	}
	if err := c.codec.check(p); err != nil {
		return buf, false, invalidf("relation %s: %v", r.r.name, err)
	}
	return c.codec.appendKey(buf, p), true, nil
}

// Owner returns the stored target row whose referenced field has the
// encoded key k, or a *NotFoundError.
func (r *relCore) Owner(tx *Tx, k []byte) (unsafe.Pointer, error) {
	op := r.opGet
	if err := r.enter(tx, op, false); err != nil {
		return nil, err
	}
	defer tx.leave()
	if err := r.r.checkKey(op, k); err != nil {
		return nil, err
	}
	t := r.r.target
	rec := tx.lookup(t, r.r.keyTo, k)
	if rec == nil {
		return nil, &NotFoundError{Op: op, Model: t.name, Field: r.r.keyTo.name, Value: r.r.keyTo.codec.value(k)}
	}
	return rec.ptr, nil
}

// FormatKey returns the value an encoded key of the relation stands for,
// for messages; for bytes that are not an encoded key of the relation's
// target, a string that says so.
func (r *relCore) FormatKey(k []byte) any {
	if !r.r.keyTo.codec.valid(k) {
		return fmt.Sprintf("invalid key %x", k)
	}
	return r.r.keyTo.codec.value(k)
}

// Children returns the sequence of the stored source rows whose foreign key
// is the encoded key k, in primary key order, through the foreign key
// index; the caller copies each row before its yield returns. The sequence
// is valid as Table.Scan's is: after a View, it still reads the View's
// snapshot; in an Update, it reads a snapshot taken at the call and yields
// nothing once the Update has returned. The sequence keeps k (the one
// exception to "no method retains what it is given").
func (r *relCore) Children(tx *Tx, k []byte) (func(yield func(unsafe.Pointer) bool), error) {
	if err := r.enter(tx, r.opList, false); err != nil {
		return nil, err
	}
	defer tx.leave()
	if err := r.r.checkKey(r.opList, k); err != nil {
		return nil, err
	}
	txn := tx.reader()
	var live *Tx // an Update's Tx: the sequence ends with it
	if tx.write {
		txn, live = txn.Snapshot(), tx
	}
	m, c := r.r.source, r.r.fk
	return func(yield func(unsafe.Pointer) bool) {
		if live.ended() {
			return
		}
		it, err := txn.Get(m.table, c.index, k)
		if err != nil {
			panic(fmt.Sprintf("memstore: internal: children %s.%s: %v", m.name, c.index, err))
		}
		for raw := it.Next(); raw != nil; raw = it.Next() {
			rec := raw.(*record)
			if !r.r.owns(rec) {
				continue
			}
			if live.ended() || !yield(rec.ptr) {
				return
			}
		}
	}, nil
}

// CountChildren returns the number of source rows whose foreign key is the
// encoded key k.
func (r *relCore) CountChildren(tx *Tx, k []byte) (int, error) {
	if err := r.enter(tx, r.opCount, false); err != nil {
		return 0, err
	}
	defer tx.leave()
	if err := r.r.checkKey(r.opCount, k); err != nil {
		return 0, err
	}
	n := 0
	tx.each(r.r.source, r.r.fk, k, func(rec *record) bool {
		if r.r.owns(rec) {
			n++
		}
		return true
	})
	return n, nil
}

// SetFK points the stored source row with the primary key of the row at
// src at the target row whose referenced field has the encoded key k, or
// clears the foreign key when k is nil. Only the foreign key changes: other
// fields keep their stored values. It is checked like any foreign key write
// (a *ForeignKeyError when no target has k; ErrInvalid to clear a
// non-nullable key) and src's foreign key field, if it has one, is set to
// match.
func (r *relCore) SetFK(tx *Tx, src unsafe.Pointer, k []byte) error {
	op := "set " + r.r.name
	if err := r.enter(tx, op, true); err != nil {
		return err
	}
	defer tx.leave()
	if src == nil {
		return tx.fail(invalidf("%s: nil %s", op, r.r.source.name))
	}
	c, m := r.r.fk, r.r.source
	if k == nil && !c.nullable {
		return tx.fail(invalidf("%s: %s.%s is not nullable", op, m.name, c.name))
	}
	if k != nil {
		if err := r.r.checkKey(op, k); err != nil {
			return tx.fail(err)
		}
	}
	old, err := r.stored(op, tx, src)
	if err != nil {
		return tx.fail(err)
	}
	p := m.copyRow(old.ptr)
	var val unsafe.Pointer // the new foreign key value, for the field
	if k != nil {
		val = r.r.keyTo.codec.decode(k).Addr().UnsafePointer()
	}
	if !c.shadow {
		setField(c, p, val)
	}
	if k != nil && r.r.poly != nil {
		r.r.poly.setDisc(p, r.r.target.name)
	}
	sh := old.keyList()
	sh[c.slot] = exact(k)
	if _, err := tx.update(op, m, p, old.key(0), sh); err != nil {
		return tx.fail(err)
	}
	if !c.shadow {
		setField(c, src, val)
	}
	if k != nil && r.r.poly != nil {
		r.r.poly.setDisc(src, r.r.target.name)
	}
	return nil
}

// setField stores the key value at val (nil for null) in the field of c of
// the row at base. A pointer field gets its own copy.
func setField(c *column, base, val unsafe.Pointer) {
	fp := unsafe.Add(base, c.offset)
	if c.nullable {
		if val == nil {
			*(*unsafe.Pointer)(fp) = nil
			return
		}
		n := reflect.New(c.codec.typ)
		typedmemmove(c.codec.typ, n.UnsafePointer(), val)
		*(*unsafe.Pointer)(fp) = n.UnsafePointer()
		return
	}
	typedmemmove(c.codec.typ, fp, val)
}

// InsertChild inserts a copy of the source row at src with its foreign key
// set to the encoded key k (a shadow foreign key too), and writes the
// foreign key and any auto key back to the row at src. It is checked like
// Tx.Insert.
func (r *relCore) InsertChild(tx *Tx, src unsafe.Pointer, k []byte) error {
	op := "create " + r.r.name
	if err := r.enter(tx, op, true); err != nil {
		return err
	}
	defer tx.leave()
	if src == nil {
		return tx.fail(invalidf("%s: nil %s", op, r.r.source.name))
	}
	c, m := r.r.fk, r.r.source
	if k == nil && !c.nullable {
		return tx.fail(invalidf("%s: %s.%s is not nullable", op, m.name, c.name))
	}
	var val unsafe.Pointer
	if k != nil {
		if err := r.r.checkKey(op, k); err != nil {
			return tx.fail(err)
		}
		val = r.r.keyTo.codec.decode(k).Addr().UnsafePointer()
	}
	p := m.copyRow(src)
	var shadow [][]byte
	if c.shadow {
		shadow = make([][]byte, len(m.slots))
		shadow[c.slot] = exact(k)
	} else {
		setField(c, p, val)
	}
	poly := k != nil && r.r.poly != nil
	if poly {
		r.r.poly.setDisc(p, r.r.target.name)
	}
	if _, err := tx.insert(op, m, p, shadow); err != nil {
		return tx.fail(err)
	}
	if !c.shadow {
		setField(c, src, val)
	}
	if poly {
		r.r.poly.setDisc(src, r.r.target.name)
	}
	if m.auto && !m.keyless {
		typedmemmove(m.pk.codec.typ, unsafe.Add(src, m.pk.offset), unsafe.Add(p, m.pk.offset))
	}
	return nil
}

// HasChild reports whether the stored source row with the key of the row at
// src exists and has the encoded foreign key k.
func (r *relCore) HasChild(tx *Tx, src unsafe.Pointer, k []byte) (bool, error) {
	op := "check " + r.r.name
	if err := r.enter(tx, op, false); err != nil {
		return false, err
	}
	defer tx.leave()
	if src == nil {
		return false, invalidf("%s: nil %s", op, r.r.source.name)
	}
	if err := r.r.checkKey(op, k); err != nil {
		return false, err
	}
	rec, err := r.stored(op, tx, src)
	if err != nil {
		return false, err
	}
	return string(rec.key(r.r.fk.slot)) == string(k) && rec.key(r.r.fk.slot) != nil && r.r.owns(rec), nil
}

// LookupSource returns the stored source row whose primary key is key
// (converted to the source key's type when that is exact, as Tx.Get
// converts a key), or a *NotFoundError.
func (r *relCore) LookupSource(tx *Tx, key any) (unsafe.Pointer, error) {
	op := "get " + r.r.source.name
	if err := r.enter(tx, op, false); err != nil {
		return nil, err
	}
	defer tx.leave()
	m := r.r.source
	k, err := encodeValue(op, m, m.pk, key)
	if err != nil {
		return nil, err
	}
	if v := reflect.ValueOf(key); v.IsZero() {
		return nil, invalidf("%s: zero key", op)
	}
	rec := tx.lookup(m, m.pk, k)
	if rec == nil {
		return nil, &NotFoundError{Op: op, Model: m.name, Field: m.pk.name, Value: key}
	}
	return rec.ptr, nil
}

// CopyTarget gives dst, which holds an assignment copy of the target row at
// src, its own memory for every reference (see "Copies" in Table's doc):
// nothing to do for a Plain target.
func (r *relCore) CopyTarget(dst, src unsafe.Pointer) {
	if t := r.r.target; !t.plain {
		t.plan.copyOnly(dst, src, nil)
	}
}

// CopySource is CopyTarget for a source row. When b is not nil, the copy's
// small allocations come from the batch *b holds, made at the first row
// that needs one (a *batch; the caller keeps the slot, nil at first, for
// the rows it copies together).
func (r *relCore) CopySource(dst, src unsafe.Pointer, b *unsafe.Pointer) {
	m := r.r.source
	switch {
	case m.plain:
	case b == nil:
		m.plan.copyOnly(dst, src, nil)
	default:
		if *b == nil {
			*b = unsafe.Pointer(new(batch))
		}
		m.plan.copyOnly(dst, src, (*batch)(*b))
	}
}

// CopySources is CopySource for len(srcs) rows copied together: dst is the
// first of len(srcs) consecutive values of the source's Go type, each an
// assignment copy of the stored row srcs[i], as ChildrenNow returns them.
// Their small allocations are carved from one batch sized to what they
// need (see privatizeRows).
func (r *relCore) CopySources(dst unsafe.Pointer, srcs []unsafe.Pointer) {
	m := r.r.source
	if !m.plain {
		m.privatizeRows(dst, srcs)
	}
}

// AppendSourceKey appends the encoded primary key of the source row at src
// to buf. It fails with ErrInvalid for a zero key or a model without a key
// field.
func (r *relCore) AppendSourceKey(buf []byte, src unsafe.Pointer) ([]byte, error) {
	m := r.r.source
	if src == nil {
		return buf, invalidf("relation %s: nil %s", r.r.name, m.name)
	}
	return m.appendPK(r.opRel, buf, src)
}

// FKIsZero reports whether the foreign key field of the source row at src
// holds its type's zero value or is nil (false for a shadow foreign key).
func (r *relCore) FKIsZero(src unsafe.Pointer) bool {
	c := r.r.fk
	if c.shadow || src == nil {
		return false
	}
	p := c.keyPtr(src)
	return p == nil || c.codec.isZero(p)
}

// latest returns a read transaction on the latest committed state, for the
// *Now methods: View's checks (a nil or finished context, a closed store)
// without View's closure and Tx, which cost allocations on every read.
func (s *Store) latest(ctx context.Context, op string) (*memdb.Txn, error) {
	if ctx == nil {
		return nil, invalidf("%s: nil context", op)
	}
	if err := ctx.Err(); err != nil {
		return nil, opErr(op, err)
	}
	if s.closed.Load() {
		return nil, ErrClosed
	}
	return s.cur.Load().read, nil
}

// out returns the caller's copy of a row of m: a plain assignment when the
// model has no reference fields (the common case, and no allocation).
func out[T any](m *model, rec *record) T {
	return copyOut[T](m, rec.ptr)
}

// OwnerNow is Owner over the latest committed state, without a View: what
// a single read of one owner needs (package relations' Get on a miss). It
// fails like View for a nil or finished context and a closed store.
func (r *relCore) OwnerNow(ctx context.Context, k []byte) (unsafe.Pointer, error) {
	txn, err := r.s.latest(ctx, r.opGet)
	if err != nil {
		return nil, err
	}
	if err := r.r.checkKey(r.opGet, k); err != nil {
		return nil, err
	}
	t := r.r.target
	rec := first(txn, t, r.r.keyTo, k)
	if rec == nil {
		return nil, &NotFoundError{Op: r.opGet, Model: t.name, Field: r.r.keyTo.name, Value: r.r.keyTo.codec.value(k)}
	}
	return rec.ptr, nil
}

// ChildrenNow appends to rows the stored source rows whose foreign key is
// the encoded key k, in primary key order, over the latest committed state,
// without a View: the caller copies them (CopySources).
func (r *relCore) ChildrenNow(ctx context.Context, k []byte, rows []unsafe.Pointer) ([]unsafe.Pointer, error) {
	txn, err := r.s.latest(ctx, r.opList)
	if err != nil {
		return rows, err
	}
	if err := r.r.checkKey(r.opList, k); err != nil {
		return rows, err
	}
	m, c := r.r.source, r.r.fk
	it, err := txn.Get(m.table, c.index, k)
	if err != nil {
		panic(fmt.Sprintf("memstore: internal: children %s.%s: %v", m.name, c.index, err))
	}
	for raw := it.Next(); raw != nil; raw = it.Next() {
		if rec := raw.(*record); r.r.owns(rec) {
			rows = append(rows, rec.ptr)
		}
	}
	return rows, nil
}

// CountChildrenNow is CountChildren over the latest committed state.
func (r *relCore) CountChildrenNow(ctx context.Context, k []byte) (int, error) {
	txn, err := r.s.latest(ctx, r.opCount)
	if err != nil {
		return 0, err
	}
	if err := r.r.checkKey(r.opCount, k); err != nil {
		return 0, err
	}
	m, c := r.r.source, r.r.fk
	it, err := txn.Get(m.table, c.index, k)
	if err != nil {
		panic(fmt.Sprintf("memstore: internal: children %s.%s: %v", m.name, c.index, err))
	}
	n := 0
	for raw := it.Next(); raw != nil; raw = it.Next() {
		if r.r.owns(raw.(*record)) {
			n++
		}
	}
	return n, nil
}

// OwnerOfKeyNow returns the stored owner of the source row whose primary key
// is key (converted as LookupSource converts it), reading the row and its
// owner from one snapshot, the latest; ok is false when the row's foreign
// key is null.
func (r *relCore) OwnerOfKeyNow(ctx context.Context, key any) (owner unsafe.Pointer, ok bool, err error) {
	txn, err := r.s.latest(ctx, r.opGet)
	if err != nil {
		return nil, false, err
	}
	m := r.r.source
	k, err := encodeValue(r.opGet, m, m.pk, key)
	if err != nil {
		return nil, false, err
	}
	if v := reflect.ValueOf(key); v.IsZero() {
		return nil, false, invalidf("%s: zero key", r.opGet)
	}
	src := first(txn, m, m.pk, k)
	if src == nil {
		return nil, false, &NotFoundError{Op: r.opGet, Model: m.name, Field: m.pk.name, Value: key}
	}
	fk := src.key(r.r.fk.slot)
	if fk == nil || !r.r.owns(src) {
		return nil, false, nil
	}
	t := r.r.target
	rec := first(txn, t, r.r.keyTo, fk)
	if rec == nil {
		panic(fmt.Sprintf("memstore: internal: %s %v references no %s", m.name, key, t.name))
	}
	return rec.ptr, true, nil
}
