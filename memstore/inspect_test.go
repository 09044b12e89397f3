package memstore_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relstore/relstore/memstore"
)

func TestModelsRowsDump(t *testing.T) {
	ts := newTestStore(t)
	mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
		if err := tx.Insert(Customer{Email: "a@x"}); err != nil {
			return err
		}
		return tx.Insert(Order{CustomerID: 1})
	})
	var names []string
	for _, m := range ts.Models() {
		names = append(names, m.Name)
	}
	if diff := cmp.Diff([]string{"Customer", "Order", "Category", "Product"}, names); diff != "" {
		t.Errorf("Models names (-want +got):\n%s", diff)
	}
	want := memstore.ModelInfo{Name: "Order", Plural: "Orders", Key: "ID", AutoKey: true, Relations: []memstore.RelationInfo{
		{Name: "customer", Target: "Customer", FK: "CustomerID", KeyTo: "ID", OnDelete: memstore.Cascade},
	}}
	got := ts.Models()[1]
	got.Type = nil
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Models()[Order] (-want +got):\n%s", diff)
	}
	mustView(t, ts.Store, func(tx *memstore.Tx) error {
		d, err := tx.Dump()
		if err != nil {
			return err
		}
		wantDump := memstore.Dump{
			"Customer": {Customer{ID: 1, Email: "a@x"}},
			"Order":    {Order{ID: 1, CustomerID: 1}},
			"Category": nil, "Product": nil,
		}
		if diff := cmp.Diff(wantDump, d); diff != "" {
			t.Errorf("Dump (-want +got):\n%s", diff)
		}
		if _, err := tx.Rows("Nope"); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("Rows(unknown) error = %v, want ErrInvalid", err)
		}
		return tx.CheckIntegrity()
	})
	var done *memstore.Tx
	mustView(t, ts.Store, func(tx *memstore.Tx) error { done = tx; return nil })
	if _, err := done.Dump(); !errors.Is(err, memstore.ErrTxDone) {
		t.Errorf("Dump after the View: error = %v, want ErrTxDone", err)
	}
	if err := done.CheckIntegrity(); !errors.Is(err, memstore.ErrTxDone) {
		t.Errorf("CheckIntegrity after the View: error = %v, want ErrTxDone", err)
	}
	if _, err := done.Rows("Order"); !errors.Is(err, memstore.ErrTxDone) {
		t.Errorf("Rows after the View: error = %v, want ErrTxDone", err)
	}
}
