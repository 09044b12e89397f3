package opseq

import (
	"fmt"
	"reflect"

	"github.com/relstore/relstore/memstore"
)

// MaxOps bounds the length of a decoded sequence.
const MaxOps = 200

// Seq is a decoded input: the schema (with the on-delete actions the input
// chose) and the operations.
type Seq struct {
	Schema *Schema
	Ops    []Op
}

// Decode turns arbitrary bytes into a schema variant of base and 1 to MaxOps
// operations on it. Every byte string decodes (missing bytes read as zero),
// so a fuzzer can mutate freely; Encode is its inverse for the values Decode
// can produce.
//
// The input starts with one byte per relation of base that has Actions (its
// on-delete action), then the ops. Each op is a header byte (kind, API
// variant, cancellation), for a schema with several stores or handle sets a
// place byte, then one byte per field it uses.
func Decode(base *Schema, data []byte) Seq {
	c := &coder{in: data}
	s := c.schema(base)
	c.s = s
	var ops []Op
	for len(ops) < MaxOps {
		var o Op
		c.op(&o, nil)
		ops = append(ops, o)
		if c.pos >= len(c.in) {
			break
		}
	}
	return Seq{Schema: s, Ops: ops}
}

// Encode returns bytes that Decode turns into seq. It panics if an op holds
// a value Decode cannot produce (a key outside the key spaces): seeds are
// written by hand, and that is a bug in the seed. Fields that Resolve fills
// are ignored.
func Encode(seq Seq) []byte {
	if len(seq.Ops) > MaxOps {
		panic(fmt.Sprintf("opseq: encode: %d ops, at most %d", len(seq.Ops), MaxOps))
	}
	c := &coder{enc: true}
	c.schema(seq.Schema)
	c.s = seq.Schema
	for i := range seq.Ops {
		o := seq.Ops[i]
		c.op(&o, nil)
	}
	return c.out
}

