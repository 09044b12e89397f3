package memstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/relstore/relstore/memstore"
)

// Models that New must refuse. Each is named for what is wrong with it.
type (
	CustomerKey int64

	fkUnknownTarget struct {
		ID     int64
		CustID int64 `relstore:"belongsTo=Customr"`
	}
	fkWrongWidth struct {
		ID         int64
		CustomerID int32 `relstore:"belongsTo=Customer"`
	}
	fkNamedType struct {
		ID         int64
		CustomerID CustomerKey `relstore:"belongsTo=Customer"`
	}
	fkPointerWrongType struct {
		ID         int64
		CustomerID *int32 `relstore:"belongsTo=Customer"`
	}
	fkKeyToNotUnique struct {
		ID   int64
		Name string `relstore:"belongsTo=Customer,keyTo=Name"`
	}
	fkKeyToMissing struct {
		ID   int64
		Mail string `relstore:"belongsTo=Customer,keyTo=Mail"`
	}
	fkSetNullNotNullable struct {
		ID         int64
		CustomerID int64 `relstore:"belongsTo=Customer,onDelete=setNull"`
	}
	fkUnknownAction struct {
		ID         int64
		CustomerID int64 `relstore:"belongsTo=Customer,onDelete=noAction"`
	}
	fkDuplicateAs struct {
		ID      int64
		BuyerID int64 `relstore:"belongsTo=Customer,as=owner"`
		PayerID int64 `relstore:"belongsTo=Customer,as=owner"`
	}
	fkTagAndCode struct {
		ID         int64
		CustomerID int64 `relstore:"belongsTo=Customer"`
		PayerID    int64
	}
	fkFloat struct {
		ID         int64
		CustomerID float64 `relstore:"belongsTo=Customer"`
	}
	fkEmptyTarget struct {
		ID         int64
		CustomerID int64 `relstore:"belongsTo="`
	}
	fkTwice struct {
		ID         int64
		CustomerID int64 `relstore:"belongsTo=Customer"`
	}

	pkFloat struct {
		ID float64
	}
	pkBytes struct {
		ID []byte
	}
	pkMap struct {
		ID map[string]int
	}
	pkStruct struct {
		ID struct{ A int }
	}
	pkBool struct {
		ID bool
	}
	pkPointer struct {
		ID *int64
	}
	pkTwoTags struct {
		A int64 `relstore:"pk"`
		B int64 `relstore:"pk"`
	}
	pkAutoString struct {
		ID string `relstore:"pk,auto"`
	}
	pkAutoUUID struct {
		ID [16]byte `relstore:"pk,auto"`
	}
	pkAutoWithoutPK struct {
		ID int64 `relstore:"auto"`
	}
	pkWithValue struct {
		ID int64 `relstore:"pk=yes"`
	}

	// A unique field may have any indexable kind (a float, a bool, a time:
	// see TestUniqueFieldsOfEveryKind), but not a complex one.
	uniqueComplex struct {
		ID    int64
		Score complex128 `relstore:"unique"`
	}

	tagUnknown struct {
		ID int64 `relstore:"primary"`
	}
	tagAsAlone struct {
		ID      int64
		OwnerID int64 `relstore:"as=owner"`
	}
	tagKeyToAlone struct {
		ID      int64
		OwnerID int64 `relstore:"keyTo=ID"`
	}
	tagAsEmpty struct {
		ID         int64
		CustomerID int64 `relstore:"belongsTo=Customer,as="`
	}
)

