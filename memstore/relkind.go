package memstore

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unsafe"
)

// RelationKind is the kind of a relation, as LoopBack names it.
type RelationKind uint8

// The kinds of relations. A belongsTo is declared on the model that holds
// the foreign key and is what the store enforces; the other kinds are
// declared on the owner and read through a belongsTo of another model.
const (
	// BelongsTo: the model's foreign key field references a row of Target
	// (an order's customer), or, polymorphic, a row of the model its
	// discriminator names (a picture's imageable).
	BelongsTo RelationKind = iota
	// HasMany: the rows of Target whose belongsTo references this row (a
	// customer's orders).
	HasMany
	// HasOne: the one row of Target whose belongsTo, through a unique
	// foreign key, references this row (a customer's address).
	HasOne
	// HasManyThrough: the rows of Target that rows of a link model (Through)
	// connect to this row (a physician's patients, through appointments).
	HasManyThrough
	// HasAndBelongsToMany: a HasManyThrough whose link model holds only the
	// two foreign keys (a post's tags, through PostTag).
	HasAndBelongsToMany
)

// String returns LoopBack's spelling: "belongsTo", "hasMany", "hasOne",
// "hasManyThrough" or "hasAndBelongsToMany".
func (k RelationKind) String() string {
	switch k {
	case BelongsTo:
		return "belongsTo"
	case HasMany:
		return "hasMany"
	case HasOne:
		return "hasOne"
	case HasManyThrough:
		return "hasManyThrough"
	case HasAndBelongsToMany:
		return "hasAndBelongsToMany"
	}
	return fmt.Sprintf("RelationKind(%d)", uint8(k))
}

// polyRel is a compiled polymorphic belongsTo: source's column fk references
// the primary key of the model that the discriminator field names, one of
// targets. Each target has a relation (byTarget), in that target's refs, so
// that deletes and key checks treat it as a belongsTo whose rows are those
// whose discriminator names it.
type polyRel struct {
	name     string
	source   *model
	fk       *column // the foreign key's slot; fk.poly is p
	disc     *column // the discriminator: a string field, not a slot
	onDelete Action
	explicit []string             // the targets the declaration lists
	inverse  []*model             // the models that declare a hasMany or hasOne through it
	targets  []*relation          // one per target: explicit, then inverse, in order
	byTarget map[string]*relation // targets by model name
}

// discOf returns the discriminator of the row at p; ok is false when it is
// a nil pointer.
func (p *polyRel) discOf(row unsafe.Pointer) (string, bool) {
	fp := unsafe.Add(row, p.disc.offset)
	if p.disc.nullable {
		ptr := *(*unsafe.Pointer)(fp)
		if ptr == nil {
			return "", false
		}
		return *(*string)(ptr), true
	}
	return *(*string)(fp), true
}

// targetOf returns the relation of the target the row at p names, or nil
// for a discriminator that names none (nil, empty or unknown).
func (p *polyRel) targetOf(row unsafe.Pointer) *relation {
	d, ok := p.discOf(row)
	if !ok {
		return nil
	}
	return p.byTarget[d]
}

// sameTarget reports whether the rows a and b have the same discriminator.
func (p *polyRel) sameTarget(a, b *record) bool {
	da, oka := p.discOf(a.ptr)
	db, okb := p.discOf(b.ptr)
	return oka == okb && da == db
}

// owns reports whether the source row rec, found in r's foreign key index,
// is one of r's: for a polymorphic relation, whether its discriminator
// names r's target (the index holds the rows of every target).
func (r *relation) owns(rec *record) bool { return r.ownsRow(rec.ptr) }

// ownsRow is owns for the source row at p.
func (r *relation) ownsRow(p unsafe.Pointer) bool {
	if r.poly == nil {
		return true
	}
	d, ok := r.poly.discOf(p)
	return ok && d == r.target.name
}

// setDisc sets the discriminator of the row at row to name; a pointer
// field gets a new string.
func (p *polyRel) setDisc(row unsafe.Pointer, name string) {
	fp := unsafe.Add(row, p.disc.offset)
	if p.disc.nullable {
		n := reflect.New(p.disc.codec.typ)
		*(*string)(n.UnsafePointer()) = name
		*(*unsafe.Pointer)(fp) = n.UnsafePointer()
		return
	}
	*(*string)(fp) = name
}

