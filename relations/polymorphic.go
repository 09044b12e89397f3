package relations

import (
	"context"
	"sync/atomic"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/internal/relcore"
	"github.com/relstore/relstore/memstore"
)

// Polymorphic is the accessor of a polymorphic belongsTo (LoopBack 3:
// "polymorphic": true): source S (a Picture) belongs to a row of the model
// its discriminator names (a Customer or a Product). Owners come out as an
// any holding a value of their model's Go type:
//
//	owner, ok, err := imageable.Get(ctx, pic)
//	switch o := owner.(type) {
//	case Customer: ...
//	case Product: ...
//	}
//
// For one target, NewBelongsTo with the relation's name and that model's
// Go type gives a typed BelongsTo (NewBelongsTo[Picture, Customer](s,
// "imageable")), which reports no owner for sources that name another
// model; NewHasMany[Customer, Picture] with the target's hasMany name lists
// a customer's pictures. Get reads through the owner cache, which a typed
// BelongsTo to the same model shares. A Polymorphic is immutable and safe
// for concurrent use.
type Polymorphic[S any] struct {
	store *memstore.Store
	poly  *relcore.Poly[S]
	cache *cache.Cache // nil: no cache

	lookups atomic.Int64 // owner lookups in the store
}

// NewPolymorphic returns the accessor of the polymorphic belongsTo named
// relation of source model S. Errors match memstore.ErrInvalid and list
// the relations that exist.
func NewPolymorphic[S any](s *memstore.Store, relation string) (*Polymorphic[S], error) {
	p, err := relcore.PolymorphicOf[S](s, relation)
	if err != nil {
		return nil, err
	}
	a := &Polymorphic[S]{store: s, poly: p}
	a.cache, _ = s.Cache().(*cache.Cache)
	return a, nil
}

// Name returns the relation's name.
func (p *Polymorphic[S]) Name() string { return p.poly.Name() }

// Targets returns the names of the models the relation may reference.
func (p *Polymorphic[S]) Targets() []string { return p.poly.Targets() }

// Lookups returns how many owners p has looked up in the store: Get on a
// cache miss, Include once per distinct (model, key) the cache did not
// answer, and every owner read in a transaction.
func (p *Polymorphic[S]) Lookups() int64 { return p.lookups.Load() }

// In returns p's operations inside the transaction tx (see "Transactions"
// in the package doc); they never read or fill the cache.
func (p *Polymorphic[S]) In(tx *memstore.Tx) PolymorphicTx[S] { return PolymorphicTx[S]{p: p, tx: tx} }

func (p *Polymorphic[S]) wrap(err error) error { return wrapErr(p.poly.Source(), p.poly.Name(), err) }

// lookup is a source's owner key: the model and the encoded key.
type lookup struct {
	model string
	key   []byte
	space uint32
	tok   cache.Token
	hit   any
}

// keyOf returns src's owner key; ok is false for a nil foreign key.
func (p *Polymorphic[S]) keyOf(src *S) (l lookup, ok bool, err error) {
	l.model, l.key, ok, err = p.poly.AppendFK(nil, src)
	if err != nil || !ok {
		return l, false, err
	}
	l.space, err = p.poly.Space(l.model)
	return l, err == nil, err
}

// Get returns src's owner (LoopBack 3: picture.imageable()): from the
// cache when it holds a current entry, else from the latest snapshot
// (filling the cache). ok is false, with a nil error, when src's foreign
// key is nil; a key with no row is an error matching memstore.ErrNotFound.
func (p *Polymorphic[S]) Get(ctx context.Context, src S) (owner any, ok bool, err error) {
	if err := checkCtx(ctx); err != nil {
		return nil, false, p.wrap(err)
	}
	l, ok, err := p.keyOf(&src)
	if err != nil || !ok {
		return nil, false, p.wrap(err)
	}
	tok := p.cache.Token(p.store.KeyHash(l.space, l.key))
	if v, hit := p.cache.Get(tok, l.space, l.key); hit {
		return p.poly.Clone(v), true, nil
	}
	p.lookups.Add(1)
	owner, err = p.poly.OwnerNow(ctx, l.model, l.key)
	if err != nil {
		return nil, false, p.wrap(err)
	}
	p.offer(tok, l, owner)
	return owner, true, nil
}

