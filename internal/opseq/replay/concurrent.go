package replay

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/relstore/relstore/internal/opseq"
	"github.com/relstore/relstore/memstore"
)

// concurrent runs an OpConcurrent: each Sub in an Update of its own on a
// goroutine of its own, released together, while one reader per store
// fetches the owner of every source row through every relation (filling the
// caches while the writers commit). The outcome's Order is the order in
// which the Update functions ran: they run under the store's writer lock,
// so for each store that is the order of its commits (stores are
// independent, so any interleaving of theirs is a valid serial order).
//
// The readers' results depend on timing and are not compared; a reader
// that gets anything but an owner, no owner or ErrNotFound (its source may
// be gone or repointed) makes the outcome Other. The harness then checks
// that no cache serves a stale owner.
func (r *Runner) concurrent(op opseq.Op) opseq.Outcome {
	ctx := context.Background()
	var (
		mu    sync.Mutex
		order []int
		bad   []string
	)
	note := func(format string, args ...any) {
		mu.Lock()
		bad = append(bad, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	subs := make([]opseq.Outcome, len(op.Sub))
	start, stop := make(chan struct{}), make(chan struct{})
	var writers, readers sync.WaitGroup
	for i, sub := range op.Sub {
		writers.Add(1)
		go func() {
			defer writers.Done()
			defer func() {
				if p := recover(); p != nil {
					subs[i] = opseq.Outcome{Class: opseq.Panic, Value: fmt.Sprint("unexpected panic: ", p)}
				}
			}()
			<-start
			subs[i] = r.update(ctx, sub, func() {
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
			})
		}()
	}
	for store := range r.Stores {
		srcs, err := r.sources(store)
		if err != nil {
			note("store %d: sources: %v", store, err)
			continue
		}
		readers.Add(1)
		go func() {
			defer readers.Done()
			defer func() {
				if p := recover(); p != nil {
					note("store %d: a reader panicked: %v", store, p)
				}
			}()
			<-start
			h := r.own(store)
			for pass := 0; ; pass++ {
				for rel, rs := range srcs {
					for _, src := range rs {
						if o := h.rels[rel].get(ctx, src, nil, opseq.Via(pass%2)); o.Class != opseq.OK && o.Class != opseq.NotFound {
							note("store %d: %s of %s: %v", store, r.Schema.RelName(opseq.Rel(rel)), opseq.FormatRow(src), o)
						}
					}
				}
				select {
				case <-stop:
					return
				default:
					runtime.Gosched()
				}
			}
		}()
	}
	close(start)
	writers.Wait()
	close(stop)
	readers.Wait()
	out := opseq.Outcome{Sub: subs, Order: order}
	if len(order) != len(op.Sub) {
		// A writer whose function never ran: the model cannot replay it.
		note("only %v of the %d writers ran", order, len(op.Sub))
	}
	if bad != nil {
		slices.Sort(bad)
		out = opseq.Outcome{Class: opseq.Other, Value: fmt.Sprint(bad), Sub: subs, Order: order}
	}
	return out
}

// sources returns, for each relation, the source rows stored in store.
func (r *Runner) sources(store int) ([][]any, error) {
	out := make([][]any, len(r.Schema.Rels))
	err := r.Stores[store].View(context.Background(), func(tx *memstore.Tx) error {
		for i, spec := range r.Schema.Rels {
			rows, err := tx.Rows(r.Schema.Models[spec.Source].Name)
			if err != nil {
				return err
			}
			out[i] = rows
		}
		return nil
	})
	return out, err
}
