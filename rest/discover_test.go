package rest_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/relstore/relstore/rest"
)

func TestExplorerPage(t *testing.T) {
	s := newShop(t, rest.Config{})
	st, hdr, body := s.do(t, "GET", "/", "")
	if st != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %s", st, hdr.Get("Content-Type"))
	}
	for _, want := range []string{
		`<svg xmlns="http://www.w3.org/2000/svg" id="schema"`,
		`<g class="model" data-model="Customer" data-path="Customers">`,
		`<text class="edge-label"`, `>parent</text>`, // the category tree's self-reference
		`data-path="Orders" data-model="Order">Order <small>(4)</small>`,
		`8 models, 38 rows`,
		`id="filter"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	// Self-contained: nothing is loaded from elsewhere.
	if m := regexp.MustCompile(`(src|href)="(https?:)?//`).FindString(body); m != "" {
		t.Errorf("the page loads an external asset: %s", m)
	}
}

func TestOpenAPIDocument(t *testing.T) {
	s := newShop(t, rest.Config{})
	st, _, body := s.do(t, "GET", "/openapi.json", "")
	if st != 200 {
		t.Fatalf("GET /openapi.json = %d", st)
	}
	var doc struct {
		OpenAPI    string                    `json:"openapi"`
		Paths      map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	for path, methods := range map[string][]string{
		"/api/Customers":                       {"get", "post", "patch", "put", "delete"},
		"/api/Customers/{id}":                  {"get", "head", "put", "patch", "delete"},
		"/api/Customers/count":                 {"get"},
		"/api/Customers/findOne":               {"get"},
		"/api/Customers/update":                {"post"},
		"/api/Customers/upsertWithWhere":       {"post"},
		"/api/Customers/{id}/exists":           {"get"},
		"/api/Customers/{id}/replace":          {"post"},
		"/api/Orders/{id}/customer":            {"get"},
		"/api/Customers/{id}/orders":           {"get", "post", "delete"},
		"/api/Customers/{id}/orders/count":     {"get"},
		"/api/Customers/{id}/orders/{fk}":      {"get", "put", "delete"},
		"/api/Customers/{id}/address":          {"get", "post", "put", "delete"},
		"/api/Products/{id}/tags/rel/{fk}":     {"put", "delete", "head"},
		"/api/Categories/{id}/children/{fk}":   {"get", "put", "delete"},
		"/api/ProductTags/{id}/product":        {"get"},
		"/api/Tags/{id}/products/count":        {"get"},
		"/api/Products/{id}/category":          {"get"},
		"/api/Addresses/{id}/customer":         {"get"},
		"/api/Items/{id}/order":                {"get"},
		"/api/Categories/{id}/products/{fk}":   {"get"},
		"/api/Products/{id}/tags":              {"get", "post", "delete"},
		"/api/Customers/{id}/orders/{fk}/../x": nil,
	} {
		ops := doc.Paths[path]
		if methods == nil {
			if ops != nil {
				t.Errorf("unexpected path %s", path)
			}
			continue
		}
		for _, m := range methods {
			if ops[m] == nil {
				t.Errorf("%s %s is not documented", strings.ToUpper(m), path)
			}
		}
	}
	cust := doc.Components.Schemas["Customer"]
	if req, _ := cust["required"].([]any); len(req) != 2 {
		t.Errorf("Customer's required = %v, want name and email", cust["required"])
	}
}
