package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/relstore/relstore/memstore"
)

// ErrFixture is matched by errors of Load and LoadJSON that come from the
// fixtures themselves (an unknown model, a malformed file, a cycle of
// non-nullable foreign keys) rather than from the store.
var ErrFixture = errors.New("storetest: invalid fixture")

// fixture is one record to insert.
type fixture struct {
	src   string // the file, or "argument N"
	index int    // 1-based position in its source
	model *memstore.ModelInfo
	ptr   reflect.Value // *T, our own copy
	later []laterField  // nullable foreign keys written in pass 2
}

// laterField is a nullable foreign key's value, set in pass 2.
type laterField struct {
	index []int // the field's full index path: it may be promoted from an embedded struct
	v     reflect.Value
}

func (f *fixture) errorf(err error) error {
	return fmt.Errorf("storetest: %s: record %d (%s): %w", f.src, f.index, f.model.Name, err)
}

// Load inserts fixtures into s in one transaction, in foreign key order (see
// the package doc). A fixture is a struct of a registered model, a pointer to
// one, a slice or array of them, or a memstore.Dump. On any error nothing is
// inserted; the error names the argument, the record and, through the
// store's error it wraps, the field (errors.Is works on it).
func Load(ctx context.Context, s *memstore.Store, fixtures ...any) error {
	l := newLoader(s)
	for i, fx := range fixtures {
		if err := l.addValue(fmt.Sprintf("argument %d", i+1), fx); err != nil {
			return err
		}
	}
	return l.load(ctx)
}

// LoadJSON inserts the rows of JSON fixture files into s in one transaction,
// in foreign key order (see the package doc). On any error nothing is
// inserted, and the error names the file, the record and the field.
func LoadJSON(ctx context.Context, s *memstore.Store, paths ...string) error {
	l := newLoader(s)
	for _, p := range paths {
		if err := l.addFile(p); err != nil {
			return err
		}
	}
	return l.load(ctx)
}

type loader struct {
	s       *memstore.Store
	models  []memstore.ModelInfo
	byType  map[reflect.Type]*memstore.ModelInfo
	byName  map[string]*memstore.ModelInfo
	records map[string][]*fixture // by model name
}

func newLoader(s *memstore.Store) *loader {
	l := &loader{s: s, models: s.Models(), byType: map[reflect.Type]*memstore.ModelInfo{},
		byName: map[string]*memstore.ModelInfo{}, records: map[string][]*fixture{}}
	for i := range l.models {
		m := &l.models[i]
		l.byType[m.Type] = m
		l.byName[strings.ToLower(m.Name)] = m
	}
	return l
}

func (l *loader) addValue(src string, v any) error {
	if d, ok := v.(memstore.Dump); ok {
		for _, name := range slices.Sorted(maps.Keys(d)) {
			for i, row := range d[name] {
				if err := l.addRow(fmt.Sprintf("%s %s", src, name), i+1, row); err != nil {
					return err
				}
			}
		}
		return nil
	}
	rv := reflect.ValueOf(v)
	if rv.IsValid() && (rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array) {
		for i := range rv.Len() {
			if err := l.addRow(src, i+1, rv.Index(i).Interface()); err != nil {
				return err
			}
		}
		return nil
	}
	return l.addRow(src, 1, v)
}

func (l *loader) addRow(src string, index int, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return fmt.Errorf("%w: %s: record %d: nil %v", ErrFixture, src, index, rv.Type())
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return fmt.Errorf("%w: %s: record %d: nil", ErrFixture, src, index)
	}
	m := l.byType[rv.Type()]
	if m == nil {
		return fmt.Errorf("%w: %s: record %d: %v is not a registered model", ErrFixture, src, index, rv.Type())
	}
	p := reflect.New(rv.Type())
	p.Elem().Set(rv)
	l.records[m.Name] = append(l.records[m.Name], &fixture{src: src, index: index, model: m, ptr: p})
	return nil
}

func (l *loader) addFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrFixture, err)
	}
	data = bytes.TrimSpace(data)
	switch {
	case bytes.HasPrefix(data, []byte("{")):
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(data, &doc); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrFixture, path, err)
		}
		for _, name := range slices.Sorted(maps.Keys(doc)) {
			m := l.byName[strings.ToLower(name)]
			if m == nil {
				return fmt.Errorf("%w: %s: no model %q", ErrFixture, path, name)
			}
			if err := l.addJSONRows(path+" "+m.Name, m, doc[name]); err != nil {
				return err
			}
		}
		return nil
	case bytes.HasPrefix(data, []byte("[")):
		base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		m := l.modelForFile(base)
		if m == nil {
			return fmt.Errorf("%w: %s: no model named like the file (%q)", ErrFixture, path, base)
		}
		return l.addJSONRows(path, m, data)
	}
	return fmt.Errorf("%w: %s: want a JSON object of models or an array of rows", ErrFixture, path)
}

