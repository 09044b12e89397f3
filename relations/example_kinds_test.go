package relations_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// The clinic: every kind of relation, declared on the models that own them.
type (
	Physician struct {
		ID   int64 `relstore:"pk,auto"`
		Name string
		_    struct{} `relstore:"hasMany=Patient,through=Appointment"` // patients
		_    struct{} `relstore:"hasMany=Appointment"`                 // appointments
		_    struct{} `relstore:"hasAndBelongsToMany=Specialty"`       // specialties, through PhysicianSpecialty
	}
	Patient struct {
		ID   int64 `relstore:"pk,auto"`
		Name string
		_    struct{} `relstore:"hasOne=Chart"`                          // chart
		_    struct{} `relstore:"hasMany=Picture,polymorphic=imageable"` // pictures
	}
	// Appointment links a physician and a patient at most once: its two
	// foreign keys make the unique index "visit".
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
	Ward struct {
		ID   int64 `relstore:"pk,auto"`
		Name string
		_    struct{} `relstore:"hasMany=Picture,polymorphic=imageable"` // pictures
	}
	// Picture belongs to a Patient or a Ward: ImageableType names which.
	Picture struct {
		ID            int64  `relstore:"pk,auto"`
		ImageableID   *int64 `relstore:"polymorphic,onDelete=cascade"` // imageable
		ImageableType string
		URL           string
	}
	Specialty struct {
		ID   int64 `relstore:"pk,auto"`
		Name string
	}
	PhysicianSpecialty struct {
		ID          int64 `relstore:"pk,auto"`
		PhysicianID int64 `relstore:"belongsTo=Physician,onDelete=cascade"`
		SpecialtyID int64 `relstore:"belongsTo=Specialty,onDelete=cascade"`
	}
)

// openClinic opens a store of the clinic with a cache and seeds it:
// physicians Grey (1) and House (2); patients Ann (1), Bob (2) and Cy (3);
// Grey sees Ann and Bob, House sees Ann; Ann has a chart and two pictures,
// ward East (1) one.
func openClinic() (*memstore.Store, func()) {
	c, err := cache.New(cache.Config{})
	if err != nil {
		log.Fatal(err)
	}
	s, err := memstore.New(memstore.Config{Cache: c, Models: []memstore.Model{
		memstore.ModelOf[Physician](), memstore.ModelOf[Patient](), memstore.ModelOf[Appointment](),
		memstore.ModelOf[Chart](), memstore.ModelOf[Ward](), memstore.ModelOf[Picture](),
		memstore.ModelOf[Specialty](), memstore.ModelOf[PhysicianSpecialty](),
	}})
	if err != nil {
		log.Fatal(err)
	}
	one := int64(1)
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		for _, v := range []any{
			&Physician{Name: "Grey"}, &Physician{Name: "House"},
			&Patient{Name: "Ann"}, &Patient{Name: "Bob"}, &Patient{Name: "Cy"},
			&Appointment{PhysicianID: 1, PatientID: 1, Date: "mon"}, &Appointment{PhysicianID: 1, PatientID: 2, Date: "tue"},
			&Appointment{PhysicianID: 2, PatientID: 1, Date: "wed"},
			&Chart{PatientID: 1, Notes: "healthy"}, &Ward{Name: "East"},
			&Picture{ImageableID: &one, ImageableType: "Patient", URL: "ann.png"},
			&Picture{ImageableID: &one, ImageableType: "Patient", URL: "ann2.png"},
			&Picture{ImageableID: &one, ImageableType: "Ward", URL: "east.png"},
		} {
			if err := tx.Insert(v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	return s, func() { s.Close(); c.Close() }
}

func names[T any](rows []T, name func(T) string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = name(r)
	}
	return out
}

func patientName(p Patient) string { return p.Name }

func ExampleHasManyThrough() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	grey, house := Physician{ID: 1}, Physician{ID: 2}

	list, _ := patients.List(ctx, grey)
	fmt.Println("Grey sees", names(list, patientName))
	cy := Patient{ID: 3}
	ok, _ := patients.Exists(ctx, house, cy)
	fmt.Println("House sees Cy:", ok)

	// Add a link with its own data; a second link of the pair is refused by
	// the link model's unique index.
	appt := Appointment{Date: "fri"}
	err = patients.Add(ctx, house, cy, &appt)
	fmt.Println("add:", err, appt.ID, appt.PhysicianID, appt.PatientID)
	err = patients.Add(ctx, house, cy, nil)
	fmt.Println("again:", errors.Is(err, memstore.ErrUnique))

	// Remove the link; the patient stays.
	n, _ := patients.Remove(ctx, house, cy)
	count, _ := patients.Count(ctx, house)
	fmt.Println("removed", n, "links; House sees", count)
	// Output:
	// Grey sees [Ann Bob]
	// House sees Cy: false
	// add: <nil> 4 2 3
	// again: true
	// removed 1 links; House sees 1
}

func ExampleHasManyThrough_Create() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	// A new patient and its appointment, in one transaction.
	dee := Patient{Name: "Dee"}
	appt := Appointment{Date: "sat"}
	if err := patients.Create(ctx, Physician{ID: 2}, &dee, &appt); err != nil {
		log.Fatal(err)
	}
	fmt.Println(dee.ID, appt.PhysicianID, appt.PatientID, appt.Date)
	list, _ := patients.List(ctx, Physician{ID: 2})
	fmt.Println(names(list, patientName))
	// Output:
	// 4 2 4 sat
	// [Ann Dee]
}

func ExampleHasManyThrough_Include() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	// Both hops for many owners from one snapshot: the appointments of each
	// physician (one lookup each), then each distinct patient once.
	lists, err := patients.Include(context.Background(), []Physician{{ID: 1}, {ID: 2}})
	if err != nil {
		log.Fatal(err)
	}
	for _, l := range lists {
		fmt.Println(names(l, patientName))
	}
	fmt.Println("lookups:", patients.Lookups())
	// Output:
	// [Ann Bob]
	// [Ann]
	// lookups: 4
}

