// Package filter is LoopBack's query filter language as data: a where
// condition, an order, limit and skip, a field projection, related models to
// include, and keyset pages (which LoopBack lacks). A Filter is written in Go
// or parsed from LoopBack 3's JSON, printed back to JSON, and checked for
// everything that needs no schema. It reads no rows and knows no models:
// binding a filter to a model (resolving names, converting values, planning
// on indexes) is memstore's job, and this documentation is the contract that
// binding implements.
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
// value, to a field's type by the rules under "Values".
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
// like and ilike follow PostgreSQL: % matches any run of characters, _
// exactly one character, and a backslash makes the next character literal
// (\%, \_, \\); the pattern must match the whole string, and a pattern that
// ends with a lone backslash is refused. like compares characters (code
// points) exactly. ilike compares them under Unicode simple case folding,
// one character at a time (the rule of strings.EqualFold): 'É' matches 'é',
// and the Kelvin sign matches 'k'. That is PostgreSQL's ILIKE in a database
// whose LC_CTYPE is a UTF-8 locale, except for the few characters whose
// folding is not a plain upper/lower pair ('ſ', U+017F, matches 's' here and
// not there); under the C locale PostgreSQL folds ASCII only. The patterns
// apply to string fields.
//
// regexp takes a pattern in Go's RE2 syntax (package regexp), which shares
// JavaScript's common syntax (classes, \d \w \s \b, anchors, groups,
// repetition, (?i)) but refuses lookaround and backreferences; write \x{263A}
// where JavaScript writes \u263A. Like LoopBack, the pattern may be written
// "/pattern/flags" with flags among i (case-insensitive, by simple folding),
// m (^ and $ match at line breaks) and g (accepted and ignored); a string
// that does not start with / is the pattern itself. It matches when the
// pattern occurs anywhere in the string (anchor with ^ and $). See
// CompileRegexp.
//
// # Values
//
// A condition's values are compared with a field of the model, whose type
// decides what a value means. Coerce(v, t) is the one implementation of
// these rules, shared by memstore and the REST server, and its errors say
// what was wanted ("want a time, got 12"). By the field's type:
//
//	bool                   JSON true or false; Text "true" or "false"
//	int, int8, ... uint64  a number whose value is an integer in the type's
//	                       range: 12, 12.0 and 1.2e1 are 12, 12.5 and 300 for
//	                       int8 are refused; Text of such a number
//	float32, float64       a finite number, rounded to the nearest float;
//	                       out of range is refused; Text of a number
//	string                 a JSON string, or Text
//	time.Time              an RFC 3339 string ("2026-01-01T00:00:00Z", with
//	                       optional fractional seconds), or Text of one
//	[16]byte               a UUID string, 8-4-4-4-12 hex digits, either case
//	*T (nullable)          null is NULL; anything else as for T
//	named types            as their underlying type (type Status string takes
//	                       a string)
//
// A number is never a string nor a time, and a string never a number:
// {"age": "12"} is refused for an int field, where LoopBack 3 converts it
// (use Text, from a query string, for values whose type the field decides).
// A Go value (from a Filter built in Go) converts when its kind fits: any
// integer to an integer field if in range, an integer-valued float too, any
// number to a float field, a string kind to a string field, time.Time to a
// time field, a [16]byte kind to a [16]byte field; a pointer stands for what
// it points at, a nil pointer for null.
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
// # Limit and skip
//
// Limit is the largest number of rows to return; 0 means no limit (as in
// LoopBack). Skip (JSON "skip", or its alias "offset") is the number of rows
// to pass over first. Both are integers >= 0.
//
// # Fields
//
// Fields chooses the properties a result carries, for the untyped forms
// (REST, rows by model name): Names lists them, or with Exclude lists those
// to leave out. The zero Fields means every property. JSON accepts
// LoopBack's forms: ["id","title"], "title", {"id":true,"title":true} and
// {"body":false}; in an object, the true entries win when there are any, as
// in LoopBack, and {} or [] mean every property. As in LoopBack, the primary
// key is returned only if listed.
//
// # Include
//
// Include names related models to read with each result (LoopBack's
// include), each with a scope: a Filter over the related rows of one owner
// (where, order, limit, skip, fields), whose own Include nests further. JSON
// accepts LoopBack's forms, which may be mixed and nested:
//
//	"include": "orders"
//	"include": ["orders", "address"]
//	"include": {"orders": "items"}                    orders, with their items
//	"include": {"orders": ["items", "payments"]}
//	"include": {"relation": "orders", "scope": {"where": {"total": {"gt": 100}},
//	            "limit": 5, "include": {"items": "product"}}}
//
// A relation appears at most once in one include list, and includes nest at
// most MaxIncludeDepth levels (Parser, default DefaultMaxIncludeDepth).
// What a scope means for each kind of relation (a limit per owner, for
// example) is the relations package's to define.
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
// # Query strings
//
// ParseQuery reads a filter from URL query parameters in LoopBack 3's two
// forms: ?filter= with the filter as JSON, or one parameter per value,
// nested with brackets as the qs package does:
//
//	?filter[where][status]=published&filter[where][views][gt]=100
//	&filter[order]=createdAt%20DESC&filter[limit]=20
//	&filter[where][id][inq]=1&filter[where][id][inq]=2     (or [inq][0]=1&[inq][1]=2)
//	&filter[include][0][relation]=orders&filter[include][0][scope][limit]=5
//
// Keys whose brackets hold exactly 0, 1, ... n-1 make an array, as do
// repeated parameters and []; all values are Text, so null cannot be written
// this way (use ?filter=). ParseQueryWhere reads ?where= (LoopBack's count
// and bulk routes) in the same two forms.
//
// # Errors and limits
//
// Parse and Validate refuse, with an *Error that names the path in the
// filter and matches ErrInvalid, everything that needs no schema: malformed
// JSON, an unknown key or operator, a duplicate key, an operand of the wrong
// shape (between wants two values, inq an array, like a string), null where
// only eq and neq accept it, a negative or fractional limit or skip, an
// invalid like pattern or regexp, a non-finite number, a Go value that is
// not a scalar, an after of the wrong length, a relation included twice, and
// nesting deeper than the Parser's limits (and/or nesting MaxDepth, default
// DefaultMaxDepth; include nesting MaxIncludeDepth). For example:
//
//	filter: where.and[1].views.between: want an array of 2 values, got 3 values
//
// Binding refuses the rest with paths of the same form, built from Cond.Path:
// an unknown field or relation, a value the field's type cannot take
// (Coerce), an operator the field's kind cannot take (like on an int).
//
// # Differences from LoopBack 3
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
//
// # Binding
//
// Binding a Filter to a model (memstore's job) must, in this order: call
// Validate (for filters built in Go; Parse has done it); resolve each field
// name of Where, Order, Fields and After's order, and each relation of
// Include, to the model, refusing unknown names; check each operator against
// the field's kind (like, ilike and regexp need strings; ordered comparisons
// need an ordered kind); coerce every operand with Coerce, after turning
// IsNull and NotNull into null tests (their Args are empty); compile like
// patterns with internal/like and regexps with CompileRegexp; append the
// primary key to the order as described under Order; check After's length
// against that order and coerce its values (null only for nullable fields);
// and report each refusal as an *Error whose Path is Cond.Path (or the
// position of the order, fields or include entry), so that it matches
// ErrInvalid.
package filter
