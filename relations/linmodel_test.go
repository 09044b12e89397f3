package relations_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/internal/relcore"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// This file proves the owner cache linearizable with the store: concurrent
// readers (Get, Cached, Include) and writers (updates, deletes under cascade
// and setNull, foreign key moves, re-inserts, rollbacks, Restore) record a
// history, and a Wing & Gong linearizability search (the algorithm of
// github.com/anishathalye/porcupine, see linCheck) must find a legal order
// for it. A canary runs the same harness over a naive cache-aside cache and
// must be caught.

var linSeedFlag = flag.Uint64("lin.seed", 0, "base seed of TestLinearizable and TestVersionsNeverGoBack (0: random)")

// linOwner is the owner model of these tests; Version identifies the write
// that produced a row. Its hasOne slip is read through the cache too.
type linOwner struct {
	_       struct{} `relstore:"hasOne=linSlip,foreignKey=OwnerID,as=slip"`
	ID      int64    `relstore:"pk"`
	Version int64
}

// linOrder belongs to an owner and is deleted with it. It is also the link
// of its group's hasManyThrough to the owners its orders name.
type linOrder struct {
	ID      int64 `relstore:"pk"`
	OwnerID int64 `relstore:"belongsTo=linOwner,as=owner,onDelete=cascade"`
	GroupID int64 `relstore:"belongsTo=linGroup,as=group"`
}

// linSlip belongs to an owner through a nullable key that is cleared when the
// owner is deleted. The key is unique (each group has one slip, pointing at
// one of its own owners): the owner's hasOne.
type linSlip struct {
	ID      int64  `relstore:"pk"`
	OwnerID *int64 `relstore:"belongsTo=linOwner,as=owner,onDelete=setNull,unique"`
}

// linGroup is one row per group, which has many owners through its orders.
type linGroup struct {
	_  struct{} `relstore:"hasMany=linOwner,through=linOrder,foreignKey=GroupID,keyThrough=OwnerID,as=owners"`
	ID int64    `relstore:"pk"`
}

// linPic is the source of a polymorphic relation to owners (and linOther):
// its owners are read through the cache the owners' BelongsTo shares. No
// pic is stored; readers resolve copies, as they do stale orders.
type linPic struct {
	ID      int64  `relstore:"pk"`
	RefID   *int64 `relstore:"polymorphic=linOwner|linOther,as=ref"`
	RefType string
}

type linOther struct {
	ID int64 `relstore:"pk"`
}

// The store is cut into groups. Group g has owners linOwnerKey(g, 0..2),
// orders linRowKey(g, 0..1) and slip linSlipKey(g); every write stays inside
// one group, so groups are independent objects and a history partitions by
// group (see linCheck).
const (
	linOwnersPer = 3
	linRows      = 3 // rows 0 and 1 are orders (cascade), row 2 the slip (setNull)
	linStride    = 8
)

func linOwnerKey(g, i int) int64 { return int64(g*linStride + i + 1) }
func linRowKey(g, r int) int64   { return int64(g*linStride + r + 1) }
func linSlipKey(g int) int64     { return int64(g*linStride + 1) }
func linIndex(key int64) int8    { return int8((key - 1) % linStride) }
func linGroupKey(g int) int64    { return int64(g + 1) }

// linState is one group's state: what the model checks reads against.
type linState struct {
	ver [linOwnersPer]int64 // owner versions; 0: no such owner
	fk  [linRows]int8       // owner index; -1: order deleted (rows 0, 1) or slip's key null (row 2)
}

type linEnv struct {
	store      *memstore.Store
	cache      *cache.Cache
	owners     *memstore.Table[linOwner, int64]
	orders     *memstore.Table[linOrder, int64]
	slips      *memstore.Table[linSlip, int64]
	orderOwner *relations.BelongsTo[linOrder, linOwner]
	slipOwner  *relations.BelongsTo[linSlip, linOwner]
	rel        *relcore.Rel[linOrder, linOwner]
	// The accessors of issue 15 that read through the cache.
	slipOf      *relations.HasOne[linOwner, linSlip]
	groupOwners *relations.HasManyThrough[linGroup, linOwner, linOrder]
	ref         *relations.Polymorphic[linPic]
}

