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
//     (the names end with the trigger's OID).
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
// d+1 by an event queued before the check. relstore plans the whole cascade
// first and checks against the whole plan, which accepts every delete whose
// cascade removes the referencing rows, however deep. predictDelete runs
// both rules on a copy of the rows; the harness checks PostgreSQL's outcome
// against the queue rule on every DELETE it sends, and that is where the
// rules disagree that relstore's outcome may differ (see pinnedDelete).

// deleteStats counts the deletes whose outcome was predicted.
type deleteStats struct {
	predict   bool // predict and check every DELETE
	checked   int  // DELETEs sent, and predicted
	refused   int  // of which PostgreSQL refused with 23503
	differ    int  // of which the queue rule and relstore's plan rule disagree
	orderDeps int  // of which the queue rule's outcome depends on the order of rows one cascade removes
}

// pinnedDelete is a delete on which PostgreSQL's queue rule refuses what
// relstore's plan rule accepts: the known difference.
type pinnedDelete struct {
	sub  int // the Sub of an OpTx or OpConcurrent, or -1
	op   opseq.Op
	plan plan // what relstore deleted and set null
}

// plan is what relstore's plan rule does to the rows.
type plan struct {
	class opseq.Class
	dels  []rowRef  // the rows deleted
	nulls []nullRef // the foreign keys set null
}

type rowRef struct {
	m   opseq.ModelID
	key any
}

type nullRef struct {
	r   opseq.Rel
	key any // the source row's key
}

// check compares PostgreSQL's outcome of op, a DELETE run on the rows pre,
// with the queue rule's, and records a disagreement between the queue rule
// and relstore's plan rule.
func (p *pgdb) check(pre pgSnap, op opseq.Op, got opseq.Class) {
	queue, _ := predictDelete(p.s, p.trig, pre, op.Model, op.Key, false, false)
	p.deletes.checked++
	if got == opseq.ForeignKey {
		p.deletes.refused++
	}
	if got != queue {
		p.mispred = append(p.mispred, fmt.Sprintf("%s: PostgreSQL %v, the queue rule %v", op.Format(p.s), got, queue))
	}
	if rev, _ := predictDelete(p.s, p.trig, pre, op.Model, op.Key, false, true); rev != queue {
		p.deletes.orderDeps++
	}
	if c, pl := predictDelete(p.s, p.trig, pre, op.Model, op.Key, true, false); c != queue {
		p.deletes.differ++
		if queue == opseq.ForeignKey && c == opseq.OK {
			p.pinned = append(p.pinned, pinnedDelete{sub: p.subIndex, op: op, plan: pl})
		} else {
			p.mispred = append(p.mispred, fmt.Sprintf("%s: the queue rule %v, the plan rule %v (not the known difference)", op.Format(p.s), queue, c))
		}
	}
}

// entry is a row of the copy predictDelete works on.
type entry struct {
	key, row any
	gone     bool
}

