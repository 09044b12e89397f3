package cache

import (
	"math/rand/v2"
	"sync/atomic"
)

// frontWays is the number of entries a front set holds.
const frontWays = 4

// frontSet is one set of the front table: up to four entries whose hashes
// share the set's index, each beside the hash it was remembered under, in
// one 64-byte cache line. A lookup compares the hashes in the line it has
// loaded anyway and follows only the pointer whose hash matches, so it
// never reads an entry for another key. A tag is a hint: tag and entry are
// stored separately, a reader may see one without the other, and whatever
// it finds is checked (entry.accepts, which compares the entry's own hash)
// before it is used.
type frontSet struct {
	tag [frontWays]atomic.Uint64
	e   [frontWays]atomic.Pointer[entry]
}

// frontBits returns log2 of the number of front sets for a byte budget:
// about one way per 256 bytes of budget (an entry costs at least
// EntryOverhead), between 4 and 16,384 sets (16 to 65,536 ways, 256 B to
// 1 MiB).
func frontBits(maxCost int64) uint {
	b := uint(2)
	for b < 14 && int64(1)<<(b+10) < maxCost {
		b++
	}
	return b
}

// set returns hash's set in front.
func (c *Cache) set(hash uint64) *frontSet {
	return &c.front[hash>>c.frontShift]
}

// lookup returns the entry remembered under hash in s, or nil.
func (s *frontSet) lookup(hash uint64) *entry {
	for k := range s.tag {
		if s.tag[k].Load() == hash {
			return s.e[k].Load()
		}
	}
	return nil
}

// remember puts e, which a Get just accepted from ristretto, into front:
// in the way that holds its hash, else a free way, else a random one.
// Concurrent remembers may lose an entry or leave a tag beside another
// hash's entry; that only costs a later ristretto Get.
func (c *Cache) remember(hash uint64, e *entry) {
	s := c.set(hash)
	free := -1
	for k := range s.tag {
		if s.tag[k].Load() == hash {
			s.e[k].Store(e)
			return
		}
		if free < 0 && s.e[k].Load() == nil {
			free = k
		}
	}
	if free < 0 {
		free = rand.IntN(frontWays)
	}
	// The entry first: a reader that sees the new tag before the new entry
	// finds the old one, whose own hash then fails accepts.
	s.e[free].Store(e)
	s.tag[free].Store(hash)
}

// forget removes e from front. ristretto calls it (OnExit) whenever e
// leaves ristretto, so front holds no entry ristretto has let go, except
// one a Get accepted just before ristretto let it go and remembered just
// after (a race that leaves at most one such entry per way, until the way
// is reused).
func (c *Cache) forget(e *entry) {
	if e == nil {
		return
	}
	s := c.set(e.hash)
	for k := range s.e {
		s.e[k].CompareAndSwap(e, nil)
	}
}

// clearFront empties front (Close, after the drain).
func (c *Cache) clearFront() {
	for i := range c.front {
		for k := range frontWays {
			c.front[i].e[k].Store(nil)
		}
	}
}
