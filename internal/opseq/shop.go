package opseq

import "github.com/relstore/relstore/memstore"

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

// Unregistered is a struct no store knows: the "wrong model" input.
type Unregistered struct {
	ID int64
}

// The models of Shop, in the order Shop.Models lists them.
const (
	MCustomer ModelID = iota
	MOrder
	MNote
)

// The relations of Shop.
const (
	RelCustomer Rel = iota // Order.CustomerID → Customer.ID, cascade
	RelParent              // Order.ParentID → Order.ID, setNull (self)
	RelOrder               // Note.OrderID → Order.ID, restrict
	RelReply               // Note.ReplyTo → Note.ID, cascade (self)
	RelAuthor              // Note.AuthorEmail → Customer.Email, cascade
)

// The small key spaces of Shop, so that duplicate keys, unique collisions
// and foreign key hits are frequent.
var (
	ids8    = []any{int64(1), int64(2), int64(3), int64(4), int64(5), int64(6), int64(7), int64(8)}
	noteIDs = []any{"a", "b", "c", "d", "e", "f"}
	emails  = []any{"a@x", "b@x", "c@x", "d@x", ""}
	texts   = []any{"", "x", "y"}
)

// Shop is FuzzOps's schema: one store, tagged structs, fixed actions. Its
// byte coding is frozen: the committed corpus under fuzz/testdata/fuzz/FuzzOps
// decodes to the same sequences it did when it was found.
var Shop = &Schema{
	Name: "shop",
	Models: []ModelSpec{
		MCustomer: tagged(modelSpec[Customer]("ID", true, []string{"Email"}, ids8, int64(99),
			FieldSpec{"ID", Zero3, ids8}, FieldSpec{"Email", Plain, emails}, FieldSpec{"Name", Plain, texts})),
		MOrder: tagged(modelSpec[Order]("ID", false, nil, ids8, int64(99),
			FieldSpec{"ID", Zero16, ids8}, FieldSpec{"CustomerID", Zero16, ids8}, FieldSpec{"ParentID", Null2, ids8},
			FieldSpec{"Note", Plain, texts})),
		MNote: tagged(modelSpec[Note]("ID", false, nil, noteIDs, "zz",
			FieldSpec{"ID", Zero16, noteIDs}, FieldSpec{"OrderID", Plain, ids8}, FieldSpec{"ReplyTo", Null2, noteIDs},
			FieldSpec{"AuthorEmail", Null2, emails}, FieldSpec{"Text", Plain, texts})),
	},
	Rels: []RelSpec{
		RelCustomer: {Name: "customer", Source: MOrder, Target: MCustomer, FK: "CustomerID", KeyTo: "ID", OnDelete: memstore.Cascade},
		RelParent:   {Name: "parent", Source: MOrder, Target: MOrder, FK: "ParentID", KeyTo: "ID", OnDelete: memstore.SetNull, Nullable: true},
		RelOrder:    {Name: "order", Source: MNote, Target: MOrder, FK: "OrderID", KeyTo: "ID", OnDelete: memstore.Restrict},
		RelReply:    {Name: "reply", Source: MNote, Target: MNote, FK: "ReplyTo", KeyTo: "ID", OnDelete: memstore.Cascade, Nullable: true},
		RelAuthor:   {Name: "author", Source: MNote, Target: MCustomer, FK: "AuthorEmail", KeyTo: "Email", OnDelete: memstore.Cascade, Nullable: true},
	},
	Kinds: []Kind{OpInsert, OpUpdate, OpUpsert, OpDelete, OpSet, OpMove, OpGet, OpInclude, OpView, OpTx,
		OpSnapshot, OpRestore, OpBad},
	Stores: 1,
}

func tagged(m ModelSpec) ModelSpec { m.Tagged = true; return m }

// Models returns the models of Shop, FuzzOps's schema, to open a store with
// (package ddl's golden schema "opseq" is written from them).
func Models() []memstore.Model { return Shop.MemstoreModels() }
