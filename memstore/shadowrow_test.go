package memstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
)

type shOwner struct{ ID int64 }

type shPet struct {
	ID   int64
	Name string
}

func newShadowStore(t *testing.T) *memstore.Store {
	t.Helper()
	pet := memstore.ModelOf[shPet]()
	pet.Relations = []memstore.Relation{{Name: "owner", Target: "shOwner", FK: "OwnerID", Shadow: true}}
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[shOwner](), pet}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestShadowByValue(t *testing.T) {
	s := newShadowStore(t)
	ctx := context.Background()
	err := s.Update(ctx, func(tx *memstore.Tx) error {
		for _, o := range []shOwner{{1}, {2}} {
			if err := tx.Insert(o); err != nil {
				return err
			}
		}
		if err := tx.InsertShadow(shPet{1, "rex"}, map[string]any{"OwnerID": 1}); err != nil {
			return err
		}
		return tx.InsertShadow(shPet{2, "tom"}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	shadowIs := func(pet shPet, want map[string]any) {
		t.Helper()
		s.View(ctx, func(tx *memstore.Tx) error {
			got, err := tx.ShadowOf(pet)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ShadowOf(%v) (-want +got):\n%s", pet, diff)
			}
			return nil
		})
	}
	shadowIs(shPet{ID: 1}, map[string]any{"OwnerID": int64(1)})
	shadowIs(shPet{ID: 2}, map[string]any{"OwnerID": nil})

	// An update keeps the shadow keys it does not name.
	if err := s.Update(ctx, func(tx *memstore.Tx) error { return tx.UpdateShadow(shPet{1, "rex2"}, nil) }); err != nil {
		t.Fatal(err)
	}
	shadowIs(shPet{ID: 1}, map[string]any{"OwnerID": int64(1)})
	if err := s.Update(ctx, func(tx *memstore.Tx) error { return tx.UpdateShadow(shPet{2, "tom"}, map[string]any{"OwnerID": "2"}) }); err == nil {
		t.Errorf(`UpdateShadow with the string "2" for an int64 key: no error`)
	}
	if err := s.Update(ctx, func(tx *memstore.Tx) error { return tx.UpdateShadow(shPet{2, "tom"}, map[string]any{"OwnerID": 2}) }); err != nil {
		t.Fatal(err)
	}
	shadowIs(shPet{ID: 2}, map[string]any{"OwnerID": int64(2)})
	s.View(ctx, func(tx *memstore.Tx) error {
		rows, err := tx.Find("shPet", filter.Filter{Where: filter.Eq("OwnerID", 2)})
		if err != nil || len(rows) != 1 || rows[0].(shPet).Name != "tom" {
			t.Errorf("Find OwnerID = 2: %v, %v", rows, err)
		}
		return nil
	})

	for name, c := range map[string]struct {
		fn   func(tx *memstore.Tx) error
		want error
	}{
		"a dangling shadow key":    {func(tx *memstore.Tx) error { return tx.InsertShadow(shPet{3, "x"}, map[string]any{"OwnerID": 9}) }, memstore.ErrForeignKey},
		"an unknown shadow column": {func(tx *memstore.Tx) error { return tx.InsertShadow(shPet{3, "x"}, map[string]any{"Name": "y"}) }, memstore.ErrInvalid},
		"an update of no row":      {func(tx *memstore.Tx) error { return tx.UpdateShadow(shPet{9, "x"}, nil) }, memstore.ErrNotFound},
		"a restricted delete":      {func(tx *memstore.Tx) error { return tx.Delete(shOwner{2}) }, memstore.ErrForeignKey},
	} {
		if err := s.Update(ctx, c.fn); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
	s.View(ctx, func(tx *memstore.Tx) error {
		if _, err := tx.ShadowOf(shPet{ID: 9}); !errors.Is(err, memstore.ErrNotFound) {
			t.Errorf("ShadowOf a missing row: %v", err)
		}
		if got, err := tx.ShadowOf(shOwner{1}); err != nil || len(got) != 0 {
			t.Errorf("ShadowOf a model without shadow keys = %v, %v", got, err)
		}
		return nil
	})
}
