package opseq

import (
	"github.com/relstore/relstore/memstore"
)

// The Seats schema has the shapes Shop lacks: a unique nullable foreign key
// (Seat.AcctID, an Acct has at most one Seat) that other relations reference
// through keyTo (Badge.SeatAcctID, Pin.SeatAcctID), a keyless model (Tag,
// store-assigned RowIDs) as the parent of two relations (by its unique Code
// and by its RowID), a wide row (Pin: six indexed columns), a self-reference,
// and on-delete actions that the input chooses (RelSpec.Actions), so that
// restrict, cascade and setNull chain through all of them. Its structs carry
// no tags: the schema is declared in code (memstore.Model's fields).

// Acct is the root: an auto key.
type Acct struct {
	ID   int64
	Name string
}

// Seat belongs to at most one Acct: AcctID is unique and nullable.
type Seat struct {
	ID     int64
	AcctID *int64
	Note   string
}

// Badge references a Seat by the Seat's AcctID (keyTo onto a foreign key
// column), with a non-nullable foreign key.
type Badge struct {
	ID         int64
	SeatAcctID int64
}

// Tag has no key field: the store assigns RowIDs. Code is unique.
type Tag struct {
	Code  string
	Label string
}

// Pin is the wide row: a Tag by Code and by RowID, a Seat by AcctID, a
// parent Pin, and a unique Slot that no relation references.
type Pin struct {
	ID         string
	TagCode    *string
	TagRow     *memstore.RowID
	SeatAcctID *int64
	UpID       *string
	Slot       *int64
	Text       string
}

// The models of Seats.
const (
	MAcct ModelID = iota
	MSeat
	MBadge
	MTag
	MPin
)

// The relations of Seats.
const (
	RelSeatAcct  Rel = iota // Seat.AcctID → Acct.ID (unique FK; setNull, cascade or restrict)
	RelBadgeSeat            // Badge.SeatAcctID → Seat.AcctID (keyTo; restrict or cascade)
	RelPinTag               // Pin.TagCode → Tag.Code (keyless target by a unique field)
	RelPinTagRow            // Pin.TagRow → Tag's RowID (keyless target by its RowID)
	RelPinSeat              // Pin.SeatAcctID → Seat.AcctID (keyTo)
	RelPinUp                // Pin.UpID → Pin.ID (self)
)

var (
	ids4   = []any{int64(1), int64(2), int64(3), int64(4)}
	rows4  = []any{memstore.RowID(1), memstore.RowID(2), memstore.RowID(3), memstore.RowID(4)}
	codes  = []any{"p", "q", "r"}
	pinIDs = []any{"a", "b", "c", "d"}

	anyAction  = []memstore.Action{memstore.SetNull, memstore.Cascade, memstore.Restrict}
	notNullAct = []memstore.Action{memstore.Restrict, memstore.Cascade}
)

// Seats is FuzzSeats's schema: two stores, three handle sets (the second
// store's, and two of the first), the on-delete action of every relation
// decoded from the input, and concurrent writers (OpConcurrent).
var Seats = &Schema{
	Name: "seats",
	Models: []ModelSpec{
		MAcct: modelSpec[Acct]("ID", true, nil, ids4, int64(99),
			FieldSpec{"ID", Zero3, ids4}, FieldSpec{"Name", Plain, texts}),
		MSeat: modelSpec[Seat]("ID", false, []string{"AcctID"}, ids4, int64(99),
			FieldSpec{"ID", Zero16, ids4}, FieldSpec{"AcctID", Null2, ids4}, FieldSpec{"Note", Plain, texts}),
		MBadge: modelSpec[Badge]("ID", false, nil, ids4, int64(99),
			FieldSpec{"ID", Zero16, ids4}, FieldSpec{"SeatAcctID", Plain, ids4}),
		MTag: modelSpec[Tag]("", true, []string{"Code"}, rows4, memstore.RowID(99),
			FieldSpec{"Code", Plain, codes}, FieldSpec{"Label", Plain, texts}),
		MPin: modelSpec[Pin]("ID", false, []string{"Slot"}, pinIDs, "zz",
			FieldSpec{"ID", Zero16, pinIDs}, FieldSpec{"TagCode", Null2, codes}, FieldSpec{"TagRow", Null2, rows4},
			FieldSpec{"SeatAcctID", Null2, ids4}, FieldSpec{"UpID", Null2, pinIDs}, FieldSpec{"Slot", Null2, ids4},
			FieldSpec{"Text", Plain, texts}),
	},
	Rels: []RelSpec{
		RelSeatAcct:  {Name: "acct", Source: MSeat, Target: MAcct, FK: "AcctID", KeyTo: "ID", Nullable: true, Actions: anyAction},
		RelBadgeSeat: {Name: "seat", Source: MBadge, Target: MSeat, FK: "SeatAcctID", KeyTo: "AcctID", Actions: notNullAct},
		RelPinTag:    {Name: "tag", Source: MPin, Target: MTag, FK: "TagCode", KeyTo: "Code", Nullable: true, Actions: anyAction},
		RelPinTagRow: {Name: "rowTag", Source: MPin, Target: MTag, FK: "TagRow", Nullable: true, Actions: anyAction},
		RelPinSeat:   {Name: "seat", Source: MPin, Target: MSeat, FK: "SeatAcctID", KeyTo: "AcctID", Nullable: true, Actions: anyAction},
		RelPinUp:     {Name: "up", Source: MPin, Target: MPin, FK: "UpID", KeyTo: "ID", Nullable: true, Actions: anyAction},
	},
	Kinds: []Kind{OpInsert, OpUpdate, OpUpsert, OpDelete, OpSet, OpMove, OpGet, OpInclude, OpView, OpTx,
		OpSnapshot, OpRestore, OpBad, OpConcurrent},
	Stores:     2,
	Handles:    []int{0, 1, 0},
	CrossStore: true,
}
