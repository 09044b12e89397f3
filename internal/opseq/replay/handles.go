package replay

import (
	"context"
	"fmt"
	"iter"

	"github.com/relstore/relstore/internal/opseq"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// binding lists the Go types of a schema's models and relations, aligned
// with Schema.Models and Schema.Rels: the generic handles need them
// statically, and this is the one place that names them. A binding that
// does not match its schema fails New (TableOf and NewBelongsTo check the
// types and the relation names).
type binding struct {
	tables []func(s *memstore.Store) (table, error)
	rels   []func(s *memstore.Store, name string) (rel, error)
}

func bindingOf(s *opseq.Schema) (binding, error) {
	switch s.Name {
	case opseq.Shop.Name:
		return binding{
			tables: []func(*memstore.Store) (table, error){
				newTable[opseq.Customer, int64], newTable[opseq.Order, int64], newTable[opseq.Note, string],
			},
			rels: []func(*memstore.Store, string) (rel, error){
				newRel[opseq.Order, opseq.Customer], newRel[opseq.Order, opseq.Order], newRel[opseq.Note, opseq.Order],
				newRel[opseq.Note, opseq.Note], newRel[opseq.Note, opseq.Customer],
			},
		}, nil
	case opseq.Seats.Name:
		return binding{
			tables: []func(*memstore.Store) (table, error){
				newTable[opseq.Acct, int64], newTable[opseq.Seat, int64], newTable[opseq.Badge, int64],
				newTable[opseq.Tag, memstore.RowID], newTable[opseq.Pin, string],
			},
			rels: []func(*memstore.Store, string) (rel, error){
				newRel[opseq.Seat, opseq.Acct], newRel[opseq.Badge, opseq.Seat], newRel[opseq.Pin, opseq.Tag],
				newRel[opseq.Pin, opseq.Tag], newRel[opseq.Pin, opseq.Seat], newRel[opseq.Pin, opseq.Pin],
			},
		}, nil
	case opseq.Links.Name:
		return binding{
			tables: []func(*memstore.Store) (table, error){
				newTable[opseq.LDoc, int64], newTable[opseq.LPat, int64], newTable[opseq.LVisit, int64],
				newTable[opseq.LPic, int64],
			},
			rels: []func(*memstore.Store, string) (rel, error){
				newRel[opseq.LVisit, opseq.LDoc], newRel[opseq.LVisit, opseq.LPat], newRel[opseq.LPic, opseq.LDoc],
			},
		}, nil
	}
	return binding{}, fmt.Errorf("replay: no binding for schema %q", s.Name)
}

// written is the row Tx.Insert(&v) wrote its key back into.
type written struct{ row any }

// table is a memstore.Table with rows and keys as any.
type table interface {
	insert(tx *memstore.Tx, row any, via opseq.Via) opseq.Outcome
	upsert(tx *memstore.Tx, row any) opseq.Outcome
	update(tx *memstore.Tx, row, key any, via opseq.Via) opseq.Outcome
	del(tx *memstore.Tx, key, row any, via opseq.Via) opseq.Outcome
	get(tx *memstore.Tx, key any) opseq.Outcome
	byFK(tx *memstore.Tx, relation string, v any) ([]any, error)
	count(tx *memstore.Tx) (int, error)
	scan(tx *memstore.Tx) (keys, rows []any, err error)
	lookup(tx *memstore.Tx, field string, v any) (any, error)
	// wrongKey is TableOf with the other key type: a bad input.
	wrongKey(s *memstore.Store) error
}

type tableOf[T any, K comparable] struct {
	t       *memstore.Table[T, K]
	keyless bool
}

func newTable[T any, K comparable](s *memstore.Store) (table, error) {
	t, err := memstore.TableOf[T, K](s)
	if err != nil {
		return nil, err
	}
	_, keyless := any(*new(K)).(memstore.RowID)
	return &tableOf[T, K]{t: t, keyless: keyless}, nil
}

func (t *tableOf[T, K]) insert(tx *memstore.Tx, row any, via opseq.Via) opseq.Outcome {
	v := row.(T)
	switch via {
	case 0:
		k, err := t.t.Insert(tx, v)
		return keyOutcome(k, err)
	case 1:
		return opseq.Outcome{Class: opseq.Classify(tx.Insert(v))}
	default:
		err := tx.Insert(&v)
		if err != nil {
			return opseq.Outcome{Class: opseq.Classify(err)}
		}
		if t.keyless {
			return opseq.Outcome{} // no key field to write the RowID back to
		}
		return opseq.Outcome{Value: written{v}} // the runner reads the key Insert wrote back
	}
}

func (t *tableOf[T, K]) upsert(tx *memstore.Tx, row any) opseq.Outcome {
	k, err := t.t.Upsert(tx, row.(T))
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

func (t *tableOf[T, K]) update(tx *memstore.Tx, row, key any, via opseq.Via) opseq.Outcome {
	var err error
	switch via {
	case 0:
		err = t.t.Update(tx, row.(T))
	case 1:
		err = tx.Update(row.(T))
	default:
		k, _ := key.(K)
		err = t.t.UpdateKey(tx, k, row.(T))
	}
	return opseq.Outcome{Class: opseq.Classify(err)}
}

func (t *tableOf[T, K]) del(tx *memstore.Tx, key, row any, via opseq.Via) opseq.Outcome {
	var err error
	switch via {
	case 0:
		err = t.t.Delete(tx, key.(K))
	case 1:
		err = tx.Delete(row.(T))
	default:
		v := row.(T)
		err = tx.Delete(&v)
	}
	return opseq.Outcome{Class: opseq.Classify(err)}
}

func (t *tableOf[T, K]) get(tx *memstore.Tx, key any) opseq.Outcome {
	row, err := t.t.Get(tx, key.(K))
	if err != nil {
		return opseq.Outcome{Class: opseq.Classify(err)}
	}
	return opseq.Outcome{Value: row}
}

func (t *tableOf[T, K]) byFK(tx *memstore.Tx, relation string, v any) ([]any, error) {
	seq, err := t.t.ByFK(tx, relation, v)
	_, rows, err := collect(seq, err)
	return rows, err
}

func (t *tableOf[T, K]) count(tx *memstore.Tx) (int, error) { return t.t.Count(tx) }

func (t *tableOf[T, K]) scan(tx *memstore.Tx) (keys, rows []any, err error) {
	return collect(t.t.Scan(tx))
}

func (t *tableOf[T, K]) lookup(tx *memstore.Tx, field string, v any) (any, error) {
	return t.t.Lookup(tx, field, v)
}

func (t *tableOf[T, K]) wrongKey(s *memstore.Store) error {
	if _, ok := any(*new(K)).(string); ok {
		_, err := memstore.TableOf[T, int64](s)
		return err
	}
	_, err := memstore.TableOf[T, string](s)
	return err
}

func collect[K comparable, T any](seq iter.Seq2[K, T], err error) (keys, rows []any, _ error) {
	if err != nil {
		return nil, nil, err
	}
	for k, v := range seq {
		keys = append(keys, k)
		rows = append(rows, v)
	}
	return keys, rows, nil
}

// rel is a relations.BelongsTo with rows as any.
type rel interface {
	get(ctx context.Context, src any, key any, via opseq.Via) opseq.Outcome
	include(ctx context.Context, srcs []any) opseq.Outcome
	set(ctx context.Context, src, owner any) opseq.Outcome
	setNilSource(ctx context.Context) error
	cached(src any) (any, relations.Status)
}

type relOf[S, T any] struct{ b *relations.BelongsTo[S, T] }

func newRel[S, T any](s *memstore.Store, name string) (rel, error) {
	b, err := relations.NewBelongsTo[S, T](s, name)
	if err != nil {
		return nil, err
	}
	return relOf[S, T]{b}, nil
}

func (r relOf[S, T]) get(ctx context.Context, src, key any, via opseq.Via) opseq.Outcome {
	var owner T
	var ok bool
	var err error
	switch via {
	case 0:
		owner, ok, err = r.b.Get(ctx, src.(S))
	case 1:
		owner, ok, err = r.b.Fetch(ctx, src.(S)).Wait(context.Background())
	default:
		owner, ok, err = r.b.ByKey(ctx, key)
	}
	if err != nil {
		return opseq.Outcome{Class: opseq.Classify(err)}
	}
	if !ok {
		return opseq.Outcome{}
	}
	return opseq.Outcome{Value: owner}
}

func (r relOf[S, T]) include(ctx context.Context, srcs []any) opseq.Outcome {
	in := make([]S, len(srcs))
	for i, s := range srcs {
		in[i] = s.(S)
	}
	owners, err := r.b.Include(ctx, in)
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

func (r relOf[S, T]) set(ctx context.Context, src, owner any) opseq.Outcome {
	s := src.(S)
	var o *T
	if owner != nil {
		v := owner.(T)
		o = &v
	}
	return opseq.Outcome{Class: opseq.Classify(r.b.Set(ctx, &s, o))}
}

func (r relOf[S, T]) setNilSource(ctx context.Context) error {
	var owner T
	return r.b.Set(ctx, nil, &owner)
}

func (r relOf[S, T]) cached(src any) (any, relations.Status) {
	o, st := r.b.Cached(src.(S))
	if st != relations.Found {
		return nil, st
	}
	return o, st
}
