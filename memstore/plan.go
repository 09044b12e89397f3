package memstore

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
	"unsafe"

	"github.com/relstore/relstore/filter"
)

// Plan is how a query reads its rows, as Explain reports it: which index,
// within which bounds, in which direction, and whether the rows are sorted
// after reading. A query's plan is chosen when it is bound and never
// changes; tests compare it, String describes it for people.
type Plan struct {
	Model string // the model queried
	// Index is the index read: the primary key's, a unique field's or a
	// foreign key's (named after the field, e.g. "ID", "Email",
	// "CustomerID"; "rowid" for a model without a key field), or a
	// secondary index (by its name).
	Index string
	// Eq lists the leading fields of the index fixed by eq, inq, an
	// IS NULL test or, for a query scoped to one owner (package relations'
	// HasMany.Find), the owner's key, in index order.
	Eq []string
	// Range is the index field after Eq bounded by gt, gte, lt, lte,
	// between or like 'prefix%'; empty when none.
	Range string
	// Ranges is the number of key ranges read: 1 for one range or the
	// whole index, one per combination of values for inq, 0 when an empty
	// inq or contradictory bounds leave nothing to read.
	Ranges int
	// Reverse is set when the index is read backward (a descending order).
	Reverse bool
	// Seek is set when a keyset After starts the read at its position
	// instead of passing over the rows before it.
	Seek bool
	// Residual is set when conditions the index does not answer are
	// evaluated on each row read (on the stored row, without copying it).
	Residual bool
	// Sort is set when the index does not give the order: the matching
	// rows are sorted after reading.
	Sort bool
	// TopK, with Sort and a Limit, is the size of the bounded heap that
	// keeps the first Skip+Limit rows in order (the rest are never
	// sorted); 0 when every match is sorted.
	TopK int
	// Stop, without Sort, is the number of matching rows after which the
	// read stops (Skip+Limit); 0 when it reads to the end of its ranges.
	Stop int
}

// String describes the plan in one line, e.g. `Post: index status_created
// (Status =), backward, stop after 20` or `Post: index ID (whole), filter,
// sort, top 20`.
func (p Plan) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: index %s", p.Model, p.Index)
	var bounds []string
	for _, f := range p.Eq {
		bounds = append(bounds, f+" =")
	}
	if p.Range != "" {
		bounds = append(bounds, p.Range+" in a range")
	}
	switch {
	case p.Ranges == 0:
		b.WriteString(" (nothing to read)")
	case len(bounds) == 0:
		b.WriteString(" (whole)")
	default:
		b.WriteString(" (" + strings.Join(bounds, ", ") + ")")
	}
	if p.Ranges > 1 {
		fmt.Fprintf(&b, ", %d ranges", p.Ranges)
	}
	if p.Reverse {
		b.WriteString(", backward")
	}
	if p.Seek {
		b.WriteString(", from the after position")
	}
	if p.Residual {
		b.WriteString(", filter")
	}
	if p.Sort {
		b.WriteString(", sort")
		if p.TopK > 0 {
			fmt.Fprintf(&b, ", top %d", p.TopK)
		}
	}
	if p.Stop > 0 {
		fmt.Fprintf(&b, ", stop after %d", p.Stop)
	}
	return b.String()
}

// maxRanges bounds the key ranges of one plan: inq lists on several fields
// of an index multiply; past this many, the further fields are filtered
// instead.
const maxRanges = 256

// plan is a Plan and what running it needs, fixed at binding.
type plan struct {
	Plan
	idx *column // the index read
	// fixed holds, for each leading field of the index fixed by equality,
	// the encodings of its values in the index (a nullable secondary
	// part's tag included), sorted and distinct; nil for the field the
	// owner's key fixes at each run (param).
	fixed [][][]byte
	param int  // the index in fixed of the owner's key; -1 for none
	ptag  bool // the owner's key is a nullable secondary part: tagged
	// lo and hi bound the field after the fixed ones (nil: unbounded),
	// as keys relative to the fixed prefix: [prefix‖lo, prefix‖hi).
	lo, hi  []byte
	ranged  bool       // a range applies to that field
	nullEnd bool       // with ranged and no hi: stop before the field's NULLs
	empty   bool       // the bounds leave nothing
	ranges  []keyRange // the ranges, in key order, when there is no param
	ordered bool       // the index gives the order (read in Reverse or not)
	// seek is the key of the After position after the fixed prefix; nil
	// when the read does not seek.
	seek      []byte
	seekExact bool // seek ends with the primary key: the position itself is excluded
	residual  pred
	// checkScope: the index does not fix the owner's key, so each row's
	// foreign key is compared with it.
	checkScope bool
}

