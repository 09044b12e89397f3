package memstore

import (
	"sort"
	"strings"
	"unsafe"

	"github.com/relstore/relstore/filter"
)

// Shadow foreign keys by value, for tools that work on any model (a REST
// server): a shadow column (Relation.Shadow) has no struct field, so these
// read and write it beside the row. Package relations reads and writes it
// through its typed accessors instead.

// ShadowOf returns the shadow foreign keys of the stored row whose primary
// key is row's (a value of a registered model or a pointer to one), by
// field name (the relation's FK): a value of the referenced key's type, or
// nil for NULL. It returns an empty map for a model without shadow foreign
// keys, a *NotFoundError when no row has that key, and ErrInvalid for a
// model without a key field (its rows cannot be named by a value).
func (tx *Tx) ShadowOf(row any) (map[string]any, error) {
	const op = "shadow of"
	if err := tx.enter(nil, "", "", op, false); err != nil {
		return nil, err
	}
	defer tx.leave()
	m, p, _, err := tx.rowOf(op, row)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	if !m.hasShadow {
		return out, nil
	}
	if m.keyless {
		return nil, invalidf("%s %s: the model has no key field", op, m.name)
	}
	k, err := m.appendPK(op, nil, p)
	if err != nil {
		return nil, err
	}
	rec := tx.lookup(m, m.pk, k)
	if rec == nil {
		return nil, &NotFoundError{Op: op, Model: m.name, Field: m.pk.name, Value: m.pk.codec.value(k)}
	}
	for _, c := range m.slots {
		if c.shadow {
			out[c.name] = m.value(rec, c)
		}
	}
	return out, nil
}

// InsertShadow inserts row as Insert does, with its shadow foreign keys
// from shadow: by field name, each value converted to the referenced key's
// type as filter.Coerce converts a condition's (nil, or an absent name, is
// NULL). The foreign keys are checked as a field's are. An unknown name or
// a value of the wrong type is refused with ErrInvalid and aborts the
// transaction, as any refused write does.
func (tx *Tx) InsertShadow(row any, shadow map[string]any) error {
	const op = "insert"
	if err := tx.enter(nil, "", "", op, true); err != nil {
		return err
	}
	defer tx.leave()
	m, p, ptr, err := tx.rowOf(op, row)
	if err != nil {
		return tx.fail(err)
	}
	sh, err := m.shadowKeys(op, shadow, nil)
	if err != nil {
		return tx.fail(err)
	}
	if _, err := tx.insert(op, m, p, sh); err != nil {
		return tx.fail(err)
	}
	if ptr.IsValid() && m.auto && !m.keyless {
		typedmemmove(m.pk.codec.typ, unsafe.Add(ptr.UnsafePointer(), m.pk.offset), unsafe.Add(p, m.pk.offset))
	}
	return nil
}

// UpdateShadow updates row as Update does, and sets the shadow foreign keys
// that shadow names (converted as InsertShadow converts them); the others
// keep their values.
func (tx *Tx) UpdateShadow(row any, shadow map[string]any) error {
	const op = "update"
	if err := tx.enter(nil, "", "", op, true); err != nil {
		return err
	}
	defer tx.leave()
	m, p, _, err := tx.rowOf(op, row)
	if err != nil {
		return tx.fail(err)
	}
	if m.keyless {
		return tx.fail(invalidf("%s %s: the model has no key field; use Table.UpdateKey", op, m.name))
	}
	k, err := m.appendPK(op, nil, p)
	if err != nil {
		return tx.fail(err)
	}
	old := tx.lookup(m, m.pk, k)
	if old == nil {
		return tx.fail(&NotFoundError{Op: op, Model: m.name, Field: m.pk.name, Value: m.pk.codec.value(k)})
	}
	sh, err := m.shadowKeys(op, shadow, old.keyList())
	if err != nil {
		return tx.fail(err)
	}
	if _, err := tx.update(op, m, p, k, sh); err != nil {
		return tx.fail(err)
	}
	return nil
}

// shadowKeys encodes the shadow values of vals, by field name, into the
// slots of base (a record's keys; nil: every one NULL).
func (m *model) shadowKeys(op string, vals map[string]any, base [][]byte) ([][]byte, error) {
	if len(vals) == 0 && base == nil {
		return nil, nil
	}
	sh := make([][]byte, len(m.slots))
	copy(sh, base)
	for name, v := range vals {
		c := m.column(name)
		if c == nil || !c.shadow || c == m.pk {
			return nil, invalidf("%s %s: %q is not a shadow foreign key (shadow foreign keys: %s)", op, m.name, name, m.shadowNames())
		}
		if v == nil {
			sh[c.slot] = nil
			continue
		}
		rv, err := filter.Coerce(v, c.codec.typ)
		if err != nil {
			return nil, invalidf("%s %s: %s: %s", op, m.name, name, reasonOf(err))
		}
		sh[c.slot] = exact(encodeOperand(c.codec, rv))
	}
	return sh, nil
}

// shadowNames lists m's shadow foreign keys for a message.
func (m *model) shadowNames() string {
	var ns []string
	for _, c := range m.slots {
		if c.shadow && c != m.pk {
			ns = append(ns, c.name)
		}
	}
	if len(ns) == 0 {
		return "none"
	}
	sort.Strings(ns)
	return strings.Join(ns, ", ")
}
