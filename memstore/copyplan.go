package memstore

import (
	"math/bits"
	"reflect"
	"sync/atomic"
	"time"
	"unsafe"
)

// A copy plan says how to copy a value of one Go type so that the copy
// shares no mutable memory with the original, and how much memory the value
// holds. The store makes one per model when it opens (planner), from the
// type's fields, exported or not, and only reads it afterwards: copying a
// row follows a short list of operations at fixed offsets, with no
// reflection over the type.
//
// What a copy does, by kind of field (see "Copies" in Table's doc for the
// user's version):
//
//   - bools, numbers, arrays and structs of them, strings (immutable) and
//     time.Time (its *Location is immutable and compared by identity): the
//     assignment that copies the struct copies them; nothing else to do;
//   - a pointer: a new value, copied from the old one, then made private in
//     turn; a pointer to a pointer-free value (a nullable foreign key, an
//     *int64) is one allocation of the value's size and a memmove;
//   - a slice: a new backing array of exactly its length, elements copied,
//     then made private in turn (a nil slice stays nil, an empty one gets no
//     memory of its own);
//   - a map: a new map with the same keys, values made private (keys are
//     kept as they are: a key's identity is what a map looks it up by);
//   - an interface, channel, function or unsafe.Pointer value, and a
//     *time.Location: shared with the original, never followed, not
//     counted in a row's size.
//
// Pointers that lead back to a value being copied (a type that can reach
// itself, like a linked list node) are copied faithfully: each pointer,
// slice and map reached more than once through such a type is copied once,
// so a cycle becomes the same cycle in the copy, and sharing inside the row
// is kept. Copies of types that cannot reach themselves do not keep sharing
// (two fields pointing at one value get a copy each; the type's depth
// bounds the work). The copy never recurses on the data: pending values wait
// on a work list, so no depth of nesting can overflow the stack.
type copyPlan struct {
	typ    reflect.Type
	size   uintptr
	noscan bool      // the type holds no pointers at all
	str    bool      // the type is a string kind
	ops    []copyOp  // the references a copy must replace, in field order
	strs   []uintptr // offsets of the strings held inline, for sizes
	// recursive: the type can reach itself through references, so a copy
	// keeps a map of what it has copied (cycles, sharing).
	recursive bool
	// flat: every op is a pointer to a pointer-free value or a string, or
	// a slice of them: the common realistic row (nullable keys, tags),
	// which copyOnly copies in one pass, with no work list.
	flat bool

	// blocks are the record block types of a model of this type that keep
	// strings inline, by key class and string class (see blockFor).
	blocks [18 * strClasses]atomic.Pointer[blockType]

	// Set while the planner builds the plan.
	building, cyclic bool
}

// plain reports whether an assignment copies a value of the plan's type
// completely: it holds no references but strings and shared ones.
func (pl *copyPlan) plain() bool { return len(pl.ops) == 0 }

type opKind uint8

const (
	opScalarPtr opKind = iota // *E, E pointer-free: one noscan allocation
	opPtr                     // *E, E with pointers
	opSlice                   // []E
	opMap                     // map[K]E
	opArray                   // [n]E whose elements have references, not flattened
)

// copyOp is one reference field of a plan's type.
type copyOp struct {
	kind opKind
	off  uintptr      // the field's offset in the value
	typ  reflect.Type // the field's type
	elem *copyPlan    // the pointed-to, element or map value type
	n    int          // an array's length
}

// Types whose values are copied by assignment, or shared through pointers,
// whatever their fields say.
var (
	timeType     = reflect.TypeFor[time.Time]()
	locationType = reflect.TypeFor[time.Location]()
)

// flattenArray bounds the references of an array that a plan lists one by
// one; a larger array is one opArray.
const flattenArray = 16

// planner builds the copy plans of one schema: one per type, shared, so a
// type that reaches itself gets a plan that reaches itself.
type planner struct {
	plans map[reflect.Type]*copyPlan
	stack []*copyPlan // plans being built, outermost first
}

