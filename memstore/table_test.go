package memstore_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/relstore/relstore/memstore"
)

type (
	// TinyCounter's int8 auto key overflows after 127 rows.
	TinyCounter struct {
		ID int8 `relstore:"pk,auto"`
	}
	// ByteCounter's uint8 auto key overflows after 255 rows.
	ByteCounter struct {
		ID uint8 `relstore:"pk,auto"`
	}
	// Profile has reference fields that are not keys: it is deep-copied.
	Profile struct {
		ID    int64 `relstore:"pk,auto"`
		Attrs map[string]string
		Nick  *string
		Pets  [][]string
	}
	// Lookalike has Customer's fields but is not registered.
	Lookalike struct {
		ID    int64
		Email string
		Name  string
	}
)

func TestInsertKeys(t *testing.T) {
	type op struct {
		insert  int64 // the key to insert (0: auto)
		delete  int64 // or the key to delete
		wantKey int64 // the key Insert returns
	}
	tests := []struct {
		name string
		ops  []op
	}{
		{"auto keys count from 1", []op{{wantKey: 1}, {wantKey: 2}, {wantKey: 3}}},
		{"an explicit key is kept", []op{{insert: 7, wantKey: 7}, {insert: 3, wantKey: 3}}},
		{"auto continues after a larger explicit key", []op{{wantKey: 1}, {insert: 10, wantKey: 10}, {wantKey: 11}}},
		{"a smaller explicit key does not lower the counter", []op{{wantKey: 1}, {insert: 5, wantKey: 5}, {insert: 3, wantKey: 3}, {wantKey: 6}}},
		{"a deleted largest key is not reused", []op{{wantKey: 1}, {wantKey: 2}, {wantKey: 3}, {delete: 3}, {wantKey: 4}}},
		{"a deleted explicit key is not reused", []op{{insert: 9, wantKey: 9}, {delete: 9}, {wantKey: 10}}},
		{"a negative explicit key leaves auto at 1", []op{{insert: -5, wantKey: -5}, {wantKey: 1}}},
		{"the largest key", []op{{insert: math.MaxInt64, wantKey: math.MaxInt64}, {insert: 1, wantKey: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestStore(t)
			for i, o := range tt.ops {
				mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
					if o.delete != 0 {
						return ts.customers.Delete(tx, o.delete)
					}
					got, err := ts.customers.Insert(tx, Customer{ID: o.insert, Email: strings.Repeat("x", i+1)})
					if err != nil {
						return err
					}
					if got != o.wantKey {
						t.Errorf("op %d: Insert(ID %d) = %d, want %d", i, o.insert, got, o.wantKey)
					}
					return nil
				})
			}
		})
	}
	t.Run("auto key after the largest key overflows", func(t *testing.T) {
		ts := newTestStore(t)
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
			_, err := ts.customers.Insert(tx, Customer{ID: math.MaxInt64})
			return err
		})
		err := ts.Update(context.Background(), func(tx *memstore.Tx) error {
			_, err := ts.customers.Insert(tx, Customer{Email: "y"})
			return err
		})
		if !errors.Is(err, memstore.ErrOverflow) {
			t.Errorf("Insert = %v, want ErrOverflow", err)
		}
	})
}

func TestAutoKeyOverflow(t *testing.T) {
	tests := []struct {
		name  string
		limit int
		run   func(s *memstore.Store, n int) (inserted int, err error)
		count func(t testing.TB, s *memstore.Store) int
	}{
		{"int8", math.MaxInt8, insertN[TinyCounter, int8], countRows[TinyCounter, int8]},
		{"uint8", math.MaxUint8, insertN[ByteCounter, uint8], countRows[ByteCounter, uint8]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := memstore.New(memstore.Config{Models: []memstore.Model{
				memstore.ModelOf[TinyCounter](), memstore.ModelOf[ByteCounter](),
			}})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			defer s.Close()
			if n, err := tt.run(s, tt.limit); err != nil || n != tt.limit {
				t.Fatalf("inserting %d rows: %d, %v", tt.limit, n, err)
			}
			_, err = tt.run(s, 1)
			if !errors.Is(err, memstore.ErrOverflow) {
				t.Errorf("Insert of row %d = %v, want ErrOverflow", tt.limit+1, err)
			}
			if n := tt.count(t, s); n != tt.limit {
				t.Errorf("Count() after the overflow = %d, want %d", n, tt.limit)
			}
		})
	}
}

