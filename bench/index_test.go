package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/relstore/relstore/memstore"
)

// IndexedOrder is Order with the fields BenchmarkInsertIndexes indexes.
type IndexedOrder struct {
	ID         int64
	CustomerID int64 `relstore:"belongsTo=Customer"`
	Quantity   int
	Note       string
	Status     string
	CreatedAt  time.Time
}

// insertIndexes are the secondary indexes of BenchmarkInsertIndexes, added
// one by one: a string, a compound (string, time), an int.
var insertIndexes = []memstore.Index{
	{Name: "status", Fields: []string{"Status"}},
	{Name: "status_created", Fields: []string{"Status", "CreatedAt"}},
	{Name: "quantity", Fields: []string{"Quantity"}},
}

// BenchmarkInsertIndexes inserts one IndexedOrder per transaction, as
// BenchmarkInsert does (foreign key checked, 10,000 customers, reset after
// 100,000 orders), into the same model with 0, 1, 2 and 3 of insertIndexes:
// the ratio of k indexes to k-1 is the cost of the k-th. No owner cache.
func BenchmarkInsertIndexes(b *testing.B) {
	w := newWorkload()
	statuses := []string{"draft", "review", "published", "archived"}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	orders := make([]IndexedOrder, len(w.orders))
	for i, o := range w.orders {
		orders[i] = IndexedOrder{ID: o.ID, CustomerID: o.CustomerID, Quantity: o.Quantity, Note: o.Note,
			Status: statuses[i%len(statuses)], CreatedAt: start.Add(time.Duration(i%525_600) * time.Minute)}
	}
	ctx := context.Background()
	for n := 0; n <= len(insertIndexes); n++ {
		name := "relstore"
		if n > 0 {
			name = fmt.Sprintf("relstore-%dindexes", n)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			m := memstore.ModelOf[IndexedOrder]()
			m.Indexes = insertIndexes[:n]
			s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Customer](), m}})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			customers, err := memstore.TableOf[Customer, int64](s)
			if err != nil {
				b.Fatal(err)
			}
			table, err := memstore.TableOf[IndexedOrder, int64](s)
			if err != nil {
				b.Fatal(err)
			}
			err = s.Update(ctx, func(tx *memstore.Tx) error {
				for _, c := range w.customers {
					if _, err := customers.Insert(tx, c); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			base, err := s.Snapshot()
			if err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				if i == nOrders {
					b.StopTimer()
					if err := s.Restore(ctx, base); err != nil {
						b.Fatal(err)
					}
					i = 0
					b.StartTimer()
				}
				if err := insertIndexed(ctx, s, table, orders[i]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// insertIndexed is BenchmarkInsertIndexes's operation, a function of its
// own so that a profile can be limited to it.
//
//go:noinline
func insertIndexed(ctx context.Context, s *memstore.Store, t *memstore.Table[IndexedOrder, int64], o IndexedOrder) error {
	return s.Update(ctx, func(tx *memstore.Tx) error {
		_, err := t.Insert(tx, o)
		return err
	})
}
