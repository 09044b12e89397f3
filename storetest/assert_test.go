package storetest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/storetest"
)

// Session has an unexported field: the store keeps it with the row (rows
// are copied whole), so the assertions compare it too.
type Session struct {
	ID    int64
	User  string
	token string
}

// recordTB records what an assertion reports through Errorf; anything else
// an assertion calls panics (its embedded TB is nil).
type recordTB struct {
	testing.TB
	errors []string
}

func (r *recordTB) Helper() {}
func (r *recordTB) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// assertOn runs an assertion on a recordTB and returns its result, what it
// reported, and the panic that escaped it, if any.
func assertOn(assert func(t testing.TB) bool) (ok bool, errs []string, panicked any) {
	r := &recordTB{}
	defer func() { panicked = recover() }()
	ok = assert(r)
	return ok, r.errors, nil
}

func TestAssertionsReportUnexportedFields(t *testing.T) {
	s := storetest.New(t, memstore.ModelOf[Session]())
	s.Seed(t, Session{ID: 1, User: "ann", token: "t1"}, Session{ID: 2, User: "bob", token: "t2"})
	stored := []Session{{ID: 1, User: "ann", token: "t1"}, {ID: 2, User: "bob", token: "t2"}}
	otherToken := []Session{{ID: 1, User: "ann", token: "t1"}, {ID: 2, User: "bob", token: "XX"}}
	otherUser := []Session{{ID: 1, User: "ann", token: "t1"}, {ID: 2, User: "cy", token: "t2"}}
	dump := func(rows []Session) memstore.Dump {
		d := memstore.Dump{"Session": nil}
		for _, r := range rows {
			d["Session"] = append(d["Session"], r)
		}
		return d
	}
	// Two transformers of one type: an ambiguous option set, on which
	// go-cmp panics.
	ambiguous := []cmp.Option{
		cmp.Transformer("a", func(s string) string { return s }),
		cmp.Transformer("b", func(s string) string { return s }),
	}
	for _, tc := range []struct {
		name     string
		assert   func(t testing.TB) bool
		wantOK   bool
		wantText string // in the one error reported, when !wantOK
	}{
		{"rows equal with their unexported fields", func(t testing.TB) bool {
			return storetest.AssertRows(t, s.Store, stored)
		}, true, ""},
		{"rows differ in an unexported field", func(t testing.TB) bool {
			return storetest.AssertRows(t, s.Store, otherToken)
		}, false, "token"},
		{"rows differ in an exported field", func(t testing.TB) bool {
			return storetest.AssertRows(t, s.Store, otherUser)
		}, false, "User"},
		{"IgnoreUnexported leaves unexported fields out", func(t testing.TB) bool {
			return storetest.AssertRows(t, s.Store, otherToken, cmpopts.IgnoreUnexported(Session{}))
		}, true, ""},
		{"rows in any order with an unexported field", func(t testing.TB) bool {
			return storetest.AssertRows(t, s.Store, []Session{stored[1], stored[0]}, storetest.IgnoreOrder())
		}, true, ""},
		{"dump equal with unexported fields", func(t testing.TB) bool {
			return storetest.AssertDump(t, s.Store, dump(stored))
		}, true, ""},
		{"dump differs in an unexported field", func(t testing.TB) bool {
			return storetest.AssertDump(t, s.Store, dump(otherToken))
		}, false, "token"},
		{"options go-cmp panics on are reported", func(t testing.TB) bool {
			return storetest.AssertRows(t, s.Store, stored, ambiguous...)
		}, false, "ambiguous"},
		{"options go-cmp panics on are reported by AssertDump", func(t testing.TB) bool {
			return storetest.AssertDump(t, s.Store, dump(stored), ambiguous...)
		}, false, "ambiguous"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, errs, panicked := assertOn(tc.assert)
			if panicked != nil {
				t.Fatalf("the assertion panicked instead of reporting through Errorf: %v", panicked)
			}
			if ok != tc.wantOK {
				t.Errorf("assertion = %v, want %v (reported %q)", ok, tc.wantOK, errs)
			}
			switch {
			case tc.wantOK && len(errs) != 0:
				t.Errorf("reported %q, want nothing", errs)
			case !tc.wantOK && (len(errs) != 1 || !strings.Contains(errs[0], tc.wantText)):
				t.Errorf("reported %q, want one error mentioning %q", errs, tc.wantText)
			}
		})
	}
}
