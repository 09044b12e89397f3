package lbmodel

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strings"

	"github.com/relstore/relstore/memstore"
)

// File is one model definition: its name (for errors) and its JSON.
type File struct {
	Name string
	Data []byte
}

// Load compiles every *.json file in the root of fsys (say
// os.DirFS("common/models")), in name order; other files, such as the .js
// beside each definition, are ignored. See Compile.
func Load(fsys fs.FS) (*Schema, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, fmt.Errorf("lbmodel: load: %w", err)
	}
	slices.Sort(names)
	files := make([]File, 0, len(names))
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("lbmodel: load: %w", err)
		}
		files = append(files, File{Name: n, Data: data})
	}
	return Compile(files...)
}

// Compile reads LoopBack 3 model definitions, one model per file, resolves
// their relations across files and builds each model's Go struct type. The
// first problem found is returned as an *Error (matching ErrInvalid) that
// names the file, the model and the property, relation or index. The result
// is ready for Schema.Open.
//
// # The format
//
// Each file defines one model, as LoopBack 3 documents it
// (https://loopback.io/doc/en/lb3/Model-definition-JSON-file.html):
//
//	{
//	  "name": "Order",                      required
//	  "plural": "Orders",                   default: English rules (Plural)
//	  "idInjection": true,                  default true; "options.idInjection" wins
//	  "http": {"path": "orders"},           the REST path segment; default: plural
//	  "properties": {
//	    "status": {"type": "string", "required": true, "default": "new", "index": true},
//	    "total": "number",                  the short form: just the type
//	    "placedAt": {"type": "date", "defaultFn": "now"},
//	    "sku": {"type": "string", "index": {"unique": true}},
//	    "code": {"type": "string", "id": true}   the primary key (else an injected id)
//	  },
//	  "hidden": ["secret"],                 properties never sent in responses
//	  "indexes": {
//	    "status_placed": {"keys": {"status": 1, "placedAt": -1}},
//	    "pair": {"keys": {"a": 1, "b": 1}, "options": {"unique": true}},
//	    "short": {"status": 1},             the short form
//	    "mysql": {"columns": "a,b", "kind": "unique"}
//	  },
//	  "relations": {
//	    "customer": {"type": "belongsTo", "model": "Customer", "foreignKey": "customerId",
//	                 "onDelete": "cascade"},
//	    "items": {"type": "hasMany", "model": "Item"},
//	    "tags": {"type": "hasMany", "model": "Tag", "through": "OrderTag", "keyThrough": "tagId"}
//	  }
//	}
//
// Properties: type is string, number, boolean, date, object, array or any
// (case-insensitive, "String" works), or an array of one type (["string"],
// an array). id, generated, required, default (a value of the type; "$now"
// for a date), defaultFn ("now"; "uuid", "uuidv4" or "guid" for a random
// UUID string), index (true, or {"unique": true}), description or doc. Keys
// LoopBack reads and relstore has no use for (length, precision, columnName,
// a connector's settings object such as "mysql": {...}, and at the top acls,
// methods, mixins, scopes, strict, forceId, validations, ...) are accepted
// and ignored; any other key is refused, so a misspelt "requried" does not
// pass unnoticed. A property named false or null is dropped, as LoopBack
// drops a base model's.
//
// The primary key is the property with "id": true; without one, an "id"
// that the store assigns (a generated number) is injected first, unless
// idInjection is false, and then the rows get a hidden store-assigned key.
// An id is a string or a number; a generated id is a number.
func Compile(files ...File) (*Schema, error) {
	if len(files) == 0 {
		return nil, &Error{Reason: "no model definitions"}
	}
	c := &compiler{s: &Schema{byName: map[string]*Model{}}}
	for _, f := range files {
		if err := c.parseFile(f); err != nil {
			return nil, err
		}
	}
	if err := c.compile(); err != nil {
		return nil, err
	}
	return c.s, nil
}

