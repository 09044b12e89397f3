package memstore

import (
	"context"
	"reflect"
	"unsafe"
)

// polyCore is the untyped core of a polymorphic belongsTo of a source
// model (a Picture's imageable), bound to one store: the primitives package
// relations builds its polymorphic accessor on, which internal/relcore
// wraps in the typed Poly[S] (see relCore and DESIGN.md, "The relation
// bridge"). A source row's owner is a row of the model its discriminator
// names; owners cross it as an any holding a value of that model's Go type,
// source rows as an unsafe.Pointer to a value of the source's Go type, keys
// encoded. It retains nothing it is given. A polyCore is immutable and safe
// for concurrent use; its methods that take a Tx run inside that
// transaction, which must be one of the store's (else an error matching
// ErrInvalid).
type polyCore struct {
	s     *Store
	p     *polyRel
	opGet string
}

// polymorphicOf returns the polymorphic belongsTo named name of the source
// model of Go type st. It fails with ErrInvalid, naming the relation and
// listing the model's relations, if st is not a registered model or has no
// polymorphic relation of that name.
func polymorphicOf(s *Store, name string, st reflect.Type) (*polyCore, error) {
	if s == nil {
		return nil, invalidf("relation %q: nil store", name)
	}
	sm := s.schema.byType[st]
	if sm == nil {
		return nil, invalidf("relation %q: source %v is not a registered model", name, st)
	}
	p := sm.poly(name)
	if p == nil {
		if sm.hasRelation(name) {
			return nil, invalidf("relation %s.%s is not polymorphic", sm.name, name)
		}
		return nil, sm.noRelation(name)
	}
	return &polyCore{s: s, p: p, opGet: "get " + name}, nil
}

// Name returns the relation's name, e.g. "imageable".
func (p *polyCore) Name() string { return p.p.name }

// Source returns the source model's name, e.g. "Picture".
func (p *polyCore) Source() string { return p.p.source.name }

// FK returns the foreign key field's name, e.g. "ImageableID".
func (p *polyCore) FK() string { return p.p.fk.name }

// Discriminator returns the discriminator field's name, e.g. "ImageableType".
func (p *polyCore) Discriminator() string { return p.p.disc.name }

// Nullable reports whether the foreign key can be null (a pointer).
func (p *polyCore) Nullable() bool { return p.p.fk.nullable }

// Targets returns the names of the models the relation may reference.
func (p *polyCore) Targets() []string {
	out := make([]string, len(p.p.targets))
	for i, r := range p.p.targets {
		out[i] = r.target.name
	}
	return out
}

// target returns the relation of the named target, or an ErrInvalid error.
func (p *polyCore) target(op, model string) (*relation, error) {
	r := p.p.byTarget[model]
	if r == nil {
		return nil, invalidf("%s: %q is not a model of relation %s.%s (%s)", op, model, p.p.source.name, p.p.name, listOr(p.Targets()))
	}
	return r, nil
}

// AppendFK appends the encoded foreign key of the source row at src to buf and returns the model
// its discriminator names; ok is false when the foreign key is nil. A
// discriminator that names no model of the relation is an error matching
// ErrInvalid (a stored row always names one).
func (p *polyCore) AppendFK(buf []byte, src unsafe.Pointer) (model string, k []byte, ok bool, err error) {
	if src == nil {
		return "", buf, false, invalidf("relation %s: nil %s", p.p.name, p.p.source.name)
	}
	c := p.p.fk
	kp := c.keyPtr(src)
	if kp == nil {
		return "", buf, false, nil
	}
	r := p.p.targetOf(src)
	if r == nil {
		d, _ := p.p.discOf(src)
		_, err := p.target("read "+p.p.name, d)
		return "", buf, false, err
	}
	if err := c.codec.check(kp); err != nil {
		return "", buf, false, invalidf("relation %s: %v", p.p.name, err)
	}
	return r.target.name, c.codec.appendKey(buf, kp), true, nil
}

// Space identifies the named target's primary key index in cache keys and
// in Store.KeyHash (the space a BelongsTo to that model uses too).
func (p *polyCore) Space(model string) (uint32, error) {
	r, err := p.target(p.opGet, model)
	if err != nil {
		return 0, err
	}
	return space(r.target, r.keyTo), nil
}

// Owner returns a copy of the row of the named target whose primary key is
// the encoded key k, or a *NotFoundError.
func (p *polyCore) Owner(tx *Tx, model string, k []byte) (any, error) {
	op := p.opGet
	if err := tx.enter(p.s, "relation", p.p.name, op, false); err != nil {
		return nil, err
	}
	defer tx.leave()
	r, err := p.target(op, model)
	if err != nil {
		return nil, err
	}
	if err := r.checkKey(op, k); err != nil {
		return nil, err
	}
	rec := tx.lookup(r.target, r.keyTo, k)
	if rec == nil {
		return nil, &NotFoundError{Op: op, Model: r.target.name, Field: r.keyTo.name, Value: r.keyTo.codec.value(k)}
	}
	return r.target.rowValue(rec.ptr), nil
}