// offer gives the cache a private copy of owner, read after tok was taken.
func (p *Polymorphic[S]) offer(tok cache.Token, l lookup, owner any) {
	if p.cache == nil || tok.Bypass() {
		return
	}
	v, size, err := p.poly.CloneSize(l.model, owner)
	if err == nil {
		p.cache.Set(tok, l.space, l.key, v, size)
	}
}

// Cached returns src's owner if a previous read cached it and it is still
// current, without reading the store: Found with the owner, NoOwner for a
// nil foreign key, else NotCached. It never returns a stale owner.
func (p *Polymorphic[S]) Cached(src S) (any, Status) {
	l, ok, err := p.keyOf(&src)
	switch {
	case err != nil:
		return nil, NotCached
	case !ok:
		return nil, NoOwner
	}
	tok := p.cache.Token(p.store.KeyHash(l.space, l.key))
	if v, hit := p.cache.Get(tok, l.space, l.key); hit {
		return p.poly.Clone(v), Found
	}
	return nil, NotCached
}

// Include returns the owners of many sources, aligned with srcs (nil for a
// nil foreign key), each distinct (model, key) looked up once: grouped by
// the model their discriminators name, from the cache or else one
// snapshot, whose reads are cached. All owners are the store's state at one
// instant: cache hits are re-validated after the snapshot is taken.
func (p *Polymorphic[S]) Include(ctx context.Context, srcs []S) ([]any, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, p.wrap(err)
	}
	out := make([]any, len(srcs))
	pos := make([]int, len(srcs))
	var ls []lookup
	index := map[string]int{}
	for i := range srcs {
		l, ok, err := p.keyOf(&srcs[i])
		if err != nil {
			return nil, p.wrap(err)
		}
		if !ok {
			pos[i] = -1
			continue
		}
		id := l.model + "\x00" + string(l.key)
		j, dup := index[id]
		if !dup {
			j = len(ls)
			index[id] = j
			l.tok = p.cache.Token(p.store.KeyHash(l.space, l.key))
			if v, hit := p.cache.Get(l.tok, l.space, l.key); hit {
				l.hit = v
			}
			ls = append(ls, l)
		}
		pos[i] = j
	}
	owners := make([]any, len(ls))
	err := p.store.View(ctx, func(tx *memstore.Tx) error {
		for j := range ls {
			l := &ls[j]
			if l.hit != nil && p.cache.Current(l.tok) {
				owners[j] = p.poly.Clone(l.hit)
				continue
			}
			p.lookups.Add(1)
			o, err := p.poly.Owner(tx, l.model, l.key)
			if err != nil {
				return err
			}
			if l.hit == nil {
				p.offer(l.tok, *l, o)
			}
			owners[j] = o
		}
		return nil
	})
	if err != nil {
		return nil, p.wrap(err)
	}
	for i, j := range pos {
		if j >= 0 {
			out[i] = owners[j]
		}
	}
	return out, nil
}

// Set points src at owner, a value of one of the relation's models (or a
// pointer to one), setting its discriminator to that model; or clears
// src's foreign key when owner is nil. It persists it in one transaction
// and is checked like any foreign key write; on error src is unchanged.
func (p *Polymorphic[S]) Set(ctx context.Context, src *S, owner any) error {
	if err := checkCtx(ctx); err != nil {
		return p.wrap(err)
	}
	if src == nil {
		return p.wrap(invalid("nil source"))
	}
	if owner != nil {
		if _, _, err := p.poly.OwnerKey(owner); err != nil {
			return p.wrap(err) // bad input, refused before the context is looked at
		}
	}
	saved := *src
	err := p.store.Update(ctx, func(tx *memstore.Tx) error { return p.In(tx).Set(src, owner) })
	if err != nil {
		*src = saved
	}
	return p.wrap(err)
}

// Create inserts owner, a pointer to a value of one of the relation's
// models, and points src at it, in one transaction, as BelongsTo.Create
// does (a src not stored yet is inserted). The assigned keys are written
// back to *owner; on error nothing is written and src is unchanged.
func (p *Polymorphic[S]) Create(ctx context.Context, src *S, owner any) error {
	if err := checkCtx(ctx); err != nil {
		return p.wrap(err)
	}
	if src == nil {
		return p.wrap(invalid("nil source"))
	}
	saved := *src
	err := p.store.Update(ctx, func(tx *memstore.Tx) error { return p.In(tx).Create(src, owner) })
	if err != nil {
		*src = saved
	}
	return p.wrap(err)
}

