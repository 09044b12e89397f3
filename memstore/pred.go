package memstore

import (
	"bytes"
	"cmp"
	"reflect"
	"time"
	"unsafe"

	"github.com/relstore/relstore/filter"
)

// A pred reports whether a stored record matches a condition. It reads the
// row in place (rec.ptr) and the record's encoded keys, never copies, and
// allocates nothing: the per-row cost of a condition is one indirect call
// and a compare. Conditions are compiled once, when a filter is bound.
//
// NULL follows SQL: a comparison with a NULL field is unknown, and since a
// filter has no NOT (negation exists only as neq, nin, nlike, nilike, each
// false on NULL), unknown can be folded to false at each comparison and
// and/or stay two-valued.
type pred func(rec *record) bool

// rowCmp compares two records in a bound order.
type rowCmp func(a, b *record) int

// fieldAt returns a pointer to the value of the field at off in rec's row,
// or nil when the nullable field is NULL.
func fieldAt(rec *record, off uintptr, nullable bool) unsafe.Pointer {
	p := unsafe.Add(rec.ptr, off)
	if nullable {
		return *(*unsafe.Pointer)(p)
	}
	return p
}

func never(*record) bool { return false }

// compileCond returns c's predicate; nil means every row matches.
func compileCond(c *cond) pred {
	switch c.op {
	case 0:
		return nil
	case filter.OpAnd:
		var ps []pred
		for _, t := range c.terms {
			if p := compileCond(t); p != nil {
				ps = append(ps, p)
			}
		}
		return andPred(ps)
	case filter.OpOr:
		var ps []pred
		for _, t := range c.terms {
			p := compileCond(t)
			if p == nil {
				return nil
			}
			ps = append(ps, p)
		}
		switch len(ps) {
		case 0:
			return never
		case 1:
			return ps[0]
		case 2:
			a, b := ps[0], ps[1]
			return func(rec *record) bool { return a(rec) || b(rec) }
		}
		return func(rec *record) bool {
			for _, p := range ps {
				if p(rec) {
					return true
				}
			}
			return false
		}
	}
	return compileLeaf(c)
}

// andPred returns the conjunction of ps; nil when there are none.
func andPred(ps []pred) pred {
	switch len(ps) {
	case 0:
		return nil
	case 1:
		return ps[0]
	case 2:
		a, b := ps[0], ps[1]
		return func(rec *record) bool { return a(rec) && b(rec) }
	}
	return func(rec *record) bool {
		for _, p := range ps {
			if !p(rec) {
				return false
			}
		}
		return true
	}
}

// compileLeaf returns the predicate of a comparison of one field.
func compileLeaf(c *cond) pred {
	f := c.f
	switch c.op {
	case filter.OpIsNull, filter.OpNotNull:
		want := c.op == filter.OpNotNull
		switch {
		case f.shadow != nil:
			slot := f.shadow.slot
			return func(rec *record) bool { return (rec.key(slot) != nil) == want }
		case !f.nullable:
			if want {
				return func(*record) bool { return true }
			}
			return never
		}
		off := f.offset
		return func(rec *record) bool { return (*(*unsafe.Pointer)(unsafe.Add(rec.ptr, off)) != nil) == want }
	}
	if c.op == filter.OpNin && len(c.args) == 0 {
		return nil // x <> ALL('{}'): every row, NULL included
	}
	if f.shadow != nil {
		return shadowLeaf(c)
	}
	conv := func(v reflect.Value) int64 { return v.Int() }
	uconv := func(v reflect.Value) uint64 { return v.Uint() }
	switch f.codec.kind {
	case kindInt:
		switch f.codec.size {
		case 1:
			return ordLeaf(c, func(v reflect.Value) int8 { return int8(conv(v)) }, false)
		case 2:
			return ordLeaf(c, func(v reflect.Value) int16 { return int16(conv(v)) }, false)
		case 4:
			return ordLeaf(c, func(v reflect.Value) int32 { return int32(conv(v)) }, false)
		}
		return ordLeaf(c, conv, false)
	case kindUint:
		switch f.codec.size {
		case 1:
			return ordLeaf(c, func(v reflect.Value) uint8 { return uint8(uconv(v)) }, false)
		case 2:
			return ordLeaf(c, func(v reflect.Value) uint16 { return uint16(uconv(v)) }, false)
		case 4:
			return ordLeaf(c, func(v reflect.Value) uint32 { return uint32(uconv(v)) }, false)
		}
		return ordLeaf(c, uconv, false)
	case kindFloat:
		if f.codec.size == 4 {
			return ordLeaf(c, func(v reflect.Value) float32 { return float32(v.Float()) }, true)
		}
		return ordLeaf(c, func(v reflect.Value) float64 { return v.Float() }, true)
	case kindBool:
		// A bool is one byte, 0 or 1: ordered as false < true.
		return ordLeaf(c, func(v reflect.Value) uint8 {
			if v.Bool() {
				return 1
			}
			return 0
		}, false)
	case kindString:
		if c.pat != nil || c.re != nil {
			return stringMatchLeaf(c)
		}
		return ordLeaf(c, func(v reflect.Value) string { return v.String() }, false)
	case kindTime:
		return cmpLeaf(c, func(v reflect.Value) time.Time { return v.Convert(typeTime).Interface().(time.Time).Round(0) },
			func(a, b *time.Time) int { return a.Compare(*b) })
	case kindBytes16:
		return cmpLeaf(c, func(v reflect.Value) [16]byte {
			var u [16]byte
			reflect.Copy(reflect.ValueOf(&u).Elem(), v)
			return u
		}, func(a, b *[16]byte) int { return bytes.Compare(a[:], b[:]) })
	}
	panic("memstore: internal: condition on a field of kind " + f.elem.String())
}

