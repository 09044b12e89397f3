package memstore

import (
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"time"
	"unsafe"
)

// The kinds an index can hold besides the key kinds (see keyKind): they may
// be unique fields and fields of secondary indexes, never primary or
// foreign keys.
const (
	kindBool keyKind = iota + kindBytes16 + 1
	kindFloat
	kindTime
)

// isKey reports whether the codec's kind may be a primary or foreign key
// (an integer, string or [16]byte kind).
func (c *codec) isKey() bool { return c.kind <= kindBytes16 }

var typeTime = reflect.TypeFor[time.Time]()

// newIndexCodec returns the codec of an indexable type: a key type (see
// newCodec), or a bool, float32, float64 or time.Time kind, or a named type
// of one of these. Their encodings keep the codec's promises (byte order is
// value order; no encoding is a prefix of another):
//
//   - bool: one byte, 0 for false and 1 for true;
//   - floats: the IEEE 754 bits of the type's width, big-endian, with the
//     sign bit flipped for a positive number and every bit flipped for a
//     negative one, so that byte order is numeric order (-Inf first, +Inf
//     last, subnormals in place). -0 is encoded as +0, so the two are equal
//     as in SQL; NaN, which has no place in an order, is refused by check;
//   - time.Time: the instant, independent of Location and monotonic
//     reading, as 12 bytes: the seconds since January 1, year 1 UTC as a
//     signed 64-bit integer (sign bit flipped, big-endian), then the
//     nanoseconds as a big-endian uint32. That is time.Time's own range,
//     whole: UnixNano would overflow outside the years 1678 to 2262.
func newIndexCodec(t reflect.Type) (*codec, bool) {
	if c, ok := newCodec(t); ok {
		return c, true
	}
	switch t.Kind() {
	case reflect.Bool:
		return &codec{kind: kindBool, size: 1, typ: t}, true
	case reflect.Float32, reflect.Float64:
		return &codec{kind: kindFloat, size: int(t.Size()), typ: t}, true
	case reflect.Struct:
		// time.Time, or a type defined as `type T time.Time`: only those
		// share time.Time's unexported fields, so only those convert.
		if t.ConvertibleTo(typeTime) {
			return &codec{kind: kindTime, size: 12, typ: t}, true
		}
	}
	return nil, false
}

// unixToInternal is time's offset from Unix seconds to its own seconds
// since January 1, year 1.
const unixToInternal int64 = (1969*365 + 1969/4 - 1969/100 + 1969/400) * 86400

// timeSeconds returns t's seconds since January 1, year 1 UTC, for every t
// time.Time can hold. t.Unix() is those seconds minus unixToInternal in
// wrapping int64 arithmetic, so adding it back (wrapping too) is exact even
// where Unix() itself wrapped around, at the ends of the range.
func timeSeconds(t *time.Time) int64 { return t.Unix() + unixToInternal }

// floatBits returns the order-preserving bits of the float at p (see
// newIndexCodec); -0 gives the bits of +0.
func (c *codec) floatBits(p unsafe.Pointer) uint64 {
	if c.size == 4 {
		f := *(*float32)(p)
		if f == 0 {
			f = 0 // -0 is +0
		}
		b := uint64(math.Float32bits(f))
		if b&(1<<31) != 0 {
			return ^b & (1<<32 - 1)
		}
		return b | 1<<31
	}
	f := *(*float64)(p)
	if f == 0 {
		f = 0
	}
	b := math.Float64bits(f)
	if b&(1<<63) != 0 {
		return ^b
	}
	return b | 1<<63
}

// appendScalar appends the encoding of the bool, float or time at p.
func (c *codec) appendScalar(dst []byte, p unsafe.Pointer) []byte {
	switch c.kind {
	case kindBool:
		if *(*bool)(p) {
			return append(dst, 1)
		}
		return append(dst, 0)
	case kindFloat:
		if c.size == 4 {
			return binary.BigEndian.AppendUint32(dst, uint32(c.floatBits(p)))
		}
		return binary.BigEndian.AppendUint64(dst, c.floatBits(p))
	case kindTime:
		t := (*time.Time)(p)
		dst = binary.BigEndian.AppendUint64(dst, uint64(timeSeconds(t))^1<<63)
		return binary.BigEndian.AppendUint32(dst, uint32(t.Nanosecond()))
	}
	panic(fmt.Sprintf("memstore: internal: appendScalar of kind %d", c.kind))
}

// decodeScalar stores at p the bool, float or time whose encoding is k. A
// time comes back in UTC; -0 comes back as +0.
func (c *codec) decodeScalar(p unsafe.Pointer, k []byte) {
	switch c.kind {
	case kindBool:
		*(*bool)(p) = k[0] != 0
	case kindFloat:
		if c.size == 4 {
			b := binary.BigEndian.Uint32(k)
			if b&(1<<31) != 0 {
				b &^= 1 << 31
			} else {
				b = ^b
			}
			*(*float32)(p) = math.Float32frombits(b)
			return
		}
		b := binary.BigEndian.Uint64(k)
		if b&(1<<63) != 0 {
			b &^= 1 << 63
		} else {
			b = ^b
		}
		*(*float64)(p) = math.Float64frombits(b)
	case kindTime:
		sec := int64(binary.BigEndian.Uint64(k)^1<<63) - unixToInternal
		nsec := int64(binary.BigEndian.Uint32(k[8:]))
		*(*time.Time)(p) = time.Unix(sec, nsec).UTC()
	default:
		panic(fmt.Sprintf("memstore: internal: decodeScalar of kind %d", c.kind))
	}
}

// scalarIsZero reports whether the bool, float or time at p is its type's
// zero value.
func (c *codec) scalarIsZero(p unsafe.Pointer) bool {
	switch c.kind {
	case kindBool:
		return !*(*bool)(p)
	case kindFloat:
		if c.size == 4 {
			return *(*float32)(p) == 0
		}
		return *(*float64)(p) == 0
	default:
		return (*time.Time)(p).IsZero()
	}
}

// checkScalar refuses NaN: it has no place in an index's order.
func (c *codec) checkScalar(p unsafe.Pointer) error {
	if c.kind != kindFloat {
		return nil
	}
	var nan bool
	if c.size == 4 {
		f := *(*float32)(p)
		nan = f != f
	} else {
		f := *(*float64)(p)
		nan = f != f
	}
	if nan {
		return fmt.Errorf("%w: NaN cannot be indexed (it has no place in an order)", ErrInvalid)
	}
	return nil
}

// validScalar is codec.valid for a bool, float or time key: its type's
// width, and a value the encoder produces: 0 or 1 for a bool, no NaN and no
// -0 (encoded as +0) for a float, nanoseconds below a second for a time.
func (c *codec) validScalar(k []byte) bool {
	if len(k) != c.size {
		return false
	}
	switch c.kind {
	case kindBool:
		return k[0] <= 1
	case kindFloat:
		var f float64
		if c.size == 4 {
			var g float32
			c.decodeScalar(unsafe.Pointer(&g), k)
			f = float64(g)
		} else {
			c.decodeScalar(unsafe.Pointer(&f), k)
		}
		return f == f && !(f == 0 && math.Signbit(f))
	case kindTime:
		return binary.BigEndian.Uint32(k[8:]) < 1e9
	}
	return false
}
