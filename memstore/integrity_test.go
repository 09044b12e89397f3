package memstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/relstore/relstore/memstore"
)

// Models for deeper integrity rules:
//
//	Region ← Branch ← Desk      cascade, cascade (three levels)
//	Desk ← Badge                restrict, nullable
//	Region ← Audit → Branch     restrict to Region, cascade from Branch
//	Node → Node                 cascade, may form cycles
//	Team ← Member               keyTo the unique Team.Code
type (
	Region struct {
		ID   int64
		Name string
	}
	Branch struct {
		ID       int64
		RegionID int64 `relstore:"belongsTo=Region,onDelete=cascade"`
	}
	Desk struct {
		ID       int64
		BranchID int64 `relstore:"belongsTo=Branch,onDelete=cascade"`
	}
	Badge struct {
		ID     int64
		DeskID *int64 `relstore:"belongsTo=Desk"`
	}
	Audit struct {
		ID       int64
		RegionID int64 `relstore:"belongsTo=Region"`
		BranchID int64 `relstore:"belongsTo=Branch,onDelete=cascade"`
	}
	Node struct {
		ID     string
		NextID *string `relstore:"belongsTo=Node,as=next,onDelete=cascade"`
	}
	Team struct {
		ID   int64
		Code string `relstore:"unique"`
	}
	Member struct {
		ID       int64
		TeamCode string `relstore:"belongsTo=Team,keyTo=Code"`
	}
)

type integrityStore struct {
	*memstore.Store
	regions  *memstore.Table[Region, int64]
	branches *memstore.Table[Branch, int64]
	desks    *memstore.Table[Desk, int64]
	badges   *memstore.Table[Badge, int64]
	audits   *memstore.Table[Audit, int64]
	nodes    *memstore.Table[Node, string]
	teams    *memstore.Table[Team, int64]
	members  *memstore.Table[Member, int64]
}

func newIntegrityStore(t testing.TB) *integrityStore {
	t.Helper()
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		// Sources before targets, to show the order does not matter.
		memstore.ModelOf[Audit](), memstore.ModelOf[Badge](), memstore.ModelOf[Desk](),
		memstore.ModelOf[Branch](), memstore.ModelOf[Region](), memstore.ModelOf[Node](),
		memstore.ModelOf[Member](), memstore.ModelOf[Team](),
	}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return &integrityStore{
		Store:    s,
		regions:  mustTable[Region, int64](t, s),
		branches: mustTable[Branch, int64](t, s),
		desks:    mustTable[Desk, int64](t, s),
		badges:   mustTable[Badge, int64](t, s),
		audits:   mustTable[Audit, int64](t, s),
		nodes:    mustTable[Node, string](t, s),
		teams:    mustTable[Team, int64](t, s),
		members:  mustTable[Member, int64](t, s),
	}
}

type integrityDump struct {
	Regions  []Region
	Branches []Branch
	Desks    []Desk
	Badges   []Badge
	Audits   []Audit
	Nodes    []Node
	Teams    []Team
	Members  []Member
}

func (is *integrityStore) dump(t testing.TB) integrityDump {
	t.Helper()
	return integrityDump{
		Regions:  allRows(t, is.Store, is.regions),
		Branches: allRows(t, is.Store, is.branches),
		Desks:    allRows(t, is.Store, is.desks),
		Badges:   allRows(t, is.Store, is.badges),
		Audits:   allRows(t, is.Store, is.audits),
		Nodes:    allRows(t, is.Store, is.nodes),
		Teams:    allRows(t, is.Store, is.teams),
		Members:  allRows(t, is.Store, is.members),
	}
}

// seedTree writes regions 1 and 2, branches 10, 11 (region 1) and 20
// (region 2), and desks 100, 101 (branch 10), 110 (branch 11), 200 (branch 20).
func (is *integrityStore) seedTree(t testing.TB) {
	t.Helper()
	mustUpdate(t, is.Store, func(tx *memstore.Tx) error {
		for _, r := range []Region{{ID: 1}, {ID: 2}} {
			if _, err := is.regions.Insert(tx, r); err != nil {
				return err
			}
		}
		for _, b := range []Branch{{10, 1}, {11, 1}, {20, 2}} {
			if _, err := is.branches.Insert(tx, b); err != nil {
				return err
			}
		}
		for _, d := range []Desk{{100, 10}, {101, 10}, {110, 11}, {200, 20}} {
			if _, err := is.desks.Insert(tx, d); err != nil {
				return err
			}
		}
		return nil
	})
}

