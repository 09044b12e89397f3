package memstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/relstore/relstore/memstore"
)

// The models of the relation kinds: every kind declared by tags on its
// owner, with LoopBack's default names.
type (
	Physician struct {
		ID   int64 `relstore:"pk,auto"`
		Name string
		_    struct{} `relstore:"hasMany=Patient,through=Appointment"` // "patients"
		_    struct{} `relstore:"hasMany=Appointment"`                 // "appointments"
	}
	Patient struct {
		ID   int64 `relstore:"pk,auto"`
		Name string
		_    struct{} `relstore:"hasMany=Physician,through=Appointment,as=doctors"`
		_    struct{} `relstore:"hasOne=Chart"`                                    // "chart"
		_    struct{} `relstore:"hasMany=Picture,polymorphic=imageable,as=photos"` // a polymorphic hasMany
	}
	Appointment struct {
		ID          int64 `relstore:"pk,auto"`
		PhysicianID int64 `relstore:"belongsTo=Physician,onDelete=cascade,unique=visit"`
		PatientID   int64 `relstore:"belongsTo=Patient,onDelete=cascade,unique=visit"`
		Date        string
	}
	Chart struct {
		ID        int64 `relstore:"pk,auto"`
		PatientID int64 `relstore:"belongsTo=Patient,unique,onDelete=cascade"`
		Notes     string
	}
	Book struct {
		ID int64    `relstore:"pk,auto"`
		_  struct{} `relstore:"hasAndBelongsToMany=Genre"` // "genres", through BookGenre
	}
	Genre struct {
		ID   int64 `relstore:"pk,auto"`
		Name string
	}
	BookGenre struct {
		ID      int64 `relstore:"pk,auto"`
		BookID  int64 `relstore:"belongsTo=Book,onDelete=cascade"`
		GenreID int64 `relstore:"belongsTo=Genre,onDelete=cascade"`
	}
	// Picture belongs to a Patient or a Gadget: ImageableType names which.
	Picture struct {
		ID            int64  `relstore:"pk,auto"`
		ImageableID   *int64 `relstore:"polymorphic=Gadget,onDelete=cascade"` // "imageable", and Patient by its hasMany
		ImageableType string
		Caption       string
	}
	Gadget struct {
		ID   int64 `relstore:"pk,auto"`
		Name string
	}
)

func kindModels() []memstore.Model {
	return []memstore.Model{
		memstore.ModelOf[Physician](), memstore.ModelOf[Patient](), memstore.ModelOf[Appointment](),
		memstore.ModelOf[Chart](), memstore.ModelOf[Book](), memstore.ModelOf[Genre](), memstore.ModelOf[BookGenre](),
		memstore.ModelOf[Picture](), memstore.ModelOf[Gadget](),
	}
}

// kindRelations is what Models() says of kindModels' relations, by model.
var kindRelations = map[string][]memstore.RelationInfo{
	"Physician": {
		{Name: "patients", Kind: memstore.HasManyThrough, Target: "Patient", FK: "PhysicianID", KeyTo: "ID", OnDelete: memstore.Cascade,
			Inverse: "physician", Through: "Appointment", KeyThrough: "PatientID", Far: "patient"},
		{Name: "appointments", Kind: memstore.HasMany, Target: "Appointment", FK: "PhysicianID", KeyTo: "ID", OnDelete: memstore.Cascade, Inverse: "physician"},
	},
	"Patient": {
		{Name: "doctors", Kind: memstore.HasManyThrough, Target: "Physician", FK: "PatientID", KeyTo: "ID", OnDelete: memstore.Cascade,
			Inverse: "patient", Through: "Appointment", KeyThrough: "PhysicianID", Far: "physician"},
		{Name: "chart", Kind: memstore.HasOne, Target: "Chart", FK: "PatientID", KeyTo: "ID", OnDelete: memstore.Cascade, Unique: true, Inverse: "patient"},
		{Name: "photos", Kind: memstore.HasMany, Target: "Picture", FK: "ImageableID", KeyTo: "ID", OnDelete: memstore.Cascade, Nullable: true,
			Inverse: "imageable", Polymorphic: true, Discriminator: "ImageableType"},
	},
	"Appointment": {
		{Name: "physician", Target: "Physician", FK: "PhysicianID", KeyTo: "ID", OnDelete: memstore.Cascade},
		{Name: "patient", Target: "Patient", FK: "PatientID", KeyTo: "ID", OnDelete: memstore.Cascade},
	},
	"Chart": {{Name: "patient", Target: "Patient", FK: "PatientID", KeyTo: "ID", OnDelete: memstore.Cascade, Unique: true}},
	"Book": {
		{Name: "genres", Kind: memstore.HasAndBelongsToMany, Target: "Genre", FK: "BookID", KeyTo: "ID", OnDelete: memstore.Cascade,
			Inverse: "book", Through: "BookGenre", KeyThrough: "GenreID", Far: "genre"},
	},
	"Genre": nil,
	"BookGenre": {
		{Name: "book", Target: "Book", FK: "BookID", KeyTo: "ID", OnDelete: memstore.Cascade},
		{Name: "genre", Target: "Genre", FK: "GenreID", KeyTo: "ID", OnDelete: memstore.Cascade},
	},
	"Picture": {
		{Name: "imageable", FK: "ImageableID", KeyTo: "ID", OnDelete: memstore.Cascade, Nullable: true,
			Polymorphic: true, Discriminator: "ImageableType", Targets: []string{"Gadget", "Patient"}},
	},
	"Gadget": nil,
}

