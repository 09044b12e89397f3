// Command quickstart is relstore's first tour: it opens a store with three
// related models, writes rows, shows the integrity errors a database would
// raise, and reads them back.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/relstore/relstore/memstore"
)

// Customer has many orders; deleting one deletes its orders.
type Customer struct {
	ID    int64  `relstore:"pk,auto"`
	Email string `relstore:"unique"`
	Name  string
}

// Order belongs to a Customer through CustomerID.
type Order struct {
	ID         int64 `relstore:"pk,auto"`
	CustomerID int64 `relstore:"belongsTo=Customer,onDelete=cascade"`
	Item       string
}

// Category is a tree: ParentID points at another Category; a category that
// still has children cannot be deleted (restrict, the default).
type Category struct {
	ID       string
	ParentID *string `relstore:"belongsTo=Category,as=parent"`
}

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	store, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[Customer](),
		memstore.ModelOf[Order](),
		memstore.ModelOf[Category](),
	}})
	if err != nil {
		return err
	}
	defer store.Close()
	customers, err := memstore.TableOf[Customer, int64](store)
	if err != nil {
		return err
	}
	orders, err := memstore.TableOf[Order, int64](store)
	if err != nil {
		return err
	}
	categories, err := memstore.TableOf[Category, string](store)
	if err != nil {
		return err
	}

	// 1. Insert related rows in one transaction.
	var ann int64
	err = store.Update(ctx, func(tx *memstore.Tx) error {
		if ann, err = customers.Insert(tx, Customer{Email: "ann@example.com", Name: "Ann"}); err != nil {
			return err
		}
		for _, item := range []string{"tea", "scones"} {
			if _, err := orders.Insert(tx, Order{CustomerID: ann, Item: item}); err != nil {
				return err
			}
		}
		root := "books"
		if _, err := categories.Insert(tx, Category{ID: root}); err != nil {
			return err
		}
		_, err := categories.Insert(tx, Category{ID: "poetry", ParentID: &root})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Println("inserted customer", ann, "with 2 orders, and categories books > poetry")

	// 2. An order for a customer that does not exist is refused.
	err = store.Update(ctx, func(tx *memstore.Tx) error {
		_, err := orders.Insert(tx, Order{CustomerID: 42, Item: "ghost"})
		return err
	})
	var fk *memstore.ForeignKeyError
	if errors.As(err, &fk) {
		fmt.Printf("refused insert: %v (field %s, target %s)\n", err, fk.Field, fk.Target)
	}

	// 3. A category with children cannot be deleted (restrict).
	err = store.Update(ctx, func(tx *memstore.Tx) error { return categories.Delete(tx, "books") })
	fmt.Println("refused delete:", err, "| is ErrForeignKey:", errors.Is(err, memstore.ErrForeignKey))

	// 4. Deleting the customer cascades to the orders.
	err = store.Update(ctx, func(tx *memstore.Tx) error { return customers.Delete(tx, ann) })
	if err != nil {
		return err
	}

	// 5. Read a consistent snapshot.
	return store.View(ctx, func(tx *memstore.Tx) error {
		n, err := orders.Count(tx)
		if err != nil {
			return err
		}
		fmt.Println("orders left after deleting customer", ann, "(cascade):", n)
		rows, err := categories.Scan(tx)
		if err != nil {
			return err
		}
		for id, c := range rows {
			parent := "-"
			if c.ParentID != nil {
				parent = *c.ParentID
			}
			fmt.Printf("category %s (parent %s)\n", id, parent)
		}
		return nil
	})
}
