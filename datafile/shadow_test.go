package datafile_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/relstore/relstore/datafile"
	"github.com/relstore/relstore/memstore"
)

// shNode is a Go struct whose foreign key to its parent has no field.
type shNode struct {
	ID   int64  `json:"id" relstore:"pk,auto"`
	Name string `json:"name"`
}

func openShadowStore(t *testing.T) *memstore.Store {
	t.Helper()
	m := memstore.ModelOf[shNode]()
	m.Relations = []memstore.Relation{{Name: "parent", Target: "shNode", FK: "ParentID", Shadow: true}}
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{m}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestShadowForeignKeyRoundTrip: a shadow foreign key (no struct field)
// is saved beside the row's fields and loaded back, a reference to a
// later row of the same model included.
func TestShadowForeignKeyRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openShadowStore(t)
	err := s.Update(ctx, func(tx *memstore.Tx) error {
		for _, n := range []shNode{{1, "root"}, {2, "kid"}, {3, "late parent"}} {
			if err := tx.InsertShadow(n, nil); err != nil {
				return err
			}
		}
		if err := tx.UpdateShadow(shNode{2, "kid"}, map[string]any{"ParentID": 1}); err != nil {
			return err
		}
		return tx.UpdateShadow(shNode{1, "root"}, map[string]any{"ParentID": 3})
	})
	if err != nil {
		t.Fatal(err)
	}
	data, err := datafile.Marshal(ctx, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"1": {"id":1,"name":"root","ParentID":3}`, `"2": {"id":2,"name":"kid","ParentID":1}`, `"3": {"id":3,"name":"late parent"}`} {
		if !strings.Contains(string(data), w) {
			t.Errorf("the file lacks %s:\n%s", w, data)
		}
	}
	s2 := openShadowStore(t)
	if _, err := datafile.Load(ctx, s2, nil, "db.json", data); err != nil {
		t.Fatalf("Load: %v", err)
	}
	parents := func(s *memstore.Store) map[int64]any {
		out := map[int64]any{}
		s.View(ctx, func(tx *memstore.Tx) error {
			for id := int64(1); id <= 3; id++ {
				sh, err := tx.ShadowOf(shNode{ID: id})
				if err != nil {
					t.Fatal(err)
				}
				out[id] = sh["ParentID"]
			}
			return nil
		})
		return out
	}
	if diff := cmp.Diff(parents(s), parents(s2)); diff != "" {
		t.Errorf("parents after a round trip (-want +got):\n%s", diff)
	}
	bad := strings.Replace(string(data), `"ParentID":1`, `"ParentID":9`, 1)
	if _, err := datafile.Load(ctx, openShadowStore(t), nil, "db.json", []byte(bad)); err == nil || !strings.Contains(err.Error(), "ParentID") {
		t.Errorf("Load of a dangling shadow key: %v", err)
	}
}