// coder reads (decode) or writes (encode) an Op with the same code, so the
// two cannot drift apart. Each field is one byte; decoding maps the byte to
// a value with a function f, and encoding writes the first byte that f maps
// to the value.
type coder struct {
	s   *Schema
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

// HeaderLen returns the length of the input's header for schema s: one
// byte per relation whose action varies.
func (s *Schema) HeaderLen() int {
	n := 0
	for _, r := range s.Rels {
		if len(r.Actions) > 0 {
			n++
		}
	}
	return n
}

// schema codes the on-delete action of each relation of s that has
// Actions, and returns the variant (s itself when none varies).
func (c *coder) schema(s *Schema) *Schema {
	var acts []memstore.Action
	for _, r := range s.Rels {
		if len(r.Actions) == 0 {
			continue
		}
		a := r.OnDelete
		field(c, &a, func(b byte) memstore.Action { return r.Actions[int(b)%len(r.Actions)] })
		acts = append(acts, a)
	}
	if acts == nil {
		return s
	}
	return s.withActions(acts)
}

// pick maps a byte to a value with a coding.
func pick(cd Coding, values []any, b byte) any {
	n := byte(len(values))
	switch cd {
	case Zero16:
		if b%16 == 0 {
			return zeroOf(values)
		}
		return values[(b/16)%n]
	case Zero3:
		if b%3 == 0 {
			return zeroOf(values)
		}
		return values[(b/3)%n]
	case Null2:
		if b%2 == 0 {
			return nil
		}
		return values[(b/2)%n]
	case Null4:
		if b%4 == 0 {
			return nil
		}
		return values[(b/4)%n]
	}
	return values[b%n]
}

func zeroOf(values []any) any { return reflect.Zero(reflect.TypeOf(values[0])).Interface() }

// keyOf maps a byte to a key of model m: zero one time in 16.
func (c *coder) keyOf(m ModelID) func(b byte) any {
	vs := c.s.Models[m].KeyValues
	return func(b byte) any { return pick(Zero16, vs, b) }
}

// fkOf maps a byte to a value of relation r's referenced field, nil one time
// in 4 (for a non-nullable relation, nil means the zero value).
func (c *coder) fkOf(r Rel) func(b byte) any {
	vs := c.s.keyToValues(r)
	return func(b byte) any { return pick(Null4, vs, b) }
}

// keyToValues returns the values of relation r's referenced field.
func (s *Schema) keyToValues(r Rel) []any {
	spec := s.Rels[r]
	t := &s.Models[spec.Target]
	if spec.KeyTo == "" || spec.KeyTo == t.Key {
		return t.KeyValues
	}
	for _, f := range t.Fields {
		if f.Name == spec.KeyTo {
			return f.Values
		}
	}
	panic(fmt.Sprintf("opseq: %s: keyTo %s is not a decoded field", s.RelName(r), spec.KeyTo))
}

// row codes a row of model m, field by field.
func (c *coder) row(v *any, m ModelID) {
	spec := &c.s.Models[m]
	row := reflect.New(spec.Type).Elem()
	if c.enc {
		row.Set(reflect.ValueOf(*v))
	}
	for _, f := range spec.Fields {
		fv := Field(row.Interface(), f.Name)
		field(c, &fv, func(b byte) any { return pick(f.Coding, f.Values, b) })
		row.Set(reflect.ValueOf(WithField(row.Interface(), f.Name, fv)))
	}
	*v = row.Interface()
}

func (c *coder) modelID(b byte) ModelID { return ModelID(int(b) % len(c.s.Models)) }
func (c *coder) relID(b byte) Rel       { return Rel(int(b) % len(c.s.Rels)) }

// header is an op's first byte: kind, API variant and cancellation.
type header struct {
	kind   Kind
	via    Via
	cancel bool
}

// subKinds are the kinds an OpTx may contain; concurrentKinds those an
// OpConcurrent may.
var (
	subKinds        = []Kind{OpInsert, OpUpdate, OpUpsert, OpDelete, OpMove, OpView}
	concurrentKinds = []Kind{OpInsert, OpUpdate, OpUpsert, OpDelete}
)

// place is where an op runs: the store and the handle set.
type place struct{ store, handles int }

// place codes o's store and handle set when the schema has more than one.
// in is the enclosing op: a Sub of an OpTx runs on the transaction's store.
func (c *coder) place(o *Op, in *Op) {
	sets := c.s.HandleSets()
	if len(sets) == 1 {
		return
	}
	p := place{o.Store, o.Handles}
	field(c, &p, func(b byte) place {
		store := int(b) % c.s.NumStores()
		if in != nil && in.Kind == OpTx {
			store = in.Store
		}
		var own, other []int
		for h, st := range sets {
			if st == store {
				own = append(own, h)
			} else {
				other = append(other, h)
			}
		}
		h := own[int(b/16)%len(own)]
		if c.s.CrossStore && len(other) > 0 && (b/2)%8 == 7 {
			h = other[int(b/16)%len(other)]
		}
		return place{store, h}
	})
	o.Store, o.Handles = p.store, p.handles
	switch o.Kind {
	case OpSet, OpGet, OpInclude:
		o.Store = sets[o.Handles] // an accessor runs on its own store
	}
}

func (c *coder) op(o *Op, in *Op) {
	h := header{kind: o.Kind, via: o.Via, cancel: o.Cancel}
	switch {
	case in == nil:
		kinds := c.s.Kinds
		field(c, &h, func(b byte) header {
			k := kinds[int(b)%len(kinds)]
			return header{kind: k, via: Via((b / 16) % 3), cancel: b >= 240 && k != OpConcurrent}
		})
	case in.Kind == OpTx:
		field(c, &h, func(b byte) header {
			return header{kind: subKinds[int(b)%len(subKinds)], via: Via((b / 8) % 3)}
		})
	default:
		field(c, &h, func(b byte) header {
			return header{kind: concurrentKinds[int(b)%len(concurrentKinds)], via: Via((b / 8) % 3)}
		})
	}
	o.Kind, o.Via, o.Cancel = h.kind, h.via, h.cancel
	c.place(o, in)
	if c.enc {
		o.Key, o.FK = normKey(o.Key), normKey(o.FK)
	}
	switch o.Kind {
	case OpInsert, OpUpdate, OpUpsert:
		m := MCustomer
		if c.enc {
			m = c.s.ModelOf(o.Row)
		}
		field(c, &m, c.modelID)
		c.row(&o.Row, m)
		if o.Kind == OpUpdate && c.s.Models[m].Keyless() {
			field(c, &o.Key, c.keyOf(m)) // UpdateKey's key
		}
	case OpDelete:
		field(c, &o.Model, c.modelID)
		field(c, &o.Key, c.keyOf(o.Model))
	case OpSet, OpMove, OpGet:
		field(c, &o.Rel, c.relID)
		field(c, &o.Key, c.keyOf(c.s.Rels[o.Rel].Source))
		field(c, &o.FK, c.fkOf(o.Rel))
	case OpInclude:
		field(c, &o.Rel, c.relID)
		field(c, &o.Dangling, func(b byte) bool { return b%2 == 1 })
		field(c, &o.FK, c.fkOf(o.Rel))
	case OpView:
		type view struct {
			m     ModelID
			write bool
		}
		v := view{o.Model, o.Write}
		field(c, &v, func(b byte) view { return view{c.modelID(b), in == nil && (b/4)%8 == 7} })
		o.Model, o.Write = v.m, v.write
		field(c, &o.Key, c.keyOf(o.Model))
	case OpTx, OpConcurrent:
		n := len(o.Sub)
		if o.Kind == OpTx {
			field(c, &n, func(b byte) int { return 1 + int(b%4) })
			field(c, &o.End, func(b byte) End { return End(b % byte(numEnds)) })
		} else {
			field(c, &n, func(b byte) int { return 2 + int(b%4) })
		}
		if !c.enc {
			o.Sub = make([]Op, n)
		}
		for i := range o.Sub {
			c.op(&o.Sub[i], o)
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
