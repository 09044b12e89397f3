package lbmodel

import (
	"fmt"
	"slices"
	"strings"

	"github.com/relstore/relstore/memstore"
)

// link is a belongsTo relation that memstore enforces: declared in a
// definition, or implied by a hasMany, hasOne or through relation on the
// other side. holder's property fk references target's property key.
type link struct {
	holder   *Model
	fk       string
	target   *Model
	key      string
	name     string // the memstore relation's name
	declared bool   // a belongsTo declared it (its name is the relation's)
	onDelete *memstore.Action
	unique   bool   // a hasOne: at most one row per owner
	origin   string // who asked for it, for messages: "relation Customer.orders"
	file     string
}

// polyFK is the foreign key property of a polymorphic relation, typed once
// keys are known.
type polyFK struct {
	holder *Model
	fk     string
	idType Type // "" for: the type of the declaring model's key
	owner  *Model
}

func (c *compiler) compile() error {
	for _, m := range c.s.Models {
		if err := c.resolveKey(m); err != nil {
			return err
		}
	}
	c.markUnique()
	var polys []polyFK
	defined := slices.Clone(c.s.Models) // HABTM may append synthesised link models
	for _, m := range defined {
		d := c.draft[m]
		for i, r := range m.Relations {
			p, err := c.resolveRelation(m, r, d.relNodes[i])
			if err != nil {
				return err
			}
			if p != nil {
				polys = append(polys, *p)
			}
		}
	}
	if err := c.resolvePolymorphic(); err != nil {
		return err
	}
	paths := map[string]*Model{}
	for _, m := range c.s.Models {
		if m.Plural == "" {
			m.Plural = Plural(m.Name)
		}
		m.Path = m.Plural
		if d := c.draft[m]; d != nil && d.httpPath != "" {
			m.Path = d.httpPath
		}
		if prev := paths[m.Path]; prev != nil {
			return &Error{File: m.File, Model: m.Name, Reason: fmt.Sprintf("REST path %q is also model %s's (set \"plural\" or \"http.path\")", m.Path, prev.Name)}
		}
		paths[m.Path] = m
		for _, r := range m.Relations {
			if m.byName[r.Name] != nil {
				return &Error{File: m.File, Model: m.Name, Relation: r.Name, Reason: "named like a property of the model"}
			}
		}
	}
	if err := c.typeProperties(polys); err != nil {
		return err
	}
	if err := c.indexes(); err != nil {
		return err
	}
	return c.build()
}

// resolveKey finds the model's primary key: the property with "id": true,
// else an injected "id" (a generated number) unless idInjection is false.
func (c *compiler) resolveKey(m *Model) error {
	var key *Property
	for _, p := range m.Properties {
		if p.ID {
			if key != nil {
				return &Error{File: m.File, Model: m.Name, Property: p.Name, Reason: fmt.Sprintf("a second id property (%s is one): composite ids are not supported", key.Name)}
			}
			key = p
		}
	}
	if key == nil && c.draft[m].idInjection {
		if key = m.byName["id"]; key == nil {
			key = &Property{Name: "id", Type: Number, Generated: true}
			m.Properties = append([]*Property{key}, m.Properties...)
			m.byName["id"] = key
		}
		key.ID = true
	}
	if key == nil {
		return nil
	}
	bad := func(format string, args ...any) error {
		return &Error{File: m.File, Model: m.Name, Property: key.Name, Reason: fmt.Sprintf(format, args...)}
	}
	if key.Type != String && key.Type != Number {
		return bad("an id must be a string or a number, not %s", key.Type)
	}
	if key.Generated && key.Type != Number {
		return bad("a generated id must be a number (for a string id, use \"defaultFn\": \"uuidv4\")")
	}
	m.Key = key.Name
	key.Required = true
	return nil
}

