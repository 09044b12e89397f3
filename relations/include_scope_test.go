package relations_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// newScopedClinic is newClinic with a row more of each kind: House also
// sees Cy (appointment 4, "thu"), Cy has a chart ("sick") and a picture.
func newScopedClinic(t testing.TB) *clinic {
	t.Helper()
	k := newClinic(t)
	three := int64(3)
	mustUpdateS(t, k.s, func(tx *memstore.Tx) error {
		for _, v := range []any{
			&Appointment{PhysicianID: 2, PatientID: 3, Date: "thu"}, &Chart{PatientID: 3, Notes: "sick"},
			&Picture{ImageableID: &three, ImageableType: "Patient", URL: "cy.png"},
		} {
			if err := tx.Insert(v); err != nil {
				return err
			}
		}
		return nil
	})
	return k
}

// loadTyped loads incs for every row of T with NewInclude[T] and returns
// the nodes' JSON and the include's lookups.
func loadTyped[T any](t testing.TB, s *memstore.Store, incs []filter.Include) (string, int64) {
	t.Helper()
	tab := must(memstore.TableOf[T, int64](s))(t)
	var rows []T
	mustViewS(t, s, func(tx *memstore.Tx) error {
		seq, err := tab.Scan(tx)
		for _, r := range seq {
			rows = append(rows, r)
		}
		return err
	})
	inc := must(relations.NewInclude[T](s, incs...))(t)
	nodes := must(inc.Load(context.Background(), rows))(t)
	return string(must(json.Marshal(nodes))(t)), inc.Lookups()
}

// loadByName is loadTyped by model name, rows as any.
func loadByName(t testing.TB, s *memstore.Store, model string, incs []filter.Include) (string, int64) {
	t.Helper()
	var rows []any
	mustViewS(t, s, func(tx *memstore.Tx) error {
		rows = must(tx.Find(model, filter.Filter{}))(t)
		return nil
	})
	inc := must(relations.NewIncludeOf(s, model, incs))(t)
	nodes := must(inc.Load(context.Background(), rows))(t)
	return string(must(json.Marshal(nodes))(t)), inc.Lookups()
}

