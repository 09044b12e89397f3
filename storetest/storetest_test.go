package storetest_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/storetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Customer has a nullable best friend: customers reference each other in a
// cycle that only a second pass can load.
type Customer struct {
	ID           int64  `relstore:"pk,auto"`
	Email        string `relstore:"unique"`
	Name         string
	BestFriendID *int64 `relstore:"belongsTo=Customer,as=bestFriend,onDelete=setNull"`
}

type Order struct {
	ID         int64 `relstore:"pk,auto"`
	CustomerID int64 `relstore:"belongsTo=Customer,onDelete=cascade"`
	Item       string
}

type Category struct {
	ID       string
	ParentID *string `relstore:"belongsTo=Category,as=parent"`
}

// Step has a non-nullable reference to the step before it (the first step
// references itself), so its rows must be inserted in chain order.
type Step struct {
	ID     int64
	PrevID int64 `relstore:"belongsTo=Step,as=prev"`
}

func models() []memstore.Model {
	return []memstore.Model{
		memstore.ModelOf[Order](), // listed before its target on purpose
		memstore.ModelOf[Customer](),
		memstore.ModelOf[Category](),
		memstore.ModelOf[Step](),
	}
}

func ptr[T any](v T) *T { return &v }

// fakeTB records what a helper reports; Fatalf ends the calling goroutine
// like testing's does.
type fakeTB struct {
	testing.TB // nil: calling anything not overridden panics
	mu         sync.Mutex
	errors     []string
	fatal      bool
	cleanups   []func()
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	f.fatal = true
	runtime.Goexit()
}
func (f *fakeTB) Cleanup(fn func())   { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Logf(string, ...any) {}
func (f *fakeTB) Name() string        { return "fake" }

// run calls fn with a fake TB on its own goroutine (so Fatalf can end it),
// runs its cleanups, and returns what it reported.
func run(fn func(tb testing.TB)) *fakeTB {
	f := &fakeTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	return f
}

func TestSeedJSONLoadsInForeignKeyOrder(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string
	}{
		{"one document", []string{"testdata/shop.json"}},
		{"one file per model, dependents first", []string{"testdata/orders.json", "testdata/customers.json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := storetest.New(t, models()...)
			s.SeedJSON(t, tc.files...)
			storetest.AssertRows(t, s.Store, []Order{
				{ID: 10, CustomerID: 2, Item: "scones"},
				{ID: 11, CustomerID: 1, Item: "tea"},
			})
			got, err := storetest.Rows[Customer](s.Store)
			if err != nil || len(got) != 2 {
				t.Fatalf("Rows[Customer] = %v, %v; want 2 rows", got, err)
			}
			storetest.CheckIntegrity(t, s.Store)
		})
	}
}

func TestSeedGoValuesWithCycles(t *testing.T) {
	s := storetest.New(t, models()...)
	ann := Customer{ID: 1, Email: "ann@x", BestFriendID: ptr[int64](2)}
	bob := Customer{ID: 2, Email: "bob@x", BestFriendID: ptr[int64](1)}
	s.Seed(t,
		[]Step{{ID: 3, PrevID: 2}, {ID: 2, PrevID: 1}, {ID: 1, PrevID: 1}}, // chain, given backwards
		[]Category{{ID: "poetry", ParentID: ptr("books")}, {ID: "books"}},
		&ann, bob, // a cycle through nullable keys
	)
	storetest.AssertRows(t, s.Store, []Customer{ann, bob})
	storetest.AssertRows(t, s.Store, []Step{{ID: 1, PrevID: 1}, {ID: 2, PrevID: 1}, {ID: 3, PrevID: 2}})
	storetest.CheckIntegrity(t, s.Store)
}

