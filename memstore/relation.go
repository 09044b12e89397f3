package memstore

import (
	"context"
	"encoding/binary"
	"fmt"
	"iter"
	"math/bits"
	"reflect"
	"slices"
	"strings"
	"unsafe"

	memdb "github.com/hashicorp/go-memdb"
)

// Rel is the typed handle of a belongsTo relation from source model S to
// target model T: the primitives package relations builds its accessors on.
// Keys cross it encoded (the store's index encoding), so that a caller can
// hash them, cache them and look them up without converting; bytes that are
// not an encoded key of the target's referenced field (another width, a
// badly terminated or escaped string, nil where a key is required) are
// refused with ErrInvalid. A Rel is
// immutable and safe for concurrent use; its methods that take a Tx run
// inside that transaction, which must be one of the Rel's store (else an
// error matching ErrInvalid).
//
// For package relations; most programs use package relations instead.
type Rel[S, T any] struct {
	s *Store
	r *relation
	// Operation names, built once: they name the operation in errors.
	opGet, opList, opCount, opRel string
}

// RelationOf returns the belongsTo relation named name of source model S,
// whose target must be model T. For a polymorphic relation it is the
// relation's view of one target, T: its rows are those whose discriminator
// names T (for another source row, AppendFK reports no key). It fails with
// ErrInvalid, naming the relation and listing those that exist, if S or T
// is not a registered model, S has no such belongsTo, or its target is not
// T.
//
// For package relations; most programs use package relations instead.
func RelationOf[S, T any](s *Store, name string) (*Rel[S, T], error) {
	if s == nil {
		return nil, invalidf("relation %q: nil store", name)
	}
	st, tt := reflect.TypeFor[S](), reflect.TypeFor[T]()
	sm := s.schema.byType[st]
	if sm == nil {
		return nil, invalidf("relation %q: source %v is not a registered model", name, st)
	}
	r, err := sm.belongsTo(name, tt)
	if err != nil {
		return nil, err
	}
	return newRel[S, T](s, r), nil
}

// InverseOf returns the belongsTo relation that the hasMany or hasOne
// relation named name of owner model T reads through: a belongsTo of model
// S whose target is T (for a polymorphic one, its view of T). A name that T
// does not declare may name the belongsTo of S itself (RelationOf[S, T]).
// Errors are as RelationOf's.
//
// For package relations; most programs use package relations instead.
func InverseOf[T, S any](s *Store, name string) (*Rel[S, T], error) {
	if s == nil {
		return nil, invalidf("relation %q: nil store", name)
	}
	st, tt := reflect.TypeFor[S](), reflect.TypeFor[T]()
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
		return newRel[S, T](s, o.via), nil
	}
	// A belongsTo of S to T, named by its own name.
	if r, err := sm.belongsTo(name, tt); err == nil {
		return newRel[S, T](s, r), nil
	} else if !tm.hasRelation(name) && sm.hasRelation(name) {
		return nil, err
	}
	return nil, invalidf("relation %q: model %s has no such hasMany or hasOne (its relations: %s)", name, tm.name, listOr(tm.relationNames()))
}

