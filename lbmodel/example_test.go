package lbmodel_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/relstore/relstore/examples/shop"
	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
)

func ExampleCompile() {
	schema, err := lbmodel.Compile(
		lbmodel.File{Name: "customer.json", Data: []byte(`{
			"name": "Customer",
			"properties": {"email": {"type": "string", "required": true, "index": {"unique": true}}},
			"relations": {"orders": {"type": "hasMany", "model": "Order"}}
		}`)},
		lbmodel.File{Name: "order.json", Data: []byte(`{
			"name": "Order",
			"properties": {"total": "number"},
			"relations": {"customer": {"type": "belongsTo", "model": "Customer", "onDelete": "cascade"}}
		}`)},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	order := schema.Model("Order")
	fmt.Println(order.Path, order.Type)
	r := schema.Model("Customer").Relation("orders")
	fmt.Println(r.Kind, r.Model, r.ForeignKey, r.OnDelete)
	// Output:
	// Orders struct { Id int64 "json:\"id\" lbmodel:\"Order\""; Total *float64 "json:\"total,omitempty\""; CustomerId *int64 "json:\"customerId,omitempty\"" }
	// hasMany Order customerId cascade
}

func ExampleSchema_Open() {
	schema, err := lbmodel.Compile(
		lbmodel.File{Name: "customer.json", Data: []byte(`{"name": "Customer", "properties": {"name": "string"}}`)},
		lbmodel.File{Name: "order.json", Data: []byte(`{"name": "Order",
			"relations": {"customer": {"type": "belongsTo", "model": "Customer"}}}`)},
	)
	if err != nil {
		panic(err)
	}
	store, err := schema.Open(memstore.Config{})
	if err != nil {
		panic(err)
	}
	defer store.Close()

	// Rows are values of the model's struct type; a dangling foreign key
	// is refused as for any Go model.
	order := schema.Model("Order")
	row := reflect.New(order.Type)
	fk := int64(7)
	row.Elem().FieldByIndex(order.Property("customerId").FieldIndex).Set(reflect.ValueOf(&fk))
	err = store.Update(context.Background(), func(tx *memstore.Tx) error { return tx.Insert(row.Interface()) })
	fmt.Println(errors.Is(err, memstore.ErrForeignKey))
	fmt.Println(err)
	// Output:
	// true
	// memstore: insert Order: CustomerId 7 references no Customer
}

func ExampleError() {
	_, err := lbmodel.Compile(lbmodel.File{Name: "order.json", Data: []byte(`{
		"name": "Order",
		"properties": {"total": {"type": "numbr"}}
	}`)})
	var e *lbmodel.Error
	if errors.As(err, &e) {
		fmt.Println(e.File, e.Model, e.Property)
	}
	fmt.Println(err)
	// Output:
	// order.json Order total
	// lbmodel: order.json: model Order: property total: type "numbr" is not a LoopBack type (want string, number, boolean, date, object, array or any)
}

func ExampleDescribe() {
	type Customer struct {
		ID   int64  `json:"id" relstore:"pk,auto"`
		Name string `json:"name"`
	}
	store, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Customer]()}})
	if err != nil {
		panic(err)
	}
	defer store.Close()
	m := lbmodel.Describe(store).Model("Customer")
	for _, p := range m.Properties {
		fmt.Println(p.Name, p.Type, p.Field, p.ID)
	}
	// Output:
	// id number ID true
	// name string Name false
}

func ExamplePlural() {
	fmt.Println(lbmodel.Plural("Category"), lbmodel.Plural("Address"), lbmodel.Plural("Person"))
	// Output:
	// Categories Addresses People
}

func ExampleLoad() {
	schema, err := lbmodel.Load(shop.Models()) // or os.DirFS("common/models")
	if err != nil {
		panic(err)
	}
	for _, m := range schema.Models {
		fmt.Print(m.Name, " ")
	}
	fmt.Println()
	// Output:
	// Address Category Customer Item Order ProductTag Product Tag
}
