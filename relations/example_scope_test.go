package relations_test

import (
	"context"
	"fmt"
	"log"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// The models of the scoped relation examples: shoppers and their
// purchases, indexed by (ShopperID, Total) so that a shopper's purchases
// by total are read in order.

type Shopper struct {
	ID   int64 `relstore:"pk,auto"`
	Name string
}

type Purchase struct {
	ID        int64 `relstore:"pk,auto"`
	ShopperID int64 `relstore:"belongsTo=Shopper,onDelete=cascade,index=shopper_total"`
	Total     int   `relstore:"index=shopper_total"`
	Item      string
}

// A shopper's purchases with a where, an order and a limit (LoopBack's
// shopper.purchases({where, order, limit})), a count and a bulk update
// within the shopper's scope.
func ExampleHasMany_Find() {
	ctx := context.Background()
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[Shopper](), memstore.ModelOf[Purchase](),
	}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		for _, v := range []any{
			&Shopper{Name: "Ann"}, &Shopper{Name: "Bob"},
			&Purchase{ShopperID: 1, Total: 30, Item: "tea"}, &Purchase{ShopperID: 1, Total: 120, Item: "teapot"},
			&Purchase{ShopperID: 1, Total: 80, Item: "cups"}, &Purchase{ShopperID: 2, Total: 500, Item: "stove"},
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
	purchases, err := relations.NewHasMany[Shopper, Purchase](s, "shopper")
	if err != nil {
		log.Fatal(err)
	}
	ann := Shopper{ID: 1, Name: "Ann"}
	big, err := purchases.Find(ctx, ann, filter.Filter{
		Where: filter.Gte("Total", 50),
		Order: []filter.Order{filter.Desc("Total")},
		Limit: 5,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range big {
		fmt.Println(p.Item, p.Total)
	}
	n, err := purchases.CountWhere(ctx, ann, filter.Lt("Total", 100))
	fmt.Println("under 100:", n, err)
	n, err = purchases.UpdateWhere(ctx, ann, filter.Cond{}, func(p *Purchase) error {
		p.Total += 1
		return nil
	})
	fmt.Println("updated:", n, err)
	// Output:
	// teapot 120
	// cups 80
	// under 100: 2 <nil>
	// updated: 3 <nil>
}

// DeleteWhere deletes within the owner's scope only, as one statement.
func ExampleHasMany_DeleteWhere() {
	ctx := context.Background()
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[Shopper](), memstore.ModelOf[Purchase](),
	}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		for _, v := range []any{
			&Shopper{Name: "Ann"}, &Shopper{Name: "Bob"},
			&Purchase{ShopperID: 1, Total: 5, Item: "gum"}, &Purchase{ShopperID: 1, Total: 80, Item: "cups"},
			&Purchase{ShopperID: 2, Total: 3, Item: "gum"},
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
	purchases, err := relations.NewHasMany[Shopper, Purchase](s, "shopper")
	if err != nil {
		log.Fatal(err)
	}
	n, err := purchases.DeleteWhere(ctx, Shopper{ID: 1}, filter.Lt("Total", 10))
	fmt.Println("deleted:", n, err)
	left, err := purchases.List(ctx, Shopper{ID: 2})
	fmt.Println("Bob's purchases:", len(left), err)
	// Output:
	// deleted: 1 <nil>
	// Bob's purchases: 1 <nil>
}
