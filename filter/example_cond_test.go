package filter_test

import (
	"fmt"
	"net/url"

	"github.com/relstore/relstore/filter"
)

// The condition builders name a field (its Go name or json tag name) and
// take Go values; a Cond prints as LoopBack's JSON where.

// Eq: the field equals a value; a nil value is IsNull.
func ExampleEq() {
	fmt.Println(filter.Eq("status", "published"))
	// Output:
	// {"status":"published"}
}

// Neq: the field is not NULL and differs from a value.
func ExampleNeq() {
	fmt.Println(filter.Neq("status", "draft"))
	// Output:
	// {"status":{"neq":"draft"}}
}

// Gt: field > value.
func ExampleGt() {
	fmt.Println(filter.Gt("score", 4.5))
	// Output:
	// {"score":{"gt":4.5}}
}

// Gte: field >= value.
func ExampleGte() {
	fmt.Println(filter.Gte("score", 4.5))
	// Output:
	// {"score":{"gte":4.5}}
}

// Lt: field < value.
func ExampleLt() {
	fmt.Println(filter.Lt("score", 2))
	// Output:
	// {"score":{"lt":2}}
}

// Lte: field <= value.
func ExampleLte() {
	fmt.Println(filter.Lte("score", 2))
	// Output:
	// {"score":{"lte":2}}
}

// Between: lo <= field <= hi.
func ExampleBetween() {
	fmt.Println(filter.Between("year", 1990, 1999))
	// Output:
	// {"year":{"between":[1990,1999]}}
}

// Inq: the field equals one of the values (SQL's IN).
func ExampleInq() {
	fmt.Println(filter.Inq("id", 1, 2, 3))
	// Output:
	// {"id":{"inq":[1,2,3]}}
}

// Nin: the field is not NULL and equals none of the values.
func ExampleNin() {
	fmt.Println(filter.Nin("tag", "spam", "ads"))
	// Output:
	// {"tag":{"nin":["spam","ads"]}}
}

// IsNull: the field is NULL (a nil pointer).
func ExampleIsNull() {
	fmt.Println(filter.IsNull("deletedAt"))
	// Output:
	// {"deletedAt":null}
}

// NotNull: the field is not NULL.
func ExampleNotNull() {
	fmt.Println(filter.NotNull("deletedAt"))
	// Output:
	// {"deletedAt":{"neq":null}}
}

// Like: a LIKE pattern: % any run of characters, _ one character.
func ExampleLike() {
	fmt.Println(filter.Like("title", "Go%"))
	// Output:
	// {"title":{"like":"Go%"}}
}

// NLike: NOT LIKE.
func ExampleNLike() {
	fmt.Println(filter.NLike("title", "%draft%"))
	// Output:
	// {"title":{"nlike":"%draft%"}}
}

// ILike: LIKE ignoring case.
func ExampleILike() {
	fmt.Println(filter.ILike("title", "go%"))
	// Output:
	// {"title":{"ilike":"go%"}}
}

// NILike: NOT ILIKE.
func ExampleNILike() {
	fmt.Println(filter.NILike("title", "%DRAFT%"))
	// Output:
	// {"title":{"nilike":"%DRAFT%"}}
}

// Regexp: a regular expression that must match somewhere in the field.
func ExampleRegexp() {
	fmt.Println(filter.Regexp("title", "^Go [0-9]+$"))
	// Output:
	// {"title":{"regexp":"^Go [0-9]+$"}}
}

// And: every term holds.
func ExampleAnd() {
	fmt.Println(filter.And(filter.Eq("status", "published"), filter.Gt("score", 3)))
	// Output:
	// {"status":"published","score":{"gt":3}}
}

// Or: some term holds.
func ExampleOr() {
	fmt.Println(filter.Or(filter.IsNull("deletedAt"), filter.Eq("status", "archived")))
	// Output:
	// {"or":[{"deletedAt":null},{"status":"archived"}]}
}

// Asc and Desc build a filter's order; ties are broken by primary key.
func ExampleAsc() {
	f := filter.Filter{Order: []filter.Order{filter.Asc("status"), filter.Desc("createdAt")}}
	fmt.Println(f)
	// Output:
	// {"order":["status ASC","createdAt DESC"]}
}

