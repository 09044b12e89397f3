package memstore_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/relstore/relstore/memstore"
)

// The models of the schema refusals of issue 15. Each is refused with a
// *SchemaError naming its model and field.
type (
	rfCustomer struct {
		ID   int64
		Name string
	}
	rfOrder struct {
		ID           int64
		RfCustomerID int64 `relstore:"belongsTo=rfCustomer"`
	}
	// A navigational field of every shape.
	rfNavSlice struct {
		ID     int64
		Orders []rfOrder
	}
	rfNavPtr struct {
		ID    int64
		Order *rfOrder
	}
	rfNavMap struct {
		ID     int64
		Orders map[string][]*rfOrder
	}
	rfNavArray struct {
		ID     int64
		Orders [2]rfOrder
	}
	rfNavValue struct {
		ID    int64
		Order rfOrder
	}
	rfNavIgnored struct {
		ID     int64
		Orders []rfOrder `relstore:"-"`
	}
	// A relation named like a field (any case) or a method.
	rfLikeField struct {
		ID         int64
		Customer   string
		CustomerID int64 `relstore:"belongsTo=rfCustomer,as=customer"`
	}
	rfLikeJSON struct {
		ID         int64
		Buyer      string `json:"owner"`
		CustomerID int64  `relstore:"belongsTo=rfCustomer,as=owner"`
	}
	rfLikeMethod struct {
		ID         int64
		CustomerID int64 `relstore:"belongsTo=rfCustomer,as=customer"`
	}
	// A relation that is its own foreign key field.
	rfLikeFK struct {
		ID     int64
		Region *string `relstore:"belongsTo=rfRegion,as=region"`
	}
	rfRegion struct {
		Code string `relstore:"pk"`
	}
	// A target with no key field.
	rfKeyless struct {
		Label string
	}
	rfToKeyless struct {
		ID        int64
		KeylessID int64 `relstore:"belongsTo=rfKeyless"`
	}
	rfShadowToKeyless struct {
		ID int64
	}
	rfMisspelt struct {
		ID         int64
		CustomerID int64
	}
)

func (rfLikeMethod) Customer() string { return "" }

func TestSchemaRefusals(t *testing.T) {
	tests := []struct {
		name   string
		models []memstore.Model
		model  string // the model the error names
		field  string // the field it names
		reason string // a part of the reason
	}{
		{"a slice of a model", []memstore.Model{memstore.ModelOf[rfOrder](), memstore.ModelOf[rfCustomer](), memstore.ModelOf[rfNavSlice]()},
			"rfNavSlice", "Orders", "include"},
		{"a pointer to a model", []memstore.Model{memstore.ModelOf[rfOrder](), memstore.ModelOf[rfCustomer](), memstore.ModelOf[rfNavPtr]()},
			"rfNavPtr", "Order", "relstore:\"-\""},
		{"a map of slices of pointers to a model", []memstore.Model{memstore.ModelOf[rfOrder](), memstore.ModelOf[rfCustomer](), memstore.ModelOf[rfNavMap]()},
			"rfNavMap", "Orders", "rfOrder rows"},
		{"an array of a model", []memstore.Model{memstore.ModelOf[rfOrder](), memstore.ModelOf[rfCustomer](), memstore.ModelOf[rfNavArray]()},
			"rfNavArray", "Orders", "rfOrder rows"},
		{"a model by value", []memstore.Model{memstore.ModelOf[rfOrder](), memstore.ModelOf[rfCustomer](), memstore.ModelOf[rfNavValue]()},
			"rfNavValue", "Order", "rfOrder rows"},
		{"a relation named like a field", []memstore.Model{memstore.ModelOf[rfCustomer](), memstore.ModelOf[rfLikeField]()},
			"rfLikeField", "Customer", `relation "customer" is named like the field Customer`},
		{"a relation named like a field's JSON name", []memstore.Model{memstore.ModelOf[rfCustomer](), memstore.ModelOf[rfLikeJSON]()},
			"rfLikeJSON", "Buyer", `relation "owner" is named like the field Buyer`},
		{"a relation named like a method", []memstore.Model{memstore.ModelOf[rfCustomer](), memstore.ModelOf[rfLikeMethod]()},
			"rfLikeMethod", "customer", "method Customer"},
		{"a relation named like its own foreign key", []memstore.Model{memstore.ModelOf[rfRegion](), memstore.ModelOf[rfLikeFK]()},
			"rfLikeFK", "Region", "named like the field Region"},
		{"a belongsTo to a model without a key field", []memstore.Model{memstore.ModelOf[rfKeyless](), memstore.ModelOf[rfToKeyless]()},
			"rfToKeyless", "KeylessID", "rfKeyless has no key field"},
		{"a shadow belongsTo to a model without a key field", []memstore.Model{memstore.ModelOf[rfKeyless](), func() memstore.Model {
			m := memstore.ModelOf[rfShadowToKeyless]()
			m.Relations = []memstore.Relation{{Target: "rfKeyless"}}
			return m
		}()}, "rfShadowToKeyless", "rfKeylessID", "rfKeyless"},
		{"a code-declared foreign key that names no field", []memstore.Model{memstore.ModelOf[rfCustomer](), func() memstore.Model {
			m := memstore.ModelOf[rfMisspelt]()
			m.Relations = []memstore.Relation{{Target: "rfCustomer", FK: "CustmerID"}}
			return m
		}()}, "rfMisspelt", "CustmerID", "has no field CustmerID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := memstore.New(memstore.Config{Models: tt.models})
			if err == nil {
				s.Close()
				t.Fatalf("New = nil, want a *SchemaError of %s.%s", tt.model, tt.field)
			}
			var se *memstore.SchemaError
			if !errors.As(err, &se) || !errors.Is(err, memstore.ErrSchema) {
				t.Fatalf("New = %v, want a *SchemaError", err)
			}
			if se.Model != tt.model || se.Field != tt.field || !strings.Contains(se.Reason, tt.reason) {
				t.Errorf("New = %v (model %q, field %q), want model %s, field %s, a reason with %q", err, se.Model, se.Field, tt.model, tt.field, tt.reason)
			}
		})
	}
}

// TestSchemaAcceptsWhatItNeedNotRefuse: the refusals above leave alone a
// navigational field tagged "-", a field named like a relation in another
// model, and a foreign key typed memstore.RowID onto a keyless model.
func TestSchemaAcceptsWhatItNeedNotRefuse(t *testing.T) {
	type rowRef struct {
		ID        int64
		RfKeyless *memstore.RowID `relstore:"belongsTo=rfKeyless,as=label"`
	}
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[rfOrder](), memstore.ModelOf[rfCustomer](), memstore.ModelOf[rfNavIgnored](),
		memstore.ModelOf[rfKeyless](), memstore.ModelOf[rowRef](),
	}})
	if err != nil {
		t.Fatalf("New = %v, want nil", err)
	}
	s.Close()
}