func newPlanner() *planner { return &planner{plans: map[reflect.Type]*copyPlan{}} }

// plan returns the plan of t.
func (pb *planner) plan(t reflect.Type) *copyPlan {
	if pl, ok := pb.plans[t]; ok {
		if pl.building {
			// t reaches itself: every plan from t's down to here is on the
			// cycle.
			for i := len(pb.stack) - 1; i >= 0; i-- {
				pb.stack[i].cyclic = true
				if pb.stack[i] == pl {
					break
				}
			}
		}
		return pl
	}
	pl := &copyPlan{typ: t, size: t.Size(), noscan: !hasPointers(t), str: t.Kind() == reflect.String, building: true}
	pb.plans[t] = pl
	pb.stack = append(pb.stack, pl)
	pb.add(pl, t, 0)
	pb.stack = pb.stack[:len(pb.stack)-1]
	pl.building = false
	pl.recursive = pl.cyclic
	pl.flat = !pl.cyclic
	for _, op := range pl.ops {
		pl.recursive = pl.recursive || op.elem.recursive || op.elem.cyclic
		leaf := op.elem.noscan || op.elem.str
		pl.flat = pl.flat && leaf && (op.kind == opScalarPtr || op.kind == opPtr || op.kind == opSlice)
	}
	return pl
}

// add lists in pl the references of a value of type t at offset off.
func (pb *planner) add(pl *copyPlan, t reflect.Type, off uintptr) {
	if t == timeType {
		return
	}
	switch t.Kind() {
	case reflect.String:
		pl.strs = append(pl.strs, off)
	case reflect.Pointer:
		e := t.Elem()
		if e == locationType || e.Size() == 0 {
			return // shared: immutable, or nothing to copy
		}
		ep := pb.plan(e)
		kind := opPtr
		if ep.noscan {
			kind = opScalarPtr
		}
		pl.ops = append(pl.ops, copyOp{kind: kind, off: off, typ: t, elem: ep})
	case reflect.Slice:
		pl.ops = append(pl.ops, copyOp{kind: opSlice, off: off, typ: t, elem: pb.plan(t.Elem())})
	case reflect.Map:
		pl.ops = append(pl.ops, copyOp{kind: opMap, off: off, typ: t, elem: pb.plan(t.Elem())})
	case reflect.Array:
		n, e := t.Len(), t.Elem()
		if n == 0 || e.Size() == 0 {
			return
		}
		ep := pb.plan(e)
		switch refs := len(ep.ops) + len(ep.strs); {
		case refs == 0:
		case n*refs <= flattenArray && !ep.building:
			for i := range n {
				pb.add(pl, e, off+uintptr(i)*ep.size)
			}
		default:
			pl.ops = append(pl.ops, copyOp{kind: opArray, off: off, typ: t, elem: ep, n: n})
		}
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			pb.add(pl, f.Type, off+f.Offset)
		}
	}
	// Interfaces, channels, functions and unsafe pointers are shared.
}

// hasPointers reports whether a value of type t holds any pointer.
func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface, reflect.Chan, reflect.Func,
		reflect.UnsafePointer, reflect.String:
		return true
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}

// sliceHeader is the layout of every slice.
type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

// pending is work a copy has left for later: n values of plan pl, side by
// side, at dst (the copy, nil when only measuring) and src (the original).
type pending struct {
	pl       *copyPlan
	dst, src unsafe.Pointer
	n        int
}

// memoKey identifies what a copy of a recursive type has copied already: a
// pointer's target, a slice's elements or a map (n < 0), by the original's
// address.
type memoKey struct {
	src unsafe.Pointer
	pl  *copyPlan
	n   int
}

// mapInsert is a map entry whose value waits for its copy to be finished.
type mapInsert struct {
	m, k reflect.Value
	v    unsafe.Pointer
	t    reflect.Type
}

