package replay

import (
	"context"
	"iter"

	"github.com/relstore/relstore/internal/opseq"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// get runs OpGet: BelongsTo.Get, Fetch then Wait, or ByKey.
func (r *Runner) get(ctx context.Context, op opseq.Op) opseq.Outcome {
	switch op.Rel {
	case opseq.RelCustomer:
		return get(ctx, r.customer, op)
	case opseq.RelParent:
		return get(ctx, r.parent, op)
	case opseq.RelOrder:
		return get(ctx, r.order, op)
	case opseq.RelReply:
		return get(ctx, r.reply, op)
	default:
		return get(ctx, r.author, op)
	}
}

func get[S, T any](ctx context.Context, b *relations.BelongsTo[S, T], op opseq.Op) opseq.Outcome {
	var owner T
	var ok bool
	var err error
	switch op.Via {
	case 0:
		owner, ok, err = b.Get(ctx, op.Src.(S))
	case 1:
		owner, ok, err = b.Fetch(ctx, op.Src.(S)).Wait(context.Background())
	default:
		owner, ok, err = b.ByKey(ctx, op.Key)
	}
	if err != nil {
		return opseq.Outcome{Class: opseq.Classify(err)}
	}
	if !ok {
		return opseq.Outcome{}
	}
	return opseq.Outcome{Value: owner}
}

// include runs OpInclude.
func (r *Runner) include(ctx context.Context, op opseq.Op) opseq.Outcome {
	switch op.Rel {
	case opseq.RelCustomer:
		return include(ctx, r.customer, op.Srcs)
	case opseq.RelParent:
		return include(ctx, r.parent, op.Srcs)
	case opseq.RelOrder:
		return include(ctx, r.order, op.Srcs)
	case opseq.RelReply:
		return include(ctx, r.reply, op.Srcs)
	default:
		return include(ctx, r.author, op.Srcs)
	}
}

func include[S, T any](ctx context.Context, b *relations.BelongsTo[S, T], srcs []any) opseq.Outcome {
	in := make([]S, len(srcs))
	for i, s := range srcs {
		in[i] = s.(S)
	}
	owners, err := b.Include(ctx, in)
	if err != nil {
		return opseq.Outcome{Class: opseq.Classify(err)}
	}
	out := make([]any, len(owners))
	for i, o := range owners {
		if o != nil {
			out[i] = *o
		}
	}
	return opseq.Outcome{Value: out}
}

// set runs OpSet: BelongsTo.Set.
func (r *Runner) set(ctx context.Context, op opseq.Op) opseq.Outcome {
	switch op.Rel {
	case opseq.RelCustomer:
		return set(ctx, r.customer, op)
	case opseq.RelParent:
		return set(ctx, r.parent, op)
	case opseq.RelOrder:
		return set(ctx, r.order, op)
	case opseq.RelReply:
		return set(ctx, r.reply, op)
	default:
		return set(ctx, r.author, op)
	}
}

func set[S, T any](ctx context.Context, b *relations.BelongsTo[S, T], op opseq.Op) opseq.Outcome {
	src := op.Src.(S)
	var owner *T
	if op.Owner != nil {
		o := op.Owner.(T)
		owner = &o
	}
	return opseq.Outcome{Class: opseq.Classify(b.Set(ctx, &src, owner))}
}

// bad runs OpBad.
func (r *Runner) bad(ctx context.Context, op opseq.Op) opseq.Outcome {
	var err error
	inUpdate := func(fn func(tx *memstore.Tx) error) error { return r.Store.Update(ctx, fn) }
	switch op.Bad {
	case opseq.BadInsertNil:
		err = inUpdate(func(tx *memstore.Tx) error { return tx.Insert(nil) })
	case opseq.BadInsertTypedNil:
		err = inUpdate(func(tx *memstore.Tx) error { return tx.Insert((*opseq.Order)(nil)) })
	case opseq.BadInsertUnregistered:
		err = inUpdate(func(tx *memstore.Tx) error { return tx.Insert(opseq.Unregistered{ID: 1}) })
	case opseq.BadUpdateUnregistered:
		err = inUpdate(func(tx *memstore.Tx) error { return tx.Update(&opseq.Unregistered{ID: 1}) })
	case opseq.BadDeleteNil:
		err = inUpdate(func(tx *memstore.Tx) error { return tx.Delete(nil) })
	case opseq.BadSetNilSource:
		err = r.customer.Set(ctx, nil, &opseq.Customer{ID: 1})
	case opseq.BadNilFunc:
		err = r.Store.Update(ctx, nil)
	case opseq.BadNilContext:
		var nilCtx context.Context // a nil context is the bad input
		err = r.Store.Update(nilCtx, func(*memstore.Tx) error { return nil })
	case opseq.BadTableKeyType:
		_, err = memstore.TableOf[opseq.Order, string](r.Store)
	case opseq.BadNested:
		err = inUpdate(func(*memstore.Tx) error {
			return r.Store.Update(ctx, func(*memstore.Tx) error { return nil })
		})
	}
	return opseq.Outcome{Class: opseq.Classify(err)}
}

// Cached returns what BelongsTo.Cached says about a source row of
// relation rel: the owner (when Found) and the status.
func (r *Runner) Cached(rel opseq.Rel, src any) (any, relations.Status) {
	switch rel {
	case opseq.RelCustomer:
		return cached(r.customer, src)
	case opseq.RelParent:
		return cached(r.parent, src)
	case opseq.RelOrder:
		return cached(r.order, src)
	case opseq.RelReply:
		return cached(r.reply, src)
	default:
		return cached(r.author, src)
	}
}

func cached[S, T any](b *relations.BelongsTo[S, T], src any) (any, relations.Status) {
	o, st := b.Cached(src.(S))
	if st != relations.Found {
		return nil, st
	}
	return o, st
}

// Children returns the source rows of relation rel whose foreign key is v,
// through the foreign key's index (Table.ByFK), in primary key order.
func (r *Runner) Children(rel opseq.Rel, v any) ([]any, error) {
	var out []any
	err := r.Store.View(context.Background(), func(tx *memstore.Tx) error {
		var err error
		switch opseq.Rels[rel].Source {
		case opseq.MOrder:
			out, err = collect(r.orders.ByFK(tx, opseq.Rels[rel].Name, v))
		default:
			out, err = collect(r.notes.ByFK(tx, opseq.Rels[rel].Name, v))
		}
		return err
	})
	return out, err
}

// Counts returns Table.Count and the length of Table.Scan of model m.
func (r *Runner) Counts(m opseq.ModelID) (count, scanned int, err error) {
	err = r.Store.View(context.Background(), func(tx *memstore.Tx) error {
		var rows []any
		switch m {
		case opseq.MCustomer:
			if count, err = r.customers.Count(tx); err == nil {
				rows, err = collect(r.customers.Scan(tx))
			}
		case opseq.MOrder:
			if count, err = r.orders.Count(tx); err == nil {
				rows, err = collect(r.orders.Scan(tx))
			}
		default:
			if count, err = r.notes.Count(tx); err == nil {
				rows, err = collect(r.notes.Scan(tx))
			}
		}
		scanned = len(rows)
		return err
	})
	return count, scanned, err
}

// CustomerByEmail returns Table.Lookup(tx, "Email", email): the unique index.
func (r *Runner) CustomerByEmail(email string) (opseq.Customer, error) {
	var c opseq.Customer
	err := r.Store.View(context.Background(), func(tx *memstore.Tx) (err error) {
		c, err = r.customers.Lookup(tx, "Email", email)
		return err
	})
	return c, err
}

func collect[K comparable, T any](seq iter.Seq2[K, T], err error) ([]any, error) {
	if err != nil {
		return nil, err
	}
	var out []any
	for _, v := range seq {
		out = append(out, v)
	}
	return out, nil
}
