package memstore

import (
	"bytes"
	"context"
	"math"
	"reflect"
	"slices"
	"unsafe"

	memdb "github.com/hashicorp/go-memdb"
	"github.com/relstore/relstore/filter"
)

// Running a bound query: read the plan's ranges, keep the records that
// match, order and count them. Records are read in place and copied only
// by the caller, for the rows it returns.

// ctxEvery is how many records a read passes between two checks of its
// transaction's context.
const ctxEvery = 1024

// scanner reads the records of a query that match it (its conditions, the
// owner's key k of a RelQuery, the After position), range after range, in
// the plan's order. Its consumers loop on match with no call through a
// function value: the per-row cost of a read is the cursor's step and the
// checks the plan needs.
type scanner struct {
	b          *bound
	txn        *memdb.Txn
	k          []byte
	ctx        context.Context
	rs         []keyRange
	ri         int // the next range to open
	cu         cursor
	open       bool
	checkAfter bool
	read       int
	err        error // the context's error that stopped the read
}

// scanner returns a scanner of the query in txn.
func (b *bound) scanner(txn *memdb.Txn, k []byte, ctx context.Context) scanner {
	rs := b.plan.ranges
	if b.plan.param >= 0 {
		rs = b.plan.rangesFor(k)
	}
	return scanner{b: b, txn: txn, k: k, ctx: ctx, rs: rs, checkAfter: b.pos != nil}
}

// match returns the next matching record, or nil at the end of the read
// (and when the context is done, with s.err set). Records that do not
// match are passed over in an inner loop that keeps what it needs in
// locals: a scan that filters most rows out returns rarely.
func (s *scanner) match() *record {
	b := s.b
	pl := b.plan
	residual, checkScope := pl.residual, pl.checkScope
	for {
		if !s.open {
			if s.ri >= len(s.rs) {
				return nil
			}
			r := s.rs[s.ri]
			if pl.Reverse {
				r = s.rs[len(s.rs)-1-s.ri]
			}
			s.ri++
			s.cu = openCursor(s.txn, b.m, pl.idx, r, pl.Reverse)
			s.open = true
		}
		// No bound to check (a prefix or the whole index): step go-memdb's
		// iterator without the cursor's call.
		it, unbounded := s.cu.it, s.cu.lo == nil && s.cu.hi == nil
		for read := s.read; ; {
			var rec *record
			if unbounded {
				if raw := it.Next(); raw != nil {
					rec = raw.(*record)
				}
			} else {
				rec = s.cu.next()
			}
			if rec == nil {
				s.read, s.open = read, false
				break
			}
			if read++; read&(ctxEvery-1) == 0 && s.ctx != nil {
				if err := s.ctx.Err(); err != nil {
					s.err, s.ri, s.open = err, len(s.rs), false
					return nil
				}
			}
			if checkScope && !bytes.Equal(rec.key(b.scope.slot), s.k) {
				continue
			}
			if residual != nil && !residual(rec) {
				continue
			}
			if s.checkAfter {
				if c := b.posCmp(rec, b.pos); c < 0 || c == 0 && b.posTail <= 0 {
					continue
				}
				// The index reads the matching records in the query's
				// order (not the others: it may order them by fields the
				// conditions fix), so every later match is after the
				// position too.
				s.checkAfter = !pl.ordered
			}
			s.read = read
			return rec
		}
	}
}

// countAll returns the number of records the scanner would match, up to
// stop (0: no bound). With nothing to check per record it counts index
// entries with no call per entry but the iterator's.
func (s *scanner) countAll(stop int) int {
	pl := s.b.plan
	if pl.residual != nil || pl.checkScope || s.b.pos != nil {
		n := 0
		for (stop == 0 || n < stop) && s.match() != nil {
			n++
		}
		return n
	}
	n := 0
	for _, r := range s.rs {
		cu := openCursor(s.txn, s.b.m, pl.idx, r, false)
		unbounded := cu.lo == nil && cu.hi == nil
		for stop == 0 || n < stop {
			if unbounded {
				if cu.it.Next() == nil {
					break
				}
			} else if cu.next() == nil {
				break
			}
			if n++; n&(ctxEvery-1) == 0 && s.ctx != nil {
				if err := s.ctx.Err(); err != nil {
					s.err = err
					return n
				}
			}
		}
	}
	return n
}

// emit calls fn with the records of the query in its order, after skip
// and limit (0: none), streaming them when the index gives the order.
func (b *bound) emit(txn *memdb.Txn, k []byte, ctx context.Context, skip, limit int, fn func(*record)) error {
	if !b.plan.ordered {
		recs, err := b.collect(txn, k, ctx, skip, limit)
		for _, rec := range recs {
			fn(rec)
		}
		return err
	}
	sc := b.scanner(txn, k, ctx)
	for n := 0; limit == 0 || n < limit; {
		rec := sc.match()
		if rec == nil {
			break
		}
		if skip > 0 {
			skip--
			continue
		}
		fn(rec)
		n++
	}
	return sc.err
}

