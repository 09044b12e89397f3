package rest_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/rest"
)

// newModelServer serves a store of the given LoopBack model definitions
// (name: JSON), empty.
func newModelServer(t testing.TB, defs ...string) *shopServer {
	t.Helper()
	var files []lbmodel.File
	for i := 0; i < len(defs); i += 2 {
		files = append(files, lbmodel.File{Name: defs[i], Data: []byte(defs[i+1])})
	}
	schema, err := lbmodel.Compile(files...)
	if err != nil {
		t.Fatal(err)
	}
	store, err := schema.Open(memstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	h, err := rest.New(rest.Config{Store: store, Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &shopServer{Server: srv, store: store, schema: schema, h: h}
}

// mustDo sends a request that must answer want.
func (s *shopServer) mustDo(t testing.TB, want int, method, path, body string) string {
	t.Helper()
	st, _, b := s.do(t, method, path, body)
	if st != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, st, b, want)
	}
	return b
}

// ids returns the ids of a JSON array of rows.
func ids(t testing.TB, body string) []int {
	t.Helper()
	var rows []struct{ ID int }
	if err := json.Unmarshal([]byte(body), &rows); err != nil {
		t.Fatalf("not a list of rows: %v\n%s", err, body)
	}
	out := []int{}
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

const taskModel = `{"name": "Task", "properties": {
	"status": {"type": "string", "required": true, "index": true},
	"priority": {"type": "number"},
	"title": "string", "meta": "object"}}`

// newTasks serves tasks 1..8 with these statuses and priorities.
func newTasks(t testing.TB) *shopServer {
	t.Helper()
	s := newModelServer(t, "task.json", taskModel)
	s.mustDo(t, 200, "POST", "/api/Tasks", `[
		{"status": "open", "priority": 2, "title": "a"},
		{"status": "done", "priority": 1, "title": "b"},
		{"status": "open", "priority": 2, "title": "c"},
		{"status": "open", "title": "d"},
		{"status": "done", "priority": 3, "title": "e"},
		{"status": "open", "priority": 1, "title": "f"},
		{"status": "wait", "priority": 2, "title": "g"},
		{"status": "open", "priority": 2, "title": "h"}]`)
	return s
}

func TestFindPlannedFilters(t *testing.T) {
	s := newTasks(t)
	for _, c := range []struct {
		name, filter string
		want         []int
	}{
		{"an indexed field", `{"where":{"status":"open"}}`, []int{1, 3, 4, 6, 8}},
		{"an indexed field and a range", `{"where":{"status":"open","priority":{"gte":2}}}`, []int{1, 3, 8}},
		{"an inq on an indexed field, ordered by it", `{"where":{"status":{"inq":["wait","done"]}},"order":"status DESC"}`, []int{7, 5, 2}},
		{"several order fields, ties by primary key in the last one's direction", `{"order":["status ASC","priority DESC"]}`,
			[]int{5, 2, 4, 8, 3, 1, 6, 7}},
		{"ties by primary key ascending", `{"order":["priority ASC"],"where":{"priority":2}}`, []int{1, 3, 7, 8}},
		{"NULL last ascending", `{"where":{"status":"open"},"order":"priority ASC"}`, []int{6, 1, 3, 8, 4}},
		{"skip and limit after the order", `{"order":"priority DESC","skip":1,"limit":3}`, []int{5, 8, 7, 3}[:3]},
		{"a like", `{"where":{"title":{"like":"[a-c]"}}}`, []int{}},
		{"an or of an index and a range", `{"where":{"or":[{"status":"wait"},{"priority":{"lt":2}}]}}`, []int{2, 6, 7}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ids(t, s.mustDo(t, 200, "GET", "/api/Tasks?filter="+q(c.filter), ""))
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", c.filter, diff)
			}
		})
	}
}

func TestFindKeysetPages(t *testing.T) {
	s := newTasks(t)
	for _, order := range []string{`"priority DESC"`, `["status ASC","title DESC"]`, `"id DESC"`} {
		t.Run(order, func(t *testing.T) {
			all := ids(t, s.mustDo(t, 200, "GET", "/api/Tasks?filter="+q(`{"order":`+order+`}`), ""))
			var pages []int
			after := ""
			for range 10 {
				f := `{"order":` + order + `,"limit":3` + after + `}`
				st, hdr, body := s.do(t, "GET", "/api/Tasks?filter="+q(f), "")
				if st != 200 {
					t.Fatalf("GET %s = %d %s", f, st, body)
				}
				page := ids(t, body)
				pages = append(pages, page...)
				next := hdr.Get("X-Next-After")
				if len(page) < 3 {
					if next != "" {
						t.Errorf("a short page has X-Next-After %s", next)
					}
					break
				}
				if next == "" {
					t.Fatalf("a full page (%s) has no X-Next-After", f)
				}
				after = `,"after":` + next
			}
			if diff := cmp.Diff(all, pages); diff != "" {
				t.Errorf("pages differ from the whole list (-want +got):\n%s", diff)
			}
		})
	}
}

