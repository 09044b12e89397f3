package opseq

import (
	"cmp"
	"fmt"
	"iter"
	"reflect"
	"slices"

	"github.com/relstore/relstore/memstore"
)

// Model is the reference implementation: plain maps and the SQL rules of
// memstore's package doc, written as directly as possible over any Schema,
// so that a difference between it and the store is a bug in one of them.
//
//   - insert and update check the primary key, then unique fields (a null
//     never collides), then that every non-null foreign key that changed
//     references an existing row (a row may reference itself);
//   - update refuses to change a referenced value while rows reference it;
//   - delete runs as PostgreSQL runs it on package ddl's schema: a queue
//     of the deleted rows' relations (cascade and setNull first, then
//     restrict), first in, first out; a cascade deletes the referencing
//     rows in key order and queues theirs, a setNull clears the foreign key
//     and queues a check of the rows that reference it through keyTo, a
//     restrict refuses the whole delete if a row still references the
//     value when its turn comes;
//   - the auto key (and a keyless model's RowID) is the largest key ever
//     inserted plus one, part of the transaction and of snapshots;
//   - the first failed write aborts the transaction: later operations fail
//     with ErrTxAborted and nothing is written;
//   - a table handle of one store used in a transaction of another is
//     refused with ErrInvalid (a write aborts the transaction, a read does
//     not);
//   - stores are independent: each has its own state and snapshots.
//
// A Model is not safe for concurrent use.
type Model struct {
	s      *Schema
	stores []*state   // committed, per store; never changed in place, so snapshots share them
	snaps  [][]*state // per store, taken by OpSnapshot
}

// state is one version of a whole store. Rows are values; the pointers
// inside them are never written through, so states may share them.
type state struct {
	s    *Schema
	rows []map[any]any // model → primary key (RowID for a keyless model) → row
	seq  []int64       // model → the largest auto key or RowID ever inserted
}

func (st *state) clone() *state {
	c := &state{s: st.s, rows: make([]map[any]any, len(st.rows)), seq: slices.Clone(st.seq)}
	for m := range st.rows {
		c.rows[m] = make(map[any]any, len(st.rows[m]))
		for k, v := range st.rows[m] {
			c.rows[m][k] = v
		}
	}
	return c
}

// NewModel returns an empty model of schema s.
func NewModel(s *Schema) *Model {
	m := &Model{s: s, snaps: make([][]*state, s.NumStores())}
	for range s.NumStores() {
		st := &state{s: s, rows: make([]map[any]any, len(s.Models)), seq: make([]int64, len(s.Models))}
		for i := range st.rows {
			st.rows[i] = map[any]any{}
		}
		m.stores = append(m.stores, st)
	}
	return m
}

// Schema returns the model's schema.
func (m *Model) Schema() *Schema { return m.s }

// Rows returns the rows of model id in store in primary key order.
func (m *Model) Rows(store int, id ModelID) []any {
	_, rows := m.stores[store].sorted(id)
	return rows
}

// Keys returns the primary keys of model id in store, in order.
func (m *Model) Keys(store int, id ModelID) []any {
	keys, _ := m.stores[store].sorted(id)
	return keys
}

// inOrder yields the keys and rows of model id in key order: the model
// never depends on Go's random map order, so that the same input runs the
// same code the same number of times (the fuzzer's coverage counts).
func (st *state) inOrder(id ModelID) iter.Seq2[any, any] {
	keys, rows := st.sorted(id)
	return func(yield func(any, any) bool) {
		for i := range keys {
			if !yield(keys[i], rows[i]) {
				return
			}
		}
	}
}

func (st *state) sorted(id ModelID) (keys, rows []any) {
	for k := range st.rows[id] {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareKeys)
	for _, k := range keys {
		rows = append(rows, st.rows[id][k])
	}
	return keys, rows
}

// compareKeys orders two keys of one type: integers by value, strings
// bytewise, as memstore's key encoding does.
func compareKeys(a, b any) int {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	switch va.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp.Compare(va.Int(), vb.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return cmp.Compare(va.Uint(), vb.Uint())
	}
	return cmp.Compare(va.String(), vb.String())
}

