package relcore

import (
	"context"
	"reflect"
	"unsafe"

	"github.com/relstore/relstore/internal/relhook"
	"github.com/relstore/relstore/memstore"
)

// polyCore is the method set of memstore's core of a polymorphic
// belongsTo; source rows are as relCore's, owners an any holding a value of
// a target's Go type.
type polyCore interface {
	Name() string
	Source() string
	FK() string
	Discriminator() string
	Nullable() bool
	Targets() []string
	AppendFK(buf []byte, src unsafe.Pointer) (model string, k []byte, ok bool, err error)
	Space(model string) (uint32, error)
	Owner(tx *memstore.Tx, model string, k []byte) (any, error)
	OwnerNow(ctx context.Context, model string, k []byte) (any, error)
	ModelOf(owner any) (string, error)
	Stored(tx *memstore.Tx, src unsafe.Pointer) (bool, error)
	OwnerKey(owner any) (model string, k []byte, err error)
	SetFK(tx *memstore.Tx, src unsafe.Pointer, model string, k []byte) error
	InsertChild(tx *memstore.Tx, src unsafe.Pointer, model string, k []byte) error
	CloneSize(model string, owner any) (any, int64, error)
	Clone(owner any) any
}

// Poly is the typed handle of a polymorphic belongsTo of source model S
// (a Picture's imageable): the primitives package relations builds its
// polymorphic accessor on. A source row's owner is a row of the model its
// discriminator names; owners cross Poly as an any holding a value of that
// model's Go type, and keys cross it encoded, as Rel's do. A Poly is
// immutable and safe for concurrent use; its methods that take a Tx run
// inside that transaction, which must be one of the Poly's store (else an
// error matching memstore.ErrInvalid).
type Poly[S any] struct {
	c polyCore
}

// PolymorphicOf returns the polymorphic belongsTo named name of source
// model S. It fails with memstore.ErrInvalid, naming the relation and
// listing the model's relations, if S is not a registered model or has no
// polymorphic relation of that name.
func PolymorphicOf[S any](s *memstore.Store, name string) (*Poly[S], error) {
	c, err := relhook.Polymorphic(s, name, reflect.TypeFor[S]())
	if err != nil {
		return nil, err
	}
	return &Poly[S]{c: assertCore[polyCore](c)}, nil
}

// Name returns the relation's name, e.g. "imageable".
func (p *Poly[S]) Name() string { return p.c.Name() }

// Source returns the source model's name, e.g. "Picture".
func (p *Poly[S]) Source() string { return p.c.Source() }

// FK returns the foreign key field's name, e.g. "ImageableID".
func (p *Poly[S]) FK() string { return p.c.FK() }

// Discriminator returns the discriminator field's name, e.g. "ImageableType".
func (p *Poly[S]) Discriminator() string { return p.c.Discriminator() }

// Nullable reports whether the foreign key can be null (a pointer).
func (p *Poly[S]) Nullable() bool { return p.c.Nullable() }

// Targets returns the names of the models the relation may reference.
func (p *Poly[S]) Targets() []string { return p.c.Targets() }

// AppendFK appends src's encoded foreign key to buf and returns the model
// its discriminator names; ok is false when the foreign key is nil. A
// discriminator that names no model of the relation is an error matching
// memstore.ErrInvalid (a stored row always names one).
func (p *Poly[S]) AppendFK(buf []byte, src *S) (model string, k []byte, ok bool, err error) {
	leakContent(src)
	model, k, ok, err = p.c.AppendFK(noescapeSlice(buf), unsafe.Pointer(noescape(src)))
	return model, rebase(buf, k), ok, err
}

// Space identifies the named target's primary key index in cache keys and
// in memstore.Store.KeyHash (the space a BelongsTo to that model uses too).
func (p *Poly[S]) Space(model string) (uint32, error) { return p.c.Space(model) }

// Owner returns a copy of the row of the named target whose primary key is
// the encoded key k, or a *memstore.NotFoundError.
func (p *Poly[S]) Owner(tx *memstore.Tx, model string, k []byte) (any, error) {
	return p.c.Owner(tx, model, noescapeSlice(k))
}

// OwnerNow is Owner over the latest committed state, without a View.
func (p *Poly[S]) OwnerNow(ctx context.Context, model string, k []byte) (any, error) {
	return p.c.OwnerNow(ctx, model, noescapeSlice(k))
}

// ModelOf returns the name of the model of owner, a value of one of the
// relation's models or a pointer to one, or an error matching
// memstore.ErrInvalid.
func (p *Poly[S]) ModelOf(owner any) (string, error) { return p.c.ModelOf(owner) }

// Stored reports whether src is a stored source row in tx (see Rel.Stored).
func (p *Poly[S]) Stored(tx *memstore.Tx, src *S) (bool, error) {
	return p.c.Stored(tx, unsafe.Pointer(noescape(src)))
}

// OwnerKey returns the model of owner (a value of a target's Go type, or a
// pointer to one) and its encoded primary key. It fails with
// memstore.ErrInvalid for a value of another model and for a zero key.
func (p *Poly[S]) OwnerKey(owner any) (model string, k []byte, err error) {
	return p.c.OwnerKey(owner)
}

// SetFK points the stored source row with src's primary key at the row of
// the named target whose primary key is the encoded key k, setting the
// discriminator to model, or clears the foreign key when k is nil (the
// discriminator is left as it is). It is Rel.SetFK for one target, and
// checked and written as that is.
func (p *Poly[S]) SetFK(tx *memstore.Tx, src *S, model string, k []byte) error {
	return p.c.SetFK(tx, unsafe.Pointer(src), model, noescapeSlice(k))
}

// InsertChild inserts a copy of src pointing at the row of the named
// target whose primary key is the encoded key k (its discriminator set to
// model), as Rel.InsertChild does.
func (p *Poly[S]) InsertChild(tx *memstore.Tx, src *S, model string, k []byte) error {
	return p.c.InsertChild(tx, unsafe.Pointer(src), model, noescapeSlice(k))
}

// CloneSize returns a copy of owner, a value of the named target's type in
// an any, that shares no memory with it, and the bytes of memory the copy
// holds (what a cache entry for it should be charged).
func (p *Poly[S]) CloneSize(model string, owner any) (any, int64, error) {
	return p.c.CloneSize(model, owner)
}

// Clone returns a copy of owner, a value of a target's Go type in an any,
// that shares no memory with it: owner itself for a model without
// reference fields.
func (p *Poly[S]) Clone(owner any) any { return p.c.Clone(owner) }
