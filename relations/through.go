package relations

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/internal/relcore"
	"github.com/relstore/relstore/memstore"
)

// HasManyThrough is the accessor of a hasManyThrough (or
// hasAndBelongsToMany) relation: owner T (a Physician) has many F (its
// Patients) through the rows of a link model L (Appointments) that belong
// to both. A far row linked twice is listed once. Reads go through the
// link model's foreign key index, then the far model's key index, never a
// scan. It is immutable and safe for concurrent use.
//
// Its writes are checked by the store as any write is: a link model with a
// unique index over its two keys links a pair at most once, and deleting
// either end of a link follows the link model's onDelete.
type HasManyThrough[T, F, L any] struct {
	store   *memstore.Store
	toOwner *relcore.Rel[L, T]
	toFar   *relcore.Rel[L, F]
	name    string
	cache   *cache.Cache // nil: no cache
	space   uint32       // the far model's referenced index (toFar.Space())
	plain   bool         // F has no reference fields

	lookups atomic.Int64 // the links of one owner; a far row by its key
	pool    sync.Pool    // *includeScratch, Include's reusable bookkeeping
}

// scratch returns bookkeeping for n far keys (see includeScratch.reset).
func (h *HasManyThrough[T, F, L]) scratch(n int) *includeScratch {
	sc, _ := h.pool.Get().(*includeScratch)
	if sc == nil {
		sc = &includeScratch{}
	}
	sc.reset(n)
	return sc
}

// release returns sc for reuse unless it is too big to keep.
func (h *HasManyThrough[T, F, L]) release(sc *includeScratch) {
	if cap(sc.ls) <= maxScratchRows {
		clear(sc.ls) // the lookups' keys point into the call's arena
		h.pool.Put(sc)
	}
}

// NewHasManyThrough returns the accessor of the hasManyThrough or
// hasAndBelongsToMany relation named relation of owner model T, whose far
// model must be F and link model L (LoopBack 3: physician.patients).
// Errors match memstore.ErrInvalid and list the relations that exist.
func NewHasManyThrough[T, F, L any](s *memstore.Store, relation string) (*HasManyThrough[T, F, L], error) {
	toOwner, toFar, err := relcore.ThroughOf[T, F, L](s, relation)
	if err != nil {
		return nil, err
	}
	h := &HasManyThrough[T, F, L]{store: s, toOwner: toOwner, toFar: toFar, name: relation,
		space: toFar.Space(), plain: toFar.Plain()}
	h.cache, _ = s.Cache().(*cache.Cache)
	return h, nil
}

// Name returns the relation's name.
func (h *HasManyThrough[T, F, L]) Name() string { return h.name }

// Lookups returns how many index lookups h has made in the store: one per
// owner whose links a read listed, and one per far row it read from the
// store (Include: per distinct far key the cache did not answer).
func (h *HasManyThrough[T, F, L]) Lookups() int64 { return h.lookups.Load() }

// In returns h's operations inside the transaction tx (see "Transactions"
// in the package doc); they never read or fill the cache.
func (h *HasManyThrough[T, F, L]) In(tx *memstore.Tx) ThroughTx[T, F, L] {
	return ThroughTx[T, F, L]{h: h, tx: tx}
}

func (h *HasManyThrough[T, F, L]) wrap(err error) error {
	return wrapErr(h.toOwner.Target(), h.name, err)
}

// view runs fn in a View, wrapping its errors.
func (h *HasManyThrough[T, F, L]) view(ctx context.Context, fn func(t ThroughTx[T, F, L]) error) error {
	if err := checkCtx(ctx); err != nil {
		return h.wrap(err)
	}
	return h.wrap(h.store.View(ctx, func(tx *memstore.Tx) error { return fn(h.In(tx)) }))
}

// update runs fn in an Update, wrapping its errors.
func (h *HasManyThrough[T, F, L]) update(ctx context.Context, fn func(t ThroughTx[T, F, L]) error) error {
	if err := checkCtx(ctx); err != nil {
		return h.wrap(err)
	}
	return h.wrap(h.store.Update(ctx, func(tx *memstore.Tx) error { return fn(h.In(tx)) }))
}

