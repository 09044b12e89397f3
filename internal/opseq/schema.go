package opseq

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/relstore/relstore/memstore"
)

// Schema describes the models and relations that op sequences run on. The
// decoder, the reference model and every backend (relstore through package
// replay, SQLite, later PostgreSQL) read their schema from it, so that a new
// schema needs no new code in any of them; only package replay lists the Go
// types, which its generic handles need statically.
//
// A Schema's fields are not changed after it is made, except by Decode,
// which works on a copy (see RelSpec.Actions).
type Schema struct {
	Name   string
	Models []ModelSpec
	Rels   []RelSpec
	// Kinds are the op kinds Decode draws, indexed by the kind byte.
	Kinds []Kind
	// Stores is how many stores a sequence runs on (at least 1); each store
	// has its own cache.
	Stores int
	// Handles lists, for each handle set (the typed tables and accessors an
	// op uses), the store that made it. Nil means one set per store. An op
	// whose handle set belongs to another store than its transaction's is a
	// cross-store use, which the store must refuse with ErrInvalid.
	Handles []int
	// CrossStore lets Decode give an op the handle set of another store than
	// its transaction's, one time in 8.
	CrossStore bool
}

// ModelID names a model of a schema: an index into Schema.Models.
type ModelID uint8

// Rel names a relation of a schema: an index into Schema.Rels.
type Rel uint8

// ModelSpec describes one model.
type ModelSpec struct {
	Name string
	Type reflect.Type // the Go struct type
	// Key is the primary key field; empty for a model without one, whose
	// rows get a store-assigned memstore.RowID.
	Key    string
	Auto   bool     // an integer key that is zero on insert is assigned
	Unique []string // unique fields besides the key
	// Fields are the fields Decode fills, in order; the others stay zero.
	Fields []FieldSpec
	// KeyValues are the keys ops name rows by (delete, view, set, ...):
	// Decode picks the zero key one time in 16, else one of these.
	KeyValues []any
	// StandIn is a key outside KeyValues, for rows that are never stored.
	StandIn any
	// Tagged: the struct's tags declare the key, uniques and relations.
	// Otherwise Models declares them in code from this spec and Rels.
	Tagged bool
	// Indexes are the model's secondary indexes (declared in code); the
	// unique ones are constraints the model checks, after the unique
	// fields (a NULL in any field never collides).
	Indexes []memstore.Index
	// Owned are relations the model declares as their owner (a hasMany, a
	// hasManyThrough): the store compiles them, the ops do not use them.
	Owned []memstore.Relation

	of func() memstore.Model
}

// Keyless reports whether the model has no key field.
func (m *ModelSpec) Keyless() bool { return m.Key == "" }

// Coding is how Decode maps one byte b to one of n values.
type Coding uint8

// The codings.
const (
	Plain  Coding = iota // Values[b%n]
	Zero16               // the zero value when b%16 == 0, else Values[(b/16)%n]
	Zero3                // the zero value when b%3 == 0, else Values[(b/3)%n]
	Null2                // nil when b%2 == 0, else Values[(b/2)%n] (a pointer field)
	Null4                // nil when b%4 == 0, else Values[(b/4)%n]
)

// FieldSpec is a field that Decode fills.
type FieldSpec struct {
	Name   string
	Coding Coding
	Values []any // typed exactly as the field (the pointed-to type for a pointer)
}

// RelSpec describes a belongsTo relation, for the reference model and for
// backends that build their own schema (the SQLite DDL).
type RelSpec struct {
	Name     string // the relation's name in memstore
	Source   ModelID
	Target   ModelID
	FK       string // the source's foreign key field
	KeyTo    string // the target's referenced field; empty for a keyless target's RowID
	OnDelete memstore.Action
	Nullable bool
	// Actions, if not empty, are the on-delete actions Decode chooses from
	// with one byte at the start of the input, so that one fuzz target
	// explores every combination; OnDelete is then the chosen one.
	Actions []memstore.Action
	// Targets, for a polymorphic relation, are the models it may
	// reference, each by its primary key, and Disc the source's field that
	// names one of them (its model name). The relation's ops (OpSet,
	// OpGet, OpInclude, OpMove) go through its typed view of Target, one of
	// Targets: a source whose Disc names another model has no owner there
	// (see Schema.FK), and Set writes Disc.
	Targets []ModelID
	Disc    string
}

// Poly reports whether the relation is polymorphic.
func (r *RelSpec) Poly() bool { return len(r.Targets) > 0 }

