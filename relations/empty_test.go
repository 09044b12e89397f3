package relations_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/relstore/relstore/cache"
)

// TestEmptyResultsMarshalAsArrays: a list, a batch or an include with
// nothing to return is an empty slice, never nil, so that JSON shows []
// (issue 15), not null.
func TestEmptyResultsMarshalAsArrays(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, cache.Config{})
	f.seed(t)
	lonely := Customer{ID: 9}
	list, err := f.orders.List(ctx, lonely)
	if err != nil {
		t.Fatal(err)
	}
	lists, err := f.orders.Include(ctx, []Customer{lonely})
	if err != nil {
		t.Fatal(err)
	}
	children, err := f.tree.Children(ctx, Category{ID: "x"})
	if err != nil {
		t.Fatal(err)
	}
	ancestors, err := f.tree.Ancestors(ctx, Category{ID: "x"})
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]any{"List": list, "Include": lists[0], "Children": children, "Ancestors": ancestors} {
		if b, _ := json.Marshal(v); string(b) != "[]" {
			t.Errorf("%s of nothing marshals to %s, want []", name, b)
		}
	}
}
