package filter

import (
	"strings"
	"unicode"
)

// Filter is a query: which rows (Where), in which order, how many (Limit,
// Skip, After), which properties (Fields) and which related rows (Include).
// The zero Filter matches every row, in primary key order. A Filter is a
// plain value, safe to copy and to share between goroutines as long as no
// one changes it.
type Filter struct {
	Where   Cond      // the rows to match; the zero Cond matches all
	Order   []Order   // the order; ties by primary key (see the package doc)
	Limit   int       // at most this many rows; 0 means no limit
	Skip    int       // pass over this many rows first (LoopBack's skip and offset)
	Fields  Fields    // the properties to return; the zero Fields means all
	Include []Include // related rows to read with each result
	After   []any     // keyset: continue after this position in the order
}

// Fields is a projection: the properties a result carries, for the untyped
// forms (REST, rows by model name): Names lists them, or with Exclude lists those
// to leave out. The zero Fields means every property. JSON accepts
// LoopBack's forms: ["id","title"], "title", {"id":true,"title":true} and
// {"body":false}; in an object, the true entries win when there are any, as
// in LoopBack, and {} or [] mean every property. As in LoopBack, the primary
// key is returned only if listed.
type Fields struct {
	Names   []string // the properties to return, or with Exclude to leave out
	Exclude bool     // Names are left out, every other property returned
}

// IsZero reports whether fs selects every property.
func (fs Fields) IsZero() bool { return len(fs.Names) == 0 && !fs.Exclude }

// Include names a relation to read with each result (LoopBack's include),
// with a scope: a Filter over the related rows of one owner
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
type Include struct {
	Relation string // the relation's name, as written
	Scope    Filter // the related rows to read; the zero Filter reads all
}

// The default limits of a Parser.
const (
	// DefaultMaxDepth is how deeply and/or may nest (Cond.Depth): the
	// number LoopBack 3 uses for its maxDepthOfQuery, which counts JSON
	// levels where this counts conditions.
	DefaultMaxDepth = 32
	// DefaultMaxIncludeDepth is how deeply includes may nest: deep enough
	// for a real chain (customer, orders, items, product, category is 4)
	// and shallow enough that one request cannot fan out without bound.
	DefaultMaxIncludeDepth = 8
)

// Parser parses and validates filters with configurable limits. The zero
// Parser uses the defaults, and the package-level Parse, ParseWhere,
// ParseQuery, ParseQueryWhere and Filter.Validate use the zero Parser. A
// Parser is a value with no state, safe for concurrent use.
type Parser struct {
	// MaxDepth bounds Cond.Depth of every where (and of every include
	// scope's); zero or less means DefaultMaxDepth.
	MaxDepth int
	// MaxIncludeDepth bounds how deeply includes nest: a filter's includes
	// are at depth 1, their scopes' includes at 2, and so on; zero or less
	// means DefaultMaxIncludeDepth.
	MaxIncludeDepth int
}

func (p Parser) maxDepth() int {
	if p.MaxDepth <= 0 {
		return DefaultMaxDepth
	}
	return p.MaxDepth
}

func (p Parser) maxIncludeDepth() int {
	if p.MaxIncludeDepth <= 0 {
		return DefaultMaxIncludeDepth
	}
	return p.MaxIncludeDepth
}

// Validate applies the zero Parser's Validate to f.
func (f Filter) Validate() error { return Parser{}.Validate(f) }

// Validate checks f for everything that needs no schema, the checks Parse
// makes on JSON, so that a filter built in Go is held to the same rules:
// each condition has an operator and the operands it takes, values are
// scalars (bool, a number kind, a string kind, time.Time, a [16]byte kind,
// json.Number, Text, or a pointer to one) and finite, null only as IsNull
// and NotNull, like patterns and regexps compile, field names are not
// empty (and not "and" or "or"; an order field has no space or comma),
// Limit and Skip are not negative, Fields names no field twice, Include
// names no relation twice, After has one value per order field plus at
// most one, and nesting is within p's limits. The error is an *Error
// matching ErrInvalid, with the condition's path from Cond.At.
func (p Parser) Validate(f Filter) error {
	return p.validateFilter(f, "", 1)
}

func (p Parser) validateFilter(f Filter, prefix string, level int) error {
	if err := p.validateCond(f.Where, join(prefix, "where"), p.maxDepth()); err != nil {
		return err
	}
	for i, o := range f.Order {
		if err := checkOrderField(o.Field, index(join(prefix, "order"), i)); err != nil {
			return err
		}
	}
	if f.Limit < 0 {
		return errorf(join(prefix, "limit"), "want an integer >= 0, got %d", f.Limit)
	}
	if f.Skip < 0 {
		return errorf(join(prefix, "skip"), "want an integer >= 0, got %d", f.Skip)
	}
	if err := checkFields(f.Fields, join(prefix, "fields")); err != nil {
		return err
	}
	incPath := join(prefix, "include")
	seen := make(map[string]bool, len(f.Include))
	for i, inc := range f.Include {
		path := index(incPath, i)
		if level > p.maxIncludeDepth() {
			return errorf(path, "includes nest deeper than %d levels", p.maxIncludeDepth())
		}
		if inc.Relation == "" {
			return errorf(path, "empty relation name")
		}
		if seen[inc.Relation] {
			return errorf(path, "relation %s included twice", quote(inc.Relation))
		}
		seen[inc.Relation] = true
		if err := p.validateFilter(inc.Scope, join(path, "scope"), level+1); err != nil {
			return err
		}
	}
	return checkAfter(f.After, len(f.Order), join(prefix, "after"))
}

