package memstore_test

import (
	"context"
	"fmt"

	"github.com/relstore/relstore/memstore"
)

// A shadow foreign key has no field in the struct; a tool that works on
// any model (a REST server) writes it with InsertShadow and UpdateShadow
// and reads it with ShadowOf.
func ExampleTx_ShadowOf() {
	type Team struct{ ID int64 }
	type Player struct {
		ID   int64
		Name string
	}
	player := memstore.ModelOf[Player]()
	player.Relations = []memstore.Relation{{Target: "Team", FK: "TeamID", Shadow: true}}
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Team](), player}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	ctx := context.Background()
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		if err := tx.Insert(Team{ID: 1}); err != nil {
			return err
		}
		if err := tx.InsertShadow(Player{ID: 7, Name: "Ana"}, map[string]any{"TeamID": 1}); err != nil {
			return err
		}
		// Another update keeps the shadow key it does not name.
		return tx.UpdateShadow(Player{ID: 7, Name: "Ana B."}, nil)
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = s.View(ctx, func(tx *memstore.Tx) error {
		sh, err := tx.ShadowOf(Player{ID: 7})
		fmt.Println(sh, err)
		err = tx.InsertShadow(Player{ID: 8}, map[string]any{"TeamID": 2})
		fmt.Println(err != nil)
		return nil
	})
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		return tx.InsertShadow(Player{ID: 8, Name: "Bo"}, map[string]any{"TeamID": 2})
	})
	fmt.Println(err)
	// Output:
	// map[TeamID:1] <nil>
	// true
	// memstore: insert Player 8: TeamID 2 references no Team
}
