package filter_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/relstore/relstore/filter"
)

// ignorePath compares filters by meaning: Path is for messages only, and
// an empty list equals a nil one.
var ignorePath = cmp.Options{cmpopts.IgnoreFields(filter.Cond{}, "Path"), cmpopts.EquateEmpty()}

func num(s string) json.Number { return json.Number(s) }

func mustParse(tb testing.TB, s string) filter.Filter {
	tb.Helper()
	f, err := filter.Parse([]byte(s))
	if err != nil {
		tb.Fatalf("Parse(%s): %v", s, err)
	}
	return f
}

// parseCases are valid filters in LoopBack 3's JSON and what they mean.
// The round-trip test prints and re-parses each.
var parseCases = []struct {
	name string
	json string
	want filter.Filter
}{
	{"empty object", `{}`, filter.Filter{}},
	{"null", `null`, filter.Filter{}},
	{"null keys are absent", `{"where":null,"order":null,"limit":null,"skip":null,"fields":null,"include":null,"after":null}`, filter.Filter{}},
	{"empty where", `{"where":{}}`, filter.Filter{}},
	{"implicit equality", `{"where":{"status":"published"}}`,
		filter.Filter{Where: filter.Eq("status", "published")}},
	{"equality with a number keeps its literal", `{"where":{"id":9007199254740993}}`,
		filter.Filter{Where: filter.Eq("id", num("9007199254740993"))}},
	{"equality with a bool", `{"where":{"done":false}}`,
		filter.Filter{Where: filter.Eq("done", false)}},
	{"explicit eq", `{"where":{"n":{"eq":1.50}}}`,
		filter.Filter{Where: filter.Eq("n", num("1.50"))}},
	{"null is IsNull", `{"where":{"deletedAt":null}}`,
		filter.Filter{Where: filter.IsNull("deletedAt")}},
	{"eq null is IsNull", `{"where":{"deletedAt":{"eq":null}}}`,
		filter.Filter{Where: filter.IsNull("deletedAt")}},
	{"neq null is NotNull", `{"where":{"deletedAt":{"neq":null}}}`,
		filter.Filter{Where: filter.NotNull("deletedAt")}},
	{"neq", `{"where":{"n":{"neq":3}}}`, filter.Filter{Where: filter.Neq("n", num("3"))}},
	{"gt", `{"where":{"n":{"gt":3}}}`, filter.Filter{Where: filter.Gt("n", num("3"))}},
	{"gte", `{"where":{"n":{"gte":3}}}`, filter.Filter{Where: filter.Gte("n", num("3"))}},
	{"lt", `{"where":{"n":{"lt":"b"}}}`, filter.Filter{Where: filter.Lt("n", "b")}},
	{"lte", `{"where":{"n":{"lte":-0.5e3}}}`, filter.Filter{Where: filter.Lte("n", num("-0.5e3"))}},
	{"between", `{"where":{"n":{"between":[1,"x"]}}}`,
		filter.Filter{Where: filter.Between("n", num("1"), "x")}},
	{"inq", `{"where":{"n":{"inq":[1,2,true]}}}`,
		filter.Filter{Where: filter.Inq[any]("n", num("1"), num("2"), true)}},
	{"empty inq", `{"where":{"n":{"inq":[]}}}`, filter.Filter{Where: filter.Inq[any]("n")}},
	{"nin", `{"where":{"n":{"nin":["a"]}}}`, filter.Filter{Where: filter.Nin("n", "a")}},
	{"like", `{"where":{"t":{"like":"Go%"}}}`, filter.Filter{Where: filter.Like("t", "Go%")}},
	{"nlike", `{"where":{"t":{"nlike":"%\\%"}}}`, filter.Filter{Where: filter.NLike("t", `%\%`)}},
	{"ilike", `{"where":{"t":{"ilike":"go_"}}}`, filter.Filter{Where: filter.ILike("t", "go_")}},
	{"nilike", `{"where":{"t":{"nilike":"x"}}}`, filter.Filter{Where: filter.NILike("t", "x")}},
	{"regexp", `{"where":{"t":{"regexp":"^go"}}}`, filter.Filter{Where: filter.Regexp("t", "^go")}},
	{"regexp with flags", `{"where":{"t":{"regexp":"/^go/i"}}}`, filter.Filter{Where: filter.Regexp("t", "/^go/i")}},
	{"several operators on a field all apply", `{"where":{"n":{"gt":1,"lt":5}}}`,
		filter.Filter{Where: filter.And(filter.Gt("n", num("1")), filter.Lt("n", num("5")))}},
	{"several keys are an and, in order", `{"where":{"b":1,"a":2}}`,
		filter.Filter{Where: filter.And(filter.Eq("b", num("1")), filter.Eq("a", num("2")))}},
	{"and", `{"where":{"and":[{"a":1},{"b":2}]}}`,
		filter.Filter{Where: filter.And(filter.Eq("a", num("1")), filter.Eq("b", num("2")))}},
	{"or", `{"where":{"or":[{"a":1},{"b":{"gt":2}}]}}`,
		filter.Filter{Where: filter.Or(filter.Eq("a", num("1")), filter.Gt("b", num("2")))}},
	{"empty and, empty or", `{"where":{"and":[],"or":[]}}`,
		filter.Filter{Where: filter.And(filter.And(), filter.Or())}},
	{"and of an empty where", `{"where":{"and":[{}]}}`, filter.Filter{Where: filter.And(filter.Cond{})}},
	{"nested", `{"where":{"or":[{"and":[{"a":1},{"b":null}]},{"c":{"neq":null}}],"d":{"inq":[]}}}`,
		filter.Filter{Where: filter.And(
			filter.Or(filter.And(filter.Eq("a", num("1")), filter.IsNull("b")), filter.NotNull("c")),
			filter.Inq[any]("d"))}},
	{"field names are kept as written", `{"where":{"CreatedAt":{"gt":"2026"},"address.city":"x","ünï":1}}`,
		filter.Filter{Where: filter.And(
			filter.Gt("CreatedAt", "2026"), filter.Eq("address.city", "x"), filter.Eq("ünï", num("1")))}},
	{"order string", `{"order":"createdAt DESC"}`, filter.Filter{Order: []filter.Order{filter.Desc("createdAt")}}},
	{"order list in one string", `{"order":"status, createdAt desc ,title Asc"}`,
		filter.Filter{Order: []filter.Order{filter.Asc("status"), filter.Desc("createdAt"), filter.Asc("title")}}},
	{"order array", `{"order":["a DESC","b"]}`, filter.Filter{Order: []filter.Order{filter.Desc("a"), filter.Asc("b")}}},
	{"empty order", `{"order":["", " , "]}`, filter.Filter{}},
	{"limit and skip", `{"limit":20,"skip":40}`, filter.Filter{Limit: 20, Skip: 40}},
	{"offset is skip", `{"offset":40}`, filter.Filter{Skip: 40}},
	{"exact integer forms", `{"limit":2e1,"skip":3.0}`, filter.Filter{Limit: 20, Skip: 3}},
	{"limit 0 is no limit", `{"limit":0}`, filter.Filter{}},
	{"fields array", `{"fields":["id","title"]}`, filter.Filter{Fields: filter.Fields{Names: []string{"id", "title"}}}},
	{"fields string", `{"fields":"title"}`, filter.Filter{Fields: filter.Fields{Names: []string{"title"}}}},
	{"fields object", `{"fields":{"id":true,"title":true}}`, filter.Filter{Fields: filter.Fields{Names: []string{"id", "title"}}}},
	{"fields exclude", `{"fields":{"body":false}}`, filter.Filter{Fields: filter.Fields{Names: []string{"body"}, Exclude: true}}},
	{"fields: true wins", `{"fields":{"body":false,"id":true}}`, filter.Filter{Fields: filter.Fields{Names: []string{"id"}}}},
	{"fields empty", `{"fields":{}}`, filter.Filter{}},
	{"include string", `{"include":"orders"}`, filter.Filter{Include: []filter.Include{{Relation: "orders"}}}},
	{"include array", `{"include":["orders","address"]}`,
		filter.Filter{Include: []filter.Include{{Relation: "orders"}, {Relation: "address"}}}},
	{"include object", `{"include":{"orders":"items","address":true}}`,
		filter.Filter{Include: []filter.Include{
			{Relation: "orders", Scope: filter.Filter{Include: []filter.Include{{Relation: "items"}}}},
			{Relation: "address"}}}},
	{"include object with an array", `{"include":{"orders":["items",{"payments":"method"}]}}`,
		filter.Filter{Include: []filter.Include{
			{Relation: "orders", Scope: filter.Filter{Include: []filter.Include{
				{Relation: "items"},
				{Relation: "payments", Scope: filter.Filter{Include: []filter.Include{{Relation: "method"}}}}}}}}}},
	{"include relation and scope", `{"include":[{"relation":"orders","scope":{"where":{"total":{"gt":100}},"order":"total DESC","limit":5,"include":{"items":"product"}}},"address"]}`,
		filter.Filter{Include: []filter.Include{
			{Relation: "orders", Scope: filter.Filter{
				Where: filter.Gt("total", num("100")),
				Order: []filter.Order{filter.Desc("total")},
				Limit: 5,
				Include: []filter.Include{{Relation: "items", Scope: filter.Filter{
					Include: []filter.Include{{Relation: "product"}}}}}}},
			{Relation: "address"}}}},
	{"include rel without scope", `{"include":{"rel":"orders"}}`, filter.Filter{Include: []filter.Include{{Relation: "orders"}}}},
	{"after", `{"order":"createdAt DESC","after":["2026-03-01T12:00:00Z",4711]}`,
		filter.Filter{Order: []filter.Order{filter.Desc("createdAt")}, After: []any{"2026-03-01T12:00:00Z", num("4711")}}},
	{"after with null, order with the key", `{"order":["deletedAt","id"],"after":[null,7]}`,
		filter.Filter{Order: []filter.Order{filter.Asc("deletedAt"), filter.Asc("id")}, After: []any{nil, num("7")}}},
	{"after with no order", `{"after":[7]}`, filter.Filter{After: []any{num("7")}}},
	{"the issue's example", `{"where":{"status":"published","createdAt":{"gt":"2026-01-01T00:00:00Z"}},"order":["createdAt DESC"],"limit":20}`,
		filter.Filter{
			Where: filter.And(filter.Eq("status", "published"), filter.Gt("createdAt", "2026-01-01T00:00:00Z")),
			Order: []filter.Order{filter.Desc("createdAt")},
			Limit: 20}},
}