// modelForFile finds the model a file is named after: Customer.json,
// customer.json, customers.json, categories.json.
func (l *loader) modelForFile(base string) *memstore.ModelInfo {
	b := strings.ToLower(base)
	for _, cand := range []string{b, strings.TrimSuffix(b, "s"), strings.TrimSuffix(b, "es"), strings.TrimSuffix(b, "ies") + "y"} {
		if m := l.byName[cand]; m != nil {
			return m
		}
	}
	return nil
}

func (l *loader) addJSONRows(src string, m *memstore.ModelInfo, data []byte) error {
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		return fmt.Errorf("%w: %s: want an array of %s rows: %v", ErrFixture, src, m.Name, err)
	}
	for i, raw := range raws {
		p := reflect.New(m.Type)
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(p.Interface()); err != nil {
			return fmt.Errorf("%w: %s: record %d (%s): %v", ErrFixture, src, i+1, m.Name, err)
		}
		l.records[m.Name] = append(l.records[m.Name], &fixture{src: src, index: i + 1, model: m, ptr: p})
	}
	return nil
}

// order returns the models in insertion order: every model after the
// targets of its non-nullable foreign keys (self-references aside).
func (l *loader) order() ([]*memstore.ModelInfo, error) {
	var out []*memstore.ModelInfo
	done := map[string]bool{}
	visiting := map[string]bool{}
	var visit func(m *memstore.ModelInfo, path []string) error
	visit = func(m *memstore.ModelInfo, path []string) error {
		if done[m.Name] {
			return nil
		}
		if visiting[m.Name] {
			return fmt.Errorf("%w: non-nullable foreign keys form a cycle: %s", ErrFixture, strings.Join(append(path, m.Name), " → "))
		}
		visiting[m.Name] = true
		for _, r := range m.Relations {
			if r.Kind != memstore.BelongsTo || r.Nullable {
				continue
			}
			targets := r.Targets // a polymorphic relation's
			if !r.Polymorphic {
				targets = []string{r.Target}
			}
			for _, t := range targets {
				if t == m.Name {
					continue
				}
				if err := visit(l.byName[strings.ToLower(t)], append(path, m.Name)); err != nil {
					return err
				}
			}
		}
		visiting[m.Name] = false
		done[m.Name] = true
		out = append(out, m)
		return nil
	}
	for i := range l.models {
		if err := visit(&l.models[i], nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// deferNullable moves the nullable foreign keys of f to pass 2.
func (f *fixture) deferNullable() {
	v := f.ptr.Elem()
	for _, r := range f.model.Relations {
		if r.Kind != memstore.BelongsTo || !r.Nullable || r.Shadow {
			continue
		}
		fv := v.FieldByName(r.FK)
		if fv.IsNil() {
			continue
		}
		sf, _ := v.Type().FieldByName(r.FK)
		f.later = append(f.later, laterField{sf.Index, reflect.ValueOf(fv.Interface())})
		fv.SetZero()
	}
}

// sortSelf orders the rows of a model whose non-nullable foreign key
// references the model itself so that every referenced row comes first.
func sortSelf(m *memstore.ModelInfo, rows []*fixture) []*fixture {
	var self []memstore.RelationInfo
	for _, r := range m.Relations {
		if r.Kind == memstore.BelongsTo && r.Target == m.Name && !r.Nullable && !r.Shadow {
			self = append(self, r)
		}
	}
	if len(self) == 0 {
		return rows
	}
	byKey := map[string]map[any]*fixture{}
	for _, r := range self {
		idx := map[any]*fixture{}
		for _, f := range rows {
			idx[f.ptr.Elem().FieldByName(r.KeyTo).Interface()] = f
		}
		byKey[r.KeyTo] = idx
	}
	out := make([]*fixture, 0, len(rows))
	state := map[*fixture]int{} // 1 visiting, 2 done
	var visit func(f *fixture)
	visit = func(f *fixture) {
		if state[f] != 0 {
			return // done, or a cycle: the store reports it on insert
		}
		state[f] = 1
		for _, r := range self {
			if dep := byKey[r.KeyTo][f.ptr.Elem().FieldByName(r.FK).Interface()]; dep != nil && dep != f {
				visit(dep)
			}
		}
		state[f] = 2
		out = append(out, f)
	}
	for _, f := range rows {
		visit(f)
	}
	return out
}

func (l *loader) load(ctx context.Context) error {
	models, err := l.order()
	if err != nil {
		return err
	}
	var all []*fixture
	for _, m := range models {
		rows := l.records[m.Name]
		for _, f := range rows {
			f.deferNullable()
		}
		all = append(all, sortSelf(m, rows)...)
	}
	return l.s.Update(ctx, func(tx *memstore.Tx) error {
		for _, f := range all {
			if err := tx.Insert(f.ptr.Interface()); err != nil {
				return f.errorf(err)
			}
		}
		for _, f := range all {
			if f.later == nil {
				continue
			}
			for _, l := range f.later {
				f.ptr.Elem().FieldByIndex(l.index).Set(l.v)
			}
			if err := tx.Update(f.ptr.Interface()); err != nil {
				return f.errorf(err)
			}
		}
		return nil
	})
}
