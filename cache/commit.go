package cache

import "slices"

// BeginCommit marks the stripes of hashes as being written: it increments
// each distinct stripe the hashes fall in exactly once, making it odd. From
// then on, until [Cache.EndCommit], every [Cache.Token] for a hash in those
// stripes is a bypass token, so readers go to the store.
//
// The store calls BeginCommit under its write lock before the transaction's
// changes become visible to readers, with the hashes of every (space, key)
// whose cached value the commit may change, and must follow it with
// EndCommit(hashes) with the same hashes after they are visible, even if it
// ends up writing nothing (a needless bump only costs misses). A rolled-back
// transaction calls neither: it changed nothing readers could see.
//
// The writer side (BeginCommit, EndCommit, BeginReset, EndReset) must not be
// called concurrently with itself; it is safe concurrently with every other
// method. BeginCommit allocates only its dedupe buffers, once: room for 64
// hashes, and for a larger commit a bitmap of one bit per stripe. It does
// nothing on a closed or disabled Cache, or for no hashes.
func (c *Cache) BeginCommit(hashes []uint64) { c.bump(hashes) }

// EndCommit ends the commit [Cache.BeginCommit] began with the same hashes:
// it increments the same stripes once more, making them even and different
// from every value a reader saw before the commit, so entries tagged before
// or during the commit are never accepted again. Call it after the commit's
// changes are visible to readers. See BeginCommit for the rules.
func (c *Cache) EndCommit(hashes []uint64) { c.bump(hashes) }

// BeginReset marks the whole store as being replaced (a Restore): it makes
// the reset epoch odd, so every [Cache.Token] is a bypass token until
// [Cache.EndReset]. It is O(1): no entry is visited. Writer side: see
// [Cache.BeginCommit] for the concurrency rules.
func (c *Cache) BeginReset() {
	if c.writable() {
		c.epoch.Add(1)
	}
}

// EndReset ends the reset [Cache.BeginReset] began: the epoch becomes even
// and different from every epoch a token carried before, so every existing
// entry is stale; stale entries are never returned and are evicted in time.
// Call it after the new store state is visible to readers.
func (c *Cache) EndReset() {
	if c.writable() {
		c.epoch.Add(1)
	}
}

// writable reports whether the writer side has counters to move.
func (c *Cache) writable() bool {
	return c != nil && c.rc != nil && !c.closed.Load()
}

// bump increments every distinct stripe of hashes once. Two hashes in one
// stripe must bump it once, or Begin and End would each move it by two and
// the stripe would never look odd to readers. A small commit dedupes by
// sorting its stripes; a large one (a batch insert) marks them in a bitmap
// of all stripes, which costs O(hashes) instead of a sort.
func (c *Cache) bump(hashes []uint64) {
	if !c.writable() {
		return
	}
	switch {
	case len(hashes) == 0:
		return
	case len(hashes) == 1:
		c.gens[hashes[0]&c.mask].Add(1)
		return
	case len(hashes) > bitmapMin:
		if c.marks == nil {
			c.marks = make([]uint64, (len(c.gens)+63)/64)
		}
		for _, h := range hashes {
			i := h & c.mask
			if w, bit := &c.marks[i>>6], uint64(1)<<(i&63); *w&bit == 0 {
				*w |= bit
				c.gens[i].Add(1)
			}
		}
		for _, h := range hashes {
			c.marks[(h&c.mask)>>6] = 0
		}
		return
	}
	s := c.scratch[:0]
	for _, h := range hashes {
		s = append(s, h&c.mask)
	}
	slices.Sort(s)
	s = slices.Compact(s)
	for _, i := range s {
		c.gens[i].Add(1)
	}
	c.scratch = s[:0]
}

// bitmapMin is the commit size above which bump dedupes with a bitmap.
const bitmapMin = 64
