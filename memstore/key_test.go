package memstore

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// Named key types: a named type of a key kind is a key kind too.
type (
	namedInt64  int64
	namedString string
)

type integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 |
		~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// mustCodec returns the codec of T.
func mustCodec[T any](t testing.TB) *codec {
	t.Helper()
	c, ok := newCodec(reflect.TypeFor[T]())
	if !ok {
		t.Fatalf("newCodec(%v) is not a key type", reflect.TypeFor[T]())
	}
	return c
}

func encode[T any](c *codec, v T) []byte {
	return c.appendKey(nil, unsafe.Pointer(&v))
}

// checkCodec checks, for values in any order, that the encodings sort like
// the values (compare), that they are valid and their prefixes are not
// (codec.valid), that equal values encode equally, that no encoding is
// a proper prefix of another, that decode inverts encode, and that
// encodedLen is exact.
func checkCodec[T any](t testing.TB, c *codec, vals []T, compare func(a, b T) int) {
	t.Helper()
	vals = slices.Clone(vals)
	slices.SortFunc(vals, compare)
	encs := make([][]byte, len(vals))
	for i, v := range vals {
		encs[i] = encode(c, v)
		if !c.valid(encs[i]) || c.valid(encs[i][:len(encs[i])-1]) {
			t.Errorf("valid(encode(%#v)) = %v, valid of it less its last byte = %v; want true, false",
				v, c.valid(encs[i]), c.valid(encs[i][:len(encs[i])-1]))
		}
		if n := c.encodedLen(unsafe.Pointer(&v)); n != len(encs[i]) {
			t.Errorf("encodedLen(%#v) = %d, want %d", v, n, len(encs[i]))
		}
		got, ok := c.decode(encs[i]).Interface().(T)
		if !ok || compare(got, v) != 0 {
			t.Errorf("decode(encode(%#v)) = %#v, want %#v", v, c.decode(encs[i]).Interface(), v)
		}
	}
	// Sorted values: adjacent pairs suffice for order, and for prefixes too
	// (a key that is a prefix of another sorts right before the keys that
	// extend it, so it is a prefix of its successor).
	for i := 1; i < len(vals); i++ {
		a, b := vals[i-1], vals[i]
		ea, eb := encs[i-1], encs[i]
		want := compare(a, b)
		if got := bytes.Compare(ea, eb); got != want {
			t.Errorf("bytes.Compare(encode(%#v), encode(%#v)) = %d, want %d (% x vs % x)", a, b, got, want, ea, eb)
		}
		if want != 0 && bytes.HasPrefix(eb, ea) {
			t.Errorf("encode(%#v) = % x is a prefix of encode(%#v) = % x", a, ea, b, eb)
		}
	}
}

func randomSeed(t testing.TB) *rand.Rand {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	t.Logf("random seed %d", seed)
	return rand.New(rand.NewPCG(seed, seed>>32))
}

func checkInteger[T integer](t *testing.T, edges []T) {
	t.Helper()
	c := mustCodec[T](t)
	t.Run("edge values", func(t *testing.T) {
		checkCodec(t, c, edges, cmp.Compare[T])
	})
	t.Run("random values", func(t *testing.T) {
		r := randomSeed(t)
		vals := slices.Clone(edges)
		for range 2000 {
			vals = append(vals, T(r.Uint64()))
		}
		// Small values too, where neighbours are likely.
		for range 200 {
			vals = append(vals, T(r.IntN(7)-3))
		}
		checkCodec(t, c, vals, cmp.Compare[T])
	})
}

func TestCodecIntegers(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"int8", func(t *testing.T) {
			checkInteger(t, []int8{math.MinInt8, math.MinInt8 + 1, -2, -1, 0, 1, 2, math.MaxInt8 - 1, math.MaxInt8})
		}},
		{"int16", func(t *testing.T) {
			checkInteger(t, []int16{math.MinInt16, -256, -255, -1, 0, 1, 255, 256, math.MaxInt16})
		}},
		{"int32", func(t *testing.T) { checkInteger(t, []int32{math.MinInt32, -65536, -1, 0, 1, 65536, math.MaxInt32}) }},
		{"int64", func(t *testing.T) {
			checkInteger(t, []int64{math.MinInt64, math.MinInt32 - 1, -1, 0, 1, math.MaxInt32 + 1, math.MaxInt64})
		}},
		{"int", func(t *testing.T) { checkInteger(t, []int{math.MinInt, -1, 0, 1, math.MaxInt}) }},
		{"uint8", func(t *testing.T) { checkInteger(t, []uint8{0, 1, 127, 128, math.MaxUint8}) }},
		{"uint16", func(t *testing.T) { checkInteger(t, []uint16{0, 1, 255, 256, math.MaxUint16}) }},
		{"uint32", func(t *testing.T) { checkInteger(t, []uint32{0, 1, 1 << 31, math.MaxUint32}) }},
		{"uint64", func(t *testing.T) { checkInteger(t, []uint64{0, 1, 1 << 63, math.MaxUint64 - 1, math.MaxUint64}) }},
		{"uint", func(t *testing.T) { checkInteger(t, []uint{0, 1, math.MaxUint}) }},
		{"named int64", func(t *testing.T) { checkInteger(t, []namedInt64{math.MinInt64, -1, 0, 1, math.MaxInt64}) }},
		{"row id", func(t *testing.T) { checkInteger(t, []RowID{0, 1, 2, math.MaxUint64}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.run)
	}
}

