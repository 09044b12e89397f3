package relations_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

func orderIDs(os []Order) []int64 {
	var ids []int64
	for _, o := range os {
		ids = append(ids, o.ID)
	}
	return ids
}

// TestHasManyScoped: LoopBack's customer.orders({where, order, limit}),
// and count, exists, delete and update within the owner's scope.
func TestHasManyScoped(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, cache.Config{})
	f.seedMore(t) // Ann: orders 1 a1, 2 a2, 5 a5, 10 a10; Bob: 3 b1
	t.Run("find with where, order, limit", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			f    filter.Filter
			want []int64
		}{
			{"every child", filter.Filter{}, []int64{1, 2, 5, 10}},
			{"where", filter.Filter{Where: filter.Like("Note", "a1%")}, []int64{1, 10}},
			{"order and limit", filter.Filter{Order: []filter.Order{filter.Desc("Note")}, Limit: 2}, []int64{5, 2}},
			{"skip", filter.Filter{Skip: 3}, []int64{10}},
			{"keyset", filter.Filter{Order: []filter.Order{filter.Desc("ID")}, After: []any{5}}, []int64{2, 1}},
			{"another owner's child is never in scope", filter.Filter{Where: filter.Eq("ID", 3)}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := f.orders.Find(ctx, ann, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.want, orderIDs(got)); diff != "" {
					t.Errorf("Find(%v) (-want +got):\n%s", tc.f, diff)
				}
			})
		}
	})
	t.Run("count and exists", func(t *testing.T) {
		if n, err := f.orders.CountWhere(ctx, ann, filter.Gt("ID", 1)); n != 3 || err != nil {
			t.Errorf("CountWhere = %d, %v; want 3", n, err)
		}
		if n, err := f.orders.CountWhere(ctx, bob, filter.Cond{}); n != 1 || err != nil {
			t.Errorf("CountWhere(Bob) = %d, %v; want 1", n, err)
		}
		if ok, err := f.orders.Exists(ctx, bob, filter.Eq("Note", "a1")); ok || err != nil {
			t.Errorf("Exists(Bob, a1) = %v, %v; want false", ok, err)
		}
		if ok, err := f.orders.Exists(ctx, ann, filter.Eq("Note", "a1")); !ok || err != nil {
			t.Errorf("Exists(Ann, a1) = %v, %v; want true", ok, err)
		}
	})
	t.Run("a refused filter", func(t *testing.T) {
		_, err := f.orders.Find(ctx, ann, filter.Filter{Where: filter.Gt("Note", 3)})
		var fe *filter.Error
		if !errors.Is(err, memstore.ErrInvalid) || !errors.As(err, &fe) || fe.Path != "where.Note.gt" {
			t.Errorf("Find with a number for a string: %v, want ErrInvalid at where.Note.gt", err)
		}
	})
	t.Run("update within the scope", func(t *testing.T) {
		n, err := f.orders.UpdateWhere(ctx, ann, filter.Like("Note", "a1%"), func(o *Order) error {
			o.Note += "!"
			return nil
		})
		if n != 2 || err != nil {
			t.Fatalf("UpdateWhere = %d, %v; want 2", n, err)
		}
		if o := f.order(t, 10); o.Note != "a10!" {
			t.Errorf("order 10 after UpdateWhere: %+v", o)
		}
		if o := f.order(t, 3); o.Note != "b1" {
			t.Errorf("Bob's order after Ann's UpdateWhere: %+v", o)
		}
	})
	t.Run("update cannot move a child", func(t *testing.T) {
		n, err := f.orders.UpdateWhere(ctx, ann, filter.Cond{}, func(o *Order) error {
			o.CustomerID = 2
			return nil
		})
		if n != 0 || !errors.Is(err, relations.ErrOtherOwner) {
			t.Fatalf("UpdateWhere moving children = %d, %v; want ErrOtherOwner", n, err)
		}
		if n, _ := f.orders.CountWhere(ctx, ann, filter.Cond{}); n != 4 {
			t.Errorf("Ann has %d orders after a refused move, want 4", n)
		}
	})
	t.Run("delete within the scope", func(t *testing.T) {
		n, err := f.orders.DeleteWhere(ctx, ann, filter.Lt("ID", 5))
		if n != 2 || err != nil {
			t.Fatalf("DeleteWhere = %d, %v; want 2", n, err)
		}
		left, err := f.orders.List(ctx, ann)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int64{5, 10}, orderIDs(left)); diff != "" {
			t.Errorf("Ann's orders after DeleteWhere (-want +got):\n%s", diff)
		}
		if n, _ := f.orders.CountWhere(ctx, bob, filter.Cond{}); n != 1 {
			t.Errorf("Bob has %d orders after Ann's DeleteWhere, want 1", n)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		if _, err := f.orders.UpdateWhere(ctx, ann, filter.Cond{}, nil); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("UpdateWhere with a nil function: %v, want ErrInvalid", err)
		}
		var nilCtx context.Context
		if _, err := f.orders.Find(nilCtx, ann, filter.Filter{}); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("Find with a nil context: %v, want ErrInvalid", err)
		}
	})
}

