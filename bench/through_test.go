package bench

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// The many-to-many workload (issue 15): physicians see patients through
// appointments, at most once per pair (a composite unique index).
const (
	throughPhysicians  = 1_000
	throughPatients    = 5_000
	throughPerDoc      = 5 // appointments per physician
	throughIncludeRows = 1_000
)

type (
	BPhysician struct {
		ID   int64 `relstore:"pk"`
		Name string
		_    struct{} `relstore:"hasMany=BPatient,through=BAppointment,as=patients"`
	}
	BPatient struct {
		ID   int64 `relstore:"pk"`
		Name string
		Born int64
	}
	BAppointment struct {
		ID           int64 `relstore:"pk"`
		BPhysicianID int64 `relstore:"belongsTo=BPhysician,onDelete=cascade,unique=visit"`
		BPatientID   int64 `relstore:"belongsTo=BPatient,onDelete=cascade,unique=visit"`
		Date         int64
	}
)

type throughWorkload struct {
	physicians   []BPhysician
	patients     []BPatient
	appointments []BAppointment
}

func newThroughWorkload() *throughWorkload {
	rng := rand.New(rand.NewPCG(15, 15))
	w := &throughWorkload{}
	for i := range throughPhysicians {
		w.physicians = append(w.physicians, BPhysician{ID: int64(i + 1), Name: fmt.Sprintf("doc %d", i+1)})
	}
	for i := range throughPatients {
		w.patients = append(w.patients, BPatient{ID: int64(i + 1), Name: fmt.Sprintf("patient %d", i+1), Born: int64(1950 + i%60)})
	}
	id := int64(0)
	for _, d := range w.physicians {
		seen := map[int64]bool{}
		for len(seen) < throughPerDoc {
			p := int64(rng.IntN(throughPatients) + 1)
			if seen[p] {
				continue
			}
			seen[p] = true
			id++
			w.appointments = append(w.appointments, BAppointment{ID: id, BPhysicianID: d.ID, BPatientID: p, Date: id})
		}
	}
	return w
}

type throughRelstore struct {
	store    *memstore.Store
	patients *relations.HasManyThrough[BPhysician, BPatient, BAppointment]
	include  *relations.Include[any]
}

