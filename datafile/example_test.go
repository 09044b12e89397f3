package datafile_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/relstore/relstore/datafile"
	"github.com/relstore/relstore/memstore"
)

type note struct {
	ID   int64  `json:"id" relstore:"pk,auto"`
	Text string `json:"text"`
}

func openNotes() *memstore.Store {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[note]()}})
	if err != nil {
		panic(err)
	}
	return s
}

func ExampleOpen() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "datafile")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "db.json")

	// First run: an empty store, a new file.
	s := openNotes()
	f, _, err := datafile.Open(ctx, s, datafile.Config{Path: path})
	if err != nil {
		panic(err)
	}
	_ = s.Update(ctx, func(tx *memstore.Tx) error { return tx.Insert(note{Text: "hello"}) })
	_ = s.Update(ctx, func(tx *memstore.Tx) error { return tx.Insert(note{Text: "bye"}) })
	_ = s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(note{ID: 2}) })
	if err := f.Close(); err != nil { // writes the last commits
		panic(err)
	}
	s.Close()

	// Second run: the rows and the key counter come back.
	s = openNotes()
	defer s.Close()
	f, report, err := datafile.Open(ctx, s, datafile.Config{Path: path})
	if err != nil {
		panic(err)
	}
	defer f.Close()
	fmt.Println(report)
	n := note{Text: "again"}
	_ = s.Update(ctx, func(tx *memstore.Tx) error { return tx.Insert(&n) })
	fmt.Println("new key:", n.ID) // 2 was used, and deleted
	// Output:
	// 1 rows in 1 models
	// new key: 3
}

func ExampleLoad() {
	s := openNotes()
	defer s.Close()
	data := []byte(`{"ids": {"note": 8}, "models": {"note": {"7": {"id": 7, "text": "hi", "color": "red"}}}}`)
	report, err := datafile.Load(context.Background(), s, nil, "db.json", data)
	fmt.Println(report, err)

	_, err = datafile.Load(context.Background(), s, nil, "db.json", []byte(`{"models": {"note": {"1": {"text": 5}}}}`))
	fmt.Println(err)
	// Output:
	// 1 rows in 1 models; removed note.color <nil>
	// datafile: db.json: model note: record 1: property text: want a string, got 5
}

func ExampleMarshal() {
	s := openNotes()
	defer s.Close()
	_ = s.Update(context.Background(), func(tx *memstore.Tx) error { return tx.Insert(note{Text: "hi"}) })
	data, err := datafile.Marshal(context.Background(), s, nil)
	if err != nil {
		panic(err)
	}
	fmt.Print(string(data))
	// Output:
	// {
	//   "ids": {
	//     "note": 2
	//   },
	//   "models": {
	//     "note": {
	//       "1": {"id":1,"text":"hi"}
	//     }
	//   },
	//   "schema": {
	//     "note": ["id", "text"]
	//   }
	// }
}

func ExampleSave() {
	s := openNotes()
	defer s.Close()
	_ = s.Update(context.Background(), func(tx *memstore.Tx) error { return tx.Insert(note{Text: "hi"}) })
	dir, _ := os.MkdirTemp("", "datafile")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "db.json")
	if err := datafile.Save(context.Background(), s, nil, path); err != nil {
		panic(err)
	}
	data, _ := os.ReadFile(path)
	fmt.Println(len(data) > 0)
	// Output:
	// true
}

// Flush waits until the file holds every commit made before it: for a
// backup, or before reading the file.
func ExampleFile_Flush() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "datafile")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "db.json")
	s := openNotes()
	defer s.Close()
	f, _, err := datafile.Open(ctx, s, datafile.Config{Path: path})
	if err != nil {
		panic(err)
	}
	defer f.Close()
	_ = s.Update(ctx, func(tx *memstore.Tx) error { return tx.Insert(note{Text: "hello"}) })
	if err := f.Flush(ctx); err != nil {
		panic(err)
	}
	data, _ := os.ReadFile(path)
	fmt.Println(strings.Contains(string(data), `"text":"hello"`))
	// Output:
	// true
}

// Close writes what is left and stops the writer; a second Close is
// ErrClosed.
func ExampleFile_Close() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "datafile")
	defer os.RemoveAll(dir)
	s := openNotes()
	defer s.Close()
	f, _, err := datafile.Open(ctx, s, datafile.Config{Path: filepath.Join(dir, "db.json")})
	if err != nil {
		panic(err)
	}
	fmt.Println(f.Close())
	fmt.Println(errors.Is(f.Close(), datafile.ErrClosed))
	// Output:
	// <nil>
	// true
}