// smallList is the longest inq or nin list searched linearly; longer ones
// are hashed.
const smallList = 8

// ordLeaf compiles a comparison of a field of an ordered Go kind V (the
// field's underlying type: a named type is read as its underlying one).
// nan marks a float kind: a stored NaN (possible in a field no index holds)
// sorts after every number, as in PostgreSQL, so gt and gte match it.
func ordLeaf[V cmp.Ordered](c *cond, conv func(reflect.Value) V, nan bool) pred {
	off, nullable := c.f.offset, c.f.nullable
	a := make([]V, len(c.args))
	for i, o := range c.args {
		a[i] = conv(o.v)
	}
	switch c.op {
	case filter.OpEq:
		x := a[0]
		return func(rec *record) bool { p := fieldAt(rec, off, nullable); return p != nil && *(*V)(p) == x }
	case filter.OpNeq:
		x := a[0]
		return func(rec *record) bool { p := fieldAt(rec, off, nullable); return p != nil && *(*V)(p) != x }
	case filter.OpGt:
		x := a[0]
		if nan {
			return func(rec *record) bool {
				p := fieldAt(rec, off, nullable)
				return p != nil && (*(*V)(p) > x || *(*V)(p) != *(*V)(p))
			}
		}
		return func(rec *record) bool { p := fieldAt(rec, off, nullable); return p != nil && *(*V)(p) > x }
	case filter.OpGte:
		x := a[0]
		if nan {
			return func(rec *record) bool {
				p := fieldAt(rec, off, nullable)
				return p != nil && (*(*V)(p) >= x || *(*V)(p) != *(*V)(p))
			}
		}
		return func(rec *record) bool { p := fieldAt(rec, off, nullable); return p != nil && *(*V)(p) >= x }
	case filter.OpLt:
		x := a[0]
		return func(rec *record) bool { p := fieldAt(rec, off, nullable); return p != nil && *(*V)(p) < x }
	case filter.OpLte:
		x := a[0]
		return func(rec *record) bool { p := fieldAt(rec, off, nullable); return p != nil && *(*V)(p) <= x }
	case filter.OpBetween:
		lo, hi := a[0], a[1]
		return func(rec *record) bool {
			p := fieldAt(rec, off, nullable)
			return p != nil && lo <= *(*V)(p) && *(*V)(p) <= hi
		}
	case filter.OpInq, filter.OpNin:
		want := c.op == filter.OpInq
		if len(a) <= smallList {
			return func(rec *record) bool {
				p := fieldAt(rec, off, nullable)
				if p == nil {
					return false
				}
				v := *(*V)(p)
				for _, x := range a {
					if v == x {
						return want
					}
				}
				return !want
			}
		}
		set := make(map[V]struct{}, len(a))
		for _, x := range a {
			set[x] = struct{}{}
		}
		return func(rec *record) bool {
			p := fieldAt(rec, off, nullable)
			if p == nil {
				return false
			}
			_, in := set[*(*V)(p)]
			return in == want
		}
	}
	panic("memstore: internal: operator " + c.op.String() + " on an ordered field")
}

