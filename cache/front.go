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

// frontTable is one generation of the front table; a larger one replaces it
// as entries accumulate (see remember), and BeginReset and Close drop it.
type frontTable struct {
	sets  []frontSet
	shift uint // 64 - log2(len(sets))
}

// Front table sizes: from 4 sets (16 ways, 256 B) to 16,384 sets (65,536
// ways, 1 MiB), growing to about one way per entry held.
const (
	minFrontBits = 2
	maxFrontBits = 14
)

func newFrontTable(bits uint) *frontTable {
	return &frontTable{sets: make([]frontSet, 1<<bits), shift: 64 - bits}
}

// bits returns log2 of t's number of sets.
func (t *frontTable) bits() uint { return 64 - t.shift }

// set returns hash's set in t.
func (t *frontTable) set(hash uint64) *frontSet { return &t.sets[hash>>t.shift] }

// lookup returns the entry remembered under hash in t, or nil.
func (t *frontTable) lookup(hash uint64) *entry {
	s := t.set(hash)
	for k := range s.tag {
		if s.tag[k].Load() == hash {
			return s.e[k].Load()
		}
	}
	return nil
}

// frontLookup returns the entry remembered under hash, or nil.
func (c *Cache) frontLookup(hash uint64) *entry {
	if t := c.front.Load(); t != nil {
		return t.lookup(hash)
	}
	return nil
}

// remember puts e, which its shard holds (the caller holds the shard's
// lock), into front: in the way that holds its hash, else a free way, else
// a random one. Concurrent remembers may lose an entry or leave a tag
// beside another hash's entry; that only costs a later shard lookup. When
// the cache holds more entries than the table has ways, a table twice as
// large replaces it, empty: entries are found in their shards and
// remembered again.
func (c *Cache) remember(hash uint64, e *entry) {
	t := c.front.Load()
	if t == nil || (t.bits() < maxFrontBits && c.count.Load() > int64(frontWays)<<t.bits()) {
		bits := uint(minFrontBits)
		if t != nil {
			bits = t.bits() + 1
		}
		if c.closed.Load() {
			return
		}
		nt := newFrontTable(bits)
		if !c.front.CompareAndSwap(t, nt) {
			if t = c.front.Load(); t == nil {
				return // dropped by a reset meanwhile
			}
		} else {
			t = nt
		}
	}
	s := t.set(hash)
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

// forget removes e from the current front table, so front does not keep an
// entry its shard has let go alive (a table being replaced is dropped
// whole). Correctness does not depend on it: a dead entry is never accepted.
func (c *Cache) forget(e *entry) {
	t := c.front.Load()
	if t == nil {
		return
	}
	s := t.set(e.hash)
	for k := range s.e {
		s.e[k].CompareAndSwap(e, nil)
	}
}
