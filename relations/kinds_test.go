package relations_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// clinic is openClinic's store with every accessor of the clinic.
type clinic struct {
	s            *memstore.Store
	c            *cache.Cache
	patient      *relations.BelongsTo[Chart, Patient]
	physician    *relations.BelongsTo[Appointment, Physician]
	appointments *relations.HasMany[Physician, Appointment]
	chart        *relations.HasOne[Patient, Chart]
	patients     *relations.HasManyThrough[Physician, Patient, Appointment]
	doctorsOf    *relations.HasMany[Patient, Appointment] // the belongsTo's name: "patient"
	imageable    *relations.Polymorphic[Picture]
	pictures     *relations.HasMany[Patient, Picture]
	wardPictures *relations.HasMany[Ward, Picture]
}

func newClinic(t testing.TB) *clinic {
	t.Helper()
	s, done := openClinic()
	t.Cleanup(done)
	k := &clinic{s: s, c: s.Cache().(*cache.Cache)}
	k.patient = must(relations.NewBelongsTo[Chart, Patient](s, "patient"))(t)
	k.physician = must(relations.NewBelongsTo[Appointment, Physician](s, "physician"))(t)
	k.appointments = must(relations.NewHasMany[Physician, Appointment](s, "appointments"))(t)
	k.chart = must(relations.NewHasOne[Patient, Chart](s, "chart"))(t)
	k.patients = must(relations.NewHasManyThrough[Physician, Patient, Appointment](s, "patients"))(t)
	k.doctorsOf = must(relations.NewHasMany[Patient, Appointment](s, "patient"))(t)
	k.imageable = must(relations.NewPolymorphic[Picture](s, "imageable"))(t)
	k.pictures = must(relations.NewHasMany[Patient, Picture](s, "pictures"))(t)
	k.wardPictures = must(relations.NewHasMany[Ward, Picture](s, "pictures"))(t)
	return k
}

