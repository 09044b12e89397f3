package rest_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/rest"
)

// shadowOwner and shadowPet are Go structs whose foreign key has no field.
type shadowOwner struct {
	ID   int64    `json:"id" relstore:"pk,auto"`
	Name string   `json:"name"`
	_    struct{} `relstore:"hasMany=shadowPet,as=pets,foreignKey=ShadowOwnerID"`
}

type shadowPet struct {
	ID   int64  `json:"id" relstore:"pk,auto"`
	Name string `json:"name"`
}

// TestShadowForeignKeyServed: a shadow foreign key (memstore keeps it
// beside the row, with no struct field) is a property of the model, as
// LoopBack adds a foreign key the model does not declare: printed, set by
// a create, a patch, a replace, a scoped create and an update-all,
// filtered on, and followed by the relation routes and includes.
func TestShadowForeignKeyServed(t *testing.T) {
	pet := memstore.ModelOf[shadowPet]()
	pet.Relations = []memstore.Relation{{Name: "owner", Target: "shadowOwner", FK: "ShadowOwnerID", Shadow: true}}
	store, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[shadowOwner](), pet}})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	h, err := rest.New(rest.Config{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	s := &shopServer{Server: srv, store: store, h: h}
	for _, c := range []struct{ method, path, body, want string }{
		{"POST", "/api/shadowOwners", `[{"name":"a"},{"name":"b"}]`, `[{"id":1,"name":"a"},{"id":2,"name":"b"}]`},
		{"POST", "/api/shadowPets", `{"name":"rex","ShadowOwnerID":1}`, `{"id":1,"name":"rex","ShadowOwnerID":1}`},
		{"POST", "/api/shadowPets", `{"name":"tom"}`, `{"id":2,"name":"tom"}`},
		{"GET", "/api/shadowPets?filter=" + q(`{"where":{"ShadowOwnerID":1}}`), "", `[{"id":1,"name":"rex","ShadowOwnerID":1}]`},
		{"GET", "/api/shadowPets?filter=" + q(`{"where":{"ShadowOwnerID":null},"fields":["id"]}`), "", `[{"id":2}]`},
		{"GET", "/api/shadowPets/1/owner", "", `{"id":1,"name":"a"}`},
		{"GET", "/api/shadowOwners/1/pets", "", `[{"id":1,"name":"rex","ShadowOwnerID":1}]`},
		{"GET", "/api/shadowOwners?filter=" + q(`{"include":"pets"}`), "", `[{"id":1,"name":"a","pets":[{"id":1,"name":"rex","ShadowOwnerID":1}]},{"id":2,"name":"b","pets":[]}]`},
		{"GET", "/api/shadowPets?filter=" + q(`{"include":"owner","fields":["id"]}`), "", `[{"id":1,"owner":{"id":1,"name":"a"}},{"id":2,"owner":null}]`},
		{"PATCH", "/api/shadowPets/1", `{"name":"rex2"}`, `{"id":1,"name":"rex2","ShadowOwnerID":1}`},
		{"PATCH", "/api/shadowPets/1", `{"ShadowOwnerID":2}`, `{"id":1,"name":"rex2","ShadowOwnerID":2}`},
		{"PUT", "/api/shadowPets/1", `{"name":"rex3"}`, `{"id":1,"name":"rex3"}`},
		{"POST", "/api/shadowOwners/2/pets", `{"name":"kid"}`, `{"id":3,"name":"kid","ShadowOwnerID":2}`},
		{"GET", "/api/shadowOwners/2/pets/3", "", `{"id":3,"name":"kid","ShadowOwnerID":2}`},
		{"POST", "/api/shadowPets/update?where=" + q(`{"name":{"inq":["tom","rex3"]}}`), `{"ShadowOwnerID":1}`, `{"count":2}`},
		{"GET", "/api/shadowPets?filter=" + q(`{"order":"ShadowOwnerID DESC","fields":["id","ShadowOwnerID"]}`), "", `[{"id":3,"ShadowOwnerID":2},{"id":2,"ShadowOwnerID":1},{"id":1,"ShadowOwnerID":1}]`},
	} {
		if got := strings.TrimSpace(s.mustDo(t, 200, c.method, c.path, c.body)); got != c.want {
			t.Errorf("%s %s %s = %s\nwant %s", c.method, c.path, c.body, got, c.want)
		}
	}
	st, _, body := s.do(t, "POST", "/api/shadowPets", `{"name":"x","ShadowOwnerID":9}`)
	if e := decodeError(t, body); st != 422 || !strings.Contains(body, `"ShadowOwnerID":["foreignKey"]`) {
		t.Errorf("a dangling shadow key = %d %s (%v)", st, body, e)
	}
	st, _, body = s.do(t, "DELETE", "/api/shadowOwners/2", "")
	if st != 409 || !strings.Contains(body, "through ShadowOwnerID (relation owner") {
		t.Errorf("a restricted delete = %d %s", st, body)
	}
	st, _, body = s.do(t, "PATCH", "/api/shadowPets/1", `{"ShadowOwnerID":"x"}`)
	if st != 422 || !strings.Contains(body, `"ShadowOwnerID":["type"]`) {
		t.Errorf("a shadow key of the wrong type = %d %s", st, body)
	}
}