// cmpLeaf compiles a comparison of a field of kind V compared by compare:
// time.Time (by instant) and [16]byte.
func cmpLeaf[V any](c *cond, conv func(reflect.Value) V, compare func(a, b *V) int) pred {
	off, nullable := c.f.offset, c.f.nullable
	a := make([]V, len(c.args))
	for i, o := range c.args {
		a[i] = conv(o.v)
	}
	test := func(ok func(r int) bool) pred {
		x := &a[0]
		return func(rec *record) bool {
			p := fieldAt(rec, off, nullable)
			return p != nil && ok(compare((*V)(p), x))
		}
	}
	switch c.op {
	case filter.OpEq:
		return test(func(r int) bool { return r == 0 })
	case filter.OpNeq:
		return test(func(r int) bool { return r != 0 })
	case filter.OpGt:
		return test(func(r int) bool { return r > 0 })
	case filter.OpGte:
		return test(func(r int) bool { return r >= 0 })
	case filter.OpLt:
		return test(func(r int) bool { return r < 0 })
	case filter.OpLte:
		return test(func(r int) bool { return r <= 0 })
	case filter.OpBetween:
		lo, hi := &a[0], &a[1]
		return func(rec *record) bool {
			p := fieldAt(rec, off, nullable)
			return p != nil && compare((*V)(p), lo) >= 0 && compare((*V)(p), hi) <= 0
		}
	case filter.OpInq, filter.OpNin:
		want := c.op == filter.OpInq
		return func(rec *record) bool {
			p := fieldAt(rec, off, nullable)
			if p == nil {
				return false
			}
			for i := range a {
				if compare((*V)(p), &a[i]) == 0 {
					return want
				}
			}
			return !want
		}
	}
	panic("memstore: internal: operator " + c.op.String() + " on a compared field")
}

// stringMatchLeaf compiles like, nlike, ilike, nilike and regexp.
func stringMatchLeaf(c *cond) pred {
	off, nullable := c.f.offset, c.f.nullable
	if c.re != nil {
		re := c.re
		return func(rec *record) bool {
			p := fieldAt(rec, off, nullable)
			return p != nil && re.MatchString(*(*string)(p))
		}
	}
	pat, want := c.pat, c.op == filter.OpLike || c.op == filter.OpILike
	return func(rec *record) bool {
		p := fieldAt(rec, off, nullable)
		return p != nil && pat.Match(*(*string)(p)) == want
	}
}

// shadowLeaf compiles a comparison of a shadow column, on its encoded key
// in the record: the encoding orders as the values do.
func shadowLeaf(c *cond) pred {
	slot, codec := c.f.shadow.slot, c.f.codec
	if c.pat != nil || c.re != nil {
		pat, re, want := c.pat, c.re, c.op == filter.OpLike || c.op == filter.OpILike || c.op == filter.OpRegexp
		return func(rec *record) bool {
			k := rec.key(slot)
			if k == nil {
				return false
			}
			s := codec.decode(k).String()
			if re != nil {
				return re.MatchString(s)
			}
			return pat.Match(s) == want
		}
	}
	enc := make([][]byte, len(c.args))
	for i, o := range c.args {
		enc[i] = o.enc
	}
	test := func(ok func(r int) bool) pred {
		x := enc[0]
		return func(rec *record) bool {
			k := rec.key(slot)
			return k != nil && ok(bytes.Compare(k, x))
		}
	}
	switch c.op {
	case filter.OpEq:
		return test(func(r int) bool { return r == 0 })
	case filter.OpNeq:
		return test(func(r int) bool { return r != 0 })
	case filter.OpGt:
		return test(func(r int) bool { return r > 0 })
	case filter.OpGte:
		return test(func(r int) bool { return r >= 0 })
	case filter.OpLt:
		return test(func(r int) bool { return r < 0 })
	case filter.OpLte:
		return test(func(r int) bool { return r <= 0 })
	case filter.OpBetween:
		lo, hi := enc[0], enc[1]
		return func(rec *record) bool {
			k := rec.key(slot)
			return k != nil && bytes.Compare(k, lo) >= 0 && bytes.Compare(k, hi) <= 0
		}
	case filter.OpInq, filter.OpNin:
		want := c.op == filter.OpInq
		return func(rec *record) bool {
			k := rec.key(slot)
			if k == nil {
				return false
			}
			for _, x := range enc {
				if bytes.Equal(k, x) {
					return want
				}
			}
			return !want
		}
	}
	panic("memstore: internal: operator " + c.op.String() + " on a shadow column")
}

