package datafile_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"
	"time"

	"github.com/relstore/relstore/datafile"
	"github.com/relstore/relstore/memstore"
)

// TestCrashChild is the process TestSIGKILLDuringWrites kills: it opens the
// data file named by DATAFILE_CRASH_PATH and commits as fast as it can, each
// commit a customer and an order of hers, and every third time a second
// commit that deletes that order (so that reused keys would show).
func TestCrashChild(t *testing.T) {
	path := os.Getenv("DATAFILE_CRASH_PATH")
	if path == "" {
		t.Skip("the child of TestSIGKILLDuringWrites")
	}
	ctx := context.Background()
	schema := shopSchema(t)
	s := openStore(t, schema)
	f, _, err := datafile.Open(ctx, s, datafile.Config{Path: path, Schema: schema})
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(3)
	}
	defer f.Close()
	num := func(v int64) json.Number { return json.Number(fmt.Sprint(v)) }
	for i := 0; ; i++ {
		var oid int64
		err := s.Update(ctx, func(tx *memstore.Tx) error {
			c := newRow(t, schema, "Customer", map[string]any{"name": "c", "email": fmt.Sprintf("%d-%d@x", os.Getpid(), i)})
			if err := tx.Insert(c); err != nil {
				return err
			}
			cid := reflect.ValueOf(c).Elem().Field(0).Int()
			o := newRow(t, schema, "Order", map[string]any{"status": "new", "customerId": num(cid)})
			err := tx.Insert(o)
			oid = reflect.ValueOf(o).Elem().Field(0).Int()
			return err
		})
		if err == nil && i%3 == 2 {
			// Delete the newest order, in a commit of its own: the
			// largest key is then gone, and only the saved counter keeps
			// it from being handed out again.
			err = s.Update(ctx, func(tx *memstore.Tx) error {
				return tx.Delete(newRow(t, schema, "Order", map[string]any{"id": num(oid)}))
			})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "update:", err)
			os.Exit(3)
		}
	}
}

// TestSIGKILLDuringWrites kills a process that writes to its data file as
// fast as it can, at a random instant, again and again, reloading the file
// each time: the file is always whole (it loads, with every foreign key
// resolved), and no key is ever handed out twice across the restarts.
func TestSIGKILLDuringWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	schema := shopSchema(t)
	path := filepath.Join(t.TempDir(), "db.json")
	orderOwner := map[int64]int64{} // every order key ever seen, and its customer
	lastRows := 0
	lastNext := int64(0)
	const rounds = 8
	for round := range rounds {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "DATAFILE_CRASH_PATH="+path)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(100+rng.IntN(300)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("round %d: the child ended by itself: %v", round, err)
		}
		data, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			t.Logf("round %d: killed before the first write", round)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		s := openStore(t, schema)
		rep, err := datafile.Load(context.Background(), s, schema, path, data)
		if err != nil {
			t.Fatalf("round %d: the file after SIGKILL does not load: %v", round, err)
		}
		if err := s.View(context.Background(), func(tx *memstore.Tx) error { return tx.CheckIntegrity() }); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		rows := rep.Rows["Customer"]
		if rows < lastRows {
			t.Fatalf("round %d: %d customers, fewer than the %d of the last round", round, rows, lastRows)
		}
		lastRows = rows
		var f struct{ IDs map[string]int64 }
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatal(err)
		}
		next := f.IDs["Order"]
		t.Logf("round %d: %d customers, %d orders, next order key %d", round, rows, rep.Rows["Order"], next)
		if next < lastNext {
			t.Fatalf("round %d: next order key %d, below the %d of the last round", round, next, lastNext)
		}
		for _, o := range dump(t, s)["Order"] {
			v := reflect.ValueOf(o)
			id, cust := v.Field(0).Int(), v.FieldByName("CustomerId").Elem().Int()
			if id >= next {
				t.Fatalf("round %d: order %d at or above the next key %d", round, id, next)
			}
			prev, seen := orderOwner[id]
			if seen && prev != cust {
				t.Fatalf("round %d: order key %d reused: it was customer %d's, now %d's", round, id, prev, cust)
			}
			if !seen && id < lastNext {
				t.Fatalf("round %d: new order %d has a key below %d, the next key the last round's file promised: a key was handed out twice", round, id, lastNext)
			}
			orderOwner[id] = cust
		}
		lastNext = next
		s.Close()
	}
	if lastRows == 0 {
		t.Fatal("no round wrote anything")
	}
}
