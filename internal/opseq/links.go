package opseq

import (
	"github.com/relstore/relstore/memstore"
)

// The Links schema has the relations of issue 15: a many-to-many through a
// link model whose two foreign keys make a composite unique index (a pair
// is linked at most once), and a polymorphic belongsTo whose discriminator
// names, row by row, which of two models its key references. Its structs
// carry no tags: the schema is declared in code, and the input chooses the
// on-delete actions.

// LDoc is one end of the many-to-many (it declares the hasManyThrough
// "pats", through LVisit) and a target of the polymorphic relation.
type LDoc struct {
	ID   int64
	Name string
}

// LPat is the other end, and the other target.
type LPat struct {
	ID   int64
	Name string
}

// LVisit links an LDoc and an LPat; (DocID, PatID) is unique.
type LVisit struct {
	ID    int64
	DocID int64
	PatID int64
	Note  string
}

// LPic belongs to the LDoc or the LPat that RefType names, with key RefID.
type LPic struct {
	ID      int64
	RefID   *int64
	RefType string
}

// The models of Links.
const (
	MLDoc ModelID = iota
	MLPat
	MLVisit
	MLPic
)

// The relations of Links.
const (
	RelVisitDoc Rel = iota // LVisit.DocID → LDoc.ID (restrict or cascade)
	RelVisitPat            // LVisit.PatID → LPat.ID (restrict or cascade)
	RelPicRef              // LPic.RefID → LDoc.ID or LPat.ID, as RefType says (polymorphic; its ops use the LDoc view)
)

// refTypes are the discriminator values Decode draws: both targets, and a
// name that is no model of the relation.
var refTypes = []any{"LDoc", "LPat", "LPat", "Nope"}

// Links is FuzzLinks's schema: one store, code-declared models, the
// on-delete actions chosen by the input.
var Links = &Schema{
	Name: "links",
	Models: []ModelSpec{
		MLDoc: withOwned(modelSpec[LDoc]("ID", true, nil, ids4, int64(99),
			FieldSpec{"ID", Zero3, ids4}, FieldSpec{"Name", Plain, texts}),
			memstore.Relation{Kind: memstore.HasManyThrough, Name: "pats", Target: "LPat", Through: "LVisit", FK: "DocID", KeyThrough: "PatID"},
			memstore.Relation{Kind: memstore.HasMany, Name: "pics", Target: "LPic", Inverse: "ref"}),
		MLPat: modelSpec[LPat]("ID", false, nil, ids4, int64(99),
			FieldSpec{"ID", Zero16, ids4}, FieldSpec{"Name", Plain, texts}),
		MLVisit: withIndexes(modelSpec[LVisit]("ID", false, nil, ids8, int64(99),
			FieldSpec{"ID", Zero16, ids8}, FieldSpec{"DocID", Plain, ids4}, FieldSpec{"PatID", Plain, ids4},
			FieldSpec{"Note", Plain, texts}),
			memstore.Index{Name: "pair", Fields: []string{"DocID", "PatID"}, Unique: true}),
		MLPic: modelSpec[LPic]("ID", false, nil, ids4, int64(99),
			FieldSpec{"ID", Zero16, ids4}, FieldSpec{"RefID", Null4, ids4}, FieldSpec{"RefType", Plain, refTypes}),
	},
	Rels: []RelSpec{
		RelVisitDoc: {Name: "doc", Source: MLVisit, Target: MLDoc, FK: "DocID", KeyTo: "ID", Actions: notNullAct},
		RelVisitPat: {Name: "pat", Source: MLVisit, Target: MLPat, FK: "PatID", KeyTo: "ID", Actions: notNullAct},
		RelPicRef: {Name: "ref", Source: MLPic, Target: MLDoc, FK: "RefID", KeyTo: "ID", Nullable: true, Actions: anyAction,
			Targets: []ModelID{MLDoc, MLPat}, Disc: "RefType"},
	},
	Kinds: []Kind{OpInsert, OpUpdate, OpUpsert, OpDelete, OpSet, OpMove, OpGet, OpInclude, OpView, OpTx,
		OpSnapshot, OpRestore},
	Stores: 1,
}

