package rest_test

import (
	"strings"
	"testing"

	"github.com/relstore/relstore/rest"
)

// route is one request and what its answer must be.
type route struct {
	name   string
	method string
	path   string
	body   string
	status int
	// want are substrings of the body; for an error, code is its code and
	// name its name.
	want  []string
	code  string
	ename string
	// then, if set, checks the store afterwards.
	then func(t *testing.T, s *shopServer)
}

func runRoutes(t *testing.T, routes []route) {
	t.Helper()
	for _, rt := range routes {
		t.Run(rt.name, func(t *testing.T) {
			s := newShop(t, rest.Config{})
			st, hdr, body := s.do(t, rt.method, rt.path, rt.body)
			if st != rt.status {
				t.Fatalf("%s %s = %d %s\nwant status %d", rt.method, rt.path, st, body, rt.status)
			}
			if rt.method != "HEAD" && st != 204 {
				if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("Content-Type = %q", ct)
				}
				decode(t, body)
			}
			for _, w := range rt.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s %s = %s\nwant it to contain %s", rt.method, rt.path, body, w)
				}
			}
			if st >= 400 && rt.method != "HEAD" {
				e := decodeError(t, body)
				if e.Error.StatusCode != st {
					t.Errorf("error body statusCode %d, status %d", e.Error.StatusCode, st)
				}
				name := rt.ename
				if name == "" {
					name = "Error"
				}
				if e.Error.Name != name || (rt.code != "" && e.Error.Code != rt.code) {
					t.Errorf("error %s/%s, want %s/%s: %s", e.Error.Name, e.Error.Code, name, rt.code, body)
				}
			}
			if rt.then != nil {
				rt.then(t, s)
			}
		})
	}
}

func countIs(path string, n int) func(*testing.T, *shopServer) {
	return func(t *testing.T, s *shopServer) {
		t.Helper()
		if got := s.count(t, path); got != n {
			t.Errorf("%s: %d rows, want %d", path, got, n)
		}
	}
}

