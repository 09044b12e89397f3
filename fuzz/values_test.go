package fuzz

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// VAccount and VEntry carry every kind of reference a caller could mutate:
// a pointer key, a pointer field, a slice, a map, a nested struct.
type VAccount struct {
	ID      int64
	Email   string `relstore:"unique"`
	Labels  []string
	Limits  map[string]int
	Manager *string
	Address VAddress
}

type VAddress struct {
	Lines []string
}

type VEntry struct {
	ID        int64
	AccountID *int64 `relstore:"belongsTo=VAccount,as=account"`
	Tags      []string
}

// mutate changes every reference reachable from a, chosen at random.
func mutate(rng *rand.Rand, a *VAccount) {
	switch rng.IntN(6) {
	case 0:
		if len(a.Labels) > 0 {
			a.Labels[rng.IntN(len(a.Labels))] = "mutated"
		}
	case 1:
		if a.Limits != nil {
			a.Limits["x"] = rng.Int()
		}
	case 2:
		if a.Manager != nil {
			*a.Manager = "mutated"
		}
	case 3:
		if len(a.Address.Lines) > 0 {
			a.Address.Lines[0] = "mutated"
		}
	case 4:
		a.Email = "mutated@x"
	default:
		a.Labels = append(a.Labels[:0], "reused")
	}
}

// TestValuesNotPointers makes 10^4 random mutations of structs passed to
// Insert and of structs returned by Get, Include and Cached, and checks after
// each that the store and the cache still hold what was inserted.
func TestValuesNotPointers(t *testing.T) {
	mutations := 10_000
	if testing.Short() {
		mutations = 1_000
	}
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	ctx := context.Background()
	c, err := cache.New(cache.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := memstore.New(memstore.Config{Cache: c, Models: []memstore.Model{memstore.ModelOf[VAccount](), memstore.ModelOf[VEntry]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	accounts, err := memstore.TableOf[VAccount, int64](s)
	if err != nil {
		t.Fatal(err)
	}
	owner, err := relations.NewBelongsTo[VEntry, VAccount](s, "account")
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]VAccount{} // what was inserted, by key
	fresh := func(id int64) VAccount {
		m := "boss"
		return VAccount{ID: id, Email: "a" + string(rune('a'+id%26)) + "@x", Labels: []string{"l1", "l2"},
			Limits: map[string]int{"x": 1}, Manager: &m, Address: VAddress{Lines: []string{"street"}}}
	}
	const n = 20
	var entries []VEntry
	for id := int64(1); id <= n; id++ {
		in := fresh(id)
		want[id] = fresh(id)
		err := s.Update(ctx, func(tx *memstore.Tx) error {
			if _, err := accounts.Insert(tx, in); err != nil {
				return err
			}
			e := VEntry{ID: id, AccountID: &in.ID, Tags: []string{"t"}}
			entries = append(entries, e)
			return tx.Insert(e)
		})
		if err != nil {
			t.Fatal(err)
		}
		mutate(rng, &in)                        // the caller changes the value it passed in
		*entries[len(entries)-1].AccountID = id // and the pointer key it passed (unchanged value, same pointer)
	}
	check := func(i int) {
		t.Helper()
		err := s.View(ctx, func(tx *memstore.Tx) error {
			for id, w := range want {
				got, err := accounts.Get(tx, id)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(w, got); diff != "" {
					t.Fatalf("mutation %d: store row %d changed (-want +got):\n%s", i, id, diff)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if got, st := owner.Cached(e); st == relations.Found {
				if diff := cmp.Diff(want[*e.AccountID], got); diff != "" {
					t.Fatalf("mutation %d: cache entry for account %d changed (-want +got):\n%s", i, *e.AccountID, diff)
				}
			}
		}
	}
	for i := range mutations {
		e := entries[rng.IntN(len(entries))]
		switch rng.IntN(3) {
		case 0: // a value returned by Get (through the cache)
			got, _, err := owner.Get(ctx, e)
			if err != nil {
				t.Fatal(err)
			}
			mutate(rng, &got)
		case 1: // values returned by Include
			got, err := owner.Include(ctx, entries[:1+rng.IntN(len(entries))])
			if err != nil {
				t.Fatal(err)
			}
			mutate(rng, got[rng.IntN(len(got))])
		default: // a value returned by Cached
			if got, st := owner.Cached(e); st == relations.Found {
				mutate(rng, &got)
			}
		}
		if i%64 == 0 {
			c.Wait()
		}
		if i%50 == 0 || i == mutations-1 {
			check(i)
		}
	}
	hits := c.Metrics().Hits
	t.Logf("%d mutations; cache hits %d", mutations, hits)
	if hits == 0 {
		t.Errorf("no cache hits: the cache paths were not exercised")
	}
}
