package cache

// entryOf is an entry and its value of type V in one allocation, so a hit
// reads the value from the memory it has just checked the entry in, instead
// of following a pointer to a boxed value elsewhere in the heap. Its entry's
// value field points back at it, which is how a reader recovers V without
// unsafe code.
type entryOf[V any] struct {
	entry
	v V
}

// boxer is implemented by every *entryOf: how an untyped Get returns a
// typed entry's value.
type boxer interface{ box() any }

func (e *entryOf[V]) box() any { return e.v }

// SetOf is [Cache.Set] for a value of type V, stored in the same allocation
// as the cache's entry for it, which saves an allocation per Set and a
// dependent memory read per hit. Read it with [GetOf] or [GetManyOf] of the
// same V ([Cache.Get] returns it boxed, as an any holding a V). Everything
// else is as for Set: the rules for tok, the charge, and that v is shared by
// every later read that returns it, so it must not be modified if it holds
// references.
func SetOf[V any](c *Cache, tok Token, space uint32, key []byte, v V, cost int64) {
	if c.settable(tok) {
		e := &entryOf[V]{v: v}
		e.init(tok, space, key)
		e.value = e
		c.store(&e.entry, tok, cost)
	}
}

// GetOf is [Cache.Get] for values of type V: the value of the current entry
// for (space, key), stored by [SetOf] or by [Cache.Set] with a V. An entry
// holding another type is a miss. It does not allocate.
func GetOf[V any](c *Cache, tok Token, space uint32, key []byte) (V, bool) {
	if e := c.find(tok, space, key); e != nil {
		return valueOf[V](e)
	}
	var zero V
	return zero, false
}

// GetManyOf is [Cache.GetMany] for values of type V: for every ls[i] that
// hits, it sets out[i] to the value and ls[i].Hit; for the others it leaves
// out[i] alone and clears Hit. It leaves every Value nil. Lookups past
// len(out) have nowhere to put a value: they miss, with their Token set as
// for any miss. It does not allocate.
func GetManyOf[V any](c *Cache, space uint32, ls []Lookup, out []V) {
	if len(out) < len(ls) {
		for i := len(out); i < len(ls); i++ {
			ls[i].Token, ls[i].Value, ls[i].Hit = c.Token(ls[i].Hash), nil, false
		}
		ls = ls[:len(out)]
	}
	// Chunk by chunk, so that each value is copied while the lines
	// findChunk brought in for it are still in the L1 cache.
	var hits uint64
	for lo := 0; lo < len(ls); lo += batchChunk {
		chunk := ls[lo:min(lo+batchChunk, len(ls))]
		es, n := c.findChunk(space, chunk)
		hits += n
		for i := range chunk {
			l := &chunk[i]
			if l.Value != nil {
				l.Value = nil
			}
			if e := es[i]; e == nil {
				continue
			} else if x, ok := e.value.(*entryOf[V]); ok {
				// Straight from the entry into out: through valueOf the
				// value would be copied via temporaries, and reading one
				// back right after writing it stalls the CPU.
				out[lo+i], l.Hit = x.v, true
			} else {
				out[lo+i], l.Hit = valueOf[V](e)
			}
		}
	}
	c.countFrontHits(hits)
}

// valueOf returns e's value as a V, or false if it holds another type.
func valueOf[V any](e *entry) (V, bool) {
	switch x := e.value.(type) {
	case *entryOf[V]:
		return x.v, true
	case V:
		return x, true
	}
	var zero V
	return zero, false
}
