package storetest

import (
	"context"
	"testing"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/memstore"
)

// Store is a memstore.Store opened for one test, with its owner cache. Its
// methods that take a testing.TB report failures on it; the Store itself is
// safe for concurrent use like a memstore.Store, but Seed, SeedJSON and Reset
// must not run concurrently with each other.
type Store struct {
	*memstore.Store
	// Cache is the store's owner cache, read by package relations' accessors.
	Cache *cache.Cache

	base *memstore.Snapshot // the state Reset restores: empty, or after the last Seed
}

// New opens a store of the given models, with an owner cache, and closes
// both when t ends. A schema error fails t at once with the store's message,
// which names the model and field.
func New(t testing.TB, models ...memstore.Model) *Store {
	t.Helper()
	return NewConfig(t, memstore.Config{Models: models}, cache.Config{})
}

// NewConfig is New with explicit store and cache configurations. A nil
// cfg.Cache gets a cache made from cacheCfg (use cache.Config{Disabled: true}
// for none).
func NewConfig(t testing.TB, cfg memstore.Config, cacheCfg cache.Config) *Store {
	t.Helper()
	s := &Store{}
	if cfg.Cache == nil {
		c, err := cache.New(cacheCfg)
		if err != nil {
			t.Fatalf("storetest: cache: %v", err)
			return nil
		}
		t.Cleanup(func() { c.Close() })
		cfg.Cache, s.Cache = c, c
	} else {
		s.Cache, _ = cfg.Cache.(*cache.Cache)
	}
	ms, err := memstore.New(cfg)
	if err != nil {
		t.Fatalf("storetest: open store: %v", err)
		return nil
	}
	t.Cleanup(func() { ms.Close() })
	s.Store = ms
	if s.base, err = ms.Snapshot(); err != nil {
		t.Fatalf("storetest: snapshot: %v", err)
		return nil
	}
	return s
}

// Seed loads fixtures (see Load) and makes the result the state Reset
// restores. On error it fails t, and nothing is inserted.
func (s *Store) Seed(t testing.TB, fixtures ...any) {
	t.Helper()
	if err := Load(context.Background(), s.Store, fixtures...); err != nil {
		t.Fatalf("%v", err)
		return
	}
	s.mark(t)
}

// SeedJSON loads JSON fixture files (see LoadJSON) and makes the result the
// state Reset restores. On error it fails t, and nothing is inserted.
func (s *Store) SeedJSON(t testing.TB, paths ...string) {
	t.Helper()
	if err := LoadJSON(context.Background(), s.Store, paths...); err != nil {
		t.Fatalf("%v", err)
		return
	}
	s.mark(t)
}

func (s *Store) mark(t testing.TB) {
	t.Helper()
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatalf("storetest: snapshot: %v", err)
		return
	}
	s.base = snap
}

// Reset puts the store back, in O(1), to its state after the last Seed (or
// empty), and empties the owner cache.
func (s *Store) Reset(t testing.TB) {
	t.Helper()
	if err := s.Restore(context.Background(), s.base); err != nil {
		t.Fatalf("storetest: reset: %v", err)
	}
}

// Run resets the store and runs fn as the subtest name of t. Subtests must
// not run in parallel with each other: they share the store.
func (s *Store) Run(t *testing.T, name string, fn func(t *testing.T)) bool {
	t.Helper()
	return t.Run(name, func(t *testing.T) {
		t.Helper()
		s.Reset(t)
		fn(t)
	})
}