// Desc orders by a field, largest first.
func ExampleDesc() {
	fmt.Println(filter.Desc("createdAt"))
	// Output:
	// createdAt DESC
}

// The zero Cond matches every row; Depth counts its nesting, which parsers
// bound (Parser.MaxDepth).
func ExampleCond_IsZero() {
	var all filter.Cond
	c := filter.And(filter.Eq("a", 1), filter.Or(filter.Eq("b", 2), filter.Eq("c", 3)))
	fmt.Println(all.IsZero(), c.IsZero(), c.Depth())
	// Output:
	// true false 2
}

// Depth is how deeply a condition nests.
func ExampleCond_Depth() {
	fmt.Println(filter.Eq("a", 1).Depth())
	fmt.Println(filter.And(filter.Eq("a", 1), filter.Or(filter.Eq("b", 2), filter.Eq("c", 3))).Depth())
	// Output:
	// 0
	// 2
}

// At is the path an error message names for a condition, parsed or built
// in Go.
func ExampleCond_At() {
	fmt.Println(filter.Gt("score", 3).At("where"))
	fmt.Println(filter.NotNull("deletedAt").At("where"))
	// Output:
	// where.score.gt
	// where.deletedAt.neq
}

// A Filter prints as LoopBack's JSON, the form a REST client sends.
func ExampleFilter_String() {
	f := filter.Filter{
		Where:  filter.And(filter.Eq("status", "published"), filter.Gt("score", 3)),
		Order:  []filter.Order{filter.Desc("score")},
		Limit:  10,
		Skip:   20,
		Fields: filter.Fields{Names: []string{"id", "title"}},
	}
	fmt.Println(f)
	// Output:
	// {"where":{"status":"published","score":{"gt":3}},"order":["score DESC"],"limit":10,"skip":20,"fields":{"id":true,"title":true}}
}

// IsZero tells whether a projection keeps every field.
func ExampleFields_IsZero() {
	fmt.Println(filter.Fields{}.IsZero(), filter.Fields{Names: []string{"id"}}.IsZero())
	// Output:
	// true false
}

// A Parser's limits apply to each of its methods: Parse reads a whole
// filter.
func ExampleParser_Parse() {
	p := filter.Parser{MaxDepth: 1}
	f, err := p.Parse([]byte(`{"where":{"status":"published"},"limit":5}`))
	fmt.Println(f, err)
	_, err = p.Parse([]byte(`{"where":{"or":[{"and":[{"a":1}]}]}}`))
	fmt.Println(err)
	// Output:
	// {"where":{"status":"published"},"limit":5} <nil>
	// filter: where.or[0].and: conditions nest deeper than 1 levels
}

// ParseWhere reads a where object alone, as LoopBack's count and
// updateAll endpoints take it.
func ExampleParser_ParseWhere() {
	p := filter.Parser{MaxDepth: 3}
	c, err := p.ParseWhere([]byte(`{"or":[{"n":{"lt":2}},{"n":{"gt":8}}]}`))
	fmt.Println(c, err)
	// Output:
	// {"or":[{"n":{"lt":2}},{"n":{"gt":8}}]} <nil>
}

// ParseQuery reads a filter from URL query parameters, in either form a
// LoopBack client sends.
func ExampleParser_ParseQuery() {
	var p filter.Parser
	q, _ := url.ParseQuery(`filter[where][status]=published&filter[limit]=2`)
	f, err := p.ParseQuery(q)
	fmt.Println(f, err)
	// Output:
	// {"where":{"status":"published"},"limit":2} <nil>
}

// ParseQueryWhere reads ?where= (or where[...]=) parameters.
func ExampleParser_ParseQueryWhere() {
	var p filter.Parser
	q, _ := url.ParseQuery(`where={"n":{"gte":3}}`)
	c, err := p.ParseQueryWhere(q)
	fmt.Println(c, err)
	// Output:
	// {"n":{"gte":3}} <nil>
}

// Validate checks a filter built in Go against the Parser's limits.
func ExampleParser_Validate() {
	p := filter.Parser{MaxDepth: 1}
	err := p.Validate(filter.Filter{Where: filter.Or(filter.And(filter.Eq("a", 1)))})
	fmt.Println(err)
	// Output:
	// filter: where.or[0].and: conditions nest deeper than 1 levels
}