// List returns the far rows linked to owner, each once, in the order of
// their referenced keys, read from one snapshot (LoopBack 3:
// physician.patients()). None is an empty slice.
func (h *HasManyThrough[T, F, L]) List(ctx context.Context, owner T) (out []F, err error) {
	err = h.view(ctx, func(t ThroughTx[T, F, L]) error { out, err = t.List(owner); return err })
	return out, err
}

// Find returns the far rows linked to owner that f selects, in f's order
// (ties by primary key; no order is primary key order), read from one
// snapshot (LoopBack 3: physician.patients({where, order, limit, skip})):
// owner's far rows, each once, as List reads them (one lookup for the
// links, one per far row), then f's where, order, after, skip and limit.
// f is bound to the far model: a *memstore.FilterError, matching
// memstore.ErrInvalid, names what it cannot take. Fields and Include are
// not applied to typed rows. None is an empty slice.
func (h *HasManyThrough[T, F, L]) Find(ctx context.Context, owner T, f filter.Filter) (out []F, err error) {
	err = h.view(ctx, func(t ThroughTx[T, F, L]) error { out, err = t.Find(owner, f); return err })
	return out, err
}

// Count returns the number of far rows linked to owner, each counted once
// (LoopBack 3: physician.patients.count()).
func (h *HasManyThrough[T, F, L]) Count(ctx context.Context, owner T) (n int, err error) {
	err = h.view(ctx, func(t ThroughTx[T, F, L]) error { n, err = t.Count(owner); return err })
	return n, err
}

// Exists reports whether far is linked to owner (LoopBack 3:
// physician.patients.exists(id)).
func (h *HasManyThrough[T, F, L]) Exists(ctx context.Context, owner T, far F) (ok bool, err error) {
	err = h.view(ctx, func(t ThroughTx[T, F, L]) error { ok, err = t.Exists(owner, far); return err })
	return ok, err
}

// Links returns owner's link rows, in their primary key order.
func (h *HasManyThrough[T, F, L]) Links(ctx context.Context, owner T) (out []L, err error) {
	err = h.view(ctx, func(t ThroughTx[T, F, L]) error { out, err = t.Links(owner); return err })
	return out, err
}

// Add links far to owner by inserting a link row (LoopBack 3:
// physician.patients.add(patient, {date})): *link, or a zero L when link
// is nil, with its two foreign keys set (one already naming another owner
// or far row is refused with ErrOtherOwner). Its assigned keys are written
// back to *link. A link model with a unique index over its two keys
// refuses a second link of the pair (memstore.ErrUnique). On error nothing
// is written and *link is unchanged.
func (h *HasManyThrough[T, F, L]) Add(ctx context.Context, owner T, far F, link *L) error {
	var saved L
	if link != nil {
		saved = *link
	}
	err := h.update(ctx, func(t ThroughTx[T, F, L]) error { return t.Add(owner, far, link) })
	if err != nil && link != nil {
		*link = saved
	}
	return err
}

// Remove deletes the link rows between owner and far, with the link
// model's on-delete actions, and returns how many it deleted (LoopBack 3:
// physician.patients.remove(patient)). The far row stays.
func (h *HasManyThrough[T, F, L]) Remove(ctx context.Context, owner T, far F) (n int, err error) {
	err = h.update(ctx, func(t ThroughTx[T, F, L]) error { n, err = t.Remove(owner, far); return err })
	return n, err
}

// Create inserts far and a link row from owner to it, in one transaction
// (LoopBack 3: physician.patients.create(data)); the assigned keys are
// written back to *far and *link (nil: a zero link). On error nothing is
// written and both are unchanged.
func (h *HasManyThrough[T, F, L]) Create(ctx context.Context, owner T, far *F, link *L) error {
	if far == nil {
		return h.wrap(invalid("nil far row"))
	}
	savedF := *far
	var savedL L
	if link != nil {
		savedL = *link
	}
	err := h.update(ctx, func(t ThroughTx[T, F, L]) error { return t.Create(owner, far, link) })
	if err != nil {
		*far = savedF
		if link != nil {
			*link = savedL
		}
	}
	return err
}

