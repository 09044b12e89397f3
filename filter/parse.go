package filter

import (
	"encoding/json"
	"math"
)

// Parse reads a filter in LoopBack 3's JSON with the zero Parser.
func Parse(data []byte) (Filter, error) { return Parser{}.Parse(data) }

// ParseWhere reads a where object in LoopBack 3's JSON with the zero Parser.
func ParseWhere(data []byte) (Cond, error) { return Parser{}.ParseWhere(data) }

// Parse reads a filter in LoopBack 3's JSON: an object with the keys where,
// order, limit, skip (or offset), fields, include and after, each described
// in the package doc and on Fields and Include; null, for the filter or for
// a key, means absent. The result satisfies p.Validate, values are kept as
// written (see the package doc), and each Cond has its Path. The error is
// an *Error matching ErrInvalid that names the path.
func (p Parser) Parse(data []byte) (Filter, error) {
	n, err := decodeJSON(data, "")
	if err != nil {
		return Filter{}, err
	}
	return p.filterOf(n, "", 1)
}

// ParseWhere reads a where object in LoopBack 3's JSON, as LoopBack's count
// and bulk routes take it (?where=): the value of a filter's "where". Paths
// in errors start with "where". null means the zero Cond.
func (p Parser) ParseWhere(data []byte) (Cond, error) {
	n, err := decodeJSON(data, "where")
	if err != nil {
		return Cond{}, err
	}
	return p.whereOf(n, "where", p.maxDepth(), true)
}

// filterOf reads a filter object at prefix; level is its include depth + 1.
func (p Parser) filterOf(n *node, prefix string, level int) (Filter, error) {
	var f Filter
	if n.kind == kindNull {
		return f, nil
	}
	if n.kind != kindObject {
		return f, errorf(prefix, "want a filter object, got %s", describeNode(n))
	}
	skipKey := ""
	for i, key := range n.keys {
		v, path := n.elems[i], join(prefix, key)
		if v.kind == kindNull {
			continue
		}
		var err error
		switch key {
		case "where":
			f.Where, err = p.whereOf(v, path, p.maxDepth(), true)
		case "order":
			f.Order, err = orderOf(v, path)
		case "limit":
			f.Limit, err = countOf(v, path)
		case "skip", "offset":
			if skipKey != "" {
				return Filter{}, errorf(path, "skip and offset are the same; give one")
			}
			skipKey = key
			f.Skip, err = countOf(v, path)
		case "fields":
			f.Fields, err = fieldsOf(v, path)
		case "include":
			f.Include, err = p.includeOf(v, path, level)
		case "after":
			f.After, err = afterOf(v, path)
		default:
			err = errorf(path, "unknown filter key %s (want where, order, limit, skip, offset, fields, include or after)", quote(key))
		}
		if err != nil {
			return Filter{}, err
		}
	}
	if err := checkAfter(f.After, len(f.Order), join(prefix, "after")); err != nil {
		return Filter{}, err
	}
	return f, nil
}

// whereOf reads a where object. avail is how many more levels of and/or
// may nest here; top allows null (the zero Cond), which and/or terms refuse.
func (p Parser) whereOf(n *node, path string, avail int, top bool) (Cond, error) {
	if n.kind == kindNull && top {
		return Cond{}, nil
	}
	if n.kind != kindObject {
		return Cond{}, errorf(path, "want a where object, got %s", describeNode(n))
	}
	switch len(n.keys) {
	case 0:
		return Cond{}, nil
	case 1:
		return p.whereKey(n.keys[0], n.elems[0], path, avail)
	}
	// Several keys: an implicit and, one level deeper.
	if avail <= 0 {
		return Cond{}, errorf(path, "conditions nest deeper than %d levels", p.maxDepth())
	}
	terms := make([]Cond, len(n.keys))
	for i, key := range n.keys {
		t, err := p.whereKey(key, n.elems[i], path, avail-1)
		if err != nil {
			return Cond{}, err
		}
		terms[i] = t
	}
	return Cond{Op: OpAnd, Terms: terms, Path: path}, nil
}

