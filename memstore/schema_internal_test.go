package memstore

import (
	"strings"
	"testing"
)

// TestDBNameDistinct: go-memdb's names for tables and indexes (dbName) are
// distinct, never contain '.' (go-memdb joins table and index with it), and
// an index name is never "id", the primary key's.
func TestDBNameDistinct(t *testing.T) {
	seen := map[string]int{}
	for i := range 100_000 {
		n := dbName(i)
		if j, ok := seen[n]; ok {
			t.Fatalf("dbName(%d) = dbName(%d) = %q", i, j, n)
		}
		seen[n] = i
		if strings.Contains(n, ".") || n == "" || (i > 0 && i <= maxSlots && n == "id") {
			t.Fatalf("dbName(%d) = %q", i, n)
		}
	}
}
