package relations

import "testing"

// TestIncludeIndex drives Include's key deduplication with chosen hashes:
// equal hashes of different keys, hashes that share the table slot or the
// top half only, a table that wraps around, and sources without a key.
// Each distinct key must get exactly one lookup, which every source with
// that key points to.
func TestIncludeIndex(t *testing.T) {
	type src struct {
		h uint64
		k string // "" for no key
	}
	srcs := []src{
		{0xAAAA_0000_0000_0003, "a"},
		{0xAAAA_0000_0000_0003, "b"}, // same hash, another key
		{0, ""},
		{0xBBBB_0000_0000_0003, "c"}, // same slot, another top half
		{0xAAAA_0000_0000_0004, "d"}, // same top half, the next slot (taken by the probe above)
		{0xCCCC_0000_0000_001F, "e"}, // the last slot
		{0xDDDD_0000_0000_001F, "f"}, // wraps to slot 0
		{0xAAAA_0000_0000_0003, "a"},
		{0xAAAA_0000_0000_0003, "b"},
		{0, ""},
		{0xDDDD_0000_0000_001F, "f"},
	}
	sc := &includeScratch{}
	for round := range 2 { // the second round reuses the buffers
		sc.reset(len(srcs)) // a table of 32 slots: a key's slot is h&31
		if len(sc.table) != 32 {
			t.Fatalf("table of %d slots, want 32", len(sc.table))
		}
		var arena []byte
		for i, s := range srcs {
			sc.ends[i], sc.hashes[i] = -1, s.h
			if s.k != "" {
				arena = append(arena, s.k...)
				sc.ends[i] = int32(len(arena))
			}
		}
		sc.index(arena)
		first := map[string]int32{}
		for i, s := range srcs {
			j := sc.pos[i]
			if s.k == "" {
				if j != -1 {
					t.Errorf("round %d: source %d has no key but points to lookup %d", round, i, j)
				}
				continue
			}
			if f, ok := first[s.k]; ok && f != j {
				t.Errorf("round %d: source %d (%q) points to lookup %d, an earlier one to %d", round, i, s.k, j, f)
			}
			first[s.k] = j
			if l := sc.ls[j]; l.Hash != sc.hashes[i] || string(l.Key) != s.k {
				t.Errorf("round %d: source %d points to lookup %d for %#x %q, want %#x %q", round, i, j, l.Hash, l.Key, sc.hashes[i], s.k)
			}
		}
		if len(sc.ls) != len(first) {
			t.Errorf("round %d: %d lookups for %d distinct keys", round, len(sc.ls), len(first))
		}
	}
}