func ExampleHasManyThrough_hasAndBelongsToMany() {
	s, done := openClinic()
	defer done()
	// hasAndBelongsToMany is a hasManyThrough over a plain link model.
	specialties, err := relations.NewHasManyThrough[Physician, Specialty, PhysicianSpecialty](s, "specialties")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	grey := Physician{ID: 1}
	for _, name := range []string{"surgery", "cardiology"} {
		if err := specialties.Create(ctx, grey, &Specialty{Name: name}, nil); err != nil {
			log.Fatal(err)
		}
	}
	list, _ := specialties.List(ctx, grey)
	fmt.Println(names(list, func(s Specialty) string { return s.Name }))
	// Output:
	// [surgery cardiology]
}

func ExamplePolymorphic() {
	s, done := openClinic()
	defer done()
	imageable, err := relations.NewPolymorphic[Picture](s, "imageable")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	fmt.Println(imageable.Targets())
	for _, pic := range []Picture{{ID: 1}, {ID: 3}} {
		pic = getRow[Picture](s, pic.ID)
		owner, _, err := imageable.Get(ctx, pic)
		if err != nil {
			log.Fatal(err)
		}
		switch o := owner.(type) {
		case Patient:
			fmt.Println(pic.URL, "shows patient", o.Name)
		case Ward:
			fmt.Println(pic.URL, "shows ward", o.Name)
		}
	}
	// Re-point a picture at a ward: its type follows.
	pic := getRow[Picture](s, 2)
	if err := imageable.Set(ctx, &pic, Ward{ID: 1}); err != nil {
		log.Fatal(err)
	}
	fmt.Println(pic.ImageableType, *pic.ImageableID)
	// A discriminator that names no model of the relation is refused.
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		return tx.Insert(Picture{ImageableID: pic.ImageableID, ImageableType: "Physician"})
	})
	fmt.Println(errors.Is(err, memstore.ErrForeignKey))
	// Output:
	// [Patient Ward]
	// ann.png shows patient Ann
	// east.png shows ward East
	// Ward 1
	// true
}

func ExamplePolymorphic_Include() {
	s, done := openClinic()
	defer done()
	imageable, err := relations.NewPolymorphic[Picture](s, "imageable")
	if err != nil {
		log.Fatal(err)
	}
	pics := []Picture{getRow[Picture](s, 1), getRow[Picture](s, 2), getRow[Picture](s, 3)}
	// One lookup per distinct (model, key): Patient 1 once, Ward 1 once.
	owners, err := imageable.Include(context.Background(), pics)
	if err != nil {
		log.Fatal(err)
	}
	for i, o := range owners {
		fmt.Printf("%s: %T\n", pics[i].URL, o)
	}
	fmt.Println("lookups:", imageable.Lookups())
	// Output:
	// ann.png: relations_test.Patient
	// ann2.png: relations_test.Patient
	// east.png: relations_test.Ward
	// lookups: 2
}

func ExamplePolymorphic_typed() {
	s, done := openClinic()
	defer done()
	// A typed view of one target: a BelongsTo named like the polymorphic
	// relation, with the target's Go type...
	patient, err := relations.NewBelongsTo[Picture, Patient](s, "imageable")
	if err != nil {
		log.Fatal(err)
	}
	// ...and the hasMany that the target declares.
	pictures, err := relations.NewHasMany[Patient, Picture](s, "pictures")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	p, ok, _ := patient.Get(ctx, getRow[Picture](s, 1))
	fmt.Println(p.Name, ok)
	_, ok, _ = patient.Get(ctx, getRow[Picture](s, 3)) // a ward's picture
	fmt.Println(ok)
	list, _ := pictures.List(ctx, Patient{ID: 1})
	fmt.Println(names(list, func(p Picture) string { return p.URL }))
	// Output:
	// Ann true
	// false
	// [ann.png ann2.png]
}

func ExampleHasOne_Cached() {
	s, done := openClinic()
	defer done()
	chart, err := relations.NewHasOne[Patient, Chart](s, "chart")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	ann, bob := Patient{ID: 1}, Patient{ID: 2}
	_, st := chart.Cached(ann)
	fmt.Println(st) // nothing read yet
	c, ok, _ := chart.Get(ctx, ann)
	fmt.Println(c.Notes, ok)
	c, st = chart.Cached(ann) // what Get read, at once
	fmt.Println(c.Notes, st)
	chart.Get(ctx, bob)
	_, st = chart.Cached(bob) // "no child" is cached too
	fmt.Println(st)
	// A write of the child moves the cache on: never a stale child.
	c.Notes = "sprained ankle"
	if err := chart.Update(ctx, ann, c); err != nil {
		log.Fatal(err)
	}
	_, st = chart.Cached(ann)
	fmt.Println(st)
	// Output:
	// not cached
	// healthy true
	// healthy found
	// no child
	// not cached
}

func ExampleHasOne_Update() {
	s, done := openClinic()
	defer done()
	chart, err := relations.NewHasOne[Patient, Chart](s, "chart")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	ann := Patient{ID: 1}
	c, _, _ := chart.Get(ctx, ann)
	// Moving the chart to another patient is refused: the foreign key is
	// the relation's.
	c.PatientID = 2
	err = chart.Update(ctx, ann, c)
	fmt.Println(errors.Is(err, relations.ErrOtherOwner))
	fmt.Println(chart.Delete(ctx, ann))
	err = chart.Delete(ctx, ann)
	fmt.Println(errors.Is(err, relations.ErrEmpty))
	// Output:
	// true
	// <nil>
	// true
}

