package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/relstore/relstore/memstore"
)

// IgnoreOrder makes AssertRows and AssertDump (and any cmp.Diff) compare
// slices as multisets: rows are sorted by their printed form before
// comparing.
func IgnoreOrder() cmp.Option {
	return cmpopts.SortSlices(func(a, b any) bool { return fmt.Sprintf("%#v", a) < fmt.Sprintf("%#v", b) })
}

// Rows returns the rows of model T in primary key order, as the store holds
// them now.
func Rows[T any](s *memstore.Store) ([]T, error) {
	name, err := modelName[T](s)
	if err != nil {
		return nil, err
	}
	var out []T
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		rows, err := tx.Rows(name)
		for _, r := range rows {
			out = append(out, r.(T))
		}
		return err
	})
	return out, err
}

func modelName[T any](s *memstore.Store) (string, error) {
	t := reflect.TypeFor[T]()
	for _, m := range s.Models() {
		if m.Type == t {
			return m.Name, nil
		}
	}
	return "", fmt.Errorf("storetest: %v is not a registered model", t)
}

// AssertRows reports through t.Errorf, with a (-want +got) diff, unless the
// rows of model T in s equal want (in primary key order, or in any order with
// IgnoreOrder). It returns whether they were equal.
func AssertRows[T any](t testing.TB, s *memstore.Store, want []T, opts ...cmp.Option) bool {
	t.Helper()
	got, err := Rows[T](s)
	if err != nil {
		t.Errorf("storetest: rows: %v", err)
		return false
	}
	if len(want) == 0 && len(got) == 0 {
		return true
	}
	if diff := cmp.Diff(want, got, opts...); diff != "" {
		t.Errorf("rows of %v mismatch (-want +got):\n%s", reflect.TypeFor[T](), diff)
		return false
	}
	return true
}

// AssertDump reports through t.Errorf, with a (-want +got) diff, unless the
// whole store equals want. Models absent from want, or with no rows, must
// have no rows.
func AssertDump(t testing.TB, s *memstore.Store, want memstore.Dump, opts ...cmp.Option) bool {
	t.Helper()
	var got memstore.Dump
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		var err error
		got, err = tx.Dump()
		return err
	})
	if err != nil {
		t.Errorf("storetest: dump: %v", err)
		return false
	}
	if diff := cmp.Diff(compact(want), compact(got), opts...); diff != "" {
		t.Errorf("store mismatch (-want +got):\n%s", diff)
		return false
	}
	return true
}

// compact drops models without rows.
func compact(d memstore.Dump) memstore.Dump {
	out := memstore.Dump{}
	for k, v := range d {
		if len(v) > 0 {
			out[k] = v
		}
	}
	return out
}

// AssertForeignKeyError reports through t.Errorf unless err is (or wraps) a
// *memstore.ForeignKeyError whose foreign key is model.field: the row
// written (insert or update of model) or, for a refused delete, the
// referencing row's model. It returns whether it was.
func AssertForeignKeyError(t testing.TB, err error, model, field string) bool {
	t.Helper()
	var fk *memstore.ForeignKeyError
	if !errors.As(err, &fk) {
		t.Errorf("error = %v, want a foreign key violation of %s.%s", err, model, field)
		return false
	}
	source := fk.Model
	if fk.Referrer != "" {
		source = fk.Referrer
	}
	if source != model || fk.Field != field {
		t.Errorf("foreign key violation of %s.%s (%v), want %s.%s", source, fk.Field, err, model, field)
		return false
	}
	return true
}

// CheckIntegrity reports through t.Errorf every violation of the store's
// invariants (memstore.Tx.CheckIntegrity) and returns whether there was none.
func CheckIntegrity(t testing.TB, s *memstore.Store) bool {
	t.Helper()
	err := s.View(context.Background(), func(tx *memstore.Tx) error { return tx.CheckIntegrity() })
	if err != nil {
		t.Errorf("storetest: integrity: %v", err)
		return false
	}
	return true
}
