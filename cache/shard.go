package cache

import (
	"sync"
	"sync/atomic"
)

// shard holds the entries whose hash falls in it: a map by hash, and a
// ring in which an approximate least-recently-used clock picks what to
// evict. Its counters are written by the calls on its hashes, so parallel
// readers of different keys do not write the same cache line.
type shard struct {
	mu   sync.RWMutex
	m    map[uint64]*entry // nil until the first entry, and after a reset
	ring []*entry          // the entries, in no order; e.slot is e's index
	hand int               // the clock hand: the ring index it looks at next
	used int64             // the charges of the entries held

	hits, misses, stale, collisions atomic.Uint64
	bypasses, sets, staleSets       atomic.Uint64
	drops, frontHits                atomic.Uint64
	_                               [64]byte // keep neighbours' counters off this line
}

// insertLocked puts e into s, replacing the entry with e's hash, and
// remembers it in front (a Get finds what a Set stored at once). s.mu is
// held.
func (c *Cache) insertLocked(s *shard, e *entry) {
	if s.m == nil {
		s.m = make(map[uint64]*entry)
	}
	if old := s.m[e.hash]; old != nil {
		e.slot = old.slot
		s.ring[e.slot] = e
		s.used -= old.charge
		c.used.Add(-old.charge)
		c.count.Add(-1)
		c.retire(old)
	} else {
		e.slot = int32(len(s.ring))
		s.ring = append(s.ring, e)
	}
	s.m[e.hash] = e
	e.ref.Store(true) // a second chance before the clock evicts it
	s.used += e.charge
	c.used.Add(e.charge)
	c.count.Add(1)
	c.remember(e.hash, e)
}

// removeLocked takes e out of s. s.mu is held.
func (c *Cache) removeLocked(s *shard, e *entry) {
	delete(s.m, e.hash)
	last := len(s.ring) - 1
	if moved := s.ring[last]; moved != e {
		s.ring[e.slot] = moved
		moved.slot = e.slot
	}
	s.ring[last] = nil
	s.ring = s.ring[:last]
	if cap(s.ring) > 64 && len(s.ring) < cap(s.ring)/4 {
		s.ring = append([]*entry(nil), s.ring...) // release a ring that shrank
	}
	s.used -= e.charge
	c.used.Add(-e.charge)
	c.count.Add(-1)
	c.retire(e)
}

// retire marks e dead and drops it from front: it has left its shard.
func (c *Cache) retire(e *entry) {
	e.dead.Store(true)
	c.forget(e)
}

// victimLocked returns the entry the clock hand evicts next in s: the first
// one, from the hand on, whose referenced bit is clear, clearing the bits it
// passes; nil if s is empty. s.mu is held.
func (s *shard) victimLocked() *entry {
	if len(s.ring) == 0 {
		return nil
	}
	for range 2 * len(s.ring) {
		if s.hand >= len(s.ring) {
			s.hand = 0
		}
		e := s.ring[s.hand]
		if !e.ref.Load() {
			return e
		}
		e.ref.Store(false)
		s.hand++
	}
	return s.ring[s.hand%len(s.ring)] // unreachable: two turns clear every bit
}

// evict removes entries, one shard after another, until the charges held
// are within MaxCost. Concurrent Sets may overshoot by their own charges
// until their evictions run.
func (c *Cache) evict() {
	empty := 0
	for c.used.Load() > c.maxCost && empty <= len(c.shards) {
		s := &c.shards[c.evictNext.Add(1)&c.shardMask]
		s.mu.Lock()
		e := s.victimLocked()
		if e != nil {
			c.removeLocked(s, e)
		}
		s.mu.Unlock()
		if e == nil {
			empty++
			continue
		}
		empty = 0
		c.evictions.Add(1)
	}
}

// drop removes the entry stored under each of hashes, whatever its key: a
// commit is about to change what the keys of those hashes map to.
func (c *Cache) drop(hashes []uint64) {
	for _, h := range hashes {
		s := c.shard(h)
		s.mu.Lock()
		if e := s.m[h]; e != nil {
			c.removeLocked(s, e)
		}
		s.mu.Unlock()
	}
}

// wipe removes every entry, in time proportional to the number of shards:
// the maps, rings and front table are dropped whole, and their entries are
// not marked dead (the epoch, which a reset moves first, rejects them; see
// cache/DESIGN.md).
func (c *Cache) wipe() {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		c.used.Add(-s.used)
		c.count.Add(-int64(len(s.ring)))
		s.m, s.ring, s.hand, s.used = nil, nil, 0, 0
		s.mu.Unlock()
	}
	c.front.Store(nil)
}
