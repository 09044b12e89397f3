package relations_test

import (
	"context"
	"errors"
	"testing"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// linHookCtx is a context whose Err runs fn on its at-th call: the seam for
// running a write at a chosen point inside an accessor. Get and Include
// call Err once to check the context and once more in Store.View, after
// they took their cache tokens and before View loads the snapshot, so at=2
// puts fn between "take the token" and "read the store".
type linHookCtx struct {
	context.Context
	at, calls int
	fn        func()
	fired     bool
}

func (c *linHookCtx) Err() error {
	c.calls++
	if c.calls == c.at && !c.fired {
		c.fired = true
		c.fn()
	}
	return c.Context.Err()
}

// TestInterleavingsAccessors drives the real store, cache and accessors
// through the orders of events that break cache-aside, one at a time and
// deterministically, and checks that no accessor returns an owner a
// committed write has replaced or deleted, one from a rolled-back
// transaction, or one from before a Restore.
func TestInterleavingsAccessors(t *testing.T) {
	ctx := context.Background()
	const g = 0
	ownerKey := linOwnerKey(g, 0)
	order := linOrder{ID: linRowKey(g, 0), OwnerID: ownerKey} // owner 0 at version 1
	type env struct {
		*linEnv
		t        *testing.T
		canCache bool
	}
	setVersion := func(e env, key, v int64) {
		e.t.Helper()
		err := e.store.Update(ctx, func(tx *memstore.Tx) error { return e.owners.Update(tx, linOwner{ID: key, Version: v}) })
		if err != nil {
			e.t.Fatal(err)
		}
	}
	// fill gets the owner and waits until ristretto applied the Set.
	fill := func(e env, o linOrder) {
		e.t.Helper()
		if _, _, err := e.orderOwner.Get(ctx, o); err != nil {
			e.t.Fatal(err)
		}
		e.cache.Wait()
	}
	// staleSet is a slow reader's Set: a token, then the store read, then
	// (after whatever write runs in between) the Set of what it read.
	staleSet := func(e env, key int64, between func()) {
		e.t.Helper()
		k, _, err := e.rel.AppendKey(nil, &linOwner{ID: key})
		if err != nil {
			e.t.Fatal(err)
		}
		tok := e.cache.Token(e.store.KeyHash(e.rel.Space(), k))
		var old linOwner
		err = e.store.View(ctx, func(tx *memstore.Tx) error {
			old, err = e.rel.Owner(tx, k)
			return err
		})
		if err != nil {
			e.t.Fatal(err)
		}
		between()
		e.cache.Set(tok, e.rel.Space(), k, old, 64)
		e.cache.Wait()
	}
	// expect checks Get and Cached against the store's current owner (ok
	// false: deleted), and that Cached hits when wantHit.
	expect := func(e env, o linOrder, want linOwner, ok bool, wantHit bool) {
		e.t.Helper()
		got, _, err := e.orderOwner.Get(ctx, o)
		switch {
		case !ok && !errors.Is(err, memstore.ErrNotFound):
			e.t.Errorf("Get(owner %d) = %+v, %v; want ErrNotFound", o.OwnerID, got, err)
		case ok && (err != nil || got != want):
			e.t.Errorf("Get(owner %d) = %+v, %v; want %+v", o.OwnerID, got, err, want)
		}
		c, st := e.orderOwner.Cached(o)
		switch {
		case st == relations.Found && (!ok || c != want):
			e.t.Errorf("Cached(owner %d) = %+v (stale), want %+v or not cached", o.OwnerID, c, want)
		case wantHit && e.canCache && st != relations.Found:
			e.t.Errorf("Cached(owner %d) = %v, want found", o.OwnerID, st)
		}
	}
	tests := []struct {
		name string
		run  func(e env)
	}{{
		name: "slow reader sets after invalidation",
		run: func(e env) {
			fill(e, order)
			staleSet(e, ownerKey, func() { setVersion(e, ownerKey, 2) })
			expect(e, order, linOwner{ID: ownerKey, Version: 2}, true, false)
			fill(e, order)
			expect(e, order, linOwner{ID: ownerKey, Version: 2}, true, true)
		},
	}, {
		name: "slow reader's set queued before the commit, applied after",
		run: func(e env) {
			k, _, _ := e.rel.AppendKey(nil, &linOwner{ID: ownerKey})
			tok := e.cache.Token(e.store.KeyHash(e.rel.Space(), k))
			e.cache.Set(tok, e.rel.Space(), k, linOwner{ID: ownerKey, Version: 1}, 64) // not applied yet
			setVersion(e, ownerKey, 2)
			e.cache.Wait()
			expect(e, order, linOwner{ID: ownerKey, Version: 2}, true, false)
		},
	}, {
		name: "commit between a reader's token and its store read",
		run: func(e env) {
			before := e.cache.Metrics().StaleSets
			hc := &linHookCtx{Context: ctx, at: 2, fn: func() { setVersion(e, ownerKey, 2) }}
			got, _, err := e.orderOwner.Get(hc, order)
			if !hc.fired || err != nil || got.Version != 2 {
				e.t.Fatalf("Get with a commit inside = %+v, %v (hook fired %v); want version 2", got, err, hc.fired)
			}
			// The Set under the old token was refused: it reached the cache
			// after the commit had moved the stripe.
			if e.canCache && e.cache.Metrics().StaleSets == before {
				e.t.Errorf("StaleSets did not move: the Set under the pre-commit token was accepted")
			}
			e.cache.Wait()
			expect(e, order, linOwner{ID: ownerKey, Version: 2}, true, false)
		},
	}, {
		name: "cascade delete between a reader's read and its set",
		run: func(e env) {
			fill(e, order)
			staleSet(e, ownerKey, func() {
				err := e.store.Update(ctx, func(tx *memstore.Tx) error { return e.owners.Delete(tx, ownerKey) })
				if err != nil {
					e.t.Fatal(err)
				}
			})
			expect(e, order, linOwner{}, false, false)
		},
	}, {
		name: "setNull delete, then re-insert of the same key",
		run: func(e env) {
			slipKey := linOwnerKey(g, 2)
			slipOrder := linOrder{ID: 1 << 40, OwnerID: slipKey} // a stale copy pointing at the slip's owner
			fill(e, slipOrder)
			staleSet(e, slipKey, func() {
				err := e.store.Update(ctx, func(tx *memstore.Tx) error { return e.owners.Delete(tx, slipKey) })
				if err != nil {
					e.t.Fatal(err)
				}
			})
			expect(e, slipOrder, linOwner{}, false, false)
			if _, ok, err := e.slipOwner.Get(ctx, linSlip{ID: linSlipKey(g)}); ok || err != nil {
				e.t.Errorf("slip's owner after setNull: ok %v, err %v; want no owner", ok, err)
			}
			err := e.store.Update(ctx, func(tx *memstore.Tx) error {
				_, err := e.owners.Insert(tx, linOwner{ID: slipKey, Version: 3})
				return err
			})
			if err != nil {
				e.t.Fatal(err)
			}
			expect(e, slipOrder, linOwner{ID: slipKey, Version: 3}, true, false)
		},
	}, {
		name: "rolled-back write between token and set keeps the entry and is never seen",
		run: func(e env) {
			hc := &linHookCtx{Context: ctx, at: 2, fn: func() {
				err := e.store.Update(ctx, func(tx *memstore.Tx) error {
					if err := e.owners.Update(tx, linOwner{ID: ownerKey, Version: 99}); err != nil {
						return err
					}
					return errLinRollback
				})
				if !errors.Is(err, errLinRollback) {
					e.t.Fatalf("rolled-back Update = %v", err)
				}
			}}
			got, _, err := e.orderOwner.Get(hc, order)
			if !hc.fired || err != nil || got.Version != 1 {
				e.t.Fatalf("Get with a rollback inside = %+v, %v (hook fired %v); want version 1", got, err, hc.fired)
			}
			e.cache.Wait()
			// A rollback tells the cache nothing: the Set was accepted and hits.
			expect(e, order, linOwner{ID: ownerKey, Version: 1}, true, true)
		},
	}, {
		name: "restore between a reader's token and its store read",
		run: func(e env) {
			snap, err := e.store.Snapshot() // version 1
			if err != nil {
				e.t.Fatal(err)
			}
			setVersion(e, ownerKey, 2)
			before := e.cache.Metrics().StaleSets
			hc := &linHookCtx{Context: ctx, at: 2, fn: func() {
				if err := e.store.Restore(ctx, snap); err != nil {
					e.t.Fatal(err)
				}
			}}
			got, _, err := e.orderOwner.Get(hc, order)
			if !hc.fired || err != nil || got.Version != 1 {
				e.t.Fatalf("Get with a Restore inside = %+v, %v (hook fired %v); want version 1", got, err, hc.fired)
			}
			if e.canCache && e.cache.Metrics().StaleSets == before {
				e.t.Errorf("StaleSets did not move: the Set under the pre-Restore token was accepted")
			}
			e.cache.Wait()
			expect(e, order, linOwner{ID: ownerKey, Version: 1}, true, false)
		},
	}, {
		name: "restore between a reader's read and its set",
		run: func(e env) {
			snap, err := e.store.Snapshot() // version 1
			if err != nil {
				e.t.Fatal(err)
			}
			setVersion(e, ownerKey, 2)
			staleSet(e, ownerKey, func() {
				if err := e.store.Restore(ctx, snap); err != nil {
					e.t.Fatal(err)
				}
			})
			expect(e, order, linOwner{ID: ownerKey, Version: 1}, true, false)
		},
	}, {
		name: "include re-validates its hits after a commit that changes a hit and a miss",
		run: func(e env) {
			hitKey, missKey := linOwnerKey(g, 0), linOwnerKey(g, 1)
			fill(e, linOrder{ID: 1, OwnerID: hitKey})
			srcs := []linOrder{{ID: 1, OwnerID: hitKey}, {ID: 2, OwnerID: missKey}}
			// Include takes both tokens, hits hitKey, misses missKey, and
			// then opens a View; the commit runs before the snapshot. The
			// miss is read after the commit (version 2), so the hit must be
			// re-read too: {1, 2} is no state the store was ever in.
			hc := &linHookCtx{Context: ctx, at: 2, fn: func() {
				err := e.store.Update(ctx, func(tx *memstore.Tx) error {
					for _, k := range []int64{hitKey, missKey} {
						if err := e.owners.Update(tx, linOwner{ID: k, Version: 2}); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					e.t.Fatal(err)
				}
			}}
			owners, err := e.orderOwner.Include(hc, srcs)
			if !hc.fired || err != nil {
				e.t.Fatalf("Include = %v (hook fired %v)", err, hc.fired)
			}
			if owners[0].Version != owners[1].Version {
				e.t.Errorf("Include = versions %d and %d: not one instant of the store", owners[0].Version, owners[1].Version)
			}
		},
	}}
	for _, cfg := range []struct {
		name string
		cfg  cache.Config
	}{
		{"default config", cache.Config{}},
		{"every set dropped", cache.Config{MaxCost: 1}},
		{"one stripe for every key", cache.Config{Stripes: 1}},
	} {
		for _, tt := range tests {
			t.Run(cfg.name+"/"+tt.name, func(t *testing.T) {
				tt.run(env{linEnv: newLinEnv(t, &cfg.cfg, 2), t: t, canCache: cfg.cfg.MaxCost != 1})
			})
		}
	}
}