// compiler holds what compiling a set of definitions needs beyond the
// Schema it fills.
type compiler struct {
	s     *Schema
	draft map[*Model]*draft
	links []*link // the belongsTo relations memstore enforces, declared or implied
}

// draft is what a model's file said, before its relations are resolved.
type draft struct {
	m           *Model
	idInjection bool
	relNodes    []*node // parallel to m.Relations
	pending     []pendingIndex
	memIndexes  []memIndex
	httpPath    string
}

type pendingIndex struct {
	name   string
	keys   []string
	unique bool
	prop   bool // from a property's "index"
}

// modelKeys are the top-level keys of a definition: those relstore reads,
// and LoopBack's others, which it accepts and ignores.
var modelKeys = map[string]bool{
	"name": true, "plural": true, "base": true, "idInjection": true, "options": true,
	"properties": true, "relations": true, "indexes": true, "hidden": true, "http": true,
	"description": true, "forceId": true, "strict": true, "protected": true, "acls": true,
	"methods": true, "mixins": true, "remoting": true, "replaceOnPUT": true, "public": true,
	"validations": true, "excludeBaseProperties": true, "dataSource": true, "scopes": true,
}

// propertyKeys are the keys of a property definition that relstore reads or
// knowingly ignores; any key whose value is an object is a connector's
// settings ("mysql": {...}) and is ignored too.
var propertyKeys = map[string]bool{
	"type": true, "id": true, "generated": true, "required": true, "default": true,
	"defaultFn": true, "index": true, "description": true, "doc": true,
	"length": true, "precision": true, "scale": true, "dataType": true, "columnName": true,
	"dataLength": true, "dataPrecision": true, "dataScale": true, "nullable": true,
	"comments": true, "title": true, "updateOnly": true, "hidden": true,
}