// modelSpec describes model T; the key, uniques and relations come from the
// arguments (and, when tagged, must agree with T's tags).
func modelSpec[T any](key string, auto bool, unique []string, keys []any, standIn any, fields ...FieldSpec) ModelSpec {
	t := reflect.TypeFor[T]()
	return ModelSpec{Name: t.Name(), Type: t, Key: key, Auto: auto || key == "", Unique: unique,
		Fields: fields, KeyValues: keys, StandIn: standIn, of: memstore.ModelOf[T]}
}

// Models returns the models to open a store of schema s with. Models of a
// tagged spec are declared by their tags; the others are declared in code,
// with the relations' current OnDelete.
func (s *Schema) MemstoreModels() []memstore.Model {
	out := make([]memstore.Model, len(s.Models))
	for i, spec := range s.Models {
		m := spec.of()
		if !spec.Tagged {
			m.Key, m.AutoKey, m.Unique = spec.Key, spec.Auto && spec.Key != "", spec.Unique
			m.Indexes = spec.Indexes
			m.Relations = append(m.Relations, spec.Owned...)
			for _, r := range s.Rels {
				if int(r.Source) != i {
					continue
				}
				if r.Poly() {
					rel := memstore.Relation{Name: r.Name, Polymorphic: true, FK: r.FK, Discriminator: r.Disc, OnDelete: r.OnDelete}
					for _, t := range r.Targets {
						rel.Targets = append(rel.Targets, s.Models[t].Name)
					}
					m.Relations = append(m.Relations, rel)
					continue
				}
				m.Relations = append(m.Relations, memstore.Relation{Name: r.Name,
					Target: s.Models[r.Target].Name, FK: r.FK, KeyTo: r.KeyTo, OnDelete: r.OnDelete})
			}
		}
		out[i] = m
	}
	return out
}

// NumStores returns the number of stores (at least 1).
func (s *Schema) NumStores() int { return max(s.Stores, 1) }

// HandleSets returns, for each handle set, the store that made it.
func (s *Schema) HandleSets() []int {
	if s.Handles != nil {
		return s.Handles
	}
	out := make([]int, s.NumStores())
	for i := range out {
		out[i] = i
	}
	return out
}

// Variant names the relations' on-delete actions that Decode chose, e.g.
// "seat=setNull pin.seat=cascade"; empty when none varies.
func (s *Schema) Variant() string {
	var parts []string
	for _, r := range s.Rels {
		if len(r.Actions) > 0 {
			parts = append(parts, fmt.Sprintf("%s.%s=%s", s.Models[r.Source].Name, r.Name, r.OnDelete))
		}
	}
	return strings.Join(parts, " ")
}

// withActions returns a copy of s whose varying relations have the given
// actions, in the order of Rels.
func (s *Schema) withActions(acts []memstore.Action) *Schema {
	c := *s
	c.Rels = append([]RelSpec(nil), s.Rels...)
	i := 0
	for j := range c.Rels {
		if len(c.Rels[j].Actions) > 0 {
			c.Rels[j].OnDelete = acts[i]
			i++
		}
	}
	return &c
}

// ModelOf returns the model of a row value.
func (s *Schema) ModelOf(row any) ModelID {
	t := reflect.TypeOf(row)
	for i := range s.Models {
		if s.Models[i].Type == t {
			return ModelID(i)
		}
	}
	panic(fmt.Sprintf("opseq: %T is not a model of schema %s", row, s.Name))
}

// ModelName returns the model's name.
func (s *Schema) ModelName(m ModelID) string {
	if int(m) < len(s.Models) {
		return s.Models[m].Name
	}
	return fmt.Sprintf("ModelID(%d)", uint8(m))
}

// RelName returns "Source.name".
func (s *Schema) RelName(r Rel) string {
	if int(r) < len(s.Rels) {
		return s.Models[s.Rels[r].Source].Name + "." + s.Rels[r].Name
	}
	return fmt.Sprintf("Rel(%d)", uint8(r))
}

// PK returns a row's primary key. It panics for a keyless model, whose
// key is not in the row.
func (s *Schema) PK(row any) any {
	spec := &s.Models[s.ModelOf(row)]
	if spec.Keyless() {
		panic(fmt.Sprintf("opseq: %s has no key field", spec.Name))
	}
	return Field(row, spec.Key)
}

// WithPK returns row with its primary key set to k (row unchanged for a
// keyless model).
func (s *Schema) WithPK(row any, k any) any {
	spec := &s.Models[s.ModelOf(row)]
	if spec.Keyless() {
		return row
	}
	return WithField(row, spec.Key, k)
}

// FK returns the foreign key of relation r in a source row, or nil when it
// is null; for a polymorphic relation, nil also when the row's
// discriminator names another model than the relation's Target (its typed
// view has no owner then).
func (s *Schema) FK(r Rel, row any) any {
	spec := &s.Rels[r]
	if spec.Poly() && Field(row, spec.Disc) != s.Models[spec.Target].Name {
		return nil
	}
	return Field(row, spec.FK)
}

