package filter_test

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relstore/relstore/filter"
)

func mustQuery(tb testing.TB, raw string) url.Values {
	tb.Helper()
	q, err := url.ParseQuery(raw)
	if err != nil {
		tb.Fatalf("url.ParseQuery(%q): %v", raw, err)
	}
	return q
}

func TestParseQuery(t *testing.T) {
	tx := func(s string) filter.Text { return filter.Text(s) }
	tests := []struct {
		name string
		raw  string
		want filter.Filter
	}{
		{"no filter", "x=1", filter.Filter{}},
		{"empty filter", "filter=", filter.Filter{}},
		{"JSON", `filter={"where":{"a":{"gt":1}},"limit":2}`,
			filter.Filter{Where: filter.Gt("a", num("1")), Limit: 2}},
		{"equality", "filter[where][status]=published",
			filter.Filter{Where: filter.Eq("status", tx("published"))}},
		{"operator", "filter[where][odo][gt]=5000",
			filter.Filter{Where: filter.Gt("odo", tx("5000"))}},
		{"several conditions are sorted by name", "filter[where][b]=2&filter[where][a]=1",
			filter.Filter{Where: filter.And(filter.Eq("a", tx("1")), filter.Eq("b", tx("2")))}},
		{"inq by index", "filter[where][id][inq][1]=8&filter[where][id][inq][0]=7",
			filter.Filter{Where: filter.Inq("id", tx("7"), tx("8"))}},
		{"inq by repetition", "filter[where][id][inq]=7&filter[where][id][inq]=8",
			filter.Filter{Where: filter.Inq("id", tx("7"), tx("8"))}},
		{"inq by []", "filter[where][id][inq][]=7",
			filter.Filter{Where: filter.Inq("id", tx("7"))}},
		{"or", "filter[where][or][0][a]=1&filter[where][or][1][b][like]=x%25",
			filter.Filter{Where: filter.Or(filter.Eq("a", tx("1")), filter.Like("b", "x%"))}},
		{"order, limit, skip", "filter[order]=createdAt DESC&filter[limit]=20&filter[skip]=40",
			filter.Filter{Order: []filter.Order{filter.Desc("createdAt")}, Limit: 20, Skip: 40}},
		{"order list", "filter[order][0]=a&filter[order][1]=b DESC",
			filter.Filter{Order: []filter.Order{filter.Asc("a"), filter.Desc("b")}}},
		{"fields", "filter[fields][id]=true&filter[fields][title]=true",
			filter.Filter{Fields: filter.Fields{Names: []string{"id", "title"}}}},
		{"include", "filter[include]=orders",
			filter.Filter{Include: []filter.Include{{Relation: "orders"}}}},
		{"include with a scope", "filter[include][0][relation]=orders&filter[include][0][scope][limit]=5&filter[include][1]=address",
			filter.Filter{Include: []filter.Include{{Relation: "orders", Scope: filter.Filter{Limit: 5}}, {Relation: "address"}}}},
		{"include object", "filter[include][orders]=items",
			filter.Filter{Include: []filter.Include{{Relation: "orders", Scope: filter.Filter{Include: []filter.Include{{Relation: "items"}}}}}}},
		{"after", "filter[order]=a&filter[after][0]=x&filter[after][1]=3",
			filter.Filter{Order: []filter.Order{filter.Asc("a")}, After: []any{tx("x"), tx("3")}}},
		{"indices with a gap make an object", "filter[where][0]=a&filter[where][2]=b",
			filter.Filter{Where: filter.And(filter.Eq("0", tx("a")), filter.Eq("2", tx("b")))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := filter.ParseQuery(mustQuery(t, tt.raw))
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", tt.raw, err)
			}
			if diff := cmp.Diff(tt.want, got, ignorePath); diff != "" {
				t.Errorf("ParseQuery(%q) mismatch (-want +got):\n%s", tt.raw, diff)
			}
		})
	}
}

func TestParseQueryErrors(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want wantError
	}{
		{"both forms", `filter={}&filter[limit]=1`, wantError{"", "not both"}},
		{"JSON twice", `filter={}&filter={}`, wantError{"", "given 2 times"}},
		{"malformed JSON", `filter={"where":`, wantError{"where", "malformed JSON"}},
		{"malformed name", `filter[where]x=1`, wantError{"filter[where]x", "malformed parameter name"}},
		{"unclosed bracket", `filter[where=1`, wantError{"filter[where", "malformed parameter name"}},
		{"[] in the middle", `filter[where][][a]=1`, wantError{"filter[where][][a]", "malformed parameter name"}},
		{"value and nesting", `filter[where][a]=1&filter[where][a][gt]=2`, wantError{"filter[where][a][gt]", "a value and nested parameters"}},
		{"limit not a number", `filter[limit]=ten`, wantError{"limit", `want an integer >= 0, got "ten"`}},
		{"unknown operator", `filter[where][a][foo]=1`, wantError{"where.a.foo", `unknown operator "foo"`}},
		{"between with one value", `filter[where][a][between][0]=1`, wantError{"where.a.between", "want an array of 2 values, got 1 values"}},
		{"fields not a boolean", `filter[fields][a]=yes`, wantError{"fields.a", `want true or false, got "yes"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := filter.ParseQuery(mustQuery(t, tt.raw))
			if err == nil {
				t.Fatalf("ParseQuery(%q) = %v, want an error", tt.raw, f)
			}
			checkError(t, "ParseQuery", err, tt.want)
		})
	}
}

func TestParseQueryWhere(t *testing.T) {
	for _, raw := range []string{`where={"views":{"gt":10},"status":"draft"}`, `where[views][gt]=10&where[status]=draft`} {
		w, err := filter.ParseQueryWhere(mustQuery(t, raw))
		if err != nil {
			t.Fatalf("ParseQueryWhere(%q): %v", raw, err)
		}
		if w.Op != filter.OpAnd || len(w.Terms) != 2 {
			t.Errorf("ParseQueryWhere(%q) = %v, want an and of two conditions", raw, w)
		}
	}
	w, err := filter.ParseQueryWhere(url.Values{"filter": {"{}"}})
	if err != nil || !w.IsZero() {
		t.Errorf("ParseQueryWhere with no where = %v, %v, want the zero Cond", w, err)
	}
	_, err = filter.ParseQueryWhere(mustQuery(t, `where[a][gt]=1&where=x`))
	checkError(t, "ParseQueryWhere", err, wantError{"where", "not both"})
}