// Unset clears src's foreign key (the discriminator is left as it is); a
// src whose foreign key is nil already is refused with ErrEmpty.
func (p *Polymorphic[S]) Unset(ctx context.Context, src *S) error {
	if err := checkCtx(ctx); err != nil {
		return p.wrap(err)
	}
	if src == nil {
		return p.wrap(invalid("nil source"))
	}
	saved := *src
	err := p.store.Update(ctx, func(tx *memstore.Tx) error { return p.In(tx).Unset(src) })
	if err != nil {
		*src = saved
	}
	return p.wrap(err)
}

// PolymorphicTx is a Polymorphic's operations inside one transaction, made
// by Polymorphic.In (see BelongsToTx).
type PolymorphicTx[S any] struct {
	p  *Polymorphic[S]
	tx *memstore.Tx
}

// Get returns src's owner as the transaction sees it.
func (t PolymorphicTx[S]) Get(src S) (any, bool, error) {
	model, k, ok, err := t.p.poly.AppendFK(nil, &src)
	if err != nil || !ok {
		return nil, false, t.p.wrap(err)
	}
	t.p.lookups.Add(1)
	o, err := t.p.poly.Owner(t.tx, model, k)
	if err != nil {
		return nil, false, t.p.wrap(err)
	}
	return o, true, nil
}

// Include returns the owners of many sources, aligned with srcs, each
// distinct (model, key) looked up once.
func (t PolymorphicTx[S]) Include(srcs []S) ([]any, error) {
	out := make([]any, len(srcs))
	found := map[string]any{}
	for i := range srcs {
		model, k, ok, err := t.p.poly.AppendFK(nil, &srcs[i])
		if err != nil {
			return nil, t.p.wrap(err)
		}
		if !ok {
			continue
		}
		id := model + "\x00" + string(k)
		o, dup := found[id]
		if !dup {
			t.p.lookups.Add(1)
			if o, err = t.p.poly.Owner(t.tx, model, k); err != nil {
				return nil, t.p.wrap(err)
			}
			found[id] = o
		}
		out[i] = o
	}
	return out, nil
}

// Set points src at owner, or clears its foreign key when owner is nil.
func (t PolymorphicTx[S]) Set(src *S, owner any) error {
	if src == nil {
		return t.p.wrap(invalid("nil source"))
	}
	if owner == nil {
		return t.p.wrap(t.p.poly.SetFK(t.tx, src, "", nil))
	}
	model, k, err := t.p.poly.OwnerKey(owner)
	if err != nil {
		return t.p.wrap(err)
	}
	return t.p.wrap(t.p.poly.SetFK(t.tx, src, model, k))
}

// Create inserts owner (a pointer to a target's value) and points src at
// it, inserting src if it is not stored yet.
func (t PolymorphicTx[S]) Create(src *S, owner any) error {
	if src == nil || owner == nil {
		return t.p.wrap(invalid("nil source or owner"))
	}
	if _, err := t.p.poly.ModelOf(owner); err != nil {
		return t.p.wrap(err)
	}
	stored, err := t.p.poly.Stored(t.tx, src)
	if err != nil {
		return t.p.wrap(err)
	}
	if err := t.tx.Insert(owner); err != nil {
		return t.p.wrap(err)
	}
	model, k, err := t.p.poly.OwnerKey(owner)
	if err != nil {
		return t.p.wrap(err)
	}
	if stored {
		return t.p.wrap(t.p.poly.SetFK(t.tx, src, model, k))
	}
	return t.p.wrap(t.p.poly.InsertChild(t.tx, src, model, k))
}

// Unset clears src's foreign key; ErrEmpty when it is nil already.
func (t PolymorphicTx[S]) Unset(src *S) error {
	if src == nil {
		return t.p.wrap(invalid("nil source"))
	}
	if _, _, ok, err := t.p.poly.AppendFK(nil, src); err != nil {
		return t.p.wrap(err)
	} else if !ok {
		return t.p.wrap(ErrEmpty)
	}
	if !t.p.poly.Nullable() {
		return t.p.wrap(invalid(t.p.poly.Source() + "." + t.p.poly.FK() + " is not nullable"))
	}
	return t.p.wrap(t.p.poly.SetFK(t.tx, src, "", nil))
}