// RawFK returns the foreign key field of relation r in a source row, or nil
// when it is null, whatever model a polymorphic relation's discriminator
// names.
func (s *Schema) RawFK(r Rel, row any) any { return Field(row, s.Rels[r].FK) }

// SetFK returns row with relation r's foreign key set to v, or cleared when
// v is nil (a non-nullable key gets its zero value); a polymorphic
// relation's discriminator is set to its Target's name when v is not nil.
func (s *Schema) SetFK(r Rel, row any, v any) any {
	spec := &s.Rels[r]
	row = WithField(row, spec.FK, v)
	if spec.Poly() && v != nil {
		row = WithField(row, spec.Disc, s.Models[spec.Target].Name)
	}
	return row
}

// polyTarget returns the model a polymorphic relation's source row names.
func (s *Schema) polyTarget(r Rel, row any) (ModelID, bool) {
	spec := &s.Rels[r]
	d := Field(row, spec.Disc)
	for _, t := range spec.Targets {
		if s.Models[t].Name == d {
			return t, true
		}
	}
	return 0, false
}

// KeyTo returns the referenced value of a target row of relation r whose
// primary key is k (k is what a keyless target is referenced by).
func (s *Schema) KeyTo(r Rel, k, row any) any {
	if s.Rels[r].KeyTo == "" || s.Rels[r].KeyTo == s.Models[s.Rels[r].Target].Key {
		return k
	}
	return Field(row, s.Rels[r].KeyTo)
}

// Blank returns a row of model m with key k and zero other fields: the
// stand-in for a row that is not stored.
func (s *Schema) Blank(m ModelID, k any) any {
	row := reflect.Zero(s.Models[m].Type).Interface()
	if k == nil {
		return row
	}
	return s.WithPK(row, k)
}

// Field returns the value of a row's field: the pointed-to value of a
// pointer field, or nil for a nil pointer.
func Field(row any, name string) any {
	f := reflect.ValueOf(row).FieldByName(name)
	if !f.IsValid() {
		panic(fmt.Sprintf("opseq: %T has no field %s", row, name))
	}
	if f.Kind() == reflect.Pointer {
		if f.IsNil() {
			return nil
		}
		f = f.Elem()
	}
	return f.Interface()
}

// WithField returns a copy of row with the field set to v: a new pointer to
// v for a pointer field, nil (or the zero value of a plain field) for a nil v.
func WithField(row any, name string, v any) any {
	c := reflect.New(reflect.TypeOf(row)).Elem()
	c.Set(reflect.ValueOf(row))
	f := c.FieldByName(name)
	if !f.IsValid() {
		panic(fmt.Sprintf("opseq: %T has no field %s", row, name))
	}
	switch {
	case v == nil:
		f.SetZero()
	case f.Kind() == reflect.Pointer:
		p := reflect.New(f.Type().Elem())
		p.Elem().Set(reflect.ValueOf(v))
		f.Set(p)
	default:
		f.Set(reflect.ValueOf(v))
	}
	return c.Interface()
}

// isZeroKey reports whether k is the zero key of its type.
func isZeroKey(k any) bool { return k == nil || reflect.ValueOf(k).IsZero() }

// Int returns a pointer to a copy of v.
func Int(v int64) *int64 { return &v }

// Str returns a pointer to a copy of v.
func Str(v string) *string { return &v }

// RowID returns a pointer to a copy of v.
func RowID(v memstore.RowID) *memstore.RowID { return &v }

// FormatRow formats a row with pointer fields dereferenced, e.g.
// `Order{ID:2 CustomerID:1 ParentID:nil Note:""}`.
func FormatRow(row any) string {
	switch r := row.(type) {
	case nil:
		return "<nil>"
	case []any:
		parts := make([]string, len(r))
		for i, x := range r {
			parts[i] = FormatRow(x)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	v := reflect.ValueOf(row)
	if v.Kind() != reflect.Struct {
		return fmt.Sprintf("%#v", row)
	}
	var b strings.Builder
	b.WriteString(v.Type().Name())
	b.WriteByte('{')
	for i := range v.NumField() {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(v.Type().Field(i).Name)
		b.WriteByte(':')
		b.WriteString(formatValue(v.Field(i)))
	}
	b.WriteByte('}')
	return b.String()
}

func formatValue(f reflect.Value) string {
	if f.Kind() == reflect.Pointer {
		if f.IsNil() {
			return "nil"
		}
		f = f.Elem()
	}
	switch f.Kind() {
	case reflect.String:
		return fmt.Sprintf("%q", f.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fmt.Sprint(f.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return fmt.Sprint(f.Uint())
	}
	return fmt.Sprintf("%v", f.Interface())
}
