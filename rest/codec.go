package rest

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/lbmodel"
)

var (
	rawMessageType = reflect.TypeFor[json.RawMessage]()
	timeType       = reflect.TypeFor[time.Time]()
)

// out is a row to write: its model, its value, the properties to write
// (nil: all but hidden ones), and the related rows included with it.
type out struct {
	m      *model
	row    reflect.Value  // a struct value
	shadow map[string]any // the row's shadow foreign keys, by field (see model.hasShadow)
	fields map[string]bool
	incl   []included
}

type included struct {
	name string
	many bool
	rows []*out // many: the list (never nil); else 0 or 1 row
}

// appendOut appends the JSON object of o.
func appendOut(b []byte, o *out) []byte {
	b = append(b, '{')
	first := true
	for _, p := range o.m.Properties {
		if p.Hidden || (o.fields != nil && !o.fields[p.Name]) {
			continue
		}
		var f reflect.Value
		if p.Shadow {
			v := o.shadow[p.Field]
			if v == nil {
				continue
			}
			f = reflect.ValueOf(v)
		} else {
			f = o.row.FieldByIndex(p.FieldIndex)
		}
		if (f.Kind() == reflect.Pointer || f.Type() == rawMessageType) && f.IsNil() {
			continue // absent: LoopBack leaves undefined properties out
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendString(b, p.Name)
		b = append(b, ':')
		b = appendValue(b, f)
	}
	for _, in := range o.incl {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendString(b, in.name)
		b = append(b, ':')
		switch {
		case in.many:
			b = appendOuts(b, in.rows)
		case len(in.rows) == 0:
			b = append(b, "null"...)
		default:
			b = appendOut(b, in.rows[0])
		}
	}
	return append(b, '}')
}

func appendOuts(b []byte, os []*out) []byte {
	b = append(b, '[')
	for i, o := range os {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendOut(b, o)
	}
	return append(b, ']')
}

// appendValue appends the JSON of a field value, as encoding/json writes it.
func appendValue(b []byte, v reflect.Value) []byte {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return append(b, "null"...)
		}
		return appendValue(b, v.Elem())
	case reflect.String:
		return appendString(b, v.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.AppendUint(b, v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return appendFloat(b, v.Float(), v.Type().Bits())
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool())
	}
	if v.Type() == timeType {
		b = append(b, '"')
		b = v.Interface().(time.Time).AppendFormat(b, time.RFC3339Nano)
		return append(b, '"')
	}
	if v.Type() == rawMessageType {
		if v.IsNil() {
			return append(b, "null"...)
		}
		return append(b, v.Bytes()...)
	}
	if v.Kind() == reflect.Array && v.Len() == 16 && v.Type().Elem().Kind() == reflect.Uint8 {
		var u [16]byte
		reflect.Copy(reflect.ValueOf(&u).Elem(), v)
		return appendString(b, fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]))
	}
	j, err := json.Marshal(v.Interface())
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, j...)
}