// lowerFirst is LoopBack's camelize(name + "_id", true) without the "Id":
// the model name with its first letter in lower case.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func (c *compiler) resolveRelation(m *Model, r *Relation, n *node) (*polyFK, error) {
	bad := func(format string, args ...any) error {
		return &Error{File: m.File, Model: m.Name, Relation: r.Name, Reason: fmt.Sprintf(format, args...)}
	}
	if n.kind != nodeObject {
		return nil, bad("want an object, got %s", n.describe())
	}
	for _, k := range n.keys {
		if !relationKeys[k] {
			switch k {
			case "scope", "properties", "invert", "methods":
				return nil, bad("%q is not supported", k)
			}
			return nil, bad("unknown key %q", k)
		}
	}
	str := func(key string) (string, error) {
		v := n.get(key)
		if v == nil || v.kind == nodeNull {
			return "", nil
		}
		if v.kind != nodeString || v.str == "" {
			return "", bad("%q must be a non-empty string, got %s", key, v.describe())
		}
		return v.str, nil
	}
	typ, err := str("type")
	if err != nil {
		return nil, err
	}
	target, err := str("model")
	if err != nil {
		return nil, err
	}
	fk, err := str("foreignKey")
	if err != nil {
		return nil, err
	}
	pk, err := str("primaryKey")
	if err != nil {
		return nil, err
	}
	if keyTo, err := str("keyTo"); err != nil {
		return nil, err
	} else if keyTo != "" {
		if pk != "" && pk != keyTo {
			return nil, bad("primaryKey %q and keyTo %q differ (keyTo is relstore's other name for primaryKey)", pk, keyTo)
		}
		pk = keyTo
	}
	through, err := str("through")
	if err != nil {
		return nil, err
	}
	keyThrough, err := str("keyThrough")
	if err != nil {
		return nil, err
	}
	var onDelete *memstore.Action
	if od := n.get("onDelete"); od != nil {
		a, err := actionOf(od)
		if err != nil {
			return nil, bad("%v", err)
		}
		onDelete = &a
		r.OnDelete = a
	}
	poly := n.get("polymorphic")
	if poly != nil && (poly.kind == nodeNull || (poly.kind == nodeBool && !poly.b)) {
		poly = nil
	}

	var tm *Model
	if target != "" {
		if tm = c.s.byName[target]; tm == nil {
			return nil, bad("model %q is not defined", target)
		}
		r.Model = tm.Name
	}
	switch typ {
	case "":
		return nil, bad("no \"type\" (want belongsTo, hasMany, hasOne or hasAndBelongsToMany)")
	case "belongsTo":
		r.Kind = BelongsTo
		if poly != nil {
			if tm != nil {
				return nil, bad("a polymorphic belongsTo names no \"model\": the discriminator names it row by row")
			}
			return c.polymorphicSide(m, r, poly, m, pk, true)
		}
		if tm == nil {
			return nil, bad("a belongsTo needs \"model\"")
		}
		if through != "" || keyThrough != "" {
			return nil, bad("a belongsTo takes no \"through\"")
		}
		if pk == "" {
			if tm.Key == "" {
				return nil, bad("model %s has no id property to reference (idInjection is false): set \"primaryKey\"", tm.Name)
			}
			pk = tm.Key
		}
		if fk == "" {
			fk = r.Name + "Id"
		}
		r.ForeignKey, r.PrimaryKey = fk, pk
		return nil, c.addLink(&link{holder: m, fk: fk, target: tm, key: pk, name: r.Name, declared: true,
			onDelete: onDelete, origin: "relation " + m.Name + "." + r.Name, file: m.File})
	case "hasMany", "hasOne", "hasAndBelongsToMany":
	case "embedsMany", "embedsOne", "referencesMany":
		return nil, bad("type %q is not supported (want belongsTo, hasMany, hasOne or hasAndBelongsToMany)", typ)
	default:
		return nil, bad("unknown type %q (want belongsTo, hasMany, hasOne or hasAndBelongsToMany)", typ)
	}
	if tm == nil {
		return nil, bad("a %s needs \"model\"", typ)
	}
	if pk == "" {
		if m.Key == "" {
			return nil, bad("model %s has no id property for %s to reference: set \"primaryKey\"", m.Name, tm.Name)
		}
		pk = m.Key
	}
	r.PrimaryKey = pk
	if typ == "hasAndBelongsToMany" && through == "" {
		through = c.linkModel(m, tm).Name
	}
	if through == "" {
		if keyThrough != "" {
			return nil, bad("\"keyThrough\" needs \"through\"")
		}
		r.Kind = HasMany
		if typ == "hasOne" {
			r.Kind = HasOne
		}
		if poly != nil {
			return c.polymorphicSide(m, r, poly, tm, pk, false)
		}
		if fk == "" {
			fk = lowerFirst(m.Name) + "Id"
		}
		r.ForeignKey = fk
		return nil, c.addLink(&link{holder: tm, fk: fk, target: m, key: pk, name: "~" + m.Name + "." + r.Name,
			onDelete: onDelete, unique: r.Kind == HasOne, origin: "relation " + m.Name + "." + r.Name, file: m.File})
	}
	if typ == "hasOne" {
		return nil, bad("a hasOne takes no \"through\"")
	}
	if poly != nil {
		return nil, bad("a polymorphic relation through a model is not supported")
	}
	th := c.s.byName[through]
	if th == nil {
		return nil, bad("through model %q is not defined", through)
	}
	r.Kind = HasManyThrough
	if typ == "hasAndBelongsToMany" {
		r.Kind = HasAndBelongsToMany
	}
	if tm.Key == "" {
		return nil, bad("model %s has no id property to reference", tm.Name)
	}
	r.Through = th.Name
	if fk == "" {
		fk = lowerFirst(m.Name) + "Id"
	}
	if keyThrough == "" {
		keyThrough = lowerFirst(tm.Name) + "Id"
	}
	if fk == keyThrough {
		return nil, bad("foreignKey and keyThrough are both %q", fk)
	}
	r.ForeignKey, r.KeyThrough = fk, keyThrough
	origin := "relation " + m.Name + "." + r.Name
	if th.Synthesized && onDelete == nil {
		cascade := memstore.Cascade // a link row means nothing without both ends
		onDelete = &cascade
	}
	if err := c.addLink(&link{holder: th, fk: fk, target: m, key: pk, name: "~" + m.Name + "." + r.Name,
		onDelete: onDelete, origin: origin, file: m.File}); err != nil {
		return nil, err
	}
	var farDelete *memstore.Action
	if th.Synthesized {
		cascade := memstore.Cascade
		farDelete = &cascade
	}
	return nil, c.addLink(&link{holder: th, fk: keyThrough, target: tm, key: tm.Key, name: "~" + m.Name + "." + r.Name + ".far",
		onDelete: farDelete, origin: origin, file: m.File})
}

