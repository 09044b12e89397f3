package relations

import "testing"

// TestIncludeIndex drives Include's key deduplication with chosen hashes:
// equal hashes of different keys, hashes that share the table slot or the
// top half only, and a table that wraps around. Each distinct key must get
// exactly one lookup, found again by an equal key.
func TestIncludeIndex(t *testing.T) {
	const n = 8 // a table of 16 slots
	type req struct {
		h uint64
		k string
	}
	reqs := []req{
		{0xAAAA_0000_0000_0003, "a"},
		{0xAAAA_0000_0000_0003, "b"}, // same hash, another key
		{0xBBBB_0000_0000_0003, "c"}, // same slot, another top half
		{0xAAAA_0000_0000_0004, "d"}, // same top half, the next slot (taken by the probe above)
		{0xCCCC_0000_0000_000F, "e"}, // the last slot
		{0xDDDD_0000_0000_000F, "f"}, // wraps to slot 0
		{0xAAAA_0000_0000_0003, "a"},
		{0xAAAA_0000_0000_0003, "b"},
		{0xDDDD_0000_0000_000F, "f"},
		{0xAAAA_0000_0000_0004, "d"},
	}
	sc := &includeScratch{}
	for round := range 2 { // the second round reuses the buffers
		sc.reset(n)
		seen := map[string]int32{}
		for i, r := range reqs {
			j, dup := sc.index(r.h, []byte(r.k))
			first, ok := seen[r.k]
			switch {
			case ok && (!dup || j != first):
				t.Fatalf("round %d, request %d (%q): index = %d, %v; want %d, true", round, i, r.k, j, dup, first)
			case !ok && dup:
				t.Fatalf("round %d, request %d (%q): index = %d, true for a new key", round, i, r.k, j)
			case !ok:
				seen[r.k] = j
			}
			if l := sc.ls[j]; l.Hash != r.h || string(l.Key) != r.k {
				t.Fatalf("round %d, request %d: lookup %d is %#x %q, want %#x %q", round, i, j, l.Hash, l.Key, r.h, r.k)
			}
		}
		if len(sc.ls) != len(seen) {
			t.Fatalf("round %d: %d lookups for %d distinct keys", round, len(sc.ls), len(seen))
		}
	}
}
