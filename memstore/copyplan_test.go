package memstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"
	"unsafe"

	"github.com/relstore/relstore/internal/relcore"
	"github.com/relstore/relstore/memstore"
)

// ring is a node of a linked structure that can loop back on itself.
type ring struct {
	Name string
	Next *ring
}

// Loop is a model whose row may hold a pointer cycle.
type Loop struct {
	ID   int64
	Head *ring
}

// TestIssue13Defect5PointerCycle: a row whose data holds a pointer cycle used
// to crash the process with a stack overflow on insert (the deep copy
// recursed for ever). The copy is now faithful: the stored row and every row
// handed out hold a cycle of their own, of the same shape, sharing nothing
// with the caller's.
func TestIssue13Defect5PointerCycle(t *testing.T) {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Loop]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	loops := mustTable[Loop, int64](t, s)
	a := &ring{Name: "a"}
	b := &ring{Name: "b", Next: a}
	a.Next = b // a → b → a
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		if _, err := loops.Insert(tx, Loop{ID: 1, Head: a}); err != nil {
			return err
		}
		self := &ring{Name: "self"}
		self.Next = self
		_, err := loops.Insert(tx, Loop{ID: 2, Head: self})
		return err
	})
	a.Name, b.Name = "changed", "changed"
	var got1, got2 Loop
	mustView(t, s, func(tx *memstore.Tx) (err error) {
		if got1, err = loops.Get(tx, 1); err != nil {
			return err
		}
		got2, err = loops.Get(tx, 2)
		return err
	})
	h := got1.Head
	if h == a || h == b || h.Next == a || h.Next == b {
		t.Fatal("Get returned the caller's nodes")
	}
	if h.Name != "a" || h.Next.Name != "b" || h.Next.Next != h {
		t.Errorf("Get(1) = %s → %s → (same as head: %v), want a → b → a", h.Name, h.Next.Name, h.Next.Next == h)
	}
	if got2.Head.Name != "self" || got2.Head.Next != got2.Head {
		t.Errorf("Get(2).Head.Next == Head: %v, want a self-loop", got2.Head.Next == got2.Head)
	}
	h.Next.Name = "changed by reader"
	mustView(t, s, func(tx *memstore.Tx) (err error) { got1, err = loops.Get(tx, 1); return err })
	if got1.Head.Next.Name != "b" {
		t.Errorf("after a reader changed its copy, stored node = %q, want b", got1.Head.Next.Name)
	}
}

// Vault is a model whose reference fields are unexported: the store copies
// them like exported ones.
type Vault struct {
	ID     int64
	tags   []string
	limits map[string]int
	owner  *string
	inner  vaultInner
}

type vaultInner struct {
	codes []int
}

// TestIssue13Defect7UnexportedReferencesCopied: unexported reference fields
// used to be copied shallowly, so the caller and the stored row shared their
// memory, against "values, not pointers". They are deep-copied now, in and
// out.
func TestIssue13Defect7UnexportedReferencesCopied(t *testing.T) {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Vault]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	vaults := mustTable[Vault, int64](t, s)
	in := Vault{ID: 1, tags: []string{"gold"}, limits: map[string]int{"day": 10}, owner: ptr("ann"), inner: vaultInner{codes: []int{7}}}
	mustUpdate(t, s, func(tx *memstore.Tx) error { _, err := vaults.Insert(tx, in); return err })
	in.tags[0], in.limits["day"], *in.owner, in.inner.codes[0] = "lead", 99, "bob", 8 // the caller changes its own value
	var out Vault
	mustView(t, s, func(tx *memstore.Tx) (err error) { out, err = vaults.Get(tx, 1); return err })
	check := func(when string) {
		t.Helper()
		if out.tags[0] != "gold" || out.limits["day"] != 10 || *out.owner != "ann" || out.inner.codes[0] != 7 {
			t.Errorf("%s: stored = %q %v %q %v, want [gold] map[day:10] ann [7]", when, out.tags, out.limits, *out.owner, out.inner.codes)
		}
	}
	check("after the caller changed the value it inserted")
	out.tags[0], out.limits["day"], *out.owner, out.inner.codes[0] = "tin", 1, "cat", 9 // and the value it got back
	mustView(t, s, func(tx *memstore.Tx) (err error) { out, err = vaults.Get(tx, 1); return err })
	check("after the caller changed a returned value")
}

