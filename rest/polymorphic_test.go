package rest_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/rest"
)

func TestPolymorphicRoutes(t *testing.T) {
	schema, err := lbmodel.Compile(
		lbmodel.File{Name: "picture.json", Data: []byte(`{"name": "Picture", "properties": {"url": "string"},
			"relations": {"imageable": {"type": "belongsTo", "polymorphic": true}}}`)},
		lbmodel.File{Name: "employee.json", Data: []byte(`{"name": "Employee", "properties": {"name": "string"},
			"relations": {"pictures": {"type": "hasMany", "model": "Picture", "polymorphic": "imageable"}}}`)},
		lbmodel.File{Name: "product.json", Data: []byte(`{"name": "Product", "properties": {"name": "string"},
			"relations": {"pictures": {"type": "hasMany", "model": "Picture", "polymorphic": "imageable"}}}`)},
	)
	if err != nil {
		t.Fatal(err)
	}
	store, err := schema.Open(memstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	h, err := rest.New(rest.Config{Store: store, Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	s := &shopServer{Server: srv, store: store, schema: schema}
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/api/Employees", `{"name":"Eve"}`},
		{"POST", "/api/Products", `{"name":"Pot"}`},
		{"POST", "/api/Employees/1/pictures", `{"url":"eve.png"}`},
		{"POST", "/api/Products/1/pictures", `{"url":"pot.png"}`},
	} {
		if st, _, body := s.do(t, c.method, c.path, c.body); st != 200 {
			t.Fatalf("%s %s = %d %s", c.method, c.path, st, body)
		}
	}
	for path, want := range map[string]string{
		"/api/Pictures/1":           `{"id":1,"url":"eve.png","imageableId":1,"imageableType":"Employee"}`,
		"/api/Pictures/2/imageable": `{"id":1,"name":"Pot"}`,
		"/api/Employees/1/pictures": `[{"id":1,"url":"eve.png","imageableId":1,"imageableType":"Employee"}]`,
		"/api/Products/1/pictures":  `[{"id":2,"url":"pot.png","imageableId":1,"imageableType":"Product"}]`,
		`/api/Pictures?filter={"include":"imageable","fields":["id"]}`: `[{"id":1,"imageable":{"id":1,"name":"Eve"}},{"id":2,"imageable":{"id":1,"name":"Pot"}}]`,
	} {
		st, _, body := s.do(t, "GET", path, "")
		if st != 200 || strings.TrimSpace(body) != want {
			t.Errorf("GET %s = %d %s\nwant %s", path, st, body, want)
		}
	}
}
