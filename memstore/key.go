package memstore

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"reflect"
	"unsafe"
)

// MaxKeyLen is the longest string key, in bytes, that the store accepts for a
// primary key, a unique field or a foreign key. Longer keys are refused with
// [ErrInvalid]. The limit keeps index entries small: a radix tree node holds
// its key prefix, so a few huge keys would make every snapshot path expensive.
// It matches the order of magnitude of PostgreSQL's B-tree entry limit (about
// 2.7 kB) while leaving room for the encoding's escapes.
const MaxKeyLen = 1024

// RowID is the type of the key the store assigns to rows of a model that has
// no key field. Store-assigned keys start at 1 and are never reused.
type RowID uint64

// keyKind is the encoding family of a key type.
type keyKind uint8

const (
	kindInt keyKind = iota + 1
	kindUint
	kindString
	kindBytes16
)

// codec encodes the values of one key type into index keys whose byte order
// equals the value order, and that no other key of the same type has as a
// prefix. go-memdb looks up by prefix (First and Get seek the prefix), and a
// non-unique index stores value+primary key, so a prefix-free encoding is what
// makes an exact lookup exact.
//
//   - signed integers: big-endian two's complement of the type's width with the
//     sign bit flipped (so -1 sorts before 0);
//   - unsigned integers: big-endian of the type's width;
//   - strings: each 0x00 byte becomes 0x00 0xFF, and the key ends with
//     0x00 0x01. The terminator cannot occur inside an escaped body, so no key
//     is a prefix of another, and "a" < "a\x00" < "ab" holds byte-wise;
//   - [16]byte: the 16 bytes.
//
// Unique fields and secondary indexes also take bool, float and time.Time
// kinds, whose encodings newIndexCodec describes; primary and foreign keys
// take only the kinds above (isKey).
//
// A codec reads values through an unsafe.Pointer to them: the schema computes
// field offsets once, so the hot path uses no reflection.
type codec struct {
	kind keyKind
	size int // width in bytes of integer kinds
	typ  reflect.Type
}

func newCodec(t reflect.Type) (*codec, bool) {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &codec{kind: kindInt, size: int(t.Size()), typ: t}, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return &codec{kind: kindUint, size: int(t.Size()), typ: t}, true
	case reflect.String:
		return &codec{kind: kindString, typ: t}, true
	case reflect.Array:
		if t.Len() == 16 && t.Elem().Kind() == reflect.Uint8 {
			return &codec{kind: kindBytes16, typ: t}, true
		}
	}
	return nil, false
}

// readInt returns the integer at p as raw 64 bits (sign-extended for signed
// kinds).
func (c *codec) readInt(p unsafe.Pointer) uint64 {
	if c.kind == kindInt {
		switch c.size {
		case 1:
			return uint64(int64(*(*int8)(p)))
		case 2:
			return uint64(int64(*(*int16)(p)))
		case 4:
			return uint64(int64(*(*int32)(p)))
		default:
			return uint64(*(*int64)(p))
		}
	}
	switch c.size {
	case 1:
		return uint64(*(*uint8)(p))
	case 2:
		return uint64(*(*uint16)(p))
	case 4:
		return uint64(*(*uint32)(p))
	default:
		return *(*uint64)(p)
	}
}

// writeInt stores the low bits of v at p.
func (c *codec) writeInt(p unsafe.Pointer, v uint64) {
	switch c.size {
	case 1:
		*(*uint8)(p) = uint8(v)
	case 2:
		*(*uint16)(p) = uint16(v)
	case 4:
		*(*uint32)(p) = uint32(v)
	default:
		*(*uint64)(p) = v
	}
}

// isZero reports whether the value at p is its type's zero value.
func (c *codec) isZero(p unsafe.Pointer) bool {
	switch c.kind {
	case kindInt, kindUint:
		return c.readInt(p) == 0
	case kindString:
		return len(*(*string)(p)) == 0
	case kindBytes16:
		return *(*[16]byte)(p) == [16]byte{}
	default:
		return c.scalarIsZero(p)
	}
}

// check reports why the value at p cannot be a key, or nil.
func (c *codec) check(p unsafe.Pointer) error {
	if c.kind == kindString && len(*(*string)(p)) > MaxKeyLen {
		return fmt.Errorf("%w: key of %d bytes is longer than MaxKeyLen (%d)", ErrInvalid, len(*(*string)(p)), MaxKeyLen)
	}
	if c.kind > kindBytes16 {
		return c.checkScalar(p)
	}
	return nil
}

// valid reports whether k is the encoding of a value of the codec's type,
// for keys that callers hand to exported primitives already encoded: an
// integer key has its type's width and a [16]byte key 16 bytes; a string
// key ends with the terminator 0x00 0x01, every other 0x00 in it is
// followed by the escape 0xFF, and its value is at most MaxKeyLen bytes.
// It is cheap: a length compare for an integer or [16]byte key, one
// IndexByte pass for a string. A new key kind must be added here: any
// other is invalid.
func (c *codec) valid(k []byte) bool {
	switch c.kind {
	case kindInt, kindUint:
		return len(k) == c.size
	case kindBytes16:
		return len(k) == 16
	case kindString:
		return validString(k)
	case kindBool, kindFloat, kindTime:
		return c.validScalar(k)
	}
	return false
}

