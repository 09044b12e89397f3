package lbmodel_test

import (
	"encoding/json"
	"fmt"
	"log"

	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
)

// compileLibrary compiles two LoopBack models: authors (id generated) and
// their books.
func compileLibrary() *lbmodel.Schema {
	schema, err := lbmodel.Compile(
		lbmodel.File{Name: "author.json", Data: []byte(`{
			"name": "Author",
			"properties": {"name": {"type": "string", "required": true}, "born": "date"},
			"relations": {"books": {"type": "hasMany", "model": "Book"}}
		}`)},
		lbmodel.File{Name: "book.json", Data: []byte(`{
			"name": "Book",
			"properties": {"isbn": {"type": "string", "id": true}, "pages": "number"},
			"relations": {"author": {"type": "belongsTo", "model": "Author"}}
		}`)},
	)
	if err != nil {
		log.Fatal(err)
	}
	return schema
}

// Model finds a model by its LoopBack name.
func ExampleSchema_Model() {
	schema := compileLibrary()
	fmt.Println(schema.Model("Book").Name, schema.Model("book") == nil)
	// Output:
	// Book true
}

// MemstoreModels are the models to open a memstore.Store with (Schema.Open
// does it for you).
func ExampleSchema_MemstoreModels() {
	schema := compileLibrary()
	s, err := memstore.New(memstore.Config{Models: schema.MemstoreModels()})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	for _, m := range s.Models() {
		fmt.Println(m.Name, m.Key, m.AutoKey)
	}
	// Output:
	// Author Id true
	// Book Isbn false
}

// KeyProperty is the primary key: "id" by default, or the property marked
// "id": true.
func ExampleModel_KeyProperty() {
	schema := compileLibrary()
	fmt.Println(schema.Model("Author").KeyProperty().Name, schema.Model("Book").KeyProperty().Name)
	// Output:
	// id isbn
}

// Property finds a property by its LoopBack name; Nullable tells whether it
// may be absent.
func ExampleModel_Property() {
	schema := compileLibrary()
	author := schema.Model("Author")
	for _, name := range []string{"name", "born", "email"} {
		if p := author.Property(name); p != nil {
			fmt.Println(p.Name, p.Type, p.Field, p.Nullable())
		} else {
			fmt.Println(name, "is not a property")
		}
	}
	// Output:
	// name string Name false
	// born date Born true
	// email is not a property
}

// PropertyOfField maps a Go field, as memstore's errors name it, back to
// the LoopBack property.
func ExampleModel_PropertyOfField() {
	schema := compileLibrary()
	p := schema.Model("Book").PropertyOfField("AuthorId")
	fmt.Println(p.Name)
	// Output:
	// authorId
}

// Relation finds a relation by name.
func ExampleModel_Relation() {
	schema := compileLibrary()
	r := schema.Model("Book").Relation("author")
	fmt.Println(r.Kind, r.Model, r.ForeignKey)
	fmt.Println(schema.Model("Book").Relation("writer") == nil)
	// Output:
	// belongsTo Author authorId
	// true
}

// Nullable reports whether a property may be absent from a row.
func ExampleProperty_Nullable() {
	schema := compileLibrary()
	book := schema.Model("Book")
	fmt.Println(book.Property("isbn").Nullable(), book.Property("pages").Nullable())
	// Output:
	// false true
}

// ConvertValue converts a JSON value to what a property's field holds, by
// filter.Coerce's rules.
func ExampleConvertValue() {
	schema := compileLibrary()
	author := schema.Model("Author")
	v, err := lbmodel.ConvertValue(author.Property("id"), json.Number("7"))
	fmt.Printf("%T %v %v\n", v, v, err)
	v, err = lbmodel.ConvertValue(author.Property("born"), "1812-02-07T00:00:00Z")
	fmt.Printf("%T %v %v\n", v, v, err)
	_, err = lbmodel.ConvertValue(author.Property("id"), json.Number("7.5"))
	fmt.Println(err)
	// Output:
	// int64 7 <nil>
	// time.Time 1812-02-07 00:00:00 +0000 UTC <nil>
	// want an integer, got 7.5
}
