package relations_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

type linRunConfig struct {
	groups    int
	readers   int
	writers   int
	readerOps int // operations each reader records
	delay     time.Duration
}

type linStats struct {
	reads, notCached, writes, setFKs, rollbacks, restores, failed atomic.Int64
}

var errLinRollback = errors.New("lin: roll back")

// linRun runs readers and writers against e through acc and returns the
// history and each group's initial state.
func linRun(t testing.TB, e *linEnv, acc linAccess, seed uint64, rc linRunConfig) ([]linOp, []linState, *linStats) {
	t.Helper()
	ctx := context.Background()
	init := make([]linState, rc.groups)
	err := e.store.View(ctx, func(tx *memstore.Tx) error {
		for g := range init {
			var err error
			if init[g], err = e.readGroup(tx, g); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	now := func() int64 { return int64(time.Since(start)) } // monotonic
	var (
		stamps   atomic.Int64 // versions: unique per write attempt
		stop     atomic.Bool
		stats    linStats
		mu       sync.Mutex
		history  []linOp
		readerWG sync.WaitGroup
		writerWG sync.WaitGroup
	)
	stamps.Store(1)
	publish := func(ops []linOp) {
		mu.Lock()
		history = append(history, ops...)
		mu.Unlock()
	}
	for r := range rc.readers {
		readerWG.Add(1)
		go func() {
			defer readerWG.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(r)))
			ops := linReader(t, e, acc, rng, r, rc, now, &stats)
			publish(ops)
		}()
	}
	for w := range rc.writers {
		writerWG.Add(1)
		go func() {
			defer writerWG.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(1000+w)))
			ops := linWriter(t, e, acc, rng, rc.readers+w, rc, now, &stamps, &stop, &stats)
			publish(ops)
		}()
	}
	readerWG.Wait()
	stop.Store(true)
	writerWG.Wait()
	return history, init, &stats
}

