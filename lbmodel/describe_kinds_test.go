package lbmodel_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
)

// TestDescribeRelationKinds: a store of Go structs that declares relations
// on their owners (issue 15) is described with those kinds, each foreign
// key named as the property of the model that holds it.
func TestDescribeRelationKinds(t *testing.T) {
	type (
		Doctor struct {
			ID int64    `json:"id" relstore:"pk,auto"`
			_  struct{} `relstore:"hasMany=Visit,as=visits"`
			_  struct{} `relstore:"hasMany=Pet,through=Visit,as=pets"`
		}
		Pet struct {
			ID int64    `json:"id" relstore:"pk,auto"`
			_  struct{} `relstore:"hasMany=Photo,polymorphic=subject,as=photos"`
		}
		Visit struct {
			ID       int64 `json:"id" relstore:"pk,auto"`
			DoctorID int64 `json:"doctorId" relstore:"belongsTo=Doctor"`
			PetID    int64 `json:"petId" relstore:"belongsTo=Pet"`
		}
		Photo struct {
			ID          int64  `json:"id" relstore:"pk,auto"`
			SubjectID   int64  `json:"subjectId" relstore:"polymorphic"`
			SubjectType string `json:"subjectType"`
		}
	)
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[Doctor](), memstore.ModelOf[Pet](), memstore.ModelOf[Visit](), memstore.ModelOf[Photo](),
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sch := lbmodel.Describe(s)
	got := map[string][]lbmodel.Relation{}
	for _, m := range sch.Models {
		for _, r := range m.Relations {
			got[m.Name] = append(got[m.Name], *r)
		}
	}
	want := map[string][]lbmodel.Relation{
		"Doctor": {
			{Name: "visits", Kind: lbmodel.HasMany, Model: "Visit", ForeignKey: "doctorId", PrimaryKey: "id"},
			{Name: "pets", Kind: lbmodel.HasManyThrough, Model: "Pet", ForeignKey: "doctorId", PrimaryKey: "id", Through: "Visit", KeyThrough: "petId"},
		},
		"Pet": {{Name: "photos", Kind: lbmodel.HasMany, Model: "Photo", ForeignKey: "subjectId", PrimaryKey: "id",
			Polymorphic: &lbmodel.Polymorphic{Discriminator: "subjectType"}}},
		"Visit": {
			{Name: "doctor", Kind: lbmodel.BelongsTo, Model: "Doctor", ForeignKey: "doctorId", PrimaryKey: "id"},
			{Name: "pet", Kind: lbmodel.BelongsTo, Model: "Pet", ForeignKey: "petId", PrimaryKey: "id"},
		},
		"Photo": {{Name: "subject", Kind: lbmodel.BelongsTo, ForeignKey: "subjectId", PrimaryKey: "id",
			Polymorphic: &lbmodel.Polymorphic{Discriminator: "subjectType", Models: []string{"Pet"}}}},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Describe's relations (-want +got):\n%s", diff)
	}
}
