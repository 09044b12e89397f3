package memstore_test

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

// The models of the conversion tests: an int64 auto key, a unique int32
// field, a unique named string field, and a belongsTo.

type cvLabel string

type cvAuthor struct {
	ID   int64   `relstore:"pk,auto"`
	Code int32   `relstore:"unique"`
	Slug cvLabel `relstore:"unique"`
	Name string
}

type cvBook struct {
	ID       int64 `relstore:"pk,auto"`
	AuthorID int64 `relstore:"belongsTo=cvAuthor,as=author"`
}

type cvMyInt int

// newConvertStore opens a store with author 1 (Code 7, Slug "ann") and her
// book 1.
func newConvertStore(t *testing.T) *memstore.Store {
	t.Helper()
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[cvAuthor](), memstore.ModelOf[cvBook]()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		if err := tx.Insert(cvAuthor{Code: 7, Slug: "ann", Name: "Ann"}); err != nil {
			return err
		}
		return tx.Insert(cvBook{AuthorID: 1})
	})
	return s
}

// byName is an entry point that takes a field's value as any, called with v
// (which must find author 1, book 1 or the Code 7 row when converted).
type byName struct {
	name  string
	field string // what an error names
	call  func(s *memstore.Store, v any) error
	exact []any // the values that convert exactly and find the row
}

func byNameEntryPoints(t *testing.T) []byName {
	authors := func(s *memstore.Store) *memstore.Table[cvAuthor, int64] { return mustTable[cvAuthor, int64](t, s) }
	books := func(s *memstore.Store) *memstore.Table[cvBook, int64] { return mustTable[cvBook, int64](t, s) }
	view := func(s *memstore.Store, fn func(tx *memstore.Tx) error) error {
		return s.View(context.Background(), fn)
	}
	key := []any{1, int8(1), uint16(1), 1.0, float32(1), cvMyInt(1), json.Number("1"), int64(1)}
	return []byName{
		{"Tx.Get", "ID", func(s *memstore.Store, v any) error {
			return view(s, func(tx *memstore.Tx) error { _, err := tx.Get("cvBook", v); return err })
		}, key},
		{"Tx.ByFK", "AuthorID", func(s *memstore.Store, v any) error {
			return view(s, func(tx *memstore.Tx) error {
				rows, err := tx.ByFK("cvBook", "author", v)
				if err == nil && len(rows) != 1 {
					t.Errorf("Tx.ByFK(%T %v) = %d rows, want 1", v, v, len(rows))
				}
				return err
			})
		}, key},
		{"Table.ByFK", "AuthorID", func(s *memstore.Store, v any) error {
			return view(s, func(tx *memstore.Tx) error {
				seq, err := books(s).ByFK(tx, "author", v)
				if err == nil && len(collectKeys(seq)) != 1 {
					t.Errorf("Table.ByFK(%T %v): want 1 row", v, v)
				}
				return err
			})
		}, key},
		{"Table.Lookup of the key", "ID", func(s *memstore.Store, v any) error {
			return view(s, func(tx *memstore.Tx) error { _, err := authors(s).Lookup(tx, "ID", v); return err })
		}, key},
		{"Table.Lookup of an int32 field", "Code", func(s *memstore.Store, v any) error {
			return view(s, func(tx *memstore.Tx) error {
				a, err := authors(s).Lookup(tx, "Code", v)
				if err == nil && a.ID != 1 {
					t.Errorf("Lookup(Code, %T %v) = %+v, want author 1", v, v, a)
				}
				return err
			})
		}, []any{7, int64(7), uint8(7), 7.0, cvMyInt(7), int32(7)}},
		{"BelongsTo.ByKey", "ID", func(s *memstore.Store, v any) error {
			author, err := relations.NewBelongsTo[cvBook, cvAuthor](s, "author")
			if err != nil {
				return err
			}
			_, _, err = author.ByKey(context.Background(), v)
			return err
		}, key},
		{"BelongsToTx.ByKey", "ID", func(s *memstore.Store, v any) error {
			author, err := relations.NewBelongsTo[cvBook, cvAuthor](s, "author")
			if err != nil {
				return err
			}
			return view(s, func(tx *memstore.Tx) error { _, _, err := author.In(tx).ByKey(v); return err })
		}, key},
		{"HasMany.FindByKey", "ID", func(s *memstore.Store, v any) error {
			books, err := relations.NewHasMany[cvAuthor, cvBook](s, "author")
			if err != nil {
				return err
			}
			_, err = books.FindByKey(context.Background(), cvAuthor{ID: 1}, v)
			return err
		}, key},
		{"HasMany.ExistsKey", "ID", func(s *memstore.Store, v any) error {
			books, err := relations.NewHasMany[cvAuthor, cvBook](s, "author")
			if err != nil {
				return err
			}
			ok, err := books.ExistsKey(context.Background(), cvAuthor{ID: 1}, v)
			if err == nil && !ok {
				t.Errorf("ExistsKey(%T %v) = false, want true", v, v)
			}
			return err
		}, key},
		{"Tx.RaiseAutoKey", "ID", func(s *memstore.Store, v any) error {
			return s.Update(context.Background(), func(tx *memstore.Tx) error { return tx.RaiseAutoKey("cvBook", v) })
		}, key},
	}
}