func TestNewSchemaErrors(t *testing.T) {
	custom := func(m memstore.Model, edit func(*memstore.Model)) memstore.Model {
		edit(&m)
		return m
	}
	renamed := memstore.ModelOf[Customer]()
	renamed.Name = "Client"
	tests := []struct {
		name      string
		models    []memstore.Model
		wantModel string
		wantField string
	}{
		{"no models", nil, "Config", ""},
		{"unknown target", []memstore.Model{memstore.ModelOf[fkUnknownTarget]()}, "fkUnknownTarget", "CustID"},
		{"foreign key narrower than the target key", []memstore.Model{memstore.ModelOf[Customer](), memstore.ModelOf[fkWrongWidth]()}, "fkWrongWidth", "CustomerID"},
		{"foreign key of a named type over the unnamed key type", []memstore.Model{memstore.ModelOf[Customer](), memstore.ModelOf[fkNamedType]()}, "fkNamedType", "CustomerID"},
		{"pointer foreign key to the wrong type", []memstore.Model{memstore.ModelOf[Customer](), memstore.ModelOf[fkPointerWrongType]()}, "fkPointerWrongType", "CustomerID"},
		{"keyTo not unique", []memstore.Model{memstore.ModelOf[Customer](), memstore.ModelOf[fkKeyToNotUnique]()}, "fkKeyToNotUnique", "Name"},
		{"keyTo not found", []memstore.Model{memstore.ModelOf[Customer](), memstore.ModelOf[fkKeyToMissing]()}, "fkKeyToMissing", "Mail"},
		{"setNull on a non-nullable foreign key", []memstore.Model{memstore.ModelOf[Customer](), memstore.ModelOf[fkSetNullNotNullable]()}, "fkSetNullNotNullable", "CustomerID"},
		{"unknown onDelete action", []memstore.Model{memstore.ModelOf[Customer](), memstore.ModelOf[fkUnknownAction]()}, "fkUnknownAction", "CustomerID"},
		{"two tags with the same relation name", []memstore.Model{memstore.ModelOf[Customer](), memstore.ModelOf[fkDuplicateAs]()}, "fkDuplicateAs", "PayerID"},
		{"a tag and a code relation with the same name", []memstore.Model{
			memstore.ModelOf[Customer](),
			custom(memstore.ModelOf[fkTagAndCode](), func(m *memstore.Model) {
				m.Relations = []memstore.Relation{{Target: "Customer", FK: "PayerID"}}
			}),
		}, "fkTagAndCode", "PayerID"},
		{"a field that is the foreign key of two relations", []memstore.Model{
			memstore.ModelOf[Customer](),
			custom(memstore.ModelOf[fkTwice](), func(m *memstore.Model) {
				m.Relations = []memstore.Relation{{Name: "buyer", Target: "Customer", FK: "CustomerID"}}
			}),
		}, "fkTwice", "CustomerID"},
		{"primary key as a foreign key", []memstore.Model{
			memstore.ModelOf[Customer](),
			custom(memstore.ModelOf[fkTwice](), func(m *memstore.Model) {
				m.Relations = []memstore.Relation{{Name: "self", Target: "Customer", FK: "ID"}}
			}),
		}, "fkTwice", "ID"},
		{"code relation without a target", []memstore.Model{
			memstore.ModelOf[Customer](),
			custom(memstore.ModelOf[fkTwice](), func(m *memstore.Model) {
				m.Relations = []memstore.Relation{{Name: "x", FK: "ID"}}
			}),
		}, "fkTwice", "ID"},
		{"code relation with an invalid action", []memstore.Model{
			memstore.ModelOf[Customer](),
			custom(memstore.ModelOf[fkTagAndCode](), func(m *memstore.Model) {
				m.Relations = []memstore.Relation{{Name: "payer", Target: "Customer", FK: "PayerID", OnDelete: memstore.SetNull + 1}}
			}),
		}, "fkTagAndCode", "PayerID"},
		{"float foreign key", []memstore.Model{memstore.ModelOf[Customer](), memstore.ModelOf[fkFloat]()}, "fkFloat", "CustomerID"},
		{"belongsTo without a target", []memstore.Model{memstore.ModelOf[fkEmptyTarget]()}, "fkEmptyTarget", "CustomerID"},
		{"float primary key", []memstore.Model{memstore.ModelOf[pkFloat]()}, "pkFloat", "ID"},
		{"byte slice primary key", []memstore.Model{memstore.ModelOf[pkBytes]()}, "pkBytes", "ID"},
		{"map primary key", []memstore.Model{memstore.ModelOf[pkMap]()}, "pkMap", "ID"},
		{"struct primary key", []memstore.Model{memstore.ModelOf[pkStruct]()}, "pkStruct", "ID"},
		{"bool primary key", []memstore.Model{memstore.ModelOf[pkBool]()}, "pkBool", "ID"},
		{"pointer primary key", []memstore.Model{memstore.ModelOf[pkPointer]()}, "pkPointer", "ID"},
		{"two pk tags", []memstore.Model{memstore.ModelOf[pkTwoTags]()}, "pkTwoTags", "B"},
		{"auto on a string key", []memstore.Model{memstore.ModelOf[pkAutoString]()}, "pkAutoString", "ID"},
		{"auto on a uuid key", []memstore.Model{memstore.ModelOf[pkAutoUUID]()}, "pkAutoUUID", "ID"},
		{"auto without pk", []memstore.Model{memstore.ModelOf[pkAutoWithoutPK]()}, "pkAutoWithoutPK", "ID"},
		{"pk with a value", []memstore.Model{memstore.ModelOf[pkWithValue]()}, "pkWithValue", "ID"},
		{"code key not found", []memstore.Model{
			custom(memstore.ModelOf[Invoice](), func(m *memstore.Model) { m.Key = "Nope" }),
		}, "Invoice", "Nope"},
		{"code key conflicting with a pk tag", []memstore.Model{
			custom(memstore.ModelOf[pkAutoString](), func(m *memstore.Model) { m.Key = "Other" }),
		}, "pkAutoString", "ID"},
		{"code auto key on a string key", []memstore.Model{
			custom(memstore.ModelOf[Category](), func(m *memstore.Model) { m.AutoKey = true }),
		}, "Category", "ID"},
		{"complex unique field", []memstore.Model{memstore.ModelOf[uniqueComplex]()}, "uniqueComplex", "Score"},
		{"code unique field not found", []memstore.Model{
			custom(memstore.ModelOf[Customer](), func(m *memstore.Model) { m.Unique = []string{"Phone"} }),
		}, "Customer", "Phone"},
		{"code unique field of a slice type", []memstore.Model{
			custom(memstore.ModelOf[Category](), func(m *memstore.Model) { m.Unique = []string{"Tags"} }),
		}, "Category", "Tags"},
		{"unknown tag option", []memstore.Model{memstore.ModelOf[tagUnknown]()}, "tagUnknown", "ID"},
		{"as without belongsTo", []memstore.Model{memstore.ModelOf[tagAsAlone]()}, "tagAsAlone", "OwnerID"},
		{"keyTo without belongsTo", []memstore.Model{memstore.ModelOf[tagKeyToAlone]()}, "tagKeyToAlone", "OwnerID"},
		{"as without a name", []memstore.Model{memstore.ModelOf[Customer](), memstore.ModelOf[tagAsEmpty]()}, "tagAsEmpty", "CustomerID"},
		{"pointer model", []memstore.Model{memstore.ModelOf[*Customer]()}, "*memstore_test.Customer", ""},
		{"int model", []memstore.Model{memstore.ModelOf[int]()}, "int", ""},
		{"model not made by ModelOf", []memstore.Model{{Name: "Handmade", Key: "ID"}}, "Handmade", ""},
		{"duplicate model", []memstore.Model{memstore.ModelOf[Customer](), memstore.ModelOf[Customer]()}, "Customer", ""},
		{"one type under two names", []memstore.Model{memstore.ModelOf[Customer](), renamed}, "Client", ""},
		{"two types under one name", []memstore.Model{
			memstore.ModelOf[Customer](),
			custom(memstore.ModelOf[Order](), func(m *memstore.Model) { m.Name = "Customer" }),
		}, "Customer", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := memstore.New(memstore.Config{Models: tt.models})
			if err == nil {
				s.Close()
				t.Fatalf("New() = nil error, want ErrSchema")
			}
			if s != nil {
				t.Errorf("New() returned a store with error %v", err)
			}
			if !errors.Is(err, memstore.ErrSchema) {
				t.Errorf("New() = %v, want ErrSchema", err)
			}
			var se *memstore.SchemaError
			if !errors.As(err, &se) {
				t.Fatalf("New() = %T %v, want *SchemaError", err, err)
			}
			if se.Model != tt.wantModel || se.Field != tt.wantField {
				t.Errorf("New() = %v: Model, Field = %q, %q, want %q, %q", err, se.Model, se.Field, tt.wantModel, tt.wantField)
			}
			if se.Reason == "" {
				t.Errorf("New() = %v: empty Reason", err)
			}
		})
	}
}

func TestSchemaErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *memstore.SchemaError
		want string
	}{
		{"with a field", &memstore.SchemaError{Model: "Order", Field: "CustomerID", Reason: "references unknown model Customr"},
			"memstore: schema: Order.CustomerID: references unknown model Customr"},
		{"whole model", &memstore.SchemaError{Model: "Config", Reason: "no models"}, "memstore: schema: Config: no models"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

// Models for the defaults.
type (
	OrderItem struct{ ID int64 }
	URLPath   struct{ ID string }
	// Link's relations take their default names from the targets.
	Link struct {
		ID          int64
		CustomerID  int64  `relstore:"belongsTo=Customer"`
		OrderItemID int64  `relstore:"belongsTo=OrderItem"`
		PathID      string `relstore:"belongsTo=URLPath"`
	}
	// Invoice declares its relation in code; the FK field is the default.
	Invoice struct {
		ID         int64
		CustomerID int64
	}
	// Note declares a relation in code but has no field for it: the FK is a
	// shadow column.
	Note struct {
		ID   int64
		Text string
	}
	// LogLine has no key field: the store assigns RowIDs.
	LogLine struct {
		Msg string
	}
	// Account's schema is declared in code only.
	Account struct {
		Code  int32
		Email string
		Name  string
	}
)

func newDefaultsStore(t testing.TB) *memstore.Store {
	t.Helper()
	invoice := memstore.ModelOf[Invoice]()
	invoice.Relations = []memstore.Relation{{Target: "Customer"}}
	note := memstore.ModelOf[Note]()
	note.Relations = []memstore.Relation{{Target: "Customer", OnDelete: memstore.SetNull, Shadow: true}}
	account := memstore.ModelOf[Account]()
	account.Key, account.AutoKey, account.Unique = "Code", true, []string{"Email"}
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[Customer](), memstore.ModelOf[OrderItem](), memstore.ModelOf[URLPath](),
		memstore.ModelOf[Link](), invoice, note, memstore.ModelOf[LogLine](), account,
	}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestDefaultRelationNames(t *testing.T) {
	s := newDefaultsStore(t)
	links := mustTable[Link, int64](t, s)
	tests := []struct {
		name     string
		relation string
		value    any
		wantErr  error
	}{
		{"Customer is customer", "customer", int64(1), nil},
		{"OrderItem is orderItem", "orderItem", int64(1), nil},
		{"URLPath is urlPath", "urlPath", "p", nil},
		{"not the type name", "Customer", int64(1), memstore.ErrInvalid},
		{"not every capital lowered", "urlpath", "p", memstore.ErrInvalid},
		{"not only the first capital lowered", "uRLPath", "p", memstore.ErrInvalid},
		{"not the field name", "pathID", "p", memstore.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.View(context.Background(), func(tx *memstore.Tx) error {
				_, err := links.ByFK(tx, tt.relation, tt.value)
				return err
			})
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("ByFK(%q) = %v, want %v", tt.relation, err, tt.wantErr)
			}
		})
	}
}