func TestRelationKinds(t *testing.T) {
	s, err := memstore.New(memstore.Config{Models: kindModels()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkKindRelations(t, s)
	ri, err := s.Relation("Physician", "patients")
	if err != nil || ri.Through != "Appointment" {
		t.Errorf(`Relation("Physician", "patients") = %+v, %v`, ri, err)
	}
	for _, tt := range []struct{ model, name, want string }{
		{"Physician", "patient", "its relations: patients, appointments"},
		{"Picture", "image", "its relations: imageable"},
		{"Genre", "books", "its relations: none"},
		{"Doctor", "patients", "models: Physician, Patient"},
	} {
		_, err := s.Relation(tt.model, tt.name)
		if !errors.Is(err, memstore.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Relation(%q, %q) = %v, want ErrInvalid listing %q", tt.model, tt.name, err, tt.want)
		}
	}
}

// checkKindRelations compares s.Models()'s relations with kindRelations.
func checkKindRelations(t *testing.T, s *memstore.Store) {
	t.Helper()
	got := map[string][]memstore.RelationInfo{}
	for _, m := range s.Models() {
		got[m.Name] = m.Relations
	}
	if diff := cmp.Diff(kindRelations, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Models() relations (-want +got):\n%s", diff)
	}
}

// TestRelationKindsInCode declares kindModels' relations in code instead of
// tags (on structs without tags) and gets the same Models().
func TestRelationKindsInCode(t *testing.T) {
	type (
		Physician struct {
			ID   int64
			Name string
		}
		Patient struct {
			ID   int64
			Name string
		}
		Appointment struct {
			ID          int64
			PhysicianID int64
			PatientID   int64
			Date        string
		}
		Chart struct {
			ID        int64
			PatientID int64
			Notes     string
		}
		Book      struct{ ID int64 }
		Genre     struct{ ID int64 }
		BookGenre struct{ ID, BookID, GenreID int64 }
		Picture   struct {
			ID            int64
			ImageableID   *int64
			ImageableType string
			Caption       string
		}
		Gadget struct{ ID int64 }
	)
	phys, pat, appt := memstore.ModelOf[Physician](), memstore.ModelOf[Patient](), memstore.ModelOf[Appointment]()
	chart, book, bg, pic := memstore.ModelOf[Chart](), memstore.ModelOf[Book](), memstore.ModelOf[BookGenre](), memstore.ModelOf[Picture]()
	phys.Relations = []memstore.Relation{
		{Kind: memstore.HasMany, Target: "Patient", Through: "Appointment"},
		{Kind: memstore.HasMany, Target: "Appointment"},
	}
	pat.Relations = []memstore.Relation{
		{Kind: memstore.HasManyThrough, Name: "doctors", Target: "Physician", Through: "Appointment"},
		{Kind: memstore.HasOne, Target: "Chart"},
		{Kind: memstore.HasMany, Name: "photos", Target: "Picture", Inverse: "imageable"},
	}
	appt.Relations = []memstore.Relation{{Target: "Physician", OnDelete: memstore.Cascade}, {Target: "Patient", OnDelete: memstore.Cascade}}
	appt.Indexes = []memstore.Index{{Name: "visit", Fields: []string{"PhysicianID", "PatientID"}, Unique: true}}
	chart.Unique = []string{"PatientID"}
	chart.Relations = []memstore.Relation{{Target: "Patient", OnDelete: memstore.Cascade}}
	book.Relations = []memstore.Relation{{Kind: memstore.HasAndBelongsToMany, Target: "Genre"}}
	bg.Relations = []memstore.Relation{{Target: "Book", OnDelete: memstore.Cascade}, {Target: "Genre", OnDelete: memstore.Cascade}}
	pic.Relations = []memstore.Relation{{Name: "imageable", Polymorphic: true, Targets: []string{"Gadget"}, OnDelete: memstore.Cascade}}
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		phys, pat, appt, chart, book, memstore.ModelOf[Genre](), bg, pic, memstore.ModelOf[Gadget](),
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkKindRelations(t, s)
}

func TestRelationDeclarationRefusals(t *testing.T) {
	type (
		Owner struct{ ID int64 }
		Child struct {
			ID      int64
			OwnerID int64
			Other   int64
		}
		Link struct {
			ID      int64
			OwnerID int64
			ChildID int64
		}
		Pic struct {
			ID    int64
			RefID int64
			Kind  string
			Num   int
		}
	)
	tests := []struct {
		name   string
		owner  []memstore.Relation
		child  []memstore.Relation
		link   []memstore.Relation
		pic    []memstore.Relation
		model  string
		reason string
	}{
		{name: "hasMany without a belongsTo", owner: []memstore.Relation{{Kind: memstore.HasMany, Target: "Child"}},
			model: "Owner", reason: "Child has no belongsTo Owner through a field OwnerID"},
		{name: "hasMany naming an unknown inverse", owner: []memstore.Relation{{Kind: memstore.HasMany, Target: "Child", Inverse: "boss"}},
			child: []memstore.Relation{{Target: "Owner"}}, model: "Owner", reason: `no belongsTo named "boss" (its belongsTo relations: owner (OwnerID))`},
		{name: "hasOne on a foreign key that is not unique", owner: []memstore.Relation{{Kind: memstore.HasOne, Target: "Child"}},
			child: []memstore.Relation{{Target: "Owner"}}, model: "Owner", reason: "tag Child.OwnerID unique"},
		{name: "hasMany with an onDelete", owner: []memstore.Relation{{Kind: memstore.HasMany, Target: "Child", OnDelete: memstore.Cascade}},
			child: []memstore.Relation{{Target: "Owner"}}, model: "Owner", reason: "belong to the belongsTo"},
		{name: "a name taken by a belongsTo", child: []memstore.Relation{{Target: "Owner"}, {Kind: memstore.HasMany, Name: "owner", Target: "Link"}},
			link: []memstore.Relation{{Target: "Child"}}, model: "Child", reason: `duplicate relation name "owner"`},
		{name: "two relations of one name", owner: []memstore.Relation{{Kind: memstore.HasMany, Target: "Child"}, {Kind: memstore.HasMany, Target: "Child", Name: "children"}},
			child: []memstore.Relation{{Target: "Owner"}}, model: "Owner", reason: `duplicate relation name "children"`},
		{name: "through without a link model", owner: []memstore.Relation{{Kind: memstore.HasManyThrough, Target: "Child"}},
			model: "Owner", reason: "needs its link model"},
		{name: "through an unknown model", owner: []memstore.Relation{{Kind: memstore.HasMany, Target: "Child", Through: "Links"}},
			model: "Owner", reason: "link model Links is not a model"},
		{name: "through a link without the far belongsTo", owner: []memstore.Relation{{Kind: memstore.HasMany, Target: "Child", Through: "Link"}},
			link: []memstore.Relation{{Target: "Owner"}}, model: "Owner", reason: "link model Link has no belongsTo Child through a field ChildID"},
		{name: "hasAndBelongsToMany without its link model", owner: []memstore.Relation{{Kind: memstore.HasAndBelongsToMany, Target: "Child"}},
			model: "Owner", reason: "no link model OwnerChild or ChildOwner"},
		{name: "polymorphic without targets", pic: []memstore.Relation{{Name: "ref", Polymorphic: true, Discriminator: "Kind"}},
			model: "Pic", reason: "needs target models"},
		{name: "polymorphic with a Target", pic: []memstore.Relation{{Name: "ref", Polymorphic: true, Target: "Owner", Discriminator: "Kind"}},
			model: "Pic", reason: "lists its models in Targets"},
		{name: "polymorphic without its discriminator", pic: []memstore.Relation{{Name: "ref", Polymorphic: true, Targets: []string{"Owner"}}},
			model: "Pic", reason: "no discriminator field RefType"},
		{name: "polymorphic with a discriminator that is not a string", pic: []memstore.Relation{{Name: "ref", Polymorphic: true, Targets: []string{"Owner"}, Discriminator: "Num"}},
			model: "Pic", reason: "must have a string kind"},
		{name: "polymorphic over a model with another key type", pic: []memstore.Relation{{Name: "ref", Polymorphic: true, Targets: []string{"Kinded"}, Discriminator: "Kind"}},
			model: "Pic", reason: "type int64 differs from Kinded.Code type string"},
		{name: "polymorphic with setNull on a plain field", pic: []memstore.Relation{{Name: "ref", Polymorphic: true, Targets: []string{"Owner"}, Discriminator: "Kind", OnDelete: memstore.SetNull}},
			model: "Pic", reason: "nullable"},
		{name: "Targets on a plain belongsTo", child: []memstore.Relation{{Target: "Owner", Targets: []string{"Owner"}}},
			model: "Child", reason: "set Polymorphic"},
		{name: "a shadow column asked for a field that exists", child: []memstore.Relation{{Target: "Owner", Shadow: true}},
			model: "Child", reason: "asks for a shadow column, but the struct has a field OwnerID"},
	}
	type Kinded struct {
		Code string `relstore:"pk"`
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, c, l, p := memstore.ModelOf[Owner](), memstore.ModelOf[Child](), memstore.ModelOf[Link](), memstore.ModelOf[Pic]()
			o.Relations, c.Relations, l.Relations, p.Relations = tt.owner, tt.child, tt.link, tt.pic
			s, err := memstore.New(memstore.Config{Models: []memstore.Model{o, c, l, p, memstore.ModelOf[Kinded]()}})
			if err == nil {
				s.Close()
				t.Fatalf("New = nil, want a *SchemaError of %s", tt.model)
			}
			var se *memstore.SchemaError
			if !errors.As(err, &se) || se.Model != tt.model || !strings.Contains(se.Reason, tt.reason) {
				t.Errorf("New = %v, want a *SchemaError of %s with %q", err, tt.model, tt.reason)
			}
		})
	}
}

