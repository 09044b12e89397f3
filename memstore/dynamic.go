package memstore

import "reflect"

// ModelOfType returns the Model of the struct type t, as ModelOf does for a
// type known at compile time: for tools that build their models at run time
// (package lbmodel makes them from LoopBack model JSON with reflect.StructOf).
// Name defaults to t's name; an unnamed type (one that reflect.StructOf
// made) needs Name set, or errors and relations name the model by its whole
// struct type. Two models need two distinct types: reflect.StructOf returns
// the same type for the same fields and tags, so give such models a tag that
// differs. A nil t, or one that is not a struct, is refused by New with a
// *SchemaError.
func ModelOfType(t reflect.Type) Model {
	if t == nil {
		return Model{}
	}
	return Model{Name: t.Name(), typ: t}
}
