package storetest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/storetest"
)

// The models of the examples: teams and their players. Fixtures are in
// testdata/example.

type Team struct {
	ID   int64 `relstore:"pk,auto"`
	Name string
}

type Player struct {
	ID     int64 `relstore:"pk,auto"`
	TeamID int64 `relstore:"belongsTo=Team,onDelete=cascade"`
	Name   string
}

// exampleT stands in for the *testing.T an example does not have: it prints
// the first line of what a test would report, and done runs its cleanups as
// the end of a test does.
type exampleT struct {
	testing.TB // nil: the helpers call only the methods below
	cleanups   []func()
}

func (t *exampleT) Helper()           {}
func (t *exampleT) Cleanup(fn func()) { t.cleanups = append(t.cleanups, fn) }
func (t *exampleT) Errorf(format string, a ...any) {
	msg, _, _ := strings.Cut(fmt.Sprintf(format, a...), "\n") // go-cmp's diffs are not stable text
	fmt.Println("t.Errorf:", msg)
}
func (t *exampleT) Fatalf(format string, a ...any) { panic(fmt.Sprintf(format, a...)) }
func (t *exampleT) done() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// New opens a store for one test; Seed loads fixtures given as Go values.
func ExampleNew() {
	t := &exampleT{} // in a test: the *testing.T
	defer t.done()
	s := storetest.New(t, memstore.ModelOf[Team](), memstore.ModelOf[Player]())
	// Players first: Seed inserts in foreign key order anyway.
	s.Seed(t, []Player{{ID: 10, TeamID: 1, Name: "Kim"}}, Team{ID: 1, Name: "Owls"})
	rows, err := storetest.Rows[Player](s.Store)
	fmt.Println(rows, err)
	// Output: [{10 1 Kim}] <nil>
}

// NewConfig opens a store with explicit configurations, here without an
// owner cache.
func ExampleNewConfig() {
	t := &exampleT{}
	defer t.done()
	s := storetest.NewConfig(t, memstore.Config{Models: []memstore.Model{memstore.ModelOf[Team]()}}, cache.Config{Disabled: true})
	fmt.Println("cache enabled:", s.Cache.Enabled())
	// Output: cache enabled: false
}

// Seed loads Go values and makes them the state Reset goes back to.
func ExampleStore_Seed() {
	t := &exampleT{}
	defer t.done()
	s := storetest.New(t, memstore.ModelOf[Team](), memstore.ModelOf[Player]())
	s.Seed(t, []Team{{ID: 1, Name: "Owls"}, {ID: 2, Name: "Hawks"}}, &Player{TeamID: 2, Name: "Kim"})
	players, _ := storetest.Rows[Player](s.Store)
	fmt.Println(players)
	// Output: [{1 2 Kim}]
}

// SeedJSON loads fixture files: one document of every model, or a file per
// model named after it.
func ExampleStore_SeedJSON() {
	t := &exampleT{}
	defer t.done()
	s := storetest.New(t, memstore.ModelOf[Team](), memstore.ModelOf[Player]())
	s.SeedJSON(t, "testdata/example/league.json")
	teams, _ := storetest.Rows[Team](s.Store)
	players, _ := storetest.Rows[Player](s.Store)
	fmt.Println(teams, players)
	// Output: [{1 Owls} {2 Hawks}] [{10 2 Kim} {11 1 Lou}]
}

// Reset puts the store back to its seed in O(1); Run does it before each
// subtest.
func ExampleStore_Reset() {
	t := &exampleT{}
	defer t.done()
	s := storetest.New(t, memstore.ModelOf[Team](), memstore.ModelOf[Player]())
	s.SeedJSON(t, "testdata/example/league.json")
	_ = s.Update(context.Background(), func(tx *memstore.Tx) error { return tx.Delete(Team{ID: 1}) })
	players, _ := storetest.Rows[Player](s.Store)
	fmt.Println(len(players), "player after the delete")
	s.Reset(t)
	players, _ = storetest.Rows[Player](s.Store)
	fmt.Println(len(players), "players after Reset")
	// Output:
	// 1 player after the delete
	// 2 players after Reset
}

// Run is the idiom of a table test: each subtest starts from the seed, so
// the first case's delete does not leak into the second. It needs a real
// *testing.T, so this example is compiled but not run.
func ExampleStore_Run() {
	var t *testing.T // in a test: func TestPlayers(t *testing.T)
	s := storetest.New(t, memstore.ModelOf[Team](), memstore.ModelOf[Player]())
	s.SeedJSON(t, "testdata/example/league.json")
	for _, tc := range []struct {
		name   string
		delete int64 // a team
		want   []Player
	}{
		{"owls leave", 1, []Player{{ID: 10, TeamID: 2, Name: "Kim"}}},
		{"hawks leave", 2, []Player{{ID: 11, TeamID: 1, Name: "Lou"}}},
	} {
		s.Run(t, tc.name, func(t *testing.T) {
			err := s.Update(t.Context(), func(tx *memstore.Tx) error { return tx.Delete(Team{ID: tc.delete}) })
			if err != nil {
				t.Fatal(err)
			}
			storetest.AssertRows(t, s.Store, tc.want)
		})
	}
}

