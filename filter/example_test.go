package filter_test

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"time"

	"github.com/relstore/relstore/filter"
)

// A filter built in Go names fields by their Go names and holds Go values;
// it prints as LoopBack's JSON.
func ExampleFilter() {
	since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f := filter.Filter{
		Where: filter.And(
			filter.Eq("Status", "published"),
			filter.Gt("CreatedAt", since),
			filter.Or(filter.Inq("AuthorID", 1, 2, 3), filter.ILike("Title", "%go%")),
		),
		Order:   []filter.Order{filter.Desc("CreatedAt")},
		Limit:   20,
		Include: []filter.Include{{Relation: "author"}},
	}
	if err := f.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f)
	// Output:
	// {"where":{"Status":"published","CreatedAt":{"gt":"2026-01-01T00:00:00Z"},"or":[{"AuthorID":{"inq":[1,2,3]}},{"Title":{"ilike":"%go%"}}]},"order":["CreatedAt DESC"],"limit":20,"include":["author"]}
}

// Parse reads LoopBack 3's JSON and keeps values as written, for binding to
// convert by the field's type.
func ExampleParse() {
	f, err := filter.Parse([]byte(`{
		"where": {"status": "published", "createdAt": {"gt": "2026-01-01T00:00:00Z"}, "deletedAt": null},
		"order": "createdAt DESC",
		"limit": 20,
		"include": {"relation": "comments", "scope": {"limit": 3}}
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range f.Where.Terms {
		fmt.Printf("%s %s %v (at %s)\n", c.Field, c.Op, c.Args, c.Path)
	}
	fmt.Println(f.Order, f.Limit, f.Include[0].Relation, f.Include[0].Scope.Limit)
	fmt.Println(f)
	// Output:
	// status eq [published] (at where.status)
	// createdAt gt [2026-01-01T00:00:00Z] (at where.createdAt.gt)
	// deletedAt isNull [] (at where.deletedAt)
	// [createdAt DESC] 20 comments 3
	// {"where":{"status":"published","createdAt":{"gt":"2026-01-01T00:00:00Z"},"deletedAt":null},"order":["createdAt DESC"],"limit":20,"include":[{"relation":"comments","scope":{"limit":3}}]}
}

// Every refusal is an *Error that names the path in the filter and
// matches ErrInvalid.
func ExampleParse_errors() {
	for _, s := range []string{
		`{"where":{"and":[{"a":1},{"views":{"between":[1,2,3]}}]}}`,
		`{"where":{"title":{"regexp":"(?=x)"}}}`,
		`{"where":{"a":{"gt":null}}}`,
		`{"limit":-1}`,
		`{"wher":{}}`,
	} {
		_, err := filter.Parse([]byte(s))
		var fe *filter.Error
		fmt.Println(errors.Is(err, filter.ErrInvalid), errors.As(err, &fe), fe.Path)
		fmt.Println(" ", err)
	}
	// Output:
	// true true where.and[1].views.between
	//   filter: where.and[1].views.between: want an array of 2 values, got 3 values
	// true true where.title.regexp
	//   filter: where.title.regexp: invalid regexp "(?=x)": invalid or unsupported Perl syntax: `(?=`
	// true true where.a.gt
	//   filter: where.a.gt: want a value, got null (only eq and neq take null)
	// true true limit
	//   filter: limit: want an integer >= 0, got -1
	// true true wher
	//   filter: wher: unknown filter key "wher" (want where, order, limit, skip, offset, fields, include or after)
}

// ParseWhere reads a where alone, as LoopBack's count route takes it.
func ExampleParseWhere() {
	w, err := filter.ParseWhere([]byte(`{"or":[{"status":"draft"},{"views":{"lt":10}}]}`))
	fmt.Println(w, err)
	// Output:
	// {"or":[{"status":"draft"},{"views":{"lt":10}}]} <nil>
}

// ParseQuery reads ?filter= as JSON, or LoopBack's bracket parameters,
// whose values are Text until a field gives them a type.
func ExampleParseQuery() {
	q, _ := url.ParseQuery("filter[where][views][gt]=100&filter[where][tag][inq]=go&filter[where][tag][inq]=db" +
		"&filter[order]=createdAt%20DESC&filter[limit]=20")
	f, err := filter.ParseQuery(q)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f)
	fmt.Printf("%T\n", f.Where.Terms[1].Args[0])

	q, _ = url.ParseQuery(`filter={"where":{"views":{"gt":100}},"limit":20}`)
	f, err = filter.ParseQuery(q)
	fmt.Println(f, err)
	// Output:
	// {"where":{"tag":{"inq":["go","db"]},"views":{"gt":"100"}},"order":["createdAt DESC"],"limit":20}
	// filter.Text
	// {"where":{"views":{"gt":100}},"limit":20} <nil>
}

// ParseQueryWhere reads ?where=, in either form.
func ExampleParseQueryWhere() {
	q, _ := url.ParseQuery("where[status]=draft")
	w, err := filter.ParseQueryWhere(q)
	fmt.Println(w, err)
	// Output:
	// {"status":"draft"} <nil>
}

// A Parser sets tighter limits, for a server that wants them.
func ExampleParser() {
	p := filter.Parser{MaxDepth: 2, MaxIncludeDepth: 1}
	_, err := p.Parse([]byte(`{"include":{"orders":"items"}}`))
	fmt.Println(err)
	_, err = p.Parse([]byte(`{"where":{"or":[{"and":[{"or":[]}]}]}}`))
	fmt.Println(err)
	// Output:
	// filter: include.orders: includes nest deeper than 1 levels
	// filter: where.or[0].and[0].or: conditions nest deeper than 2 levels
}

// Validate holds a filter built in Go to the rules Parse applies to JSON.
func ExampleFilter_Validate() {
	f := filter.Filter{
		Where: filter.And(filter.Eq("Status", "published"), filter.Like("Title", `100\`)),
		Limit: 10,
	}
	fmt.Println(f.Validate())
	// Output:
	// filter: where.and[1].Title.like: like pattern "100\\" ends with a lone backslash (write \\ for a backslash)
}

// Coerce converts a filter's value to a field's type: the one set of rules
// that memstore and the REST server share.
func ExampleCoerce() {
	type Post struct {
		Views     int32
		CreatedAt time.Time
		DeletedAt *time.Time
	}
	typ := reflect.TypeFor[Post]()
	views, _ := typ.FieldByName("Views")
	created, _ := typ.FieldByName("CreatedAt")
	deleted, _ := typ.FieldByName("DeletedAt")

	f, _ := filter.Parse([]byte(`{"where":{"views":{"gt":1e3},"createdAt":{"gt":"2026-01-01T00:00:00Z"}}}`))
	v, err := filter.Coerce(f.Where.Terms[0].Args[0], views.Type)
	fmt.Println(v, err)
	v, err = filter.Coerce(f.Where.Terms[1].Args[0], created.Type)
	fmt.Println(v, err)
	v, err = filter.Coerce(nil, deleted.Type)
	fmt.Println(v.IsNil(), err)
	v, err = filter.Coerce(filter.Text("42"), views.Type) // from a query string
	fmt.Println(v, err)

	// A refusal: binding puts it at the condition's path.
	c := filter.Gt("createdAt", 12)
	if _, err := filter.Coerce(c.Args[0], created.Type); err != nil {
		var fe *filter.Error
		errors.As(err, &fe)
		fmt.Println(&filter.Error{Path: c.At("where"), Reason: fe.Reason})
	}
	_, err = filter.Coerce(3.5, views.Type)
	fmt.Println(err)
	// Output:
	// 1000 <nil>
	// 2026-01-01 00:00:00 +0000 UTC <nil>
	// true <nil>
	// 42 <nil>
	// filter: where.createdAt.gt: want a time, got 12 (int)
	// filter: want an integer, got 3.5 (float64)
}

// CompileRegexp reads LoopBack's /pattern/flags form.
func ExampleCompileRegexp() {
	re, err := filter.CompileRegexp("/^the/i")
	fmt.Println(re, err, re.MatchString("The Go Programming Language"))
	_, err = filter.CompileRegexp("/x/s")
	fmt.Println(err)
	// Output:
	// (?i)^the <nil> true
	// filter: invalid regexp flag 's' in "/x/s" (want i, m or g)
}

// Keyset pages continue after the last row shown, so a row inserted since
// neither repeats a row nor hides one, where skip does both. The find
// function below stands in for a store, applying an order of CreatedAt DESC
// with ties by ID in the same direction, as binding does.
func Example_keyset() {
	type Post struct {
		ID        int64
		CreatedAt time.Time
	}
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
	posts := []Post{{1, day(1)}, {2, day(2)}, {3, day(2)}, {4, day(3)}, {5, day(4)}}

	// before reports whether a comes before b: CreatedAt DESC, then ID DESC.
	before := func(a, b Post) bool {
		if !a.CreatedAt.Equal(b.CreatedAt) {
			return a.CreatedAt.After(b.CreatedAt)
		}
		return a.ID > b.ID
	}
	find := func(f filter.Filter) []int64 {
		rows := slices.Clone(posts)
		slices.SortFunc(rows, func(a, b Post) int {
			if before(a, b) {
				return -1
			}
			return 1
		})
		if f.After != nil {
			at, _ := filter.Coerce(f.After[0], reflect.TypeFor[time.Time]())
			id, _ := filter.Coerce(f.After[1], reflect.TypeFor[int64]())
			last := Post{ID: id.Int(), CreatedAt: at.Interface().(time.Time)}
			rows = slices.DeleteFunc(rows, func(p Post) bool { return !before(last, p) })
		}
		rows = rows[min(f.Skip, len(rows)):]
		var ids []int64
		for _, p := range rows[:min(f.Limit, len(rows))] {
			ids = append(ids, p.ID)
		}
		return ids
	}

	page := filter.Filter{Order: []filter.Order{filter.Desc("CreatedAt")}, Limit: 2}
	fmt.Println("page 1:", find(page))

	// The next page's filter, as a server would hand it to the client.
	last := posts[3] // ID 4, the last row of page 1
	next := page
	next.After = []any{last.CreatedAt, last.ID}
	data, _ := next.MarshalJSON()
	fmt.Println(string(data))

	posts = append(posts, Post{6, day(5)}) // a new post arrives

	parsed, _ := filter.Parse(data)
	fmt.Println("page 2 by after:", find(parsed))
	fmt.Println("page 2 by skip: ", find(filter.Filter{Order: page.Order, Limit: 2, Skip: 2}))
	// Output:
	// page 1: [5 4]
	// {"order":["CreatedAt DESC"],"limit":2,"after":["2026-03-03T00:00:00Z",4]}
	// page 2 by after: [3 2]
	// page 2 by skip:  [4 3]
}