func ExampleNewInclude() {
	s, done := openClinic()
	defer done()
	// Physicians with their patients, each patient with its chart and
	// pictures: three levels, one snapshot, one lookup per distinct key.
	inc, err := relations.NewInclude[Physician](s,
		relations.With("patients", relations.With("chart"), relations.With("pictures")))
	if err != nil {
		log.Fatal(err)
	}
	nodes, err := inc.Load(context.Background(), []Physician{getRow[Physician](s, 1), getRow[Physician](s, 2)})
	if err != nil {
		log.Fatal(err)
	}
	for _, n := range nodes {
		fmt.Print(n.Row.(Physician).Name, ":")
		for _, p := range n.Many("patients") {
			fmt.Print(" ", p.Row.(Patient).Name, " (", len(p.Many("pictures")), " pictures")
			if c := p.One("chart"); c != nil {
				fmt.Print(", chart: ", c.Row.(Chart).Notes)
			}
			fmt.Print(")")
		}
		fmt.Println()
	}
	fmt.Println("lookups:", inc.Lookups())
	// Output:
	// Grey: Ann (2 pictures, chart: healthy) Bob (0 pictures)
	// House: Ann (2 pictures, chart: healthy)
	// lookups: 8
}

func ExampleNewIncludeOf() {
	s, done := openClinic()
	defer done()
	// LoopBack's include, as a REST client sends it in ?filter=: by model
	// name, with a scope per level.
	f, err := filter.Parse([]byte(`{"include": [{"relation": "patients", "scope": {"limit": 1, "include": "chart"}}]}`))
	if err != nil {
		log.Fatal(err)
	}
	inc, err := relations.NewIncludeOf(s, "Physician", f.Include)
	if err != nil {
		log.Fatal(err)
	}
	nodes, err := inc.Load(context.Background(), []any{getRow[Physician](s, 1)})
	if err != nil {
		log.Fatal(err)
	}
	b, _ := json.Marshal(nodes)
	fmt.Println(string(b))
	// Output:
	// [{"ID":1,"Name":"Grey","patients":[{"ID":1,"Name":"Ann","chart":{"ID":1,"PatientID":1,"Notes":"healthy"}}]}]
}

func ExampleTree_Descendants() {
	type Unit struct {
		ID       string
		ParentID *string `relstore:"belongsTo=Unit,as=parent"`
	}
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Unit]()}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	hq, it := "hq", "it"
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		for _, u := range []Unit{{ID: "hq"}, {ID: "sales", ParentID: &hq}, {ID: "it", ParentID: &hq},
			{ID: "ops", ParentID: &it}, {ID: "dev", ParentID: &it}} {
			if err := tx.Insert(u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	tree, err := relations.NewTree[Unit](s, "parent")
	if err != nil {
		log.Fatal(err)
	}
	unitID := func(u Unit) string { return u.ID }
	all, _ := tree.Descendants(ctx, Unit{ID: "hq"}, 0) // to the leaves, level by level
	fmt.Println(names(all, unitID))
	top, _ := tree.Descendants(ctx, Unit{ID: "hq"}, 1) // the children only
	fmt.Println(names(top, unitID))
	// Output:
	// [it sales dev ops]
	// [it sales]
}

func ExampleBelongsTo_Create() {
	s, done := openClinic()
	defer done()
	patient, err := relations.NewBelongsTo[Chart, Patient](s, "patient")
	if err != nil {
		log.Fatal(err)
	}
	// A new patient and the chart that points at it, in one transaction
	// (LoopBack: chart.patient.create(data)).
	chart := Chart{Notes: "new"}
	dee := Patient{Name: "Dee"}
	if err := patient.Create(context.Background(), &chart, &dee); err != nil {
		log.Fatal(err)
	}
	fmt.Println(dee.ID, chart.ID, chart.PatientID)
	// Output:
	// 4 2 4
}

func ExampleBelongsTo_Update() {
	s, done := openClinic()
	defer done()
	patient, err := relations.NewBelongsTo[Chart, Patient](s, "patient")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	chart := getRow[Chart](s, 1)
	// Update the chart's patient (LoopBack: chart.patient.update(data))...
	fmt.Println(patient.Update(ctx, chart, Patient{ID: 1, Name: "Ann Lee"}))
	p, _, _ := patient.Get(ctx, chart)
	fmt.Println(p.Name)
	// ...but never another patient: the referenced key does not change.
	err = patient.Update(ctx, chart, Patient{ID: 2, Name: "Bob"})
	fmt.Println(errors.Is(err, relations.ErrOtherOwner))
	// Output:
	// <nil>
	// Ann Lee
	// true
}

func ExampleBelongsTo_Unset() {
	s, done := openClinic()
	defer done()
	// A picture's owner, typed: Ann, a Patient.
	patient, err := relations.NewBelongsTo[Picture, Patient](s, "imageable")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	pic := getRow[Picture](s, 1)
	fmt.Println(patient.Unset(ctx, &pic), pic.ImageableID == nil)
	err = patient.Unset(ctx, &pic)
	fmt.Println(errors.Is(err, relations.ErrEmpty), err)
	// Output:
	// <nil> true
	// true relations: Picture.imageable: relations: relation is empty
}

func ExampleBelongsTo_In() {
	s, done := openClinic()
	defer done()
	patient, err := relations.NewBelongsTo[Chart, Patient](s, "patient")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	// Inside a transaction the accessor sees the transaction's own writes.
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		dee := Patient{Name: "Dee"}
		if err := tx.Insert(&dee); err != nil {
			return err
		}
		chart := Chart{PatientID: dee.ID}
		if err := tx.Insert(&chart); err != nil {
			return err
		}
		p, ok, err := patient.In(tx).Get(chart)
		fmt.Println(p.Name, ok, err)
		return errors.New("changed my mind") // rolls back both rows
	})
	fmt.Println(err)
	_, _, err = patient.ByKey(ctx, int64(2))
	fmt.Println(errors.Is(err, memstore.ErrNotFound))
	// Output:
	// Dee true <nil>
	// changed my mind
	// true
}

