package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
)

// The models of the Tx and Store examples, used by name as a tool that
// works on any model does (a fixture loader, a REST server): venues and the
// gigs played there.

type Venue struct {
	ID   int64  `relstore:"pk,auto"`
	Name string `relstore:"unique"`
}

type Gig struct {
	ID      int64 `relstore:"pk,auto"`
	VenueID int64 `relstore:"belongsTo=Venue"`
	Band    string
}

// openVenues opens a store with venue 1 (Roxy) and its gigs 1 (Low) and
// 2 (Wire), and venue 2 (Apollo) with gig 3 (Can).
func openVenues() *memstore.Store {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[Venue](), memstore.ModelOf[Gig](),
	}})
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		for _, v := range []any{
			Venue{Name: "Roxy"}, Venue{Name: "Apollo"},
			Gig{VenueID: 1, Band: "Low"}, Gig{VenueID: 1, Band: "Wire"}, Gig{VenueID: 2, Band: "Can"},
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
	return s
}

// Insert takes a value of any registered model; given a pointer, it writes
// the assigned auto key back.
func ExampleTx_Insert() {
	s := openVenues()
	defer s.Close()
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		g := Gig{VenueID: 2, Band: "Suicide"}
		if err := tx.Insert(&g); err != nil {
			return err
		}
		fmt.Println("gig", g.ID)

		err := tx.Insert(Venue{Name: "Roxy"})
		fmt.Println(err)
		fmt.Println(errors.Is(err, memstore.ErrUnique))
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// gig 4
	// memstore: insert Venue: Name Roxy already exists
	// true
	// memstore: insert Venue: Name Roxy already exists
}

// Get reads a row of a model named at run time; the key is converted to
// the key's type when that is exact.
func ExampleTx_Get() {
	s := openVenues()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		v, err := tx.Get("Gig", 2) // an untyped 2 is an int; the key is int64
		if err != nil {
			return err
		}
		fmt.Printf("%+v\n", v)

		_, err = tx.Get("Gig", 2.5)
		fmt.Println(errors.Is(err, memstore.ErrInvalid))
		_, err = tx.Get("Gig", 9)
		fmt.Println(errors.Is(err, memstore.ErrNotFound))
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// {ID:2 VenueID:1 Band:Wire}
	// true
	// true
}

// Update replaces the row with the value's key.
func ExampleTx_Update() {
	s := openVenues()
	defer s.Close()
	ctx := context.Background()
	err := s.Update(ctx, func(tx *memstore.Tx) error {
		return tx.Update(Gig{ID: 3, VenueID: 1, Band: "Can"})
	})
	fmt.Println(err)
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		return tx.Update(Gig{ID: 3, VenueID: 7, Band: "Can"})
	})
	fmt.Println(err)
	// Output:
	// <nil>
	// memstore: update Gig 3: VenueID 7 references no Venue
}

// ByFK reads the rows whose foreign key of a relation has a value, through
// the foreign key's index.
func ExampleTx_ByFK() {
	s := openVenues()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		gigs, err := tx.ByFK("Gig", "venue", 1)
		if err != nil {
			return err
		}
		for _, g := range gigs {
			fmt.Println(g.(Gig).Band)
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// Low
	// Wire
}

// Rows returns every row of a model, in key order.
func ExampleTx_Rows() {
	s := openVenues()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		rows, err := tx.Rows("Venue")
		fmt.Println(rows)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// [{1 Roxy} {2 Apollo}]
}

// Count counts the rows of a model where a condition holds; Exists asks
// whether there is one.
func ExampleTx_Count() {
	s := openVenues()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		n, err := tx.Count("Gig", filter.Eq("VenueID", 1))
		if err != nil {
			return err
		}
		all, err := tx.Count("Gig", filter.Cond{}) // the zero Cond matches every row
		fmt.Println(n, all)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 2 3
}

// Exists reports whether a row of a model matches a condition.
func ExampleTx_Exists() {
	s := openVenues()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		ok, err := tx.Exists("Gig", filter.Eq("Band", "Can"))
		fmt.Println(ok)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// true
}

// FindOne returns the first row a filter selects.
func ExampleTx_FindOne() {
	s := openVenues()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		g, err := tx.FindOne("Gig", filter.Filter{Order: []filter.Order{filter.Asc("Band")}})
		fmt.Println(g)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// {3 2 Can}
}

// DeleteAll deletes the rows of a model where a condition holds.
func ExampleTx_DeleteAll() {
	s := openVenues()
	defer s.Close()
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		n, err := tx.DeleteAll("Gig", filter.Eq("VenueID", 1))
		fmt.Println("deleted", n)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// deleted 2
}

// Dump returns every row of every model, for a test's go-cmp diff or a
// data file.
func ExampleTx_Dump() {
	s := openVenues()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		d, err := tx.Dump()
		fmt.Println(d["Venue"])
		fmt.Println(d["Gig"])
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// [{1 Roxy} {2 Apollo}]
	// [{1 1 Low} {2 1 Wire} {3 2 Can}]
}

// CheckIntegrity verifies every invariant of the store, for tests and
// fuzzers.
func ExampleTx_CheckIntegrity() {
	s := openVenues()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error { return tx.CheckIntegrity() })
	fmt.Println(err)
	// Output:
	// <nil>
}