// copier is the state of one copy (or measurement) of a value.
type copier struct {
	work    []pending
	memo    map[memoKey]unsafe.Pointer // recursive plans only
	inserts []mapInsert
	bytes   int64 // memory the copy holds besides the top value: allocations and strings
	measure bool  // count only: allocate and write nothing
	memoOn  bool
	batch   *batch // where small allocations come from; nil: one each
}

// batch carves the pointer-free values and the string arrays of many copies
// (the rows of one read: children, a scan) from a few chunks, instead of
// allocating each. Copies stay private from each other, since each gets its
// own range and a slice's capacity ends with its range; a row the caller
// keeps keeps its chunk alive (at most batchMax words or strings). The zero
// batch is ready; a batch is used by one goroutine.
type batch struct {
	words []uint64
	strs  []string
	nw    int // the size of the next chunk of words
	ns    int // the size of the next chunk of strings
}

// Chunk sizes of a batch: they double from batchMin to batchMax elements.
const (
	batchMin = 16
	batchMax = 512
)

// noscan returns n bytes of pointer-free memory, 8-byte aligned.
func (b *batch) noscan(n uintptr) unsafe.Pointer {
	w := int((n + 7) / 8)
	if len(b.words) < w {
		b.nw = min(max(b.nw*2, batchMin), batchMax)
		if w > b.nw/2 {
			return allocNoscan(n)
		}
		b.words = make([]uint64, b.nw)
	}
	p := unsafe.Pointer(&b.words[0])
	b.words = b.words[w:]
	return p
}

// strings returns n zero strings, side by side.
func (b *batch) strings(n int) []string {
	if len(b.strs) < n {
		b.ns = min(max(b.ns*2, batchMin), batchMax)
		if n > b.ns/2 {
			return make([]string, n)
		}
		b.strs = make([]string, b.ns)
	}
	s := b.strs[:n:n]
	b.strs = b.strs[n:]
	return s
}

// copyRefs gives dst, which holds an assignment copy of the value of pl's
// type at src, its own memory for every reference (see copyPlan). dst and
// src may be equal. It returns the bytes of memory the copy holds besides
// the value itself (strings included).
func (pl *copyPlan) copyRefs(dst, src unsafe.Pointer, b *batch) int64 {
	c := copier{memoOn: pl.recursive, batch: b}
	pl.walk(&c, dst, src)
	c.drain()
	return c.bytes
}

// copyOnly is copyRefs without the count: a flat plan's copy in one pass.
func (pl *copyPlan) copyOnly(dst, src unsafe.Pointer, b *batch) {
	if !pl.flat {
		pl.copyRefs(dst, src, b)
		return
	}
	pl.copyFlat(dst, src, b)
}

// copyFlat is copyOnly for a flat plan.
func (pl *copyPlan) copyFlat(dst, src unsafe.Pointer, b *batch) {
	for i := range pl.ops {
		op := &pl.ops[i]
		e := op.elem
		sp, dp := unsafe.Add(src, op.off), unsafe.Add(dst, op.off)
		if op.kind != opSlice {
			old := *(*unsafe.Pointer)(sp)
			if old == nil {
				continue
			}
			var n unsafe.Pointer
			if e.str {
				var s *string
				if b != nil {
					s = &b.strings(1)[0]
				} else {
					s = new(string)
				}
				*s = *(*string)(old)
				n = unsafe.Pointer(s)
			} else {
				if b != nil {
					n = b.noscan(e.size)
				} else {
					n = allocNoscan(e.size)
				}
				memmove(n, old, e.size)
			}
			*(*unsafe.Pointer)(dp) = n
			continue
		}
		old := *(*sliceHeader)(sp)
		if old.data == nil {
			continue
		}
		var n unsafe.Pointer
		switch {
		case old.len == 0 || e.size == 0:
			n = unsafe.Pointer(unsafe.SliceData(make([]byte, 0)))
		case e.str:
			var s []string
			if b != nil {
				s = b.strings(old.len)
			} else {
				s = make([]string, old.len)
			}
			copy(s, unsafe.Slice((*string)(old.data), old.len))
			n = unsafe.Pointer(unsafe.SliceData(s))
		default:
			size := uintptr(old.len) * e.size
			if b != nil {
				n = b.noscan(size)
			} else {
				n = allocNoscan(size)
			}
			memmove(n, old.data, size)
		}
		*(*sliceHeader)(dp) = sliceHeader{data: n, len: old.len, cap: old.len}
	}
}

