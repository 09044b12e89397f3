package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/relstore/relstore/memstore"
)

// The models of these examples: a library's patrons (auto key, unique
// Email) and their loans (cascade), and shelves in a tree (setNull).

type Patron struct {
	ID    int64  `relstore:"pk,auto"`
	Email string `relstore:"unique"`
	Name  string
}

type Loan struct {
	ID       int64 `relstore:"pk,auto"`
	PatronID int64 `relstore:"belongsTo=Patron,onDelete=cascade"`
	Note     string
}

type Shelf struct {
	ID       string
	ParentID *string `relstore:"belongsTo=Shelf,as=parent,onDelete=setNull"`
}

// Memo has no field for its patron: see ExampleModelOf_relation.
type Memo struct {
	ID   int64
	Text string
}

// libraryModels are the models of these examples.
func libraryModels() []memstore.Model {
	return []memstore.Model{memstore.ModelOf[Patron](), memstore.ModelOf[Loan](), memstore.ModelOf[Shelf]()}
}

// openShop opens a store of the library models with patron 1 (Ann) and her
// loans 1 and 2.
func openShop() (*memstore.Store, *memstore.Table[Patron, int64], *memstore.Table[Loan, int64]) {
	s, err := memstore.New(memstore.Config{Models: libraryModels()})
	if err != nil {
		log.Fatal(err)
	}
	patrons, err := memstore.TableOf[Patron, int64](s)
	if err != nil {
		log.Fatal(err)
	}
	loans, err := memstore.TableOf[Loan, int64](s)
	if err != nil {
		log.Fatal(err)
	}
	if err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		ann, err := patrons.Insert(tx, Patron{Email: "ann@example.com", Name: "Ann"})
		if err != nil {
			return err
		}
		for _, note := range []string{"tea", "scones"} {
			if _, err := loans.Insert(tx, Loan{PatronID: ann, Note: note}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		log.Fatal(err)
	}
	return s, patrons, loans
}

func ExampleNew() {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[Patron](),
		memstore.ModelOf[Loan](),
	}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	// An invalid schema is refused with a *SchemaError naming model and field.
	_, err = memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Loan]()}})
	fmt.Println(err)
	fmt.Println(errors.Is(err, memstore.ErrSchema))
	// Output:
	// memstore: schema: Loan.PatronID: relation references unknown model Patron
	// true
}

