package postgres

import (
	"fmt"
	"slices"

	"github.com/relstore/relstore/internal/opseq"
	"github.com/relstore/relstore/memstore"
)

// How PostgreSQL runs a DELETE on the schema package ddl writes (its
// foreign keys are triggers; src/backend/utils/adt/ri_triggers.c and
// commands/trigger.c):
//
//   - Deleting a row queues one AFTER ROW event per foreign key that
//     references its table, in trigger name order, which is creation order
//     (the names end with the trigger's OID), and one per polymorphic
//     relation that may name it, whose trigger the harness names into that
//     order (poly_test.go).
//   - At the end of the statement the queue runs first in, first out. A
//     CASCADE event runs DELETE FROM src WHERE fk = $old, a SET NULL event
//     UPDATE src SET fk = NULL WHERE fk = $old; the rows these delete or
//     update queue their own events at the end of the same queue (the
//     triggers' statements do not fire their events themselves).
//   - A NO ACTION event checks, when it runs, that no row references the old
//     value any more (unless a row of the target holds it again), else
//     23503. An UPDATE that changes a referenced value (SET NULL of a keyTo
//     target) queues the ON UPDATE NO ACTION check the same way.
//
// So a NO ACTION check of a row removed at cascade depth d passes only if
// the referencing rows are gone by then: removed at depth ≤ d, or at depth
// d+1 by an event queued before the check. memstore runs the same queue
// (memstore/DESIGN.md, "Deletes"), in the order ddl creates the foreign
// keys; predictDelete runs it on a copy of the rows, and the harness checks
// PostgreSQL's outcome against it on every DELETE it sends. The one thing
// relstore cannot follow is the order of the rows one cascade removes
// (PostgreSQL's scan order, relstore's key order): predictDelete also runs
// with the rows reversed and counts the deletes whose outcome depends on
// it (TestCascadeRowOrder).

// deleteStats counts the deletes whose outcome was predicted.
type deleteStats struct {
	predict   bool // predict and check every DELETE
	checked   int  // DELETEs sent, and predicted
	refused   int  // of which PostgreSQL refused with 23503
	orderDeps int  // of which the queue rule's outcome depends on the order of rows one cascade removes
}

// check compares PostgreSQL's outcome of op, a DELETE run on the rows pre,
// with the queue rule's.
func (p *pgdb) check(pre pgSnap, op opseq.Op, got opseq.Class) {
	queue := predictDelete(p.s, p.trig, pre, op.Model, op.Key, false)
	p.deletes.checked++
	p.polys.countDelete(p.s, pre, op)
	if got == opseq.ForeignKey {
		p.deletes.refused++
	}
	if got != queue {
		p.mispred = append(p.mispred, fmt.Sprintf("%s: PostgreSQL %v, the queue rule %v", op.Format(p.s), got, queue))
	}
	if rev := predictDelete(p.s, p.trig, pre, op.Model, op.Key, true); rev != queue {
		p.deletes.orderDeps++
	}
}

// entry is a row of the copy predictDelete works on.
type entry struct {
	key, row any
	gone     bool
}

// predictDelete returns the outcome of deleting model m's row with key k
// from the rows of sn by PostgreSQL's queue rule, with the foreign keys
// referencing each model firing in the order trig lists them. The rows one cascade or
// set-null statement changes are taken in key order, or in reverse key
// order if reverse (PostgreSQL takes them in the order of its index or
// table scan).
func predictDelete(s *opseq.Schema, trig [][]opseq.Rel, sn pgSnap, m opseq.ModelID, k any, reverse bool) opseq.Class {
	rows := make([][]entry, len(s.Models))
	for i := range s.Models {
		for j, key := range sn.keys[i] {
			rows[i] = append(rows[i], entry{key: key, row: sn.rows[i][j]})
		}
		if reverse {
			slices.Reverse(rows[i])
		}
	}
	type event struct {
		r   opseq.Rel
		t   opseq.ModelID // the target (one of a polymorphic relation's)
		old any           // the referenced value the row held
		upd bool          // an update of the value, not a delete of the row
	}
	// referencing returns the live rows that reference ev's value: through
	// a polymorphic relation, the rows whose discriminator names ev's
	// target.
	referencing := func(ev event) []*entry {
		var out []*entry
		spec := &s.Rels[ev.r]
		src := rows[spec.Source]
		for i := range src {
			e := &src[i]
			if e.gone {
				continue
			}
			if spec.Poly() {
				if opseq.Field(e.row, spec.Disc) == s.Models[ev.t].Name && s.RawFK(ev.r, e.row) == ev.old {
					out = append(out, e)
				}
			} else if s.FK(ev.r, e.row) == ev.old {
				out = append(out, e)
			}
		}
		return out
	}
	// held reports whether a live row of ev's target holds its value (a
	// polymorphic relation references primary keys, which a DELETE cannot
	// give back).
	held := func(ev event) bool {
		if s.Rels[ev.r].Poly() {
			return false
		}
		for _, e := range rows[ev.t] {
			if !e.gone && s.KeyTo(ev.r, e.key, e.row) == ev.old {
				return true
			}
		}
		return false
	}
	var queue []event
	del := func(t opseq.ModelID, e *entry) {
		e.gone = true
		for _, r := range trig[t] {
			v := s.KeyTo(r, e.key, e.row)
			if s.Rels[r].Poly() {
				v = e.key // each target by its primary key
			}
			if v != nil {
				queue = append(queue, event{r: r, t: t, old: v})
			}
		}
	}
	setNull := func(r opseq.Rel, e *entry) {
		src := s.Rels[r].Source
		old := e.row
		e.row = s.SetFK(r, e.row, nil)
		for _, r2 := range trig[src] {
			if v := s.KeyTo(r2, e.key, old); v != nil && v != s.KeyTo(r2, e.key, e.row) {
				queue = append(queue, event{r: r2, t: src, old: v, upd: true})
			}
		}
	}
	var root *entry
	for i := range rows[m] {
		if rows[m][i].key == k {
			root = &rows[m][i]
		}
	}
	if root == nil {
		return opseq.NotFound
	}
	del(m, root)
	for len(queue) > 0 {
		ev := queue[0]
		queue = queue[1:]
		rs := s.Rels[ev.r]
		switch {
		case !ev.upd && rs.OnDelete == memstore.Cascade:
			for _, e := range referencing(ev) {
				if !e.gone { // an earlier row of the same statement may have removed it
					del(rs.Source, e)
				}
			}
		case !ev.upd && rs.OnDelete == memstore.SetNull:
			for _, e := range referencing(ev) {
				if !e.gone {
					setNull(ev.r, e)
				}
			}
		default: // NO ACTION, on delete or on update
			if !held(ev) && len(referencing(ev)) > 0 {
				return opseq.ForeignKey
			}
		}
	}
	return opseq.OK
}
