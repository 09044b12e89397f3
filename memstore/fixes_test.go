package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/relstore/relstore/memstore"
)

type tagged struct {
	Tags []string
}

// TagBadge promotes an exported slice from an unexported embedded struct.
type TagBadge struct {
	ID int64
	tagged
}

type HTTPRoute struct {
	ID int64
}

// WebLink's relation to HTTPRoute is declared in code: its default foreign key is
// HTTPRouteID, spelled as Go spells it.
type WebLink struct {
	ID          int64
	HTTPRouteID int64
}

func TestPromotedFieldsAreCopied(t *testing.T) {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[TagBadge]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	badges := mustTable[TagBadge, int64](t, s)
	in := TagBadge{ID: 1, tagged: tagged{Tags: []string{"gold"}}}
	mustUpdate(t, s, func(tx *memstore.Tx) error { _, err := badges.Insert(tx, in); return err })
	in.Tags[0] = "lead" // the caller changes its own value
	var out TagBadge
	mustView(t, s, func(tx *memstore.Tx) error { out, err = badges.Get(tx, 1); return err })
	if out.Tags[0] != "gold" {
		t.Fatalf("stored Tags after the caller changed its copy = %q, want gold", out.Tags)
	}
	out.Tags[0] = "tin" // and the value it got back
	mustView(t, s, func(tx *memstore.Tx) error { out, err = badges.Get(tx, 1); return err })
	if out.Tags[0] != "gold" {
		t.Errorf("stored Tags after the caller changed a returned copy = %q, want gold", out.Tags)
	}
}

func TestDefaultForeignKeyOfAnInitialism(t *testing.T) {
	link := memstore.ModelOf[WebLink]()
	link.Relations = []memstore.Relation{{Target: "HTTPRoute"}}
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[HTTPRoute](), link}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, m := range s.Models() {
		if m.Name != "WebLink" {
			continue
		}
		if r := m.Relations[0]; r.Name != "httpRoute" || r.FK != "HTTPRouteID" || r.Shadow {
			t.Errorf("relation = %+v, want name httpRoute, FK HTTPRouteID, not shadow", r)
		}
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error { return tx.Insert(WebLink{ID: 1, HTTPRouteID: 9}) })
	if !errors.Is(err, memstore.ErrForeignKey) {
		t.Errorf("insert with a dangling HTTPRouteID: error = %v, want ErrForeignKey", err)
	}
}

func TestAbortedErrorWrapsTheFirstError(t *testing.T) {
	s := newTestStore(t)
	var later error
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		_ = tx.Insert(Order{CustomerID: 99}) // fails: the transaction is aborted
		later = tx.Insert(Customer{Email: "a@x"})
		return later
	})
	if !errors.Is(later, memstore.ErrTxAborted) || !errors.Is(later, memstore.ErrForeignKey) {
		t.Errorf("later error = %v, want ErrTxAborted wrapping ErrForeignKey", later)
	}
	if !errors.Is(err, memstore.ErrForeignKey) {
		t.Errorf("Update error = %v, want it to match ErrForeignKey", err)
	}
}

// TestDuplicateKeysInAnyOrder pins the duplicate-key check, which skips its
// lookup for keys above the table's largest: duplicates are refused
// whatever the order of inserts, within and across transactions.
func TestDuplicateKeysInAnyOrder(t *testing.T) {
	ts := newTestStore(t)
	ctx := context.Background()
	insert := func(ids ...int64) error {
		return ts.Update(ctx, func(tx *memstore.Tx) error {
			for _, id := range ids {
				if _, err := ts.products.Insert(tx, Product{SKU: fmt.Sprint("p", id), CategoryID: "c"}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error { return tx.Insert(Category{ID: "c"}) })
	for _, tc := range []struct {
		name string
		ids  []int64
		dup  bool
	}{
		{"first keys", []int64{5, 7}, false},
		{"the largest key again", []int64{7}, true},
		{"a smaller key again", []int64{5}, true},
		{"a new smaller key", []int64{3}, false},
		{"new larger keys, then one of them again", []int64{8, 9, 8}, true},
		{"new larger keys after the refused transaction", []int64{8, 9}, false},
		// The first insert of a transaction is looked up; the bound of the
		// later ones must include its key.
		{"a new key, a smaller new key, the first again", []int64{95, 91, 95}, true},
		{"a new key twice", []int64{96, 96}, true},
		{"a new key, a larger one, the first again", []int64{97, 98, 97}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := insert(tc.ids...)
			if got := errors.Is(err, memstore.ErrUnique); got != tc.dup {
				t.Errorf("insert %v: error = %v, want duplicate %v", tc.ids, err, tc.dup)
			}
		})
	}
	t.Run("deleted then inserted again in one transaction", func(t *testing.T) {
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
			if err := ts.products.Delete(tx, "p9"); err != nil {
				return err
			}
			_, err := ts.products.Insert(tx, Product{SKU: "p9", CategoryID: "c"})
			return err
		})
	})
	t.Run("auto keys never collide with explicit ones", func(t *testing.T) {
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
			if err := tx.Insert(Customer{ID: 10, Email: "ten@x"}); err != nil {
				return err
			}
			for i := range 3 {
				if err := tx.Insert(Customer{Email: fmt.Sprint(i, "@x")}); err != nil {
					return err
				}
			}
			return nil
		})
		err := ts.Update(ctx, func(tx *memstore.Tx) error { return tx.Insert(Customer{ID: 12, Email: "dup@x"}) })
		if !errors.Is(err, memstore.ErrUnique) {
			t.Errorf("explicit insert of an auto-assigned key: error = %v, want ErrUnique", err)
		}
	})
	t.Run("an auto key, then the same key explicitly, in one transaction", func(t *testing.T) {
		// Found by TestOpsRandom: assigned keys must raise the bound too.
		err := ts.Update(ctx, func(tx *memstore.Tx) error {
			c := &Customer{Email: "auto@x"}
			if err := tx.Insert(c); err != nil {
				return err
			}
			return tx.Insert(Customer{ID: c.ID, Email: "explicit@x"})
		})
		if !errors.Is(err, memstore.ErrUnique) {
			t.Errorf("explicit insert of a key auto-assigned in the same transaction: error = %v, want ErrUnique", err)
		}
	})
}