func TestDefaultForeignKeyField(t *testing.T) {
	s := newDefaultsStore(t)
	customers := mustTable[Customer, int64](t, s)
	invoices := mustTable[Invoice, int64](t, s)
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		_, err := invoices.Insert(tx, Invoice{ID: 1, CustomerID: 9})
		return err
	})
	var fk *memstore.ForeignKeyError
	if !errors.As(err, &fk) {
		t.Fatalf("Insert(Invoice with dangling CustomerID) = %v, want *ForeignKeyError", err)
	}
	want := memstore.ForeignKeyError{Op: "insert", Model: "Invoice", Key: int64(1), Relation: "customer",
		Field: "CustomerID", Value: int64(9), Target: "Customer"}
	if diff := cmp.Diff(want, *fk); diff != "" {
		t.Errorf("ForeignKeyError mismatch (-want +got):\n%s", diff)
	}
	// The default keyTo is the target's primary key.
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		id, err := customers.Insert(tx, Customer{Email: "a@x"})
		if err != nil {
			return err
		}
		_, err = invoices.Insert(tx, Invoice{ID: 1, CustomerID: id})
		return err
	})
	mustView(t, s, func(tx *memstore.Tx) error {
		rows, err := invoices.ByFK(tx, "customer", int64(1))
		if err != nil {
			return err
		}
		if got := collectKeys(rows); !cmp.Equal(got, []int64{1}) {
			t.Errorf("ByFK(customer, 1) = %v, want [1]", got)
		}
		return nil
	})
}

