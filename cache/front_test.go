package cache

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// frontEntries returns the entries front holds.
func frontEntries(c *Cache) []*entry {
	var es []*entry
	t := c.front.Load()
	if t == nil {
		return nil
	}
	for i := range t.sets {
		for k := range frontWays {
			if e := t.sets[i].e[k].Load(); e != nil {
				es = append(es, e)
			}
		}
	}
	return es
}

// TestFrontServesCurrentHitsOnly checks the front table: a Set remembers
// the entry it stored, the next Gets are served from front and counted as
// hits, and front never serves an entry a commit or reset has made stale,
// or one for another key with the same hash.
func TestFrontServesCurrentHitsOnly(t *testing.T) {
	c := newTestCache(t, Config{})
	h := mix(1)
	fill(c, h, 1, "k", "v1")
	if es := frontEntries(c); len(es) != 1 || es[0].value != "v1" {
		t.Fatalf("front holds %d entries after a Set, want the one stored", len(es))
	}
	for range 3 {
		if got := lookup(c, h, 1, "k"); got != (hit{"v1"}) {
			t.Fatalf("lookup = %v, want hit v1", got)
		}
	}
	if es := frontEntries(c); len(es) != 1 || es[0].value != "v1" {
		t.Fatalf("front holds %d entries after hits, want the one for k", len(es))
	}
	if m := c.Metrics(); m.Hits != 3 || m.Misses != 0 {
		t.Fatalf("Hits, Misses = %d, %d; want 3, 0", m.Hits, m.Misses)
	}
	// Same hash, another key or space: a collision, never v1.
	if got := lookup(c, h, 1, "other"); got != (miss{}) {
		t.Fatalf("lookup of another key with k's hash = %v, want miss", got)
	}
	if got := lookup(c, h, 2, "k"); got != (miss{}) {
		t.Fatalf("lookup of k in another space = %v, want miss", got)
	}
	// A commit on the stripe: the remembered entry is stale.
	c.BeginCommit([]uint64{h})
	c.EndCommit([]uint64{h})
	if got := lookup(c, h, 1, "k"); got != (miss{}) {
		t.Fatalf("lookup after a commit = %v, want miss", got)
	}
	fill(c, h, 1, "k", "v2")
	lookup(c, h, 1, "k")
	if got := lookup(c, h, 1, "k"); got != (hit{"v2"}) {
		t.Fatalf("lookup after refill = %v, want hit v2", got)
	}
	// A reset: every remembered entry is stale.
	c.BeginReset()
	c.EndReset()
	if got := lookup(c, h, 1, "k"); got != (miss{}) {
		t.Fatalf("lookup after a reset = %v, want miss", got)
	}
}

// TestFrontHoldsOnlyWhatShardsHold fills a small cache far beyond its
// budget, reading every key back as it goes, so the cache evicts and
// replaces entries that front has remembered; afterwards every entry front
// still holds must be the one its shard holds for its hash (leaving a shard
// forgets the rest), and Close must empty front.
func TestFrontHoldsOnlyWhatShardsHold(t *testing.T) {
	c, err := New(Config{MaxCost: 64 * (EntryOverhead + 16)})
	if err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		for i := range 2000 {
			h := mix(uint64(i))
			k := []byte{byte(i), byte(i >> 8)}
			c.Set(c.Token(h), 1, k, round, 8)
			if i%50 == 49 {
				for j := i - 49; j <= i; j++ {
					c.Get(c.Token(mix(uint64(j))), 1, []byte{byte(j), byte(j >> 8)})
				}
			}
		}
	}
	es := frontEntries(c)
	if len(es) == 0 {
		t.Fatal("front is empty: the test did not exercise it")
	}
	for _, e := range es {
		if got := c.shard(e.hash).m[e.hash]; got != e {
			t.Errorf("front holds an entry (hash %#x) that its shard does not", e.hash)
		}
	}
	if m := c.Metrics(); m.Evictions+m.Drops == 0 {
		t.Errorf("no eviction or drop: %+v", m)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if es := frontEntries(c); len(es) != 0 {
		t.Errorf("front holds %d entries after Close, want 0", len(es))
	}
}

