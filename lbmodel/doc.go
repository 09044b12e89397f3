// Package lbmodel turns LoopBack 3 model definitions (the JSON files of
// common/models) into a relstore schema: one Go struct type per model, built
// at run time with reflect.StructOf, and the memstore models that give them
// the same keys, foreign keys, unique constraints and indexes as Go structs
// with relstore tags. It is what `relstore serve --models DIR` loads, and
// what package rest serves over HTTP; a Go program can use it to build a
// store from the definitions of a LoopBack application too.
//
// # Basics
//
//	schema, err := lbmodel.Load(os.DirFS("common/models")) // every *.json
//	store, err := schema.Open(memstore.Config{})           // memstore.New
//	order := schema.Model("Order")                          // properties, relations, Type
//
// Describe gives the same description of a store of Go structs, so that a
// tool (package rest) treats both alike.
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
//
// # Go types
//
// Each property is a field of the model's struct, named by the property
// with its first letter upper-cased (customerId → CustomerId), whose json
// tag is the property's name:
//
//	string                string
//	number                float64; int64 when it is a key, a foreign key or
//	                      a property a relation references (primaryKey)
//	boolean               bool
//	date                  time.Time
//	object, array, any    json.RawMessage (an object must be an object, an
//	                      array an array)
//
// A scalar property that is neither required nor the key is a pointer: nil
// is absent, JSON null, SQL NULL (its json tag has omitempty). ConvertValue
// converts JSON values to these types by package filter's Coerce rules: a
// number for an integer field must be whole, a date is an RFC 3339 string.
//
// # Relations
//
// The key in "relations" is the relation's name. type is belongsTo,
// hasMany, hasOne or hasAndBelongsToMany (a hasMany with "through" is a
// hasManyThrough); foreignKey, primaryKey (relstore also reads keyTo),
// through, keyThrough and polymorphic take LoopBack's defaults:
//
//	belongsTo customer → Customer    foreignKey customerId (relation + "Id") on this model,
//	                                 referencing Customer's id (or primaryKey, a unique property)
//	hasMany orders → Order           foreignKey customerId (this model's name, first letter
//	hasOne address → Address         lower-cased, + "Id") on the other model, referencing this
//	                                 model's id; a hasOne's foreign key is unique
//	hasMany tags through OrderTag    foreignKey orderId and keyThrough tagId on OrderTag
//	hasAndBelongsToMany parts → Part through AssemblyPart (or PartAssembly) if defined,
//	                                 else a link model AssemblyPart that relstore makes: id,
//	                                 assemblyId, partId, the pair unique, cascading both ways
//	belongsTo imageable, polymorphic: true          foreignKey imageableId and discriminator
//	hasMany pictures → Picture, polymorphic: "imageable"   imageableType on Picture
//
// A foreign key property that the model does not declare is added, typed
// like the key it references (and optional, so nullable). Every
// non-polymorphic foreign key becomes a memstore belongsTo relation, so the
// store enforces it: a row cannot reference a missing row, and deleting a
// referenced row follows onDelete. A belongsTo and its owner's hasMany
// describe one foreign key from both sides and make one memstore relation;
// a hasMany (or hasOne, or through) whose other side declares no belongsTo
// makes one named "~Customer.orders", which Model.Relations does not list.
//
// onDelete, relstore's own key, says what deleting a referenced row does to
// the rows that reference it: restrict (refuse while they exist; the
// default), cascade (delete them) or setNull (clear their foreign key, which
// must not be required). It may be written on either side of a foreign key,
// not differently on both.
//
// Polymorphic relations are described (Relation.Polymorphic names the
// discriminator and, on the belongsTo, the models that point at it), and
// their two properties are indexed together; memstore does not enforce them
// yet (issue 15), so onDelete is refused on them.
//
// # Errors
//
// Compile, Load and Open refuse a definition with an *Error naming the file,
// the model and the property, relation or index, matching ErrInvalid:
//
//	lbmodel: order.json: model Order: property customerId: the foreign key of relation
//	Order.customer has type string, but Customer.id has type number
//
// # Differences from LoopBack 3
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
package lbmodel
