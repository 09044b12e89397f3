package relcore

import (
	"context"
	"encoding/binary"
	"iter"
	"reflect"
	"slices"
	"unsafe"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/internal/relhook"
	"github.com/relstore/relstore/memstore"
)

// relCore is the method set of memstore's core of a belongsTo relation.
// Rows are unsafe.Pointer to a value of the source's Go type (src) or the
// target's (owner, dst); a row it returns points at a stored row, to be
// copied and never written. It retains nothing it is given but the key of
// Children's sequence. See the methods of Rel, which wrap these one to one.
type relCore interface {
	Name() string
	Source() string
	Target() string
	FK() string
	KeyTo() string
	Nullable() bool
	Shadow() bool
	Unique() bool
	SelfReferencing() bool
	OnDelete() memstore.Action
	Space() uint32
	SourceSpace() uint32
	ChildSpace() uint32
	ByPK() bool
	Plain() bool
	ChildPlain() bool
	Polymorphic() bool
	WordFK() (offset uintptr, flip uint64, ok bool)
	WordKeyTo() (offset uintptr, flip uint64, ok bool)

	AppendFK(tx *memstore.Tx, buf []byte, src unsafe.Pointer) ([]byte, bool, error)
	AppendFKs(arena []byte, srcs unsafe.Pointer, n int, ends []int32, hashes []uint64) ([]byte, error)
	AppendKey(buf []byte, owner unsafe.Pointer) ([]byte, bool, error)
	AppendSourceKey(buf []byte, src unsafe.Pointer) ([]byte, error)
	AppendOwnerPK(buf []byte, owner unsafe.Pointer) ([]byte, error)
	FKIsZero(src unsafe.Pointer) bool
	FormatKey(k []byte) any

	Owner(tx *memstore.Tx, k []byte) (unsafe.Pointer, error)
	OwnerNow(ctx context.Context, k []byte) (unsafe.Pointer, error)
	OwnerOfKeyNow(ctx context.Context, key any) (unsafe.Pointer, bool, error)
	LookupSource(tx *memstore.Tx, key any) (unsafe.Pointer, error)
	Children(tx *memstore.Tx, k []byte) (func(yield func(unsafe.Pointer) bool), error)
	ChildrenNow(ctx context.Context, k []byte, rows []unsafe.Pointer) ([]unsafe.Pointer, error)
	CountChildren(tx *memstore.Tx, k []byte) (int, error)
	CountChildrenNow(ctx context.Context, k []byte) (int, error)
	Stored(tx *memstore.Tx, src unsafe.Pointer) (bool, error)
	HasChild(tx *memstore.Tx, src unsafe.Pointer, k []byte) (bool, error)

	SetFK(tx *memstore.Tx, src unsafe.Pointer, k []byte) error
	SetFKField(src unsafe.Pointer, k []byte) error
	InsertChild(tx *memstore.Tx, src unsafe.Pointer, k []byte) error

	CopyTarget(dst, src unsafe.Pointer)
	CopySource(dst, src unsafe.Pointer, b *unsafe.Pointer)
	CopySources(dst unsafe.Pointer, srcs []unsafe.Pointer)
	SizeTarget(v unsafe.Pointer) int64
	CloneSizeTarget(dst, src unsafe.Pointer) int64
	CloneSizeSource(dst, src unsafe.Pointer) int64

	Query(f filter.Filter) (any, error)
	AppendLinked(tx *memstore.Tx, far any, k []byte, arena []byte, ends []int32) ([]byte, []int32, error)
	AppendLinkedMany(tx *memstore.Tx, far any, keys [][]byte, arena []byte, ends []int32, spans [][2]int32) ([]byte, []int32, error)
}