func TestShadowForeignKey(t *testing.T) {
	s := newDefaultsStore(t)
	customers := mustTable[Customer, int64](t, s)
	notes := mustTable[Note, int64](t, s)
	// No customer exists, and the insert still works: the shadow FK is null.
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		_, err := notes.Insert(tx, Note{ID: 1, Text: "hello"})
		return err
	})
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		if _, err := customers.Insert(tx, Customer{Email: "a@x"}); err != nil {
			return err
		}
		return notes.Update(tx, Note{ID: 1, Text: "changed"})
	})
	mustView(t, s, func(tx *memstore.Tx) error {
		rows, err := notes.ByFK(tx, "customer", int64(1))
		if err != nil {
			return err
		}
		if got := collectKeys(rows); len(got) != 0 {
			t.Errorf("ByFK(customer, 1) = %v, want none: the shadow FK is null", got)
		}
		if _, err := notes.ByFK(tx, "customer", 1.5); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("ByFK(customer, 1.5) = %v, want ErrInvalid (shadow is typed like Customer.ID)", err)
		}
		got, err := notes.Get(tx, 1)
		if err != nil {
			return err
		}
		if want := (Note{ID: 1, Text: "changed"}); got != want {
			t.Errorf("Get(1) = %v, want %v", got, want)
		}
		return nil
	})
	// Deleting the customer does not touch the note.
	mustUpdate(t, s, func(tx *memstore.Tx) error { return customers.Delete(tx, 1) })
	mustView(t, s, func(tx *memstore.Tx) error {
		if n, err := notes.Count(tx); err != nil || n != 1 {
			t.Errorf("Count() = %d, %v, want 1, nil", n, err)
		}
		return nil
	})
}

