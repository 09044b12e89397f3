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
	// Restrict refuses the delete while rows reference the row (the default,
	// as in SQL).
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

// Relation declares a belongsTo relation in code: the source model's field FK
// references the Target model's KeyTo field. Zero fields take LoopBack's
// defaults.
type Relation struct {
	// Name is the relation's name; default: the target's name in lowerCamel
	// ("customer" for Customer). Names are unique per source model.
	Name string
	// Target is the name of the referenced model. Required.
	Target string
	// FK is the source's foreign key field; default: the target's name plus
	// "ID" ("CustomerID", "URLPathID"), or, when Name is set, Name with its
	// first letter upper-cased plus "ID" ("buyer" → "BuyerID"). When the struct has no
	// such field the store keeps the value in a hidden, nullable "shadow"
	// column typed like the target key, read and written through package
	// relations.
	FK string
	// KeyTo is the referenced field of the target; default: its primary key.
	// It must be the primary key or a unique field (LoopBack's keyTo).
	KeyTo string
	// OnDelete is what deleting a target row does to its referencing rows.
	OnDelete Action
}

// Model declares one model: a Go struct type and the schema that struct tags
// (see the package doc) and these fields give it. Make one with ModelOf.
// Fields set here add to what the tags declare; a Key set here replaces the
// default key (the field named ID) and must agree with a pk tag, if any.
type Model struct {
	// Name is the model's name in errors and relations; default: the Go
	// type's name.
	Name string
	// Key names the primary key field; default: the field tagged "pk", else
	// the field named ID. A model with neither gets a store-assigned RowID.
	Key string
	// AutoKey makes the store assign the next integer key when an inserted
	// row's key is zero, as the "auto" tag does.
	AutoKey bool
	// Unique names fields whose values must be unique, as the "unique" tag does.
	Unique []string
	// Relations declares belongsTo relations in code, for types whose source
	// you cannot tag.
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
	table   string
	pk      *column // slots[0]
	auto    bool
	keyless bool
	// hasShadow: some slot is a shadow column (the keyless RowID included).
	hasShadow bool
	// restrictOnly: every relation referencing this model is restrict, so a
	// delete cascades to nothing and nulls nothing.
	restrictOnly bool
	slots        []*column // memdb index i is slots[i]; slot 0 is the primary key
	sec          []*column // the slots of secondary indexes, in declaration order
	rels         []*relation
	relMap       map[string]*relation
	refs         []*relation                   // relations whose target is this model
	plan         *copyPlan                     // how a copy of a row makes its references private
	plain        bool                          // plan.plain(): an assignment copies a row completely
	args         sync.Pool                     // *keyArg, for lookups (see keyArg)
	blocks       [18]atomic.Pointer[blockType] // by blockClass, made on first use
}