func TestQueryErrors(t *testing.T) {
	s := newTasks(t)
	for _, c := range []struct{ name, path, want string }{
		{"a bad value in a list names its index", "/api/Tasks?filter=" + q(`{"where":{"priority":{"inq":[1,"x"]}}}`),
			`filter: where.priority.inq[1]: want a number, got \"x\"`},
		{"like on a number", "/api/Tasks?filter=" + q(`{"where":{"priority":{"like":"1%"}}}`),
			`filter: where.priority.like: like applies to strings; priority is a number`},
		{"an unknown property inside an or", "/api/Tasks?filter=" + q(`{"where":{"or":[{"status":"open"},{"state":"x"}]}}`),
			`filter: where.or[1].state: unknown property \"state\" of Task (properties: \"id\",\"status\",\"priority\",\"title\",\"meta\")`},
		{"an object property in a where", "/api/Tasks?filter=" + q(`{"where":{"meta":{"gt":1}}}`),
			`filter: where.meta.gt: property meta has type object, which filters cannot compare`},
		{"an order on an object", "/api/Tasks?filter=" + q(`{"order":"meta"}`),
			`filter: order[0]: property meta has type object, which has no order`},
		{"an after that does not fit the order", "/api/Tasks?filter=" + q(`{"order":"status","after":["open"]}`),
			`filter: after: want 2 values`},
		{"an after of the wrong type", "/api/Tasks?filter=" + q(`{"order":"status","after":[1,2]}`),
			`after[0]: want a string, got 1`},
		{"a count's where", "/api/Tasks/count?where=" + q(`{"priority":{"gt":"high"}}`),
			`where.priority.gt: want a number, got \"high\"`},
		{"findOne's where", "/api/Tasks/findOne?filter=" + q(`{"where":{"status":{"between":["a",2]}}}`),
			`where.status.between[1]: want a string, got 2`},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, _, body := s.do(t, "GET", c.path, "")
			e := decodeError(t, body)
			if st != 400 || e.Error.Code != "INVALID_FILTER" || !strings.Contains(body, c.want) {
				t.Errorf("GET %s = %d %s\nwant 400 INVALID_FILTER with %s", c.path, st, body, c.want)
			}
		})
	}
	for _, c := range []struct{ method, path, body string }{
		{"DELETE", "/api/Tasks?where=" + q(`{"priority":{"gt":"x"}}`), ""},
		{"POST", "/api/Tasks/update?where=" + q(`{"title":{"regexp":1}}`), `{"title":"z"}`},
		{"POST", "/api/Tasks/upsertWithWhere?where=" + q(`{"priority":{"inq":[true]}}`), `{"title":"z"}`},
	} {
		st, _, body := s.do(t, c.method, c.path, c.body)
		if e := decodeError(t, body); st != 400 || e.Error.Code != "INVALID_FILTER" || !strings.Contains(body, "where.") {
			t.Errorf("%s %s = %d %s, want 400 INVALID_FILTER naming the path", c.method, c.path, st, body)
		}
	}
	if n := s.count(t, "Tasks"); n != 8 {
		t.Errorf("%d tasks after refused writes, want 8", n)
	}
}

// TestDeleteAllIsOneStatement: a delete of several rows applies the
// on-delete actions to all of them together, as memstore's bulk delete
// (and PostgreSQL's DELETE) does: a row that another deleted row
// restricts does not block it.
func TestDeleteAllIsOneStatement(t *testing.T) {
	s := newModelServer(t, "node.json", `{"name": "Node", "properties": {"name": "string"},
		"relations": {"parent": {"type": "belongsTo", "model": "Node", "foreignKey": "parentId"}}}`)
	s.mustDo(t, 200, "POST", "/api/Nodes", `[{"name":"root"},{"name":"kid","parentId":1},{"name":"other"}]`)
	if body := s.mustDo(t, 409, "DELETE", "/api/Nodes/1", ""); !strings.Contains(body, "FOREIGN_KEY_VIOLATION") {
		t.Errorf("delete of a referenced node: %s", body)
	}
	body := s.mustDo(t, 200, "DELETE", "/api/Nodes?where="+q(`{"name":{"inq":["root","kid"]}}`), "")
	if strings.TrimSpace(body) != `{"count":2}` {
		t.Errorf("delete of a node and its child = %s, want {\"count\":2}", body)
	}
	if got := ids(t, s.mustDo(t, 200, "GET", "/api/Nodes", "")); fmt.Sprint(got) != "[3]" {
		t.Errorf("left %v, want [3]", got)
	}
}