func mustViewS(t testing.TB, s *memstore.Store, fn func(tx *memstore.Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// TestIncludeScopes: a scope's where, order, skip and limit apply to the
// related rows of each row, for every relation kind, in the typed and the
// by-name forms alike, and make no lookup of their own: each level looks
// up each distinct key once, and a nested level only the keys of the rows
// the scope above kept.
func TestIncludeScopes(t *testing.T) {
	k := newScopedClinic(t)
	parsed := func(spec string) []filter.Include {
		f, err := filter.Parse([]byte(spec))
		if err != nil {
			t.Fatal(err)
		}
		return f.Include
	}
	for _, tc := range []struct {
		name    string
		model   string
		typed   func(testing.TB, *memstore.Store, []filter.Include) (string, int64)
		inc     []filter.Include
		want    string
		lookups int64
	}{
		{
			"hasMany: where and order per owner", "Physician", loadTyped[Physician],
			[]filter.Include{{Relation: "appointments", Scope: filter.Filter{Where: filter.Neq("Date", "mon"), Order: []filter.Order{filter.Desc("Date")}}}},
			`[{"ID":1,"Name":"Grey","appointments":[{"ID":2,"PhysicianID":1,"PatientID":2,"Date":"tue"}]},` +
				`{"ID":2,"Name":"House","appointments":[{"ID":3,"PhysicianID":2,"PatientID":1,"Date":"wed"},{"ID":4,"PhysicianID":2,"PatientID":3,"Date":"thu"}]}]`,
			2, // one per physician
		},
		{
			"through: where, order and limit per owner", "Physician", loadTyped[Physician],
			[]filter.Include{{Relation: "patients", Scope: filter.Filter{Where: filter.Neq("Name", "Bob"), Order: []filter.Order{filter.Desc("Name")}, Limit: 1}}},
			`[{"ID":1,"Name":"Grey","patients":[{"ID":1,"Name":"Ann"}]},{"ID":2,"Name":"House","patients":[{"ID":3,"Name":"Cy"}]}]`,
			5, // the links of 2 physicians, 3 distinct patients
		},
		{
			"through: the same, parsed from LoopBack's JSON", "Physician", loadTyped[Physician],
			parsed(`{"include":{"relation":"patients","scope":{"where":{"Name":{"neq":"Bob"}},"order":"Name DESC","limit":1}}}`),
			`[{"ID":1,"Name":"Grey","patients":[{"ID":1,"Name":"Ann"}]},{"ID":2,"Name":"House","patients":[{"ID":3,"Name":"Cy"}]}]`,
			5,
		},
		{
			"through: skip per owner", "Physician", loadTyped[Physician],
			[]filter.Include{{Relation: "patients", Scope: filter.Filter{Order: []filter.Order{filter.Desc("ID")}, Skip: 1}}},
			`[{"ID":1,"Name":"Grey","patients":[{"ID":1,"Name":"Ann"}]},{"ID":2,"Name":"House","patients":[{"ID":1,"Name":"Ann"}]}]`,
			5,
		},
		{
			"hasOne: the child only if the where selects it", "Patient", loadTyped[Patient],
			[]filter.Include{{Relation: "chart", Scope: filter.Filter{Where: filter.Eq("Notes", "sick")}}},
			`[{"ID":1,"Name":"Ann","chart":null},{"ID":2,"Name":"Bob","chart":null},{"ID":3,"Name":"Cy","chart":{"ID":2,"PatientID":3,"Notes":"sick"}}]`,
			3,
		},
		{
			"belongsTo: the owner only if the where selects it", "Appointment", loadTyped[Appointment],
			[]filter.Include{{Relation: "patient", Scope: filter.Filter{Where: filter.Inq("Name", "Ann", "Cy"), Order: []filter.Order{filter.Asc("Name")}}}},
			`[{"ID":1,"PhysicianID":1,"PatientID":1,"Date":"mon","patient":{"ID":1,"Name":"Ann"}},` +
				`{"ID":2,"PhysicianID":1,"PatientID":2,"Date":"tue","patient":null},` +
				`{"ID":3,"PhysicianID":2,"PatientID":1,"Date":"wed","patient":{"ID":1,"Name":"Ann"}},` +
				`{"ID":4,"PhysicianID":2,"PatientID":3,"Date":"thu","patient":{"ID":3,"Name":"Cy"}}]`,
			3, // 3 distinct patients, Bob's looked up and left out
		},
		{
			"polymorphic belongsTo: the where bound to each target", "Picture", loadTyped[Picture],
			[]filter.Include{{Relation: "imageable", Scope: filter.Filter{Where: filter.Inq("Name", "Cy", "East")}}},
			`[{"ID":1,"ImageableID":1,"ImageableType":"Patient","URL":"ann.png","imageable":null},` +
				`{"ID":2,"ImageableID":1,"ImageableType":"Patient","URL":"ann2.png","imageable":null},` +
				`{"ID":3,"ImageableID":1,"ImageableType":"Ward","URL":"east.png","imageable":{"ID":1,"Name":"East"}},` +
				`{"ID":4,"ImageableID":3,"ImageableType":"Patient","URL":"cy.png","imageable":{"ID":3,"Name":"Cy"}}]`,
			3, // Patient 1, Ward 1, Patient 3
		},
		{
			"hasMany of a polymorphic belongsTo: order and limit per owner", "Patient", loadTyped[Patient],
			[]filter.Include{{Relation: "pictures", Scope: filter.Filter{Order: []filter.Order{filter.Desc("URL")}, Limit: 1}}},
			`[{"ID":1,"Name":"Ann","pictures":[{"ID":2,"ImageableID":1,"ImageableType":"Patient","URL":"ann2.png"}]},` +
				`{"ID":2,"Name":"Bob","pictures":[]},` +
				`{"ID":3,"Name":"Cy","pictures":[{"ID":4,"ImageableID":3,"ImageableType":"Patient","URL":"cy.png"}]}]`,
			3,
		},
		{
			"nested: a level reads only the rows the scope above kept", "Physician", loadTyped[Physician],
			[]filter.Include{relations.With("patients", filter.Include{Relation: "pictures", Scope: filter.Filter{
				Where: filter.Like("URL", "%.png"), Order: []filter.Order{filter.Desc("URL")}}})},
			`[{"ID":1,"Name":"Grey","patients":[{"ID":1,"Name":"Ann","pictures":[{"ID":2,"ImageableID":1,"ImageableType":"Patient","URL":"ann2.png"},{"ID":1,"ImageableID":1,"ImageableType":"Patient","URL":"ann.png"}]},{"ID":2,"Name":"Bob","pictures":[]}]},` +
				`{"ID":2,"Name":"House","patients":[{"ID":1,"Name":"Ann","pictures":[{"ID":2,"ImageableID":1,"ImageableType":"Patient","URL":"ann2.png"},{"ID":1,"ImageableID":1,"ImageableType":"Patient","URL":"ann.png"}]},{"ID":3,"Name":"Cy","pictures":[{"ID":4,"ImageableID":3,"ImageableType":"Patient","URL":"cy.png"}]}]}]`,
			8, // level 1: 2 physicians' links, 3 patients; level 2: 3 patients' pictures
		},
		{
			"fields: the nodes' JSON has only those (and the relations included below)", "Physician", loadTyped[Physician],
			[]filter.Include{{Relation: "patients", Scope: filter.Filter{Fields: filter.Fields{Names: []string{"Name"}}, Include: []filter.Include{
				{Relation: "chart", Scope: filter.Filter{Fields: filter.Fields{Names: []string{"ID", "PatientID"}, Exclude: true}}}}}}},
			`[{"ID":1,"Name":"Grey","patients":[{"Name":"Ann","chart":{"Notes":"healthy"}},{"Name":"Bob","chart":null}]},` +
				`{"ID":2,"Name":"House","patients":[{"Name":"Ann","chart":{"Notes":"healthy"}},{"Name":"Cy","chart":{"Notes":"sick"}}]}]`,
			8,
		},
		{
			"fields of each target of a polymorphic belongsTo", "Picture", loadTyped[Picture],
			[]filter.Include{{Relation: "imageable", Scope: filter.Filter{Fields: filter.Fields{Names: []string{"ID"}, Exclude: true}}}},
			`[{"ID":1,"ImageableID":1,"ImageableType":"Patient","URL":"ann.png","imageable":{"Name":"Ann"}},` +
				`{"ID":2,"ImageableID":1,"ImageableType":"Patient","URL":"ann2.png","imageable":{"Name":"Ann"}},` +
				`{"ID":3,"ImageableID":1,"ImageableType":"Ward","URL":"east.png","imageable":{"Name":"East"}},` +
				`{"ID":4,"ImageableID":3,"ImageableType":"Patient","URL":"cy.png","imageable":{"Name":"Cy"}}]`,
			3,
		},
		{
			"nested below a scoped level", "Physician", loadTyped[Physician],
			[]filter.Include{{Relation: "patients", Scope: filter.Filter{Where: filter.Neq("Name", "Bob"), Include: []filter.Include{
				{Relation: "chart", Scope: filter.Filter{Where: filter.Eq("Notes", "healthy")}}}}}},
			`[{"ID":1,"Name":"Grey","patients":[{"ID":1,"Name":"Ann","chart":{"ID":1,"PatientID":1,"Notes":"healthy"}}]},` +
				`{"ID":2,"Name":"House","patients":[{"ID":1,"Name":"Ann","chart":{"ID":1,"PatientID":1,"Notes":"healthy"}},{"ID":3,"Name":"Cy","chart":null}]}]`,
			7, // level 1: 2 + 3; level 2: the charts of Ann and Cy, not Bob's
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, n := tc.typed(t, k.s, tc.inc)
			if got != tc.want {
				t.Errorf("typed JSON =\n%s\nwant\n%s", got, tc.want)
			}
			if n != tc.lookups {
				t.Errorf("typed lookups = %d, want %d", n, tc.lookups)
			}
			got, n = loadByName(t, k.s, tc.model, tc.inc)
			if got != tc.want {
				t.Errorf("by-name JSON =\n%s\nwant\n%s", got, tc.want)
			}
			if n != tc.lookups {
				t.Errorf("by-name lookups = %d, want %d", n, tc.lookups)
			}
		})
	}
}

// TestIncludeScopeInTx: a scoped include inside an Update sees the
// transaction's own writes.
func TestIncludeScopeInTx(t *testing.T) {
	k := newScopedClinic(t)
	inc := must(relations.NewInclude[Physician](k.s, filter.Include{Relation: "patients", Scope: filter.Filter{Where: filter.Like("Name", "D%")}}))(t)
	errRollback := errors.New("roll back")
	err := k.s.Update(context.Background(), func(tx *memstore.Tx) error {
		grey := Physician{ID: 1, Name: "Grey"}
		if err := k.patients.In(tx).Create(grey, &Patient{Name: "Dee"}, nil); err != nil {
			return err
		}
		nodes, err := inc.In(tx).Load([]Physician{grey})
		if err != nil {
			return err
		}
		if got := relations.Rows[Patient](nodes[0].Many("patients")); len(got) != 1 || got[0].Name != "Dee" {
			t.Errorf("patients named D%% in the Update = %v, want [Dee]", got)
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
}

// TestIncludeScopeRefusals: a scope the related model cannot take is
// refused when the include is bound, with ErrInvalid and an error that
// names the include's path and the filter's.
func TestIncludeScopeRefusals(t *testing.T) {
	k := newScopedClinic(t)
	for _, tc := range []struct {
		name  string
		model string
		inc   []filter.Include
		paths []string // in the message
		path  string   // the *filter.Error's Path, when the filter's binding refused it
	}{
		{"an unknown field in a where", "Physician",
			[]filter.Include{{Relation: "patients", Scope: filter.Filter{Where: filter.Eq("Nme", "Ann")}}},
			[]string{"include[0].scope", `unknown field "Nme" of Patient`}, "where.Nme"},
		{"an unknown field in a nested order", "Physician",
			[]filter.Include{relations.With("appointments"), relations.With("patients", filter.Include{Relation: "pictures", Scope: filter.Filter{Order: []filter.Order{filter.Asc("Size")}}})},
			[]string{"include[1].scope.include[0].scope", `unknown field "Size" of Picture`}, "order[0]"},
		{"a value the field cannot hold", "Appointment",
			[]filter.Include{{Relation: "patient", Scope: filter.Filter{Where: filter.Gt("ID", "two")}}},
			[]string{"include[0].scope"}, "where.ID.gt"},
		{"a field a polymorphic target lacks", "Picture",
			[]filter.Include{{Relation: "imageable", Scope: filter.Filter{Where: filter.Eq("Notes", "x")}}},
			[]string{"include[0].scope", `unknown field "Notes"`}, "where.Notes"},
		{"an unknown field in fields", "Physician",
			[]filter.Include{{Relation: "patients", Scope: filter.Filter{Fields: filter.Fields{Names: []string{"Name", "Age"}}}}},
			[]string{"include[0].scope", `unknown field "Age" of Patient`}, "fields[1]"},
		{"a limit on a belongsTo", "Appointment",
			[]filter.Include{{Relation: "patient", Scope: filter.Filter{Where: filter.Eq("Name", "Ann"), Limit: 1}}},
			[]string{"include[0].scope", "not to a belongsTo"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := relations.NewIncludeOf(k.s, tc.model, tc.inc)
			if !errors.Is(err, memstore.ErrInvalid) {
				t.Fatalf("NewIncludeOf = %v, want ErrInvalid", err)
			}
			for _, p := range tc.paths {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("NewIncludeOf = %v, want it to name %q", err, p)
				}
			}
			var fe *filter.Error
			if tc.path != "" && (!errors.As(err, &fe) || fe.Path != tc.path) {
				t.Errorf("NewIncludeOf = %v, want a *filter.Error at %q", err, tc.path)
			}
		})
	}
}

// TestThroughFind: a through Find applies a whole filter to the far rows
// of one owner, inside or outside a transaction, with one lookup for the
// links and one per far row.
func TestThroughFind(t *testing.T) {
	ctx := context.Background()
	k := newScopedClinic(t)
	house := Physician{ID: 2, Name: "House"}
	for _, tc := range []struct {
		name string
		f    filter.Filter
		want []string
	}{
		{"no filter", filter.Filter{}, []string{"Ann", "Cy"}},
		{"where", filter.Filter{Where: filter.Neq("Name", "Ann")}, []string{"Cy"}},
		{"order", filter.Filter{Order: []filter.Order{filter.Desc("Name")}}, []string{"Cy", "Ann"}},
		{"skip and limit", filter.Filter{Order: []filter.Order{filter.Desc("Name")}, Skip: 1, Limit: 1}, []string{"Ann"}},
		{"after", filter.Filter{Order: []filter.Order{filter.Desc("Name")}, After: []any{"Cy", 3}}, []string{"Ann"}},
		{"none", filter.Filter{Where: filter.Eq("Name", "Bob")}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := k.patients.Lookups()
			got, err := k.patients.Find(ctx, house, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if names := names(got, patientName); got == nil || strings.Join(names, ",") != strings.Join(tc.want, ",") {
				t.Errorf("Find = %#v, want %v", names, tc.want)
			}
			if n := k.patients.Lookups() - before; n != 3 {
				t.Errorf("lookups = %d, want 3 (House's links, Ann, Cy)", n)
			}
		})
	}
	t.Run("refusals", func(t *testing.T) {
		_, err := k.patients.Find(ctx, house, filter.Filter{Where: filter.Eq("Nme", "Ann")})
		var fe *filter.Error
		if !errors.Is(err, memstore.ErrInvalid) || !errors.As(err, &fe) || fe.Path != "where.Nme" {
			t.Errorf("Find with an unknown field = %v, want ErrInvalid at where.Nme", err)
		}
		if _, err := k.patients.Find(ctx, house, filter.Filter{Limit: -1}); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("Find with a negative limit = %v, want ErrInvalid", err)
		}
		if _, err := k.patients.Find(nil, house, filter.Filter{}); !errors.Is(err, memstore.ErrInvalid) { //nolint:staticcheck // a nil context is refused
			t.Errorf("Find with a nil context = %v, want ErrInvalid", err)
		}
	})
	t.Run("in a transaction", func(t *testing.T) {
		errRollback := errors.New("roll back")
		err := k.s.Update(ctx, func(tx *memstore.Tx) error {
			if err := k.patients.In(tx).Create(house, &Patient{Name: "Dee"}, nil); err != nil {
				return err
			}
			got, err := k.patients.In(tx).Find(house, filter.Filter{Where: filter.Neq("Name", "Ann"), Order: []filter.Order{filter.Asc("Name")}})
			if err != nil {
				return err
			}
			if n := names(got, patientName); strings.Join(n, ",") != "Cy,Dee" {
				t.Errorf("Find in the Update = %v, want [Cy Dee]", n)
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		if got, _ := k.patients.Find(ctx, house, filter.Filter{}); len(got) != 2 {
			t.Errorf("after the rollback House sees %v", names(got, patientName))
		}
	})
}

// TestIncludeScopeFieldsJSON: a scope's fields name fields by Go or json
// tag name, and the node's JSON is encoding/json's own, tags and
// omitempty included, less the fields left out.
func TestIncludeScopeFieldsJSON(t *testing.T) {
	type (
		Shelf struct {
			ID int64    `json:"id"`
			_  struct{} `relstore:"hasMany=Tome,as=tomes"`
		}
		Tome struct {
			ID      int64  `json:"id"`
			ShelfID int64  `json:"shelfId" relstore:"belongsTo=Shelf"`
			Title   string `json:"title,omitempty"`
			Pages   int    `json:"pages,string"`
		}
	)
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Shelf](), memstore.ModelOf[Tome]()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	mustUpdateS(t, s, func(tx *memstore.Tx) error {
		for _, v := range []any{Shelf{ID: 1}, Tome{ID: 1, ShelfID: 1, Title: "Ubik", Pages: 202}, Tome{ID: 2, ShelfID: 1, Pages: 9}} {
			if err := tx.Insert(v); err != nil {
				return err
			}
		}
		return nil
	})
	for _, tc := range []struct {
		name   string
		fields filter.Fields
		want   string
	}{
		{"by json name", filter.Fields{Names: []string{"title", "pages"}}, `[{"id":1,"tomes":[{"title":"Ubik","pages":"202"},{"pages":"9"}]}]`},
		{"by Go name", filter.Fields{Names: []string{"Title"}}, `[{"id":1,"tomes":[{"title":"Ubik"},{}]}]`},
		{"excluded", filter.Fields{Names: []string{"id", "shelfId"}, Exclude: true}, `[{"id":1,"tomes":[{"title":"Ubik","pages":"202"},{"pages":"9"}]}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inc := must(relations.NewInclude[Shelf](s, filter.Include{Relation: "tomes", Scope: filter.Filter{Fields: tc.fields}}))(t)
			nodes := must(inc.Load(context.Background(), []Shelf{{ID: 1}}))(t)
			if got := string(must(json.Marshal(nodes))(t)); got != tc.want {
				t.Errorf("JSON = %s, want %s", got, tc.want)
			}
			if tome := nodes[0].Many("tomes")[0].Row.(Tome); tome.ShelfID != 1 {
				t.Errorf("Row = %+v, want the whole row", tome)
			}
		})
	}
}

// TestIncludeOfUnknownModel: an include by name of a model the store does
// not have is refused when it is bound, with or without relations to
// include, and lists the models that exist.
func TestIncludeOfUnknownModel(t *testing.T) {
	k := newScopedClinic(t)
	for _, incs := range [][]filter.Include{nil, {relations.With("patients")}} {
		_, err := relations.NewIncludeOf(k.s, "Physicians", incs)
		if !errors.Is(err, memstore.ErrInvalid) || !strings.Contains(err.Error(), `"Physicians"`) || !strings.Contains(err.Error(), "Physician") {
			t.Errorf("NewIncludeOf(Physicians, %d includes) = %v, want ErrInvalid naming the model and listing the models", len(incs), err)
		}
	}
}
