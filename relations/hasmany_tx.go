package relations

import (
	"errors"
	"iter"
	"slices"

	"github.com/relstore/relstore/memstore"
)

// HasManyTx is a HasMany's operations inside one transaction, made by
// HasMany.In: each method is the HasMany method of the same name, reading
// and writing the transaction (see "Transactions" in the package doc). A
// HasManyTx is for the goroutine that owns the transaction, until it ends.
type HasManyTx[T, S any] struct {
	h  *HasMany[T, S]
	tx *memstore.Tx
}

// All returns owner's children in primary key order. The sequence is valid
// as memstore's Table.Scan's is: iterate it inside an Update.
func (t HasManyTx[T, S]) All(owner T) (iter.Seq[S], error) {
	k, err := t.h.ownerKey(&owner)
	if err != nil {
		return nil, t.h.wrap(err)
	}
	t.h.lookups.Add(1)
	seq, err := t.h.rel.Children(t.tx, k)
	return seq, t.h.wrap(err)
}

// List returns owner's children in primary key order; none is an empty
// slice.
func (t HasManyTx[T, S]) List(owner T) ([]S, error) {
	k, err := t.h.ownerKey(&owner)
	if err != nil {
		return nil, t.h.wrap(err)
	}
	return t.list(k)
}

func (t HasManyTx[T, S]) list(k []byte) ([]S, error) {
	t.h.lookups.Add(1)
	seq, err := t.h.rel.Children(t.tx, k)
	if err != nil {
		return nil, t.h.wrap(err)
	}
	out := []S{}
	for c := range seq {
		out = append(out, c)
	}
	return out, nil
}

// Count returns the number of owner's children.
func (t HasManyTx[T, S]) Count(owner T) (int, error) {
	k, err := t.h.ownerKey(&owner)
	if err != nil {
		return 0, t.h.wrap(err)
	}
	t.h.lookups.Add(1)
	n, err := t.h.rel.CountChildren(t.tx, k)
	return n, t.h.wrap(err)
}

// FindByKey returns owner's child whose primary key is key.
func (t HasManyTx[T, S]) FindByKey(owner T, key any) (S, error) {
	c, mine, err := t.byKey(owner, key)
	if err == nil && !mine {
		err = notMine(t.h.rel.Source(), key)
	}
	if err != nil {
		var zero S
		return zero, t.h.wrap(err)
	}
	return c, nil
}

// ExistsKey reports whether owner has a child whose primary key is key.
func (t HasManyTx[T, S]) ExistsKey(owner T, key any) (bool, error) {
	_, mine, err := t.byKey(owner, key)
	if errorsIsNotFound(err) {
		return false, nil
	}
	return mine, t.h.wrap(err)
}

// byKey looks up the child with key and reports whether it is owner's.
func (t HasManyTx[T, S]) byKey(owner T, key any) (c S, mine bool, err error) {
	k, err := t.h.ownerKey(&owner)
	if err != nil {
		return c, false, err
	}
	t.h.lookups.Add(1)
	if c, err = t.h.rel.LookupSource(t.tx, key); err != nil {
		return c, false, err
	}
	fk, ok, err := t.h.rel.AppendFK(t.tx, nil, &c)
	if err != nil {
		return c, false, err
	}
	return c, ok && string(fk) == string(k), nil
}

// Create inserts child as a child of owner; the assigned keys are written
// back to *child.
func (t HasManyTx[T, S]) Create(owner T, child *S) error {
	h := t.h
	if child == nil {
		return h.wrap(invalid("nil child"))
	}
	k, err := h.ownerKey(&owner)
	if err != nil {
		return h.wrap(err)
	}
	if err := h.sameOwner(child, k, true); err != nil {
		return h.wrap(err)
	}
	return h.wrap(h.rel.InsertChild(t.tx, child, k))
}

// CreateMany inserts children as children of owner; the assigned keys are
// written back to the elements of children. Every child is checked for
// another owner before any is inserted; a refused insert aborts the
// transaction, after which the elements before it hold keys that will not
// be committed.
func (t HasManyTx[T, S]) CreateMany(owner T, children []S) error {
	h := t.h
	k, err := h.ownerKey(&owner)
	if err != nil {
		return h.wrap(err)
	}
	for i := range children {
		if err := h.sameOwner(&children[i], k, true); err != nil {
			return h.wrap(err)
		}
	}
	for i := range children {
		if err := h.rel.InsertChild(t.tx, &children[i], k); err != nil {
			return h.wrap(err)
		}
	}
	return nil
}

// Update replaces the stored child by child; both must be owner's.
func (t HasManyTx[T, S]) Update(owner T, child S) error {
	h := t.h
	k, err := h.ownerKey(&owner)
	if err != nil {
		return h.wrap(err)
	}
	if err := h.sameOwner(&child, k, false); err != nil {
		return h.wrap(err)
	}
	mine, err := h.rel.HasChild(t.tx, &child, k)
	if err != nil {
		return h.wrap(err)
	}
	if !mine {
		return h.wrap(ErrOtherOwner)
	}
	return h.wrap(t.tx.Update(&child))
}

// Delete deletes child if the stored row is owner's.
func (t HasManyTx[T, S]) Delete(owner T, child S) error {
	h := t.h
	k, err := h.ownerKey(&owner)
	if err != nil {
		return h.wrap(err)
	}
	mine, err := h.rel.HasChild(t.tx, &child, k)
	if err != nil {
		return h.wrap(err)
	}
	if !mine {
		return h.wrap(ErrOtherOwner)
	}
	return h.wrap(t.tx.Delete(&child))
}

// Include returns the children of many owners, aligned with owners, one
// lookup per distinct owner; an owner without children has an empty slice.
func (t HasManyTx[T, S]) Include(owners []T) ([][]S, error) {
	out := make([][]S, len(owners))
	seen := make(map[string]int, len(owners))
	for i := range owners {
		k, err := t.h.ownerKey(&owners[i])
		if err != nil {
			return nil, t.h.wrap(err)
		}
		if j, dup := seen[string(k)]; dup {
			out[i] = slices.Clone(out[j])
			continue
		}
		if out[i], err = t.list(k); err != nil {
			return nil, err
		}
		seen[string(k)] = i
	}
	return out, nil
}

// errorsIsNotFound reports whether err matches memstore.ErrNotFound.
func errorsIsNotFound(err error) bool { return errors.Is(err, memstore.ErrNotFound) }