// findRows returns copies of the rows of the query in tx, in its order:
// Query.Find and RelQuery.Find. When the index gives the order, rows are
// copied into the result as they are read.
func findRows[T any](b *bound, tx *Tx, k []byte) ([]T, error) {
	if !b.plan.ordered {
		recs, err := b.records(tx, k)
		if err != nil {
			return nil, err
		}
		res := make([]T, len(recs))
		for i, rec := range recs {
			res[i] = out[T](b.m, rec)
		}
		return res, nil
	}
	sc := b.scanner(tx.reader(), k, tx.ctx)
	res := make([]T, 0, b.sizeHint())
	assign := b.m.query().assign
	if pl := b.plan; len(sc.rs) == 1 && pl.residual == nil && !pl.checkScope && b.pos == nil {
		// One range, nothing to check per record: loop on go-memdb's
		// iterator itself (the common page of an index: "where a = x order
		// by b limit n").
		cu := openCursor(sc.txn, b.m, pl.idx, sc.rs[0], pl.Reverse)
		if cu.lo == nil && cu.hi == nil {
			skip, read := b.skip, 0
			for raw := cu.it.Next(); raw != nil; raw = cu.it.Next() {
				if read++; read&(ctxEvery-1) == 0 && tx.ctx != nil {
					if err := tx.ctx.Err(); err != nil {
						return nil, b.ctxErr("find", err)
					}
				}
				if skip > 0 {
					skip--
					continue
				}
				// appendRow, by hand: not inlined, its call costs as much
				// as the copy.
				if len(res) == cap(res) {
					res = slices.Grow(res, 1)
				}
				res = res[:len(res)+1]
				if assign {
					res[len(res)-1] = *(*T)(raw.(*record).ptr)
				} else {
					res[len(res)-1] = out[T](b.m, raw.(*record))
				}
				if len(res) == b.limit {
					break
				}
			}
			return res, nil
		}
	}
	for skip := b.skip; b.limit == 0 || len(res) < b.limit; {
		rec := sc.match()
		if rec == nil {
			break
		}
		if skip > 0 {
			skip--
			continue
		}
		res = appendRow(res, b.m, rec, assign)
	}
	if sc.err != nil {
		return nil, b.ctxErr("find", sc.err)
	}
	return res, nil
}

// appendRow appends the caller's copy of rec's row to res, written in
// place: by assignment when assign (assignCopies), else through out. A
// call of out per row and the copy of its result cost more than the rest
// of a page's read (measured under callgrind: 14.3k to 12.4k instructions
// for 20 rows).
func appendRow[T any](res []T, m *model, rec *record, assign bool) []T {
	if len(res) == cap(res) {
		res = slices.Grow(res, 1)
	}
	res = res[:len(res)+1]
	if assign {
		res[len(res)-1] = *(*T)(rec.ptr)
	} else {
		res[len(res)-1] = out[T](m, rec)
	}
	return res
}

// collect returns the records of the query in its order, after skip and
// limit (0: none).
func (b *bound) collect(txn *memdb.Txn, k []byte, ctx context.Context, skip, limit int) ([]*record, error) {
	if b.plan.ordered {
		var out []*record
		if limit > 0 {
			out = make([]*record, 0, min(limit, 256))
		}
		err := b.emit(txn, k, ctx, skip, limit, func(rec *record) { out = append(out, rec) })
		return out, err
	}
	var all []*record
	sc := b.scanner(txn, k, ctx)
	if limit > 0 {
		h := &topK{cmp: b.cmp, k: skip + limit}
		if skip > math.MaxInt-limit {
			h.k = math.MaxInt
		}
		for rec := sc.match(); rec != nil; rec = sc.match() {
			h.push(rec)
		}
		all = h.recs
	} else {
		for rec := sc.match(); rec != nil; rec = sc.match() {
			all = append(all, rec)
		}
	}
	if sc.err != nil {
		return nil, sc.err
	}
	slices.SortFunc(all, b.cmp)
	if skip >= len(all) {
		return nil, nil
	}
	all = all[skip:]
	if limit > 0 && len(all) > limit {
		all = all[:limit]
	}
	return all, nil
}

// topK keeps the k smallest records pushed, in a max-heap: the first k of
// an order without sorting every match.
type topK struct {
	cmp  rowCmp
	k    int
	recs []*record
}