var stringEdges = []string{
	"", "\x00", "\x00\x00", "\x00\x01", "\x01", "a", "a\x00", "a\x00\x00", "a\x00\x00\x00",
	"a\x00\x01", "a\x00\xff", "a\x00b", "a\x01", "a\xff", "ab", "b", "\xff", "\xff\x00", "\xff\xff",
	strings.Repeat("\x00", 10), strings.Repeat("\x00", 11), strings.Repeat("\x00", 10) + "\x01",
	strings.Repeat("a\x00", 20), strings.Repeat("\xff", MaxKeyLen),
}

func checkString[T ~string](t *testing.T) {
	c := mustCodec[T](t)
	edges := make([]T, len(stringEdges))
	for i, s := range stringEdges {
		edges[i] = T(s)
	}
	t.Run("edge values", func(t *testing.T) {
		checkCodec(t, c, edges, cmp.Compare[T])
	})
	t.Run("random values", func(t *testing.T) {
		r := randomSeed(t)
		// A small alphabet around the escape bytes makes prefixes and NUL
		// runs common.
		alphabet := []byte{0x00, 0x01, 0x02, 'a', 0xfe, 0xff}
		vals := slices.Clone(edges)
		for range 3000 {
			b := make([]byte, r.IntN(8))
			for i := range b {
				b[i] = alphabet[r.IntN(len(alphabet))]
			}
			vals = append(vals, T(b))
		}
		checkCodec(t, c, vals, cmp.Compare[T])
	})
}

func TestCodecStrings(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"string", checkString[string]},
		{"named string", checkString[namedString]},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.run)
	}
}

func TestCodecBytes16(t *testing.T) {
	c := mustCodec[[16]byte](t)
	compare := func(a, b [16]byte) int { return bytes.Compare(a[:], b[:]) }
	var ones [16]byte
	for i := range ones {
		ones[i] = 0xff
	}
	edges := [][16]byte{{}, {15: 1}, {0: 1}, {0: 0x7f, 15: 0xff}, {0: 0x80}, ones}
	t.Run("edge values", func(t *testing.T) {
		checkCodec(t, c, edges, compare)
	})
	t.Run("random values", func(t *testing.T) {
		r := randomSeed(t)
		vals := slices.Clone(edges)
		for range 2000 {
			var v [16]byte
			for i := range v {
				v[i] = byte(r.IntN(3)) // few distinct bytes: long common prefixes
			}
			vals = append(vals, v)
		}
		checkCodec(t, c, vals, compare)
	})
}

func TestCodecKinds(t *testing.T) {
	tests := []struct {
		name string
		typ  reflect.Type
		want bool
	}{
		{"int", reflect.TypeFor[int](), true},
		{"uint16", reflect.TypeFor[uint16](), true},
		{"string", reflect.TypeFor[string](), true},
		{"named string", reflect.TypeFor[namedString](), true},
		{"uuid", reflect.TypeFor[[16]byte](), true},
		{"float64", reflect.TypeFor[float64](), false},
		{"bool", reflect.TypeFor[bool](), false},
		{"byte slice", reflect.TypeFor[[]byte](), false},
		{"15 bytes", reflect.TypeFor[[15]byte](), false},
		{"16 int8s", reflect.TypeFor[[16]int8](), false},
		{"map", reflect.TypeFor[map[string]int](), false},
		{"struct", reflect.TypeFor[struct{ A int }](), false},
		{"pointer", reflect.TypeFor[*int](), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, got := newCodec(tt.typ); got != tt.want {
				t.Errorf("newCodec(%v) ok = %v, want %v", tt.typ, got, tt.want)
			}
		})
	}
}

func TestCodecMaxKeyLen(t *testing.T) {
	c := mustCodec[string](t)
	tests := []struct {
		name    string
		key     string
		wantErr bool
	}{
		{"empty", "", false},
		{"at the limit", strings.Repeat("x", MaxKeyLen), false},
		{"NULs at the limit", strings.Repeat("\x00", MaxKeyLen), false},
		{"one byte over", strings.Repeat("x", MaxKeyLen+1), true},
		{"far over", strings.Repeat("x", 10*MaxKeyLen), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.check(unsafe.Pointer(&tt.key))
			if got := err != nil; got != tt.wantErr {
				t.Fatalf("check(%d bytes) = %v, want error: %v", len(tt.key), err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Errorf("check(%d bytes) = %v, want ErrInvalid", len(tt.key), err)
			}
		})
	}
	// Integer and [16]byte keys have a fixed width and are always valid.
	i := int64(math.MaxInt64)
	if err := mustCodec[int64](t).check(unsafe.Pointer(&i)); err != nil {
		t.Errorf("check(int64) = %v, want nil", err)
	}
}

