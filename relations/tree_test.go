package relations_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// seedTree inserts the categories a ← b ← {c, d}, c ← e (child ← parent).
func (f *fixture) seedTree(t testing.TB) {
	t.Helper()
	f.update(t, func(tx *memstore.Tx) error {
		for _, c := range []Category{
			{ID: "a"}, {ID: "b", ParentID: ptr("a")}, {ID: "c", ParentID: ptr("b")},
			{ID: "d", ParentID: ptr("b")}, {ID: "e", ParentID: ptr("c")},
		} {
			if _, err := f.categories.Insert(tx, c); err != nil {
				return err
			}
		}
		return nil
	})
}

func cat(id, parent string) Category {
	if parent == "" {
		return Category{ID: id}
	}
	return Category{ID: id, ParentID: ptr(parent)}
}

func TestTree(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, cache.Config{})
	f.seedTree(t)
	for _, tc := range []struct {
		name          string
		node          Category
		parent        *Category
		children      []Category
		ancestors     []Category
		wantErr       error
		wantAncestors error
	}{
		{"a root", cat("a", ""), nil, []Category{cat("b", "a")}, nil, nil, nil},
		{"an inner node", cat("b", "a"), ptr(cat("a", "")), []Category{cat("c", "b"), cat("d", "b")}, []Category{cat("a", "")}, nil, nil},
		{"a deep leaf", cat("e", "c"), ptr(cat("c", "b")), nil, []Category{cat("c", "b"), cat("b", "a"), cat("a", "")}, nil, nil},
		{"a node not stored walks from its foreign key", cat("z", "d"), ptr(cat("d", "b")), nil, []Category{cat("d", "b"), cat("b", "a"), cat("a", "")}, nil, nil},
		{"a dangling parent is not found", cat("z", "gone"), nil, nil, nil, memstore.ErrNotFound, memstore.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ok, err := f.tree.Parent(ctx, tc.node)
			if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
				t.Fatalf("Parent(%s) error = %v, want %v", tc.node.ID, err, tc.wantErr)
			}
			if ok != (tc.parent != nil) || (ok && !cmp.Equal(*tc.parent, p)) {
				t.Errorf("Parent(%s) = %+v, %v; want %+v", tc.node.ID, p, ok, tc.parent)
			}
			if err == nil {
				children, err := f.tree.Children(ctx, tc.node)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.children, children, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("Children(%s) (-want +got):\n%s", tc.node.ID, diff)
				}
			}
			ancestors, err := f.tree.Ancestors(ctx, tc.node)
			if !errors.Is(err, tc.wantAncestors) || (err == nil) != (tc.wantAncestors == nil) {
				t.Fatalf("Ancestors(%s) error = %v, want %v", tc.node.ID, err, tc.wantAncestors)
			}
			if diff := cmp.Diff(tc.ancestors, ancestors, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Ancestors(%s) (-want +got):\n%s", tc.node.ID, diff)
			}
		})
	}
	t.Run("a cancelled context is an error", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := f.tree.Ancestors(cctx, cat("e", "c")); !errors.Is(err, context.Canceled) {
			t.Errorf("Ancestors(cancelled) error = %v, want context.Canceled", err)
		}
	})
}

func TestTreeCycle(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		make  func(t *testing.T, f *fixture)
		node  string
		found []Category // the ancestors returned with ErrCycle
	}{
		{"a and b parents of each other", func(t *testing.T, f *fixture) {
			mustInsert(t, f, f.categories, cat("a", ""))
			mustInsert(t, f, f.categories, cat("b", "a"))
			f.update(t, func(tx *memstore.Tx) error { return f.categories.Update(tx, cat("a", "b")) })
		}, "a", []Category{cat("b", "a")}},
		{"a node that is its own parent", func(t *testing.T, f *fixture) {
			mustInsert(t, f, f.categories, cat("s", "s"))
		}, "s", nil},
		{"a node made its own parent by an update", func(t *testing.T, f *fixture) {
			mustInsert(t, f, f.categories, cat("s", ""))
			f.update(t, func(tx *memstore.Tx) error { return f.categories.Update(tx, cat("s", "s")) })
		}, "s", nil},
		{"a cycle above the node", func(t *testing.T, f *fixture) {
			mustInsert(t, f, f.categories, cat("a", ""))
			mustInsert(t, f, f.categories, cat("b", "a"))
			mustInsert(t, f, f.categories, cat("c", "b"))
			mustInsert(t, f, f.categories, cat("leaf", "c"))
			f.update(t, func(tx *memstore.Tx) error { return f.categories.Update(tx, cat("a", "c")) })
		}, "leaf", []Category{cat("c", "b"), cat("b", "a"), cat("a", "c")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, cache.Config{})
			tc.make(t, f)
			node, _ := stored(t, f, f.categories, tc.node)
			got, err := f.tree.Ancestors(ctx, node)
			if !errors.Is(err, relations.ErrCycle) {
				t.Errorf("Ancestors(%s) error = %v, want ErrCycle", tc.node, err)
			}
			if diff := cmp.Diff(tc.found, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Ancestors(%s) found so far (-want +got):\n%s", tc.node, diff)
			}
		})
	}
}
