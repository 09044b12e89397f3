package lbmodel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// node is a JSON value with object keys in the order written: a model's
// properties, relations and index keys keep their order.
type node struct {
	kind  nodeKind
	str   string      // a string or a number literal
	b     bool        // a boolean
	keys  []string    // object keys, in order
	elems []*node     // object values (parallel to keys) or array elements
	num   json.Number // a number
}

type nodeKind uint8

const (
	nodeNull nodeKind = iota
	nodeBool
	nodeNumber
	nodeString
	nodeArray
	nodeObject
)

// maxNodeDepth bounds the nesting of a definition file: model definitions
// nest a few levels; a deeper file is refused rather than recursed into.
const maxNodeDepth = 64

// parseNode reads one JSON document. Duplicate object keys are refused
// (JavaScript would keep the last one silently).
func parseNode(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := readNode(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("malformed JSON: data after the top-level value")
	}
	return n, nil
}

func readNode(dec *json.Decoder, depth int) (*node, error) {
	if depth > maxNodeDepth {
		return nil, fmt.Errorf("malformed JSON: nested deeper than %d levels", maxNodeDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("malformed JSON: %v", err)
	}
	switch t := tok.(type) {
	case nil:
		return &node{kind: nodeNull}, nil
	case bool:
		return &node{kind: nodeBool, b: t}, nil
	case json.Number:
		return &node{kind: nodeNumber, num: t, str: string(t)}, nil
	case string:
		return &node{kind: nodeString, str: t}, nil
	case json.Delim:
		n := &node{kind: nodeArray}
		if t == '{' {
			n.kind = nodeObject
		}
		for dec.More() {
			if n.kind == nodeObject {
				kt, err := dec.Token()
				if err != nil {
					return nil, fmt.Errorf("malformed JSON: %v", err)
				}
				k := kt.(string)
				for _, seen := range n.keys {
					if seen == k {
						return nil, fmt.Errorf("malformed JSON: duplicate key %q", k)
					}
				}
				n.keys = append(n.keys, k)
			}
			e, err := readNode(dec, depth+1)
			if err != nil {
				return nil, err
			}
			n.elems = append(n.elems, e)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, fmt.Errorf("malformed JSON: %v", err)
		}
		return n, nil
	}
	return nil, fmt.Errorf("malformed JSON: unexpected %v", tok)
}

// get returns the value of key in an object node, or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != nodeObject {
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.elems[i]
		}
	}
	return nil
}

// value returns the node as a plain JSON value: nil, bool, json.Number,
// string, []any or map[string]any.
func (n *node) value() any {
	switch n.kind {
	case nodeBool:
		return n.b
	case nodeNumber:
		return n.num
	case nodeString:
		return n.str
	case nodeArray:
		a := make([]any, len(n.elems))
		for i, e := range n.elems {
			a[i] = e.value()
		}
		return a
	case nodeObject:
		m := make(map[string]any, len(n.keys))
		for i, k := range n.keys {
			m[k] = n.elems[i].value()
		}
		return m
	}
	return nil
}

// describe renders the node for an error message.
func (n *node) describe() string {
	switch n.kind {
	case nodeNull:
		return "null"
	case nodeBool:
		return fmt.Sprint(n.b)
	case nodeNumber:
		return n.str
	case nodeString:
		return fmt.Sprintf("%q", n.str)
	case nodeArray:
		return "an array"
	}
	return "an object"
}

// truthy reports whether a JSON value counts as true the way JavaScript
// reads a flag: true, a non-zero number, a non-empty string.
func (n *node) truthy() bool {
	switch n.kind {
	case nodeBool:
		return n.b
	case nodeNumber:
		f, err := n.num.Float64()
		return err == nil && f != 0
	case nodeString:
		return n.str != ""
	case nodeArray, nodeObject:
		return true
	}
	return false
}