func (k *clinic) dump(t testing.TB) memstore.Dump {
	t.Helper()
	var d memstore.Dump
	err := k.s.View(context.Background(), func(tx *memstore.Tx) error {
		var err error
		d, err = tx.Dump()
		if err != nil {
			return err
		}
		return tx.CheckIntegrity()
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var cmpClinic = cmp.AllowUnexported(Physician{}, Patient{}, Ward{})

// TestTxForms runs every kind's Tx form inside one Update: each sees the
// writes made before it in the transaction, by tables or by other
// accessors, and a rollback leaves the store as it was.
func TestTxForms(t *testing.T) {
	ctx := context.Background()
	k := newClinic(t)
	before := k.dump(t)
	inc := must(relations.NewInclude[Physician](k.s, relations.With("patients", relations.With("chart"), relations.With("pictures"))))(t)
	errRollback := errors.New("roll back")
	var steps []string
	err := k.s.Update(ctx, func(tx *memstore.Tx) error {
		step := func(name string, err error) error {
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			steps = append(steps, name)
			return nil
		}
		// A physician and a patient, written by the accessors.
		quinn := Physician{Name: "Quinn"}
		if err := tx.Insert(&quinn); err != nil {
			return err
		}
		dee := Patient{Name: "Dee"}
		appt := Appointment{Date: "sun"}
		if err := step("through Create", k.patients.In(tx).Create(quinn, &dee, &appt)); err != nil {
			return err
		}
		list, err := k.patients.In(tx).List(quinn)
		if err := step("through List", err); err != nil {
			return err
		}
		if len(list) != 1 || list[0].Name != "Dee" {
			return fmt.Errorf("through List = %v, want [Dee]", list)
		}
		if ok, err := k.patients.In(tx).Exists(quinn, dee); !ok || err != nil {
			return fmt.Errorf("through Exists = %v, %v", ok, err)
		}
		chart := Chart{Notes: "new"}
		if err := step("hasOne Create", k.chart.In(tx).Create(dee, &chart)); err != nil {
			return err
		}
		c, ok, err := k.chart.In(tx).Get(dee)
		if err := step("hasOne Get", err); err != nil {
			return err
		}
		if !ok || c.Notes != "new" {
			return fmt.Errorf("hasOne Get = %v, %v", c, ok)
		}
		p, ok, err := k.patient.In(tx).Get(chart)
		if err := step("belongsTo Get", err); err != nil || !ok || p.Name != "Dee" {
			return fmt.Errorf("belongsTo Get = %v, %v, %v", p, ok, err)
		}
		pic := Picture{URL: "dee.png"}
		if err := step("polymorphic Create", k.imageable.In(tx).Create(&pic, &Ward{Name: "West"})); err != nil {
			return err
		}
		if err := step("polymorphic Set", k.imageable.In(tx).Set(&pic, dee)); err != nil {
			return err
		}
		owner, ok, err := k.imageable.In(tx).Get(pic)
		if err := step("polymorphic Get", err); err != nil || !ok || owner.(Patient).Name != "Dee" {
			return fmt.Errorf("polymorphic Get = %v, %v, %v", owner, ok, err)
		}
		n, err := k.appointments.In(tx).Count(quinn)
		if err := step("hasMany Count", err); err != nil || n != 1 {
			return fmt.Errorf("hasMany Count = %d, %v", n, err)
		}
		nodes, err := inc.In(tx).Load([]Physician{quinn})
		if err := step("include Load", err); err != nil {
			return err
		}
		got, _ := json.Marshal(nodes)
		want := `[{"ID":3,"Name":"Quinn","patients":[{"ID":4,"Name":"Dee","chart":{"ID":2,"PatientID":4,"Notes":"new"},"pictures":[{"ID":4,"ImageableID":4,"ImageableType":"Patient","URL":"dee.png"}]}]}]`
		if string(got) != want {
			return fmt.Errorf("include Load = %s, want %s", got, want)
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("Update = %v, want the rollback (after steps %v)", err, steps)
	}
	if diff := cmp.Diff(before, k.dump(t), cmpClinic); diff != "" {
		t.Errorf("store after the rollback (-want +got):\n%s", diff)
	}
	if _, ok, _ := k.chart.Get(ctx, Patient{ID: 4}); ok {
		t.Error("a rolled-back child is visible")
	}
}

// TestTxFormsNeverTouchTheCache: reads and writes through In, in an Update
// and in a View, neither read nor fill the owner cache.
func TestTxFormsNeverTouchTheCache(t *testing.T) {
	ctx := context.Background()
	k := newClinic(t)
	chart := getRow[Chart](k.s, 1)
	pic := getRow[Picture](k.s, 1)
	m0 := k.c.Metrics()
	for _, run := range []func(context.Context, func(*memstore.Tx) error) error{k.s.View, k.s.Update} {
		err := run(ctx, func(tx *memstore.Tx) error {
			if _, _, err := k.patient.In(tx).Get(chart); err != nil {
				return err
			}
			if _, err := k.patient.In(tx).Include([]Chart{chart}); err != nil {
				return err
			}
			if _, _, err := k.chart.In(tx).Get(Patient{ID: 1}); err != nil {
				return err
			}
			if _, err := k.patients.In(tx).Include([]Physician{{ID: 1}}); err != nil {
				return err
			}
			if _, _, err := k.imageable.In(tx).Get(pic); err != nil {
				return err
			}
			_, err := k.imageable.In(tx).Include([]Picture{pic})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if m := k.c.Metrics(); m.Hits != m0.Hits || m.Misses != m0.Misses || m.Sets != m0.Sets || m.Entries != m0.Entries {
		t.Errorf("cache metrics moved: before %+v, after %+v", m0, m)
	}
	if _, st := k.patient.Cached(chart); st != relations.NotCached {
		t.Errorf("Cached after Tx-form reads = %v, want not cached", st)
	}
}

// TestTxFormsReadTheirSnapshot: in a View (and a Snapshot's View) the Tx
// forms read the transaction's snapshot, whatever commits meanwhile, and
// after a Restore the context forms read the restored state.
func TestTxFormsReadTheirSnapshot(t *testing.T) {
	ctx := context.Background()
	k := newClinic(t)
	snap, err := k.s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	chartOf := func(tx *memstore.Tx) string {
		c, ok, err := k.chart.In(tx).Get(Patient{ID: 1})
		if err != nil || !ok {
			t.Fatalf("chart.In(tx).Get = %v, %v, %v", c, ok, err)
		}
		return c.Notes
	}
	err = k.s.View(ctx, func(tx *memstore.Tx) error {
		if _, ok, _ := k.chart.Get(ctx, Patient{ID: 1}); !ok { // fills the cache
			t.Fatal("no chart")
		}
		if err := k.chart.Update(ctx, Patient{ID: 1}, Chart{ID: 1, PatientID: 1, Notes: "changed"}); err != nil {
			t.Fatal(err)
		}
		if got := chartOf(tx); got != "healthy" {
			t.Errorf("In(view).Get after a commit = %q, want the snapshot's healthy", got)
		}
		lists, err := k.patients.Include(ctx, []Physician{{ID: 1}})
		if err != nil || len(lists[0]) != 2 {
			t.Errorf("Include = %v, %v", lists, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if c, _, _ := k.chart.Get(ctx, Patient{ID: 1}); c.Notes != "changed" {
		t.Errorf("Get after the commit = %q, want changed", c.Notes)
	}
	if err := snap.View(ctx, func(tx *memstore.Tx) error {
		if got := chartOf(tx); got != "healthy" {
			t.Errorf("In(snapshot view).Get = %q, want healthy", got)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := k.s.Restore(ctx, snap); err != nil {
		t.Fatal(err)
	}
	if c, _, _ := k.chart.Get(ctx, Patient{ID: 1}); c.Notes != "healthy" {
		t.Errorf("Get after Restore = %q, want healthy", c.Notes)
	}
	if c, st := k.chart.Cached(Patient{ID: 1}); st == relations.Found && c.Notes != "healthy" {
		t.Errorf("Cached after Restore = %q, want healthy or not cached", c.Notes)
	}
}

// TestTxFormRefusals: a Tx form refuses a transaction of another store, a
// finished one, and writes in a View, with memstore's errors; a refusal of
// the accessor's own leaves the transaction usable, one of the store's
// aborts it.
func TestTxFormRefusals(t *testing.T) {
	ctx := context.Background()
	k, other := newClinic(t), newClinic(t)
	err := other.s.Update(ctx, func(tx *memstore.Tx) error {
		_, _, err := k.patient.In(tx).Get(getRow[Chart](k.s, 1))
		if !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("Get in another store's Update = %v, want ErrInvalid", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var done *memstore.Tx
	k.s.View(ctx, func(tx *memstore.Tx) error { done = tx; return nil })
	if _, err := k.appointments.In(done).List(Physician{ID: 1}); !errors.Is(err, memstore.ErrTxDone) {
		t.Errorf("List in a finished View = %v, want ErrTxDone", err)
	}
	k.s.View(ctx, func(tx *memstore.Tx) error {
		err := k.appointments.In(tx).Create(Physician{ID: 1}, &Appointment{PatientID: 3})
		if !errors.Is(err, memstore.ErrReadOnly) {
			t.Errorf("Create in a View = %v, want ErrReadOnly", err)
		}
		return nil
	})
	err = k.s.Update(ctx, func(tx *memstore.Tx) error {
		// The accessor's refusal: the transaction goes on.
		if err := k.appointments.In(tx).Create(Physician{ID: 1}, &Appointment{PhysicianID: 2, PatientID: 3}); !errors.Is(err, relations.ErrOtherOwner) {
			t.Errorf("Create of another owner's child = %v, want ErrOtherOwner", err)
		}
		if err := k.chart.In(tx).Delete(Patient{ID: 3}); !errors.Is(err, relations.ErrEmpty) {
			t.Errorf("Delete of no child = %v, want ErrEmpty", err)
		}
		if err := k.appointments.In(tx).Create(Physician{ID: 1}, &Appointment{PatientID: 3}); err != nil {
			t.Errorf("Create after the refusals = %v, want nil", err)
		}
		// The store's refusal: the transaction is aborted.
		if err := k.patients.In(tx).Add(Physician{ID: 1}, Patient{ID: 3}, nil); !errors.Is(err, memstore.ErrUnique) {
			t.Errorf("a second link of a pair = %v, want ErrUnique", err)
		}
		if _, err := k.patients.In(tx).List(Physician{ID: 1}); !errors.Is(err, memstore.ErrTxAborted) {
			t.Errorf("a read after = %v, want ErrTxAborted", err)
		}
		return nil
	})
	if !errors.Is(err, memstore.ErrUnique) {
		t.Errorf("Update = %v, want the first failed write's ErrUnique", err)
	}
}

func TestBelongsToWrites(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, cache.Config{})
	f.seed(t)
	t.Run("create the owner of a stored source", func(t *testing.T) {
		o := f.getOrder(t, 3)
		c := Customer{Name: "Di", Email: "di@x"}
		if err := f.customer.Create(ctx, &o, &c); err != nil {
			t.Fatal(err)
		}
		if c.ID != 3 || o.CustomerID != 3 || f.getOrder(t, 3).CustomerID != 3 {
			t.Errorf("after Create: customer %+v, order %+v, stored %+v", c, o, f.getOrder(t, 3))
		}
	})
	t.Run("create the owner of a new source, which is inserted", func(t *testing.T) {
		o := Order{Note: "new"}
		c := Customer{Name: "Ed", Email: "ed@x"}
		if err := f.customer.Create(ctx, &o, &c); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(Order{ID: 4, CustomerID: c.ID, Note: "new"}, f.getOrder(t, o.ID)); diff != "" {
			t.Errorf("stored order (-want +got):\n%s", diff)
		}
	})
	t.Run("a refused create writes nothing and changes no argument", func(t *testing.T) {
		o := f.getOrder(t, 1)
		c := Customer{Name: "Ann again", Email: "ann@x"} // a unique email taken
		savedO, savedC := o, c
		err := f.customer.Create(ctx, &o, &c)
		if !errors.Is(err, memstore.ErrUnique) || o != savedO || c != savedC {
			t.Errorf("Create = %v, order %+v, customer %+v; want ErrUnique and both unchanged", err, o, c)
		}
	})
	t.Run("update the owner", func(t *testing.T) {
		o := f.getOrder(t, 1)
		if err := f.customer.Update(ctx, o, Customer{ID: 1, Name: "Ann B", Email: "ann@x"}); err != nil {
			t.Fatal(err)
		}
		if c, _, _ := f.customer.Get(ctx, o); c.Name != "Ann B" {
			t.Errorf("owner after Update = %+v", c)
		}
		err := f.customer.Update(ctx, o, Customer{ID: 2, Name: "x", Email: "bob@x"})
		if !errors.Is(err, relations.ErrOtherOwner) {
			t.Errorf("Update with another owner = %v, want ErrOtherOwner", err)
		}
	})
	t.Run("update by keyTo refuses another row with the referenced value", func(t *testing.T) {
		inv := Invoice{PayerEmail: ptr("bob@x")}
		f.update(t, func(tx *memstore.Tx) error { return tx.Insert(&inv) })
		// Customer 1 is not the payer, whatever email the value claims.
		err := f.payer.Update(ctx, inv, Customer{ID: 1, Name: "Ann", Email: "bob@x"})
		if !errors.Is(err, relations.ErrOtherOwner) {
			t.Errorf("Update = %v, want ErrOtherOwner", err)
		}
		if err := f.payer.Update(ctx, inv, Customer{ID: 2, Name: "Robert", Email: "bob@x"}); err != nil {
			t.Errorf("Update of the payer = %v", err)
		}
		if err := f.payer.Unset(ctx, &inv); err != nil || inv.PayerEmail != nil {
			t.Errorf("Unset = %v, PayerEmail %v", err, inv.PayerEmail)
		}
		if err := f.payer.Update(ctx, inv, Customer{ID: 2}); !errors.Is(err, relations.ErrEmpty) {
			t.Errorf("Update with no owner = %v, want ErrEmpty", err)
		}
		if err := f.payer.Unset(ctx, &inv); !errors.Is(err, relations.ErrEmpty) {
			t.Errorf("second Unset = %v, want ErrEmpty", err)
		}
	})
	t.Run("unset of a key that is not nullable", func(t *testing.T) {
		o := f.getOrder(t, 2)
		if err := f.customer.Unset(ctx, &o); !errors.Is(err, memstore.ErrInvalid) || o.CustomerID == 0 {
			t.Errorf("Unset = %v (order %+v), want ErrInvalid and the order unchanged", err, o)
		}
	})
}

func (f *fixture) getOrder(t testing.TB, id int64) Order {
	t.Helper()
	var o Order
	err := f.store.View(context.Background(), func(tx *memstore.Tx) error {
		var err error
		o, err = f.ordersT.Get(tx, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestHasManyKeysAndBatches(t *testing.T) {
	ctx := context.Background()
	k := newClinic(t)
	grey := Physician{ID: 1}
	if _, err := k.appointments.FindByKey(ctx, grey, int64(99)); !errors.Is(err, memstore.ErrNotFound) || errors.Is(err, relations.ErrOtherOwner) {
		t.Errorf("FindByKey of no row = %v, want ErrNotFound only", err)
	}
	if ok, err := k.appointments.ExistsKey(ctx, grey, int64(99)); ok || err != nil {
		t.Errorf("ExistsKey of no row = %v, %v", ok, err)
	}
	if _, err := k.appointments.FindByKey(ctx, grey, "x"); !errors.Is(err, memstore.ErrInvalid) {
		t.Errorf("FindByKey of a key of another type = %v, want ErrInvalid", err)
	}
	before := k.dump(t)
	batch := []Appointment{{PatientID: 3}, {PhysicianID: 2, PatientID: 3}}
	if err := k.appointments.CreateMany(ctx, grey, batch); !errors.Is(err, relations.ErrOtherOwner) || batch[0].ID != 0 {
		t.Errorf("CreateMany with another owner's row = %v (%+v), want ErrOtherOwner and no key", err, batch)
	}
	if diff := cmp.Diff(before, k.dump(t), cmpClinic); diff != "" {
		t.Errorf("store after a refused CreateMany (-want +got):\n%s", diff)
	}
	if err := k.appointments.CreateMany(ctx, grey, nil); err != nil {
		t.Errorf("CreateMany of none = %v", err)
	}
	lists, err := k.appointments.Include(ctx, []Physician{grey, {ID: 2}, grey, {ID: 9}})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]int, len(lists))
	for i, l := range lists {
		got[i] = len(l)
	}
	if diff := cmp.Diff([]int{2, 1, 2, 0}, got); diff != "" || lists[3] == nil {
		t.Errorf("Include lengths (-want +got):\n%s (the last one nil: %v)", diff, lists[3] == nil)
	}
	lists[0][0].Date = "changed"
	if lists[2][0].Date == "changed" {
		t.Error("Include: two owners' lists share their rows")
	}
}

func TestHasOneAccessor(t *testing.T) {
	ctx := context.Background()
	k := newClinic(t)
	ann, bob := Patient{ID: 1}, Patient{ID: 2}
	k.chart.Get(ctx, ann)
	k.chart.Get(ctx, bob)
	for _, tc := range []struct {
		name  string
		write func(tx *memstore.Tx) error
		of    Patient
	}{
		{"a child inserted where there was none", func(tx *memstore.Tx) error { return tx.Insert(Chart{PatientID: 2}) }, bob},
		{"a child changed", func(tx *memstore.Tx) error { return tx.Update(Chart{ID: 1, PatientID: 1, Notes: "x"}) }, ann},
		{"a child deleted", func(tx *memstore.Tx) error { return tx.Delete(Chart{ID: 1}) }, ann},
		{"an owner deleted, its child by cascade", func(tx *memstore.Tx) error { return tx.Delete(Patient{ID: 2}) }, bob},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, st := k.chart.Cached(tc.of); st == relations.NotCached {
				k.chart.Get(ctx, tc.of)
			}
			if _, st := k.chart.Cached(tc.of); st == relations.NotCached {
				t.Fatal("Cached after Get = not cached")
			}
			if err := k.s.Update(ctx, tc.write); err != nil {
				t.Fatal(err)
			}
			if c, st := k.chart.Cached(tc.of); st != relations.NotCached {
				t.Errorf("Cached after the write = %+v, %v; want not cached", c, st)
			}
			want, wantOK, err := k.chart.In(nil).Get(tc.of) // nil Tx: refused, not a panic
			if !errors.Is(err, memstore.ErrInvalid) {
				t.Errorf("In(nil).Get = %v, %v, %v; want ErrInvalid", want, wantOK, err)
			}
			got, ok, err := k.chart.Get(ctx, tc.of)
			if err != nil {
				t.Fatal(err)
			}
			var stored []Chart
			k.s.View(ctx, func(tx *memstore.Tx) error {
				var c Chart
				c, ok2, _ := k.chart.In(tx).Get(tc.of)
				if ok2 {
					stored = append(stored, c)
				}
				return nil
			})
			if ok != (len(stored) == 1) || (ok && got != stored[0]) {
				t.Errorf("Get = %+v, %v; the store has %+v", got, ok, stored)
			}
		})
	}
	out, err := k.chart.Include(ctx, []Patient{ann, bob, {ID: 3}})
	if err != nil || len(out) != 3 {
		t.Fatalf("Include = %v, %v", out, err)
	}
}

func TestThroughAccessor(t *testing.T) {
	ctx := context.Background()
	k := newClinic(t)
	grey, house := Physician{ID: 1}, Physician{ID: 2}
	ann, cy := Patient{ID: 1, Name: "Ann"}, Patient{ID: 3, Name: "Cy"}
	if l, _ := k.patients.List(ctx, Physician{ID: 9}); l == nil || len(l) != 0 {
		t.Errorf("List of an owner with no links = %#v, want an empty slice", l)
	}
	links, err := k.patients.Links(ctx, grey)
	if err != nil || len(links) != 2 || links[0].Date != "mon" {
		t.Errorf("Links = %+v, %v", links, err)
	}
	if err := k.patients.Add(ctx, house, cy, &Appointment{PhysicianID: 1}); !errors.Is(err, relations.ErrOtherOwner) {
		t.Errorf("Add of a link naming another owner = %v, want ErrOtherOwner", err)
	}
	if err := k.patients.Add(ctx, house, Patient{ID: 9}, nil); !errors.Is(err, memstore.ErrForeignKey) {
		t.Errorf("Add of a far row not stored = %v, want ErrForeignKey", err)
	}
	got, err := k.patients.Find(ctx, grey, filter.Filter{Skip: 1, Limit: 5})
	if err != nil || len(got) != 1 || got[0].Name != "Bob" {
		t.Errorf("Find skip 1 = %v, %v", got, err)
	}
	if got, err := k.patients.Find(ctx, grey, filter.Filter{Where: filter.Eq("Name", "Ann")}); err != nil || len(got) != 1 || got[0].Name != "Ann" {
		t.Errorf("Find with a where = %v, %v, want [Ann]", got, err)
	}
	// Deleting either end follows the link model's onDelete (cascade): the
	// links go, the other end stays.
	mustUpdateS(t, k.s, func(tx *memstore.Tx) error { return tx.Delete(ann) })
	if l, _ := k.patients.List(ctx, house); len(l) != 0 {
		t.Errorf("House's patients after Ann's delete = %v", l)
	}
	if l, _ := k.patients.List(ctx, grey); len(l) != 1 || l[0].Name != "Bob" {
		t.Errorf("Grey's patients after Ann's delete = %v", l)
	}
	mustUpdateS(t, k.s, func(tx *memstore.Tx) error { return tx.Delete(grey) })
	d := k.dump(t)
	if len(d["Appointment"]) != 0 || len(d["Patient"]) != 2 {
		t.Errorf("after Grey's delete: appointments %v, patients %v", d["Appointment"], d["Patient"])
	}
}

// TestThroughRestrict: a link model whose belongsTo restricts refuses the
// delete of an end that has links, and Remove, which deletes the links,
// lets it go.
func TestThroughRestrict(t *testing.T) {
	type (
		Team struct {
			ID int64
			_  struct{} `relstore:"hasMany=Player,through=Membership"`
		}
		Player     struct{ ID int64 }
		Membership struct {
			ID       int64 `relstore:"pk,auto"`
			TeamID   int64 `relstore:"belongsTo=Team"`
			PlayerID int64 `relstore:"belongsTo=Player"`
		}
	)
	ctx := context.Background()
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[Team](), memstore.ModelOf[Player](), memstore.ModelOf[Membership](),
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	players := must(relations.NewHasManyThrough[Team, Player, Membership](s, "players"))(t)
	mustUpdateS(t, s, func(tx *memstore.Tx) error {
		if err := tx.Insert(Team{ID: 1}); err != nil {
			return err
		}
		return players.In(tx).Create(Team{ID: 1}, &Player{ID: 7}, nil)
	})
	err = s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(Player{ID: 7}) })
	if !errors.Is(err, memstore.ErrForeignKey) {
		t.Fatalf("delete of a linked player = %v, want ErrForeignKey (restrict)", err)
	}
	if n, err := players.Remove(ctx, Team{ID: 1}, Player{ID: 7}); n != 1 || err != nil {
		t.Fatalf("Remove = %d, %v", n, err)
	}
	if n, err := players.Remove(ctx, Team{ID: 1}, Player{ID: 7}); n != 0 || err != nil {
		t.Errorf("second Remove = %d, %v; want 0, nil", n, err)
	}
	mustUpdateS(t, s, func(tx *memstore.Tx) error { return tx.Delete(Player{ID: 7}) })
}

func mustUpdateS(t testing.TB, s *memstore.Store, fn func(tx *memstore.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func TestPolymorphicAccessor(t *testing.T) {
	ctx := context.Background()
	k := newClinic(t)
	pic := getRow[Picture](k.s, 1)
	owner, ok, err := k.imageable.Get(ctx, pic)
	if err != nil || !ok || owner.(Patient).Name != "Ann" {
		t.Fatalf("Get = %v, %v, %v", owner, ok, err)
	}
	if o, st := k.imageable.Cached(pic); st != relations.Found || o.(Patient).Name != "Ann" {
		t.Errorf("Cached after Get = %v, %v", o, st)
	}
	// The typed accessor of the same target shares the cache entry.
	typed := must(relations.NewBelongsTo[Picture, Patient](k.s, "imageable"))(t)
	if p, st := typed.Cached(pic); st != relations.Found || p.Name != "Ann" {
		t.Errorf("typed Cached = %v, %v", p, st)
	}
	mustUpdateS(t, k.s, func(tx *memstore.Tx) error { return tx.Update(Patient{ID: 1, Name: "Ann Lee"}) })
	if o, st := k.imageable.Cached(pic); st != relations.NotCached {
		t.Errorf("Cached after the owner changed = %v, %v; want not cached", o, st)
	}
	if err := k.imageable.Set(ctx, &pic, Physician{ID: 1}); !errors.Is(err, memstore.ErrInvalid) || pic.ImageableType != "Patient" {
		t.Errorf("Set to a model that is not a target = %v (type %q), want ErrInvalid and no change", err, pic.ImageableType)
	}
	if err := k.imageable.Set(ctx, &pic, &Ward{ID: 9}); !errors.Is(err, memstore.ErrForeignKey) {
		t.Errorf("Set to a ward not stored = %v, want ErrForeignKey", err)
	}
	if err := k.imageable.Set(ctx, &pic, nil); err != nil || pic.ImageableID != nil {
		t.Errorf("Set(nil) = %v, %+v", err, pic)
	}
	if _, ok, err := k.imageable.Get(ctx, pic); ok || err != nil {
		t.Errorf("Get of no owner = %v, %v", ok, err)
	}
	if _, st := k.imageable.Cached(pic); st != relations.NoOwner {
		t.Errorf("Cached of no owner = %v", st)
	}
	if err := k.imageable.Unset(ctx, &pic); !errors.Is(err, relations.ErrEmpty) {
		t.Errorf("Unset of no owner = %v, want ErrEmpty", err)
	}
	bad := Picture{ImageableID: ptr(int64(1)), ImageableType: "Nowhere"}
	if _, _, err := k.imageable.Get(ctx, bad); !errors.Is(err, memstore.ErrInvalid) {
		t.Errorf("Get of a discriminator naming no model = %v, want ErrInvalid", err)
	}
	owners, err := k.imageable.Include(ctx, []Picture{getRow[Picture](k.s, 2), pic, getRow[Picture](k.s, 3), getRow[Picture](k.s, 2)})
	if err != nil {
		t.Fatal(err)
	}
	kinds := make([]string, len(owners))
	for i, o := range owners {
		kinds[i] = fmt.Sprintf("%T", o)
	}
	if diff := cmp.Diff([]string{"relations_test.Patient", "<nil>", "relations_test.Ward", "relations_test.Patient"}, kinds); diff != "" {
		t.Errorf("Include (-want +got):\n%s", diff)
	}
	// The polymorphic hasMany lists only the rows naming its model.
	if l, _ := k.wardPictures.List(ctx, Ward{ID: 1}); len(l) != 1 || l[0].URL != "east.png" {
		t.Errorf("a ward's pictures = %v", l)
	}
	if n, _ := k.pictures.Count(ctx, Patient{ID: 1}); n != 1 {
		t.Errorf("Ann's pictures = %d, want 1", n)
	}
}

// TestIncludeNoNPlusOne: an include of several levels makes one index
// lookup per distinct key of each level, however many rows share it.
func TestDeclarativeIncludeNoNPlusOne(t *testing.T) {
	ctx := context.Background()
	const docs, pats = 50, 20
	k := newClinic(t)
	mustUpdateS(t, k.s, func(tx *memstore.Tx) error {
		for range pats {
			if err := tx.Insert(&Patient{Name: "p"}); err != nil {
				return err
			}
		}
		for d := range docs {
			doc := Physician{Name: "d"}
			if err := tx.Insert(&doc); err != nil {
				return err
			}
			for p := range 5 { // five of the new patients each, overlapping
				if err := tx.Insert(&Appointment{PhysicianID: doc.ID, PatientID: int64(4 + (d+p)%pats)}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	var rows []Physician
	for id := int64(1); id <= docs+2; id++ {
		rows = append(rows, getRow[Physician](k.s, id))
	}
	inc2 := must(relations.NewInclude[Physician](k.s, relations.With("patients", relations.With("chart"), relations.With("pictures"))))(t)
	nodes, err := inc2.Load(ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	// Level 1: the links of each physician, then each distinct patient;
	// level 2: each distinct patient's chart and pictures.
	distinct := map[int64]bool{}
	for _, n := range nodes {
		for _, p := range n.Many("patients") {
			distinct[p.Row.(Patient).ID] = true
		}
	}
	want := int64(len(rows) + len(distinct) + 2*len(distinct))
	if got := inc2.Lookups(); got != want {
		t.Errorf("lookups = %d, want %d (%d physicians, %d distinct patients)", got, want, len(rows), len(distinct))
	}
	if len(rows) != docs+2 || len(distinct) != pats+2 {
		t.Errorf("%d physicians, %d patients: the fixture changed", len(rows), len(distinct))
	}
}

func TestIncludeSpecs(t *testing.T) {
	ctx := context.Background()
	k := newClinic(t)
	phys := []Physician{getRow[Physician](k.s, 1), getRow[Physician](k.s, 2)}
	t.Run("refusals", func(t *testing.T) {
		deep := relations.With("patients")
		for range relations.MaxIncludeDepth {
			deep = relations.With("patients", deep)
		}
		for _, tc := range []struct {
			name string
			inc  []filter.Include
			want string
		}{
			{"an unknown relation", []filter.Include{relations.With("nurses")}, "its relations: patients, appointments, specialties"},
			{"an unknown nested relation", []filter.Include{relations.With("patients", relations.With("ward"))}, "include[0].scope.include[0]"},
			{"an unknown field in a scope's where", []filter.Include{{Relation: "patients", Scope: filter.Filter{Where: filter.Eq("Nme", "Ann")}}}, "include[0].scope: memstore: query Patient: filter: where.Nme"},
			{"a limit on a belongsTo", []filter.Include{relations.With("appointments", filter.Include{Relation: "patient", Scope: filter.Filter{Limit: 1}})}, "not to a belongsTo"},
			{"a relation twice", []filter.Include{relations.With("patients"), relations.With("patients")}, "patients"},
			{"too deep", []filter.Include{deep}, "deeper"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := relations.NewInclude[Physician](k.s, tc.inc...)
				if !errors.Is(err, memstore.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("NewInclude = %v, want ErrInvalid with %q", err, tc.want)
				}
			})
		}
		if _, err := relations.NewInclude[struct{ ID int64 }](k.s); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("NewInclude of an unregistered type = %v", err)
		}
		inc := must(relations.NewIncludeOf(k.s, "Physician", []filter.Include{relations.With("patients")}))(t)
		if _, err := inc.Load(ctx, []any{Patient{ID: 1}}); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("Load of a row of another model = %v, want ErrInvalid", err)
		}
	})
	t.Run("a scope per row", func(t *testing.T) {
		inc := must(relations.NewInclude[Physician](k.s, filter.Include{Relation: "patients", Scope: filter.Filter{Limit: 1}}))(t)
		nodes := must(inc.Load(ctx, phys))(t)
		for i, n := range nodes {
			if len(n.Many("patients")) != 1 {
				t.Errorf("physician %d: %d patients, want 1 (a limit per row)", i, len(n.Many("patients")))
			}
		}
		inc = must(relations.NewInclude[Physician](k.s, filter.Include{Relation: "patients", Scope: filter.Filter{Skip: 1}}))(t)
		nodes = must(inc.Load(ctx, phys))(t)
		if got := [2]int{len(nodes[0].Many("patients")), len(nodes[1].Many("patients"))}; got != [2]int{1, 0} {
			t.Errorf("skip 1: %v patients, want [1 0]", got)
		}
	})
	t.Run("JSON of empty and missing relations", func(t *testing.T) {
		inc := must(relations.NewIncludeOf(k.s, "Patient", []filter.Include{relations.With("chart"), relations.With("pictures")}))(t)
		nodes := must(inc.Load(ctx, []any{getRow[Patient](k.s, 3)}))(t)
		b, _ := json.Marshal(nodes)
		if want := `[{"ID":3,"Name":"Cy","chart":null,"pictures":[]}]`; string(b) != want {
			t.Errorf("JSON = %s, want %s", b, want)
		}
		if nodes[0].One("chart") != nil || nodes[0].Many("pictures") == nil || nodes[0].Many("nurses") == nil {
			t.Error("One of no row is not nil, or Many is nil")
		}
		empty := must(inc.Load(ctx, nil))(t)
		if b, _ := json.Marshal(empty); string(b) != "[]" {
			t.Errorf("JSON of no rows = %s", b)
		}
	})
	t.Run("nested below a polymorphic belongsTo, per target", func(t *testing.T) {
		// A Patient has a chart, a Ward does not: the nested include
		// applies to the owners of the model that has it.
		inc := must(relations.NewInclude[Picture](k.s, relations.With("imageable", relations.With("chart"))))(t)
		pics := []Picture{getRow[Picture](k.s, 1), getRow[Picture](k.s, 3)}
		nodes := must(inc.Load(ctx, pics))(t)
		b, _ := json.Marshal(nodes)
		want := `[{"ID":1,"ImageableID":1,"ImageableType":"Patient","URL":"ann.png","imageable":{"ID":1,"Name":"Ann","chart":{"ID":1,"PatientID":1,"Notes":"healthy"}}},` +
			`{"ID":3,"ImageableID":1,"ImageableType":"Ward","URL":"east.png","imageable":{"ID":1,"Name":"East"}}]`
		if string(b) != want {
			t.Errorf("JSON =\n%s\nwant\n%s", b, want)
		}
	})
	t.Run("a relation to the model itself, as deep as the spec", func(t *testing.T) {
		type Unit struct {
			ID       int64
			ParentID *int64   `relstore:"belongsTo=Unit,as=parent"`
			_        struct{} `relstore:"hasMany=Unit,foreignKey=ParentID,as=units"`
		}
		s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Unit]()}})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		mustUpdateS(t, s, func(tx *memstore.Tx) error {
			for i := int64(1); i <= 6; i++ {
				u := Unit{ID: i}
				if i > 1 {
					u.ParentID = ptr(i - 1)
				}
				if err := tx.Insert(u); err != nil {
					return err
				}
			}
			return nil
		})
		inc := must(relations.NewInclude[Unit](s, relations.With("units", relations.With("units"))))(t)
		nodes := must(inc.Load(ctx, []Unit{{ID: 1}}))(t)
		depth := 0
		for n := nodes[0]; len(n.Many("units")) > 0; n = n.Many("units")[0] {
			depth++
		}
		if depth != 2 {
			t.Errorf("depth = %d, want the spec's 2", depth)
		}
		up := must(relations.NewInclude[Unit](s, relations.With("parent", relations.With("parent", relations.With("parent")))))(t)
		nodes = must(up.Load(ctx, []Unit{{ID: 6, ParentID: ptr(int64(5))}}))(t)
		b, _ := json.Marshal(nodes)
		if want := `[{"ID":6,"ParentID":5,"parent":{"ID":5,"ParentID":4,"parent":{"ID":4,"ParentID":3,"parent":{"ID":3,"ParentID":2}}}}]`; string(b) != want {
			t.Errorf("ancestors by include = %s, want %s", b, want)
		}
	})
}

func TestDescendants(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, cache.Config{})
	f.update(t, func(tx *memstore.Tx) error {
		for _, c := range []Category{{ID: "a"}, {ID: "b", ParentID: ptr("a")}, {ID: "c", ParentID: ptr("a")},
			{ID: "d", ParentID: ptr("b")}, {ID: "e", ParentID: ptr("d")}} {
			if err := tx.Insert(c); err != nil {
				return err
			}
		}
		return nil
	})
	ids := func(cs []Category) []string { return names(cs, func(c Category) string { return c.ID }) }
	for depth, want := range map[int][]string{0: {"b", "c", "d", "e"}, 1: {"b", "c"}, 2: {"b", "c", "d"}, 9: {"b", "c", "d", "e"}} {
		got, err := f.tree.Descendants(ctx, Category{ID: "a"}, depth)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, ids(got)); diff != "" {
			t.Errorf("Descendants(a, %d) (-want +got):\n%s", depth, diff)
		}
	}
	if got, err := f.tree.Descendants(ctx, Category{ID: "e"}, 0); err != nil || got == nil || len(got) != 0 {
		t.Errorf("Descendants of a leaf = %#v, %v; want an empty slice", got, err)
	}
	// A cycle: a's parent becomes e, below it.
	f.update(t, func(tx *memstore.Tx) error { return tx.Update(Category{ID: "a", ParentID: ptr("e")}) })
	got, err := f.tree.Descendants(ctx, Category{ID: "a"}, 0)
	if !errors.Is(err, relations.ErrCycle) {
		t.Fatalf("Descendants in a cycle = %v, %v; want ErrCycle", ids(got), err)
	}
	if diff := cmp.Diff([]string{"b", "c", "d", "e"}, ids(got), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("found before the cycle (-want +got):\n%s", diff)
	}
	var inTx []Category
	f.update(t, func(tx *memstore.Tx) error {
		if err := tx.Insert(Category{ID: "f", ParentID: ptr("c")}); err != nil {
			return err
		}
		inTx, err = f.tree.In(tx).Descendants(Category{ID: "c"}, 0)
		return err
	})
	if diff := cmp.Diff([]string{"f"}, ids(inTx)); diff != "" {
		t.Errorf("In(tx).Descendants (-want +got):\n%s", diff)
	}
}

// TestConstructorsListTheNames: a constructor given a name the model does
// not have fails with ErrInvalid listing the relations it has.
func TestConstructorsListTheNames(t *testing.T) {
	k := newClinic(t)
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"belongsTo", second(relations.NewBelongsTo[Chart, Patient](k.s, "owner")), "its relations: patient"},
		{"hasMany", second(relations.NewHasMany[Physician, Appointment](k.s, "visits")), "its relations: patients, appointments, specialties"},
		{"hasOne", second(relations.NewHasOne[Patient, Chart](k.s, "record")), "its relations: chart, pictures"},
		{"hasOne of a hasMany", second(relations.NewHasOne[Physician, Appointment](k.s, "appointments")), "unique"},
		{"through", second(relations.NewHasManyThrough[Physician, Patient, Appointment](k.s, "clients")), "its relations: patients, appointments, specialties"},
		{"through of a hasMany", second(relations.NewHasManyThrough[Physician, Appointment, Appointment](k.s, "appointments")), "no such hasManyThrough"},
		{"polymorphic", second(relations.NewPolymorphic[Picture](k.s, "owner")), "its relations: imageable"},
		{"polymorphic of a plain belongsTo", second(relations.NewPolymorphic[Chart](k.s, "patient")), "not polymorphic"},
		{"a typed view of a model that is not a target", second(relations.NewBelongsTo[Picture, Physician](k.s, "imageable")), "its models are Patient, Ward"},
	} {
		if !errors.Is(tc.err, memstore.ErrInvalid) || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: %v, want ErrInvalid with %q", tc.name, tc.err, tc.want)
		}
	}
}

func second[V any](_ V, err error) error { return err }

// TestBadInputBeforeTheContext: Set refuses an owner it cannot point at (a
// target without a key field in the struct) with ErrInvalid before it looks
// at the context, as before issue 15's refactor (FuzzSeats's random
// sequences found the context's error first).
func TestBadInputBeforeTheContext(t *testing.T) {
	type (
		Label struct {
			Code string `relstore:"unique"`
		}
		Box struct {
			ID      int64
			LabelID *memstore.RowID `relstore:"belongsTo=Label,as=label"`
		}
	)
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Label](), memstore.ModelOf[Box]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	label := must(relations.NewBelongsTo[Box, Label](s, "label"))(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := label.Set(ctx, &Box{ID: 1}, &Label{Code: "x"}); !errors.Is(err, memstore.ErrInvalid) {
		t.Errorf("Set of an owner without a key field, cancelled = %v, want ErrInvalid", err)
	}
}