// Include returns the far rows of many owners, aligned with owners (each
// owner's as List orders them; none is an empty slice), over both hops from
// one snapshot: the links of each distinct owner (one lookup each), then
// each distinct far row once, from the owner cache when it holds it, else
// from the snapshot (and offered to the cache). Cache hits are used only
// when no commit has been published since the snapshot was taken, so all
// rows are the store's state at that instant.
func (h *HasManyThrough[T, F, L]) Include(ctx context.Context, owners []T) (out [][]F, err error) {
	err = h.view(ctx, func(t ThroughTx[T, F, L]) error {
		out, err = t.include(owners, h.cache)
		return err
	})
	return out, err
}

// ThroughTx is a HasManyThrough's operations inside one transaction, made
// by HasManyThrough.In (see BelongsToTx).
type ThroughTx[T, F, L any] struct {
	h  *HasManyThrough[T, F, L]
	tx *memstore.Tx
}

// ownerKey returns the encoded key of owner that links reference.
func (t ThroughTx[T, F, L]) ownerKey(owner *T) ([]byte, error) {
	k, ok, err := t.h.toOwner.AppendKey(nil, owner)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, invalid("owner's " + t.h.toOwner.KeyTo() + " is nil")
	}
	return k, nil
}

// farKey returns the encoded key of far that links reference.
func (t ThroughTx[T, F, L]) farKey(far *F) ([]byte, error) {
	k, ok, err := t.h.toFar.AppendKey(nil, far)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, invalid("far row's " + t.h.toFar.KeyTo() + " is nil")
	}
	return k, nil
}

// links returns the links of the owner with key k.
func (t ThroughTx[T, F, L]) links(k []byte) ([]L, error) {
	t.h.lookups.Add(1)
	seq, err := t.h.toOwner.Children(t.tx, k)
	if err != nil {
		return nil, err
	}
	out := []L{}
	for l := range seq {
		out = append(out, l)
	}
	return out, nil
}

// farKeys returns the distinct far keys of the owner with key k, sorted.
func (t ThroughTx[T, F, L]) farKeys(k []byte) ([][]byte, error) {
	t.h.lookups.Add(1)
	arena, ends, err := relcore.AppendLinked(t.tx, t.h.toOwner, t.h.toFar, k, nil, nil)
	if err != nil {
		return nil, err
	}
	keys := make([][]byte, len(ends))
	start := int32(0)
	for i, end := range ends {
		keys[i] = arena[start:end:end]
		start = end
	}
	slices.SortFunc(keys, bytes.Compare)
	return slices.CompactFunc(keys, bytes.Equal), nil
}

// List returns the far rows linked to owner, each once, in key order.
func (t ThroughTx[T, F, L]) List(owner T) ([]F, error) {
	rows, err := t.include([]T{owner}, nil)
	if err != nil {
		return nil, err
	}
	return rows[0], nil
}

// Find returns the far rows linked to owner that f selects (see
// HasManyThrough.Find).
func (t ThroughTx[T, F, L]) Find(owner T, f filter.Filter) ([]F, error) {
	h := t.h
	if _, err := t.ownerKey(&owner); err != nil {
		return nil, h.wrap(err)
	}
	q, err := h.store.Query(h.toFar.Target(), f)
	if err != nil {
		return nil, h.wrap(err)
	}
	rel, err := t.tx.RelatedScoped(h.toOwner.Target(), h.name, []T{owner}, q)
	if err != nil {
		return nil, h.wrap(err)
	}
	h.lookups.Add(int64(rel.Lookups))
	out := make([]F, len(rel.Rows[0]))
	for i, v := range rel.Rows[0] {
		out[i] = v.(F) // relcore.ThroughOf checked that F is the far model's type
	}
	return out, nil
}

// Count returns the number of far rows linked to owner.
func (t ThroughTx[T, F, L]) Count(owner T) (int, error) {
	k, err := t.ownerKey(&owner)
	if err != nil {
		return 0, t.h.wrap(err)
	}
	keys, err := t.farKeys(k)
	return len(keys), t.h.wrap(err)
}