func TestKeylessModel(t *testing.T) {
	s := newDefaultsStore(t)
	if _, err := memstore.TableOf[LogLine, int64](s); !errors.Is(err, memstore.ErrInvalid) {
		t.Errorf("TableOf[LogLine, int64] = %v, want ErrInvalid: the key is a RowID", err)
	}
	lines := mustTable[LogLine, memstore.RowID](t, s)
	var got []memstore.RowID
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		for _, msg := range []string{"a", "b", "c"} {
			id, err := lines.Insert(tx, LogLine{Msg: msg})
			if err != nil {
				return err
			}
			got = append(got, id)
		}
		return nil
	})
	if want := []memstore.RowID{1, 2, 3}; !cmp.Equal(got, want) {
		t.Errorf("Insert keys = %v, want %v", got, want)
	}
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		if err := lines.UpdateKey(tx, 2, LogLine{Msg: "B"}); err != nil {
			return err
		}
		if err := lines.Delete(tx, 3); err != nil {
			return err
		}
		id, err := lines.Insert(tx, LogLine{Msg: "d"})
		if id != 4 {
			t.Errorf("Insert after deleting 3 = %v, want 4", id)
		}
		return err
	})
	mustView(t, s, func(tx *memstore.Tx) error {
		rows, err := lines.Scan(tx)
		if err != nil {
			return err
		}
		got := map[memstore.RowID]string{}
		for k, v := range rows {
			got[k] = v.Msg
		}
		want := map[memstore.RowID]string{1: "a", 2: "B", 4: "d"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Scan() mismatch (-want +got):\n%s", diff)
		}
		return nil
	})
	err := s.Update(context.Background(), func(tx *memstore.Tx) error { return tx.Update(LogLine{Msg: "x"}) })
	if !errors.Is(err, memstore.ErrInvalid) {
		t.Errorf("Tx.Update(LogLine) = %v, want ErrInvalid (no key field)", err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error { return tx.Delete(LogLine{Msg: "x"}) })
	if !errors.Is(err, memstore.ErrInvalid) {
		t.Errorf("Tx.Delete(LogLine) = %v, want ErrInvalid (no key field)", err)
	}
}

func TestCodeDeclaredKeys(t *testing.T) {
	s := newDefaultsStore(t)
	accounts := mustTable[Account, int32](t, s)
	var keys []int32
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		for _, email := range []string{"a@x", "b@x"} {
			k, err := accounts.Insert(tx, Account{Email: email})
			if err != nil {
				return err
			}
			keys = append(keys, k)
		}
		return nil
	})
	if want := []int32{1, 2}; !cmp.Equal(keys, want) {
		t.Errorf("Insert keys = %v, want %v (AutoKey)", keys, want)
	}
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		_, err := accounts.Insert(tx, Account{Email: "a@x"})
		return err
	})
	var ue *memstore.UniqueError
	if !errors.As(err, &ue) {
		t.Fatalf("Insert(duplicate Email) = %v, want *UniqueError", err)
	}
	want := memstore.UniqueError{Op: "insert", Model: "Account", Field: "Email", Value: "a@x",
		Fields: []string{"Email"}, Values: []any{"a@x"}}
	if diff := cmp.Diff(want, *ue); diff != "" {
		t.Errorf("Insert(duplicate Email) mismatch (-want +got):\n%s", diff)
	}
	mustView(t, s, func(tx *memstore.Tx) error {
		got, err := accounts.Lookup(tx, "Email", "b@x")
		if err != nil {
			return err
		}
		if want := (Account{Code: 2, Email: "b@x"}); got != want {
			t.Errorf("Lookup(Email, b@x) = %v, want %v", got, want)
		}
		return nil
	})
}

func TestModelName(t *testing.T) {
	client := memstore.ModelOf[Customer]()
	client.Name = "Client"
	order := memstore.ModelOf[Order]()
	order.Name = "Purchase"
	// Order's tag names its target "Customer", which is now unknown.
	_, err := memstore.New(memstore.Config{Models: []memstore.Model{client, order}})
	var se *memstore.SchemaError
	if !errors.As(err, &se) || se.Model != "Purchase" || se.Field != "CustomerID" {
		t.Fatalf("New(renamed Customer) = %v, want a *SchemaError on Purchase.CustomerID", err)
	}
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{client}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer s.Close()
	clients := mustTable[Customer, int64](t, s)
	if got := clients.Name(); got != "Client" {
		t.Errorf("Name() = %q, want %q", got, "Client")
	}
}

func TestActionString(t *testing.T) {
	tests := []struct {
		a    memstore.Action
		want string
	}{
		{memstore.Restrict, "restrict"},
		{memstore.Cascade, "cascade"},
		{memstore.SetNull, "setNull"},
		{memstore.Action(9), "Action(9)"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.a.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}