func ExampleHasMany_In() {
	s, done := openClinic()
	defer done()
	appointments, err := relations.NewHasMany[Physician, Appointment](s, "appointments")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	// A repository method that writes an owner and its children atomically.
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		doc := Physician{Name: "Quinn"}
		if err := tx.Insert(&doc); err != nil {
			return err
		}
		return appointments.In(tx).CreateMany(doc, []Appointment{{PatientID: 1, Date: "mon"}, {PatientID: 2, Date: "tue"}})
	})
	if err != nil {
		log.Fatal(err)
	}
	n, _ := appointments.Count(ctx, Physician{ID: 3})
	fmt.Println(n)
	// Output:
	// 2
}

func ExampleHasMany_FindByKey() {
	s, done := openClinic()
	defer done()
	appointments, err := relations.NewHasMany[Physician, Appointment](s, "appointments")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	grey, house := Physician{ID: 1}, Physician{ID: 2}
	a, err := appointments.FindByKey(ctx, grey, int64(2))
	fmt.Println(a.Date, err)
	// Appointment 2 is Grey's, not House's: not found in House's scope.
	_, err = appointments.FindByKey(ctx, house, int64(2))
	fmt.Println(errors.Is(err, memstore.ErrNotFound), errors.Is(err, relations.ErrOtherOwner))
	ok, _ := appointments.ExistsKey(ctx, house, int64(3))
	fmt.Println(ok)
	// Output:
	// tue <nil>
	// true true
	// true
}

func ExampleHasMany_CreateMany() {
	s, done := openClinic()
	defer done()
	appointments, err := relations.NewHasMany[Physician, Appointment](s, "appointments")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	house := Physician{ID: 2}
	// All or nothing: the second row repeats the pair (House, Ann), which
	// the unique index refuses, so neither is inserted.
	batch := []Appointment{{PatientID: 3, Date: "thu"}, {PatientID: 1, Date: "fri"}}
	err = appointments.CreateMany(ctx, house, batch)
	fmt.Println(errors.Is(err, memstore.ErrUnique), batch[0].ID)
	batch = batch[:1]
	fmt.Println(appointments.CreateMany(ctx, house, batch), batch[0].ID, batch[0].PhysicianID)
	// Output:
	// true 0
	// <nil> 4 2
}

// getRow returns the stored row of model T with key id.
func getRow[T any](s *memstore.Store, id int64) T {
	t, err := memstore.TableOf[T, int64](s)
	if err != nil {
		log.Fatal(err)
	}
	var row T
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		row, err = t.Get(tx, id)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	return row
}

// NewHasOne makes the accessor of a hasOne: the child's foreign key is
// unique, so an owner has at most one.
func ExampleNewHasOne() {
	s, done := openClinic()
	defer done()
	chart, err := relations.NewHasOne[Patient, Chart](s, "chart")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(chart.Name())
	_, err = relations.NewHasOne[Patient, Chart](s, "record")
	fmt.Println(errors.Is(err, memstore.ErrInvalid))
	// Output:
	// chart
	// true
}

// Get returns the owner's child, ok false when it has none.
func ExampleHasOne_Get() {
	s, done := openClinic()
	defer done()
	chart, err := relations.NewHasOne[Patient, Chart](s, "chart")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	c, ok, err := chart.Get(ctx, Patient{ID: 1})
	fmt.Println(c.Notes, ok, err)
	_, ok, err = chart.Get(ctx, Patient{ID: 2})
	fmt.Println(ok, err)
	// Output:
	// healthy true <nil>
	// false <nil>
}

// Create inserts the owner's child; a second one is refused.
func ExampleHasOne_Create() {
	s, done := openClinic()
	defer done()
	chart, err := relations.NewHasOne[Patient, Chart](s, "chart")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	c := Chart{Notes: "new"}
	err = chart.Create(ctx, Patient{ID: 2}, &c)
	fmt.Println(c.ID, c.PatientID, err)
	err = chart.Create(ctx, Patient{ID: 2}, &Chart{Notes: "another"})
	fmt.Println(errors.Is(err, memstore.ErrUnique))
	// Output:
	// 2 2 <nil>
	// true
}

// Delete deletes the owner's child; ErrEmpty when it has none.
func ExampleHasOne_Delete() {
	s, done := openClinic()
	defer done()
	chart, err := relations.NewHasOne[Patient, Chart](s, "chart")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	fmt.Println(chart.Delete(ctx, Patient{ID: 1}))
	err = chart.Delete(ctx, Patient{ID: 1})
	fmt.Println(errors.Is(err, relations.ErrEmpty))
	// Output:
	// <nil>
	// true
}

// Include reads the children of many owners: nil for an owner without one.
func ExampleHasOne_Include() {
	s, done := openClinic()
	defer done()
	chart, err := relations.NewHasOne[Patient, Chart](s, "chart")
	if err != nil {
		log.Fatal(err)
	}
	out, err := chart.Include(context.Background(), []Patient{{ID: 1}, {ID: 2}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out[0].Notes, out[1] == nil, chart.Lookups())
	// Output:
	// healthy true 2
}

// In runs the accessor in a caller's transaction, with HasOne's methods.
func ExampleHasOne_In() {
	s, done := openClinic()
	defer done()
	chart, err := relations.NewHasOne[Patient, Chart](s, "chart")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := chart.In(tx)
		if err := in.Create(Patient{ID: 3}, &Chart{Notes: "first visit"}); err != nil {
			return err
		}
		c, ok, err := in.Get(Patient{ID: 3})
		fmt.Println(c.Notes, ok)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// first visit true
}

// Update and Delete of the child inside a transaction.
func ExampleHasOneTx_Update() {
	s, done := openClinic()
	defer done()
	chart, err := relations.NewHasOne[Patient, Chart](s, "chart")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := chart.In(tx)
		c, _, err := in.Get(Patient{ID: 1})
		if err != nil {
			return err
		}
		c.Notes = "recovered"
		if err := in.Update(Patient{ID: 1}, c); err != nil {
			return err
		}
		out, err := in.Include([]Patient{{ID: 1}})
		if err != nil {
			return err
		}
		fmt.Println(out[0].Notes)
		if err := in.Delete(Patient{ID: 1}); err != nil {
			return err
		}
		_, ok, err := in.Get(Patient{ID: 1})
		fmt.Println(ok)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// recovered
	// false
}

// NewHasManyThrough makes the accessor of a hasManyThrough, typed by owner,
// far model and link model.
func ExampleNewHasManyThrough() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(patients.Name())
	// Output:
	// patients
}

