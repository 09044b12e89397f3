package opseq

import "fmt"

// MaxOps bounds the length of a decoded sequence.
const MaxOps = 200

// The key spaces are small so that duplicate keys, unique collisions and
// foreign key hits are frequent.
var (
	noteIDs = []string{"a", "b", "c", "d", "e", "f"}
	emails  = []string{"a@x", "b@x", "c@x", "d@x", ""}
	texts   = []string{"", "x", "y"}
)

// Decode turns arbitrary bytes into 1 to MaxOps operations. Every byte string
// decodes (missing bytes read as zero), so a fuzzer can mutate freely;
// Encode is its inverse for the values Decode can produce.
func Decode(data []byte) []Op {
	c := &coder{in: data}
	var ops []Op
	for len(ops) < MaxOps {
		var o Op
		c.op(&o, false)
		ops = append(ops, o)
		if c.pos >= len(c.in) {
			break
		}
	}
	return ops
}

// Encode returns bytes that Decode turns into ops. It panics if an op holds
// a value Decode cannot produce (a key outside the key spaces): seeds are
// written by hand, and that is a bug in the seed. Fields that Resolve fills
// are ignored.
func Encode(ops []Op) []byte {
	if len(ops) > MaxOps {
		panic(fmt.Sprintf("opseq: encode: %d ops, at most %d", len(ops), MaxOps))
	}
	c := &coder{enc: true}
	for i := range ops {
		o := ops[i]
		c.op(&o, false)
	}
	return c.out
}

// coder reads (decode) or writes (encode) an Op with the same code, so the
// two cannot drift apart. Each field is one byte; decoding maps the byte to
// a value with a function f, and encoding writes the first byte that f maps
// to the value.
type coder struct {
	enc bool
	in  []byte
	pos int
	out []byte
}

func (c *coder) next() byte {
	if c.pos >= len(c.in) {
		c.pos++
		return 0
	}
	b := c.in[c.pos]
	c.pos++
	return b
}

// field codes *v through f.
func field[T comparable](c *coder, v *T, f func(b byte) T) {
	if !c.enc {
		*v = f(c.next())
		return
	}
	for b := 0; b < 256; b++ {
		if f(byte(b)) == *v {
			c.out = append(c.out, byte(b))
			return
		}
	}
	panic(fmt.Sprintf("opseq: encode: no byte decodes to %#v", *v))
}

// opt is a nullable value, comparable (unlike a pointer).
type opt[T comparable] struct {
	v    T
	null bool
}

func optInt(c *coder, p **int64, f func(b byte) opt[int64]) {
	var o opt[int64]
	if c.enc {
		o = opt[int64]{null: *p == nil}
		if *p != nil {
			o.v = **p
		}
	}
	field(c, &o, f)
	*p = nil
	if !o.null {
		*p = Int(o.v)
	}
}

func optStr(c *coder, p **string, f func(b byte) opt[string]) {
	var o opt[string]
	if c.enc {
		o = opt[string]{null: *p == nil}
		if *p != nil {
			o.v = **p
		}
	}
	field(c, &o, f)
	*p = nil
	if !o.null {
		*p = Str(o.v)
	}
}

// anyField codes a value of type any (an int64, a string or nil) through f.
func anyField(c *coder, v *any, f func(b byte) any) {
	field(c, v, f)
}

// Value maps: one byte to a value of a key space.

func id8(b byte) int64 { return 1 + int64(b%8) }

// intKey is a key 1..8, zero one time in 16.
func intKey(b byte) int64 {
	if b%16 == 0 {
		return 0
	}
	return id8(b / 16)
}

// autoKey is a Customer key to insert: zero (auto) one time in 3.
func autoKey(b byte) int64 {
	if b%3 == 0 {
		return 0
	}
	return id8(b / 3)
}

// noteKey is a Note key, empty one time in 16.
func noteKey(b byte) string {
	if b%16 == 0 {
		return ""
	}
	return noteIDs[(b/16)%6]
}

func text(b byte) string { return texts[b%3] }

// keyOf maps a byte to a key of model m.
func keyOf(m ModelID) func(b byte) any {
	if m == MNote {
		return func(b byte) any { return noteKey(b) }
	}
	return func(b byte) any { return intKey(b) }
}

// fkOf maps a byte to a value of relation r's referenced field, nil one time
// in 4 (for a non-nullable relation, nil means the zero value).
func fkOf(r Rel) func(b byte) any {
	return func(b byte) any {
		if b%4 == 0 {
			return nil
		}
		switch r {
		case RelReply:
			return noteIDs[(b/4)%6]
		case RelAuthor:
			return emails[(b/4)%5]
		}
		return id8(b / 4)
	}
}

