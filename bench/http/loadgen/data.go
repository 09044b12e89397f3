package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"time"
)

// The models of bench/http/models, as json-server's db.json holds them.
type customer struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

type order struct {
	ID         int64   `json:"id"`
	CustomerID int64   `json:"customerId"`
	Status     string  `json:"status"`
	Total      float64 `json:"total"`
	Note       string  `json:"note"`
	PlacedAt   string  `json:"placedAt"`
}

type item struct {
	ID       int64   `json:"id"`
	OrderID  int64   `json:"orderId"`
	SKU      string  `json:"sku"`
	Quantity int     `json:"quantity"`
	Price    float64 `json:"price"`
}

type db struct {
	Customers []customer `json:"customers"`
	Orders    []order    `json:"orders"`
	Items     []item     `json:"items"`
}

// statuses and their weights in the data (out of 100). The list case asks
// for the three middle ones.
var (
	statuses = []string{"new", "paid", "shipped", "delivered", "cancelled"}
	weights  = []int{10, 30, 30, 25, 5}
)

// generate makes the data from seed: ids 1..n in each collection, every
// order's customer and every item's order uniform at random.
func generate(customers, orders, items int, seed uint64) db {
	rng := rand.New(rand.NewPCG(seed, 0))
	var d db
	for i := 1; i <= customers; i++ {
		d.Customers = append(d.Customers, customer{ID: int64(i), Name: fmt.Sprintf("Customer %d", i),
			Email: fmt.Sprintf("customer%d@example.com", i)})
	}
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= orders; i++ {
		w, s := rng.IntN(100), 0
		for w >= weights[s] {
			w -= weights[s]
			s++
		}
		d.Orders = append(d.Orders, order{ID: int64(i), CustomerID: 1 + rng.Int64N(int64(customers)),
			Status: statuses[s], Total: float64(rng.IntN(50000)) / 100, Note: fmt.Sprintf("order %d", i),
			PlacedAt: t0.Add(time.Duration(i) * 17 * time.Minute).Format("2006-01-02T15:04:05.000Z")})
	}
	for i := 1; i <= items; i++ {
		d.Items = append(d.Items, item{ID: int64(i), OrderID: 1 + rng.Int64N(int64(orders)),
			SKU: fmt.Sprintf("SKU-%05d", rng.IntN(5000)), Quantity: 1 + rng.IntN(5),
			Price: float64(100+rng.IntN(9900)) / 100})
	}
	return d
}

func genMain(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	out := fs.String("out", "", "write the data to this `FILE` (json-server's db.json)")
	customers := fs.Int("customers", 1000, "customers")
	orders := fs.Int("orders", 10000, "orders (each of a random customer)")
	items := fs.Int("items", 30000, "items (each of a random order)")
	seed := fs.Uint64("seed", 1, "the random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || *customers < 1 || *orders < 1 || *items < 0 {
		return fmt.Errorf("gen: -out is required, and -customers and -orders must be positive")
	}
	b, err := json.Marshal(generate(*customers, *orders, *items, *seed))
	if err != nil {
		return err
	}
	return os.WriteFile(*out, b, 0o644)
}

func readDB(path string) (db, error) {
	var d db
	b, err := os.ReadFile(path)
	if err != nil {
		return d, err
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return d, fmt.Errorf("%s: %w", path, err)
	}
	for i, o := range d.Orders {
		if o.ID != int64(i+1) {
			return d, fmt.Errorf("%s: order %d has id %d: ids must be 1..n in order", path, i+1, o.ID)
		}
	}
	return d, nil
}
