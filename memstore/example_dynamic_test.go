package memstore_test

import (
	"context"
	"fmt"
	"log"
	"reflect"

	"github.com/relstore/relstore/memstore"
)

// A model whose struct type is built at run time, as a loader of model
// definitions does: the relstore tags work as on a declared type.
func ExampleModelOfType() {
	note := reflect.StructOf([]reflect.StructField{
		{Name: "ID", Type: reflect.TypeFor[int64](), Tag: `json:"id" relstore:"pk,auto"`},
		{Name: "Title", Type: reflect.TypeFor[string](), Tag: `json:"title" relstore:"unique"`},
	})
	m := memstore.ModelOfType(note)
	m.Name = "Note" // an unnamed type needs a name
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{m}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	row := reflect.New(note)
	row.Elem().Field(1).SetString("hello")
	if err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		return tx.Insert(row.Interface()) // a pointer: the key is written back
	}); err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Models()[0].Name, s.Models()[0].Unique, row.Elem().Field(0).Int())
	// Output:
	// Note [Title] 1
}

type autoNote struct {
	ID   int64 `relstore:"pk,auto"`
	Text string
}

// Saving the auto-key counter beside the rows keeps keys unique across
// restarts: the row with the largest key may have been deleted.
func ExampleTx_AutoKey() {
	ctx := context.Background()
	open := func() *memstore.Store {
		m := memstore.ModelOf[autoNote]()
		m.Name = "Note"
		s, err := memstore.New(memstore.Config{Models: []memstore.Model{m}})
		if err != nil {
			log.Fatal(err)
		}
		return s
	}
	s := open()
	if err := s.Update(ctx, func(tx *memstore.Tx) error {
		for range 3 {
			if err := tx.Insert(&autoNote{Text: "x"}); err != nil {
				return err
			}
		}
		return tx.Delete(autoNote{ID: 3})
	}); err != nil {
		log.Fatal(err)
	}
	var saved any
	if err := s.View(ctx, func(tx *memstore.Tx) error {
		last, ok, err := tx.AutoKey("Note")
		fmt.Println("saved:", last, ok)
		saved = last
		return err
	}); err != nil {
		log.Fatal(err)
	}
	s.Close()

	// A new store, loaded with the surviving rows and the counter.
	s = open()
	defer s.Close()
	if err := s.Update(ctx, func(tx *memstore.Tx) error {
		for _, id := range []int64{1, 2} {
			if err := tx.Insert(autoNote{ID: id, Text: "x"}); err != nil {
				return err
			}
		}
		if err := tx.RaiseAutoKey("Note", saved); err != nil {
			return err
		}
		n := autoNote{Text: "new"}
		err := tx.Insert(&n)
		fmt.Println("next key:", n.ID)
		return err
	}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// saved: 3 true
	// next key: 4
}

// Following the store's commits without being told about each write.
func ExampleStore_Watch() {
	ctx := context.Background()
	m := memstore.ModelOf[autoNote]()
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{m}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	n0, next := s.Watch()
	if err := s.Update(ctx, func(tx *memstore.Tx) error { return tx.Insert(autoNote{Text: "a"}) }); err != nil {
		log.Fatal(err)
	}
	<-next // closed by the commit
	n1, _ := s.Watch()
	fmt.Println(n1 - n0)
	// Output:
	// 1
}