// appendFloat formats a float as encoding/json (and JavaScript) does.
func appendFloat(b []byte, f float64, bits int) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return append(b, "null"...)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21)) {
		format = 'e'
	}
	start := len(b)
	b = strconv.AppendFloat(b, f, format, -1, bits)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b) - start
		if n >= 4 && b[len(b)-4] == 'e' && b[len(b)-3] == '-' && b[len(b)-2] == '0' {
			b[len(b)-2] = b[len(b)-1]
			b = b[:len(b)-1]
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaping as encoding/json does
// (<, > and & included, so a response is safe to embed in HTML).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// writeJSON writes a 200 response of body (already JSON).
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

// readBody reads a JSON request body: an object, or when many is true an
// array of objects too. An empty body is {}.
func readBody(q *request, many bool) (objs []map[string]any, isArray bool, err error) {
	data, rerr := io.ReadAll(q.r.Body)
	if rerr != nil {
		var mbe *http.MaxBytesError
		if errors.As(rerr, &mbe) {
			return nil, false, newError(http.StatusRequestEntityTooLarge, codeTooLarge, "The request body is larger than %d bytes.", mbe.Limit)
		}
		return nil, false, badRequest("Cannot read the request body: %v.", rerr)
	}
	if strings.TrimSpace(string(data)) == "" {
		return []map[string]any{{}}, false, nil
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false, badRequest("Malformed JSON in the request body: %v.", err)
	}
	if dec.More() {
		return nil, false, badRequest("Malformed JSON in the request body: data after the value.")
	}
	switch v := v.(type) {
	case map[string]any:
		return []map[string]any{v}, false, nil
	case []any:
		if !many {
			break
		}
		objs := make([]map[string]any, len(v))
		for i, e := range v {
			o, ok := e.(map[string]any)
			if !ok {
				return nil, true, badRequest("The request body's element %d is not an object.", i)
			}
			objs[i] = o
		}
		return objs, true, nil
	}
	if many {
		return nil, false, badRequest("The request body must be an object or an array of objects.")
	}
	return nil, false, badRequest("The request body must be an object.")
}

// mode is how a body becomes a row.
type mode uint8

const (
	modeCreate  mode = iota // a new row: defaults for absent properties
	modeReplace             // a whole new row for an existing key: defaults too
	modePatch               // the body's properties over an existing row
)

// draft is a row to write: a pointer to a new struct value, and the values
// of its model's shadow foreign keys by field (nil: none to set).
type draft struct {
	ptr    reflect.Value
	shadow map[string]any
}

// buildRow makes the row a write stores: from the body's values vals, over
// base (a struct value) for a patch, with the properties of fixed forced
// (the key of the path, a scoped route's foreign key): a body value for them
// must equal theirs. Every problem with the body's properties is reported
// at once, as one ValidationError (422); a forced property the body changes
// is a 400. Shadow foreign keys go in the draft's shadow: every one for a
// create or replace (absent ones null), those the body or fixed names for
// a patch.
func buildRow(m *model, vals map[string]any, base reflect.Value, md mode, fixed map[string]any) (draft, error) {
	v := &validation{model: m.Name}
	for k, val := range vals {
		if m.Property(k) == nil {
			v.add(k, "unknown-property", "is not defined in the model", val)
		}
	}
	row := reflect.New(m.Type)
	if base.IsValid() {
		row.Elem().Set(base)
	}
	d := draft{ptr: row}
	if m.hasShadow {
		d.shadow = map[string]any{}
	}
	// fill sets fv, p's field (or a scratch value for a shadow property),
	// from the body, and reports whether it set it.
	fill := func(p *lbmodel.Property, fv reflect.Value) (bool, error) {
		raw, present := vals[p.Name]
		if want, ok := fixed[p.Name]; ok {
			if present && raw != nil {
				got, err := lbmodel.ConvertValue(p, raw)
				if err != nil || got != want {
					return false, badRequest("The body's %s (%s) differs from %s's, which this route sets (%s).", p.Name, formatValue(raw), p.Name, formatValue(want))
				}
			}
			setField(fv, want)
			return true, nil
		}
		if !present {
			if md == modePatch {
				return false, nil
			}
			switch {
			case p.ID && p.Generated:
			case p.DefaultFn == "now":
				setField(fv, time.Now().UTC())
			case p.DefaultFn == "uuid":
				setField(fv, newUUID())
			case p.Default != nil:
				setField(fv, p.Default)
			default:
				fv.SetZero()
			}
			if p.Required && !(p.ID && p.Generated) && p.Default == nil && p.DefaultFn == "" {
				v.add(p.Name, "presence", "can't be blank", undefined)
			}
			return true, nil
		}
		if raw == nil {
			if p.Required {
				v.add(p.Name, "presence", "can't be blank", nil)
				return false, nil
			}
			fv.SetZero()
			return true, nil
		}
		cv, err := lbmodel.ConvertValue(p, raw)
		if err != nil {
			code := "type"
			if p.Type == lbmodel.Date {
				code = "date"
			}
			v.add(p.Name, code, err.Error(), raw)
			return false, nil
		}
		if s, ok := cv.(string); ok && p.Required && s == "" {
			v.add(p.Name, "presence", "can't be blank", raw)
			return false, nil
		}
		setField(fv, cv)
		return true, nil
	}
	for _, p := range m.Properties {
		if !p.Shadow {
			if _, err := fill(p, row.Elem().FieldByIndex(p.FieldIndex)); err != nil {
				return d, err
			}
			continue
		}
		scratch := reflect.New(p.GoType).Elem()
		set, err := fill(p, scratch)
		if err != nil {
			return d, err
		}
		if set || md != modePatch {
			d.shadow[p.Field] = fieldValue(scratch, nil)
		}
	}
	if !v.empty() {
		return d, v.err()
	}
	return d, nil
}

// patchValues converts a body into the fields of an update-all: property
// name to a value of its field's type (nil for null).
func patchValues(m *model, vals map[string]any) (map[string]any, error) {
	v := &validation{model: m.Name}
	patch := map[string]any{}
	for k, raw := range vals {
		p := m.Property(k)
		switch {
		case p == nil:
			v.add(k, "unknown-property", "is not defined in the model", raw)
		case p.ID:
			return nil, badRequest("An update cannot change %s, the id.", p.Name)
		case raw == nil && p.Required:
			v.add(k, "presence", "can't be blank", nil)
		case raw == nil:
			patch[p.Name] = nil
		default:
			cv, err := lbmodel.ConvertValue(p, raw)
			if err != nil {
				v.add(k, "type", err.Error(), raw)
				continue
			}
			patch[p.Name] = cv
		}
	}
	if !v.empty() {
		return nil, v.err()
	}
	return patch, nil
}

// setField sets a field from a value of its type, of its element type (for
// a pointer field), or nil (the zero value).
func setField(f reflect.Value, v any) {
	if v == nil {
		f.SetZero()
		return
	}
	rv := reflect.ValueOf(v)
	if rv.Type() == f.Type() {
		f.Set(rv)
		return
	}
	if f.Kind() == reflect.Pointer && rv.Type() == f.Type().Elem() {
		p := reflect.New(rv.Type())
		p.Elem().Set(rv)
		f.Set(p)
		return
	}
	f.Set(rv.Convert(f.Type()))
}

// newUUID returns a random (version 4) UUID string.
func newUUID() string {
	var u [16]byte
	rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// keyOf converts an id from a path to the model's key type; ok is false
// when no row can have it (then the route answers 404, as LoopBack does).
func keyOf(m *model, s string) (any, bool) { return keyValue(m, filter.Text(s)) }

// keyValue converts a JSON value or a Text to the model's key type.
func keyValue(m *model, raw any) (any, bool) {
	if m.key == nil {
		return nil, false
	}
	v, err := lbmodel.ConvertValue(m.key, raw)
	return v, err == nil && v != nil
}

// fieldValue returns a row's property value: its field's value without the
// pointer, or nil for NULL (with p nil: row's own value so). p is not a
// Shadow property (see Handler.value).
func fieldValue(row reflect.Value, p *lbmodel.Property) any {
	f := row
	if p != nil {
		f = row.FieldByIndex(p.FieldIndex)
	}
	if f.Kind() == reflect.Pointer {
		if f.IsNil() {
			return nil
		}
		f = f.Elem()
	}
	return f.Interface()
}