// List, Count and Exists read the far rows through the links.
func ExampleHasManyThrough_List() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	list, _ := patients.List(ctx, Physician{ID: 1})
	n, _ := patients.Count(ctx, Physician{ID: 2})
	ok, _ := patients.Exists(ctx, Physician{ID: 2}, Patient{ID: 2})
	fmt.Println(names(list, patientName), n, ok)
	// Output:
	// [Ann Bob] 1 false
}

// Links returns the link rows with their own data.
func ExampleHasManyThrough_Links() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	links, _ := patients.Links(context.Background(), Physician{ID: 1})
	for _, a := range links {
		fmt.Println(a.PatientID, a.Date)
	}
	// Output:
	// 1 mon
	// 2 tue
}

// Add links a far row; Remove deletes the links, the far row stays.
func ExampleHasManyThrough_Remove() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	n, err := patients.Remove(ctx, Physician{ID: 1}, Patient{ID: 2})
	fmt.Println(n, err)
	list, _ := patients.List(ctx, Physician{ID: 1})
	fmt.Println(names(list, patientName))
	// Output:
	// 1 <nil>
	// [Ann]
}

// Add links an existing far row to the owner.
func ExampleHasManyThrough_Add() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	err = patients.Add(ctx, Physician{ID: 2}, Patient{ID: 3}, &Appointment{Date: "thu"})
	fmt.Println(err)
	list, _ := patients.List(ctx, Physician{ID: 2})
	fmt.Println(names(list, patientName))
	// Output:
	// <nil>
	// [Ann Cy]
}

// Count is the number of far rows linked to the owner.
func ExampleHasManyThrough_Count() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	n, err := patients.Count(context.Background(), Physician{ID: 1})
	fmt.Println(n, err)
	// Output:
	// 2 <nil>
}

// Exists reports whether a far row is linked to the owner.
func ExampleHasManyThrough_Exists() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	ok, err := patients.Exists(context.Background(), Physician{ID: 1}, Patient{ID: 3})
	fmt.Println(ok, err)
	// Output:
	// false <nil>
}

// In runs the accessor inside a caller's transaction.
func ExampleHasManyThrough_In() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := patients.In(tx)
		dee := Patient{Name: "Dee"}
		if err := in.Create(Physician{ID: 2}, &dee, &Appointment{Date: "sat"}); err != nil {
			return err
		}
		if err := in.Add(Physician{ID: 2}, Patient{ID: 2}, nil); err != nil {
			return err
		}
		if _, err := in.Remove(Physician{ID: 2}, Patient{ID: 1}); err != nil {
			return err
		}
		list, err := in.List(Physician{ID: 2})
		if err != nil {
			return err
		}
		n, _ := in.Count(Physician{ID: 2})
		ok, _ := in.Exists(Physician{ID: 2}, dee)
		links, _ := in.Links(Physician{ID: 2})
		found, _ := in.Find(Physician{ID: 2}, filter.Filter{Limit: 1})
		all, _ := in.Include([]Physician{{ID: 1}, {ID: 2}})
		fmt.Println(names(list, patientName), n, ok, len(links), len(found), len(all[0]), len(all[1]))
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// [Bob Dee] 2 true 2 1 2 2
}

// NewPolymorphic makes the accessor of a polymorphic belongsTo; Targets
// are the models it may reference.
func ExampleNewPolymorphic() {
	s, done := openClinic()
	defer done()
	imageable, err := relations.NewPolymorphic[Picture](s, "imageable")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(imageable.Name(), imageable.Targets())
	// Output:
	// imageable [Patient Ward]
}

// Get returns the owner as a value of the model the discriminator names.
func ExamplePolymorphic_Get() {
	s, done := openClinic()
	defer done()
	imageable, err := relations.NewPolymorphic[Picture](s, "imageable")
	if err != nil {
		log.Fatal(err)
	}
	owner, ok, err := imageable.Get(context.Background(), getRow[Picture](s, 3))
	fmt.Printf("%T %v %v %v\n", owner, owner.(Ward).Name, ok, err)
	// Output:
	// relations_test.Ward East true <nil>
}

// Cached reads the owner from the cache only: what Get just read.
func ExamplePolymorphic_Cached() {
	s, done := openClinic()
	defer done()
	imageable, err := relations.NewPolymorphic[Picture](s, "imageable")
	if err != nil {
		log.Fatal(err)
	}
	pic := getRow[Picture](s, 1)
	_, st := imageable.Cached(pic)
	fmt.Println(st)
	if _, _, err := imageable.Get(context.Background(), pic); err != nil {
		log.Fatal(err)
	}
	owner, st := imageable.Cached(pic)
	fmt.Println(owner.(Patient).Name, st)
	// Output:
	// not cached
	// Ann found
}

