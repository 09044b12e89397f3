package memstore

import (
	"encoding/binary"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unsafe"
)

// Action is what deleting a row does to the rows that reference it.
type Action uint8

const (
	// Restrict refuses the delete if rows still reference the row when its
	// check runs, after the cascades queued before it (the default; SQL's
	// NO ACTION: see ForeignKeyError for the order).
	Restrict Action = iota
	// Cascade deletes the referencing rows too, recursively.
	Cascade
	// SetNull clears the referencing rows' foreign key; it needs a nullable
	// (pointer or shadow) foreign key.
	SetNull
)

// String returns the action's tag spelling: "restrict", "cascade" or "setNull".
func (a Action) String() string {
	switch a {
	case Restrict:
		return "restrict"
	case Cascade:
		return "cascade"
	case SetNull:
		return "setNull"
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// Relation declares a relation of a model in code, as LoopBack's
// "relations" section does: a belongsTo on the model that holds the foreign
// key (Kind's zero value), or, on the owner model, the hasMany, hasOne,
// hasManyThrough or hasAndBelongsToMany that reads it from the other side.
// Zero fields take LoopBack 3's defaults; fields that do not apply to Kind
// must be zero. The tags of [Model] declare the same.
//
// A belongsTo is the relation the store enforces (see [ForeignKeyError]).
// The other kinds are declared on the owner and read through a belongsTo of
// another model; package relations gives the accessors of every kind:
//
//   - hasMany (a customer's orders) and hasOne (its address, through a
//     unique foreign key) read through the child's belongsTo whose foreign
//     key is named (default: the owner's name + "ID", "CustomerID");
//   - hasManyThrough (a physician's patients, through Appointment) reads
//     through the link model's belongsTo to the owner (default field
//     "PhysicianID") and to the target (keyThrough, default "PatientID");
//     hasAndBelongsToMany is the same over a link model of just the two
//     keys, found by name when not given (PostTag or TagPost). A link model
//     with a unique index over its two keys links a pair at most once;
//   - a polymorphic belongsTo (a picture's imageable) references the model
//     its discriminator field names (the model's name, "Customer"), each by
//     its primary key, whose type must be the foreign key's.
//
// Default names follow LoopBack 3: a belongsTo or hasOne is named after its
// target in lowerCamel ("customer", "address"), a hasMany, hasManyThrough or
// hasAndBelongsToMany after the target's plural ("orders", "categories",
// "people"; see [Plural] and Model.Plural). Names are unique per model,
// across kinds. [Store.Models] and [Store.Relation] describe every relation
// with its keys, defaults resolved.
//
// A polymorphic relation's integrity holds per named model: an insert or
// update checks the row in the model the discriminator names, and refuses a
// discriminator that names none of the relation's models (a
// *ForeignKeyError, as a dangling key); deleting a target row applies the
// relation's onDelete to the rows whose discriminator names that model,
// and only to them. A nil foreign key references nothing, whatever the
// discriminator says.
type Relation struct {
	// Kind is the relation's kind; the zero value is BelongsTo.
	Kind RelationKind
	// Name is the relation's name, unique among the model's relations.
	// Default: for a belongsTo and a hasOne, the target's name in
	// lowerCamel ("customer" for Customer); for the many kinds, its plural
	// ("orders", "categories": see Plural); for a polymorphic belongsTo,
	// FK without its "ID" suffix in lowerCamel ("imageable" for
	// ImageableID).
	Name string
	// Target is the name of the related model: the referenced model of a
	// belongsTo, the child model of a hasMany or hasOne, the far model of a
	// hasManyThrough. Required, except for a polymorphic belongsTo, whose
	// targets are Targets.
	Target string
	// FK is the foreign key field. For a belongsTo it is the model's own
	// field; default: the target's name plus "ID" ("CustomerID",
	// "URLPathID"), or, when Name is set, Name with its first letter
	// upper-cased plus "ID" ("buyer" → "BuyerID"). For a hasMany or hasOne
	// it is Target's field that references this model, and for a
	// hasManyThrough Through's; default: this model's name plus "ID"
	// ("CustomerID" on Order). LoopBack calls it foreignKey.
	FK string
	// Shadow, for a belongsTo whose FK names no field of the struct, keeps
	// the foreign key in a hidden, nullable "shadow" column typed like the
	// target key (LoopBack adds the property; Go structs cannot grow
	// fields); package relations reads and writes it. Without Shadow, an FK
	// that names no field is refused: it is most often a misspelling.
	Shadow bool
	// KeyTo is the referenced field of a belongsTo's target; default: its
	// primary key. It must be the primary key or a unique field (LoopBack's
	// keyTo, or primaryKey).
	KeyTo string
	// OnDelete is what deleting a belongsTo's target row does to its
	// referencing rows. The other kinds follow the belongsTo they read
	// through.
	OnDelete Action

	// Polymorphic makes a belongsTo polymorphic (LoopBack 3's
	// "polymorphic": true): the field Discriminator names, row by row, the
	// model FK references, among Targets and the models that declare the
	// inverse (a hasMany or hasOne whose Inverse is this relation). Each
	// target is referenced by its primary key, whose type must be FK's.
	Polymorphic bool
	// Targets lists the models a polymorphic belongsTo may reference.
	Targets []string
	// Discriminator is a polymorphic belongsTo's field of string kind (or a
	// pointer to one) that holds the name of the referenced model; default:
	// Name with its first letter upper-cased plus "Type" ("ImageableType").
	Discriminator string

	// Inverse names, for a hasMany or hasOne, the belongsTo of Target that
	// it reads through; default: the belongsTo of Target whose foreign key
	// is FK. It is how a hasMany names a polymorphic belongsTo (LoopBack's
	// "polymorphic": "imageable" on the hasMany).
	Inverse string
	// Through is the link model of a hasManyThrough (setting it makes a
	// HasMany a HasManyThrough) or a hasAndBelongsToMany; for the latter
	// the default is the model named after both ends, in either order
	// ("PostTag" or "TagPost").
	Through string
	// KeyThrough is Through's field that references Target; default:
	// Target's name plus "ID" ("PatientID").
	KeyThrough string
}

// Model declares one model: a Go struct type and the schema that struct tags
// and these fields give it. Make one with ModelOf. Fields set here add to
// what the tags declare, for types whose source cannot be tagged or an index
// whose fields are not in declaration order; a Key set here replaces the
// default key (the field named ID) and must agree with a pk tag, if any.
//
// # Tags
//
// The tag key is relstore; options are comma-separated:
//
//	pk                 the primary key (default: the field named ID)
//	auto               with pk: an integer key that is zero on insert gets
//	                   the next value (keys are never reused)
//	unique             the field's values must be unique
//	index              a non-unique index on the field alone, named after
//	                   the field
//	index=name         the field is part of the non-unique index name;
//	                   its fields are those tagged index=name, in the order
//	                   the struct declares them
//	unique=name        the same, for a unique index: no two rows have the
//	                   same values in all of its fields
//	belongsTo=Target   the field is a foreign key to model Target
//	polymorphic=A|B    the field is a foreign key to the model that the
//	                   discriminator field names, A or B (or, as plain
//	                   polymorphic, those whose hasMany names it)
//	as=name            with belongsTo or polymorphic: the relation's name
//	                   (default: Target in lowerCamel, e.g. "customer"; for
//	                   polymorphic, the field without ID: "imageable")
//	keyTo=Field        with belongsTo: the target field referenced
//	                   (default: the target's primary key; must be unique)
//	onDelete=action    with belongsTo or polymorphic: restrict (default),
//	                   cascade or setNull
//	discriminator=F    with polymorphic: the field naming the target model
//	                   (default: the relation's name + "Type")
//	-                  a data field: the store keeps it as is, even if its
//	                   type is a model's (see SchemaError)
//
// For example:
//
//	type Customer struct {
//		ID    int64  `relstore:"pk,auto"`
//		Email string `relstore:"unique"`
//		Name  string
//	}
//
//	type Order struct {
//		ID         int64
//		CustomerID int64 `relstore:"belongsTo=Customer,onDelete=cascade"`
//		Note       string
//	}
//
//	type Category struct {
//		ID       string
//		ParentID *string `relstore:"belongsTo=Category,as=parent,onDelete=setNull"`
//	}
//
// Relations seen from the owner are declared on blank fields, one per
// field, as LoopBack declares them in a model's "relations" (see [Relation]
// for the kinds and their default names):
//
//	_ struct{} `relstore:"hasMany=Order"`                          // orders
//	_ struct{} `relstore:"hasOne=Address"`                         // address
//	_ struct{} `relstore:"hasMany=Patient,through=Appointment"`    // patients
//	_ struct{} `relstore:"hasAndBelongsToMany=Tag"`                // tags, through PostTag or TagPost
//	_ struct{} `relstore:"hasMany=Picture,polymorphic=imageable"`  // pictures
//
// with as=name, foreignKey=Field (the child's, or the link model's,
// field that references the owner), through=Model, keyThrough=Field (the
// link model's field that references the target) and polymorphic=name
// (the polymorphic belongsTo of the target to read through).
//
// A field may carry several options, index and unique ones included
// (`relstore:"belongsTo=Post,unique=post_tag"`, `relstore:"index=a,index=b"`).
// [Index] describes what can be indexed and in which order.
//
// # Keys
//
// Keys (primary and foreign keys, and keyTo targets) have an integer kind,
// the string kind, or [16]byte (UUIDs), or are named types of these. A
// foreign key has exactly the type of the key it references; a pointer
// foreign key is nullable, nil meaning "no owner". A model may reference
// itself. A model with no key field gets a store-assigned [RowID].
//
// An auto key's counter is part of the transaction and of snapshots, unlike
// a PostgreSQL sequence: a rolled-back insert does not consume a key and
// Store.Restore puts the counter back, so a test sees the same keys on every
// run. Keys are never reused (SQLite's rowid without AUTOINCREMENT reuses
// the largest freed key).
//
// A code-declared relation whose FK field the struct lacks is refused (most
// often a misspelling), unless it sets [Relation].Shadow: then the store
// keeps a hidden, nullable "shadow" column typed like the target key
// (LoopBack adds the property; Go structs cannot grow fields), which package
// relations reads and writes.
type Model struct {
	// Name is the model's name in errors and relations; default: the Go
	// type's name.
	Name string
	// Plural is the model's plural, which names hasMany relations to it by
	// default (LoopBack's "plural"); default: Plural(Name).
	Plural string
	// Key names the primary key field; default: the field tagged "pk", else
	// the field named ID. A model with neither gets a store-assigned RowID.
	Key string
	// AutoKey makes the store assign the next integer key when an inserted
	// row's key is zero, as the "auto" tag does.
	AutoKey bool
	// Unique names fields whose values must be unique, as the "unique" tag does.
	Unique []string
	// Relations declares relations in code, after those the tags declare:
	// for types whose source you cannot tag, or for models built at run
	// time.
	Relations []Relation
	// Indexes declares secondary indexes in code, after those the index and
	// unique=name tags declare.
	Indexes []Index

	typ reflect.Type
}

// ModelOf returns the Model of the struct type T, to be listed in
// Config.Models. The struct's tags are read when the store is opened.
func ModelOf[T any]() Model {
	t := reflect.TypeFor[T]()
	return Model{Name: t.Name(), typ: t}
}

// maxSlots is the most indexed columns a model may have: a record's header
// counts them in one byte (see record).
const maxSlots = 255

// schema is the compiled, validated form of the models. It is immutable after
// New.
type schema struct {
	models []*model
	byName map[string]*model
	byType map[reflect.Type]*model
}

type model struct {
	name    string
	typ     reflect.Type
	id      int
	table   string  // go-memdb table name (see dbName)
	pk      *column // slots[0]
	auto    bool
	keyless bool
	// hasShadow: some slot is a shadow column (the keyless RowID included).
	hasShadow bool
	// restrictOnly: every relation referencing this model is restrict, so a
	// delete cascades to nothing and nulls nothing.
	restrictOnly bool
	slots        []*column                     // memdb index i is slots[i]; slot 0 is the primary key
	sec          []*column                     // the slots of secondary indexes, in declaration order
	rels         []*relation                   // belongsTo relations of this model, polymorphic ones excluded
	relMap       map[string]*relation          // rels by name
	polys        []*polyRel                    // polymorphic belongsTo relations of this model
	owned        []*ownedRel                   // hasMany, hasOne and through relations declared on this model
	refs         []*relation                   // relations whose target is this model (a polymorphic one's per target)
	plural       string                        // Model.Plural, or Plural(name)
	plan         *copyPlan                     // how a copy of a row makes its references private
	plain        bool                          // plan.plain(): an assignment copies a row completely
	args         sync.Pool                     // *keyArg, for lookups (see keyArg)
	blocks       [18]atomic.Pointer[blockType] // by blockClass, made on first use
	qonce        sync.Once                     // builds qinfo
	qinfo        *queryInfo                    // what binding a filter needs (see bind.go)
}

type column struct {
	name     string
	slot     int
	index    string // memdb index name (see dbName); set for slots only
	offset   uintptr
	codec    *codec
	nullable bool // a pointer field, or a shadow column
	shadow   bool // no struct field: the value lives only in the record's keys
	unique   bool
	fk       *relation // set when the column is a foreign key
	poly     *polyRel  // set when the column is a polymorphic foreign key (fk is nil)
	ix       *secIndex // set when the column is a secondary index's slot (see index.go)

	// word marks a plain (not nullable, not shadow) 64-bit integer field,
	// the common key: its encoding is the field's bits xor flip (the sign
	// bit for a signed integer), big-endian, which appendKey writes without
	// going through the codec.
	word bool
	flip uint64
}

// appendKey appends the encoding of the column's value in the struct at
// base, which must not be nil for a nullable column (see keyPtr).
func (c *column) appendKey(dst []byte, base unsafe.Pointer) []byte {
	if c.word {
		return binary.BigEndian.AppendUint64(dst, *(*uint64)(unsafe.Add(base, c.offset))^c.flip)
	}
	return c.codec.appendKey(dst, c.keyPtr(base))
}

// relation is a compiled belongsTo: source's column fk references
// target's column keyTo. A polymorphic belongsTo has one per target (see
// polyRel), whose rows are those whose discriminator names the target.
type relation struct {
	name     string
	source   *model
	target   *model
	fk       *column
	keyTo    *column
	onDelete Action
	poly     *polyRel // the polymorphic relation this is one target of, or nil
}

// keyPtr returns a pointer to the column's value inside the struct at base,
// or nil when a nullable field is nil. It must not be called on a shadow column.
func (c *column) keyPtr(base unsafe.Pointer) unsafe.Pointer {
	p := unsafe.Add(base, c.offset)
	if c.nullable {
		return *(*unsafe.Pointer)(p)
	}
	return p
}

type tagInfo struct {
	pk, auto, unique bool
	ignore           bool       // "-": a data field, not a relation (see checkNavigation)
	index            bool       // index: an index on the field alone
	indexes          []tagIndex // index=name and unique=name
	// rel is the belongsTo (polymorphic or not) that the field is the
	// foreign key of, or, on a blank (_) field, the relation declared on
	// the model.
	rel *Relation
}

// ownerKinds are the tag options that declare a relation on its owner
// model, on a blank field.
var ownerKinds = map[string]RelationKind{"hasMany": HasMany, "hasOne": HasOne, "hasAndBelongsToMany": HasAndBelongsToMany}

func parseTag(modelName string, f reflect.StructField) (tagInfo, error) {
	var ti tagInfo
	tag, ok := f.Tag.Lookup("relstore")
	if !ok || tag == "" {
		return ti, nil
	}
	bad := func(format string, args ...any) error {
		return &SchemaError{Model: modelName, Field: f.Name, Reason: fmt.Sprintf(format, args...)}
	}
	if strings.TrimSpace(tag) == "-" {
		ti.ignore = true
		return ti, nil
	}
	blank := f.Name == "_"
	// only lists the options that a relation of another kind refuses.
	only := map[string]string{"keyTo": "a belongsTo", "onDelete": "a belongsTo", "discriminator": "a polymorphic belongsTo",
		"foreignKey": "a hasMany, hasOne or hasAndBelongsToMany", "through": "a hasMany or hasAndBelongsToMany",
		"keyThrough": "a hasMany or hasAndBelongsToMany"}
	for _, part := range strings.Split(tag, ",") {
		k, v, hasV := strings.Cut(strings.TrimSpace(part), "=")
		if blank {
			switch k {
			case "hasMany", "hasOne", "hasAndBelongsToMany":
				if ti.rel != nil {
					return ti, bad("a blank field declares one relation; add another _ field for %s=%s", k, v)
				}
				if v == "" {
					return ti, bad("%s needs a target model: %s=Order", k, k)
				}
				ti.rel = &Relation{Kind: ownerKinds[k], Target: v}
				continue
			case "as", "foreignKey", "through", "keyThrough", "polymorphic":
				if ti.rel == nil {
					return ti, bad("tag option %q must follow hasMany=, hasOne= or hasAndBelongsToMany=", k)
				}
				if v == "" {
					return ti, bad("tag option %q needs a value", k)
				}
				if (k == "through" || k == "keyThrough") && ti.rel.Kind == HasOne {
					return ti, bad("tag option %q is for %s, not a hasOne", k, only[k])
				}
				if k == "polymorphic" && ti.rel.Kind == HasAndBelongsToMany {
					return ti, bad("a hasAndBelongsToMany cannot be polymorphic")
				}
				switch k {
				case "as":
					ti.rel.Name = v
				case "foreignKey":
					ti.rel.FK = v
				case "through":
					ti.rel.Through = v
				case "keyThrough":
					ti.rel.KeyThrough = v
				default:
					ti.rel.Inverse = v
				}
				continue
			}
			return ti, bad("tag option %q on a blank field (want hasMany=, hasOne=, hasAndBelongsToMany=, as=, foreignKey=, through=, keyThrough=, polymorphic=)", k)
		}
		switch k {
		case "unique", "index":
			switch {
			case !hasV && k == "unique":
				ti.unique = true
			case !hasV:
				ti.index = true
			case v == "":
				return ti, bad("%s= needs an index name: %s=name", k, k)
			default:
				ti.indexes = append(ti.indexes, tagIndex{name: v, unique: k == "unique"})
			}
		case "pk", "auto":
			if hasV {
				return ti, bad("tag option %q takes no value", k)
			}
			if k == "pk" {
				ti.pk = true
			} else {
				ti.auto = true
			}
		case "belongsTo", "polymorphic":
			if ti.rel != nil {
				return ti, bad("the field is the foreign key of one relation: belongsTo= or polymorphic, once")
			}
			if k == "belongsTo" {
				if v == "" {
					return ti, bad("belongsTo needs a target model: belongsTo=Customer")
				}
				ti.rel = &Relation{Target: v, FK: f.Name}
				break
			}
			ti.rel = &Relation{Polymorphic: true, FK: f.Name}
			if hasV {
				if v == "" {
					return ti, bad("polymorphic= needs target models: polymorphic=Customer|Product")
				}
				ti.rel.Targets = strings.Split(v, "|")
			}
		case "as", "keyTo", "onDelete", "discriminator":
			if ti.rel == nil {
				return ti, bad("tag option %q must follow belongsTo=Target or polymorphic", k)
			}
			if v == "" {
				return ti, bad("tag option %q needs a value", k)
			}
			switch k {
			case "as":
				ti.rel.Name = v
			case "keyTo":
				if ti.rel.Polymorphic {
					return ti, bad("a polymorphic relation references each target's primary key: keyTo does not apply")
				}
				ti.rel.KeyTo = v
			case "discriminator":
				if !ti.rel.Polymorphic {
					return ti, bad("tag option %q is for %s", k, only[k])
				}
				ti.rel.Discriminator = v
			default:
				a, err := parseAction(v)
				if err != nil {
					return ti, bad("%v", err)
				}
				ti.rel.OnDelete = a
			}
		case "hasMany", "hasOne", "hasAndBelongsToMany":
			return ti, bad("%s declares a relation of the model: put it on a blank field, _ struct{} `relstore:\"%s=%s\"`", k, k, v)
		case "-":
			return ti, bad("\"-\" stands alone: it marks a data field")
		default:
			return ti, bad("unknown tag option %q (want pk, auto, unique, unique=, index, index=, belongsTo=, polymorphic, as=, keyTo=, onDelete=, discriminator=, -)", k)
		}
	}
	if ti.auto && !ti.pk {
		return ti, bad("auto needs pk")
	}
	return ti, nil
}

func parseAction(s string) (Action, error) {
	switch s {
	case "restrict":
		return Restrict, nil
	case "cascade":
		return Cascade, nil
	case "setNull":
		return SetNull, nil
	}
	return 0, fmt.Errorf("unknown onDelete action %q (want restrict, cascade or setNull)", s)
}

// lowerCamel returns LoopBack's default relation name for a model name:
// Customer → customer, OrderItem → orderItem, URLPath → urlPath.
func lowerCamel(s string) string {
	r := []rune(s)
	for i := 0; i < len(r) && unicode.IsUpper(r[i]); i++ {
		if i > 0 && i+1 < len(r) && unicode.IsLower(r[i+1]) {
			break
		}
		r[i] = unicode.ToLower(r[i])
	}
	return string(r)
}

// defaultFK returns LoopBack's default foreign key field for a relation name:
// customer → CustomerID.
func defaultFK(name string) string { return upperFirst(name) + "ID" }

// upperFirst returns s with its first letter upper-cased: buyer → Buyer.
func upperFirst(s string) string {
	r := []rune(s)
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
}

// fieldOffset finds the named field, following embedded structs by value.
func fieldOffset(t reflect.Type, name string) (reflect.StructField, uintptr, bool) {
	f, ok := t.FieldByName(name)
	if !ok {
		return f, 0, false
	}
	var off uintptr
	cur := t
	for _, i := range f.Index {
		if cur.Kind() != reflect.Struct {
			return f, 0, false // promoted through an embedded pointer
		}
		sf := cur.Field(i)
		off += sf.Offset
		cur = sf.Type
	}
	return f, off, true
}

// compileSchema validates the models and builds the schema.
func compileSchema(models []Model) (*schema, error) {
	s := &schema{byName: map[string]*model{}, byType: map[reflect.Type]*model{}}
	if len(models) == 0 {
		return nil, &SchemaError{Model: "Config", Reason: "no models"}
	}
	tags := make([]map[string]tagInfo, len(models))
	owned := make([][]Relation, len(models)) // relations tags declare on blank fields
	// Pass 1: models and their own columns.
	for i, decl := range models {
		m, ti, own, err := compileModel(decl, i)
		if err != nil {
			return nil, err
		}
		if _, dup := s.byName[m.name]; dup {
			return nil, &SchemaError{Model: m.name, Reason: "model declared twice"}
		}
		if prev, dup := s.byType[m.typ]; dup {
			return nil, &SchemaError{Model: m.name, Reason: fmt.Sprintf("type %v already registered as model %s", m.typ, prev.name)}
		}
		s.byName[m.name] = m
		s.byType[m.typ] = m
		s.models = append(s.models, m)
		tags[i], owned[i] = ti, own
	}
	if err := s.checkNavigation(tags); err != nil {
		return nil, err
	}
	// Pass 2: belongsTo relations, which need every target's columns;
	// polymorphic ones get their targets in pass 3.
	for i, m := range s.models {
		var decls []Relation
		for _, f := range reflect.VisibleFields(m.typ) {
			if ti, ok := tags[i][f.Name]; ok && ti.rel != nil && f.Name != "_" {
				decls = append(decls, *ti.rel)
			}
		}
		for _, d := range models[i].Relations {
			if d.Kind == BelongsTo {
				decls = append(decls, d)
			}
		}
		for _, d := range decls {
			var err error
			if d.Polymorphic {
				err = s.addPolymorphic(m, d)
			} else {
				err = s.addRelation(m, d)
			}
			if err != nil {
				return nil, err
			}
		}
	}
	// Pass 3: relations declared on their owner, which need every
	// belongsTo, then the targets of polymorphic relations, which these
	// declarations add to.
	for i, m := range s.models {
		decls := owned[i]
		for _, d := range models[i].Relations {
			if d.Kind != BelongsTo {
				decls = append(decls, d)
			}
		}
		for _, d := range decls {
			if err := s.addOwned(m, d); err != nil {
				return nil, err
			}
		}
	}
	for _, m := range s.models {
		for _, p := range m.polys {
			if err := s.finishPolymorphic(p); err != nil {
				return nil, err
			}
		}
	}
	for _, m := range s.models {
		for _, o := range m.owned {
			if o.poly != nil {
				o.via = o.poly.byTarget[m.name]
			}
		}
		if err := m.checkRelationNames(); err != nil {
			return nil, err
		}
	}
	// Pass 4: secondary indexes, which need the relations' shadow columns.
	for i, m := range s.models {
		if err := m.addIndexes(tags[i], models[i].Indexes); err != nil {
			return nil, err
		}
	}
	plans := newPlanner()
	for _, m := range s.models {
		if len(m.slots) > maxSlots {
			return nil, &SchemaError{Model: m.name, Reason: fmt.Sprintf(
				"%d indexed columns (the primary key, unique fields, foreign keys and secondary indexes): at most %d", len(m.slots), maxSlots)}
		}
		for _, c := range m.slots {
			m.hasShadow = m.hasShadow || c.shadow
		}
		m.restrictOnly = true
		for _, r := range m.refs {
			m.restrictOnly = m.restrictOnly && r.onDelete == Restrict
		}
		m.plan = plans.plan(m.typ)
		m.plain = m.plan.plain()
		m.table = dbName(m.id)
		for _, c := range m.slots[1:] {
			c.index = dbName(c.slot)
		}
	}
	return s, nil
}

// dbName returns the go-memdb name of model i's table, or of index i of a
// table (index 0, the primary key, is go-memdb's required "id"): a short
// name, distinct for each i, that never contains '.' nor is "id". go-memdb
// keeps every index's radix tree in a root radix tree under the path
// table+"."+index, and every write transaction inserts the path of each
// index it wrote into that tree at its commit, copying the path's nodes;
// with model and field names, which share prefixes ("Customer.Email",
// "CustomerNote.id"), that path is several nodes deep, and each read
// builds and looks it up too. Short names that differ in their first byte
// keep it two nodes deep (issue 16).
func dbName(i int) string {
	const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := []byte{digits[i%len(digits)]}
	for i /= len(digits); i > 0; i /= len(digits) {
		b = append(b, digits[i%len(digits)])
	}
	return string(b)
}

// compileModel compiles decl's columns. It returns the tags of its fields,
// by name, and the relations its blank fields declare.
func compileModel(decl Model, id int) (*model, map[string]tagInfo, []Relation, error) {
	t := decl.typ
	if t == nil {
		return nil, nil, nil, &SchemaError{Model: decl.Name, Reason: "not made by ModelOf"}
	}
	name := decl.Name
	if name == "" {
		name = t.String()
	}
	if t.Kind() != reflect.Struct {
		return nil, nil, nil, &SchemaError{Model: name, Reason: fmt.Sprintf("type %v is not a struct", t)}
	}
	m := &model{name: name, typ: t, id: id, table: name, relMap: map[string]*relation{}, plural: decl.Plural}
	if m.plural == "" {
		m.plural = Plural(name)
	}
	tags := map[string]tagInfo{}
	var own []Relation
	pkName, auto := decl.Key, decl.AutoKey
	uniques := append([]string(nil), decl.Unique...)
	for _, f := range reflect.VisibleFields(t) {
		if f.Anonymous {
			continue
		}
		ti, err := parseTag(name, f)
		if err != nil {
			return nil, nil, nil, err
		}
		if f.Name == "_" {
			continue // below: VisibleFields hides all but a lone blank field
		}
		tags[f.Name] = ti
		if ti.pk {
			if pkName != "" && pkName != f.Name {
				return nil, nil, nil, &SchemaError{Model: name, Field: f.Name, Reason: fmt.Sprintf("second primary key (already %s)", pkName)}
			}
			pkName = f.Name
			auto = auto || ti.auto
		}
		if ti.unique {
			uniques = append(uniques, f.Name)
		}
	}
	// Blank fields declare the model's relations; reflect.VisibleFields
	// drops them when there are several (their names collide), so they are
	// read from the struct's own fields.
	for i := range t.NumField() {
		if f := t.Field(i); f.Name == "_" {
			ti, err := parseTag(name, f)
			if err != nil {
				return nil, nil, nil, err
			}
			if ti.rel != nil {
				own = append(own, *ti.rel)
			}
		}
	}
	if pkName == "" {
		if _, ok := t.FieldByName("ID"); ok {
			pkName = "ID"
		}
	}
	if pkName == "" {
		// No key field: a hidden store-assigned RowID, like SQLite's rowid.
		c, _ := newCodec(reflect.TypeFor[RowID]())
		m.pk = &column{name: "rowid", index: "id", codec: c, shadow: true, nullable: false, unique: true}
		m.keyless, m.auto = true, true
	} else {
		c, err := m.fieldColumn(pkName, "primary key")
		if err != nil {
			return nil, nil, nil, err
		}
		if c.nullable {
			return nil, nil, nil, &SchemaError{Model: name, Field: pkName, Reason: "a primary key cannot be a pointer"}
		}
		if auto && c.codec.kind != kindInt && c.codec.kind != kindUint {
			return nil, nil, nil, &SchemaError{Model: name, Field: pkName, Reason: fmt.Sprintf("auto needs an integer key, not %v", c.codec.typ)}
		}
		c.index, c.unique = "id", true
		m.pk, m.auto = c, auto
	}
	m.slots = append(m.slots, m.pk)
	for _, u := range uniques {
		if u == m.pk.name {
			continue
		}
		if c := m.column(u); c != nil {
			continue // listed twice
		}
		c, err := m.anyFieldColumn(u, "unique field")
		if err != nil {
			return nil, nil, nil, err
		}
		c.unique = true
		m.addSlot(c)
	}
	return m, tags, own, nil
}

// fieldColumn builds a column for a struct field whose type must be a key
// type or a pointer to one.
func (m *model) fieldColumn(name, what string) (*column, error) {
	c, err := m.anyFieldColumn(name, what)
	if err == nil && !c.codec.isKey() {
		t := c.codec.typ
		if c.nullable {
			t = reflect.PointerTo(t)
		}
		return nil, &SchemaError{Model: m.name, Field: name, Reason: fmt.Sprintf("%s has unsupported type %v (want an integer, string or [16]byte kind)", what, t)}
	}
	return c, err
}

// anyFieldColumn builds a column for a struct field whose type must be
// indexable (see newIndexCodec) or a pointer to an indexable type.
func (m *model) anyFieldColumn(name, what string) (*column, error) {
	f, off, ok := fieldOffset(m.typ, name)
	if !ok {
		return nil, &SchemaError{Model: m.name, Field: name, Reason: fmt.Sprintf("%s field not found (or reached through an embedded pointer)", what)}
	}
	ft, nullable := f.Type, false
	if ft.Kind() == reflect.Pointer {
		ft, nullable = ft.Elem(), true
	}
	c, ok := newIndexCodec(ft)
	if !ok {
		return nil, &SchemaError{Model: m.name, Field: name, Reason: fmt.Sprintf("%s has unsupported type %v (want an integer, float, bool, string, time.Time or [16]byte kind, or a pointer to one)", what, f.Type)}
	}
	col := &column{name: name, offset: off, codec: c, nullable: nullable}
	if !nullable && (c.kind == kindInt || c.kind == kindUint) && c.size == 8 {
		col.word = true
		if c.kind == kindInt {
			col.flip = 1 << 63
		}
	}
	return col, nil
}

func (m *model) addSlot(c *column) {
	c.slot = len(m.slots)
	if c.index == "" {
		c.index = c.name
	}
	m.slots = append(m.slots, c)
}

// column returns the column of the field (or shadow column) named name,
// or nil. Secondary indexes' slots are not field columns.
func (m *model) column(name string) *column {
	for _, c := range m.slots {
		if c.name == name && c.ix == nil {
			return c
		}
	}
	return nil
}

// addRelation compiles the belongsTo d of m.
func (s *schema) addRelation(m *model, d Relation) error {
	bad := func(field, format string, args ...any) error {
		return &SchemaError{Model: m.name, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if d.Target == "" {
		return bad(d.FK, "relation %q has no target model", d.Name)
	}
	if err := d.onlyBelongsTo(); err != nil {
		return bad(d.FK, "relation %q: %v", d.Name, err)
	}
	target, ok := s.byName[d.Target]
	if !ok {
		return bad(d.FK, "relation references unknown model %s", d.Target)
	}
	if d.FK == "" {
		if d.Name == "" {
			d.FK = target.name + "ID" // URLPath → URLPathID, as Go spells it
		} else {
			d.FK = defaultFK(d.Name)
		}
	}
	if d.Name == "" {
		d.Name = lowerCamel(target.name)
	}
	if m.hasRelation(d.Name) {
		return bad(d.FK, "duplicate relation name %q", d.Name)
	}
	if d.OnDelete > SetNull {
		return bad(d.FK, "invalid onDelete action %v", d.OnDelete)
	}
	keyTo := target.pk
	if d.KeyTo != "" {
		keyTo = target.column(d.KeyTo)
		if keyTo == nil || !keyTo.unique || keyTo.shadow {
			return bad(d.FK, "keyTo %s.%s is not the primary key or a unique field", target.name, d.KeyTo)
		}
		if !keyTo.codec.isKey() {
			return bad(d.FK, "keyTo %s.%s has type %v: a referenced field must have an integer, string or [16]byte kind", target.name, d.KeyTo, keyTo.codec.typ)
		}
	}
	fk := m.column(d.FK)
	if fk == nil {
		if _, _, has := fieldOffset(m.typ, d.FK); has {
			if d.Shadow {
				return bad(d.FK, "relation %q asks for a shadow column, but the struct has a field %s", d.Name, d.FK)
			}
			c, err := m.fieldColumn(d.FK, "foreign key")
			if err != nil {
				return err
			}
			fk = c
			m.addSlot(fk)
		} else {
			if !d.Shadow {
				return bad(d.FK, "relation %q: %s has no field %s (misspelt? set Relation.Shadow to keep the foreign key in a hidden column)", d.Name, m.name, d.FK)
			}
			// Shadow column: LoopBack adds the property; Go cannot, so the
			// store keeps it beside the row. It is nullable, since an
			// inserted struct cannot carry it.
			fk = &column{name: d.FK, codec: keyTo.codec, nullable: true, shadow: true}
			m.addSlot(fk)
		}
	} else if d.Shadow && !fk.shadow {
		return bad(d.FK, "relation %q asks for a shadow column, but the struct has a field %s", d.Name, d.FK)
	}
	if fk.fk != nil || fk.poly != nil {
		return bad(d.FK, "field is already the foreign key of relation %q", fk.relationName())
	}
	if fk == m.pk {
		return bad(d.FK, "the primary key cannot be a foreign key")
	}
	if keyTo.shadow && (fk.shadow || fk.codec.typ != keyTo.codec.typ) {
		// The target's key is a store-assigned RowID: only a foreign key
		// typed RowID, a deliberate choice, may reference it.
		return bad(d.FK, "target %s has no key field (its rows get store-assigned RowIDs): give %s a key field, reference a unique field with keyTo, or type %s memstore.RowID", target.name, target.name, d.FK)
	}
	if fk.codec.typ != keyTo.codec.typ {
		return bad(d.FK, "type %v differs from %s.%s type %v", fk.codec.typ, target.name, keyTo.name, keyTo.codec.typ)
	}
	if d.OnDelete == SetNull && !fk.nullable {
		return bad(d.FK, "onDelete setNull needs a nullable (pointer) foreign key")
	}
	r := &relation{name: d.Name, source: m, target: target, fk: fk, keyTo: keyTo, onDelete: d.OnDelete}
	fk.fk = r
	m.rels = append(m.rels, r)
	m.relMap[r.name] = r
	target.refs = append(target.refs, r)
	return nil
}