// Dump returns the rows of store in the form of memstore's Tx.Dump.
func (m *Model) Dump(store int) memstore.Dump {
	d := memstore.Dump{}
	for id := range m.s.Models {
		d[m.s.Models[id].Name] = m.Rows(store, ModelID(id))
	}
	return d
}

// Owner returns the current target row of relation r in store whose
// referenced field is v.
func (m *Model) Owner(store int, r Rel, v any) (any, bool) { return m.stores[store].owner(r, v) }

// Snapshots returns how many snapshots of store were taken.
func (m *Model) Snapshots(store int) int { return len(m.snaps[store]) }

func (st *state) owner(r Rel, v any) (any, bool) {
	s := st.s
	spec := s.Rels[r]
	if spec.KeyTo == "" || spec.KeyTo == s.Models[spec.Target].Key {
		row, ok := st.rows[spec.Target][v]
		return row, ok
	}
	for _, row := range st.inOrder(spec.Target) {
		if Field(row, spec.KeyTo) == v {
			return row, true
		}
	}
	return nil, false
}

func (st *state) current(id ModelID, k any) any {
	if row, ok := st.rows[id][k]; ok {
		return row
	}
	return st.s.Blank(id, k)
}

// standIn returns a row of relation r's source model that is not stored,
// with foreign key v.
func (s *Schema) standIn(r Rel, v any) any {
	src := s.Rels[r].Source
	return s.SetFK(r, s.Blank(src, s.Models[src].StandIn), v)
}

// Resolve fills the fields of op that depend on the state (see Op) so that
// every backend makes the same call. It does not change the model.
func (m *Model) Resolve(op Op) Op { return resolve(m.stores[op.Store], op) }

func resolve(st *state, op Op) Op {
	s := st.s
	switch op.Kind {
	case OpSet:
		spec := s.Rels[op.Rel]
		op.Src = st.current(spec.Source, op.Key)
		op.Owner = nil
		if op.FK != nil {
			if row, ok := st.owner(op.Rel, op.FK); ok {
				op.Owner = row
			} else if t := &s.Models[spec.Target]; spec.KeyTo != "" && spec.KeyTo != t.Key {
				op.Owner = WithField(s.Blank(spec.Target, t.StandIn), spec.KeyTo, op.FK)
			} else {
				op.Owner = s.Blank(spec.Target, op.FK)
			}
		}
	case OpMove:
		op.Row = s.SetFK(op.Rel, st.current(s.Rels[op.Rel].Source, op.Key), op.FK)
	case OpGet:
		spec := s.Rels[op.Rel]
		if row, ok := st.rows[spec.Source][op.Key]; ok {
			op.Src = row
		} else {
			op.Src = s.SetFK(op.Rel, s.Blank(spec.Source, op.Key), op.FK)
		}
	case OpInclude:
		_, op.Srcs = st.sorted(s.Rels[op.Rel].Source)
		if op.Dangling {
			op.Srcs = append(op.Srcs, s.standIn(op.Rel, op.FK))
		}
	case OpTx:
		// Resolve each Sub against the state the transaction has reached.
		t := &mtx{st: st.clone()}
		op.Sub = slices.Clone(op.Sub)
		for i := range op.Sub {
			op.Sub[i] = resolve(t.st, op.Sub[i])
			t.apply(op.Sub[i])
		}
	}
	return op
}

