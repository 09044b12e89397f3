package memstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relstore/relstore/internal/relcore"
	"github.com/relstore/relstore/memstore"
)

// Lookalikes of Customer and Order: same model names, other Go types and
// layouts.
type (
	OtherCustomer struct {
		Pad   [3]int64
		Name  string
		Email string `relstore:"unique"`
		ID    int64  `relstore:"pk,auto"`
	}
	OtherOrder struct {
		Note       string
		CustomerID int64 `relstore:"belongsTo=Customer,onDelete=cascade"`
		ID         int64 `relstore:"pk,auto"`
	}
)

// handles are the Tables and Rels of one store.
type handles struct {
	customers *memstore.Table[Customer, int64]
	orders    *memstore.Table[Order, int64]
	customer  *relcore.Rel[Order, Customer]
	maker     *relcore.Rel[Widget, Customer] // a shadow foreign key
}

// handleModels are the test models and Widget, whose maker relation is a
// shadow foreign key; customer and order are the models to use, of the
// test's types or lookalikes.
func handleModels(customer, order memstore.Model) []memstore.Model {
	widget := memstore.ModelOf[Widget]()
	widget.Relations = []memstore.Relation{{Name: "maker", Target: "Customer", OnDelete: memstore.SetNull, Shadow: true}}
	customer.Name, order.Name = "Customer", "Order"
	return []memstore.Model{customer, order, memstore.ModelOf[Category](), memstore.ModelOf[Product](), widget}
}

// newHandleStore opens a store of models holding customer 1 (email a@x)
// with order 1 and widget 1, made by seed.
func newHandleStore(t *testing.T, models []memstore.Model, seed func(tx *memstore.Tx) error) *memstore.Store {
	t.Helper()
	s, err := memstore.New(memstore.Config{Models: models})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		if err := seed(tx); err != nil {
			return err
		}
		return tx.Insert(Widget{ID: 1})
	})
	return s
}

