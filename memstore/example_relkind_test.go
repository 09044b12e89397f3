package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/relstore/relstore/memstore"
)

// Relations of every kind, declared on the models that own them, with
// LoopBack 3's default names.
func ExampleModelOf_relationKinds() {
	type (
		Customer struct {
			ID   int64 `relstore:"pk,auto"`
			Name string
			_    struct{} `relstore:"hasMany=Order"`  // orders
			_    struct{} `relstore:"hasOne=Address"` // address
			_    struct{} `relstore:"hasMany=Product,through=Order,keyThrough=ProductID,as=bought"`
		}
		Address struct {
			ID         int64 `relstore:"pk,auto"`
			CustomerID int64 `relstore:"belongsTo=Customer,unique,onDelete=cascade"`
		}
		Product struct {
			ID int64 `relstore:"pk,auto"`
		}
		Order struct {
			ID         int64 `relstore:"pk,auto"`
			CustomerID int64 `relstore:"belongsTo=Customer,onDelete=cascade"`
			ProductID  int64 `relstore:"belongsTo=Product"`
		}
	)
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[Customer](), memstore.ModelOf[Address](), memstore.ModelOf[Product](), memstore.ModelOf[Order](),
	}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	for _, r := range s.Models()[0].Relations {
		fmt.Printf("%s %s %s: %s.%s", r.Kind, r.Name, r.Target, r.Target, r.FK)
		if r.Through != "" {
			fmt.Printf(" (%s.%s, %s.%s)", r.Through, r.FK, r.Through, r.KeyThrough)
		}
		fmt.Println()
	}
	_, err = s.Relation("Customer", "order")
	fmt.Println(err)
	// Output:
	// hasMany orders Order: Order.CustomerID
	// hasOne address Address: Address.CustomerID
	// hasManyThrough bought Product: Product.CustomerID (Order.CustomerID, Order.ProductID)
	// memstore: invalid argument: relation "order": model Customer has no such relation (its relations: orders, address, bought)
}

// A polymorphic belongsTo: the discriminator names the model the key
// references, and integrity holds per named model.
func ExampleModelOf_polymorphic() {
	type (
		Customer struct{ ID int64 }
		Product  struct{ ID int64 }
		Picture  struct {
			ID            int64
			ImageableID   *int64 `relstore:"polymorphic=Customer|Product,onDelete=cascade"` // "imageable"
			ImageableType string
		}
	)
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[Customer](), memstore.ModelOf[Product](), memstore.ModelOf[Picture](),
	}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	one := int64(1)
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		for _, v := range []any{Customer{ID: 1}, Product{ID: 1},
			Picture{ID: 1, ImageableID: &one, ImageableType: "Customer"},
			Picture{ID: 2, ImageableID: &one, ImageableType: "Product"}} {
			if err := tx.Insert(v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		return tx.Insert(Picture{ID: 3, ImageableID: &one, ImageableType: "Order"})
	})
	fmt.Println(errors.Is(err, memstore.ErrForeignKey), err)
	// Deleting customer 1 deletes its picture, not product 1's.
	err = s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(Customer{ID: 1}) })
	fmt.Println(err)
	s.View(ctx, func(tx *memstore.Tx) error {
		pics, _ := tx.Rows("Picture")
		fmt.Println(len(pics), pics[0].(Picture).ImageableType)
		return nil
	})
	// Output:
	// true memstore: insert Picture 3: ImageableID 1 references a "Order", not a model of relation imageable (Customer, Product)
	// <nil>
	// 1 Product
}

func ExamplePlural() {
	for _, name := range []string{"Order", "Category", "Address", "Person", "Sheep"} {
		fmt.Print(memstore.Plural(name), " ")
	}
	fmt.Println()
	// Output:
	// Orders Categories Addresses People Sheep
}

// Tx.Related reads the related rows of many rows by model and relation
// name, each distinct key once: what an include by name is built on.
func ExampleTx_Related() {
	type (
		Author struct {
			ID   int64
			Name string
			_    struct{} `relstore:"hasMany=Book"` // books
		}
		Book struct {
			ID       int64
			AuthorID int64 `relstore:"belongsTo=Author"`
			Title    string
		}
	)
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Author](), memstore.ModelOf[Book]()}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		for _, v := range []any{Author{ID: 1, Name: "Le Guin"}, Author{ID: 2, Name: "Lem"},
			Book{ID: 1, AuthorID: 1, Title: "The Dispossessed"}, Book{ID: 2, AuthorID: 2, Title: "Solaris"},
			Book{ID: 3, AuthorID: 1, Title: "The Lathe of Heaven"}} {
			if err := tx.Insert(v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	s.View(ctx, func(tx *memstore.Tx) error {
		books, err := tx.Related("Author", "books", []Author{{ID: 1}, {ID: 2}, {ID: 1}})
		if err != nil {
			return err
		}
		fmt.Println(len(books.Rows[0]), len(books.Rows[1]), len(books.Rows[2]), "lookups:", books.Lookups)
		authors, err := tx.Related("Book", "author", []any{Book{ID: 2, AuthorID: 2}, Book{ID: 3, AuthorID: 1}})
		if err != nil {
			return err
		}
		fmt.Println(authors.Rows[0][0].(Author).Name, authors.Rows[1][0].(Author).Name)
		return nil
	})
	// Output:
	// 2 1 2 lookups: 2
	// Lem Le Guin
}

// A code-declared relation to a field the struct lacks asks for a shadow
// column explicitly; without Shadow the name is taken for a misspelling.
func ExampleRelation_shadow() {
	type (
		Team   struct{ ID int64 }
		Ticket struct {
			ID    int64
			Title string
		}
	)
	ticket := memstore.ModelOf[Ticket]()
	ticket.Relations = []memstore.Relation{{Target: "Team", FK: "TeamId"}}
	_, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Team](), ticket}})
	fmt.Println(err)
	ticket.Relations[0].Shadow = true
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Team](), ticket}})
	fmt.Println(err)
	s.Close()
	// Output:
	// memstore: schema: Ticket.TeamId: relation "team": Ticket has no field TeamId (misspelt? set Relation.Shadow to keep the foreign key in a hidden column)
	// <nil>
}