// The copy benchmarks' models: a post of an author, plain and with each kind
// of field a realistic model adds.
type (
	BenchAuthor struct {
		ID   int64
		Name string
	}
	PostPlain struct {
		ID       int64
		AuthorID int64 `relstore:"belongsTo=BenchAuthor"`
		Title    string
		Views    int
	}
	PostNullable struct {
		ID       int64
		AuthorID int64  `relstore:"belongsTo=BenchAuthor"`
		EditorID *int64 `relstore:"belongsTo=BenchAuthor,as=editor"`
		Title    string
		Views    int
	}
	PostTime struct {
		ID        int64
		AuthorID  int64 `relstore:"belongsTo=BenchAuthor"`
		Title     string
		Views     int
		CreatedAt time.Time
	}
	PostTags struct {
		ID       int64
		AuthorID int64 `relstore:"belongsTo=BenchAuthor"`
		Title    string
		Views    int
		Tags     []string
	}
	PostRealistic struct {
		ID        int64
		AuthorID  int64  `relstore:"belongsTo=BenchAuthor"`
		EditorID  *int64 `relstore:"belongsTo=BenchAuthor,as=editor"`
		Title     string
		Views     int
		CreatedAt time.Time
		UpdatedAt time.Time
		Tags      []string
	}
)

// benchPosts is how many posts each author of the copy benchmarks has: an
// author's page of posts.
const benchPosts = 40

// BenchmarkCopy measures the copies rows pay for: Get (one row out), ByFK (an
// author's 40 posts out) and Insert (one row in, in its own transaction), per
// model, so that a realistic model can be compared with the plain one.
func BenchmarkCopy(b *testing.B) {
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	editor := int64(2)
	b.Run("model=plain", func(b *testing.B) {
		benchCopy(b, func(id, author int64) PostPlain {
			return PostPlain{ID: id, AuthorID: author, Title: "a post title", Views: int(id)}
		})
	})
	b.Run("model=nullable", func(b *testing.B) {
		benchCopy(b, func(id, author int64) PostNullable {
			return PostNullable{ID: id, AuthorID: author, EditorID: &editor, Title: "a post title", Views: int(id)}
		})
	})
	b.Run("model=time", func(b *testing.B) {
		benchCopy(b, func(id, author int64) PostTime {
			return PostTime{ID: id, AuthorID: author, Title: "a post title", Views: int(id), CreatedAt: at}
		})
	})
	b.Run("model=tags", func(b *testing.B) {
		benchCopy(b, func(id, author int64) PostTags {
			return PostTags{ID: id, AuthorID: author, Title: "a post title", Views: int(id), Tags: []string{"go", "db"}}
		})
	})
	b.Run("model=realistic", func(b *testing.B) {
		benchCopy(b, func(id, author int64) PostRealistic {
			return PostRealistic{ID: id, AuthorID: author, EditorID: &editor, Title: "a post title", Views: int(id),
				CreatedAt: at, UpdatedAt: at, Tags: []string{"go", "db"}}
		})
	})
}