func linReader(t testing.TB, e *linEnv, acc linAccess, rng *rand.Rand, client int, rc linRunConfig,
	now func() int64, stats *linStats) []linOp {
	ctx := context.Background()
	ops := make([]linOp, 0, rc.readerOps+4)
	record := func(in linIn, out linOut, call, ret int64) {
		ops = append(ops, linOp{client: client, in: in, out: out, call: call, ret: ret})
	}
	// observe records what an accessor returned for owner key, or its error.
	observe := func(g int, key int64, v linOwner, err error, call, ret int64) {
		in := linIn{kind: linReadOwners, group: g, n: 1}
		in.idx[0] = linIndex(key)
		var out linOut
		switch {
		case err == nil:
			if v.ID != key {
				t.Errorf("owner of key %d has ID %d", key, v.ID)
			}
			out.ver[0] = v.Version
		case !errors.Is(err, memstore.ErrNotFound):
			t.Errorf("read owner %d: %v", key, err)
			return
		}
		record(in, out, call, ret)
	}
	for len(ops) < rc.readerOps {
		// Readers outnumber writers 2 to 1 and are faster: yield, so
		// that writes interleave densely with reads.
		runtime.Gosched()
		g := rng.IntN(rc.groups)
		var (
			ords    [2]linOrder
			present [2]bool
			slip    linSlip
		)
		c := now()
		err := e.store.View(ctx, func(tx *memstore.Tx) error {
			for r := range 2 {
				o, err := e.orders.Get(tx, linRowKey(g, r))
				if err == nil {
					ords[r], present[r] = o, true
				} else if !errors.Is(err, memstore.ErrNotFound) {
					return err
				}
			}
			var err error
			slip, err = e.slips.Get(tx, linSlipKey(g))
			return err
		})
		ret := now()
		if err != nil {
			t.Errorf("read rows: %v", err)
			return ops
		}
		rows := linIn{kind: linReadRows, group: g}
		var out linOut
		for r := range 2 {
			out.fk[r] = -1
			if present[r] {
				out.fk[r] = linIndex(ords[r].OwnerID)
			}
			// A deleted order's value is a stale copy: point it at any owner.
			if !present[r] {
				ords[r] = linOrder{ID: linRowKey(g, r), OwnerID: linOwnerKey(g, rng.IntN(linOwnersPer))}
			}
		}
		out.fk[2] = -1
		if slip.OwnerID != nil {
			out.fk[2] = linIndex(*slip.OwnerID)
		}
		record(rows, out, c, ret)
		extra, hasExtra := acc.(linExtra)
		kinds := 6
		if hasExtra {
			kinds = 11
		}
		for range 2 {
			stats.reads.Add(1)
			o := ords[rng.IntN(2)]
			switch rng.IntN(kinds) {
			case 0, 1:
				c := now()
				v, err := acc.get(ctx, o)
				observe(g, o.OwnerID, v, err, c, now())
			case 2:
				c := now()
				v, st := acc.cached(o)
				ret := now()
				if st == relations.Found {
					observe(g, o.OwnerID, v, nil, c, ret)
				} else {
					stats.notCached.Add(1)
				}
			case 3:
				extra := linOrder{ID: 1 << 40, OwnerID: linOwnerKey(g, rng.IntN(linOwnersPer))}
				srcs := []linOrder{ords[0], ords[1], extra}
				c := now()
				owners, err := acc.include(ctx, srcs)
				ret := now()
				in := linIn{group: g}
				var out linOut
				pos := map[int8]int{}
				for i, s := range srcs {
					k := linIndex(s.OwnerID)
					if _, dup := pos[k]; dup {
						continue
					}
					pos[k] = i
					in.idx[in.n] = k
					if err == nil {
						if owners[i] == nil || owners[i].ID != s.OwnerID {
							t.Errorf("Include: owner %d of source %d = %+v", s.OwnerID, i, owners[i])
						} else {
							out.ver[in.n] = owners[i].Version
						}
					}
					in.n++
				}
				switch {
				case err == nil:
					in.kind = linReadOwners
				case errors.Is(err, memstore.ErrNotFound):
					in.kind = linReadAbsent
				default:
					t.Errorf("Include: %v", err)
					continue
				}
				record(in, out, c, ret)
			case 4:
				c := now()
				v, ok, err := acc.getSlip(ctx, slip)
				ret := now()
				if !ok && err == nil {
					record(linIn{kind: linReadOwners, group: g}, linOut{}, c, ret) // NoOwner: nothing to check
					continue
				}
				observe(g, *slip.OwnerID, v, err, c, ret)
			case 5:
				c := now()
				v, st := acc.cachedSlip(slip)
				ret := now()
				switch st {
				case relations.Found:
					observe(g, *slip.OwnerID, v, nil, c, ret)
				case relations.NoOwner:
					record(linIn{kind: linReadOwners, group: g}, linOut{}, c, ret)
				default:
					stats.notCached.Add(1)
				}
			case 6, 7: // a hasOne's child: the slip, if it names the owner
				key := linOwnerKey(g, rng.IntN(linOwnersPer))
				in := linIn{kind: linReadChild, group: g}
				in.idx[0] = linIndex(key)
				var out linOut
				c := now()
				var has bool
				if rng.IntN(2) == 0 {
					var err error
					if has, err = extra.child(ctx, key); err != nil {
						t.Errorf("hasOne Get: %v", err)
						continue
					}
				} else {
					var st relations.Status
					if has, st = extra.cachedChild(key); st == relations.NotCached {
						stats.notCached.Add(1)
						continue
					}
				}
				ret := now()
				if has {
					out.fk[0] = 1
				}
				record(in, out, c, ret)
			case 8, 9: // a polymorphic owner, sharing the owners' cache entries
				key := o.OwnerID
				c := now()
				if rng.IntN(2) == 0 {
					v, err := extra.poly(ctx, key)
					observe(g, key, v, err, c, now())
					continue
				}
				v, st := extra.cachedPoly(key)
				ret := now()
				if st == relations.Found {
					observe(g, key, v, nil, c, ret)
				} else {
					stats.notCached.Add(1)
				}
			case 10: // a hasManyThrough's include: the owners of the group's orders
				c := now()
				owners, err := extra.through(ctx, g)
				ret := now()
				if err != nil {
					t.Errorf("through Include: %v", err)
					continue
				}
				in := linIn{kind: linReadThrough, group: g, n: int8(len(owners))}
				var out linOut
				if len(owners) > linOwnersPer {
					t.Errorf("through Include: %d owners", len(owners))
					continue
				}
				for k, v := range owners {
					in.idx[k], out.ver[k] = linIndex(v.ID), v.Version
				}
				record(in, out, c, ret)
			}
		}
	}
	return ops
}

