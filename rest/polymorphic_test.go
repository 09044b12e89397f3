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

// TestPolymorphicIntegrity: memstore enforces a polymorphic belongsTo per
// named model: a row must reference a row of the model its discriminator
// names, and deleting that row applies onDelete to the rows that name its
// model, and only to them (Employee 1 and Product 1 share the id 1).
func TestPolymorphicIntegrity(t *testing.T) {
	for _, c := range []struct {
		onDelete string
		status   int
		left     string // the pictures after DELETE /api/Employees/1
	}{
		{`"onDelete": "cascade",`, 200, `[{"id":2,"url":"pot.png","imageableId":1,"imageableType":"Product"}]`},
		{`"onDelete": "restrict",`, 409, `[{"id":1,"url":"eve.png","imageableId":1,"imageableType":"Employee"},{"id":2,"url":"pot.png","imageableId":1,"imageableType":"Product"}]`},
		{``, 409, `[{"id":1,"url":"eve.png","imageableId":1,"imageableType":"Employee"},{"id":2,"url":"pot.png","imageableId":1,"imageableType":"Product"}]`},
		{`"onDelete": "setNull",`, 200, `[{"id":1,"url":"eve.png","imageableType":"Employee"},{"id":2,"url":"pot.png","imageableId":1,"imageableType":"Product"}]`},
	} {
		t.Run("onDelete "+c.onDelete, func(t *testing.T) {
			s := newModelServer(t,
				"picture.json", `{"name": "Picture", "properties": {"url": "string"},
					"relations": {"imageable": {`+c.onDelete+` "type": "belongsTo", "polymorphic": true}}}`,
				"employee.json", `{"name": "Employee", "properties": {"name": "string"},
					"relations": {"pictures": {"type": "hasMany", "model": "Picture", "polymorphic": "imageable"}}}`,
				"product.json", `{"name": "Product", "properties": {"name": "string"},
					"relations": {"pictures": {"type": "hasMany", "model": "Picture", "polymorphic": "imageable"}}}`)
			s.mustDo(t, 200, "POST", "/api/Employees", `{"name":"Eve"}`)
			s.mustDo(t, 200, "POST", "/api/Products", `{"name":"Pot"}`)
			s.mustDo(t, 200, "POST", "/api/Employees/1/pictures", `{"url":"eve.png"}`)
			s.mustDo(t, 200, "POST", "/api/Products/1/pictures", `{"url":"pot.png"}`)

			for _, bad := range []string{
				`{"url":"x","imageableType":"Employee","imageableId":7}`,
				`{"url":"x","imageableType":"Nobody","imageableId":1}`,
			} {
				st, _, body := s.do(t, "POST", "/api/Pictures", bad)
				if e := decodeError(t, body); st != 422 || e.Error.Name != "ValidationError" || !strings.Contains(body, `"imageableId":["foreignKey"]`) {
					t.Errorf("POST %s = %d %s, want a 422 naming imageableId", bad, st, body)
				}
			}
			body := s.mustDo(t, c.status, "DELETE", "/api/Employees/1", "")
			if c.status == 409 && !strings.Contains(body, "FOREIGN_KEY_VIOLATION") {
				t.Errorf("a restricted delete = %s", body)
			}
			if got := strings.TrimSpace(s.mustDo(t, 200, "GET", "/api/Pictures", "")); got != c.left {
				t.Errorf("pictures after the delete = %s\nwant %s", got, c.left)
			}
		})
	}
}
