package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
)

// The models of the Table examples: a warehouse's bins, keyed by a string
// code, and the items stored in them (auto key, unique SKU, cascade).

type Bin struct {
	ID    string
	Floor int
}

type Item struct {
	ID    int64  `relstore:"pk,auto"`
	SKU   string `relstore:"unique"`
	BinID string `relstore:"belongsTo=Bin,onDelete=cascade"`
	Qty   int
}

// openWarehouse opens a store with bins A1 (floor 1) and B2 (floor 2), and
// items 1 (bolt, 10 in A1), 2 (nut, 0 in A1) and 3 (gear, 4 in B2).
func openWarehouse() (*memstore.Store, *memstore.Table[Bin, string], *memstore.Table[Item, int64]) {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[Bin](), memstore.ModelOf[Item](),
	}})
	if err != nil {
		log.Fatal(err)
	}
	bins, err := memstore.TableOf[Bin, string](s)
	if err != nil {
		log.Fatal(err)
	}
	items, err := memstore.TableOf[Item, int64](s)
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		for _, b := range []Bin{{ID: "A1", Floor: 1}, {ID: "B2", Floor: 2}} {
			if _, err := bins.Insert(tx, b); err != nil {
				return err
			}
		}
		for _, it := range []Item{
			{SKU: "bolt", BinID: "A1", Qty: 10},
			{SKU: "nut", BinID: "A1"},
			{SKU: "gear", BinID: "B2", Qty: 4},
		} {
			if _, err := items.Insert(tx, it); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	return s, bins, items
}

// Get returns a copy of the row with a key; a missing key is ErrNotFound.
func ExampleTable_Get() {
	s, _, items := openWarehouse()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		it, err := items.Get(tx, 3)
		if err != nil {
			return err
		}
		fmt.Println(it.SKU, it.BinID, it.Qty)

		_, err = items.Get(tx, 9)
		fmt.Println(err)
		fmt.Println(errors.Is(err, memstore.ErrNotFound))
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// gear B2 4
	// memstore: get Item: no row with ID 9
	// true
}