// wantForeignKeyError checks that err is a *ForeignKeyError equal to want.
func wantForeignKeyError(t testing.TB, op string, err error, want *memstore.ForeignKeyError) {
	t.Helper()
	if !errors.Is(err, memstore.ErrForeignKey) {
		t.Errorf("%s = %v, want ErrForeignKey", op, err)
	}
	var got *memstore.ForeignKeyError
	if !errors.As(err, &got) {
		t.Fatalf("%s = %T %v, want *ForeignKeyError", op, err, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: ForeignKeyError mismatch (-want +got):\n%s", op, diff)
	}
}

func TestInsertForeignKey(t *testing.T) {
	tests := []struct {
		name    string
		fn      func(ts *testStore, tx *memstore.Tx) error
		want    *memstore.ForeignKeyError // nil: the insert succeeds
		wantMsg string
	}{
		{
			name: "dangling key with an explicit primary key",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				_, err := ts.orders.Insert(tx, Order{ID: 10, CustomerID: 2})
				return err
			},
			want: &memstore.ForeignKeyError{Op: "insert", Model: "Order", Key: int64(10), Relation: "customer",
				Field: "CustomerID", Value: int64(2), Target: "Customer"},
			wantMsg: "memstore: insert Order 10: CustomerID 2 references no Customer",
		},
		{
			name: "dangling key with an auto primary key",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				_, err := ts.orders.Insert(tx, Order{CustomerID: 2})
				return err
			},
			want: &memstore.ForeignKeyError{Op: "insert", Model: "Order", Relation: "customer",
				Field: "CustomerID", Value: int64(2), Target: "Customer"},
			wantMsg: "memstore: insert Order: CustomerID 2 references no Customer",
		},
		{
			name: "zero foreign key",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				_, err := ts.orders.Insert(tx, Order{ID: 3})
				return err
			},
			want: &memstore.ForeignKeyError{Op: "insert", Model: "Order", Key: int64(3), Relation: "customer",
				Field: "CustomerID", Value: int64(0), Target: "Customer"},
			wantMsg: "memstore: insert Order 3: CustomerID 0 references no Customer",
		},
		{
			name: "dangling pointer key",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				_, err := ts.categories.Insert(tx, Category{ID: "poetry", ParentID: ptr("books")})
				return err
			},
			want: &memstore.ForeignKeyError{Op: "insert", Model: "Category", Key: "poetry", Relation: "parent",
				Field: "ParentID", Value: "books", Target: "Category"},
			wantMsg: "memstore: insert Category poetry: ParentID books references no Category",
		},
		{
			name: "dangling string key through the untyped Tx",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				return tx.Insert(Product{SKU: "p1", CategoryID: "none"})
			},
			want: &memstore.ForeignKeyError{Op: "insert", Model: "Product", Key: "p1", Relation: "category",
				Field: "CategoryID", Value: "none", Target: "Category"},
			wantMsg: "memstore: insert Product p1: CategoryID none references no Category",
		},
		{
			name: "key to a row inserted earlier in the same transaction",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				id, err := ts.customers.Insert(tx, Customer{Email: "a@x"})
				if err != nil {
					return err
				}
				_, err = ts.orders.Insert(tx, Order{CustomerID: id})
				return err
			},
		},
		{
			name: "key to a row deleted earlier in the same transaction",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				if _, err := ts.categories.Insert(tx, Category{ID: "books"}); err != nil {
					return err
				}
				if err := ts.categories.Delete(tx, "books"); err != nil {
					return err
				}
				_, err := ts.categories.Insert(tx, Category{ID: "poetry", ParentID: ptr("books")})
				return err
			},
			want: &memstore.ForeignKeyError{Op: "insert", Model: "Category", Key: "poetry", Relation: "parent",
				Field: "ParentID", Value: "books", Target: "Category"},
			wantMsg: "memstore: insert Category poetry: ParentID books references no Category",
		},
		{
			name: "row referencing itself",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				_, err := ts.categories.Insert(tx, Category{ID: "x", ParentID: ptr("x")})
				return err
			},
		},
		{
			name: "nil pointer key",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				_, err := ts.categories.Insert(tx, Category{ID: "root"})
				return err
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestStore(t)
			before := ts.dump(t)
			err := ts.Update(context.Background(), func(tx *memstore.Tx) error { return tt.fn(ts, tx) })
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Update = %v, want nil", err)
				}
				return
			}
			wantForeignKeyError(t, "Update", err, tt.want)
			if err != nil && err.Error() != tt.wantMsg {
				t.Errorf("Update = %q, want %q", err.Error(), tt.wantMsg)
			}
			if diff := cmp.Diff(before, ts.dump(t)); diff != "" {
				t.Errorf("store changed by a refused insert (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUpdateForeignKey(t *testing.T) {
	tests := []struct {
		name string
		fn   func(ts *testStore, tx *memstore.Tx) error
		want *memstore.ForeignKeyError
	}{
		{
			name: "moving a key to a missing target",
			fn:   func(ts *testStore, tx *memstore.Tx) error { return ts.orders.Update(tx, Order{ID: 1, CustomerID: 9}) },
			want: &memstore.ForeignKeyError{Op: "update", Model: "Order", Key: int64(1), Relation: "customer",
				Field: "CustomerID", Value: int64(9), Target: "Customer"},
		},
		{
			name: "moving a pointer key to a missing target",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				return ts.categories.Update(tx, Category{ID: "poetry", ParentID: ptr("nowhere")})
			},
			want: &memstore.ForeignKeyError{Op: "update", Model: "Category", Key: "poetry", Relation: "parent",
				Field: "ParentID", Value: "nowhere", Target: "Category"},
		},
		{
			name: "moving a key through Upsert",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				_, err := ts.orders.Upsert(tx, Order{ID: 1, CustomerID: 9})
				return err
			},
			want: &memstore.ForeignKeyError{Op: "upsert", Model: "Order", Key: int64(1), Relation: "customer",
				Field: "CustomerID", Value: int64(9), Target: "Customer"},
		},
		{
			name: "moving a key through the untyped Tx",
			fn:   func(ts *testStore, tx *memstore.Tx) error { return tx.Update(&Order{ID: 1, CustomerID: 9}) },
			want: &memstore.ForeignKeyError{Op: "update", Model: "Order", Key: int64(1), Relation: "customer",
				Field: "CustomerID", Value: int64(9), Target: "Customer"},
		},
		{
			name: "moving a key to an existing target",
			fn:   func(ts *testStore, tx *memstore.Tx) error { return ts.orders.Update(tx, Order{ID: 1, CustomerID: 2}) },
		},
		{
			name: "keeping the key",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				return ts.orders.Update(tx, Order{ID: 1, CustomerID: 1, Note: "changed"})
			},
		},
		{
			name: "pointing a row at itself",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				return ts.categories.Update(tx, Category{ID: "poetry", ParentID: ptr("poetry")})
			},
		},
		{
			name: "clearing a pointer key",
			fn:   func(ts *testStore, tx *memstore.Tx) error { return ts.categories.Update(tx, Category{ID: "poetry"}) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestStore(t)
			mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
				for _, c := range []Customer{{Email: "a@x"}, {Email: "b@x"}} {
					if _, err := ts.customers.Insert(tx, c); err != nil {
						return err
					}
				}
				if _, err := ts.orders.Insert(tx, Order{CustomerID: 1}); err != nil {
					return err
				}
				if _, err := ts.categories.Insert(tx, Category{ID: "books"}); err != nil {
					return err
				}
				_, err := ts.categories.Insert(tx, Category{ID: "poetry", ParentID: ptr("books")})
				return err
			})
			before := ts.dump(t)
			err := ts.Update(context.Background(), func(tx *memstore.Tx) error { return tt.fn(ts, tx) })
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Update = %v, want nil", err)
				}
				return
			}
			wantForeignKeyError(t, "Update", err, tt.want)
			if diff := cmp.Diff(before, ts.dump(t)); diff != "" {
				t.Errorf("store changed by a refused update (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeleteRestrict(t *testing.T) {
	ts := newTestStore(t)
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
		if _, err := ts.categories.Insert(tx, Category{ID: "books"}); err != nil {
			return err
		}
		_, err := ts.products.Insert(tx, Product{SKU: "p1", CategoryID: "books"})
		return err
	})
	before := ts.dump(t)
	err := ts.Update(context.Background(), func(tx *memstore.Tx) error { return ts.categories.Delete(tx, "books") })
	wantForeignKeyError(t, "Delete(books)", err, &memstore.ForeignKeyError{Op: "delete", Model: "Category", Key: "books",
		Relation: "category", Field: "CategoryID", Value: "books", Target: "Category", Referrer: "Product", ReferrerKey: "p1"})
	const wantMsg = "memstore: delete Category books: Category books referenced by Product p1 (Product.CategoryID, relation category)"
	if err != nil && err.Error() != wantMsg {
		t.Errorf("Delete(books) = %q, want %q", err.Error(), wantMsg)
	}
	if diff := cmp.Diff(before, ts.dump(t)); diff != "" {
		t.Errorf("store changed by a refused delete (-want +got):\n%s", diff)
	}
	// Once the referrer is gone, the delete goes through.
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
		if err := ts.products.Delete(tx, "p1"); err != nil {
			return err
		}
		return ts.categories.Delete(tx, "books")
	})
	if got := ts.dump(t); len(got.Categories) != 0 {
		t.Errorf("categories after delete = %v, want none", got.Categories)
	}
}