func ExampleStore_Update() {
	s, patrons, _ := openShop()
	defer s.Close()
	ctx := context.Background()

	// fn's error rolls the whole transaction back.
	err := s.Update(ctx, func(tx *memstore.Tx) error {
		if _, err := patrons.Insert(tx, Patron{Email: "bob@example.com"}); err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	fmt.Println(err)

	// The first failed write aborts the transaction; Update returns it.
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		patrons.Insert(tx, Patron{Email: "ann@example.com"}) // duplicate Email
		_, err := patrons.Insert(tx, Patron{Email: "cy@example.com"})
		fmt.Println(errors.Is(err, memstore.ErrTxAborted))
		return nil
	})
	fmt.Println(err)

	if err := s.View(ctx, func(tx *memstore.Tx) error {
		n, err := patrons.Count(tx)
		fmt.Println("patrons:", n)
		return err
	}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// changed my mind
	// true
	// memstore: insert Patron: Email ann@example.com already exists
	// patrons: 1
}

func ExampleStore_View() {
	s, patrons, _ := openShop()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		ann, err := patrons.Lookup(tx, "Email", "ann@example.com")
		if err != nil {
			return err
		}
		fmt.Println(ann.ID, ann.Name)
		_, err = patrons.Insert(tx, Patron{Email: "bob@example.com"})
		fmt.Println(err)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 1 Ann
	// memstore: insert: write in a read-only transaction
}

func ExampleStore_Snapshot() {
	s, patrons, loans := openShop()
	defer s.Close()
	ctx := context.Background()
	snap, err := s.Snapshot()
	if err != nil {
		log.Fatal(err)
	}

	if err := s.Update(ctx, func(tx *memstore.Tx) error { return patrons.Delete(tx, 1) }); err != nil {
		log.Fatal(err)
	}
	count := func(label string) {
		if err := s.View(ctx, func(tx *memstore.Tx) error {
			n, err := loans.Count(tx)
			fmt.Println(label, n)
			return err
		}); err != nil {
			log.Fatal(err)
		}
	}
	count("loans after delete:")

	if err := s.Restore(ctx, snap); err != nil {
		log.Fatal(err)
	}
	count("loans after restore:")
	// Auto keys come back too: the next patron is 2 again.
	if err := s.Update(ctx, func(tx *memstore.Tx) error {
		id, err := patrons.Insert(tx, Patron{Email: "bob@example.com"})
		fmt.Println("next patron:", id)
		return err
	}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// loans after delete: 0
	// loans after restore: 2
	// next patron: 2
}

func ExampleTableOf() {
	s, err := memstore.New(memstore.Config{Models: libraryModels()})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	shelves, err := memstore.TableOf[Shelf, string](s)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(shelves.Name())

	// The key type must be the model's.
	_, err = memstore.TableOf[Shelf, int64](s)
	fmt.Println(errors.Is(err, memstore.ErrInvalid))
	// Output:
	// Shelf
	// true
}

func ExampleTable_Insert() {
	s, patrons, loans := openShop()
	defer s.Close()
	if err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		bob, err := patrons.Insert(tx, Patron{Email: "bob@example.com", Name: "Bob"})
		if err != nil {
			return err
		}
		fmt.Println("auto key:", bob)
		id, err := loans.Insert(tx, Loan{ID: 10, PatronID: bob})
		fmt.Println("explicit key:", id)
		return err
	}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// auto key: 2
	// explicit key: 10
}

func ExampleTable_Scan() {
	s, err := memstore.New(memstore.Config{Models: libraryModels()})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	shelves, err := memstore.TableOf[Shelf, string](s)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Update(ctx, func(tx *memstore.Tx) error {
		for _, id := range []string{"poetry", "art", "books"} {
			if _, err := shelves.Insert(tx, Shelf{ID: id}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		log.Fatal(err)
	}
	if err := s.View(ctx, func(tx *memstore.Tx) error {
		rows, err := shelves.Scan(tx)
		if err != nil {
			return err
		}
		for id := range rows {
			fmt.Println(id)
		}
		return nil
	}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// art
	// books
	// poetry
}

func ExampleTable_ByFK() {
	s, _, loans := openShop()
	defer s.Close()
	if err := s.View(context.Background(), func(tx *memstore.Tx) error {
		rows, err := loans.ByFK(tx, "patron", int64(1))
		if err != nil {
			return err
		}
		for id, o := range rows {
			fmt.Println(id, o.Note)
		}
		return nil
	}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// 1 tea
	// 2 scones
}

func ExampleTx_Delete() {
	s, patrons, loans := openShop()
	defer s.Close()
	ctx := context.Background()
	// Loan's relation is onDelete=cascade: the loans go with the patron.
	if err := s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(Patron{ID: 1}) }); err != nil {
		log.Fatal(err)
	}
	if err := s.View(ctx, func(tx *memstore.Tx) error {
		c, _ := patrons.Count(tx)
		o, _ := loans.Count(tx)
		fmt.Println("patrons:", c, "loans:", o)
		return nil
	}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// patrons: 0 loans: 0
}

func ExampleForeignKeyError() {
	s, _, loans := openShop()
	defer s.Close()
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		_, err := loans.Insert(tx, Loan{ID: 10, PatronID: 2})
		return err
	})
	fmt.Println(err)
	var fk *memstore.ForeignKeyError
	if errors.As(err, &fk) {
		fmt.Println(fk.Model, fk.Field, fk.Value, fk.Target, fk.Relation)
	}
	fmt.Println(errors.Is(err, memstore.ErrForeignKey))
	// Output:
	// memstore: insert Loan 10: PatronID 2 references no Patron
	// Loan PatronID 2 Patron patron
	// true
}

func ExampleModelOf_relation() {
	// Memo has no PatronID field: the relation declared in code gets a
	// hidden, nullable shadow column (package relations reads and writes it).
	memo := memstore.ModelOf[Memo]()
	memo.Relations = []memstore.Relation{{Target: "Patron", OnDelete: memstore.SetNull, Shadow: true}}
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Patron](), memo}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	memos, err := memstore.TableOf[Memo, int64](s)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Update(ctx, func(tx *memstore.Tx) error {
		_, err := memos.Insert(tx, Memo{ID: 1, Text: "no owner yet"})
		return err
	}); err != nil {
		log.Fatal(err)
	}
	if err := s.View(ctx, func(tx *memstore.Tx) error {
		rows, err := memos.ByFK(tx, "patron", int64(1))
		if err != nil {
			return err
		}
		count := 0
		for range rows {
			count++
		}
		fmt.Println("memos of patron 1:", count)
		n, err := memos.Get(tx, 1)
		fmt.Println(n.Text)
		return err
	}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// memos of patron 1: 0
	// no owner yet
}
