package memstore_test

import (
	"context"
	"fmt"
	"log"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
)

// The two newest books of each author, read for many authors at once: a
// query of the related model, bound once, applied to each author's books
// (LoopBack's include scope), with Related's lookups.
func ExampleTx_RelatedScoped() {
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
			Year     int
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
			Book{ID: 1, AuthorID: 1, Title: "A Wizard of Earthsea", Year: 1968},
			Book{ID: 2, AuthorID: 1, Title: "The Dispossessed", Year: 1974},
			Book{ID: 3, AuthorID: 1, Title: "The Lathe of Heaven", Year: 1971},
			Book{ID: 4, AuthorID: 2, Title: "Solaris", Year: 1961},
			Book{ID: 5, AuthorID: 2, Title: "The Cyberiad", Year: 1965}} {
			if err := tx.Insert(v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	newest, err := s.Query("Book", filter.Filter{Where: filter.Gt("Year", 1962), Order: []filter.Order{filter.Desc("Year")}, Limit: 2})
	if err != nil {
		log.Fatal(err)
	}
	s.View(ctx, func(tx *memstore.Tx) error {
		books, err := tx.RelatedScoped("Author", "books", []Author{{ID: 1}, {ID: 2}}, newest)
		if err != nil {
			return err
		}
		for i, list := range books.Rows {
			fmt.Print("author ", i+1, ":")
			for _, b := range list {
				fmt.Printf(" %s (%d)", b.(Book).Title, b.(Book).Year)
			}
			fmt.Println()
		}
		fmt.Println("lookups:", books.Lookups)
		return nil
	})
	// Output:
	// author 1: The Dispossessed (1974) The Lathe of Heaven (1971)
	// author 2: The Cyberiad (1965)
	// lookups: 2
}
