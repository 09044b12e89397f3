package relations_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// openShop opens a store with an owner cache over the models of these tests
// (Customer, Order, Category, Profile, ...) and inserts customers Ann (1) and
// Bob (2), and orders 1 and 2 of Ann and 3 of Bob. closeShop closes both.
func openShop() (s *memstore.Store, c *cache.Cache, closeShop func()) {
	c, err := cache.New(cache.Config{})
	if err != nil {
		log.Fatal(err)
	}
	ticket := memstore.ModelOf[Ticket]()
	ticket.Relations = []memstore.Relation{{Name: "assignee", Target: "Customer", OnDelete: memstore.SetNull, Shadow: true}}
	s, err = memstore.New(memstore.Config{Cache: c, Models: []memstore.Model{
		memstore.ModelOf[Region](), memstore.ModelOf[Customer](), memstore.ModelOf[Order](),
		memstore.ModelOf[Invoice](), memstore.ModelOf[Category](), memstore.ModelOf[Profile](), ticket,
	}})
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		for _, v := range []any{
			&Customer{Name: "Ann", Email: "ann@x"}, &Customer{Name: "Bob", Email: "bob@x"},
			&Order{CustomerID: 1, Note: "tea"}, &Order{CustomerID: 1, Note: "cake"}, &Order{CustomerID: 2, Note: "pie"},
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

// getOrder returns the stored order with key id.
func getOrder(s *memstore.Store, id int64) Order {
	orders, err := memstore.TableOf[Order, int64](s)
	if err != nil {
		log.Fatal(err)
	}
	var o Order
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		o, err = orders.Get(tx, id)
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

	// Order.CustomerID is tagged `relstore:"belongsTo=Customer"`: the
	// relation is named "customer", after its target.
	customer, err := relations.NewBelongsTo[Order, Customer](s, "customer")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(customer.Name())

	// A relation the schema does not declare is an error, never a panic.
	_, err = relations.NewBelongsTo[Order, Customer](s, "buyer")
	fmt.Println(errors.Is(err, memstore.ErrInvalid))
	// Output:
	// customer
	// true
}

func ExampleBelongsTo_Get() {
	s, _, closeShop := openShop()
	defer closeShop()
	customer, err := relations.NewBelongsTo[Order, Customer](s, "customer")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	c, ok, err := customer.Get(ctx, getOrder(s, 3))
	fmt.Println(c.Name, ok, err)

	// An order whose customer is not stored.
	_, ok, err = customer.Get(ctx, Order{ID: 9, CustomerID: 42})
	fmt.Println(ok, errors.Is(err, memstore.ErrNotFound))

	// A nil foreign key: no owner, and no error.
	payer, err := relations.NewBelongsTo[Invoice, Customer](s, "payer")
	if err != nil {
		log.Fatal(err)
	}
	_, ok, err = payer.Get(ctx, Invoice{ID: 1})
	fmt.Println(ok, err)
	// Output:
	// Bob true <nil>
	// false true
	// false <nil>
}

func ExampleBelongsTo_Fetch() {
	s, _, closeShop := openShop()
	defer closeShop()
	customer, err := relations.NewBelongsTo[Order, Customer](s, "customer")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// Fetch returns at once; the owner arrives on the Future.
	f := customer.Fetch(ctx, getOrder(s, 1))
	select {
	case <-f.Done():
	case <-ctx.Done():
	}
	c, ok, err := f.Wait(ctx)
	fmt.Println(c.Name, ok, err)

	// With a context that is already cancelled the Future carries its error.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, _, err = customer.Fetch(cancelled, getOrder(s, 1)).Wait(ctx)
	fmt.Println(errors.Is(err, context.Canceled))
	// Output:
	// Ann true <nil>
	// true
}

func ExampleBelongsTo_Cached() {
	s, c, closeShop := openShop()
	defer closeShop()
	customer, err := relations.NewBelongsTo[Order, Customer](s, "customer")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	order := getOrder(s, 1)

	_, st := customer.Cached(order)
	fmt.Println(st)

	if _, _, err := customer.Get(ctx, order); err != nil { // fills the cache
		log.Fatal(err)
	}
	c.Wait() // the cache applies fills asynchronously
	owner, st := customer.Cached(order)
	fmt.Println(owner.Name, st)

	// A committed write to Ann: her cached copy is never returned again.
	customers, err := memstore.TableOf[Customer, int64](s)
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		return customers.Update(tx, Customer{ID: 1, Name: "Ann B.", Email: "ann@x"})
	})
	if err != nil {
		log.Fatal(err)
	}
	_, st = customer.Cached(order)
	fmt.Println(st)
	// Output:
	// not cached
	// Ann found
	// not cached
}