// TestDuplicateKeysAcrossRestore pins the duplicate-key bound the store keeps
// between transactions: a Restore to a state with fewer keys than the current
// one, or with more, and inserts that raised the bound but were refused,
// never let a duplicate through nor refuse a new key.
func TestDuplicateKeysAcrossRestore(t *testing.T) {
	ts := newTestStore(t)
	ctx := context.Background()
	insert := func(ids ...int64) error {
		return ts.Update(ctx, func(tx *memstore.Tx) error {
			for _, id := range ids {
				if _, err := ts.orders.Insert(tx, Order{ID: id, CustomerID: 1}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	snapshot := func() *memstore.Snapshot {
		t.Helper()
		snap, err := ts.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		return snap
	}
	restore := func(snap *memstore.Snapshot) {
		t.Helper()
		if err := ts.Restore(ctx, snap); err != nil {
			t.Fatal(err)
		}
	}
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error { return tx.Insert(Customer{ID: 1, Email: "a@x"}) })
	if err := insert(10, 20); err != nil {
		t.Fatal(err)
	}
	small := snapshot() // orders 10, 20
	if err := insert(300); err != nil {
		t.Fatal(err)
	}
	large := snapshot() // orders 10, 20, 300
	for _, tc := range []struct {
		name    string
		restore *memstore.Snapshot // nil: none
		ids     []int64
		dup     bool
	}{
		{"a new key above the rest", nil, []int64{301}, false},
		{"a key below the bound that exists", nil, []int64{20}, true},
		{"back to fewer keys: a key only the other state had", small, []int64{300}, false},
		{"the bound is rebuilt from the restored state", nil, []int64{21, 22}, false},
		{"then a key the restored state has", nil, []int64{20}, true},
		{"to more keys than the bound has seen: their largest", large, []int64{300}, true},
		{"after two inserts that build the bound", large, []int64{400, 401, 300}, true},
		{"a key refused after raising the bound can be inserted", nil, []int64{500, 500}, true},
		{"and it is free afterwards", nil, []int64{500}, false},
		{"and taken after that", nil, []int64{500}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.restore != nil {
				restore(tc.restore)
			}
			err := insert(tc.ids...)
			if got := errors.Is(err, memstore.ErrUnique); got != tc.dup {
				t.Errorf("insert %v: error = %v, want duplicate %v", tc.ids, err, tc.dup)
			}
		})
	}
	t.Run("a refused foreign key raised the bound", func(t *testing.T) {
		err := ts.Update(ctx, func(tx *memstore.Tx) error {
			_, err := ts.orders.Insert(tx, Order{ID: 900, CustomerID: 2})
			return err
		})
		if !errors.Is(err, memstore.ErrForeignKey) {
			t.Fatalf("insert with a dangling CustomerID: error = %v, want ErrForeignKey", err)
		}
		if err := insert(900); err != nil {
			t.Errorf("insert of the refused key: %v", err)
		}
		if err := insert(900); !errors.Is(err, memstore.ErrUnique) {
			t.Errorf("insert of the key again: error = %v, want ErrUnique", err)
		}
	})
}

// Step references itself under restrict only, so its deletes take the
// restrict-only path, with the self-reference case.
type Step struct {
	ID     int64
	PrevID *int64 `relstore:"belongsTo=Step,as=prev"`
}

func TestRestrictOnlySelfReference(t *testing.T) {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Step]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		if err := tx.Insert(Step{ID: 1, PrevID: ptr[int64](1)}); err != nil { // references itself
			return err
		}
		if err := tx.Insert(Step{ID: 2}); err != nil {
			return err
		}
		return tx.Insert(Step{ID: 3, PrevID: ptr[int64](2)})
	})
	if err := s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(Step{ID: 2}) }); !errors.Is(err, memstore.ErrForeignKey) {
		t.Errorf("delete of a referenced step: error = %v, want ErrForeignKey", err)
	}
	if err := s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(Step{ID: 1}) }); err != nil {
		t.Errorf("delete of a step that references only itself: %v", err)
	}
	if err := s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(Step{ID: 3}) }); err != nil {
		t.Errorf("delete of an unreferenced step: %v", err)
	}
	if err := s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(Step{ID: 2}) }); err != nil {
		t.Errorf("delete of a step no longer referenced: %v", err)
	}
}