// heapSize returns the bytes of memory the value of pl's type at p holds:
// its own size, its strings' bytes, and everything its references reach
// that a copy would copy.
func (pl *copyPlan) heapSize(p unsafe.Pointer) int64 {
	if len(pl.ops) == 0 {
		return int64(pl.size) + pl.stringBytes(p)
	}
	c := copier{measure: true, memoOn: pl.recursive}
	pl.walk(&c, nil, p)
	c.drain()
	return int64(pl.size) + c.bytes
}

// stringBytes returns the length of the strings held inline in the value at p.
func (pl *copyPlan) stringBytes(p unsafe.Pointer) int64 {
	var n int64
	for _, off := range pl.strs {
		n += int64(len(*(*string)(unsafe.Add(p, off))))
	}
	return n
}

// drain finishes the pending work, then the map entries waiting for it.
func (c *copier) drain() {
	for len(c.work) > 0 {
		w := c.work[len(c.work)-1]
		c.work = c.work[:len(c.work)-1]
		for i := range w.n {
			off := uintptr(i) * w.pl.size
			var dst unsafe.Pointer
			if !c.measure {
				dst = unsafe.Add(w.dst, off)
			}
			w.pl.walk(c, dst, unsafe.Add(w.src, off))
		}
	}
	for _, ins := range c.inserts {
		ins.m.SetMapIndex(ins.k, reflect.NewAt(ins.t, ins.v).Elem())
	}
	c.inserts = nil
}

// later queues n values of pl at dst/src for walking if they hold
// references to copy; strings are counted at once.
func (c *copier) later(pl *copyPlan, dst, src unsafe.Pointer, n int) {
	if len(pl.ops) > 0 {
		c.work = append(c.work, pending{pl: pl, dst: dst, src: src, n: n})
		return
	}
	if len(pl.strs) > 0 {
		for i := range n {
			c.bytes += pl.stringBytes(unsafe.Add(src, uintptr(i)*pl.size))
		}
	}
}

// seen returns what the copy made of the original at src already, for a
// recursive plan; else it records dst as the copy.
func (c *copier) seen(k memoKey, dst unsafe.Pointer) (unsafe.Pointer, bool) {
	if !c.memoOn {
		return nil, false
	}
	if c.memo == nil {
		c.memo = map[memoKey]unsafe.Pointer{}
	}
	if p, ok := c.memo[k]; ok {
		return p, true
	}
	c.memo[k] = dst
	return nil, false
}

// walk copies (or measures) the references of the value at src into the
// copy at dst, which holds an assignment copy of it. It writes only through
// dst and reads only through src: dst never escapes.
func (pl *copyPlan) walk(c *copier, dst, src unsafe.Pointer) {
	c.bytes += pl.stringBytes(src)
	for i := range pl.ops {
		op := &pl.ops[i]
		sp := unsafe.Add(src, op.off)
		switch op.kind {
		case opScalarPtr, opPtr:
			old := *(*unsafe.Pointer)(sp)
			if old == nil {
				continue
			}
			n := c.pointee(op.elem, old)
			if !c.measure {
				*(*unsafe.Pointer)(unsafe.Add(dst, op.off)) = n
			}
		case opSlice:
			old := *(*sliceHeader)(sp)
			if old.data == nil {
				continue
			}
			n := c.slice(op, old)
			if !c.measure {
				*(*sliceHeader)(unsafe.Add(dst, op.off)) = sliceHeader{data: n, len: old.len, cap: old.len}
			}
		case opMap:
			old := *(*unsafe.Pointer)(sp)
			if old == nil {
				continue
			}
			n := c.mapCopy(op, old)
			if !c.measure {
				*(*unsafe.Pointer)(unsafe.Add(dst, op.off)) = n
			}
		case opArray:
			for j := range op.n {
				off := op.off + uintptr(j)*op.elem.size
				var d unsafe.Pointer
				if !c.measure {
					d = unsafe.Add(dst, off)
				}
				op.elem.walk(c, d, unsafe.Add(src, off))
			}
		}
	}
}