// Apply runs a resolved op on the model and returns what the store must
// return for it.
func (m *Model) Apply(op Op) Outcome {
	s := m.s
	switch op.Kind {
	case OpSnapshot: // takes no context
		m.snaps[op.Store] = append(m.snaps[op.Store], m.stores[op.Store])
		return Outcome{}
	case OpRestore:
		snaps := m.snaps[op.Store]
		if op.Index < 0 || len(snaps) == 0 {
			return Outcome{Class: Invalid} // Restore(ctx, nil)
		}
		if op.Cancel {
			return Outcome{Class: Canceled}
		}
		m.stores[op.Store] = snaps[op.Index%len(snaps)]
		return Outcome{}
	case OpBad:
		switch op.Bad {
		case BadTableKeyType, BadNilFunc, BadNilContext, BadSetNilSource:
			return Outcome{Class: Invalid} // refused before the context is looked at
		}
		if op.Cancel {
			return Outcome{Class: Canceled}
		}
		if op.Bad == BadNested {
			return Outcome{Class: Nested}
		}
		return Outcome{Class: Invalid}
	case OpSet:
		if op.Owner != nil && s.Models[s.Rels[op.Rel].Target].Keyless() && s.Rels[op.Rel].KeyTo == "" {
			return Outcome{Class: Invalid} // the owner's RowID is not in the struct: refused before the context
		}
	}
	if op.Cancel {
		return Outcome{Class: Canceled}
	}
	st := m.stores[op.Store]
	switch op.Kind {
	case OpGet:
		if op.Via == 2 {
			return st.byKey(op.Rel, op.Key)
		}
		return st.get(op.Rel, op.Src)
	case OpInclude:
		out := make([]any, len(op.Srcs))
		for i, src := range op.Srcs {
			o := st.get(op.Rel, src)
			if o.Class != OK {
				return Outcome{Class: o.Class}
			}
			out[i] = o.Value
		}
		return Outcome{Value: out}
	case OpView:
		if op.Write {
			return Outcome{Class: ReadOnly}
		}
		if s.Cross(op) {
			return Outcome{Class: Invalid}
		}
		return st.read(op.Model, op.Key)
	case OpTx:
		t := &mtx{st: st.clone()}
		out := Outcome{Sub: make([]Outcome, len(op.Sub))}
		for i, sub := range op.Sub {
			out.Sub[i] = t.apply(sub)
		}
		switch op.End {
		case EndCommit:
			out.Class = t.err
			if t.err == OK {
				m.stores[op.Store] = t.st
			}
		case EndError:
			out.Class = User
		case EndPanic:
			out.Class = Panic
		case EndCancel:
			out.Class = t.err
			if t.err == OK {
				out.Class = Canceled
			}
		}
		return out
	case OpConcurrent:
		return m.concurrent(op)
	}
	return m.write(op)
}

// write runs op in a transaction of its own and commits it if it succeeds.
func (m *Model) write(op Op) Outcome {
	t := &mtx{st: m.stores[op.Store].clone()}
	out := t.apply(op)
	if out.Class == OK {
		m.stores[op.Store] = t.st
	}
	return out
}

// concurrent replays the Subs of an OpConcurrent, each in a transaction of
// its own, in op.Order.
func (m *Model) concurrent(op Op) Outcome {
	out := Outcome{Sub: make([]Outcome, len(op.Sub)), Order: op.Order}
	seen := make([]bool, len(op.Sub))
	for _, i := range op.Order {
		if i < 0 || i >= len(op.Sub) || seen[i] {
			return Outcome{Class: Other, Value: fmt.Sprintf("order %v is not a permutation of the %d writers", op.Order, len(op.Sub))}
		}
		seen[i] = true
		out.Sub[i] = m.write(op.Sub[i])
	}
	if len(op.Order) != len(op.Sub) {
		return Outcome{Class: Other, Value: fmt.Sprintf("order %v is not a permutation of the %d writers", op.Order, len(op.Sub))}
	}
	return out
}

// Cross reports whether op uses a table handle of another store than the
// transaction's (which vias use a Table is listed in Kind's doc): the store
// must refuse it with ErrInvalid.
func (s *Schema) Cross(op Op) bool {
	if s.HandleSets()[op.Handles] == op.Store {
		return false
	}
	switch op.Kind {
	case OpInsert, OpDelete:
		return op.Via == 0
	case OpUpdate, OpMove:
		return op.Via != 1
	case OpUpsert, OpView:
		return true
	}
	return false
}