// Rel is the typed handle of a belongsTo relation from source model S to
// target model T: the primitives package relations builds its accessors on.
// Keys cross it encoded (the store's index encoding), so that a caller can
// hash them, cache them and look them up without converting; bytes that are
// not an encoded key of the target's referenced field (another width, a
// badly terminated or escaped string, nil where a key is required) are
// refused with memstore.ErrInvalid. Rows go in and come out as copies, as
// memstore's Table's do. A Rel is immutable and safe for concurrent use;
// its methods that take a Tx run inside that transaction, which must be one
// of the Rel's store (else an error matching memstore.ErrInvalid).
type Rel[S, T any] struct {
	c relCore
	// What never changes, read once: the accessors are field reads, which
	// inline (package relations names the relation in every error and
	// reads Space and Shadow on every Get).
	name, source, target, fk, keyTo string
	space                           uint32
	nullable, shadow                bool
	plain, childPlain               bool
	// A foreign key (fk) or referenced field (to) that is a plain 64-bit
	// integer encodes inline: its 8 bytes at off, xor flip, big-endian
	// (memstore's WordFK). A cache hit of BelongsTo.Get is then one call
	// shorter: ~30 of its ~590 instructions under callgrind.
	fkWord, toWord bool
	fkOff, toOff   uintptr
	fkFlip, toFlip uint64
}

func newRel[S, T any](c any) *Rel[S, T] {
	rc := assertCore[relCore](c)
	rel := &Rel[S, T]{c: rc, name: rc.Name(), source: rc.Source(), target: rc.Target(), fk: rc.FK(), keyTo: rc.KeyTo(),
		space: rc.Space(), nullable: rc.Nullable(), shadow: rc.Shadow(), plain: rc.Plain(), childPlain: rc.ChildPlain()}
	rel.fkOff, rel.fkFlip, rel.fkWord = rc.WordFK()
	rel.toOff, rel.toFlip, rel.toWord = rc.WordKeyTo()
	return rel
}