// Exists reports whether far is linked to owner.
func (t ThroughTx[T, F, L]) Exists(owner T, far F) (bool, error) {
	k, err := t.ownerKey(&owner)
	if err != nil {
		return false, t.h.wrap(err)
	}
	kf, err := t.farKey(&far)
	if err != nil {
		return false, t.h.wrap(err)
	}
	keys, err := t.farKeys(k)
	if err != nil {
		return false, t.h.wrap(err)
	}
	_, found := slices.BinarySearchFunc(keys, kf, bytes.Compare)
	return found, nil
}

// Links returns owner's link rows, in their primary key order.
func (t ThroughTx[T, F, L]) Links(owner T) ([]L, error) {
	k, err := t.ownerKey(&owner)
	if err != nil {
		return nil, t.h.wrap(err)
	}
	out, err := t.links(k)
	return out, t.h.wrap(err)
}

// Add links far to owner by inserting *link (or a zero L) with its two
// foreign keys set; the assigned keys are written back to *link.
func (t ThroughTx[T, F, L]) Add(owner T, far F, link *L) error {
	h := t.h
	k, err := t.ownerKey(&owner)
	if err != nil {
		return h.wrap(err)
	}
	kf, err := t.farKey(&far)
	if err != nil {
		return h.wrap(err)
	}
	var l L
	if link != nil {
		l = *link
	}
	// A link that names another owner or far row is refused.
	if other(h.toOwner, &l, k) || other(h.toFar, &l, kf) {
		return h.wrap(errors.Join(ErrOtherOwner, errors.New("the link names another owner or far row")))
	}
	if !h.toFar.Shadow() {
		if err := h.toFar.SetFKField(&l, kf); err != nil {
			return h.wrap(err)
		}
	}
	if err := h.toOwner.InsertChild(t.tx, &l, k); err != nil {
		return h.wrap(err)
	}
	if h.toFar.Shadow() {
		if err := h.toFar.SetFK(t.tx, &l, kf); err != nil {
			return h.wrap(err)
		}
	}
	if link != nil {
		*link = l
	}
	return nil
}

// Remove deletes the link rows between owner and far and returns how many.
func (t ThroughTx[T, F, L]) Remove(owner T, far F) (int, error) {
	h := t.h
	k, err := t.ownerKey(&owner)
	if err != nil {
		return 0, h.wrap(err)
	}
	kf, err := t.farKey(&far)
	if err != nil {
		return 0, h.wrap(err)
	}
	links, err := t.links(k)
	if err != nil {
		return 0, h.wrap(err)
	}
	n := 0
	for i := range links {
		fk, ok, err := h.toFar.AppendFK(t.tx, nil, &links[i])
		if err != nil {
			return n, h.wrap(err)
		}
		if !ok || string(fk) != string(kf) {
			continue
		}
		if err := t.tx.Delete(&links[i]); err != nil {
			return n, h.wrap(err)
		}
		n++
	}
	return n, nil
}

// Create inserts far and a link from owner to it; the assigned keys are
// written back to *far and *link.
func (t ThroughTx[T, F, L]) Create(owner T, far *F, link *L) error {
	if far == nil {
		return t.h.wrap(invalid("nil far row"))
	}
	if _, err := t.ownerKey(&owner); err != nil {
		return t.h.wrap(err)
	}
	if err := t.tx.Insert(far); err != nil {
		return t.h.wrap(err)
	}
	return t.Add(owner, *far, link)
}

// Include returns the far rows of many owners, aligned with owners.
func (t ThroughTx[T, F, L]) Include(owners []T) ([][]F, error) { return t.include(owners, nil) }

