package rest

import (
	"encoding/json"
	"net/http"
	"reflect"

	"github.com/relstore/relstore/lbmodel"
)

// OpenAPI returns the OpenAPI 3.0 document of the API: every route of every
// model and relation, and a schema per model. GET /openapi.json serves it.
func (h *Handler) OpenAPI() map[string]any {
	p := h.cfg.Prefix
	paths := map[string]any{}
	schemas := map[string]any{
		"Error": obj(map[string]any{
			"error": obj(map[string]any{
				"statusCode": typ("integer"), "name": typ("string"), "message": typ("string"),
				"code": typ("string"), "details": map[string]any{"type": "object"},
			}, "statusCode", "name", "message"),
		}, "error"),
		"Count":  obj(map[string]any{"count": typ("integer")}, "count"),
		"Exists": obj(map[string]any{"exists": typ("boolean")}, "exists"),
	}
	for _, m := range h.order {
		schemas[m.Name] = h.modelSchema(m)
		base := p + "/" + m.Path
		ref := schemaRef(m.Name)
		list := map[string]any{"type": "array", "items": ref}
		id := idParam(m)
		op := func(name, summary string, params []any, body any, status string, result any) map[string]any {
			o := map[string]any{"operationId": m.Name + "." + name, "summary": summary, "tags": []string{m.Name}}
			if len(params) > 0 {
				o["parameters"] = params
			}
			if body != nil {
				o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": body}}}
			}
			o["responses"] = responses(status, result)
			return o
		}
		create := map[string]any{"oneOf": []any{ref, list}}
		find := op("find", "Find the rows that a filter selects", []any{filterParam()}, nil, "200", list)
		find["responses"].(map[string]any)["200"].(map[string]any)["headers"] = pageHeaders()
		paths[base] = map[string]any{
			"get":    find,
			"post":   op("create", "Create a row, or several (an array): all or none", nil, create, "200", create),
			"patch":  op("patchOrCreate", "Patch the row with the body's id, or create it", nil, ref, "200", ref),
			"put":    op("replaceOrCreate", "Replace the row with the body's id, or create it", nil, ref, "200", ref),
			"delete": op("deleteAll", "Delete the rows a where selects (where={} for all)", []any{whereParam()}, nil, "200", schemaRef("Count")),
		}
		paths[base+"/count"] = map[string]any{"get": op("count", "Count the rows a where selects", []any{whereParam()}, nil, "200", schemaRef("Count"))}
		paths[base+"/findOne"] = map[string]any{"get": op("findOne", "Find the first row a filter selects", []any{filterParam()}, nil, "200", ref)}
		paths[base+"/update"] = map[string]any{"post": op("updateAll", "Set properties on the rows a where selects", []any{whereParam()}, ref, "200", schemaRef("Count"))}
		paths[base+"/replaceOrCreate"] = map[string]any{"post": op("replaceOrCreate.post", "Replace the row with the body's id, or create it", nil, ref, "200", ref)}
		paths[base+"/upsertWithWhere"] = map[string]any{"post": op("upsertWithWhere", "Patch the one row a where selects, or create one", []any{whereParam()}, ref, "200", ref)}
		if m.key == nil {
			continue
		}
		paths[base+"/{id}"] = map[string]any{
			"get":    op("findById", "Find a row by id (filter: fields and include)", []any{id, filterParam()}, nil, "200", ref),
			"head":   op("exists.head", "200 if the row exists, else 404", []any{id}, nil, "200", nil),
			"put":    op("replaceById", "Replace a row", []any{id}, ref, "200", ref),
			"patch":  op("patchAttributes", "Patch a row", []any{id}, ref, "200", ref),
			"delete": op("deleteById", "Delete a row (count 0 if there is none)", []any{id}, nil, "200", schemaRef("Count")),
		}
		paths[base+"/{id}/exists"] = map[string]any{"get": op("exists", "Whether a row exists", []any{id}, nil, "200", schemaRef("Exists"))}
		paths[base+"/{id}/replace"] = map[string]any{"post": op("replaceById.post", "Replace a row", []any{id}, ref, "200", ref)}
		for _, r := range m.relList {
			rp := base + "/{id}/" + r.Name
			rop := func(name, summary string, params []any, body any, status string, result any) map[string]any {
				return op("prototype.__"+name+"__"+r.Name, summary, params, body, status, result)
			}
			switch {
			case r.Kind == lbmodel.BelongsTo:
				target := any(map[string]any{"type": "object"})
				if r.target != nil {
					target = schemaRef(r.target.Name)
				}
				paths[rp] = map[string]any{"get": rop("get", "The "+r.Name+" this row belongs to", []any{id}, nil, "200", target)}
			case r.Kind == lbmodel.HasOne:
				t := schemaRef(r.target.Name)
				paths[rp] = map[string]any{
					"get":    rop("get", "The row's "+r.Name, []any{id}, nil, "200", t),
					"post":   rop("create", "Create the row's "+r.Name, []any{id}, t, "200", t),
					"put":    rop("update", "Update the row's "+r.Name, []any{id}, t, "200", t),
					"delete": rop("destroy", "Delete the row's "+r.Name, []any{id}, nil, "204", nil),
				}
			default:
				t := schemaRef(r.target.Name)
				tl := map[string]any{"type": "array", "items": t}
				fk := map[string]any{"name": "fk", "in": "path", "required": true, "description": "the " + r.target.Name + "'s id", "schema": keySchema(r.target)}
				paths[rp] = map[string]any{
					"get":    rop("get", "The row's "+r.Name+" that a filter selects", []any{id, filterParam()}, nil, "200", tl),
					"post":   rop("create", "Create rows among the row's "+r.Name, []any{id}, map[string]any{"oneOf": []any{t, tl}}, "200", map[string]any{"oneOf": []any{t, tl}}),
					"delete": rop("delete", "Delete the row's "+r.Name, []any{id}, nil, "204", nil),
				}
				paths[rp+"/count"] = map[string]any{"get": rop("count", "Count the row's "+r.Name, []any{id, whereParam()}, nil, "200", schemaRef("Count"))}
				paths[rp+"/{fk}"] = map[string]any{
					"get":    rop("findById", "One of the row's "+r.Name, []any{id, fk}, nil, "200", t),
					"put":    rop("updateById", "Patch one of the row's "+r.Name, []any{id, fk}, t, "200", t),
					"delete": rop("destroyById", "Delete one of the row's "+r.Name, []any{id, fk}, nil, "204", nil),
				}
				if r.through != nil {
					link := schemaRef(r.through.Name)
					paths[rp+"/rel/{fk}"] = map[string]any{
						"put":    rop("link", "Link the row to a "+r.target.Name+" (the body: the link's other properties)", []any{id, fk}, link, "200", link),
						"delete": rop("unlink", "Remove the link (the "+r.target.Name+" stays)", []any{id, fk}, nil, "204", nil),
						"head":   rop("exists", "200 if linked, else 404", []any{id, fk}, nil, "200", nil),
					}
				}
			}
		}
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "relstore", "version": "1",
			"description": "LoopBack 3's REST API over a relstore store: foreign keys, unique values and onDelete are enforced (422 and 409 answers)."},
		"paths":      paths,
		"components": map[string]any{"schemas": schemas},
	}
}

