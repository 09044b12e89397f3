package filter_test

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/relstore/relstore/filter"
)

type status string

type uuid [16]byte

func TestMarshal(t *testing.T) {
	ts := time.Date(2026, 1, 2, 3, 4, 5, 600, time.FixedZone("x", 3600))
	n := 7
	tests := []struct {
		name string
		f    filter.Filter
		want string
	}{
		{"zero", filter.Filter{}, `{}`},
		{"Go values", filter.Filter{Where: filter.And(
			filter.Eq("Status", status("published")),
			filter.Gt("CreatedAt", ts),
			filter.Eq("ID", uuid{0: 0xAB, 15: 1}),
			filter.Lte("Score", 2.5),
			filter.Gte("Small", float32(0.1)),
			filter.Neq("N", &n),
			filter.Eq("U", uint8(200)),
		)}, `{"where":{"Status":"published","CreatedAt":{"gt":"2026-01-02T03:04:05.0000006+01:00"},` +
			`"ID":"ab000000-0000-0000-0000-000000000001","Score":{"lte":2.5},"Small":{"gte":0.1},"N":{"neq":7},"U":200}}`},
		{"null tests", filter.Filter{Where: filter.And(filter.IsNull("a"), filter.NotNull("b"), filter.Eq("c", (*int)(nil)))},
			`{"where":{"a":null,"b":{"neq":null},"c":null}}`},
		{"same field twice is one operator object", filter.Filter{Where: filter.And(filter.Gt("n", 1), filter.Lt("n", 5))},
			`{"where":{"n":{"gt":1,"lt":5}}}`},
		{"same operator twice is an explicit and", filter.Filter{Where: filter.And(filter.Gt("n", 1), filter.Gt("n", 5))},
			`{"where":{"and":[{"n":{"gt":1}},{"n":{"gt":5}}]}}`},
		{"eq and null on one field", filter.Filter{Where: filter.And(filter.NotNull("n"), filter.Neq("n", 0))},
			`{"where":{"and":[{"n":{"neq":null}},{"n":{"neq":0}}]}}`},
		{"single-term and stays an and", filter.Filter{Where: filter.And(filter.Eq("a", 1))}, `{"where":{"and":[{"a":1}]}}`},
		{"or next to fields", filter.Filter{Where: filter.And(filter.Or(filter.Eq("a", 1), filter.Eq("b", 2)), filter.Eq("c", 3))},
			`{"where":{"or":[{"a":1},{"b":2}],"c":3}}`},
		{"lists", filter.Filter{Where: filter.And(filter.Inq("id", 1, 2), filter.Nin[string]("s"), filter.Between("d", "a", "b"))},
			`{"where":{"id":{"inq":[1,2]},"s":{"nin":[]},"d":{"between":["a","b"]}}}`},
		{"patterns", filter.Filter{Where: filter.Or(filter.Like("t", `50\%`), filter.ILike("t", "é%"), filter.Regexp("t", "/^a/i"))},
			`{"where":{"or":[{"t":{"like":"50\\%"}},{"t":{"ilike":"é%"}},{"t":{"regexp":"/^a/i"}}]}}`},
		{"strings are escaped for JSON only", filter.Filter{Where: filter.Eq("t", "<a href=\"x\">\n\u2028\x01")},
			`{"where":{"t":"<a href=\"x\">\n\u2028\u0001"}}`},
		{"everything else", filter.Filter{
			Order:   []filter.Order{filter.Desc("createdAt"), filter.Asc("id")},
			Limit:   20,
			Skip:    40,
			Fields:  filter.Fields{Names: []string{"body"}, Exclude: true},
			Include: []filter.Include{{Relation: "author"}, {Relation: "comments", Scope: filter.Filter{Limit: 3}}},
			After:   []any{ts.UTC(), 9, nil},
		}, `{"order":["createdAt DESC","id ASC"],"limit":20,"skip":40,"fields":{"body":false},` +
			`"include":["author",{"relation":"comments","scope":{"limit":3}}],"after":["2026-01-02T02:04:05.0000006Z",9,null]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.f.MarshalJSON()
			if err != nil {
				t.Fatalf("MarshalJSON: %v", err)
			}
			if string(b) != tt.want {
				t.Errorf("MarshalJSON =\n%s\nwant\n%s", b, tt.want)
			}
			if s := tt.f.String(); s != tt.want {
				t.Errorf("String() = %s, want the same as Marshal", s)
			}
			if _, err := filter.Parse(b); err != nil {
				t.Errorf("Parse(Marshal) = %v", err)
			}
		})
	}
}

func TestMarshalErrors(t *testing.T) {
	tests := []struct {
		name string
		f    filter.Filter
		want wantError
	}{
		{"NaN", filter.Filter{Where: filter.Gt("x", math.NaN())}, wantError{"where.x.gt", "want a finite number, got NaN"}},
		{"a map", filter.Filter{Where: filter.Eq("x", map[string]int{})}, wantError{"where.x", "want a scalar value"}},
		{"a field named and", filter.Filter{Where: filter.Eq("and", 1)}, wantError{"where.and", "is an operator"}},
		{"an order field with a space", filter.Filter{Order: []filter.Order{filter.Asc("a b")}}, wantError{"order[0]", "holds a space"}},
		{"an invalid json.Number", filter.Filter{After: []any{json.Number("0x10")}}, wantError{"after[0]", "invalid number"}},
		{"a year beyond RFC 3339", filter.Filter{After: []any{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}, wantError{"after[0]", "year outside"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.f.MarshalJSON()
			checkError(t, "MarshalJSON", err, tt.want)
			if s := tt.f.String(); s[0] != '<' {
				t.Errorf("String() = %s, want a description of the error", s)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	for _, tt := range parseCases {
		t.Run(tt.name, func(t *testing.T) {
			checkRoundTrip(t, []byte(tt.json))
		})
	}
}

// checkRoundTrip checks that what parses prints to JSON that parses to an
// equal filter, and that printing is then stable.
func checkRoundTrip(t *testing.T, data []byte) {
	t.Helper()
	f, err := filter.Parse(data)
	if err != nil {
		return
	}
	if err := f.Validate(); err != nil {
		t.Fatalf("Parse(%q) is invalid: %v", data, err)
	}
	out, err := json.Marshal(f)
	if err != nil {
		t.Fatalf("Marshal(Parse(%q)): %v", data, err)
	}
	g, err := filter.Parse(out)
	if err != nil {
		t.Fatalf("Parse(Marshal(Parse(%q))) = %v; printed %s", data, err, out)
	}
	if diff := cmp.Diff(f, g, ignorePath); diff != "" {
		t.Fatalf("round trip of %q through %s (-first +second):\n%s", data, out, diff)
	}
	again, err := json.Marshal(g)
	if err != nil || string(again) != string(out) {
		t.Fatalf("printing is not stable: %s then %s (%v)", out, again, err)
	}
}
