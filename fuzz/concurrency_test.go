package fuzz

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// Models for the races: a parent with children under restrict and under
// cascade.

type Parent struct {
	ID int64
}

type RChild struct { // restricts its parent's delete
	ID       int64 `relstore:"pk,auto"`
	ParentID int64 `relstore:"belongsTo=Parent,as=parent"`
}

type CChild struct { // is deleted with its parent
	ID       int64 `relstore:"pk,auto"`
	ParentID int64 `relstore:"belongsTo=Parent,as=parent,onDelete=cascade"`
}

func openRaceStore(t testing.TB, c *cache.Cache) *memstore.Store {
	t.Helper()
	cfg := memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[Parent](), memstore.ModelOf[RChild](), memstore.ModelOf[CChild](),
	}}
	if c != nil {
		cfg.Cache = c
	}
	s, err := memstore.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestInsertChildVersusDeleteParent races "insert a child of P" against
// "delete P" 10^4 times, on 8 goroutine pairs at once. Under restrict exactly
// one of the two wins every time and no foreign key dangles; under cascade
// both may win, but the child never survives its parent.
func TestInsertChildVersusDeleteParent(t *testing.T) {
	rounds := 10_000
	if testing.Short() {
		rounds = 1_000
	}
	const workers = 8
	for _, tc := range []struct {
		name    string
		cascade bool
	}{{"restrict", false}, {"cascade", true}} {
		t.Run(tc.name, func(t *testing.T) {
			s := openRaceStore(t, nil)
			defer s.Close()
			ctx := context.Background()
			var bothWon, childWon, deleteWon atomic.Int64
			var wg sync.WaitGroup
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for r := w; r < rounds; r += workers {
						p := int64(r + 1)
						if err := s.Update(ctx, func(tx *memstore.Tx) error { return tx.Insert(Parent{ID: p}) }); err != nil {
							t.Error(err)
							return
						}
						var insErr, delErr error
						var child int64
						var pair sync.WaitGroup
						pair.Add(2)
						// Both sides wait at a barrier; which one is released
						// first alternates, so both orders happen often.
						first, second := make(chan struct{}), make(chan struct{})
						insGate, delGate := first, second
						if r%2 == 0 {
							insGate, delGate = second, first
						}
						go func() {
							defer pair.Done()
							<-insGate
							insErr = s.Update(ctx, func(tx *memstore.Tx) error {
								if tc.cascade {
									c := &CChild{ParentID: p}
									err := tx.Insert(c)
									child = c.ID
									return err
								}
								c := &RChild{ParentID: p}
								err := tx.Insert(c)
								child = c.ID
								return err
							})
						}()
						go func() {
							defer pair.Done()
							<-delGate
							delErr = s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(Parent{ID: p}) })
						}()
						close(first)
						runtime.Gosched()
						close(second)
						pair.Wait()
						for _, err := range []error{insErr, delErr} {
							if err != nil && !errors.Is(err, memstore.ErrForeignKey) {
								t.Errorf("round %d: unexpected error %v", r, err)
							}
						}
						switch {
						case insErr == nil && delErr == nil:
							bothWon.Add(1)
							if !tc.cascade {
								t.Errorf("round %d: restrict: both the child insert and the parent delete succeeded", r)
							}
						case insErr == nil:
							childWon.Add(1)
						case delErr == nil:
							deleteWon.Add(1)
						default:
							t.Errorf("round %d: neither won: %v; %v", r, insErr, delErr)
						}
						if tc.cascade && delErr == nil && insErr == nil {
							err := s.View(ctx, func(tx *memstore.Tx) error {
								rows, err := tx.Rows("CChild")
								for _, c := range rows {
									if c.(CChild).ID == child {
										return fmt.Errorf("child %d survived its parent %d", child, p)
									}
								}
								return err
							})
							if err != nil {
								t.Errorf("round %d: %v", r, err)
							}
						}
					}
				}()
			}
			wg.Wait()
			t.Logf("%d rounds: child won %d, delete won %d, both (cascade) %d", rounds, childWon.Load(), deleteWon.Load(), bothWon.Load())
			if err := s.View(ctx, func(tx *memstore.Tx) error { return tx.CheckIntegrity() }); err != nil {
				t.Errorf("after the races: %v", err)
			}
		})
	}
}

// TestCloseDuringUse closes a store (and then its cache) 1,000 times while
// goroutines read, write and fetch: nothing panics, and every store call
// after Close returns ErrClosed.
func TestCloseDuringUse(t *testing.T) {
	rounds := 1_000
	if testing.Short() {
		rounds = 100
	}
	ctx := context.Background()
	for r := range rounds {
		c, err := cache.New(cache.Config{MaxCost: 1 << 16, NumCounters: 1 << 10})
		if err != nil {
			t.Fatal(err)
		}
		s := openRaceStore(t, c)
		parent, err := relations.NewBelongsTo[CChild, Parent](s, "parent")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Update(ctx, func(tx *memstore.Tx) error {
			if err := tx.Insert(Parent{ID: 1}); err != nil {
				return err
			}
			return tx.Insert(CChild{ID: 1, ParentID: 1})
		}); err != nil {
			t.Fatal(err)
		}
		start := make(chan struct{})
		var wg sync.WaitGroup
		use := func(fn func(i int) error) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for i := range 20 {
					if err := fn(i); err != nil && !errors.Is(err, memstore.ErrClosed) {
						t.Errorf("round %d: %v", r, err)
						return
					}
				}
			}()
		}
		use(func(int) error {
			return s.View(ctx, func(tx *memstore.Tx) error { _, err := tx.Rows("Parent"); return err })
		})
		use(func(i int) error {
			return s.Update(ctx, func(tx *memstore.Tx) error { return tx.Insert(CChild{ParentID: 1}) })
		})
		use(func(int) error { _, _, err := parent.Get(ctx, CChild{ID: 1, ParentID: 1}); return err })
		use(func(int) error { _, _, err := parent.Fetch(ctx, CChild{ID: 1, ParentID: 1}).Wait(ctx); return err })
		use(func(int) error { parent.Cached(CChild{ID: 1, ParentID: 1}); return nil })
		use(func(int) error { _, err := s.Snapshot(); return err })
		close(start)
		if err := s.Close(); err != nil {
			t.Fatalf("round %d: Close = %v", r, err)
		}
		wg.Wait()
		if err := c.Close(); err != nil {
			t.Fatalf("round %d: cache Close = %v", r, err)
		}
		for name, err := range map[string]error{
			"Update":   s.Update(ctx, func(*memstore.Tx) error { return nil }),
			"View":     s.View(ctx, func(*memstore.Tx) error { return nil }),
			"Restore":  s.Restore(ctx, nil),
			"Close":    s.Close(),
			"Snapshot": errOf(s.Snapshot()),
			"Get":      errOf3(parent.Get(ctx, CChild{ID: 1, ParentID: 1})),
		} {
			if name == "Restore" {
				continue // a nil snapshot is refused first (ErrInvalid)
			}
			if !errors.Is(err, memstore.ErrClosed) {
				t.Fatalf("round %d: %s after Close = %v, want ErrClosed", r, name, err)
			}
		}
	}
}

func errOf[V any](_ V, err error) error { return err }

func errOf3[A, B any](_ A, _ B, err error) error { return err }
