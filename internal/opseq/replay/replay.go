// Package replay runs opseq operations on relstore: memstore.Stores, each
// with a cache.Cache, and the relations accessors, the way an application
// uses them. It is shared by the model-based fuzzers (fuzz/) and the SQLite
// fidelity test (fuzz/sqlite), so that both exercise exactly the same calls.
//
// It lives beside opseq rather than in it so that opseq itself (the decoder
// and the reference model) depends on nothing but memstore's types.
package replay

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/internal/opseq"
	"github.com/relstore/relstore/memstore"
)

// Runner holds the stores of a schema and their handle sets. It is not safe
// for concurrent use (OpConcurrent runs its own goroutines).
type Runner struct {
	Schema *opseq.Schema
	Stores []*memstore.Store
	Caches []*cache.Cache

	sets  []handles // Schema.HandleSets(): the tables and accessors of one store
	snaps [][]*memstore.Snapshot
}

// handles are the typed tables and accessors made from one store, aligned
// with Schema.Models and Schema.Rels.
type handles struct {
	tables []table
	rels   []rel
}

// New opens the stores of schema s, each with a cache configured by cfg,
// and makes the handle sets. Close releases them.
func New(s *opseq.Schema, cfg cache.Config) (*Runner, error) {
	b, err := bindingOf(s)
	if err != nil {
		return nil, err
	}
	r := &Runner{Schema: s, snaps: make([][]*memstore.Snapshot, s.NumStores())}
	for range s.NumStores() {
		c, err := cache.New(cfg)
		if err != nil {
			r.Close()
			return nil, err
		}
		st, err := memstore.New(memstore.Config{Models: s.MemstoreModels(), Cache: c})
		if err != nil {
			c.Close()
			r.Close()
			return nil, err
		}
		r.Stores, r.Caches = append(r.Stores, st), append(r.Caches, c)
	}
	for _, store := range s.HandleSets() {
		var h handles
		var errs []error
		for _, mk := range b.tables {
			t, err := mk(r.Stores[store])
			h.tables, errs = append(h.tables, t), append(errs, err)
		}
		for i, mk := range b.rels {
			rl, err := mk(r.Stores[store], s.Rels[i].Name)
			h.rels, errs = append(h.rels, rl), append(errs, err)
		}
		if err := errors.Join(errs...); err != nil {
			r.Close()
			return nil, fmt.Errorf("replay: schema %s: %w", s.Name, err)
		}
		r.sets = append(r.sets, h)
	}
	return r, nil
}

// Close closes the stores and the caches.
func (r *Runner) Close() {
	for _, s := range r.Stores {
		s.Close()
	}
	for _, c := range r.Caches {
		c.Close()
	}
}

// Dump returns the rows of store.
func (r *Runner) Dump(store int) (d memstore.Dump, err error) {
	err = r.Stores[store].View(context.Background(), func(tx *memstore.Tx) error {
		d, err = tx.Dump()
		return err
	})
	return d, err
}

// ctxFor returns the context an op runs with, and its cancel function.
func ctxFor(op opseq.Op) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	if op.Cancel {
		cancel()
	}
	return ctx, cancel
}

// Run runs a resolved op (see opseq.Model.Resolve) and reports its outcome.
// A panic of the store is reported as opseq.Panic with the panic value.
func (r *Runner) Run(op opseq.Op) (out opseq.Outcome) {
	ctx, cancel := ctxFor(op)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			if op.Kind != opseq.OpTx || op.End != opseq.EndPanic || p != errPanic {
				out.Value = fmt.Sprint("unexpected panic: ", p)
			}
			out.Class = opseq.Panic
		}
	}()
	store := r.Stores[op.Store]
	h := &r.sets[op.Handles]
	switch op.Kind {
	case opseq.OpSnapshot:
		sn, err := store.Snapshot()
		if err == nil {
			r.snaps[op.Store] = append(r.snaps[op.Store], sn)
		}
		return opseq.Outcome{Class: opseq.Classify(err)}
	case opseq.OpRestore:
		var sn *memstore.Snapshot
		if snaps := r.snaps[op.Store]; op.Index >= 0 && len(snaps) > 0 {
			sn = snaps[op.Index%len(snaps)]
		}
		return opseq.Outcome{Class: opseq.Classify(store.Restore(ctx, sn))}
	case opseq.OpBad:
		return r.bad(ctx, op)
	case opseq.OpGet:
		return h.rels[op.Rel].get(ctx, op.Src, op.Key, op.Via)
	case opseq.OpInclude:
		return h.rels[op.Rel].include(ctx, op.Srcs)
	case opseq.OpSet:
		return h.rels[op.Rel].set(ctx, op.Src, op.Owner)
	case opseq.OpView:
		var o opseq.Outcome
		err := store.View(ctx, func(tx *memstore.Tx) error {
			if op.Write {
				return tx.Insert(r.Schema.Blank(op.Model, nil))
			}
			o = h.tables[op.Model].get(tx, op.Key)
			return nil
		})
		if err != nil {
			return opseq.Outcome{Class: opseq.Classify(err)}
		}
		return o
	case opseq.OpTx:
		return r.tx(ctx, cancel, op)
	case opseq.OpConcurrent:
		return r.concurrent(op)
	}
	return r.update(ctx, op, nil)
}

