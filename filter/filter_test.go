package filter_test

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/relstore/relstore/filter"
)

func TestValidate(t *testing.T) {
	valid := []filter.Filter{
		{},
		{Where: filter.And(filter.Eq("Status", status("x")), filter.Gt("CreatedAt", time.Now()), filter.Inq("ID", uuid{}, uuid{1}))},
		{Where: filter.Or(filter.IsNull("a"), filter.NotNull("b"), filter.Between("c", 1, 2.5), filter.Nin[int]("d"))},
		{Where: filter.And(filter.Like("t", `a\%`), filter.ILike("t", "é_"), filter.Regexp("t", "/x/m"), filter.Eq("p", ptr(3)))},
		{Where: filter.Eq("n", json.Number("1e3")), After: []any{filter.Text("x")}},
		{Order: []filter.Order{filter.Desc("a")}, After: []any{nil}},
		{Order: []filter.Order{filter.Desc("a")}, After: []any{nil, 1}},
		{Fields: filter.Fields{Names: []string{"a"}, Exclude: true}},
		{Include: []filter.Include{{Relation: "a", Scope: filter.Filter{Include: []filter.Include{{Relation: "a"}}}}}},
	}
	for i, f := range valid {
		if err := f.Validate(); err != nil {
			t.Errorf("valid[%d].Validate() = %v, want nil", i, err)
		}
	}

	deep := filter.Eq("a", 1)
	for range 33 {
		deep = filter.Or(deep)
	}
	deepInclude := []filter.Include{{Relation: "x"}}
	for range 8 {
		deepInclude = []filter.Include{{Relation: "x", Scope: filter.Filter{Include: deepInclude}}}
	}
	tests := []struct {
		name string
		f    filter.Filter
		want wantError
	}{
		{"missing operator", filter.Filter{Where: filter.Cond{Field: "a"}}, wantError{"where", "without an operator"}},
		{"unknown operator", filter.Filter{Where: filter.Cond{Op: 99, Field: "a"}}, wantError{"where.a.Op(99)", "unknown operator Op(99)"}},
		{"and with a field", filter.Filter{Where: filter.Cond{Op: filter.OpAnd, Field: "a"}}, wantError{"where.and", "takes Terms only"}},
		{"empty field", filter.Filter{Where: filter.Eq("", 1)}, wantError{"where.", "empty field name"}},
		{"field named or", filter.Filter{Where: filter.Gt("or", 1)}, wantError{"where.or.gt", "is an operator"}},
		{"comparison with terms", filter.Filter{Where: filter.Cond{Op: filter.OpEq, Field: "a", Args: []any{1}, Terms: []filter.Cond{{}}}},
			wantError{"where.a", "takes no Terms"}},
		{"eq with two values", filter.Filter{Where: filter.Cond{Op: filter.OpEq, Field: "a", Args: []any{1, 2}}},
			wantError{"where.a", "eq takes 1 value, got 2 values"}},
		{"eq null by hand", filter.Filter{Where: filter.Cond{Op: filter.OpEq, Field: "a", Args: []any{nil}}},
			wantError{"where.a", "null is OpIsNull or OpNotNull"}},
		{"gt nil", filter.Filter{Where: filter.Gt("a", nil)}, wantError{"where.a.gt", "only eq and neq take null"}},
		{"isNull with a value", filter.Filter{Where: filter.Cond{Op: filter.OpIsNull, Field: "a", Args: []any{1}}},
			wantError{"where.a", "isNull takes no Args"}},
		{"between with one value", filter.Filter{Where: filter.Cond{Op: filter.OpBetween, Field: "a", Args: []any{1}}},
			wantError{"where.a.between", "want an array of 2 values, got 1 values"}},
		{"null in inq", filter.Filter{Where: filter.Inq[any]("a", 1, nil)}, wantError{"where.a.inq[1]", "a list cannot hold null"}},
		{"NaN", filter.Filter{Where: filter.And(filter.Eq("a", 1), filter.Lt("b", math.NaN()))},
			wantError{"where.and[1].b.lt", "want a finite number, got NaN"}},
		{"infinity in a list", filter.Filter{Where: filter.Nin("a", 1.0, math.Inf(-1))}, wantError{"where.a.nin[1]", "want a finite number"}},
		{"a struct", filter.Filter{Where: filter.Eq("a", struct{}{})}, wantError{"where.a", "want a scalar value, got {} (struct {})"}},
		{"a slice", filter.Filter{Where: filter.Eq("a", []int{1})}, wantError{"where.a", "want a scalar value"}},
		{"a bad json.Number", filter.Filter{Where: filter.Eq("a", json.Number("x"))}, wantError{"where.a", `invalid number "x"`}},
		{"like of a number", filter.Filter{Where: filter.Cond{Op: filter.OpLike, Field: "a", Args: []any{1}}},
			wantError{"where.a.like", "want a string pattern, got 1"}},
		{"like trailing backslash", filter.Filter{Where: filter.NILike("a", `x\`)}, wantError{"where.a.nilike", "lone backslash"}},
		{"invalid regexp", filter.Filter{Where: filter.Regexp("a", `\1`)}, wantError{"where.a.regexp", "invalid regexp"}},
		{"too deep", filter.Filter{Where: deep}, wantError{"where" + repeat(".or[0]", 32) + ".or", "deeper than 32 levels"}},
		{"empty order field", filter.Filter{Order: []filter.Order{{}}}, wantError{"order[0]", "empty field name"}},
		{"order field with a comma", filter.Filter{Order: []filter.Order{filter.Asc("a"), filter.Asc("b,c")}}, wantError{"order[1]", "a space or a comma"}},
		{"negative limit", filter.Filter{Limit: -1}, wantError{"limit", "want an integer >= 0, got -1"}},
		{"negative skip", filter.Filter{Skip: -1}, wantError{"skip", "want an integer >= 0, got -1"}},
		{"exclude nothing", filter.Filter{Fields: filter.Fields{Exclude: true}}, wantError{"fields", "Exclude with no Names"}},
		{"field listed twice", filter.Filter{Fields: filter.Fields{Names: []string{"a", "b", "a"}}}, wantError{"fields[2]", "listed twice"}},
		{"empty relation", filter.Filter{Include: []filter.Include{{}}}, wantError{"include[0]", "empty relation name"}},
		{"relation twice", filter.Filter{Include: []filter.Include{{Relation: "a"}, {Relation: "a"}}}, wantError{"include[1]", "included twice"}},
		{"scope error", filter.Filter{Include: []filter.Include{{Relation: "a", Scope: filter.Filter{Where: filter.Gt("x", nil)}}}},
			wantError{"include[0].scope.where.x.gt", "only eq and neq"}},
		{"includes too deep", filter.Filter{Include: deepInclude}, wantError{"include[0]" + repeat(".scope.include[0]", 8), "deeper than 8 levels"}},
		{"after too short", filter.Filter{Order: []filter.Order{filter.Asc("a"), filter.Asc("b")}, After: []any{1}},
			wantError{"after", "want 2 or 3 values"}},
		{"after with no order", filter.Filter{After: []any{1, 2}}, wantError{"after", "want 1 value (the primary key, with no order), got 2 values"}},
		{"after empty", filter.Filter{After: []any{}}, wantError{"after", "want 1 value"}},
		{"after not a scalar", filter.Filter{After: []any{map[int]int{}}}, wantError{"after[0]", "want a scalar value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkError(t, "Validate", tt.f.Validate(), tt.want)
		})
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}

func TestBuilders(t *testing.T) {
	n := 3
	tests := []struct {
		got, want filter.Cond
	}{
		{filter.Eq("a", nil), filter.Cond{Op: filter.OpIsNull, Field: "a"}},
		{filter.Eq("a", (*int)(nil)), filter.Cond{Op: filter.OpIsNull, Field: "a"}},
		{filter.Eq("a", &n), filter.Cond{Op: filter.OpEq, Field: "a", Args: []any{&n}}},
		{filter.Neq("a", nil), filter.Cond{Op: filter.OpNotNull, Field: "a"}},
		{filter.Neq("a", 1), filter.Cond{Op: filter.OpNeq, Field: "a", Args: []any{1}}},
		{filter.Gt("a", 1), filter.Cond{Op: filter.OpGt, Field: "a", Args: []any{1}}},
		{filter.Gte("a", 1), filter.Cond{Op: filter.OpGte, Field: "a", Args: []any{1}}},
		{filter.Lt("a", 1), filter.Cond{Op: filter.OpLt, Field: "a", Args: []any{1}}},
		{filter.Lte("a", 1), filter.Cond{Op: filter.OpLte, Field: "a", Args: []any{1}}},
		{filter.Between("a", 1, 2), filter.Cond{Op: filter.OpBetween, Field: "a", Args: []any{1, 2}}},
		{filter.Inq("a", []int64{1, 2}...), filter.Cond{Op: filter.OpInq, Field: "a", Args: []any{int64(1), int64(2)}}},
		{filter.Nin("a", "x"), filter.Cond{Op: filter.OpNin, Field: "a", Args: []any{"x"}}},
		{filter.Like("a", "x%"), filter.Cond{Op: filter.OpLike, Field: "a", Args: []any{"x%"}}},
		{filter.NLike("a", "x%"), filter.Cond{Op: filter.OpNLike, Field: "a", Args: []any{"x%"}}},
		{filter.ILike("a", "x%"), filter.Cond{Op: filter.OpILike, Field: "a", Args: []any{"x%"}}},
		{filter.NILike("a", "x%"), filter.Cond{Op: filter.OpNILike, Field: "a", Args: []any{"x%"}}},
		{filter.Regexp("a", "^x"), filter.Cond{Op: filter.OpRegexp, Field: "a", Args: []any{"^x"}}},
		{filter.IsNull("a"), filter.Cond{Op: filter.OpIsNull, Field: "a"}},
		{filter.NotNull("a"), filter.Cond{Op: filter.OpNotNull, Field: "a"}},
		{filter.And(filter.IsNull("a")), filter.Cond{Op: filter.OpAnd, Terms: []filter.Cond{{Op: filter.OpIsNull, Field: "a"}}}},
		{filter.Or(), filter.Cond{Op: filter.OpOr}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("builder mismatch (-want +got):\n%s", diff)
		}
	}
}

func TestCondAt(t *testing.T) {
	tests := []struct {
		c    filter.Cond
		want string
	}{
		{filter.Cond{}, "where"},
		{filter.Eq("a", 1), "where.a"},
		{filter.IsNull("a"), "where.a"},
		{filter.NotNull("a"), "where.a.neq"},
		{filter.Gt("a", 1), "where.a.gt"},
		{filter.Inq("a", 1), "where.a.inq"},
		{filter.And(), "where.and"},
		{filter.Or(), "where.or"},
		{filter.Cond{Op: filter.OpEq, Field: "a", Path: "where.and[2].a.eq"}, "where.and[2].a.eq"},
	}
	for _, tt := range tests {
		if got := tt.c.At("where"); got != tt.want {
			t.Errorf("%v.At(where) = %q, want %q", tt.c, got, tt.want)
		}
	}
}

func TestCondDepthAndZero(t *testing.T) {
	if d := filter.Eq("a", 1).Depth(); d != 0 {
		t.Errorf("comparison Depth = %d, want 0", d)
	}
	if d := filter.And(filter.Or(filter.Eq("a", 1)), filter.Eq("b", 2)).Depth(); d != 2 {
		t.Errorf("and of or Depth = %d, want 2", d)
	}
	if !(filter.Cond{}).IsZero() || filter.And().IsZero() {
		t.Errorf("IsZero: only the zero Cond is zero")
	}
	if (filter.Fields{Names: []string{"a"}}).IsZero() || !(filter.Fields{}).IsZero() {
		t.Errorf("Fields.IsZero is wrong")
	}
}

func TestOpString(t *testing.T) {
	want := []string{"", "and", "or", "eq", "neq", "gt", "gte", "lt", "lte", "between", "inq", "nin",
		"like", "nlike", "ilike", "nilike", "regexp", "isNull", "notNull", "Op(19)"}
	for op, w := range want {
		if got := filter.Op(op).String(); got != w {
			t.Errorf("Op(%d).String() = %q, want %q", op, got, w)
		}
	}
	if got := filter.Desc("a").String() + "," + filter.Asc("b").String(); got != "a DESC,b ASC" {
		t.Errorf("Order.String = %q", got)
	}
}

func TestCompileRegexp(t *testing.T) {
	tests := []struct {
		pattern   string
		yes, no   []string
		errReason string
	}{
		{pattern: "^go", yes: []string{"gopher"}, no: []string{"ago", "Go"}},
		{pattern: "/^go/i", yes: []string{"Gopher"}, no: []string{"ago"}},
		{pattern: "/^b$/m", yes: []string{"a\nb\nc"}, no: []string{"ab"}},
		{pattern: "/a/gim", yes: []string{"A"}},
		{pattern: "/a/", yes: []string{"xa"}, no: []string{"b/"}},
		{pattern: "^https?://", yes: []string{"http://x"}, no: []string{"ftp://x"}},
		{pattern: "/", yes: []string{"a/b"}},
		{pattern: "a/b", yes: []string{"a/b"}},
		{pattern: `\bword\b`, yes: []string{"a word"}, no: []string{"words"}},
		{pattern: "/k/i", yes: []string{"\u212a"}},
		{pattern: "/usr/bin", errReason: "invalid regexp flag 'b'"},
		{pattern: "/a/u", errReason: "invalid regexp flag 'u'"},
		{pattern: "(?<=a)b", errReason: "invalid regexp"},
		{pattern: `(a)\1`, errReason: "invalid regexp"},
	}
	for _, tt := range tests {
		re, err := filter.CompileRegexp(tt.pattern)
		if tt.errReason != "" {
			checkError(t, "CompileRegexp("+tt.pattern+")", err, wantError{"", tt.errReason})
			continue
		}
		if err != nil {
			t.Errorf("CompileRegexp(%q): %v", tt.pattern, err)
			continue
		}
		for _, s := range tt.yes {
			if !re.MatchString(s) {
				t.Errorf("CompileRegexp(%q) does not match %q", tt.pattern, s)
			}
		}
		for _, s := range tt.no {
			if re.MatchString(s) {
				t.Errorf("CompileRegexp(%q) matches %q", tt.pattern, s)
			}
		}
	}
}
