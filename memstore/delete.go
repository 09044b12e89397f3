package memstore

import (
	"fmt"
	"reflect"
	"unsafe"
)

// deleteKey deletes the row of m with primary key k and applies the
// relations' on-delete actions, as deleteRecords runs them.
func (tx *Tx) deleteKey(op string, m *model, k []byte) error {
	if m.restrictOnly {
		return tx.deleteRestrictOnly(op, m, k)
	}
	root := tx.lookup(m, m.pk, k)
	if root == nil {
		return &NotFoundError{Op: op, Model: m.name, Field: m.pk.name, Value: m.pk.codec.value(k)}
	}
	return tx.deleteRecords(op, m, []*record{root})
}

// deleteRecords deletes the records roots of m, distinct and current in
// tx, as one statement, the way PostgreSQL runs it on the schema package
// ddl writes (its foreign keys are triggers): deleting a row queues one
// action per relation that references its model, cascading and nulling
// relations first, then restricting ones (ddl's order of constraint
// creation, each group in the order of m.refs); the queue runs first in,
// first out. A cascade deletes the live referencing rows, in key order,
// each queueing its own actions; a set-null clears their foreign key and,
// if that field is a keyTo target, queues a check of the rows that
// reference its old value (ON UPDATE NO ACTION); a restrict checks that no
// live row still references the value. A failed check refuses the whole
// delete and nothing is written: the queue runs on an overlay (the rows
// gone and the foreign keys nulled), and the writes follow it. An error
// names the root whose action was refused.
func (tx *Tx) deleteRecords(op string, m *model, roots []*record) error {
	type item struct {
		m         *model
		rec, root *record
	}
	type event struct {
		r            *relation
		parent, root *record // the row that held the value; the root it descends from
		val          []byte  // the referenced value
		upd          bool    // a set-null cleared the value (a check), not a delete
	}
	type nullKey struct {
		rec  *record
		slot int
	}
	type edge struct {
		r     *relation
		child *record
	}
	var (
		dels   = make([]item, 0, len(roots))
		gone   = make(map[*record]bool, len(roots))
		nulled = map[nullKey]bool{}
		nulls  []edge
		queue  []event
	)
	// cur is rec's key in column slot as the overlay sees it.
	cur := func(rec *record, slot int) []byte {
		if nulled[nullKey{rec, slot}] {
			return nil
		}
		return rec.key(slot)
	}
	// refs calls fn for the relations that reference model t, in ddl's
	// order: cascade and setNull first, then restrict.
	refs := func(t *model, fn func(r *relation)) {
		for _, restrict := range [2]bool{false, true} {
			for _, r := range t.refs {
				if (r.onDelete != Cascade && r.onDelete != SetNull) == restrict {
					fn(r)
				}
			}
		}
	}
	del := func(t *model, rec, root *record) error {
		if len(dels)%64 == 63 {
			if err := tx.ctx.Err(); err != nil {
				return opErr(op+" "+m.name, err)
			}
		}
		if err := tx.step("cascade", t.name, ""); err != nil {
			return err
		}
		gone[rec] = true
		dels = append(dels, item{t, rec, root})
		refs(t, func(r *relation) {
			if v := cur(rec, r.keyTo.slot); v != nil {
				queue = append(queue, event{r: r, parent: rec, root: root, val: v})
			}
		})
		return nil
	}
	for _, r := range roots {
		if err := del(m, r, r); err != nil {
			return err
		}
	}
	for len(queue) > 0 {
		ev := queue[0]
		queue = queue[1:]
		r := ev.r
		if err := tx.step("fk", r.source.name, r.fk.name); err != nil {
			return err
		}
		// The live rows that reference ev.val through r, in key order.
		var rows []*record
		tx.each(r.source, r.fk, ev.val, func(c *record) bool {
			if !gone[c] && !nulled[nullKey{c, r.fk.slot}] && r.owns(c) {
				rows = append(rows, c)
			}
			return true
		})
		switch {
		case !ev.upd && r.onDelete == Cascade:
			for _, c := range rows {
				if !gone[c] { // an earlier row of the same cascade may have removed it
					if err := del(r.source, c, ev.root); err != nil {
						return err
					}
				}
			}
		case !ev.upd && r.onDelete == SetNull:
			for _, c := range rows {
				if gone[c] || nulled[nullKey{c, r.fk.slot}] {
					continue
				}
				old := c.key(r.fk.slot)
				nulled[nullKey{c, r.fk.slot}] = true
				nulls = append(nulls, edge{r, c})
				refs(r.source, func(r2 *relation) {
					if r2.keyTo == r.fk {
						queue = append(queue, event{r: r2, parent: c, root: ev.root, val: old, upd: true})
					}
				})
			}
		default: // restrict on delete, or the ON UPDATE check of a cleared keyTo value
			if len(rows) > 0 {
				t := r.target
				return &ForeignKeyError{Op: op, Model: m.name, Key: m.keyOf(ev.root), Relation: r.name,
					Field: r.fk.name, Value: t.value(ev.parent, r.keyTo), Target: t.name,
					Referrer: r.source.name, ReferrerKey: r.source.keyOf(rows[0])}
			}
		}
	}
	for _, d := range dels {
		if err := tx.remove(d.m, d.rec); err != nil {
			return err
		}
	}
	for _, e := range nulls {
		if gone[e.child] {
			continue
		}
		src := e.r.source
		cur := tx.lookup(src, src.pk, e.child.key(0)) // an earlier set-null may have replaced it
		p := reflect.New(src.typ).UnsafePointer()     // a shallow copy: newRecord makes it private
		typedmemmove(src.typ, p, cur.ptr)
		c := e.r.fk
		if !c.shadow {
			*(*unsafe.Pointer)(unsafe.Add(p, c.offset)) = nil
		}
		sh := cur.keyList()
		sh[c.slot] = nil
		rec, err := src.newRecord(p, sh)
		if err != nil {
			panic(fmt.Sprintf("memstore: internal: set null %s: %v", src.name, err))
		}
		if err := tx.put(src, cur, rec); err != nil {
			return err
		}
	}
	return nil
}

