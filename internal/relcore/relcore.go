// Package relcore holds the typed primitives package relations builds its
// accessors on: Rel[S, T], the handle of a belongsTo relation from source
// model S to target model T; Poly[S], of a polymorphic belongsTo;
// RelQuery[S, T], a filter scoped to one owner; and ThroughOf, AppendLinked
// and AppendLinkedMany for the through kinds. They were memstore's exported
// API once; they live here so that memstore's documentation shows only what
// a program calls, while memstore keeps the implementation.
//
// # The bridge
//
// memstore implements each primitive on an unexported type whose methods
// are exported but not generic: rows cross them as unsafe.Pointer, keys
// encoded as []byte, transactions as *memstore.Tx. It hands values of those
// types out through the hooks of internal/relhook (typed any, as Go has no
// friend packages), and this package asserts them to the interfaces below
// and wraps them in generic types with the method set and signatures
// memstore's Rel had. A row the core returns points at a stored row; the
// wrappers copy it into the caller's value or slice, by assignment and then,
// for a model with reference fields, with memstore's copy plans
// (CopyTarget, CopySource, CopySources).
//
// # Escape analysis
//
// A pointer passed to an interface method escapes: the compiler cannot see
// what the callee does with it. Passing &src of a caller's local, or a key
// buffer on the caller's stack, would then cost a heap allocation per call,
// which memstore's generic methods did not. So the wrappers hide such
// arguments from escape analysis with noescape, the idiom of the runtime
// and strings.Builder, where, and only where, memstore's own escape
// analysis of the core method proves the parameter does not escape: the
// core then keeps the pointer only in its frames, never in heap memory,
// and not beyond the call. That is what makes hiding it sound: a stack
// object the callee sees is still live during the call, and if the stack
// moves, the callee's copies of the pointer, all in pointer-typed stack
// slots, are adjusted with it (a copy in heap memory would not be, which is
// why a parameter that escapes is never hidden). Each parameter is passed
// as the core's analysis classes it (TestEscapeClasses pins the classes
// from go build -gcflags=-m):
//
//   - does not escape: hidden (noescape, noescapeSlice);
//   - leaks only to a result (the buf AppendFK appends to): hidden, and the
//     result rebuilt from the caller's buffer (rebase), so that the
//     caller's analysis still sees the alias;
//   - leaks its content (what the pointer references, not the pointer):
//     hidden, and leakContent makes the caller's analysis see the content
//     escape, so a string the caller built on its stack moves to the heap
//     before the core copies the row into the store;
//   - escapes: passed as is, as memstore's generic methods leaked it too.
//
// Everything here is for package relations; it is internal so that no
// program can depend on it. See memstore/DESIGN.md, "The relation bridge".
package relcore

import (
	"fmt"
	"unsafe"
)

// noescape hides p from escape analysis: the compiler no longer sees that
// the result is p, so a callee's leak of the result does not move what p
// points at to the heap. Use it only for a pointer the callee does not
// retain (see the package doc). The uintptr round trip goes through memory,
// rather than the runtime's unsafe.Pointer(x ^ 0), which go vet's unsafeptr
// check reports; the compiler makes it the same few moves.
//
// Between the conversion and the load the pointer exists only as a
// uintptr, with no call in between (noescape inlines): the collector can
// stop the goroutine there only by asynchronous preemption, which scans
// the innermost frame conservatively, so what p points at stays alive.
//
// The helpers here are generic although they need not be: a non-generic
// function of this package is not inlined into the instantiations of Rel's
// methods, which the packages that use them compile (a call each, measured
// under callgrind); a generic one is instantiated and inlined there.
func noescape[T any](p *T) *T {
	x := uintptr(unsafe.Pointer(p))
	return *(**T)(unsafe.Pointer(&x))
}

// noescapeSlice is noescape of s's array: the result has s's array, length
// and capacity (the header read back through a hidden pointer to s).
func noescapeSlice[E any](s []E) []E {
	return *noescape(&s)
}

// leakContent makes the compiler see what p points at escape to the heap,
// as memstore's escape analysis reports the core's parameter does
// ("leaking param content"), so that p itself can be hidden with noescape
// while the caller's analysis still moves what p's value references (a
// string built on the stack, a pointer to a local) to the heap. It never
// stores anything: never is false.
func leakContent[E any](p *E) {
	if never {
		sink = *p
	}
}

var (
	never bool // false: leakContent's store is never made
	sink  any
)

// rebase returns out, what a core appended to buf (hidden by
// noescapeSlice), as a slice of buf when it still is one, so that the
// caller's escape analysis sees the result alias buf; else out itself,
// which the append allocated.
func rebase[E any](buf, out []E) []E {
	if len(out) <= cap(buf) && unsafe.SliceData(out) == unsafe.SliceData(buf) {
		return buf[:len(out)]
	}
	return out
}

// assertCore returns c, a core a hook returned, as an I, or panics: a core
// that lacks a method of I is a broken invariant between memstore and this
// package (TestCoresImplement checks every kind).
func assertCore[I any](c any) I {
	i, ok := c.(I)
	if !ok {
		panic(fmt.Sprintf("relcore: internal: %T does not implement %T", c, (*I)(nil)))
	}
	return i
}
