package lbmodel

import (
	"errors"
	"reflect"
	"strings"
	"unicode"

	"github.com/relstore/relstore/memstore"
)

// build makes each model's struct type and memstore model.
func (c *compiler) build() error {
	for _, m := range c.s.Models {
		fields := make([]reflect.StructField, len(m.Properties))
		used := map[string]bool{}
		for i, p := range m.Properties {
			name := goName(p.Name)
			if m.Key == "" && name == "ID" {
				name = "ID_" // memstore would take a field named ID for the key
			}
			for used[name] {
				name += "_"
			}
			used[name] = true
			tag := `json:"` + p.Name
			if p.Nullable() {
				tag += ",omitempty"
			}
			tag += `"`
			if i == 0 {
				// reflect.StructOf returns one type for equal fields and
				// tags; the model's name keeps two such models apart.
				tag += ` lbmodel:"` + m.Name + `"`
			}
			fields[i] = reflect.StructField{Name: name, Type: p.GoType, Tag: reflect.StructTag(tag)}
			p.Field, p.FieldIndex = name, []int{i}
			m.byField[name] = p
		}
		if len(fields) == 0 {
			return &Error{File: m.File, Model: m.Name, Reason: "no properties (and idInjection is false)"}
		}
		m.Type = reflect.StructOf(fields)
		mem := memstore.ModelOfType(m.Type)
		mem.Name = m.Name
		if kp := m.KeyProperty(); kp != nil {
			mem.Key, mem.AutoKey = kp.Field, kp.Generated
		}
		for _, p := range m.Properties {
			if p.Unique && !p.ID {
				mem.Unique = append(mem.Unique, p.Field)
			}
		}
		for _, l := range c.links {
			if l.holder != m {
				continue
			}
			r := memstore.Relation{Name: l.name, Target: l.target.Name, FK: m.byName[l.fk].Field}
			if l.key != l.target.Key {
				r.KeyTo = l.target.byName[l.key].Field
			}
			if l.onDelete != nil {
				r.OnDelete = *l.onDelete
			}
			mem.Relations = append(mem.Relations, r)
		}
		for _, ix := range c.draft[m].memIndexes {
			fs := make([]string, len(ix.props))
			for i, p := range ix.props {
				fs[i] = p.Field
			}
			mem.Indexes = append(mem.Indexes, memstore.Index{Name: ix.name, Fields: fs, Unique: ix.Unique})
		}
		m.mem = mem
	}
	if err := c.buildKinds(); err != nil {
		return err
	}
	// A relation's OnDelete is its foreign key's, whichever side set it.
	for _, m := range c.s.Models {
		for _, r := range m.Relations {
			holder, fk := c.s.byName[r.Model], r.ForeignKey
			switch {
			case r.Kind == BelongsTo:
				holder = m
			case r.Through != "":
				holder = c.s.byName[r.Through]
			}
			for _, l := range c.links {
				if l.holder == holder && l.fk == fk && l.onDelete != nil {
					r.OnDelete = *l.onDelete
				}
			}
		}
	}
	return nil
}

// buildKinds declares to memstore the relations that are not a plain
// belongsTo — hasMany, hasOne, hasManyThrough, hasAndBelongsToMany and
// polymorphic ones — under their LoopBack names, so that memstore and
// package relations (accessors, the declarative include) know them as the
// definitions name them. Each reads through a belongsTo that build
// declared (or, for a polymorphic hasMany whose model declares no
// polymorphic belongsTo, one made here).
func (c *compiler) buildKinds() error {
	field := func(m *Model, prop string) string { return m.byName[prop].Field }
	for _, m := range c.s.Models {
		for _, r := range m.Relations {
			if r.Kind != BelongsTo || r.Polymorphic == nil {
				continue
			}
			mr := memstore.Relation{Name: r.Name, Polymorphic: true, FK: field(m, r.ForeignKey),
				Discriminator: field(m, r.Polymorphic.Discriminator), OnDelete: r.OnDelete}
			if len(r.Polymorphic.Models) == 0 {
				// No model declares the inverse: as in LoopBack, any model
				// whose id has the foreign key's type may be named.
				mr.Targets = c.keyedLike(m.byName[r.ForeignKey])
			}
			m.mem.Relations = append(m.mem.Relations, mr)
		}
	}
	for _, m := range c.s.Models {
		for _, r := range m.Relations {
			if r.Kind == BelongsTo {
				continue
			}
			tm := c.s.byName[r.Model]
			mr := memstore.Relation{Name: r.Name, Target: tm.Name}
			switch r.Kind {
			case HasMany, HasOne:
				mr.Kind = memstore.HasMany
				if r.Kind == HasOne {
					mr.Kind = memstore.HasOne
				}
				mr.FK = field(tm, r.ForeignKey)
				if r.Polymorphic != nil {
					mr.Inverse = c.polyInverse(tm, r)
				}
			case HasManyThrough, HasAndBelongsToMany:
				mr.Kind = memstore.HasManyThrough
				if r.Kind == HasAndBelongsToMany {
					mr.Kind = memstore.HasAndBelongsToMany
				}
				th := c.s.byName[r.Through]
				mr.Through, mr.FK, mr.KeyThrough = th.Name, field(th, r.ForeignKey), field(th, r.KeyThrough)
			}
			m.mem.Relations = append(m.mem.Relations, mr)
		}
	}
	return nil
}