// Create inserts an owner of any target model and points the source at it.
func ExamplePolymorphic_Create() {
	s, done := openClinic()
	defer done()
	imageable, err := relations.NewPolymorphic[Picture](s, "imageable")
	if err != nil {
		log.Fatal(err)
	}
	pic := Picture{URL: "west.png"}
	west := Ward{Name: "West"}
	err = imageable.Create(context.Background(), &pic, &west)
	fmt.Println(err, west.ID, pic.ImageableType, *pic.ImageableID)
	// Output:
	// <nil> 2 Ward 2
}

// Set points a source at an owner of any target model; Unset clears it.
func ExamplePolymorphic_Set() {
	s, done := openClinic()
	defer done()
	imageable, err := relations.NewPolymorphic[Picture](s, "imageable")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	pic := getRow[Picture](s, 1)
	err = imageable.Set(ctx, &pic, Patient{ID: 2})
	fmt.Println(err, pic.ImageableType, *pic.ImageableID)
	err = imageable.Set(ctx, &pic, Physician{ID: 1}) // not a target of the relation
	fmt.Println(errors.Is(err, memstore.ErrInvalid))
	// Output:
	// <nil> Patient 2
	// true
}

// Unset clears the source's foreign key: no owner.
func ExamplePolymorphic_Unset() {
	s, done := openClinic()
	defer done()
	imageable, err := relations.NewPolymorphic[Picture](s, "imageable")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	pic := getRow[Picture](s, 2)
	fmt.Println(imageable.Unset(ctx, &pic), pic.ImageableID == nil)
	_, ok, err := imageable.Get(ctx, pic)
	fmt.Println(ok, err)
	// Output:
	// <nil> true
	// false <nil>
}

// In runs the accessor inside a caller's transaction.
func ExamplePolymorphic_In() {
	s, done := openClinic()
	defer done()
	imageable, err := relations.NewPolymorphic[Picture](s, "imageable")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := imageable.In(tx)
		pic := Picture{URL: "north.png"}
		if err := in.Create(&pic, &Ward{Name: "North"}); err != nil {
			return err
		}
		if err := in.Set(&pic, Patient{ID: 3}); err != nil {
			return err
		}
		owner, ok, err := in.Get(pic)
		if err != nil {
			return err
		}
		fmt.Println(owner.(Patient).Name, ok)
		owners, err := in.Include([]Picture{pic})
		if err != nil {
			return err
		}
		fmt.Printf("%T\n", owners[0])
		if err := in.Unset(&pic); err != nil {
			return err
		}
		_, ok, err = in.Get(pic)
		fmt.Println(ok)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// Cy true
	// relations_test.Patient
	// false
}

// Load reads the included relations of rows from one snapshot; each Node
// holds a row and its included rows, and marshals as LoopBack shows an
// include.
func ExampleInclude_Load() {
	s, done := openClinic()
	defer done()
	inc, err := relations.NewInclude[Patient](s, relations.With("chart"), relations.With("pictures"))
	if err != nil {
		log.Fatal(err)
	}
	nodes, err := inc.Load(context.Background(), []Patient{getRow[Patient](s, 1), getRow[Patient](s, 2)})
	if err != nil {
		log.Fatal(err)
	}
	for _, n := range nodes {
		b, err := json.Marshal(n)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(string(b))
	}
	// Output:
	// {"ID":1,"Name":"Ann","chart":{"ID":1,"PatientID":1,"Notes":"healthy"},"pictures":[{"ID":1,"ImageableID":1,"ImageableType":"Patient","URL":"ann.png"},{"ID":2,"ImageableID":1,"ImageableType":"Patient","URL":"ann2.png"}]}
	// {"ID":2,"Name":"Bob","chart":null,"pictures":[]}
}

// In loads inside a caller's transaction, its own writes included.
func ExampleInclude_In() {
	s, done := openClinic()
	defer done()
	inc, err := relations.NewInclude[Patient](s, relations.With("chart"))
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		if err := tx.Insert(Chart{PatientID: 2, Notes: "new"}); err != nil {
			return err
		}
		nodes, err := inc.In(tx).Load([]Patient{{ID: 2, Name: "Bob"}})
		if err != nil {
			return err
		}
		fmt.Println(nodes[0].One("chart").Row.(Chart).Notes)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// new
}

// Lookups counts the index lookups of every Load: one per distinct key,
// however many rows share it.
func ExampleInclude_Lookups() {
	s, done := openClinic()
	defer done()
	inc, err := relations.NewInclude[Appointment](s, relations.With("patient"))
	if err != nil {
		log.Fatal(err)
	}
	appts := []Appointment{getRow[Appointment](s, 1), getRow[Appointment](s, 2), getRow[Appointment](s, 3)}
	if _, err := inc.Load(context.Background(), appts); err != nil {
		log.Fatal(err)
	}
	fmt.Println("3 appointments, lookups:", inc.Lookups())
	// Output:
	// 3 appointments, lookups: 2
}