func TestModelRoutes(t *testing.T) {
	runRoutes(t, []route{
		// find
		{name: "find every row", method: "GET", path: "/api/Customers", status: 200,
			want: []string{`[{"id":1,"name":"Ann Archer","email":"ann@example.com","createdAt":"2026-01-05T09:12:00Z"},{"id":2,`}},
		{name: "find with where, order and limit", method: "GET",
			path: "/api/Orders?filter=" + q(`{"where":{"total":{"gt":15}},"order":"total DESC","limit":2}`), status: 200,
			want: []string{`[{"id":2,`, `},{"id":1,`}},
		{name: "find with the query-string form", method: "GET", path: "/api/Orders?filter[where][status]=paid", status: 200,
			want: []string{`[{"id":2,"status":"paid"`}},
		{name: "find with fields", method: "GET", path: "/api/Orders?filter=" + q(`{"fields":["id","status"],"where":{"id":1}}`), status: 200,
			want: []string{`[{"id":1,"status":"delivered"}]`}},
		{name: "find with fields excluded", method: "GET", path: "/api/Customers?filter=" + q(`{"fields":{"createdAt":false,"email":false},"limit":1}`), status: 200,
			want: []string{`[{"id":1,"name":"Ann Archer"}]`}},
		{name: "find with nested include and a scope", method: "GET",
			path: "/api/Customers?filter=" + q(`{"where":{"id":1},"include":{"relation":"orders","scope":{"skip":1,"limit":1,"include":{"items":"product"}}}}`), status: 200,
			want: []string{`"orders":[{"id":2,`, `"items":[{"id":3,`, `"product":{"id":6,"sku":"POT-CLY"`}},
		{name: "find with several includes", method: "GET", path: "/api/Customers?filter=" + q(`{"where":{"id":3},"include":["orders","address"]}`), status: 200,
			want: []string{`"orders":[{"id":4,`, `"address":null`}},
		{name: "an empty include list is []", method: "GET", path: "/api/Customers?filter=" + q(`{"where":{"id":3},"include":"address","fields":["id"]}`), status: 200,
			want: []string{`[{"id":3,"address":null}]`}},
		{name: "find with a like", method: "GET", path: "/api/Products?filter=" + q(`{"where":{"sku":{"like":"TEA-%"}},"fields":["sku"]}`), status: 200,
			want: []string{`[{"sku":"TEA-SEN"},{"sku":"TEA-MAT"},{"sku":"TEA-ASS"}]`}},
		{name: "an unknown property is a 400 naming the path", method: "GET", path: "/api/Orders?filter=" + q(`{"where":{"totl":{"gt":1}}}`),
			status: 400, code: "INVALID_FILTER", want: []string{`where.totl.gt: unknown property`}},
		{name: "a value of the wrong type is a 400", method: "GET", path: "/api/Orders?filter=" + q(`{"where":{"placedAt":{"gt":12}}}`),
			status: 400, code: "INVALID_FILTER", want: []string{`where.placedAt.gt: want a time, got 12`}},
		{name: "an unknown relation in include is a 400", method: "GET", path: "/api/Orders?filter=" + q(`{"include":"buyer"}`),
			status: 400, code: "INVALID_FILTER", want: []string{`include[0]: Order has no relation \"buyer\" (relations: customer, items)`}},
		{name: "malformed filter JSON is a 400", method: "GET", path: "/api/Orders?filter=" + q(`{"where":`),
			status: 400, code: "INVALID_FILTER"},
		{name: "an unknown filter key is a 400", method: "GET", path: "/api/Orders?filter=" + q(`{"wher":{}}`),
			status: 400, code: "INVALID_FILTER"},
		{name: "a limit above the maximum is a 400", method: "GET", path: "/api/Orders?filter=" + q(`{"limit":5000}`),
			status: 400, code: "INVALID_FILTER", want: []string{"above this server's maximum, 1000"}},
		{name: "a deep include is a 400", method: "GET", path: "/api/Customers?filter=" + q(`{"include":{"orders":{"items":{"order":{"items":{"order":"items"}}}}}}`),
			status: 400, code: "INVALID_FILTER"},
		{name: "fields naming an unknown property is a 400", method: "GET", path: "/api/Orders?filter=" + q(`{"fields":["nope"]}`),
			status: 400, code: "INVALID_FILTER"},
		{name: "an unknown model is a 404", method: "GET", path: "/api/Custmers", status: 404, code: "ROUTE_NOT_FOUND",
			want: []string{"There is no model at /api/Custmers (models: Addresses, Categories, Customers, Items, Orders, ProductTags, Products, Tags)"}},

		// find by id, findOne, exists, count
		{name: "find by id", method: "GET", path: "/api/Customers/2", status: 200, want: []string{`{"id":2,"name":"Bob Baker"`}},
		{name: "find by id with include", method: "GET", path: "/api/Orders/1?filter=" + q(`{"include":"customer","fields":["id","customerId"]}`), status: 200,
			want: []string{`{"id":1,"customerId":1,"customer":{"id":1,"name":"Ann Archer"`}},
		{name: "find by an unknown id is a 404", method: "GET", path: "/api/Customers/99", status: 404, code: "MODEL_NOT_FOUND",
			want: []string{`Unknown \"Customer\" id \"99\".`}},
		{name: "find by an id that is no number is a 404", method: "GET", path: "/api/Customers/abc", status: 404, code: "MODEL_NOT_FOUND"},
		{name: "find by id refuses a where", method: "GET", path: "/api/Customers/1?filter=" + q(`{"where":{"id":2}}`), status: 400, code: "INVALID_FILTER"},
		{name: "findOne", method: "GET", path: "/api/Orders/findOne?filter=" + q(`{"where":{"status":"new"}}`), status: 200, want: []string{`{"id":3,`}},
		{name: "findOne without a match is a 404", method: "GET", path: "/api/Orders/findOne?filter=" + q(`{"where":{"status":"lost"}}`), status: 404, code: "MODEL_NOT_FOUND"},
		{name: "exists", method: "GET", path: "/api/Orders/1/exists", status: 200, want: []string{`{"exists":true}`}},
		{name: "exists, not", method: "GET", path: "/api/Orders/77/exists", status: 200, want: []string{`{"exists":false}`}},
		{name: "HEAD of a row", method: "HEAD", path: "/api/Orders/1", status: 200},
		{name: "HEAD of a missing row", method: "HEAD", path: "/api/Orders/77", status: 404},
		{name: "count", method: "GET", path: "/api/Orders/count", status: 200, want: []string{`{"count":4}`}},
		{name: "count with where", method: "GET", path: "/api/Orders/count?where=" + q(`{"status":{"inq":["new","paid"]}}`), status: 200, want: []string{`{"count":2}`}},
		{name: "count with the query-string where", method: "GET", path: "/api/Orders/count?where[customerId]=1", status: 200, want: []string{`{"count":2}`}},
		{name: "count with a bad where is a 400", method: "GET", path: "/api/Orders/count?where=" + q(`{"status":{"gt":1}}`), status: 400, code: "INVALID_FILTER"},

		// create
		{name: "create one, with defaults", method: "POST", path: "/api/Orders", body: `{"customerId":2}`, status: 200,
			want: []string{`{"id":5,"status":"new","total":0,"placedAt":"`, `"customerId":2}`}, then: countIs("Orders", 5)},
		{name: "create many", method: "POST", path: "/api/Tags", body: `[{"name":"a"},{"name":"b"}]`, status: 200,
			want: []string{`[{"id":5,"name":"a"},{"id":6,"name":"b"}]`}, then: countIs("Tags", 6)},
		{name: "create many is all or nothing", method: "POST", path: "/api/Tags", body: `[{"name":"a"},{"name":"organic"}]`, status: 422,
			ename: "ValidationError", then: countIs("Tags", 4)},
		{name: "create with an explicit id", method: "POST", path: "/api/Tags", body: `{"id":40,"name":"x"}`, status: 200, want: []string{`{"id":40,`}},
		{name: "an unknown property is a 422", method: "POST", path: "/api/Tags", body: `{"name":"x","colour":"red"}`, status: 422, ename: "ValidationError",
			want: []string{"`colour` is not defined in the model", `"codes":{"colour":["unknown-property"]}`}},
		{name: "a missing required property is a 422", method: "POST", path: "/api/Customers", body: `{"name":"Dee"}`, status: 422, ename: "ValidationError",
			want: []string{"The `Customer` instance is not valid. Details: `email` can't be blank (value: undefined).", `"codes":{"email":["presence"]}`}},
		{name: "a value of the wrong type is a 422", method: "POST", path: "/api/Products", body: `{"sku":"S","name":"n","price":"cheap"}`, status: 422, ename: "ValidationError",
			want: []string{`"codes":{"price":["type"]}`, "want a number"}},
		{name: "several problems at once", method: "POST", path: "/api/Products", body: `{"price":true}`, status: 422, ename: "ValidationError",
			want: []string{`"sku":["presence"]`, `"name":["presence"]`, `"price":["type"]`}},
		{name: "a dangling foreign key is a 422", method: "POST", path: "/api/Orders", body: `{"customerId":99}`, status: 422, ename: "ValidationError",
			want: []string{"`customerId` references no Customer (value: 99)", `"codes":{"customerId":["foreignKey"]}`}, then: countIs("Orders", 4)},
		{name: "a duplicate unique value is a 422", method: "POST", path: "/api/Customers", body: `{"name":"A","email":"ann@example.com"}`, status: 422, ename: "ValidationError",
			want: []string{`"codes":{"email":["uniqueness"]}`}},
		{name: "a duplicate pair of a unique index is a 422 naming both", method: "POST", path: "/api/ProductTags", body: `{"productId":1,"tagId":1}`, status: 422, ename: "ValidationError",
			want: []string{`"productId":["uniqueness"]`, `"tagId":["uniqueness"]`}},
		{name: "a duplicate id is a 409", method: "POST", path: "/api/Tags", body: `{"id":1,"name":"x"}`, status: 409, code: "DUPLICATE_ID",
			want: []string{"Duplicate entry for Tag.id (value: 1)."}},
		{name: "a second hasOne is a 422", method: "POST", path: "/api/Addresses", body: `{"customerId":1,"street":"s","city":"c"}`, status: 422, ename: "ValidationError",
			want: []string{`"customerId":["uniqueness"]`}},
		{name: "malformed JSON is a 400", method: "POST", path: "/api/Tags", body: `{"name":`, status: 400, code: "BAD_REQUEST"},
		{name: "a body that is no object is a 400", method: "POST", path: "/api/Tags", body: `"tag"`, status: 400, code: "BAD_REQUEST"},
		{name: "a date in another form is a 422", method: "POST", path: "/api/Orders", body: `{"placedAt":"yesterday"}`, status: 422, ename: "ValidationError",
			want: []string{`"placedAt":["date"]`}},

		// upserts
		{name: "patchOrCreate patches an existing row", method: "PATCH", path: "/api/Orders", body: `{"id":1,"note":"hi"}`, status: 200,
			want: []string{`{"id":1,"status":"delivered","total":27.5,"placedAt":"2026-01-06T10:00:00Z","note":"hi","customerId":1}`}},
		{name: "patchOrCreate creates", method: "PATCH", path: "/api/Tags", body: `{"id":9,"name":"n"}`, status: 200, want: []string{`{"id":9,"name":"n"}`}, then: countIs("Tags", 5)},
		{name: "replaceOrCreate replaces the whole row", method: "PUT", path: "/api/Orders", body: `{"id":2,"customerId":1}`, status: 200,
			want: []string{`{"id":2,"status":"new","total":0,`, `"customerId":1}`}},
		{name: "POST replaceOrCreate", method: "POST", path: "/api/Tags/replaceOrCreate", body: `{"id":1,"name":"bio"}`, status: 200, want: []string{`{"id":1,"name":"bio"}`}},
		{name: "upsertWithWhere patches the one match", method: "POST", path: "/api/Customers/upsertWithWhere?where=" + q(`{"email":"bob@example.com"}`),
			body: `{"name":"Robert"}`, status: 200, want: []string{`{"id":2,"name":"Robert"`}},
		{name: "upsertWithWhere creates without a match", method: "POST", path: "/api/Tags/upsertWithWhere?where=" + q(`{"name":"zzz"}`),
			body: `{"name":"zzz"}`, status: 200, want: []string{`{"id":5,"name":"zzz"}`}},
		{name: "upsertWithWhere refuses several matches", method: "POST", path: "/api/Orders/upsertWithWhere?where=" + q(`{"customerId":1}`),
			body: `{"note":"x"}`, status: 400},

		// by id
		{name: "replace by id", method: "PUT", path: "/api/Products/1", body: `{"sku":"TEA-SEN","name":"Sencha","price":7}`, status: 200,
			want: []string{`{"id":1,"sku":"TEA-SEN","name":"Sencha","price":7,"inStock":true}`}},
		{name: "POST replace by id", method: "POST", path: "/api/Tags/1/replace", body: `{"name":"bio"}`, status: 200, want: []string{`{"id":1,"name":"bio"}`}},
		{name: "replace of a missing row is a 404", method: "PUT", path: "/api/Tags/99", body: `{"name":"x"}`, status: 404, code: "MODEL_NOT_FOUND"},
		{name: "an id in the body that differs from the path's is a 400", method: "PUT", path: "/api/Tags/1", body: `{"id":2,"name":"x"}`, status: 400},
		{name: "patch by id", method: "PATCH", path: "/api/Orders/3", body: `{"status":"paid"}`, status: 200, want: []string{`{"id":3,"status":"paid","total":16.5`}},
		{name: "patch a required property to null is a 422", method: "PATCH", path: "/api/Orders/3", body: `{"status":null}`, status: 422, ename: "ValidationError"},
		{name: "patch an optional property to null clears it", method: "PATCH", path: "/api/Orders/2", body: `{"note":null}`, status: 200, want: []string{`"total":32,"placedAt":"2026-02-14T08:30:00Z","customerId":1}`}},
		{name: "moving a row to a missing owner is a 422", method: "PATCH", path: "/api/Orders/3", body: `{"customerId":42}`, status: 422, ename: "ValidationError"},

		// deletes
		{name: "delete by id", method: "DELETE", path: "/api/Tags/4", status: 200, want: []string{`{"count":1}`}, then: countIs("ProductTags", 6)},
		{name: "delete of a missing row counts 0", method: "DELETE", path: "/api/Tags/40", status: 200, want: []string{`{"count":0}`}},
		{name: "delete cascades", method: "DELETE", path: "/api/Orders/1", status: 200, want: []string{`{"count":1}`}, then: countIs("Items", 4)},
		{name: "a delete that restrict refuses is a 409 naming the referrer", method: "DELETE", path: "/api/Customers/1", status: 409, code: "FOREIGN_KEY_VIOLATION",
			want: []string{"Cannot delete Customer 1: Order 1 references Customer 1 through customerId (relation customer, onDelete restrict).", `"referrer":"Order"`},
			then: countIs("Customers", 3)},
		{name: "setNull clears the children", method: "DELETE", path: "/api/Categories/2", status: 200, want: []string{`{"count":1}`},
			then: func(t *testing.T, s *shopServer) {
				if _, _, body := s.do(t, "GET", "/api/Categories/3", ""); body != `{"id":3,"name":"Green tea"}`+"\n" {
					t.Errorf("category 3 after its parent's delete: %s", body)
				}
			}},
		{name: "delete all with where", method: "DELETE", path: "/api/Items?where=" + q(`{"price":{"lt":7}}`), status: 200, want: []string{`{"count":3}`}, then: countIs("Items", 3)},
		{name: "delete all needs a where", method: "DELETE", path: "/api/Items", status: 400, then: countIs("Items", 6)},
		{name: "delete all refused by restrict deletes nothing", method: "DELETE", path: "/api/Customers?where={}", status: 409, code: "FOREIGN_KEY_VIOLATION", then: countIs("Customers", 3)},
		{name: "update all", method: "POST", path: "/api/Orders/update?where=" + q(`{"customerId":1}`), body: `{"note":"vip"}`, status: 200, want: []string{`{"count":2}`}},
		{name: "update all with an unknown property is a 422", method: "POST", path: "/api/Orders/update", body: `{"nope":1}`, status: 422, ename: "ValidationError"},
		{name: "update all cannot change ids", method: "POST", path: "/api/Orders/update", body: `{"id":1}`, status: 400},
		{name: "update all to a dangling foreign key is a 422 and changes nothing", method: "POST", path: "/api/Orders/update", body: `{"customerId":99}`, status: 422, ename: "ValidationError",
			then: func(t *testing.T, s *shopServer) {
				if _, _, body := s.do(t, "GET", "/api/Orders/1", ""); !strings.Contains(body, `"customerId":1`) {
					t.Errorf("order 1 changed: %s", body)
				}
			}},

		// other methods
		{name: "an unknown route is a 404", method: "GET", path: "/api/Orders/1/exists/now", status: 404, code: "ROUTE_NOT_FOUND"},
		{name: "a method no route has is a 404", method: "PATCH", path: "/api/Orders/1/exists", status: 404, code: "ROUTE_NOT_FOUND"},
		{name: "outside the API", method: "GET", path: "/nope", status: 404, code: "ROUTE_NOT_FOUND"},
	})
}