// polyInverse returns the name of the polymorphic belongsTo of holder that
// the polymorphic hasMany or hasOne r reads through: the one over the same
// foreign key and discriminator, else a hidden one declared here
// ("~imageable"), whose targets are the models whose polymorphic relations
// name it.
func (c *compiler) polyInverse(holder *Model, r *Relation) string {
	for _, b := range holder.Relations {
		if b.Kind == BelongsTo && b.Polymorphic != nil && b.ForeignKey == r.ForeignKey && b.Polymorphic.Discriminator == r.Polymorphic.Discriminator {
			return b.Name
		}
	}
	fk, disc := holder.byName[r.ForeignKey].Field, holder.byName[r.Polymorphic.Discriminator].Field
	name := "~" + strings.TrimSuffix(r.ForeignKey, "Id")
	for _, mr := range holder.mem.Relations {
		if mr.Polymorphic && mr.FK == fk && mr.Discriminator == disc {
			return mr.Name
		}
	}
	holder.mem.Relations = append(holder.mem.Relations, memstore.Relation{Name: name, Polymorphic: true, FK: fk, Discriminator: disc})
	return name
}

// keyedLike returns the models whose id has the type of the property p.
func (c *compiler) keyedLike(p *Property) []string {
	t := p.GoType
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	for _, m := range c.s.Models {
		if kp := m.KeyProperty(); kp != nil && kp.GoType == t {
			out = append(out, m.Name)
		}
	}
	return out
}

// goName turns a property name into an exported Go field name: its first
// letter upper-cased (customerId → CustomerId), an X before a name that does
// not start with a letter (_rev → X_rev).
func goName(s string) string {
	r := []rune(s)
	if !unicode.IsLetter(r[0]) {
		return "X" + s
	}
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// validPropertyName reports whether s can be a property name: a letter, _
// or $, then letters, digits, _ or $ — a JavaScript identifier, which a
// JSON tag, a filter path and a Go field name can all carry — and not and
// or or, which the filter language reserves.
func validPropertyName(s string) bool {
	if s == "" || s == "and" || s == "or" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r == '$' || unicode.IsLetter(r):
		case unicode.IsDigit(r) && i > 0:
		default:
			return false
		}
	}
	return true
}

// MemstoreModels returns the memstore models of the schema, in its order,
// for memstore.Config.Models. Each call returns a new slice.
func (s *Schema) MemstoreModels() []memstore.Model {
	ms := make([]memstore.Model, 0, len(s.Models))
	for _, m := range s.Models {
		if m.mem.Name != "" {
			ms = append(ms, m.mem)
		}
	}
	return ms
}

// Open opens a store of the schema's models: memstore.New with cfg, whose
// Models are replaced by the schema's. A schema that memstore refuses (a
// setNull on a required foreign key, say) is reported as an *Error naming
// the file, model and property, wrapping memstore's *SchemaError.
func (s *Schema) Open(cfg memstore.Config) (*memstore.Store, error) {
	cfg.Models = s.MemstoreModels()
	if len(cfg.Models) == 0 {
		return nil, &Error{Reason: "the schema has no models built from definitions (use the store Describe was given)"}
	}
	st, err := memstore.New(cfg)
	if err == nil {
		return st, nil
	}
	var se *memstore.SchemaError
	if !errors.As(err, &se) {
		return nil, err
	}
	e := &Error{Model: se.Model, Reason: se.Reason, Err: se}
	if m := s.Model(se.Model); m != nil {
		e.File = m.File
		if p := m.PropertyOfField(se.Field); p != nil {
			e.Property = p.Name
		} else if se.Field != "" {
			e.Index = se.Field
		}
		e.Reason = s.loopbackNames(m, se.Reason)
	}
	return nil, e
}

// loopbackNames rewrites the Go field names in a memstore message as the
// properties' names.
func (s *Schema) loopbackNames(m *Model, msg string) string {
	var pairs []string
	for _, mm := range s.Models {
		for _, p := range mm.Properties {
			if p.Field != p.Name && (mm == m || strings.Contains(msg, mm.Name+"."+p.Field)) {
				pairs = append(pairs, mm.Name+"."+p.Field, mm.Name+"."+p.Name)
			}
		}
	}
	return strings.NewReplacer(pairs...).Replace(msg)
}