// insertN inserts n zero-keyed rows in one Update.
func insertN[T any, K comparable](s *memstore.Store, n int) (int, error) {
	tb, err := memstore.TableOf[T, K](s)
	if err != nil {
		return 0, err
	}
	inserted := 0
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		for range n {
			var zero T
			if _, err := tb.Insert(tx, zero); err != nil {
				return err
			}
			inserted++
		}
		return nil
	})
	return inserted, err
}

func countRows[T any, K comparable](t testing.TB, s *memstore.Store) int {
	t.Helper()
	return len(allRows(t, s, mustTable[T, K](t, s)))
}

func TestReadMethods(t *testing.T) {
	ts := newTestStore(t)
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
		for _, c := range []Customer{{Email: "a@x", Name: "Ann"}, {Email: "b@x", Name: "Bob"}} {
			if _, err := ts.customers.Insert(tx, c); err != nil {
				return err
			}
		}
		for _, o := range []Order{{CustomerID: 2, Note: "1"}, {CustomerID: 1, Note: "2"}, {CustomerID: 2, Note: "3"}} {
			if _, err := ts.orders.Insert(tx, o); err != nil {
				return err
			}
		}
		return nil
	})
	tests := []struct {
		name    string
		fn      func(tx *memstore.Tx) (any, error)
		want    any
		wantErr error
	}{
		{"Get", func(tx *memstore.Tx) (any, error) { return ts.customers.Get(tx, 2) },
			Customer{ID: 2, Email: "b@x", Name: "Bob"}, nil},
		{"Get of a missing key", func(tx *memstore.Tx) (any, error) {
			_, err := ts.customers.Get(tx, 9)
			return nil, err
		}, nil, &memstore.NotFoundError{Op: "get", Model: "Customer", Field: "ID", Value: int64(9)}},
		{"Lookup of a unique field", func(tx *memstore.Tx) (any, error) { return ts.customers.Lookup(tx, "Email", "a@x") },
			Customer{ID: 1, Email: "a@x", Name: "Ann"}, nil},
		{"Lookup of the primary key", func(tx *memstore.Tx) (any, error) { return ts.customers.Lookup(tx, "ID", int64(2)) },
			Customer{ID: 2, Email: "b@x", Name: "Bob"}, nil},
		{"Lookup of a missing value", func(tx *memstore.Tx) (any, error) {
			_, err := ts.customers.Lookup(tx, "Email", "zz@x")
			return nil, err
		}, nil, &memstore.NotFoundError{Op: "lookup", Model: "Customer", Field: "Email", Value: "zz@x"}},
		{"Count", func(tx *memstore.Tx) (any, error) { return ts.orders.Count(tx) }, 3, nil},
		{"ByFK in primary key order", func(tx *memstore.Tx) (any, error) {
			rows, err := ts.orders.ByFK(tx, "customer", int64(2))
			return collectRows(rows), err
		}, []Order{{ID: 1, CustomerID: 2, Note: "1"}, {ID: 3, CustomerID: 2, Note: "3"}}, nil},
		{"ByFK of a value without rows", func(tx *memstore.Tx) (any, error) {
			rows, err := ts.orders.ByFK(tx, "customer", int64(7))
			return collectKeys(rows), err
		}, []int64(nil), nil},
		{"ByFK stops when the caller does", func(tx *memstore.Tx) (any, error) {
			rows, err := ts.orders.ByFK(tx, "customer", int64(2))
			var keys []int64
			for k := range rows {
				keys = append(keys, k)
				break
			}
			return keys, err
		}, []int64{1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustView(t, ts.Store, func(tx *memstore.Tx) error {
				got, err := tt.fn(tx)
				if tt.wantErr != nil {
					if !errors.Is(err, memstore.ErrNotFound) {
						t.Errorf("err = %v, want ErrNotFound", err)
					}
					var nf *memstore.NotFoundError
					if !errors.As(err, &nf) {
						t.Fatalf("err = %T %v, want *NotFoundError", err, err)
					}
					if diff := cmp.Diff(tt.wantErr, nf); diff != "" {
						t.Errorf("NotFoundError mismatch (-want +got):\n%s", diff)
					}
					return nil
				}
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("mismatch (-want +got):\n%s", diff)
				}
				return nil
			})
		})
	}
	t.Run("NotFoundError message", func(t *testing.T) {
		err := &memstore.NotFoundError{Op: "get", Model: "Customer", Field: "ID", Value: int64(9)}
		if got, want := err.Error(), "memstore: get Customer: no row with ID 9"; got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
	})
}

