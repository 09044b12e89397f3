package filter

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// node is a parsed JSON value (or a query-string tree) with object keys in
// the order written: the parser's input, whatever the spelling.
type node struct {
	kind  kind
	str   string // a string, a number literal, or a Text
	b     bool
	keys  []string // object keys, in order
	elems []*node  // object values (parallel to keys) or array elements
}

type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindText
	kindArray
	kindObject
)

// describeNode renders a node for an error message.
func describeNode(n *node) string {
	switch n.kind {
	case kindNull:
		return "null"
	case kindBool:
		if n.b {
			return "true"
		}
		return "false"
	case kindNumber:
		return truncate(n.str)
	case kindString, kindText:
		return quote(n.str)
	case kindArray:
		return "an array"
	}
	return "an object"
}

// frame is one open array or object while decoding.
type frame struct {
	n       *node
	key     string // the key whose value comes next (objects)
	wantKey bool   // objects: the next token is a key
	seen    map[string]bool
}

// decodeJSON reads one JSON value into a tree. It does not recurse, so
// nesting costs memory in proportion to the input, never stack; the
// parser's depth limits apply to what it then reads. Duplicate keys are
// refused. Errors are *Error naming the path reached.
func decodeJSON(data []byte, root string) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var stack []*frame
	var top *node
	pathOf := func() string {
		// Each open container but the last is inside its parent's last
		// element; the last one is about to read its next element.
		p := root
		for i, f := range stack {
			last := i == len(stack)-1
			switch {
			case f.n.kind == kindArray && last:
				p = index(p, len(f.n.elems))
			case f.n.kind == kindArray:
				p = index(p, len(f.n.elems)-1)
			case !last:
				p = join(p, f.n.keys[len(f.n.keys)-1])
			case !f.wantKey:
				p = join(p, f.key)
			}
		}
		return p
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				if top == nil && len(stack) == 0 {
					return nil, errorf(root, "malformed JSON: empty input")
				}
				return nil, errorf(pathOf(), "malformed JSON: unexpected end of input")
			}
			return nil, errorf(pathOf(), "malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
		}
		var f *frame
		if len(stack) > 0 {
			f = stack[len(stack)-1]
			if f.n.kind == kindObject && f.wantKey {
				if d, ok := tok.(json.Delim); ok && d == '}' {
					stack = stack[:len(stack)-1]
					if len(stack) == 0 {
						top = f.n
						break
					}
					continue
				}
				key := tok.(string) // the decoder allows only a string or } here
				if f.seen[key] {
					return nil, errorf(join(pathOf(), key), "duplicate key %s", quote(key))
				}
				if f.seen == nil {
					f.seen = make(map[string]bool)
				}
				f.seen[key] = true
				f.key, f.wantKey = key, false
				continue
			}
		}
		var n *node
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				n = &node{kind: kindObject}
			case '[':
				n = &node{kind: kindArray}
			case ']':
				stack = stack[:len(stack)-1]
				if len(stack) == 0 {
					top = f.n
				}
			}
		case nil:
			n = &node{kind: kindNull}
		case bool:
			n = &node{kind: kindBool, b: t}
		case json.Number:
			n = &node{kind: kindNumber, str: string(t)}
		case string:
			n = &node{kind: kindString, str: t}
		}
		if top != nil {
			break
		}
		if n == nil { // a closing ]: its array was added to its parent when opened
			continue
		}
		if f != nil {
			if f.n.kind == kindObject {
				f.n.keys = append(f.n.keys, f.key)
				f.wantKey = true
			}
			f.n.elems = append(f.n.elems, n)
		}
		if n.kind == kindObject || n.kind == kindArray {
			stack = append(stack, &frame{n: n, wantKey: n.kind == kindObject})
			continue
		}
		if f == nil {
			top = n
			break
		}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errorf(root, "malformed JSON: data after the value")
	}
	return top, nil
}
