package filter

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// maxQuerySegments bounds the brackets of one query parameter name: a
// filter within the default limits needs fewer than 100.
const maxQuerySegments = 256

// ParseQuery reads a filter from URL query parameters with the zero Parser,
// in LoopBack 3's two forms: ?filter= with the filter as JSON, or one parameter per value,
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
func ParseQuery(q url.Values) (Filter, error) { return Parser{}.ParseQuery(q) }

// ParseQueryWhere reads a where from URL query parameters with the zero
// Parser.
func ParseQueryWhere(q url.Values) (Cond, error) { return Parser{}.ParseQueryWhere(q) }

// ParseQuery reads the filter of a LoopBack 3 REST request from its query
// parameters: either ?filter= with the filter as JSON, or parameters named
// filter[key][key]... holding its values (see the function ParseQuery). Other
// parameters are ignored; with neither form, or an empty ?filter=, the
// result is the zero Filter. Errors are as Parse's; a malformed parameter
// name is reported with the name as the path.
func (p Parser) ParseQuery(q url.Values) (Filter, error) {
	n, err := queryTree(q, "filter", "")
	if err != nil || n == nil {
		return Filter{}, err
	}
	return p.filterOf(n, "", 1)
}

// ParseQueryWhere reads a where from query parameters, as LoopBack's count
// and bulk routes take it: ?where= as JSON, or where[field]=value and
// where[field][op]=value. Paths start with "where".
func (p Parser) ParseQueryWhere(q url.Values) (Cond, error) {
	n, err := queryTree(q, "where", "where")
	if err != nil || n == nil {
		return Cond{}, err
	}
	return p.whereOf(n, "where", p.maxDepth(), true)
}

// qnode is a value being assembled from bracketed parameter names.
type qnode struct {
	keys  []string // children, in the order first seen
	kids  map[string]*qnode
	vals  []string // a leaf's values
	leaf  bool
	array bool // a leaf written with [], an array even with one value
}

// queryTree returns the tree of parameter name (JSON or brackets), or nil
// if absent.
func queryTree(q url.Values, name, root string) (*node, error) {
	var bracketed []string
	for k := range q {
		if strings.HasPrefix(k, name+"[") {
			bracketed = append(bracketed, k)
		}
	}
	js, hasJSON := q[name]
	if hasJSON && len(bracketed) > 0 {
		return nil, errorf(root, "give %s as JSON or as %s[...] parameters, not both", name, name)
	}
	if hasJSON {
		switch {
		case len(js) > 1:
			return nil, errorf(root, "parameter %s given %d times", name, len(js))
		case js[0] == "":
			return nil, nil
		}
		return decodeJSON([]byte(js[0]), root)
	}
	if len(bracketed) == 0 {
		return nil, nil
	}
	slices.Sort(bracketed) // url.Values is a map: sort for one result per query
	top := &qnode{kids: map[string]*qnode{}}
	for _, k := range bracketed {
		segs, ok := splitBrackets(k[len(name):])
		if !ok {
			return nil, errorf(k, "malformed parameter name (want %s[key][key]...)", name)
		}
		if len(segs) > maxQuerySegments {
			return nil, errorf(k, "more than %d brackets", maxQuerySegments)
		}
		if err := top.insert(segs, q[k], k); err != nil {
			return nil, err
		}
	}
	return top.tree(), nil
}

// splitBrackets splits "[a][b][]" into a, b and "".
func splitBrackets(s string) ([]string, bool) {
	var segs []string
	for s != "" {
		if s[0] != '[' {
			return nil, false
		}
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return nil, false
		}
		segs = append(segs, s[1:end])
		s = s[end+1:]
	}
	for i, seg := range segs {
		if seg == "" && i != len(segs)-1 {
			return nil, false // [] only at the end
		}
	}
	return segs, len(segs) > 0
}

func (n *qnode) insert(segs, vals []string, param string) error {
	for i, seg := range segs {
		if seg == "" { // a trailing []: n is an array leaf
			break
		}
		if n.leaf {
			return errorf(param, "a value and nested parameters for the same key")
		}
		kid := n.kids[seg]
		if kid == nil {
			kid = &qnode{kids: map[string]*qnode{}}
			n.kids[seg] = kid
			n.keys = append(n.keys, seg)
		}
		n = kid
		if i == len(segs)-1 {
			break
		}
	}
	if len(n.keys) > 0 {
		return errorf(param, "a value and nested parameters for the same key")
	}
	n.leaf = true
	n.vals = append(n.vals, vals...)
	if segs[len(segs)-1] == "" {
		n.array = true
	}
	return nil
}

// tree converts the assembled parameters into the parser's input. A
// container whose keys are exactly 0, 1, ... n-1 is an array, as qs makes
// it.
func (n *qnode) tree() *node {
	if n.leaf {
		if len(n.vals) == 1 && !n.array {
			return &node{kind: kindText, str: n.vals[0]}
		}
		arr := &node{kind: kindArray}
		for _, v := range n.vals {
			arr.elems = append(arr.elems, &node{kind: kindText, str: v})
		}
		return arr
	}
	if isIndexList(n.keys) {
		arr := &node{kind: kindArray, elems: make([]*node, len(n.keys))}
		for _, k := range n.keys {
			i, _ := strconv.Atoi(k)
			arr.elems[i] = n.kids[k].tree()
		}
		return arr
	}
	obj := &node{kind: kindObject}
	for _, k := range n.keys {
		obj.keys = append(obj.keys, k)
		obj.elems = append(obj.elems, n.kids[k].tree())
	}
	return obj
}

// isIndexList reports whether keys are the decimal numbers 0 to len-1, in
// any order.
func isIndexList(keys []string) bool {
	if len(keys) == 0 {
		return false
	}
	seen := make([]bool, len(keys))
	for _, k := range keys {
		i, err := strconv.Atoi(k)
		if err != nil || i < 0 || i >= len(keys) || seen[i] || strconv.Itoa(i) != k {
			return false
		}
		seen[i] = true
	}
	return true
}
