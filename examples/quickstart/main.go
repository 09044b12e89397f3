// Command quickstart is relstore's first tour: it opens a store with three
// related models, writes rows, shows the integrity errors a database would
// raise, reads them back, and walks the relations with LoopBack-style
// accessors backed by the owner cache.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
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
	owners, err := cache.New(cache.Config{MaxCost: 8 << 20}) // 8 MiB of resolved owners
	if err != nil {
		return err
	}
	defer owners.Close()
	store, err := memstore.New(memstore.Config{
		Cache: owners,
		Models: []memstore.Model{
			memstore.ModelOf[Customer](),
			memstore.ModelOf[Order](),
			memstore.ModelOf[Category](),
		},
	})
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

	// 2. Relations: an order's customer (belongsTo), a customer's orders
	// (hasMany), a category's ancestors (a recursive relation).
	if err := tour(ctx, store, owners, ann); err != nil {
		return err
	}

	// 3. An order for a customer that does not exist is refused.
	err = store.Update(ctx, func(tx *memstore.Tx) error {
		_, err := orders.Insert(tx, Order{CustomerID: 42, Item: "ghost"})
		return err
	})
	var fk *memstore.ForeignKeyError
	if errors.As(err, &fk) {
		fmt.Printf("refused insert: %v (field %s, target %s)\n", err, fk.Field, fk.Target)
	}

	// 4. A category with children cannot be deleted (restrict).
	err = store.Update(ctx, func(tx *memstore.Tx) error { return categories.Delete(tx, "books") })
	fmt.Println("refused delete:", err, "| is ErrForeignKey:", errors.Is(err, memstore.ErrForeignKey))

	// 5. Deleting the customer cascades to the orders.
	err = store.Update(ctx, func(tx *memstore.Tx) error { return customers.Delete(tx, ann) })
	if err != nil {
		return err
	}

	// 6. Read a consistent snapshot.
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

// tour shows the relation accessors.
func tour(ctx context.Context, store *memstore.Store, owners *cache.Cache, ann int64) error {
	customer, err := relations.NewBelongsTo[Order, Customer](store, "customer")
	if err != nil {
		return err
	}
	orders, err := relations.NewHasMany[Customer, Order](store, "customer")
	if err != nil {
		return err
	}
	tree, err := relations.NewTree[Category](store, "parent")
	if err != nil {
		return err
	}

	list, err := orders.List(ctx, Customer{ID: ann})
	if err != nil {
		return err
	}
	first := list[0]
	fmt.Printf("customer %d has %d orders\n", ann, len(list))

	_, st := customer.Cached(first) // LoopBack 3: order.customer()
	fmt.Println("cached owner before any fetch:", st)
	c, _, err := customer.Fetch(ctx, first).Wait(ctx) // order.customer(cb)
	if err != nil {
		return err
	}
	fmt.Println("fetched owner of order", first.ID, "->", c.Name)
	c, st = customer.Cached(first)
	fmt.Println("cached owner after the fetch:", c.Name, "("+st.String()+")")

	// An update of the owner invalidates the cached entry at once.
	err = store.Update(ctx, func(tx *memstore.Tx) error {
		return tx.Update(Customer{ID: ann, Email: "ann@example.com", Name: "Ann Smith"})
	})
	if err != nil {
		return err
	}
	_, st = customer.Cached(first)
	fmt.Println("cached owner after the customer changed:", st)
	c, _, err = customer.Get(ctx, first)
	if err != nil {
		return err
	}
	fmt.Println("Get reads the store again:", c.Name)

	ancestors, err := tree.Ancestors(ctx, Category{ID: "poetry", ParentID: ptr("books")})
	if err != nil {
		return err
	}
	fmt.Println("ancestors of poetry:", len(ancestors), "->", ancestors[0].ID)
	return nil
}

func ptr[T any](v T) *T { return &v }
