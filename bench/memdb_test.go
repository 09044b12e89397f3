package bench

import (
	"errors"
	"testing"

	memdb "github.com/hashicorp/go-memdb"
)

// memdbSys is go-memdb written by hand, the way its README shows: one table
// per model, an "id" index and, on orders, a "customer_id" index; the
// foreign key is checked with First before Insert, and a delete is refused
// when First finds a referencing order.
type memdbSys struct {
	db *memdb.MemDB
}

var (
	errFK       = errors.New("foreign key violation")
	errNotFound = errors.New("not found")
)

func memdbSchema() *memdb.DBSchema {
	return &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
		"customer": {Name: "customer", Indexes: map[string]*memdb.IndexSchema{
			"id": {Name: "id", Unique: true, Indexer: &memdb.IntFieldIndex{Field: "ID"}},
		}},
		"order": {Name: "order", Indexes: map[string]*memdb.IndexSchema{
			"id":          {Name: "id", Unique: true, Indexer: &memdb.IntFieldIndex{Field: "ID"}},
			"customer_id": {Name: "customer_id", Indexer: &memdb.IntFieldIndex{Field: "CustomerID"}},
		}},
	}}
}

func loadMemdb(tb testing.TB, w *workload, orders bool) *memdbSys {
	tb.Helper()
	db, err := memdb.NewMemDB(memdbSchema())
	if err != nil {
		tb.Fatal(err)
	}
	m := &memdbSys{db: db}
	txn := db.Txn(true)
	for i := range w.customers {
		c := w.customers[i]
		if err := txn.Insert("customer", &c); err != nil {
			tb.Fatal(err)
		}
	}
	txn.Commit()
	if orders {
		for lo := 0; lo < len(w.orders); lo += batchRows {
			if err := m.insertBatch(w.orders[lo : lo+batchRows]); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return m
}

func (m *memdbSys) insert(o Order) error {
	txn := m.db.Txn(true)
	if err := m.insertTxn(txn, o); err != nil {
		txn.Abort()
		return err
	}
	txn.Commit()
	return nil
}

func (m *memdbSys) insertBatch(os []Order) error {
	txn := m.db.Txn(true)
	for _, o := range os {
		if err := m.insertTxn(txn, o); err != nil {
			txn.Abort()
			return err
		}
	}
	txn.Commit()
	return nil
}

func (m *memdbSys) insertTxn(txn *memdb.Txn, o Order) error {
	c, err := txn.First("customer", "id", o.CustomerID)
	if err != nil {
		return err
	}
	if c == nil {
		return errFK
	}
	p := new(Order)
	*p = o
	return txn.Insert("order", p)
}

func (m *memdbSys) get(id int64) (Order, error) {
	raw, err := m.db.Txn(false).First("order", "id", id)
	if err != nil {
		return Order{}, err
	}
	if raw == nil {
		return Order{}, errNotFound
	}
	return *raw.(*Order), nil
}

func (m *memdbSys) owner(o *Order) (Customer, error) {
	raw, err := m.db.Txn(false).First("customer", "id", o.CustomerID)
	if err != nil {
		return Customer{}, err
	}
	if raw == nil {
		return Customer{}, errNotFound
	}
	return *raw.(*Customer), nil
}

func (m *memdbSys) ownerByID(id int64) (Customer, error) {
	txn := m.db.Txn(false)
	raw, err := txn.First("order", "id", id)
	if err != nil || raw == nil {
		return Customer{}, errors.Join(errNotFound, err)
	}
	raw, err = txn.First("customer", "id", raw.(*Order).CustomerID)
	if err != nil || raw == nil {
		return Customer{}, errors.Join(errNotFound, err)
	}
	return *raw.(*Customer), nil
}

func (m *memdbSys) children(id int64, out []Order) ([]Order, error) {
	it, err := m.db.Txn(false).Get("order", "customer_id", id)
	if err != nil {
		return out, err
	}
	for raw := it.Next(); raw != nil; raw = it.Next() {
		out = append(out, *raw.(*Order))
	}
	return out, nil
}

// include returns the owners of os, aligned with them, from one snapshot.
func (m *memdbSys) include(os []Order) ([]*Customer, error) {
	txn := m.db.Txn(false)
	out := make([]*Customer, len(os))
	for i := range os {
		raw, err := txn.First("customer", "id", os[i].CustomerID)
		if err != nil || raw == nil {
			return nil, errors.Join(errNotFound, err)
		}
		out[i] = raw.(*Customer) // shared, read-only (relstore's Include shares owners too)
	}
	return out, nil
}

// deleteCustomer deletes customer id unless an order references it
// (restrict).
func (m *memdbSys) deleteCustomer(id int64) error {
	txn := m.db.Txn(true)
	defer txn.Abort()
	c, err := txn.First("customer", "id", id)
	if err != nil {
		return err
	}
	if c == nil {
		return errNotFound
	}
	child, err := txn.First("order", "customer_id", id)
	if err != nil {
		return err
	}
	if child != nil {
		return errFK
	}
	if err := txn.Delete("customer", c); err != nil {
		return err
	}
	txn.Commit()
	return nil
}
