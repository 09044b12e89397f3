package memstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/relstore/relstore/memstore"
)

type tagged struct {
	Tags []string
}

// TagBadge promotes an exported slice from an unexported embedded struct.
type TagBadge struct {
	ID int64
	tagged
}

type HTTPRoute struct {
	ID int64
}

// WebLink's relation to HTTPRoute is declared in code: its default foreign key is
// HTTPRouteID, spelled as Go spells it.
type WebLink struct {
	ID          int64
	HTTPRouteID int64
}

func TestPromotedFieldsAreCopied(t *testing.T) {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[TagBadge]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	badges := mustTable[TagBadge, int64](t, s)
	in := TagBadge{ID: 1, tagged: tagged{Tags: []string{"gold"}}}
	mustUpdate(t, s, func(tx *memstore.Tx) error { _, err := badges.Insert(tx, in); return err })
	in.Tags[0] = "lead" // the caller changes its own value
	var out TagBadge
	mustView(t, s, func(tx *memstore.Tx) error { out, err = badges.Get(tx, 1); return err })
	if out.Tags[0] != "gold" {
		t.Fatalf("stored Tags after the caller changed its copy = %q, want gold", out.Tags)
	}
	out.Tags[0] = "tin" // and the value it got back
	mustView(t, s, func(tx *memstore.Tx) error { out, err = badges.Get(tx, 1); return err })
	if out.Tags[0] != "gold" {
		t.Errorf("stored Tags after the caller changed a returned copy = %q, want gold", out.Tags)
	}
}

func TestDefaultForeignKeyOfAnInitialism(t *testing.T) {
	link := memstore.ModelOf[WebLink]()
	link.Relations = []memstore.Relation{{Target: "HTTPRoute"}}
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[HTTPRoute](), link}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, m := range s.Models() {
		if m.Name != "WebLink" {
			continue
		}
		if r := m.Relations[0]; r.Name != "httpRoute" || r.FK != "HTTPRouteID" || r.Shadow {
			t.Errorf("relation = %+v, want name httpRoute, FK HTTPRouteID, not shadow", r)
		}
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error { return tx.Insert(WebLink{ID: 1, HTTPRouteID: 9}) })
	if !errors.Is(err, memstore.ErrForeignKey) {
		t.Errorf("insert with a dangling HTTPRouteID: error = %v, want ErrForeignKey", err)
	}
}

func TestAbortedErrorWrapsTheFirstError(t *testing.T) {
	s := newTestStore(t)
	var later error
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		_ = tx.Insert(Order{CustomerID: 99}) // fails: the transaction is aborted
		later = tx.Insert(Customer{Email: "a@x"})
		return later
	})
	if !errors.Is(later, memstore.ErrTxAborted) || !errors.Is(later, memstore.ErrForeignKey) {
		t.Errorf("later error = %v, want ErrTxAborted wrapping ErrForeignKey", later)
	}
	if !errors.Is(err, memstore.ErrForeignKey) {
		t.Errorf("Update error = %v, want it to match ErrForeignKey", err)
	}
}