func benchCopy[P any](b *testing.B, post func(id, author int64) P) {
	const authors = 50
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[BenchAuthor](), memstore.ModelOf[P]()}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	as := mustTable[BenchAuthor, int64](b, s)
	ps := mustTable[P, int64](b, s)
	mustUpdate(b, s, func(tx *memstore.Tx) error {
		for a := int64(1); a <= authors; a++ {
			if _, err := as.Insert(tx, BenchAuthor{ID: a, Name: "author"}); err != nil {
				return err
			}
		}
		for a := int64(1); a <= authors; a++ {
			for i := range int64(benchPosts) {
				if _, err := ps.Insert(tx, post(a*1000+i, a)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	ctx := context.Background()
	var sink P
	b.Run("op=Get", func(b *testing.B) {
		b.ReportAllocs()
		i := int64(0)
		for b.Loop() {
			i++
			id := (1+i%authors)*1000 + i%benchPosts
			err := s.View(ctx, func(tx *memstore.Tx) (err error) { sink, err = ps.Get(tx, id); return err })
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=ByFK40", func(b *testing.B) {
		b.ReportAllocs()
		i := int64(0)
		for b.Loop() {
			i++
			err := s.View(ctx, func(tx *memstore.Tx) error {
				rows, err := ps.ByFK(tx, "benchAuthor", 1+i%authors)
				if err != nil {
					return err
				}
				n := 0
				for _, p := range rows {
					sink = p
					n++
				}
				if n != benchPosts {
					b.Fatalf("%d posts, want %d", n, benchPosts)
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=Insert", func(b *testing.B) {
		b.ReportAllocs()
		base, err := s.Snapshot()
		if err != nil {
			b.Fatal(err)
		}
		i := int64(0)
		for b.Loop() {
			i++
			err := s.Update(ctx, func(tx *memstore.Tx) error {
				_, err := ps.Insert(tx, post(1_000_000+i, 1+i%authors))
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			if i%1000 == 0 {
				b.StopTimer()
				if err := s.Restore(ctx, base); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		}
	})
	_ = sink
}

// Kinds has a field of every kind a copy treats differently.
type Kinds struct {
	ID     int64
	At     time.Time
	Loc    *time.Location
	Any    any
	Ch     chan int
	Fn     func() int
	Bytes  []byte
	Ints   []int
	Nested [][]string
	Map    map[string][]int
	Flat   map[string]int
	Inner  *kindsInner
	Wide   [20]*int
	Pair   [2]*int
	Empty  []int
	Nil    []int
	Times  []time.Time
}

type kindsInner struct {
	Name string
	Next *kindsInner
	Vals []int
}

func newKinds() Kinds {
	loc := time.FixedZone("X", 3600)
	k := Kinds{
		ID: 1, At: time.Date(2026, 1, 2, 3, 4, 5, 6, loc), Loc: loc,
		Any: &kindsInner{Name: "shared"}, Ch: make(chan int, 1), Fn: func() int { return 7 },
		Bytes: []byte("abc"), Ints: []int{1, 2}, Nested: [][]string{{"a"}, {"b", "c"}},
		Map: map[string][]int{"x": {1}}, Flat: map[string]int{"y": 2},
		Inner: &kindsInner{Name: "in", Vals: []int{3}, Next: &kindsInner{Name: "next"}},
		Empty: make([]int, 0, 4), Times: []time.Time{time.Unix(0, 0).In(loc)},
	}
	for i := range k.Wide {
		k.Wide[i] = ptr(i)
	}
	k.Pair = [2]*int{ptr(10), ptr(11)}
	return k
}

// scribble changes every mutable thing k references.
func scribble(k *Kinds) {
	k.Bytes[0], k.Ints[0], k.Nested[1][0] = 'z', 99, "z"
	k.Map["x"][0], k.Flat["y"] = 99, 99
	k.Map["new"], k.Flat["new"] = nil, 1
	k.Inner.Name, k.Inner.Vals[0], k.Inner.Next.Name = "z", 99, "z"
	*k.Wide[19], *k.Pair[1] = 99, 99
	k.Empty = append(k.Empty, 99)
	k.Times[0] = time.Time{}
}

// checkKinds fails t unless got holds newKinds' values, with none of
// original's mutable memory, and shares what a copy shares.
func checkKinds(t *testing.T, got, original Kinds) {
	t.Helper()
	want := newKinds()
	if !got.At.Equal(want.At) || got.At.Location() != original.At.Location() || got.Loc != original.Loc {
		t.Errorf("time: At %v in %p, Loc %p; want %v in the original's %p", got.At, got.At.Location(), got.Loc, want.At, original.Loc)
	}
	if got.Any != original.Any || got.Ch != original.Ch || got.Fn() != 7 {
		t.Errorf("interface, channel and function values are not the original's")
	}
	if string(got.Bytes) != "abc" || got.Ints[0] != 1 || got.Nested[1][0] != "b" || len(got.Nested) != 2 {
		t.Errorf("slices = %q %v %q, want abc [1 2] [[a] [b c]]", got.Bytes, got.Ints, got.Nested)
	}
	if len(got.Map) != 1 || got.Map["x"][0] != 1 || len(got.Flat) != 1 || got.Flat["y"] != 2 {
		t.Errorf("maps = %v %v, want map[x:[1]] map[y:2]", got.Map, got.Flat)
	}
	if got.Inner == original.Inner || got.Inner.Name != "in" || got.Inner.Vals[0] != 3 || got.Inner.Next.Name != "next" {
		t.Errorf("Inner = %+v → %+v, want a copy of in → next", *got.Inner, *got.Inner.Next)
	}
	if got.Wide[19] == original.Wide[19] || *got.Wide[19] != 19 || got.Pair[1] == original.Pair[1] || *got.Pair[1] != 11 {
		t.Errorf("arrays of pointers: %d %d, want 19 11, not the original's", *got.Wide[19], *got.Pair[1])
	}
	if got.Empty == nil || len(got.Empty) != 0 || cap(got.Empty) != 0 || got.Nil != nil {
		t.Errorf("Empty = %#v (cap %d), Nil = %#v; want a non-nil empty slice without capacity, and nil", got.Empty, cap(got.Empty), got.Nil)
	}
	if len(got.Times) != 1 || !got.Times[0].Equal(time.Unix(0, 0)) {
		t.Errorf("Times = %v, want [%v]", got.Times, time.Unix(0, 0))
	}
}

// TestCopyPlanKinds pins what a copy does with each kind of field (the
// package doc's "Values, not pointers"), in and out of the store.
func TestCopyPlanKinds(t *testing.T) {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Kinds]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	kinds := mustTable[Kinds, int64](t, s)
	in := newKinds()
	mustUpdate(t, s, func(tx *memstore.Tx) error { _, err := kinds.Insert(tx, in); return err })
	var got Kinds
	mustView(t, s, func(tx *memstore.Tx) (err error) { got, err = kinds.Get(tx, 1); return err })
	checkKinds(t, got, in)
	scribble(&in)
	scribble(&got)
	t.Run("a row after the caller changed what it inserted and got", func(t *testing.T) {
		mustView(t, s, func(tx *memstore.Tx) (err error) { got, err = kinds.Get(tx, 1); return err })
		checkKinds(t, got, in)
	})
	t.Run("rows from a scan", func(t *testing.T) {
		mustView(t, s, func(tx *memstore.Tx) error {
			rows, err := kinds.Scan(tx)
			for _, k := range rows {
				checkKinds(t, k, in)
			}
			return err
		})
	})
}

// chain is a list node: a type that reaches itself.
type chain struct {
	N    int
	Next *chain
	Alt  *chain
	Kids []chain
	Refs map[string]*chain
}

type Chain struct {
	ID   int64
	Head *chain
}

func newChainStore(t *testing.T) (*memstore.Store, *memstore.Table[Chain, int64]) {
	t.Helper()
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Chain]()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, mustTable[Chain, int64](t, s)
}

// TestCopyPlanDeepData: a copy does not recurse on the data, so no depth of
// nesting overflows the stack.
func TestCopyPlanDeepData(t *testing.T) {
	s, chains := newChainStore(t)
	const n = 200_000
	var head *chain
	for i := range n {
		head = &chain{N: n - i, Next: head}
	}
	mustUpdate(t, s, func(tx *memstore.Tx) error { _, err := chains.Insert(tx, Chain{ID: 1, Head: head}); return err })
	var got Chain
	mustView(t, s, func(tx *memstore.Tx) (err error) { got, err = chains.Get(tx, 1); return err })
	i := 0
	for c := got.Head; c != nil; c = c.Next {
		i++
		if c.N != i {
			t.Fatalf("node %d holds %d", i, c.N)
		}
	}
	if i != n {
		t.Errorf("%d nodes, want %d", i, n)
	}
}

// TestCopyPlanKeepsSharing: in a type that reaches itself, what the row
// reaches twice is copied once (so cycles, through pointers, slices or maps,
// stay cycles).
func TestCopyPlanKeepsSharing(t *testing.T) {
	s, chains := newChainStore(t)
	shared := &chain{N: 1}
	dag := &chain{N: 0, Next: shared, Alt: shared}
	kids := []chain{{N: 2}, {N: 3}}
	kids[0].Kids = kids // a cycle through a slice
	viaSlice := &chain{N: 4, Kids: kids}
	viaMap := &chain{N: 5}
	viaMap.Refs = map[string]*chain{"self": viaMap, "dag": dag}
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		for i, h := range []*chain{dag, viaSlice, viaMap} {
			if _, err := chains.Insert(tx, Chain{ID: int64(i + 1), Head: h}); err != nil {
				return err
			}
		}
		return nil
	})
	got := map[int64]Chain{}
	mustView(t, s, func(tx *memstore.Tx) error {
		for id := int64(1); id <= 3; id++ {
			c, err := chains.Get(tx, id)
			if err != nil {
				return err
			}
			got[id] = c
		}
		return nil
	})
	if h := got[1].Head; h.Next != h.Alt || h.Next == shared || h.Next.N != 1 {
		t.Errorf("a node reached twice: copies %p and %p (original %p), want one copy", h.Next, h.Alt, shared)
	}
	if k := got[2].Head.Kids; &k[0] == &kids[0] || &k[0].Kids[0] != &k[0] || k[1].N != 3 {
		t.Errorf("a cycle through a slice is not the copy's own")
	}
	if h := got[3].Head; h == viaMap || h.Refs["self"] != h || h.Refs["dag"].Next != h.Refs["dag"].Alt {
		t.Errorf("a cycle through a map is not the copy's own")
	}
}

// TestCopyPlanBatchRowsArePrivate: rows read together share allocation
// chunks, never memory a caller can reach from two rows.
func TestCopyPlanBatchRowsArePrivate(t *testing.T) {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[BenchAuthor](), memstore.ModelOf[PostRealistic]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	as := mustTable[BenchAuthor, int64](t, s)
	ps := mustTable[PostRealistic, int64](t, s)
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		for a := int64(1); a <= 2; a++ {
			if _, err := as.Insert(tx, BenchAuthor{ID: a}); err != nil {
				return err
			}
		}
		for i := int64(1); i <= 3; i++ {
			if _, err := ps.Insert(tx, PostRealistic{ID: i, AuthorID: 1, EditorID: ptr(int64(2)), Tags: []string{"a", "b"}}); err != nil {
				return err
			}
		}
		return nil
	})
	read := func() (rows []PostRealistic) {
		mustView(t, s, func(tx *memstore.Tx) error {
			seq, err := ps.ByFK(tx, "benchAuthor", int64(1))
			for _, p := range seq {
				rows = append(rows, p)
			}
			return err
		})
		return rows
	}
	rows := read()
	rows[0].Tags = append(rows[0].Tags, "c")
	rows[0].Tags[0], *rows[0].EditorID = "z", 1
	rows[0].Tags = append(rows[0].Tags[:1], "y")
	for i, r := range rows[1:] {
		if *r.EditorID != 2 || len(r.Tags) != 2 || r.Tags[0] != "a" || r.Tags[1] != "b" {
			t.Errorf("row %d after row 0 changed: %d %q, want 2 [a b]", i+1, *r.EditorID, r.Tags)
		}
	}
	for i, r := range read() {
		if *r.EditorID != 2 || r.Tags[0] != "a" || r.Tags[1] != "b" {
			t.Errorf("stored row %d after a reader changed its copy: %d %q, want 2 [a b]", i, *r.EditorID, r.Tags)
		}
	}
}

// Blob is an owner whose size is mostly behind references.
type Blob struct {
	ID    int64
	Name  string
	Data  []byte
	Parts []string
	Meta  map[string]string
	Self  *chain
}

type BlobRef struct {
	ID     int64
	BlobID int64 `relstore:"belongsTo=Blob"`
}

// TestRelSize: Size counts what a value holds (the struct, its strings and
// what its references reach), and CloneSize counts the same of its copy.
func TestRelSize(t *testing.T) {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Blob](), memstore.ModelOf[BlobRef]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rel, err := relcore.RelationOf[BlobRef, Blob](s, "blob")
	if err != nil {
		t.Fatal(err)
	}
	loop := &chain{N: 1}
	loop.Next = loop
	loop.Refs = map[string]*chain{"me": loop, "also me": loop} // the map and its values reach the loop again
	base := int64(unsafe.Sizeof(Blob{}))
	for _, tc := range []struct {
		name     string
		v        Blob
		min, max int64
	}{
		{"zero", Blob{}, base, base},
		{"a string", Blob{Name: "0123456789"}, base + 10, base + 10},
		{"64 KiB of bytes", Blob{Data: make([]byte, 64<<10)}, base + 64<<10, base + 64<<10 + 8<<10},
		{"strings in a slice", Blob{Parts: []string{"abcd", "efgh"}}, base + 32 + 8, base + 48 + 8},
		{"a map", Blob{Meta: map[string]string{"k": "value"}}, base + 6 + 32, base + 6 + 200},
		{"a cycle", Blob{Self: loop}, base + int64(unsafe.Sizeof(chain{})), base + 2*int64(unsafe.Sizeof(chain{})) + 300},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := rel.Size(&tc.v)
			if n < tc.min || n > tc.max {
				t.Errorf("Size = %d, want %d to %d", n, tc.min, tc.max)
			}
			c, cn := rel.CloneSize(&tc.v)
			if cn != n {
				t.Errorf("CloneSize = %d, Size = %d: want the same", cn, n)
			}
			if len(tc.v.Data) > 0 && &c.Data[0] == &tc.v.Data[0] {
				t.Errorf("CloneSize shares the original's bytes")
			}
		})
	}
	if n := rel.Size(nil); n != 0 {
		t.Errorf("Size(nil) = %d, want 0", n)
	}
}

// FlatParent owns Flat rows; it is plain (an assignment copies it).
type FlatParent struct {
	ID   int64
	Name string
}

// Flat has only flat references: pointers to numbers and strings, slices of
// them, some too long to be kept in the record's block.
type Flat struct {
	ID       int64
	ParentID int64 `relstore:"belongsTo=FlatParent"`
	Label    *string
	Score    *float64
	Nums     []int64
	Tags     []string
	Big      []int64  // longer than the block keeps inline
	ManyTags []string // more strings than the block keeps inline
}

func newFlat(id int64) Flat {
	big := make([]int64, 200)
	many := make([]string, 40)
	for i := range big {
		big[i] = id + int64(i)
	}
	for i := range many {
		many[i] = fmt.Sprint("t", i)
	}
	return Flat{ID: id, ParentID: 1, Label: ptr(fmt.Sprint("label ", id)), Score: ptr(float64(id) / 2),
		Nums: []int64{id, id + 1}, Tags: []string{"a", "b"}, Big: big, ManyTags: many}
}

func sameFlat(a, b Flat) bool {
	return a.ID == b.ID && *a.Label == *b.Label && *a.Score == *b.Score && fmt.Sprint(a.Nums, a.Tags, a.Big, a.ManyTags) == fmt.Sprint(b.Nums, b.Tags, b.Big, b.ManyTags)
}

// TestCopyPlanFlatRows: rows of a flat model, whose small references the
// store keeps in the record's block and whose large ones it allocates apart,
// read one by one and as a parent's children, are private copies.
func TestCopyPlanFlatRows(t *testing.T) {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[FlatParent](), memstore.ModelOf[Flat]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	parents := mustTable[FlatParent, int64](t, s)
	flats := mustTable[Flat, int64](t, s)
	rel, err := relcore.RelationOf[Flat, FlatParent](s, "flatParent")
	if err != nil {
		t.Fatal(err)
	}
	in := []Flat{newFlat(1), newFlat(2), newFlat(3)}
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		if _, err := parents.Insert(tx, FlatParent{ID: 1, Name: "p"}); err != nil {
			return err
		}
		for _, f := range in {
			if _, err := flats.Insert(tx, f); err != nil {
				return err
			}
		}
		return nil
	})
	for _, f := range in { // the caller changes what it inserted
		*f.Label, *f.Score, f.Nums[0], f.Tags[0], f.Big[0], f.ManyTags[0] = "x", -1, -1, "x", -1, "x"
	}
	ctx := context.Background()
	k := []byte{0x80, 0, 0, 0, 0, 0, 0, 1} // the encoded int64 key 1
	for round := range 2 {
		kids, err := rel.AppendChildrenNow(ctx, nil, k)
		if err != nil {
			t.Fatal(err)
		}
		if len(kids) != 3 {
			t.Fatalf("round %d: %d children, want 3", round, len(kids))
		}
		for i, got := range kids {
			if want := newFlat(int64(i + 1)); !sameFlat(got, want) {
				t.Fatalf("round %d: child %d = %+v, want %+v", round, i, got, want)
			}
			// A reader's changes stay its own.
			*got.Label, *got.Score, got.Nums[1], got.Tags[1], got.Big[1], got.ManyTags[1] = "y", -2, -2, "y", -2, "y"
			got.Tags = append(got.Tags, "z")
		}
		var one Flat
		mustView(t, s, func(tx *memstore.Tx) (err error) { one, err = flats.Get(tx, 2); return err })
		if !sameFlat(one, newFlat(2)) {
			t.Fatalf("round %d: Get(2) = %+v", round, one)
		}
	}
	p := FlatParent{ID: 1, Name: "parent"}
	if c, n := rel.CloneSize(&p); c != p || n != int64(unsafe.Sizeof(p))+6 {
		t.Errorf("CloneSize(plain) = %+v, %d; want a copy and %d", c, n, unsafe.Sizeof(p)+6)
	}
}
