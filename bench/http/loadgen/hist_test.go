package main

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestBucketBounds(t *testing.T) {
	for _, v := range []uint64{0, 1, 127, 128, 129, 255, 256, 1000, 123456789, 1<<62 + 12345} {
		lo, hi := bounds(bucket(v))
		if v < lo || v >= hi {
			t.Errorf("%d: in bucket %d = [%d, %d)", v, bucket(v), lo, hi)
		}
		if hi-lo > 1 && float64(hi-lo)/float64(lo) > 1.0/64 {
			t.Errorf("%d: bucket [%d, %d) wider than 1/64", v, lo, hi)
		}
	}
	// Buckets tile the line: each starts where the previous ends.
	for i := 1; i < 64<<subBits-64; i++ {
		if _, hi := bounds(i - 1); hi != func() uint64 { lo, _ := bounds(i); return lo }() {
			t.Fatalf("bucket %d does not start where %d ends (%d)", i, i-1, hi)
		}
	}
}

func TestQuantile(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var h hist
	var all []time.Duration
	for range 10000 {
		d := time.Duration(rng.ExpFloat64() * float64(time.Millisecond))
		h.add(d)
		all = append(all, d)
	}
	slices.Sort(all)
	for _, q := range []float64{0, 0.5, 0.9, 0.99, 1} {
		want := all[int(q*float64(len(all)-1))]
		got := h.quantile(q)
		if diff := float64(got-want) / float64(want); diff < -0.01 || diff > 0.01 {
			t.Errorf("quantile(%v) = %v, want %v within 1%%", q, got, want)
		}
	}
	var empty hist
	if got := empty.quantile(0.5); got != 0 {
		t.Errorf("empty quantile = %v, want 0", got)
	}
}
