package opseq

import (
	"cmp"
	"slices"

	"github.com/relstore/relstore/memstore"
)

// Model is the reference implementation: plain maps and the SQL rules of
// memstore's package doc, written as directly as possible, so that a
// difference between it and the store is a bug in one of them.
//
//   - insert and update check unique fields and that every non-null foreign
//     key that changed references an existing row (a row may reference
//     itself); insert refuses an existing primary key;
//   - update refuses to change a referenced value (Customer.Email) while
//     rows reference it;
//   - delete plans the whole cascade first (recursively, terminating on
//     cycles), then checks restrict against the plan, so that a row the same
//     delete removes does not block it (PostgreSQL's NO ACTION), then
//     deletes and sets null;
//   - the auto key is the largest key ever inserted plus one, part of the
//     transaction and of snapshots;
//   - the first failed write aborts the transaction: later operations fail
//     with ErrTxAborted and nothing is written.
//
// A Model is not safe for concurrent use.
type Model struct {
	st    *state   // committed; never changed in place, so snapshots share it
	snaps []*state // taken by OpSnapshot
}

// state is one version of the whole store. Rows are values; the pointers
// inside them are never written through, so states may share them.
type state struct {
	rows [NumModels]map[any]any // model → primary key → row
	seq  int64                  // the largest Customer key ever inserted
}

func (s *state) clone() *state {
	c := &state{seq: s.seq}
	for m := range s.rows {
		c.rows[m] = make(map[any]any, len(s.rows[m]))
		for k, v := range s.rows[m] {
			c.rows[m][k] = v
		}
	}
	return c
}

// NewModel returns an empty model.
func NewModel() *Model {
	st := &state{}
	for m := range st.rows {
		st.rows[m] = map[any]any{}
	}
	return &Model{st: st}
}

// Rows returns the rows of model m in primary key order.
func (m *Model) Rows(id ModelID) []any { return m.st.sorted(id) }

func (s *state) sorted(id ModelID) []any {
	var out []any
	for _, v := range s.rows[id] {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b any) int {
		switch ka := PK(a).(type) {
		case int64:
			return cmp.Compare(ka, PK(b).(int64))
		default:
			return cmp.Compare(ka.(string), PK(b).(string))
		}
	})
	return out
}

// Dump returns the model's rows in the form of memstore's Tx.Dump.
func (m *Model) Dump() memstore.Dump {
	d := memstore.Dump{}
	for id := range NumModels {
		d[id.String()] = m.st.sorted(id)
	}
	return d
}

// Owner returns the current target row of relation r whose referenced
// field is v.
func (m *Model) Owner(r Rel, v any) (any, bool) { return m.st.owner(r, v) }

// Snapshots returns how many snapshots were taken.
func (m *Model) Snapshots() int { return len(m.snaps) }

func (s *state) owner(r Rel, v any) (any, bool) {
	spec := Rels[r]
	if r != RelAuthor {
		row, ok := s.rows[spec.Target][v]
		return row, ok
	}
	for _, row := range s.rows[spec.Target] {
		if r.KeyTo(row) == v {
			return row, true
		}
	}
	return nil, false
}

func (s *state) current(id ModelID, k any) any {
	if row, ok := s.rows[id][k]; ok {
		return row
	}
	return blank(id, k)
}

// standIn returns a row of relation r's source model that is not stored,
// with foreign key v.
func standIn(r Rel, v any) any {
	spec := Rels[r]
	k := any(int64(99))
	if spec.Source == MNote {
		k = "zz"
	}
	return r.SetFK(blank(spec.Source, k), v)
}

// Resolve fills the fields of op that depend on the state (see Op) so that
// every backend makes the same call. It does not change the model.
func (m *Model) Resolve(op Op) Op { return resolve(m.st, op) }

