package lbmodel_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/relstore/relstore/examples/shop"
	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
)

// files builds definitions from name/JSON pairs.
func files(pairs ...string) []lbmodel.File {
	var fs []lbmodel.File
	for i := 0; i < len(pairs); i += 2 {
		fs = append(fs, lbmodel.File{Name: pairs[i], Data: []byte(pairs[i+1])})
	}
	return fs
}

func mustCompile(t testing.TB, pairs ...string) *lbmodel.Schema {
	t.Helper()
	s, err := lbmodel.Compile(files(pairs...)...)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return s
}

func TestShopCompilesAndOpens(t *testing.T) {
	s, err := lbmodel.Load(shop.Models())
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Open(memstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	type rel struct{ Model, Name, Kind, Target, FK, PK, Through, KeyThrough, OnDelete string }
	var got []rel
	for _, m := range s.Models {
		for _, r := range m.Relations {
			got = append(got, rel{m.Name, r.Name, string(r.Kind), r.Model, r.ForeignKey, r.PrimaryKey, r.Through, r.KeyThrough, r.OnDelete.String()})
		}
	}
	want := []rel{
		{"Address", "customer", "belongsTo", "Customer", "customerId", "id", "", "", "cascade"},
		{"Category", "parent", "belongsTo", "Category", "parentId", "id", "", "", "setNull"},
		{"Category", "children", "hasMany", "Category", "parentId", "id", "", "", "setNull"},
		{"Category", "products", "hasMany", "Product", "categoryId", "id", "", "", "restrict"},
		{"Customer", "orders", "hasMany", "Order", "customerId", "id", "", "", "restrict"},
		{"Customer", "address", "hasOne", "Address", "customerId", "id", "", "", "cascade"},
		{"Item", "order", "belongsTo", "Order", "orderId", "id", "", "", "cascade"},
		{"Item", "product", "belongsTo", "Product", "productId", "id", "", "", "restrict"},
		{"Order", "customer", "belongsTo", "Customer", "customerId", "id", "", "", "restrict"},
		{"Order", "items", "hasMany", "Item", "orderId", "id", "", "", "cascade"},
		{"ProductTag", "product", "belongsTo", "Product", "productId", "id", "", "", "cascade"},
		{"ProductTag", "tag", "belongsTo", "Tag", "tagId", "id", "", "", "cascade"},
		{"Product", "category", "belongsTo", "Category", "categoryId", "id", "", "", "restrict"},
		{"Product", "items", "hasMany", "Item", "productId", "id", "", "", "restrict"},
		{"Product", "tags", "hasManyThrough", "Tag", "productId", "id", "ProductTag", "tagId", "cascade"},
		{"Tag", "products", "hasManyThrough", "Product", "tagId", "id", "ProductTag", "productId", "cascade"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("relations (-want +got):\n%s", diff)
	}
	// One memstore belongsTo per foreign key, whichever side declared it;
	// the other kinds under their names, reading through them.
	var fks []string
	for _, mi := range st.Models() {
		for _, r := range mi.Relations {
			fks = append(fks, mi.Name+"."+r.FK+"->"+r.Target+":"+r.Name+" "+r.Kind.String())
		}
	}
	wantFKs := []string{
		"Address.CustomerId->Customer:customer belongsTo", "Category.ParentId->Category:parent belongsTo",
		"Category.ParentId->Category:children hasMany", "Category.CategoryId->Product:products hasMany",
		"Customer.CustomerId->Order:orders hasMany", "Customer.CustomerId->Address:address hasOne",
		"Item.OrderId->Order:order belongsTo", "Item.ProductId->Product:product belongsTo",
		"Order.CustomerId->Customer:customer belongsTo", "Order.OrderId->Item:items hasMany",
		"ProductTag.ProductId->Product:product belongsTo", "ProductTag.TagId->Tag:tag belongsTo",
		"Product.CategoryId->Category:category belongsTo", "Product.ProductId->Item:items hasMany",
		"Product.ProductId->Tag:tags hasManyThrough", "Tag.TagId->Product:products hasManyThrough",
	}
	if diff := cmp.Diff(wantFKs, fks); diff != "" {
		t.Errorf("memstore relations (-want +got):\n%s", diff)
	}
	cust := s.Model("Customer")
	if cust.Path != "Customers" || s.Model("Category").Path != "Categories" {
		t.Errorf("paths %q, %q", cust.Path, s.Model("Category").Path)
	}
	if p := s.Model("Address").Property("customerId"); !p.Unique {
		t.Errorf("hasOne's foreign key Address.customerId is not unique")
	}
}

func TestPropertyTypes(t *testing.T) {
	s := mustCompile(t, "thing.json", `{
		"name": "Thing",
		"properties": {
			"title": {"type": "String", "required": true},
			"n": "number",
			"flag": {"type": "boolean", "default": true},
			"at": {"type": "date", "default": "2026-01-02T03:04:05Z"},
			"meta": {"type": "object", "default": {"a": 1}},
			"tags": ["string"],
			"blob": "any",
			"code": {"type": "string", "id": true}
		}
	}`)
	m := s.Model("Thing")
	want := map[string]reflect.Type{
		"title": reflect.TypeFor[string](),
		"n":     reflect.TypeFor[*float64](),
		"flag":  reflect.TypeFor[*bool](),
		"at":    reflect.TypeFor[*time.Time](),
		"meta":  reflect.TypeFor[json.RawMessage](),
		"tags":  reflect.TypeFor[json.RawMessage](),
		"blob":  reflect.TypeFor[json.RawMessage](),
		"code":  reflect.TypeFor[string](),
	}
	for name, typ := range want {
		p := m.Property(name)
		if p == nil || p.GoType != typ {
			t.Errorf("property %s: %v, want Go type %v", name, p, typ)
		}
	}
	if m.Key != "code" || m.Property("id") != nil {
		t.Errorf("key %q (id injected: %v), want code and no id", m.Key, m.Property("id") != nil)
	}
	if got := m.Property("at").Default; got != time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) {
		t.Errorf("date default = %v", got)
	}
	if got := string(m.Property("meta").Default.(json.RawMessage)); got != `{"a":1}` {
		t.Errorf("object default = %s", got)
	}
	f, _ := m.Type.FieldByName("Title")
	if f.Tag.Get("json") != "title" {
		t.Errorf("Title's json tag = %q", f.Tag.Get("json"))
	}
}

func TestErrorsNameFileModelAndProperty(t *testing.T) {
	cust := `{"name": "Customer", "properties": {"name": "string"}}`
	for _, tc := range []struct {
		name string
		defs []string
		want string
	}{
		{"malformed JSON", []string{"a.json", `{"name": "A",`}, "lbmodel: a.json: malformed JSON"},
		{"no name", []string{"a.json", `{"properties": {}}`}, `lbmodel: a.json: no "name"`},
		{"unknown model key", []string{"a.json", `{"name": "A", "propertes": {}}`}, `lbmodel: a.json: model A: unknown key "propertes"`},
		{"unknown type", []string{"a.json", `{"name": "A", "properties": {"total": "numbr"}}`},
			`lbmodel: a.json: model A: property total: type "numbr" is not a LoopBack type`},
		{"unknown property key", []string{"a.json", `{"name": "A", "properties": {"x": {"type": "string", "requird": true}}}`},
			`lbmodel: a.json: model A: property x: unknown key "requird"`},
		{"unique at the top of a property", []string{"a.json", `{"name": "A", "properties": {"x": {"type": "string", "unique": true}}}`},
			`property x: unknown key "unique": write "index": {"unique": true}`},
		{"default of the wrong type", []string{"a.json", `{"name": "A", "properties": {"n": {"type": "number", "default": "ten"}}}`},
			`lbmodel: a.json: model A: property n: "default": want a number, got "ten"`},
		{"composite id", []string{"a.json", `{"name": "A", "properties": {"a": {"type": "string", "id": 1}, "b": {"type": "string", "id": 2}}}`},
			`model A: property b: composite ids ("id": 2) are not supported`},
		{"generated string id", []string{"a.json", `{"name": "A", "properties": {"a": {"type": "string", "id": true, "generated": true}}}`},
			`property a: a generated id must be a number`},
		{"bad property name", []string{"a.json", `{"name": "A", "properties": {"first name": "string"}}`},
			`property first name: a property name must be`},
		{"case twins", []string{"a.json", `{"name": "A", "properties": {"name": "string", "Name": "string"}}`},
			`property Name: differs from property name only in case`},
		{"duplicate model", []string{"a.json", `{"name": "A"}`, "b.json", `{"name": "A"}`},
			`lbmodel: b.json: model A: model already defined in a.json`},
		{"unsupported base", []string{"a.json", `{"name": "A", "base": "User"}`}, `base "User" is not supported`},
		{"unknown relation target", []string{"o.json", `{"name": "Order", "relations": {"customer": {"type": "belongsTo", "model": "Customr"}}}`},
			`lbmodel: o.json: model Order: relation customer: model "Customr" is not defined`},
		{"unknown relation type", []string{"o.json", `{"name": "Order", "relations": {"x": {"type": "hasFew", "model": "Order"}}}`},
			`relation x: unknown type "hasFew"`},
		{"embedsMany", []string{"o.json", `{"name": "Order", "relations": {"x": {"type": "embedsMany", "model": "Order"}}}`},
			`relation x: type "embedsMany" is not supported`},
		{"relation scope", []string{"o.json", `{"name": "Order", "relations": {"x": {"type": "hasMany", "model": "Order", "scope": {}}}}`},
			`relation x: "scope" is not supported`},
		{"foreign key type mismatch", []string{"c.json", cust, "o.json",
			`{"name": "Order", "properties": {"customerId": "string"}, "relations": {"customer": {"type": "belongsTo", "model": "Customer"}}}`},
			`lbmodel: o.json: model Order: property customerId: the foreign key of relation Order.customer has type string, but Customer.id has type number`},
		{"primaryKey not unique", []string{"c.json", cust, "o.json",
			`{"name": "Order", "relations": {"customer": {"type": "belongsTo", "model": "Customer", "primaryKey": "name"}}}`},
			`relation customer: the referenced key Customer.name must be the id or a unique property`},
		{"onDelete typo", []string{"c.json", cust, "o.json",
			`{"name": "Order", "relations": {"customer": {"type": "belongsTo", "model": "Customer", "onDelete": "cascde"}}}`},
			`relation customer: "onDelete" must be "restrict", "cascade" or "setNull", got "cascde"`},
		{"onDelete conflict", []string{"c.json", `{"name": "Customer", "relations": {"orders": {"type": "hasMany", "model": "Order", "onDelete": "cascade"}}}`,
			"o.json", `{"name": "Order", "relations": {"customer": {"type": "belongsTo", "model": "Customer", "onDelete": "restrict"}}}`},
			`onDelete restrict differs from cascade, set by relation Customer.orders on the same foreign key Order.customerId`},
		{"relation named like a property", []string{"c.json", cust, "o.json",
			`{"name": "Order", "properties": {"customer": "string"}, "relations": {"customer": {"type": "belongsTo", "model": "Customer"}}}`},
			`model Order: relation customer: named like a property of the model`},
		{"index of an unknown property", []string{"a.json", `{"name": "A", "indexes": {"ix": {"keys": {"nope": 1}}}}`},
			`lbmodel: a.json: model A: index ix: nope is not a property`},
		{"index of an object", []string{"a.json", `{"name": "A", "properties": {"o": {"type": "object", "index": true}}}`},
			`property o: property o has type object, which cannot be indexed`},
		{"plural clash", []string{"a.json", `{"name": "Ox", "plural": "Things"}`, "b.json", `{"name": "Thing"}`},
			`lbmodel: b.json: model Thing: REST path "Things" is also model Ox's`},
		{"polymorphic belongsTo with a model", []string{"c.json", cust, "p.json",
			`{"name": "Picture", "relations": {"imageable": {"type": "belongsTo", "model": "Customer", "polymorphic": true}}}`},
			`relation imageable: a polymorphic belongsTo names no "model"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := lbmodel.Compile(files(tc.defs...)...)
			if err == nil {
				t.Fatalf("Compile = nil, want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Compile = %q\nwant it to contain %q", err, tc.want)
			}
			if !errors.Is(err, lbmodel.ErrInvalid) {
				t.Errorf("errors.Is(%v, ErrInvalid) = false", err)
			}
			var le *lbmodel.Error
			if !errors.As(err, &le) || le.File == "" {
				t.Errorf("errors.As(*Error) = %+v, want one naming the file", le)
			}
		})
	}
}

func TestOpenNamesFileAndPropertyOfMemstoreRefusals(t *testing.T) {
	s := mustCompile(t, "c.json", `{"name": "Customer"}`, "o.json",
		`{"name": "Order", "properties": {"customerId": {"type": "number", "required": true}}, "relations": {"customer": {"type": "belongsTo", "model": "Customer", "onDelete": "setNull"}}}`)
	_, err := s.Open(memstore.Config{})
	const want = "lbmodel: o.json: model Order: property customerId: onDelete setNull needs a nullable (pointer) foreign key"
	if err == nil || err.Error() != want {
		t.Errorf("Open = %v\nwant %s", err, want)
	}
	if !errors.Is(err, lbmodel.ErrInvalid) || !errors.Is(err, memstore.ErrSchema) {
		t.Errorf("Open's error matches ErrInvalid %v, ErrSchema %v; want both", errors.Is(err, lbmodel.ErrInvalid), errors.Is(err, memstore.ErrSchema))
	}
}

func TestHasAndBelongsToManyMakesOneLinkModel(t *testing.T) {
	s := mustCompile(t,
		"assembly.json", `{"name": "Assembly", "relations": {"parts": {"type": "hasAndBelongsToMany", "model": "Part"}}}`,
		"part.json", `{"name": "Part", "relations": {"assemblies": {"type": "hasAndBelongsToMany", "model": "Assembly"}}}`)
	link := s.Model("AssemblyPart")
	if link == nil || !link.Synthesized || len(s.Models) != 3 {
		t.Fatalf("models %v: want a synthesised AssemblyPart", len(s.Models))
	}
	for _, name := range []string{"id", "assemblyId", "partId"} {
		if link.Property(name) == nil {
			t.Errorf("AssemblyPart lacks %s", name)
		}
	}
	r := s.Model("Part").Relation("assemblies")
	if r.Through != "AssemblyPart" || r.ForeignKey != "partId" || r.KeyThrough != "assemblyId" {
		t.Errorf("Part.assemblies = %+v", r)
	}
	st, err := s.Open(memstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// The pair is unique and both links cascade.
	ctx := context.Background()
	ins := func(m *lbmodel.Model, vals map[string]any) error {
		return st.Update(ctx, func(tx *memstore.Tx) error {
			row := reflect.New(m.Type)
			for k, v := range vals {
				row.Elem().FieldByIndex(m.Property(k).FieldIndex).Set(reflect.ValueOf(v))
			}
			return tx.Insert(row.Interface())
		})
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(ins(s.Model("Assembly"), map[string]any{"id": int64(1)}))
	must(ins(s.Model("Part"), map[string]any{"id": int64(1)}))
	must(ins(link, map[string]any{"assemblyId": int64(1), "partId": int64(1)}))
	if err := ins(link, map[string]any{"assemblyId": int64(1), "partId": int64(1)}); !errors.Is(err, memstore.ErrUnique) {
		t.Errorf("second identical link = %v, want ErrUnique", err)
	}
}

func TestPolymorphic(t *testing.T) {
	s := mustCompile(t,
		"picture.json", `{"name": "Picture", "properties": {"url": "string"}, "relations": {"imageable": {"type": "belongsTo", "polymorphic": true}}}`,
		"employee.json", `{"name": "Employee", "relations": {"pictures": {"type": "hasMany", "model": "Picture", "polymorphic": "imageable"}}}`,
		"product.json", `{"name": "Product", "relations": {"pictures": {"type": "hasMany", "model": "Picture", "polymorphic": "imageable"}}}`)
	r := s.Model("Picture").Relation("imageable")
	if r.Model != "" || r.ForeignKey != "imageableId" || r.Polymorphic == nil || r.Polymorphic.Discriminator != "imageableType" {
		t.Fatalf("Picture.imageable = %+v", r)
	}
	if diff := cmp.Diff([]string{"Employee", "Product"}, r.Polymorphic.Models); diff != "" {
		t.Errorf("Models (-want +got):\n%s", diff)
	}
	pic := s.Model("Picture")
	if pic.Property("imageableId").GoType != reflect.TypeFor[*int64]() || pic.Property("imageableType").GoType != reflect.TypeFor[*string]() {
		t.Errorf("types %v, %v", pic.Property("imageableId").GoType, pic.Property("imageableType").GoType)
	}
	st, err := s.Open(memstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
}

func TestPlural(t *testing.T) {
	for in, want := range map[string]string{
		"Customer": "Customers", "Category": "Categories", "Address": "Addresses", "Box": "Boxes",
		"Person": "People", "SalesPerson": "SalesPeople", "Sheep": "Sheep", "Day": "Days",
		"Status": "Statuses", "Bus": "Buses", "Wolf": "Wolves", "Knife": "Knives", "Index": "Indices",
		"Match": "Matches", "Datum": "Data", "Analysis": "Analyses", "Quiz": "Quizzes",
	} {
		if got := lbmodel.Plural(in); got != want {
			t.Errorf("Plural(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestConvertValue(t *testing.T) {
	s := mustCompile(t, "a.json", `{"name": "A", "properties": {"n": "number", "d": "date", "o": "object", "l": "array"}, "relations": {"self": {"type": "belongsTo", "model": "A"}}}`)
	m := s.Model("A")
	for _, tc := range []struct {
		prop string
		in   any
		want any
		err  string
	}{
		{"n", json.Number("1.5"), 1.5, ""},
		{"n", "1.5", nil, "want a number"},
		{"selfId", json.Number("3"), int64(3), ""},
		{"selfId", json.Number("3.5"), nil, "want an integer"},
		{"d", "2026-01-01T00:00:00Z", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ""},
		{"d", json.Number("12"), nil, "want a time"},
		{"o", map[string]any{"a": "b"}, json.RawMessage(`{"a":"b"}`), ""},
		{"o", []any{}, nil, "want an object, got an array"},
		{"l", []any{json.Number("1")}, json.RawMessage(`[1]`), ""},
		{"n", nil, nil, ""},
	} {
		got, err := lbmodel.ConvertValue(m.Property(tc.prop), tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ConvertValue(%s, %v) = %v, %v; want error %q", tc.prop, tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ConvertValue(%s, %v) = %#v, %v; want %#v", tc.prop, tc.in, got, err, tc.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	type Customer struct {
		ID    int64  `json:"id" relstore:"pk,auto"`
		Email string `json:"email" relstore:"unique"`
		Note  string `json:"-"`
		Age   *int
	}
	type Order struct {
		ID         int64  `json:"id"`
		CustomerID *int64 `json:"customerId" relstore:"belongsTo=Customer"`
		Status     string `json:"status,omitempty" relstore:"index"`
	}
	st, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Customer](), memstore.ModelOf[Order]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := lbmodel.Describe(st)
	c := s.Model("Customer")
	var props []string
	for _, p := range c.Properties {
		props = append(props, p.Name+":"+string(p.Type))
	}
	if diff := cmp.Diff([]string{"id:number", "email:string", "Age:number"}, props); diff != "" {
		t.Errorf("Customer properties (-want +got):\n%s", diff)
	}
	if c.Key != "id" || !c.KeyProperty().Generated || !c.Property("email").Unique || c.Path != "Customers" {
		t.Errorf("Customer = key %q, %+v", c.Key, c)
	}
	r := s.Model("Order").Relation("customer")
	if r == nil || r.ForeignKey != "customerId" || r.PrimaryKey != "id" || r.Model != "Customer" {
		t.Errorf("Order.customer = %+v", r)
	}
	if !s.Model("Order").Property("status").Indexed {
		t.Errorf("Order.status not flagged as indexed")
	}
}

// TestPolymorphicOneSided: a polymorphic belongsTo that no model names
// back may reference any model whose id has its type (as in LoopBack),
// and a polymorphic hasMany whose model declares no belongsTo reads
// through one made for it; memstore enforces both.
func TestPolymorphicOneSided(t *testing.T) {
	for _, c := range []struct {
		name  string
		defs  []string
		model string // the model holding imageableId and imageableType
	}{
		{"belongsTo alone", []string{
			"picture.json", `{"name": "Picture", "properties": {"url": "string"}, "relations": {"imageable": {"type": "belongsTo", "polymorphic": true, "onDelete": "cascade"}}}`,
			"employee.json", `{"name": "Employee", "properties": {"name": "string"}}`,
			"code.json", `{"name": "Code", "properties": {"code": {"type": "string", "id": true}}}`}, "Picture"},
		{"hasMany alone", []string{
			"photo.json", `{"name": "Photo", "properties": {"url": "string"}}`,
			"employee.json", `{"name": "Employee", "properties": {"name": "string"}, "relations": {"photos": {"type": "hasMany", "model": "Photo", "polymorphic": "imageable"}}}`}, "Photo"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := mustCompile(t, c.defs...)
			st, err := s.Open(memstore.Config{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ctx := context.Background()
			ins := func(m *lbmodel.Model, vals map[string]any) error {
				return st.Update(ctx, func(tx *memstore.Tx) error {
					row := reflect.New(m.Type)
					for k, v := range vals {
						f := row.Elem().FieldByIndex(m.Property(k).FieldIndex)
						p := reflect.New(f.Type().Elem())
						p.Elem().Set(reflect.ValueOf(v))
						f.Set(p)
					}
					return tx.Insert(row.Interface())
				})
			}
			if err := ins(s.Model("Employee"), map[string]any{"name": "Eve"}); err != nil {
				t.Fatal(err)
			}
			pic := s.Model(c.model)
			if err := ins(pic, map[string]any{"imageableType": "Employee", "imageableId": int64(1)}); err != nil {
				t.Errorf("a picture of employee 1: %v", err)
			}
			for _, bad := range []map[string]any{
				{"imageableType": "Employee", "imageableId": int64(2)},
				{"imageableType": "Code", "imageableId": int64(1)},
			} {
				if err := ins(pic, bad); !errors.Is(err, memstore.ErrForeignKey) {
					t.Errorf("a picture of %v: %v, want ErrForeignKey", bad, err)
				}
			}
		})
	}
}
