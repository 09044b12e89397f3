// Package replay runs opseq operations on relstore: a memstore.Store with a
// cache.Cache and the relations accessors, the way an application uses them.
// It is shared by the model-based fuzzer (fuzz/) and the SQLite fidelity test
// (fuzz/sqlite), so that both exercise exactly the same calls.
//
// It lives beside opseq rather than in it so that opseq itself (the decoder
// and the reference model) depends on nothing but memstore's types.
package replay

import (
	"context"
	"fmt"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/internal/opseq"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// Runner holds a store and its accessors. It is not safe for concurrent use.
type Runner struct {
	Store *memstore.Store
	Cache *cache.Cache

	customers *memstore.Table[opseq.Customer, int64]
	orders    *memstore.Table[opseq.Order, int64]
	notes     *memstore.Table[opseq.Note, string]

	customer *relations.BelongsTo[opseq.Order, opseq.Customer]
	parent   *relations.BelongsTo[opseq.Order, opseq.Order]
	order    *relations.BelongsTo[opseq.Note, opseq.Order]
	reply    *relations.BelongsTo[opseq.Note, opseq.Note]
	author   *relations.BelongsTo[opseq.Note, opseq.Customer]

	snaps []*memstore.Snapshot
}

// New opens an empty store with the opseq models and a cache configured by
// cfg. Close releases the cache's goroutines.
func New(cfg cache.Config) (*Runner, error) {
	c, err := cache.New(cfg)
	if err != nil {
		return nil, err
	}
	s, err := memstore.New(memstore.Config{Models: opseq.Models(), Cache: c})
	if err != nil {
		c.Close()
		return nil, err
	}
	r := &Runner{Store: s, Cache: c}
	errs := []error{}
	must := func(err error) { errs = append(errs, err) }
	r.customers, err = memstore.TableOf[opseq.Customer, int64](s)
	must(err)
	r.orders, err = memstore.TableOf[opseq.Order, int64](s)
	must(err)
	r.notes, err = memstore.TableOf[opseq.Note, string](s)
	must(err)
	r.customer, err = relations.NewBelongsTo[opseq.Order, opseq.Customer](s, "customer")
	must(err)
	r.parent, err = relations.NewBelongsTo[opseq.Order, opseq.Order](s, "parent")
	must(err)
	r.order, err = relations.NewBelongsTo[opseq.Note, opseq.Order](s, "order")
	must(err)
	r.reply, err = relations.NewBelongsTo[opseq.Note, opseq.Note](s, "reply")
	must(err)
	r.author, err = relations.NewBelongsTo[opseq.Note, opseq.Customer](s, "author")
	must(err)
	for _, err := range errs {
		if err != nil {
			r.Close()
			return nil, err
		}
	}
	return r, nil
}

// Close closes the store and the cache.
func (r *Runner) Close() {
	r.Store.Close()
	r.Cache.Close()
}

// Dump returns the store's rows.
func (r *Runner) Dump() (d memstore.Dump, err error) {
	err = r.Store.View(context.Background(), func(tx *memstore.Tx) error {
		d, err = tx.Dump()
		return err
	})
	return d, err
}

// ctx returns the context an op runs with, and its cancel function.
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
	switch op.Kind {
	case opseq.OpSnapshot:
		sn, err := r.Store.Snapshot()
		if err == nil {
			r.snaps = append(r.snaps, sn)
		}
		return opseq.Outcome{Class: opseq.Classify(err)}
	case opseq.OpRestore:
		var sn *memstore.Snapshot
		if op.Index >= 0 && len(r.snaps) > 0 {
			sn = r.snaps[op.Index%len(r.snaps)]
		}
		return opseq.Outcome{Class: opseq.Classify(r.Store.Restore(ctx, sn))}
	case opseq.OpBad:
		return r.bad(ctx, op)
	case opseq.OpGet:
		return r.get(ctx, op)
	case opseq.OpInclude:
		return r.include(ctx, op)
	case opseq.OpSet:
		return r.set(ctx, op)
	case opseq.OpView:
		var o opseq.Outcome
		err := r.Store.View(ctx, func(tx *memstore.Tx) error {
			if op.Write {
				return tx.Insert(opseq.Order{ID: 1, CustomerID: 1})
			}
			o = r.read(tx, op.Model, op.Key)
			return nil
		})
		if err != nil {
			return opseq.Outcome{Class: opseq.Classify(err)}
		}
		return o
	case opseq.OpTx:
		return r.tx(ctx, cancel, op)
	}
	var o opseq.Outcome
	err := r.Store.Update(ctx, func(tx *memstore.Tx) error {
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
		err = r.Store.Update(ctx, func(tx *memstore.Tx) error {
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

// write runs one write (or a read, for OpView) inside tx.
func (r *Runner) write(tx *memstore.Tx, op opseq.Op) opseq.Outcome {
	switch op.Kind {
	case opseq.OpView:
		return r.read(tx, op.Model, op.Key)
	case opseq.OpInsert:
		switch row := op.Row.(type) {
		case opseq.Customer:
			return insert(tx, r.customers, row, op.Via)
		case opseq.Order:
			return insert(tx, r.orders, row, op.Via)
		case opseq.Note:
			return insert(tx, r.notes, row, op.Via)
		}
	case opseq.OpUpsert:
		switch row := op.Row.(type) {
		case opseq.Customer:
			return upsert(tx, r.customers, row)
		case opseq.Order:
			return upsert(tx, r.orders, row)
		case opseq.Note:
			return upsert(tx, r.notes, row)
		}
	case opseq.OpUpdate, opseq.OpMove:
		switch row := op.Row.(type) {
		case opseq.Customer:
			return update(tx, r.customers, row, row.ID, op.Via)
		case opseq.Order:
			return update(tx, r.orders, row, row.ID, op.Via)
		case opseq.Note:
			return update(tx, r.notes, row, row.ID, op.Via)
		}
	case opseq.OpDelete:
		switch op.Model {
		case opseq.MCustomer:
			return del(tx, r.customers, op.Key.(int64), opseq.Customer{ID: op.Key.(int64)}, op.Via)
		case opseq.MOrder:
			return del(tx, r.orders, op.Key.(int64), opseq.Order{ID: op.Key.(int64)}, op.Via)
		case opseq.MNote:
			return del(tx, r.notes, op.Key.(string), opseq.Note{ID: op.Key.(string)}, op.Via)
		}
	}
	return opseq.Outcome{Class: opseq.Other, Value: "replay: not a write: " + op.String()}
}

func insert[T any, K comparable](tx *memstore.Tx, t *memstore.Table[T, K], row T, via opseq.Via) opseq.Outcome {
	switch via {
	case 0:
		k, err := t.Insert(tx, row)
		return keyOutcome(k, err)
	case 1:
		return opseq.Outcome{Class: opseq.Classify(tx.Insert(row))}
	default:
		err := tx.Insert(&row)
		if err != nil {
			return opseq.Outcome{Class: opseq.Classify(err)}
		}
		return opseq.Outcome{Value: opseq.PK(row)}
	}
}

func upsert[T any, K comparable](tx *memstore.Tx, t *memstore.Table[T, K], row T) opseq.Outcome {
	k, err := t.Upsert(tx, row)
	return keyOutcome(k, err)
}

func keyOutcome[K comparable](k K, err error) opseq.Outcome {
	if err != nil {
		var zero K
		if k != zero {
			return opseq.Outcome{Class: opseq.Other, Value: fmt.Sprintf("a key (%v) with an error (%v)", k, err)}
		}
		return opseq.Outcome{Class: opseq.Classify(err)}
	}
	return opseq.Outcome{Value: k}
}

func update[T any, K comparable](tx *memstore.Tx, t *memstore.Table[T, K], row T, key K, via opseq.Via) opseq.Outcome {
	var err error
	switch via {
	case 0:
		err = t.Update(tx, row)
	case 1:
		err = tx.Update(row)
	default:
		err = t.UpdateKey(tx, key, row)
	}
	return opseq.Outcome{Class: opseq.Classify(err)}
}

func del[T any, K comparable](tx *memstore.Tx, t *memstore.Table[T, K], key K, row T, via opseq.Via) opseq.Outcome {
	var err error
	switch via {
	case 0:
		err = t.Delete(tx, key)
	case 1:
		err = tx.Delete(row)
	default:
		err = tx.Delete(&row)
	}
	return opseq.Outcome{Class: opseq.Classify(err)}
}

// read is Table.Get of model m's row k.
func (r *Runner) read(tx *memstore.Tx, m opseq.ModelID, k any) opseq.Outcome {
	var row any
	var err error
	switch m {
	case opseq.MCustomer:
		row, err = r.customers.Get(tx, k.(int64))
	case opseq.MOrder:
		row, err = r.orders.Get(tx, k.(int64))
	default:
		row, err = r.notes.Get(tx, k.(string))
	}
	if err != nil {
		return opseq.Outcome{Class: opseq.Classify(err)}
	}
	return opseq.Outcome{Value: row}
}
