package memstore_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/relstore/relstore/memstore"
)

// The examples use the models of models_test.go: Customer (auto key, unique
// Email), Order (belongs to Customer, cascade), Category (a tree, setNull)
// and Product (belongs to Category, restrict).

// check stops an example on an unexpected error.
func check(err error) {
	if err != nil {
		panic(err)
	}
}

// openShop opens a store of the shared models with customer 1 (Ann) and her
// orders 1 and 2.
func openShop() (*memstore.Store, *memstore.Table[Customer, int64], *memstore.Table[Order, int64]) {
	s, err := memstore.New(memstore.Config{Models: testModels()})
	check(err)
	customers, err := memstore.TableOf[Customer, int64](s)
	check(err)
	orders, err := memstore.TableOf[Order, int64](s)
	check(err)
	check(s.Update(context.Background(), func(tx *memstore.Tx) error {
		ann, err := customers.Insert(tx, Customer{Email: "ann@example.com", Name: "Ann"})
		if err != nil {
			return err
		}
		for _, note := range []string{"tea", "scones"} {
			if _, err := orders.Insert(tx, Order{CustomerID: ann, Note: note}); err != nil {
				return err
			}
		}
		return nil
	}))
	return s, customers, orders
}

func ExampleNew() {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[Customer](),
		memstore.ModelOf[Order](),
	}})
	check(err)
	defer s.Close()

	// An invalid schema is refused with a *SchemaError naming model and field.
	_, err = memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Order]()}})
	fmt.Println(err)
	fmt.Println(errors.Is(err, memstore.ErrSchema))
	// Output:
	// memstore: schema: Order.CustomerID: relation references unknown model Customer
	// true
}

func ExampleStore_Update() {
	s, customers, _ := openShop()
	defer s.Close()
	ctx := context.Background()

	// fn's error rolls the whole transaction back.
	err := s.Update(ctx, func(tx *memstore.Tx) error {
		if _, err := customers.Insert(tx, Customer{Email: "bob@example.com"}); err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	fmt.Println(err)

	// The first failed write aborts the transaction; Update returns it.
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		customers.Insert(tx, Customer{Email: "ann@example.com"}) // duplicate Email
		_, err := customers.Insert(tx, Customer{Email: "cy@example.com"})
		fmt.Println(errors.Is(err, memstore.ErrTxAborted))
		return nil
	})
	fmt.Println(err)

	check(s.View(ctx, func(tx *memstore.Tx) error {
		n, err := customers.Count(tx)
		fmt.Println("customers:", n)
		return err
	}))
	// Output:
	// changed my mind
	// true
	// memstore: insert Customer: Email ann@example.com already exists
	// customers: 1
}

func ExampleStore_View() {
	s, customers, _ := openShop()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		ann, err := customers.Lookup(tx, "Email", "ann@example.com")
		if err != nil {
			return err
		}
		fmt.Println(ann.ID, ann.Name)
		_, err = customers.Insert(tx, Customer{Email: "bob@example.com"})
		fmt.Println(err)
		return nil
	})
	check(err)
	// Output:
	// 1 Ann
	// memstore: insert: write in a read-only transaction
}

func ExampleStore_Snapshot() {
	s, customers, orders := openShop()
	defer s.Close()
	ctx := context.Background()
	snap, err := s.Snapshot()
	check(err)

	check(s.Update(ctx, func(tx *memstore.Tx) error { return customers.Delete(tx, 1) }))
	count := func(label string) {
		check(s.View(ctx, func(tx *memstore.Tx) error {
			n, err := orders.Count(tx)
			fmt.Println(label, n)
			return err
		}))
	}
	count("orders after delete:")

	check(s.Restore(ctx, snap))
	count("orders after restore:")
	// Auto keys come back too: the next customer is 2 again.
	check(s.Update(ctx, func(tx *memstore.Tx) error {
		id, err := customers.Insert(tx, Customer{Email: "bob@example.com"})
		fmt.Println("next customer:", id)
		return err
	}))
	// Output:
	// orders after delete: 0
	// orders after restore: 2
	// next customer: 2
}

func ExampleTableOf() {
	s, err := memstore.New(memstore.Config{Models: testModels()})
	check(err)
	defer s.Close()
	categories, err := memstore.TableOf[Category, string](s)
	check(err)
	fmt.Println(categories.Name())

	// The key type must be the model's.
	_, err = memstore.TableOf[Category, int64](s)
	fmt.Println(errors.Is(err, memstore.ErrInvalid))
	// Output:
	// Category
	// true
}

