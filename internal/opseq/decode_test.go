package opseq

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// schemas are the schemas under test, each with its seeds as written.
var schemas = []struct {
	base  *Schema
	seeds func() []Seed
}{
	{Shop, shopSeeds},
	{Seats, seatsSeeds},
}

// TestEncodeDecode checks that every seed survives Encode then Decode, so
// that the seed corpus means what its Go source says.
func TestEncodeDecode(t *testing.T) {
	for _, sc := range schemas {
		for _, s := range sc.seeds() {
			t.Run(sc.base.Name+"/"+s.Name, func(t *testing.T) {
				got := Decode(sc.base, Encode(s.Seq))
				if diff := cmp.Diff(s.Schema.Variant(), got.Schema.Variant()); diff != "" {
					t.Errorf("Decode(Encode(seed)) schema mismatch (-want +got):\n%s", diff)
				}
				want := FormatOps(s.Schema, s.Ops, -1)
				if diff := cmp.Diff(want, FormatOps(got.Schema, got.Ops, -1)); diff != "" {
					t.Errorf("Decode(Encode(seed)) mismatch (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestDecodeCanonical checks that arbitrary bytes decode to ops that encode
// and decode to themselves.
func TestDecodeCanonical(t *testing.T) {
	for _, sc := range schemas {
		t.Run(sc.base.Name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			for range 2000 {
				data := make([]byte, r.IntN(300))
				for i := range data {
					data[i] = byte(r.Uint32())
				}
				seq := Decode(sc.base, data)
				if n := len(seq.Ops); n < 1 || n > MaxOps {
					t.Fatalf("Decode(%d bytes) = %d ops, want 1..%d", len(data), n, MaxOps)
				}
				again := Decode(sc.base, Encode(seq))
				if a, b := FormatOps(again.Schema, again.Ops, -1), FormatOps(seq.Schema, seq.Ops, -1); a != b || again.Schema.Variant() != seq.Schema.Variant() {
					t.Fatalf("Decode(Encode(Decode(%x))) differs:\n%s %s\nwant\n%s %s", data, again.Schema.Variant(), a, seq.Schema.Variant(), b)
				}
			}
		})
	}
}

// TestModelIsDeterministic checks that Resolve does not change the model
// and that applying the same sequence twice gives the same dump.
func TestModelIsDeterministic(t *testing.T) {
	for _, sc := range schemas {
		for _, s := range normalized(sc.base, sc.seeds()) {
			a, b := NewModel(s.Schema), NewModel(s.Schema)
			for _, op := range s.Ops {
				if op.Kind == OpConcurrent {
					op.Order = inOrder(len(op.Sub))
				}
				ra := a.Resolve(op)
				before := a.Dump(op.Store)
				a.Resolve(op)
				if diff := cmp.Diff(before, a.Dump(op.Store)); diff != "" {
					t.Fatalf("%s: Resolve changed the model:\n%s", s.Name, diff)
				}
				oa, ob := a.Apply(ra), b.Apply(b.Resolve(op))
				if diff := cmp.Diff(oa, ob); diff != "" {
					t.Fatalf("%s: %s: outcomes differ:\n%s", s.Name, op.Format(s.Schema), diff)
				}
			}
			for st := range s.Schema.NumStores() {
				if diff := cmp.Diff(a.Dump(st), b.Dump(st)); diff != "" {
					t.Fatalf("%s: dumps of store %d differ:\n%s", s.Name, st, diff)
				}
			}
		}
	}
}

func inOrder(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
