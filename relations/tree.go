package relations

import (
	"context"
	"errors"

	"github.com/relstore/relstore/memstore"
)

// Tree walks a self-referencing belongsTo relation, such as a Category's
// parent: parent, children, the ancestors up to the root and the
// descendants down to the leaves. It is immutable and safe for concurrent
// use.
type Tree[T any] struct {
	parent   *BelongsTo[T, T]
	children *HasMany[T, T]
}

// NewTree returns the walker of the relation named relation of model T,
// which must reference T itself.
func NewTree[T any](s *memstore.Store, relation string) (*Tree[T], error) {
	p, err := NewBelongsTo[T, T](s, relation)
	if err != nil {
		return nil, err
	}
	c, err := NewHasMany[T, T](s, relation)
	if err != nil {
		return nil, err
	}
	return &Tree[T]{parent: p, children: c}, nil
}

// Lookups returns how many index lookups t has made in the store: one per
// parent read (through the cache: per miss) and one per node whose children
// were listed.
func (t *Tree[T]) Lookups() int64 { return t.parent.Lookups() + t.children.Lookups() }

// In returns t's walks inside the transaction tx (see "Transactions" in the
// package doc).
func (t *Tree[T]) In(tx *memstore.Tx) TreeTx[T] {
	return TreeTx[T]{parent: t.parent.In(tx), children: t.children.In(tx)}
}

// Parent returns node's parent, as BelongsTo.Get does; ok is false for a
// root (nil foreign key).
func (t *Tree[T]) Parent(ctx context.Context, node T) (T, bool, error) {
	return t.parent.Get(ctx, node)
}

// Children returns node's children in key order; none is an empty slice.
func (t *Tree[T]) Children(ctx context.Context, node T) ([]T, error) {
	return t.children.List(ctx, node)
}

// Ancestors returns node's parent, its parent's parent, and so on up to the
// root, read from one snapshot. The walk starts from node's foreign key as
// given. A node met twice (node included) ends the walk with an error
// matching ErrCycle, after the ancestors found so far.
func (t *Tree[T]) Ancestors(ctx context.Context, node T) (out []T, err error) {
	if err := t.parent.checkCtx(ctx); err != nil {
		return nil, err
	}
	err = t.parent.store.View(ctx, func(tx *memstore.Tx) error {
		out, err = t.In(tx).ancestors(ctx, node)
		return err
	})
	return out, err
}

// Descendants returns node's children, their children, and so on, read
// from one snapshot: level by level (breadth first), each node's children
// in key order, down to depth levels (1: the children only; 0 or less: to
// the leaves). A node met twice (node included: a cycle of parent keys)
// ends the walk with an error matching ErrCycle, after the descendants
// found so far. No descendant is an empty slice.
func (t *Tree[T]) Descendants(ctx context.Context, node T, depth int) (out []T, err error) {
	if err := t.parent.checkCtx(ctx); err != nil {
		return nil, err
	}
	err = t.parent.store.View(ctx, func(tx *memstore.Tx) error {
		out, err = t.In(tx).descendants(ctx, node, depth)
		return err
	})
	return out, err
}

// TreeTx is a Tree's walks inside one transaction, made by Tree.In (see
// BelongsToTx).
type TreeTx[T any] struct {
	parent   BelongsToTx[T, T]
	children HasManyTx[T, T]
}

// Parent returns node's parent as the transaction sees it.
func (t TreeTx[T]) Parent(node T) (T, bool, error) { return t.parent.Get(node) }

// Children returns node's children in key order.
func (t TreeTx[T]) Children(node T) ([]T, error) { return t.children.List(node) }

// Ancestors returns node's ancestors up to the root, as Tree.Ancestors.
func (t TreeTx[T]) Ancestors(node T) ([]T, error) { return t.ancestors(context.Background(), node) }

// Descendants returns node's descendants down to depth levels, as
// Tree.Descendants.
func (t TreeTx[T]) Descendants(node T, depth int) ([]T, error) {
	return t.descendants(context.Background(), node, depth)
}

func (t TreeTx[T]) ancestors(ctx context.Context, node T) ([]T, error) {
	b, tx := t.parent.b, t.parent.tx
	out := []T{}
	seen := map[string]bool{}
	if k, ok, err := b.rel.AppendKey(nil, &node); err == nil && ok {
		seen[string(k)] = true
	}
	cur := node
	for {
		if err := ctx.Err(); err != nil {
			return out, b.wrap(err)
		}
		k, ok, err := b.rel.AppendFK(tx, nil, &cur)
		if err != nil || !ok {
			return out, b.wrap(err)
		}
		if seen[string(k)] {
			return out, b.wrap(errors.Join(ErrCycle, errors.New("at "+formatKey(b.rel.FormatKey(k)))))
		}
		seen[string(k)] = true
		p, err := b.load(tx, k)
		if err != nil {
			return out, b.wrap(err)
		}
		out = append(out, p)
		cur = p
	}
}

func (t TreeTx[T]) descendants(ctx context.Context, node T, depth int) ([]T, error) {
	h := t.children.h
	out := []T{}
	k, err := h.ownerKey(&node)
	if err != nil {
		return out, h.wrap(err)
	}
	seen := map[string]bool{string(k): true}
	level := []T{node}
	for d := 1; len(level) > 0 && (depth <= 0 || d <= depth); d++ {
		var next []T
		for i := range level {
			if err := ctx.Err(); err != nil {
				return out, h.wrap(err)
			}
			k, err := h.ownerKey(&level[i])
			if err != nil {
				return out, h.wrap(err)
			}
			kids, err := t.children.list(k)
			if err != nil {
				return out, err
			}
			for j := range kids {
				ck, err := h.ownerKey(&kids[j])
				if err != nil {
					return out, h.wrap(err)
				}
				if seen[string(ck)] {
					return out, h.wrap(errors.Join(ErrCycle, errors.New("at "+formatKey(h.rel.FormatKey(ck)))))
				}
				seen[string(ck)] = true
				out = append(out, kids[j])
				next = append(next, kids[j])
			}
		}
		level = next
	}
	return out, nil
}