func TestByNameValuesConvertWhenExact(t *testing.T) {
	for _, ep := range byNameEntryPoints(t) {
		t.Run(ep.name, func(t *testing.T) {
			s := newConvertStore(t)
			for _, v := range ep.exact {
				if err := ep.call(s, v); err != nil {
					t.Errorf("%s(%T %v) = %v, want the row", ep.name, v, v, err)
				}
			}
		})
	}
}

func TestByNameValuesRefusedWhenNotExact(t *testing.T) {
	for _, ep := range byNameEntryPoints(t) {
		for _, tc := range []struct {
			name string
			v    any
			want []string // in the message, besides the field
		}{
			{"a fraction", 1.5, []string{"float64", "1.5"}},
			{"another kind", "1", []string{"string"}},
			{"a bool", true, []string{"bool"}},
			{"an overflow", uint64(1) << 63, []string{"uint64", "9223372036854775808"}},
		} {
			t.Run(ep.name+"/"+tc.name, func(t *testing.T) {
				s := newConvertStore(t)
				err := ep.call(s, tc.v)
				if !errors.Is(err, memstore.ErrInvalid) {
					t.Fatalf("%s(%T %v) = %v, want ErrInvalid", ep.name, tc.v, tc.v, err)
				}
				for _, w := range append(tc.want, ep.field) {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("%s(%T %v) = %q, want it to name %q", ep.name, tc.v, tc.v, err, w)
					}
				}
			})
		}
	}
	t.Run("int32 out of range", func(t *testing.T) {
		s := newConvertStore(t)
		err := s.View(context.Background(), func(tx *memstore.Tx) error {
			_, err := mustTable[cvAuthor, int64](t, s).Lookup(tx, "Code", 1<<40)
			return err
		})
		if !errors.Is(err, memstore.ErrInvalid) || !strings.Contains(err.Error(), "int32") || !strings.Contains(err.Error(), "(int)") {
			t.Errorf("Lookup(Code, 1<<40) = %v, want ErrInvalid naming int32 and int", err)
		}
	})
}

// An unknown model, relation or field given by name is refused with
// ErrInvalid listing the names that exist.
func TestUnknownNamesListTheKnownOnes(t *testing.T) {
	s := newConvertStore(t)
	authors := mustTable[cvAuthor, int64](t, s)
	books := mustTable[cvBook, int64](t, s)
	models := "cvAuthor, cvBook"
	for _, tc := range []struct {
		name string
		call func(tx *memstore.Tx) error
		want string
	}{
		{"Tx.Get model", func(tx *memstore.Tx) error { _, err := tx.Get("cvBooks", 1); return err }, models},
		{"Tx.ByFK model", func(tx *memstore.Tx) error { _, err := tx.ByFK("cvBooks", "author", 1); return err }, models},
		{"Tx.ByFK relation", func(tx *memstore.Tx) error { _, err := tx.ByFK("cvBook", "writer", 1); return err }, "author"},
		{"Tx.Rows model", func(tx *memstore.Tx) error { _, err := tx.Rows("cvBooks"); return err }, models},
		{"Tx.Count model", func(tx *memstore.Tx) error { _, err := tx.Count("cvBooks", filter.Cond{}); return err }, models},
		{"Tx.Find model", func(tx *memstore.Tx) error { _, err := tx.Find("cvBooks", filter.Filter{}); return err }, models},
		{"Tx.AutoKey model", func(tx *memstore.Tx) error { _, _, err := tx.AutoKey("cvBooks"); return err }, models},
		{"Table.ByFK relation", func(tx *memstore.Tx) error { _, err := books.ByFK(tx, "writer", 1); return err }, "author"},
		{"Table.Lookup field", func(tx *memstore.Tx) error { _, err := authors.Lookup(tx, "Nmae", "Ann"); return err }, "ID, Code, Slug"},
		{"Table.Lookup non-unique field", func(tx *memstore.Tx) error { _, err := authors.Lookup(tx, "Name", "Ann"); return err }, "ID, Code, Slug"},
		{"Tx.Related relation", func(tx *memstore.Tx) error {
			_, err := tx.Related("cvBook", "writer", []cvBook{{ID: 1}})
			return err
		}, "author"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.View(context.Background(), tc.call)
			if !errors.Is(err, memstore.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s = %v, want ErrInvalid listing %q", tc.name, err, tc.want)
			}
		})
	}
	t.Run("Store.Query model", func(t *testing.T) {
		_, err := s.Query("cvBooks", filter.Filter{})
		if !errors.Is(err, memstore.ErrInvalid) || !strings.Contains(err.Error(), models) {
			t.Errorf("Query = %v, want ErrInvalid listing %q", err, models)
		}
	})
	t.Run("Tx.RaiseAutoKey model", func(t *testing.T) {
		err := s.Update(context.Background(), func(tx *memstore.Tx) error { return tx.RaiseAutoKey("cvBooks", 1) })
		if !errors.Is(err, memstore.ErrInvalid) || !strings.Contains(err.Error(), models) {
			t.Errorf("RaiseAutoKey = %v, want ErrInvalid listing %q", err, models)
		}
	})
}