type column struct {
	name     string
	slot     int
	index    string // memdb index name
	offset   uintptr
	codec    *codec
	nullable bool // a pointer field, or a shadow column
	shadow   bool // no struct field: the value lives only in the record's keys
	unique   bool
	fk       *relation // set when the column is a foreign key
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

type relation struct {
	name     string
	source   *model
	target   *model
	fk       *column
	keyTo    *column
	onDelete Action
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
	index            bool       // index: an index on the field alone
	indexes          []tagIndex // index=name and unique=name
	rel              *Relation
}

func parseTag(modelName string, f reflect.StructField) (tagInfo, error) {
	var ti tagInfo
	tag, ok := f.Tag.Lookup("relstore")
	if !ok || tag == "" {
		return ti, nil
	}
	bad := func(format string, args ...any) error {
		return &SchemaError{Model: modelName, Field: f.Name, Reason: fmt.Sprintf(format, args...)}
	}
	for _, part := range strings.Split(tag, ",") {
		k, v, hasV := strings.Cut(strings.TrimSpace(part), "=")
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
		case "belongsTo":
			if v == "" {
				return ti, bad("belongsTo needs a target model: belongsTo=Customer")
			}
			ti.rel = &Relation{Target: v, FK: f.Name}
		case "as", "keyTo", "onDelete":
			if ti.rel == nil {
				return ti, bad("tag option %q must follow belongsTo=Target", k)
			}
			if v == "" {
				return ti, bad("tag option %q needs a value", k)
			}
			switch k {
			case "as":
				ti.rel.Name = v
			case "keyTo":
				ti.rel.KeyTo = v
			default:
				a, err := parseAction(v)
				if err != nil {
					return ti, bad("%v", err)
				}
				ti.rel.OnDelete = a
			}
		default:
			return ti, bad("unknown tag option %q (want pk, auto, unique, unique=, index, index=, belongsTo=, as=, keyTo=, onDelete=)", k)
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
func defaultFK(name string) string {
	r := []rune(name)
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r) + "ID"
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
	// Pass 1: models and their own columns.
	for i, decl := range models {
		m, ti, err := compileModel(decl, i)
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
		tags[i] = ti
	}
	// Pass 2: relations, which need every target's columns.
	for i, m := range s.models {
		var decls []Relation
		for _, f := range reflect.VisibleFields(m.typ) {
			if ti, ok := tags[i][f.Name]; ok && ti.rel != nil {
				decls = append(decls, *ti.rel)
			}
		}
		decls = append(decls, models[i].Relations...)
		for _, d := range decls {
			if err := s.addRelation(m, d); err != nil {
				return nil, err
			}
		}
	}
	// Pass 3: secondary indexes, which need the relations' shadow columns.
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
	}
	return s, nil
}

func compileModel(decl Model, id int) (*model, map[string]tagInfo, error) {
	t := decl.typ
	if t == nil {
		return nil, nil, &SchemaError{Model: decl.Name, Reason: "not made by ModelOf"}
	}
	name := decl.Name
	if name == "" {
		name = t.String()
	}
	if t.Kind() != reflect.Struct {
		return nil, nil, &SchemaError{Model: name, Reason: fmt.Sprintf("type %v is not a struct", t)}
	}
	m := &model{name: name, typ: t, id: id, table: name, relMap: map[string]*relation{}}
	tags := map[string]tagInfo{}
	pkName, auto := decl.Key, decl.AutoKey
	uniques := append([]string(nil), decl.Unique...)
	for _, f := range reflect.VisibleFields(t) {
		if f.Anonymous {
			continue
		}
		ti, err := parseTag(name, f)
		if err != nil {
			return nil, nil, err
		}
		tags[f.Name] = ti
		if ti.pk {
			if pkName != "" && pkName != f.Name {
				return nil, nil, &SchemaError{Model: name, Field: f.Name, Reason: fmt.Sprintf("second primary key (already %s)", pkName)}
			}
			pkName = f.Name
			auto = auto || ti.auto
		}
		if ti.unique {
			uniques = append(uniques, f.Name)
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
			return nil, nil, err
		}
		if c.nullable {
			return nil, nil, &SchemaError{Model: name, Field: pkName, Reason: "a primary key cannot be a pointer"}
		}
		if auto && c.codec.kind != kindInt && c.codec.kind != kindUint {
			return nil, nil, &SchemaError{Model: name, Field: pkName, Reason: fmt.Sprintf("auto needs an integer key, not %v", c.codec.typ)}
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
			return nil, nil, err
		}
		c.unique = true
		m.addSlot(c)
	}
	return m, tags, nil
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

func (s *schema) addRelation(m *model, d Relation) error {
	bad := func(field, format string, args ...any) error {
		return &SchemaError{Model: m.name, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if d.Target == "" {
		return bad(d.FK, "relation %q has no target model", d.Name)
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
	if _, dup := m.relMap[d.Name]; dup {
		return bad(d.FK, "duplicate relation name %q", d.Name)
	}
	if d.OnDelete > SetNull {
		return bad(d.FK, "invalid onDelete action %v", d.OnDelete)
	}
	keyTo := target.pk
	if d.KeyTo != "" {
		keyTo = target.column(d.KeyTo)
		if keyTo == nil || !keyTo.unique {
			return bad(d.FK, "keyTo %s.%s is not the primary key or a unique field", target.name, d.KeyTo)
		}
		if !keyTo.codec.isKey() {
			return bad(d.FK, "keyTo %s.%s has type %v: a referenced field must have an integer, string or [16]byte kind", target.name, d.KeyTo, keyTo.codec.typ)
		}
	}
	fk := m.column(d.FK)
	if fk == nil {
		if _, _, has := fieldOffset(m.typ, d.FK); has {
			c, err := m.fieldColumn(d.FK, "foreign key")
			if err != nil {
				return err
			}
			fk = c
			m.addSlot(fk)
		} else {
			// Shadow column: LoopBack adds the property; Go cannot, so the
			// store keeps it beside the row. It is nullable, since an
			// inserted struct cannot carry it.
			fk = &column{name: d.FK, codec: keyTo.codec, nullable: true, shadow: true}
			m.addSlot(fk)
		}
	}
	if fk.fk != nil {
		return bad(d.FK, "field is already the foreign key of relation %q", fk.fk.name)
	}
	if fk == m.pk {
		return bad(d.FK, "the primary key cannot be a foreign key")
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