func TestRelationTagRefusals(t *testing.T) {
	type (
		Owner    struct{ ID int64 }
		OnAField struct {
			ID  int64
			Kid int64 `relstore:"hasMany=Owner"`
		}
		TwoOnBlank struct {
			ID int64
			_  struct{} `relstore:"hasMany=Owner,hasOne=Owner"`
		}
		BelongsOnBlank struct {
			ID int64
			_  struct{} `relstore:"belongsTo=Owner"`
		}
		ThroughOnHasOne struct {
			ID int64
			_  struct{} `relstore:"hasOne=Owner,through=Owner"`
		}
		KeyToOnPoly struct {
			ID     int64
			RefID  int64 `relstore:"polymorphic=Owner,keyTo=ID"`
			RefTyp string
		}
		DashAndMore struct {
			ID int64
			X  []Owner `relstore:"-,unique"`
		}
	)
	tests := []struct {
		name   string
		m      memstore.Model
		reason string
	}{
		{"hasMany on a field", memstore.ModelOf[OnAField](), "put it on a blank field"},
		{"two relations on one blank field", memstore.ModelOf[TwoOnBlank](), "add another _ field"},
		{"belongsTo on a blank field", memstore.ModelOf[BelongsOnBlank](), "on a blank field"},
		{"through on a hasOne", memstore.ModelOf[ThroughOnHasOne](), "not a hasOne"},
		{"keyTo on a polymorphic relation", memstore.ModelOf[KeyToOnPoly](), "keyTo does not apply"},
		{"- with other options", memstore.ModelOf[DashAndMore](), `"-" stands alone`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Owner](), tt.m}})
			if err == nil {
				s.Close()
				t.Fatal("New = nil, want a *SchemaError")
			}
			if !errors.Is(err, memstore.ErrSchema) || !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("New = %v, want ErrSchema with %q", err, tt.reason)
			}
		})
	}
}