// ownedRel is a relation declared on its owner model, read through a
// belongsTo of another model: a hasMany or hasOne through target's via, a
// hasManyThrough or hasAndBelongsToMany through the link model's via (to
// the owner) and far (to target).
type ownedRel struct {
	kind    RelationKind
	name    string
	owner   *model
	target  *model
	through *model    // the link model, for the through kinds
	via     *relation // the belongsTo that references owner
	far     *relation // the through kinds: the link model's belongsTo that references target
	poly    *polyRel  // a hasMany or hasOne of a polymorphic belongsTo (via is its relation for owner)
}

// hasRelation reports whether m has a relation of any kind named name.
func (m *model) hasRelation(name string) bool {
	if m.relMap[name] != nil || m.poly(name) != nil || m.ownedByName(name) != nil {
		return true
	}
	return false
}

// poly returns m's polymorphic belongsTo named name, or nil.
func (m *model) poly(name string) *polyRel {
	for _, p := range m.polys {
		if p.name == name {
			return p
		}
	}
	return nil
}

// ownedByName returns m's relation declared on it named name, or nil.
func (m *model) ownedByName(name string) *ownedRel {
	for _, o := range m.owned {
		if o.name == name {
			return o
		}
	}
	return nil
}

// relationNames returns the names of m's relations of every kind, in
// declaration order: belongsTo, polymorphic belongsTo, then the others.
func (m *model) relationNames() []string {
	var names []string
	for _, r := range m.rels {
		names = append(names, r.name)
	}
	for _, p := range m.polys {
		names = append(names, p.name)
	}
	for _, o := range m.owned {
		names = append(names, o.name)
	}
	return names
}

// relationName returns the name of the relation column c is the foreign key
// of.
func (c *column) relationName() string {
	if c.poly != nil {
		return c.poly.name
	}
	if c.fk != nil {
		return c.fk.name
	}
	return ""
}

// onlyBelongsTo refuses the fields of d that only the other kinds take.
func (d *Relation) onlyBelongsTo() error {
	switch {
	case d.Inverse != "":
		return fmt.Errorf("Inverse is for a hasMany or hasOne")
	case d.Through != "" || d.KeyThrough != "":
		return fmt.Errorf("Through and KeyThrough are for a hasManyThrough or hasAndBelongsToMany")
	case !d.Polymorphic && (len(d.Targets) > 0 || d.Discriminator != ""):
		return fmt.Errorf("Targets and Discriminator are for a polymorphic belongsTo (set Polymorphic)")
	}
	return nil
}