// filterParam and whereParam are the query parameters of finds and counts.
func filterParam() map[string]any {
	return map[string]any{"name": "filter", "in": "query", "required": false,
		"description": `A LoopBack filter as JSON: {"where":...,"order":...,"limit":...,"skip":...,"fields":...,"include":...}, and relstore's keyset "after"`,
		"schema":      map[string]any{"type": "string"}}
}

// pageHeaders are the headers of a find's answer.
func pageHeaders() map[string]any {
	return map[string]any{
		"X-Next-After": map[string]any{"description": `the page is full: the JSON array to give as the filter's "after" for the next page (same where and order)`,
			"schema": typ("string")},
		"X-Result-Truncated": map[string]any{"description": "true when a find without a limit had more rows than the server's maximum",
			"schema": typ("string")},
	}
}

func whereParam() map[string]any {
	return map[string]any{"name": "where", "in": "query", "required": false,
		"description": `A LoopBack where as JSON, e.g. {"status":"paid"}`, "schema": map[string]any{"type": "string"}}
}

func idParam(m *model) map[string]any {
	return map[string]any{"name": "id", "in": "path", "required": true, "description": "the " + m.Name + "'s id", "schema": keySchema(m)}
}

func keySchema(m *model) map[string]any {
	if m.key == nil {
		return typ("string")
	}
	return propSchema(m.key)
}

