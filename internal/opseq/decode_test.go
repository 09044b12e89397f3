package opseq

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEncodeDecode checks that every seed survives Encode then Decode, so
// that the seed corpus means what its Go source says.
func TestEncodeDecode(t *testing.T) {
	for _, s := range seeds() {
		t.Run(s.Name, func(t *testing.T) {
			want := FormatOps(s.Ops, -1)
			got := FormatOps(Decode(Encode(s.Ops)), -1)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Decode(Encode(seed)) mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeCanonical checks that arbitrary bytes decode to ops that encode
// and decode to themselves.
func TestDecodeCanonical(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		data := make([]byte, r.IntN(300))
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		ops := Decode(data)
		if n := len(ops); n < 1 || n > MaxOps {
			t.Fatalf("Decode(%d bytes) = %d ops, want 1..%d", len(data), n, MaxOps)
		}
		again := Decode(Encode(ops))
		if FormatOps(again, -1) != FormatOps(ops, -1) {
			t.Fatalf("Decode(Encode(Decode(%x))) differs:\n%s\nwant\n%s", data, FormatOps(again, -1), FormatOps(ops, -1))
		}
	}
}

// TestModelIsDeterministic checks that Resolve does not change the model
// and that applying the same sequence twice gives the same dump.
func TestModelIsDeterministic(t *testing.T) {
	for _, s := range Seeds() {
		a, b := NewModel(), NewModel()
		for _, op := range s.Ops {
			ra := a.Resolve(op)
			before := a.Dump()
			a.Resolve(op)
			if diff := cmp.Diff(before, a.Dump()); diff != "" {
				t.Fatalf("%s: Resolve changed the model:\n%s", s.Name, diff)
			}
			oa, ob := a.Apply(ra), b.Apply(b.Resolve(op))
			if diff := cmp.Diff(oa, ob); diff != "" {
				t.Fatalf("%s: %s: outcomes differ:\n%s", s.Name, op, diff)
			}
		}
		if diff := cmp.Diff(a.Dump(), b.Dump()); diff != "" {
			t.Fatalf("%s: dumps differ:\n%s", s.Name, diff)
		}
	}
}