// candidate is the evaluation of one index for a filter.
type candidate struct {
	c       *column
	fixed   [][][]byte
	fixedBy []*cond // the conditions that fix them (nil for the param)
	param   int
	ranges  int
	rng     []*cond // the conditions bounding the next field
	point   bool    // a unique index with every field fixed
	ordered bool
	reverse bool
}

// score orders candidates by the planner's rule (see DESIGN.md): larger is
// better.
func (c *candidate) better(o *candidate) bool {
	if c.point != o.point {
		return c.point
	}
	if c.point {
		return c.ranges < o.ranges
	}
	cs, os := 2*len(c.fixed)+min(len(c.rng), 1), 2*len(o.fixed)+min(len(o.rng), 1)
	if cs != os {
		return cs > os
	}
	if c.ordered != o.ordered {
		return c.ordered
	}
	return c.ranges < o.ranges
}

// choosePlan picks the index and builds the plan (the rule is in
// DESIGN.md, "Planner").
func (b *bound) choosePlan() *plan {
	qi := b.m.query()
	// The conditions of the top-level conjunction, by field.
	var terms []*cond
	switch b.where.op {
	case 0:
	case filter.OpAnd:
		terms = flattenAnd(b.where, nil)
	default:
		terms = []*cond{b.where}
	}
	var scopeField *qfield
	if b.scope != nil {
		scopeField = qi.byName[b.scope.name]
	}
	// Fields fixed to one value whatever the index: they do not affect the
	// order of the result.
	constant := map[*qfield]bool{}
	for _, t := range terms {
		if isFixing(t) {
			constant[t.f] = true
		}
	}
	if scopeField != nil {
		constant[scopeField] = true
	}
	// Candidates are values: binding is on the path of every Table.Find,
	// and each allocation costs more than its own time in a large heap.
	var best candidate
	found := false
	for _, c := range b.m.slots {
		if cand, ok := b.evaluate(c, terms, scopeField, constant); ok && (!found || cand.better(&best)) {
			best, found = cand, true
		}
	}
	return b.build(&best, terms, scopeField, constant)
}

func flattenAnd(c *cond, out []*cond) []*cond {
	for _, t := range c.terms {
		if t.op == filter.OpAnd {
			out = flattenAnd(t, out)
		} else if t.op != 0 {
			out = append(out, t)
		}
	}
	return out
}

// isFixing reports whether t fixes its field to one value: eq, IS NULL, or
// a like without wildcards.
func isFixing(t *cond) bool {
	switch t.op {
	case filter.OpEq:
		return true
	case filter.OpIsNull:
		return t.f.nullable
	case filter.OpLike:
		_, complete := t.pat.LiteralPrefix()
		return complete
	}
	return false
}

// indexField returns the qfield of the i-th field of index c.
func (b *bound) indexField(c *column, i int) *qfield {
	return b.m.query().byName[c.field(i).name]
}

// tagged reports whether the i-th field of index c is a nullable part of a
// secondary index, whose encodings start with a tag byte.
func tagged(c *column, i int) bool { return c.ix != nil && c.field(i).nullable }

// evaluate returns how index c serves the conditions; false when it
// cannot serve the query (an index without its NULL rows that nothing
// keeps NULLs out of).
func (b *bound) evaluate(c *column, terms []*cond, scopeField *qfield, constant map[*qfield]bool) (candidate, bool) {
	cand := candidate{c: c, param: -1, ranges: 1}
	n := c.nfields()
	for i := 0; i < n; i++ {
		f := b.indexField(c, i)
		if f == scopeField {
			cand.param = i
			cand.fixed = append(cand.fixed, nil)
			cand.fixedBy = append(cand.fixedBy, nil)
			continue
		}
		vals, by := fixedValues(f, terms, tagged(c, i), c.ix != nil)
		if by == nil || cand.ranges*max(len(vals), 1) > maxRanges {
			break
		}
		cand.fixed = append(cand.fixed, vals)
		cand.fixedBy = append(cand.fixedBy, by)
		cand.ranges *= len(vals)
	}
	if e := len(cand.fixed); e < n {
		f := b.indexField(c, e)
		for _, t := range terms {
			if t.f == f && isRange(t) {
				cand.rng = append(cand.rng, t)
			}
		}
	}
	if !c.complete() && len(cand.fixed) == 0 && len(cand.rng) == 0 {
		return candidate{}, false
	}
	cand.point = c.unique && len(cand.fixed) == n && !cand.fixesNull()
	if cand.point && cand.ranges <= 1 {
		cand.ordered = true // at most one row
	} else {
		cand.ordered, cand.reverse = b.orderedBy(c, constant)
	}
	return cand, true
}

