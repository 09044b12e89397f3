package lbmodel

import (
	"reflect"
	"strings"

	"github.com/relstore/relstore/memstore"
)

// Describe returns the schema of a store of Go structs, as a REST layer
// sees it: each model's exported fields are its properties, named by their
// json tag (or Go name); a field tagged json:"-" is left out. Types follow
// the Go kinds (see Property), the primary key is the store's, and
// each relation is listed under its name. A shadow foreign key
// (memstore.Relation.Shadow) is a Shadow property named by its FK, after
// the fields. Nothing is refused: a store's schema has been checked by
// memstore.New.
func Describe(s *memstore.Store) *Schema {
	sch := &Schema{byName: map[string]*Model{}}
	infos := s.Models()
	for _, mi := range infos {
		m := &Model{Name: mi.Name, Plural: Plural(mi.Name), Type: mi.Type,
			byName: map[string]*Property{}, byField: map[string]*Property{}, rels: map[string]*Relation{}}
		m.Path = m.Plural
		unique := map[string]bool{}
		for _, u := range mi.Unique {
			unique[u] = true
		}
		for _, f := range reflect.VisibleFields(mi.Type) {
			if f.Anonymous || !f.IsExported() {
				continue
			}
			name := f.Name
			if tag, ok := f.Tag.Lookup("json"); ok {
				n, _, _ := strings.Cut(tag, ",")
				if n == "-" {
					continue
				}
				if n != "" {
					name = n
				}
			}
			if m.byName[name] != nil {
				continue // encoding/json would drop both; keep the first
			}
			p := &Property{Name: name, Field: f.Name, GoType: f.Type, FieldIndex: f.Index, Type: typeOfGo(f.Type),
				Unique: unique[f.Name]}
			if f.Name == mi.Key {
				p.ID, p.Generated, p.Required = true, mi.AutoKey, true
				m.Key = name
			}
			m.Properties = append(m.Properties, p)
			m.byName[name] = p
			m.byField[f.Name] = p
		}
		for _, ix := range mi.Indexes {
			names := make([]string, len(ix.Fields))
			for i, f := range ix.Fields {
				names[i] = f
				if p := m.byField[f]; p != nil {
					names[i] = p.Name
					p.Indexed = p.Indexed || len(ix.Fields) == 1
				}
			}
			m.Indexes = append(m.Indexes, Index{Name: ix.Name, Properties: names, Unique: ix.Unique})
		}
		sch.Models = append(sch.Models, m)
		sch.byName[m.Name] = m
	}
	// Shadow foreign keys are properties too (LoopBack adds the foreign key
	// a model does not declare), typed like the key they reference and
	// nullable, after the fields.
	for i, mi := range infos {
		m := sch.Models[i]
		for _, ri := range mi.Relations {
			if !ri.Shadow || ri.Kind != memstore.BelongsTo || m.byField[ri.FK] != nil {
				continue
			}
			target := sch.byName[ri.Target]
			if target == nil || target.byField[ri.KeyTo] == nil {
				continue
			}
			kt := target.byField[ri.KeyTo].GoType
			if kt.Kind() == reflect.Pointer {
				kt = kt.Elem()
			}
			p := &Property{Name: ri.FK, Field: ri.FK, GoType: reflect.PointerTo(kt), Type: typeOfGo(kt), Shadow: true}
			if m.byName[p.Name] != nil {
				continue // a field's json name: encoding/json would print the field
			}
			m.Properties = append(m.Properties, p)
			m.byName[p.Name] = p
			m.byField[p.Field] = p
		}
	}
	for i, mi := range infos {
		m := sch.Models[i]
		for _, ri := range mi.Relations {
			r := &Relation{Name: ri.Name, Kind: describeKind(ri.Kind), Model: ri.Target, ForeignKey: ri.FK, PrimaryKey: ri.KeyTo, OnDelete: ri.OnDelete}
			// The model whose property FK is, and the one KeyTo is of.
			holder, keyed := m, sch.byName[ri.Target]
			switch {
			case ri.Through != "":
				holder, keyed = sch.byName[ri.Through], m
				r.Through, r.KeyThrough = ri.Through, ri.KeyThrough
				if l := holder; l != nil {
					if p := l.byField[ri.KeyThrough]; p != nil {
						r.KeyThrough = p.Name
					}
				}
			case ri.Kind != memstore.BelongsTo:
				holder, keyed = sch.byName[ri.Target], m
			}
			if ri.Polymorphic {
				r.Polymorphic = &Polymorphic{Discriminator: ri.Discriminator, Models: ri.Targets}
				if holder != nil {
					if p := holder.byField[ri.Discriminator]; p != nil {
						r.Polymorphic.Discriminator = p.Name
					}
				}
				if ri.Kind == memstore.BelongsTo && len(ri.Targets) > 0 {
					keyed = sch.byName[ri.Targets[0]] // every target's key has that type
				}
			}
			if holder != nil {
				if p := holder.byField[ri.FK]; p != nil {
					r.ForeignKey = p.Name
				}
			}
			if keyed != nil {
				if p := keyed.byField[ri.KeyTo]; p != nil {
					r.PrimaryKey = p.Name
				}
			}
			m.Relations = append(m.Relations, r)
			m.rels[r.Name] = r
		}
	}
	return sch
}

// describeKind returns the lbmodel kind of a memstore relation kind.
func describeKind(k memstore.RelationKind) Kind {
	switch k {
	case memstore.HasMany:
		return HasMany
	case memstore.HasOne:
		return HasOne
	case memstore.HasManyThrough:
		return HasManyThrough
	case memstore.HasAndBelongsToMany:
		return HasAndBelongsToMany
	}
	return BelongsTo
}

// typeOfGo returns the LoopBack type of a Go field type.
func typeOfGo(t reflect.Type) Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return Date
	}
	switch t.Kind() {
	case reflect.String:
		return String
	case reflect.Bool:
		return Boolean
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return Number
	case reflect.Array:
		if t.Len() == 16 && t.Elem().Kind() == reflect.Uint8 {
			return String // a UUID
		}
		return Array
	case reflect.Slice:
		if t == rawMessageType {
			return Any
		}
		return Array
	case reflect.Map, reflect.Struct:
		return Object
	}
	return Any
}
