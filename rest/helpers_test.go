package rest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/relstore/relstore/datafile"
	"github.com/relstore/relstore/examples/shop"
	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/rest"
)

// shopServer is the shop example with its seed data behind a test server.
type shopServer struct {
	*httptest.Server
	store  *memstore.Store
	schema *lbmodel.Schema
	h      *rest.Handler
}

func newShop(t testing.TB, cfg rest.Config) *shopServer {
	t.Helper()
	schema, err := lbmodel.Load(shop.Models())
	if err != nil {
		t.Fatal(err)
	}
	store, err := schema.Open(memstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := datafile.Load(context.Background(), store, schema, "seed", shop.Data()); err != nil {
		t.Fatal(err)
	}
	cfg.Store, cfg.Schema = store, schema
	h, err := rest.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &shopServer{Server: srv, store: store, schema: schema, h: h}
}

// do sends a request and returns the status, the headers and the body.
func (s *shopServer) do(t testing.TB, method, path, body string) (int, http.Header, string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// json decodes a response body.
func decode(t testing.TB, body string) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, body)
	}
	return v
}

// count returns the rows of a model, through the API.
func (s *shopServer) count(t testing.TB, path string) int {
	t.Helper()
	st, _, body := s.do(t, "GET", "/api/"+path+"/count", "")
	if st != 200 {
		t.Fatalf("count %s: %d %s", path, st, body)
	}
	n, _ := decode(t, body).(map[string]any)["count"].(json.Number).Int64()
	return int(n)
}

// errorBody is LoopBack's error body.
type errorBody struct {
	Error struct {
		StatusCode int            `json:"statusCode"`
		Name       string         `json:"name"`
		Message    string         `json:"message"`
		Code       string         `json:"code"`
		Details    map[string]any `json:"details"`
	} `json:"error"`
}

func decodeError(t testing.TB, body string) errorBody {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.StatusCode == 0 {
		t.Fatalf("not an error body (%v): %s", err, body)
	}
	return e
}

// q escapes a query parameter value.
func q(s string) string { return url.QueryEscape(s) }
