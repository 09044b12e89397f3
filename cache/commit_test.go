package cache

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBeginEndParity checks that each distinct stripe moves by exactly one
// per call, however hashes repeat or share stripes.
func TestBeginEndParity(t *testing.T) {
	const stripes = 8
	tests := []struct {
		name   string
		hashes []uint64
		want   [stripes]uint64 // counters after BeginCommit
	}{
		{"no hashes", nil, [stripes]uint64{}},
		{"one hash", []uint64{5}, [stripes]uint64{5: 1}},
		{"same hash twice", []uint64{5, 5}, [stripes]uint64{5: 1}},
		{"two hashes in one stripe", []uint64{2, 2 + stripes, 2 + 9*stripes}, [stripes]uint64{2: 1}},
		{"unsorted mix", []uint64{7, 1 + stripes, 7 + stripes, 1, 3}, [stripes]uint64{1: 1, 3: 1, 7: 1}},
		// Above bitmapMin hashes, bump dedupes with a bitmap.
		{"a large commit on two stripes", large(200, 3, 1), [stripes]uint64{1: 1, 3: 1}},
		{"a large commit on every stripe", large(200, 0, 1, 2, 3, 4, 5, 6, 7), [stripes]uint64{1, 1, 1, 1, 1, 1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestCache(t, Config{Stripes: stripes, MaxCost: 1 << 16})
			c.BeginCommit(tt.hashes)
			if diff := cmp.Diff(tt.want, counters(c)); diff != "" {
				t.Errorf("after BeginCommit (-want +got):\n%s", diff)
			}
			c.EndCommit(tt.hashes)
			for i, w := range c.marks {
				if w != 0 {
					t.Fatalf("bitmap word %d = %#x after EndCommit, want 0", i, w)
				}
			}
			var want [stripes]uint64
			for i, g := range tt.want {
				want[i] = g << genShift // one commit ended on each stripe it opened
			}
			if diff := cmp.Diff(want, counters(c)); diff != "" {
				t.Errorf("after EndCommit (-want +got):\n%s", diff)
			}
		})
	}
}

// large returns n hashes that fall in the given stripes (of 8), in turn.
func large(n int, stripes ...uint64) []uint64 {
	hs := make([]uint64, n)
	for i := range hs {
		hs[i] = stripes[i%len(stripes)] + 8*uint64(i)
	}
	return hs
}

func counters(c *Cache) (got [8]uint64) {
	t := c.stripes.Load()
	for i := range got {
		got[i] = t.words[i].Load()
	}
	return got
}

func TestBeginCommitAllocs(t *testing.T) {
	c := newTestCache(t, Config{MaxCost: 1 << 16})
	for _, hashes := range [][]uint64{{mix(1), mix(2), mix(3), mix(1), mix(4)}, large(1000, 0, 5, 9)} {
		allocs := testing.AllocsPerRun(100, func() {
			c.BeginCommit(hashes)
			c.EndCommit(hashes)
		})
		if allocs != 0 {
			t.Errorf("BeginCommit+EndCommit of %d hashes: %v allocs, want 0", len(hashes), allocs)
		}
	}
}

func TestResetIsConstantTime(t *testing.T) {
	c := newTestCache(t, Config{MaxCost: 1 << 16})
	c.BeginReset()
	odd := c.Token(1).Bypass()
	c.EndReset()
	if got := []any{odd, c.epoch.Load(), c.Token(1).Bypass()}; !cmp.Equal(got, []any{true, uint64(2 << genShift), false}) {
		t.Errorf("reset: bypass during, epoch, bypass after = %v; want [true %d false]", got, 2<<genShift)
	}
	if allocs := testing.AllocsPerRun(100, func() { c.BeginReset(); c.EndReset() }); allocs != 0 {
		t.Errorf("BeginReset+EndReset: %v allocs, want 0", allocs)
	}
}

func BenchmarkBeginEndCommit(b *testing.B) {
	c := newTestCache(b, Config{})
	for _, n := range []int{1, 4, 64} {
		hashes := make([]uint64, n)
		for i := range hashes {
			hashes[i] = mix(uint64(i))
		}
		b.Run(fmt.Sprintf("%d-hashes", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.BeginCommit(hashes)
				c.EndCommit(hashes)
			}
		})
	}
}

func TestCurrent(t *testing.T) {
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const h = 42
	tok := c.Token(h)
	if !c.Current(tok) {
		t.Fatalf("Current(fresh token) = false, want true")
	}
	c.BeginCommit([]uint64{h + 1}) // the next stripe
	c.EndCommit([]uint64{h + 1})
	if !c.Current(tok) {
		t.Errorf("Current after a commit on another stripe = false, want true")
	}
	c.BeginCommit([]uint64{h})
	if c.Current(tok) {
		t.Errorf("Current during a commit on its stripe = true, want false")
	}
	c.EndCommit([]uint64{h})
	if c.Current(tok) {
		t.Errorf("Current after a commit on its stripe = true, want false")
	}
	tok = c.Token(h)
	c.BeginReset()
	c.EndReset()
	if c.Current(tok) {
		t.Errorf("Current after a reset = true, want false")
	}
	if c.Current(Token{}) {
		t.Errorf("Current(zero Token) = true, want false")
	}
	var nilCache *Cache
	if nilCache.Current(c.Token(h)) {
		t.Errorf("nil Cache: Current = true, want false")
	}
}

func TestEnabled(t *testing.T) {
	var nilCache *Cache
	off, err := New(Config{Disabled: true})
	if err != nil {
		t.Fatal(err)
	}
	on, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if nilCache.Enabled() || off.Enabled() || !on.Enabled() {
		t.Errorf("Enabled: nil %v, disabled %v, default %v; want false, false, true", nilCache.Enabled(), off.Enabled(), on.Enabled())
	}
	on.Close()
	off.Close()
	if on.Enabled() {
		t.Errorf("Enabled after Close = true, want false")
	}
}
