package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relstore/relstore/internal/relcore"
	"github.com/relstore/relstore/memstore"
)

// Widget belongs to a Customer through a shadow foreign key declared in code.
type Widget struct {
	ID   int64
	Name string
}

func newRelStore(t *testing.T) (*testStore, *relcore.Rel[Order, Customer], *relcore.Rel[Widget, Customer], *relcore.Rel[Category, Category]) {
	t.Helper()
	widget := memstore.ModelOf[Widget]()
	widget.Relations = []memstore.Relation{{Name: "maker", Target: "Customer", OnDelete: memstore.SetNull, Shadow: true}}
	s, err := memstore.New(memstore.Config{Models: append(testModels(), widget)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ts := &testStore{Store: s, customers: mustTable[Customer, int64](t, s), orders: mustTable[Order, int64](t, s),
		categories: mustTable[Category, string](t, s), products: mustTable[Product, string](t, s)}
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		for _, c := range []Customer{{Email: "a@x", Name: "Ann"}, {Email: "b@x", Name: "Bob"}} {
			if _, err := ts.customers.Insert(tx, c); err != nil {
				return err
			}
		}
		for _, o := range []Order{{CustomerID: 1, Note: "1"}, {CustomerID: 1, Note: "2"}, {CustomerID: 2, Note: "3"}} {
			if _, err := ts.orders.Insert(tx, o); err != nil {
				return err
			}
		}
		if err := tx.Insert(Widget{ID: 1, Name: "w"}); err != nil {
			return err
		}
		return tx.Insert(Category{ID: "root"})
	})
	return ts,
		must(relcore.RelationOf[Order, Customer](s, "customer"))(t),
		must(relcore.RelationOf[Widget, Customer](s, "maker"))(t),
		must(relcore.RelationOf[Category, Category](s, "parent"))(t)
}

