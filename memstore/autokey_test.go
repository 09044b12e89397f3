package memstore_test

import (
	"context"
	"errors"
	"slices"
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

// TestAutoKeyBoundsDuplicates: an explicit key inserted into an auto-key
// model skips the duplicate lookup when it is above the counter, which
// holds for every state (see Tx.seqAbove). Every duplicate is still
// refused: after a Restore, after a rollback, below a raised counter, with
// negative keys, and within one transaction.
func TestAutoKeyBoundsDuplicates(t *testing.T) {
	ctx := context.Background()
	type row struct {
		ID int64 `relstore:"pk,auto"`
	}
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[row]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows, _ := memstore.TableOf[row, int64](s)
	insert := func(ids ...int64) error {
		return s.Update(ctx, func(tx *memstore.Tx) error {
			for _, id := range ids {
				if _, err := rows.Insert(tx, row{ID: id}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	step := func(name string, err error, want error) {
		t.Helper()
		if !errors.Is(err, want) || (want == nil && err != nil) {
			t.Errorf("%s: %v, want %v", name, err, want)
		}
	}
	step("insert -5 into an empty model", insert(-5), nil)
	step("insert -5 again", insert(-5), memstore.ErrUnique)
	step("insert 10", insert(10), nil)
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	step("insert 20, 20 in one transaction", insert(20, 20), memstore.ErrUnique)
	step("insert 20 after the refused pair", insert(20), nil)
	step("insert 10 again", insert(10), memstore.ErrUnique)
	if err := s.Restore(ctx, snap); err != nil {
		t.Fatal(err)
	}
	step("insert 10 after Restore", insert(10), memstore.ErrUnique)
	step("insert 20 after Restore", insert(20), nil)
	step("insert 20 again after Restore", insert(20), memstore.ErrUnique)
	step("raise to 100", s.Update(ctx, func(tx *memstore.Tx) error { return tx.RaiseAutoKey("row", int64(100)) }), nil)
	step("insert 50 below the raised counter", insert(50), nil)
	step("insert 50 again", insert(50), memstore.ErrUnique)
	step("insert -5 again, below the counter", insert(-5), memstore.ErrUnique)
	var got []int64
	_ = s.View(ctx, func(tx *memstore.Tx) error {
		seq, err := rows.Scan(tx)
		for id := range seq {
			got = append(got, id)
		}
		return err
	})
	if want := []int64{-5, 10, 20, 50}; !slices.Equal(got, want) {
		t.Errorf("rows = %v, want %v", got, want)
	}
}