// pointee returns the copy of the value of plan e at old (nil when
// measuring).
func (c *copier) pointee(e *copyPlan, old unsafe.Pointer) unsafe.Pointer {
	k := memoKey{src: old, pl: e, n: 1}
	if p, ok := c.seen(k, nil); ok {
		return p
	}
	c.bytes += allocSize(e.size)
	if c.measure {
		c.later(e, nil, old, 1)
		return nil
	}
	var n unsafe.Pointer
	switch {
	case e.noscan:
		if c.batch != nil {
			n = c.batch.noscan(e.size)
		} else {
			n = allocNoscan(e.size)
		}
		memmove(n, old, e.size)
	case e.str:
		var s *string
		if c.batch != nil {
			s = &c.batch.strings(1)[0]
		} else {
			s = new(string)
		}
		*s = *(*string)(old)
		n = unsafe.Pointer(s)
	default:
		n = reflect.New(e.typ).UnsafePointer()
		typedmemmove(e.typ, n, old)
	}
	if c.memoOn {
		c.memo[k] = n
	}
	c.later(e, n, old, 1)
	return n
}

// slice returns the copy of the elements of the slice old (nil when
// measuring): a new array of exactly old.len elements.
func (c *copier) slice(op *copyOp, old sliceHeader) unsafe.Pointer {
	e := op.elem
	if old.len == 0 || e.size == 0 {
		// No elements to own: an empty, capacity-less slice of no memory
		// (appending to it allocates).
		return unsafe.Pointer(unsafe.SliceData(make([]byte, 0)))
	}
	k := memoKey{src: old.data, pl: e, n: old.len}
	if p, ok := c.seen(k, nil); ok {
		return p
	}
	size := uintptr(old.len) * e.size
	c.bytes += allocSize(size)
	if c.measure {
		c.later(e, nil, old.data, old.len)
		return nil
	}
	var n unsafe.Pointer
	switch {
	case e.noscan:
		if c.batch != nil {
			n = c.batch.noscan(size)
		} else {
			n = allocNoscan(size)
		}
		memmove(n, old.data, size)
	case e.str:
		var s []string
		if c.batch != nil {
			s = c.batch.strings(old.len)
		} else {
			s = make([]string, old.len)
		}
		copy(s, unsafe.Slice((*string)(old.data), old.len))
		n = unsafe.Pointer(unsafe.SliceData(s))
	default:
		nv := reflect.MakeSlice(op.typ, old.len, old.len)
		reflect.Copy(nv, reflect.NewAt(op.typ, unsafe.Pointer(&old)).Elem())
		n = nv.UnsafePointer()
	}
	if c.memoOn {
		c.memo[k] = n
	}
	c.later(e, n, old.data, old.len)
	return n
}