// whereKey reads one key of a where object.
func (p Parser) whereKey(key string, v *node, parent string, avail int) (Cond, error) {
	path := join(parent, key)
	if key == "and" || key == "or" {
		op := OpAnd
		if key == "or" {
			op = OpOr
		}
		if v.kind != kindArray {
			return Cond{}, errorf(path, "want an array of where objects, got %s", describeNode(v))
		}
		if avail <= 0 {
			return Cond{}, errorf(path, "conditions nest deeper than %d levels", p.maxDepth())
		}
		terms := make([]Cond, len(v.elems))
		for i, e := range v.elems {
			t, err := p.whereOf(e, index(path, i), avail-1, false)
			if err != nil {
				return Cond{}, err
			}
			terms[i] = t
		}
		return Cond{Op: op, Terms: terms, Path: path}, nil
	}
	if key == "" {
		return Cond{}, errorf(path, "empty field name")
	}
	switch v.kind {
	case kindNull:
		return Cond{Op: OpIsNull, Field: key, Path: path}, nil
	case kindArray:
		return Cond{}, errorf(path, "want a value or an object of operators, got an array (for a list, use inq)")
	case kindObject:
	default:
		return Cond{Op: OpEq, Field: key, Args: []any{valueOf(v)}, Path: path}, nil
	}
	if len(v.keys) == 0 {
		return Cond{}, errorf(path, "empty object of operators (want %s)", jsonOpList)
	}
	if len(v.keys) > 1 && avail <= 0 {
		return Cond{}, errorf(path, "conditions nest deeper than %d levels", p.maxDepth())
	}
	terms := make([]Cond, len(v.keys))
	for i, opName := range v.keys {
		t, err := operatorOf(key, opName, v.elems[i], join(path, opName))
		if err != nil {
			return Cond{}, err
		}
		terms[i] = t
	}
	if len(terms) == 1 {
		return terms[0], nil
	}
	return Cond{Op: OpAnd, Terms: terms, Path: path}, nil
}

// operatorOf reads {"op": operand} on field.
func operatorOf(field, opName string, v *node, path string) (Cond, error) {
	op, ok := jsonOps[opName]
	if !ok {
		return Cond{}, errorf(path, "unknown operator %s (want %s)", quote(opName), jsonOpList)
	}
	c := Cond{Op: op, Field: field, Path: path}
	switch op {
	case OpEq, OpNeq:
		if v.kind == kindNull {
			c.Op = OpIsNull
			if op == OpNeq {
				c.Op = OpNotNull
			}
			return c, nil
		}
		fallthrough
	case OpGt, OpGte, OpLt, OpLte:
		arg, err := scalarOf(v, path, op)
		if err != nil {
			return Cond{}, err
		}
		c.Args = []any{arg}
	case OpBetween, OpInq, OpNin:
		if v.kind != kindArray {
			if op == OpBetween {
				return Cond{}, errorf(path, "want an array of 2 values, got %s", describeNode(v))
			}
			return Cond{}, errorf(path, "want an array of values, got %s", describeNode(v))
		}
		if op == OpBetween && len(v.elems) != 2 {
			return Cond{}, errorf(path, "want an array of 2 values, got %d values", len(v.elems))
		}
		c.Args = make([]any, len(v.elems))
		for i, e := range v.elems {
			arg, err := scalarOf(e, index(path, i), op)
			if err != nil {
				return Cond{}, err
			}
			c.Args[i] = arg
		}
	case OpLike, OpNLike, OpILike, OpNILike, OpRegexp:
		if v.kind != kindString && v.kind != kindText {
			return Cond{}, errorf(path, "want a string pattern, got %s", describeNode(v))
		}
		if op == OpRegexp {
			if _, err := CompileRegexp(v.str); err != nil {
				return Cond{}, withPath(err, path)
			}
		} else if err := checkLike(v.str, op == OpILike || op == OpNILike, path); err != nil {
			return Cond{}, err
		}
		c.Args = []any{v.str} // a pattern is a string, whichever the spelling
	}
	return c, nil
}

