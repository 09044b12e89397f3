package relations

import (
	"errors"

	"github.com/relstore/relstore/memstore"
)

// BelongsToTx is a BelongsTo's operations inside one transaction, made by
// BelongsTo.In: each method is the BelongsTo method of the same name,
// reading and writing the transaction instead of a transaction of its own
// (see "Transactions" in the package doc). Reads see the transaction's own
// writes and never read or fill the owner cache. A write the store refuses
// aborts the transaction, as any refused write does. A BelongsToTx is for
// the goroutine that owns the transaction, until it ends.
type BelongsToTx[S, T any] struct {
	b  *BelongsTo[S, T]
	tx *memstore.Tx
}

// Get returns src's owner as the transaction sees it; ok is false, with a
// nil error, when src's foreign key is nil.
func (t BelongsToTx[S, T]) Get(src S) (owner T, ok bool, err error) {
	k, ok, err := t.b.rel.AppendFK(t.tx, nil, &src)
	if err != nil || !ok {
		return owner, false, t.b.wrap(err)
	}
	owner, err = t.b.load(t.tx, k)
	return owner, err == nil, t.b.wrap(err)
}

// ByKey returns the owner of the source row whose primary key is key; ok
// is false when its foreign key is nil, and a key with no row is an error
// matching memstore.ErrNotFound.
func (t BelongsToTx[S, T]) ByKey(key any) (owner T, ok bool, err error) {
	src, err := t.b.rel.LookupSource(t.tx, key)
	if err != nil {
		return owner, false, t.b.wrap(err)
	}
	return t.Get(src)
}

// Include returns the owners of many sources, aligned with srcs (nil for a
// nil foreign key), each distinct foreign key looked up once. Sources with
// the same owner share one *T.
func (t BelongsToTx[S, T]) Include(srcs []S) ([]*T, error) {
	out := make([]*T, len(srcs))
	owners := map[string]*T{}
	var buf []byte
	for i := range srcs {
		k, ok, err := t.b.rel.AppendFK(t.tx, buf[:0], &srcs[i])
		if err != nil {
			return nil, t.b.wrap(err)
		}
		if !ok {
			continue
		}
		buf = k
		if o, dup := owners[string(k)]; dup {
			out[i] = o
			continue
		}
		o, err := t.b.load(t.tx, k)
		if err != nil {
			return nil, t.b.wrap(err)
		}
		owners[string(k)] = &o
		out[i] = &o
	}
	return out, nil
}

// Set points src at owner, or clears src's foreign key when owner is nil.
func (t BelongsToTx[S, T]) Set(src *S, owner *T) error {
	b := t.b
	if src == nil {
		return b.invalid("nil source")
	}
	var k []byte
	if owner != nil {
		var ok bool
		var err error
		if k, ok, err = b.rel.AppendKey(nil, owner); err != nil {
			return b.wrap(err)
		}
		if !ok {
			return b.invalid("owner's " + b.rel.KeyTo() + " is nil")
		}
	}
	return b.wrap(b.rel.SetFK(t.tx, src, k))
}

// Create inserts owner and points src at it (inserting src if it is not
// stored yet); the assigned keys are written back to *owner and *src.
func (t BelongsToTx[S, T]) Create(src *S, owner *T) error {
	b := t.b
	if src == nil || owner == nil {
		return b.invalid("nil source or owner")
	}
	if _, ok, err := b.rel.AppendKey(nil, owner); err != nil {
		return b.wrap(err)
	} else if !ok {
		return b.invalid("owner's " + b.rel.KeyTo() + " is nil")
	}
	stored, err := b.rel.Stored(t.tx, src)
	if err != nil {
		return b.wrap(err)
	}
	if err := t.tx.Insert(owner); err != nil {
		return b.wrap(err)
	}
	k, _, err := b.rel.AppendKey(nil, owner) // the assigned key, if auto
	if err != nil {
		return b.wrap(err)
	}
	if stored {
		return b.wrap(b.rel.SetFK(t.tx, src, k))
	}
	return b.wrap(b.rel.InsertChild(t.tx, src, k))
}

// Update replaces src's owner by owner, which must be that owner (same
// referenced key, same row), else ErrOtherOwner; ErrEmpty when src's
// foreign key is nil.
func (t BelongsToTx[S, T]) Update(src S, owner T) error {
	b := t.b
	k, ok, err := b.rel.AppendFK(t.tx, nil, &src)
	if err != nil {
		return b.wrap(err)
	}
	if !ok {
		return b.wrap(ErrEmpty)
	}
	ko, ok, err := b.rel.AppendKey(nil, &owner)
	if err != nil {
		return b.wrap(err)
	}
	if !ok || string(ko) != string(k) {
		return b.wrap(errors.Join(ErrOtherOwner, errors.New("the owner's "+b.rel.KeyTo()+" differs from the source's "+b.rel.FK()+": Update never changes the referenced key")))
	}
	if !b.rel.ByPK() {
		// keyTo is another unique field: owner must be the row that has k.
		cur, err := b.load(t.tx, k)
		if err != nil {
			return b.wrap(err)
		}
		a, errA := b.rel.AppendOwnerPK(nil, &cur)
		c, errC := b.rel.AppendOwnerPK(nil, &owner)
		if err := errors.Join(errA, errC); err != nil {
			return b.wrap(err)
		}
		if string(a) != string(c) {
			return b.wrap(errors.Join(ErrOtherOwner, errors.New("the owner is another row than the source's")))
		}
	}
	return b.wrap(t.tx.Update(&owner))
}

// Unset clears src's foreign key; ErrEmpty when it is nil already.
func (t BelongsToTx[S, T]) Unset(src *S) error {
	b := t.b
	if src == nil {
		return b.invalid("nil source")
	}
	_, ok, err := b.rel.AppendFK(t.tx, nil, src)
	if err != nil {
		return b.wrap(err)
	}
	if !ok {
		return b.wrap(ErrEmpty)
	}
	if !b.rel.Nullable() {
		return b.invalid(b.rel.Source() + "." + b.rel.FK() + " is not nullable")
	}
	return b.wrap(b.rel.SetFK(t.tx, src, nil))
}