// Load inserts Go values in one transaction, in foreign key order; on error
// nothing is inserted.
func ExampleLoad() {
	t := &exampleT{}
	defer t.done()
	s := storetest.New(t, memstore.ModelOf[Team](), memstore.ModelOf[Player]())
	ctx := context.Background()
	err := storetest.Load(ctx, s.Store, Player{ID: 10, TeamID: 1, Name: "Kim"}, Team{ID: 1, Name: "Owls"})
	fmt.Println(err)
	err = storetest.Load(ctx, s.Store, Team{ID: 2, Name: "Hawks"}, Player{ID: 11, TeamID: 3, Name: "Lou"})
	fmt.Println(err)
	fmt.Println(errors.Is(err, memstore.ErrForeignKey))
	teams, _ := storetest.Rows[Team](s.Store)
	fmt.Println(teams)
	// Output:
	// <nil>
	// storetest: argument 2: record 1 (Player): memstore: insert Player 11: TeamID 3 references no Team
	// true
	// [{1 Owls}]
}

// LoadJSON loads fixture files; a dangling foreign key fails the whole load,
// naming the file, the record and the field.
func ExampleLoadJSON() {
	t := &exampleT{}
	defer t.done()
	s := storetest.New(t, memstore.ModelOf[Team](), memstore.ModelOf[Player]())
	ctx := context.Background()
	// The players' file comes first; the loader inserts the teams first anyway.
	err := storetest.LoadJSON(ctx, s.Store, "testdata/example/players.json", "testdata/example/teams.json")
	fmt.Println(err)
	// Player 13 references team 9, which does not exist: player 12 is not
	// inserted either.
	err = storetest.LoadJSON(ctx, s.Store, "testdata/example/dangling/players.json")
	fmt.Println(err)
	fmt.Println(errors.Is(err, memstore.ErrForeignKey))
	players, _ := storetest.Rows[Player](s.Store)
	fmt.Println(len(players), "players")
	// Output:
	// <nil>
	// storetest: testdata/example/dangling/players.json: record 2 (Player): memstore: insert Player 13: TeamID 9 references no Team
	// true
	// 2 players
}

// Rows reads a model's rows in key order, outside any test helper.
func ExampleRows() {
	t := &exampleT{}
	defer t.done()
	s := storetest.New(t, memstore.ModelOf[Team]())
	s.Seed(t, Team{ID: 2, Name: "Hawks"}, Team{ID: 1, Name: "Owls"})
	teams, err := storetest.Rows[Team](s.Store)
	fmt.Println(teams, err)
	// Output: [{1 Owls} {2 Hawks}] <nil>
}

// AssertForeignKeyError checks that an error is the foreign key violation
// expected.
func ExampleAssertForeignKeyError() {
	t := &exampleT{}
	defer t.done()
	s := storetest.New(t, memstore.ModelOf[Team](), memstore.ModelOf[Player]())
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		return tx.Insert(Player{TeamID: 7})
	})
	fmt.Println(err)
	fmt.Println(storetest.AssertForeignKeyError(t, err, "Player", "TeamID"))
	fmt.Println(storetest.AssertForeignKeyError(t, nil, "Player", "TeamID"))
	// Output:
	// memstore: insert Player: TeamID 7 references no Team
	// true
	// t.Errorf: error = <nil>, want a foreign key violation of Player.TeamID
	// false
}

// AssertRows compares a model's rows with go-cmp and reports a (-want +got)
// diff through t.Errorf.
func ExampleAssertRows() {
	t := &exampleT{}
	defer t.done()
	s := storetest.New(t, memstore.ModelOf[Team](), memstore.ModelOf[Player]())
	s.SeedJSON(t, "testdata/example/league.json")
	ok := storetest.AssertRows(t, s.Store, []Player{
		{ID: 10, TeamID: 2, Name: "Kim"},
		{ID: 11, TeamID: 1, Name: "Lou"},
	})
	fmt.Println("rows match:", ok)
	ok = storetest.AssertRows(t, s.Store, []Team{{ID: 1, Name: "Owls"}})
	fmt.Println("rows match:", ok)
	// Output:
	// rows match: true
	// t.Errorf: rows of storetest_test.Team mismatch (-want +got):
	// rows match: false
}

// IgnoreOrder compares rows as a multiset.
func ExampleIgnoreOrder() {
	t := &exampleT{}
	defer t.done()
	s := storetest.New(t, memstore.ModelOf[Team](), memstore.ModelOf[Player]())
	s.SeedJSON(t, "testdata/example/league.json")
	ok := storetest.AssertRows(t, s.Store, []Player{
		{ID: 11, TeamID: 1, Name: "Lou"},
		{ID: 10, TeamID: 2, Name: "Kim"},
	}, storetest.IgnoreOrder())
	fmt.Println("rows match:", ok)
	// Output: rows match: true
}

// AssertDump compares the whole store: a model absent from want must be
// empty.
func ExampleAssertDump() {
	t := &exampleT{}
	defer t.done()
	s := storetest.New(t, memstore.ModelOf[Team](), memstore.ModelOf[Player]())
	s.Seed(t, Team{ID: 1, Name: "Owls"})
	ok := storetest.AssertDump(t, s.Store, memstore.Dump{"Team": {Team{ID: 1, Name: "Owls"}}})
	fmt.Println("store matches:", ok)
	// Output: store matches: true
}

// CheckIntegrity verifies every invariant of the store.
func ExampleCheckIntegrity() {
	t := &exampleT{}
	defer t.done()
	s := storetest.New(t, memstore.ModelOf[Team](), memstore.ModelOf[Player]())
	s.SeedJSON(t, "testdata/example/league.json")
	fmt.Println("integrity holds:", storetest.CheckIntegrity(t, s.Store))
	// Output: integrity holds: true
}