// fixesNull reports whether a field is fixed to NULL (which a unique index
// holds any number of times).
func (cand *candidate) fixesNull() bool {
	for _, by := range cand.fixedBy {
		if by != nil && by.op == filter.OpIsNull {
			return true
		}
	}
	return false
}

// fixedValues returns the encodings (tagged when tag) of the values one
// condition of terms fixes field f to, sorted and distinct, and that
// condition; nil when none does. secondary: the index holds NULL rows.
func fixedValues(f *qfield, terms []*cond, tag, secondary bool) ([][]byte, *cond) {
	var by *cond
terms:
	for _, t := range terms {
		switch {
		case t.f != f:
		case t.op == filter.OpEq, t.op == filter.OpLike && isFixing(t), t.op == filter.OpIsNull && f.nullable && secondary:
			by = t // one value: the best there is
			break terms
		case t.op == filter.OpInq && by == nil:
			by = t
		}
	}
	if by == nil {
		return nil, nil
	}
	var vals [][]byte
	switch by.op {
	case filter.OpIsNull:
		return [][]byte{{partNull}}, by
	case filter.OpLike:
		s, _ := by.pat.LiteralPrefix()
		vals = [][]byte{withTag(tag, encodeString(f.codec, s))}
	default:
		for _, a := range by.args {
			vals = append(vals, withTag(tag, a.enc))
		}
	}
	slices.SortFunc(vals, bytes.Compare)
	return slices.CompactFunc(vals, bytes.Equal), by
}

func withTag(tag bool, enc []byte) []byte {
	if !tag {
		return enc
	}
	return append([]byte{partValue}, enc...)
}

// encodeString returns the encoding of s in a string codec.
func encodeString(c *codec, s string) []byte { return c.appendKey(nil, unsafe.Pointer(&s)) }

// isRange reports whether t bounds its field to a range an index can read:
// gt, gte, lt, lte, between, and like with a literal prefix.
func isRange(t *cond) bool {
	switch t.op {
	case filter.OpGt, filter.OpGte, filter.OpLt, filter.OpLte, filter.OpBetween:
		return true
	case filter.OpLike:
		p, complete := t.pat.LiteralPrefix()
		return p != "" && !complete
	}
	return false
}

// orderedBy reports whether reading index c forward or backward gives the
// query's order, and which: the order's keys, less the fields fixed to one
// value, must be the index's fields, less those, then the primary key,
// all in one direction.
func (b *bound) orderedBy(c *column, constant map[*qfield]bool) (ok, reverse bool) {
	pk := b.m.query().pk
	var want []okey
	for _, k := range b.order {
		if constant[k.f] || slices.ContainsFunc(want, func(o okey) bool { return o.f == k.f }) {
			continue
		}
		want = append(want, k)
		if k.f == pk {
			break
		}
	}
	var have []*qfield
	for i := range c.nfields() {
		f := b.indexField(c, i)
		if constant[f] {
			continue
		}
		have = append(have, f)
		if f == pk {
			break
		}
	}
	if (len(have) == 0 || have[len(have)-1] != pk) && c != b.m.pk {
		// Every index but the primary key's orders its ties by primary
		// key (a unique field has none).
		have = append(have, pk)
	}
	if len(want) != len(have) {
		return false, false
	}
	for i, k := range want {
		if k.f != have[i] || k.desc != want[0].desc {
			return false, false
		}
	}
	return true, want[0].desc
}

