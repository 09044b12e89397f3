package cache

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/dgraph-io/ristretto/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// newTestCache returns a Cache for cfg that is closed when the test ends.
func newTestCache(tb testing.TB, cfg Config) *Cache {
	tb.Helper()
	c, err := New(cfg)
	if err != nil {
		tb.Fatalf("New(%+v) = %v", cfg, err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// mix is splitmix64's finalizer: a well-mixed hash for test keys.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// hit and miss are what lookup reports, so cases compare with cmp.Diff.
type hit struct{ Value any }
type miss struct{}

// lookup takes a fresh token and reads (space, key) through the cache.
func lookup(c *Cache, h uint64, space uint32, key string) any {
	v, ok := c.Get(c.Token(h), space, []byte(key))
	if !ok {
		return miss{}
	}
	return hit{v}
}

// fill is a reader that missed and read v from the store: token, then Set.
func fill(c *Cache, h uint64, space uint32, key string, v any) {
	c.Set(c.Token(h), space, []byte(key), v, 8)
}

// stripeWord returns the stripe word of hash h.
func stripeWord(c *Cache, h uint64) uint64 {
	if t := c.stripes.Load(); t != nil {
		return t.word(h).Load()
	}
	return 0
}

// TestInterleavings runs each named reader/writer interleaving step by step
// in one goroutine, so the outcome is deterministic.
func TestInterleavings(t *testing.T) {
	const h, h2, space = 0x1234_5678_9abc_def0, 0x0fed_cba9_8765_4321, 7
	tests := []struct {
		name string
		cfg  Config
		run  func(c *Cache) []any
		want []any
	}{{
		name: "fill then hit",
		run: func(c *Cache) []any {
			fill(c, h, space, "a", "v1")
			return []any{lookup(c, h, space, "a")}
		},
		want: []any{hit{"v1"}},
	}, {
		name: "slow reader sets after invalidation",
		run: func(c *Cache) []any {
			fill(c, h, space, "a", "v1")
			got := []any{lookup(c, h, space, "a")}
			tok := c.Token(h) // slow reader: token, then reads v1 from the store...
			c.BeginCommit([]uint64{h})
			c.EndCommit([]uint64{h})                // ...the store now holds v2...
			c.Set(tok, space, []byte("a"), "v1", 8) // ...and the reader's Set lands late.
			got = append(got, lookup(c, h, space, "a"))
			fill(c, h, space, "a", "v2")
			return append(got, lookup(c, h, space, "a"))
		},
		want: []any{hit{"v1"}, miss{}, hit{"v2"}},
	}, {
		// Sets are synchronous: there is no late Set to refuse after the
		// commit; the entry stored before it leaves with the commit.
		name: "set stored before a commit",
		run: func(c *Cache) []any {
			tok := c.Token(h)
			c.Set(tok, space, []byte("a"), "v1", 8)
			before := lookup(c, h, space, "a")
			c.BeginCommit([]uint64{h})
			c.EndCommit([]uint64{h})
			m := c.Metrics()
			return []any{before, lookup(c, h, space, "a"), m.Entries, m.CostUsed}
		},
		want: []any{hit{"v1"}, miss{}, int64(0), int64(0)},
	}, {
		name: "commit between token and set",
		run: func(c *Cache) []any {
			tok := c.Token(h)
			c.BeginCommit([]uint64{h})
			c.Set(tok, space, []byte("a"), "v1", 8)
			c.EndCommit([]uint64{h})
			return []any{lookup(c, h, space, "a"), c.Metrics().StaleSets}
		},
		want: []any{miss{}, uint64(1)},
	}, {
		name: "entry cached before a commit",
		run: func(c *Cache) []any {
			fill(c, h, space, "a", "v1")
			c.BeginCommit([]uint64{h})
			c.EndCommit([]uint64{h})
			return []any{lookup(c, h, space, "a")}
		},
		want: []any{miss{}},
	}, {
		name: "reader during an open commit bypasses",
		run: func(c *Cache) []any {
			fill(c, h, space, "a", "v1")
			c.BeginCommit([]uint64{h})
			tok := c.Token(h)
			v, ok := c.Get(tok, space, []byte("a"))
			c.Set(tok, space, []byte("a"), "v-during", 8)
			c.EndCommit([]uint64{h})
			return []any{tok.Bypass(), v, ok, lookup(c, h, space, "a"), c.Metrics().Bypasses}
		},
		want: []any{true, nil, false, miss{}, uint64(1)},
	}, {
		name: "rollback keeps entries",
		run: func(c *Cache) []any {
			fill(c, h, space, "a", "v1")
			// A rolled-back transaction calls neither BeginCommit nor EndCommit.
			return []any{lookup(c, h, space, "a")}
		},
		want: []any{hit{"v1"}},
	}, {
		name: "commit on another stripe keeps entries",
		run: func(c *Cache) []any {
			fill(c, h, space, "a", "v1")
			c.BeginCommit([]uint64{h2})
			during := lookup(c, h, space, "a")
			c.EndCommit([]uint64{h2})
			return []any{during, lookup(c, h, space, "a")}
		},
		want: []any{hit{"v1"}, hit{"v1"}},
	}, {
		name: "reset invalidates everything",
		run: func(c *Cache) []any {
			for i := range uint64(3) {
				fill(c, mix(i), space, "a", i)
			}
			c.BeginReset()
			got := []any{c.Token(mix(0)).Bypass()}
			c.EndReset()
			for i := range uint64(3) {
				got = append(got, lookup(c, mix(i), space, "a"))
			}
			fill(c, mix(0), space, "a", "new")
			return append(got, lookup(c, mix(0), space, "a"))
		},
		want: []any{true, miss{}, miss{}, miss{}, hit{"new"}},
	}, {
		name: "hash collision never returns the other row",
		run: func(c *Cache) []any {
			fill(c, h, space, "a", "row a")
			return []any{
				lookup(c, h, space, "b"),
				lookup(c, h, space+1, "a"),
				lookup(c, h, space, "a"),
				c.Metrics().Collisions,
			}
		},
		want: []any{miss{}, miss{}, hit{"row a"}, uint64(2)},
	}, {
		name: "two hashes in the same stripe in one commit",
		cfg:  Config{Stripes: 16},
		run: func(c *Cache) []any {
			const a, b = 3, 3 + 16<<8 // same stripe: equal low 4 bits
			fill(c, a, space, "a", "v1")
			c.BeginCommit([]uint64{a, b, a})
			during := c.Token(a).Bypass()
			c.EndCommit([]uint64{a, b, a})
			return []any{during, c.Token(b).Bypass(), stripeWord(c, a), lookup(c, a, space, "a")}
		},
		want: []any{true, false, uint64(1 << genShift), miss{}},
	}, {
		name: "disabled cache",
		cfg:  Config{Disabled: true},
		run: func(c *Cache) []any {
			fill(c, h, space, "a", "v1")
			c.BeginCommit([]uint64{h, h2})
			c.EndCommit([]uint64{h, h2})
			c.BeginReset()
			c.EndReset()
			m := c.Metrics()
			return []any{c.enabled, c.Token(h).Bypass(), lookup(c, h, space, "a"), m.Bypasses, m.Sets, c.Close(), c.Close()}
		},
		want: []any{false, true, miss{}, uint64(1), uint64(0), nil, ErrClosed},
	}, {
		name: "closed cache",
		run: func(c *Cache) []any {
			fill(c, h, space, "a", "v1")
			first := c.Close()
			tok := c.Token(h)
			c.Set(tok, space, []byte("a"), "v2", 8)
			c.BeginCommit([]uint64{h})
			c.BeginReset()
			c.EndReset()
			c.EndCommit([]uint64{h})
			v, ok := c.Get(Token{hash: h, epoch: 1 << genShift, live: true}, space, []byte("a")) // a token from before Close
			return []any{first, c.Close(), tok.Bypass(), v, ok, lookup(c, h, space, "a"), stripeWord(c, h)}
		},
		want: []any{nil, ErrClosed, true, nil, false, miss{}, uint64(0)},
	}, {
		name: "zero token",
		run: func(c *Cache) []any {
			fill(c, h, space, "a", "v1")
			v, ok := c.Get(Token{}, space, []byte("a"))
			return []any{Token{}.Bypass(), v, ok}
		},
		want: []any{true, nil, false},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestCache(t, tt.cfg)
			if diff := cmp.Diff(tt.want, tt.run(c), cmpopts.EquateErrors()); diff != "" {
				t.Errorf("interleaving mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNilCache(t *testing.T) {
	var c *Cache
	tok := c.Token(1)
	c.Set(tok, 1, []byte("a"), 1, 1)
	c.Wait()
	c.BeginCommit([]uint64{1})
	c.EndCommit([]uint64{1})
	c.BeginReset()
	c.EndReset()
	v, ok := c.Get(tok, 1, []byte("a"))
	got := []any{tok.Bypass(), v, ok, c.Metrics(), c.Close()}
	want := []any{true, nil, false, Metrics{}, nil}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("nil Cache (-want +got):\n%s", diff)
	}
}

// TestAcceleratorOnly checks that with every Set rejected (MaxCost below any
// entry's cost) reads still return the store's current value: misses only.
func TestAcceleratorOnly(t *testing.T) {
	c := newTestCache(t, Config{MaxCost: 1})
	key := []byte("k")
	const h = 42
	store := 0
	for i := range 50 {
		tok := c.Token(h)
		v, ok := c.Get(tok, 1, key)
		if ok {
			t.Fatalf("round %d: Get = %v, true; want a miss with every Set dropped", i, v)
		}
		c.Set(tok, 1, key, store, 8)
		c.BeginCommit([]uint64{h})
		store++
		c.EndCommit([]uint64{h})
	}
	m := c.Metrics()
	if m.Hits != 0 || m.Drops != m.Sets || m.Sets != 50 || m.CostUsed != 0 {
		t.Errorf("Metrics = %+v; want 0 hits, 50 sets, all dropped, nothing held", m)
	}
}

// TestEntryOverhead checks that EntryOverhead is not below what an entry
// really costs on the heap, so MaxCost bounds memory.
func TestEntryOverhead(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap")
	}
	const n = 20000
	c := newTestCache(t, Config{MaxCost: 1 << 30})
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "%08d", i)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i, k := range keys {
		c.Set(c.Token(mix(uint64(i))), 1, k, nil, 0)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	held := c.Metrics().CostUsed / (EntryOverhead + 8)
	perEntry := float64(after.HeapAlloc-before.HeapAlloc) / float64(held)
	t.Logf("%d entries held, %.0f heap bytes per entry with an 8-byte key, EntryOverhead = %d", held, perEntry, EntryOverhead)
	if held < n/2 {
		t.Fatalf("only %d of %d entries held", held, n)
	}
	if perEntry > EntryOverhead+8+16 {
		t.Errorf("heap per entry = %.0f bytes, more than EntryOverhead+len(key) = %d", perEntry, EntryOverhead+8)
	}
}

// BenchmarkHit compares the hit path (Token + Get, checking identity and
// tags) with a bare ristretto Get of a uint64 key, in one run.
func BenchmarkHit(b *testing.B) {
	const n = 1024
	keys := make([][]byte, n)
	hashes := make([]uint64, n)
	for i := range n {
		keys[i] = fmt.Appendf(nil, "key-%04d", i)
		hashes[i] = mix(uint64(i))
	}
	c := newTestCache(b, Config{})
	for i := range n {
		c.Set(c.Token(hashes[i]), 1, keys[i], i, 8)
	}
	rc, err := ristretto.NewCache(&ristretto.Config[uint64, any]{
		NumCounters: DefaultMaxCost / 32, MaxCost: DefaultMaxCost, BufferItems: 64,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(rc.Close)
	for i := range n {
		rc.Set(hashes[i], i, 8)
	}
	rc.Wait()
	for i := range n {
		if _, ok := c.Get(c.Token(hashes[i]), 1, keys[i]); !ok {
			b.Fatalf("key %d not cached", i)
		}
		if _, ok := rc.Get(hashes[i]); !ok {
			b.Fatalf("key %d not in ristretto", i)
		}
	}

	b.Run("cache", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			k := i & (n - 1)
			if _, ok := c.Get(c.Token(hashes[k]), 1, keys[k]); !ok {
				b.Fatal("miss")
			}
			i++
		}
	})
	b.Run("ristretto", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, ok := rc.Get(hashes[i&(n-1)]); !ok {
				b.Fatal("miss")
			}
			i++
		}
	})
	b.Run("cache-parallel", func(b *testing.B) {
		b.ReportAllocs()
		var start atomic.Uint64
		b.RunParallel(func(pb *testing.PB) {
			i := int(mix(start.Add(1)))
			for pb.Next() {
				k := i & (n - 1)
				if _, ok := c.Get(c.Token(hashes[k]), 1, keys[k]); !ok {
					b.Error("miss")
					return
				}
				i++
			}
		})
	})
	b.Run("ristretto-parallel", func(b *testing.B) {
		b.ReportAllocs()
		var start atomic.Uint64
		b.RunParallel(func(pb *testing.PB) {
			i := int(mix(start.Add(1)))
			for pb.Next() {
				if _, ok := rc.Get(hashes[i&(n-1)]); !ok {
					b.Error("miss")
					return
				}
				i++
			}
		})
	})
}

// BenchmarkGetMany reads 1,000 random keys of 10,000 cached typed values:
// as a loop of Token and GetOf, and as one GetManyOf, in one run.
func BenchmarkGetMany(b *testing.B) {
	const n, batch = 10_000, 1_000
	c := newTestCache(b, Config{})
	keys := make([][]byte, n)
	for i := range n {
		keys[i] = binary.BigEndian.AppendUint64(nil, uint64(i))
		SetOf(c, c.Token(mix(uint64(i))), 1, keys[i], [5]int64{int64(i)}, 40)
	}
	r := rand.New(rand.NewPCG(3, 4))
	ls := make([]Lookup, batch)
	for j := range ls {
		i := r.IntN(n)
		ls[j] = Lookup{Hash: mix(uint64(i)), Key: keys[i]}
	}
	out := make([][5]int64, batch)
	GetManyOf(c, 1, ls, out) // remembers them all in front
	check := func(b *testing.B) {
		for j := range ls {
			if !ls[j].Hit || out[j][0] != int64(binary.BigEndian.Uint64(ls[j].Key)) {
				b.Fatalf("lookup %d: hit %v, value %v", j, ls[j].Hit, out[j])
			}
		}
	}
	b.Run("GetOf", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for j := range ls {
				l := &ls[j]
				l.Token = c.Token(l.Hash)
				out[j], l.Hit = GetOf[[5]int64](c, l.Token, 1, l.Key)
			}
		}
		check(b)
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/key")
	})
	b.Run("GetManyOf", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			GetManyOf(c, 1, ls, out)
		}
		check(b)
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/key")
	})
}
