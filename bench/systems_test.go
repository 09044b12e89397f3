package bench

import (
	"context"
	"errors"
	"testing"

	"github.com/relstore/relstore/memstore"
)

// TestSystems checks that every system holds the same data and enforces the
// same rules before the benchmarks compare their speed: the owner and the
// children of sampled rows agree with the workload, a dangling foreign key
// and a restricted delete are refused.
func TestSystems(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 110,000 rows into every system")
	}
	w := newWorkload()
	ctx := context.Background()
	r := loadRelstore(t, w, withCache, true)
	m := loadMemdb(t, w, true)
	s := loadSQLite(t, w, true)
	mp := loadMap(t, w, true)
	dangling := Order{ID: nOrders + 1, CustomerID: nCustomers + 1, Note: "dangling"}

	t.Run("dangling foreign key refused", func(t *testing.T) {
		if err := r.insert(ctx, dangling); !errors.Is(err, memstore.ErrForeignKey) {
			t.Errorf("relstore: insert = %v, want ErrForeignKey", err)
		}
		if err := m.insert(dangling); err != errFK {
			t.Errorf("memdb: insert = %v, want errFK", err)
		}
		if err := s.insert(ctx, dangling); err == nil {
			t.Errorf("sqlite: insert = nil, want a FOREIGN KEY error")
		}
		if err := mp.insert(dangling); err != errFK {
			t.Errorf("map: insert = %v, want errFK", err)
		}
	})
	t.Run("restricted delete refused", func(t *testing.T) {
		id := w.customerSeq[0]
		if err := r.deleteCustomer(ctx, id); !errors.Is(err, memstore.ErrForeignKey) {
			t.Errorf("relstore: delete = %v, want ErrForeignKey", err)
		}
		if err := m.deleteCustomer(id); err != errFK {
			t.Errorf("memdb: delete = %v, want errFK", err)
		}
		if err := s.deleteCustomer(ctx, id); err == nil {
			t.Errorf("sqlite: delete = nil, want a FOREIGN KEY error")
		}
		if err := mp.deleteCustomer(id); err != errFK {
			t.Errorf("map: delete = %v, want errFK", err)
		}
	})
	t.Run("same owners and children", func(t *testing.T) {
		for i := range 200 {
			o := w.order(i)
			want := w.customers[o.CustomerID-1]
			got := map[string]Customer{}
			got["relstore"], _, _ = r.customer.ByKey(ctx, o.ID)
			got["memdb"], _ = m.ownerByID(o.ID)
			got["sqlite"], _ = s.ownerByIDQuery(ctx, o.ID)
			got["map"], _ = mp.ownerByID(o.ID)
			for sys, c := range got {
				if c != want {
					t.Fatalf("%s: owner of order %d = %+v, want %+v", sys, o.ID, c, want)
				}
			}
			c := w.customer(i)
			rs, _ := r.ordersOf.List(ctx, c)
			ms, _ := m.children(c.ID, nil)
			ss, _ := s.childrenOf(ctx, c.ID, nil)
			ps := mp.children(c.ID, nil)
			for sys, os := range map[string][]Order{"relstore": rs, "memdb": ms, "sqlite": ss, "map": ps} {
				if len(os) != w.children[c.ID] || os[0].CustomerID != c.ID {
					t.Fatalf("%s: %d children of customer %d, want %d", sys, len(os), c.ID, w.children[c.ID])
				}
			}
		}
	})
}

// TestWorkload pins the workload's shape.
func TestWorkload(t *testing.T) {
	w := newWorkload()
	if n := len(w.orders[0].Note); n != 17 {
		t.Errorf("len(Note) = %d, want 17", n)
	}
	zero := 0
	for _, n := range w.children[1:] {
		if n == 0 {
			zero++
		}
	}
	t.Logf("customers without orders: %d", zero)
	if w2 := newWorkload(); w2.orders[nOrders-1] != w.orders[nOrders-1] || w2.orderSeq[seqMask] != w.orderSeq[seqMask] {
		t.Error("workload is not deterministic")
	}
}