// build completes the plan of the chosen candidate.
func (b *bound) build(cand *candidate, terms []*cond, scopeField *qfield, constant map[*qfield]bool) *plan {
	c := cand.c
	pl := &plan{idx: c, fixed: cand.fixed, param: cand.param, ordered: cand.ordered}
	pl.Model, pl.Index = b.m.name, c.name
	pl.Reverse = cand.ordered && cand.reverse
	for i := range cand.fixed {
		pl.Eq = append(pl.Eq, b.indexField(c, i).name)
	}
	if cand.param >= 0 {
		pl.ptag = tagged(c, cand.param)
	}
	used := map[*cond]bool{}
	for _, by := range cand.fixedBy {
		if by != nil {
			used[by] = true
		}
	}
	if len(cand.rng) > 0 {
		e := len(cand.fixed)
		pl.Range = b.indexField(c, e).name
		pl.ranged = true
		pl.nullEnd = tagged(c, e)
		pl.lo, pl.hi, pl.empty = rangeBounds(cand.rng, tagged(c, e))
		for _, t := range cand.rng {
			if t.op != filter.OpLike { // like 'p%' stays a filter: the range holds every string starting with p
				used[t] = true
			}
		}
	}
	var rest []pred
	for _, t := range terms {
		if !used[t] {
			rest = append(rest, compileCond(t))
		}
	}
	pl.residual = andPred(slices.DeleteFunc(rest, func(p pred) bool { return p == nil }))
	pl.checkScope = b.scope != nil && cand.param < 0
	pl.Residual = pl.residual != nil || pl.checkScope || (b.pos != nil && !pl.ordered)
	pl.Ranges = cand.ranges
	if pl.empty {
		pl.Ranges = 0
	}
	switch {
	case !pl.ordered:
		pl.Sort = true
		if b.limit > 0 {
			pl.TopK = b.stop()
		}
	case b.limit > 0:
		pl.Stop = b.stop()
	}
	if b.pos != nil && pl.ordered && pl.Ranges == 1 && !cand.point && b.posTail == 0 {
		pl.seek = b.seekKey(pl, constant, terms)
		// Exact: the seek key ends with the primary key, and no key of the
		// order follows it (a position is not a row: keys after a unique
		// one still compare with it).
		pl.seekExact = (c.ix != nil || c.appendsPK() || c == b.m.pk) && b.orderEndsWithPK()
		pl.Seek = pl.seek != nil
	}
	if pl.param < 0 {
		pl.ranges = pl.rangesFor(nil)
	}
	return pl
}

// rangeBounds intersects the bounds of conds on one field: [lo, hi) as
// keys relative to the fixed prefix (nil: unbounded); empty when nothing
// lies between them. tag: the field is a nullable secondary part.
func rangeBounds(conds []*cond, tag bool) (lo, hi []byte, empty bool) {
	low := func(k []byte) {
		if k == nil {
			empty = true // past the largest key
		} else if lo == nil || bytes.Compare(k, lo) > 0 {
			lo = k
		}
	}
	high := func(k []byte) {
		if k != nil && (hi == nil || bytes.Compare(k, hi) < 0) {
			hi = k
		}
	}
	for _, t := range conds {
		var enc []byte
		if len(t.args) > 0 {
			enc = withTag(tag, t.args[0].enc)
		}
		switch t.op {
		case filter.OpGt:
			low(prefixEnd(enc))
		case filter.OpGte:
			low(enc)
		case filter.OpLt:
			high(enc)
		case filter.OpLte:
			high(prefixEnd(enc))
		case filter.OpBetween:
			low(enc)
			high(prefixEnd(withTag(tag, t.args[1].enc)))
		case filter.OpLike:
			s, _ := t.pat.LiteralPrefix()
			p := encodeString(t.f.codec, s)
			p = withTag(tag, p[:len(p)-2]) // without the terminator: every string that starts with s
			low(p)
			high(prefixEnd(p))
		}
	}
	if lo != nil && hi != nil && bytes.Compare(lo, hi) >= 0 {
		empty = true
	}
	return lo, hi, empty
}

// stop returns Skip+Limit, the number of matches a read with a limit
// needs, saturated at the largest int.
func (b *bound) stop() int {
	if b.skip > math.MaxInt-b.limit {
		return math.MaxInt
	}
	return b.skip + b.limit
}

// orderEndsWithPK reports whether the primary key is the order's last key.
func (b *bound) orderEndsWithPK() bool {
	return b.order[len(b.order)-1].f == b.m.query().pk
}

