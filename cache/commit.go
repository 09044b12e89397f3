package cache

import "slices"

// BeginCommit marks the stripes of hashes as being written and removes the
// entries stored under hashes. From then on, until [Cache.EndCommit], every
// [Cache.Token] for a hash in those stripes is a bypass token (readers go to
// the store and cache nothing), and a Set whose token predates the call is
// refused.
//
// The store calls BeginCommit under its write lock before the transaction's
// changes become visible to readers, with the hashes of every (space, key)
// whose cached value the commit may change, and must follow it with
// EndCommit(hashes) with the same hashes after they are visible, even if it
// ends up writing nothing (a needless call only costs misses). A
// rolled-back transaction calls neither: it changed nothing readers could
// see.
//
// Several stores may share a Cache: their writer-side calls are serialised
// inside it, and commits that overlap on a stripe keep it open until the
// last one ends. BeginCommit allocates only its dedupe buffers, once: room
// for 64 hashes, and for a larger commit a bitmap of one bit per stripe; and
// with automatic stripes, a larger stripe table now and then as entries
// accumulate. It does nothing on a closed or disabled Cache, or for no
// hashes.
func (c *Cache) BeginCommit(hashes []uint64) {
	if !c.writable() || len(hashes) == 0 {
		return
	}
	c.wmu.Lock()
	if c.openCommits == 0 {
		c.growLocked()
	}
	c.openCommits++
	c.bumpLocked(hashes, 1)
	c.wmu.Unlock()
	// After the stripes are open: a Set of one of these keys either stored
	// its entry before (removed here) or sees the open stripe (refused).
	c.drop(hashes)
}

// EndCommit ends the commit [Cache.BeginCommit] began with the same hashes:
// it closes the same stripes and moves their generation, so tokens taken
// before or during the commit can never store an entry. Call it after the
// commit's changes are visible to readers. See BeginCommit for the rules.
func (c *Cache) EndCommit(hashes []uint64) {
	if !c.writable() || len(hashes) == 0 {
		return
	}
	c.wmu.Lock()
	c.bumpLocked(hashes, endDelta)
	c.openCommits--
	c.wmu.Unlock()
}

// BeginReset marks the whole store as being replaced (a Restore): every
// [Cache.Token] is a bypass token that reads nothing until [Cache.EndReset],
// and every entry is dropped. It takes time in proportion to the number of
// shards, not of entries. Writer side: see [Cache.BeginCommit].
func (c *Cache) BeginReset() {
	if c.writable() {
		c.wmu.Lock()
		c.epoch.Add(1)
		c.wmu.Unlock()
		c.wipe()
	}
}

// EndReset ends the reset [Cache.BeginReset] began: the epoch moves to a
// value no earlier token carried, so nothing cached before the reset is
// ever returned. Call it after the new store state is visible to readers.
func (c *Cache) EndReset() {
	if c.writable() {
		c.wmu.Lock()
		c.epoch.Add(endDelta)
		c.wmu.Unlock()
	}
}

// writable reports whether the writer side has counters to move.
func (c *Cache) writable() bool {
	return c != nil && c.enabled && !c.closed.Load()
}

// bumpLocked adds delta to every distinct stripe of hashes once. Two hashes
// in one stripe must move it once, or a commit would count as two on it. A
// small commit dedupes by sorting its stripes; a large one (a batch insert)
// marks them in a bitmap of all stripes, which costs O(hashes) instead of a
// sort. c.wmu is held.
func (c *Cache) bumpLocked(hashes []uint64, delta uint64) {
	t := c.stripes.Load()
	switch {
	case len(hashes) == 1:
		t.word(hashes[0]).Add(delta)
		return
	case len(hashes) > bitmapMin:
		if n := (len(t.words) + 63) / 64; len(c.marks) < n {
			c.marks = make([]uint64, n)
		}
		for _, h := range hashes {
			i := h & t.mask
			if w, bit := &c.marks[i>>6], uint64(1)<<(i&63); *w&bit == 0 {
				*w |= bit
				t.words[i].Add(delta)
			}
		}
		for _, h := range hashes {
			c.marks[(h&t.mask)>>6] = 0
		}
		return
	}
	s := c.scratch[:0]
	for _, h := range hashes {
		s = append(s, h&t.mask)
	}
	slices.Sort(s)
	s = slices.Compact(s)
	for _, i := range s {
		t.words[i].Add(delta)
	}
	c.scratch = s[:0]
}

// bitmapMin is the commit size above which bump dedupes with a bitmap.
const bitmapMin = 64

// growLocked replaces an automatic stripe table that has fewer than two
// stripes per entry held by one with four per entry (at most MaxStripes).
// No commit is open (c.wmu is held and openCommits is zero), so every word
// is closed. The new table starts from the old one's words (stripe i of the
// new table covers a subset of the hashes of stripe i&oldMask), so a token
// taken from the old table compares as it would have; then every old word
// is opened for good, so a reader still holding the old table takes bypass
// tokens from it. Tables only grow: a cache that held many entries once
// keeps its stripes (8 bytes each).
func (c *Cache) growLocked() {
	old := c.stripes.Load()
	n := len(old.words)
	want := 2 * c.count.Load()
	if !c.autoStripes || int64(n) >= want || n >= MaxStripes {
		return
	}
	for int64(n) < 2*want && n < MaxStripes {
		n <<= 1
	}
	t := newStripeTable(n)
	for i := range t.words {
		t.words[i].Store(old.words[uint64(i)&old.mask].Load())
	}
	c.stripes.Store(t)
	for i := range old.words {
		old.words[i].Add(1)
	}
}
