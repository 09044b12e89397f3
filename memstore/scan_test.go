package memstore

import (
	"cmp"
	"context"
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
)

type scanOwner struct{ ID int64 }

// scanRow is indexed by (Status, At, Score) ("sas", declared in code), by a
// nullable Tag alone (by tag), and by its foreign key OwnerID.
type scanRow struct {
	ID      int64
	Status  string
	At      time.Time
	Score   *float64
	Tag     *string `relstore:"index"`
	OwnerID int64   `relstore:"belongsTo=scanOwner"`
}

// scanCmp orders rows as the sas index does: Status, At, Score with NULL
// last, then ID.
func scanCmp(a, b scanRow) int {
	return cmp.Or(strings.Compare(a.Status, b.Status), a.At.Compare(b.At), nullLast(a.Score, b.Score), cmp.Compare(a.ID, b.ID))
}

func nullLast[T cmp.Ordered](a, b *T) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return cmp.Compare(*a, *b)
}

type scanEnv struct {
	s    *Store
	m    *model
	sas  *column // the compound index
	tag  *column // the nullable single-field index
	fk   *column // OwnerID's foreign key index
	rows []scanRow
}

var (
	scanStatuses = []string{"", "a", "ab", "abc", "b", "b\x00"}
	scanTimes    = []time.Time{
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(2025, 12, 31, 23, 0, 0, 0, time.FixedZone("X", -3600)), // after the first: 2026-01-01 00:00 UTC + 0
		time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	scanScores = []*float64{nil, ptrTo(math.Inf(-1)), ptrTo(-1.5), ptrTo(math.Copysign(0, -1)), ptrTo(0.0), ptrTo(2.5), ptrTo(math.Inf(1))}
)

func ptrTo[T any](v T) *T { return &v }

func newScanEnv(t *testing.T, n int) *scanEnv {
	t.Helper()
	row := ModelOf[scanRow]()
	row.Indexes = []Index{{Name: "sas", Fields: []string{"Status", "At", "Score"}}}
	s, err := New(Config{Models: []Model{ModelOf[scanOwner](), row}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	e := &scanEnv{s: s, m: s.schema.byType[reflect.TypeFor[scanRow]()]}
	for _, c := range e.m.slots {
		switch c.name {
		case "sas":
			e.sas = c
		case "Tag":
			e.tag = c
		case "OwnerID":
			e.fk = c
		}
	}
	r := randomSeed(t)
	err = s.Update(context.Background(), func(tx *Tx) error {
		for i := int64(1); i <= 5; i++ {
			if err := tx.Insert(scanOwner{ID: i}); err != nil {
				return err
			}
		}
		for range n {
			v := scanRow{
				ID:      int64(r.IntN(4*n) - 2*n), // negative keys too
				Status:  scanStatuses[r.IntN(len(scanStatuses))],
				At:      scanTimes[r.IntN(len(scanTimes))],
				Score:   scanScores[r.IntN(len(scanScores))],
				OwnerID: int64(r.IntN(5) + 1),
			}
			if r.IntN(3) > 0 {
				v.Tag = ptrTo(scanStatuses[r.IntN(len(scanStatuses))])
			}
			if slices.ContainsFunc(e.rows, func(o scanRow) bool { return o.ID == v.ID }) || v.ID == 0 {
				continue
			}
			if err := tx.Insert(v); err != nil {
				return err
			}
			e.rows = append(e.rows, v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(e.rows, scanCmp)
	return e
}

// ids reads a range of index c in a View.
func (e *scanEnv) ids(t *testing.T, c *column, r keyRange, reverse bool) []int64 {
	t.Helper()
	var out []int64
	err := e.s.View(context.Background(), func(tx *Tx) error {
		cu := tx.scan(e.m, c, r, reverse)
		for rec := cu.next(); rec != nil; rec = cu.next() {
			out = append(out, (*scanRow)(rec.ptr).ID)
		}
		if n := tx.count(e.m, c, r); n != len(out) {
			t.Errorf("count = %d, want %d", n, len(out))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// want returns the IDs of the rows that keep holds, in the order of cmpFn,
// reversed when reverse.
func (e *scanEnv) want(cmpFn func(a, b scanRow) int, keep func(scanRow) bool, reverse bool) []int64 {
	rows := slices.Clone(e.rows)
	slices.SortFunc(rows, cmpFn)
	var out []int64
	for _, r := range rows {
		if keep(r) {
			out = append(out, r.ID)
		}
	}
	if reverse {
		slices.Reverse(out)
	}
	return out
}

func mustField(t *testing.T, c *column, dst []byte, i int, v any) []byte {
	t.Helper()
	k, err := c.appendField(dst, i, v)
	if err != nil {
		t.Fatalf("appendField(%d, %v): %v", i, v, err)
	}
	return k
}

func TestScanCompoundIndex(t *testing.T) {
	e := newScanEnv(t, 400)
	all := func(scanRow) bool { return true }
	for _, reverse := range []bool{false, true} {
		dir := map[bool]string{false: "forward", true: "backward"}[reverse]
		check := func(t *testing.T, name string, r keyRange, keep func(scanRow) bool) {
			t.Helper()
			got, want := e.ids(t, e.sas, r, reverse), e.want(scanCmp, keep, reverse)
			if diff := gocmp.Diff(want, got); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", dir, name, diff)
			}
		}
		t.Run(dir, func(t *testing.T) {
			check(t, "whole index", keyRange{}, all)
			for _, s := range scanStatuses {
				p := mustField(t, e.sas, nil, 0, s)
				check(t, "Status = "+s, prefixRange(p), func(r scanRow) bool { return r.Status == s })
				for _, at := range scanTimes {
					pa := mustField(t, e.sas, p, 1, at)
					check(t, "Status, At =", prefixRange(pa), func(r scanRow) bool { return r.Status == s && r.At.Equal(at) })
					null := mustField(t, e.sas, nil, 2, nil)
					check(t, "Score IS NULL", prefixRange(concat(pa, null)), func(r scanRow) bool {
						return r.Status == s && r.At.Equal(at) && r.Score == nil
					})
					for _, lo := range scanScores[1:] {
						enc := mustField(t, e.sas, nil, 2, *lo)
						check(t, "Score >= lo (with NULLs)", fieldRange(pa, enc, true, nil, false), func(r scanRow) bool {
							return r.Status == s && r.At.Equal(at) && (r.Score == nil || *r.Score >= *lo)
						})
						check(t, "Score > lo (without NULLs)", fieldRange(pa, enc, false, null, false), func(r scanRow) bool {
							return r.Status == s && r.At.Equal(at) && r.Score != nil && *r.Score > *lo
						})
						check(t, "Score <= hi", fieldRange(pa, nil, false, enc, true), func(r scanRow) bool {
							return r.Status == s && r.At.Equal(at) && r.Score != nil && *r.Score <= *lo
						})
					}
				}
				for _, lo := range scanTimes {
					for _, hi := range scanTimes {
						el, eh := mustField(t, e.sas, nil, 1, lo), mustField(t, e.sas, nil, 1, hi)
						for _, inc := range [][2]bool{{true, true}, {true, false}, {false, true}, {false, false}} {
							check(t, "lo <(=) At <(=) hi", fieldRange(p, el, inc[0], eh, inc[1]), func(r scanRow) bool {
								return r.Status == s &&
									(r.At.After(lo) || inc[0] && r.At.Equal(lo)) &&
									(r.At.Before(hi) || inc[1] && r.At.Equal(hi))
							})
						}
					}
				}
			}
			for _, s := range scanStatuses {
				enc := mustField(t, e.sas, nil, 0, s)
				check(t, "Status >= s", fieldRange(nil, enc, true, nil, false), func(r scanRow) bool { return r.Status >= s })
				check(t, "Status < s", fieldRange(nil, nil, false, enc, false), func(r scanRow) bool { return r.Status < s })
				like, err := e.sas.appendStringPrefix(nil, 0, s)
				if err != nil {
					t.Fatal(err)
				}
				check(t, "Status LIKE s%", prefixRange(like), func(r scanRow) bool { return strings.HasPrefix(r.Status, s) })
			}
		})
	}
}

// TestScanKeyset reads indexes in pages that continue after the last row of
// the previous one, as keyset pagination does, forward and backward, and
// checks the pages add up to the whole order.
func TestScanKeyset(t *testing.T) {
	e := newScanEnv(t, 300)
	byFK := func(a, b scanRow) int { return cmp.Or(cmp.Compare(a.OwnerID, b.OwnerID), cmp.Compare(a.ID, b.ID)) }
	byTag := func(a, b scanRow) int { return cmp.Or(nullLast(a.Tag, b.Tag), cmp.Compare(a.ID, b.ID)) }
	byID := func(a, b scanRow) int { return cmp.Compare(a.ID, b.ID) }
	owner3 := mustField(t, e.fk, nil, 0, int64(3))
	tests := []struct {
		name  string
		c     *column
		base  keyRange
		order func(a, b scanRow) int
		keep  func(scanRow) bool
	}{
		{"compound index", e.sas, keyRange{}, scanCmp, func(scanRow) bool { return true }},
		{"compound index, one status", e.sas, prefixRange(mustField(t, e.sas, nil, 0, "ab")), scanCmp, func(r scanRow) bool { return r.Status == "ab" }},
		{"nullable index", e.tag, keyRange{}, byTag, func(scanRow) bool { return true }},
		{"foreign key index", e.fk, keyRange{}, byFK, func(scanRow) bool { return true }},
		{"foreign key index, one owner", e.fk, prefixRange(owner3), byFK, func(r scanRow) bool { return r.OwnerID == 3 }},
		{"primary key", e.m.pk, keyRange{}, byID, func(scanRow) bool { return true }},
	}
	for _, tt := range tests {
		for _, reverse := range []bool{false, true} {
			t.Run(tt.name+map[bool]string{false: " forward", true: " backward"}[reverse], func(t *testing.T) {
				var got []int64
				r := tt.base
				r.prefix = false // continuation ranges are not prefixes
				for page := 0; ; page++ {
					var last *record
					n := 0
					err := e.s.View(context.Background(), func(tx *Tx) error {
						cu := tx.scan(e.m, tt.c, r, reverse)
						for rec := cu.next(); rec != nil && n < 7; rec = cu.next() {
							got = append(got, (*scanRow)(rec.ptr).ID)
							last, n = rec, n+1
						}
						return nil
					})
					if err != nil {
						t.Fatal(err)
					}
					if n < 7 {
						break
					}
					if reverse {
						r.hi = tt.c.storedKey(last)
					} else {
						r.lo = keyAfter(tt.c.storedKey(last))
					}
					if page > 1000 {
						t.Fatal("no end")
					}
				}
				want := e.want(tt.order, tt.keep, reverse)
				if diff := gocmp.Diff(want, got); diff != "" {
					t.Errorf("pages (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestScanInWriteTx checks that a cursor of a write transaction sees its
// writes, as of its opening.
func TestScanInWriteTx(t *testing.T) {
	e := newScanEnv(t, 50)
	p := mustField(t, e.sas, nil, 0, "zz")
	err := e.s.Update(context.Background(), func(tx *Tx) error {
		for _, id := range []int64{1000, 1001} {
			if err := tx.Insert(scanRow{ID: id, Status: "zz", OwnerID: 1}); err != nil {
				return err
			}
		}
		cu := tx.scan(e.m, e.sas, prefixRange(p), false)
		if err := tx.Insert(scanRow{ID: 1002, Status: "zz", OwnerID: 1}); err != nil {
			return err
		}
		var got []int64
		for rec := cu.next(); rec != nil; rec = cu.next() {
			got = append(got, (*scanRow)(rec.ptr).ID)
		}
		if want := []int64{1000, 1001}; !slices.Equal(got, want) {
			t.Errorf("scan = %v, want %v (the writes before it, not the one after)", got, want)
		}
		if n := tx.count(e.m, e.sas, prefixRange(p)); n != 3 {
			t.Errorf("count = %d, want 3", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAppendFieldRefusals(t *testing.T) {
	e := newScanEnv(t, 0)
	tests := []struct {
		name string
		c    *column
		i    int
		v    any
	}{
		{"wrong type", e.sas, 0, 1},
		{"a named type for the plain one", e.sas, 0, namedString("a")},
		{"NaN", e.sas, 2, math.NaN()},
		{"a long string", e.sas, 0, strings.Repeat("x", MaxKeyLen+1)},
		{"NULL in a field that is not nullable", e.sas, 1, nil},
		{"NULL in a foreign key's index", e.fk, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.c.appendField(nil, tt.i, tt.v); !errors.Is(err, ErrInvalid) {
				t.Errorf("appendField(%d, %v) = %v, want ErrInvalid", tt.i, tt.v, err)
			}
		})
	}
	if _, err := e.sas.appendStringPrefix(nil, 1, "x"); !errors.Is(err, ErrInvalid) {
		t.Errorf("appendStringPrefix(At) = %v, want ErrInvalid", err)
	}
}

func TestPrefixEnd(t *testing.T) {
	tests := []struct {
		in, want []byte
	}{
		{[]byte{1, 2}, []byte{1, 3}},
		{[]byte{1, 0xFF}, []byte{2}},
		{[]byte{0xFF, 0xFF}, nil},
		{nil, nil},
	}
	for _, tt := range tests {
		if got := prefixEnd(tt.in); !slices.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
			t.Errorf("prefixEnd(% x) = % x, want % x", tt.in, got, tt.want)
		}
	}
}