func TestBadFixturesInsertNothing(t *testing.T) {
	for _, tc := range []struct {
		name     string
		load     func(s *memstore.Store) error
		wantIs   error
		wantText []string // the file or argument, the record, the field
	}{
		{"dangling foreign key in a file", func(s *memstore.Store) error {
			return storetest.LoadJSON(context.Background(), s, "testdata/customers.json", "testdata/dangling/orders.json")
		}, memstore.ErrForeignKey, []string{"testdata/dangling/orders.json", "record 2", "CustomerID 42"}},
		{"duplicate key among values", func(s *memstore.Store) error {
			return storetest.Load(context.Background(), s, []Customer{{ID: 1, Email: "a"}, {ID: 1, Email: "b"}})
		}, memstore.ErrUnique, []string{"argument 1", "record 2", "ID 1"}},
		{"unknown field in a file", func(s *memstore.Store) error {
			return storetest.LoadJSON(context.Background(), s, "testdata/customers.json", "testdata/typo/orders.json")
		}, storetest.ErrFixture, []string{"typo/orders.json", "record 1", "CustmerID"}},
		{"unregistered type", func(s *memstore.Store) error {
			return storetest.Load(context.Background(), s, Customer{ID: 1, Email: "a"}, struct{ ID int }{1})
		}, storetest.ErrFixture, []string{"argument 2", "not a registered model"}},
		{"nil pointer", func(s *memstore.Store) error {
			return storetest.Load(context.Background(), s, (*Customer)(nil))
		}, storetest.ErrFixture, []string{"argument 1", "nil"}},
		{"missing file", func(s *memstore.Store) error {
			return storetest.LoadJSON(context.Background(), s, "testdata/nope.json")
		}, storetest.ErrFixture, []string{"nope.json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := storetest.New(t, models()...)
			err := tc.load(s.Store)
			if !errors.Is(err, tc.wantIs) {
				t.Fatalf("error = %v, want %v", err, tc.wantIs)
			}
			for _, w := range tc.wantText {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
			storetest.AssertDump(t, s.Store, memstore.Dump{})
		})
	}
}

func TestResetRestoresTheSeed(t *testing.T) {
	s := storetest.New(t, models()...)
	s.SeedJSON(t, "testdata/shop.json")
	for _, name := range []string{"first subtest deletes", "second subtest sees the seed"} {
		s.Run(t, name, func(t *testing.T) {
			storetest.AssertRows(t, s.Store, []Order{
				{ID: 10, CustomerID: 2, Item: "scones"},
				{ID: 11, CustomerID: 1, Item: "tea"},
			})
			err := s.Update(context.Background(), func(tx *memstore.Tx) error { return tx.Delete(Customer{ID: 1}) })
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestAssertionsFail runs each assertion on a fake testing.TB and checks that
// it reports a failure when it should, and nothing when it should not.
func TestAssertionsFail(t *testing.T) {
	s := storetest.New(t, models()...)
	s.SeedJSON(t, "testdata/shop.json")
	fkErr := s.Update(context.Background(), func(tx *memstore.Tx) error { return tx.Insert(Order{CustomerID: 9}) })
	for _, tc := range []struct {
		name     string
		assert   func(tb testing.TB)
		wantFail string // "" when the assertion must pass
	}{
		{"rows equal", func(tb testing.TB) {
			storetest.AssertRows(tb, s.Store, []Order{{ID: 10, CustomerID: 2, Item: "scones"}, {ID: 11, CustomerID: 1, Item: "tea"}})
		}, ""},
		{"rows differ", func(tb testing.TB) {
			storetest.AssertRows(tb, s.Store, []Order{{ID: 10, CustomerID: 2, Item: "scones"}, {ID: 11, CustomerID: 1, Item: "coffee"}})
		}, "(-want +got)"},
		{"rows in another order", func(tb testing.TB) {
			storetest.AssertRows(tb, s.Store, []Order{{ID: 11, CustomerID: 1, Item: "tea"}, {ID: 10, CustomerID: 2, Item: "scones"}})
		}, "mismatch"},
		{"rows in another order, ignoring order", func(tb testing.TB) {
			storetest.AssertRows(tb, s.Store, []Order{{ID: 11, CustomerID: 1, Item: "tea"}, {ID: 10, CustomerID: 2, Item: "scones"}}, storetest.IgnoreOrder())
		}, ""},
		{"dump differs", func(tb testing.TB) {
			storetest.AssertDump(tb, s.Store, memstore.Dump{"Order": {Order{ID: 10, CustomerID: 2, Item: "scones"}}})
		}, "store mismatch"},
		{"foreign key error matches", func(tb testing.TB) {
			storetest.AssertForeignKeyError(tb, fkErr, "Order", "CustomerID")
		}, ""},
		{"foreign key error names another field", func(tb testing.TB) {
			storetest.AssertForeignKeyError(tb, fkErr, "Customer", "BestFriendID")
		}, "want Customer.BestFriendID"},
		{"not a foreign key error", func(tb testing.TB) {
			storetest.AssertForeignKeyError(tb, errors.New("boom"), "Order", "CustomerID")
		}, "want a foreign key violation"},
		{"nil is not a foreign key error", func(tb testing.TB) {
			storetest.AssertForeignKeyError(tb, nil, "Order", "CustomerID")
		}, "want a foreign key violation"},
		{"integrity holds", func(tb testing.TB) { storetest.CheckIntegrity(tb, s.Store) }, ""},
		{"schema error fails New", func(tb testing.TB) {
			storetest.New(tb, memstore.ModelOf[Order]()) // Customer missing
		}, "unknown model Customer"},
		{"bad seed fails", func(tb testing.TB) {
			st := storetest.New(tb, models()...)
			st.SeedJSON(tb, "testdata/dangling/orders.json")
		}, "CustomerID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := run(tc.assert)
			if tc.wantFail == "" {
				if len(f.errors) > 0 {
					t.Errorf("assertion failed unexpectedly: %q", f.errors)
				}
				return
			}
			if len(f.errors) == 0 {
				t.Fatalf("assertion passed, want a failure mentioning %q", tc.wantFail)
			}
			if !strings.Contains(strings.Join(f.errors, "\n"), tc.wantFail) {
				t.Errorf("failure %q does not mention %q", f.errors, tc.wantFail)
			}
		})
	}
}

func TestSeedFromADump(t *testing.T) {
	src := storetest.New(t, models()...)
	src.SeedJSON(t, "testdata/shop.json")
	var d memstore.Dump
	err := src.View(context.Background(), func(tx *memstore.Tx) error {
		var err error
		d, err = tx.Dump()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	dst := storetest.New(t, models()...)
	dst.Seed(t, d) // a whole store, copied in foreign key order
	storetest.AssertDump(t, dst.Store, d)
	storetest.CheckIntegrity(t, dst.Store)
}

func TestMalformedJSON(t *testing.T) {
	for _, file := range []string{"testdata/bad/shop.json", "testdata/bad/customers.json", "testdata/bad/unknown.json"} {
		t.Run(file, func(t *testing.T) {
			s := storetest.New(t, models()...)
			err := storetest.LoadJSON(context.Background(), s.Store, file)
			if !errors.Is(err, storetest.ErrFixture) || !strings.Contains(err.Error(), file) {
				t.Errorf("LoadJSON(%s) error = %v, want ErrFixture naming the file", file, err)
			}
		})
	}
}

// Stamped rows carry a nullable foreign key in an embedded struct, one and
// two levels deep.
type (
	Editor struct {
		ID int64
	}
	Stamp struct {
		Note     string
		EditorID *int64 `relstore:"belongsTo=Editor,as=editor"`
	}
	Page struct {
		ID int64
		Stamp
	}
	Audit struct {
		Stamp
	}
	Chapter struct {
		ID    int64
		Title string
		Audit
	}
)

// TestLoadPromotedNullableForeignKey: a nullable foreign key promoted from
// an embedded struct is loaded in the second pass like any other (it was
// written to the embedded struct's field: a reflect.Set panic).
func TestLoadPromotedNullableForeignKey(t *testing.T) {
	tests := []struct {
		name     string
		fixtures []any
	}{
		{"one level deep", []any{Page{ID: 1, Stamp: Stamp{Note: "n", EditorID: ptr[int64](7)}}}},
		{"two levels deep", []any{Chapter{ID: 1, Title: "t", Audit: Audit{Stamp{Note: "n", EditorID: ptr[int64](7)}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := memstore.New(memstore.Config{Models: []memstore.Model{
				memstore.ModelOf[Page](), memstore.ModelOf[Chapter](), memstore.ModelOf[Editor](),
			}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if err := storetest.Load(context.Background(), s, append(tt.fixtures, Editor{ID: 7})...); err != nil {
				t.Fatalf("Load = %v, want nil", err)
			}
			var d memstore.Dump
			err = s.View(context.Background(), func(tx *memstore.Tx) error {
				d, err = tx.Dump()
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.fixtures, append(d["Page"], d["Chapter"]...)); diff != "" {
				t.Errorf("rows after Load (-want +got):\n%s", diff)
			}
		})
	}
}