func linMust[V any](v V, err error) func(testing.TB) V {
	return func(tb testing.TB) V {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
		return v
	}
}

// newLinEnv opens a store with groups groups, each fully populated, and an
// owner cache configured by cfg (no cache when cfg is nil).
func newLinEnv(tb testing.TB, cfg *cache.Config, groups int) *linEnv {
	tb.Helper()
	e := &linEnv{}
	var inv memstore.Invalidator
	if cfg != nil {
		e.cache = linMust(cache.New(*cfg))(tb)
		tb.Cleanup(func() { e.cache.Close() })
		inv = e.cache
	}
	e.store = linMust(memstore.New(memstore.Config{Cache: inv, Models: []memstore.Model{
		memstore.ModelOf[linOwner](), memstore.ModelOf[linOrder](), memstore.ModelOf[linSlip](),
		memstore.ModelOf[linGroup](), memstore.ModelOf[linPic](), memstore.ModelOf[linOther](),
	}}))(tb)
	tb.Cleanup(func() { e.store.Close() })
	e.owners = linMust(memstore.TableOf[linOwner, int64](e.store))(tb)
	e.orders = linMust(memstore.TableOf[linOrder, int64](e.store))(tb)
	e.slips = linMust(memstore.TableOf[linSlip, int64](e.store))(tb)
	e.orderOwner = linMust(relations.NewBelongsTo[linOrder, linOwner](e.store, "owner"))(tb)
	e.slipOwner = linMust(relations.NewBelongsTo[linSlip, linOwner](e.store, "owner"))(tb)
	e.rel = linMust(relcore.RelationOf[linOrder, linOwner](e.store, "owner"))(tb)
	e.slipOf = linMust(relations.NewHasOne[linOwner, linSlip](e.store, "slip"))(tb)
	e.groupOwners = linMust(relations.NewHasManyThrough[linGroup, linOwner, linOrder](e.store, "owners"))(tb)
	e.ref = linMust(relations.NewPolymorphic[linPic](e.store, "ref"))(tb)
	err := e.store.Update(context.Background(), func(tx *memstore.Tx) error {
		for g := range groups {
			if err := tx.Insert(linGroup{ID: linGroupKey(g)}); err != nil {
				return err
			}
			for i := range linOwnersPer {
				if _, err := e.owners.Insert(tx, linOwner{ID: linOwnerKey(g, i), Version: 1}); err != nil {
					return err
				}
			}
			for r := range 2 {
				if _, err := e.orders.Insert(tx, linOrder{ID: linRowKey(g, r), OwnerID: linOwnerKey(g, r), GroupID: linGroupKey(g)}); err != nil {
					return err
				}
			}
			k := linOwnerKey(g, 2)
			if _, err := e.slips.Insert(tx, linSlip{ID: linSlipKey(g), OwnerID: &k}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// readGroup reads group g's state in tx.
func (e *linEnv) readGroup(tx *memstore.Tx, g int) (linState, error) {
	var s linState
	for i := range linOwnersPer {
		o, err := e.owners.Get(tx, linOwnerKey(g, i))
		switch {
		case err == nil:
			s.ver[i] = o.Version
		case !errors.Is(err, memstore.ErrNotFound):
			return s, err
		}
	}
	for r := range 2 {
		o, err := e.orders.Get(tx, linRowKey(g, r))
		switch {
		case err == nil:
			s.fk[r] = linIndex(o.OwnerID)
		case errors.Is(err, memstore.ErrNotFound):
			s.fk[r] = -1
		default:
			return s, err
		}
	}
	sl, err := e.slips.Get(tx, linSlipKey(g))
	if err != nil {
		return s, err
	}
	s.fk[2] = -1
	if sl.OwnerID != nil {
		s.fk[2] = linIndex(*sl.OwnerID)
	}
	return s, nil
}

// linAccess is what the harness reads owners through: the real accessors, or
// the canary's naive cache. committed and restored run after a write, before
// the writer's operation is recorded as returned.
type linAccess interface {
	get(ctx context.Context, o linOrder) (linOwner, error)
	cached(o linOrder) (linOwner, relations.Status)
	include(ctx context.Context, os []linOrder) ([]*linOwner, error)
	getSlip(ctx context.Context, s linSlip) (linOwner, bool, error)
	cachedSlip(s linSlip) (linOwner, relations.Status)
	committed(ownerKeys []int64)
	restored()
}

// linReal reads through the relations accessors and the store's cache.
type linReal struct{ e *linEnv }

func (a linReal) get(ctx context.Context, o linOrder) (linOwner, error) {
	v, _, err := a.e.orderOwner.Get(ctx, o)
	return v, err
}
func (a linReal) cached(o linOrder) (linOwner, relations.Status) { return a.e.orderOwner.Cached(o) }
func (a linReal) include(ctx context.Context, os []linOrder) ([]*linOwner, error) {
	return a.e.orderOwner.Include(ctx, os)
}
func (a linReal) getSlip(ctx context.Context, s linSlip) (linOwner, bool, error) {
	return a.e.slipOwner.Get(ctx, s)
}
func (a linReal) cachedSlip(s linSlip) (linOwner, relations.Status) { return a.e.slipOwner.Cached(s) }
func (linReal) committed([]int64)                                   {}
func (linReal) restored()                                           {}

// linExtra reads through the accessors of issue 15 that use the cache: a
// hasOne's child, a polymorphic owner, a hasManyThrough's include. The
// canary does not implement it; the harness then draws only the others.
type linExtra interface {
	child(ctx context.Context, ownerKey int64) (bool, error)
	cachedChild(ownerKey int64) (has bool, st relations.Status)
	poly(ctx context.Context, ownerKey int64) (linOwner, error)
	cachedPoly(ownerKey int64) (linOwner, relations.Status)
	through(ctx context.Context, g int) ([]linOwner, error)
}

func (a linReal) child(ctx context.Context, key int64) (bool, error) {
	_, ok, err := a.e.slipOf.Get(ctx, linOwner{ID: key})
	return ok, err
}
func (a linReal) cachedChild(key int64) (bool, relations.Status) {
	_, st := a.e.slipOf.Cached(linOwner{ID: key})
	return st == relations.Found, st
}
func (a linReal) poly(ctx context.Context, key int64) (linOwner, error) {
	v, _, err := a.e.ref.Get(ctx, linPic{RefID: &key, RefType: "linOwner"})
	if err != nil {
		return linOwner{}, err
	}
	return v.(linOwner), nil
}
func (a linReal) cachedPoly(key int64) (linOwner, relations.Status) {
	v, st := a.e.ref.Cached(linPic{RefID: &key, RefType: "linOwner"})
	if st != relations.Found {
		return linOwner{}, st
	}
	return v.(linOwner), st
}
func (a linReal) through(ctx context.Context, g int) ([]linOwner, error) {
	lists, err := a.e.groupOwners.Include(ctx, []linGroup{{ID: linGroupKey(g)}})
	if err != nil {
		return nil, err
	}
	return lists[0], nil
}

// linNaive is the canary: classic cache-aside without generations. A miss
// reads the store, waits delay (a slow reader), then fills the map; writers
// delete the keys they wrote after their commit. A Set that lands after the
// Del leaves a stale owner cached for good.
type linNaive struct {
	e     *linEnv
	delay time.Duration
	mu    sync.Mutex
	m     map[int64]linOwner
}

func (a *linNaive) lookup(ctx context.Context, key int64) (linOwner, error) {
	a.mu.Lock()
	v, ok := a.m[key]
	a.mu.Unlock()
	if ok {
		return v, nil
	}
	err := a.e.store.View(ctx, func(tx *memstore.Tx) error {
		var err error
		v, err = a.e.owners.Get(tx, key)
		return err
	})
	if err != nil {
		return v, err
	}
	time.Sleep(a.delay)
	a.mu.Lock()
	a.m[key] = v
	a.mu.Unlock()
	return v, nil
}

func (a *linNaive) peek(key int64) (linOwner, relations.Status) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if v, ok := a.m[key]; ok {
		return v, relations.Found
	}
	return linOwner{}, relations.NotCached
}

func (a *linNaive) get(ctx context.Context, o linOrder) (linOwner, error) {
	return a.lookup(ctx, o.OwnerID)
}
func (a *linNaive) cached(o linOrder) (linOwner, relations.Status) { return a.peek(o.OwnerID) }
func (a *linNaive) include(ctx context.Context, os []linOrder) ([]*linOwner, error) {
	out := make([]*linOwner, len(os))
	for i, o := range os {
		v, err := a.lookup(ctx, o.OwnerID)
		if err != nil {
			return nil, err
		}
		out[i] = &v
	}
	return out, nil
}
func (a *linNaive) getSlip(ctx context.Context, s linSlip) (linOwner, bool, error) {
	if s.OwnerID == nil {
		return linOwner{}, false, nil
	}
	v, err := a.lookup(ctx, *s.OwnerID)
	return v, err == nil, err
}
func (a *linNaive) cachedSlip(s linSlip) (linOwner, relations.Status) {
	if s.OwnerID == nil {
		return linOwner{}, relations.NoOwner
	}
	return a.peek(*s.OwnerID)
}
func (a *linNaive) committed(keys []int64) {
	a.mu.Lock()
	for _, k := range keys {
		delete(a.m, k)
	}
	a.mu.Unlock()
}
func (a *linNaive) restored() {
	a.mu.Lock()
	clear(a.m)
	a.mu.Unlock()
}

// The history.

type linKind uint8

const (
	linWrite       linKind = iota // a committed Update: legal in state pre, leads to post
	linRestore                    // Store.Restore: leads to post (the snapshot's group state)
	linSetFK                      // BelongsTo.Set of row idx[0] to owner idx[1] (-1: null)
	linReadRows                   // one View of the group's rows: out.fk
	linReadOwners                 // an accessor observed owners idx[:n] with versions out.ver[:n] (0: not found)
	linReadAbsent                 // Include failed with ErrNotFound: one of owners idx[:n] is absent
	linReadChild                  // a hasOne read: owner idx[0] has the slip iff out.fk[0] == 1
	linReadThrough                // a through include: the owners of the group's orders are idx[:n], versions out.ver[:n]
)

type linIn struct {
	kind      linKind
	group     int
	n         int8
	idx       [linOwnersPer]int8
	pre, post linState
}

type linOut struct {
	ver [linOwnersPer]int64
	fk  [linRows]int8
}

// linOp is one operation: porcupine's Operation with typed input and output.
type linOp struct {
	client    int
	in        linIn
	out       linOut
	call, ret int64 // monotonic nanoseconds since the run started
}

// linStep is the sequential specification of one group.
func linStep(s linState, in linIn, out linOut) (bool, linState) {
	switch in.kind {
	case linWrite:
		return s == in.pre, in.post
	case linRestore:
		return true, in.post
	case linSetFK:
		r, i := in.idx[0], in.idx[1]
		if (r < 2 && s.fk[r] < 0) || (i >= 0 && s.ver[i] == 0) {
			return false, s // Set succeeded, so the row and the owner existed
		}
		s.fk[r] = i
		return true, s
	case linReadRows:
		return s.fk == out.fk, s
	case linReadOwners:
		for k := range in.n {
			if s.ver[in.idx[k]] != out.ver[k] {
				return false, s
			}
		}
		return true, s
	case linReadAbsent:
		for k := range in.n {
			if s.ver[in.idx[k]] == 0 {
				return true, s
			}
		}
		return false, s
	case linReadChild:
		return (s.fk[2] == in.idx[0]) == (out.fk[0] == 1), s
	case linReadThrough:
		var want, got [linOwnersPer]bool
		for r := range 2 {
			if s.fk[r] >= 0 {
				want[s.fk[r]] = true
			}
		}
		for k := range in.n {
			i := in.idx[k]
			if s.ver[i] != out.ver[k] || got[i] {
				return false, s
			}
			got[i] = true
		}
		return want == got, s
	}
	panic(fmt.Sprintf("linStep: kind %d", in.kind))
}
