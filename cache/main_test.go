package cache

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them (a Cache
// starts none; the tests' own goroutines must end).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
