package memstore_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
)

// FuzzQuery binds and runs filters parsed from arbitrary JSON on refRow's
// store: binding never panics and refuses only with ErrInvalid, and a
// bound query's Find, All, Count, Exists and First agree with each other.
func FuzzQuery(f *testing.F) {
	for _, seed := range []string{
		`{}`,
		`{"where":{"Str":"a"},"order":"ID DESC","limit":3}`,
		`{"where":{"I8":{"inq":[1,2,-128]},"Str":{"like":"a%"}},"order":["Str ASC"],"skip":1}`,
		`{"where":{"or":[{"F64":null},{"F64":{"gt":0.5}}]},"order":["F64 DESC","Str ASC"],"limit":2}`,
		`{"where":{"PAt":{"between":["2026-01-01T00:00:00Z","2300-01-01T00:00:00Z"]}},"order":"PAt ASC,U DESC","after":["2026-01-01T00:00:00Z","00000000-0000-0000-0000-000000000000",5]}`,
		`{"where":{"email":{"regexp":"/^E1/i"}},"limit":9007199254740993,"skip":9007199254740993}`,
		`{"where":{"U16":{"nin":[]},"PB":{"neq":null}},"order":["Lvl DESC","Lvl ASC"],"after":[1,2,3]}`,
		`{"where":{"ownerId":3},"fields":["id","email"],"order":"I8 DESC","limit":1}`,
		`{"order":"Int DESC","limit":9223372036854775807,"skip":5}`,
	} {
		f.Add([]byte(seed))
	}
	r := rand.New(rand.NewPCG(1, 2))
	s, tab, _ := refStore(f, r, 60)
	f.Fuzz(func(t *testing.T, data []byte) {
		flt, err := filter.Parse(data)
		if err != nil {
			return
		}
		q, err := tab.Query(flt)
		if err != nil {
			if !errors.Is(err, memstore.ErrInvalid) || !errors.Is(err, filter.ErrInvalid) {
				t.Fatalf("Query(%s): %v, want ErrInvalid", data, err)
			}
			return
		}
		err = s.View(context.Background(), func(tx *memstore.Tx) error {
			rows, err := q.Find(tx)
			if err != nil {
				return err
			}
			n, err := q.Count(tx)
			if err != nil || n != len(rows) {
				t.Fatalf("%s: Count = %d, %v; Find has %d rows", data, n, err, len(rows))
			}
			ok, err := q.Exists(tx)
			if err != nil || ok != (len(rows) > 0) {
				t.Fatalf("%s: Exists = %v, %v; Find has %d rows", data, ok, err, len(rows))
			}
			first, err := q.First(tx)
			if len(rows) > 0 && (err != nil || first.ID != rows[0].ID) || len(rows) == 0 && !errors.Is(err, memstore.ErrNotFound) {
				t.Fatalf("%s: First = %d, %v; Find has %v", data, first.ID, err, idsOf(rows))
			}
			seq, err := q.All(tx)
			if err != nil {
				return err
			}
			i := 0
			for k := range seq {
				if i >= len(rows) || rows[i].ID != k {
					t.Fatalf("%s: All disagrees with Find at %d", data, i)
				}
				i++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