// linkModel returns the link model of a hasAndBelongsToMany relation
// without "through": LoopBack's AB or BA if defined, else a synthesised AB
// with an id, the two foreign keys and a unique index on the pair.
func (c *compiler) linkModel(a, b *Model) *Model {
	for _, name := range []string{a.Name + b.Name, b.Name + a.Name} {
		if m := c.s.byName[name]; m != nil {
			return m
		}
	}
	m := &Model{Name: a.Name + b.Name, Synthesized: true, byName: map[string]*Property{}, byField: map[string]*Property{}, rels: map[string]*Relation{}}
	d := &draft{m: m, idInjection: true}
	fa, fb := lowerFirst(a.Name)+"Id", lowerFirst(b.Name)+"Id"
	d.pending = append(d.pending, pendingIndex{name: fa + "_" + fb, keys: []string{fa, fb}, unique: true})
	c.draft[m] = d
	c.s.byName[m.Name] = m
	c.s.Models = append(c.s.Models, m)
	_ = c.resolveKey(m) // an injected number id: cannot fail
	for _, fk := range []string{fa, fb} {
		p := &Property{Name: fk, Required: true}
		_ = m.addProperty(p)
	}
	return m
}

// polymorphicSide resolves a polymorphic relation: a belongsTo (holder is
// the model itself) or a hasMany/hasOne (holder is the target).
func (c *compiler) polymorphicSide(m *Model, r *Relation, poly *node, holder *Model, pk string, belongsTo bool) (*polyFK, error) {
	bad := func(format string, args ...any) error {
		return &Error{File: m.File, Model: m.Name, Relation: r.Name, Reason: fmt.Sprintf(format, args...)}
	}
	selector, fk, disc, idType := "", "", "", Type("")
	switch poly.kind {
	case nodeBool:
		selector = r.Name
	case nodeString:
		selector = poly.str
	case nodeObject:
		for i, k := range poly.keys {
			v := poly.elems[i]
			if v.kind != nodeString || v.str == "" {
				return nil, bad("\"polymorphic.%s\" must be a non-empty string, got %s", k, v.describe())
			}
			switch k {
			case "selector", "as":
				selector = v.str
			case "foreignKey":
				fk = v.str
			case "discriminator":
				disc = v.str
			case "idType":
				t, err := parseType(v)
				if err != nil || (t != String && t != Number) {
					return nil, bad("\"polymorphic.idType\" must be string or number, got %s", v.describe())
				}
				idType = t
			default:
				return nil, bad("\"polymorphic\": unknown key %q (want selector, as, foreignKey, discriminator, idType)", k)
			}
		}
		if (fk == "") != (disc == "") {
			return nil, bad("\"polymorphic\" needs both foreignKey and discriminator, or neither")
		}
		if selector == "" {
			selector = r.Name
		}
	default:
		return nil, bad("\"polymorphic\" must be true, a name or an object, got %s", poly.describe())
	}
	if fk == "" {
		fk, disc = selector+"Id", selector+"Type"
	}
	r.ForeignKey = fk
	r.PrimaryKey = pk
	if belongsTo && r.PrimaryKey == "" {
		r.PrimaryKey = "id"
	}
	r.Polymorphic = &Polymorphic{Discriminator: disc}
	for _, name := range []string{fk, disc} {
		if holder.byName[name] == nil {
			_ = holder.addProperty(&Property{Name: name})
		}
	}
	dp := holder.byName[disc]
	if dp.Type == "" {
		dp.Type = String
	}
	if dp.Type != String {
		return nil, &Error{File: holder.File, Model: holder.Name, Property: disc, Reason: fmt.Sprintf("the discriminator of relation %s.%s must be a string, not %s", m.Name, r.Name, dp.Type)}
	}
	d := c.draft[holder]
	dup := false
	for _, pi := range d.pending {
		dup = dup || slices.Equal(pi.keys, []string{disc, fk})
	}
	if !dup {
		d.pending = append(d.pending, pendingIndex{name: disc + "_" + fk, keys: []string{disc, fk}})
	}
	owner := m
	if belongsTo {
		owner = nil
	}
	return &polyFK{holder: holder, fk: fk, idType: idType, owner: owner}, nil
}

