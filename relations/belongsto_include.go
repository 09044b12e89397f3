package relations

import (
	"context"
	"encoding/binary"

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
	// Each distinct foreign key is one cache lookup (see
	// includeScratch.index). The bookkeeping is reused across calls, so
	// only the result is garbage.
	sc := b.scratch(len(srcs))
	defer b.release(sc)
	arena, err := b.rel.AppendFKs(sc.arena, srcs, sc.ends, sc.hashes)
	sc.arena = arena[:0] // keep a grown arena
	if err != nil {
		return nil, b.wrap(err)
	}
	sc.index(arena)
	ls := sc.ls
	owners := make([]T, len(ls)) // one backing array for every owner
	misses := len(ls)
	if !b.cache.Enabled() {
		for j := range ls { // zero Tokens: never current, never stored
			ls[j].Token, ls[j].Hit = cache.Token{}, false
		}
	} else {
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
		err := b.store.View(ctx, func(tx *memstore.Tx) error {
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
	for i, j := range sc.pos {
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
	ls     []cache.Lookup // one per distinct key
	pos    []int32        // per source: index into ls, -1 for no owner
	ends   []int32        // per source: where its key ends in arena, -1 for none
	hashes []uint64       // per source: its key's hash
	table  []uint64       // per slot: the key's hash's top half | index into ls + 1; 0 is free
	arena  []byte         // the keys
}

// maxScratchRows bounds the Include calls whose bookkeeping is kept for
// reuse (about 2.3 MiB), so one huge call does not pin its buffers.
const maxScratchRows = 1 << 14

// scratch returns bookkeeping for n sources (see reset).
func (b *BelongsTo[S, T]) scratch(n int) *includeScratch {
	sc, _ := b.pool.Get().(*includeScratch)
	if sc == nil {
		sc = &includeScratch{}
	}
	sc.reset(n)
	return sc
}

// reset readies sc for n sources: ls and arena empty, pos, ends and hashes
// of length n, and table zeroed, a power of two at least 2n long (so ls
// has room for every distinct key, and table stays at most half full).
func (sc *includeScratch) reset(n int) {
	size := 1
	for size < 2*n {
		size <<= 1
	}
	if cap(sc.ls) < n {
		sc.ls = make([]cache.Lookup, 0, n) // every Value nil, as index needs
		sc.pos = make([]int32, n)
		sc.ends = make([]int32, n)
		sc.hashes = make([]uint64, n)
		sc.arena = make([]byte, 0, 16*n)
	}
	if cap(sc.table) < size {
		sc.table = make([]uint64, size)
	}
	sc.ls, sc.pos, sc.table, sc.arena = sc.ls[:0], sc.pos[:n], sc.table[:size], sc.arena[:0]
	sc.ends, sc.hashes = sc.ends[:n], sc.hashes[:n]
	clear(sc.table)
}

// index sets sc.pos for the sources whose keys AppendFKs put in arena
// (with sc.ends and sc.hashes): for each, the index in sc.ls of the lookup
// for its key, appending a lookup for each distinct key, or -1 for a source
// without a key. A lookup's Key is the key's place in arena. Keys are
// deduplicated by the hash the cache needs anyway, in an open-addressing
// table (no string per key, no Go map); keys with the same hash are
// compared and, if they differ, simply get a lookup each.
func (sc *includeScratch) index(arena []byte) {
	// Locals, not sc's fields: the compiler keeps them in registers, and
	// ends and hashes resliced to pos's length need no bounds checks.
	table, ls, pos := sc.table, sc.ls, sc.pos
	ends, hashes := sc.ends[:len(pos)], sc.hashes[:len(pos)]
	mask := uint64(len(table) - 1)
	start := int32(0)
	for i := range pos {
		end := ends[i]
		if end < 0 {
			pos[i] = -1
			continue
		}
		k := arena[start:end:end]
		start = end
		h := hashes[i]
		slot, top := h&mask, h&^0xFFFF_FFFF
		j := int32(-1)
		for t := table[slot]; t != 0; t = table[slot] {
			// The top half of the hash tells most other keys apart
			// without reading their lookup.
			if c := int32(t) - 1; t&^0xFFFF_FFFF == top && ls[c].Hash == h && sameKey(ls[c].Key, k) {
				j = c
				break
			}
			slot = (slot + 1) & mask
		}
		if j < 0 {
			j = int32(len(ls))
			table[slot] = top | uint64(j+1)
			// Only Hash and Key: GetManyOf sets Token and Hit (Include
			// zeroes the Tokens itself without a cache), and a reused
			// lookup's Value is already nil (storing nil again would cost a
			// write barrier while the GC runs).
			ls = ls[:j+1]
			ls[j].Hash, ls[j].Key = h, k
		}
		pos[i] = j
	}
	sc.ls = ls
}

// sameKey reports whether a and b are the same key; an 8-byte key (any
// 64-bit integer) is compared as one word, without a call.
func sameKey(a, b []byte) bool {
	if len(a) == 8 && len(b) == 8 {
		return binary.NativeEndian.Uint64(a) == binary.NativeEndian.Uint64(b)
	}
	return string(a) == string(b)
}

// release returns sc for reuse unless it is too big to keep.
func (b *BelongsTo[S, T]) release(sc *includeScratch) {
	if cap(sc.ls) <= maxScratchRows {
		b.pool.Put(sc)
	}
}