// mapCopy returns the copy of the map old (nil when measuring).
func (c *copier) mapCopy(op *copyOp, old unsafe.Pointer) unsafe.Pointer {
	k := memoKey{src: old, pl: op.elem, n: -1}
	if p, ok := c.seen(k, nil); ok {
		return p
	}
	// A map is a pointer: old, moved to the heap here, is a map variable.
	mv := reflect.NewAt(op.typ, unsafe.Pointer(&old)).Elem()
	kt, e := op.typ.Key(), op.elem
	// A map holds about (key + value + 1 control byte) per slot, at most
	// 7/8 of its slots full, and a header.
	c.bytes += allocSize(uintptr(mv.Len())*(kt.Size()+e.size+1)*8/7) + 48
	var nm reflect.Value
	if !c.measure {
		nm = reflect.MakeMapWithSize(op.typ, mv.Len())
		if c.memoOn {
			c.memo[k] = nm.UnsafePointer()
		}
	}
	deep := len(e.ops) > 0
	kv, vv := reflect.New(kt).Elem(), reflect.New(e.typ).Elem()
	for it := mv.MapRange(); it.Next(); {
		kv.SetIterKey(it)
		if kt.Kind() == reflect.String {
			c.bytes += int64(kv.Len())
		}
		if !deep {
			vv.SetIterValue(it)
			c.bytes += e.stringBytes(vv.Addr().UnsafePointer())
			if !c.measure {
				nm.SetMapIndex(kv, vv)
			}
			continue
		}
		// A value with references: copied into its own temporary, made
		// private by the work list, and inserted when the work is done.
		vp := reflect.New(e.typ)
		vp.Elem().SetIterValue(it)
		p := vp.UnsafePointer()
		if c.measure {
			c.work = append(c.work, pending{pl: e, src: p, n: 1})
			continue
		}
		c.work = append(c.work, pending{pl: e, dst: p, src: p, n: 1})
		c.inserts = append(c.inserts, mapInsert{m: nm, k: kv, v: p, t: e.typ})
		kv = reflect.New(kt).Elem() // the insert keeps this one
	}
	if c.measure {
		return nil
	}
	return nm.UnsafePointer()
}

// allocSize estimates the bytes the allocator uses for an object of n
// bytes: Go's size classes step by at most 1/8 of the size up to 32 KiB,
// larger objects take whole 8 KiB pages.
func allocSize(n uintptr) int64 {
	switch {
	case n == 0:
		return 0
	case n <= 16:
		return int64((n + 7) &^ 7)
	case n <= 512:
		return int64((n + 15) &^ 15)
	case n <= 32<<10:
		step := uintptr(1) << (bits.Len(uint(n)) - 4) // 1/8 to 1/16 of n
		return int64((n + step - 1) &^ (step - 1))
	}
	return int64((n + 8191) &^ 8191)
}

// allocNoscan allocates n bytes of pointer-free memory, 8-byte aligned.
func allocNoscan(n uintptr) unsafe.Pointer {
	switch {
	case n <= 8:
		return unsafe.Pointer(new(uint64))
	case n <= 16:
		return unsafe.Pointer(new([2]uint64))
	}
	return unsafe.Pointer(unsafe.SliceData(make([]uint64, (n+7)/8)))
}

// memmove copies n bytes of pointer-free memory.
func memmove(dst, src unsafe.Pointer, n uintptr) {
	if n == 8 && uintptr(src)&7 == 0 {
		*(*uint64)(dst) = *(*uint64)(src)
		return
	}
	copy(unsafe.Slice((*byte)(dst), n), unsafe.Slice((*byte)(src), n))
}

// typedmemmove copies a value of type t from src to dst with write barriers,
// through reflect so the GC sees every pointer.
func typedmemmove(t reflect.Type, dst, src unsafe.Pointer) {
	reflect.NewAt(t, dst).Elem().Set(reflect.NewAt(t, src).Elem())
}

// copyOut returns the caller's copy of the row of m at src: an assignment,
// then private memory for its references (nothing more for a plain model).
// It is small enough to be inlined: a plain row costs one copy.
func copyOut[T any](m *model, src unsafe.Pointer) T {
	if m.plain {
		return *(*T)(src)
	}
	return copyOutDeep[T](m, src, nil)
}

// copyOutBatch is copyOut for one of many rows copied together, whose small
// allocations come from *b, made at the first row that needs one.
func copyOutBatch[T any](m *model, src unsafe.Pointer, b **batch) T {
	if m.plain {
		return *(*T)(src)
	}
	return copyOutBatched[T](m, src, b)
}

// copyOutDeep is copyOut of a row with references to copy. It is kept out
// of line so that copyOut stays small enough to inline.
//
//go:noinline
func copyOutDeep[T any](m *model, src unsafe.Pointer, b *batch) T {
	v := *(*T)(src)
	m.plan.copyOnly(unsafe.Pointer(&v), src, b)
	return v
}