// resolvePolymorphic lists, on each polymorphic belongsTo, the models whose
// polymorphic hasMany or hasOne share its foreign key and discriminator.
func (c *compiler) resolvePolymorphic() error {
	for _, m := range c.s.Models {
		for _, r := range m.Relations {
			if r.Polymorphic == nil || r.Kind == BelongsTo {
				continue
			}
			tm := c.s.byName[r.Model]
			for _, b := range tm.Relations {
				if b.Kind == BelongsTo && b.Polymorphic != nil && b.ForeignKey == r.ForeignKey && b.Polymorphic.Discriminator == r.Polymorphic.Discriminator {
					b.Polymorphic.Models = append(b.Polymorphic.Models, m.Name)
				}
			}
		}
	}
	return nil
}

// addLink records a belongsTo that memstore must enforce, merging it with
// one on the same foreign key (a belongsTo and the hasMany of its owner
// describe one foreign key from both sides).
func (c *compiler) addLink(l *link) error {
	bad := func(format string, args ...any) error {
		e := &Error{File: l.file, Reason: fmt.Sprintf(format, args...)}
		if from, rel, ok := strings.Cut(strings.TrimPrefix(l.origin, "relation "), "."); ok {
			e.Model, e.Relation = from, rel
		}
		return e
	}
	if l.target.Key == "" && l.key == "" {
		return bad("model %s has no id property to reference", l.target.Name)
	}
	kp := l.target.byName[l.key]
	if kp == nil {
		return bad("the referenced key %s.%s is not a property", l.target.Name, l.key)
	}
	if !kp.ID && !kp.Unique {
		return bad("the referenced key %s.%s must be the id or a unique property (\"index\": {\"unique\": true})", l.target.Name, l.key)
	}
	if l.holder.byName[l.fk] == nil {
		if err := l.holder.addProperty(&Property{Name: l.fk}); err != nil {
			return bad("foreign key %s.%s: %v", l.holder.Name, l.fk, err)
		}
	}
	for _, o := range c.links {
		if o.holder != l.holder || o.fk != l.fk {
			continue
		}
		if o.target != l.target || o.key != l.key {
			return bad("foreign key %s.%s references %s.%s here, but %s.%s for %s", l.holder.Name, l.fk, l.target.Name, l.key, o.target.Name, o.key, o.origin)
		}
		if l.declared && o.declared {
			return bad("foreign key %s.%s is also that of %s", l.holder.Name, l.fk, o.origin)
		}
		if l.onDelete != nil {
			if o.onDelete != nil && *o.onDelete != *l.onDelete && !o.holder.Synthesized {
				return bad("onDelete %v differs from %v, set by %s on the same foreign key %s.%s", *l.onDelete, *o.onDelete, o.origin, l.holder.Name, l.fk)
			}
			o.onDelete = l.onDelete
		}
		if l.declared {
			o.name, o.declared = l.name, true
		}
		o.unique = o.unique || l.unique
		return nil
	}
	c.links = append(c.links, l)
	return nil
}
