package cache

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLinearizable runs readers against a versioned "store" while one writer
// commits increasing versions, and checks that no read returns a version
// older than one whose commit had ended before the read began.
func TestLinearizable(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"default config", Config{}},
		{"few stripes shared by many keys", Config{Stripes: 8}},
		{"every set dropped", Config{MaxCost: 1, Stripes: 8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seed := rand.Uint64()
			t.Logf("seed %d", seed)
			m := runStress(t, newTestCache(t, tt.cfg), seed)
			t.Logf("metrics %+v", m)
			if tt.cfg.MaxCost == 1 {
				if m.Hits != 0 {
					t.Errorf("Hits = %d with every Set dropped, want 0", m.Hits)
				}
			} else if m.Hits == 0 {
				t.Errorf("Hits = 0, want some: the test did not exercise hits")
			}
		})
	}
}

// runStress is TestLinearizable's harness; it fails t on a stale read.
func runStress(t *testing.T, c *Cache, seed uint64) Metrics {
	const (
		nKeys    = 32
		nReaders = 8
		nCommits = 20000
		space    = 1
	)
	var (
		keys      [nKeys][]byte
		hashes    [nKeys]uint64
		store     atomic.Pointer[[nKeys]uint64] // versions, copy on write
		completed [nKeys]atomic.Uint64          // last version whose commit ended
		done      atomic.Bool
		stale     atomic.Int64
	)
	for i := range nKeys {
		keys[i] = fmt.Appendf(nil, "key-%d", i)
		hashes[i] = mix(uint64(i))
	}
	store.Store(new([nKeys]uint64))

	var wg sync.WaitGroup
	for r := range nReaders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(r)))
			for n := 0; !done.Load(); n++ {
				if n%16 == 0 {
					runtime.Gosched() // let the writer make progress on few CPUs
				}
				k := rng.IntN(nKeys)
				floor := completed[k].Load() // the read begins
				tok := c.Token(hashes[k])
				var got uint64
				if v, ok := c.Get(tok, space, keys[k]); ok {
					got = v.(uint64)
				} else {
					if rng.IntN(4) == 0 {
						runtime.Gosched() // a slow reader
					}
					got = store.Load()[k]
					if rng.IntN(4) == 0 {
						runtime.Gosched()
					}
					c.Set(tok, space, keys[k], got, 8)
				}
				if got < floor && stale.Add(1) <= 5 {
					t.Errorf("key %d: read version %d, but version %d was committed before the read began", k, got, floor)
				}
			}
		}()
	}

	rng := rand.New(rand.NewPCG(seed, 1<<32))
	var hs []uint64
	for range nCommits {
		next := *store.Load()
		if rng.IntN(100) == 0 { // a Restore: every key changes
			c.BeginReset()
			for k := range next {
				next[k]++
			}
			store.Store(&next)
			c.EndReset()
			for k := range next {
				completed[k].Store(next[k])
			}
			continue
		}
		hs = hs[:0]
		var ks []int
		for range 1 + rng.IntN(3) {
			k := rng.IntN(nKeys)
			ks = append(ks, k)
			hs = append(hs, hashes[k])
		}
		c.BeginCommit(hs)
		for _, k := range ks {
			next[k]++ // a key twice in one commit is bumped twice: still monotonic
		}
		store.Store(&next)
		c.EndCommit(hs)
		for _, k := range ks {
			completed[k].Store(next[k])
		}
		if rng.IntN(8) == 0 {
			runtime.Gosched() // let readers fill and hit
		}
	}
	done.Store(true)
	wg.Wait()
	if n := stale.Load(); n > 0 {
		t.Errorf("%d stale reads (seed %d)", n, seed)
	}
	return c.Metrics()
}

// TestCloseDuringUse closes caches while goroutines call every method.
func TestCloseDuringUse(t *testing.T) {
	const rounds, users = 200, 6
	for round := range rounds {
		// Small: Sets evict, so Close races evictions too.
		c, err := New(Config{MaxCost: 1 << 12, Stripes: 64})
		if err != nil {
			t.Fatal(err)
		}
		var (
			wg    sync.WaitGroup
			stop  atomic.Bool
			calls atomic.Int64
		)
		user := func(i int) {
			defer wg.Done()
			key := []byte{byte(i)}
			for n := uint64(0); !stop.Load(); n++ {
				h := mix(n%16 + uint64(i)<<8)
				tok := c.Token(h)
				c.Get(tok, 1, key)
				c.Set(tok, 1, key, n, 8)
				if n%64 == 0 {
					c.Metrics()
					c.Wait()
				}
				calls.Add(1)
				runtime.Gosched() // few CPUs: let Close run
			}
		}
		writer := func() {
			defer wg.Done()
			hs := []uint64{mix(1), mix(2), mix(3)}
			for !stop.Load() {
				c.BeginCommit(hs)
				c.EndCommit(hs)
				c.BeginReset()
				c.EndReset()
				runtime.Gosched()
			}
		}
		wg.Add(users + 1)
		for i := range users {
			go user(i)
		}
		go writer()
		for calls.Load() < 50 {
			runtime.Gosched()
		}
		errs := make(chan error, 2)
		for range 2 {
			go func() { errs <- c.Close() }()
		}
		e1, e2 := <-errs, <-errs
		stop.Store(true)
		wg.Wait()
		if (e1 == nil) == (e2 == nil) || !errors.Is(errors.Join(e1, e2), ErrClosed) {
			t.Fatalf("round %d: two concurrent Close = %v, %v; want one nil and one ErrClosed", round, e1, e2)
		}
	}
}

// TestCloseWaitsForCallsInside holds a call inside a shard's lock with the
// test hook, and checks that Close waits for it and that the cache is empty
// afterwards (a Set that got in first is wiped, not left behind).
func TestCloseWaitsForCallsInside(t *testing.T) {
	tests := []struct {
		name string
		call func(c *Cache, tok Token)
	}{
		{"get", func(c *Cache, tok Token) { c.Get(tok, 1, []byte("a")) }},
		{"set", func(c *Cache, tok Token) { c.Set(tok, 1, []byte("a"), 1, 8) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Small, so that an unguarded Close would finish well within the
			// window below even under -race.
			c := newTestCache(t, Config{MaxCost: 1 << 16})
			inside, release := make(chan struct{}), make(chan struct{})
			c.testHookInside = func() {
				close(inside)
				<-release
			}
			tok := c.Token(1)
			callDone, closeDone := make(chan struct{}), make(chan error, 1)
			go func() {
				defer close(callDone)
				tt.call(c, tok)
			}()
			<-inside
			go func() { closeDone <- c.Close() }()
			select {
			case err := <-closeDone:
				t.Fatalf("Close = %v while a call was inside a shard; want it to wait", err)
			case <-time.After(100 * time.Millisecond):
			}
			close(release)
			<-callDone
			if err := <-closeDone; err != nil {
				t.Errorf("Close = %v, want nil", err)
			}
			if m := c.Metrics(); m.Entries != 0 || m.CostUsed != 0 || c.front.Load() != nil {
				t.Errorf("after Close: %d entries, %d bytes, front %v; want none", m.Entries, m.CostUsed, c.front.Load())
			}
		})
	}
}