func (p Parser) validateCond(c Cond, parent string, avail int) error {
	path := c.At(parent)
	switch c.Op {
	case 0:
		if !c.IsZero() {
			return errorf(path, "condition without an operator")
		}
		return nil
	case OpAnd, OpOr:
		if c.Field != "" || c.Args != nil {
			return errorf(path, "%s takes Terms only, not a Field or Args", c.Op)
		}
		if avail <= 0 {
			return errorf(path, "conditions nest deeper than %d levels", p.maxDepth())
		}
		for i, t := range c.Terms {
			if err := p.validateCond(t, index(path, i), avail-1); err != nil {
				return err
			}
		}
		return nil
	}
	if c.Op >= opEnd {
		return errorf(path, "unknown operator %s", c.Op)
	}
	if err := checkField(c.Field, path); err != nil {
		return err
	}
	if c.Terms != nil {
		return errorf(path, "%s takes no Terms", c.Op)
	}
	switch c.Op {
	case OpIsNull, OpNotNull:
		if len(c.Args) != 0 {
			return errorf(path, "%s takes no Args", c.Op)
		}
		return nil
	case OpInq, OpNin:
		return checkList(c.Args, path)
	case OpBetween:
		if len(c.Args) != 2 {
			return errorf(path, "want an array of 2 values, got %d values", len(c.Args))
		}
		return checkList(c.Args, path)
	}
	if len(c.Args) != 1 {
		return errorf(path, "%s takes 1 value, got %d values", c.Op, len(c.Args))
	}
	v := c.Args[0]
	switch c.Op {
	case OpLike, OpNLike, OpILike, OpNILike:
		s, ok := stringOf(v)
		if !ok {
			return errorf(path, "want a string pattern, got %s", describe(v))
		}
		return checkLike(s, c.Op == OpILike || c.Op == OpNILike, path)
	case OpRegexp:
		s, ok := stringOf(v)
		if !ok {
			return errorf(path, "want a string pattern, got %s", describe(v))
		}
		if _, err := CompileRegexp(s); err != nil {
			return withPath(err, path)
		}
		return nil
	}
	null, err := checkScalar(v, path)
	if err != nil {
		return err
	}
	if null {
		if c.Op == OpEq || c.Op == OpNeq {
			return errorf(path, "want a value, got null (null is OpIsNull or OpNotNull)")
		}
		return errorf(path, "want a value, got null (only eq and neq take null)")
	}
	return nil
}

// checkList checks the values of inq, nin and between.
func checkList(args []any, path string) error {
	for i, v := range args {
		null, err := checkScalar(v, index(path, i))
		if err != nil {
			return err
		}
		if null {
			return errorf(index(path, i), "want a value, got null (a list cannot hold null)")
		}
	}
	return nil
}

func checkAfter(after []any, orders int, path string) error {
	if after == nil {
		return nil
	}
	if n := len(after); n == 0 || n < orders || n > orders+1 {
		if orders == 0 {
			return errorf(path, "want 1 value (the primary key, with no order), got %d values", n)
		}
		return errorf(path, "want %d or %d values (one per order field, then the primary key), got %d values",
			orders, orders+1, n)
	}
	for i, v := range after {
		if _, err := checkScalar(v, index(path, i)); err != nil {
			return err
		}
	}
	return nil
}

func checkField(name, path string) error {
	switch name {
	case "":
		return errorf(path, "empty field name")
	case "and", "or":
		return errorf(path, "%s is an operator, not a field name", quote(name))
	}
	return nil
}

func checkOrderField(name, path string) error {
	if name == "" {
		return errorf(path, "empty field name")
	}
	if strings.IndexFunc(name, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) >= 0 {
		return errorf(path, "field name %s holds a space or a comma", quote(name))
	}
	return nil
}

func checkFields(fs Fields, path string) error {
	if fs.Exclude && len(fs.Names) == 0 {
		return errorf(path, "Exclude with no Names")
	}
	seen := make(map[string]bool, len(fs.Names))
	for i, n := range fs.Names {
		if n == "" {
			return errorf(index(path, i), "empty field name")
		}
		if seen[n] {
			return errorf(index(path, i), "field %s listed twice", quote(n))
		}
		seen[n] = true
	}
	return nil
}
