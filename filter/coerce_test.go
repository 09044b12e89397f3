package filter_test

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/relstore/relstore/filter"
)

type stamp time.Time

func ptr[T any](v T) *T { return &v }

func TestCoerce(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		v    any
		to   any // a value of the target type
		want any
	}{
		{"bool", true, false, true},
		{"bool from Text", filter.Text("false"), true, false},
		{"named bool", true, struct{ B bool }{}.B, true},
		{"int", num("12"), int(0), 12},
		{"int from an exact decimal", num("12.0"), int64(0), int64(12)},
		{"int from an exponent", num("1.2e1"), int32(0), int32(12)},
		{"int8 minimum", num("-128"), int8(0), int8(-128)},
		{"int64 minimum", num("-9223372036854775808"), int64(0), int64(math.MinInt64)},
		{"int64 beyond float precision", num("9007199254740993"), int64(0), int64(9007199254740993)},
		{"uint64 maximum", num("18446744073709551615"), uint64(0), uint64(math.MaxUint64)},
		{"negative zero is zero", num("-0"), uint8(0), uint8(0)},
		{"int from Text", filter.Text("42"), int16(0), int16(42)},
		{"int from a Go int", 7, int8(0), int8(7)},
		{"int from a Go uint", uint(7), int64(0), int64(7)},
		{"int from an integral Go float", 7.0, int(0), 7},
		{"uint from a Go int", 7, uint16(0), uint16(7)},
		{"float", num("2.5"), float64(0), 2.5},
		{"float rounds", num("0.1"), float32(0), float32(0.1)},
		{"float from an int literal", num("3"), float64(0), 3.0},
		{"float from Text", filter.Text("-1e-3"), float64(0), -0.001},
		{"float from a Go int", int64(3), float32(0), float32(3)},
		{"float underflow is zero", num("1e-400"), float64(0), 0.0},
		{"string", "x", "", "x"},
		{"string from Text", filter.Text("12"), "", "12"},
		{"named string", "published", status(""), status("published")},
		{"string from a named Go string", status("draft"), "", "draft"},
		{"time", "2026-01-01T00:00:00Z", time.Time{}, t0},
		{"time with fraction and offset", "2026-01-01T01:00:00.5+01:00", time.Time{}, t0.Add(500 * time.Millisecond)},
		{"time from Text", filter.Text("2026-01-01T00:00:00Z"), time.Time{}, t0},
		{"time from Go", t0, time.Time{}, t0},
		{"named time", "2026-01-01T00:00:00Z", stamp{}, stamp(t0)},
		{"time from a named Go time", stamp(t0), time.Time{}, t0},
		{"uuid", "AB000000-0000-0000-0000-000000000001", uuid{}, uuid{0: 0xAB, 15: 1}},
		{"uuid from Go", [16]byte{1}, uuid{}, uuid{1}},
		{"pointer", num("5"), ptr(0), ptr(5)},
		{"null to a pointer", nil, ptr(0), (*int)(nil)},
		{"Go pointer to its value", ptr(int64(5)), int(0), 5},
		{"Go nil pointer to a pointer", (*int)(nil), ptr(""), (*string)(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := filter.Coerce(tt.v, reflect.TypeOf(tt.to))
			if err != nil {
				t.Fatalf("Coerce(%#v, %T): %v", tt.v, tt.to, err)
			}
			if got.Type() != reflect.TypeOf(tt.to) {
				t.Errorf("Coerce(%#v, %T) has type %s", tt.v, tt.to, got.Type())
			}
			g := got.Interface()
			if gt, ok := g.(time.Time); ok {
				if !gt.Equal(tt.want.(time.Time)) {
					t.Errorf("Coerce(%#v, %T) = %v, want %v", tt.v, tt.to, g, tt.want)
				}
				return
			}
			if !reflect.DeepEqual(g, tt.want) {
				t.Errorf("Coerce(%#v, %T) = %#v, want %#v", tt.v, tt.to, g, tt.want)
			}
		})
	}
}

func TestCoerceErrors(t *testing.T) {
	tests := []struct {
		name   string
		v      any
		to     any
		reason string
	}{
		{"a number is not a time", num("12"), time.Time{}, "want a time, got 12"},
		{"a string that is not RFC 3339", "2026-01-01 00:00:00", time.Time{}, `want an RFC 3339 time, got "2026-01-01 00:00:00"`},
		{"a string is not an int", "12", int(0), `want an integer, got "12"`},
		{"a fraction is not an int", num("12.5"), int(0), "want an integer, got 12.5"},
		{"int8 overflow", num("300"), int8(0), "want an int8, got 300"},
		{"int8 underflow", num("-129"), int8(0), "want an int8, got -129"},
		{"huge exponent", num("1e999999999"), int64(0), "want an int64, got 1e999999999"},
		{"negative uint", num("-1"), uint(0), "want a uint, got -1"},
		{"uint64 overflow", num("18446744073709551616"), uint64(0), "want a uint64"},
		{"Go int overflow", 300, int8(0), "want an int8, got 300"},
		{"Go negative to uint", -1, uint8(0), "want a uint8, got -1"},
		{"Go fraction", 2.5, int(0), "want an integer, got 2.5 (float64)"},
		{"Go NaN to int", math.NaN(), int(0), "want an integer"},
		{"Go NaN to float", math.NaN(), float64(0), "want a finite number"},
		{"Text NaN to float", filter.Text("NaN"), float64(0), `want a number, got "NaN"`},
		{"float32 overflow", num("1e39"), float32(0), "want a float32, got 1e39 (out of range)"},
		{"float64 overflow", num("1e400"), float64(0), "want a float64, got 1e400 (out of range)"},
		{"Go float64 to float32 overflow", 1e39, float32(0), "want a float32"},
		{"a string is not a number", "1", float64(0), `want a number, got "1"`},
		{"a number is not a string", num("1"), "", "want a string, got 1"},
		{"a bool is not a string", true, "", "want a string, got true"},
		{"a number is not a bool", num("1"), false, "want a boolean, got 1"},
		{"Text yes is not a bool", filter.Text("yes"), false, `want a boolean, got "yes"`},
		{"a bad UUID", "not-a-uuid", uuid{}, `want a UUID, got "not-a-uuid"`},
		{"null to a value", nil, int(0), "want an integer, got null"},
		{"Go nil pointer to a value", (*int)(nil), "", "want a string, got null"},
		{"a time is not a string", time.Time{}, "", "want a string, got 0001-01-01"},
		{"an unsupported field type", num("1"), []int{}, "a field of type []int cannot be compared"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := filter.Coerce(tt.v, reflect.TypeOf(tt.to))
			if err == nil {
				t.Fatalf("Coerce(%#v, %T) = %v, want an error", tt.v, tt.to, got)
			}
			var fe *filter.Error
			if !errors.Is(err, filter.ErrInvalid) || !errors.As(err, &fe) {
				t.Fatalf("Coerce error %v does not match ErrInvalid as an *Error", err)
			}
			if fe.Path != "" || !strings.Contains(fe.Reason, tt.reason) {
				t.Errorf("Coerce(%#v, %T) error = %q, want a reason holding %q", tt.v, tt.to, err, tt.reason)
			}
		})
	}
	if _, err := filter.Coerce(json.Number("1"), nil); !errors.Is(err, filter.ErrInvalid) {
		t.Errorf("Coerce to a nil type = %v, want ErrInvalid", err)
	}
}