// copyOutBatched is copyOutBatch of a row with references to copy.
//
//go:noinline
func copyOutBatched[T any](m *model, src unsafe.Pointer, b **batch) T {
	if *b == nil {
		*b = new(batch)
	}
	v := *(*T)(src)
	m.plan.copyOnly(unsafe.Pointer(&v), src, *b)
	return v
}

// Inline references. A stored row's pointer-free pointees and slices (a
// nullable key, a []int64) and its strings' arrays (tags) are kept in the
// row's own record block, beside its keys, when they are small: one
// allocation per row instead of one per reference, and a reader copying the
// row finds them on the lines it reads anyway. The pointer-free values go
// after the key bytes (8-byte aligned), the strings in an array after the
// row. What does not fit is allocated apart, as for any copy.
const (
	inlineWords = 64 // at most this many 8-byte words of pointer-free values
	inlineStrs  = 32 // at most this many strings
	strClasses  = 6  // string arrays of 0, 2, 4, 8, 16 and 32
)

// inlineNeeds returns the 8-byte words of pointer-free values and the
// strings the references of the row at p (of a flat plan) hold: zero for
// either when they are too many to keep inline.
func (pl *copyPlan) inlineNeeds(p unsafe.Pointer) (words, strs int) {
	if !pl.flat {
		return 0, 0
	}
	words, strs = pl.flatNeeds(p)
	if words > inlineWords {
		words = 0 // allocated apart, as for any copy
	}
	if strs > inlineStrs {
		strs = 0
	}
	return words, strs
}

// flatNeeds returns the 8-byte words of pointer-free values and the
// strings a copy of the row at p (of a flat plan) takes from a batch.
func (pl *copyPlan) flatNeeds(p unsafe.Pointer) (words, strs int) {
	for i := range pl.ops {
		op := &pl.ops[i]
		fp := unsafe.Add(p, op.off)
		if op.kind != opSlice {
			switch {
			case *(*unsafe.Pointer)(fp) == nil:
			case op.elem.str:
				strs++
			default:
				words += int(op.elem.size+7) / 8
			}
			continue
		}
		h := (*sliceHeader)(fp)
		switch {
		case op.elem.str:
			strs += h.len
		default:
			words += (h.len*int(op.elem.size) + 7) / 8
		}
	}
	return words, strs
}

// inlineNeeds is the plan's inlineNeeds for a row with n key bytes, with no
// words when they would not fit in the largest block class.
func (m *model) inlineNeeds(n int, p unsafe.Pointer) (words, strs int) {
	words, strs = m.plan.inlineNeeds(p)
	if (n+7)&^7+8*words > 1<<16 {
		words = 0
	}
	return words, strs
}

// strClass returns the index of the smallest string class with room for n
// strings, and that room.
func strClass(n int) (int, int) {
	i, c := 0, 0
	for c < n {
		i, c = i+1, max(2, c<<1)
	}
	return i, c
}

// blockFor returns m's block type with room for n key bytes, words 8-byte
// words of inline pointer-free values after them, and strs inline strings.
func (m *model) blockFor(n, words, strs int) *blockType {
	if words > 0 {
		n = (n+7)&^7 + 8*words
	}
	if strs == 0 {
		return m.block(n)
	}
	i, c := blockClass(n)
	j, sc := strClass(strs)
	slot := &m.plan.blocks[i*strClasses+j]
	if bt := slot.Load(); bt != nil {
		return bt
	}
	t := reflect.StructOf([]reflect.StructField{
		{Name: "R", Type: reflect.TypeFor[record]()},
		{Name: "K", Type: reflect.ArrayOf(c, reflect.TypeFor[byte]())},
		{Name: "Row", Type: m.typ},
		{Name: "S", Type: reflect.ArrayOf(sc, reflect.TypeFor[string]())},
	})
	bt := &blockType{typ: t, keys: t.Field(1).Offset, row: t.Field(2).Offset, size: c, strs: t.Field(3).Offset, nstr: sc}
	slot.CompareAndSwap(nil, bt)
	return slot.Load()
}

