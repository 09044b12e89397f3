package opseq

import (
	"fmt"
	"strings"

	"github.com/relstore/relstore/memstore"
)

// Customer is the root model: an auto key and a unique field that a
// relation references (Note.AuthorEmail, keyTo=Email).
type Customer struct {
	ID    int64  `relstore:"pk,auto"`
	Email string `relstore:"unique"`
	Name  string
}

// Order belongs to a Customer (cascade) and, optionally, to a parent Order
// (a self-reference, setNull).
type Order struct {
	ID         int64  `relstore:"pk"`
	CustomerID int64  `relstore:"belongsTo=Customer,onDelete=cascade"`
	ParentID   *int64 `relstore:"belongsTo=Order,as=parent,onDelete=setNull"`
	Note       string
}

// Note belongs to an Order (restrict), may reply to another Note (a
// self-reference, cascade, so cycles are possible) and may name its author
// by email (keyTo=Email, cascade). Deleting a Customer cascades both to its
// Orders and to its Notes, so a Note that restricts the delete of an Order
// can be removed by the same delete: the case where PostgreSQL's NO ACTION
// (what memstore does) and RESTRICT differ.
type Note struct {
	ID          string  `relstore:"pk"`
	OrderID     int64   `relstore:"belongsTo=Order"`
	ReplyTo     *string `relstore:"belongsTo=Note,as=reply,onDelete=cascade"`
	AuthorEmail *string `relstore:"belongsTo=Customer,as=author,keyTo=Email,onDelete=cascade"`
	Text        string
}

// Unregistered is a struct the store does not know: the "wrong model" input.
type Unregistered struct {
	ID int64
}

// ModelID names one of the three models.
type ModelID uint8

// The models, in the order Models lists them.
const (
	MCustomer ModelID = iota
	MOrder
	MNote
	NumModels
)

var modelNames = [NumModels]string{"Customer", "Order", "Note"}

// String returns the model's name.
func (m ModelID) String() string {
	if m < NumModels {
		return modelNames[m]
	}
	return fmt.Sprintf("ModelID(%d)", uint8(m))
}

// Models returns the models to open a store with.
func Models() []memstore.Model {
	return []memstore.Model{
		memstore.ModelOf[Customer](), memstore.ModelOf[Order](), memstore.ModelOf[Note](),
	}
}

// Rel names one of the five belongsTo relations.
type Rel uint8

// The relations.
const (
	RelCustomer Rel = iota // Order.CustomerID → Customer.ID, cascade
	RelParent              // Order.ParentID → Order.ID, setNull (self)
	RelOrder               // Note.OrderID → Order.ID, restrict
	RelReply               // Note.ReplyTo → Note.ID, cascade (self)
	RelAuthor              // Note.AuthorEmail → Customer.Email, cascade
	NumRels
)

// RelSpec describes a relation for the reference model and for other
// backends (the SQLite fidelity test builds its DDL from it).
type RelSpec struct {
	Name     string // the relation's name in memstore
	Source   ModelID
	Target   ModelID
	FK       string // the source's foreign key field
	KeyTo    string // the target's referenced field
	OnDelete memstore.Action
	Nullable bool
}

// Rels describes the relations, indexed by Rel.
var Rels = [NumRels]RelSpec{
	RelCustomer: {"customer", MOrder, MCustomer, "CustomerID", "ID", memstore.Cascade, false},
	RelParent:   {"parent", MOrder, MOrder, "ParentID", "ID", memstore.SetNull, true},
	RelOrder:    {"order", MNote, MOrder, "OrderID", "ID", memstore.Restrict, false},
	RelReply:    {"reply", MNote, MNote, "ReplyTo", "ID", memstore.Cascade, true},
	RelAuthor:   {"author", MNote, MCustomer, "AuthorEmail", "Email", memstore.Cascade, true},
}

// String returns "Source.name".
func (r Rel) String() string {
	if r < NumRels {
		return Rels[r].Source.String() + "." + Rels[r].Name
	}
	return fmt.Sprintf("Rel(%d)", uint8(r))
}

// modelOf returns the model of a row value.
func modelOf(row any) ModelID {
	switch row.(type) {
	case Customer:
		return MCustomer
	case Order:
		return MOrder
	case Note:
		return MNote
	}
	panic(fmt.Sprintf("opseq: %T is not a model", row))
}

