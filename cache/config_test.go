package cache

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr *ConfigError // nil: New succeeds
		want    Config       // effective config, when New succeeds
	}{{
		name: "zero value means defaults",
		want: Config{MaxCost: 64 << 20, Stripes: 4096, NumCounters: 2 << 20, BufferItems: 64},
	}, {
		name: "num counters derive from max cost",
		cfg:  Config{MaxCost: 1 << 20},
		want: Config{MaxCost: 1 << 20, Stripes: 4096, NumCounters: 1 << 15, BufferItems: 64},
	}, {
		name: "tiny max cost keeps a minimum of counters",
		cfg:  Config{MaxCost: 1},
		want: Config{MaxCost: 1, Stripes: 4096, NumCounters: 1024, BufferItems: 64},
	}, {
		name: "explicit fields are kept",
		cfg:  Config{MaxCost: 1000, Stripes: 1, NumCounters: 7, BufferItems: 3},
		want: Config{MaxCost: 1000, Stripes: 1, NumCounters: 7, BufferItems: 3},
	}, {
		name:    "negative max cost",
		cfg:     Config{MaxCost: -1},
		wantErr: &ConfigError{Field: "MaxCost", Value: -1, Reason: "must not be negative"},
	}, {
		name:    "negative stripes",
		cfg:     Config{Stripes: -4},
		wantErr: &ConfigError{Field: "Stripes", Value: -4, Reason: "must not be negative"},
	}, {
		name:    "stripes not a power of two",
		cfg:     Config{Stripes: 1000},
		wantErr: &ConfigError{Field: "Stripes", Value: 1000, Reason: "must be a power of two"},
	}, {
		name:    "too many stripes",
		cfg:     Config{Stripes: 1 << 25},
		wantErr: &ConfigError{Field: "Stripes", Value: 1 << 25, Reason: "must be at most 1<<24"},
	}, {
		name:    "negative num counters",
		cfg:     Config{NumCounters: -1},
		wantErr: &ConfigError{Field: "NumCounters", Value: -1, Reason: "must not be negative"},
	}, {
		name:    "negative buffer items",
		cfg:     Config{BufferItems: -1},
		wantErr: &ConfigError{Field: "BufferItems", Value: -1, Reason: "must not be negative"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := tt.cfg
			got, err := tt.cfg.withDefaults()
			if tt.cfg != orig {
				t.Errorf("withDefaults changed the caller's Config to %+v", tt.cfg)
			}
			c, newErr := New(tt.cfg)
			if tt.wantErr != nil {
				var ce *ConfigError
				if !errors.As(newErr, &ce) || !errors.Is(newErr, ErrConfig) {
					t.Fatalf("New(%+v) = %v, want a *ConfigError matching ErrConfig", tt.cfg, newErr)
				}
				if diff := cmp.Diff(tt.wantErr, ce); diff != "" {
					t.Errorf("New(%+v) error (-want +got):\n%s", tt.cfg, diff)
				}
				return
			}
			if err != nil || newErr != nil {
				t.Fatalf("New(%+v) = %v, want no error", tt.cfg, newErr)
			}
			defer c.Close()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("effective Config (-want +got):\n%s", diff)
			}
			if len(c.gens) != tt.want.Stripes || c.rc.MaxCost() != tt.want.MaxCost {
				t.Errorf("New: %d stripes, MaxCost %d; want %d, %d", len(c.gens), c.rc.MaxCost(), tt.want.Stripes, tt.want.MaxCost)
			}
		})
	}
}

func TestConfigErrorMessage(t *testing.T) {
	_, err := New(Config{Stripes: 1000})
	const want = "cache: Config.Stripes 1000: must be a power of two"
	if err == nil || err.Error() != want {
		t.Errorf("New(Stripes: 1000) = %v, want %q", err, want)
	}
}