// ThroughOf returns the two belongsTo relations of the link model L that
// the hasManyThrough or hasAndBelongsToMany relation named name of owner
// model T reads through: toOwner, to T, and toFar, to the far model F.
// Errors are as RelationOf's.
//
// For package relations; most programs use package relations instead.
func ThroughOf[T, F, L any](s *Store, name string) (toOwner *Rel[L, T], toFar *Rel[L, F], err error) {
	if s == nil {
		return nil, nil, invalidf("relation %q: nil store", name)
	}
	tt, ft, lt := reflect.TypeFor[T](), reflect.TypeFor[F](), reflect.TypeFor[L]()
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
	return newRel[L, T](s, o.via), newRel[L, F](s, o.far), nil
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

func newRel[S, T any](s *Store, r *relation) *Rel[S, T] {
	return &Rel[S, T]{s: s, r: r, opGet: "get " + r.name, opList: "list " + r.name, opCount: "count " + r.name, opRel: "relation " + r.name}
}

// enter starts the operation op on tx, which must be a transaction of r's
// store (see Tx.enter).
func (r *Rel[S, T]) enter(tx *Tx, op string, write bool) error {
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
func (r *Rel[S, T]) Name() string { return r.r.name }

// Source returns the source model's name, e.g. "Order".
func (r *Rel[S, T]) Source() string { return r.r.source.name }

// Target returns the target model's name, e.g. "Customer".
func (r *Rel[S, T]) Target() string { return r.r.target.name }

// FK returns the foreign key field's name, e.g. "CustomerID".
func (r *Rel[S, T]) FK() string { return r.r.fk.name }

// KeyTo returns the referenced target field's name.
func (r *Rel[S, T]) KeyTo() string { return r.r.keyTo.name }

// Nullable reports whether the foreign key can be null (a pointer or a
// shadow column).
func (r *Rel[S, T]) Nullable() bool { return r.r.fk.nullable }

// Shadow reports whether the foreign key is a shadow column, which only the
// store holds: reading it needs a transaction.
func (r *Rel[S, T]) Shadow() bool { return r.r.fk.shadow }

// Unique reports whether the foreign key is unique (a hasOne relation).
func (r *Rel[S, T]) Unique() bool { return r.r.fk.unique }

// SelfReferencing reports whether the source and target are the same model.
func (r *Rel[S, T]) SelfReferencing() bool { return r.r.source == r.r.target }

// OnDelete returns the relation's on-delete action.
func (r *Rel[S, T]) OnDelete() Action { return r.r.onDelete }

// Space identifies the target's referenced index in cache keys and in
// Store.KeyHash: the Invalidator is told KeyHash(Space(), key) for every
// change of a target row with that key.
func (r *Rel[S, T]) Space() uint32 { return space(r.r.target, r.r.keyTo) }

// AppendFK appends src's encoded foreign key to buf and reports whether it
// is non-null. For a shadow foreign key it reads the stored row of src (by
// its primary key) in tx, and fails with ErrNotFound if there is none; for a
// field tx is not used and may be nil.
func (r *Rel[S, T]) AppendFK(tx *Tx, buf []byte, src *S) ([]byte, bool, error) {
	if src == nil {
		return buf, false, invalidf("relation %s: nil %s", r.r.name, r.r.source.name)
	}
	if tx != nil && tx.s != r.s {
		return buf, false, invalidf("read %s: relation %s belongs to another store", r.r.name, r.r.name)
	}
	c := r.r.fk
	if r.r.poly != nil && !r.r.ownsRow(unsafe.Pointer(src)) {
		return buf, false, nil // src references another model, or none
	}
	if c.word {
		return c.appendKey(buf, unsafe.Pointer(src)), true, nil
	}
	if !c.shadow {
		p := c.keyPtr(unsafe.Pointer(src))
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

// AppendFKs is AppendFK and [Store.KeyHash] of Space() for many sources
// at once, for a foreign key that is a field: for each srcs[i] it appends
// the encoded key to arena and sets ends[i] to the key's end in arena and
// hashes[i] to its hash; for a nil foreign key it appends nothing and sets
// ends[i] to -1 (the next key starts at the previous end). A plain 64-bit
// integer field, the common case, is encoded and hashed inline, several
// times faster than a call of each per source. It fails with ErrInvalid for
// a shadow foreign key (use AppendFK in a transaction), when ends or hashes
// is shorter than srcs, and for a key AppendFK refuses; on an error the
// returned arena has its original length.
func (r *Rel[S, T]) AppendFKs(arena []byte, srcs []S, ends []int32, hashes []uint64) ([]byte, error) {
	c := r.r.fk
	switch {
	case c.shadow:
		return arena, invalidf("relation %s: AppendFKs of a shadow foreign key", r.r.name)
	case len(ends) < len(srcs) || len(hashes) < len(srcs):
		return arena, invalidf("relation %s: AppendFKs of %d sources into %d ends and %d hashes", r.r.name, len(srcs), len(ends), len(hashes))
	}
	sp := r.Space()
	if c.word && r.r.poly == nil {
		for i := range srcs {
			v := *(*uint64)(unsafe.Add(unsafe.Pointer(&srcs[i]), c.offset)) ^ c.flip
			arena = binary.BigEndian.AppendUint64(arena, v)
			ends[i] = int32(len(arena))
			// KeyHash reads the 8 big-endian bytes little-endian, twice.
			w := bits.ReverseBytes64(v)
			hashes[i] = inSpace(r.s.hashWords(w, w, 8), sp)
		}
		return arena, nil
	}
	n := len(arena)
	for i := range srcs {
		start := len(arena)
		var ok bool
		var err error
		if arena, ok, err = r.AppendFK(nil, arena, &srcs[i]); err != nil {
			return arena[:n], err
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

// stored returns the stored record of the source row src; the caller has
// entered tx.
func (r *Rel[S, T]) stored(op string, tx *Tx, src *S) (*record, error) {
	m := r.r.source
	k, err := m.appendPK(op, nil, unsafe.Pointer(src))
	if err != nil {
		return nil, err
	}
	rec := tx.lookup(m, m.pk, k)
	if rec == nil {
		return nil, &NotFoundError{Op: op, Model: m.name, Field: m.pk.name, Value: m.pk.codec.value(k)}
	}
	return rec, nil
}

// AppendKey appends the encoded value of owner's referenced field (the
// relation's KeyTo) to buf; ok is false when it is a nil pointer.
func (r *Rel[S, T]) AppendKey(buf []byte, owner *T) ([]byte, bool, error) {
	if owner == nil {
		return buf, false, invalidf("relation %s: nil %s", r.r.name, r.r.target.name)
	}
	c := r.r.keyTo
	if c.shadow {
		return buf, false, invalidf("relation %s: %s has no key field", r.r.name, r.r.target.name)
	}
	p := c.keyPtr(unsafe.Pointer(owner))
	if p == nil {
		return buf, false, nil
	}
	if err := c.codec.check(p); err != nil {
		return buf, false, invalidf("relation %s: %v", r.r.name, err)
	}
	return c.codec.appendKey(buf, p), true, nil
}

// Owner returns a copy of the target row whose referenced field has the
// encoded key k, or a *NotFoundError.
func (r *Rel[S, T]) Owner(tx *Tx, k []byte) (T, error) {
	var zero T
	op := r.opGet
	if err := r.enter(tx, op, false); err != nil {
		return zero, err
	}
	defer tx.leave()
	if err := r.r.checkKey(op, k); err != nil {
		return zero, err
	}
	t := r.r.target
	rec := tx.lookup(t, r.r.keyTo, k)
	if rec == nil {
		return zero, &NotFoundError{Op: op, Model: t.name, Field: r.r.keyTo.name, Value: r.r.keyTo.codec.value(k)}
	}
	return copyOut[T](t, rec.ptr), nil
}

// FormatKey returns the value an encoded key of the relation stands for,
// for messages; for bytes that are not an encoded key of the relation's
// target, a string that says so.
func (r *Rel[S, T]) FormatKey(k []byte) any {
	if !r.r.keyTo.codec.valid(k) {
		return fmt.Sprintf("invalid key %x", k)
	}
	return r.r.keyTo.codec.value(k)
}

// Children returns copies of the source rows whose foreign key is the
// encoded key k, in primary key order, through the foreign key index. The
// sequence is valid as Table.Scan's is: after a View, it still reads the
// View's snapshot; in an Update, it reads a snapshot taken at the call and
// yields nothing once the Update has returned.
func (r *Rel[S, T]) Children(tx *Tx, k []byte) (iter.Seq[S], error) {
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
	return func(yield func(S) bool) {
		if live.ended() {
			return
		}
		it, err := txn.Get(m.table, c.index, k)
		if err != nil {
			panic(fmt.Sprintf("memstore: internal: children %s.%s: %v", m.name, c.index, err))
		}
		var b *batch // the rows' small allocations, shared
		for raw := it.Next(); raw != nil; raw = it.Next() {
			rec := raw.(*record)
			if !r.r.owns(rec) {
				continue
			}
			if live.ended() || !yield(copyOutBatch[S](m, rec.ptr, &b)) {
				return
			}
		}
	}, nil
}

// CountChildren returns the number of source rows whose foreign key is the
// encoded key k.
func (r *Rel[S, T]) CountChildren(tx *Tx, k []byte) (int, error) {
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

// SetFK points the stored source row with src's primary key at the target
// row whose referenced field has the encoded key k, or clears the foreign
// key when k is nil. Only the foreign key changes: other fields keep their
// stored values. It is checked like any foreign key write (a
// *ForeignKeyError when no target has k; ErrInvalid to clear a non-nullable
// key) and src's foreign key field, if it has one, is set to match.
func (r *Rel[S, T]) SetFK(tx *Tx, src *S, k []byte) error {
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
		setField(c, unsafe.Pointer(src), val)
	}
	if k != nil && r.r.poly != nil {
		r.r.poly.setDisc(unsafe.Pointer(src), r.r.target.name)
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

// InsertChild inserts a copy of src with its foreign key set to the encoded
// key k (a shadow foreign key too), and writes the foreign key and any auto
// key back to *src. It is checked like Tx.Insert.
func (r *Rel[S, T]) InsertChild(tx *Tx, src *S, k []byte) error {
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
	p := m.copyRow(unsafe.Pointer(src))
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
		setField(c, unsafe.Pointer(src), val)
	}
	if poly {
		r.r.poly.setDisc(unsafe.Pointer(src), r.r.target.name)
	}
	if m.auto && !m.keyless {
		typedmemmove(m.pk.codec.typ, unsafe.Add(unsafe.Pointer(src), m.pk.offset), unsafe.Add(p, m.pk.offset))
	}
	return nil
}

// HasChild reports whether the stored source row with src's key exists and
// has the encoded foreign key k.
func (r *Rel[S, T]) HasChild(tx *Tx, src *S, k []byte) (bool, error) {
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

// LookupSource returns a copy of the source row whose primary key is key
// (converted to the source key's type when that is exact, as Tx.Get
// converts a key), or a *NotFoundError.
func (r *Rel[S, T]) LookupSource(tx *Tx, key any) (S, error) {
	var zero S
	op := "get " + r.r.source.name
	if err := r.enter(tx, op, false); err != nil {
		return zero, err
	}
	defer tx.leave()
	m := r.r.source
	k, err := encodeValue(op, m, m.pk, key)
	if err != nil {
		return zero, err
	}
	if v := reflect.ValueOf(key); v.IsZero() {
		return zero, invalidf("%s: zero key", op)
	}
	rec := tx.lookup(m, m.pk, k)
	if rec == nil {
		return zero, &NotFoundError{Op: op, Model: m.name, Field: m.pk.name, Value: key}
	}
	return copyOut[S](m, rec.ptr), nil
}

// Clone returns a copy of the target value v that shares no memory with it
// (see "Copies" in Table's doc). Package relations clones
// owners before they enter a shared cache.
func (r *Rel[S, T]) Clone(v *T) T {
	return copyOut[T](r.r.target, unsafe.Pointer(v))
}

// SourceSpace identifies the source's primary key index in cache keys and in
// Store.KeyHash: every commit that changes a source row (its foreign key
// included) reports KeyHash(SourceSpace(), its encoded key).
func (r *Rel[S, T]) SourceSpace() uint32 { return space(r.r.source, r.r.source.pk) }

// AppendSourceKey appends src's encoded primary key to buf. It fails with
// ErrInvalid for a zero key or a model without a key field.
func (r *Rel[S, T]) AppendSourceKey(buf []byte, src *S) ([]byte, error) {
	m := r.r.source
	if src == nil {
		return buf, invalidf("relation %s: nil %s", r.r.name, m.name)
	}
	return m.appendPK(r.opRel, buf, unsafe.Pointer(src))
}

// FKIsZero reports whether src's foreign key field holds its type's zero
// value or is nil (false for a shadow foreign key).
func (r *Rel[S, T]) FKIsZero(src *S) bool {
	c := r.r.fk
	if c.shadow || src == nil {
		return false
	}
	p := c.keyPtr(unsafe.Pointer(src))
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
func (r *Rel[S, T]) OwnerNow(ctx context.Context, k []byte) (T, error) {
	var zero T
	txn, err := r.s.latest(ctx, r.opGet)
	if err != nil {
		return zero, err
	}
	if err := r.r.checkKey(r.opGet, k); err != nil {
		return zero, err
	}
	t := r.r.target
	rec := first(txn, t, r.r.keyTo, k)
	if rec == nil {
		return zero, &NotFoundError{Op: r.opGet, Model: t.name, Field: r.r.keyTo.name, Value: r.r.keyTo.codec.value(k)}
	}
	return out[T](t, rec), nil
}

// AppendChildrenNow appends to dst copies of the source rows whose foreign
// key is the encoded key k, in primary key order, over the latest committed
// state, without a View.
func (r *Rel[S, T]) AppendChildrenNow(ctx context.Context, dst []S, k []byte) ([]S, error) {
	txn, err := r.s.latest(ctx, r.opList)
	if err != nil {
		return dst, err
	}
	if err := r.r.checkKey(r.opList, k); err != nil {
		return dst, err
	}
	m, c := r.r.source, r.r.fk
	it, err := txn.Get(m.table, c.index, k)
	if err != nil {
		panic(fmt.Sprintf("memstore: internal: children %s.%s: %v", m.name, c.index, err))
	}
	// Gather the records first (on the stack for up to 32), then grow dst
	// once: appending copies one by one regrows it log(n) times.
	var small [32]*record
	recs := small[:0]
	for raw := it.Next(); raw != nil; raw = it.Next() {
		if rec := raw.(*record); r.r.owns(rec) {
			recs = append(recs, rec)
		}
	}
	return appendRows(slices.Grow(dst, len(recs)), m, recs), nil
}

// CountChildrenNow is CountChildren over the latest committed state.
func (r *Rel[S, T]) CountChildrenNow(ctx context.Context, k []byte) (int, error) {
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

// OwnerOfKeyNow returns the owner of the source row whose primary key is key
// (converted as LookupSource converts it), reading the row and its owner from one
// snapshot, the latest; ok is false when the row's foreign key is null.
func (r *Rel[S, T]) OwnerOfKeyNow(ctx context.Context, key any) (owner T, ok bool, err error) {
	txn, err := r.s.latest(ctx, r.opGet)
	if err != nil {
		return owner, false, err
	}
	m := r.r.source
	k, err := encodeValue(r.opGet, m, m.pk, key)
	if err != nil {
		return owner, false, err
	}
	if v := reflect.ValueOf(key); v.IsZero() {
		return owner, false, invalidf("%s: zero key", r.opGet)
	}
	src := first(txn, m, m.pk, k)
	if src == nil {
		return owner, false, &NotFoundError{Op: r.opGet, Model: m.name, Field: m.pk.name, Value: key}
	}
	fk := src.key(r.r.fk.slot)
	if fk == nil || !r.r.owns(src) {
		return owner, false, nil
	}
	t := r.r.target
	rec := first(txn, t, r.r.keyTo, fk)
	if rec == nil {
		panic(fmt.Sprintf("memstore: internal: %s %v references no %s", m.name, key, t.name))
	}
	return out[T](t, rec), true, nil
}

// Plain reports whether a target value can be copied by assignment (no
// reference fields): Clone is then a plain copy.
func (r *Rel[S, T]) Plain() bool { return r.r.target.plain }