func TestWriteMethods(t *testing.T) {
	tests := []struct {
		name    string
		fn      func(ts *testStore, tx *memstore.Tx) error
		want    []Customer
		wantErr *memstore.NotFoundError
	}{
		{"Update", func(ts *testStore, tx *memstore.Tx) error {
			return ts.customers.Update(tx, Customer{ID: 1, Email: "a@x", Name: "Anne"})
		}, []Customer{{1, "a@x", "Anne"}, {2, "b@x", "Bob"}}, nil},
		{"UpdateKey", func(ts *testStore, tx *memstore.Tx) error {
			return ts.customers.UpdateKey(tx, 2, Customer{ID: 2, Email: "bb@x", Name: "Bobby"})
		}, []Customer{{1, "a@x", "Ann"}, {2, "bb@x", "Bobby"}}, nil},
		{"Delete", func(ts *testStore, tx *memstore.Tx) error { return ts.customers.Delete(tx, 1) },
			[]Customer{{2, "b@x", "Bob"}}, nil},
		{"Tx.Update of a pointer", func(ts *testStore, tx *memstore.Tx) error {
			return tx.Update(&Customer{ID: 1, Email: "a@x", Name: "Anne"})
		}, []Customer{{1, "a@x", "Anne"}, {2, "b@x", "Bob"}}, nil},
		{"Tx.Delete of a value", func(ts *testStore, tx *memstore.Tx) error { return tx.Delete(Customer{ID: 2}) },
			[]Customer{{1, "a@x", "Ann"}}, nil},
		{"Update of a missing key", func(ts *testStore, tx *memstore.Tx) error {
			return ts.customers.Update(tx, Customer{ID: 9, Email: "z@x"})
		}, nil, &memstore.NotFoundError{Op: "update", Model: "Customer", Field: "ID", Value: int64(9)}},
		{"UpdateKey of a missing key", func(ts *testStore, tx *memstore.Tx) error {
			return ts.customers.UpdateKey(tx, 9, Customer{ID: 9, Email: "z@x"})
		}, nil, &memstore.NotFoundError{Op: "update", Model: "Customer", Field: "ID", Value: int64(9)}},
		{"Delete of a missing key", func(ts *testStore, tx *memstore.Tx) error { return ts.customers.Delete(tx, 9) },
			nil, &memstore.NotFoundError{Op: "delete", Model: "Customer", Field: "ID", Value: int64(9)}},
		{"Tx.Delete of a missing key", func(ts *testStore, tx *memstore.Tx) error { return tx.Delete(&Customer{ID: 9}) },
			nil, &memstore.NotFoundError{Op: "delete", Model: "Customer", Field: "ID", Value: int64(9)}},
		{"Tx.Update of a missing key", func(ts *testStore, tx *memstore.Tx) error { return tx.Update(Customer{ID: 9}) },
			nil, &memstore.NotFoundError{Op: "update", Model: "Customer", Field: "ID", Value: int64(9)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestStore(t)
			mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
				for _, c := range []Customer{{Email: "a@x", Name: "Ann"}, {Email: "b@x", Name: "Bob"}} {
					if _, err := ts.customers.Insert(tx, c); err != nil {
						return err
					}
				}
				return nil
			})
			before := ts.dump(t)
			err := ts.Update(context.Background(), func(tx *memstore.Tx) error { return tt.fn(ts, tx) })
			if tt.wantErr != nil {
				var nf *memstore.NotFoundError
				if !errors.As(err, &nf) || !errors.Is(err, memstore.ErrNotFound) {
					t.Fatalf("Update = %v, want *NotFoundError", err)
				}
				if diff := cmp.Diff(tt.wantErr, nf); diff != "" {
					t.Errorf("NotFoundError mismatch (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(before, ts.dump(t)); diff != "" {
					t.Errorf("store changed (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("Update = %v, want nil", err)
			}
			if diff := cmp.Diff(tt.want, ts.dump(t).Customers); diff != "" {
				t.Errorf("customers mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScanOrder(t *testing.T) {
	t.Run("integer keys, negatives first", func(t *testing.T) {
		ts := newTestStore(t)
		keys := []int64{100, -1, math.MaxInt64, 2, math.MinInt64, -300, 1}
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
			for i, k := range keys {
				if _, err := ts.customers.Insert(tx, Customer{ID: k, Email: strings.Repeat("x", i+1)}); err != nil {
					return err
				}
			}
			return nil
		})
		var got []int64
		for _, c := range allRows(t, ts.Store, ts.customers) {
			got = append(got, c.ID)
		}
		want := []int64{math.MinInt64, -300, -1, 1, 2, 100, math.MaxInt64}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Scan keys mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("string keys, byte-wise", func(t *testing.T) {
		ts := newTestStore(t)
		keys := []string{"b", "a\x00", "ab", "B", "\xff", "a", "a\x00\x00", "a\x01", "\x00"}
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
			for _, k := range keys {
				if _, err := ts.categories.Insert(tx, Category{ID: k}); err != nil {
					return err
				}
			}
			return nil
		})
		var got []string
		mustView(t, ts.Store, func(tx *memstore.Tx) error {
			rows, err := ts.categories.Scan(tx)
			got = collectKeys(rows)
			return err
		})
		want := []string{"\x00", "B", "a", "a\x00", "a\x00\x00", "a\x01", "ab", "b", "\xff"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Scan keys mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestRange(t *testing.T) {
	ts := newTestStore(t)
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
		for i := range 10 {
			if _, err := ts.customers.Insert(tx, Customer{ID: int64(2 * (i - 2)), Email: strings.Repeat("x", i+1)}); err != nil {
				return err
			}
		}
		for _, k := range []string{"a", "a\x00", "ab", "b", "ba", "c"} {
			if _, err := ts.categories.Insert(tx, Category{ID: k}); err != nil {
				return err
			}
		}
		return nil
	})
	// Customer keys: -4, -2, then 1 (the zero key is auto, and a negative
	// counter restarts at 1), then 2, 4, ..., 14.
	intTests := []struct {
		name     string
		from, to int64
		want     []int64
	}{
		{"inner bounds on keys", 2, 6, []int64{2, 4}},
		{"bounds between keys", 3, 9, []int64{4, 6, 8}},
		{"across zero", -3, 3, []int64{-2, 1, 2}},
		{"from the smallest", math.MinInt64, -1, []int64{-4, -2}},
		{"to the largest", 12, math.MaxInt64, []int64{12, 14}},
		{"empty", 6, 6, nil},
		{"reversed", 9, 3, nil},
	}
	for _, tt := range intTests {
		t.Run(tt.name, func(t *testing.T) {
			mustView(t, ts.Store, func(tx *memstore.Tx) error {
				rows, err := ts.customers.Range(tx, tt.from, tt.to)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(tt.want, collectKeys(rows)); diff != "" {
					t.Errorf("Range(%d, %d) mismatch (-want +got):\n%s", tt.from, tt.to, diff)
				}
				return nil
			})
		})
	}
	stringTests := []struct {
		name     string
		from, to string
		want     []string
	}{
		{"prefix a", "a", "b", []string{"a", "a\x00", "ab"}},
		{"after a", "a\x00", "ba", []string{"a\x00", "ab", "b"}},
		{"from empty", "", "a\x00", []string{"a"}},
		{"to past the end", "b", "\xff", []string{"b", "ba", "c"}},
	}
	for _, tt := range stringTests {
		t.Run(tt.name, func(t *testing.T) {
			mustView(t, ts.Store, func(tx *memstore.Tx) error {
				rows, err := ts.categories.Range(tx, tt.from, tt.to)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(tt.want, collectKeys(rows)); diff != "" {
					t.Errorf("Range(%q, %q) mismatch (-want +got):\n%s", tt.from, tt.to, diff)
				}
				return nil
			})
		})
	}
}

func TestInvalidInput(t *testing.T) {
	long := strings.Repeat("k", memstore.MaxKeyLen+1)
	tests := []struct {
		name string
		fn   func(ts *testStore, tx *memstore.Tx) error
	}{
		{"Get of a zero key", func(ts *testStore, tx *memstore.Tx) error {
			_, err := ts.customers.Get(tx, 0)
			return err
		}},
		{"Get of an empty string key", func(ts *testStore, tx *memstore.Tx) error {
			_, err := ts.categories.Get(tx, "")
			return err
		}},
		{"Get of a key longer than MaxKeyLen", func(ts *testStore, tx *memstore.Tx) error {
			_, err := ts.categories.Get(tx, long)
			return err
		}},
		{"Delete of a zero key", func(ts *testStore, tx *memstore.Tx) error { return ts.customers.Delete(tx, 0) }},
		{"Delete of an empty string key", func(ts *testStore, tx *memstore.Tx) error { return ts.categories.Delete(tx, "") }},
		{"Delete of a key longer than MaxKeyLen", func(ts *testStore, tx *memstore.Tx) error { return ts.categories.Delete(tx, long) }},
		{"Tx.Delete of a zero key", func(ts *testStore, tx *memstore.Tx) error { return tx.Delete(Customer{}) }},
		{"Tx.Delete of a key longer than MaxKeyLen", func(ts *testStore, tx *memstore.Tx) error { return tx.Delete(Category{ID: long}) }},
		{"Update of a zero key", func(ts *testStore, tx *memstore.Tx) error { return ts.customers.Update(tx, Customer{Email: "z@x"}) }},
		{"Update of a key longer than MaxKeyLen", func(ts *testStore, tx *memstore.Tx) error {
			return ts.categories.Update(tx, Category{ID: long})
		}},
		{"UpdateKey of a zero key", func(ts *testStore, tx *memstore.Tx) error {
			return ts.customers.UpdateKey(tx, 0, Customer{})
		}},
		{"UpdateKey with a value of another key", func(ts *testStore, tx *memstore.Tx) error {
			return ts.customers.UpdateKey(tx, 1, Customer{ID: 2, Email: "b@x"})
		}},
		{"Insert of an empty string key", func(ts *testStore, tx *memstore.Tx) error {
			_, err := ts.categories.Insert(tx, Category{})
			return err
		}},
		{"Insert of a key longer than MaxKeyLen", func(ts *testStore, tx *memstore.Tx) error {
			_, err := ts.categories.Insert(tx, Category{ID: long})
			return err
		}},
		{"Insert of a unique value longer than MaxKeyLen", func(ts *testStore, tx *memstore.Tx) error {
			_, err := ts.customers.Insert(tx, Customer{Email: long})
			return err
		}},
		{"Insert of a foreign key longer than MaxKeyLen", func(ts *testStore, tx *memstore.Tx) error {
			_, err := ts.products.Insert(tx, Product{SKU: "p", CategoryID: long})
			return err
		}},
		{"Upsert of a key longer than MaxKeyLen", func(ts *testStore, tx *memstore.Tx) error {
			_, err := ts.categories.Upsert(tx, Category{ID: long})
			return err
		}},
		{"Upsert of an empty non-auto key", func(ts *testStore, tx *memstore.Tx) error {
			_, err := ts.products.Upsert(tx, Product{CategoryID: "c"})
			return err
		}},
		{"Lookup of a non-unique field", func(ts *testStore, tx *memstore.Tx) error {
			_, err := ts.customers.Lookup(tx, "Name", "Ann")
			return err
		}},
		{"Lookup of an unknown field", func(ts *testStore, tx *memstore.Tx) error {
			_, err := ts.customers.Lookup(tx, "Phone", "1")
			return err
		}},
		{"Lookup with a value that does not convert to the field's type", func(ts *testStore, tx *memstore.Tx) error {
			_, err := ts.customers.Lookup(tx, "ID", 1.5)
			return err
		}},
		{"Lookup with a nil value", func(ts *testStore, tx *memstore.Tx) error {
			_, err := ts.customers.Lookup(tx, "Email", nil)
			return err
		}},
		{"Lookup of a value longer than MaxKeyLen", func(ts *testStore, tx *memstore.Tx) error {
			_, err := ts.customers.Lookup(tx, "Email", long)
			return err
		}},
		{"ByFK of an unknown relation", func(ts *testStore, tx *memstore.Tx) error {
			_, err := ts.orders.ByFK(tx, "buyer", int64(1))
			return err
		}},
		{"ByFK of the field name", func(ts *testStore, tx *memstore.Tx) error {
			_, err := ts.orders.ByFK(tx, "CustomerID", int64(1))
			return err
		}},
		{"ByFK with a value that does not convert to the key's type", func(ts *testStore, tx *memstore.Tx) error {
			_, err := ts.orders.ByFK(tx, "customer", "1")
			return err
		}},
		{"ByFK with a nil pointer value", func(ts *testStore, tx *memstore.Tx) error {
			_, err := ts.categories.ByFK(tx, "parent", (*string)(nil))
			return err
		}},
		{"Range with a bound longer than MaxKeyLen", func(ts *testStore, tx *memstore.Tx) error {
			_, err := ts.categories.Range(tx, "a", long)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newSeededStore(t)
			before := ts.dump(t)
			err := ts.Update(context.Background(), func(tx *memstore.Tx) error { return tt.fn(ts, tx) })
			if !errors.Is(err, memstore.ErrInvalid) {
				t.Errorf("got %v, want ErrInvalid", err)
			}
			if diff := cmp.Diff(before, ts.dump(t)); diff != "" {
				t.Errorf("store changed (-want +got):\n%s", diff)
			}
			// Later calls work.
			mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
				_, err := ts.customers.Insert(tx, Customer{Email: "later@x"})
				return err
			})
		})
	}
	t.Run("keys at MaxKeyLen", func(t *testing.T) {
		ts := newTestStore(t)
		max := strings.Repeat("k", memstore.MaxKeyLen)
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
			if _, err := ts.categories.Insert(tx, Category{ID: max}); err != nil {
				return err
			}
			_, err := ts.products.Insert(tx, Product{SKU: max, CategoryID: max})
			return err
		})
		mustView(t, ts.Store, func(tx *memstore.Tx) error {
			_, err := ts.products.Get(tx, max)
			return err
		})
	})
}

func TestTableOf(t *testing.T) {
	ts := newTestStore(t)
	tests := []struct {
		name string
		call func() error
	}{
		{"unregistered type", func() error { _, err := memstore.TableOf[Lookalike, int64](ts.Store); return err }},
		{"pointer to a model", func() error { _, err := memstore.TableOf[*Customer, int64](ts.Store); return err }},
		{"key type of another width", func() error { _, err := memstore.TableOf[Customer, int](ts.Store); return err }},
		{"named key type", func() error { _, err := memstore.TableOf[Customer, CustomerKey](ts.Store); return err }},
		{"RowID for a model with a key", func() error { _, err := memstore.TableOf[Customer, memstore.RowID](ts.Store); return err }},
		{"string key for an integer key", func() error { _, err := memstore.TableOf[Customer, string](ts.Store); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, memstore.ErrInvalid) {
				t.Errorf("TableOf = %v, want ErrInvalid", err)
			}
		})
	}
	if got := ts.orders.Name(); got != "Order" {
		t.Errorf("Name() = %q, want %q", got, "Order")
	}
}

func TestValuesNotPointers(t *testing.T) {
	t.Run("a struct passed to Insert", func(t *testing.T) {
		ts := newTestStore(t)
		parent := "books"
		in := Category{ID: "poetry", ParentID: &parent, Tags: []string{"verse"}}
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
			if _, err := ts.categories.Insert(tx, Category{ID: "books"}); err != nil {
				return err
			}
			_, err := ts.categories.Insert(tx, in)
			return err
		})
		parent, in.Tags[0], in.ID = "changed", "changed", "changed"
		checkPoetry(t, ts)
	})
	t.Run("a pointer passed to Tx.Insert", func(t *testing.T) {
		ts := newTestStore(t)
		parent := "books"
		in := &Category{ID: "poetry", ParentID: &parent, Tags: []string{"verse"}}
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
			if err := tx.Insert(&Category{ID: "books"}); err != nil {
				return err
			}
			return tx.Insert(in)
		})
		parent, in.Tags[0], in.ID = "changed", "changed", "changed"
		checkPoetry(t, ts)
	})
	t.Run("a struct returned by Get and Scan", func(t *testing.T) {
		ts := newTestStore(t)
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
			if _, err := ts.categories.Insert(tx, Category{ID: "books"}); err != nil {
				return err
			}
			_, err := ts.categories.Insert(tx, Category{ID: "poetry", ParentID: ptr("books"), Tags: []string{"verse"}})
			return err
		})
		mustView(t, ts.Store, func(tx *memstore.Tx) error {
			got, err := ts.categories.Get(tx, "poetry")
			if err != nil {
				return err
			}
			*got.ParentID, got.Tags[0] = "changed", "changed"
			rows, err := ts.categories.Scan(tx)
			if err != nil {
				return err
			}
			for _, c := range rows {
				if c.ParentID != nil {
					*c.ParentID = "changed"
				}
				for i := range c.Tags {
					c.Tags[i] = "changed"
				}
			}
			byFK, err := ts.categories.ByFK(tx, "parent", "books")
			for _, c := range byFK {
				*c.ParentID, c.Tags[0] = "changed", "changed"
			}
			return err
		})
		checkPoetry(t, ts)
	})
	t.Run("a pointer foreign key in a struct without other references", func(t *testing.T) {
		is := newIntegrityStore(t)
		is.seedTree(t)
		desk := int64(100)
		mustUpdate(t, is.Store, func(tx *memstore.Tx) error {
			_, err := is.badges.Insert(tx, Badge{ID: 1, DeskID: &desk})
			return err
		})
		desk = 200
		mustView(t, is.Store, func(tx *memstore.Tx) error {
			got, err := is.badges.Get(tx, 1)
			if err != nil {
				return err
			}
			if got.DeskID == nil || *got.DeskID != 100 {
				t.Fatalf("Get(1).DeskID = %v, want 100", got.DeskID)
			}
			*got.DeskID = 200
			again, err := is.badges.Get(tx, 1)
			if err != nil {
				return err
			}
			if *again.DeskID != 100 {
				t.Errorf("Get(1).DeskID after changing a returned copy = %d, want 100", *again.DeskID)
			}
			return nil
		})
		// The index still says desk 100: deleting desk 100 is restricted.
		err := is.Update(context.Background(), func(tx *memstore.Tx) error { return is.desks.Delete(tx, 100) })
		if !errors.Is(err, memstore.ErrForeignKey) {
			t.Errorf("Delete(desk 100) = %v, want ErrForeignKey", err)
		}
	})
	t.Run("maps, pointers and nested slices", func(t *testing.T) {
		s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Profile]()}})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		defer s.Close()
		profiles := mustTable[Profile, int64](t, s)
		nick := "ann"
		in := Profile{Attrs: map[string]string{"k": "v"}, Nick: &nick, Pets: [][]string{{"cat"}}}
		mustUpdate(t, s, func(tx *memstore.Tx) error {
			_, err := profiles.Insert(tx, in)
			return err
		})
		in.Attrs["k"], nick, in.Pets[0][0] = "changed", "changed", "changed"
		want := Profile{ID: 1, Attrs: map[string]string{"k": "v"}, Nick: ptr("ann"), Pets: [][]string{{"cat"}}}
		mustView(t, s, func(tx *memstore.Tx) error {
			got, err := profiles.Get(tx, 1)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Get(1) after changing the inserted struct (-want +got):\n%s", diff)
			}
			got.Attrs["k"], *got.Nick, got.Pets[0][0] = "changed", "changed", "changed"
			got, err = profiles.Get(tx, 1)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Get(1) after changing a returned struct (-want +got):\n%s", diff)
			}
			return err
		})
	})
}