// Refused reports whether the API refuses a write op (or a read in a
// transaction) with ErrInvalid before it looks at any row: a table handle of
// another store, a zero key where one is required, a keyless model named by
// a key field (Table.Update, Tx.Update, Tx.Delete), a non-nullable foreign
// key cleared. The model and every backend without that API (SQLite) refuse
// the same ops before running anything.
func (s *Schema) Refused(op Op) bool {
	if s.Cross(op) {
		return true
	}
	switch op.Kind {
	case OpInsert, OpUpsert:
		spec := &s.Models[s.ModelOf(op.Row)]
		return !spec.Keyless() && !spec.Auto && isZeroKey(s.PK(op.Row))
	case OpUpdate, OpMove:
		spec := &s.Models[s.ModelOf(op.Row)]
		if spec.Keyless() {
			return op.Via != 2 || isZeroKey(op.Key)
		}
		return isZeroKey(s.PK(op.Row))
	case OpDelete:
		return s.Models[op.Model].Keyless() && op.Via != 0 || isZeroKey(op.Key)
	case OpView:
		return isZeroKey(op.Key)
	case OpSet:
		spec := s.Rels[op.Rel]
		return op.Owner == nil && !spec.Nullable || isZeroKey(s.PK(op.Src))
	}
	return false
}

func (st *state) read(id ModelID, k any) Outcome {
	if isZeroKey(k) {
		return Outcome{Class: Invalid}
	}
	row, ok := st.rows[id][k]
	if !ok {
		return Outcome{Class: NotFound}
	}
	return Outcome{Value: row}
}

// get is BelongsTo.Get: no owner for a null key, ErrNotFound for a key
// that matches no row.
func (st *state) get(r Rel, src any) Outcome {
	v := st.s.FK(r, src)
	if v == nil {
		return Outcome{}
	}
	row, ok := st.owner(r, v)
	if !ok {
		return Outcome{Class: NotFound}
	}
	return Outcome{Value: row}
}

// byKey is BelongsTo.ByKey: the owner of the stored source row with key k.
func (st *state) byKey(r Rel, k any) Outcome {
	o := st.read(st.s.Rels[r].Source, k)
	if o.Class != OK {
		return o
	}
	return st.get(r, o.Value)
}

// mtx is a write transaction of the model: a private copy of a store's
// state and the class of its first failure.
type mtx struct {
	st  *state
	err Class
}

// apply runs one write (or, for OpView, a read) in the transaction.
func (t *mtx) apply(op Op) Outcome {
	if t.err != OK {
		return Outcome{Class: TxAborted}
	}
	s := t.st.s
	var out Outcome
	switch {
	case op.Kind == OpView: // a read never aborts the transaction
		if s.Cross(op) {
			return Outcome{Class: Invalid}
		}
		return t.st.read(op.Model, op.Key)
	case s.Refused(op):
		out.Class = Invalid
	case op.Kind == OpInsert:
		k, c := t.insert(op.Row)
		out.Class = c
		// Tx.Insert(v) returns no key, nor does Tx.Insert(&v) of a keyless row.
		if c == OK && (op.Via == 0 || op.Via == 2 && !s.Models[s.ModelOf(op.Row)].Keyless()) {
			out.Value = k
		}
	case op.Kind == OpUpsert:
		out.Value, out.Class = t.upsert(op.Row)
	case op.Kind == OpUpdate, op.Kind == OpMove:
		k := op.Key // UpdateKey's key of a keyless row
		if !s.Models[s.ModelOf(op.Row)].Keyless() {
			k = s.PK(op.Row)
		}
		out.Class = t.update(op.Row, k)
	case op.Kind == OpDelete:
		out.Class = t.delete(op.Model, op.Key)
	case op.Kind == OpSet:
		var v any
		if op.Owner != nil {
			spec := s.Rels[op.Rel]
			v = Field(op.Owner, cmp.Or(spec.KeyTo, s.Models[spec.Target].Key))
		}
		out.Class = t.setFK(op.Rel, op.Src, v)
	}
	t.err = out.Class
	return out
}

// nextKey returns the key an insert of model m assigns: the largest ever
// plus one, typed like m's keys.
func (t *mtx) nextKey(m ModelID) any {
	spec := &t.st.s.Models[m]
	return reflect.ValueOf(t.st.seq[m] + 1).Convert(reflect.TypeOf(spec.KeyValues[0])).Interface()
}

