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
// ddl writes (DESIGN.md, "Deletes"): every root is deleted first, and
// deleting a row queues one event per relation that references its model,
// cascading and nulling relations first, then restricting ones, each group
// in the order of model.refs. The queue runs first in, first out: a cascade
// deletes the live referencing rows, in key order, each queueing its own
// events; a set-null clears their foreign key and, if that field is a keyTo
// target, queues a check of the rows that reference its old value (ON
// UPDATE NO ACTION); a restrict, or such a check, refuses the whole delete
// if a live row still references the value. The queue runs on an overlay
// (the rows gone, the foreign keys nulled) and the writes follow it, so a
// refused delete writes nothing. An error names the root whose event
// failed.
//
// The queue is kept as the rows that queued events, each expanded into
// its events when its turn comes: a row's events are queued together, and
// what they read cannot change in between (a deleted row is never nulled,
// and the overlay never changes a record, so a set-null's row still holds
// the value it cleared).
func (tx *Tx) deleteRecords(op string, m *model, roots []*record) error {
	// A change queues events: a deleted row (cleared nil) one per relation
	// that references m and a value it holds (not nulled); a set-null of
	// column cleared one per relation that references cleared.
	type change struct {
		m         *model
		rec, root *record // the row; the root it descends from
		cleared   *column
	}
	type slotOf struct {
		rec  *record
		slot int
	}
	var (
		queue  = make([]change, 0, max(len(roots), shortQueue))
		gone   map[*record]bool // the rows deleted; nil while the queue is short
		nulled map[slotOf]bool  // nil until a set-null: most deletes have none
	)
	// isGone reports whether the statement deleted rec. A short queue is
	// scanned (a map and its growth cost more than that for a few rows: a
	// cascade of 15 rows spent 800 instructions per row in them); a longer
	// one gets the map.
	isGone := func(rec *record) bool {
		if gone != nil {
			return gone[rec]
		}
		for i := range queue {
			if queue[i].rec == rec && queue[i].cleared == nil {
				return true
			}
		}
		return false
	}
	del := func(t *model, rec, root *record) error {
		if len(queue)%64 == 63 {
			if err := tx.ctx.Err(); err != nil {
				return opErr(op+" "+m.name, err)
			}
		}
		if err := tx.step("cascade", t.name, ""); err != nil {
			return err
		}
		if gone == nil && len(queue) >= shortQueue {
			gone = make(map[*record]bool, 4*shortQueue)
			for _, ch := range queue {
				if ch.cleared == nil {
					gone[ch.rec] = true
				}
			}
		}
		if gone != nil {
			gone[rec] = true
		}
		queue = append(queue, change{t, rec, root, nil})
		return nil
	}
	for _, r := range roots {
		if err := del(m, r, r); err != nil {
			return err
		}
	}
	// The queue grows while it runs: index it.
	for i := 0; i < len(queue); i++ {
		ch := queue[i]
		for _, restrict := range [2]bool{false, true} { // ddl's order of constraint creation
			for _, r := range ch.m.refs {
				if (r.onDelete == Restrict) != restrict {
					continue
				}
				upd := ch.cleared != nil
				if upd && r.keyTo != ch.cleared || !upd && nulled[slotOf{ch.rec, r.keyTo.slot}] {
					continue
				}
				v := ch.rec.key(r.keyTo.slot)
				if v == nil {
					continue
				}
				if err := tx.step("fk", r.source.name, r.fk.name); err != nil {
					return err
				}
				// Each live row that references v through r, in key
				// order: one the overlay has not deleted nor nulled in r.fk.
				var err error
				var refused *record
				tx.each(r.source, r.fk, v, func(c *record) bool {
					if isGone(c) || nulled[slotOf{c, r.fk.slot}] || !r.owns(c) {
						return true
					}
					switch {
					case upd || r.onDelete == Restrict:
						refused = c
						return false
					case r.onDelete == Cascade:
						err = del(r.source, c, ch.root)
						return err == nil
					default: // SetNull
						if nulled == nil {
							nulled = map[slotOf]bool{}
						}
						nulled[slotOf{c, r.fk.slot}] = true
						queue = append(queue, change{r.source, c, ch.root, r.fk})
						return true
					}
				})
				if err != nil {
					return err
				}
				if refused != nil {
					t := r.target
					return &ForeignKeyError{Op: op, Model: m.name, Key: m.keyOf(ch.root), Relation: r.name,
						Field: r.fk.name, Value: t.value(ch.rec, r.keyTo), Target: t.name,
						Referrer: r.source.name, ReferrerKey: r.source.keyOf(refused)}
				}
			}
		}
	}
	for _, ch := range queue {
		if ch.cleared == nil {
			if err := tx.remove(ch.m, ch.rec); err != nil {
				return err
			}
		}
	}
	for _, ch := range queue {
		if ch.cleared == nil || isGone(ch.rec) {
			continue
		}
		src, c := ch.m, ch.cleared
		cur := tx.lookup(src, src.pk, ch.rec.key(0)) // an earlier set-null may have replaced it
		p := reflect.New(src.typ).UnsafePointer()    // a shallow copy: newRecord makes it private
		typedmemmove(src.typ, p, cur.ptr)
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

// shortQueue is the length up to which deleteRecords scans its queue for
// the rows it deleted instead of keeping a map of them.
const shortQueue = 16

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