// include reads the far rows of owners: the links of each distinct owner
// (one lookup each, reading only the far keys the link records hold), then
// each distinct far key once, from c when c is not nil, the transaction is
// a View of the latest state and c holds the row (see
// HasManyThrough.Include), else from the transaction.
func (t ThroughTx[T, F, L]) include(owners []T, c *cache.Cache) ([][]F, error) {
	h := t.h
	out := make([][]F, len(owners))
	if len(owners) == 0 {
		return out, nil
	}
	var (
		first = make([]int32, len(owners)) // the first owner with the same key, or -1
		okeys []byte                       // the distinct owners' keys, back to back
		kspan = make([][2]int32, len(owners))
		owner = map[uint64]int32{} // an owner key's hash → its first owner
		order []int32              // the first owners
		buf   [keyBuf]byte
	)
	for i := range owners {
		first[i] = -1
		k, ok, err := h.toOwner.AppendKey(buf[:0], &owners[i])
		if err != nil {
			return nil, h.wrap(err)
		}
		if !ok {
			return nil, h.wrap(invalid("owner's " + h.toOwner.KeyTo() + " is nil"))
		}
		hk := h.store.KeyHash(0, k)
		if j, dup := owner[hk]; dup && sameKey(okeys[kspan[j][0]:kspan[j][1]], k) {
			first[i] = j
			continue
		}
		owner[hk] = int32(i)
		kspan[i][0] = int32(len(okeys))
		okeys = append(okeys, k...)
		kspan[i][1] = int32(len(okeys))
		order = append(order, int32(i))
	}
	// The links of every distinct owner, in one walk of the link model's
	// foreign key index, in key order.
	keyOf := func(i int32) []byte { return okeys[kspan[i][0]:kspan[i][1]:kspan[i][1]] }
	slices.SortFunc(order, func(a, b int32) int { return bytes.Compare(keyOf(a), keyOf(b)) })
	keys := make([][]byte, len(order))
	for r, i := range order {
		keys[r] = keyOf(i)
	}
	sorted := make([][2]int32, len(order))
	h.lookups.Add(int64(len(order)))
	arena, ends, err := relcore.AppendLinkedMany(t.tx, h.toOwner, h.toFar, keys, nil, nil, sorted)
	if err != nil {
		return nil, h.wrap(err)
	}
	spans := make([][2]int32, len(owners))
	for r, i := range order {
		spans[i] = sorted[r]
	}
	// The distinct far keys, each one lookup: ls[pos[e]] is the e-th
	// key's (BelongsTo.Include's dedupe, by the hash the cache needs).
	sc := h.scratch(len(ends))
	defer h.release(sc)
	copy(sc.ends, ends)
	start := int32(0)
	for e, end := range ends {
		sc.hashes[e] = h.store.KeyHash(h.space, arena[start:end])
		start = end
	}
	sc.index(arena)
	ls, pos := sc.ls, sc.pos
	rows := make([]F, len(ls))
	useCache := c.Enabled()
	if useCache {
		cache.GetManyOf(c, h.space, ls, rows)
		// The hits, and the snapshot's values offered under the tokens
		// just taken, agree with the snapshot only if no commit has been
		// published since it was taken (see DESIGN.md).
		useCache = t.tx.Latest()
	}
	for j := range ls {
		l := &ls[j]
		if useCache && l.Hit {
			continue
		}
		h.lookups.Add(1)
		o, err := h.toFar.Owner(t.tx, l.Key)
		if err != nil {
			return nil, h.wrap(err)
		}
		rows[j] = o
		if useCache && !l.Token.Bypass() {
			v, size := h.toFar.CloneSize(&o)
			cache.SetOf(c, l.Token, h.space, l.Key, v, size)
		}
	}
	// Each owner's far rows, distinct, in key order, in one backing array.
	all := make([]F, 0, len(ends))
	for i, sp := range spans {
		if j := first[i]; j >= 0 {
			out[i] = slices.Clone(out[j])
			if !h.plain {
				for n := range out[i] {
					out[i][n] = h.toFar.Clone(&out[i][n])
				}
			}
			continue
		}
		p := pos[sp[0]:sp[1]]
		slices.SortFunc(p, func(a, b int32) int { return bytes.Compare(ls[a].Key, ls[b].Key) })
		p = slices.Compact(p)
		at := len(all)
		for _, j := range p {
			if h.plain {
				all = append(all, rows[j])
			} else {
				all = append(all, h.toFar.Clone(&rows[j])) // each placement its own copy
			}
		}
		out[i] = all[at:len(all):len(all)]
	}
	return out, nil
}

// other reports whether link's foreign key field of r is set (not zero or
// nil) to another key than k.
func other[L, X any](r *relcore.Rel[L, X], link *L, k []byte) bool {
	if r.Shadow() || r.FKIsZero(link) {
		return false
	}
	got, ok, err := r.AppendFK(nil, nil, link)
	return err == nil && ok && string(got) != string(k)
}