// scalarOf reads a non-null scalar operand.
func scalarOf(v *node, path string, op Op) (any, error) {
	switch v.kind {
	case kindNull:
		if op == OpInq || op == OpNin || op == OpBetween {
			return nil, errorf(path, "want a value, got null (a list cannot hold null)")
		}
		return nil, errorf(path, "want a value, got null (only eq and neq take null)")
	case kindArray, kindObject:
		return nil, errorf(path, "want a value, got %s", describeNode(v))
	}
	return valueOf(v), nil
}

// valueOf returns a scalar node's value as a Cond keeps it.
func valueOf(v *node) any {
	switch v.kind {
	case kindBool:
		return v.b
	case kindNumber:
		return json.Number(v.str)
	case kindString:
		return v.str
	case kindText:
		return Text(v.str)
	}
	return nil
}

// stringsOf reads a string, or an array of strings, with their paths.
func stringsOf(v *node, path, what string) ([]string, []string, error) {
	switch v.kind {
	case kindString, kindText:
		return []string{v.str}, []string{path}, nil
	case kindArray:
		items := make([]string, len(v.elems))
		paths := make([]string, len(v.elems))
		for i, e := range v.elems {
			paths[i] = index(path, i)
			if e.kind != kindString && e.kind != kindText {
				return nil, nil, errorf(paths[i], "want %s, got %s", what, describeNode(e))
			}
			items[i] = e.str
		}
		return items, paths, nil
	}
	return nil, nil, errorf(path, "want %s or an array of them, got %s", what, describeNode(v))
}

func orderOf(v *node, path string) ([]Order, error) {
	items, paths, err := stringsOf(v, path, "a string")
	if err != nil {
		return nil, err
	}
	return parseOrders(items, paths)
}

// countOf reads limit or skip: a whole number >= 0 (Text from a query
// string too).
func countOf(v *node, path string) (int, error) {
	if v.kind != kindNumber && v.kind != kindText {
		return 0, errorf(path, "want an integer >= 0, got %s", describeNode(v))
	}
	n, ok := parseNumber(v.str)
	if !ok {
		return 0, errorf(path, "want an integer >= 0, got %s", describeNode(v))
	}
	mag, isInt, fits := n.integer()
	switch {
	case !isInt || (n.neg && mag != 0):
		return 0, errorf(path, "want an integer >= 0, got %s", describeNode(v))
	case !fits || mag > math.MaxInt:
		return 0, errorf(path, "%s is too large", describeNode(v))
	}
	return int(mag), nil
}

func fieldsOf(v *node, path string) (Fields, error) {
	var fs Fields
	switch v.kind {
	case kindString, kindText, kindArray:
		names, _, err := stringsOf(v, path, "a field name")
		if err != nil {
			return fs, err
		}
		fs.Names = names
	case kindObject:
		var in, out []string
		for i, key := range v.keys {
			e := v.elems[i]
			on, ok := boolOf(e)
			if !ok {
				return fs, errorf(join(path, key), "want true or false, got %s", describeNode(e))
			}
			if on {
				in = append(in, key)
			} else {
				out = append(out, key)
			}
		}
		switch {
		case len(in) > 0: // LoopBack: the fields set to true win
			fs.Names = in
		case len(out) > 0:
			fs = Fields{Names: out, Exclude: true}
		}
	default:
		return fs, errorf(path, "want a field name, an array of them or an object of booleans, got %s", describeNode(v))
	}
	if len(fs.Names) == 0 {
		return Fields{}, nil
	}
	return fs, checkFields(fs, path)
}