// update runs one write in an Update of its own; started, if not nil, is
// called first inside the Update function, under the writer lock.
func (r *Runner) update(ctx context.Context, op opseq.Op, started func()) opseq.Outcome {
	var o opseq.Outcome
	err := r.Stores[op.Store].Update(ctx, func(tx *memstore.Tx) error {
		if started != nil {
			started()
		}
		o = r.write(tx, op)
		if o.Class != opseq.OK {
			return fmt.Errorf("%s: %w", op.Kind, errClass{o.Class})
		}
		return nil
	})
	if c := opseq.Classify(err); c != opseq.OK && o.Class == opseq.OK {
		o = opseq.Outcome{Class: c}
	}
	return o
}

// errClass carries an outcome's class out of an Update function, so that
// Update's own error (a cancelled context) is told apart from the op's.
type errClass struct{ c opseq.Class }

func (e errClass) Error() string { return e.c.String() }

var errPanic = fmt.Errorf("opseq: the transaction function panics")

// tx runs an OpTx: one Update running every Sub, then ending as op.End says.
func (r *Runner) tx(ctx context.Context, cancel context.CancelFunc, op opseq.Op) opseq.Outcome {
	var subs []opseq.Outcome
	var err error
	func() {
		defer func() {
			if p := recover(); p != nil {
				if p != errPanic {
					panic(p)
				}
				err = errPanic
			}
		}()
		err = r.Stores[op.Store].Update(ctx, func(tx *memstore.Tx) error {
			subs = make([]opseq.Outcome, len(op.Sub))
			for i, s := range op.Sub {
				subs[i] = r.write(tx, s)
			}
			switch op.End {
			case opseq.EndError:
				return opseq.ErrUser
			case opseq.EndPanic:
				panic(errPanic)
			case opseq.EndCancel:
				cancel()
			}
			return nil
		})
	}()
	c := opseq.Classify(err)
	if err == errPanic {
		c = opseq.Panic
	}
	return opseq.Outcome{Class: c, Sub: subs}
}

// write runs one write (or a read, for OpView) inside tx, with the tables
// of the op's handle set.
func (r *Runner) write(tx *memstore.Tx, op opseq.Op) opseq.Outcome {
	s := r.Schema
	tables := r.sets[op.Handles].tables
	switch op.Kind {
	case opseq.OpView:
		return tables[op.Model].get(tx, op.Key)
	case opseq.OpInsert:
		m := s.ModelOf(op.Row)
		o := tables[m].insert(tx, op.Row, op.Via)
		if w, ok := o.Value.(written); ok {
			o.Value = s.PK(w.row)
		}
		return o
	case opseq.OpUpsert:
		return tables[s.ModelOf(op.Row)].upsert(tx, op.Row)
	case opseq.OpUpdate, opseq.OpMove:
		m := s.ModelOf(op.Row)
		key := op.Key // a keyless model's RowID
		if !s.Models[m].Keyless() {
			key = s.PK(op.Row)
		}
		return tables[m].update(tx, op.Row, key, op.Via)
	case opseq.OpDelete:
		return tables[op.Model].del(tx, op.Key, s.Blank(op.Model, op.Key), op.Via)
	}
	return opseq.Outcome{Class: opseq.Other, Value: "replay: not a write: " + op.Format(s)}
}

// bad runs OpBad.
func (r *Runner) bad(ctx context.Context, op opseq.Op) opseq.Outcome {
	var err error
	s, store, h := r.Schema, r.Stores[op.Store], &r.sets[op.Handles]
	inUpdate := func(fn func(tx *memstore.Tx) error) error { return store.Update(ctx, fn) }
	// A typed nil of the schema's second model (Shop's Order).
	typedNil := reflect.Zero(reflect.PointerTo(s.Models[min(1, len(s.Models)-1)].Type)).Interface()
	switch op.Bad {
	case opseq.BadInsertNil:
		err = inUpdate(func(tx *memstore.Tx) error { return tx.Insert(nil) })
	case opseq.BadInsertTypedNil:
		err = inUpdate(func(tx *memstore.Tx) error { return tx.Insert(typedNil) })
	case opseq.BadInsertUnregistered:
		err = inUpdate(func(tx *memstore.Tx) error { return tx.Insert(opseq.Unregistered{ID: 1}) })
	case opseq.BadUpdateUnregistered:
		err = inUpdate(func(tx *memstore.Tx) error { return tx.Update(&opseq.Unregistered{ID: 1}) })
	case opseq.BadDeleteNil:
		err = inUpdate(func(tx *memstore.Tx) error { return tx.Delete(nil) })
	case opseq.BadSetNilSource:
		err = h.rels[0].setNilSource(ctx)
	case opseq.BadNilFunc:
		err = store.Update(ctx, nil)
	case opseq.BadNilContext:
		var nilCtx context.Context // a nil context is the bad input
		err = store.Update(nilCtx, func(*memstore.Tx) error { return nil })
	case opseq.BadTableKeyType:
		err = h.tables[min(1, len(h.tables)-1)].wrongKey(store)
	case opseq.BadNested:
		err = inUpdate(func(*memstore.Tx) error {
			return store.Update(ctx, func(*memstore.Tx) error { return nil })
		})
	}
	return opseq.Outcome{Class: opseq.Classify(err)}
}
