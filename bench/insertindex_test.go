package bench

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// sqliteIndexes are insertIndexes as SQLite indexes, in the same order.
var sqliteIndexes = []string{
	"CREATE INDEX indexed_orders_status ON indexed_orders(status)",
	"CREATE INDEX indexed_orders_status_created_at ON indexed_orders(status, created_at)",
	"CREATE INDEX indexed_orders_quantity ON indexed_orders(quantity)",
}

// BenchmarkInsertIndexesSQLite is BenchmarkInsertIndexes on SQLite: the
// same IndexedOrder rows, one autocommit INSERT each (foreign key checked),
// into a table with 0, 1, 2 and 3 of the same indexes (CreatedAt as
// INTEGER nanoseconds), reset after 100,000 rows. The ratio of k indexes to
// k-1 is the k-th index's cost on SQLite, to set beside relstore's.
func BenchmarkInsertIndexesSQLite(b *testing.B) {
	w := newWorkload()
	orders := indexedOrders(w)
	ctx := context.Background()
	for n := 0; n <= len(sqliteIndexes); n++ {
		name := "sqlite"
		if n > 0 {
			name = fmt.Sprintf("sqlite-%dindexes", n)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			s := loadSQLite(b, w, false)
			_, err := s.db.Exec(`CREATE TABLE indexed_orders (
				id          INTEGER PRIMARY KEY,
				customer_id INTEGER NOT NULL REFERENCES customers(id),
				quantity    INTEGER NOT NULL,
				note        TEXT NOT NULL,
				status      TEXT NOT NULL,
				created_at  INTEGER NOT NULL)`)
			if err != nil {
				b.Fatal(err)
			}
			for _, ix := range sqliteIndexes[:n] {
				if _, err := s.db.Exec(ix); err != nil {
					b.Fatal(err)
				}
			}
			ins, err := s.db.Prepare("INSERT INTO indexed_orders (id, customer_id, quantity, note, status, created_at) VALUES (?, ?, ?, ?, ?, ?)")
			if err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				if i == nOrders {
					b.StopTimer()
					if _, err := s.db.Exec("DELETE FROM indexed_orders"); err != nil {
						b.Fatal(err)
					}
					i = 0
					b.StartTimer()
				}
				o := orders[i]
				if _, err := ins.ExecContext(ctx, o.ID, o.CustomerID, o.Quantity, o.Note, o.Status, o.CreatedAt.UnixNano()); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// indexedOrders are BenchmarkInsertIndexes's rows: the workload's orders
// with a Status among 4 and a CreatedAt a minute apart.
func indexedOrders(w *workload) []IndexedOrder {
	statuses := []string{"draft", "review", "published", "archived"}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	orders := make([]IndexedOrder, len(w.orders))
	for i, o := range w.orders {
		orders[i] = IndexedOrder{ID: o.ID, CustomerID: o.CustomerID, Quantity: o.Quantity, Note: o.Note,
			Status: statuses[i%len(statuses)], CreatedAt: start.Add(time.Duration(i%525_600) * time.Minute)}
	}
	return orders
}