// IncludeTx.Load is Include.Load inside a transaction.
func ExampleIncludeTx_Load() {
	s, done := openClinic()
	defer done()
	inc, err := relations.NewInclude[Ward](s, relations.With("pictures"))
	if err != nil {
		log.Fatal(err)
	}
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		nodes, err := inc.In(tx).Load([]Ward{{ID: 1, Name: "East"}})
		if err != nil {
			return err
		}
		for _, p := range relations.Rows[Picture](nodes[0].Many("pictures")) {
			fmt.Println(p.URL)
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// east.png
}

// With nests includes; a scope's Limit applies per row.
func ExampleWith() {
	inc := relations.With("patients", relations.With("chart"))
	inc.Scope.Limit = 1
	b, err := json.Marshal(filter.Filter{Include: []filter.Include{inc}})
	fmt.Println(string(b), err)
	// Output:
	// {"include":[{"relation":"patients","scope":{"limit":1,"include":["chart"]}}]} <nil>
}

// Rows returns the rows of nodes as values of their Go type.
func ExampleRows() {
	s, done := openClinic()
	defer done()
	inc, err := relations.NewInclude[Physician](s, relations.With("patients"))
	if err != nil {
		log.Fatal(err)
	}
	nodes, err := inc.Load(context.Background(), []Physician{{ID: 1}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(names(relations.Rows[Patient](nodes[0].Many("patients")), patientName))
	// Output:
	// [Ann Bob]
}

// Many and One read a node's included relations; Relations names them.
func ExampleNode_Many() {
	s, done := openClinic()
	defer done()
	inc, err := relations.NewInclude[Patient](s, relations.With("pictures"), relations.With("chart"))
	if err != nil {
		log.Fatal(err)
	}
	nodes, err := inc.Load(context.Background(), []Patient{{ID: 1}, {ID: 3}})
	if err != nil {
		log.Fatal(err)
	}
	for _, n := range nodes {
		fmt.Println(n.Relations(), len(n.Many("pictures")), n.One("chart") != nil)
	}
	// Output:
	// [pictures chart] 2 true
	// [pictures chart] 0 false
}

// One returns the node of an included belongsTo, hasOne or polymorphic
// relation, nil when the row has none.
func ExampleNode_One() {
	s, done := openClinic()
	defer done()
	inc, err := relations.NewInclude[Picture](s, relations.With("imageable"))
	if err != nil {
		log.Fatal(err)
	}
	nodes, err := inc.Load(context.Background(), []Picture{getRow[Picture](s, 1), getRow[Picture](s, 3)})
	if err != nil {
		log.Fatal(err)
	}
	for _, n := range nodes {
		fmt.Printf("%T\n", n.One("imageable").Row)
	}
	// Output:
	// relations_test.Patient
	// relations_test.Ward
}

// Relations names the relations included for a node, in the include's
// order.
func ExampleNode_Relations() {
	s, done := openClinic()
	defer done()
	inc, err := relations.NewInclude[Physician](s, relations.With("specialties"), relations.With("patients"))
	if err != nil {
		log.Fatal(err)
	}
	nodes, err := inc.Load(context.Background(), []Physician{{ID: 2}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(nodes[0].Relations())
	// Output:
	// [specialties patients]
}

// Name and Lookups of a hasOne.
func ExampleHasOne_Name() {
	s, done := openClinic()
	defer done()
	chart, err := relations.NewHasOne[Patient, Chart](s, "chart")
	if err != nil {
		log.Fatal(err)
	}
	if _, _, err := chart.Get(context.Background(), Patient{ID: 1}); err != nil {
		log.Fatal(err)
	}
	fmt.Println(chart.Name(), chart.Lookups())
	// Output:
	// chart 1
}

// Lookups counts the store reads a hasOne made; a cached child costs none.
func ExampleHasOne_Lookups() {
	s, done := openClinic()
	defer done()
	chart, err := relations.NewHasOne[Patient, Chart](s, "chart")
	if err != nil {
		log.Fatal(err)
	}
	for range 3 {
		if _, _, err := chart.Get(context.Background(), Patient{ID: 1}); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(chart.Lookups())
	// Output:
	// 1
}

// The HasOneTx methods inside one transaction.
func ExampleHasOneTx_Create() {
	s, done := openClinic()
	defer done()
	chart, err := relations.NewHasOne[Patient, Chart](s, "chart")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := chart.In(tx)
		c := Chart{Notes: "x-ray"}
		if err := in.Create(Patient{ID: 2}, &c); err != nil {
			return err
		}
		got, ok, err := in.Get(Patient{ID: 2})
		fmt.Println(c.ID, got.Notes, ok, err)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 2 x-ray true <nil>
}

// Get reads the owner's child inside a transaction.
func ExampleHasOneTx_Get() {
	s, done := openClinic()
	defer done()
	chart, err := relations.NewHasOne[Patient, Chart](s, "chart")
	if err != nil {
		log.Fatal(err)
	}
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		c, ok, err := chart.In(tx).Get(Patient{ID: 1})
		fmt.Println(c.Notes, ok)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// healthy true
}

// Delete deletes the owner's child inside a transaction.
func ExampleHasOneTx_Delete() {
	s, done := openClinic()
	defer done()
	chart, err := relations.NewHasOne[Patient, Chart](s, "chart")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := chart.In(tx)
		if err := in.Delete(Patient{ID: 1}); err != nil {
			return err
		}
		err := in.Delete(Patient{ID: 1})
		fmt.Println(errors.Is(err, relations.ErrEmpty))
		return nil
	})
	fmt.Println(err)
	// Output:
	// true
	// <nil>
}

// Include reads the children of many owners inside a transaction.
func ExampleHasOneTx_Include() {
	s, done := openClinic()
	defer done()
	chart, err := relations.NewHasOne[Patient, Chart](s, "chart")
	if err != nil {
		log.Fatal(err)
	}
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		out, err := chart.In(tx).Include([]Patient{{ID: 3}, {ID: 1}})
		if err != nil {
			return err
		}
		fmt.Println(out[0] == nil, out[1].Notes)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// true healthy
}

// Name and Lookups of a hasManyThrough: two hops per owner.
func ExampleHasManyThrough_Lookups() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	if _, err := patients.List(context.Background(), Physician{ID: 1}); err != nil {
		log.Fatal(err)
	}
	fmt.Println(patients.Name(), patients.Lookups())
	// Output:
	// patients 3
}

// Name is the relation's name.
func ExampleHasManyThrough_Name() {
	s, done := openClinic()
	defer done()
	specialties, err := relations.NewHasManyThrough[Physician, Specialty, PhysicianSpecialty](s, "specialties")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(specialties.Name())
	// Output:
	// specialties
}

// Name, Targets and Lookups of a polymorphic belongsTo.
func ExamplePolymorphic_Targets() {
	s, done := openClinic()
	defer done()
	imageable, err := relations.NewPolymorphic[Picture](s, "imageable")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(imageable.Name(), imageable.Targets())
	// Output:
	// imageable [Patient Ward]
}

// Name is the relation's name.
func ExamplePolymorphic_Name() {
	s, done := openClinic()
	defer done()
	imageable, err := relations.NewPolymorphic[Picture](s, "imageable")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(imageable.Name())
	// Output:
	// imageable
}

// Lookups counts the owners read from the store.
func ExamplePolymorphic_Lookups() {
	s, done := openClinic()
	defer done()
	imageable, err := relations.NewPolymorphic[Picture](s, "imageable")
	if err != nil {
		log.Fatal(err)
	}
	if _, _, err := imageable.Get(context.Background(), getRow[Picture](s, 3)); err != nil {
		log.Fatal(err)
	}
	fmt.Println(imageable.Lookups())
	// Output:
	// 1
}

// The PolymorphicTx methods inside one transaction.
func ExamplePolymorphicTx_Create() {
	s, done := openClinic()
	defer done()
	imageable, err := relations.NewPolymorphic[Picture](s, "imageable")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		pic := Picture{URL: "south.png"}
		south := Ward{Name: "South"}
		err := imageable.In(tx).Create(&pic, &south)
		fmt.Println(err, pic.ImageableType, *pic.ImageableID == south.ID)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// <nil> Ward true
}

// Get reads a source's owner inside a transaction.
func ExamplePolymorphicTx_Get() {
	s, done := openClinic()
	defer done()
	imageable, err := relations.NewPolymorphic[Picture](s, "imageable")
	if err != nil {
		log.Fatal(err)
	}
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		owner, ok, err := imageable.In(tx).Get(getRow[Picture](s, 1))
		fmt.Printf("%T %v\n", owner, ok)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// relations_test.Patient true
}

// Include reads the owners of many sources inside a transaction.
func ExamplePolymorphicTx_Include() {
	s, done := openClinic()
	defer done()
	imageable, err := relations.NewPolymorphic[Picture](s, "imageable")
	if err != nil {
		log.Fatal(err)
	}
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		owners, err := imageable.In(tx).Include([]Picture{getRow[Picture](s, 3), getRow[Picture](s, 1)})
		for _, o := range owners {
			fmt.Printf("%T\n", o)
		}
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// relations_test.Ward
	// relations_test.Patient
}

// Set re-points a source inside a transaction; Unset clears it.
func ExamplePolymorphicTx_Set() {
	s, done := openClinic()
	defer done()
	imageable, err := relations.NewPolymorphic[Picture](s, "imageable")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		pic := getRow[Picture](s, 3)
		err := imageable.In(tx).Set(&pic, Patient{ID: 2})
		fmt.Println(err, pic.ImageableType, *pic.ImageableID)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// <nil> Patient 2
}

// Unset clears a source's foreign key inside a transaction.
func ExamplePolymorphicTx_Unset() {
	s, done := openClinic()
	defer done()
	imageable, err := relations.NewPolymorphic[Picture](s, "imageable")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		pic := getRow[Picture](s, 1)
		err := imageable.In(tx).Unset(&pic)
		fmt.Println(err, pic.ImageableID == nil)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// <nil> true
}

// Add links a far row to the owner inside a transaction.
func ExampleThroughTx_Add() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := patients.In(tx)
		if err := in.Add(Physician{ID: 2}, Patient{ID: 3}, &Appointment{Date: "sun"}); err != nil {
			return err
		}
		list, err := in.List(Physician{ID: 2})
		fmt.Println(names(list, patientName))
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// [Ann Cy]
}

// Create inserts a far row and links it inside a transaction.
func ExampleThroughTx_Create() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := patients.In(tx)
		dee := Patient{Name: "Dee"}
		if err := in.Create(Physician{ID: 1}, &dee, nil); err != nil {
			return err
		}
		n, err := in.Count(Physician{ID: 1})
		fmt.Println(dee.ID, n)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 4 3
}

// Count is the number of far rows linked to the owner.
func ExampleThroughTx_Count() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := patients.In(tx)
		n, err := in.Count(Physician{ID: 1})
		fmt.Println(n)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 2
}

