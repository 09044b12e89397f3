// Package filter is LoopBack's query filter language as data: a where
// condition, an order, limit and skip, a field projection, related models to
// include, and keyset pages (which LoopBack lacks). A Filter is written in Go
// or parsed from LoopBack 3's JSON, printed back to JSON, and checked for
// everything that needs no schema. It reads no rows and knows no models:
// memstore binds a filter to a model (Table.Query) and runs it; package
// relations runs its includes; package rest reads it from a request.
//
// # Basics
//
// In Go, a Filter is a struct literal; conditions are built by functions
// named after LoopBack's operators, naming fields by their Go name, with Go
// values:
//
//	f := filter.Filter{
//		Where: filter.And(
//			filter.Eq("Status", "published"),
//			filter.Gt("CreatedAt", since),
//		),
//		Order: []filter.Order{filter.Desc("CreatedAt")},
//		Limit: 20,
//	}
//
// The same filter in LoopBack 3's JSON, as a REST client sends it in
// ?filter=, naming fields as written (a Go name or a json tag name; binding
// resolves them):
//
//	{"where":{"status":"published","createdAt":{"gt":"2026-01-01T00:00:00Z"}},
//	 "order":["createdAt DESC"],"limit":20}
//
// Parse reads it, ParseQuery reads URL query parameters (?filter= and the
// filter[where][status]=published form), and json.Marshal or String prints
// a Filter back. Parse keeps JSON values exactly as written: numbers as
// json.Number (so 9007199254740993 is not rounded), strings as string, true
// and false as bool; a value from a filter[...] query parameter is a Text,
// whose type the field decides. Coerce converts any of these, or a Go
// value, to a field's type (its doc lists the rules).
//
// A Filter, a Cond and everything in them are plain values: the zero Filter
// matches every row in primary key order; copying one is cheap and shares
// the slices.
//
// # Where
//
// A where condition is a tree of Cond. The zero Cond (JSON {}) matches
// every row. In JSON, an object's keys are its conditions, all of which must
// hold; "and" and "or" take arrays of where objects; any other key names a
// field, with either a value (equality) or an object of operators, several
// of which must all hold:
//
//	{"status": "published"}                      Eq: equal to the value
//	{"deletedAt": null}                          IsNull: the field is NULL
//	{"deletedAt": {"neq": null}}                 NotNull: the field is not NULL
//	{"n": {"eq": 3}}                             Eq, explicitly
//	{"n": {"neq": 3}}                            Neq: not NULL and not equal
//	{"n": {"gt": 3}}, gte, lt, lte               ordered comparisons
//	{"n": {"between": [3, 7]}}                   3 <= n <= 7 (an empty range when 3 > 7)
//	{"n": {"inq": [1, 2, 3]}}                    equal to one of the values
//	{"n": {"nin": [1, 2, 3]}}                    not NULL and equal to none of them
//	{"title": {"like": "Go%"}}                   LIKE; nlike is NOT LIKE
//	{"title": {"ilike": "go%"}}                  ILIKE; nilike is NOT ILIKE
//	{"title": {"regexp": "^go"}}                 a regular expression (see below)
//	{"n": {"gt": 3, "lt": 7}}                    both: gt and lt
//	{"or": [{"a": 1}, {"b": 2}]}                 either
//	{"and": [{"a": 1}, {"b": 2}]}                both (the same as {"a": 1, "b": 2})
//
// NULL follows SQL's three-valued logic, as PostgreSQL evaluates it: a
// comparison with a NULL field is unknown, and a row matches only when its
// condition is true. So eq, neq, gt, gte, lt, lte, between, inq, nin, like,
// nlike, ilike, nilike and regexp never match a row whose field is NULL;
// only IsNull does ({"x": null}, or {"x": {"eq": null}}), and NotNull
// ({"x": {"neq": null}}) is its negation. null is accepted only there: as
// the operand of eq or neq. An empty inq list matches no row; an empty nin
// list matches every row, NULL included (PostgreSQL's x <> ALL('{}'), and
// what LoopBack's SQL connectors do: they drop the condition). An empty
// "and" matches every row and an empty "or" none. not, and negation in
// general, exist only as neq, nin, nlike and nilike.
//
// Ordered comparisons (gt, gte, lt, lte, between, order, after) compare
// numbers by value, strings by their bytes (PostgreSQL's "C" collation,
// which for UTF-8 is code point order), false before true, times by instant
// (whatever their location), and [16]byte values byte by byte. Equality on
// times is the same instant; on floats, the same value (-0 equals 0; NaN is
// refused as input and cannot be stored).
//
// like, ilike and regexp apply to string fields: like and ilike follow
// PostgreSQL's LIKE and ILIKE (% and _, the pattern matches the whole
// string; see Like), regexp takes Go's RE2 syntax, also in LoopBack's
// "/pattern/flags" form, and matches anywhere in the string (see
// CompileRegexp). Values are converted to the field's type by Coerce's
// rules: a number is never a string nor a time.
//
// # Order
//
// Order lists fields, each ascending or descending; in JSON a string
// "createdAt DESC" or an array of such strings, where a string may also
// list several ("status ASC, createdAt DESC") and the direction (ASC by
// default) is case-insensitive. NULLs sort last in ascending order and first
// in descending order (PostgreSQL's default). Ties are always broken by the
// primary key: binding appends it, in the direction of the last order field
// (ascending when there is none), unless the order already includes it. So
// every result has one deterministic order, and a model with no order reads
// in primary key order, as in LoopBack.
//
// # Keyset pages
//
// Skip pages are unstable: a row inserted or deleted before the page moves
// every later row by one, so a reader paging with skip sees a row twice or
// never. After continues after a given row instead: it holds the values of
// the last row of the previous page for each field of the order, followed by
// that row's primary key unless the order already includes it, and the next
// page is the rows that come strictly after that position in the (total)
// order. NULL takes its place in the order too (after every value ascending,
// before every value descending), so after may hold null. The next page
// starts right after the row shown last whatever was inserted or deleted
// since, and no row is skipped or repeated unless its own order values
// change. In JSON:
//
//	{"order":"createdAt DESC","limit":20,"after":["2026-03-01T12:00:00Z",4711]}
//
// It is plain JSON, so a server can hand it out in a next-page link. After
// must have one value per order field, plus one for the primary key when the
// order lacks it; binding checks which. Skip still applies, after the
// position.
//
// Fields, Include, ParseQuery and Error describe projections, includes,
// the query-string form and the refusals; Parser sets the nesting limits.
//
// # Caveats: differences from LoopBack 3
//
// The JSON form follows LoopBack 3's documented filter, and differs
// deliberately where LoopBack silently does something surprising:
//
//   - Anything unknown is an error, not ignored or "matches nothing": a top
//     level key other than where, order, limit, skip, offset, fields,
//     include and after; an unknown operator (including LoopBack's
//     connector-specific near, maxDistance, options, and the $-operators);
//     and, at binding, an unknown field or relation.
//   - neq, nin and nlike never match NULL, as in SQL and LoopBack's SQL
//     connectors; LoopBack's memory connector matches NULL for them.
//   - Several operators on one field all apply ({"gt":1,"lt":5}); LoopBack
//     applies only the first.
//   - null is accepted only with eq and neq; LoopBack accepts it elsewhere
//     and then matches nothing or everything depending on the connector.
//     null in an inq, nin or between list is refused (in SQL, x NOT IN
//     (1, NULL) matches no row).
//   - Values are not converted across kinds: {"age": "12"} is refused for a
//     number field, and a number is never a date (LoopBack reads 12 as 12 ms
//     after 1970). Text values from query strings still take the field's
//     type, as in LoopBack.
//   - NULLs sort last ascending and first descending, as PostgreSQL;
//     LoopBack's memory connector puts undefined first ascending. Strings
//     sort by UTF-8 bytes; JavaScript compares UTF-16 code units.
//   - Ties are broken by the primary key; LoopBack orders by the key only
//     when no order is given.
//   - A regexp is RE2; an invalid one is an error where LoopBack escapes it
//     into a literal and logs a warning. A string is in /pattern/flags form
//     only when it starts with /; LoopBack misreads "^https?://" as flags.
//   - A like pattern follows PostgreSQL's escapes; LoopBack's memory
//     connector turns it into a JavaScript regexp with its own rules.
//   - limit and skip must be JSON numbers (LoopBack also accepts "10"); a
//     duplicate key in a JSON object is an error (JavaScript keeps the last).
//   - A relation listed twice in one include is an error (LoopBack includes
//     it twice), and includes nest at most MaxIncludeDepth levels.
//   - after (keyset pages) is new.
package filter