func (c *compiler) parseFile(f File) error {
	fail := func(model, format string, args ...any) error {
		return &Error{File: f.Name, Model: model, Reason: fmt.Sprintf(format, args...)}
	}
	root, err := parseNode(f.Data)
	if err != nil {
		return fail("", "%v", err)
	}
	if root.kind != nodeObject {
		return fail("", "want a JSON object, got %s", root.describe())
	}
	nameNode := root.get("name")
	if nameNode == nil || nameNode.kind != nodeString || nameNode.str == "" {
		return fail("", "no \"name\" (want the model's name as a string)")
	}
	name := nameNode.str
	if !validName(name) {
		return fail(name, "the name must be a letter followed by letters, digits or _")
	}
	for _, k := range root.keys {
		if !modelKeys[k] {
			if k == "scope" {
				return fail(name, "a default \"scope\" is not supported")
			}
			return fail(name, "unknown key %q", k)
		}
	}
	if prev := c.s.byName[name]; prev != nil {
		return fail(name, "model already defined in %s", prev.File)
	}
	m := &Model{Name: name, File: f.Name, byName: map[string]*Property{}, byField: map[string]*Property{}, rels: map[string]*Relation{}}
	d := &draft{m: m, idInjection: true}
	if c.draft == nil {
		c.draft = map[*Model]*draft{}
	}
	c.draft[m] = d

	if b := root.get("base"); b != nil {
		if b.kind != nodeString {
			return fail(name, "\"base\" must be a model name, got %s", b.describe())
		}
		switch b.str {
		case "", "Model", "PersistedModel":
		default:
			return fail(name, "base %q is not supported (only PersistedModel and Model): declare its properties here", b.str)
		}
	}
	if p := root.get("plural"); p != nil {
		if p.kind != nodeString || p.str == "" {
			return fail(name, "\"plural\" must be a non-empty string, got %s", p.describe())
		}
		m.Plural = p.str
	}
	if h := root.get("http"); h != nil {
		if hp := h.get("path"); hp != nil {
			if hp.kind != nodeString || strings.Trim(hp.str, "/") == "" || strings.Contains(strings.Trim(hp.str, "/"), "/") {
				return fail(name, "\"http.path\" must be one path segment, got %s", hp.describe())
			}
			d.httpPath = strings.Trim(hp.str, "/")
		}
	}
	for _, where := range []*node{root, root.get("options")} {
		if n := where.get("idInjection"); n != nil {
			if n.kind != nodeBool {
				return fail(name, "\"idInjection\" must be true or false, got %s", n.describe())
			}
			d.idInjection = n.b // options wins: it is read second
		}
	}

	props := root.get("properties")
	if props != nil && props.kind != nodeObject && props.kind != nodeNull {
		return fail(name, "\"properties\" must be an object, got %s", props.describe())
	}
	if props != nil {
		for i, pname := range props.keys {
			p, idx, err := parseProperty(pname, props.elems[i])
			if err != nil {
				return &Error{File: f.Name, Model: name, Property: pname, Reason: err.Error()}
			}
			if p == nil {
				continue // false or null: LoopBack's "exclude from the base"
			}
			if err := m.addProperty(p); err != nil {
				return &Error{File: f.Name, Model: name, Property: pname, Reason: err.Error()}
			}
			if idx != nil {
				d.pending = append(d.pending, *idx)
			}
		}
	}
	if h := root.get("hidden"); h != nil {
		if h.kind != nodeArray {
			return fail(name, "\"hidden\" must be an array of property names, got %s", h.describe())
		}
		for _, e := range h.elems {
			if e.kind != nodeString || m.byName[e.str] == nil {
				return fail(name, "\"hidden\" names %s, which is not a property", e.describe())
			}
			m.byName[e.str].Hidden = true
		}
	}
	if ix := root.get("indexes"); ix != nil {
		if ix.kind != nodeObject {
			return fail(name, "\"indexes\" must be an object, got %s", ix.describe())
		}
		for i, iname := range ix.keys {
			pi, err := parseIndex(iname, ix.elems[i])
			if err != nil {
				return &Error{File: f.Name, Model: name, Index: iname, Reason: err.Error()}
			}
			d.pending = append(d.pending, pi)
		}
	}
	if rels := root.get("relations"); rels != nil {
		if rels.kind != nodeObject {
			return fail(name, "\"relations\" must be an object, got %s", rels.describe())
		}
		for i, rname := range rels.keys {
			if !validName(rname) {
				return &Error{File: f.Name, Model: name, Relation: rname, Reason: "a relation name must be a letter followed by letters, digits or _"}
			}
			m.Relations = append(m.Relations, &Relation{Name: rname})
			m.rels[rname] = m.Relations[len(m.Relations)-1]
			d.relNodes = append(d.relNodes, rels.elems[i])
		}
	}
	c.s.byName[name] = m
	c.s.Models = append(c.s.Models, m)
	return nil
}

func (m *Model) addProperty(p *Property) error {
	if !validPropertyName(p.Name) {
		return fmt.Errorf("a property name must be a letter, _ or $, then letters, digits, _ or $ (and not \"and\" or \"or\")")
	}
	if m.byName[p.Name] != nil {
		return fmt.Errorf("defined twice")
	}
	for _, q := range m.Properties {
		if strings.EqualFold(q.Name, p.Name) {
			return fmt.Errorf("differs from property %s only in case (JSON decoders would confuse them)", q.Name)
		}
	}
	m.Properties = append(m.Properties, p)
	m.byName[p.Name] = p
	return nil
}

