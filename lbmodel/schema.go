package lbmodel

import (
	"reflect"

	"github.com/relstore/relstore/memstore"
)

// Type is a LoopBack 3 property type.
type Type string

// The LoopBack 3 property types that models may use.
const (
	String  Type = "string"
	Number  Type = "number"
	Boolean Type = "boolean"
	Date    Type = "date"
	Object  Type = "object"
	Array   Type = "array"
	Any     Type = "any"
)

// Kind is the kind of a relation, as LoopBack 3 names it.
type Kind string

// The relation kinds. A "hasMany" with a "through" model is HasManyThrough.
const (
	BelongsTo           Kind = "belongsTo"
	HasMany             Kind = "hasMany"
	HasOne              Kind = "hasOne"
	HasManyThrough      Kind = "hasManyThrough"
	HasAndBelongsToMany Kind = "hasAndBelongsToMany"
)

// Schema is a set of models: compiled from LoopBack 3 model definitions
// (Load, Compile) or described from a store of Go structs (Describe).
// It is immutable once made and safe for concurrent use.
type Schema struct {
	// Models are the models, in the order of their files' names (Load) or
	// of the store's Config (Describe); models a hasAndBelongsToMany
	// relation makes come after the others.
	Models []*Model

	byName map[string]*Model
}

// Model returns the model named name, or nil.
func (s *Schema) Model(name string) *Model { return s.byName[name] }

// Model is one model: its properties, relations and indexes, and the Go
// struct type that holds its rows.
type Model struct {
	Name   string // the model's name, e.g. "Customer"
	Plural string // its plural: "plural", else English rules, e.g. "Customers"
	Path   string // its REST path segment: "http.path", else Plural
	File   string // the definition file; empty for a synthesised or described model

	// Key is the name of the primary key property ("id" unless a property
	// says "id": true); empty for a model without one (idInjection false
	// and no id property), whose rows get a store-assigned key.
	Key string
	// Properties are the model's properties, the key first when it was
	// injected, then in the order written.
	Properties []*Property
	// Relations are the relations the model declares, in the order
	// written (those a hasMany implies on the other side are not listed:
	// see "LoopBack's relations" in Relation).
	Relations []*Relation
	// Indexes are the indexes declared in "indexes" (property-level
	// indexes are flagged on the property).
	Indexes []Index
	// Type is the Go struct type of a row: one field per property, whose
	// json tag is the property's name.
	Type reflect.Type
	// Synthesized is true for a link model that a hasAndBelongsToMany
	// relation made because no model of that name was defined.
	Synthesized bool

	mem     memstore.Model
	byName  map[string]*Property
	byField map[string]*Property
	rels    map[string]*Relation
}

// Property returns the property named name (LoopBack's name), or nil.
func (m *Model) Property(name string) *Property { return m.byName[name] }

// PropertyOfField returns the property held by the Go struct field named
// field, or nil: what turns a memstore error's field into LoopBack's name.
func (m *Model) PropertyOfField(field string) *Property { return m.byField[field] }

// Relation returns the relation named name, or nil.
func (m *Model) Relation(name string) *Relation { return m.rels[name] }

// KeyProperty returns the primary key property, or nil for a model
// without one.
func (m *Model) KeyProperty() *Property { return m.byName[m.Key] }

// Property is one property of a model.
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
type Property struct {
	Name  string // LoopBack's name: the JSON key in files, requests, responses and filters
	Field string // the Go struct field that holds it
	Type  Type   // the LoopBack type
	// GoType is the field's type (see "Go types" above): string, float64,
	// int64 (a number that is a key or references one), bool, time.Time or
	// json.RawMessage, behind a pointer when the property is optional and
	// scalar (nil is absent, JSON null, SQL NULL).
	GoType reflect.Type
	// FieldIndex is the field's index path in the struct, for
	// reflect.Value.FieldByIndex; nil for a Shadow property.
	FieldIndex []int
	// Shadow is set, in a Describe schema, for a shadow foreign key
	// (memstore.Relation.Shadow): the store keeps it beside the row, with
	// no struct field, and memstore's Tx.ShadowOf, InsertShadow and
	// UpdateShadow read and write it by Field (the relation's FK).
	Shadow bool

	ID        bool   // the primary key
	Generated bool   // the store assigns the key (an auto key)
	Required  bool   // create and replace need a non-null value
	Default   any    // the value an omitted property gets on create, of GoType (or its element type); nil for none
	DefaultFn string // "now" (the current time) or "uuid" (a random UUID string) for an omitted property on create
	Indexed   bool   // "index": true (or an index of one field in "indexes")
	Unique    bool   // no two rows share a non-null value ("index": {"unique": true})
	Hidden    bool   // listed in "hidden": never sent in responses

	Description string
}

// Nullable reports whether the property can be absent: its Go type is a
// pointer or a json.RawMessage.
func (p *Property) Nullable() bool {
	return p.GoType.Kind() == reflect.Pointer || p.GoType == rawMessageType
}

// Relation is a relation a model declares, with every default resolved.
//
// # LoopBack's relations
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
// The other kinds (hasMany, hasOne, hasManyThrough, hasAndBelongsToMany,
// polymorphic) are declared to memstore too, under their names here, so
// package relations' accessors and include read them by those names.
//
// onDelete, relstore's own key, says what deleting a referenced row does to
// the rows that reference it: restrict (refuse while they exist; the
// default), cascade (delete them) or setNull (clear their foreign key, which
// must not be required). It may be written on either side of a foreign key,
// not differently on both.
//
// Polymorphic relations are described (Relation.Polymorphic names the
// discriminator and, on the belongsTo, the models that point at it), their
// two properties are indexed together, and memstore enforces them per
// named model: a row must reference a row of the model its discriminator
// names, and onDelete (on the belongsTo) applies to the rows that name the
// deleted row's model. A polymorphic belongsTo that no model names back
// may reference any model whose id has its type, as in LoopBack.
type Relation struct {
	Name  string // the relation's name: the key in "relations"
	Kind  Kind
	Model string // the related model; empty for a polymorphic belongsTo

	// ForeignKey is the property holding the foreign key: on this model
	// for a belongsTo, on Model for a hasMany or hasOne, on Through
	// (pointing at this model) for hasManyThrough and hasAndBelongsToMany.
	ForeignKey string
	// PrimaryKey is the property the foreign key references: Model's key
	// (or another unique property) for a belongsTo, this model's key for
	// the others.
	PrimaryKey string
	// Through is the link model of a hasManyThrough or
	// hasAndBelongsToMany relation, and KeyThrough its property that
	// references Model.
	Through    string
	KeyThrough string
	// Polymorphic is set for a polymorphic relation (see "LoopBack's
	// relations" above).
	Polymorphic *Polymorphic
	// OnDelete is what deleting a referenced row does to the rows whose
	// foreign key references it: restrict (the default), cascade or
	// setNull. For a belongsTo it applies when the owner is deleted; for
	// the other kinds, when this model's row is.
	OnDelete memstore.Action
}

// Polymorphic describes a polymorphic relation: the foreign key's target
// model is named, row by row, by a discriminator property.
type Polymorphic struct {
	// Discriminator is the property that names the model a row's foreign
	// key references (on this model for a belongsTo, on Model for a
	// hasMany or hasOne, whose rows have this model's name in it).
	Discriminator string
	// Models are, for a polymorphic belongsTo, the models that declare a
	// polymorphic hasMany or hasOne to it: the discriminator's values.
	Models []string
}

// Index is an index declared in a model's "indexes".
type Index struct {
	Name       string
	Properties []string // in the order written
	Unique     bool
}