// privatize gives the row in the block at blk, which holds an assignment
// copy of the row at p, its own memory for every reference: the inline
// room for words and strs that blockFor made after the n key bytes and the
// row, then allocations.
func (m *model) privatize(bt *blockType, blk unsafe.Pointer, n, words, strs int, p unsafe.Pointer) {
	row := unsafe.Add(blk, bt.row)
	if words == 0 && strs == 0 {
		m.plan.copyOnly(row, p, nil)
		return
	}
	var b batch
	if words > 0 {
		b.words = unsafe.Slice((*uint64)(unsafe.Add(blk, bt.keys+uintptr((n+7)&^7))), words)
	}
	if strs > 0 {
		b.strs = unsafe.Slice((*string)(unsafe.Add(blk, bt.strs)), strs)
	}
	m.plan.copyFlat(row, p, &b)
}

// copyRow returns a new *T (as unsafe.Pointer) holding a copy of the row at
// src that shares no memory with it.
func (m *model) copyRow(src unsafe.Pointer) unsafe.Pointer {
	dst := reflect.New(m.typ).UnsafePointer()
	typedmemmove(m.typ, dst, src)
	if !m.plain {
		m.plan.copyOnly(dst, src, nil)
	}
	return dst
}

// SizeTarget returns the bytes of memory the target value at v holds: the
// struct itself, the bytes of its strings, and everything its pointers,
// slices and maps reach that a copy would copy (interfaces, channels and
// functions are shared and not counted). Package relations charges an
// owner's cache entry with it. It is 0 for a nil v.
func (r *relCore) SizeTarget(v unsafe.Pointer) int64 {
	if v == nil {
		return 0
	}
	return r.r.target.plan.heapSize(v)
}

// CloneSizeTarget is CopyTarget and SizeTarget at once: it gives dst, which
// holds an assignment copy of the target value at src, its own memory for
// every reference, and returns the bytes of memory the copy holds.
func (r *relCore) CloneSizeTarget(dst, src unsafe.Pointer) int64 {
	return r.r.target.cloneSize(dst, src)
}

// cloneSize gives dst, an assignment copy of the row of m at src, its own
// memory for every reference, and returns the bytes of memory it holds.
func (m *model) cloneSize(dst, src unsafe.Pointer) int64 {
	if m.plain {
		return int64(m.plan.size) + m.plan.stringBytes(src)
	}
	return int64(m.plan.size) + m.plan.copyRefs(dst, src, nil)
}

// privatizeRows gives each of the len(srcs) consecutive rows of m at dst,
// an assignment copy of the row at srcs[i], its own memory for every
// reference, carving the rows' small allocations from one batch
// (relCore.CopySources: the children of an owner, copied straight into the
// caller's slice).
func (m *model) privatizeRows(dst unsafe.Pointer, srcs []unsafe.Pointer) {
	size := m.typ.Size()
	if !m.plan.flat {
		b := new(batch)
		for i, src := range srcs {
			m.plan.copyOnly(unsafe.Add(dst, uintptr(i)*size), src, b)
		}
		return
	}
	// The batch on the stack (copyFlat keeps only what it carves), its
	// first chunks sized to what the rows need, up to batchMax: one
	// allocation of words and one of strings for a short list (the
	// children of an owner), instead of chunks doubling from batchMin.
	var b batch
	words, strs := 0, 0
	for _, src := range srcs {
		w, s := m.plan.flatNeeds(src)
		words, strs = words+w, strs+s
	}
	if words > 0 {
		b.nw = min(words, batchMax)
		b.words = make([]uint64, b.nw)
	}
	if strs > 0 {
		b.ns = min(strs, batchMax)
		b.strs = make([]string, b.ns)
	}
	for i, src := range srcs {
		m.plan.copyFlat(unsafe.Add(dst, uintptr(i)*size), src, &b)
	}
}