func TestParse(t *testing.T) {
	for _, tt := range parseCases {
		t.Run(tt.name, func(t *testing.T) {
			got := mustParse(t, tt.json)
			if diff := cmp.Diff(tt.want, got, ignorePath); diff != "" {
				t.Errorf("Parse(%s) mismatch (-want +got):\n%s", tt.json, diff)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Parse(%s).Validate() = %v, want nil", tt.json, err)
			}
		})
	}
}

func TestParsePaths(t *testing.T) {
	f := mustParse(t, `{"where":{"a":1,"b":{"gt":2,"lt":3},"or":[{"c":null},{"d":{"eq":4}},{"e":{"neq":null}}]},
		"include":[{"relation":"r","scope":{"where":{"x":{"inq":[1]}}}}]}`)
	var got []string
	var walk func(c filter.Cond)
	walk = func(c filter.Cond) {
		got = append(got, c.Op.String()+" "+c.Path)
		for _, t := range c.Terms {
			walk(t)
		}
	}
	walk(f.Where)
	walk(f.Include[0].Scope.Where)
	want := []string{
		"and where",
		"eq where.a",
		"and where.b", "gt where.b.gt", "lt where.b.lt",
		"or where.or", "isNull where.or[0].c", "eq where.or[1].d.eq", "notNull where.or[2].e.neq",
		"inq include[0].scope.where.x.inq",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
}

// wantError is a refusal: the path it must name and words its reason must
// hold.
type wantError struct {
	path   string
	reason string
}

func checkError(t *testing.T, call string, err error, want wantError) {
	t.Helper()
	if !errors.Is(err, filter.ErrInvalid) {
		t.Fatalf("%s error = %v, want one matching ErrInvalid", call, err)
	}
	var fe *filter.Error
	if !errors.As(err, &fe) {
		t.Fatalf("%s error %T is not a *filter.Error", call, err)
	}
	if fe.Path != want.path || !strings.Contains(fe.Reason, want.reason) {
		t.Errorf("%s error = %q, want path %q and a reason holding %q", call, err, want.path, want.reason)
	}
}

func TestParseErrors(t *testing.T) {
	deep := `{"where":` + strings.Repeat(`{"or":[`, 33) + `{"a":1}` + strings.Repeat(`]}`, 33) + `}`
	deepInclude := `{"include":` + strings.Repeat(`{"a":`, 8) + `"b"` + strings.Repeat(`}`, 8) + `}`
	tests := []struct {
		name string
		json string
		want wantError
	}{
		{"empty input", ``, wantError{"", "empty input"}},
		{"malformed", `{"where":{"a":}}`, wantError{"where.a", "malformed JSON"}},
		{"truncated", `{"where":{"a":[1,`, wantError{"where.a[1]", "malformed JSON"}},
		{"data after the value", `{} {}`, wantError{"", "data after the value"}},
		{"not an object", `[1]`, wantError{"", "want a filter object, got an array"}},
		{"duplicate key", `{"where":{"a":1,"a":2}}`, wantError{"where.a", `duplicate key "a"`}},
		{"unknown filter key", `{"wher":{}}`, wantError{"wher", `unknown filter key "wher"`}},
		{"skip and offset", `{"skip":1,"offset":1}`, wantError{"offset", "skip and offset are the same"}},
		{"where not an object", `{"where":[]}`, wantError{"where", "want a where object, got an array"}},
		{"unknown operator", `{"where":{"a":{"near":[1,2]}}}`, wantError{"where.a.near", `unknown operator "near"`}},
		{"options is not an operator", `{"where":{"a":{"like":"x","options":"i"}}}`, wantError{"where.a.options", `unknown operator "options"`}},
		{"empty operator object", `{"where":{"a":{}}}`, wantError{"where.a", "empty object of operators"}},
		{"array as a value", `{"where":{"a":[1,2]}}`, wantError{"where.a", "use inq"}},
		{"and wants an array", `{"where":{"and":{"a":1}}}`, wantError{"where.and", "want an array of where objects"}},
		{"and of null", `{"where":{"and":[null]}}`, wantError{"where.and[0]", "want a where object, got null"}},
		{"empty field name", `{"where":{"":1}}`, wantError{"where.", "empty field name"}},
		{"between wants 2 values", `{"where":{"and":[{"a":1},{"views":{"between":[1,2,3]}}]}}`,
			wantError{"where.and[1].views.between", "want an array of 2 values, got 3 values"}},
		{"between wants an array", `{"where":{"a":{"between":5}}}`, wantError{"where.a.between", "want an array of 2 values, got 5"}},
		{"inq wants an array", `{"where":{"a":{"inq":5}}}`, wantError{"where.a.inq", "want an array of values, got 5"}},
		{"null in a list", `{"where":{"a":{"nin":[1,null]}}}`, wantError{"where.a.nin[1]", "a list cannot hold null"}},
		{"array in a list", `{"where":{"a":{"inq":[[1]]}}}`, wantError{"where.a.inq[0]", "want a value, got an array"}},
		{"gt null", `{"where":{"a":{"gt":null}}}`, wantError{"where.a.gt", "only eq and neq take null"}},
		{"eq object", `{"where":{"a":{"eq":{"b":1}}}}`, wantError{"where.a.eq", "want a value, got an object"}},
		{"like wants a string", `{"where":{"a":{"like":5}}}`, wantError{"where.a.like", "want a string pattern, got 5"}},
		{"like trailing backslash", `{"where":{"a":{"ilike":"50\\"}}}`, wantError{"where.a.ilike", "lone backslash"}},
		{"regexp wants a string", `{"where":{"a":{"regexp":true}}}`, wantError{"where.a.regexp", "want a string pattern, got true"}},
		{"invalid regexp", `{"where":{"a":{"regexp":"(a"}}}`, wantError{"where.a.regexp", "invalid regexp"}},
		{"regexp lookahead", `{"where":{"a":{"regexp":"a(?=b)"}}}`, wantError{"where.a.regexp", "invalid regexp"}},
		{"regexp flag", `{"where":{"a":{"regexp":"/a/s"}}}`, wantError{"where.a.regexp", "invalid regexp flag 's'"}},
		{"too deep", deep, wantError{"where" + strings.Repeat(".or[0]", 32) + ".or", "deeper than 32 levels"}},
		{"negative limit", `{"limit":-1}`, wantError{"limit", "want an integer >= 0, got -1"}},
		{"fractional limit", `{"limit":2.5}`, wantError{"limit", "want an integer >= 0, got 2.5"}},
		{"limit as a string", `{"limit":"10"}`, wantError{"limit", `want an integer >= 0, got "10"`}},
		{"huge skip", `{"skip":1e30}`, wantError{"skip", "too large"}},
		{"very huge skip", `{"skip":1e999999999}`, wantError{"skip", "too large"}},
		{"negative skip", `{"offset":-3}`, wantError{"offset", "want an integer >= 0"}},
		{"bad order direction", `{"order":"a DOWN"}`, wantError{"order", `got "a DOWN"`}},
		{"order with three words", `{"order":["b","a DESC x"]}`, wantError{"order[1]", `got "a DESC x"`}},
		{"order not a string", `{"order":[1]}`, wantError{"order[0]", "want a string, got 1"}},
		{"fields value", `{"fields":{"a":1}}`, wantError{"fields.a", "want true or false, got 1"}},
		{"fields twice", `{"fields":["a","a"]}`, wantError{"fields[1]", `field "a" listed twice`}},
		{"fields number", `{"fields":5}`, wantError{"fields", "want a field name"}},
		{"include number", `{"include":5}`, wantError{"include", "want a relation name"}},
		{"include twice", `{"include":["a",{"a":"b"}]}`, wantError{"include[1].a", `relation "a" included twice`}},
		{"include false", `{"include":{"a":false}}`, wantError{"include.a", "want true, a relation name"}},
		{"include unknown key", `{"include":{"relation":"a","where":{}}}`, wantError{"include.where", `unknown include key "where"`}},
		{"include empty name", `{"include":[""]}`, wantError{"include[0]", "empty relation name"}},
		{"include nested array", `{"include":[["a"]]}`, wantError{"include[0]", "got an array"}},
		{"include too deep", deepInclude, wantError{"include" + strings.Repeat(".a", 8), "deeper than 8 levels"}},
		{"scope error", `{"include":{"relation":"a","scope":{"limit":-1}}}`, wantError{"include.scope.limit", "want an integer >= 0"}},
		{"after wants an array", `{"after":5}`, wantError{"after", "want an array of values"}},
		{"after length", `{"order":"a","after":[1,2,3]}`, wantError{"after", "want 1 or 2 values"}},
		{"after empty", `{"after":[]}`, wantError{"after", "want 1 value"}},
		{"after object", `{"after":[{}]}`, wantError{"after[0]", "want a value, got an object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := filter.Parse([]byte(tt.json))
			if err == nil {
				t.Fatalf("Parse(%s) = %v, want an error", tt.json, f)
			}
			checkError(t, "Parse", err, tt.want)
		})
	}
}

func TestParserLimits(t *testing.T) {
	p := filter.Parser{MaxDepth: 1, MaxIncludeDepth: 1}
	if _, err := p.Parse([]byte(`{"where":{"a":1,"b":2},"include":{"relation":"x"}}`)); err != nil {
		t.Errorf("Parse within the limits: %v", err)
	}
	_, err := p.Parse([]byte(`{"where":{"or":[{"a":1,"b":2}]}}`))
	checkError(t, "Parse", err, wantError{"where.or[0]", "deeper than 1 levels"})
	_, err = p.Parse([]byte(`{"where":{"or":[{"a":{"gt":1,"lt":2}}]}}`))
	checkError(t, "Parse", err, wantError{"where.or[0].a", "deeper than 1 levels"})
	_, err = p.Parse([]byte(`{"include":{"a":"b"}}`))
	checkError(t, "Parse", err, wantError{"include.a", "deeper than 1 levels"})

	// Validate counts as Parse does: 31 ors, the implicit and of a and b,
	// and the and of gt and lt nest 33 deep.
	deep := strings.Repeat(`{"or":[`, 31) + `{"a":1,"b":{"gt":1,"lt":2}}` + strings.Repeat(`]}`, 31)
	_, err = filter.ParseWhere([]byte(deep))
	checkError(t, "ParseWhere", err, wantError{"where" + strings.Repeat(".or[0]", 31) + ".b", "deeper than 32 levels"})
	w, err := filter.Parser{MaxDepth: 33}.ParseWhere([]byte(deep))
	if err != nil {
		t.Fatalf("ParseWhere at the limit: %v", err)
	}
	if w.Depth() != 33 {
		t.Errorf("Depth() = %d, want 33", w.Depth())
	}
	if err := (filter.Parser{MaxDepth: 33}).Validate(filter.Filter{Where: w}); err != nil {
		t.Errorf("Validate at the limit: %v", err)
	}
	err = filter.Filter{Where: w}.Validate()
	checkError(t, "Validate", err, wantError{"where" + strings.Repeat(".or[0]", 31) + ".b", "deeper than 32 levels"})
}

func TestParseWhere(t *testing.T) {
	w, err := filter.ParseWhere([]byte(`{"status":"draft","views":{"gte":10}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := filter.And(filter.Eq("status", "draft"), filter.Gte("views", num("10")))
	if diff := cmp.Diff(want, w, ignorePath); diff != "" {
		t.Errorf("ParseWhere mismatch (-want +got):\n%s", diff)
	}
	if w, err := filter.ParseWhere([]byte(`null`)); err != nil || !w.IsZero() {
		t.Errorf("ParseWhere(null) = %v, %v, want the zero Cond", w, err)
	}
	_, err = filter.ParseWhere([]byte(`{"views":{"gte":null}}`))
	checkError(t, "ParseWhere", err, wantError{"where.views.gte", "only eq and neq take null"})
}

func TestUnmarshalJSON(t *testing.T) {
	var body struct {
		Filter filter.Filter `json:"filter"`
		Where  filter.Cond   `json:"where"`
	}
	err := json.Unmarshal([]byte(`{"filter":{"limit":3},"where":{"a":1}}`), &body)
	if err != nil {
		t.Fatal(err)
	}
	if body.Filter.Limit != 3 || body.Where.Field != "a" {
		t.Errorf("Unmarshal = %+v", body)
	}
	err = json.Unmarshal([]byte(`{"filter":{"limit":-3}}`), &body)
	if !errors.Is(err, filter.ErrInvalid) {
		t.Errorf("Unmarshal of an invalid filter = %v, want ErrInvalid", err)
	}
}
