package memstore

import (
	"reflect"

	"github.com/relstore/relstore/filter"
)

// Values and names given at run time.
//
// The methods that take a field's value as any (Tx.Get, Tx.ByFK,
// Table.ByFK, Table.Lookup, Tx.RaiseAutoKey, and package relations' ByKey,
// FindByKey and ExistsKey) get what the caller wrote: an untyped constant
// arrives as an int or a float64, a value decoded from JSON as a
// json.Number. They convert it to the field's type when the conversion is
// exact, by filter.Coerce's rules (the rules of a filter's values): 1, 1.0,
// int8(1), a named integer type and json.Number("1") are all the int64 1;
// 1.5, "1", true and an integer out of the field's range are refused with
// ErrInvalid naming the field and both types. The methods that take a model,
// relation or field by name refuse an unknown name with ErrInvalid listing
// the names that exist.

// convertValue converts v, given for column c of model m, to c's type when
// the conversion is exact; op names the operation in the error.
func convertValue(op string, m *model, c *column, v any) (reflect.Value, error) {
	t := c.codec.typ
	if rv := reflect.ValueOf(v); rv.IsValid() && rv.Type() == t {
		return rv, nil // the common case: no conversion
	}
	rv, err := filter.Coerce(v, t)
	if err != nil {
		return reflect.Value{}, invalidf("%s %s: %s: cannot use %v (%T) as %v: %s", op, m.name, c.name, v, v, t, reasonOf(err))
	}
	return rv, nil
}

// encodeValue converts value to column c's type (see convertValue), checks
// it and encodes it as an index key.
func encodeValue(op string, m *model, c *column, value any) ([]byte, error) {
	v, err := convertValue(op, m, c, value)
	if err != nil {
		return nil, err
	}
	p := reflect.New(c.codec.typ)
	p.Elem().Set(v)
	if err := c.codec.check(p.UnsafePointer()); err != nil {
		return nil, invalidf("%s %s: %v", op, m.name, err)
	}
	return c.codec.appendKey(nil, p.UnsafePointer()), nil
}

// unknownModel is the error for a model name the schema does not have.
func (s *schema) unknownModel(op, name string) error {
	return invalidf("%s: no model %q (models: %s)", op, name, listOr(s.modelNames()))
}

// uniqueNames returns the names of m's unique fields, the primary key first.
func (m *model) uniqueNames() []string {
	var out []string
	for _, c := range m.slots {
		if c.unique && c.ix == nil && !c.shadow {
			out = append(out, c.name)
		}
	}
	return out
}

// notUnique is the error for a field that Lookup cannot look up.
func (m *model) notUnique(op, field string) error {
	what := "is not a unique field"
	if m.column(field) == nil {
		what = "is not a field"
	}
	return invalidf("%s %s: %q %s (unique fields: %s)", op, m.name, field, what, listOr(m.uniqueNames()))
}
