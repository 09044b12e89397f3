package rest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relstore/relstore/datafile"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/rest"
)

func TestReadOnly(t *testing.T) {
	s := newShop(t, rest.Config{ReadOnly: true})
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/api/Tags", `{"name":"x"}`},
		{"PATCH", "/api/Tags/1", `{"name":"x"}`},
		{"PUT", "/api/Tags/1", `{"name":"x"}`},
		{"DELETE", "/api/Tags/1", ""},
		{"POST", "/api/Tags/update", `{"name":"x"}`},
		{"PUT", "/api/Products/1/tags/rel/2", ""},
		{"DELETE", "/api/Orders/1/items", ""},
	} {
		st, _, body := s.do(t, c.method, c.path, c.body)
		if e := decodeError(t, body); st != 403 || e.Error.Code != "READ_ONLY" {
			t.Errorf("%s %s = %d %s, want 403 READ_ONLY", c.method, c.path, st, body)
		}
	}
	if st, _, _ := s.do(t, "GET", "/api/Tags", ""); st != 200 {
		t.Errorf("GET in read-only mode = %d", st)
	}
	if n := s.count(t, "Tags"); n != 4 {
		t.Errorf("%d tags after refused writes, want 4", n)
	}
}

func TestCORS(t *testing.T) {
	preflight := func(s *shopServer, origin string) *http.Response {
		req, _ := http.NewRequest("OPTIONS", s.URL+"/api/Tags", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	off := newShop(t, rest.Config{})
	if resp := preflight(off, "http://example.com"); resp.Header.Get("Access-Control-Allow-Origin") != "" || resp.StatusCode == 204 {
		t.Errorf("CORS off: preflight %d with %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}
	on := newShop(t, rest.Config{AllowOrigins: []string{"http://example.com"}})
	resp := preflight(on, "http://example.com")
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "http://example.com" || !strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "PATCH") {
		t.Errorf("CORS on: preflight %d %v", resp.StatusCode, resp.Header)
	}
	if resp := preflight(on, "http://evil.example"); resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS allowed another origin")
	}
}

func TestBodyCap(t *testing.T) {
	s := newShop(t, rest.Config{MaxBodyBytes: 100})
	st, _, body := s.do(t, "POST", "/api/Tags", `{"name":"`+strings.Repeat("x", 200)+`"}`)
	if e := decodeError(t, body); st != 413 || e.Error.Code != "REQUEST_TOO_LARGE" {
		t.Errorf("a large body = %d %s", st, body)
	}
	if n := s.count(t, "Tags"); n != 4 {
		t.Errorf("%d tags, want 4", n)
	}
}

func TestLimitCapTruncates(t *testing.T) {
	s := newShop(t, rest.Config{MaxLimit: 2})
	st, hdr, body := s.do(t, "GET", "/api/Customers", "")
	if st != 200 || hdr.Get("X-Result-Truncated") != "true" || strings.Count(body, `"id"`) != 2 {
		t.Errorf("GET without a limit over MaxLimit = %d %v %s", st, hdr.Get("X-Result-Truncated"), body)
	}
	st, hdr, body = s.do(t, "GET", "/api/Customers?filter[limit]=2", "")
	if st != 200 || hdr.Get("X-Result-Truncated") != "" || strings.Count(body, `"id"`) != 2 {
		t.Errorf("GET with limit 2 = %d %v %s", st, hdr.Get("X-Result-Truncated"), body)
	}
}

func TestFilterDepthCap(t *testing.T) {
	s := newShop(t, rest.Config{MaxFilterDepth: 3})
	deep := `{"id":1}`
	for range 5 {
		deep = `{"or":[` + deep + `]}`
	}
	st, _, body := s.do(t, "GET", "/api/Customers?filter="+q(`{"where":`+deep+`}`), "")
	if e := decodeError(t, body); st != 400 || e.Error.Code != "INVALID_FILTER" {
		t.Errorf("a where nested 5 deep with MaxFilterDepth 3 = %d %s", st, body)
	}
}

// TestNoServerErrors throws malformed and hostile requests at every route:
// none may be answered with a 5xx, and the store must stay consistent.
func TestNoServerErrors(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	s := newShop(t, rest.Config{MaxLimit: 50})
	paths := []string{"/api/Customers", "/api/Orders/1", "/api/Orders/x", "/api/Orders/-1", "/api/Orders/9999999999999999999999",
		"/api/Customers/1/orders", "/api/Customers/1/orders/1", "/api/Customers/1/address", "/api/Products/1/tags/rel/1",
		"/api/Orders/1/customer", "/api/Categories/1/parent", "/api/Orders/count", "/api/Orders/findOne", "/api/Orders/update",
		"/api/Orders/upsertWithWhere", "/api/Orders/replaceOrCreate", "/api/Orders/1/replace", "/api/Orders/1/exists",
		"/api/Tags/1/products/count", "/api/%00", "/api/Orders/%2F", "/openapi.json", "/"}
	queries := []string{"", "?filter=", "?filter=null", "?filter=[]", "?filter=" + q(`{"where":{"id":{"inq":"x"}}}`),
		"?filter=" + q(`{"where":{"total":{"between":[1]}}}`), "?filter=" + q(`{"order":"total SIDEWAYS"}`),
		"?filter=" + q(`{"limit":-1}`), "?filter=" + q(`{"skip":1e400}`), "?filter=" + q(`{"where":{"note":{"regexp":"(?<=x)"}}}`),
		"?filter=" + q(`{"where":{"placedAt":"2026-13-45"}}`), "?filter=" + q(`{"include":{"relation":"items","scope":{"where":{"nope":1}}}}`),
		"?filter=" + q(`{"after":[1]}`), "?filter=" + q(`{"fields":{"id":"yes"}}`), "?filter[where][id][gt]=abc",
		"?filter[include][0][relation]=customer&filter[include][0][scope][limit]=5000", "?where=" + q(`{"or":{}}`), "?where=5",
		"?filter=" + q(`{"where":{"and":[{"total":{"gt":"NaN"}}]}}`), "?filter=" + q(`{"where":{"total":{"like":"1%"}}}`),
		"?filter=" + q(`{"where":{"sku":{"like":"\\"}}}`)}
	bodies := []string{"", "{", "[]", "[{}]", "null", `"x"`, "1", `{"id":"x"}`, `{"id":1e400}`, `{"total":"1"}`,
		`{"customerId":-5}`, `{"status":null}`, `{"name":123}`, `{"placedAt":true}`, `[1,2]`, `{"email":["a"]}`,
		`{"id":1,"name":"x","email":"ann@example.com"}`, `{"quantity":1.5,"price":-1,"orderId":1,"productId":1}`,
		`{"` + strings.Repeat("k", 2000) + `":1}`, `{"sku":"` + strings.Repeat("s", 3000) + `","name":"n","price":1}`}
	methods := []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
	for i := 0; i < 2000; i++ {
		m := methods[rng.IntN(len(methods))]
		p := paths[rng.IntN(len(paths))] + queries[rng.IntN(len(queries))]
		b := bodies[rng.IntN(len(bodies))]
		st, _, body := s.do(t, m, p, b)
		if st >= 500 {
			t.Fatalf("%s %s with %.60q = %d %s", m, p, b, st, body)
		}
	}
	err := s.store.View(context.Background(), func(tx *memstore.Tx) error { return tx.CheckIntegrity() })
	if err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentClients: N clients × M creates over HTTP leave exactly N×M
// rows, in the store and in the data file.
func TestConcurrentClients(t *testing.T) {
	ctx := context.Background()
	s := newShop(t, rest.Config{})
	path := filepath.Join(t.TempDir(), "db.json")
	f, _, err := datafile.Open(ctx, s.store, datafile.Config{Path: path, Schema: s.schema})
	if err != nil {
		t.Fatal(err)
	}
	const clients, creates = 8, 40
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range creates {
				body := fmt.Sprintf(`{"productId":%d,"quantity":%d,"price":1}`, 1+(c+i)%6, i+1)
				st, _, resp := s.do(t, "POST", "/api/Orders/3/items", body)
				if st != 200 {
					t.Errorf("create: %d %s", st, resp)
					return
				}
			}
		}()
	}
	wg.Wait()
	const want = 6 + clients*creates
	if n := s.count(t, "Items"); n != want {
		t.Errorf("%d items in the store, want %d", n, want)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.schema.Open(memstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep, err := datafile.Load(ctx, st, s.schema, path, data)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows["Item"] != want {
		t.Errorf("%d items in the file, want %d", rep.Rows["Item"], want)
	}
}
