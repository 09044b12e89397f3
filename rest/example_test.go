package rest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/rest"
)

// call sends a request to srv and prints the status and body.
func call(srv *httptest.Server, method, path, body string) {
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Printf("%d %s", resp.StatusCode, b)
}

// The same API over Go structs: properties are named by their json tags.
func ExampleNew() {
	type Customer struct {
		ID   int64  `json:"id" relstore:"pk,auto"`
		Name string `json:"name"`
	}
	type Order struct {
		ID         int64   `json:"id" relstore:"pk,auto"`
		CustomerID int64   `json:"customerId" relstore:"belongsTo=Customer"`
		Total      float64 `json:"total"`
	}
	store, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[Customer](), memstore.ModelOf[Order](),
	}})
	if err != nil {
		panic(err)
	}
	defer store.Close()
	h, err := rest.New(rest.Config{Store: store}) // mount h on any mux or server
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	call(srv, "POST", "/api/Customers", `{"name":"Ann"}`)
	call(srv, "POST", "/api/Orders", `{"customerId":1,"total":12.5}`)
	call(srv, "GET", "/api/Orders/1/customer", "")
	call(srv, "POST", "/api/Orders", `{"customerId":7}`)
	call(srv, "DELETE", "/api/Customers/1", "")
	// Output:
	// 200 {"id":1,"name":"Ann"}
	// 200 {"id":1,"customerId":1,"total":12.5}
	// 200 {"id":1,"name":"Ann"}
	// 422 {"error":{"statusCode":422,"name":"ValidationError","message":"The `Order` instance is not valid. Details: `customerId` references no Customer (value: 7).","details":{"codes":{"customerId":["foreignKey"]},"context":"Order","messages":{"customerId":["references no Customer"]}}}}
	// 409 {"error":{"statusCode":409,"name":"Error","message":"Cannot delete Customer 1: Order 1 references Customer 1 through customerId (relation customer, onDelete restrict).","code":"FOREIGN_KEY_VIOLATION","details":{"context":"Customer","property":"customerId","referrer":"Order","referrerId":1,"relation":"customer","target":"Customer","value":1}}}
}

// A LoopBack 3 application's models, with a hasMany route and an include.
func ExampleNew_loopBackModels() {
	schema, err := lbmodel.Compile(
		lbmodel.File{Name: "author.json", Data: []byte(`{"name": "Author",
			"properties": {"name": {"type": "string", "required": true}},
			"relations": {"posts": {"type": "hasMany", "model": "Post", "foreignKey": "authorId"}}}`)},
		lbmodel.File{Name: "post.json", Data: []byte(`{"name": "Post",
			"properties": {"title": {"type": "string", "required": true}},
			"relations": {"author": {"type": "belongsTo", "model": "Author", "foreignKey": "authorId", "onDelete": "cascade"}}}`)},
	)
	if err != nil {
		panic(err)
	}
	store, err := schema.Open(memstore.Config{})
	if err != nil {
		panic(err)
	}
	defer store.Close()
	h, err := rest.New(rest.Config{Store: store, Schema: schema})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	call(srv, "POST", "/api/Authors", `{"name":"Ann"}`)
	call(srv, "POST", "/api/Authors/1/posts", `{"title":"Hello"}`)
	call(srv, "GET", `/api/Authors?filter={"include":"posts"}`, "")
	call(srv, "POST", "/api/Posts", `{}`)
	// Output:
	// 200 {"id":1,"name":"Ann"}
	// 200 {"id":1,"title":"Hello","authorId":1}
	// 200 [{"id":1,"name":"Ann","posts":[{"id":1,"title":"Hello","authorId":1}]}]
	// 422 {"error":{"statusCode":422,"name":"ValidationError","message":"The `Post` instance is not valid. Details: `title` can't be blank (value: undefined).","details":{"codes":{"title":["presence"]},"context":"Post","messages":{"title":["can't be blank"]}}}}
}

func ExampleHandler_OpenAPI() {
	type Note struct {
		ID   int64  `json:"id" relstore:"pk,auto"`
		Text string `json:"text"`
	}
	store, _ := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Note]()}})
	defer store.Close()
	h, _ := rest.New(rest.Config{Store: store})
	doc := h.OpenAPI() // what GET /openapi.json serves
	paths := doc["paths"].(map[string]any)
	fmt.Println(doc["openapi"], len(paths))
	_, ok := paths["/api/Notes/{id}"]
	fmt.Println(ok)
	// Output:
	// 3.0.3 9
	// true
}

// A Handler serves requests directly too, as in a handler test with
// httptest.NewRecorder; a filter arrives in ?filter=.
func ExampleHandler_ServeHTTP() {
	type Note struct {
		ID   int64  `json:"id" relstore:"pk,auto"`
		Text string `json:"text"`
	}
	store, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Note]()}})
	if err != nil {
		panic(err)
	}
	defer store.Close()
	h, err := rest.New(rest.Config{Store: store})
	if err != nil {
		panic(err)
	}
	for _, r := range []*http.Request{
		httptest.NewRequest("POST", "/api/Notes", strings.NewReader(`{"text":"a"}`)),
		httptest.NewRequest("POST", "/api/Notes", strings.NewReader(`{"text":"b"}`)),
		httptest.NewRequest("GET", `/api/Notes?filter={"where":{"text":"b"}}`, nil),
		httptest.NewRequest("GET", "/api/Notes/count", nil),
	} {
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
	}
	// Output:
	// 200 {"id":1,"text":"a"}
	// 200 {"id":2,"text":"b"}
	// 200 [{"id":2,"text":"b"}]
	// 200 {"count":2}
}
