// Package relhook is the registration point between package memstore and
// internal/relcore: memstore sets its variables when it is initialised, and
// relcore calls them to obtain the untyped core of a relation.
//
// It exists because Go has no friend packages. memstore cannot import
// relcore (relcore imports memstore), and a function memstore exported for
// relcore would show in memstore's documentation. So memstore keeps the
// relation primitives on unexported types, whose exported methods do not
// appear in go doc, and hands values of those types out through these
// variables, typed any; relcore asserts them to the interfaces it declares.
// See memstore/DESIGN.md, "The relation bridge".
//
// relhook imports nothing of the module, so either side may import it.
package relhook

import "reflect"

// The hooks, set by package memstore's init; nil until it has run (which is
// before any package importing memstore runs its own init). store is a
// *memstore.Store; the types are the Go types of the models. Each returns
// the core as an any, or an error matching memstore.ErrInvalid.
var (
	// Relation returns the core of the belongsTo relation named name of
	// the model src, whose target must be the model tgt (for a polymorphic
	// relation, its view of tgt): relcore.RelationOf.
	Relation func(store any, name string, src, tgt reflect.Type) (any, error)
	// Inverse returns the core of the belongsTo of model src that the
	// hasMany or hasOne named name of model owner reads through:
	// relcore.InverseOf.
	Inverse func(store any, name string, owner, src reflect.Type) (any, error)
	// Through returns the cores of the two belongsTo relations of the link
	// model that the hasManyThrough or hasAndBelongsToMany named name of
	// model owner reads through: relcore.ThroughOf.
	Through func(store any, name string, owner, far, link reflect.Type) (toOwner, toFar any, err error)
	// Polymorphic returns the core of the polymorphic belongsTo named name
	// of model src: relcore.PolymorphicOf.
	Polymorphic func(store any, name string, src reflect.Type) (any, error)
)
