package orders_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/relstore/relstore/examples/orders"
	"github.com/relstore/relstore/memstore"
)

func ExampleNewRelstore() {
	ctx := context.Background()
	store, err := memstore.New(memstore.Config{Models: orders.Models()})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	repo, err := orders.NewRelstore(store)
	if err != nil {
		fmt.Println(err)
		return
	}
	ann, _ := repo.AddCustomer(ctx, orders.Customer{Email: "ann@example.com", Name: "Ann"})
	_, err = repo.AddCustomer(ctx, orders.Customer{Email: "ann@example.com", Name: "Ann again"})
	fmt.Println(errors.Is(err, orders.ErrEmailTaken))
	_, err = repo.PlaceOrders(ctx, orders.Order{CustomerID: ann.ID + 1, Item: "tea", PlacedAt: time.Now()})
	fmt.Println(errors.Is(err, orders.ErrUnknownCustomer))
	repo.PlaceOrders(ctx, orders.Order{CustomerID: ann.ID, Item: "tea", PlacedAt: time.Now()})
	fmt.Println(errors.Is(repo.DeleteCustomer(ctx, ann.ID), orders.ErrHasOrders))
	// Output:
	// true
	// true
	// true
}

// The same repository on PostgreSQL: a pool on a database that has
// orders.Schema. (Not run: it needs a server.)
func ExampleNewPostgres() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, orders.Schema); err != nil { // or your migration tool
		fmt.Println(err)
		return
	}
	repo := orders.NewPostgres(pool)
	ann, err := repo.AddCustomer(ctx, orders.Customer{Email: "ann@example.com", Name: "Ann"})
	fmt.Println(ann.ID, err)
}