func resolve(st *state, op Op) Op {
	switch op.Kind {
	case OpSet:
		spec := Rels[op.Rel]
		op.Src = st.current(spec.Source, op.Key)
		op.Owner = nil
		if op.FK != nil {
			if row, ok := st.owner(op.Rel, op.FK); ok {
				op.Owner = row
			} else if op.Rel == RelAuthor {
				op.Owner = Customer{ID: 99, Email: op.FK.(string)}
			} else {
				op.Owner = blank(spec.Target, op.FK)
			}
		}
	case OpMove:
		op.Row = op.Rel.SetFK(st.current(Rels[op.Rel].Source, op.Key), op.FK)
	case OpGet:
		spec := Rels[op.Rel]
		if row, ok := st.rows[spec.Source][op.Key]; ok {
			op.Src = row
		} else {
			op.Src = op.Rel.SetFK(blank(spec.Source, op.Key), op.FK)
		}
	case OpInclude:
		op.Srcs = st.sorted(Rels[op.Rel].Source)
		if op.Dangling {
			op.Srcs = append(op.Srcs, standIn(op.Rel, op.FK))
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
	switch op.Kind {
	case OpSnapshot: // takes no context
		m.snaps = append(m.snaps, m.st)
		return Outcome{}
	case OpRestore:
		if op.Index < 0 || len(m.snaps) == 0 {
			return Outcome{Class: Invalid} // Restore(ctx, nil)
		}
		if op.Cancel {
			return Outcome{Class: Canceled}
		}
		m.st = m.snaps[op.Index%len(m.snaps)]
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
	}
	if op.Cancel {
		return Outcome{Class: Canceled}
	}
	switch op.Kind {
	case OpGet:
		if op.Via == 2 {
			return m.st.byKey(op.Rel, op.Key)
		}
		return m.st.get(op.Rel, op.Src)
	case OpInclude:
		out := make([]any, len(op.Srcs))
		for i, src := range op.Srcs {
			o := m.st.get(op.Rel, src)
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
		return m.st.read(op.Model, op.Key)
	case OpTx:
		t := &mtx{st: m.st.clone()}
		out := Outcome{Sub: make([]Outcome, len(op.Sub))}
		for i, s := range op.Sub {
			out.Sub[i] = t.apply(s)
		}
		switch op.End {
		case EndCommit:
			out.Class = t.err
			if t.err == OK {
				m.st = t.st
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
	}
	t := &mtx{st: m.st.clone()}
	out := t.apply(op)
	if out.Class == OK {
		m.st = t.st
	}
	return out
}

func (s *state) read(id ModelID, k any) Outcome {
	if isZeroKey(k) {
		return Outcome{Class: Invalid}
	}
	row, ok := s.rows[id][k]
	if !ok {
		return Outcome{Class: NotFound}
	}
	return Outcome{Value: row}
}

// get is BelongsTo.Get: no owner for a null key, ErrNotFound for a key
// that matches no row.
func (s *state) get(r Rel, src any) Outcome {
	v := r.FK(src)
	if v == nil {
		return Outcome{}
	}
	row, ok := s.owner(r, v)
	if !ok {
		return Outcome{Class: NotFound}
	}
	return Outcome{Value: row}
}

// byKey is BelongsTo.ByKey: the owner of the stored source row with key k.
func (s *state) byKey(r Rel, k any) Outcome {
	o := s.read(Rels[r].Source, k)
	if o.Class != OK {
		return o
	}
	return s.get(r, o.Value)
}

// mtx is a write transaction of the model: a private copy of the state
// and the class of its first failure.
type mtx struct {
	st  *state
	err Class
}

// apply runs one write (or, for OpView, a read) in the transaction.
func (t *mtx) apply(op Op) Outcome {
	if t.err != OK {
		return Outcome{Class: TxAborted}
	}
	var out Outcome
	switch op.Kind {
	case OpView: // a read never aborts the transaction
		return t.st.read(op.Model, op.Key)
	case OpInsert:
		k, c := t.insert(op.Row)
		out.Class = c
		if c == OK && op.Via != 1 { // Tx.Insert(v) returns no key
			out.Value = k
		}
	case OpUpsert:
		out.Value, out.Class = t.upsert(op.Row)
	case OpUpdate, OpMove:
		out.Class = t.update(op.Row)
	case OpDelete:
		out.Class = t.delete(op.Model, op.Key)
	case OpSet:
		var v any
		if op.Owner != nil {
			v = op.Rel.KeyTo(op.Owner)
		}
		out.Class = t.setFK(op.Rel, op.Src, v)
	}
	t.err = out.Class
	return out
}

func (t *mtx) insert(row any) (any, Class) {
	st, m, k := t.st, modelOf(row), PK(row)
	if isZeroKey(k) {
		if m != MCustomer {
			return nil, Invalid
		}
		k = st.seq + 1
		row = withPK(row, k)
	}
	if _, ok := st.rows[m][k]; ok {
		return nil, Unique
	}
	if c := st.checkRow(m, row, nil); c != OK {
		return nil, c
	}
	if m == MCustomer {
		st.seq = max(st.seq, k.(int64))
	}
	st.rows[m][k] = row
	return k, OK
}

func (t *mtx) upsert(row any) (any, Class) {
	m, k := modelOf(row), PK(row)
	if _, ok := t.st.rows[m][k]; ok && !isZeroKey(k) {
		if c := t.update(row); c != OK {
			return nil, c
		}
		return k, OK
	}
	return t.insert(row)
}

func (t *mtx) update(row any) Class {
	st, m, k := t.st, modelOf(row), PK(row)
	if isZeroKey(k) {
		return Invalid
	}
	old, ok := st.rows[m][k]
	if !ok {
		return NotFound
	}
	if c := st.checkRow(m, row, old); c != OK {
		return c
	}
	if c := st.checkReferenced(m, old, row); c != OK {
		return c
	}
	st.rows[m][k] = row
	return OK
}

func (t *mtx) setFK(r Rel, src any, v any) Class {
	spec := Rels[r]
	if v == nil && !spec.Nullable {
		return Invalid
	}
	k := PK(src)
	if isZeroKey(k) {
		return Invalid
	}
	old, ok := t.st.rows[spec.Source][k]
	if !ok {
		return NotFound
	}
	return t.update(r.SetFK(old, v))
}

// checkRow checks the unique fields and the foreign keys of a new row, or of
// a row replacing old: only values that changed are checked.
func (s *state) checkRow(m ModelID, row, old any) Class {
	if m == MCustomer {
		email := row.(Customer).Email
		if old == nil || old.(Customer).Email != email {
			for _, other := range s.rows[MCustomer] {
				if other.(Customer).Email == email {
					return Unique
				}
			}
		}
	}
	for r := range NumRels {
		spec := Rels[r]
		if spec.Source != m {
			continue
		}
		v := r.FK(row)
		if v == nil || (old != nil && r.FK(old) == v) {
			continue
		}
		if spec.Target == m && r.KeyTo(row) == v {
			continue // the row references itself
		}
		if _, ok := s.owner(r, v); !ok {
			return ForeignKey
		}
	}
	return OK
}

// checkReferenced refuses to change a referenced value that rows use.
func (s *state) checkReferenced(m ModelID, old, row any) Class {
	for r := range NumRels {
		spec := Rels[r]
		if spec.Target != m {
			continue
		}
		v := r.KeyTo(old)
		if v == r.KeyTo(row) {
			continue
		}
		for _, src := range s.rows[spec.Source] {
			if r.FK(src) == v {
				return ForeignKey
			}
		}
	}
	return OK
}

// ref names a row.
type ref struct {
	m ModelID
	k any
}

func (t *mtx) delete(m ModelID, k any) Class {
	st := t.st
	if isZeroKey(k) {
		return Invalid
	}
	if _, ok := st.rows[m][k]; !ok {
		return NotFound
	}
	type edge struct {
		r     Rel
		child ref
	}
	dels := []ref{{m, k}}
	gone := map[ref]bool{{m, k}: true}
	var restricts, nulls []edge
	for i := 0; i < len(dels); i++ {
		d := dels[i]
		row := st.rows[d.m][d.k]
		for r := range NumRels {
			spec := Rels[r]
			if spec.Target != d.m {
				continue
			}
			v := r.KeyTo(row)
			for ck, child := range st.rows[spec.Source] {
				c := ref{spec.Source, ck}
				if r.FK(child) != v || gone[c] {
					continue
				}
				switch spec.OnDelete {
				case memstore.Cascade:
					gone[c] = true
					dels = append(dels, c)
				case memstore.SetNull:
					nulls = append(nulls, edge{r, c})
				default:
					restricts = append(restricts, edge{r, c})
				}
			}
		}
	}
	for _, e := range restricts {
		if !gone[e.child] {
			return ForeignKey
		}
	}
	for _, d := range dels {
		delete(st.rows[d.m], d.k)
	}
	for _, e := range nulls {
		if !gone[e.child] {
			c := e.child
			st.rows[c.m][c.k] = e.r.SetFK(st.rows[c.m][c.k], nil)
		}
	}
	return OK
}