// PK returns a row's primary key: an int64 or a string.
func PK(row any) any {
	switch r := row.(type) {
	case Customer:
		return r.ID
	case Order:
		return r.ID
	case Note:
		return r.ID
	}
	panic(fmt.Sprintf("opseq: %T is not a model", row))
}

// withPK returns row with its primary key set to k.
func withPK(row any, k any) any {
	switch r := row.(type) {
	case Customer:
		r.ID = k.(int64)
		return r
	case Order:
		r.ID = k.(int64)
		return r
	case Note:
		r.ID = k.(string)
		return r
	}
	panic(fmt.Sprintf("opseq: %T is not a model", row))
}

// isZeroKey reports whether k is the zero key of its type.
func isZeroKey(k any) bool {
	switch k := k.(type) {
	case int64:
		return k == 0
	case string:
		return k == ""
	}
	return k == nil
}

// blank returns a row of model m with key k and zero other fields: the
// stand-in for a row that is not stored.
func blank(m ModelID, k any) any {
	switch m {
	case MCustomer:
		return Customer{ID: k.(int64), Email: "ghost@x"}
	case MOrder:
		return Order{ID: k.(int64)}
	default:
		return Note{ID: k.(string)}
	}
}

// FK returns the foreign key of relation r in a source row: an int64 or a
// string, or nil when it is null.
func (r Rel) FK(row any) any {
	switch r {
	case RelCustomer:
		return row.(Order).CustomerID
	case RelParent:
		if p := row.(Order).ParentID; p != nil {
			return *p
		}
	case RelOrder:
		return row.(Note).OrderID
	case RelReply:
		if p := row.(Note).ReplyTo; p != nil {
			return *p
		}
	case RelAuthor:
		if p := row.(Note).AuthorEmail; p != nil {
			return *p
		}
	}
	return nil
}

// SetFK returns row with relation r's foreign key set to v, or cleared when
// v is nil (a non-nullable key gets its zero value).
func (r Rel) SetFK(row any, v any) any {
	switch r {
	case RelCustomer:
		o := row.(Order)
		o.CustomerID, _ = v.(int64)
		return o
	case RelParent:
		o := row.(Order)
		o.ParentID = nil
		if v != nil {
			o.ParentID = Int(v.(int64))
		}
		return o
	case RelOrder:
		n := row.(Note)
		n.OrderID, _ = v.(int64)
		return n
	case RelReply:
		n := row.(Note)
		n.ReplyTo = nil
		if v != nil {
			n.ReplyTo = Str(v.(string))
		}
		return n
	case RelAuthor:
		n := row.(Note)
		n.AuthorEmail = nil
		if v != nil {
			n.AuthorEmail = Str(v.(string))
		}
		return n
	}
	panic(fmt.Sprintf("opseq: no relation %d", r))
}

// KeyTo returns the referenced value of a target row of relation r.
func (r Rel) KeyTo(row any) any {
	if r == RelAuthor {
		return row.(Customer).Email
	}
	return PK(row)
}

// Int returns a pointer to a copy of v.
func Int(v int64) *int64 { return &v }

// Str returns a pointer to a copy of v.
func Str(v string) *string { return &v }

// FormatRow formats a row with pointer fields dereferenced.
func FormatRow(row any) string {
	switch r := row.(type) {
	case nil:
		return "<nil>"
	case Customer:
		return fmt.Sprintf("Customer{ID:%d Email:%q Name:%q}", r.ID, r.Email, r.Name)
	case Order:
		return fmt.Sprintf("Order{ID:%d CustomerID:%d ParentID:%s Note:%q}", r.ID, r.CustomerID, fmtInt(r.ParentID), r.Note)
	case Note:
		return fmt.Sprintf("Note{ID:%q OrderID:%d ReplyTo:%s AuthorEmail:%s Text:%q}", r.ID, r.OrderID, fmtStr(r.ReplyTo), fmtStr(r.AuthorEmail), r.Text)
	case []any:
		parts := make([]string, len(r))
		for i, x := range r {
			parts[i] = FormatRow(x)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return fmt.Sprintf("%#v", row)
}

func fmtInt(p *int64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

func fmtStr(p *string) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprintf("%q", *p)
}