func TestRelationOf(t *testing.T) {
	ts, customer, maker, parent := newRelStore(t)
	for _, tc := range []struct {
		name string
		got  []any
		want []any
	}{
		{"field foreign key", []any{customer.Name(), customer.Source(), customer.Target(), customer.FK(), customer.KeyTo(),
			customer.Nullable(), customer.Shadow(), customer.Unique(), customer.SelfReferencing(), customer.OnDelete()},
			[]any{"customer", "Order", "Customer", "CustomerID", "ID", false, false, false, false, memstore.Cascade}},
		{"shadow foreign key", []any{maker.FK(), maker.Nullable(), maker.Shadow(), maker.OnDelete()},
			[]any{"MakerID", true, true, memstore.SetNull}},
		// Referencing its own primary key, the target index is the source's.
		{"self reference", []any{parent.SelfReferencing(), parent.Nullable(), parent.Space() == parent.SourceSpace()},
			[]any{true, true, true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"unknown relation", errOf(relcore.RelationOf[Order, Customer](ts.Store, "buyer"))},
		{"wrong target type", errOf(relcore.RelationOf[Order, Order](ts.Store, "customer"))},
		{"unregistered source", errOf(relcore.RelationOf[struct{ ID int }, Customer](ts.Store, "customer"))},
		{"nil store", errOf(relcore.RelationOf[Order, Customer](nil, "customer"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !errors.Is(tc.err, memstore.ErrInvalid) {
				t.Errorf("RelationOf error = %v, want ErrInvalid", tc.err)
			}
		})
	}
}

func errOf[V any](_ V, err error) error { return err }

func TestRelationPrimitives(t *testing.T) {
	ctx := context.Background()
	ts, customer, maker, _ := newRelStore(t)
	ann, _, _ := customer.AppendKey(nil, &Customer{ID: 1})
	bob, _, _ := customer.AppendKey(nil, &Customer{ID: 2})
	if got := customer.FormatKey(ann); got != int64(1) {
		t.Errorf("FormatKey(ann) = %v, want 1", got)
	}
	err := ts.View(ctx, func(tx *memstore.Tx) error {
		k, ok, err := customer.AppendFK(nil, nil, &Order{ID: 3, CustomerID: 2})
		if err != nil || !ok || string(k) != string(bob) {
			t.Errorf("AppendFK = %x, %v, %v; want bob's key", k, ok, err)
		}
		owner, err := customer.Owner(tx, k)
		if err != nil || owner.Name != "Bob" {
			t.Errorf("Owner(bob) = %+v, %v", owner, err)
		}
		if _, err := customer.Owner(tx, []byte("\x80\x00\x00\x00\x00\x00\x00\x63")); !errors.Is(err, memstore.ErrNotFound) {
			t.Errorf("Owner(missing) error = %v, want ErrNotFound", err)
		}
		seq, err := customer.Children(tx, ann)
		if err != nil {
			return err
		}
		var notes []string
		for o := range seq {
			notes = append(notes, o.Note)
		}
		if !slices.Equal(notes, []string{"1", "2"}) {
			t.Errorf("Children(ann) notes = %q, want 1, 2", notes)
		}
		if n, err := customer.CountChildren(tx, ann); n != 2 || err != nil {
			t.Errorf("CountChildren(ann) = %d, %v; want 2", n, err)
		}
		if mine, err := customer.HasChild(tx, &Order{ID: 3}, bob); !mine || err != nil {
			t.Errorf("HasChild(order 3, bob) = %v, %v; want true", mine, err)
		}
		if mine, err := customer.HasChild(tx, &Order{ID: 3}, ann); mine || err != nil {
			t.Errorf("HasChild(order 3, ann) = %v, %v; want false", mine, err)
		}
		src, err := customer.LookupSource(tx, int64(2))
		if err != nil || src.Note != "2" {
			t.Errorf("LookupSource(2) = %+v, %v", src, err)
		}
		for _, key := range []any{int64(0), "2", nil} {
			if _, err := customer.LookupSource(tx, key); !errors.Is(err, memstore.ErrInvalid) {
				t.Errorf("LookupSource(%#v) error = %v, want ErrInvalid", key, err)
			}
		}
		if _, err := customer.LookupSource(tx, int64(9)); !errors.Is(err, memstore.ErrNotFound) {
			t.Errorf("LookupSource(9) error = %v, want ErrNotFound", err)
		}
		// A shadow foreign key is read from the stored row.
		if _, ok, err := maker.AppendFK(tx, nil, &Widget{ID: 1}); ok || err != nil {
			t.Errorf("AppendFK(shadow, unset) = %v, %v; want null", ok, err)
		}
		if _, _, err := maker.AppendFK(tx, nil, &Widget{ID: 7}); !errors.Is(err, memstore.ErrNotFound) {
			t.Errorf("AppendFK(shadow, row missing) error = %v, want ErrNotFound", err)
		}
		if k, err := maker.AppendSourceKey(nil, &Widget{ID: 1}); err != nil || len(k) != 8 {
			t.Errorf("AppendSourceKey = %x, %v", k, err)
		}
		if _, err := maker.AppendSourceKey(nil, &Widget{}); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("AppendSourceKey(zero key) error = %v, want ErrInvalid", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("SetFK changes only the foreign key, and checks it", func(t *testing.T) {
		o := Order{ID: 1, CustomerID: 1, Note: "caller's stale note"}
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error { return customer.SetFK(tx, &o, bob) })
		if o.CustomerID != 2 {
			t.Errorf("source after SetFK: CustomerID = %d, want 2", o.CustomerID)
		}
		var stored Order
		mustView(t, ts.Store, func(tx *memstore.Tx) error { stored, err = ts.orders.Get(tx, 1); return err })
		if stored.CustomerID != 2 || stored.Note != "1" {
			t.Errorf("stored order = %+v, want CustomerID 2 and the stored note", stored)
		}
		err := ts.Update(ctx, func(tx *memstore.Tx) error { return customer.SetFK(tx, &o, []byte("\x80\x00\x00\x00\x00\x00\x00\x09")) })
		if !errors.Is(err, memstore.ErrForeignKey) {
			t.Errorf("SetFK(missing owner) error = %v, want ErrForeignKey", err)
		}
		err = ts.Update(ctx, func(tx *memstore.Tx) error { return customer.SetFK(tx, &o, nil) })
		if !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("SetFK(nil) on a non-nullable key: error = %v, want ErrInvalid", err)
		}
	})
	t.Run("shadow foreign key: SetFK and InsertChild", func(t *testing.T) {
		w := Widget{ID: 1}
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error { return maker.SetFK(tx, &w, ann) })
		nw := Widget{ID: 2, Name: "child"}
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error { return maker.InsertChild(tx, &nw, bob) })
		mustView(t, ts.Store, func(tx *memstore.Tx) error {
			for id, want := range map[int64][]byte{1: ann, 2: bob} {
				k, ok, err := maker.AppendFK(tx, nil, &Widget{ID: id})
				if err != nil || !ok || string(k) != string(want) {
					t.Errorf("widget %d maker key = %x, %v, %v; want %x", id, k, ok, err, want)
				}
			}
			return nil
		})
		// Deleting the maker nulls the shadow key (setNull).
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error { return ts.customers.Delete(tx, 2) })
		mustView(t, ts.Store, func(tx *memstore.Tx) error {
			if _, ok, err := maker.AppendFK(tx, nil, &Widget{ID: 2}); ok || err != nil {
				t.Errorf("after the maker's delete: AppendFK = %v, %v; want null", ok, err)
			}
			return nil
		})
	})
	t.Run("InsertChild writes back the keys", func(t *testing.T) {
		o := Order{Note: "through the relation"}
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error { return customer.InsertChild(tx, &o, ann) })
		if o.ID == 0 || o.CustomerID != 1 {
			t.Errorf("child after InsertChild = %+v, want an ID and CustomerID 1", o)
		}
		if !customer.FKIsZero(&Order{}) || customer.FKIsZero(&o) || maker.FKIsZero(&Widget{}) {
			t.Errorf("FKIsZero wrong")
		}
	})
	t.Run("Clone shares nothing", func(t *testing.T) {
		cat := must(relcore.RelationOf[Category, Category](ts.Store, "parent"))(t)
		in := Category{ID: "a", ParentID: ptr("root"), Tags: []string{"x"}}
		out := cat.Clone(&in)
		*in.ParentID, in.Tags[0] = "changed", "changed"
		if *out.ParentID != "root" || out.Tags[0] != "x" {
			t.Errorf("Clone shares memory: %+v", out)
		}
	})
}