func ExampleBelongsTo_Set() {
	s, _, closeShop := openShop()
	defer closeShop()
	customer, err := relations.NewBelongsTo[Order, Customer](s, "customer")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	order := getOrder(s, 1)
	if err := customer.Set(ctx, &order, &Customer{ID: 2}); err != nil {
		log.Fatal(err)
	}
	c, _, _ := customer.Get(ctx, order)
	fmt.Println(order.CustomerID, c.Name, getOrder(s, 1).Note)

	// The new owner must be stored, like any foreign key write.
	err = customer.Set(ctx, &order, &Customer{ID: 42})
	fmt.Println(errors.Is(err, memstore.ErrForeignKey), order.CustomerID)
	// Output:
	// 2 Bob tea
	// true 2
}

func ExampleBelongsTo_ByKey() {
	s, _, closeShop := openShop()
	defer closeShop()
	customer, err := relations.NewBelongsTo[Order, Customer](s, "customer")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// The key has the type of Order.ID.
	c, ok, err := customer.ByKey(ctx, int64(3))
	fmt.Println(c.Name, ok, err)

	_, _, err = customer.ByKey(ctx, int64(99))
	fmt.Println(errors.Is(err, memstore.ErrNotFound))
	_, _, err = customer.ByKey(ctx, 3) // an int, not an int64
	fmt.Println(errors.Is(err, memstore.ErrInvalid))
	// Output:
	// Bob true <nil>
	// true
	// true
}

