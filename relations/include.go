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
	// Each distinct foreign key is one want. Dedupe by the hash the cache
	// needs anyway (no string per key); a collision compares the keys and,
	// if they differ, simply makes another want.
	type want struct {
		k   []byte
		tok cache.Token
		h   uint64
		hit bool
	}
	var (
		wants  = make([]want, 0, len(srcs))
		pos    = make([]int32, len(srcs)) // index into wants, -1 for no owner
		seen   = make(map[uint64]int32, len(srcs))
		arena  = make([]byte, 0, 16*len(srcs))
		cached = b.cache.Enabled()
		err    error
	)
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
		k := arena[start:len(arena):len(arena)]
		h := b.store.KeyHash(b.space, k)
		if j, dup := seen[h]; dup && string(wants[j].k) == string(k) {
			pos[i] = j
			arena = arena[:start]
			continue
		}
		j := int32(len(wants))
		seen[h] = j
		pos[i] = j
		wants = append(wants, want{k: k, h: h})
	}
	owners := make([]T, len(wants)) // one backing array for every owner
	misses := 0
	for j := range wants {
		w := &wants[j]
		if !cached {
			misses++
			continue
		}
		w.tok = b.cache.Token(w.h)
		if v, hit := b.cache.Get(w.tok, b.space, w.k); hit {
			owners[j], w.hit = b.out(v), true
		} else {
			misses++
		}
	}
	// With no miss, the hits are consistent if every token is still current
	// now; otherwise read a snapshot and re-check the hits after taking it.
	stale := false
	if misses == 0 {
		for j := range wants {
			if !b.cache.Current(wants[j].tok) {
				stale = true
				break
			}
		}
	}
	if misses > 0 || stale {
		err = b.store.View(ctx, func(tx *memstore.Tx) error {
			for j := range wants {
				w := &wants[j]
				if w.hit && b.cache.Current(w.tok) {
					continue
				}
				o, err := b.load(tx, w.k)
				if err != nil {
					return err
				}
				if !w.hit {
					b.offer(w.tok, w.k, o)
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