func (c *coder) row(v *any, m ModelID) {
	switch m {
	case MCustomer:
		var r Customer
		if c.enc {
			r = (*v).(Customer)
		}
		field(c, &r.ID, autoKey)
		field(c, &r.Email, func(b byte) string { return emails[b%5] })
		field(c, &r.Name, text)
		*v = r
	case MOrder:
		var r Order
		if c.enc {
			r = (*v).(Order)
		}
		field(c, &r.ID, intKey)
		field(c, &r.CustomerID, intKey)
		optInt(c, &r.ParentID, func(b byte) opt[int64] {
			if b%2 == 0 {
				return opt[int64]{null: true}
			}
			return opt[int64]{v: id8(b / 2)}
		})
		field(c, &r.Note, text)
		*v = r
	default:
		var r Note
		if c.enc {
			r = (*v).(Note)
		}
		field(c, &r.ID, noteKey)
		field(c, &r.OrderID, id8)
		optStr(c, &r.ReplyTo, func(b byte) opt[string] {
			if b%2 == 0 {
				return opt[string]{null: true}
			}
			return opt[string]{v: noteIDs[(b/2)%6]}
		})
		optStr(c, &r.AuthorEmail, func(b byte) opt[string] {
			if b%2 == 0 {
				return opt[string]{null: true}
			}
			return opt[string]{v: emails[(b/2)%5]}
		})
		field(c, &r.Text, text)
		*v = r
	}
}

func modelID(b byte) ModelID { return ModelID(b % byte(NumModels)) }
func relID(b byte) Rel       { return Rel(b % byte(NumRels)) }

// header is an op's first two bytes: kind, API variant and cancellation.
type header struct {
	kind   Kind
	via    Via
	cancel bool
}

// subKinds are the kinds an OpTx may contain.
var subKinds = []Kind{OpInsert, OpUpdate, OpUpsert, OpDelete, OpMove, OpView}

func (c *coder) op(o *Op, sub bool) {
	h := header{kind: o.Kind, via: o.Via, cancel: o.Cancel}
	if sub {
		field(c, &h, func(b byte) header {
			return header{kind: subKinds[b%byte(len(subKinds))], via: Via((b / 8) % 3)}
		})
	} else {
		field(c, &h, func(b byte) header {
			return header{kind: Kind(b % byte(numKinds)), via: Via((b / 16) % 3), cancel: b >= 240}
		})
	}
	o.Kind, o.Via, o.Cancel = h.kind, h.via, h.cancel
	if c.enc {
		o.Key, o.FK = normKey(o.Key), normKey(o.FK)
	}
	switch o.Kind {
	case OpInsert, OpUpdate, OpUpsert:
		m := MCustomer
		if c.enc {
			m = modelOf(o.Row)
		}
		field(c, &m, modelID)
		c.row(&o.Row, m)
	case OpDelete:
		field(c, &o.Model, modelID)
		anyField(c, &o.Key, keyOf(o.Model))
	case OpSet, OpMove, OpGet:
		field(c, &o.Rel, relID)
		anyField(c, &o.Key, keyOf(Rels[o.Rel].Source))
		anyField(c, &o.FK, fkOf(o.Rel))
	case OpInclude:
		field(c, &o.Rel, relID)
		field(c, &o.Dangling, func(b byte) bool { return b%2 == 1 })
		anyField(c, &o.FK, fkOf(o.Rel))
	case OpView:
		type view struct {
			m     ModelID
			write bool
		}
		v := view{o.Model, o.Write}
		field(c, &v, func(b byte) view { return view{modelID(b), !sub && (b/4)%8 == 7} })
		o.Model, o.Write = v.m, v.write
		anyField(c, &o.Key, keyOf(o.Model))
	case OpTx:
		n := len(o.Sub)
		field(c, &n, func(b byte) int { return 1 + int(b%4) })
		field(c, &o.End, func(b byte) End { return End(b % byte(numEnds)) })
		if !c.enc {
			o.Sub = make([]Op, n)
		}
		for i := range o.Sub {
			c.op(&o.Sub[i], true)
		}
	case OpRestore:
		field(c, &o.Index, func(b byte) int {
			if b%8 == 7 {
				return -1
			}
			return int(b % 8)
		})
	case OpBad:
		field(c, &o.Bad, func(b byte) Bad { return Bad(b % byte(numBads)) })
	}
}

// normKey lets seeds write int keys as untyped constants.
func normKey(k any) any {
	if i, ok := k.(int); ok {
		return int64(i)
	}
	return k
}