// Latest tells a View of the latest state from one of an older snapshot.
func ExampleTx_Latest() {
	s := openVenues()
	defer s.Close()
	ctx := context.Background()
	snap, err := s.Snapshot()
	if err != nil {
		log.Fatal(err)
	}
	_ = s.Update(ctx, func(tx *memstore.Tx) error { fmt.Println(tx.Latest()); return tx.Delete(Gig{ID: 3}) })
	_ = s.View(ctx, func(tx *memstore.Tx) error { fmt.Println(tx.Latest()); return nil })
	_ = snap.View(ctx, func(tx *memstore.Tx) error { fmt.Println(tx.Latest()); return nil }) // older than the commit
	// Output:
	// false
	// true
	// false
}

// RaiseAutoKey makes the next auto key larger than a saved one (see
// ExampleTx_AutoKey).
func ExampleTx_RaiseAutoKey() {
	s := openVenues()
	defer s.Close()
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		if err := tx.RaiseAutoKey("Gig", int64(10)); err != nil {
			return err
		}
		g := Gig{VenueID: 1, Band: "Eno"}
		err := tx.Insert(&g)
		fmt.Println(g.ID)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 11
}

// Restore puts back a snapshot's state in O(1): what a test double does
// between tests.
func ExampleStore_Restore() {
	s := openVenues()
	defer s.Close()
	ctx := context.Background()
	snap, err := s.Snapshot()
	if err != nil {
		log.Fatal(err)
	}
	count := func() int {
		var n int
		if err := s.View(ctx, func(tx *memstore.Tx) error {
			var err error
			n, err = tx.Count("Gig", filter.Cond{})
			return err
		}); err != nil {
			log.Fatal(err)
		}
		return n
	}
	if err := s.Update(ctx, func(tx *memstore.Tx) error {
		_, err := tx.DeleteAll("Gig", filter.Cond{})
		return err
	}); err != nil {
		log.Fatal(err)
	}
	fmt.Println("gigs:", count())
	if err := s.Restore(ctx, snap); err != nil {
		log.Fatal(err)
	}
	fmt.Println("gigs after Restore:", count())
	// Output:
	// gigs: 0
	// gigs after Restore: 3
}

// A snapshot is read with its own View, whatever commits since.
func ExampleSnapshot_View() {
	s := openVenues()
	defer s.Close()
	ctx := context.Background()
	snap, err := s.Snapshot()
	if err != nil {
		log.Fatal(err)
	}
	if err := s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(Gig{ID: 1}) }); err != nil {
		log.Fatal(err)
	}
	err = snap.View(ctx, func(tx *memstore.Tx) error {
		rows, err := tx.Rows("Gig")
		fmt.Println(len(rows), "gigs in the snapshot")
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 3 gigs in the snapshot
}

// Models and Relation describe the schema, defaults resolved, for tools
// that work on any model.
func ExampleStore_Models() {
	s := openVenues()
	defer s.Close()
	for _, m := range s.Models() {
		fmt.Println(m.Name, m.Plural, m.Key, m.AutoKey, m.Unique)
	}
	// Output:
	// Venue Venues ID true [Name]
	// Gig Gigs ID true []
}

// Relation describes one relation; an unknown name lists those that exist.
func ExampleStore_Relation() {
	s := openVenues()
	defer s.Close()
	r, err := s.Relation("Gig", "venue")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Name, r.Kind, r.Target, r.FK, r.KeyTo, r.OnDelete)

	_, err = s.Relation("Gig", "place")
	fmt.Println(err)
	// Output:
	// venue belongsTo Venue VenueID ID restrict
	// memstore: invalid argument: relation "place": model Gig has no such relation (its relations: venue)
}

// Close ends the store: later calls return ErrClosed.
func ExampleStore_Close() {
	s := openVenues()
	fmt.Println(s.Close())
	err := s.View(context.Background(), func(tx *memstore.Tx) error { return nil })
	fmt.Println(errors.Is(err, memstore.ErrClosed))
	// Output:
	// <nil>
	// true
}
