package memstore

import (
	"cmp"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
	"unsafe"
)

// Named indexable types: a named type of an indexable kind is indexable.
type (
	namedFloat float64
	namedBool  bool
	namedTime  time.Time
)

// mustIndexCodec returns the index codec of T.
func mustIndexCodec[T any](t testing.TB) *codec {
	t.Helper()
	c, ok := newIndexCodec(reflect.TypeFor[T]())
	if !ok {
		t.Fatalf("newIndexCodec(%v) is not indexable", reflect.TypeFor[T]())
	}
	return c
}

// randomFloat64 returns a float64 from random bits: every exponent is as
// likely, so subnormals, huge values and infinities come up; NaNs are
// redrawn.
func randomFloat64(r *rand.Rand) float64 {
	for {
		f := math.Float64frombits(r.Uint64())
		if !math.IsNaN(f) {
			return f
		}
	}
}

func randomFloat32(r *rand.Rand) float32 {
	for {
		f := math.Float32frombits(r.Uint32())
		if f == f {
			return f
		}
	}
}

func checkFloats[T ~float32 | ~float64](t *testing.T, edges []T, random func(*rand.Rand) T) {
	c := mustIndexCodec[T](t)
	t.Run("edge values", func(t *testing.T) {
		checkCodec(t, c, edges, cmp.Compare[T])
	})
	t.Run("random values", func(t *testing.T) {
		r := randomSeed(t)
		vals := slices.Clone(edges)
		for range 3000 {
			vals = append(vals, random(r))
		}
		// Neighbours: values a few ulps apart, on both sides of zero.
		for range 300 {
			vals = append(vals, T(r.IntN(9)-4)*T(math.SmallestNonzeroFloat64))
		}
		checkCodec(t, c, vals, cmp.Compare[T])
	})
	t.Run("minus zero equals zero", func(t *testing.T) {
		zero, minus := T(0), T(math.Copysign(0, -1))
		if a, b := encode(c, zero), encode(c, minus); string(a) != string(b) {
			t.Errorf("encode(+0) = % x, encode(-0) = % x, want equal", a, b)
		}
	})
	t.Run("NaN refused", func(t *testing.T) {
		nans := []T{T(math.NaN()), T(math.Float64frombits(0x7ff0000000000001)), T(math.Float64frombits(0xfff8000000000000))}
		if reflect.TypeFor[T]().Size() == 4 {
			nans = append(nans, T(math.Float32frombits(0x7f800001)), T(math.Float32frombits(0xffc00000)))
		}
		for _, v := range nans {
			err := c.check(unsafe.Pointer(&v))
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("check(NaN %x) = %v, want ErrInvalid", math.Float64bits(float64(v)), err)
			}
		}
		for _, v := range edges {
			if err := c.check(unsafe.Pointer(&v)); err != nil {
				t.Errorf("check(%v) = %v, want nil", v, err)
			}
		}
	})
}

func TestCodecFloats(t *testing.T) {
	t.Run("float64", func(t *testing.T) {
		checkFloats(t, []float64{
			math.Inf(-1), -math.MaxFloat64, -1, -math.SmallestNonzeroFloat64, math.Copysign(0, -1), 0,
			math.SmallestNonzeroFloat64, 2 * math.SmallestNonzeroFloat64, 0x1p-1022 - 0x1p-1074, 0x1p-1022, // largest subnormal, smallest normal
			1, math.Nextafter(1, 2), math.MaxFloat64, math.Inf(1),
		}, randomFloat64)
	})
	t.Run("float32", func(t *testing.T) {
		checkFloats(t, []float32{
			float32(math.Inf(-1)), -math.MaxFloat32, -1, -math.SmallestNonzeroFloat32, float32(math.Copysign(0, -1)), 0,
			math.SmallestNonzeroFloat32, 0x1p-126, 1, math.Nextafter32(1, 2), math.MaxFloat32, float32(math.Inf(1)),
		}, randomFloat32)
	})
	t.Run("named float64", func(t *testing.T) {
		checkFloats(t, []namedFloat{namedFloat(math.Inf(-1)), -1, 0, 1, namedFloat(math.Inf(1))},
			func(r *rand.Rand) namedFloat { return namedFloat(randomFloat64(r)) })
	})
}

