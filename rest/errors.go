package rest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
)

// Error is an error response, as LoopBack 3's error handler writes it: the
// body is {"error": {...}} with these fields.
//
// # Statuses and codes
//
// Successes are 200 with JSON (LoopBack answers 200 to a create too), or 204
// with no body where LoopBack sends none. Every error is LoopBack's body:
//
//	{"error": {"statusCode": 404, "name": "Error", "message": "Unknown \"Customer\" id \"7\".", "code": "MODEL_NOT_FOUND"}}
//
//	400 BAD_REQUEST      malformed JSON, a body of the wrong shape, a changed id or foreign key
//	                     through a route that sets it, several rows for upsertWithWhere
//	400 INVALID_FILTER   a filter or where that the language or the model refuses: an unknown
//	                     property or relation (include included), a value of the wrong type, an
//	                     operator unfit for the property, nesting or a limit over the caps
//	403 READ_ONLY        a write to a read-only server
//	404 MODEL_NOT_FOUND  no row with that id (or a related row of another owner)
//	404 RELATION_EMPTY   a belongsTo whose foreign key is null
//	404 ROUTE_NOT_FOUND  no model, relation or method at that path
//	409 FOREIGN_KEY_VIOLATION  a delete (or key change) refused: restrict, and a row references
//	                     the row; the message and details name the referencing model, row,
//	                     property and relation
//	409 DUPLICATE_ID     a create with an id that exists (LoopBack's memory connector's 409)
//	409 CONFLICT         a second hasOne through its route
//	413 REQUEST_TOO_LARGE  a body over Config.MaxBodyBytes
//	422 ValidationError  the row is not valid; details.codes names each property: presence (a
//	                     required property missing, null or ""), unknown-property, type and date
//	                     (a value the property's type cannot take), uniqueness (a duplicate unique
//	                     value; every property of a unique index), foreignKey (a dangling foreign
//	                     key): {"details": {"context": "Order", "codes": {"customerId":
//	                     ["foreignKey"]}, "messages": {"customerId": ["references no Customer"]}}}
//	500 INTERNAL         a bug: the server logs it (Config.ErrorLog)
//
// A refused write changes nothing: each request is one transaction, a create
// of many rows included.
type Error struct {
	StatusCode int    `json:"statusCode"`
	Name       string `json:"name"` // "Error", or "ValidationError" for a 422
	Message    string `json:"message"`
	// Code is a stable name for the kind of error: MODEL_NOT_FOUND (as in
	// LoopBack), and relstore's own (listed below).
	Code string `json:"code,omitempty"`
	// Details is, for a ValidationError, LoopBack's {"context": model,
	// "codes": {property: [code]}, "messages": {property: [message]}}; for
	// a refused delete, what references the row.
	Details any `json:"details,omitempty"`
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// The codes of Error.Code.
const (
	codeNotFound      = "MODEL_NOT_FOUND"       // no row with that id (LoopBack's code)
	codeNoRoute       = "ROUTE_NOT_FOUND"       // no model, relation or method at that path
	codeBadRequest    = "BAD_REQUEST"           // malformed JSON, a body of the wrong shape, a bad id
	codeBadFilter     = "INVALID_FILTER"        // a filter or where the server refuses
	codeTooLarge      = "REQUEST_TOO_LARGE"     // a body over Config.MaxBodyBytes
	codeReadOnly      = "READ_ONLY"             // a write to a read-only server
	codeReferenced    = "FOREIGN_KEY_VIOLATION" // a delete (or key change) refused: rows reference the row
	codeDuplicateID   = "DUPLICATE_ID"          // a create with an id that exists
	codeRelationEmpty = "RELATION_EMPTY"        // a belongsTo whose foreign key is null
	codeConflict      = "CONFLICT"              // another conflict: a second hasOne, several rows for upsertWithWhere
	codeInternal      = "INTERNAL"              // a bug: the server logs it
)

func newError(status int, code, format string, args ...any) *Error {
	return &Error{StatusCode: status, Name: "Error", Code: code, Message: fmt.Sprintf(format, args...)}
}

func notFound(m *model, id string) *Error {
	return newError(http.StatusNotFound, codeNotFound, "Unknown %q id %q.", m.Name, id)
}

func badRequest(format string, args ...any) *Error {
	return newError(http.StatusBadRequest, codeBadRequest, format, args...)
}

// validation accumulates a ValidationError's properties, as LoopBack
// reports all of a row's problems at once.
type validation struct {
	model    string
	codes    map[string][]string
	messages map[string][]string
	parts    []string
}

func (v *validation) add(prop, code, msg string, value any) {
	if v.codes == nil {
		v.codes, v.messages = map[string][]string{}, map[string][]string{}
	}
	v.codes[prop] = append(v.codes[prop], code)
	v.messages[prop] = append(v.messages[prop], msg)
	v.parts = append(v.parts, fmt.Sprintf("`%s` %s (value: %s)", prop, msg, formatValue(value)))
}

func (v *validation) empty() bool { return len(v.codes) == 0 }

func (v *validation) err() *Error {
	return &Error{
		StatusCode: http.StatusUnprocessableEntity,
		Name:       "ValidationError",
		Message:    fmt.Sprintf("The `%s` instance is not valid. Details: %s.", v.model, strings.Join(v.parts, "; ")),
		Details: map[string]any{
			"context":  v.model,
			"codes":    v.codes,
			"messages": v.messages,
		},
	}
}

// undefined stands for an absent value in messages, as JavaScript prints it.
type undefinedValue struct{}

var undefined = undefinedValue{}

// formatValue renders a value as LoopBack's messages do: strings quoted.
func formatValue(v any) string {
	switch v := v.(type) {
	case undefinedValue:
		return "undefined"
	case nil:
		return "null"
	case string:
		b, _ := json.Marshal(truncate(v))
		return string(b)
	case json.RawMessage:
		return truncate(string(v))
	}
	b, err := json.Marshal(v)
	if err != nil {
		return truncate(fmt.Sprint(v))
	}
	return truncate(strings.Trim(string(b), `"`))
}

func truncate(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

// storeError turns an error of a store call into a response error. m is the
// model the request addressed (for naming fields), id the row's id as the
// path gave it, if any.
func (h *Handler) storeError(m *model, err error) *Error {
	var re *Error
	if errors.As(err, &re) {
		return re
	}
	var ue *memstore.UniqueError
	var fk *memstore.ForeignKeyError
	var nf *memstore.NotFoundError
	var fe *filter.Error
	switch {
	case errors.As(err, &ue):
		um := h.modelNamed(ue.Model, m)
		if um.key != nil && len(ue.Fields) == 1 && ue.Fields[0] == um.key.Field {
			e := newError(http.StatusConflict, codeDuplicateID, "Duplicate entry for %s.%s (value: %s).", um.Name, um.key.Name, formatValue(ue.Value))
			return e
		}
		v := &validation{model: um.Name}
		names := make([]string, len(ue.Fields))
		for i, f := range ue.Fields {
			names[i] = um.propName(f)
		}
		for i, n := range names {
			msg := "is not unique"
			if len(names) > 1 {
				msg = fmt.Sprintf("is not unique: (%s) = (%s) exists", strings.Join(names, ", "), joinValues(ue.Values))
			}
			var val any = undefined
			if i < len(ue.Values) {
				val = ue.Values[i]
			}
			v.add(n, "uniqueness", msg, val)
		}
		return v.err()
	case errors.As(err, &fk):
		src := h.modelNamed(fk.Model, m)
		if fk.Referrer == "" {
			v := &validation{model: src.Name}
			v.add(src.propName(fk.Field), "foreignKey", "references no "+fk.Target, fk.Value)
			return v.err()
		}
		ref := h.modelNamed(fk.Referrer, nil)
		target := h.modelNamed(fk.Target, nil)
		field := fk.Field
		if ref != nil {
			field = ref.propName(fk.Field)
		}
		rel := fk.Relation
		if ref != nil && ref.memRels[fk.Relation] != "" {
			rel = ref.memRels[fk.Relation]
		}
		what := "delete"
		if fk.Op != "delete" {
			what = "change the key of"
		}
		e := newError(http.StatusConflict, codeReferenced,
			"Cannot %s %s %s: %s %s references %s %s through %s (relation %s, onDelete restrict).",
			what, src.Name, formatValue(fk.Key), fk.Referrer, formatValue(fk.ReferrerKey), fk.Target, formatValue(fk.Value), field, rel)
		e.Details = map[string]any{"context": src.Name, "referrer": fk.Referrer, "referrerId": fk.ReferrerKey,
			"relation": rel, "property": field, "target": targetName(target, fk.Target), "value": fk.Value}
		return e
	case errors.As(err, &nf):
		nm := h.modelNamed(nf.Model, m)
		return newError(http.StatusNotFound, codeNotFound, "Unknown %q id %q.", nm.Name, fmt.Sprint(nf.Value))
	case errors.As(err, &fe):
		return newError(http.StatusBadRequest, codeBadFilter, "%s", fe.Error())
	case errors.Is(err, memstore.ErrOverflow):
		return newError(http.StatusConflict, codeConflict, "%v", err)
	case errors.Is(err, memstore.ErrInvalid), errors.Is(err, filter.ErrInvalid):
		return badRequest("%v", err)
	case errors.Is(err, lbmodel.ErrInvalid):
		return badRequest("%v", err)
	}
	h.logf("rest: internal error: %v", err)
	return newError(http.StatusInternalServerError, codeInternal, "Internal Server Error")
}

func targetName(m *model, fallback string) string {
	if m != nil {
		return m.Name
	}
	return fallback
}

func joinValues(vs []any) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = formatValue(v)
	}
	return strings.Join(parts, ", ")
}

// writeError writes e as LoopBack's error body.
func writeError(w http.ResponseWriter, e *Error) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(e.StatusCode)
	b, err := json.Marshal(struct {
		Error *Error `json:"error"`
	}{e})
	if err != nil {
		b = []byte(`{"error":{"statusCode":500,"name":"Error","message":"Internal Server Error"}}`)
	}
	w.Write(append(b, '\n'))
}

// names lists keys sorted, for messages.
func names[V any](m map[string]V) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	if len(ks) == 0 {
		return "none"
	}
	return strings.Join(ks, ", ")
}
