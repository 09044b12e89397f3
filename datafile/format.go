package datafile

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"strconv"
	"strings"

	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
)

// file is a data file as JSON: LoopBack 3's memory connector's format, with
// the properties of each model written beside it.
type file struct {
	// IDs holds, by model, the next key the store will assign: LoopBack's
	// "ids", for models whose key is generated.
	IDs map[string]json.Number `json:"ids"`
	// Models holds, by model, the rows by their key: each an object, or a
	// string holding one (LoopBack writes strings).
	Models map[string]map[string]json.RawMessage `json:"models"`
	// Schema lists, by model, the properties when the file was written, so
	// that a later load tells added properties from absent values. LoopBack
	// ignores it.
	Schema map[string][]string `json:"schema,omitempty"`
}

// Marshal returns the data file of the store's current state (a snapshot):
// every row of every model of schema (nil: lbmodel.Describe(s)), and the
// auto-key counters.
//
// # The format
//
// The file is LoopBack 3's memory connector's file ("file": "db.json" in a
// datasource), so a LoopBack application's data loads as it is, and
// LoopBack reads what relstore writes:
//
//	{
//	  "ids": {"Customer": 3, "Order": 12},
//	  "models": {
//	    "Customer": {
//	      "1": {"id":1,"name":"Ann","email":"ann@example.com"},
//	      "2": {"id":2,"name":"Bob","email":"bob@example.com"}
//	    },
//	    "Order": {...}
//	  },
//	  "schema": {"Customer": ["id", "name", "email"], "Order": [...]}
//	}
//
// "ids" holds the next key of each model whose key the store assigns; rows
// are keyed by their primary key and written as objects (LoopBack writes
// each as a string of JSON; Load reads both). "schema", which LoopBack
// ignores, lists each model's properties as they were when the file was
// written, so that a later Load can tell a property the model gained from a
// value that was absent. Properties are named as in JSON (the json tags of
// a Go struct, or LoopBack's names); a field that encoding/json leaves out
// (json:"-", unexported) is not saved.
func Marshal(ctx context.Context, s *memstore.Store, schema *lbmodel.Schema) ([]byte, error) {
	if schema == nil {
		schema = lbmodel.Describe(s)
	}
	if err := checkSavable(s, schema); err != nil {
		return nil, err
	}
	snap, err := s.Snapshot()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = snap.View(ctx, func(tx *memstore.Tx) error { return encode(&buf, tx, schema) })
	return buf.Bytes(), err
}

// checkSavable refuses what a data file cannot hold: a model the schema
// does not describe.
func checkSavable(s *memstore.Store, schema *lbmodel.Schema) error {
	for _, mi := range s.Models() {
		if schema.Model(mi.Name) == nil {
			return &Error{Model: mi.Name, Reason: "the schema does not describe this model of the store"}
		}
	}
	return nil
}

func encode(buf *bytes.Buffer, tx *memstore.Tx, schema *lbmodel.Schema) error {
	w := func(s string) { buf.WriteString(s) }
	key := func(s string) {
		b, _ := json.Marshal(s)
		buf.Write(b)
	}
	w("{\n  \"ids\": {")
	first := true
	for _, m := range schema.Models {
		kp := m.KeyProperty()
		if kp == nil || !kp.Generated {
			continue
		}
		last, ok, err := tx.AutoKey(m.Name)
		if err != nil {
			return err
		}
		next := "1"
		if ok {
			next = nextKey(last)
		}
		if !first {
			w(",")
		}
		first = false
		w("\n    ")
		key(m.Name)
		w(": ")
		w(next)
	}
	w("\n  },\n  \"models\": {")
	for i, m := range schema.Models {
		if i > 0 {
			w(",")
		}
		w("\n    ")
		key(m.Name)
		w(": {")
		rows, err := tx.Rows(m.Name)
		if err != nil {
			return err
		}
		kp := m.KeyProperty()
		for j, row := range rows {
			if j > 0 {
				w(",")
			}
			w("\n      ")
			if kp != nil {
				key(formatKey(reflect.ValueOf(row).FieldByIndex(kp.FieldIndex)))
			} else {
				key(strconv.Itoa(j + 1))
			}
			w(": ")
			b, err := json.Marshal(row)
			if err != nil {
				return &Error{Model: m.Name, Reason: fmt.Sprintf("row %d: %v", j+1, err)}
			}
			if b, err = appendShadow(b, tx, m, row); err != nil {
				return &Error{Model: m.Name, Reason: fmt.Sprintf("row %d: %v", j+1, err), Err: err}
			}
			buf.Write(b)
		}
		if len(rows) > 0 {
			w("\n    ")
		}
		w("}")
	}
	w("\n  },\n  \"schema\": {")
	for i, m := range schema.Models {
		if i > 0 {
			w(",")
		}
		w("\n    ")
		key(m.Name)
		w(": [")
		for j, p := range m.Properties {
			if j > 0 {
				w(", ")
			}
			key(p.Name)
		}
		w("]")
	}
	w("\n  }\n}\n")
	return nil
}

// nextKey returns the key after last (an integer of any width), as JSON:
// LoopBack's "ids" hold the next key, not the last.
func nextKey(last any) string {
	v := reflect.ValueOf(last)
	n := new(big.Int)
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n.SetInt64(v.Int())
	default:
		n.SetUint64(v.Uint())
	}
	return n.Add(n, big.NewInt(1)).String()
}

// formatKey renders a key as the record's name in the file.
func formatKey(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	}
	b, _ := json.Marshal(v.Interface())
	return strings.Trim(string(b), `"`)
}

// appendShadow adds the non-null shadow foreign keys of row (lbmodel's
// Property.Shadow: the store keeps them beside the row) to obj, the JSON
// object of its fields.
func appendShadow(obj []byte, tx *memstore.Tx, m *lbmodel.Model, row any) ([]byte, error) {
	var sh map[string]any
	for _, p := range m.Properties {
		if !p.Shadow {
			continue
		}
		if sh == nil {
			var err error
			if sh, err = tx.ShadowOf(row); err != nil {
				return nil, err
			}
		}
		v := sh[p.Field]
		if v == nil {
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		name, _ := json.Marshal(p.Name)
		obj = obj[:len(obj)-1] // the object's closing brace
		if len(bytes.TrimSpace(obj)) > 1 {
			obj = append(obj, ',')
		}
		obj = append(append(append(append(obj, name...), ':'), b...), '}')
	}
	return obj, nil
}