func TestDeleteCascade(t *testing.T) {
	tests := []struct {
		name         string
		region       int64
		wantBranches []Branch
		wantDesks    []Desk
	}{
		{"three levels", 1, []Branch{{20, 2}}, []Desk{{200, 20}}},
		{"the other region", 2, []Branch{{10, 1}, {11, 1}}, []Desk{{100, 10}, {101, 10}, {110, 11}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := newIntegrityStore(t)
			is.seedTree(t)
			mustUpdate(t, is.Store, func(tx *memstore.Tx) error { return is.regions.Delete(tx, tt.region) })
			got := is.dump(t)
			if diff := cmp.Diff(tt.wantBranches, got.Branches); diff != "" {
				t.Errorf("branches mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantDesks, got.Desks); diff != "" {
				t.Errorf("desks mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("customer with orders", func(t *testing.T) {
		ts := newTestStore(t)
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
			for _, c := range []Customer{{Email: "a@x"}, {Email: "b@x"}} {
				if _, err := ts.customers.Insert(tx, c); err != nil {
					return err
				}
			}
			for _, o := range []Order{{CustomerID: 1}, {CustomerID: 2}, {CustomerID: 1}} {
				if _, err := ts.orders.Insert(tx, o); err != nil {
					return err
				}
			}
			return nil
		})
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error { return ts.customers.Delete(tx, 1) })
		if diff := cmp.Diff([]Order{{ID: 2, CustomerID: 2}}, ts.dump(t).Orders); diff != "" {
			t.Errorf("orders mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestDeleteCascadeCycle(t *testing.T) {
	tests := []struct {
		name   string
		links  map[string]string // node → next; every node is inserted first
		delete string
		want   []Node
	}{
		{"row referencing itself", map[string]string{"a": "a", "z": ""}, "a", []Node{{ID: "z"}}},
		{"two rows referencing each other", map[string]string{"a": "b", "b": "a", "z": ""}, "a", []Node{{ID: "z"}}},
		{"a cycle of three with a tail", map[string]string{"a": "b", "b": "c", "c": "a", "t": "a", "z": ""}, "b", []Node{{ID: "z"}}},
		{"a chain into a cycle, deleting the chain's head", map[string]string{"a": "b", "b": "a", "h": "a"}, "h",
			[]Node{{ID: "a", NextID: ptr("b")}, {ID: "b", NextID: ptr("a")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := newIntegrityStore(t)
			mustUpdate(t, is.Store, func(tx *memstore.Tx) error {
				for id := range tt.links {
					if _, err := is.nodes.Insert(tx, Node{ID: id}); err != nil {
						return err
					}
				}
				for id, next := range tt.links {
					if next == "" {
						continue
					}
					if err := is.nodes.Update(tx, Node{ID: id, NextID: ptr(next)}); err != nil {
						return err
					}
				}
				return nil
			})
			mustUpdate(t, is.Store, func(tx *memstore.Tx) error { return is.nodes.Delete(tx, tt.delete) })
			if diff := cmp.Diff(tt.want, is.dump(t).Nodes); diff != "" {
				t.Errorf("nodes mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeleteSetNull(t *testing.T) {
	ts := newTestStore(t)
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
		for _, c := range []Category{
			{ID: "books"},
			{ID: "poetry", ParentID: ptr("books"), Tags: []string{"verse"}},
			{ID: "prose", ParentID: ptr("books")},
			{ID: "sonnets", ParentID: ptr("poetry")},
			{ID: "self", ParentID: ptr("self")},
		} {
			if _, err := ts.categories.Insert(tx, c); err != nil {
				return err
			}
		}
		return nil
	})
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
		if err := ts.categories.Delete(tx, "books"); err != nil {
			return err
		}
		return ts.categories.Delete(tx, "self")
	})
	want := []Category{
		{ID: "poetry", Tags: []string{"verse"}},
		{ID: "prose"},
		{ID: "sonnets", ParentID: ptr("poetry")},
	}
	if diff := cmp.Diff(want, ts.dump(t).Categories); diff != "" {
		t.Errorf("categories mismatch (-want +got):\n%s", diff)
	}
	// The cleared key left the FK index: nothing is found under "books".
	mustView(t, ts.Store, func(tx *memstore.Tx) error {
		rows, err := ts.categories.ByFK(tx, "parent", "books")
		if err != nil {
			return err
		}
		if got := collectKeys(rows); len(got) != 0 {
			t.Errorf("ByFK(parent, books) = %v, want none", got)
		}
		return nil
	})
}

// A restrict (NO ACTION) check runs when its turn in the delete's queue
// comes, as PostgreSQL runs it: a restricting row that the same delete's
// cascade removes only later, behind the check, blocks it.
func TestDeleteNoAction(t *testing.T) {
	is := newIntegrityStore(t)
	is.seedTree(t)
	mustUpdate(t, is.Store, func(tx *memstore.Tx) error {
		// Audit 1 restricts region 1 and cascades from branch 10, which the
		// delete of region 1 removes, but only after the check: region 1's
		// events are the branches' cascade and the audits' check, and the
		// cascade from branch 10 is queued behind them (PostgreSQL refuses
		// the same delete: fuzz/postgres TestDeepCascade).
		_, err := is.audits.Insert(tx, Audit{ID: 1, RegionID: 1, BranchID: 10})
		return err
	})
	before := is.dump(t)
	err := is.Update(context.Background(), func(tx *memstore.Tx) error { return is.regions.Delete(tx, 1) })
	wantForeignKeyError(t, "Delete(region 1)", err, &memstore.ForeignKeyError{Op: "delete", Model: "Region", Key: int64(1),
		Relation: "region", Field: "RegionID", Value: int64(1), Target: "Region", Referrer: "Audit", ReferrerKey: int64(1)})
	if diff := cmp.Diff(before, is.dump(t)); diff != "" {
		t.Errorf("store changed by a refused delete (-want +got):\n%s", diff)
	}
	// Deleting the branch first, then the region, is accepted.
	mustUpdate(t, is.Store, func(tx *memstore.Tx) error {
		if err := is.branches.Delete(tx, 10); err != nil {
			return err
		}
		return is.regions.Delete(tx, 1)
	})
	got := is.dump(t)
	if len(got.Audits) != 0 {
		t.Errorf("audits = %v, want none", got.Audits)
	}
	if diff := cmp.Diff([]Region{{ID: 2}}, got.Regions); diff != "" {
		t.Errorf("regions mismatch (-want +got):\n%s", diff)
	}

	// An audit of region 2 whose branch is in region 1 is outside the
	// delete of region 2's tree: it restricts it.
	is = newIntegrityStore(t)
	is.seedTree(t)
	mustUpdate(t, is.Store, func(tx *memstore.Tx) error {
		_, err := is.audits.Insert(tx, Audit{ID: 7, RegionID: 2, BranchID: 10})
		return err
	})
	err = is.Update(context.Background(), func(tx *memstore.Tx) error { return is.regions.Delete(tx, 2) })
	wantForeignKeyError(t, "Delete(region 2)", err, &memstore.ForeignKeyError{Op: "delete", Model: "Region", Key: int64(2),
		Relation: "region", Field: "RegionID", Value: int64(2), Target: "Region", Referrer: "Audit", ReferrerKey: int64(7)})
}

func TestDeleteRefusedDeepInCascade(t *testing.T) {
	is := newIntegrityStore(t)
	is.seedTree(t)
	mustUpdate(t, is.Store, func(tx *memstore.Tx) error {
		// Badge 1 restricts desk 110, two cascades below region 1; badge 2
		// has no desk.
		if _, err := is.badges.Insert(tx, Badge{ID: 1, DeskID: ptr[int64](110)}); err != nil {
			return err
		}
		_, err := is.badges.Insert(tx, Badge{ID: 2})
		return err
	})
	before := is.dump(t)
	var later error
	err := is.Update(context.Background(), func(tx *memstore.Tx) error {
		err := is.regions.Delete(tx, 1)
		_, later = is.regions.Get(tx, 1)
		return err
	})
	wantForeignKeyError(t, "Delete(region 1)", err, &memstore.ForeignKeyError{Op: "delete", Model: "Region", Key: int64(1),
		Relation: "desk", Field: "DeskID", Value: int64(110), Target: "Desk", Referrer: "Badge", ReferrerKey: int64(1)})
	if !errors.Is(later, memstore.ErrTxAborted) {
		t.Errorf("Get after the refused delete = %v, want ErrTxAborted", later)
	}
	if diff := cmp.Diff(before, is.dump(t)); diff != "" {
		t.Errorf("store changed by a refused delete (-want +got):\n%s", diff)
	}
	// Freeing the desk lets the whole tree go.
	mustUpdate(t, is.Store, func(tx *memstore.Tx) error {
		if err := is.badges.Update(tx, Badge{ID: 1}); err != nil {
			return err
		}
		return is.regions.Delete(tx, 1)
	})
	if got := is.dump(t); len(got.Desks) != 1 || len(got.Badges) != 2 {
		t.Errorf("after delete: desks %v badges %v, want desk 200 and both badges", got.Desks, got.Badges)
	}
}

func TestKeyToReferencedUnique(t *testing.T) {
	tests := []struct {
		name string
		fn   func(is *integrityStore, tx *memstore.Tx) error
		want *memstore.ForeignKeyError
	}{
		{
			name: "changing a referenced code",
			fn:   func(is *integrityStore, tx *memstore.Tx) error { return is.teams.Update(tx, Team{ID: 1, Code: "blue"}) },
			want: &memstore.ForeignKeyError{Op: "update", Model: "Team", Key: int64(1), Relation: "team", Field: "TeamCode",
				Value: "red", Target: "Team", Referrer: "Member", ReferrerKey: int64(1)},
		},
		{
			name: "changing a referenced code through Upsert",
			fn: func(is *integrityStore, tx *memstore.Tx) error {
				_, err := is.teams.Upsert(tx, Team{ID: 1, Code: "blue"})
				return err
			},
			want: &memstore.ForeignKeyError{Op: "upsert", Model: "Team", Key: int64(1), Relation: "team", Field: "TeamCode",
				Value: "red", Target: "Team", Referrer: "Member", ReferrerKey: int64(1)},
		},
		{
			name: "deleting a referenced team",
			fn:   func(is *integrityStore, tx *memstore.Tx) error { return is.teams.Delete(tx, 1) },
			want: &memstore.ForeignKeyError{Op: "delete", Model: "Team", Key: int64(1), Relation: "team", Field: "TeamCode",
				Value: "red", Target: "Team", Referrer: "Member", ReferrerKey: int64(1)},
		},
		{
			name: "member of a missing code",
			fn: func(is *integrityStore, tx *memstore.Tx) error {
				_, err := is.members.Insert(tx, Member{ID: 2, TeamCode: "blue"})
				return err
			},
			want: &memstore.ForeignKeyError{Op: "insert", Model: "Member", Key: int64(2), Relation: "team", Field: "TeamCode",
				Value: "blue", Target: "Team"},
		},
		{
			name: "member keyed by primary key value instead of code",
			fn: func(is *integrityStore, tx *memstore.Tx) error {
				_, err := is.members.Insert(tx, Member{ID: 2, TeamCode: "1"})
				return err
			},
			want: &memstore.ForeignKeyError{Op: "insert", Model: "Member", Key: int64(2), Relation: "team", Field: "TeamCode",
				Value: "1", Target: "Team"},
		},
		{
			name: "changing an unreferenced code",
			fn:   func(is *integrityStore, tx *memstore.Tx) error { return is.teams.Update(tx, Team{ID: 2, Code: "blue"}) },
		},
		{
			name: "changing a code after moving its members",
			fn: func(is *integrityStore, tx *memstore.Tx) error {
				if err := is.members.Update(tx, Member{ID: 1, TeamCode: "green"}); err != nil {
					return err
				}
				return is.teams.Update(tx, Team{ID: 1, Code: "blue"})
			},
		},
		{
			name: "keeping a referenced code",
			fn:   func(is *integrityStore, tx *memstore.Tx) error { return is.teams.Update(tx, Team{ID: 1, Code: "red"}) },
		},
		{
			name: "member of another code",
			fn: func(is *integrityStore, tx *memstore.Tx) error {
				_, err := is.members.Insert(tx, Member{ID: 2, TeamCode: "green"})
				return err
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := newIntegrityStore(t)
			mustUpdate(t, is.Store, func(tx *memstore.Tx) error {
				for _, team := range []Team{{1, "red"}, {2, "green"}} {
					if _, err := is.teams.Insert(tx, team); err != nil {
						return err
					}
				}
				_, err := is.members.Insert(tx, Member{ID: 1, TeamCode: "red"})
				return err
			})
			before := is.dump(t)
			err := is.Update(context.Background(), func(tx *memstore.Tx) error { return tt.fn(is, tx) })
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Update = %v, want nil", err)
				}
				return
			}
			wantForeignKeyError(t, "Update", err, tt.want)
			if diff := cmp.Diff(before, is.dump(t)); diff != "" {
				t.Errorf("store changed by a refused write (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnique(t *testing.T) {
	tests := []struct {
		name string
		fn   func(ts *testStore, tx *memstore.Tx) error
		want *memstore.UniqueError // nil: the write succeeds
	}{
		{
			name: "duplicate primary key on insert",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				_, err := ts.customers.Insert(tx, Customer{ID: 1, Email: "new@x"})
				return err
			},
			want: &memstore.UniqueError{Op: "insert", Model: "Customer", Field: "ID", Value: int64(1),
				Fields: []string{"ID"}, Values: []any{int64(1)}},
		},
		{
			name: "duplicate string primary key on insert",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				_, err := ts.categories.Insert(tx, Category{ID: "books"})
				return err
			},
			want: &memstore.UniqueError{Op: "insert", Model: "Category", Field: "ID", Value: "books",
				Fields: []string{"ID"}, Values: []any{"books"}},
		},
		{
			name: "duplicate primary key through the untyped Tx",
			fn:   func(ts *testStore, tx *memstore.Tx) error { return tx.Insert(Category{ID: "books"}) },
			want: &memstore.UniqueError{Op: "insert", Model: "Category", Field: "ID", Value: "books",
				Fields: []string{"ID"}, Values: []any{"books"}},
		},
		{
			name: "duplicate unique field on insert",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				_, err := ts.customers.Insert(tx, Customer{Email: "a@x"})
				return err
			},
			want: &memstore.UniqueError{Op: "insert", Model: "Customer", Field: "Email", Value: "a@x",
				Fields: []string{"Email"}, Values: []any{"a@x"}},
		},
		{
			name: "duplicate unique field on update",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				return ts.customers.Update(tx, Customer{ID: 2, Email: "a@x"})
			},
			want: &memstore.UniqueError{Op: "update", Model: "Customer", Field: "Email", Value: "a@x",
				Fields: []string{"Email"}, Values: []any{"a@x"}},
		},
		{
			name: "duplicate unique field on upsert of a new row",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				_, err := ts.customers.Upsert(tx, Customer{ID: 5, Email: "a@x"})
				return err
			},
			want: &memstore.UniqueError{Op: "upsert", Model: "Customer", Field: "Email", Value: "a@x",
				Fields: []string{"Email"}, Values: []any{"a@x"}},
		},
		{
			name: "duplicate unique field on upsert of an existing row",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				_, err := ts.customers.Upsert(tx, Customer{ID: 2, Email: "a@x"})
				return err
			},
			want: &memstore.UniqueError{Op: "upsert", Model: "Customer", Field: "Email", Value: "a@x",
				Fields: []string{"Email"}, Values: []any{"a@x"}},
		},
		{
			name: "update keeping its own unique value",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				return ts.customers.Update(tx, Customer{ID: 1, Email: "a@x", Name: "Ann"})
			},
		},
		{
			name: "swapping unique values through a free one",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				if err := ts.customers.Update(tx, Customer{ID: 1, Email: "tmp@x"}); err != nil {
					return err
				}
				if err := ts.customers.Update(tx, Customer{ID: 2, Email: "a@x"}); err != nil {
					return err
				}
				return ts.customers.Update(tx, Customer{ID: 1, Email: "b@x"})
			},
		},
		{
			name: "reusing the value of a row deleted in the same transaction",
			fn: func(ts *testStore, tx *memstore.Tx) error {
				if err := ts.customers.Delete(tx, 1); err != nil {
					return err
				}
				_, err := ts.customers.Insert(tx, Customer{Email: "a@x"})
				return err
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestStore(t)
			mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
				for _, c := range []Customer{{Email: "a@x"}, {Email: "b@x"}} {
					if _, err := ts.customers.Insert(tx, c); err != nil {
						return err
					}
				}
				_, err := ts.categories.Insert(tx, Category{ID: "books"})
				return err
			})
			before := ts.dump(t)
			err := ts.Update(context.Background(), func(tx *memstore.Tx) error { return tt.fn(ts, tx) })
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Update = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, memstore.ErrUnique) {
				t.Errorf("Update = %v, want ErrUnique", err)
			}
			var got *memstore.UniqueError
			if !errors.As(err, &got) {
				t.Fatalf("Update = %T %v, want *UniqueError", err, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("UniqueError mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, ts.dump(t)); diff != "" {
				t.Errorf("store changed by a refused write (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("message", func(t *testing.T) {
		err := &memstore.UniqueError{Op: "insert", Model: "Customer", Field: "Email", Value: "a@x"}
		if got, want := err.Error(), "memstore: insert Customer: Email a@x already exists"; got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
	})
}

func TestUpsert(t *testing.T) {
	ts := newTestStore(t)
	var keys []int64
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
		for _, c := range []Customer{
			{ID: 5, Email: "a@x", Name: "Ann"},  // inserts
			{ID: 5, Email: "a@x", Name: "Anne"}, // replaces
			{Email: "b@x", Name: "Bob"},         // zero auto key: inserts with the next key
			{ID: 5, Email: "c@x", Name: "Anne"}, // replaces, changing the unique field
		} {
			k, err := ts.customers.Upsert(tx, c)
			if err != nil {
				return err
			}
			keys = append(keys, k)
		}
		return nil
	})
	if want := []int64{5, 5, 6, 5}; !cmp.Equal(keys, want) {
		t.Errorf("Upsert keys = %v, want %v", keys, want)
	}
	want := []Customer{{ID: 5, Email: "c@x", Name: "Anne"}, {ID: 6, Email: "b@x", Name: "Bob"}}
	if diff := cmp.Diff(want, ts.dump(t).Customers); diff != "" {
		t.Errorf("customers mismatch (-want +got):\n%s", diff)
	}
	// The freed unique value can be used again.
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
		_, err := ts.customers.Upsert(tx, Customer{Email: "a@x"})
		return err
	})
}