func TestRelationNowPrimitives(t *testing.T) {
	ts, customer, _, parent := newRelStore(t)
	ctx := context.Background()
	ann, _, _ := customer.AppendKey(nil, &Customer{ID: 1})
	owner, err := customer.OwnerNow(ctx, ann)
	if err != nil || owner.Name != "Ann" {
		t.Errorf("OwnerNow(ann) = %+v, %v", owner, err)
	}
	if _, err := customer.OwnerNow(ctx, []byte("\x80\x00\x00\x00\x00\x00\x00\x63")); !errors.Is(err, memstore.ErrNotFound) {
		t.Errorf("OwnerNow(missing) error = %v, want ErrNotFound", err)
	}
	kids, err := customer.AppendChildrenNow(ctx, nil, ann)
	if err != nil || len(kids) != 2 || kids[0].Note != "1" {
		t.Errorf("AppendChildrenNow(ann) = %+v, %v; want orders 1 and 2", kids, err)
	}
	if n, err := customer.CountChildrenNow(ctx, ann); n != 2 || err != nil {
		t.Errorf("CountChildrenNow(ann) = %d, %v; want 2", n, err)
	}
	if o, ok, err := customer.OwnerOfKeyNow(ctx, int64(3)); !ok || err != nil || o.Name != "Bob" {
		t.Errorf("OwnerOfKeyNow(3) = %+v, %v, %v; want Bob", o, ok, err)
	}
	for _, key := range []any{int64(99), int64(0), "3", nil} {
		if _, _, err := customer.OwnerOfKeyNow(ctx, key); err == nil {
			t.Errorf("OwnerOfKeyNow(%#v) succeeded, want an error", key)
		}
	}
	// A pointer foreign key: SetFK allocates the field's own copy, and a
	// null foreign key has no owner.
	c := Category{ID: "leaf"}
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error { return tx.Insert(c) })
	root, _, _ := parent.AppendKey(nil, &Category{ID: "root"})
	if _, ok, err := parent.OwnerOfKeyNow(ctx, "leaf"); ok || err != nil {
		t.Errorf("OwnerOfKeyNow(leaf, no parent) = %v, %v; want no owner", ok, err)
	}
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error { return parent.SetFK(tx, &c, root) })
	if c.ParentID == nil || *c.ParentID != "root" {
		t.Fatalf("SetFK on a pointer key left ParentID = %v", c.ParentID)
	}
	if p, ok, err := parent.OwnerOfKeyNow(ctx, "leaf"); !ok || err != nil || p.ID != "root" {
		t.Errorf("OwnerOfKeyNow(leaf) = %+v, %v, %v; want root", p, ok, err)
	}
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error { return parent.SetFK(tx, &c, nil) })
	if c.ParentID != nil {
		t.Errorf("SetFK(nil) left ParentID = %v", *c.ParentID)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	//nolint:staticcheck // a nil context is the bad input under test
	for name, err := range map[string]error{
		"nil context":       errOf(customer.OwnerNow(nil, ann)),
		"cancelled context": errOf(customer.AppendChildrenNow(cancelled, nil, ann)),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	ts.Close()
	if _, err := customer.CountChildrenNow(ctx, ann); !errors.Is(err, memstore.ErrClosed) {
		t.Errorf("CountChildrenNow after Close: error = %v, want ErrClosed", err)
	}
}

// checkAppendFKs checks AppendFKs against AppendFK and KeyHash, source by
// source, after a prefix already in the arena.
func checkAppendFKs[S, T any](t *testing.T, s *memstore.Store, r *relcore.Rel[S, T], srcs []S) {
	t.Helper()
	prefix := []byte("prefix")
	ends, hashes := make([]int32, len(srcs)), make([]uint64, len(srcs))
	arena, err := r.AppendFKs(slices.Clone(prefix), srcs, ends, hashes)
	if err != nil {
		t.Fatalf("AppendFKs: %v", err)
	}
	want := slices.Clone(prefix)
	for i := range srcs {
		start := len(want)
		var ok bool
		if want, ok, err = r.AppendFK(nil, want, &srcs[i]); err != nil {
			t.Fatalf("AppendFK(%d): %v", i, err)
		}
		switch {
		case !ok && ends[i] != -1:
			t.Errorf("source %d has no key, but its end is %d", i, ends[i])
		case ok && int(ends[i]) != len(want):
			t.Errorf("source %d: end %d, want %d", i, ends[i], len(want))
		case ok && hashes[i] != s.KeyHash(r.Space(), want[start:]):
			t.Errorf("source %d: hash %#x, want KeyHash %#x", i, hashes[i], s.KeyHash(r.Space(), want[start:]))
		}
	}
	if !slices.Equal(arena, want) {
		t.Errorf("arena = %x, want %x", arena, want)
	}
}

// TestAppendFKs checks the batch form of AppendFK and KeyHash on each kind
// of foreign key (a plain int64, the inline path; a nullable string; a
// string), and that it refuses a shadow foreign key, short outputs and a
// key AppendFK refuses, leaving the arena's length as it was.
func TestAppendFKs(t *testing.T) {
	ts, customer, maker, parent := newRelStore(t)
	r := rand.New(rand.NewPCG(5, 23))
	orders := []Order{{CustomerID: 1}, {CustomerID: 1}, {CustomerID: -1}, {CustomerID: math.MinInt64}, {CustomerID: math.MaxInt64}}
	for range 100 {
		orders = append(orders, Order{CustomerID: int64(r.Uint64())})
	}
	t.Run("int64", func(t *testing.T) { checkAppendFKs(t, ts.Store, customer, orders) })
	root, long := "root", strings.Repeat("x", memstore.MaxKeyLen+1)
	cats := []Category{{ID: "a"}, {ID: "b", ParentID: &root}, {ID: "c"}, {ID: "d", ParentID: new(string)}}
	t.Run("nullable string", func(t *testing.T) { checkAppendFKs(t, ts.Store, parent, cats) })
	products := must(relcore.RelationOf[Product, Category](ts.Store, "category"))(t)
	t.Run("string", func(t *testing.T) {
		checkAppendFKs(t, ts.Store, products, []Product{{CategoryID: "a"}, {CategoryID: "a\x00b"}, {CategoryID: ""}})
	})
	for _, tc := range []struct {
		name string
		call func(arena []byte) ([]byte, error)
	}{
		{"shadow foreign key", func(a []byte) ([]byte, error) {
			return maker.AppendFKs(a, []Widget{{ID: 1}}, make([]int32, 1), make([]uint64, 1))
		}},
		{"short ends", func(a []byte) ([]byte, error) {
			return customer.AppendFKs(a, orders, make([]int32, 1), make([]uint64, len(orders)))
		}},
		{"short hashes", func(a []byte) ([]byte, error) {
			return customer.AppendFKs(a, orders, make([]int32, len(orders)), nil)
		}},
		{"key too long", func(a []byte) ([]byte, error) {
			return parent.AppendFKs(a, []Category{{ID: "a", ParentID: &root}, {ID: "b", ParentID: &long}}, make([]int32, 2), make([]uint64, 2))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			arena, err := tc.call([]byte("prefix"))
			if !errors.Is(err, memstore.ErrInvalid) || string(arena) != "prefix" {
				t.Errorf("AppendFKs = %q, %v; want the arena as it was and ErrInvalid", arena, err)
			}
		})
	}
}

// checkBadKeys calls every Rel primitive that takes an encoded key with
// each of keys, none of which is a key of rel's target: each must fail with
// ErrInvalid (FormatKey, which has no error, must not panic), without a
// panic and without changing the store. src is a stored source row, fresh
// one to insert.
func checkBadKeys[S, T any](t *testing.T, s *memstore.Store, rel *relcore.Rel[S, T], src, fresh S, keys map[string][]byte) {
	t.Helper()
	ctx := context.Background()
	prims := []struct {
		name string
		fn   func(k []byte) error
	}{
		{"Owner", func(k []byte) error {
			return s.View(ctx, func(tx *memstore.Tx) error { return errOf(rel.Owner(tx, k)) })
		}},
		{"OwnerNow", func(k []byte) error { return errOf(rel.OwnerNow(ctx, k)) }},
		{"Children", func(k []byte) error {
			return s.View(ctx, func(tx *memstore.Tx) error { return errOf(rel.Children(tx, k)) })
		}},
		{"CountChildren", func(k []byte) error {
			return s.View(ctx, func(tx *memstore.Tx) error { return errOf(rel.CountChildren(tx, k)) })
		}},
		{"CountChildrenNow", func(k []byte) error { return errOf(rel.CountChildrenNow(ctx, k)) }},
		{"AppendChildrenNow", func(k []byte) error { return errOf(rel.AppendChildrenNow(ctx, nil, k)) }},
		{"HasChild", func(k []byte) error {
			return s.View(ctx, func(tx *memstore.Tx) error { return errOf(rel.HasChild(tx, &src, k)) })
		}},
		{"SetFK", func(k []byte) error {
			if k == nil {
				return memstore.ErrInvalid // nil clears the foreign key: tested elsewhere
			}
			row := src
			return s.Update(ctx, func(tx *memstore.Tx) error { return rel.SetFK(tx, &row, k) })
		}},
		{"InsertChild", func(k []byte) error {
			if k == nil && rel.Nullable() {
				return memstore.ErrInvalid // nil inserts a null foreign key
			}
			row := fresh
			return s.Update(ctx, func(tx *memstore.Tx) error { return rel.InsertChild(tx, &row, k) })
		}},
		{"FormatKey", func(k []byte) error { _ = rel.FormatKey(k); return memstore.ErrInvalid }},
	}
	before := mustDump(t, s)
	for _, p := range prims {
		for name, k := range keys {
			err := func() (err error) {
				defer func() {
					if r := recover(); r != nil {
						err = fmt.Errorf("panic: %v", r)
					}
				}()
				return p.fn(k)
			}()
			if !errors.Is(err, memstore.ErrInvalid) {
				t.Errorf("%s.%s(%s key %x) = %v, want ErrInvalid", rel.Name(), p.name, name, k, err)
			}
		}
	}
	if diff := cmp.Diff(before, mustDump(t, s)); diff != "" {
		t.Errorf("bad keys changed the store (-want +got):\n%s", diff)
	}
}

// TestBadEncodedKeys: the primitives that take encoded keys check them (a
// 1-byte key of a string target panicked while formatting the error, an
// empty key returned the table's first row).
func TestBadEncodedKeys(t *testing.T) {
	ts, customer, _, parent := newRelStore(t)
	t.Run("int64 key", func(t *testing.T) {
		checkBadKeys(t, ts.Store, customer, Order{ID: 1, CustomerID: 1}, Order{}, map[string][]byte{
			"nil": nil, "empty": {}, "1-byte": {0x80}, "7-byte": make([]byte, 7), "9-byte": make([]byte, 9),
		})
	})
	t.Run("string key", func(t *testing.T) {
		checkBadKeys(t, ts.Store, parent, Category{ID: "root"}, Category{ID: "new"}, map[string][]byte{
			"nil": nil, "empty": {}, "1-byte": {'a'}, "unterminated": []byte("ab"),
			"bytes after the terminator": []byte("a\x00\x01b\x00\x01"), "a bad escape": []byte("a\x00\x02\x00\x01"),
			"an unescaped zero at the end": []byte("a\x00\x00\x01"),
			"too long":                     append([]byte(strings.Repeat("x", memstore.MaxKeyLen+1)), 0, 1),
		})
	})
	// Good keys still work, a 0x00 byte and the longest key included.
	for _, id := range []string{"a\x00b", strings.Repeat("y", memstore.MaxKeyLen)} {
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error { return tx.Insert(Category{ID: id}) })
		k, _, err := parent.AppendKey(nil, &Category{ID: id})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := parent.OwnerNow(context.Background(), k); err != nil || got.ID != id {
			t.Errorf("OwnerNow(%q) = %q, %v; want the row", id, got.ID, err)
		}
		if got := parent.FormatKey(k); got != id {
			t.Errorf("FormatKey(%q's key) = %q", id, got)
		}
	}
}

func TestHasChildOfNilSource(t *testing.T) {
	ts, customer, _, _ := newRelStore(t)
	mustView(t, ts.Store, func(tx *memstore.Tx) error {
		if _, err := customer.HasChild(tx, nil, []byte{0x80, 0, 0, 0, 0, 0, 0, 1}); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("HasChild(nil source) = %v, want ErrInvalid", err)
		}
		return nil
	})
}