func TestPlural(t *testing.T) {
	for in, want := range map[string]string{
		"Order": "Orders", "Category": "Categories", "Address": "Addresses", "Person": "People",
		"Sheep": "Sheep", "Box": "Boxes", "Day": "Days", "Status": "Statuses", "Datum": "Data",
		"Knife": "Knives", "Wolf": "Wolves", "Quiz": "Quizzes", "Child": "Children", "Mouse": "Mice",
		"SalesPerson": "SalesPeople", "Analysis": "Analyses", "Matrix": "Matrices", "": "",
	} {
		if got := memstore.Plural(in); got != want {
			t.Errorf("Plural(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPolymorphicIntegrity(t *testing.T) {
	ctx := context.Background()
	type row = any
	tests := []struct {
		name   string
		setup  []row // inserted first
		write  func(tx *memstore.Tx) error
		want   error // matched with errors.Is; nil for success
		detail string
		after  memstore.Dump // Picture, Patient and Gadget rows after
	}{
		{name: "insert naming an existing row of a target",
			setup: []row{Patient{ID: 1}},
			write: func(tx *memstore.Tx) error {
				return tx.Insert(Picture{ID: 1, ImageableID: ptr64(1), ImageableType: "Patient"})
			},
			after: memstore.Dump{"Picture": {Picture{ID: 1, ImageableID: ptr64(1), ImageableType: "Patient"}}, "Patient": {Patient{ID: 1}}}},
		{name: "insert naming a row of another target",
			setup: []row{Patient{ID: 1}},
			write: func(tx *memstore.Tx) error {
				return tx.Insert(Picture{ID: 1, ImageableID: ptr64(1), ImageableType: "Gadget"})
			},
			want:   memstore.ErrForeignKey,
			detail: "ImageableID 1 references no Gadget"},
		{name: "insert naming a model that is not a target",
			setup: []row{Patient{ID: 1}},
			write: func(tx *memstore.Tx) error {
				return tx.Insert(Picture{ID: 1, ImageableID: ptr64(1), ImageableType: "Physician"})
			},
			want:   memstore.ErrForeignKey,
			detail: `references a "Physician", not a model of relation imageable (Gadget, Patient)`},
		{name: "insert with an empty type",
			write:  func(tx *memstore.Tx) error { return tx.Insert(Picture{ID: 1, ImageableID: ptr64(1)}) },
			want:   memstore.ErrForeignKey,
			detail: `references a "", not a model`},
		{name: "a nil foreign key references nothing, whatever the type",
			write: func(tx *memstore.Tx) error { return tx.Insert(Picture{ID: 1, ImageableType: "Nothing"}) },
			after: memstore.Dump{"Picture": {Picture{ID: 1, ImageableType: "Nothing"}}}},
		{name: "update of the type alone is checked",
			setup: []row{Patient{ID: 1}, Picture{ID: 1, ImageableID: ptr64(1), ImageableType: "Patient"}},
			write: func(tx *memstore.Tx) error {
				return tx.Update(Picture{ID: 1, ImageableID: ptr64(1), ImageableType: "Gadget"})
			},
			want:   memstore.ErrForeignKey,
			detail: "ImageableID 1 references no Gadget"},
		{name: "update of the type to a target that has the row",
			setup: []row{Patient{ID: 1}, Gadget{ID: 1}, Picture{ID: 1, ImageableID: ptr64(1), ImageableType: "Patient"}},
			write: func(tx *memstore.Tx) error {
				return tx.Update(Picture{ID: 1, ImageableID: ptr64(1), ImageableType: "Gadget"})
			},
			after: memstore.Dump{"Picture": {Picture{ID: 1, ImageableID: ptr64(1), ImageableType: "Gadget"}}, "Patient": {Patient{ID: 1}}, "Gadget": {Gadget{ID: 1}}}},
		{name: "deleting a target cascades to its pictures only",
			setup: []row{Patient{ID: 1}, Gadget{ID: 1},
				Picture{ID: 1, ImageableID: ptr64(1), ImageableType: "Patient"},
				Picture{ID: 2, ImageableID: ptr64(1), ImageableType: "Gadget"},
				Picture{ID: 3, ImageableID: ptr64(1), ImageableType: "Patient"}},
			write: func(tx *memstore.Tx) error { return tx.Delete(Patient{ID: 1}) },
			after: memstore.Dump{"Picture": {Picture{ID: 2, ImageableID: ptr64(1), ImageableType: "Gadget"}}, "Gadget": {Gadget{ID: 1}}}},
		{name: "deleting the other target",
			setup: []row{Patient{ID: 1}, Gadget{ID: 1},
				Picture{ID: 1, ImageableID: ptr64(1), ImageableType: "Patient"},
				Picture{ID: 2, ImageableID: ptr64(1), ImageableType: "Gadget"}},
			write: func(tx *memstore.Tx) error { return tx.Delete(Gadget{ID: 1}) },
			after: memstore.Dump{"Picture": {Picture{ID: 1, ImageableID: ptr64(1), ImageableType: "Patient"}}, "Patient": {Patient{ID: 1}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := memstore.New(memstore.Config{Models: kindModels()})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.Update(ctx, func(tx *memstore.Tx) error {
				for _, r := range tt.setup {
					if err := tx.Insert(r); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			err = s.Update(ctx, tt.write)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("write = %v, want %v", err, tt.want)
			}
			if tt.detail != "" && !strings.Contains(err.Error(), tt.detail) {
				t.Errorf("write = %v, want a message with %q", err, tt.detail)
			}
			var fk *memstore.ForeignKeyError
			if errors.As(err, &fk) && fk.Relation != "imageable" {
				t.Errorf("ForeignKeyError.Relation = %q, want imageable", fk.Relation)
			}
			mustView(t, s, func(tx *memstore.Tx) error {
				if err := tx.CheckIntegrity(); err != nil {
					t.Error(err)
				}
				if tt.after == nil {
					return nil
				}
				d, err := tx.Dump()
				if err != nil {
					return err
				}
				got := memstore.Dump{}
				for _, m := range []string{"Picture", "Patient", "Gadget"} {
					if len(d[m]) > 0 {
						got[m] = d[m]
					}
				}
				if diff := cmp.Diff(tt.after, got, cmp.AllowUnexported(Physician{}, Patient{})); diff != "" {
					t.Errorf("rows after (-want +got):\n%s", diff)
				}
				return nil
			})
		})
	}
}

// TestPolymorphicRestrictAndSetNull: a restrict polymorphic relation
// refuses the delete of a target its rows name (and only of that target),
// and setNull clears the foreign key of those rows only.
func TestPolymorphicRestrictAndSetNull(t *testing.T) {
	type (
		Cat  struct{ ID int64 }
		Dog  struct{ ID int64 }
		Note struct {
			ID      int64
			PetID   *int64
			PetType *string
		}
	)
	ctx := context.Background()
	for _, action := range []memstore.Action{memstore.Restrict, memstore.SetNull} {
		t.Run(action.String(), func(t *testing.T) {
			note := memstore.ModelOf[Note]()
			note.Relations = []memstore.Relation{{Name: "pet", Polymorphic: true, Targets: []string{"Cat", "Dog"}, OnDelete: action}}
			s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Cat](), memstore.ModelOf[Dog](), note}})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			cat, dog := "Cat", "Dog"
			mustUpdate(t, s, func(tx *memstore.Tx) error {
				for _, r := range []any{Cat{ID: 1}, Dog{ID: 1}, Dog{ID: 2}, Note{ID: 1, PetID: ptr64(1), PetType: &cat}, Note{ID: 2, PetID: ptr64(2), PetType: &dog}} {
					if err := tx.Insert(r); err != nil {
						return err
					}
				}
				return nil
			})
			err = s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(Cat{ID: 1}) })
			if action == memstore.Restrict {
				var fk *memstore.ForeignKeyError
				if !errors.As(err, &fk) || fk.Referrer != "Note" || fk.Relation != "pet" {
					t.Fatalf("delete of the Cat = %v, want a *ForeignKeyError naming Note.pet", err)
				}
				if err := s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(Dog{ID: 1}) }); err != nil {
					t.Fatalf("delete of a Dog no note names = %v, want nil (the Cat's note has the same key)", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			mustView(t, s, func(tx *memstore.Tx) error {
				d, err := tx.Dump()
				if err != nil {
					return err
				}
				want := []any{Note{ID: 1, PetType: &cat}, Note{ID: 2, PetID: ptr64(2), PetType: &dog}}
				if diff := cmp.Diff(want, d["Note"]); diff != "" {
					t.Errorf("notes after the Cat's delete (-want +got):\n%s", diff)
				}
				return tx.CheckIntegrity()
			})
		})
	}
}

func ptr64(v int64) *int64 { return &v }