func boolOf(n *node) (bool, bool) {
	switch {
	case n.kind == kindBool:
		return n.b, true
	case n.kind == kindText && (n.str == "true" || n.str == "false"):
		return n.str == "true", true
	}
	return false, false
}

// includeOf reads an include value at depth level.
func (p Parser) includeOf(v *node, path string, level int) ([]Include, error) {
	var out []Include
	seen := make(map[string]bool)
	add := func(inc Include, path string) error {
		if seen[inc.Relation] {
			return errorf(path, "relation %s included twice", quote(inc.Relation))
		}
		seen[inc.Relation] = true
		out = append(out, inc)
		return nil
	}
	var item func(v *node, path string) error
	item = func(v *node, path string) error {
		if level > p.maxIncludeDepth() {
			return errorf(path, "includes nest deeper than %d levels", p.maxIncludeDepth())
		}
		switch v.kind {
		case kindString, kindText:
			if v.str == "" {
				return errorf(path, "empty relation name")
			}
			return add(Include{Relation: v.str}, path)
		case kindObject:
			if rel, ok := relationForm(v); ok {
				inc, err := p.relationItem(v, rel, path, level)
				if err != nil {
					return err
				}
				return add(inc, path)
			}
			for i, key := range v.keys {
				kpath := join(path, key)
				if key == "" {
					return errorf(kpath, "empty relation name")
				}
				inc := Include{Relation: key}
				switch sub := v.elems[i]; {
				case sub.kind == kindBool && sub.b, sub.kind == kindText && sub.str == "true":
				case sub.kind == kindString, sub.kind == kindText, sub.kind == kindArray, sub.kind == kindObject:
					nested, err := p.includeOf(sub, kpath, level+1)
					if err != nil {
						return err
					}
					inc.Scope.Include = nested
				default:
					return errorf(kpath, "want true, a relation name, an array or an object, got %s", describeNode(sub))
				}
				if err := add(inc, kpath); err != nil {
					return err
				}
			}
			return nil
		}
		return errorf(path, "want a relation name, an array or an object, got %s", describeNode(v))
	}
	if v.kind == kindArray {
		for i, e := range v.elems {
			if e.kind == kindArray {
				return nil, errorf(index(path, i), "want a relation name or an object, got an array")
			}
			if err := item(e, index(path, i)); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	if err := item(v, path); err != nil {
		return nil, err
	}
	return out, nil
}

// relationForm reports whether an include object is LoopBack's
// {"relation": name, "scope": {...}} (or "rel"), and returns the key used.
func relationForm(v *node) (string, bool) {
	for i, key := range v.keys {
		if (key == "relation" || key == "rel") && (v.elems[i].kind == kindString || v.elems[i].kind == kindText) {
			return key, true
		}
	}
	return "", false
}

func (p Parser) relationItem(v *node, relKey, path string, level int) (Include, error) {
	var inc Include
	for i, key := range v.keys {
		e, kpath := v.elems[i], join(path, key)
		switch key {
		case relKey:
			if e.str == "" {
				return inc, errorf(kpath, "empty relation name")
			}
			inc.Relation = e.str
		case "scope":
			scope, err := p.filterOf(e, kpath, level+1)
			if err != nil {
				return inc, err
			}
			inc.Scope = scope
		default:
			return inc, errorf(kpath, "unknown include key %s (want %s and scope)", quote(key), relKey)
		}
	}
	return inc, nil
}

func afterOf(v *node, path string) ([]any, error) {
	if v.kind != kindArray {
		return nil, errorf(path, "want an array of values, got %s", describeNode(v))
	}
	out := make([]any, len(v.elems))
	for i, e := range v.elems {
		if e.kind == kindArray || e.kind == kindObject {
			return nil, errorf(index(path, i), "want a value, got %s", describeNode(e))
		}
		out[i] = valueOf(e)
	}
	return out, nil
}
