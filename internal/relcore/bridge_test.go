package relcore_test

import (
	"context"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/internal/relcore"
	"github.com/relstore/relstore/memstore"
)

// The ward: a belongsTo with a negative key, a hasManyThrough and a
// polymorphic belongsTo, so that every core type crosses the bridge.
type (
	Doctor struct {
		ID   int64 `relstore:"pk"`
		Name string
		_    struct{} `relstore:"hasMany=Visitor,through=Visit"` // visitors
	}
	Visitor struct {
		ID   int64 `relstore:"pk"`
		Name string
		_    struct{} `relstore:"hasMany=Photo,polymorphic=subject"` // photos
	}
	Visit struct {
		ID        int64 `relstore:"pk"`
		DoctorID  int64 `relstore:"belongsTo=Doctor,onDelete=cascade"`
		VisitorID int64 `relstore:"belongsTo=Visitor,onDelete=cascade"`
		Note      string
	}
	Photo struct {
		ID          int64  `relstore:"pk"`
		SubjectID   *int64 `relstore:"polymorphic,onDelete=cascade"` // subject
		SubjectType string
	}
)

func openWard(t *testing.T) *memstore.Store {
	t.Helper()
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Doctor](), memstore.ModelOf[Visitor](),
		memstore.ModelOf[Visit](), memstore.ModelOf[Photo]()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		for _, row := range []any{&Doctor{ID: -3, Name: "Dee"}, &Doctor{ID: 5, Name: "Eve"}, &Visitor{ID: 1, Name: "Al"},
			&Visit{ID: 1, DoctorID: -3, VisitorID: 1, Note: "a"}, &Visit{ID: 2, DoctorID: -3, VisitorID: 1, Note: "b"},
			&Visit{ID: 3, DoctorID: 5, VisitorID: 1, Note: "c"}} {
			if err := tx.Insert(row); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCoresImplement: what each hook of memstore returns implements the
// interface relcore asserts it to (a missing method panics in
// assertCore), for every kind of core.
func TestCoresImplement(t *testing.T) {
	s := openWard(t)
	doctor, err := relcore.RelationOf[Visit, Doctor](s, "doctor")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := relcore.InverseOf[Doctor, Visit](s, "doctor"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := relcore.ThroughOf[Doctor, Visitor, Visit](s, "visitors"); err != nil {
		t.Fatal(err)
	}
	if _, err := relcore.PolymorphicOf[Photo](s, "subject"); err != nil {
		t.Fatal(err)
	}
	if _, err := doctor.Query(filter.Filter{}); err != nil {
		t.Fatal(err)
	}
	if _, err := relcore.RelationOf[Visit, Doctor](s, "nurse"); !errors.Is(err, memstore.ErrInvalid) {
		t.Errorf("RelationOf of an unknown relation: %v, want ErrInvalid", err)
	}
}

// TestWordKeysInline: a plain 64-bit integer key, which Rel encodes inline
// (memstore's WordFK and WordKeyTo), encodes as memstore's core does (the
// path a transaction takes) and as Store.Lookup's index order needs: the
// sign bit flipped, big-endian.
func TestWordKeysInline(t *testing.T) {
	s := openWard(t)
	doctor, err := relcore.RelationOf[Visit, Doctor](s, "doctor")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{-3, 5, 0, -1 << 63, 1<<63 - 1} {
		v := Visit{ID: 9, DoctorID: id}
		inline, ok, err := doctor.AppendFK(nil, nil, &v)
		if err != nil || !ok {
			t.Fatalf("AppendFK(%d) = %v, %v", id, ok, err)
		}
		want := binary.BigEndian.AppendUint64(nil, uint64(id)^1<<63)
		if string(inline) != string(want) {
			t.Errorf("AppendFK(%d) = %x, want %x", id, inline, want)
		}
		err = s.View(context.Background(), func(tx *memstore.Tx) error {
			viaCore, _, err := doctor.AppendFK(tx, nil, &v) // a Tx: the core's path
			if string(viaCore) != string(inline) {
				t.Errorf("AppendFK(%d) in a transaction = %x, inline %x", id, viaCore, inline)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		owner, ok, err := doctor.AppendKey(nil, &Doctor{ID: id})
		if err != nil || !ok || string(owner) != string(want) {
			t.Errorf("AppendKey(%d) = %x, %v, %v, want %x", id, owner, ok, err, want)
		}
	}
	if _, _, err := doctor.AppendFK(nil, nil, nil); !errors.Is(err, memstore.ErrInvalid) {
		t.Errorf("AppendFK(nil source) = %v, want ErrInvalid", err)
	}
	if _, _, err := doctor.AppendKey(nil, nil); !errors.Is(err, memstore.ErrInvalid) {
		t.Errorf("AppendKey(nil owner) = %v, want ErrInvalid", err)
	}
}

// TestHotPathsDoNotAllocate pins what hiding arguments from escape analysis
// is for: a key buffer on the caller's stack and a pointer to a caller's
// local cross the interface without moving to the heap. Without noescape
// each call below costs an allocation (checked by making noescape return
// its argument: 1 to 3 allocations per call).
func TestHotPathsDoNotAllocate(t *testing.T) {
	s := openWard(t)
	ctx := context.Background()
	doctor, err := relcore.RelationOf[Visit, Doctor](s, "doctor")
	if err != nil {
		t.Fatal(err)
	}
	visits, err := relcore.InverseOf[Doctor, Visit](s, "doctor")
	if err != nil {
		t.Fatal(err)
	}
	photo, err := relcore.PolymorphicOf[Photo](s, "subject")
	if err != nil {
		t.Fatal(err)
	}
	v := Visit{ID: 1, DoctorID: -3, VisitorID: 1}
	d := Doctor{ID: -3, Name: "Dee"}
	srcs := []Visit{v, v}
	var ends [2]int32
	var hashes [2]uint64
	subject := new(int64)
	*subject = 1
	for _, tc := range []struct {
		name string
		fn   func()
	}{
		{"Rel.AppendFK", func() {
			var buf [16]byte
			src := v
			k, _, _ := doctor.AppendFK(nil, buf[:0], &src)
			sink(k)
		}},
		{"Rel.AppendKey", func() {
			var buf [16]byte
			owner := d
			k, _, _ := visits.AppendKey(buf[:0], &owner)
			sink(k)
		}},
		{"Rel.AppendFKs", func() {
			var arena [32]byte
			a, _ := doctor.AppendFKs(arena[:0], srcs, ends[:], hashes[:])
			sink(a)
		}},
		{"Rel.Clone", func() {
			owner := d
			sinkDoctor(doctor.Clone(&owner))
		}},
		{"Poly.AppendFK", func() {
			var buf [16]byte
			p := Photo{ID: 1, SubjectID: subject, SubjectType: "Visitor"} // what p references escapes, p does not
			_, k, _, _ := photo.AppendFK(buf[:0], &p)
			sink(k)
		}},
	} {
		if n := testing.AllocsPerRun(100, tc.fn); n != 0 {
			t.Errorf("%s: %v allocations per call, want 0", tc.name, n)
		}
	}

	// A read go-memdb allocates for (its arguments, an iterator): a key on
	// the caller's stack costs nothing more than one on the heap. (Not so
	// for AppendChildrenNow, whose key go-memdb's Get leaks, in memstore's
	// analysis as before the bridge: relcore passes it as is.)
	heapKey := binary.BigEndian.AppendUint64(nil, uint64(d.ID)^1<<63)
	heapVisit := new(Visit)
	*heapVisit = v
	for _, tc := range []struct {
		name            string
		onStack, onHeap func()
	}{
		{"Rel.OwnerNow",
			func() {
				var buf [16]byte
				src := v
				k, _, _ := doctor.AppendFK(nil, buf[:0], &src)
				o, _ := doctor.OwnerNow(ctx, k)
				sinkDoctor(o)
			},
			func() {
				o, _ := doctor.OwnerNow(ctx, heapKey)
				sinkDoctor(o)
			}},
		{"Rel.HasChild",
			func() {
				_ = s.View(ctx, func(tx *memstore.Tx) error {
					var buf [16]byte
					src := v
					k, _, _ := doctor.AppendFK(nil, buf[:0], &src)
					_, err := doctor.HasChild(tx, &src, k)
					return err
				})
			},
			func() {
				_ = s.View(ctx, func(tx *memstore.Tx) error {
					_, err := doctor.HasChild(tx, heapVisit, heapKey)
					return err
				})
			}},
	} {
		stack, heap := testing.AllocsPerRun(100, tc.onStack), testing.AllocsPerRun(100, tc.onHeap)
		if stack != heap {
			t.Errorf("%s: %v allocations per call with the key on the stack, %v with it on the heap", tc.name, stack, heap)
		}
	}
}

var sunk int

// sink and sinkDoctor use a result without making it escape.
func sink(b []byte)       { sunk += len(b) }
func sinkDoctor(d Doctor) { sunk += len(d.Name) }
