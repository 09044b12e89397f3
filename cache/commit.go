package cache

import "slices"

// maxScratch bounds the dedupe buffer kept between commits (32 KiB), so one
// huge commit does not pin its buffer forever.
const maxScratch = 4096

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
// method. BeginCommit does not allocate once its internal dedupe buffer has
// grown to the commit size (up to 4096 distinct hashes are kept). It does
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
// the stripe would never look odd to readers.
func (c *Cache) bump(hashes []uint64) {
	if !c.writable() {
		return
	}
	switch len(hashes) {
	case 0:
		return
	case 1:
		c.gens[hashes[0]&c.mask].Add(1)
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
	if cap(s) > maxScratch {
		s = nil
	}
	c.scratch = s[:0]
}
