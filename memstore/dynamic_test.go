package memstore_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/relstore/relstore/memstore"
)

func TestModelOfTypeRefusesNilAndNonStruct(t *testing.T) {
	for _, tc := range []struct {
		name string
		typ  reflect.Type
	}{
		{"nil type", nil},
		{"not a struct", reflect.TypeFor[int]()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := memstore.ModelOfType(tc.typ)
			m.Name = "X"
			_, err := memstore.New(memstore.Config{Models: []memstore.Model{m}})
			if !errors.Is(err, memstore.ErrSchema) {
				t.Fatalf("New = %v, want ErrSchema", err)
			}
		})
	}
}

func TestModelOfTypeIdenticalStructsNeedDistinctTags(t *testing.T) {
	fields := func(tag string) []reflect.StructField {
		return []reflect.StructField{{Name: "ID", Type: reflect.TypeFor[int64](), Tag: reflect.StructTag(tag)}}
	}
	a, b := memstore.ModelOfType(reflect.StructOf(fields(`json:"id"`))), memstore.ModelOfType(reflect.StructOf(fields(`json:"id"`)))
	a.Name, b.Name = "A", "B"
	if _, err := memstore.New(memstore.Config{Models: []memstore.Model{a, b}}); !errors.Is(err, memstore.ErrSchema) {
		t.Fatalf("New(two models of one type) = %v, want ErrSchema", err)
	}
	b = memstore.ModelOfType(reflect.StructOf(fields(`json:"id" model:"B"`)))
	b.Name = "B"
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{a, b}})
	if err != nil {
		t.Fatalf("New(distinct tags) = %v", err)
	}
	s.Close()
}

func TestAutoKey(t *testing.T) {
	ctx := context.Background()
	type keyed struct {
		ID int32 `relstore:"pk,auto"`
	}
	type plain struct{ ID int64 }
	type rowless struct{ Text string }
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[keyed](), memstore.ModelOf[plain](), memstore.ModelOf[rowless](),
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	err = s.View(ctx, func(tx *memstore.Tx) error {
		if last, ok, err := tx.AutoKey("keyed"); err != nil || ok || last != nil {
			t.Errorf("AutoKey(unused) = %v, %v, %v; want nil, false, nil", last, ok, err)
		}
		for _, name := range []string{"plain", "nope"} {
			if _, _, err := tx.AutoKey(name); !errors.Is(err, memstore.ErrInvalid) {
				t.Errorf("AutoKey(%s) = %v, want ErrInvalid", name, err)
			}
		}
		if err := tx.RaiseAutoKey("keyed", int32(5)); !errors.Is(err, memstore.ErrReadOnly) {
			t.Errorf("RaiseAutoKey in View = %v, want ErrReadOnly", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("raise, never lower", func(t *testing.T) {
		err := s.Update(ctx, func(tx *memstore.Tx) error {
			if err := tx.RaiseAutoKey("keyed", int32(10)); err != nil {
				return err
			}
			if err := tx.RaiseAutoKey("keyed", int32(3)); err != nil {
				return err
			}
			v := keyed{}
			if err := tx.Insert(&v); err != nil {
				return err
			}
			if v.ID != 11 {
				t.Errorf("next key = %d, want 11", v.ID)
			}
			return tx.RaiseAutoKey("rowless", memstore.RowID(7))
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.View(ctx, func(tx *memstore.Tx) error {
			last, ok, err := tx.AutoKey("keyed")
			if err != nil || !ok || last != int32(11) {
				t.Errorf("AutoKey = %v (%T), %v, %v; want int32 11", last, last, ok, err)
			}
			last, ok, err = tx.AutoKey("rowless")
			if err != nil || !ok || last != memstore.RowID(7) {
				t.Errorf("AutoKey(rowless) = %v, %v, %v; want RowID 7", last, ok, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("a raise is rolled back with its transaction", func(t *testing.T) {
		boom := errors.New("boom")
		err := s.Update(ctx, func(tx *memstore.Tx) error {
			if err := tx.RaiseAutoKey("keyed", int32(100)); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Update = %v", err)
		}
		_ = s.View(ctx, func(tx *memstore.Tx) error {
			if last, _, _ := tx.AutoKey("keyed"); last != int32(11) {
				t.Errorf("AutoKey after rollback = %v, want 11", last)
			}
			return nil
		})
	})

	t.Run("a value that does not convert to the key's type aborts the transaction", func(t *testing.T) {
		err := s.Update(ctx, func(tx *memstore.Tx) error {
			if err := tx.RaiseAutoKey("keyed", int64(1)<<40); !errors.Is(err, memstore.ErrInvalid) {
				t.Errorf("RaiseAutoKey(int64 1<<40) = %v, want ErrInvalid (the key is an int32)", err)
			}
			return nil
		})
		if !errors.Is(err, memstore.ErrInvalid) {
			t.Fatalf("Update = %v, want the refusal", err)
		}
	})
}

func TestWatch(t *testing.T) {
	ctx := context.Background()
	type row struct{ ID int64 }
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[row]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	n0, next := s.Watch()
	select {
	case <-next:
		t.Fatal("channel closed before any commit")
	default:
	}
	// A commit that writes nothing, and a refused one, publish nothing.
	_ = s.Update(ctx, func(tx *memstore.Tx) error { return nil })
	_ = s.Update(ctx, func(tx *memstore.Tx) error { return tx.Insert(row{}) })
	select {
	case <-next:
		t.Fatal("channel closed by an empty or refused commit")
	default:
	}
	if err := s.Update(ctx, func(tx *memstore.Tx) error { return tx.Insert(row{ID: 1}) }); err != nil {
		t.Fatal(err)
	}
	<-next
	n1, next := s.Watch()
	if n1 != n0+1 {
		t.Errorf("count after one commit = %d, want %d", n1, n0+1)
	}
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Restore(ctx, snap); err != nil {
		t.Fatal(err)
	}
	<-next
	if n2, _ := s.Watch(); n2 != n1+1 {
		t.Errorf("count after a restore = %d, want %d", n2, n1+1)
	}
}

// TestWatchNoLostWakeup: a watcher that reads the count, then sees the
// state, never waits on a channel that no commit will close while commits
// keep coming.
func TestWatchNoLostWakeup(t *testing.T) {
	ctx := context.Background()
	type row struct{ ID int64 }
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[row]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const commits = 2000
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := int64(1); i <= commits; i++ {
			if err := s.Update(ctx, func(tx *memstore.Tx) error { return tx.Insert(row{ID: i}) }); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	start, _ := s.Watch()
	for {
		n, next := s.Watch()
		if n-start >= commits {
			break
		}
		<-next // a lost wakeup hangs here (the test times out)
	}
	wg.Wait()
}