// seekKey returns the key of the After position in the index after the
// fixed prefix, or nil when the position cannot be sought (the read then
// passes over the rows before it).
func (b *bound) seekKey(pl *plan, constant map[*qfield]bool, terms []*cond) []byte {
	c, pos := pl.idx, b.pos
	// An order key fixed to one value whose After value differs decides
	// alone whether every row comes after the position or none.
	for _, k := range b.order {
		if !constant[k.f] {
			continue
		}
		v, ok := fixedEncoding(k.f, terms)
		if !ok {
			return nil
		}
		if pv, null := fieldEncoding(k.f, pos); null || !bytes.Equal(pv, v) {
			return nil
		}
	}
	// So does a leading field of the index fixed by an inq of one value
	// (not constant above: an inq of several values is not).
	for i, vals := range pl.fixed {
		f := b.indexField(c, i)
		if i == pl.param || constant[f] || !slices.ContainsFunc(b.order, func(k okey) bool { return k.f == f }) {
			continue
		}
		enc, null := fieldEncoding(f, pos)
		if null && !tagged(c, i) {
			return nil // outside an index that holds no NULL
		}
		pv := []byte{partNull}
		if !null {
			pv = withTag(tagged(c, i), enc)
		}
		if len(vals) != 1 || !bytes.Equal(pv, vals[0]) {
			return nil
		}
	}
	var key []byte
	for i := len(pl.fixed); i < c.nfields(); i++ {
		f := b.indexField(c, i)
		var v []byte
		if constant[f] {
			enc, ok := fixedEncoding(f, terms)
			if !ok {
				return nil
			}
			v = enc
		} else {
			enc, null := fieldEncoding(f, pos)
			switch {
			case null && !tagged(c, i):
				return nil
			case null:
				key = append(key, partNull)
				continue
			}
			v = enc
		}
		key = append(key, withTag(tagged(c, i), v)...)
	}
	if c.ix != nil || c.appendsPK() {
		key = append(key, pos.key(0)...)
	}
	return key
}

// fixedEncoding returns the encoding of the one value a condition of terms
// fixes f to (IS NULL excluded).
func fixedEncoding(f *qfield, terms []*cond) ([]byte, bool) {
	for _, t := range terms {
		if t.f != f || !isFixing(t) {
			continue
		}
		switch t.op {
		case filter.OpEq:
			return t.args[0].enc, true
		case filter.OpLike:
			s, _ := t.pat.LiteralPrefix()
			return encodeString(f.codec, s), true
		}
		return nil, false
	}
	return nil, false
}

// fieldEncoding returns the encoding of f's value in rec, or null.
func fieldEncoding(f *qfield, rec *record) ([]byte, bool) {
	if f.shadow != nil {
		k := rec.key(f.shadow.slot)
		return k, k == nil
	}
	p := fieldAt(rec, f.offset, f.nullable)
	if p == nil {
		return nil, true
	}
	return f.codec.appendKey(nil, p), false
}

// rangesFor returns the key ranges of the plan, in key order, with param
// the owner's encoded key (RelQuery) or nil.
func (pl *plan) rangesFor(param []byte) []keyRange {
	if pl.empty {
		return nil
	}
	prefixes := [][]byte{nil}
	for i, vals := range pl.fixed {
		if i == pl.param {
			vals = [][]byte{withTag(pl.ptag, param)}
		}
		next := make([][]byte, 0, len(prefixes)*len(vals))
		for _, p := range prefixes {
			for _, v := range vals {
				next = append(next, concat(p, v))
			}
		}
		prefixes = next
	}
	out := make([]keyRange, 0, len(prefixes))
	for _, p := range prefixes {
		var r keyRange
		switch {
		case !pl.ranged:
			r = prefixRange(p)
		default:
			r.lo = p
			if pl.lo != nil {
				r.lo = concat(p, pl.lo)
			}
			switch {
			case pl.hi != nil:
				r.hi = concat(p, pl.hi)
			case pl.nullEnd:
				r.hi = concat(p, []byte{partNull})
			default:
				r.hi = prefixEnd(p)
			}
			if len(r.lo) == 0 {
				r.lo = nil
			}
		}
		if pl.seek != nil {
			r = seekRange(r, concat(p, pl.seek), pl.seekExact, pl.Reverse)
		}
		out = append(out, r)
	}
	return out
}

// seekRange narrows r to the keys after the position's key s in the
// read's direction: strictly after when s is exact (it ends with the
// primary key), else from the keys that start with s on (a unique field's
// index, whose key lacks the primary key: the rows with the position's
// value are left to the after check).
func seekRange(r keyRange, s []byte, exact, reverse bool) keyRange {
	if r.prefix {
		r = keyRange{lo: r.lo, hi: r.hi}
	}
	if reverse {
		h := s
		if !exact {
			h = prefixEnd(s)
		}
		if h != nil && (r.hi == nil || bytes.Compare(h, r.hi) < 0) {
			r.hi = h
		}
		return r
	}
	a := s
	if exact {
		a = keyAfter(s)
	}
	if r.lo == nil || bytes.Compare(a, r.lo) > 0 {
		r.lo = a
	}
	return r
}
