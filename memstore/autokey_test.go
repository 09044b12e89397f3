package memstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/relstore/relstore/memstore"
)

// TestAutoKeyCounterIsState pins where the auto-key counters live: they are
// part of each committed state and of each Snapshot, kept beside go-memdb's
// tables (issue 16), so they commit, roll back and restore with the rows.
func TestAutoKeyCounterIsState(t *testing.T) {
	ctx := context.Background()
	type owner struct {
		ID int64 `relstore:"pk,auto"`
	}
	type item struct {
		ID      int64 `relstore:"pk,auto"`
		OwnerID int64 `relstore:"belongsTo=owner"`
	}
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[owner](), memstore.ModelOf[item]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	owners, _ := memstore.TableOf[owner, int64](s)
	items, _ := memstore.TableOf[item, int64](s)
	insert := func(v item) (int64, error) {
		var id int64
		err := s.Update(ctx, func(tx *memstore.Tx) (err error) { id, err = items.Insert(tx, v); return err })
		return id, err
	}
	last := func(view func(context.Context, func(*memstore.Tx) error) error) any {
		var v any
		if err := view(ctx, func(tx *memstore.Tx) (err error) { v, _, err = tx.AutoKey("item"); return err }); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if err := s.Update(ctx, func(tx *memstore.Tx) error { _, err := owners.Insert(tx, owner{}); return err }); err != nil {
		t.Fatal(err)
	}
	if id, err := insert(item{OwnerID: 1}); err != nil || id != 1 {
		t.Fatalf("first insert = %d, %v; want 1", id, err)
	}

	// A refused insert (a foreign key to no row) takes no key.
	if _, err := insert(item{OwnerID: 99}); !errors.Is(err, memstore.ErrForeignKey) {
		t.Fatalf("dangling insert = %v, want ErrForeignKey", err)
	}
	// Nor does a rolled-back one.
	boom := errors.New("boom")
	if err := s.Update(ctx, func(tx *memstore.Tx) error {
		if _, err := items.Insert(tx, item{OwnerID: 1}); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("rolled-back insert = %v", err)
	}
	if id, err := insert(item{OwnerID: 1}); err != nil || id != 2 {
		t.Fatalf("insert after a refusal and a rollback = %d, %v; want 2", id, err)
	}
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}

	// A transaction that only raises the counter writes no row, and still
	// commits: readers see it, and Watch counts it.
	n0, _ := s.Watch()
	if err := s.Update(ctx, func(tx *memstore.Tx) error { return tx.RaiseAutoKey("item", int64(40)) }); err != nil {
		t.Fatal(err)
	}
	if n1, _ := s.Watch(); n1 != n0+1 {
		t.Errorf("Watch count after a raise = %d, want %d", n1, n0+1)
	}
	if got := last(s.View); got != int64(40) {
		t.Errorf("AutoKey after a raise-only commit = %v, want 40", got)
	}
	// The snapshot keeps the counter it was taken with.
	if got := last(snap.View); got != int64(2) {
		t.Errorf("Snapshot's AutoKey = %v, want 2", got)
	}
	if id, err := insert(item{OwnerID: 1}); err != nil || id != 41 {
		t.Fatalf("insert after the raise = %d, %v; want 41", id, err)
	}
	// Restore puts the snapshot's counter back.
	if err := s.Restore(ctx, snap); err != nil {
		t.Fatal(err)
	}
	if got := last(s.View); got != int64(2) {
		t.Errorf("AutoKey after Restore = %v, want 2", got)
	}
	if id, err := insert(item{OwnerID: 1}); err != nil || id != 3 {
		t.Fatalf("insert after Restore = %d, %v; want 3", id, err)
	}
}