func withIndexes(m ModelSpec, ix ...memstore.Index) ModelSpec { m.Indexes = ix; return m }

func withOwned(m ModelSpec, rs ...memstore.Relation) ModelSpec { m.Owned = rs; return m }

// LinksSeeds returns the seed corpus of Links, normalized.
func LinksSeeds() []Seed { return normalized(Links, linksSeeds()) }

// links makes a Seed of schema Links whose relations have the given
// actions, in the order of Links.Rels: LVisit.doc, LVisit.pat, LPic.ref.
func links(name string, acts []memstore.Action, ops ...[]Op) Seed {
	return Seed{name, Seq{Links.withActions(acts), seq(ops...)}}
}

// linksFixture: docs 1 and 2, patients 1 to 3; doc 1 sees patients 1 and
// 2, doc 2 patient 1; pictures of doc 1, of patient 1 and of nothing.
var linksFixture = []Op{
	ins(LDoc{ID: 1}), ins(LDoc{ID: 2}), ins(LPat{ID: 1}), ins(LPat{ID: 2}), ins(LPat{ID: 3}),
	ins(LVisit{ID: 1, DocID: 1, PatID: 1}), ins(LVisit{ID: 2, DocID: 1, PatID: 2}), ins(LVisit{ID: 3, DocID: 2, PatID: 1}),
	ins(LPic{ID: 1, RefID: Int(1), RefType: "LDoc"}), ins(LPic{ID: 2, RefID: Int(1), RefType: "LPat"}), ins(LPic{ID: 3, RefType: "LPat"}),
	incl(RelVisitDoc), incl(RelPicRef),
}

func linksSeeds() []Seed {
	return []Seed{
		links("fixture and includes", acts(ca, ca, ca), linksFixture),
		links("a pair is linked once", acts(re, re, re), linksFixture, []Op{
			ins(LVisit{ID: 4, DocID: 1, PatID: 1}), ins(LVisit{ID: 4, DocID: 2, PatID: 2}),
			upd(LVisit{ID: 4, DocID: 1, PatID: 2}), upd(LVisit{ID: 4, DocID: 1, PatID: 3}), ups(LVisit{ID: 5, DocID: 2, PatID: 1}),
			move(RelVisitPat, 3, 2), move(RelVisitDoc, 3, 1), set(RelVisitDoc, 4, 2),
		}),
		links("deleting either end follows the link's onDelete", acts(ca, re, re), linksFixture, []Op{
			del(MLPat, 2), del(MLDoc, 1), del(MLPat, 2), view(MLVisit, 2), del(MLDoc, 2), del(MLPat, 1),
		}),
		links("polymorphic integrity per named model", acts(re, re, re), linksFixture, []Op{
			ins(LPic{ID: 4, RefID: Int(3), RefType: "LDoc"}), ins(LPic{ID: 4, RefID: Int(1), RefType: "Nope"}),
			ins(LPic{ID: 4, RefID: Int(3), RefType: "LPat"}), upd(LPic{ID: 2, RefID: Int(1), RefType: "LDoc"}),
			upd(LPic{ID: 2, RefID: Int(2), RefType: "LDoc"}), del(MLPat, 3), del(MLDoc, 2), del(MLDoc, 1),
			set(RelPicRef, 3, 2), get(RelPicRef, 2, 0), get(RelPicRef, 3, 1), incl(RelPicRef),
		}),
		links("polymorphic cascade to the named model only", acts(re, re, ca), linksFixture, []Op{
			ins(LDoc{ID: 3}), ins(LPic{ID: 4, RefID: Int(3), RefType: "LPat"}), del(MLDoc, 3), view(MLPic, 4),
			del(MLVisit, 1), del(MLVisit, 3), del(MLPat, 1), view(MLPic, 1), view(MLPic, 2),
		}),
		links("polymorphic set null", acts(ca, ca, sn), linksFixture, []Op{
			del(MLPat, 1), view(MLPic, 2), view(MLPic, 1), del(MLDoc, 1), view(MLPic, 1), move(RelPicRef, 1, 2),
			tx(EndCommit, ins(LPat{ID: 1}), upd(LPic{ID: 2, RefID: Int(1), RefType: "LPat"}), del(MLPat, 1)),
		}),
	}
}