func TestCodecMaxInt(t *testing.T) {
	tests := []struct {
		name string
		c    *codec
		want uint64
	}{
		{"int8", mustCodec[int8](t), math.MaxInt8},
		{"int16", mustCodec[int16](t), math.MaxInt16},
		{"int32", mustCodec[int32](t), math.MaxInt32},
		{"int64", mustCodec[int64](t), math.MaxInt64},
		{"uint8", mustCodec[uint8](t), math.MaxUint8},
		{"uint32", mustCodec[uint32](t), math.MaxUint32},
		{"uint64", mustCodec[uint64](t), math.MaxUint64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.maxInt(); got != tt.want {
				t.Errorf("maxInt() = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestExactCapacity(t *testing.T) {
	b := make([]byte, 3, 100)
	got := exact(b)
	if len(got) != 3 || cap(got) != 3 {
		t.Errorf("exact(len 3, cap 100): len %d cap %d, want 3 and 3", len(got), cap(got))
	}
	got[0] = 1
	if b[0] != 0 {
		t.Errorf("exact shares memory with its argument")
	}
}

// TestKeyHashSpreads checks the short-key path of KeyHash reads every byte
// of keys of every length: changing any one byte, or the length, or the
// space, changes the hash; and 100,000 encoded int64 keys get distinct
// hashes with low bits (the cache's stripes) spread evenly.
func TestKeyHashSpreads(t *testing.T) {
	type row struct{ ID int64 }
	s, err := New(Config{Models: []Model{ModelOf[row]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for n := 0; n <= 40; n++ {
		k := make([]byte, n)
		for i := range k {
			k[i] = byte(i*7 + n)
		}
		h := s.KeyHash(1, k)
		if s.KeyHash(1, k) != h {
			t.Fatalf("len %d: KeyHash is not deterministic", n)
		}
		if s.KeyHash(2, k) == h {
			t.Errorf("len %d: spaces 1 and 2 hash alike", n)
		}
		if n < 40 && s.KeyHash(1, append(k[:n:n], 0)) == h {
			t.Errorf("len %d: a trailing NUL does not change the hash", n)
		}
		for i := range k {
			for _, bit := range []byte{1, 0x80} {
				k[i] ^= bit
				if s.KeyHash(1, k) == h {
					t.Errorf("len %d: flipping bit %#x of byte %d does not change the hash", n, bit, i)
				}
				k[i] ^= bit
			}
		}
	}
	const keys = 100_000
	seen := make(map[uint64]bool, keys)
	var stripes [64]int
	for i := int64(1); i <= keys; i++ {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(i)^1<<63)
		h := s.KeyHash(1, b[:])
		if seen[h] {
			t.Fatalf("key %d: hash collision among %d sequential keys", i, i)
		}
		seen[h] = true
		stripes[h&63]++
	}
	for i, c := range stripes {
		if c < keys/64*8/10 || c > keys/64*12/10 { // within 20% of even
			t.Errorf("low-bit stripe %d got %d of %d keys, want about %d", i, c, keys, keys/64)
		}
	}
}

// TestWordColumns checks the codec-free path of plain 64-bit integer
// fields: fieldColumn marks exactly those, and their appendKey writes the
// codec's encoding.
func TestWordColumns(t *testing.T) {
	type row struct {
		I64   int64
		U64   uint64
		Named namedInt64
		I32   int32
		P64   *int64
		S     string
	}
	m := &model{name: "row", typ: reflect.TypeFor[row]()}
	want := map[string]bool{"I64": true, "U64": true, "Named": true, "I32": false, "P64": false, "S": false}
	cols := map[string]*column{}
	for name, word := range want {
		c, err := m.fieldColumn(name, "test")
		if err != nil {
			t.Fatal(err)
		}
		if c.word != word {
			t.Errorf("%s: word = %v, want %v", name, c.word, word)
		}
		cols[name] = c
	}
	r := randomSeed(t)
	vals := []uint64{0, 1, 1 << 31, 1<<63 - 1, 1 << 63, math.MaxUint64}
	for range 1000 {
		vals = append(vals, r.Uint64())
	}
	for _, v := range vals {
		x := row{I64: int64(v), U64: v, Named: namedInt64(v)}
		for _, name := range []string{"I64", "U64", "Named"} {
			c := cols[name]
			got := c.appendKey([]byte("prefix"), unsafe.Pointer(&x))
			want := c.codec.appendKey([]byte("prefix"), c.keyPtr(unsafe.Pointer(&x)))
			if !bytes.Equal(got, want) {
				t.Fatalf("%s = %#x: appendKey = %x, codec = %x", name, v, got, want)
			}
		}
	}
}

func TestCodecValidUnknownKind(t *testing.T) {
	if (&codec{size: 8}).valid(make([]byte, 8)) {
		t.Error("valid of a codec of no known kind = true, want false")
	}
}
