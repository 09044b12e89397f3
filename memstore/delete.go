package memstore

import (
	"fmt"
	"reflect"
	"unsafe"
)

// deleteKey deletes the row of m with primary key k and applies the
// relations' on-delete actions. Nothing is written unless every restrict
// check passes: the delete set (the row and its cascades, terminating on
// cycles) is planned first, restrict is checked against the whole plan
// (PostgreSQL's NO ACTION at the end of the statement; a row the same delete
// removes does not block it), and so is every set-null of a key that rows
// reference; then rows are deleted and set-null rows updated.
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
// tx, as one statement: their cascades are collected together, and
// restrict and set-null are checked against the whole plan, so a row that
// references another row of the same delete does not block it. An error
// names the root whose delete was refused.
func (tx *Tx) deleteRecords(op string, m *model, roots []*record) error {
	type item struct {
		m         *model
		rec, root *record
	}
	type edge struct {
		r                   *relation
		parent, child, root *record
	}
	dels := make([]item, len(roots))
	gone := make(map[*record]bool, len(roots))
	for i, r := range roots {
		dels[i] = item{m, r, r}
		gone[r] = true
	}
	var restricts, nulls []edge
	for i := 0; i < len(dels); i++ {
		if i%64 == 63 {
			if err := tx.ctx.Err(); err != nil {
				return opErr(op+" "+m.name, err)
			}
		}
		if err := tx.step("cascade", dels[i].m.name, ""); err != nil {
			return err
		}
		it := dels[i]
		for _, r := range it.m.refs {
			pk := it.rec.key(r.keyTo.slot)
			if pk == nil {
				continue
			}
			if err := tx.step("fk", r.source.name, r.fk.name); err != nil {
				return err
			}
			tx.each(r.source, r.fk, pk, func(c *record) bool {
				if gone[c] || !r.owns(c) {
					return true
				}
				switch r.onDelete {
				case Cascade:
					gone[c] = true
					dels = append(dels, item{r.source, c, it.root})
				case SetNull:
					nulls = append(nulls, edge{r, it.rec, c, it.root})
				default:
					restricts = append(restricts, edge{r, it.rec, c, it.root})
				}
				return true
			})
		}
	}
	for _, e := range restricts {
		if !gone[e.child] {
			t := e.r.target
			return &ForeignKeyError{Op: op, Model: m.name, Key: m.keyOf(e.root), Relation: e.r.name,
				Field: e.r.fk.name, Value: t.value(e.parent, e.r.keyTo), Target: t.name,
				Referrer: e.r.source.name, ReferrerKey: e.r.source.keyOf(e.child)}
		}
	}
	// A set-null changes the source row's foreign key, and that key may be
	// a unique field other rows reference (keyTo): clearing it is a change
	// of a referenced key, refused as Update refuses it (PostgreSQL runs
	// the SET NULL as an UPDATE, which the referencing foreign key's ON
	// UPDATE NO ACTION refuses), unless the same delete removes every
	// referencing row. No other action of this delete can clear such a
	// row's reference: its target, the row being nulled, is not deleted.
	for _, e := range nulls {
		if gone[e.child] {
			continue
		}
		src, c := e.r.source, e.r.fk
		for _, r := range src.refs {
			if r.keyTo != c {
				continue
			}
			if err := tx.step("fk", r.source.name, r.fk.name); err != nil {
				return err
			}
			var ref *record
			tx.each(r.source, r.fk, e.child.key(c.slot), func(rc *record) bool {
				if gone[rc] {
					return true
				}
				ref = rc
				return false
			})
			if ref != nil {
				return &ForeignKeyError{Op: op, Model: m.name, Key: m.keyOf(e.root), Relation: r.name,
					Field: r.fk.name, Value: src.value(e.child, c), Target: src.name,
					Referrer: r.source.name, ReferrerKey: r.source.keyOf(ref)}
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