// TestHandleOfAnotherStore: a Table or Rel used with a Tx of another store
// is refused with ErrInvalid and changes neither store, also when the other
// store has same-named models of other Go types.
func TestHandleOfAnotherStore(t *testing.T) {
	key1 := []byte{0x80, 0, 0, 0, 0, 0, 0, 1} // int64 key 1
	ops := []struct {
		name string
		fn   func(h handles, tx *memstore.Tx) error
	}{
		{"Table.Insert", func(h handles, tx *memstore.Tx) error {
			_, err := h.customers.Insert(tx, Customer{ID: 1, Email: "b@x"})
			return err
		}},
		{"Table.Update", func(h handles, tx *memstore.Tx) error {
			return h.customers.Update(tx, Customer{ID: 1, Email: "a@x", Name: "changed"})
		}},
		{"Table.UpdateKey", func(h handles, tx *memstore.Tx) error {
			return h.customers.UpdateKey(tx, 1, Customer{ID: 1, Email: "a@x", Name: "changed"})
		}},
		{"Table.Upsert", func(h handles, tx *memstore.Tx) error {
			_, err := h.orders.Upsert(tx, Order{ID: 1, CustomerID: 1, Note: "changed"})
			return err
		}},
		{"Table.Delete", func(h handles, tx *memstore.Tx) error { return h.customers.Delete(tx, 1) }},
		{"Table.Get", func(h handles, tx *memstore.Tx) error { return errOf(h.customers.Get(tx, 1)) }},
		{"Table.Lookup", func(h handles, tx *memstore.Tx) error { return errOf(h.customers.Lookup(tx, "Email", "a@x")) }},
		{"Table.Count", func(h handles, tx *memstore.Tx) error { return errOf(h.orders.Count(tx)) }},
		{"Table.Scan", func(h handles, tx *memstore.Tx) error { return errOf(h.orders.Scan(tx)) }},
		{"Table.Range", func(h handles, tx *memstore.Tx) error { return errOf(h.orders.Range(tx, 1, 9)) }},
		{"Table.ByFK", func(h handles, tx *memstore.Tx) error { return errOf(h.orders.ByFK(tx, "customer", int64(1))) }},
		{"Rel.Owner", func(h handles, tx *memstore.Tx) error { return errOf(h.customer.Owner(tx, key1)) }},
		{"Rel.Children", func(h handles, tx *memstore.Tx) error { return errOf(h.customer.Children(tx, key1)) }},
		{"Rel.CountChildren", func(h handles, tx *memstore.Tx) error { return errOf(h.customer.CountChildren(tx, key1)) }},
		{"Rel.SetFK", func(h handles, tx *memstore.Tx) error {
			return h.customer.SetFK(tx, &Order{ID: 1, CustomerID: 1}, key1)
		}},
		{"Rel.InsertChild", func(h handles, tx *memstore.Tx) error { return h.customer.InsertChild(tx, &Order{}, key1) }},
		{"Rel.HasChild", func(h handles, tx *memstore.Tx) error {
			return errOf(h.customer.HasChild(tx, &Order{ID: 1, CustomerID: 1}, key1))
		}},
		{"Rel.LookupSource", func(h handles, tx *memstore.Tx) error { return errOf(h.customer.LookupSource(tx, int64(1))) }},
		{"Rel.AppendFK of a field", func(h handles, tx *memstore.Tx) error {
			_, _, err := h.customer.AppendFK(tx, nil, &Order{ID: 1, CustomerID: 1})
			return err
		}},
		{"Rel.AppendFK of a shadow key", func(h handles, tx *memstore.Tx) error {
			_, _, err := h.maker.AppendFK(tx, nil, &Widget{ID: 1})
			return err
		}},
		{"Rel.SetFK of a shadow key", func(h handles, tx *memstore.Tx) error {
			return h.maker.SetFK(tx, &Widget{ID: 1}, key1)
		}},
	}
	sameTypes := func(tx *memstore.Tx) error {
		if err := tx.Insert(Customer{Email: "a@x", Name: "B's"}); err != nil {
			return err
		}
		return tx.Insert(Order{CustomerID: 1, Note: "B's"})
	}
	otherTypes := func(tx *memstore.Tx) error {
		if err := tx.Insert(OtherCustomer{Email: "a@x", Name: "C's"}); err != nil {
			return err
		}
		return tx.Insert(OtherOrder{CustomerID: 1, Note: "C's"})
	}
	others := []struct {
		name   string
		models []memstore.Model
		seed   func(tx *memstore.Tx) error
	}{
		{"same types", handleModels(memstore.ModelOf[Customer](), memstore.ModelOf[Order]()), sameTypes},
		{"same names, other types", handleModels(memstore.ModelOf[OtherCustomer](), memstore.ModelOf[OtherOrder]()), otherTypes},
	}
	for _, other := range others {
		for _, op := range ops {
			t.Run(other.name+"/"+op.name, func(t *testing.T) {
				a := newHandleStore(t, handleModels(memstore.ModelOf[Customer](), memstore.ModelOf[Order]()), sameTypes)
				h := handles{
					customers: mustTable[Customer, int64](t, a),
					orders:    mustTable[Order, int64](t, a),
					customer:  must(relcore.RelationOf[Order, Customer](a, "customer"))(t),
					maker:     must(relcore.RelationOf[Widget, Customer](a, "maker"))(t),
				}
				b := newHandleStore(t, other.models, other.seed)
				beforeA, beforeB := mustDump(t, a), mustDump(t, b)
				var opErr error
				err := b.Update(context.Background(), func(tx *memstore.Tx) error {
					opErr = op.fn(h, tx)
					return nil
				})
				// A refused write aborts the Update (Update returns its
				// error); a refused read does not.
				if err != nil && err != opErr {
					t.Errorf("Update of the other store = %v, want nil or the refusal %v", err, opErr)
				}
				if !errors.Is(opErr, memstore.ErrInvalid) || !strings.Contains(opErr.Error(), "another store") {
					t.Errorf("%s with a Tx of another store = %v, want ErrInvalid naming another store", op.name, opErr)
				}
				if diff := cmp.Diff(beforeA, mustDump(t, a)); diff != "" {
					t.Errorf("the handle's store changed (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(beforeB, mustDump(t, b)); diff != "" {
					t.Errorf("the Tx's store changed (-want +got):\n%s", diff)
				}
				mustView(t, b, func(tx *memstore.Tx) error {
					if err := tx.CheckIntegrity(); err != nil {
						t.Errorf("CheckIntegrity of the Tx's store: %v", err)
					}
					return nil
				})
			})
		}
	}
}
