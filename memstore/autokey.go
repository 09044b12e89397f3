package memstore

import "reflect"

// AutoKey returns the last key the auto-key counter of the named model has
// assigned or seen (an auto model's explicit keys move it too), as a value
// of the model's key type (RowID for a model without a key field); ok is
// false while the counter is unused. The next key assigned is the one after
// it. A program that saves a store and loads it into a new one saves this
// too, so that keys are never reused across restarts (package datafile does).
// It fails with ErrInvalid for an unknown model or one without an auto key.
func (tx *Tx) AutoKey(model string) (last any, ok bool, err error) {
	const op = "auto key"
	if err := tx.enter(nil, "", "", op, false); err != nil {
		return nil, false, err
	}
	defer tx.leave()
	m, err := tx.autoModel(op, model)
	if err != nil {
		return nil, false, err
	}
	row := tx.seq(m)
	if !row.used {
		return nil, false, nil
	}
	c := m.pk.codec
	return c.value(c.appendInt(nil, row.last)), true, nil
}

// RaiseAutoKey makes last (converted to the named model's key type when that
// is exact, as Tx.Get converts a key) the last
// key its auto-key counter has given, unless the counter is past it
// already: it never lowers the counter, so no key is ever handed out twice.
// It is part of the transaction, as the counter is (see "Keys" in Model).
// It fails with ErrInvalid, and aborts the transaction, for an unknown
// model, one without an auto key, or a value that does not convert.
func (tx *Tx) RaiseAutoKey(model string, last any) error {
	const op = "raise auto key"
	if err := tx.enter(nil, "", "", op, true); err != nil {
		return err
	}
	defer tx.leave()
	m, err := tx.autoModel(op, model)
	if err != nil {
		return tx.fail(err)
	}
	c := m.pk.codec
	v, err := convertValue(op, m, m.pk, last)
	if err != nil {
		return tx.fail(err)
	}
	p := reflect.New(c.typ)
	p.Elem().Set(v)
	tx.seqSeen(m, c.readInt(p.UnsafePointer()))
	return nil
}

func (tx *Tx) autoModel(op, name string) (*model, error) {
	m := tx.s.schema.byName[name]
	if m == nil {
		return nil, tx.s.schema.unknownModel(op, name)
	}
	if !m.auto {
		return nil, invalidf("%s %s: the model has no auto key", op, m.name)
	}
	return m, nil
}
