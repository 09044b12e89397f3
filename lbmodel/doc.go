// Package lbmodel turns LoopBack 3 model definitions (the JSON files of
// common/models) into a relstore schema: one Go struct type per model, built
// at run time with reflect.StructOf, and the memstore models that give them
// the same keys, foreign keys, unique constraints and indexes as Go structs
// with relstore tags. It is what `relstore serve -models DIR` loads, and
// what package rest serves over HTTP; a Go program can use it to build a
// store from the definitions of a LoopBack application too.
//
// # Basics
//
//	schema, err := lbmodel.Load(os.DirFS("common/models")) // every *.json
//	store, err := schema.Open(memstore.Config{})           // memstore.New
//	order := schema.Model("Order")                          // properties, relations, Type
//
// A definition is LoopBack 3's model JSON ([Compile] gives the format and
// what is read):
//
//	{"name": "Order",
//	 "properties": {"status": {"type": "string", "required": true, "index": true},
//	                "total": "number"},
//	 "relations": {"customer": {"type": "belongsTo", "model": "Customer",
//	                            "foreignKey": "customerId", "onDelete": "cascade"}}}
//
// Each property is a field of the model's struct, typed by its LoopBack type
// ([Property] lists the Go types), and every relation takes LoopBack's
// default names ([Relation] lists them). Describe gives the same description
// of a store of Go structs, so that a tool (package rest) treats both alike.
//
// # Guarantees
//
//   - Every non-polymorphic foreign key is a memstore belongsTo, so the store
//     enforces it: a row cannot reference a missing row, and deleting a
//     referenced row follows onDelete (relstore's own key: restrict, the
//     default, cascade or setNull).
//   - Definitions are checked whole before a store opens: Compile, Load and
//     Open refuse a definition with an *Error naming the file, the model and
//     the property, relation or index (matching ErrInvalid), and a misspelt
//     key ("requried") is refused, not ignored.
//
// # Caveats: differences from LoopBack 3
//
//   - Only PersistedModel and Model bases; composite ids; embedsMany,
//     embedsOne and referencesMany relations; a relation's scope or
//     properties; and a default scope are refused.
//   - Models are strict: a row holds its properties and no others.
//   - Unknown keys (other than LoopBack's own and connector settings) are
//     refused.
//   - Two properties whose names differ only in case are refused (Go's JSON
//     decoding matches names case-insensitively).
//   - Property names are JavaScript identifiers ("first name" is refused),
//     and not "and" or "or", which the filter language reserves.
//   - Index directions (1, -1) are accepted and ignored: an index serves
//     both orders.
//   - A polymorphic hasOne is refused (memstore: its foreign key cannot be
//     unique); use a hasMany.
package lbmodel