// checkPoetry checks that category poetry is stored as inserted and indexed
// under its parent books.
func checkPoetry(t testing.TB, ts *testStore) {
	t.Helper()
	want := Category{ID: "poetry", ParentID: ptr("books"), Tags: []string{"verse"}}
	mustView(t, ts.Store, func(tx *memstore.Tx) error {
		got, err := ts.categories.Get(tx, "poetry")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Get(poetry) mismatch (-want +got):\n%s", diff)
		}
		rows, err := ts.categories.ByFK(tx, "parent", "books")
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]Category{want}, collectRows(rows)); diff != "" {
			t.Errorf("ByFK(parent, books) mismatch (-want +got):\n%s", diff)
		}
		return nil
	})
}

func TestUntypedInsert(t *testing.T) {
	t.Run("a pointer gets the auto key", func(t *testing.T) {
		ts := newTestStore(t)
		a, b := &Customer{Email: "a@x"}, &Customer{Email: "b@x"}
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
			if err := tx.Insert(a); err != nil {
				return err
			}
			if err := tx.Insert(b); err != nil {
				return err
			}
			return tx.Insert(&Order{CustomerID: b.ID})
		})
		if a.ID != 1 || b.ID != 2 {
			t.Errorf("keys written back = %d, %d, want 1, 2", a.ID, b.ID)
		}
		if diff := cmp.Diff([]Order{{ID: 1, CustomerID: 2}}, ts.dump(t).Orders); diff != "" {
			t.Errorf("orders mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("a value is inserted", func(t *testing.T) {
		ts := newTestStore(t)
		c := Customer{Email: "a@x"}
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error { return tx.Insert(c) })
		if diff := cmp.Diff([]Customer{{ID: 1, Email: "a@x"}}, ts.dump(t).Customers); diff != "" {
			t.Errorf("customers mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("a failed insert writes no key back", func(t *testing.T) {
		ts := newTestStore(t)
		o := &Order{CustomerID: 5}
		ts.Update(context.Background(), func(tx *memstore.Tx) error { return tx.Insert(o) })
		if o.ID != 0 {
			t.Errorf("ID after a failed insert = %d, want 0", o.ID)
		}
	})
	tests := []struct {
		name string
		v    any
	}{
		{"nil", nil},
		{"typed nil", (*Customer)(nil)},
		{"unregistered type", Lookalike{Email: "a@x"}},
		{"pointer to an unregistered type", &Lookalike{Email: "a@x"}},
		{"pointer to a pointer", ptr(&Customer{Email: "a@x"})},
		{"not a struct", 42},
		{"slice of models", []Customer{{Email: "a@x"}}},
	}
	methods := []struct {
		name string
		call func(tx *memstore.Tx, v any) error
	}{
		{"Insert", (*memstore.Tx).Insert},
		{"Update", (*memstore.Tx).Update},
		{"Delete", (*memstore.Tx).Delete},
	}
	for _, m := range methods {
		for _, tt := range tests {
			t.Run(m.name+" of "+tt.name, func(t *testing.T) {
				ts := newSeededStore(t)
				before := ts.dump(t)
				err := ts.Update(context.Background(), func(tx *memstore.Tx) error { return m.call(tx, tt.v) })
				if !errors.Is(err, memstore.ErrInvalid) {
					t.Errorf("Tx.%s(%#v) = %v, want ErrInvalid", m.name, tt.v, err)
				}
				if diff := cmp.Diff(before, ts.dump(t)); diff != "" {
					t.Errorf("store changed (-want +got):\n%s", diff)
				}
				mustUpdate(t, ts.Store, func(tx *memstore.Tx) error { return tx.Insert(&Customer{Email: "later@x"}) })
			})
		}
	}
}