// deleteRestrictOnly deletes the row of m with primary key k when nothing
// cascades or is nulled: one probe per referencing index decides, without
// collecting the children. A reference to the primary key is probed with k
// itself, before the row is looked up: a referencing row proves the row
// exists, so a refused delete (the common restrict outcome) needs no lookup
// of the row. The row is looked up only for a reference to another unique
// field, a self-reference (the row may reference itself), or the delete.
func (tx *Tx) deleteRestrictOnly(op string, m *model, k []byte) error {
	var root *record
	find := func() error {
		if root == nil {
			if root = tx.lookup(m, m.pk, k); root == nil {
				return &NotFoundError{Op: op, Model: m.name, Field: m.pk.name, Value: m.pk.codec.value(k)}
			}
		}
		return nil
	}
	for _, r := range m.refs {
		key := k
		if r.keyTo != m.pk || r.source == m {
			if err := find(); err != nil {
				return err
			}
			if key = root.key(r.keyTo.slot); key == nil {
				continue
			}
		}
		if err := tx.step("fk", r.source.name, r.fk.name); err != nil {
			return err
		}
		var child *record
		if r.source != m && r.poly == nil {
			child = first(tx.reader(), r.source, r.fk, key) // the FK encoding is prefix-free
		} else {
			// A polymorphic relation's index holds the rows of every
			// target: only those whose discriminator names m count.
			tx.each(r.source, r.fk, key, func(c *record) bool {
				if c == root || !r.owns(c) {
					return true // a row that references itself does not block its delete
				}
				child = c
				return false
			})
		}
		if child != nil {
			id := m.pk.codec.value(k)
			val := id
			if r.keyTo != m.pk {
				val = m.value(root, r.keyTo)
			}
			return &ForeignKeyError{Op: op, Model: m.name, Key: id, Relation: r.name,
				Field: r.fk.name, Value: val, Target: m.name,
				Referrer: r.source.name, ReferrerKey: r.source.keyOf(child)}
		}
	}
	if err := find(); err != nil {
		return err
	}
	return tx.remove(m, root)
}
