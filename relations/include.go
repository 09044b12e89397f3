package relations

import (
	"context"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/memstore"
)

// Include returns the owners of many sources at once, aligned with srcs:
// owners[i] is srcs[i]'s owner, or nil when its foreign key is nil. Each
// distinct foreign key is looked up once, in the cache or else in one store
// snapshot (no N+1), and the owners read from the store are cached. Sources
// with the same owner share one *T: treat the owners as read-only, or copy
// them. All owners are the store's state at one instant: cache hits are
// re-validated after the snapshot is taken. A foreign key that matches no row
// gives an error matching memstore.ErrNotFound. For a shadow foreign key,
// keys and owners are read from one snapshot and the cache is neither read
// nor filled (as ByKey).
func (b *BelongsTo[S, T]) Include(ctx context.Context, srcs []S) ([]*T, error) {
	if err := b.checkCtx(ctx); err != nil {
		return nil, err
	}
	out := make([]*T, len(srcs))
	if len(srcs) == 0 {
		return out, nil
	}
	if b.rel.Shadow() {
		return out, b.includeShadow(ctx, srcs, out)
	}
	// Each distinct foreign key is one cache lookup. Dedupe by the hash the
	// cache needs anyway, in an open-addressing table of lookup indexes (no
	// string per key, no Go map); a collision compares the keys and, if
	// they differ, simply makes another lookup. The bookkeeping is reused
	// across calls, so only the result is garbage.
	sc := b.scratch(len(srcs))
	defer b.release(sc)
	var (
		ls    = sc.ls    // one per distinct key; Key points into arena
		pos   = sc.pos   // index into ls, -1 for no owner
		table = sc.table // index into ls + 1; 0 is free
		mask  = uint64(len(sc.table) - 1)
		arena = sc.arena
		err   error
	)
	defer func() { sc.ls, sc.arena = ls[:0], arena[:0] }() // keep grown buffers
	for i := range srcs {
		start := len(arena)
		var ok bool
		arena, ok, err = b.rel.AppendFK(nil, arena, &srcs[i])
		if err != nil {
			return nil, b.wrap(err)
		}
		if !ok {
			pos[i] = -1
			continue
		}
		// A key stays valid when a later append moves arena: it keeps the
		// old array, whose bytes nothing writes again.
		k := arena[start:len(arena):len(arena)]
		h := b.store.KeyHash(b.space, k)
		slot := h & mask
		for table[slot] != 0 {
			j := table[slot] - 1
			if l := &ls[j]; l.Hash == h && string(l.Key) == string(k) {
				break
			}
			slot = (slot + 1) & mask
		}
		if j := table[slot] - 1; j >= 0 {
			pos[i] = j
			arena = arena[:start]
			continue
		}
		j := int32(len(ls))
		table[slot] = j + 1
		pos[i] = j
		// Field by field: a reused lookup's Value is already nil, and
		// storing nil again would cost a write barrier while the GC runs.
		ls = ls[:j+1]
		l := &ls[j]
		l.Hash, l.Key, l.Token, l.Hit = h, k, cache.Token{}, false
	}
	owners := make([]T, len(ls)) // one backing array for every owner
	misses := len(ls)
	if b.cache.Enabled() { // else every Token is zero: never current, never stored

		cache.GetManyOf(b.cache, b.space, ls, owners)
		for j := range ls {
			if ls[j].Hit {
				if !b.plain {
					owners[j] = b.outDeep(owners[j])
				}
				misses--
			}
		}
	}
	// With no miss, the hits are consistent if every token is still current
	// now; otherwise read a snapshot and re-check the hits after taking it.
	stale := false
	if misses == 0 {
		for j := range ls {
			if !b.cache.Current(ls[j].Token) {
				stale = true
				break
			}
		}
	}
	if misses > 0 || stale {
		err = b.store.View(ctx, func(tx *memstore.Tx) error {
			for j := range ls {
				l := &ls[j]
				if l.Hit && b.cache.Current(l.Token) {
					continue
				}
				o, err := b.load(tx, l.Key)
				if err != nil {
					return err
				}
				if !l.Hit {
					b.offer(l.Token, l.Key, o)
				}
				owners[j] = o
			}
			return nil
		})
		if err != nil {
			return nil, b.wrap(err)
		}
	}
	for i, j := range pos {
		if j >= 0 {
			out[i] = &owners[j]
		}
	}
	return out, nil
}

// includeShadow reads shadow foreign keys and their owners from one snapshot.
func (b *BelongsTo[S, T]) includeShadow(ctx context.Context, srcs []S, out []*T) error {
	return b.wrap(b.store.View(ctx, func(tx *memstore.Tx) error {
		owners := map[string]*T{}
		for i := range srcs {
			k, ok, err := b.rel.AppendFK(tx, nil, &srcs[i])
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if o, dup := owners[string(k)]; dup {
				out[i] = o
				continue
			}
			o, err := b.load(tx, k)
			if err != nil {
				return err
			}
			owners[string(k)] = &o
			out[i] = &o
		}
		return nil
	}))
}

// includeScratch is the bookkeeping of one Include call, reused by later
// calls through BelongsTo.pool. Between calls ls holds no Value (GetManyOf
// leaves them nil), only keys into arena, which sc keeps anyway.
type includeScratch struct {
	ls    []cache.Lookup
	pos   []int32
	table []int32
	arena []byte
}

// maxScratchRows bounds the Include calls whose bookkeeping is kept for
// reuse (about 1.3 MiB), so one huge call does not pin its buffers.
const maxScratchRows = 1 << 14

// scratch returns bookkeeping for n sources: ls empty, pos of length n,
// table zeroed, a power of two at least 2n long, and arena empty.
func (b *BelongsTo[S, T]) scratch(n int) *includeScratch {
	sc, _ := b.pool.Get().(*includeScratch)
	if sc == nil {
		sc = &includeScratch{}
	}
	size := 1
	for size < 2*n {
		size <<= 1
	}
	if cap(sc.ls) < n {
		sc.ls = make([]cache.Lookup, 0, n) // every Value nil, as Include needs
		sc.pos = make([]int32, n)
		sc.arena = make([]byte, 0, 16*n)
	}
	if cap(sc.table) < size {
		sc.table = make([]int32, size)
	}
	sc.ls, sc.pos, sc.table = sc.ls[:0], sc.pos[:n], sc.table[:size]
	clear(sc.table)
	return sc
}

// release returns sc for reuse unless it is too big to keep.
func (b *BelongsTo[S, T]) release(sc *includeScratch) {
	if cap(sc.ls) <= maxScratchRows {
		b.pool.Put(sc)
	}
}