func (h *topK) push(rec *record) {
	if len(h.recs) < h.k {
		h.recs = append(h.recs, rec)
		for i := len(h.recs) - 1; i > 0; {
			p := (i - 1) / 2
			if h.cmp(h.recs[i], h.recs[p]) <= 0 {
				break
			}
			h.recs[i], h.recs[p] = h.recs[p], h.recs[i]
			i = p
		}
		return
	}
	if h.cmp(rec, h.recs[0]) >= 0 {
		return
	}
	h.recs[0] = rec
	for i, n := 0, len(h.recs); ; {
		l, big := 2*i+1, i
		if l < n && h.cmp(h.recs[l], h.recs[big]) > 0 {
			big = l
		}
		if r := l + 1; r < n && h.cmp(h.recs[r], h.recs[big]) > 0 {
			big = r
		}
		if big == i {
			return
		}
		h.recs[i], h.recs[big] = h.recs[big], h.recs[i]
		i = big
	}
}

// opErrCtx names the operation of a context error.
func (b *bound) ctxErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return opErr(op+" "+b.m.name, err)
}

// find calls fn with the records of the query in tx, in its order.
func (b *bound) find(tx *Tx, k []byte, fn func(*record)) error {
	return b.ctxErr("find", b.emit(tx.reader(), k, tx.ctx, b.skip, b.limit, fn))
}

// sizeHint is the capacity a result slice starts with: the limit, if not
// too large.
func (b *bound) sizeHint() int { return min(b.limit, 256) }

// records returns the records of the query in tx, in its order.
func (b *bound) records(tx *Tx, k []byte) ([]*record, error) {
	recs, err := b.collect(tx.reader(), k, tx.ctx, b.skip, b.limit)
	return recs, b.ctxErr("find", err)
}

// first returns the first record of the query, or a *NotFoundError.
func (b *bound) first(tx *Tx, k []byte, op string) (*record, error) {
	recs, err := b.collect(tx.reader(), k, tx.ctx, b.skip, 1)
	if err != nil {
		return nil, b.ctxErr(op, err)
	}
	if len(recs) == 0 {
		return nil, &NotFoundError{Op: op, Model: b.m.name, Field: "filter", Value: b.f}
	}
	return recs[0], nil
}

// count returns the number of rows the query returns.
func (b *bound) count(tx *Tx, k []byte) (int, error) {
	n := 0
	stop := 0 // 0: count every match
	if b.limit > 0 {
		stop = b.stop()
	}
	sc := b.scanner(tx.reader(), k, tx.ctx)
	n = sc.countAll(stop)
	if sc.err != nil {
		return 0, b.ctxErr("count", sc.err)
	}
	return max(n-b.skip, 0), nil
}

// exists reports whether the query returns a row.
func (b *bound) exists(tx *Tx, k []byte) (bool, error) {
	n := 0
	sc := b.scanner(tx.reader(), k, tx.ctx)
	for n <= b.skip && sc.match() != nil {
		n++
	}
	if sc.err != nil {
		return false, b.ctxErr("exists", sc.err)
	}
	return n > b.skip, nil
}

// delete deletes the query's rows as one statement.
func (b *bound) delete(tx *Tx, k []byte, op string) (int, error) {
	recs, err := b.collect(tx.reader(), k, tx.ctx, b.skip, b.limit)
	if err != nil {
		return 0, tx.fail(b.ctxErr(op, err))
	}
	if len(recs) == 0 {
		return 0, nil
	}
	if err := tx.deleteRecords(op, b.m, recs); err != nil {
		return 0, tx.fail(err)
	}
	return len(recs), nil
}

// update calls edit on a private copy of each of the query's rows and
// writes it back.
func (b *bound) update(tx *Tx, k []byte, op string, edit func(unsafe.Pointer) error) (int, error) {
	m := b.m
	recs, err := b.collect(tx.reader(), k, tx.ctx, b.skip, b.limit)
	if err != nil {
		return 0, tx.fail(b.ctxErr(op, err))
	}
	for i, rec := range recs {
		if i%64 == 63 {
			if err := tx.ctx.Err(); err != nil {
				return 0, tx.fail(opErr(op+" "+m.name, err))
			}
		}
		key := rec.key(0)
		cur := tx.lookup(m, m.pk, key)
		if cur == nil {
			return 0, tx.fail(&NotFoundError{Op: op, Model: m.name, Field: m.pk.name, Value: m.pk.codec.value(key)})
		}
		p := m.copyRow(cur.ptr)
		if err := edit(p); err != nil {
			return 0, tx.fail(err)
		}
		if !m.keyless {
			if nk, err := m.appendPK(op, nil, p); err != nil || !bytes.Equal(nk, key) {
				return 0, tx.fail(invalidf("%s %s %v: the primary key %s cannot change", op, m.name, m.keyOf(cur), m.pk.name))
			}
		}
		if _, err := tx.update(op, m, p, key, nil); err != nil {
			return 0, tx.fail(err)
		}
	}
	return len(recs), nil
}

