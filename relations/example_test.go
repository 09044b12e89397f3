package relations_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// The models of these examples: buyers in zones, their sales, bills paid by
// a buyer's email (keyTo), a folder tree, a buyer's one card (hasOne) and
// issues whose assignee is a shadow foreign key declared in code.

type Zone struct {
	Code string `relstore:"pk"`
}

type Buyer struct {
	ID       int64  `relstore:"pk,auto"`
	Email    string `relstore:"unique"`
	Name     string
	ZoneCode *string `relstore:"belongsTo=Zone,as=zone,onDelete=setNull"`
}

type Sale struct {
	ID      int64 `relstore:"pk,auto"`
	BuyerID int64 `relstore:"belongsTo=Buyer,onDelete=cascade"`
	Note    string
}

// Bill points at a buyer through a nullable key, by email (keyTo).
type Bill struct {
	ID         int64   `relstore:"pk,auto"`
	PayerEmail *string `relstore:"belongsTo=Buyer,as=payer,keyTo=Email,onDelete=setNull"`
}

type Folder struct {
	ID       string
	ParentID *string `relstore:"belongsTo=Folder,as=parent,onDelete=cascade"`
}

// Card is a buyer's one card: a unique foreign key (hasOne).
type Card struct {
	ID      int64 `relstore:"pk,auto"`
	BuyerID int64 `relstore:"belongsTo=Buyer,unique,onDelete=cascade"`
	Bio     string
}

// Issue has no owner field: its relation is declared in code, so the store
// keeps a shadow foreign key.
type Issue struct {
	ID    int64 `relstore:"pk,auto"`
	Title string
}

