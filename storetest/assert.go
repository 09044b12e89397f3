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
//
// Rows are compared with go-cmp, field by field, unexported fields included
// for the types declared in the models' packages: the store keeps them (rows
// are copied whole), so they are part of the row. Pass
// cmpopts.IgnoreUnexported(T{}) to leave them out. A comparison go-cmp
// refuses (an unexported field of another package's type, options that
// conflict) is reported through t.Errorf as well, never a panic.
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
	diff, err := compare(s, want, got, opts)
	if err != nil {
		t.Errorf("storetest: rows of %v: %v", reflect.TypeFor[T](), err)
		return false
	}
	if diff != "" {
		t.Errorf("rows of %v mismatch (-want +got):\n%s", reflect.TypeFor[T](), diff)
		return false
	}
	return true
}

// AssertDump reports through t.Errorf, with a (-want +got) diff, unless the
// whole store equals want. Models absent from want, or with no rows, must
// have no rows. Rows are compared as AssertRows compares them.
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
	diff, err := compare(s, compact(want), compact(got), opts)
	if err != nil {
		t.Errorf("storetest: store: %v", err)
		return false
	}
	if diff != "" {
		t.Errorf("store mismatch (-want +got):\n%s", diff)
		return false
	}
	return true
}

// compare returns cmp.Diff(want, got) with opts, and with unexported fields
// compared in the types of the packages that declare s's models. go-cmp
// panics on what it cannot compare; compare returns that as an error, so
// that the assertions report it through t.Errorf.
func compare(s *memstore.Store, want, got any, opts []cmp.Option) (diff string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("go-cmp cannot compare the rows (pass cmp options for this type, e.g. cmpopts.IgnoreUnexported): %v", r)
		}
	}()
	all := append([]cmp.Option{exportModels(s)}, opts...) // a new slice: opts is the caller's
	return cmp.Diff(want, got, all...), nil
}

// exportModels lets go-cmp read the unexported fields of the struct types
// declared in the packages of s's models (and of unnamed struct types with an
// unexported field from one of them): the caller's own types. Other packages'
// types keep go-cmp's rule (their Equal method, or an explicit option).
func exportModels(s *memstore.Store) cmp.Option {
	pkgs := map[string]bool{}
	for _, m := range s.Models() {
		if p := m.Type.PkgPath(); p != "" {
			pkgs[p] = true
		}
	}
	return cmp.Exporter(func(t reflect.Type) bool {
		if p := t.PkgPath(); p != "" {
			return pkgs[p]
		}
		for i := range t.NumField() {
			if f := t.Field(i); !f.IsExported() && pkgs[f.PkgPath] {
				return true
			}
		}
		return false
	})
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
