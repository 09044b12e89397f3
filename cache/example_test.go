package cache_test

import (
	"fmt"
	"hash/maphash"

	"github.com/relstore/relstore/cache"
)

// hashOf is how a caller might hash (space, key); the store and the readers
// must use the same function.
func hashOf(seed maphash.Seed, space uint32, key []byte) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	h.Write([]byte{byte(space), byte(space >> 8), byte(space >> 16), byte(space >> 24)})
	h.Write(key)
	return h.Sum64()
}

func ExampleNew() {
	c, err := cache.New(cache.Config{MaxCost: 16 << 20}) // 16 MiB; zero fields mean defaults
	if err != nil {
		panic(err)
	}
	defer c.Close()
	fmt.Println(c.Metrics().MaxCost)

	_, err = cache.New(cache.Config{Stripes: 1000})
	fmt.Println(err)
	// Output:
	// 16777216
	// cache: Config.Stripes 1000: must be a power of two
}

// A reader takes a token, tries the cache, and on a miss reads the store and
// offers the value with the same token.
func ExampleCache_Get() {
	c, _ := cache.New(cache.Config{})
	defer c.Close()
	store := map[string]string{"customer/1": "Ada"}
	seed := maphash.MakeSeed()
	const space = 1
	key := []byte("customer/1")

	read := func() string {
		tok := c.Token(hashOf(seed, space, key)) // 1. the token, before the store
		if v, ok := c.Get(tok, space, key); ok {
			return v.(string) + " (cached)"
		}
		v := store[string(key)]                  // 2. the store
		c.Set(tok, space, key, v, int64(len(v))) // 3. offer it to the cache
		return v
	}
	fmt.Println(read())
	fmt.Println(read())
	// Output:
	// Ada
	// Ada (cached)
}

// The store brackets each commit with BeginCommit and EndCommit, passing the
// hashes of the keys it changes; entries read before the commit are never
// returned after it.
func ExampleCache_BeginCommit() {
	c, _ := cache.New(cache.Config{})
	defer c.Close()
	seed := maphash.MakeSeed()
	const space = 1
	key := []byte("customer/1")
	h := hashOf(seed, space, key)

	c.Set(c.Token(h), space, key, "Ada", 3)

	hashes := []uint64{h}
	c.BeginCommit(hashes) // under the store's write lock, before the change is visible
	fmt.Println("bypass during the commit:", c.Token(h).Bypass())
	// ... the store commits "Ada Lovelace" ...
	c.EndCommit(hashes) // after the change is visible

	_, ok := c.Get(c.Token(h), space, key)
	fmt.Println("old entry returned after the commit:", ok)
	// Output:
	// bypass during the commit: true
	// old entry returned after the commit: false
}

// A whole-store reset (Restore) invalidates every entry in O(1).
func ExampleCache_BeginReset() {
	c, _ := cache.New(cache.Config{})
	defer c.Close()
	key := []byte("k")
	c.Set(c.Token(42), 1, key, "v", 1)

	c.BeginReset()
	// ... the store swaps in a snapshot ...
	c.EndReset()
	_, ok := c.Get(c.Token(42), 1, key)
	fmt.Println(ok)
	// Output: false
}

func ExampleCache_Metrics() {
	c, _ := cache.New(cache.Config{MaxCost: 1 << 20})
	defer c.Close()
	key := []byte("k")
	c.Get(c.Token(7), 1, key) // miss
	c.Set(c.Token(7), 1, key, "v", 1)
	c.Get(c.Token(7), 1, key) // hit
	m := c.Metrics()
	fmt.Println(m.Hits, m.Misses, m.Sets, m.CostUsed)
	// Output: 1 1 1 194
}

func ExampleCache_Close() {
	c, _ := cache.New(cache.Config{})
	fmt.Println(c.Close())
	fmt.Println(c.Token(1).Bypass()) // after Close every token bypasses
	fmt.Println(c.Close())
	// Output:
	// <nil>
	// true
	// cache: closed
}

// SetOf and GetOf store and read a typed value in the entry's own
// allocation: a hit reads no boxed value elsewhere in the heap.
func ExampleGetOf() {
	c, _ := cache.New(cache.Config{})
	defer c.Close()
	type customer struct {
		ID   int64
		Name string
	}
	seed := maphash.MakeSeed()
	const space = 1
	key := []byte("customer/1")

	tok := c.Token(hashOf(seed, space, key))
	if _, ok := cache.GetOf[customer](c, tok, space, key); !ok {
		cache.SetOf(c, tok, space, key, customer{1, "Ada"}, 24)
	}
	o, ok := cache.GetOf[customer](c, c.Token(hashOf(seed, space, key)), space, key)
	fmt.Println(o.Name, ok)
	// Output:
	// Ada true
}

// GetMany reads a batch of keys at once; the reads of the batch overlap.
func ExampleCache_GetMany() {
	c, _ := cache.New(cache.Config{})
	defer c.Close()
	seed := maphash.MakeSeed()
	const space = 1
	keys := [][]byte{[]byte("a"), []byte("b"), []byte("c")}
	for _, k := range keys[:2] {
		c.Set(c.Token(hashOf(seed, space, k)), space, k, "value of "+string(k), 16)
	}

	ls := make([]cache.Lookup, len(keys))
	for i, k := range keys {
		ls[i] = cache.Lookup{Hash: hashOf(seed, space, k), Key: k}
	}
	c.GetMany(space, ls)
	for _, l := range ls {
		fmt.Printf("%s: %v %v\n", l.Key, l.Value, l.Hit)
	}
	// Output:
	// a: value of a true
	// b: value of b true
	// c: <nil> false
}

// GetManyOf writes the typed values of a batch's hits straight into a
// slice aligned with the lookups.
func ExampleGetManyOf() {
	c, _ := cache.New(cache.Config{})
	defer c.Close()
	seed := maphash.MakeSeed()
	const space = 1
	keys := [][]byte{[]byte("1"), []byte("2")}
	cache.SetOf(c, c.Token(hashOf(seed, space, keys[1])), space, keys[1], 20, 8)

	ls := make([]cache.Lookup, len(keys))
	for i, k := range keys {
		ls[i] = cache.Lookup{Hash: hashOf(seed, space, k), Key: k}
	}
	vals := make([]int, len(keys))
	cache.GetManyOf(c, space, ls, vals)
	fmt.Println(vals, ls[0].Hit, ls[1].Hit)
	// Output:
	// [0 20] false true
}

// SetOf offers a typed value; a Get of the same key returns it as an any,
// GetOf as the type it was stored with.
func ExampleSetOf() {
	c, _ := cache.New(cache.Config{})
	defer c.Close()
	seed := maphash.MakeSeed()
	const space = 1
	key := []byte("order/7")
	cache.SetOf(c, c.Token(hashOf(seed, space, key)), space, key, 42, 8)
	v, _ := c.Get(c.Token(hashOf(seed, space, key)), space, key)
	n, _ := cache.GetOf[int](c, c.Token(hashOf(seed, space, key)), space, key)
	_, wrongType := cache.GetOf[string](c, c.Token(hashOf(seed, space, key)), space, key)
	fmt.Println(v, n, wrongType)
	// Output:
	// 42 42 false
}