func loadThroughRelstore(tb testing.TB, w *throughWorkload, withCache bool) *throughRelstore {
	tb.Helper()
	var inv memstore.Invalidator
	if withCache {
		c, err := cache.New(cache.Config{})
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { c.Close() })
		inv = c
	}
	s, err := memstore.New(memstore.Config{Cache: inv, Models: []memstore.Model{
		memstore.ModelOf[BPhysician](), memstore.ModelOf[BPatient](), memstore.ModelOf[BAppointment](),
	}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		for _, rows := range []any{w.physicians, w.patients, w.appointments} {
			switch rs := rows.(type) {
			case []BPhysician:
				for _, r := range rs {
					if err := tx.Insert(r); err != nil {
						return err
					}
				}
			case []BPatient:
				for _, r := range rs {
					if err := tx.Insert(r); err != nil {
						return err
					}
				}
			case []BAppointment:
				for _, r := range rs {
					if err := tx.Insert(r); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	r := &throughRelstore{store: s}
	if r.patients, err = relations.NewHasManyThrough[BPhysician, BPatient, BAppointment](s, "patients"); err != nil {
		tb.Fatal(err)
	}
	if r.include, err = relations.NewIncludeOf(s, "BPhysician", []filter.Include{{Relation: "patients"}}); err != nil {
		tb.Fatal(err)
	}
	return r
}

const throughSchemaSQL = `
CREATE TABLE physician (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE patient (id INTEGER PRIMARY KEY, name TEXT NOT NULL, born INTEGER NOT NULL);
CREATE TABLE appointment (
	id           INTEGER PRIMARY KEY,
	physician_id INTEGER NOT NULL REFERENCES physician(id) ON DELETE CASCADE,
	patient_id   INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
	date         INTEGER NOT NULL,
	UNIQUE (physician_id, patient_id)
);
CREATE INDEX appointment_patient_id ON appointment(patient_id);
`

type throughSQLite struct {
	db      *sql.DB
	include *sql.Stmt
}

func loadThroughSQLite(tb testing.TB, w *throughWorkload) *throughSQLite {
	tb.Helper()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		tb.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	tb.Cleanup(func() { db.Close() })
	for _, q := range []string{"PRAGMA foreign_keys = ON", throughSchemaSQL} {
		if _, err := db.Exec(q); err != nil {
			tb.Fatal(err)
		}
	}
	tx, err := db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	for _, d := range w.physicians {
		if _, err := tx.Exec("INSERT INTO physician VALUES (?, ?)", d.ID, d.Name); err != nil {
			tb.Fatal(err)
		}
	}
	for _, p := range w.patients {
		if _, err := tx.Exec("INSERT INTO patient VALUES (?, ?, ?)", p.ID, p.Name, p.Born); err != nil {
			tb.Fatal(err)
		}
	}
	for _, a := range w.appointments {
		if _, err := tx.Exec("INSERT INTO appointment VALUES (?, ?, ?, ?)", a.ID, a.BPhysicianID, a.BPatientID, a.Date); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec("ANALYZE"); err != nil {
		tb.Fatal(err)
	}
	st, err := db.Prepare(`SELECT a.physician_id, p.id, p.name, p.born FROM appointment a JOIN patient p ON p.id = a.patient_id
		WHERE a.physician_id IN (?` + strings.Repeat(", ?", throughIncludeRows-1) + `) ORDER BY a.physician_id, p.id`)
	if err != nil {
		tb.Fatal(err)
	}
	return &throughSQLite{db: db, include: st}
}

// includePatients returns the patients of physicians, aligned with them, by
// one JOIN over the appointments.
func (s *throughSQLite) includePatients(ctx context.Context, docs []BPhysician, args []any) ([][]BPatient, error) {
	at := make(map[int64]int, len(docs))
	for i, d := range docs {
		args[i] = d.ID
		at[d.ID] = i
	}
	rows, err := s.include.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([][]BPatient, len(docs))
	for rows.Next() {
		var doc int64
		var p BPatient
		if err := rows.Scan(&doc, &p.ID, &p.Name, &p.Born); err != nil {
			return nil, err
		}
		i := at[doc]
		out[i] = append(out[i], p)
	}
	return out, rows.Err()
}

// BenchmarkThroughInclude reads the patients of 1,000 physicians (5 each,
// of 5,000 patients) through their appointments, aligned with the
// physicians; ns/physician is ns/op divided by 1,000. relstore is
// HasManyThrough.Include: the appointments of every physician in one walk
// of the foreign key index, then each distinct patient once, from one
// snapshot: on a store without an owner cache (relstore), cold (a Restore,
// timer stopped, leaves nothing current in the cache: every patient is read
// and offered to the cache) and warm (every patient cached);
// relstore-byname is the declarative include by model name (Include[any],
// rows as any, no cache). SQLite runs one prepared JOIN with 1,000
// parameters (an index on (physician_id, patient_id)).
func BenchmarkThroughInclude(b *testing.B) {
	w := newThroughWorkload()
	ctx := context.Background()
	docs := w.physicians[:throughIncludeRows]
	perDoc := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*throughIncludeRows), "ns/physician")
	}
	check := func(b *testing.B, got [][]BPatient, err error) {
		if err != nil || len(got) != len(docs) || len(got[0]) != throughPerDoc {
			b.Fatalf("include: %d lists (first %d), %v", len(got), len(got[0]), err)
		}
	}
	b.Run("relstore", func(b *testing.B) {
		b.ReportAllocs()
		r := loadThroughRelstore(b, w, false)
		for b.Loop() {
			got, err := r.patients.Include(ctx, docs)
			check(b, got, err)
		}
		perDoc(b)
	})
	b.Run("relstore-cold", func(b *testing.B) {
		b.ReportAllocs()
		r := loadThroughRelstore(b, w, true)
		full, err := r.store.Snapshot()
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			b.StopTimer()
			if err := r.store.Restore(ctx, full); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			got, err := r.patients.Include(ctx, docs)
			check(b, got, err)
		}
		perDoc(b)
	})
	b.Run("relstore-warm", func(b *testing.B) {
		b.ReportAllocs()
		r := loadThroughRelstore(b, w, true)
		if _, err := r.patients.Include(ctx, docs); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			got, err := r.patients.Include(ctx, docs)
			check(b, got, err)
		}
		perDoc(b)
	})
	b.Run("relstore-byname", func(b *testing.B) {
		b.ReportAllocs()
		r := loadThroughRelstore(b, w, false)
		rows := make([]any, len(docs))
		for i, d := range docs {
			rows[i] = d
		}
		for b.Loop() {
			nodes, err := r.include.Load(ctx, rows)
			if err != nil || len(nodes[0].Many("patients")) != throughPerDoc {
				b.Fatal(err)
			}
		}
		perDoc(b)
	})
	b.Run("sqlite", func(b *testing.B) {
		b.ReportAllocs()
		s := loadThroughSQLite(b, w)
		args := make([]any, throughIncludeRows)
		for b.Loop() {
			got, err := s.includePatients(ctx, docs, args)
			check(b, got, err)
		}
		perDoc(b)
	})
}

// TestThroughSystemsAgree: relstore's HasManyThrough.Include, its include by
// name and SQLite's JOIN return the same patients for every physician.
func TestThroughSystemsAgree(t *testing.T) {
	w := newThroughWorkload()
	ctx := context.Background()
	docs := w.physicians[:throughIncludeRows]
	r := loadThroughRelstore(t, w, true)
	s := loadThroughSQLite(t, w)
	want, err := s.includePatients(ctx, docs, make([]any, throughIncludeRows))
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.patients.Include(ctx, docs)
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]any, len(docs))
	for i, d := range docs {
		rows[i] = d
	}
	nodes, err := r.include.Load(ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	for i := range docs {
		if fmt.Sprint(want[i]) != fmt.Sprint(got[i]) {
			t.Fatalf("physician %d: relstore %v, SQLite %v", docs[i].ID, got[i], want[i])
		}
		byName := make([]BPatient, len(nodes[i].Many("patients")))
		for j, n := range nodes[i].Many("patients") {
			byName[j] = n.Row.(BPatient)
		}
		if fmt.Sprint(want[i]) != fmt.Sprint(byName) {
			t.Fatalf("physician %d: relstore by name %v, SQLite %v", docs[i].ID, byName, want[i])
		}
	}
}