func ExampleBelongsTo_Include() {
	s, _, closeShop := openShop()
	defer closeShop()
	customer, err := relations.NewBelongsTo[Order, Customer](s, "customer")
	if err != nil {
		log.Fatal(err)
	}
	orders := []Order{getOrder(s, 1), getOrder(s, 2), getOrder(s, 3)}

	// Two distinct customers: two lookups, whatever the number of orders.
	owners, err := customer.Include(context.Background(), orders)
	if err != nil {
		log.Fatal(err)
	}
	for i, o := range orders {
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
	orders, err := relations.NewHasMany[Customer, Order](s, "customer")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	ann := Customer{ID: 1}

	// Create fills in the foreign key and writes the assigned key back.
	o := Order{Note: "jam"}
	if err := orders.Create(ctx, ann, &o); err != nil {
		log.Fatal(err)
	}
	fmt.Println(o.ID, o.CustomerID)

	list, err := orders.List(ctx, ann)
	if err != nil {
		log.Fatal(err)
	}
	for _, o := range list {
		fmt.Println(o.ID, o.Note)
	}
	n, _ := orders.Count(ctx, ann)
	fmt.Println(n)

	// A scoped accessor never moves a child to another owner.
	err = orders.Update(ctx, ann, Order{ID: 3, CustomerID: 1, Note: "mine"})
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
	orders, err := relations.NewHasMany[Customer, Order](s, "customer")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// Customer 7 has no orders (nor is it stored): an empty result, no
	// error; an empty slice, not nil, so that JSON shows [].
	list, err := orders.List(ctx, Customer{ID: 7})
	fmt.Println(len(list), list == nil, err)
	b, _ := json.Marshal(list)
	fmt.Println(string(b))
	n, err := orders.Count(ctx, Customer{ID: 7})
	fmt.Println(n, err)
	// Output:
	// 0 false <nil>
	// []
	// 0 <nil>
}

func ExampleHasOne() {
	s, _, closeShop := openShop()
	defer closeShop()
	// Profile.CustomerID is tagged unique: a customer has at most one.
	profile, err := relations.NewHasOne[Customer, Profile](s, "customer")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	ann := Customer{ID: 1}

	_, ok, err := profile.Get(ctx, ann)
	fmt.Println(ok, err)

	if err := profile.Create(ctx, ann, &Profile{Bio: "likes tea"}); err != nil {
		log.Fatal(err)
	}
	p, ok, err := profile.Get(ctx, ann)
	fmt.Println(p.Bio, ok, err)

	err = profile.Create(ctx, ann, &Profile{Bio: "a second one"})
	fmt.Println(errors.Is(err, memstore.ErrUnique))
	// Output:
	// false <nil>
	// likes tea true <nil>
	// true
}

func ExampleTree_Ancestors() {
	s, _, closeShop := openShop()
	defer closeShop()
	// Category.ParentID is tagged `relstore:"belongsTo=Category,as=parent"`.
	tree, err := relations.NewTree[Category](s, "parent")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	parent := func(id string) *string { return &id }
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		for _, c := range []*Category{
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

	ancestors, err := tree.Ancestors(ctx, Category{ID: "cake", ParentID: parent("sweets")})
	for _, a := range ancestors {
		fmt.Println(a.ID)
	}
	fmt.Println(err)

	// Make food a child of cake: the walk stops at the cycle.
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		return tx.Update(&Category{ID: "food", ParentID: parent("cake")})
	})
	if err != nil {
		log.Fatal(err)
	}
	ancestors, err = tree.Ancestors(ctx, Category{ID: "cake", ParentID: parent("sweets")})
	fmt.Println(len(ancestors), errors.Is(err, relations.ErrCycle))
	// Output:
	// sweets
	// food
	// <nil>
	// 2 true
}

// ExampleBelongsTo_loopBack mirrors LoopBack's Customer/Order belongsTo
// example. The Go calls map to LoopBack's methods as follows:
//
//	LoopBack 3 order.customer(cb)                 → customer.Fetch(ctx, order), then Wait
//	LoopBack 3 order.customer()                   → customer.Cached(order)
//	LoopBack 3 order.customer(c)                  → customer.Set(ctx, &order, &c)
//	LoopBack 4 orderRepository.customer(orderId)  → customer.ByKey(ctx, orderID)
//
// Get is the blocking form of order.customer(cb) that Go code prefers.
func ExampleBelongsTo_loopBack() {
	s, c, closeShop := openShop()
	defer closeShop()
	customer, err := relations.NewBelongsTo[Order, Customer](s, "customer")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	order := getOrder(s, 1)

	// order.customer(function(err, customer) {...})
	owner, _, err := customer.Fetch(ctx, order).Wait(ctx)
	fmt.Println("order.customer(cb):", owner.Name, err)

	// var customer = order.customer(); (the result of the previous call)
	c.Wait() // the cache applies fills asynchronously
	owner, st := customer.Cached(order)
	fmt.Println("order.customer():", owner.Name, st)

	// order.customer(bob)
	bob := Customer{ID: 2, Name: "Bob", Email: "bob@x"}
	if err := customer.Set(ctx, &order, &bob); err != nil {
		log.Fatal(err)
	}
	fmt.Println("order.customer(bob): order.customerId =", order.CustomerID)

	// orderRepository.customer(orderId)
	owner, _, err = customer.ByKey(ctx, order.ID)
	fmt.Println("orderRepository.customer(1):", owner.Name, err)
	// Output:
	// order.customer(cb): Ann <nil>
	// order.customer(): Ann found
	// order.customer(bob): order.customerId = 2
	// orderRepository.customer(1): Bob <nil>
}
