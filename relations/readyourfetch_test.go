package relations_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// Doc is an owner whose size is mostly its body.
type Doc struct {
	ID   int64
	Body []byte
}

// DocRef belongs to a Doc.
type DocRef struct {
	ID    int64
	DocID int64 `relstore:"belongsTo=Doc,onDelete=cascade"`
}

// heapAfterGC returns the live heap after two collections.
func heapAfterGC() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestIssue13Defect4MaxCostBoundsMemory: an owner used to be charged by its
// struct's size only, so a cache of owners with 64 KiB bodies held 62.8 MiB
// under a 1 MiB MaxCost. An owner is charged what it holds now (its copy
// plan measures it), so the heap the cache holds stays near MaxCost, and
// the owners a commit deletes leave the cache at once.
func TestIssue13Defect4MaxCostBoundsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a store with 25 MiB of bodies and measures the heap")
	}
	const (
		maxCost = 1 << 20
		docs    = 400
		body    = 64 << 10
	)
	c, err := cache.New(cache.Config{MaxCost: maxCost})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := memstore.New(memstore.Config{Cache: c, Models: []memstore.Model{memstore.ModelOf[Doc](), memstore.ModelOf[DocRef]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ds := must(memstore.TableOf[Doc, int64](s))(t)
	rs := must(memstore.TableOf[DocRef, int64](s))(t)
	doc := must(relations.NewBelongsTo[DocRef, Doc](s, "doc"))(t)
	ctx := context.Background()
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		for i := int64(1); i <= docs; i++ {
			if _, err := ds.Insert(tx, Doc{ID: i, Body: make([]byte, body)}); err != nil {
				return err
			}
			if _, err := rs.Insert(tx, DocRef{ID: i, DocID: i}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	base := heapAfterGC()
	for i := int64(1); i <= docs; i++ {
		if _, _, err := doc.Get(ctx, DocRef{ID: i, DocID: i}); err != nil {
			t.Fatal(err)
		}
	}
	c.Wait()
	held := int64(heapAfterGC()) - int64(base)
	m := c.Metrics()
	t.Logf("%d owners of %d KiB read through a cache of MaxCost %d KiB: %.2f MiB held, CostUsed %d KiB, %d evictions",
		docs, body>>10, maxCost>>10, float64(held)/(1<<20), m.CostUsed>>10, m.Evictions)
	if limit := int64(maxCost) * 5 / 4; held > limit {
		t.Errorf("the cache holds %d bytes of heap, more than 1.25 × MaxCost = %d", held, limit)
	}
	// Deleting the owners: their entries leave the cache with the commit.
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		for i := int64(1); i <= docs; i++ {
			if err := ds.Delete(tx, i); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if m := c.Metrics(); m.CostUsed != 0 {
		t.Errorf("after every owner was deleted the cache still holds %d bytes of entries", m.CostUsed)
	}
}

// TestReadYourFetch: after Get, a completed Fetch or Include returns an
// owner, Cached finds it at once, with no Wait, while unrelated writes
// commit concurrently. Each round restores the seed first, so every fetch
// reads the store and fills the cache.
func TestReadYourFetch(t *testing.T) {
	const (
		owners = 5_000
		pairs  = 100_000
	)
	f := newFixture(t, cache.Config{})
	ctx := context.Background()
	f.update(t, func(tx *memstore.Tx) error {
		for i := range 2 * owners { // the first half is read, the second half written
			if _, err := f.customers.Insert(tx, Customer{Name: "c", Email: fmt.Sprint("c", i)}); err != nil {
				return err
			}
		}
		for i := range owners {
			if _, err := f.ordersT.Insert(tx, Order{CustomerID: int64(i + 1)}); err != nil {
				return err
			}
		}
		return nil
	})
	seed, err := f.store.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var (
		stop   atomic.Bool
		writes atomic.Int64
		wg     sync.WaitGroup
	)
	wg.Add(1)
	go func() { // unrelated writes: customers nobody reads
		defer wg.Done()
		for i := 0; !stop.Load(); i++ {
			id := int64(owners + 1 + i%owners)
			err := f.store.Update(ctx, func(tx *memstore.Tx) error {
				c, err := f.customers.Get(tx, id)
				if err != nil {
					return err
				}
				c.Name = fmt.Sprint("w", i)
				return f.customers.Update(tx, c)
			})
			if err != nil {
				t.Error(err)
				return
			}
			writes.Add(1)
		}
	}()
	found, byHow := 0, map[string]int{}
	for p := range pairs {
		if p%owners == 0 {
			if err := f.store.Restore(ctx, seed); err != nil {
				t.Fatal(err)
			}
		}
		o := Order{ID: int64(p%owners + 1), CustomerID: int64(p%owners + 1)}
		how := [...]string{"Get", "Fetch", "Include"}[p%3]
		switch how {
		case "Get":
			_, _, err = f.customer.Get(ctx, o)
		case "Fetch":
			_, _, err = f.customer.Fetch(ctx, o).Wait(ctx)
		default:
			_, err = f.customer.Include(ctx, []Order{o})
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, st := f.customer.Cached(o); st == relations.Found {
			found++
		} else {
			byHow[how]++
		}
	}
	stop.Store(true)
	wg.Wait()
	ratio := float64(found) / pairs
	t.Logf("Cached found %d of %d owners just fetched (%.4f%%), with %d unrelated commits meanwhile; NotCached after %v",
		found, pairs, 100*ratio, writes.Load(), byHow)
	if ratio < 0.999 {
		t.Errorf("Cached found %.4f%% of the owners just fetched, want >= 99.9%%", 100*ratio)
	}
}

// TestHitRatioUnderWrites measures the hit ratio of owner reads over a hot
// set while one writer updates about one owner per millisecond, against the
// ideal: a read that finds its owner unchanged since the last read of it
// could hit, one that finds it changed (or reads it first) must miss. A
// commit removes only the entries of the owners it changes, so the ratio is
// close to 1.
func TestHitRatioUnderWrites(t *testing.T) {
	const hot = 1000
	f := newFixture(t, cache.Config{})
	ctx := context.Background()
	f.update(t, func(tx *memstore.Tx) error {
		for i := range hot {
			if _, err := f.customers.Insert(tx, Customer{Name: "0", Email: fmt.Sprint("c", i)}); err != nil {
				return err
			}
		}
		return nil
	})
	var (
		stop    atomic.Bool
		commits atomic.Int64
		wg      sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for i := 1; !stop.Load(); i++ {
			<-tick.C
			id := int64(1 + (i*7919)%hot)
			err := f.store.Update(ctx, func(tx *memstore.Tx) error {
				c, err := f.customers.Get(tx, id)
				if err != nil {
					return err
				}
				c.Name = fmt.Sprint(i) // the owner's version
				return f.customers.Update(tx, c)
			})
			if err != nil {
				t.Error(err)
				return
			}
			commits.Add(1)
		}
	}()
	last := make([]string, hot+1) // the version each owner had when last read
	var reads, hits, idealHits int
	rng := uint64(1)
	for start := time.Now(); time.Since(start) < 300*time.Millisecond; {
		rng = rng*6364136223846793005 + 1442695040888963407
		id := int64(1 + (rng>>33)%hot)
		o := Order{ID: 1, CustomerID: id}
		c, st := f.customer.Cached(o)
		hit := st == relations.Found
		if !hit {
			var err error
			if c, _, err = f.customer.Get(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		reads++
		if hit {
			hits++
		}
		if last[id] != "" && last[id] == c.Name {
			idealHits++
		} else if hit {
			t.Fatalf("owner %d: a hit returned version %q, last read %q", id, c.Name, last[id])
		}
		last[id] = c.Name
	}
	stop.Store(true)
	wg.Wait()
	ratio := float64(hits) / float64(idealHits)
	t.Logf("%d reads, %d commits: hit ratio %.4f, ideal %.4f, %.4fx the ideal; cache %+v",
		reads, commits.Load(), float64(hits)/float64(reads), float64(idealHits)/float64(reads), ratio, f.cache.Metrics())
	if ratio < 0.9 {
		t.Errorf("hit ratio is %.4fx the ideal, want >= 0.9x", ratio)
	}
}