// OwnerNow is Owner over the latest committed state, without a View.
func (p *polyCore) OwnerNow(ctx context.Context, model string, k []byte) (any, error) {
	txn, err := p.s.latest(ctx, p.opGet)
	if err != nil {
		return nil, err
	}
	r, err := p.target(p.opGet, model)
	if err != nil {
		return nil, err
	}
	if err := r.checkKey(p.opGet, k); err != nil {
		return nil, err
	}
	rec := first(txn, r.target, r.keyTo, k)
	if rec == nil {
		return nil, &NotFoundError{Op: p.opGet, Model: r.target.name, Field: r.keyTo.name, Value: r.keyTo.codec.value(k)}
	}
	return r.target.rowValue(rec.ptr), nil
}

// ownerPtr returns the model of owner, a value of a target's Go type or a
// non-nil pointer to one, and a pointer to its row.
func (p *polyCore) ownerPtr(op string, owner any) (*relation, unsafe.Pointer, error) {
	if owner == nil {
		return nil, nil, invalidf("%s: nil owner", op)
	}
	rv := reflect.ValueOf(owner)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, nil, invalidf("%s: nil %v", op, rv.Type())
		}
		rv = rv.Elem()
	} else {
		c := reflect.New(rv.Type())
		c.Elem().Set(rv)
		rv = c.Elem()
	}
	m := p.s.schema.byType[rv.Type()]
	if m == nil {
		return nil, nil, invalidf("%s: %v is not a registered model", op, rv.Type())
	}
	r, err := p.target(op, m.name)
	if err != nil {
		return nil, nil, err
	}
	return r, rv.Addr().UnsafePointer(), nil
}

// ModelOf returns the name of the model of owner, a value of one of the
// relation's models or a pointer to one, or an error matching ErrInvalid.
func (p *polyCore) ModelOf(owner any) (string, error) {
	r, _, err := p.ownerPtr("relation "+p.p.name, owner)
	if err != nil {
		return "", err
	}
	return r.target.name, nil
}

// Stored reports whether the source row at src is stored in tx (see
// relCore.Stored).
func (p *polyCore) Stored(tx *Tx, src unsafe.Pointer) (bool, error) {
	return newRelCore(p.s, p.p.targets[0]).Stored(tx, src)
}

// OwnerKey returns the model of owner (a value of a target's Go type, or a
// pointer to one) and its encoded primary key. It fails with ErrInvalid for
// a value of another model and for a zero key.
func (p *polyCore) OwnerKey(owner any) (model string, k []byte, err error) {
	op := "relation " + p.p.name
	r, ptr, err := p.ownerPtr(op, owner)
	if err != nil {
		return "", nil, err
	}
	k, err = r.target.appendPK(op, nil, ptr)
	return r.target.name, k, err
}

// SetFK points the stored source row with the primary key of the row at
// src at the row of
// the named target whose primary key is the encoded key k, setting the
// discriminator to model, or clears the foreign key when k is nil (the
// discriminator is left as it is). It is relCore.SetFK for one target, and
// checked and written as that is.
func (p *polyCore) SetFK(tx *Tx, src unsafe.Pointer, model string, k []byte) error {
	r := p.p.targets[0]
	if k != nil {
		var err error
		if r, err = p.target("set "+p.p.name, model); err != nil {
			if tx.enter(p.s, "relation", p.p.name, "set "+p.p.name, true) == nil {
				tx.fail(err)
				tx.leave()
			}
			return err
		}
	}
	return newRelCore(p.s, r).SetFK(tx, src, k)
}

// InsertChild inserts a copy of the source row at src pointing at the row of the named
// target whose primary key is the encoded key k (its discriminator set to
// model), as relCore.InsertChild does.
func (p *polyCore) InsertChild(tx *Tx, src unsafe.Pointer, model string, k []byte) error {
	r, err := p.target("create "+p.p.name, model)
	if err != nil {
		if tx.enter(p.s, "relation", p.p.name, "create "+p.p.name, true) == nil {
			tx.fail(err)
			tx.leave()
		}
		return err
	}
	return newRelCore(p.s, r).InsertChild(tx, src, k)
}

// CloneSize returns a copy of owner, a value of the named target's type in
// an any, that shares no memory with it, and the bytes of memory the copy
// holds (what a cache entry for it should be charged).
func (p *polyCore) CloneSize(model string, owner any) (any, int64, error) {
	r, ptr, err := p.ownerPtr("relation "+p.p.name, owner)
	if err != nil {
		return nil, 0, err
	}
	if r.target.name != model {
		return nil, 0, invalidf("relation %s: owner is a %s, not a %s", p.p.name, r.target.name, model)
	}
	t := r.target
	if t.plain {
		return owner, int64(t.plan.size) + t.plan.stringBytes(ptr), nil
	}
	dst := reflect.New(t.typ).UnsafePointer()
	typedmemmove(t.typ, dst, ptr)
	n := int64(t.plan.size) + t.plan.copyRefs(dst, ptr, nil)
	return reflect.NewAt(t.typ, dst).Elem().Interface(), n, nil
}

// Clone returns a copy of owner, a value of a target's Go type in an any,
// that shares no memory with it: owner itself for a model without
// reference fields.
func (p *polyCore) Clone(owner any) any {
	r, ptr, err := p.ownerPtr("relation "+p.p.name, owner)
	if err != nil || r.target.plain {
		return owner
	}
	return r.target.rowValue(ptr)
}