// parseProperty reads one property definition: "type", ["type"] or an
// object. It returns nil for false or null (LoopBack's way to drop a base
// model's property), and the property's own index, if it declares one.
func parseProperty(name string, n *node) (*Property, *pendingIndex, error) {
	if name == "" {
		return nil, nil, fmt.Errorf("an empty property name")
	}
	p := &Property{Name: name}
	switch n.kind {
	case nodeNull:
		return nil, nil, nil
	case nodeBool:
		if !n.b {
			return nil, nil, nil
		}
		return nil, nil, fmt.Errorf("want a type or a property object, got true")
	case nodeString, nodeArray:
		t, err := parseType(n)
		if err != nil {
			return nil, nil, err
		}
		p.Type = t
		return p, nil, nil
	case nodeObject:
	default:
		return nil, nil, fmt.Errorf("want a type or a property object, got %s", n.describe())
	}
	for i, k := range n.keys {
		if !propertyKeys[k] && n.elems[i].kind != nodeObject {
			if k == "unique" {
				return nil, nil, fmt.Errorf("unknown key \"unique\": write \"index\": {\"unique\": true}")
			}
			return nil, nil, fmt.Errorf("unknown key %q", k)
		}
	}
	tn := n.get("type")
	if tn == nil {
		return nil, nil, fmt.Errorf("no \"type\"")
	}
	t, err := parseType(tn)
	if err != nil {
		return nil, nil, err
	}
	p.Type = t
	if id := n.get("id"); id != nil {
		if id.kind == nodeNumber {
			if f, _ := id.num.Float64(); f > 1 {
				return nil, nil, fmt.Errorf("composite ids (\"id\": %s) are not supported: LoopBack's REST API cannot address them either", id.str)
			}
		}
		p.ID = id.truthy()
	}
	for _, flag := range []struct {
		key string
		dst *bool
	}{{"generated", &p.Generated}, {"required", &p.Required}, {"hidden", &p.Hidden}} {
		if v := n.get(flag.key); v != nil {
			if v.kind != nodeBool {
				return nil, nil, fmt.Errorf("%q must be true or false, got %s", flag.key, v.describe())
			}
			*flag.dst = v.b
		}
	}
	if d := n.get("description"); d != nil {
		p.Description = describeText(d)
	} else if d := n.get("doc"); d != nil {
		p.Description = describeText(d)
	}
	if fn := n.get("defaultFn"); fn != nil {
		if fn.kind != nodeString {
			return nil, nil, fmt.Errorf("\"defaultFn\" must be a string, got %s", fn.describe())
		}
		switch fn.str {
		case "now":
			if p.Type != Date {
				return nil, nil, fmt.Errorf("defaultFn \"now\" needs a date property, not %s", p.Type)
			}
			p.DefaultFn = "now"
		case "uuid", "uuidv4", "guid":
			if p.Type != String {
				return nil, nil, fmt.Errorf("defaultFn %q needs a string property, not %s", fn.str, p.Type)
			}
			p.DefaultFn = "uuid"
		default:
			return nil, nil, fmt.Errorf("defaultFn %q is not supported (want now, uuid, uuidv4 or guid)", fn.str)
		}
	}
	if def := n.get("default"); def != nil && def.kind != nodeNull {
		if def.kind == nodeString && def.str == "$now" && p.Type == Date {
			p.DefaultFn = "now"
		} else {
			p.Default = def // checked against the Go type once it is known
		}
	}
	var idx *pendingIndex
	if ix := n.get("index"); ix != nil {
		switch {
		case ix.kind == nodeBool:
			p.Indexed = ix.b
		case ix.kind == nodeObject:
			for _, k := range ix.keys {
				if k != "unique" {
					return nil, nil, fmt.Errorf("\"index\": unknown key %q (want unique)", k)
				}
			}
			p.Indexed = true
			if u := ix.get("unique"); u != nil {
				if u.kind != nodeBool {
					return nil, nil, fmt.Errorf("\"index.unique\" must be true or false, got %s", u.describe())
				}
				p.Unique = u.b
			}
		default:
			return nil, nil, fmt.Errorf("\"index\" must be true, false or {\"unique\": true}, got %s", ix.describe())
		}
		if p.Indexed {
			idx = &pendingIndex{name: name, keys: []string{name}, unique: p.Unique, prop: true}
		}
	}
	return p, idx, nil
}

func describeText(n *node) string {
	switch n.kind {
	case nodeString:
		return n.str
	case nodeArray:
		var lines []string
		for _, e := range n.elems {
			if e.kind == nodeString {
				lines = append(lines, e.str)
			}
		}
		return strings.Join(lines, "\n")
	}
	return ""
}

