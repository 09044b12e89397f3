package cache_test

import (
	"errors"
	"math"
	"runtime"
	"sync"
	"testing"

	"github.com/relstore/relstore/cache"
)

// TestIssue13Defect9HugeMaxCost: New used to size its admission sketch and
// front table by MaxCost, so 64 GiB ran out of memory and math.MaxInt64
// panicked in makeslice. An absurd MaxCost is a *ConfigError now, and a
// large one costs nothing until entries arrive.
func TestIssue13Defect9HugeMaxCost(t *testing.T) {
	t.Run("absurd", func(t *testing.T) {
		for _, maxCost := range []int64{math.MaxInt64, cache.MaxCostLimit + 1} {
			c, err := cache.New(cache.Config{MaxCost: maxCost})
			var ce *cache.ConfigError
			if !errors.As(err, &ce) || ce.Field != "MaxCost" {
				c.Close()
				t.Errorf("New(MaxCost: %d) = %v, want a *ConfigError for MaxCost", maxCost, err)
			}
		}
	})
	t.Run("large", func(t *testing.T) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		c, err := cache.New(cache.Config{MaxCost: 64 << 30})
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
			t.Errorf("New(MaxCost: 64 GiB) allocated %d bytes, want a few KB", n)
		}
	})
}

// TestIssue13Defect6SharedCache: two stores sharing one cache call its
// writer side concurrently. The stripe bookkeeping used to race, and
// afterwards stripes stayed "in a commit" for ever, so their keys bypassed
// the cache. Sharing is supported now: after the writers are done, no key
// bypasses.
func TestIssue13Defect6SharedCache(t *testing.T) {
	t.Run("overlapping commits", func(t *testing.T) {
		c, err := cache.New(cache.Config{})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		const h = 42
		c.BeginCommit([]uint64{h}) // store A
		c.BeginCommit([]uint64{h}) // store B, same stripe
		during := c.Token(h).Bypass()
		c.EndCommit([]uint64{h}) // A ends; B is still open
		stillOpen := c.Token(h).Bypass()
		c.EndCommit([]uint64{h})
		if !during || !stillOpen || c.Token(h).Bypass() {
			t.Errorf("bypass with two commits open, with one, with none = %v, %v, %v; want true, true, false",
				during, stillOpen, c.Token(h).Bypass())
		}
	})
	c, err := cache.New(cache.Config{Stripes: 64})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var wg sync.WaitGroup
	for w := range 2 { // two stores' writers
		wg.Add(1)
		go func() {
			defer wg.Done()
			hs := make([]uint64, 0, 80)
			for i := range 3000 {
				hs = hs[:0]
				for k := range 1 + i%80 { // small commits and bitmap-sized ones
					hs = append(hs, uint64(w*7919+i*131+k*17))
				}
				c.BeginCommit(hs)
				if i%100 == 0 {
					c.BeginReset()
					c.EndReset()
				}
				runtime.Gosched()
				c.EndCommit(hs)
			}
		}()
	}
	wg.Wait()
	open := 0
	for h := range uint64(64) {
		if c.Token(h).Bypass() {
			open++
		}
	}
	if open > 0 {
		t.Errorf("%d of 64 stripes still bypass after both writers finished", open)
	}
}
