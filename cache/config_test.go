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
		want: Config{MaxCost: 64 << 20},
	}, {
		name: "explicit fields are kept",
		cfg:  Config{MaxCost: 1000, Stripes: 1, NumCounters: 7, BufferItems: 3},
		want: Config{MaxCost: 1000, Stripes: 1, NumCounters: 7, BufferItems: 3},
	}, {
		name: "the largest max cost",
		cfg:  Config{MaxCost: MaxCostLimit},
		want: Config{MaxCost: MaxCostLimit},
	}, {
		name:    "max cost above the limit",
		cfg:     Config{MaxCost: MaxCostLimit + 1},
		wantErr: &ConfigError{Field: "MaxCost", Value: MaxCostLimit + 1, Reason: "must be at most 1<<48"},
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
			stripes := tt.want.Stripes
			if stripes == 0 {
				stripes = minStripes
			}
			if n := len(c.stripes.Load().words); n != stripes || c.maxCost != tt.want.MaxCost {
				t.Errorf("New: %d stripes, MaxCost %d; want %d, %d", n, c.maxCost, stripes, tt.want.MaxCost)
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