// run is a query's sequence: a snapshot of the transaction it was made in.
type run struct {
	b    *bound
	txn  *memdb.Txn
	live *Tx // an Update's Tx: the sequence ends with it
	k    []byte
}

// start makes the sequence of the query in tx.
func (b *bound) start(tx *Tx, k []byte) *run {
	r := &run{b: b, txn: tx.reader(), k: bytes.Clone(k)}
	if tx.write {
		r.txn, r.live = r.txn.Snapshot(), tx
	}
	return r
}

// each calls fn with the query's records in order, until fn returns false
// or the Update the sequence was made in has returned.
func (r *run) each(fn func(*record) bool) {
	b := r.b
	if r.live.ended() {
		return
	}
	if !b.plan.ordered {
		recs, _ := b.collect(r.txn, r.k, nil, b.skip, b.limit) // no context: no error
		for _, rec := range recs {
			if r.live.ended() || !fn(rec) {
				return
			}
		}
		return
	}
	sc := b.scanner(r.txn, r.k, nil)
	for skip, n := b.skip, 0; b.limit == 0 || n < b.limit; {
		rec := sc.match()
		if rec == nil {
			return
		}
		if skip > 0 {
			skip--
			continue
		}
		n++
		if r.live.ended() || !fn(rec) {
			return
		}
	}
}

// boxRow returns a copy of rec's row as a struct value in an interface.
func (m *model) boxRow(rec *record) any {
	return reflect.NewAt(m.typ, m.copyRow(rec.ptr)).Elem().Interface()
}

// rowPtr returns a pointer to a row of m given as a value or a pointer.
func (m *model) rowPtr(op string, row any) (unsafe.Pointer, error) {
	rv := reflect.ValueOf(row)
	switch {
	case !rv.IsValid():
		return nil, invalidf("%s %s: nil row", op, m.name)
	case rv.Type() == m.typ:
		p := reflect.New(m.typ)
		p.Elem().Set(rv)
		return p.UnsafePointer(), nil
	case rv.Type() == reflect.PointerTo(m.typ) && !rv.IsNil():
		return rv.UnsafePointer(), nil
	}
	return nil, invalidf("%s %s: a row of type %T, want %v", op, m.name, row, m.typ)
}

// modelNamed returns the model named name.
func (s *Store) modelNamed(op, name string) (*model, error) {
	m := s.schema.byName[name]
	if m == nil {
		return nil, s.schema.unknownModel(op, name)
	}
	return m, nil
}

// reasonOf returns the reason of a filter error.
func reasonOf(err error) string {
	if fe, ok := err.(*filter.Error); ok {
		return fe.Reason
	}
	return err.Error()
}

// compilePatch returns the function that sets the fields of patch on a
// row, checked and converted once.
func (m *model) compilePatch(op string, patch map[string]any) (func(unsafe.Pointer) error, error) {
	qi := m.query()
	type set struct {
		f *qfield
		v reflect.Value
	}
	names := make([]string, 0, len(patch))
	for n := range patch {
		names = append(names, n)
	}
	slices.Sort(names) // the first refusal is the same on every run
	sets := make([]set, 0, len(names))
	for _, n := range names {
		f := qi.field(n)
		switch {
		case f == nil:
			return nil, invalidf("%s %s: patch: unknown field %q (fields: %s)", op, m.name, n, qi.names())
		case f.shadow != nil:
			return nil, invalidf("%s %s: patch: %s is not a field of the struct", op, m.name, f.name)
		case f == qi.pk:
			return nil, invalidf("%s %s: patch: the primary key %s cannot change", op, m.name, f.name)
		case slices.ContainsFunc(sets, func(s set) bool { return s.f == f }):
			return nil, invalidf("%s %s: patch: field %s given twice", op, m.name, f.name)
		}
		v := patch[n]
		var rv reflect.Value
		switch {
		case v != nil && reflect.TypeOf(v) == f.typ:
			rv = reflect.ValueOf(v)
		case f.codec != nil:
			var err error
			if rv, err = filter.Coerce(v, f.typ); err != nil {
				return nil, invalidf("%s %s: patch: %s: %s", op, m.name, n, reasonOf(err))
			}
		case v == nil && canBeNil(f.typ.Kind()):
			rv = reflect.Zero(f.typ)
		case v != nil && reflect.TypeOf(v).AssignableTo(f.typ):
			rv = reflect.ValueOf(v)
		default:
			return nil, invalidf("%s %s: patch: %s: want a %v, got %T", op, m.name, n, f.typ, v)
		}
		sets = append(sets, set{f: f, v: rv})
	}
	return func(p unsafe.Pointer) error {
		for _, s := range sets {
			reflect.NewAt(s.f.typ, unsafe.Add(p, s.f.offset)).Elem().Set(s.v)
		}
		return nil
	}, nil
}

func canBeNil(k reflect.Kind) bool {
	switch k {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return true
	}
	return false
}