// openShop opens a store with an owner cache over the models of these tests
// (Buyer, Sale, Folder, Card, ...) and inserts buyers Ann (1) and
// Bob (2), and sales 1 and 2 of Ann and 3 of Bob. closeShop closes both.
func openShop() (s *memstore.Store, c *cache.Cache, closeShop func()) {
	c, err := cache.New(cache.Config{})
	if err != nil {
		log.Fatal(err)
	}
	issue := memstore.ModelOf[Issue]()
	issue.Relations = []memstore.Relation{{Name: "assignee", Target: "Buyer", OnDelete: memstore.SetNull, Shadow: true}}
	s, err = memstore.New(memstore.Config{Cache: c, Models: []memstore.Model{
		memstore.ModelOf[Zone](), memstore.ModelOf[Buyer](), memstore.ModelOf[Sale](),
		memstore.ModelOf[Bill](), memstore.ModelOf[Folder](), memstore.ModelOf[Card](), issue,
	}})
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		for _, v := range []any{
			&Buyer{Name: "Ann", Email: "ann@x"}, &Buyer{Name: "Bob", Email: "bob@x"},
			&Sale{BuyerID: 1, Note: "tea"}, &Sale{BuyerID: 1, Note: "cake"}, &Sale{BuyerID: 2, Note: "pie"},
		} {
			if err := tx.Insert(v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	return s, c, func() { s.Close(); c.Close() }
}

// getSale returns the stored sale with key id.
func getSale(s *memstore.Store, id int64) Sale {
	sales, err := memstore.TableOf[Sale, int64](s)
	if err != nil {
		log.Fatal(err)
	}
	var o Sale
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		o, err = sales.Get(tx, id)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	return o
}

func ExampleNewBelongsTo() {
	s, _, closeShop := openShop()
	defer closeShop()

	// Sale.BuyerID is tagged `relstore:"belongsTo=Buyer"`: the
	// relation is named "buyer", after its target.
	buyer, err := relations.NewBelongsTo[Sale, Buyer](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(buyer.Name())

	// A relation the schema does not declare is an error, never a panic.
	_, err = relations.NewBelongsTo[Sale, Buyer](s, "customer")
	fmt.Println(err)
	fmt.Println(errors.Is(err, memstore.ErrInvalid))
	// Output:
	// buyer
	// memstore: invalid argument: relation "customer": model Sale has no such relation (its relations: buyer)
	// true
}

func ExampleBelongsTo_Get() {
	s, _, closeShop := openShop()
	defer closeShop()
	buyer, err := relations.NewBelongsTo[Sale, Buyer](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	c, ok, err := buyer.Get(ctx, getSale(s, 3))
	fmt.Println(c.Name, ok, err)

	// A sale whose buyer is not stored.
	_, ok, err = buyer.Get(ctx, Sale{ID: 9, BuyerID: 42})
	fmt.Println(ok, errors.Is(err, memstore.ErrNotFound))

	// A nil foreign key: no owner, and no error.
	payer, err := relations.NewBelongsTo[Bill, Buyer](s, "payer")
	if err != nil {
		log.Fatal(err)
	}
	_, ok, err = payer.Get(ctx, Bill{ID: 1})
	fmt.Println(ok, err)
	// Output:
	// Bob true <nil>
	// false true
	// false <nil>
}

func ExampleBelongsTo_Fetch() {
	s, _, closeShop := openShop()
	defer closeShop()
	buyer, err := relations.NewBelongsTo[Sale, Buyer](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// Fetch returns at once; the owner arrives on the Future.
	f := buyer.Fetch(ctx, getSale(s, 1))
	select {
	case <-f.Done():
	case <-ctx.Done():
	}
	c, ok, err := f.Wait(ctx)
	fmt.Println(c.Name, ok, err)

	// With a context that is already cancelled the Future carries its error.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, _, err = buyer.Fetch(cancelled, getSale(s, 1)).Wait(ctx)
	fmt.Println(errors.Is(err, context.Canceled))
	// Output:
	// Ann true <nil>
	// true
}

func ExampleBelongsTo_Cached() {
	s, c, closeShop := openShop()
	defer closeShop()
	buyer, err := relations.NewBelongsTo[Sale, Buyer](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	sale := getSale(s, 1)

	_, st := buyer.Cached(sale)
	fmt.Println(st)

	if _, _, err := buyer.Get(ctx, sale); err != nil { // fills the cache
		log.Fatal(err)
	}
	c.Wait() // the cache applies fills asynchronously
	owner, st := buyer.Cached(sale)
	fmt.Println(owner.Name, st)

	// A committed write to Ann: her cached copy is never returned again.
	buyers, err := memstore.TableOf[Buyer, int64](s)
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		return buyers.Update(tx, Buyer{ID: 1, Name: "Ann B.", Email: "ann@x"})
	})
	if err != nil {
		log.Fatal(err)
	}
	_, st = buyer.Cached(sale)
	fmt.Println(st)
	// Output:
	// not cached
	// Ann found
	// not cached
}

func ExampleBelongsTo_Set() {
	s, _, closeShop := openShop()
	defer closeShop()
	buyer, err := relations.NewBelongsTo[Sale, Buyer](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	sale := getSale(s, 1)
	if err := buyer.Set(ctx, &sale, &Buyer{ID: 2}); err != nil {
		log.Fatal(err)
	}
	c, _, _ := buyer.Get(ctx, sale)
	fmt.Println(sale.BuyerID, c.Name, getSale(s, 1).Note)

	// The new owner must be stored, like any foreign key write.
	err = buyer.Set(ctx, &sale, &Buyer{ID: 42})
	fmt.Println(errors.Is(err, memstore.ErrForeignKey), sale.BuyerID)
	// Output:
	// 2 Bob tea
	// true 2
}

func ExampleBelongsTo_ByKey() {
	s, _, closeShop := openShop()
	defer closeShop()
	buyer, err := relations.NewBelongsTo[Sale, Buyer](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// The key is converted to the type of Sale.ID (int64) when that is
	// exact: the untyped 3 is an int.
	c, ok, err := buyer.ByKey(ctx, 3)
	fmt.Println(c.Name, ok, err)

	_, _, err = buyer.ByKey(ctx, 99)
	fmt.Println(errors.Is(err, memstore.ErrNotFound))
	_, _, err = buyer.ByKey(ctx, 3.5)
	fmt.Println(err)
	// Output:
	// Bob true <nil>
	// true
	// relations: Sale.buyer: memstore: invalid argument: get buyer Sale: ID: cannot use 3.5 (float64) as int64: want an integer, got 3.5 (float64)
}

func ExampleBelongsTo_Include() {
	s, _, closeShop := openShop()
	defer closeShop()
	buyer, err := relations.NewBelongsTo[Sale, Buyer](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	sales := []Sale{getSale(s, 1), getSale(s, 2), getSale(s, 3)}

	// Two distinct buyers: two lookups, whatever the number of sales.
	owners, err := buyer.Include(context.Background(), sales)
	if err != nil {
		log.Fatal(err)
	}
	for i, o := range sales {
		fmt.Println(o.Note, owners[i].Name)
	}
	fmt.Println(owners[0] == owners[1]) // one value per owner
	// Output:
	// tea Ann
	// cake Ann
	// pie Bob
	// true
}

func ExampleHasMany() {
	s, _, closeShop := openShop()
	defer closeShop()
	sales, err := relations.NewHasMany[Buyer, Sale](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	ann := Buyer{ID: 1}

	// Create fills in the foreign key and writes the assigned key back.
	o := Sale{Note: "jam"}
	if err := sales.Create(ctx, ann, &o); err != nil {
		log.Fatal(err)
	}
	fmt.Println(o.ID, o.BuyerID)

	list, err := sales.List(ctx, ann)
	if err != nil {
		log.Fatal(err)
	}
	for _, o := range list {
		fmt.Println(o.ID, o.Note)
	}
	n, _ := sales.Count(ctx, ann)
	fmt.Println(n)

	// A scoped accessor never moves a child to another owner.
	err = sales.Update(ctx, ann, Sale{ID: 3, BuyerID: 1, Note: "mine"})
	fmt.Println(errors.Is(err, relations.ErrOtherOwner))
	// Output:
	// 4 1
	// 1 tea
	// 2 cake
	// 4 jam
	// 3
	// true
}

func ExampleHasMany_empty() {
	s, _, closeShop := openShop()
	defer closeShop()
	sales, err := relations.NewHasMany[Buyer, Sale](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// Buyer 7 has no sales (nor is it stored): an empty result, no
	// error; an empty slice, not nil, so that JSON shows [].
	list, err := sales.List(ctx, Buyer{ID: 7})
	fmt.Println(len(list), list == nil, err)
	b, _ := json.Marshal(list)
	fmt.Println(string(b))
	n, err := sales.Count(ctx, Buyer{ID: 7})
	fmt.Println(n, err)
	// Output:
	// 0 false <nil>
	// []
	// 0 <nil>
}

func ExampleHasOne() {
	s, _, closeShop := openShop()
	defer closeShop()
	// Card.BuyerID is tagged unique: a buyer has at most one.
	card, err := relations.NewHasOne[Buyer, Card](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	ann := Buyer{ID: 1}

	_, ok, err := card.Get(ctx, ann)
	fmt.Println(ok, err)

	if err := card.Create(ctx, ann, &Card{Bio: "likes tea"}); err != nil {
		log.Fatal(err)
	}
	p, ok, err := card.Get(ctx, ann)
	fmt.Println(p.Bio, ok, err)

	err = card.Create(ctx, ann, &Card{Bio: "a second one"})
	fmt.Println(errors.Is(err, memstore.ErrUnique))
	// Output:
	// false <nil>
	// likes tea true <nil>
	// true
}

func ExampleTree_Ancestors() {
	s, _, closeShop := openShop()
	defer closeShop()
	// Folder.ParentID is tagged `relstore:"belongsTo=Folder,as=parent"`.
	tree, err := relations.NewTree[Folder](s, "parent")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	parent := func(id string) *string { return &id }
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		for _, c := range []*Folder{
			{ID: "food"}, {ID: "sweets", ParentID: parent("food")}, {ID: "cake", ParentID: parent("sweets")},
		} {
			if err := tx.Insert(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}

	ancestors, err := tree.Ancestors(ctx, Folder{ID: "cake", ParentID: parent("sweets")})
	for _, a := range ancestors {
		fmt.Println(a.ID)
	}
	fmt.Println(err)

	// Make food a child of cake: the walk stops at the cycle.
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		return tx.Update(&Folder{ID: "food", ParentID: parent("cake")})
	})
	if err != nil {
		log.Fatal(err)
	}
	ancestors, err = tree.Ancestors(ctx, Folder{ID: "cake", ParentID: parent("sweets")})
	fmt.Println(len(ancestors), errors.Is(err, relations.ErrCycle))
	// Output:
	// sweets
	// food
	// <nil>
	// 2 true
}

// ExampleBelongsTo_loopBack mirrors LoopBack's Buyer/Sale belongsTo
// example. The Go calls map to LoopBack's methods as follows:
//
//	LoopBack 3 sale.buyer(cb)                 → buyer.Fetch(ctx, sale), then Wait
//	LoopBack 3 sale.buyer()                   → buyer.Cached(sale)
//	LoopBack 3 sale.buyer(c)                  → buyer.Set(ctx, &sale, &c)
//	LoopBack 4 saleRepository.buyer(saleId)  → buyer.ByKey(ctx, saleID)
//
// Get is the blocking form of sale.buyer(cb) that Go code prefers.
func ExampleBelongsTo_loopBack() {
	s, c, closeShop := openShop()
	defer closeShop()
	buyer, err := relations.NewBelongsTo[Sale, Buyer](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	sale := getSale(s, 1)

	// sale.buyer(function(err, buyer) {...})
	owner, _, err := buyer.Fetch(ctx, sale).Wait(ctx)
	fmt.Println("sale.buyer(cb):", owner.Name, err)

	// var buyer = sale.buyer(); (the result of the previous call)
	c.Wait() // the cache applies fills asynchronously
	owner, st := buyer.Cached(sale)
	fmt.Println("sale.buyer():", owner.Name, st)

	// sale.buyer(bob)
	bob := Buyer{ID: 2, Name: "Bob", Email: "bob@x"}
	if err := buyer.Set(ctx, &sale, &bob); err != nil {
		log.Fatal(err)
	}
	fmt.Println("sale.buyer(bob): sale.buyerId =", sale.BuyerID)

	// saleRepository.buyer(saleId)
	owner, _, err = buyer.ByKey(ctx, sale.ID)
	fmt.Println("saleRepository.buyer(1):", owner.Name, err)
	// Output:
	// sale.buyer(cb): Ann <nil>
	// sale.buyer(): Ann found
	// sale.buyer(bob): sale.buyerId = 2
	// saleRepository.buyer(1): Bob <nil>
}

// Name is the relation's name; Lookups counts the owners read from the
// store, so a test can assert that the cache answered.
func ExampleBelongsTo_Lookups() {
	s, _, closeShop := openShop()
	defer closeShop()
	buyer, err := relations.NewBelongsTo[Sale, Buyer](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	sale := getSale(s, 1)
	for range 3 {
		if _, _, err := buyer.Get(ctx, sale); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(buyer.Name(), "lookups:", buyer.Lookups())
	// Output:
	// buyer lookups: 1
}

// Name is the relation's name, as the schema declares it.
func ExampleBelongsTo_Name() {
	s, _, closeShop := openShop()
	defer closeShop()
	payer, err := relations.NewBelongsTo[Bill, Buyer](s, "payer")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(payer.Name())
	// Output:
	// payer
}

// Wait blocks for a Fetch's result, or until ctx ends; Done is closed when
// the result is there, for a select.
func ExampleFuture_Wait() {
	s, _, closeShop := openShop()
	defer closeShop()
	buyer, err := relations.NewBelongsTo[Sale, Buyer](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	f := buyer.Fetch(ctx, getSale(s, 3))
	<-f.Done()
	b, ok, err := f.Wait(ctx)
	fmt.Println(b.Name, ok, err)
	// Output:
	// Bob true <nil>
}

// Done is closed once the result is delivered.
func ExampleFuture_Done() {
	s, _, closeShop := openShop()
	defer closeShop()
	buyer, err := relations.NewBelongsTo[Sale, Buyer](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	f := buyer.Fetch(ctx, getSale(s, 1))
	select {
	case <-f.Done():
		b, _, _ := f.Wait(ctx)
		fmt.Println("fetched", b.Name)
	case <-ctx.Done():
		fmt.Println(ctx.Err())
	}
	// Output:
	// fetched Ann
}

// A Status says what Cached knows without the store.
func ExampleStatus() {
	s, _, closeShop := openShop()
	defer closeShop()
	buyer, err := relations.NewBelongsTo[Sale, Buyer](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	sale := getSale(s, 2)
	_, st := buyer.Cached(sale)
	fmt.Println(st)
	if _, _, err := buyer.Get(context.Background(), sale); err != nil {
		log.Fatal(err)
	}
	_, st = buyer.Cached(sale)
	fmt.Println(st)
	// Output:
	// not cached
	// found
}

// In reads and writes a sale's buyer inside the caller's transaction: the
// reads see the transaction's own writes.
func ExampleBelongsToTx_Create() {
	s, _, closeShop := openShop()
	defer closeShop()
	buyer, err := relations.NewBelongsTo[Sale, Buyer](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := buyer.In(tx)
		sale := Sale{Note: "figs"}
		cy := Buyer{Name: "Cy", Email: "cy@x"}
		if err := in.Create(&sale, &cy); err != nil { // inserts both
			return err
		}
		b, ok, err := in.Get(sale)
		if err != nil {
			return err
		}
		fmt.Println(b.Name, ok, sale.BuyerID)
		b, _, err = in.ByKey(1)
		if err != nil {
			return err
		}
		fmt.Println(b.Name)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// Cy true 3
	// Ann
}

// Set, Update and Include inside a transaction.
func ExampleBelongsToTx_Set() {
	s, _, closeShop := openShop()
	defer closeShop()
	buyer, err := relations.NewBelongsTo[Sale, Buyer](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := buyer.In(tx)
		sale := getSale(s, 1)
		if err := in.Set(&sale, &Buyer{ID: 2}); err != nil {
			return err
		}
		b, _, err := in.Get(sale)
		if err != nil {
			return err
		}
		b.Name = "Robert"
		if err := in.Update(sale, b); err != nil {
			return err
		}
		owners, err := in.Include([]Sale{sale, getSale(s, 2)})
		if err != nil {
			return err
		}
		fmt.Println(owners[0].Name, owners[1].Name)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// Robert Ann
}

// Unset clears a nullable foreign key inside a transaction.
func ExampleBelongsToTx_Unset() {
	s, _, closeShop := openShop()
	defer closeShop()
	payer, err := relations.NewBelongsTo[Bill, Buyer](s, "payer")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := payer.In(tx)
		bill := Bill{}
		if err := tx.Insert(&bill); err != nil {
			return err
		}
		if err := in.Set(&bill, &Buyer{ID: 1, Email: "ann@x"}); err != nil {
			return err
		}
		fmt.Println(*bill.PayerEmail)
		if err := in.Unset(&bill); err != nil {
			return err
		}
		_, ok, err := in.Get(bill)
		fmt.Println(bill.PayerEmail == nil, ok)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// ann@x
	// true false
}

// NewTree walks a model that references itself: Parent and Children one
// step, Ancestors and Descendants all the way.
func ExampleNewTree() {
	s, _, closeShop := openShop()
	defer closeShop()
	tree, err := relations.NewTree[Folder](s, "parent")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	food, sweets := "food", "sweets"
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		for _, f := range []Folder{{ID: "food"}, {ID: "sweets", ParentID: &food},
			{ID: "bread", ParentID: &food}, {ID: "cake", ParentID: &sweets}} {
			if err := tx.Insert(f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	kids, err := tree.Children(ctx, Folder{ID: "food"})
	fmt.Println(folderIDs(kids), err)
	p, ok, err := tree.Parent(ctx, Folder{ID: "cake", ParentID: &sweets})
	fmt.Println(p.ID, ok, err)
	_, ok, err = tree.Parent(ctx, Folder{ID: "food"})
	fmt.Println(ok, err)
	fmt.Println("lookups:", tree.Lookups())
	// Output:
	// [bread sweets] <nil>
	// sweets true <nil>
	// false <nil>
	// lookups: 2
}

// In walks the tree inside a transaction, its own writes included.
func ExampleTree_In() {
	s, _, closeShop := openShop()
	defer closeShop()
	tree, err := relations.NewTree[Folder](s, "parent")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		a, b := "a", "b"
		for _, f := range []Folder{{ID: "a"}, {ID: "b", ParentID: &a}, {ID: "c", ParentID: &b}} {
			if err := tx.Insert(f); err != nil {
				return err
			}
		}
		in := tree.In(tx)
		up, err := in.Ancestors(Folder{ID: "c", ParentID: &b})
		if err != nil {
			return err
		}
		down, err := in.Descendants(Folder{ID: "a"}, 0)
		if err != nil {
			return err
		}
		kids, err := in.Children(Folder{ID: "a"})
		if err != nil {
			return err
		}
		p, ok, err := in.Parent(Folder{ID: "b", ParentID: &a})
		fmt.Println(folderIDs(up), folderIDs(down), folderIDs(kids), p.ID, ok)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// [b a] [b c] [b] a true
}

// folderIDs returns the IDs of folders, for printing.
func folderIDs(fs []Folder) []string {
	ids := make([]string, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	return ids
}

// seedFolders inserts the folder tree food > (sweets > cake, bread) and
// returns the tree accessor.
func seedFolders(s *memstore.Store) *relations.Tree[Folder] {
	food, sweets := "food", "sweets"
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		for _, f := range []Folder{{ID: "food"}, {ID: "sweets", ParentID: &food},
			{ID: "bread", ParentID: &food}, {ID: "cake", ParentID: &sweets}} {
			if err := tx.Insert(f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	tree, err := relations.NewTree[Folder](s, "parent")
	if err != nil {
		log.Fatal(err)
	}
	return tree
}

// Children returns a node's children in key order.
func ExampleTree_Children() {
	s, _, closeShop := openShop()
	defer closeShop()
	tree := seedFolders(s)
	ctx := context.Background()
	kids, err := tree.Children(ctx, Folder{ID: "food"})
	fmt.Println(folderIDs(kids), err)
	// Output:
	// [bread sweets] <nil>
}

// Parent returns a node's parent; ok is false for a root.
func ExampleTree_Parent() {
	s, _, closeShop := openShop()
	defer closeShop()
	tree := seedFolders(s)
	ctx := context.Background()
	sweets := "sweets"
	p, ok, err := tree.Parent(ctx, Folder{ID: "cake", ParentID: &sweets})
	fmt.Println(p.ID, ok, err)
	_, ok, err = tree.Parent(ctx, Folder{ID: "food"})
	fmt.Println(ok, err)
	// Output:
	// sweets true <nil>
	// false <nil>
}

// Lookups counts the index lookups of the walks: one per node visited.
func ExampleTree_Lookups() {
	s, _, closeShop := openShop()
	defer closeShop()
	tree := seedFolders(s)
	ctx := context.Background()
	if _, err := tree.Descendants(ctx, Folder{ID: "food"}, 0); err != nil {
		log.Fatal(err)
	}
	fmt.Println(tree.Lookups())
	// Output:
	// 4
}

// Ancestors walks up from a node inside a transaction.
func ExampleTreeTx_Ancestors() {
	s, _, closeShop := openShop()
	defer closeShop()
	tree := seedFolders(s)
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		in := tree.In(tx)
		sweets := "sweets"
		up, err := in.Ancestors(Folder{ID: "cake", ParentID: &sweets})
		fmt.Println(folderIDs(up))
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// [sweets food]
}

// Children reads a node's children inside a transaction.
func ExampleTreeTx_Children() {
	s, _, closeShop := openShop()
	defer closeShop()
	tree := seedFolders(s)
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		in := tree.In(tx)
		kids, err := in.Children(Folder{ID: "food"})
		fmt.Println(folderIDs(kids))
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// [bread sweets]
}

// Descendants walks down to a depth (0: all the way) inside a transaction.
func ExampleTreeTx_Descendants() {
	s, _, closeShop := openShop()
	defer closeShop()
	tree := seedFolders(s)
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		in := tree.In(tx)
		all, err := in.Descendants(Folder{ID: "food"}, 1)
		fmt.Println(folderIDs(all))
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// [bread sweets]
}

// Parent reads a node's parent inside a transaction.
func ExampleTreeTx_Parent() {
	s, _, closeShop := openShop()
	defer closeShop()
	tree := seedFolders(s)
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		in := tree.In(tx)
		food := "food"
		p, ok, err := in.Parent(Folder{ID: "bread", ParentID: &food})
		fmt.Println(p.ID, ok)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// food true
}

// ByKey reads the owner of the source with a key inside a transaction.
func ExampleBelongsToTx_ByKey() {
	s, _, closeShop := openShop()
	defer closeShop()
	buyer, err := relations.NewBelongsTo[Sale, Buyer](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := buyer.In(tx)
		b, ok, err := in.ByKey(3) // sale 3
		fmt.Println(b.Name, ok)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// Bob true
}

// Get reads a source's owner inside a transaction, never the cache.
func ExampleBelongsToTx_Get() {
	s, _, closeShop := openShop()
	defer closeShop()
	buyer, err := relations.NewBelongsTo[Sale, Buyer](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := buyer.In(tx)
		b, ok, err := in.Get(getSale(s, 1))
		fmt.Println(b.Name, ok)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// Ann true
}

// Include reads the owners of many sources inside a transaction.
func ExampleBelongsToTx_Include() {
	s, _, closeShop := openShop()
	defer closeShop()
	buyer, err := relations.NewBelongsTo[Sale, Buyer](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := buyer.In(tx)
		owners, err := in.Include([]Sale{getSale(s, 1), getSale(s, 3), getSale(s, 2)})
		for _, b := range owners {
			fmt.Println(b.Name)
		}
		fmt.Println(owners[0] == owners[2]) // one *Buyer per distinct owner
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// Ann
	// Bob
	// Ann
	// true
}

// Update replaces a source's owner row inside a transaction.
func ExampleBelongsToTx_Update() {
	s, _, closeShop := openShop()
	defer closeShop()
	buyer, err := relations.NewBelongsTo[Sale, Buyer](s, "buyer")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := buyer.In(tx)
		sale := getSale(s, 3)
		if err := in.Update(sale, Buyer{ID: 2, Email: "bob@x", Name: "Robert"}); err != nil {
			return err
		}
		b, _, err := in.Get(sale)
		fmt.Println(b.Name)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// Robert
}
