package relations

import (
	"context"
	"errors"

	"github.com/relstore/relstore/memstore"
)

// Tree walks a self-referencing belongsTo relation, such as a Category's
// parent: parent, children, and ancestors up to the root. It is immutable and
// safe for concurrent use.
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

// Parent returns node's parent, as BelongsTo.Get does; ok is false for a
// root (nil foreign key).
func (t *Tree[T]) Parent(ctx context.Context, node T) (T, bool, error) {
	return t.parent.Get(ctx, node)
}

// Children returns node's children in key order.
func (t *Tree[T]) Children(ctx context.Context, node T) ([]T, error) {
	return t.children.List(ctx, node)
}

// Ancestors returns node's parent, its parent's parent, and so on up to the
// root, read from one snapshot. The walk starts from node's foreign key as
// given. A node met twice (node included) ends the walk with an error
// matching ErrCycle, after the ancestors found so far.
func (t *Tree[T]) Ancestors(ctx context.Context, node T) ([]T, error) {
	b := t.parent
	if err := b.checkCtx(ctx); err != nil {
		return nil, err
	}
	var out []T
	err := b.store.View(ctx, func(tx *memstore.Tx) error {
		seen := map[string]bool{}
		if k, ok, err := b.rel.AppendKey(nil, &node); err == nil && ok {
			seen[string(k)] = true
		}
		cur := node
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			k, ok, err := b.rel.AppendFK(tx, nil, &cur)
			if err != nil || !ok {
				return err
			}
			if seen[string(k)] {
				return errors.Join(ErrCycle, errors.New("at "+formatKey(b.rel.FormatKey(k))))
			}
			seen[string(k)] = true
			p, err := b.load(tx, k)
			if err != nil {
				return err
			}
			out = append(out, p)
			cur = p
		}
	})
	return out, b.wrap(err)
}
