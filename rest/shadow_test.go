package rest_test

import (
	"strings"
	"testing"

	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/rest"
)

type shadowOwner struct {
	ID   int64    `json:"id"`
	Name string   `json:"name"`
	_    struct{} `relstore:"hasMany=shadowPet,as=pets,foreignKey=ShadowOwnerID"`
}

type shadowPet struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// TestShadowForeignKeyRefused: a shadow foreign key (memstore keeps it
// beside the row, with no struct field) cannot be printed, set from a body
// or patched through the API, so New refuses the store with a message
// that says which relation and what to declare, rather than serving the
// model without its foreign key.
func TestShadowForeignKeyRefused(t *testing.T) {
	pet := memstore.ModelOf[shadowPet]()
	pet.Relations = []memstore.Relation{{Name: "owner", Target: "shadowOwner", FK: "ShadowOwnerID", Shadow: true}}
	store, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[shadowOwner](), pet}})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	_, err = rest.New(rest.Config{Store: store})
	if err == nil {
		t.Fatal("New served a store with a shadow foreign key")
	}
	for _, w := range []string{"shadowPet", "ShadowOwnerID is a shadow column", "declare ShadowOwnerID as a field of shadowPet"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("New: %v\nwant it to say %q", err, w)
		}
	}
}
