package cache

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMetrics(t *testing.T) {
	const h, space = 99, 1
	tests := []struct {
		name string
		cfg  Config
		run  func(c *Cache)
		want Metrics
	}{{
		name: "fresh cache",
		want: Metrics{MaxCost: 1 << 20},
	}, {
		name: "fill, hit, miss, stale, collision, bypass",
		run: func(c *Cache) {
			lookup(c, h, space, "key") // miss
			fill(c, h, space, "key", 1)
			lookup(c, h, space, "key")   // hit
			lookup(c, h, space, "key")   // hit
			lookup(c, h, space, "other") // collision
			c.BeginCommit([]uint64{h})   // removes the entry
			lookup(c, h, space, "key")   // bypass
			c.EndCommit([]uint64{h})
			lookup(c, h, space, "key") // miss
			c.BeginReset()
			c.EndReset()
			fill(c, h, space, "key", 2) // held: 8 + EntryOverhead + 3 bytes
		},
		want: Metrics{
			Hits: 2, Misses: 3, Collisions: 1, Bypasses: 1, Sets: 2,
			Entries: 1, CostUsed: 8 + EntryOverhead + 3, MaxCost: 1 << 20,
		},
	}, {
		name: "entry above max cost is rejected",
		cfg:  Config{MaxCost: EntryOverhead},
		run:  func(c *Cache) { fill(c, h, space, "key", 1) },
		want: Metrics{Sets: 1, Drops: 1, MaxCost: EntryOverhead},
	}, {
		name: "disabled counts bypasses only",
		cfg:  Config{Disabled: true},
		run:  func(c *Cache) { fill(c, h, space, "key", 1); lookup(c, h, space, "key") },
		want: Metrics{Bypasses: 2, MaxCost: 1 << 20},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			if cfg.MaxCost == 0 {
				cfg.MaxCost = 1 << 20
			}
			c := newTestCache(t, cfg)
			if tt.run != nil {
				tt.run(c)
			}
			if diff := cmp.Diff(tt.want, c.Metrics()); diff != "" {
				t.Errorf("Metrics() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMetricsEvictions(t *testing.T) {
	// Room for 23 entries; 64 distinct keys must evict 41, oldest first.
	c := newTestCache(t, Config{MaxCost: 4 * (1024 + EntryOverhead + 8)})
	for i := range uint64(64) {
		for range 3 {
			lookup(c, mix(i), 1, "key-0000")
		}
		fill(c, mix(i), 1, "key-0000", i)
	}
	m := c.Metrics()
	// fill charges 8 + EntryOverhead + len("key-0000") per entry.
	room := m.MaxCost / (8 + EntryOverhead + 8)
	if m.Entries != room || m.Evictions != uint64(64-room) {
		t.Errorf("Metrics = %+v; want %d entries held and %d evicted", m, room, 64-room)
	}
	if m.CostUsed > m.MaxCost {
		t.Errorf("CostUsed %d > MaxCost %d", m.CostUsed, m.MaxCost)
	}
}