func TestRelationRoutes(t *testing.T) {
	runRoutes(t, []route{
		// belongsTo
		{name: "belongsTo", method: "GET", path: "/api/Orders/3/customer", status: 200, want: []string{`{"id":2,"name":"Bob Baker"`}},
		{name: "belongsTo of a tree", method: "GET", path: "/api/Categories/3/parent", status: 200, want: []string{`{"id":2,"name":"Tea","parentId":1}`}},
		{name: "belongsTo with a null foreign key is a 404", method: "GET", path: "/api/Categories/1/parent", status: 404, code: "RELATION_EMPTY",
			want: []string{"Category 1 has no parent: its parentId is null."}},
		{name: "belongsTo of a missing row is a 404", method: "GET", path: "/api/Orders/9/customer", status: 404, code: "MODEL_NOT_FOUND"},
		{name: "an unknown relation is a 404", method: "GET", path: "/api/Orders/1/buyer", status: 404, code: "ROUTE_NOT_FOUND",
			want: []string{`Order has no relation \"buyer\" (relations: customer, items).`}},
		{name: "POST to a belongsTo is a 404", method: "POST", path: "/api/Orders/1/customer", body: `{}`, status: 404, code: "ROUTE_NOT_FOUND"},

		// hasMany
		{name: "hasMany list", method: "GET", path: "/api/Customers/1/orders", status: 200, want: []string{`[{"id":1,`, `},{"id":2,`}},
		{name: "hasMany list with a filter", method: "GET", path: "/api/Customers/1/orders?filter=" + q(`{"where":{"status":"paid"},"fields":["id"]}`), status: 200, want: []string{`[{"id":2}]`}},
		{name: "hasMany of a tree", method: "GET", path: "/api/Categories/2/children", status: 200, want: []string{`[{"id":3,"name":"Green tea","parentId":2},{"id":4,"name":"Black tea","parentId":2}]`}},
		{name: "hasMany of a missing owner is a 404", method: "GET", path: "/api/Customers/9/orders", status: 404, code: "MODEL_NOT_FOUND"},
		{name: "hasMany count", method: "GET", path: "/api/Customers/1/orders/count", status: 200, want: []string{`{"count":2}`}},
		{name: "hasMany count with where", method: "GET", path: "/api/Customers/1/orders/count?where=" + q(`{"status":"paid"}`), status: 200, want: []string{`{"count":1}`}},
		{name: "hasMany create sets the foreign key", method: "POST", path: "/api/Customers/3/orders", body: `{"total":5}`, status: 200,
			want: []string{`"total":5,`, `"customerId":3}`}, then: countIs("Orders", 5)},
		{name: "hasMany create many", method: "POST", path: "/api/Orders/4/items", body: `[{"productId":1,"quantity":1,"price":1},{"productId":2,"quantity":1,"price":2}]`, status: 200,
			want: []string{`"orderId":4,"productId":1}`, `"orderId":4,"productId":2}`}},
		{name: "hasMany create with another owner is a 400", method: "POST", path: "/api/Customers/3/orders", body: `{"customerId":1}`, status: 400, code: "BAD_REQUEST",
			then: countIs("Orders", 4)},
		{name: "hasMany find by id", method: "GET", path: "/api/Customers/1/orders/2", status: 200, want: []string{`{"id":2,"status":"paid"`}},
		{name: "hasMany find by id of another owner's row is a 404", method: "GET", path: "/api/Customers/1/orders/3", status: 404, code: "MODEL_NOT_FOUND"},
		{name: "hasMany update by id", method: "PUT", path: "/api/Customers/1/orders/2", body: `{"note":"x"}`, status: 200, want: []string{`"note":"x","customerId":1}`}},
		{name: "hasMany update by id cannot move the row", method: "PUT", path: "/api/Customers/1/orders/2", body: `{"customerId":2}`, status: 400, code: "BAD_REQUEST"},
		{name: "hasMany delete by id", method: "DELETE", path: "/api/Customers/1/orders/2", status: 204, then: countIs("Orders", 3)},
		{name: "hasMany delete all", method: "DELETE", path: "/api/Orders/3/items", status: 204, then: countIs("Items", 4)},
		{name: "hasMany delete all refused by restrict", method: "DELETE", path: "/api/Categories/3/products", status: 409, code: "FOREIGN_KEY_VIOLATION", then: countIs("Products", 6)},

		// hasOne
		{name: "hasOne get", method: "GET", path: "/api/Customers/1/address", status: 200, want: []string{`{"id":1,"street":"12 Harbour Road"`}},
		{name: "hasOne get of none is a 404", method: "GET", path: "/api/Customers/3/address", status: 404, code: "MODEL_NOT_FOUND"},
		{name: "hasOne create", method: "POST", path: "/api/Customers/3/address", body: `{"street":"s","city":"c"}`, status: 200, want: []string{`"customerId":3}`}},
		{name: "a second hasOne is a 409", method: "POST", path: "/api/Customers/1/address", body: `{"street":"s","city":"c"}`, status: 409, code: "CONFLICT"},
		{name: "hasOne update", method: "PUT", path: "/api/Customers/1/address", body: `{"zip":"X1"}`, status: 200, want: []string{`"zip":"X1","customerId":1}`}},
		{name: "hasOne update of none is a 404", method: "PUT", path: "/api/Customers/3/address", body: `{"zip":"X1"}`, status: 404},
		{name: "hasOne delete", method: "DELETE", path: "/api/Customers/2/address", status: 204, then: countIs("Addresses", 1)},

		// through
		{name: "through list", method: "GET", path: "/api/Products/2/tags", status: 200, want: []string{`[{"id":1,"name":"organic"},{"id":3,"name":"bestseller"}]`}},
		{name: "through list from the other side", method: "GET", path: "/api/Tags/2/products?filter=" + q(`{"fields":["sku"]}`), status: 200, want: []string{`[{"sku":"CUP-WHT"},{"sku":"POT-CLY"}]`}},
		{name: "through count", method: "GET", path: "/api/Tags/1/products/count", status: 200, want: []string{`{"count":2}`}},
		{name: "through create makes the far row and the link", method: "POST", path: "/api/Products/1/tags", body: `{"name":"loose"}`, status: 200,
			want: []string{`{"id":5,"name":"loose"}`}, then: func(t *testing.T, s *shopServer) {
				countIs("ProductTags", 8)(t, s)
				if _, _, b := s.do(t, "GET", "/api/Products/1/tags", ""); !strings.Contains(b, `"loose"`) {
					t.Errorf("tags of product 1: %s", b)
				}
			}},
		{name: "link", method: "PUT", path: "/api/Products/1/tags/rel/2", status: 200, want: []string{`{"id":8,"productId":1,"tagId":2}`}},
		{name: "a second link is a 422", method: "PUT", path: "/api/Products/1/tags/rel/1", status: 422, ename: "ValidationError"},
		{name: "link to a missing far row is a 404", method: "PUT", path: "/api/Products/1/tags/rel/9", status: 404, code: "MODEL_NOT_FOUND"},
		{name: "linked", method: "HEAD", path: "/api/Products/1/tags/rel/1", status: 200},
		{name: "not linked", method: "HEAD", path: "/api/Products/1/tags/rel/2", status: 404},
		{name: "unlink keeps the far row", method: "DELETE", path: "/api/Products/2/tags/rel/1", status: 204, then: func(t *testing.T, s *shopServer) {
			countIs("Tags", 4)(t, s)
			countIs("ProductTags", 6)(t, s)
		}},
		{name: "through find by id", method: "GET", path: "/api/Products/2/tags/3", status: 200, want: []string{`{"id":3,"name":"bestseller"}`}},
		{name: "through find by id of an unlinked row is a 404", method: "GET", path: "/api/Products/2/tags/2", status: 404},
		{name: "through delete by id deletes the far row and its links", method: "DELETE", path: "/api/Products/2/tags/3", status: 204, then: func(t *testing.T, s *shopServer) {
			countIs("Tags", 3)(t, s)
			countIs("ProductTags", 5)(t, s)
		}},
		{name: "GET of a link path is a 404", method: "GET", path: "/api/Products/1/tags/rel/1", status: 404, code: "ROUTE_NOT_FOUND"},
	})
}
