package ddl

import (
	"fmt"
	"hash/fnv"
	"reflect"
	"strings"
	"unicode"

	"github.com/relstore/relstore/memstore"
)

// table is one model's table, in SQL names, before a dialect prints it.
type table struct {
	model   string
	name    string
	cols    []*column
	pk      *column
	pkName  string       // the primary key constraint's name
	uniques []constraint // UNIQUE constraints: one per unique field, then one per unique index
	fks     []foreignKey
	// indexes are the secondary indexes, then the foreign keys' (skipped
	// when a key, unique constraint or secondary index leads with the
	// column: see leads).
	indexes []index
}

type column struct {
	name     string
	field    string       // the Go field, or the shadow foreign key's name
	typ      reflect.Type // the value's type: pointers removed
	nullable bool
	auto     bool // an identity / AUTOINCREMENT key
	pk       bool
}

type constraint struct {
	name string
	cols []string
}

type foreignKey struct {
	name     string
	cols     []string
	target   string // the target table
	refCols  []string
	onDelete memstore.Action
}

type index struct {
	name   string
	cols   []string
	unique bool
}

var rowIDType = reflect.TypeFor[memstore.RowID]()

// tables builds the SQL form of the models; maxIdent is the dialect's
// longest identifier in bytes (0: no limit).
func tables(models []memstore.ModelInfo, maxIdent int) ([]*table, error) {
	if len(models) == 0 {
		return nil, &SchemaError{Model: "(none)", Reason: "no models"}
	}
	byName := map[string]*memstore.ModelInfo{}
	for i := range models {
		m := &models[i]
		if m.Type == nil || m.Type.Kind() != reflect.Struct {
			return nil, &SchemaError{Model: m.Name, Reason: fmt.Sprintf("type %v is not a struct", m.Type)}
		}
		if _, dup := byName[m.Name]; dup {
			return nil, &SchemaError{Model: m.Name, Reason: "listed twice"}
		}
		byName[m.Name] = m
	}
	var out []*table
	for i := range models {
		t, err := newTable(&models[i], byName)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if err := checkNames(out, maxIdent); err != nil {
		return nil, err
	}
	return out, nil
}

func newTable(m *memstore.ModelInfo, byName map[string]*memstore.ModelInfo) (*table, error) {
	t := &table{model: m.Name, name: snake(m.Name)}
	bad := func(field, format string, args ...any) error {
		return &SchemaError{Model: m.Name, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	keys := map[string]bool{m.Key: m.Key != ""}
	for _, u := range m.Unique {
		keys[u] = true
	}
	for _, r := range m.Relations {
		if r.Kind == memstore.BelongsTo {
			keys[r.FK] = true
		}
	}
	for _, ix := range m.Indexes {
		for _, f := range ix.Fields {
			keys[f] = true
		}
	}
	if m.Key == "" {
		t.pk = &column{name: "rowid", typ: rowIDType, auto: true, pk: true}
		t.cols = append(t.cols, t.pk)
	}
	for _, f := range reflect.VisibleFields(m.Type) {
		if !f.IsExported() && !keys[f.Name] {
			continue
		}
		if f.Anonymous && flattened(f.Type) {
			continue // its fields follow
		}
		c := &column{name: snake(f.Name), field: f.Name, typ: f.Type, nullable: viaPointer(m.Type, f.Index)}
		for c.typ.Kind() == reflect.Pointer {
			c.typ, c.nullable = c.typ.Elem(), true
		}
		switch c.typ.Kind() {
		case reflect.Slice, reflect.Map, reflect.Interface:
			c.nullable = true
		}
		if !supported(c.typ) {
			return nil, bad(f.Name, "type %v has no column type", f.Type)
		}
		if f.Name == m.Key {
			c.pk, c.auto = true, m.AutoKey
			t.pk = c
		}
		t.cols = append(t.cols, c)
	}
	for _, r := range m.Relations {
		if r.Kind != memstore.BelongsTo || !r.Shadow {
			continue
		}
		target := byName[r.Target]
		if target == nil {
			return nil, bad(r.FK, "relation %s references model %s, which is not in the list", r.Name, r.Target)
		}
		t.cols = append(t.cols, &column{name: snake(r.FK), field: r.FK, typ: keyType(target, r.KeyTo), nullable: true})
	}
	byField := map[string]*column{}
	byCol := map[string]*column{}
	for _, c := range t.cols {
		if prev := byCol[c.name]; prev != nil {
			return nil, bad(c.field, "column %q is also the column of %s", c.name, fieldName(prev))
		}
		byCol[c.name] = c
		byField[c.field] = c
	}
	if t.pk == nil {
		return nil, bad(m.Key, "primary key field not found")
	}
	for _, u := range m.Unique {
		c := byField[u]
		if c == nil {
			return nil, bad(u, "unique field not found")
		}
		t.uniques = append(t.uniques, constraint{name: t.name + "_" + c.name + "_key", cols: []string{c.name}})
	}
	// Secondary indexes, named as PostgreSQL names them by default, after
	// their columns (memstore refuses two indexes over the same fields).
	// NULLs are distinct in a UNIQUE constraint of both databases, as in
	// the store.
	for _, ix := range m.Indexes {
		cols := make([]string, len(ix.Fields))
		for i, f := range ix.Fields {
			c := byField[f]
			if c == nil {
				return nil, bad(f, "field of index %s not found", ix.Name)
			}
			cols[i] = c.name
		}
		name := t.name + "_" + strings.Join(cols, "_")
		if ix.Unique {
			t.uniques = append(t.uniques, constraint{name: name + "_key", cols: cols})
		} else {
			t.indexes = append(t.indexes, index{name: name + "_idx", cols: cols})
		}
	}
	for _, r := range m.Relations {
		if r.Kind != memstore.BelongsTo {
			continue // the other kinds read through a belongsTo of another model
		}
		if r.Polymorphic {
			// No SQL foreign key can name its target row by row: the
			// discriminator and the key, indexed together; integrity is
			// the application's (see "Relations" in PostgreSQL's doc).
			d, c := byField[r.Discriminator], byField[r.FK]
			if d == nil || c == nil {
				return nil, bad(r.FK, "fields of polymorphic relation %s not found", r.Name)
			}
			cols := []string{d.name, c.name}
			t.indexes = append(t.indexes, index{name: t.name + "_" + strings.Join(cols, "_") + "_idx", cols: cols})
			continue
		}
		target := byName[r.Target]
		if target == nil {
			return nil, bad(r.FK, "relation %s references model %s, which is not in the list", r.Name, r.Target)
		}
		c := byField[r.FK]
		if c == nil {
			return nil, bad(r.FK, "foreign key field not found")
		}
		ref := "rowid"
		if target.Key != "" || r.KeyTo != "rowid" {
			ref = snake(r.KeyTo)
		}
		t.fks = append(t.fks, foreignKey{
			name: t.name + "_" + c.name + "_fkey", cols: []string{c.name},
			target: snake(target.Name), refCols: []string{ref}, onDelete: r.OnDelete,
		})
		if !t.leads(c.name) {
			t.indexes = append(t.indexes, index{name: t.name + "_" + c.name + "_idx", cols: []string{c.name}})
		}
	}
	return t, nil
}

// leads reports whether the primary key, a unique constraint or an index
// already starts with column col, so that a lookup by col needs no index
// of its own.
func (t *table) leads(col string) bool {
	if t.pk.name == col {
		return true
	}
	for _, u := range t.uniques {
		if u.cols[0] == col {
			return true
		}
	}
	for _, ix := range t.indexes {
		if ix.cols[0] == col {
			return true
		}
	}
	return false
}

func fieldName(c *column) string {
	if c.field == "" {
		return "the store-assigned key"
	}
	return c.field
}

// keyType returns the type of model m's field name, the target of a
// foreign key: RowID for a keyless model's "rowid".
func keyType(m *memstore.ModelInfo, name string) reflect.Type {
	if m.Key == "" && name == "rowid" {
		return rowIDType
	}
	f, ok := m.Type.FieldByName(name)
	if !ok {
		return rowIDType // memstore validated the schema; not reached
	}
	t := f.Type
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// flattened reports whether an embedded field of type t contributes its
// fields rather than being a column itself: a struct, or a pointer to one,
// other than time.Time.
func flattened(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct && !isTime(t)
}

// viaPointer reports whether the field at index path idx of t is reached
// through an embedded pointer, so that it is absent (NULL) when the
// pointer is nil.
func viaPointer(t reflect.Type, idx []int) bool {
	for _, i := range idx[:len(idx)-1] {
		t = t.Field(i).Type
		if t.Kind() == reflect.Pointer {
			return true
		}
	}
	return false
}

func isTime(t reflect.Type) bool { return t.PkgPath() == "time" && t.Name() == "Time" }

func isDuration(t reflect.Type) bool { return t.PkgPath() == "time" && t.Name() == "Duration" }

// supported reports whether a value type has a column type.
func supported(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Complex64, reflect.Complex128, reflect.Chan, reflect.Func, reflect.UnsafePointer, reflect.Invalid:
		return false
	}
	return true
}

// snake returns a Go name in snake_case: CustomerID → customer_id, URLPath →
// url_path, Field2FA → field2_fa.
func snake(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if unicode.IsUpper(c) && i > 0 {
			prev := r[i-1]
			next := i+1 < len(r) && unicode.IsLower(r[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && next) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

// checkNames refuses table and column names longer than maxIdent (the
// database would truncate them, and queries written with the full name
// would miss), shortens longer constraint and index names the way no two
// names collide, and refuses names that collide: tables and indexes share
// one namespace in both databases.
func checkNames(ts []*table, maxIdent int) error {
	long := func(s string) bool { return maxIdent > 0 && len(s) > maxIdent }
	seen := map[string]string{} // relation name → what it names
	claim := func(model, name, what string) error {
		if prev, dup := seen[name]; dup {
			return &SchemaError{Model: model, Reason: fmt.Sprintf("%s %q is also the name of %s", what, name, prev)}
		}
		seen[name] = what + " of " + model
		return nil
	}
	for _, t := range ts {
		if long(t.name) {
			return &SchemaError{Model: t.model, Reason: fmt.Sprintf("table name %q is longer than %d bytes", t.name, maxIdent)}
		}
		if err := claim(t.model, t.name, "table"); err != nil {
			return err
		}
		for _, c := range t.cols {
			if long(c.name) {
				return &SchemaError{Model: t.model, Field: c.field, Reason: fmt.Sprintf("column name %q is longer than %d bytes", c.name, maxIdent)}
			}
		}
	}
	for _, t := range ts {
		t.pkName = shorten(t.name+"_pkey", maxIdent)
		if err := claim(t.model, t.pkName, "primary key"); err != nil {
			return err
		}
		for i := range t.uniques {
			t.uniques[i].name = shorten(t.uniques[i].name, maxIdent)
			if err := claim(t.model, t.uniques[i].name, "unique constraint"); err != nil {
				return err
			}
		}
		for i := range t.indexes {
			t.indexes[i].name = shorten(t.indexes[i].name, maxIdent)
			if err := claim(t.model, t.indexes[i].name, "index"); err != nil {
				return err
			}
		}
		for i := range t.fks {
			t.fks[i].name = shorten(t.fks[i].name, maxIdent)
		}
	}
	return nil
}

// shorten cuts a generated name to max bytes, ending it with a hash of the
// whole name so that two long names stay apart.
func shorten(s string, max int) string {
	if max == 0 || len(s) <= max {
		return s
	}
	h := fnv.New32a()
	h.Write([]byte(s))
	suffix := fmt.Sprintf("_%08x", h.Sum32())
	cut := max - len(suffix)
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + suffix
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