// predictDelete returns the outcome of deleting model m's row with key k
// from the rows of sn: by relstore's plan rule if byPlan (with the plan),
// else by PostgreSQL's queue rule, with the foreign keys referencing each
// model firing in the order trig lists them. The rows one cascade or
// set-null statement changes are taken in key order, or in reverse key
// order if reverse (PostgreSQL takes them in the order of its index or
// table scan).
func predictDelete(s *opseq.Schema, trig [][]opseq.Rel, sn pgSnap, m opseq.ModelID, k any, byPlan, reverse bool) (opseq.Class, plan) {
	rows := make([][]entry, len(s.Models))
	for i := range s.Models {
		for j, key := range sn.keys[i] {
			rows[i] = append(rows[i], entry{key: key, row: sn.rows[i][j]})
		}
		if reverse {
			slices.Reverse(rows[i])
		}
	}
	// referencing returns the live rows that reference v through r.
	referencing := func(r opseq.Rel, v any) []*entry {
		var out []*entry
		src := rows[s.Rels[r].Source]
		for i := range src {
			if e := &src[i]; !e.gone && s.FK(r, e.row) == v {
				out = append(out, e)
			}
		}
		return out
	}
	// held reports whether a live row of r's target holds v.
	held := func(r opseq.Rel, v any) bool {
		for _, e := range rows[s.Rels[r].Target] {
			if !e.gone && s.KeyTo(r, e.key, e.row) == v {
				return true
			}
		}
		return false
	}
	type event struct {
		r   opseq.Rel
		old any  // the referenced value the row held
		upd bool // an update of the value, not a delete of the row
	}
	var queue []event
	del := func(t opseq.ModelID, e *entry) {
		e.gone = true
		for _, r := range trig[t] {
			if v := s.KeyTo(r, e.key, e.row); v != nil {
				queue = append(queue, event{r: r, old: v})
			}
		}
	}
	setNull := func(r opseq.Rel, e *entry) {
		src := s.Rels[r].Source
		old := e.row
		e.row = s.SetFK(r, e.row, nil)
		for _, r2 := range trig[src] {
			if v := s.KeyTo(r2, e.key, old); v != nil && v != s.KeyTo(r2, e.key, e.row) {
				queue = append(queue, event{r: r2, old: v, upd: true})
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
		return opseq.NotFound, plan{class: opseq.NotFound}
	}
	if byPlan {
		pl := planDelete(s, rows, m, root)
		return pl.class, pl
	}
	del(m, root)
	for len(queue) > 0 {
		ev := queue[0]
		queue = queue[1:]
		rs := s.Rels[ev.r]
		switch {
		case !ev.upd && rs.OnDelete == memstore.Cascade:
			for _, e := range referencing(ev.r, ev.old) {
				if !e.gone { // an earlier row of the same statement may have removed it
					del(rs.Source, e)
				}
			}
		case !ev.upd && rs.OnDelete == memstore.SetNull:
			for _, e := range referencing(ev.r, ev.old) {
				if !e.gone {
					setNull(ev.r, e)
				}
			}
		default: // NO ACTION, on delete or on update
			if !held(ev.r, ev.old) && len(referencing(ev.r, ev.old)) > 0 {
				return opseq.ForeignKey, plan{}
			}
		}
	}
	return opseq.OK, plan{}
}

// planDelete is relstore's rule (memstore's deleteKey): the delete set is
// the row and its cascades, recursively; a restrict child outside it
// refuses the delete, and so does a set-null of a referenced keyTo value
// that rows outside it still reference.
func planDelete(s *opseq.Schema, rows [][]entry, m opseq.ModelID, root *entry) plan {
	type item struct {
		m opseq.ModelID
		e *entry
	}
	dels := []item{{m, root}}
	root.gone = true
	var restricts, nulls []item
	for i := 0; i < len(dels); i++ {
		it := dels[i]
		for r, rs := range s.Rels {
			if rs.Target != it.m {
				continue
			}
			v := s.KeyTo(opseq.Rel(r), it.e.key, it.e.row)
			if v == nil {
				continue
			}
			src := rows[rs.Source]
			for j := range src {
				c := &src[j]
				if c.gone || s.FK(opseq.Rel(r), c.row) != v {
					continue
				}
				switch rs.OnDelete {
				case memstore.Cascade:
					c.gone = true
					dels = append(dels, item{rs.Source, c})
				case memstore.SetNull:
					nulls = append(nulls, item{opseq.ModelID(r), c}) // m holds the relation here
				default:
					restricts = append(restricts, item{rs.Source, c})
				}
			}
		}
	}
	refused := plan{class: opseq.ForeignKey}
	for _, it := range restricts {
		if !it.e.gone {
			return refused
		}
	}
	for _, it := range nulls {
		if it.e.gone {
			continue
		}
		r := opseq.Rel(it.m)
		src := s.Rels[r].Source
		v := opseq.Field(it.e.row, s.Rels[r].FK)
		for r2, rs2 := range s.Rels {
			if rs2.Target != src || rs2.KeyTo != s.Rels[r].FK {
				continue
			}
			for _, c := range rows[rs2.Source] {
				if !c.gone && s.FK(opseq.Rel(r2), c.row) == v {
					return refused
				}
			}
		}
	}
	var pl plan
	for _, it := range dels {
		pl.dels = append(pl.dels, rowRef{it.m, it.e.key})
	}
	for _, it := range nulls {
		if !it.e.gone {
			pl.nulls = append(pl.nulls, nullRef{opseq.Rel(it.m), it.e.key})
		}
	}
	return pl
}
