package main

import (
	"math/bits"
	"time"
)

// subBits is log2 of the buckets per power of two: 64, so a bucket's
// midpoint is within 1/128 (0.8%) of any latency in it.
const subBits = 6

// A hist counts latencies (in nanoseconds) in log-linear buckets: exact
// below 2^(subBits+1) ns, then 2^subBits buckets per power of two. The zero
// value is empty; it is not safe for concurrent use (each client has its
// own, merged at the end).
type hist struct {
	counts [64 << subBits]uint64
	n      uint64
	max    time.Duration
}

func bucket(v uint64) int {
	if v < 1<<(subBits+1) {
		return int(v)
	}
	e := bits.Len64(v) - (subBits + 1)
	return (e+1)<<subBits + int(v>>e) - 1<<subBits
}

// bounds returns the least value in bucket i and the least of the next.
func bounds(i int) (lo, hi uint64) {
	if i < 1<<(subBits+1) {
		return uint64(i), uint64(i) + 1
	}
	e := i>>subBits - 1
	m := uint64(i&(1<<subBits-1) + 1<<subBits)
	return m << e, (m + 1) << e
}

func (h *hist) add(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.counts[bucket(uint64(d))]++
	h.n++
	h.max = max(h.max, d)
}

func (h *hist) merge(o *hist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// quantile returns the midpoint of the bucket holding the q-th latency (q
// in [0, 1]), at most the largest latency seen; 0 when empty.
func (h *hist) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n-1)) + 1 // 1-based rank of the latency wanted
	var seen uint64
	for i, c := range h.counts {
		if seen += c; seen >= rank {
			lo, hi := bounds(i)
			return min(time.Duration(lo+(hi-1-lo)/2), h.max)
		}
	}
	return h.max
}