func linWriter(t testing.TB, e *linEnv, acc linAccess, rng *rand.Rand, client int, rc linRunConfig,
	now func() int64, stamps *atomic.Int64, stop *atomic.Bool, stats *linStats) []linOp {
	ctx := context.Background()
	var ops []linOp
	var snap *memstore.Snapshot
	var snapStates []linState
	for !stop.Load() {
		g := rng.IntN(rc.groups)
		switch p := rng.IntN(100); {
		case p < 3 && snap != nil: // Restore a snapshot taken earlier
			c := now()
			err := e.store.Restore(ctx, snap)
			acc.restored()
			ret := now()
			if err != nil {
				t.Errorf("Restore: %v", err)
				return ops
			}
			stats.restores.Add(1)
			for g, s := range snapStates {
				ops = append(ops, linOp{client: client, in: linIn{kind: linRestore, group: g, post: s}, call: c, ret: ret})
			}
		case p < 8: // take a snapshot; reading it is not an operation
			sn, err := e.store.Snapshot()
			if err != nil {
				t.Errorf("Snapshot: %v", err)
				return ops
			}
			states := make([]linState, rc.groups)
			err = sn.View(ctx, func(tx *memstore.Tx) error {
				for g := range states {
					var err error
					if states[g], err = e.readGroup(tx, g); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Errorf("read snapshot: %v", err)
				return ops
			}
			snap, snapStates = sn, states
		case p < 20: // move a row with BelongsTo.Set
			r, i := int8(rng.IntN(linRows)), int8(rng.IntN(linOwnersPer))
			owner := &linOwner{ID: linOwnerKey(g, int(i))}
			var err error
			c := now()
			if r < 2 {
				o := linOrder{ID: linRowKey(g, int(r))}
				err = e.orderOwner.Set(ctx, &o, owner)
			} else {
				if rng.IntN(4) == 0 {
					owner, i = nil, -1
				}
				s := linSlip{ID: linSlipKey(g)}
				err = e.slipOwner.Set(ctx, &s, owner)
			}
			acc.committed(nil) // owners unchanged
			ret := now()
			if err != nil {
				// The row or the owner was deleted meanwhile: nothing was written.
				if !errors.Is(err, memstore.ErrForeignKey) && !errors.Is(err, memstore.ErrNotFound) {
					t.Errorf("Set: %v", err)
				}
				stats.failed.Add(1)
				continue
			}
			stats.setFKs.Add(1)
			in := linIn{kind: linSetFK, group: g}
			in.idx[0], in.idx[1] = r, i
			ops = append(ops, linOp{client: client, in: in, call: c, ret: ret})
		case p < 30: // write, then roll back: must never be observed
			err := e.store.Update(ctx, func(tx *memstore.Tx) error {
				for i := range linOwnersPer {
					o := linOwner{ID: linOwnerKey(g, i), Version: stamps.Add(1)}
					if _, err := e.owners.Upsert(tx, o); err != nil {
						return err
					}
				}
				if rng.IntN(2) == 0 {
					if err := e.owners.Delete(tx, linOwnerKey(g, rng.IntN(linOwnersPer))); err != nil {
						return err
					}
				}
				return errLinRollback
			})
			if !errors.Is(err, errLinRollback) {
				t.Errorf("rolled back Update = %v, want %v", err, errLinRollback)
			}
			stats.rollbacks.Add(1)
		default:
			op, ok := linWrite1(t, e, acc, rng, g, now, stamps)
			if !ok {
				return ops
			}
			op.client = client
			ops = append(ops, op)
			stats.writes.Add(1)
		}
	}
	return ops
}

// linWrite1 runs one committed write in group g: it reads the group's state
// in the transaction, writes, reads it again, and checks the store did what
// the model says (cascade, setNull). The operation is legal only in the state
// it read, which pins the order of writes.
func linWrite1(t testing.TB, e *linEnv, acc linAccess, rng *rand.Rand, g int, now func() int64,
	stamps *atomic.Int64) (linOp, bool) {
	ctx := context.Background()
	var pre, post, want linState
	var touched []int64
	var what string
	c := now()
	err := e.store.Update(ctx, func(tx *memstore.Tx) error {
		var err error
		if pre, err = e.readGroup(tx, g); err != nil {
			return err
		}
		want, touched = pre, touched[:0]
		// present returns a random existing owner, inserting one if none exists.
		present := func() (int8, error) {
			start := rng.IntN(linOwnersPer)
			for d := range linOwnersPer {
				if i := (start + d) % linOwnersPer; want.ver[i] != 0 {
					return int8(i), nil
				}
			}
			v := stamps.Add(1)
			if _, err := e.owners.Insert(tx, linOwner{ID: linOwnerKey(g, start), Version: v}); err != nil {
				return 0, err
			}
			want.ver[start] = v
			touched = append(touched, linOwnerKey(g, start))
			return int8(start), nil
		}
		i := rng.IntN(linOwnersPer)
		key := linOwnerKey(g, i)
		switch a := rng.IntN(10); {
		case a < 4 || (a < 6 && want.ver[i] == 0): // update, or re-insert a deleted key
			what = "upsert owner"
			v := stamps.Add(1)
			if _, err := e.owners.Upsert(tx, linOwner{ID: key, Version: v}); err != nil {
				return err
			}
			want.ver[i] = v
			touched = append(touched, key)
			if a == 0 { // a second owner in the same commit
				j := (i + 1) % linOwnersPer
				v := stamps.Add(1)
				if _, err := e.owners.Upsert(tx, linOwner{ID: linOwnerKey(g, j), Version: v}); err != nil {
					return err
				}
				want.ver[j] = v
				touched = append(touched, linOwnerKey(g, j))
			}
		case a < 6: // delete: cascades to orders, nulls the slip
			what = "delete owner"
			if err := e.owners.Delete(tx, key); err != nil {
				return err
			}
			want.ver[i] = 0
			for r := range linRows {
				if want.fk[r] == int8(i) {
					want.fk[r] = -1
				}
			}
			touched = append(touched, key)
		case a < 8: // re-insert a deleted order, or move it with Table.Update
			what = "insert or move order"
			r := rng.IntN(2)
			j, err := present()
			if err != nil {
				return err
			}
			o := linOrder{ID: linRowKey(g, r), OwnerID: linOwnerKey(g, int(j)), GroupID: linGroupKey(g)}
			if want.fk[r] < 0 {
				_, err = e.orders.Insert(tx, o)
			} else {
				err = e.orders.Update(tx, o)
			}
			if err != nil {
				return err
			}
			want.fk[r] = j
		default: // move the slip with Table.Update, or clear its key
			what = "move slip"
			s := linSlip{ID: linSlipKey(g)}
			want.fk[2] = -1
			if rng.IntN(3) != 0 {
				j, err := present()
				if err != nil {
					return err
				}
				k := linOwnerKey(g, int(j))
				s.OwnerID, want.fk[2] = &k, j
			}
			if err := e.slips.Update(tx, s); err != nil {
				return err
			}
		}
		post, err = e.readGroup(tx, g)
		return err
	})
	acc.committed(touched)
	ret := now()
	if err != nil {
		t.Errorf("write (%s): %v", what, err)
		return linOp{}, false
	}
	if post != want {
		t.Errorf("write (%s) in state %+v: store has %+v, model wants %+v", what, pre, post, want)
	}
	return linOp{in: linIn{kind: linWrite, group: g, pre: pre, post: post}, call: c, ret: ret}, true
}

// linIsRace reports whether the test binary was built with -race, from its
// build settings, so that sizes can shrink without a second build-tagged
// file.
func linIsRace() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

func linSeed(t testing.TB) uint64 {
	if *linSeedFlag != 0 {
		return *linSeedFlag
	}
	return rand.Uint64()
}