// addPolymorphic compiles the polymorphic belongsTo d of m. Its targets are
// resolved by finishPolymorphic, once every hasMany that inverts it is known.
func (s *schema) addPolymorphic(m *model, d Relation) error {
	bad := func(field, format string, args ...any) error {
		return &SchemaError{Model: m.name, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if err := d.onlyBelongsTo(); err != nil {
		return bad(d.FK, "relation %q: %v", d.Name, err)
	}
	switch {
	case d.Name == "" && d.FK == "":
		return bad("", "a polymorphic relation needs a Name or an FK")
	case d.Target != "":
		return bad(d.FK, "relation %q: a polymorphic relation lists its models in Targets (polymorphic=A|B), not Target", d.Name)
	case d.KeyTo != "":
		return bad(d.FK, "relation %q: a polymorphic relation references each target's primary key: KeyTo does not apply", d.Name)
	case d.Shadow:
		return bad(d.FK, "relation %q: a polymorphic foreign key must be a field of the struct", d.Name)
	case d.OnDelete > SetNull:
		return bad(d.FK, "invalid onDelete action %v", d.OnDelete)
	}
	if d.FK == "" {
		d.FK = defaultFK(d.Name)
	}
	if d.Name == "" {
		base := strings.TrimSuffix(strings.TrimSuffix(d.FK, "ID"), "Id")
		if base == "" {
			return bad(d.FK, "cannot derive a relation name from %s: set Name (as=)", d.FK)
		}
		d.Name = lowerCamel(base)
	}
	if d.Discriminator == "" {
		d.Discriminator = upperFirst(d.Name) + "Type"
	}
	if m.hasRelation(d.Name) {
		return bad(d.FK, "duplicate relation name %q", d.Name)
	}
	fk := m.column(d.FK)
	switch {
	case fk != nil && (fk.fk != nil || fk.poly != nil):
		return bad(d.FK, "field is already the foreign key of relation %q", fk.relationName())
	case fk != nil && fk.unique:
		return bad(d.FK, "a polymorphic foreign key cannot be unique (its values repeat across models); declare a unique index over (%s, %s) instead", d.Discriminator, d.FK)
	case fk == nil:
		if _, _, has := fieldOffset(m.typ, d.FK); !has {
			return bad(d.FK, "relation %q: %s has no field %s", d.Name, m.name, d.FK)
		}
		c, err := m.fieldColumn(d.FK, "foreign key")
		if err != nil {
			return err
		}
		fk = c
		m.addSlot(fk)
	}
	if d.OnDelete == SetNull && !fk.nullable {
		return bad(d.FK, "onDelete setNull needs a nullable (pointer) foreign key")
	}
	if _, _, has := fieldOffset(m.typ, d.Discriminator); !has {
		return bad(d.Discriminator, "relation %q: %s has no discriminator field %s (set Discriminator, discriminator=)", d.Name, m.name, d.Discriminator)
	}
	disc, err := m.anyFieldColumn(d.Discriminator, "discriminator")
	if err != nil || disc.codec.kind != kindString {
		return bad(d.Discriminator, "relation %q: the discriminator must have a string kind (or be a pointer to one), to hold a model's name", d.Name)
	}
	p := &polyRel{name: d.Name, source: m, fk: fk, disc: disc, onDelete: d.OnDelete,
		explicit: slices.Clone(d.Targets), byTarget: map[string]*relation{}}
	fk.poly = p
	m.polys = append(m.polys, p)
	return nil
}

// finishPolymorphic resolves p's targets: those it lists, then the models
// that declare a hasMany or hasOne through it.
func (s *schema) finishPolymorphic(p *polyRel) error {
	m := p.source
	bad := func(format string, args ...any) error {
		return &SchemaError{Model: m.name, Field: p.fk.name, Reason: fmt.Sprintf("relation %q: ", p.name) + fmt.Sprintf(format, args...)}
	}
	var targets []*model
	for _, name := range p.explicit {
		t := s.byName[name]
		if t == nil {
			return bad("references unknown model %s", name)
		}
		targets = append(targets, t)
	}
	targets = append(targets, p.inverse...)
	if len(targets) == 0 {
		return bad("a polymorphic relation needs target models: list them (polymorphic=Customer|Product, Relation.Targets) or declare its inverse on them (hasMany=%s,polymorphic=%s)", m.name, p.name)
	}
	for _, t := range targets {
		if p.byTarget[t.name] != nil {
			continue
		}
		if t.keyless {
			return bad("target %s has no key field", t.name)
		}
		if t.pk.codec.typ != p.fk.codec.typ {
			return bad("type %v differs from %s.%s type %v", p.fk.codec.typ, t.name, t.pk.name, t.pk.codec.typ)
		}
		r := &relation{name: p.name, source: m, target: t, fk: p.fk, keyTo: t.pk, onDelete: p.onDelete, poly: p}
		p.targets = append(p.targets, r)
		p.byTarget[t.name] = r
		t.refs = append(t.refs, r)
	}
	return nil
}

// addOwned compiles d, a hasMany, hasOne, hasManyThrough or
// hasAndBelongsToMany declared on m, once every belongsTo is compiled.
func (s *schema) addOwned(m *model, d Relation) error {
	kind := d.Kind
	if kind == HasMany && d.Through != "" {
		kind = HasManyThrough
	}
	field := d.Name
	bad := func(format string, args ...any) error {
		return &SchemaError{Model: m.name, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if kind > HasAndBelongsToMany {
		return bad("invalid relation kind %v", d.Kind)
	}
	switch {
	case d.KeyTo != "" || d.OnDelete != Restrict || d.Shadow:
		return bad("a %v takes neither KeyTo, OnDelete nor Shadow: they belong to the belongsTo it reads through", kind)
	case d.Polymorphic || len(d.Targets) > 0 || d.Discriminator != "":
		return bad("a %v is not polymorphic itself: name the polymorphic belongsTo in Inverse (polymorphic=)", kind)
	case d.Target == "":
		return bad("relation %q has no target model", d.Name)
	}
	target := s.byName[d.Target]
	if target == nil {
		return bad("relation references unknown model %s", d.Target)
	}
	if d.Name == "" {
		if kind == HasOne {
			d.Name = lowerCamel(target.name)
		} else {
			d.Name = lowerCamel(target.plural)
		}
		field = d.Name
	}
	if m.hasRelation(d.Name) {
		return bad("duplicate relation name %q", d.Name)
	}
	o := &ownedRel{kind: kind, name: d.Name, owner: m, target: target}
	switch kind {
	case HasMany, HasOne:
		if d.Through != "" || d.KeyThrough != "" {
			return bad("Through and KeyThrough are for a hasManyThrough or hasAndBelongsToMany")
		}
		if err := s.inverseOf(o, d, bad); err != nil {
			return err
		}
		if kind == HasOne {
			if o.poly != nil {
				return bad("a hasOne through polymorphic %s.%s is not supported (its foreign key cannot be unique): use a hasMany", target.name, o.poly.name)
			}
			if !o.via.fk.unique {
				return bad("a hasOne needs a unique foreign key: tag %s.%s unique (or use a hasMany)", target.name, o.via.fk.name)
			}
		}
	default:
		if d.Inverse != "" {
			return bad("Inverse is for a hasMany or hasOne")
		}
		if err := s.throughOf(o, d, bad); err != nil {
			return err
		}
	}
	m.owned = append(m.owned, o)
	return nil
}

// inverseOf finds the belongsTo of o.target that the hasMany or hasOne d
// reads through: the one d.Inverse names, else the one whose foreign key is
// d.FK (default: the owner's name plus "ID").
func (s *schema) inverseOf(o *ownedRel, d Relation, bad func(string, ...any) error) error {
	m, t := o.owner, o.target
	if d.Inverse != "" {
		if r := t.relMap[d.Inverse]; r != nil {
			if r.target != m {
				return bad("%s.%s references %s, not %s", t.name, r.name, r.target.name, m.name)
			}
			if d.FK != "" && d.FK != r.fk.name {
				return bad("%s.%s's foreign key is %s, not %s", t.name, r.name, r.fk.name, d.FK)
			}
			o.via = r
			return nil
		}
		if p := t.poly(d.Inverse); p != nil {
			if d.FK != "" && d.FK != p.fk.name {
				return bad("%s.%s's foreign key is %s, not %s", t.name, p.name, p.fk.name, d.FK)
			}
			o.poly = p
			p.inverse = append(p.inverse, m)
			return nil
		}
		return bad("%s has no belongsTo named %q (its belongsTo relations: %s)", t.name, d.Inverse, listOr(belongsToNames(t, nil)))
	}
	fk := d.FK
	if fk == "" {
		fk = m.name + "ID"
	}
	for _, r := range t.rels {
		if r.fk.name == fk && r.target == m {
			o.via = r
			return nil
		}
	}
	for _, p := range t.polys {
		if p.fk.name == fk {
			o.poly = p
			p.inverse = append(p.inverse, m)
			return nil
		}
	}
	return bad("%s has no belongsTo %s through a field %s: declare it (%s.%s `relstore:\"belongsTo=%s\"`), or name the foreign key (foreignKey=, Relation.FK) of one that does (belongsTo relations of %s to %s: %s)",
		t.name, m.name, fk, t.name, fk, m.name, t.name, m.name, listOr(belongsToNames(t, m)))
}

// throughOf resolves the link model of the through relation d and its two
// belongsTo: to the owner (d.FK, default the owner's name plus "ID") and to
// the target (d.KeyThrough, default the target's name plus "ID").
func (s *schema) throughOf(o *ownedRel, d Relation, bad func(string, ...any) error) error {
	m, t := o.owner, o.target
	name := d.Through
	if name == "" {
		if o.kind == HasManyThrough {
			return bad("a hasManyThrough needs its link model: Through (through=)")
		}
		for _, n := range []string{m.name + t.name, t.name + m.name} {
			if s.byName[n] != nil {
				name = n
				break
			}
		}
		if name == "" {
			return bad("no link model %s%s or %s%s: declare one, or name it in Through (through=)", m.name, t.name, t.name, m.name)
		}
	}
	l := s.byName[name]
	if l == nil {
		return bad("link model %s is not a model of the store", name)
	}
	o.through = l
	fk, kt := d.FK, d.KeyThrough
	if fk == "" {
		fk = m.name + "ID"
	}
	if kt == "" {
		kt = t.name + "ID"
	}
	if fk == kt {
		return bad("the link model's foreign keys to %s and to %s are both %s.%s: set KeyThrough (keyThrough=) to the one that references %s", m.name, t.name, l.name, fk, t.name)
	}
	find := func(field string, to *model) *relation {
		for _, r := range l.rels {
			if r.fk.name == field && r.target == to {
				return r
			}
		}
		return nil
	}
	if o.via = find(fk, m); o.via == nil {
		return bad("link model %s has no belongsTo %s through a field %s (set FK, foreignKey=; belongsTo relations of %s to %s: %s)", l.name, m.name, fk, l.name, m.name, listOr(belongsToNames(l, m)))
	}
	if o.far = find(kt, t); o.far == nil {
		return bad("link model %s has no belongsTo %s through a field %s (set KeyThrough, keyThrough=; belongsTo relations of %s to %s: %s)", l.name, t.name, kt, l.name, t.name, listOr(belongsToNames(l, t)))
	}
	return nil
}

// belongsToNames lists "name (FK)" for the belongsTo relations of m that
// reference to (every one when to is nil).
func belongsToNames(m, to *model) []string {
	var out []string
	for _, r := range m.rels {
		if to == nil || r.target == to {
			out = append(out, fmt.Sprintf("%s (%s)", r.name, r.fk.name))
		}
	}
	for _, p := range m.polys {
		out = append(out, fmt.Sprintf("%s (%s, polymorphic)", p.name, p.fk.name))
	}
	return out
}

// listOr formats names for a message: "a, b", or "none".
func listOr(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// checkRelationNames refuses a relation named like a field or a method of
// its model: an include puts the related rows under the relation's name,
// beside the fields (in JSON, which encoding/json matches without regard to
// case), and a Go reader of `order.customer` expects one meaning.
func (m *model) checkRelationNames() error {
	names := m.relationNames()
	if len(names) == 0 {
		return nil
	}
	for _, f := range reflect.VisibleFields(m.typ) {
		if f.Name == "_" {
			continue
		}
		js := jsonName(f)
		for _, n := range names {
			if strings.EqualFold(n, f.Name) || n == js {
				return &SchemaError{Model: m.name, Field: f.Name, Reason: fmt.Sprintf(
					"relation %q is named like the field %s: include results carry the related rows under the relation's name; rename the relation (as=, Relation.Name) or the field", n, f.Name)}
			}
		}
	}
	pt := reflect.PointerTo(m.typ)
	for i := range pt.NumMethod() {
		meth := pt.Method(i).Name
		for _, n := range names {
			if strings.EqualFold(n, meth) {
				return &SchemaError{Model: m.name, Field: n, Reason: fmt.Sprintf(
					"relation %q is named like the method %s of %s: rename the relation (as=, Relation.Name)", n, meth, m.name)}
			}
		}
	}
	return nil
}

// jsonName returns the name encoding/json gives the field, or "" for none.
func jsonName(f reflect.StructField) string {
	tag, ok := f.Tag.Lookup("json")
	if !ok {
		return f.Name
	}
	name, _, _ := strings.Cut(tag, ",")
	switch name {
	case "-":
		return ""
	case "":
		return f.Name
	}
	return name
}

// checkNavigation refuses a field whose type is a registered model, or a
// pointer, slice, array or map of one, unless tagged relstore:"-": the
// store would keep a private copy of those rows inside every row, which no
// write of theirs ever updates.
func (s *schema) checkNavigation(tags []map[string]tagInfo) error {
	for i, m := range s.models {
		for _, f := range reflect.VisibleFields(m.typ) {
			if f.Anonymous || f.Name == "_" || tags[i][f.Name].ignore {
				continue
			}
			if t := s.modelIn(f.Type, 0); t != nil {
				return &SchemaError{Model: m.name, Field: f.Name, Reason: fmt.Sprintf(
					"field of type %v would keep a copy of %s rows inside every %s row, which their own writes never update: read related rows with package relations (a relation's accessor, or an include), or tag the field relstore:\"-\" to keep it as plain data",
					f.Type, t.name, m.name)}
			}
		}
	}
	return nil
}

// modelIn returns the registered model that t is, or is a pointer, slice,
// array or map (key or value) of, at any depth; nil if none.
func (s *schema) modelIn(t reflect.Type, depth int) *model {
	if depth > 16 { // a type such as `type L []L` nests without end
		return nil
	}
	if m := s.byType[t]; m != nil {
		return m
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return s.modelIn(t.Elem(), depth+1)
	case reflect.Map:
		if m := s.modelIn(t.Key(), depth+1); m != nil {
			return m
		}
		return s.modelIn(t.Elem(), depth+1)
	}
	return nil
}

// Plural returns the English plural of a model's name, by the rules of the
// inflection library that LoopBack 3 uses for a model's default plural
// (the common ones): Order → Orders, Category → Categories, Address →
// Addresses, Person → People, Sheep → Sheep. The default name of a hasMany
// or hasManyThrough is the plural of its target in lowerCamel ("orders");
// set Model.Plural where the rule guesses wrong.
func Plural(name string) string {
	if name == "" {
		return ""
	}
	lower := strings.ToLower(name)
	for _, u := range uncountable {
		if strings.HasSuffix(lower, u) {
			return name
		}
	}
	for _, ir := range irregular {
		if strings.HasSuffix(lower, ir[0]) {
			start := len(name) - len(ir[0])
			plural := ir[1]
			if unicode.IsUpper(rune(name[start])) {
				plural = strings.ToUpper(plural[:1]) + plural[1:]
			}
			return name[:start] + plural
		}
	}
	for _, r := range pluralRules {
		if r.re.MatchString(name) {
			return r.re.ReplaceAllString(name, r.repl)
		}
	}
	return name + "s"
}

var uncountable = []string{"equipment", "information", "rice", "money", "species", "series", "fish", "sheep", "moose", "deer", "news", "jeans", "police"}

var irregular = [][2]string{{"person", "people"}, {"man", "men"}, {"child", "children"}, {"sex", "sexes"}, {"move", "moves"}, {"cow", "kine"}, {"zombie", "zombies"}}

// pluralRules are tried in order; the first match wins.
var pluralRules = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`(?i)(quiz)$`), "${1}zes"},
	{regexp.MustCompile(`(?i)^(ox)$`), "${1}en"},
	{regexp.MustCompile(`(?i)([ml])ouse$`), "${1}ice"},
	{regexp.MustCompile(`(?i)(matr|vert|ind)(?:ix|ex)$`), "${1}ices"},
	{regexp.MustCompile(`(?i)(x|ch|ss|sh)$`), "${1}es"},
	{regexp.MustCompile(`(?i)([^aeiouy]|qu)y$`), "${1}ies"},
	{regexp.MustCompile(`(?i)(hive)$`), "${1}s"},
	{regexp.MustCompile(`(?i)([lr])f$`), "${1}ves"},
	{regexp.MustCompile(`(?i)([^f])fe$`), "${1}ves"},
	{regexp.MustCompile(`(?i)sis$`), "ses"},
	{regexp.MustCompile(`(?i)([ti])um$`), "${1}a"},
	{regexp.MustCompile(`(?i)(buffal|tomat|potat)o$`), "${1}oes"},
	{regexp.MustCompile(`(?i)(bu)s$`), "${1}ses"},
	{regexp.MustCompile(`(?i)(alias|status)$`), "${1}es"},
	{regexp.MustCompile(`(?i)(octop|vir)us$`), "${1}i"},
	{regexp.MustCompile(`(?i)(ax|test)is$`), "${1}es"},
	{regexp.MustCompile(`(?i)s$`), "s"},
}