// parseType reads a property type: a name (case-insensitive, as LoopBack
// reads "String"), or an array of one name (LoopBack's typed array), which
// is an array.
func parseType(n *node) (Type, error) {
	switch n.kind {
	case nodeArray:
		if len(n.elems) > 1 {
			return "", fmt.Errorf("an array type lists one element type, got %d", len(n.elems))
		}
		if len(n.elems) == 1 {
			if _, err := parseType(n.elems[0]); err != nil {
				return "", err
			}
		}
		return Array, nil
	case nodeObject:
		return Object, nil // an anonymous model type: an object
	case nodeString:
	default:
		return "", fmt.Errorf("\"type\" must be a type name, got %s", n.describe())
	}
	switch t := Type(strings.ToLower(n.str)); t {
	case String, Number, Boolean, Date, Object, Array, Any:
		return t, nil
	case "buffer", "geopoint", "null":
		return "", fmt.Errorf("type %q is not supported (want string, number, boolean, date, object, array or any)", n.str)
	}
	return "", fmt.Errorf("type %q is not a LoopBack type (want string, number, boolean, date, object, array or any)", n.str)
}

// parseIndex reads one entry of "indexes": {"keys": {"a": 1, "b": -1},
// "options": {"unique": true}}, the short form {"a": 1, "b": -1}, or MySQL's
// {"columns": "a,b", "kind": "unique"}.
func parseIndex(name string, n *node) (pendingIndex, error) {
	pi := pendingIndex{name: name}
	if n.kind != nodeObject {
		return pi, fmt.Errorf("want an object, got %s", n.describe())
	}
	keys := n
	if cols := n.get("columns"); cols != nil {
		if cols.kind != nodeString {
			return pi, fmt.Errorf("\"columns\" must be a string, got %s", cols.describe())
		}
		for _, col := range strings.Split(cols.str, ",") {
			if col = strings.TrimSpace(col); col != "" {
				pi.keys = append(pi.keys, col)
			}
		}
		if k := n.get("kind"); k != nil {
			pi.unique = k.kind == nodeString && strings.EqualFold(k.str, "unique")
		}
	} else {
		if k := n.get("keys"); k != nil {
			keys = k
			if opts := n.get("options"); opts != nil {
				if u := opts.get("unique"); u != nil {
					pi.unique = u.truthy()
				}
			}
		}
		if keys.kind != nodeObject {
			return pi, fmt.Errorf("\"keys\" must be an object of properties, got %s", keys.describe())
		}
		for i, k := range keys.keys {
			if keys == n && (k == "options" || k == "keys") {
				continue
			}
			v := keys.elems[i]
			if v.kind != nodeNumber || (v.str != "1" && v.str != "-1") {
				return pi, fmt.Errorf("key %s: want 1 or -1, got %s", k, v.describe())
			}
			pi.keys = append(pi.keys, k)
		}
	}
	if len(pi.keys) == 0 {
		return pi, fmt.Errorf("no keys")
	}
	return pi, nil
}

// validName reports whether s is a letter followed by letters, digits or _:
// what a model or relation name must be to be a path segment and a Go name.
func validName(s string) bool {
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case (r >= '0' && r <= '9' || r == '_') && i > 0:
		default:
			return false
		}
	}
	return s != ""
}

// relationKeys are the keys of a relation definition relstore reads or
// knowingly ignores.
var relationKeys = map[string]bool{
	"type": true, "model": true, "foreignKey": true, "primaryKey": true, "keyTo": true,
	"through": true, "keyThrough": true, "polymorphic": true, "as": true, "options": true,
	"onDelete": true, "description": true, "disableInclude": true,
}

func actionOf(n *node) (memstore.Action, error) {
	if n.kind == nodeString {
		switch n.str {
		case "restrict":
			return memstore.Restrict, nil
		case "cascade":
			return memstore.Cascade, nil
		case "setNull":
			return memstore.SetNull, nil
		}
	}
	return 0, fmt.Errorf("\"onDelete\" must be \"restrict\", \"cascade\" or \"setNull\", got %s", n.describe())
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()