// compileOrder returns the comparison of two records in the order keys:
// each key ascending with NULLs last, or descending with NULLs first (NULL
// is the largest value either way), the primary key last.
func compileOrder(keys []okey) rowCmp {
	at := func(k okey) rowCmp {
		if k.desc {
			return k.f.desc
		}
		return k.f.asc
	}
	switch len(keys) {
	case 1:
		return at(keys[0])
	case 2:
		c0, c1 := at(keys[0]), at(keys[1])
		return func(a, b *record) int {
			if r := c0(a, b); r != 0 {
				return r
			}
			return c1(a, b)
		}
	}
	cmps := make([]rowCmp, len(keys))
	for i, k := range keys {
		cmps[i] = at(k)
	}
	return func(a, b *record) int {
		for _, c := range cmps {
			if r := c(a, b); r != 0 {
				return r
			}
		}
		return 0
	}
}

// fieldCmp compares the values of field f of two records, ascending, NULL
// last.
func fieldCmp(f *qfield) rowCmp {
	if f.shadow != nil {
		slot := f.shadow.slot
		return func(a, b *record) int {
			ka, kb := a.key(slot), b.key(slot)
			if ka == nil || kb == nil {
				return nullCmp(ka == nil, kb == nil)
			}
			return bytes.Compare(ka, kb)
		}
	}
	off, nullable := f.offset, f.nullable
	switch f.codec.kind {
	case kindInt:
		switch f.codec.size {
		case 1:
			return ordCmp[int8](off, nullable)
		case 2:
			return ordCmp[int16](off, nullable)
		case 4:
			return ordCmp[int32](off, nullable)
		}
		return ordCmp[int64](off, nullable)
	case kindUint, kindBool:
		switch f.codec.size {
		case 1:
			return ordCmp[uint8](off, nullable)
		case 2:
			return ordCmp[uint16](off, nullable)
		case 4:
			return ordCmp[uint32](off, nullable)
		}
		return ordCmp[uint64](off, nullable)
	case kindFloat:
		if f.codec.size == 4 {
			return floatCmp[float32](off, nullable)
		}
		return floatCmp[float64](off, nullable)
	case kindString:
		return ordCmp[string](off, nullable)
	case kindTime:
		return func(a, b *record) int {
			pa, pb := fieldAt(a, off, nullable), fieldAt(b, off, nullable)
			if pa == nil || pb == nil {
				return nullCmp(pa == nil, pb == nil)
			}
			return (*time.Time)(pa).Compare(*(*time.Time)(pb))
		}
	case kindBytes16:
		return func(a, b *record) int {
			pa, pb := fieldAt(a, off, nullable), fieldAt(b, off, nullable)
			if pa == nil || pb == nil {
				return nullCmp(pa == nil, pb == nil)
			}
			return bytes.Compare((*[16]byte)(pa)[:], (*[16]byte)(pb)[:])
		}
	}
	panic("memstore: internal: order on a field of kind " + f.elem.String())
}

// nullCmp compares two values of which at least one is NULL: NULL last.
func nullCmp(aNull, bNull bool) int {
	switch {
	case aNull && bNull:
		return 0
	case aNull:
		return 1
	}
	return -1
}

func ordCmp[V cmp.Ordered](off uintptr, nullable bool) rowCmp {
	return func(a, b *record) int {
		pa, pb := fieldAt(a, off, nullable), fieldAt(b, off, nullable)
		if pa == nil || pb == nil {
			return nullCmp(pa == nil, pb == nil)
		}
		x, y := *(*V)(pa), *(*V)(pb)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
}

// floatCmp is ordCmp for floats: a stored NaN sorts after every number, as
// in PostgreSQL; -0 equals 0.
func floatCmp[V float32 | float64](off uintptr, nullable bool) rowCmp {
	return func(a, b *record) int {
		pa, pb := fieldAt(a, off, nullable), fieldAt(b, off, nullable)
		if pa == nil || pb == nil {
			return nullCmp(pa == nil, pb == nil)
		}
		x, y := *(*V)(pa), *(*V)(pb)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		case x == y:
			return 0
		}
		xn, yn := x != x, y != y
		switch {
		case xn && yn:
			return 0
		case xn:
			return 1
		}
		return -1
	}
}
