package cache

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: every
// Cache a test opens must be closed (ristretto runs goroutines).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