// validString is codec.valid for a string key.
func validString(k []byte) bool {
	n := len(k) - 2
	if n < 0 || k[n] != 0 || k[n+1] != 1 {
		return false
	}
	body, zeros := k[:n], 0
	for {
		i := bytes.IndexByte(body, 0)
		if i < 0 {
			break
		}
		if i+1 == len(body) || body[i+1] != 0xFF {
			return false
		}
		body, zeros = body[i+2:], zeros+1
	}
	return n-zeros <= MaxKeyLen
}

// encodedLen returns the length of the encoding of the value at p.
func (c *codec) encodedLen(p unsafe.Pointer) int {
	switch c.kind {
	case kindInt, kindUint:
		return c.size
	case kindString:
		s := *(*string)(p)
		return len(s) + 2 + countZeros(s)
	case kindBytes16:
		return 16
	default:
		return c.size // bool, float, time
	}
}

func countZeros(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			n++
		}
	}
	return n
}

// appendKey appends the encoding of the value at p to dst.
func (c *codec) appendKey(dst []byte, p unsafe.Pointer) []byte {
	switch c.kind {
	case kindInt, kindUint:
		return c.appendInt(dst, c.readInt(p))
	case kindString:
		s := *(*string)(p)
		for i := 0; i < len(s); i++ {
			if s[i] == 0 {
				dst = append(dst, 0, 0xFF)
			} else {
				dst = append(dst, s[i])
			}
		}
		return append(dst, 0, 1)
	case kindBytes16:
		b := (*[16]byte)(p)
		return append(dst, b[:]...)
	default:
		return c.appendScalar(dst, p)
	}
}

func (c *codec) appendInt(dst []byte, v uint64) []byte {
	if c.kind == kindInt {
		v ^= 1 << (uint(c.size)*8 - 1)
	}
	if c.size == 8 { // the common int64 key: no temporary, no memmove call
		return binary.BigEndian.AppendUint64(dst, v)
	}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return append(dst, b[8-c.size:]...)
}

// decodeInt returns the raw 64 bits of an integer key.
func (c *codec) decodeInt(k []byte) uint64 {
	var b [8]byte
	copy(b[8-c.size:], k)
	v := binary.BigEndian.Uint64(b[:])
	if c.kind == kindInt {
		v ^= 1 << (uint(c.size)*8 - 1)
		// Sign-extend from the type's width.
		shift := 64 - uint(c.size)*8
		v = uint64(int64(v<<shift) >> shift)
	}
	return v
}

// value returns the value whose encoding is k as an any, for errors and
// dumps. Unnamed basic types box directly; others go through reflect.
func (c *codec) value(k []byte) any {
	switch c.typ {
	case typeInt64:
		return int64(c.decodeInt(k))
	case typeInt:
		return int(c.decodeInt(k))
	case typeUint64:
		return c.decodeInt(k)
	case typeInt32:
		return int32(c.decodeInt(k))
	}
	return c.decode(k).Interface()
}

var (
	typeInt64  = reflect.TypeFor[int64]()
	typeInt    = reflect.TypeFor[int]()
	typeUint64 = reflect.TypeFor[uint64]()
	typeInt32  = reflect.TypeFor[int32]()
)

// decode returns the value whose encoding is k, as a value of the codec's type.
func (c *codec) decode(k []byte) reflect.Value {
	v := reflect.New(c.typ).Elem()
	p := v.Addr().UnsafePointer()
	switch c.kind {
	case kindInt, kindUint:
		c.writeInt(p, c.decodeInt(k))
	case kindString:
		body := k[:len(k)-2]
		b := make([]byte, 0, len(body))
		for i := 0; i < len(body); i++ {
			b = append(b, body[i])
			if body[i] == 0 {
				i++ // skip the 0xFF escape
			}
		}
		*(*string)(p) = string(b)
	case kindBytes16:
		copy((*[16]byte)(p)[:], k)
	default:
		c.decodeScalar(p, k)
	}
	return v
}

// maxInt returns the largest value of an integer key type, as raw bits.
func (c *codec) maxInt() uint64 {
	if c.kind == kindInt {
		return 1<<(uint(c.size)*8-1) - 1
	}
	if c.size == 8 {
		return ^uint64(0)
	}
	return 1<<(uint(c.size)*8) - 1
}

// less reports whether raw integer a < b in the codec's signedness.
func (c *codec) less(a, b uint64) bool {
	if c.kind == kindInt {
		return int64(a) < int64(b)
	}
	return a < b
}

// exact returns a copy of b whose capacity equals its length. go-memdb appends
// the primary key to non-unique index values with append; a key with spare
// capacity would be overwritten in place.
func exact(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return bytes.Clone(b)[:len(b):len(b)]
}
