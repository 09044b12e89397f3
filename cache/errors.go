package cache

import (
	"errors"
	"fmt"
)

// Errors returned by [New].
var (
	// ErrConfig is matched (errors.Is) by every error [New] returns for an
	// invalid [Config]; the concrete error is a [*ConfigError].
	ErrConfig = errors.New("cache: invalid config")
)

// Errors returned by [Cache.Close].
var (
	// ErrClosed is returned by [Cache.Close] when the cache is already closed.
	// No other method returns it: after Close they degrade to misses and no-ops.
	ErrClosed = errors.New("cache: closed")
)

// ConfigError reports which [Config] field [New] refused, and why. It matches
// [ErrConfig] with errors.Is.
type ConfigError struct {
	Field  string // name of the Config field, e.g. "Stripes"
	Value  int64  // the value that was refused
	Reason string // e.g. "must not be negative"
}

// Error returns a message like "cache: Config.Stripes 1000: must be a power of two".
func (e *ConfigError) Error() string {
	return fmt.Sprintf("cache: Config.%s %d: %s", e.Field, e.Value, e.Reason)
}

// Unwrap returns [ErrConfig].
func (e *ConfigError) Unwrap() error { return ErrConfig }