// Update replaces the row with the value's key, checked like an insert.
func ExampleTable_Update() {
	s, _, items := openWarehouse()
	defer s.Close()
	ctx := context.Background()
	err := s.Update(ctx, func(tx *memstore.Tx) error {
		it, err := items.Get(tx, 1)
		if err != nil {
			return err
		}
		it.Qty = 7
		it.BinID = "B2" // move the bolts
		return items.Update(tx, it)
	})
	fmt.Println(err)

	// A bin that does not exist is refused, and nothing changes.
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		return items.Update(tx, Item{ID: 1, SKU: "bolt", BinID: "Z9"})
	})
	fmt.Println(err)
	// So is a row that does not exist.
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		return items.Update(tx, Item{ID: 9, SKU: "washer", BinID: "A1"})
	})
	fmt.Println(errors.Is(err, memstore.ErrNotFound))

	err = s.View(ctx, func(tx *memstore.Tx) error {
		it, err := items.Get(tx, 1)
		fmt.Println(it.BinID, it.Qty)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// <nil>
	// memstore: update Item 1: BinID Z9 references no Bin
	// true
	// B2 7
}

// Upsert inserts a row or replaces the one with its key.
func ExampleTable_Upsert() {
	s, bins, _ := openWarehouse()
	defer s.Close()
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		for _, b := range []Bin{{ID: "A1", Floor: 3}, {ID: "C3", Floor: 3}} {
			if _, err := bins.Upsert(tx, b); err != nil {
				return err
			}
		}
		all, err := bins.Scan(tx)
		if err != nil {
			return err
		}
		for id, b := range all {
			fmt.Println(id, b.Floor)
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// A1 3
	// B2 2
	// C3 3
}

// Range reads the rows whose key lies in [from, to), in key order.
func ExampleTable_Range() {
	s, _, items := openWarehouse()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		rows, err := items.Range(tx, 2, 4)
		if err != nil {
			return err
		}
		for id, it := range rows {
			fmt.Println(id, it.SKU)
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 2 nut
	// 3 gear
}

// Delete removes a row by key and applies the relations' onDelete: the
// items of a deleted bin go with it (cascade).
func ExampleTable_Delete() {
	s, bins, items := openWarehouse()
	defer s.Close()
	ctx := context.Background()
	err := s.Update(ctx, func(tx *memstore.Tx) error { return bins.Delete(tx, "A1") })
	fmt.Println(err)
	err = s.Update(ctx, func(tx *memstore.Tx) error { return bins.Delete(tx, "A1") })
	fmt.Println(errors.Is(err, memstore.ErrNotFound))
	err = s.View(ctx, func(tx *memstore.Tx) error {
		n, err := items.Count(tx)
		fmt.Println("items left:", n)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// <nil>
	// true
	// items left: 1
}

// Count and CountWhere count rows; Exists asks whether one matches.
func ExampleTable_CountWhere() {
	s, _, items := openWarehouse()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		all, err := items.Count(tx)
		if err != nil {
			return err
		}
		inA1, err := items.CountWhere(tx, filter.Eq("BinID", "A1"))
		if err != nil {
			return err
		}
		empty, err := items.Exists(tx, filter.Eq("Qty", 0))
		if err != nil {
			return err
		}
		fmt.Println(all, inA1, empty)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 3 2 true
}

// Count is the number of rows in the table.
func ExampleTable_Count() {
	s, _, items := openWarehouse()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		n, err := items.Count(tx)
		fmt.Println(n)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 3
}

// Exists reports whether some row matches a condition.
func ExampleTable_Exists() {
	s, _, items := openWarehouse()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		for _, sku := range []string{"gear", "washer"} {
			ok, err := items.Exists(tx, filter.Eq("SKU", sku))
			if err != nil {
				return err
			}
			fmt.Println(sku, ok)
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// gear true
	// washer false
}

// Find runs a filter and returns the rows, FindOne the first of them.
func ExampleTable_Find() {
	s, _, items := openWarehouse()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		stocked, err := items.Find(tx, filter.Filter{
			Where: filter.Gt("Qty", 0),
			Order: []filter.Order{filter.Desc("Qty")},
		})
		if err != nil {
			return err
		}
		for _, it := range stocked {
			fmt.Println(it.SKU, it.Qty)
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// bolt 10
	// gear 4
}

// FindOne returns the first row a filter selects, or ErrNotFound.
func ExampleTable_FindOne() {
	s, _, items := openWarehouse()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		it, err := items.FindOne(tx, filter.Filter{Where: filter.Eq("BinID", "B2")})
		if err != nil {
			return err
		}
		fmt.Println(it.SKU)
		_, err = items.FindOne(tx, filter.Filter{Where: filter.Gt("Qty", 100)})
		fmt.Println(errors.Is(err, memstore.ErrNotFound))
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// gear
	// true
}

// Lookup finds a row by a unique field.
func ExampleTable_Lookup() {
	s, _, items := openWarehouse()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		it, err := items.Lookup(tx, "SKU", "nut")
		if err != nil {
			return err
		}
		fmt.Println(it.ID, it.BinID)

		// Qty is not unique: Lookup refuses it.
		_, err = items.Lookup(tx, "Qty", 4)
		fmt.Println(errors.Is(err, memstore.ErrInvalid))
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 2 A1
	// true
}

// UpdateWhere changes every row a condition matches, DeleteWhere deletes
// them; both return how many rows they touched.
func ExampleTable_UpdateWhere() {
	s, _, items := openWarehouse()
	defer s.Close()
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		n, err := items.UpdateWhere(tx, filter.Eq("BinID", "A1"), func(it *Item) error {
			it.Qty += 5
			return nil
		})
		if err != nil {
			return err
		}
		fmt.Println("restocked:", n)
		all, err := items.Scan(tx)
		if err != nil {
			return err
		}
		for id, it := range all {
			fmt.Println(id, it.SKU, it.Qty)
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// restocked: 2
	// 1 bolt 15
	// 2 nut 5
	// 3 gear 4
}

// DeleteWhere deletes the rows a condition matches.
func ExampleTable_DeleteWhere() {
	s, _, items := openWarehouse()
	defer s.Close()
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		n, err := items.DeleteWhere(tx, filter.Eq("Qty", 0))
		if err != nil {
			return err
		}
		left, err := items.Count(tx)
		fmt.Println("deleted:", n, "left:", left)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// deleted: 1 left: 2
}

// UpdateKey replaces the row with a given key; v's key must be that key.
func ExampleTable_UpdateKey() {
	s, bins, _ := openWarehouse()
	defer s.Close()
	ctx := context.Background()
	err := s.Update(ctx, func(tx *memstore.Tx) error {
		return bins.UpdateKey(tx, "B2", Bin{ID: "B2", Floor: 5})
	})
	fmt.Println(err)
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		return bins.UpdateKey(tx, "B2", Bin{ID: "C3"})
	})
	fmt.Println(errors.Is(err, memstore.ErrInvalid))
	err = s.View(ctx, func(tx *memstore.Tx) error {
		b, err := bins.Get(tx, "B2")
		fmt.Println(b.Floor)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// <nil>
	// true
	// 5
}

// Name is the model's name, as errors and Tx's by-name methods use it.
func ExampleTable_Name() {
	s, bins, items := openWarehouse()
	defer s.Close()
	fmt.Println(bins.Name(), items.Name())
	// Output:
	// Bin Item
}