func (t *mtx) insert(row any) (any, Class) {
	st, s := t.st, t.st.s
	m := s.ModelOf(row)
	spec := &s.Models[m]
	var k any
	if spec.Keyless() {
		k = t.nextKey(m)
	} else if k = s.PK(row); isZeroKey(k) {
		if !spec.Auto {
			return nil, Invalid
		}
		k = t.nextKey(m)
		row = s.WithPK(row, k)
	}
	if _, ok := st.rows[m][k]; ok {
		return nil, Unique
	}
	if c := st.checkRow(m, k, row, nil); c != OK {
		return nil, c
	}
	if spec.Auto {
		st.seq[m] = max(st.seq[m], reflect.ValueOf(k).Convert(reflect.TypeFor[int64]()).Int())
	}
	st.rows[m][k] = row
	return k, OK
}

func (t *mtx) upsert(row any) (any, Class) {
	s := t.st.s
	m := s.ModelOf(row)
	if !s.Models[m].Keyless() {
		if k := s.PK(row); !isZeroKey(k) {
			if _, ok := t.st.rows[m][k]; ok {
				if c := t.update(row, k); c != OK {
					return nil, c
				}
				return k, OK
			}
		}
	}
	return t.insert(row)
}

func (t *mtx) update(row, k any) Class {
	st := t.st
	m := st.s.ModelOf(row)
	if isZeroKey(k) {
		return Invalid
	}
	old, ok := st.rows[m][k]
	if !ok {
		return NotFound
	}
	if c := st.checkRow(m, k, row, old); c != OK {
		return c
	}
	if c := st.checkReferenced(m, k, old, row); c != OK {
		return c
	}
	st.rows[m][k] = row
	return OK
}

func (t *mtx) setFK(r Rel, src any, v any) Class {
	s := t.st.s
	spec := s.Rels[r]
	if v == nil && !spec.Nullable {
		return Invalid
	}
	k := s.PK(src)
	if isZeroKey(k) {
		return Invalid
	}
	old, ok := t.st.rows[spec.Source][k]
	if !ok {
		return NotFound
	}
	return t.update(s.SetFK(r, old, v), k)
}

// checkRow checks the unique fields and the foreign keys of a new row with
// key k, or of a row replacing old: only values that changed are checked.
func (st *state) checkRow(m ModelID, k, row, old any) Class {
	s := st.s
	for _, u := range s.Models[m].Unique {
		v := Field(row, u)
		if v == nil || old != nil && Field(old, u) == v {
			continue
		}
		for ok, other := range st.inOrder(m) {
			if ok != k && Field(other, u) == v {
				return Unique
			}
		}
	}
	for _, ix := range s.Models[m].Indexes {
		if !ix.Unique {
			continue
		}
		for ok, other := range st.inOrder(m) {
			if ok != k && sameValues(row, other, ix.Fields) {
				return Unique
			}
		}
	}
	for r := range s.Rels {
		spec := s.Rels[r]
		if spec.Source != m {
			continue
		}
		if spec.Poly() {
			if c := st.checkPoly(Rel(r), m, k, row, old); c != OK {
				return c
			}
			continue
		}
		v := s.FK(Rel(r), row)
		if v == nil || (old != nil && s.FK(Rel(r), old) == v) {
			continue
		}
		if spec.Target == m && s.KeyTo(Rel(r), k, row) == v {
			continue // the row references itself
		}
		if _, ok := st.owner(Rel(r), v); !ok {
			return ForeignKey
		}
	}
	return OK
}

// sameValues reports whether rows a and b have the same values, none nil,
// in every field of fields (a unique index's: a NULL never collides).
func sameValues(a, b any, fields []string) bool {
	for _, f := range fields {
		va, vb := Field(a, f), Field(b, f)
		if va == nil || vb == nil || va != vb {
			return false
		}
	}
	return true
}

// checkPoly checks the polymorphic foreign key r of a new or changed row
// with key k: a non-null key must be the key of a row of the model the
// discriminator names, one of the relation's targets.
func (st *state) checkPoly(r Rel, m ModelID, k, row, old any) Class {
	s := st.s
	spec := &s.Rels[r]
	v := s.RawFK(r, row)
	if v == nil || (old != nil && s.RawFK(r, old) == v && Field(old, spec.Disc) == Field(row, spec.Disc)) {
		return OK
	}
	t, ok := s.polyTarget(r, row)
	if !ok {
		return ForeignKey
	}
	if t == m && k == v {
		return OK // the row references itself
	}
	if _, ok := st.rows[t][v]; !ok {
		return ForeignKey
	}
	return OK
}