// TestGetManyIsGet checks GetMany and GetManyOf against a loop of Tokens and
// Gets on one mixed batch: hits from front and from the shards, misses,
// removed entries, bypass tokens, collisions and duplicates.
func TestGetManyIsGet(t *testing.T) {
	c := newTestCache(t, Config{})
	r := rand.New(rand.NewPCG(1, 2))
	const n = 500
	for i := range n {
		if i%3 != 0 { // a third never cached
			SetOf(c, c.Token(mix(uint64(i))), 1, []byte{byte(i), byte(i >> 8)}, i, 8)
		}
	}
	c.front.Store(nil)     // only Gets remember, below
	for i := range n / 2 { // half of them remembered in front
		c.Get(c.Token(mix(uint64(i))), 1, []byte{byte(i), byte(i >> 8)})
	}
	c.BeginCommit([]uint64{mix(7), mix(8)}) // 7 and 8 (and their stripes) bypass
	defer c.EndCommit([]uint64{mix(7), mix(8)})
	c.BeginCommit([]uint64{mix(10)})
	c.EndCommit([]uint64{mix(10)}) // 10's entry is gone
	ls := make([]Lookup, 2*n)
	for j := range ls {
		i := r.IntN(n + 10)
		k := []byte{byte(i), byte(i >> 8)}
		if j%17 == 0 {
			k = append(k, 'x') // same hash, another key
		}
		ls[j] = Lookup{Hash: mix(uint64(i)), Key: k}
	}
	type result struct {
		V   any
		Hit bool
	}
	c.GetMany(1, ls)
	got := make([]result, len(ls))
	want := make([]result, len(ls))
	hits, bypasses := 0, 0
	for j, l := range ls {
		got[j] = result{l.Value, l.Hit}
		if l.Token != c.Token(l.Hash) {
			t.Fatalf("lookup %d: GetMany's token %+v, Token's %+v", j, l.Token, c.Token(l.Hash))
		}
		v, ok := c.Get(l.Token, 1, l.Key)
		want[j] = result{v, ok}
		if ok {
			hits++
		}
		if l.Token.Bypass() {
			bypasses++
		}
	}
	if hits < len(ls)/3 || hits == len(ls) || bypasses == 0 {
		t.Fatalf("%d hits and %d bypasses of %d: the batch does not mix hits, misses and bypasses", hits, bypasses, len(ls))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GetMany differs from Get (-Get +GetMany):\n%s", diff)
	}
	vals := make([]int, len(ls))
	GetManyOf(c, 1, ls, vals)
	for j, l := range ls {
		got[j] = result{nil, l.Hit}
		if l.Hit {
			got[j].V = vals[j]
		}
		if l.Value != nil {
			t.Fatalf("GetManyOf left Value %v in lookup %d", l.Value, j)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GetManyOf differs from Get (-Get +GetManyOf):\n%s", diff)
	}
	// A short out: the lookups past it miss, with the token a miss gets,
	// and nothing panics.
	GetManyOf(c, 1, ls, vals[:3])
	for j := 3; j < len(ls); j++ {
		if ls[j].Hit || ls[j].Token != c.Token(ls[j].Hash) {
			t.Fatalf("lookup %d past a 3-long out: Hit %v, Token %+v; want a miss with token %+v", j, ls[j].Hit, ls[j].Token, c.Token(ls[j].Hash))
		}
	}
}

// TestTypedValues checks SetOf, GetOf and the untyped Get on typed entries:
// a value is read back as the type it was stored with, an untyped value
// stored by Set reads back through GetOf of its type, and another type is a
// miss.
func TestTypedValues(t *testing.T) {
	c := newTestCache(t, Config{})
	type owner struct {
		ID   int64
		Name string
	}
	SetOf(c, c.Token(mix(1)), 1, []byte("a"), owner{1, "Ada"}, 24)
	c.Set(c.Token(mix(2)), 1, []byte("b"), owner{2, "Bo"}, 24)
	for _, tc := range []struct {
		h   uint64
		key string
		id  int64
	}{{mix(1), "a", 1}, {mix(2), "b", 2}} {
		if o, ok := GetOf[owner](c, c.Token(tc.h), 1, []byte(tc.key)); !ok || o.ID != tc.id {
			t.Errorf("GetOf[owner](%s) = %v, %v", tc.key, o, ok)
		}
		if v, ok := c.Get(c.Token(tc.h), 1, []byte(tc.key)); !ok || v.(owner).ID != tc.id {
			t.Errorf("Get(%s) = %v, %v; want an owner", tc.key, v, ok)
		}
		if s, ok := GetOf[string](c, c.Token(tc.h), 1, []byte(tc.key)); ok {
			t.Errorf("GetOf[string](%s) = %q, hit; want a miss", tc.key, s)
		}
	}
	var nilCache *Cache
	SetOf(nilCache, Token{}, 1, []byte("a"), 1, 8)
	if _, ok := GetOf[int](nilCache, nilCache.Token(1), 1, []byte("a")); ok {
		t.Error("GetOf on a nil Cache hit")
	}
	ls := []Lookup{{Hash: 1, Key: []byte("a")}}
	GetManyOf(nilCache, 1, ls, []int{0})
	if ls[0].Hit || !ls[0].Token.Bypass() {
		t.Errorf("GetManyOf on a nil Cache: %+v, want a bypassed miss", ls[0])
	}
}

// TestFrontSets fills one front set past its ways with hashes that share
// the set: every key still reads its own value, the set never holds more
// than frontWays entries, a repeat Get of a key the set holds is a front
// hit, and a tag beside another hash's entry (what racing remembers can
// leave) is a shard fallback, never that entry.
func TestFrontSets(t *testing.T) {
	c := newTestCache(t, Config{})
	ft := newFrontTable(4) // 16 sets, room for 64 entries before it grows
	c.front.Store(ft)
	set := uint64(5) << ft.shift
	hash := func(i int) uint64 { return set | uint64(i)<<8 | 0x77 }
	key := func(i int) string { return fmt.Sprint("k", i) }
	const n = frontWays + 2
	for i := range n {
		fill(c, hash(i), 1, key(i), i)
	}
	for round := range 3 {
		for i := range n {
			if got := lookup(c, hash(i), 1, key(i)); got != (hit{i}) {
				t.Fatalf("round %d: lookup(%d) = %v, want hit %d", round, i, got, i)
			}
		}
	}
	if c.front.Load() != ft {
		t.Fatal("the front table was replaced")
	}
	s := ft.set(hash(0))
	held := 0
	for k := range frontWays {
		if e := s.e[k].Load(); e != nil {
			held++
			if e.hash>>ft.shift != 5 || s.tag[k].Load() != e.hash {
				t.Errorf("way %d holds hash %#x under tag %#x", k, e.hash, s.tag[k].Load())
			}
		}
	}
	if held != frontWays || len(frontEntries(c)) != frontWays {
		t.Fatalf("set holds %d entries, front %d; want %d", held, len(frontEntries(c)), frontWays)
	}
	// The last key found is in front: its next Get is a front hit.
	before := c.shards[hash(n-1)&c.shardMask].frontHits.Load()
	lookup(c, hash(n-1), 1, key(n-1))
	if after := c.shards[hash(n-1)&c.shardMask].frontHits.Load(); after != before+1 {
		t.Errorf("front hits %d -> %d, want one more", before, after)
	}
	// A tag that lies: the way's entry is for another hash.
	e0 := s.e[0].Load()
	liar := hash(n + 1)
	if e0.hash == liar {
		t.Fatal("test setup: the liar's hash is the entry's own")
	}
	fill(c, liar, 1, "liar", "liar's value")
	s.tag[0].Store(liar)
	if got := lookup(c, liar, 1, "liar"); got != (hit{"liar's value"}) {
		t.Errorf("lookup under a lying tag = %v, want the liar's own value", got)
	}
}