func responses(status string, result any) map[string]any {
	ok := map[string]any{"description": "success"}
	if result != nil {
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": result}}
	}
	errResp := map[string]any{"description": "an error: 400 bad request or filter, 403 read-only, 404 unknown row or route, 409 a conflict (a referenced row, a duplicate id), 413 too large, 422 a ValidationError",
		"content": map[string]any{"application/json": map[string]any{"schema": schemaRef("Error")}}}
	return map[string]any{status: ok, "default": errResp}
}

func schemaRef(name string) map[string]any {
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

func typ(t string) map[string]any { return map[string]any{"type": t} }

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

// modelSchema is the JSON schema of a model's rows; included relations
// appear as optional properties.
func (h *Handler) modelSchema(m *model) map[string]any {
	props := map[string]any{}
	var required []string
	for _, p := range m.Properties {
		if p.Hidden {
			continue
		}
		props[p.Name] = propSchema(p)
		if p.Required && !p.Generated && p.Default == nil && p.DefaultFn == "" {
			required = append(required, p.Name)
		}
	}
	for _, r := range m.relList {
		if r.target == nil {
			props[r.Name] = map[string]any{"type": "object", "description": "the related row, when included"}
			continue
		}
		if r.many() {
			props[r.Name] = map[string]any{"type": "array", "items": schemaRef(r.target.Name), "description": "the related rows, when included"}
		} else {
			props[r.Name] = map[string]any{"allOf": []any{schemaRef(r.target.Name)}, "description": "the related row, when included", "nullable": true}
		}
	}
	s := obj(props, required...)
	s["additionalProperties"] = false
	if m.File != "" {
		s["description"] = "model " + m.Name + " (" + m.File + ")"
	}
	return s
}

// propSchema is the JSON schema of one property.
func propSchema(p *lbmodel.Property) map[string]any {
	t := p.GoType
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var s map[string]any
	switch p.Type {
	case lbmodel.String:
		s = typ("string")
		if t.Kind() == reflect.Array {
			s["format"] = "uuid"
		}
	case lbmodel.Number:
		switch t.Kind() {
		case reflect.Float32, reflect.Float64:
			s = typ("number")
		default:
			s = typ("integer")
			if t.Size() == 8 {
				s["format"] = "int64"
			}
		}
	case lbmodel.Boolean:
		s = typ("boolean")
	case lbmodel.Date:
		s = map[string]any{"type": "string", "format": "date-time"}
	case lbmodel.Object:
		s = typ("object")
	case lbmodel.Array:
		s = map[string]any{"type": "array", "items": map[string]any{}}
	default:
		s = map[string]any{}
	}
	if p.Nullable() && p.Type != lbmodel.Any {
		s["nullable"] = true
	}
	if p.Description != "" {
		s["description"] = p.Description
	}
	if p.Default != nil {
		if b, err := json.Marshal(p.Default); err == nil {
			s["default"] = json.RawMessage(b)
		}
	}
	return s
}

func (h *Handler) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	b, err := json.MarshalIndent(h.OpenAPI(), "", "  ")
	if err != nil {
		writeError(w, h.storeError(nil, err))
		return
	}
	writeJSON(w, http.StatusOK, b)
}
