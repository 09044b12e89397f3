package relations_test

import (
	"context"
	"fmt"
	"log"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// The models of the scoped examples in a transaction: clubs and the fees
// their members owe.

type Club struct {
	ID   int64 `relstore:"pk,auto"`
	Name string
}

type Fee struct {
	ID     int64 `relstore:"pk,auto"`
	ClubID int64 `relstore:"belongsTo=Club,onDelete=cascade"`
	Amount int
	Paid   bool
}

// openClubs returns a store with two clubs: club 1 owes fees of 10 (paid),
// 20 and 30; club 2 owes 5. And the hasMany from a club to its fees.
func openClubs() (*memstore.Store, *relations.HasMany[Club, Fee]) {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[Club](), memstore.ModelOf[Fee](),
	}})
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		for _, v := range []any{
			&Club{Name: "chess"}, &Club{Name: "rowing"},
			&Fee{ClubID: 1, Amount: 10, Paid: true}, &Fee{ClubID: 1, Amount: 20}, &Fee{ClubID: 1, Amount: 30},
			&Fee{ClubID: 2, Amount: 5},
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
	fees, err := relations.NewHasMany[Club, Fee](s, "club")
	if err != nil {
		log.Fatal(err)
	}
	return s, fees
}

// Counting a club's unpaid fees inside a caller's transaction.
func ExampleHasManyTx_CountWhere() {
	s, fees := openClubs()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		n, err := fees.In(tx).CountWhere(Club{ID: 1}, filter.Eq("Paid", false))
		fmt.Println("chess, unpaid:", n)
		return err
	})
	fmt.Println(err)
	// Output:
	// chess, unpaid: 2
	// <nil>
}

// Whether a club has a fee over 25, inside a caller's transaction: the
// scope is the club's fees, so rowing's answer is false.
func ExampleHasManyTx_Exists() {
	s, fees := openClubs()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		for _, c := range []Club{{ID: 1}, {ID: 2}} {
			ok, err := fees.In(tx).Exists(c, filter.Gt("Amount", 25))
			if err != nil {
				return err
			}
			fmt.Println("club", c.ID, "owes more than 25:", ok)
		}
		return nil
	})
	fmt.Println(err)
	// Output:
	// club 1 owes more than 25: true
	// club 2 owes more than 25: false
	// <nil>
}

// Marking a club's fees paid and reading the total still owed, in one
// transaction: the update is seen by the count that follows it, and both
// commit together.
func ExampleHasManyTx_UpdateWhere() {
	s, fees := openClubs()
	defer s.Close()
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		n, err := fees.In(tx).UpdateWhere(Club{ID: 1}, filter.Lt("Amount", 25), func(f *Fee) error {
			f.Paid = true
			return nil
		})
		if err != nil {
			return err
		}
		unpaid, err := fees.In(tx).CountWhere(Club{ID: 1}, filter.Eq("Paid", false))
		fmt.Println("updated:", n, "unpaid left:", unpaid)
		return err
	})
	fmt.Println(err)
	// Output:
	// updated: 2 unpaid left: 1
	// <nil>
}

// Deleting a club's paid fees inside a caller's transaction; another
// club's fees are out of the scope.
func ExampleHasManyTx_DeleteWhere() {
	s, fees := openClubs()
	defer s.Close()
	ctx := context.Background()
	err := s.Update(ctx, func(tx *memstore.Tx) error {
		n, err := fees.In(tx).DeleteWhere(Club{ID: 1}, filter.Eq("Paid", true))
		fmt.Println("deleted:", n)
		return err
	})
	fmt.Println(err)
	left, err := fees.List(ctx, Club{ID: 1})
	fmt.Println("chess fees left:", len(left), err)
	// Output:
	// deleted: 1
	// <nil>
	// chess fees left: 2 <nil>
}