// Exists reports whether a far row is linked to the owner.
func ExampleThroughTx_Exists() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := patients.In(tx)
		ok, err := in.Exists(Physician{ID: 2}, Patient{ID: 1})
		fmt.Println(ok)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// true
}

// Find runs a filter on the owner's far rows inside a transaction.
func ExampleThroughTx_Find() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := patients.In(tx)
		list, err := in.Find(Physician{ID: 1}, filter.Filter{Order: []filter.Order{filter.Desc("Name")}, Limit: 1})
		fmt.Println(names(list, patientName))
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// [Bob]
}

// Include reads the far rows of many owners.
func ExampleThroughTx_Include() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := patients.In(tx)
		out, err := in.Include([]Physician{{ID: 1}, {ID: 2}})
		for _, ps := range out {
			fmt.Println(names(ps, patientName))
		}
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// [Ann Bob]
	// [Ann]
}

// Links returns the owner's link rows.
func ExampleThroughTx_Links() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := patients.In(tx)
		links, err := in.Links(Physician{ID: 2})
		for _, a := range links {
			fmt.Println(a.PatientID, a.Date)
		}
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 1 wed
}

// List returns the owner's far rows.
func ExampleThroughTx_List() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := patients.In(tx)
		list, err := in.List(Physician{ID: 1})
		fmt.Println(names(list, patientName))
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// [Ann Bob]
}

// Remove deletes the links between the owner and a far row.
func ExampleThroughTx_Remove() {
	s, done := openClinic()
	defer done()
	patients, err := relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := patients.In(tx)
		n, err := in.Remove(Physician{ID: 1}, Patient{ID: 1})
		if err != nil {
			return err
		}
		left, err := in.Count(Physician{ID: 1})
		fmt.Println(n, left)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 1 1
}