func ExampleTable_Insert() {
	s, customers, orders := openShop()
	defer s.Close()
	check(s.Update(context.Background(), func(tx *memstore.Tx) error {
		bob, err := customers.Insert(tx, Customer{Email: "bob@example.com", Name: "Bob"})
		if err != nil {
			return err
		}
		fmt.Println("auto key:", bob)
		id, err := orders.Insert(tx, Order{ID: 10, CustomerID: bob})
		fmt.Println("explicit key:", id)
		return err
	}))
	// Output:
	// auto key: 2
	// explicit key: 10
}

func ExampleTable_Scan() {
	s, err := memstore.New(memstore.Config{Models: testModels()})
	check(err)
	defer s.Close()
	categories, err := memstore.TableOf[Category, string](s)
	check(err)
	ctx := context.Background()
	check(s.Update(ctx, func(tx *memstore.Tx) error {
		for _, id := range []string{"poetry", "art", "books"} {
			if _, err := categories.Insert(tx, Category{ID: id}); err != nil {
				return err
			}
		}
		return nil
	}))
	check(s.View(ctx, func(tx *memstore.Tx) error {
		rows, err := categories.Scan(tx)
		if err != nil {
			return err
		}
		for id := range rows {
			fmt.Println(id)
		}
		return nil
	}))
	// Output:
	// art
	// books
	// poetry
}

func ExampleTable_ByFK() {
	s, _, orders := openShop()
	defer s.Close()
	check(s.View(context.Background(), func(tx *memstore.Tx) error {
		rows, err := orders.ByFK(tx, "customer", int64(1))
		if err != nil {
			return err
		}
		for id, o := range rows {
			fmt.Println(id, o.Note)
		}
		return nil
	}))
	// Output:
	// 1 tea
	// 2 scones
}

func ExampleTx_Delete() {
	s, customers, orders := openShop()
	defer s.Close()
	ctx := context.Background()
	// Order's relation is onDelete=cascade: the orders go with the customer.
	check(s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(Customer{ID: 1}) }))
	check(s.View(ctx, func(tx *memstore.Tx) error {
		c, _ := customers.Count(tx)
		o, _ := orders.Count(tx)
		fmt.Println("customers:", c, "orders:", o)
		return nil
	}))
	// Output:
	// customers: 0 orders: 0
}

func ExampleForeignKeyError() {
	s, _, orders := openShop()
	defer s.Close()
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		_, err := orders.Insert(tx, Order{ID: 10, CustomerID: 2})
		return err
	})
	fmt.Println(err)
	var fk *memstore.ForeignKeyError
	if errors.As(err, &fk) {
		fmt.Println(fk.Model, fk.Field, fk.Value, fk.Target, fk.Relation)
	}
	fmt.Println(errors.Is(err, memstore.ErrForeignKey))
	// Output:
	// memstore: insert Order 10: CustomerID 2 references no Customer
	// Order CustomerID 2 Customer customer
	// true
}

func ExampleModelOf_relation() {
	// Note has no CustomerID field: the relation declared in code gets a
	// hidden, nullable shadow column (package relations reads and writes it).
	note := memstore.ModelOf[Note]()
	note.Relations = []memstore.Relation{{Target: "Customer", OnDelete: memstore.SetNull, Shadow: true}}
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Customer](), note}})
	check(err)
	defer s.Close()
	notes, err := memstore.TableOf[Note, int64](s)
	check(err)
	ctx := context.Background()
	check(s.Update(ctx, func(tx *memstore.Tx) error {
		_, err := notes.Insert(tx, Note{ID: 1, Text: "no owner yet"})
		return err
	}))
	check(s.View(ctx, func(tx *memstore.Tx) error {
		rows, err := notes.ByFK(tx, "customer", int64(1))
		if err != nil {
			return err
		}
		fmt.Println("notes of customer 1:", len(collectKeys(rows)))
		n, err := notes.Get(tx, 1)
		fmt.Println(n.Text)
		return err
	}))
	// Output:
	// notes of customer 1: 0
	// no owner yet
}

func ExampleRel_AppendFKs() {
	s, _, orders := openShop()
	defer s.Close()
	customer, err := memstore.RelationOf[Order, Customer](s, "customer")
	check(err)
	var rows []Order
	check(s.View(context.Background(), func(tx *memstore.Tx) error {
		all, err := orders.Scan(tx)
		if err != nil {
			return err
		}
		for _, o := range all {
			rows = append(rows, o)
		}
		return nil
	}))
	// One call encodes and hashes every order's foreign key.
	ends, hashes := make([]int32, len(rows)), make([]uint64, len(rows))
	arena, err := customer.AppendFKs(nil, rows, ends, hashes)
	check(err)
	start := int32(0)
	for i, end := range ends {
		k := arena[start:end]
		start = end
		fmt.Println(rows[i].Note, "->", customer.FormatKey(k), hashes[i] == s.KeyHash(customer.Space(), k))
	}
	// Output:
	// tea -> 1 true
	// scones -> 1 true
}