// RelationOf returns the belongsTo relation named name of source model S,
// whose target must be model T. For a polymorphic relation it is the
// relation's view of one target, T: its rows are those whose discriminator
// names T (for another source row, AppendFK reports no key). It fails with
// memstore.ErrInvalid, naming the relation and listing those that exist, if
// S or T is not a registered model, S has no such belongsTo, or its target
// is not T.
func RelationOf[S, T any](s *memstore.Store, name string) (*Rel[S, T], error) {
	c, err := relhook.Relation(s, name, reflect.TypeFor[S](), reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	return newRel[S, T](c), nil
}

// InverseOf returns the belongsTo relation that the hasMany or hasOne
// relation named name of owner model T reads through: a belongsTo of model
// S whose target is T (for a polymorphic one, its view of T). A name that T
// does not declare may name the belongsTo of S itself (RelationOf[S, T]).
// Errors are as RelationOf's.
func InverseOf[T, S any](s *memstore.Store, name string) (*Rel[S, T], error) {
	c, err := relhook.Inverse(s, name, reflect.TypeFor[T](), reflect.TypeFor[S]())
	if err != nil {
		return nil, err
	}
	return newRel[S, T](c), nil
}

// ThroughOf returns the two belongsTo relations of the link model L that
// the hasManyThrough or hasAndBelongsToMany relation named name of owner
// model T reads through: toOwner, to T, and toFar, to the far model F.
// Errors are as RelationOf's.
func ThroughOf[T, F, L any](s *memstore.Store, name string) (toOwner *Rel[L, T], toFar *Rel[L, F], err error) {
	o, f, err := relhook.Through(s, name, reflect.TypeFor[T](), reflect.TypeFor[F](), reflect.TypeFor[L]())
	if err != nil {
		return nil, nil, err
	}
	return newRel[L, T](o), newRel[L, F](f), nil
}

// Name returns the relation's name, e.g. "customer".
func (r *Rel[S, T]) Name() string { return r.name }

// Source returns the source model's name, e.g. "Order".
func (r *Rel[S, T]) Source() string { return r.source }

// Target returns the target model's name, e.g. "Customer".
func (r *Rel[S, T]) Target() string { return r.target }

// FK returns the foreign key field's name, e.g. "CustomerID".
func (r *Rel[S, T]) FK() string { return r.fk }

// KeyTo returns the referenced target field's name.
func (r *Rel[S, T]) KeyTo() string { return r.keyTo }

// Nullable reports whether the foreign key can be null (a pointer or a
// shadow column).
func (r *Rel[S, T]) Nullable() bool { return r.nullable }

// Shadow reports whether the foreign key is a shadow column, which only the
// store holds: reading it needs a transaction.
func (r *Rel[S, T]) Shadow() bool { return r.shadow }

// Unique reports whether the foreign key is unique (a hasOne relation).
func (r *Rel[S, T]) Unique() bool { return r.c.Unique() }

// SelfReferencing reports whether the source and target are the same model.
func (r *Rel[S, T]) SelfReferencing() bool { return r.c.SelfReferencing() }

// OnDelete returns the relation's on-delete action.
func (r *Rel[S, T]) OnDelete() memstore.Action { return r.c.OnDelete() }

// Space identifies the target's referenced index in cache keys and in
// memstore.Store.KeyHash: the Invalidator is told KeyHash(Space(), key) for
// every change of a target row with that key.
func (r *Rel[S, T]) Space() uint32 { return r.space }

// SourceSpace identifies the source's primary key index in cache keys and in
// Store.KeyHash: every commit that changes a source row (its foreign key
// included) reports KeyHash(SourceSpace(), its encoded key).
func (r *Rel[S, T]) SourceSpace() uint32 { return r.c.SourceSpace() }

// ChildSpace identifies the foreign key's index in cache keys and in
// Store.KeyHash, for a unique foreign key (a hasOne): every commit that
// inserts, deletes or changes a source row whose foreign key has the
// encoded key k reports KeyHash(ChildSpace(), k), so a cache of "the child
// of owner k" stays coherent. It is meaningless for a foreign key that is
// not unique (no commit reports its keys).
func (r *Rel[S, T]) ChildSpace() uint32 { return r.c.ChildSpace() }

// ByPK reports whether the relation references the target's primary key
// (not another unique field, through keyTo).
func (r *Rel[S, T]) ByPK() bool { return r.c.ByPK() }

// Plain reports whether a target value can be copied by assignment (no
// reference fields): Clone is then a plain copy.
func (r *Rel[S, T]) Plain() bool { return r.plain }

// ChildPlain reports whether a source value can be copied by assignment
// (no reference fields).
func (r *Rel[S, T]) ChildPlain() bool { return r.childPlain }

// Polymorphic reports whether the relation is one target of a polymorphic
// belongsTo.
func (r *Rel[S, T]) Polymorphic() bool { return r.c.Polymorphic() }

// AppendFK appends src's encoded foreign key to buf and reports whether it
// is non-null. For a shadow foreign key it reads the stored row of src (by
// its primary key) in tx, and fails with memstore.ErrNotFound if there is
// none; for a field tx is not used and may be nil.
func (r *Rel[S, T]) AppendFK(tx *memstore.Tx, buf []byte, src *S) ([]byte, bool, error) {
	if r.fkWord && tx == nil && src != nil {
		return binary.BigEndian.AppendUint64(buf, *(*uint64)(unsafe.Add(unsafe.Pointer(src), r.fkOff))^r.fkFlip), true, nil
	}
	k, ok, err := r.c.AppendFK(tx, noescapeSlice(buf), unsafe.Pointer(noescape(src)))
	return rebase(buf, k), ok, err
}

// AppendFKs is AppendFK and memstore.Store.KeyHash of Space() for many
// sources at once, for a foreign key that is a field: for each srcs[i] it
// appends the encoded key to arena and sets ends[i] to the key's end in
// arena and hashes[i] to its hash; for a nil foreign key it appends nothing
// and sets ends[i] to -1 (the next key starts at the previous end). A plain
// 64-bit integer field, the common case, is encoded and hashed inline,
// several times faster than a call of each per source. It fails with
// memstore.ErrInvalid for a shadow foreign key (use AppendFK in a
// transaction), when ends or hashes is shorter than srcs, and for a key
// AppendFK refuses; on an error the returned arena has its original length.
func (r *Rel[S, T]) AppendFKs(arena []byte, srcs []S, ends []int32, hashes []uint64) ([]byte, error) {
	out, err := r.c.AppendFKs(noescapeSlice(arena), unsafe.Pointer(noescape(unsafe.SliceData(srcs))), len(srcs),
		noescapeSlice(ends), noescapeSlice(hashes))
	return rebase(arena, out), err
}

// AppendKey appends the encoded value of owner's referenced field (the
// relation's KeyTo) to buf; ok is false when it is a nil pointer.
func (r *Rel[S, T]) AppendKey(buf []byte, owner *T) ([]byte, bool, error) {
	if r.toWord && owner != nil {
		return binary.BigEndian.AppendUint64(buf, *(*uint64)(unsafe.Add(unsafe.Pointer(owner), r.toOff))^r.toFlip), true, nil
	}
	k, ok, err := r.c.AppendKey(noescapeSlice(buf), unsafe.Pointer(noescape(owner)))
	return rebase(buf, k), ok, err
}

// AppendSourceKey appends src's encoded primary key to buf. It fails with
// memstore.ErrInvalid for a zero key or a model without a key field.
func (r *Rel[S, T]) AppendSourceKey(buf []byte, src *S) ([]byte, error) {
	k, err := r.c.AppendSourceKey(noescapeSlice(buf), unsafe.Pointer(noescape(src)))
	return rebase(buf, k), err
}

// AppendOwnerPK appends owner's encoded primary key to buf. It fails with
// memstore.ErrInvalid for a zero key or a target without a key field.
func (r *Rel[S, T]) AppendOwnerPK(buf []byte, owner *T) ([]byte, error) {
	k, err := r.c.AppendOwnerPK(noescapeSlice(buf), unsafe.Pointer(noescape(owner)))
	return rebase(buf, k), err
}

// FKIsZero reports whether src's foreign key field holds its type's zero
// value or is nil (false for a shadow foreign key).
func (r *Rel[S, T]) FKIsZero(src *S) bool { return r.c.FKIsZero(unsafe.Pointer(noescape(src))) }

// FormatKey returns the value an encoded key of the relation stands for,
// for messages; for bytes that are not an encoded key of the relation's
// target, a string that says so.
func (r *Rel[S, T]) FormatKey(k []byte) any { return r.c.FormatKey(k) }

// owner returns the caller's copy of the stored target row at p.
func (r *Rel[S, T]) owner(p unsafe.Pointer) T {
	v := *(*T)(p)
	if !r.plain {
		r.c.CopyTarget(unsafe.Pointer(noescape(&v)), p)
	}
	return v
}

// child returns the caller's copy of the stored source row at p, its
// small allocations from the batch *b holds when b is not nil (see
// memstore's CopySource).
func (r *Rel[S, T]) child(p unsafe.Pointer, b *unsafe.Pointer) S {
	v := *(*S)(p)
	if !r.childPlain {
		if b != nil {
			leakContent(b)
		}
		r.c.CopySource(unsafe.Pointer(noescape(&v)), p, noescape(b))
	}
	return v
}

// Owner returns a copy of the target row whose referenced field has the
// encoded key k, or a *memstore.NotFoundError.
func (r *Rel[S, T]) Owner(tx *memstore.Tx, k []byte) (T, error) {
	p, err := r.c.Owner(tx, noescapeSlice(k))
	if err != nil {
		var zero T
		return zero, err
	}
	return r.owner(p), nil
}

// OwnerNow is Owner over the latest committed state, without a View: what
// a single read of one owner needs (package relations' Get on a miss). It
// fails like View for a nil or finished context and a closed store.
func (r *Rel[S, T]) OwnerNow(ctx context.Context, k []byte) (T, error) {
	p, err := r.c.OwnerNow(ctx, noescapeSlice(k))
	if err != nil {
		var zero T
		return zero, err
	}
	return r.owner(p), nil
}

// OwnerOfKeyNow returns the owner of the source row whose primary key is
// key (converted as LookupSource converts it), reading the row and its
// owner from one snapshot, the latest; ok is false when the row's foreign
// key is null.
func (r *Rel[S, T]) OwnerOfKeyNow(ctx context.Context, key any) (owner T, ok bool, err error) {
	p, ok, err := r.c.OwnerOfKeyNow(ctx, key)
	if err != nil || !ok {
		return owner, ok, err
	}
	return r.owner(p), true, nil
}

// LookupSource returns a copy of the source row whose primary key is key
// (converted to the source key's type when that is exact, as Tx.Get
// converts a key), or a *memstore.NotFoundError.
func (r *Rel[S, T]) LookupSource(tx *memstore.Tx, key any) (S, error) {
	p, err := r.c.LookupSource(tx, key)
	if err != nil {
		var zero S
		return zero, err
	}
	return r.child(p, nil), nil
}

// Children returns copies of the source rows whose foreign key is the
// encoded key k, in primary key order, through the foreign key index. The
// sequence is valid as memstore's Table.Scan's is: after a View, it still
// reads the View's snapshot; in an Update, it reads a snapshot taken at the
// call and yields nothing once the Update has returned. The sequence keeps
// k.
func (r *Rel[S, T]) Children(tx *memstore.Tx, k []byte) (iter.Seq[S], error) {
	seq, err := r.c.Children(tx, k) // k escapes: the sequence keeps it
	if err != nil {
		return nil, err
	}
	return func(yield func(S) bool) {
		var b unsafe.Pointer // the rows' small allocations, shared
		each := func(p unsafe.Pointer) bool { return yield(r.child(p, &b)) }
		// seq calls each only before it returns: each, its closure and
		// b stay on this frame.
		seq(*noescape(&each))
	}, nil
}

// AppendChildrenNow appends to dst copies of the source rows whose foreign
// key is the encoded key k, in primary key order, over the latest committed
// state, without a View.
func (r *Rel[S, T]) AppendChildrenNow(ctx context.Context, dst []S, k []byte) ([]S, error) {
	// The stored rows first (on the stack for up to 32), then grow dst
	// once: appending copies one by one regrows it log(n) times.
	var small [32]unsafe.Pointer
	rows, err := r.c.ChildrenNow(ctx, k, noescapeSlice(small[:0]))
	if err != nil {
		return dst, err
	}
	dst = slices.Grow(dst, len(rows))
	at := len(dst)
	for _, p := range rows {
		dst = append(dst, *(*S)(p))
	}
	if !r.childPlain && len(rows) > 0 {
		r.c.CopySources(unsafe.Pointer(&dst[at]), rows)
	}
	return dst, nil
}

// CountChildren returns the number of source rows whose foreign key is the
// encoded key k.
func (r *Rel[S, T]) CountChildren(tx *memstore.Tx, k []byte) (int, error) {
	return r.c.CountChildren(tx, k)
}

// CountChildrenNow is CountChildren over the latest committed state.
func (r *Rel[S, T]) CountChildrenNow(ctx context.Context, k []byte) (int, error) {
	return r.c.CountChildrenNow(ctx, k)
}

// Stored reports whether src is a stored source row in tx: its primary key
// is set and a row has it. A zero key, or a model without a key field, is
// not stored (false, nil).
func (r *Rel[S, T]) Stored(tx *memstore.Tx, src *S) (bool, error) {
	return r.c.Stored(tx, unsafe.Pointer(noescape(src)))
}

// HasChild reports whether the stored source row with src's key exists and
// has the encoded foreign key k.
func (r *Rel[S, T]) HasChild(tx *memstore.Tx, src *S, k []byte) (bool, error) {
	return r.c.HasChild(tx, unsafe.Pointer(noescape(src)), noescapeSlice(k))
}

// SetFK points the stored source row with src's primary key at the target
// row whose referenced field has the encoded key k, or clears the foreign
// key when k is nil. Only the foreign key changes: other fields keep their
// stored values. It is checked like any foreign key write (a
// *memstore.ForeignKeyError when no target has k; memstore.ErrInvalid to
// clear a non-nullable key) and src's foreign key field, if it has one, is
// set to match.
func (r *Rel[S, T]) SetFK(tx *memstore.Tx, src *S, k []byte) error {
	return r.c.SetFK(tx, unsafe.Pointer(src), noescapeSlice(k))
}

// SetFKField sets src's foreign key field to the encoded key k (nil
// clears a nullable one), in src alone: nothing is written to the store.
// It fails with memstore.ErrInvalid for a shadow foreign key, which has no
// field, and for a nil k with a foreign key that is not nullable.
func (r *Rel[S, T]) SetFKField(src *S, k []byte) error {
	return r.c.SetFKField(unsafe.Pointer(src), noescapeSlice(k))
}

// InsertChild inserts a copy of src with its foreign key set to the encoded
// key k (a shadow foreign key too), and writes the foreign key and any auto
// key back to *src. It is checked like memstore.Tx.Insert.
func (r *Rel[S, T]) InsertChild(tx *memstore.Tx, src *S, k []byte) error {
	return r.c.InsertChild(tx, unsafe.Pointer(src), noescapeSlice(k))
}

// Clone returns a copy of the target value v that shares no memory with it
// (see "Copies" in memstore's Table doc). Package relations clones owners
// before they enter a shared cache.
func (r *Rel[S, T]) Clone(v *T) T {
	c := *v
	if !r.plain {
		leakContent(v)
		r.c.CopyTarget(unsafe.Pointer(noescape(&c)), unsafe.Pointer(noescape(v)))
	}
	return c
}

// CloneChild returns a copy of the source value v that shares no memory
// with it.
func (r *Rel[S, T]) CloneChild(v *S) S {
	c := *v
	if !r.childPlain {
		leakContent(v)
		r.c.CopySource(unsafe.Pointer(noescape(&c)), unsafe.Pointer(noescape(v)), nil)
	}
	return c
}

// Size returns the bytes of memory the target value v holds: the struct
// itself, the bytes of its strings, and everything its pointers, slices and
// maps reach that a copy would copy (interfaces, channels and functions are
// shared and not counted). Package relations charges an owner's cache entry
// with it. It is 0 for a nil v.
func (r *Rel[S, T]) Size(v *T) int64 {
	if v == nil {
		return 0
	}
	leakContent(v)
	return r.c.SizeTarget(unsafe.Pointer(noescape(v)))
}

// CloneSize is Clone and Size at once: a copy of v that shares no memory
// with it, and the bytes of memory the copy holds.
func (r *Rel[S, T]) CloneSize(v *T) (T, int64) {
	c := *v
	leakContent(v)
	n := r.c.CloneSizeTarget(unsafe.Pointer(noescape(&c)), unsafe.Pointer(noescape(v)))
	return c, n
}

// CloneSizeChild is CloneChild and the bytes of memory the copy holds.
func (r *Rel[S, T]) CloneSizeChild(v *S) (S, int64) {
	c := *v
	leakContent(v)
	n := r.c.CloneSizeSource(unsafe.Pointer(noescape(&c)), unsafe.Pointer(noescape(v)))
	return c, n
}
