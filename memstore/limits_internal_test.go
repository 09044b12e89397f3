package memstore

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// wideModel returns a model named Wide with an int64 ID, uniques unique
// string fields and fks int64 foreign keys to Wide's own ID.
func wideModel(uniques, fks int) Model {
	fields := []reflect.StructField{{Name: "ID", Type: reflect.TypeFor[int64]()}}
	for i := range uniques {
		fields = append(fields, reflect.StructField{Name: fmt.Sprintf("U%d", i), Type: reflect.TypeFor[string](), Tag: `relstore:"unique"`})
	}
	for i := range fks {
		fields = append(fields, reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: reflect.TypeFor[int64](),
			Tag: reflect.StructTag(fmt.Sprintf(`relstore:"belongsTo=Wide,as=to%d"`, i))})
	}
	return Model{Name: "Wide", typ: reflect.StructOf(fields)}
}

// insertRow inserts the row at v in s and turns a panic into an error.
func insertRow(s *Store, v reflect.Value) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("insert panicked: %v", r)
		}
	}()
	return s.Update(context.Background(), func(tx *Tx) error { return tx.Insert(v.Interface()) })
}

// TestTooManyIndexedColumns: a record's header counts its indexed columns
// in one byte, so a model with more than 255 (primary key, unique fields
// and foreign keys together) is refused by New; at the limit it works.
func TestTooManyIndexedColumns(t *testing.T) {
	tests := []struct {
		name         string
		uniques, fks int
		ok           bool
	}{
		{"255 columns", 254, 0, true},
		{"255 columns with foreign keys", 200, 54, true},
		{"256 unique columns", 255, 0, false},
		{"256 columns with foreign keys", 200, 55, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(Config{Models: []Model{wideModel(tt.uniques, tt.fks)}})
			if !tt.ok {
				var se *SchemaError
				if !errors.As(err, &se) || !errors.Is(err, ErrSchema) || se.Model != "Wide" || !strings.Contains(se.Reason, "255") {
					t.Errorf("New = %v, want a *SchemaError of Wide naming the limit 255", err)
				}
				if err == nil {
					defer s.Close()
					v := reflect.New(s.schema.models[0].typ).Elem()
					v.Field(0).SetInt(1)
					t.Errorf("and an insert = %v", insertRow(s, v))
				}
				return
			}
			if err != nil {
				t.Fatalf("New = %v, want nil", err)
			}
			defer s.Close()
			v := reflect.New(s.schema.models[0].typ).Elem()
			v.Field(0).SetInt(1)
			for i := range tt.uniques {
				v.Field(1 + i).SetString(fmt.Sprint(i))
			}
			for i := range tt.fks {
				v.Field(1 + tt.uniques + i).SetInt(1) // the row itself
			}
			if err := insertRow(s, v); err != nil {
				t.Fatalf("insert = %v, want nil", err)
			}
			err = s.View(context.Background(), func(tx *Tx) error { return tx.CheckIntegrity() })
			if err != nil {
				t.Errorf("CheckIntegrity: %v", err)
			}
		})
	}
}

// TestKeyBytesLimit: a row whose encoded keys take more than 0xFFFF bytes
// (the record's 16-bit offsets) is refused with ErrInvalid, never a panic,
// also when the copy of the primary key kept after a last foreign key
// takes it over the limit.
func TestKeyBytesLimit(t *testing.T) {
	const uniques = 31
	fields := []reflect.StructField{{Name: "ID", Type: reflect.TypeFor[string]()}}
	for i := range uniques {
		fields = append(fields, reflect.StructField{Name: fmt.Sprintf("U%d", i), Type: reflect.TypeFor[string](), Tag: `relstore:"unique"`})
	}
	// The last slot: a non-unique foreign key, followed by room for the
	// primary key.
	fields = append(fields, reflect.StructField{Name: "ParentID", Type: reflect.TypeFor[string](), Tag: `relstore:"belongsTo=Big,as=parent"`})
	s, err := New(Config{Models: []Model{{Name: "Big", typ: reflect.StructOf(fields)}}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ok, refused int
	// Zero bytes encode in two bytes each: 31 columns of 900 to 1024 of
	// them, with a primary key and a foreign key of 1024, take from about
	// 60,000 to 68,000 bytes of keys.
	for zeros := 900; zeros <= MaxKeyLen; zeros++ {
		v := reflect.New(s.schema.models[0].typ).Elem()
		pk := fmt.Sprintf("%04d", zeros) + strings.Repeat("\x00", MaxKeyLen-4)
		v.Field(0).SetString(pk)
		for i := range uniques {
			v.Field(1 + i).SetString(strings.Repeat("\x00", zeros))
		}
		v.Field(1 + uniques).SetString(pk) // the row itself
		switch err := insertRow(s, v); {
		case err == nil:
			ok++
		case errors.Is(err, ErrInvalid):
			refused++
		default:
			t.Fatalf("insert with keys of %d zero bytes = %v, want nil or ErrInvalid", zeros, err)
		}
	}
	if ok == 0 || refused == 0 {
		t.Errorf("%d rows inserted, %d refused: want both", ok, refused)
	}
	err = s.View(context.Background(), func(tx *Tx) error { return tx.CheckIntegrity() })
	if err != nil {
		t.Errorf("CheckIntegrity: %v", err)
	}
}