// Owners and children of TestHasManyScopedKeys: a child points at its
// owner by a unique field (keyTo), through a nullable key; a note has no
// field for its owner (a relation declared in code: a shadow key).
type keyOwner struct {
	ID    int64  `relstore:"pk,auto"`
	Email string `relstore:"unique"`
}

type keyBill struct {
	ID         int64   `relstore:"pk,auto"`
	OwnerEmail *string `relstore:"belongsTo=keyOwner,as=owner,keyTo=Email,onDelete=setNull"`
}

type keyNote struct {
	ID    int64 `relstore:"pk,auto"`
	Title string
}

// TestHasManyScopedKeys: scopes through a nullable foreign key to a unique
// field (keyTo) and through a shadow foreign key.
func TestHasManyScopedKeys(t *testing.T) {
	ctx := context.Background()
	note := memstore.ModelOf[keyNote]()
	note.Relations = []memstore.Relation{{Name: "writer", Target: "keyOwner", OnDelete: memstore.SetNull, Shadow: true}}
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[keyOwner](), memstore.ModelOf[keyBill](), note}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ann, bob := keyOwner{ID: 1, Email: "ann@x"}, keyOwner{ID: 2, Email: "bob@x"}
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		for _, v := range []any{&ann, &bob} {
			if err := tx.Insert(v); err != nil {
				return err
			}
		}
		for _, payer := range []*string{ptr("ann@x"), ptr("ann@x"), ptr("bob@x"), nil} {
			if err := tx.Insert(&keyBill{OwnerEmail: payer}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	bills := must(relations.NewHasMany[keyOwner, keyBill](s, "owner"))(t)
	if n, err := bills.CountWhere(ctx, ann, filter.Cond{}); n != 2 || err != nil {
		t.Errorf("bills of Ann: %d, %v; want 2", n, err)
	}
	if got, err := bills.Find(ctx, ann, filter.Filter{Order: []filter.Order{filter.Desc("ID")}, Limit: 1}); err != nil || len(got) != 1 || got[0].ID != 2 {
		t.Errorf("Ann's last bill: %+v, %v; want bill 2", got, err)
	}
	if n, err := bills.DeleteWhere(ctx, bob, filter.Cond{}); n != 1 || err != nil {
		t.Errorf("DeleteWhere of Bob's bills: %d, %v; want 1", n, err)
	}
	notes := must(relations.NewHasMany[keyOwner, keyNote](s, "writer"))(t)
	for _, tc := range []struct {
		owner keyOwner
		title string
	}{{ann, "t1"}, {ann, "t2"}, {ann, "t3"}, {bob, "t4"}} {
		if err := notes.Create(ctx, tc.owner, &keyNote{Title: tc.title}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := notes.Find(ctx, ann, filter.Filter{Where: filter.Neq("Title", "t2"), Order: []filter.Order{filter.Desc("Title")}})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, n := range got {
		titles = append(titles, n.Title)
	}
	if diff := cmp.Diff([]string{"t3", "t1"}, titles); diff != "" {
		t.Errorf("notes of Ann (-want +got):\n%s", diff)
	}
}

// TestHasManyScopedTx: the scoped methods inside a caller's transaction
// see its own writes, their writes roll back with it, a refused filter
// writes nothing and leaves the transaction usable, and a refused move
// aborts it.
func TestHasManyScopedTx(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, cache.Config{})
	f.seedMore(t) // Ann: orders 1 a1, 2 a2, 5 a5, 10 a10; Bob: 3 b1
	errRollback := errors.New("roll back")
	err := f.store.Update(ctx, func(tx *memstore.Tx) error {
		orders := f.orders.In(tx)
		if err := orders.Create(ann, &Order{ID: 20, Note: "a20"}); err != nil {
			return err
		}
		before := f.orders.Lookups()
		got, err := orders.Find(ann, filter.Filter{Where: filter.Like("Note", "a2%"), Order: []filter.Order{filter.Desc("ID")}})
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]int64{20, 2}, orderIDs(got)); diff != "" {
			t.Errorf("Find in the Update (-want +got):\n%s", diff)
		}
		if n := f.orders.Lookups() - before; n != 1 {
			t.Errorf("Find made %d lookups, want 1 (Ann's children)", n)
		}
		if n, err := orders.CountWhere(ann, filter.Gt("ID", 4)); n != 3 || err != nil {
			t.Errorf("CountWhere in the Update = %d, %v; want 3", n, err)
		}
		if ok, err := orders.Exists(ann, filter.Eq("Note", "a20")); !ok || err != nil {
			t.Errorf("Exists(a20) in the Update = %v, %v; want true", ok, err)
		}
		if ok, err := orders.Exists(bob, filter.Eq("Note", "a20")); ok || err != nil {
			t.Errorf("Exists(Bob, a20) in the Update = %v, %v; want false", ok, err)
		}
		n, err := orders.UpdateWhere(ann, filter.Eq("ID", 20), func(o *Order) error { o.Note = "a20!"; return nil })
		if n != 1 || err != nil {
			t.Errorf("UpdateWhere in the Update = %d, %v; want 1", n, err)
		}
		if n, err := orders.DeleteWhere(ann, filter.Lt("ID", 3)); n != 2 || err != nil {
			t.Errorf("DeleteWhere in the Update = %d, %v; want 2", n, err)
		}
		// A refused filter writes nothing; the transaction goes on.
		var fe *filter.Error
		if _, err := orders.DeleteWhere(ann, filter.Gt("Note", 3)); !errors.Is(err, memstore.ErrInvalid) || !errors.As(err, &fe) || fe.Path != "where.Note.gt" {
			t.Errorf("DeleteWhere with a number for a string = %v, want ErrInvalid at where.Note.gt", err)
		}
		if _, err := orders.UpdateWhere(ann, filter.Cond{}, nil); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("UpdateWhere with a nil function = %v, want ErrInvalid", err)
		}
		left, err := orders.Find(ann, filter.Filter{})
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]int64{5, 10, 20}, orderIDs(left)); diff != "" {
			t.Errorf("Ann's orders at the end of the Update (-want +got):\n%s", diff)
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	if left, _ := f.orders.Find(ctx, ann, filter.Filter{}); !cmp.Equal([]int64{1, 2, 5, 10}, orderIDs(left)) {
		t.Errorf("Ann's orders after the rollback = %v, want [1 2 5 10]", orderIDs(left))
	}
	// A move refused inside UpdateWhere aborts the caller's transaction.
	err = f.store.Update(ctx, func(tx *memstore.Tx) error {
		_, err := f.orders.In(tx).UpdateWhere(ann, filter.Cond{}, func(o *Order) error { o.CustomerID = 2; return nil })
		if !errors.Is(err, relations.ErrOtherOwner) {
			t.Errorf("UpdateWhere moving children = %v, want ErrOtherOwner", err)
		}
		return tx.Insert(&Order{ID: 30, CustomerID: 1, Note: "late"})
	})
	if !errors.Is(err, relations.ErrOtherOwner) {
		t.Errorf("the Update after a refused move = %v, want the refusal (aborted)", err)
	}
}
