package datafile_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/relstore/relstore/datafile"
	"github.com/relstore/relstore/examples/shop"
	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
)

func shopSchema(t testing.TB) *lbmodel.Schema {
	t.Helper()
	s, err := lbmodel.Load(shop.Models())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func openStore(t testing.TB, schema *lbmodel.Schema) *memstore.Store {
	t.Helper()
	s, err := schema.Open(memstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newRow builds a row of model from JSON-ish values.
func newRow(t testing.TB, schema *lbmodel.Schema, model string, vals map[string]any) any {
	t.Helper()
	m := schema.Model(model)
	row := reflect.New(m.Type)
	for k, v := range vals {
		p := m.Property(k)
		if p == nil {
			t.Fatalf("%s has no property %s", model, k)
		}
		cv, err := lbmodel.ConvertValue(p, v)
		if err != nil {
			t.Fatalf("%s.%s: %v", model, k, err)
		}
		f := row.Elem().FieldByIndex(p.FieldIndex)
		if cv == nil {
			continue
		}
		rv := reflect.ValueOf(cv)
		if f.Kind() == reflect.Pointer && rv.Type() != f.Type() {
			ptr := reflect.New(f.Type().Elem())
			ptr.Elem().Set(rv)
			rv = ptr
		}
		f.Set(rv)
	}
	return row.Interface()
}

func dump(t testing.TB, s *memstore.Store) memstore.Dump {
	t.Helper()
	var d memstore.Dump
	if err := s.View(context.Background(), func(tx *memstore.Tx) error {
		var err error
		d, err = tx.Dump()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return d
}

// seedShop writes a small shop: a category tree (self-references), products,
// a customer with an address and an order with items, a tag link.
func seedShop(t testing.TB, s *memstore.Store, schema *lbmodel.Schema) {
	t.Helper()
	n := func(v float64) json.Number { return json.Number(fmt.Sprint(v)) }
	rows := []struct {
		model string
		vals  map[string]any
	}{
		{"Category", map[string]any{"name": "food"}},
		{"Category", map[string]any{"name": "tea", "parentId": n(1)}},
		{"Category", map[string]any{"name": "green", "parentId": n(2)}},
		{"Product", map[string]any{"sku": "T1", "name": "Sencha", "price": n(4.5), "categoryId": n(3)}},
		{"Product", map[string]any{"sku": "T2", "name": "Assam", "price": n(3), "inStock": false}},
		{"Customer", map[string]any{"name": "Ann", "email": "ann@example.com", "createdAt": "2026-01-02T03:04:05.123456789Z"}},
		{"Address", map[string]any{"street": "1 Main St", "city": "Springfield", "customerId": n(1)}},
		{"Order", map[string]any{"status": "paid", "customerId": n(1), "total": n(12)}},
		{"Item", map[string]any{"orderId": n(1), "productId": n(1), "quantity": n(2), "price": n(4.5)}},
		{"Item", map[string]any{"orderId": n(1), "productId": n(2), "quantity": n(1), "price": n(3)}},
		{"Tag", map[string]any{"name": "organic"}},
		{"ProductTag", map[string]any{"productId": n(1), "tagId": n(1)}},
	}
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		for _, r := range rows {
			if err := tx.Insert(newRow(t, schema, r.model, r.vals)); err != nil {
				return fmt.Errorf("%s %v: %w", r.model, r.vals, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	schema := shopSchema(t)
	s := openStore(t, schema)
	seedShop(t, s, schema)
	// A deleted order: its key must not come back.
	if err := s.Update(ctx, func(tx *memstore.Tx) error {
		o := newRow(t, schema, "Order", map[string]any{"status": "new"})
		if err := tx.Insert(o); err != nil {
			return err
		}
		return tx.Delete(o)
	}); err != nil {
		t.Fatal(err)
	}
	data, err := datafile.Marshal(ctx, s, schema)
	if err != nil {
		t.Fatal(err)
	}
	s2 := openStore(t, schema)
	rep, err := datafile.Load(ctx, s2, schema, "db.json", data)
	if err != nil {
		t.Fatalf("Load: %v\n%s", err, data)
	}
	if diff := cmp.Diff(dump(t, s), dump(t, s2)); diff != "" {
		t.Errorf("store after a round trip (-want +got):\n%s", diff)
	}
	if len(rep.Added)+len(rep.Removed)+len(rep.Models) != 0 || rep.Rows["Category"] != 3 {
		t.Errorf("report = %v", rep)
	}
	err = s2.Update(ctx, func(tx *memstore.Tx) error {
		o := newRow(t, schema, "Order", map[string]any{"status": "new"})
		if err := tx.Insert(o); err != nil {
			return err
		}
		if id := reflect.ValueOf(o).Elem().Field(0).Int(); id != 3 {
			t.Errorf("new order's key = %d, want 3 (2 was used and deleted)", id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Marshalling again gives the same bytes: the format is deterministic.
	data2, err := datafile.Marshal(ctx, s, schema)
	if err != nil || string(data2) != string(data) {
		t.Errorf("second Marshal differs (%v)", err)
	}
}

func TestLoadRefusals(t *testing.T) {
	ctx := context.Background()
	schema := shopSchema(t)
	for _, tc := range []struct {
		name string
		data string
		want string
		is   error
	}{
		{"dangling foreign key", `{"models": {"Customer": {"1": {"id": 1, "name": "Ann", "email": "a@x"}},
			"Order": {"5": {"id": 5, "status": "new", "customerId": 9}}}}`,
			"datafile: db.json: model Order: record 5: property customerId: 9 references no Customer", memstore.ErrForeignKey},
		{"dangling self-reference", `{"models": {"Category": {"1": {"id": 1, "name": "a", "parentId": 7}}}}`,
			"datafile: db.json: model Category: record 1: property parentId: 7 references no Category", memstore.ErrForeignKey},
		{"duplicate unique value", `{"models": {"Customer": {"1": {"id": 1, "name": "Ann", "email": "a@x"}, "2": {"id": 2, "name": "Bob", "email": "a@x"}}}}`,
			"datafile: db.json: model Customer: record 2: property email: a@x already exists", memstore.ErrUnique},
		{"wrong type", `{"models": {"Customer": {"1": {"id": 1, "name": 12, "email": "a@x"}}}}`,
			"datafile: db.json: model Customer: record 1: property name: want a string, got 12", nil},
		{"malformed", `{"models": `, "datafile: db.json: malformed JSON", nil},
		{"not a row", `{"models": {"Customer": {"1": 5}}}`, "datafile: db.json: model Customer: record 1: want a row object", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openStore(t, schema)
			_, err := datafile.Load(ctx, s, schema, "db.json", []byte(tc.data))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("Load = %v\nwant %s...", err, tc.want)
			}
			if !errors.Is(err, datafile.ErrInvalid) {
				t.Errorf("errors.Is(ErrInvalid) = false")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v) = false", tc.is)
			}
			if n := len(dump(t, s)["Customer"]); n != 0 {
				t.Errorf("a refused load left %d customers", n)
			}
		})
	}
}

func TestLoadToleratesAddedAndRemovedProperties(t *testing.T) {
	ctx := context.Background()
	schema := shopSchema(t)
	s := openStore(t, schema)
	// Written when Order had a "fax"-like property and no "note", and
	// Customer had "fax"; a model Coupon is gone.
	data := `{"ids": {"Order": 10}, "models": {
		"Customer": {"1": {"id": 1, "name": "Ann", "email": "a@x", "fax": "555"}},
		"Order": {"1": {"id": 1, "customerId": 1, "total": 3}},
		"Coupon": {"1": {"id": 1}}},
		"schema": {"Customer": ["id", "name", "email", "fax", "createdAt"], "Order": ["id", "customerId", "total", "placedAt"]}}`
	rep, err := datafile.Load(ctx, s, schema, "db.json", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := datafile.Report{
		Rows:    map[string]int{"Customer": 1, "Order": 1},
		Added:   []string{"Order.status", "Order.note"},
		Removed: []string{"Customer.fax"},
		Models:  []string{"Coupon"},
	}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	// The added status took its default; the counter came from "ids".
	o := dump(t, s)["Order"][0]
	if st := reflect.ValueOf(o).FieldByName("Status").String(); st != "new" {
		t.Errorf("added status = %q, want the default new", st)
	}
	_ = s.Update(ctx, func(tx *memstore.Tx) error {
		last, _, _ := tx.AutoKey("Order")
		if last != int64(9) {
			t.Errorf("Order's counter = %v, want 9 (ids says next is 10)", last)
		}
		return nil
	})
}

func TestLoadReadsLoopBackStringRows(t *testing.T) {
	schema := shopSchema(t)
	s := openStore(t, schema)
	data := `{"ids": {"Customer": 3}, "models": {"Customer": {"2": "{\"name\":\"Ann\",\"email\":\"a@x\",\"id\":2}"}}}`
	if _, err := datafile.Load(context.Background(), s, schema, "db.json", []byte(data)); err != nil {
		t.Fatal(err)
	}
	if n := len(dump(t, s)["Customer"]); n != 1 {
		t.Fatalf("%d customers, want 1", n)
	}
}

func TestOpenFollowsCommits(t *testing.T) {
	ctx := context.Background()
	schema := shopSchema(t)
	path := filepath.Join(t.TempDir(), "db.json")
	s := openStore(t, schema)
	f, _, err := datafile.Open(ctx, s, datafile.Config{Path: path, Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	seedShop(t, s, schema)
	if err := f.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s2 := openStore(t, schema)
	if _, err := datafile.Load(ctx, s2, schema, path, data); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(dump(t, s), dump(t, s2)); diff != "" {
		t.Errorf("file after Flush (-want +got):\n%s", diff)
	}
	// A commit right before Close is written by Close.
	if err := s.Update(ctx, func(tx *memstore.Tx) error {
		return tx.Insert(newRow(t, schema, "Tag", map[string]any{"name": "late"}))
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); !errors.Is(err, datafile.ErrClosed) {
		t.Errorf("second Close = %v, want ErrClosed", err)
	}
	data, _ = os.ReadFile(path)
	if !strings.Contains(string(data), `"late"`) {
		t.Errorf("the last commit is not in the file after Close")
	}
	// Reopening loads it; no temporary file is left behind.
	s3 := openStore(t, schema)
	f3, rep, err := datafile.Open(ctx, s3, datafile.Config{Path: path, Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer f3.Close()
	if rep.Rows["Tag"] != 2 {
		t.Errorf("reopened: %v", rep)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only db.json", len(entries))
	}
}

func TestOpenWritesSeed(t *testing.T) {
	ctx := context.Background()
	schema := shopSchema(t)
	path := filepath.Join(t.TempDir(), "db.json")
	s := openStore(t, schema)
	seed := `{"models": {"Tag": {"1": {"id": 1, "name": "seeded"}}}}`
	f, rep, err := datafile.Open(ctx, s, datafile.Config{Path: path, Schema: schema, Seed: []byte(seed)})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), "seeded") || rep.Rows["Tag"] != 1 {
		t.Fatalf("file after a seeded Open: %v, %s (report %v)", err, data, rep)
	}
}

// TestConcurrentCreates: N writers × M creates leave exactly N×M rows in
// the store and in the file.
func TestConcurrentCreates(t *testing.T) {
	ctx := context.Background()
	schema := shopSchema(t)
	path := filepath.Join(t.TempDir(), "db.json")
	s := openStore(t, schema)
	f, _, err := datafile.Open(ctx, s, datafile.Config{Path: path, Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	const writers, creates = 8, 50
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range creates {
				row := newRow(t, schema, "Tag", map[string]any{"name": fmt.Sprintf("w%d-%d", w, i)})
				if err := s.Update(ctx, func(tx *memstore.Tx) error { return tx.Insert(row) }); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := openStore(t, schema)
	data, _ := os.ReadFile(path)
	rep, err := datafile.Load(ctx, s2, schema, path, data)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(dump(t, s)["Tag"]); got != writers*creates {
		t.Errorf("store: %d tags, want %d", got, writers*creates)
	}
	if rep.Rows["Tag"] != writers*creates {
		t.Errorf("file: %d tags, want %d", rep.Rows["Tag"], writers*creates)
	}
}