func TestCodecBool(t *testing.T) {
	checkCodec(t, mustIndexCodec[bool](t), []bool{true, false, true}, func(a, b bool) int {
		return cmp.Compare(boolInt(a), boolInt(b))
	})
	checkCodec(t, mustIndexCodec[namedBool](t), []namedBool{true, false}, func(a, b namedBool) int {
		return cmp.Compare(boolInt(bool(a)), boolInt(bool(b)))
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// zones are the Locations the time tests move instants through: the
// encoding must not see them.
var zones = []*time.Location{
	time.UTC, time.Local,
	time.FixedZone("UTC+14", 14*3600), time.FixedZone("UTC-12", -12*3600),
	time.FixedZone("odd", 5*3600+1799), // seconds in the offset
}

func TestCodecTime(t *testing.T) {
	c := mustIndexCodec[time.Time](t)
	now := time.Now() // with a monotonic reading
	edges := []time.Time{
		{},                                                                 // January 1, year 1 UTC
		time.Unix(math.MinInt64, 0), time.Unix(math.MaxInt64, 999_999_999), // the ends of Unix(), which wrap
		time.Unix(-1<<62, 0), time.Unix(1<<62, 0),
		time.Date(1677, 9, 21, 0, 12, 43, 145224191, time.UTC),  // before UnixNano's range
		time.Date(2262, 4, 11, 23, 47, 16, 854775808, time.UTC), // after it
		time.Unix(-1, 999_999_999), time.Unix(0, 0), time.Unix(0, 1),
		now, now.Round(0), now.Add(time.Nanosecond), now.Add(-time.Nanosecond),
	}
	var vals []time.Time
	for _, e := range edges {
		for _, z := range zones {
			vals = append(vals, e.In(z))
		}
	}
	compare := func(a, b time.Time) int { return a.Compare(b) }
	t.Run("edge values in every zone", func(t *testing.T) {
		checkCodec(t, c, vals, compare)
	})
	t.Run("random values", func(t *testing.T) {
		r := randomSeed(t)
		vals := slices.Clone(vals)
		for range 3000 {
			var tm time.Time
			switch r.IntN(3) {
			case 0: // anywhere in time.Time's range
				tm = time.Unix(int64(r.Uint64()), r.Int64N(1e9))
			case 1: // near now, some with a monotonic reading
				tm = now.Add(time.Duration(r.Int64N(2e9) - 1e9))
				if r.IntN(2) == 0 {
					tm = tm.Round(0)
				}
			default: // a few distinct seconds, many nanoseconds: ties on the first 8 bytes
				tm = time.Unix(r.Int64N(3), r.Int64N(5))
			}
			vals = append(vals, tm.In(zones[r.IntN(len(zones))]))
		}
		checkCodec(t, c, vals, compare)
	})
	t.Run("Location and monotonic reading are not encoded", func(t *testing.T) {
		want := encode(c, now.Round(0).UTC())
		for _, z := range zones {
			for _, tm := range []time.Time{now, now.Round(0)} {
				if got := encode(c, tm.In(z)); string(got) != string(want) {
					t.Errorf("encode(%v) = % x, want % x", tm.In(z), got, want)
				}
			}
		}
	})
	t.Run("named time", func(t *testing.T) {
		c := mustIndexCodec[namedTime](t)
		named := make([]namedTime, len(vals))
		for i, v := range vals {
			named[i] = namedTime(v)
		}
		checkCodec(t, c, named, func(a, b namedTime) int { return time.Time(a).Compare(time.Time(b)) })
	})
}

func TestIndexCodecKinds(t *testing.T) {
	tests := []struct {
		name           string
		typ            reflect.Type
		indexable, key bool
	}{
		{"int", reflect.TypeFor[int](), true, true},
		{"string", reflect.TypeFor[string](), true, true},
		{"uuid", reflect.TypeFor[[16]byte](), true, true},
		{"float64", reflect.TypeFor[float64](), true, false},
		{"float32", reflect.TypeFor[float32](), true, false},
		{"bool", reflect.TypeFor[bool](), true, false},
		{"time", reflect.TypeFor[time.Time](), true, false},
		{"named time", reflect.TypeFor[namedTime](), true, false},
		{"duration", reflect.TypeFor[time.Duration](), true, true}, // an int64
		{"complex", reflect.TypeFor[complex128](), false, false},
		{"byte slice", reflect.TypeFor[[]byte](), false, false},
		{"struct", reflect.TypeFor[struct{ A int }](), false, false},
		{"struct like time", reflect.TypeFor[struct {
			wall uint64
			ext  int64
			loc  *time.Location
		}](), false, false},
		{"pointer", reflect.TypeFor[*int](), false, false},
		{"interface", reflect.TypeFor[any](), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := newIndexCodec(tt.typ)
			if ok != tt.indexable {
				t.Fatalf("newIndexCodec(%v) ok = %v, want %v", tt.typ, ok, tt.indexable)
			}
			if ok && c.isKey() != tt.key {
				t.Errorf("newIndexCodec(%v).isKey() = %v, want %v", tt.typ, c.isKey(), tt.key)
			}
		})
	}
}

// TestValidScalar checks that valid refuses the keys of scalar kinds that
// no value encodes to.
func TestValidScalar(t *testing.T) {
	tests := []struct {
		name string
		c    *codec
		k    []byte
	}{
		{"bool 2", mustIndexCodec[bool](t), []byte{2}},
		{"bool of two bytes", mustIndexCodec[bool](t), []byte{1, 0}},
		{"float64 NaN", mustIndexCodec[float64](t), encodeBits64(math.Float64bits(math.NaN()))},
		{"float64 -0", mustIndexCodec[float64](t), encodeBits64(math.Float64bits(math.Copysign(0, -1)))},
		{"float32 NaN", mustIndexCodec[float32](t), encodeBits32(math.Float32bits(float32(math.NaN())))},
		{"float32 of 8 bytes", mustIndexCodec[float32](t), make([]byte, 8)},
		{"time with a nanosecond count of a second", mustIndexCodec[time.Time](t), append(make([]byte, 8), 0x3b, 0x9a, 0xca, 0x00)},
		{"time of 8 bytes", mustIndexCodec[time.Time](t), make([]byte, 8)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.c.valid(tt.k) {
				t.Errorf("valid(% x) = true, want false", tt.k)
			}
		})
	}
}

// encodeBits64 returns what the float codec would write for bits, were it
// not normalising -0 or refusing NaN.
func encodeBits64(b uint64) []byte {
	if b&(1<<63) != 0 {
		b = ^b
	} else {
		b |= 1 << 63
	}
	return binary.BigEndian.AppendUint64(nil, b)
}

func encodeBits32(b uint32) []byte {
	if b&(1<<31) != 0 {
		b = ^b
	} else {
		b |= 1 << 31
	}
	return binary.BigEndian.AppendUint32(nil, b)
}