// checkReferenced refuses to change a referenced value that rows use.
func (st *state) checkReferenced(m ModelID, k, old, row any) Class {
	s := st.s
	for r := range s.Rels {
		spec := s.Rels[r]
		if spec.Target != m || spec.Poly() { // a polymorphic relation references primary keys, which never change
			continue
		}
		v := s.KeyTo(Rel(r), k, old)
		if v == nil || v == s.KeyTo(Rel(r), k, row) {
			continue
		}
		for _, src := range st.inOrder(spec.Source) {
			if s.FK(Rel(r), src) == v {
				return ForeignKey
			}
		}
	}
	return OK
}

func (t *mtx) delete(m ModelID, k any) Class {
	st, s := t.st, t.st.s
	if isZeroKey(k) {
		return Invalid
	}
	if _, ok := st.rows[m][k]; !ok {
		return NotFound
	}
	// refs are the relations that reference model id, in package ddl's
	// order of constraint creation: cascade and setNull first, then
	// restrict, each by source model, then in the order of Rels; in each
	// group the polymorphic relations, which have no SQL foreign key, come
	// last, as memstore's model.refs lists them.
	refs := func(id ModelID) []Rel {
		var out []Rel
		for _, restrict := range [2]bool{false, true} {
			for _, poly := range [2]bool{false, true} {
				for src := range s.Models {
					for r, spec := range s.Rels {
						if int(spec.Source) != src || (spec.OnDelete == memstore.Restrict) != restrict || spec.Poly() != poly {
							continue
						}
						if !poly && spec.Target == id || poly && slices.Contains(spec.Targets, id) {
							out = append(out, Rel(r))
						}
					}
				}
			}
		}
		return out
	}
	type event struct {
		r   Rel
		t   ModelID // the target (one of a polymorphic relation's)
		v   any     // the referenced value
		upd bool    // a set-null cleared it: a check
	}
	var queue []event
	del := func(id ModelID, key any) {
		row := st.rows[id][key]
		delete(st.rows[id], key)
		for _, r := range refs(id) {
			v := s.KeyTo(r, key, row)
			if s.Rels[r].Poly() {
				v = key // each target by its primary key
			}
			if v != nil {
				queue = append(queue, event{r: r, t: id, v: v})
			}
		}
	}
	// referencing returns the keys of the rows that reference ev's value,
	// in key order.
	referencing := func(ev event) []any {
		spec := s.Rels[ev.r]
		var out []any
		for ck, child := range st.inOrder(spec.Source) {
			if spec.Poly() {
				if tg, ok := s.polyTarget(ev.r, child); !ok || tg != ev.t || s.RawFK(ev.r, child) != ev.v {
					continue
				}
			} else if s.FK(ev.r, child) != ev.v {
				continue
			}
			out = append(out, ck)
		}
		return out
	}
	del(m, k)
	for len(queue) > 0 {
		ev := queue[0]
		queue = queue[1:]
		spec := s.Rels[ev.r]
		keys := referencing(ev)
		switch {
		case !ev.upd && spec.OnDelete == memstore.Cascade:
			for _, ck := range keys {
				if _, ok := st.rows[spec.Source][ck]; ok { // an earlier row may have removed it
					del(spec.Source, ck)
				}
			}
		case !ev.upd && spec.OnDelete == memstore.SetNull:
			for _, ck := range keys {
				row, ok := st.rows[spec.Source][ck]
				if !ok {
					continue
				}
				old := Field(row, spec.FK)
				st.rows[spec.Source][ck] = WithField(row, spec.FK, nil) // a discriminator stays
				for _, r2 := range refs(spec.Source) {
					if s.Rels[r2].KeyTo == spec.FK && old != nil {
						queue = append(queue, event{r: r2, t: spec.Source, v: old, upd: true})
					}
				}
			}
		default: // restrict, or the update check of a cleared keyTo value
			if len(keys) > 0 {
				return ForeignKey
			}
		}
	}
	return OK
}
