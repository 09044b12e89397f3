package bench

import (
	"sync"
	"testing"
)

// mapSys is the floor: Go maps under one sync.RWMutex, with a hand-kept
// children index for the foreign key. No snapshots, no rollback.
type mapSys struct {
	mu         sync.RWMutex // protects the maps
	customers  map[int64]Customer
	orders     map[int64]Order
	byCustomer map[int64][]int64 // customer id -> its order ids
}

func loadMap(tb testing.TB, w *workload, orders bool) *mapSys {
	tb.Helper()
	m := &mapSys{
		customers:  make(map[int64]Customer, len(w.customers)),
		orders:     make(map[int64]Order),
		byCustomer: make(map[int64][]int64),
	}
	for _, c := range w.customers {
		m.customers[c.ID] = c
	}
	if orders {
		for lo := 0; lo < len(w.orders); lo += batchRows {
			if err := m.insertBatch(w.orders[lo : lo+batchRows]); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return m
}

func (m *mapSys) insert(o Order) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.insertLocked(o)
}

// insertBatch checks every row before writing any, so a failed batch writes
// nothing (what the transactional systems guarantee).
func (m *mapSys) insertBatch(os []Order) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, o := range os {
		if _, ok := m.customers[o.CustomerID]; !ok {
			return errFK
		}
	}
	for _, o := range os {
		if err := m.insertLocked(o); err != nil {
			return err
		}
	}
	return nil
}

func (m *mapSys) insertLocked(o Order) error {
	if _, ok := m.customers[o.CustomerID]; !ok {
		return errFK
	}
	m.orders[o.ID] = o
	m.byCustomer[o.CustomerID] = append(m.byCustomer[o.CustomerID], o.ID)
	return nil
}

func (m *mapSys) get(id int64) (Order, error) {
	m.mu.RLock()
	o, ok := m.orders[id]
	m.mu.RUnlock()
	if !ok {
		return o, errNotFound
	}
	return o, nil
}

func (m *mapSys) owner(o *Order) (Customer, error) {
	m.mu.RLock()
	c, ok := m.customers[o.CustomerID]
	m.mu.RUnlock()
	if !ok {
		return c, errNotFound
	}
	return c, nil
}

func (m *mapSys) ownerByID(id int64) (Customer, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	o, ok := m.orders[id]
	if !ok {
		return Customer{}, errNotFound
	}
	c, ok := m.customers[o.CustomerID]
	if !ok {
		return c, errNotFound
	}
	return c, nil
}

func (m *mapSys) children(id int64, out []Order) []Order {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, oid := range m.byCustomer[id] {
		out = append(out, m.orders[oid])
	}
	return out
}

func (m *mapSys) include(os []Order) ([]*Customer, error) {
	out := make([]*Customer, len(os))
	owners := make([]Customer, len(os))
	m.mu.RLock()
	defer m.mu.RUnlock()
	for i := range os {
		c, ok := m.customers[os[i].CustomerID]
		if !ok {
			return nil, errNotFound
		}
		owners[i] = c
		out[i] = &owners[i]
	}
	return out, nil
}

func (m *mapSys) deleteCustomer(id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.customers[id]; !ok {
		return errNotFound
	}
	if len(m.byCustomer[id]) > 0 {
		return errFK
	}
	delete(m.customers, id)
	return nil
}
