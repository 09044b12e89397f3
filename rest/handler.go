package rest

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
)

// Config configures a Handler. The zero value of each field but Store is its
// default.
type Config struct {
	// Store is the store served. Required.
	Store *memstore.Store
	// Schema describes the store's models: property names and types,
	// relations, REST paths. Nil means lbmodel.Describe(Store): a store of
	// Go structs, served under their json tag names.
	Schema *lbmodel.Schema
	// Prefix is the path the REST API is mounted at; default "/api".
	Prefix string
	// ReadOnly refuses every write with 403.
	ReadOnly bool
	// MaxBodyBytes bounds a request body; default 1 MiB. A larger body is
	// refused with 413.
	MaxBodyBytes int64
	// MaxLimit bounds the rows of one find (and of each included list): a
	// filter's limit above it is refused with 400, and a find without a
	// limit returns at most MaxLimit rows, with the header
	// X-Result-Truncated: true when there were more. Default 1000.
	MaxLimit int
	// MaxFilterDepth bounds how deeply and/or nest in a where; default
	// filter.DefaultMaxDepth (32).
	MaxFilterDepth int
	// MaxIncludeDepth bounds how deeply includes nest; default 4.
	MaxIncludeDepth int
	// AllowOrigins enables CORS for these origins ("*" for any); nil (the
	// default) sends no CORS headers, so browsers refuse cross-origin calls.
	AllowOrigins []string
	// ErrorLog receives internal errors (a 500 is a bug); nil means the log
	// package's standard logger, as http.Server does.
	ErrorLog *log.Logger
}

// The defaults of Config.
const (
	DefaultPrefix          = "/api"
	DefaultMaxBodyBytes    = 1 << 20
	DefaultMaxLimit        = 1000
	DefaultMaxIncludeDepth = 4
)

// Handler serves LoopBack 3's REST API over a store, its OpenAPI document
// (GET /openapi.json) and an explorer page (GET /). It is safe for
// concurrent use: reads run on snapshots, writes are serialised by the
// store.
//
// # Routes
//
// Per model (LoopBack 3's PersistedModel methods):
//
//	GET    /api/Customers?filter={...}          find: where, order, limit, skip, fields, include
//	GET    /api/Customers/{id}?filter={...}     findById: fields and include          404 if none
//	HEAD   /api/Customers/{id}                  exists: 200 or 404
//	GET    /api/Customers/{id}/exists           {"exists": true|false}
//	GET    /api/Customers/findOne?filter={...}  the first match                       404 if none
//	GET    /api/Customers/count?where={...}     {"count": n}
//	POST   /api/Customers                       create one (an object) or many (an array), all or none
//	PATCH  /api/Customers                       patchOrCreate (upsert) by the body's id
//	PUT    /api/Customers                       replaceOrCreate by the body's id (also POST .../replaceOrCreate)
//	POST   /api/Customers/upsertWithWhere?where patch the one match, or create; 400 for several
//	PUT    /api/Customers/{id}                  replaceById (also POST .../{id}/replace)  404 if none
//	PATCH  /api/Customers/{id}                  patchAttributes                       404 if none
//	DELETE /api/Customers/{id}                  deleteById: {"count": 1}, or 0 if none
//	POST   /api/Customers/update?where={...}    updateAll: {"count": n}
//	DELETE /api/Customers?where={...}           deleteAll: {"count": n}; a where is required (where={} for all)
//
// Per relation (LoopBack 3's relation methods), for a row {id}:
//
//	belongsTo  GET    /api/Orders/{id}/customer               the owner; 404 RELATION_EMPTY if the key is null
//	hasMany    GET    /api/Customers/{id}/orders?filter=      the list (a filter within the owner's rows)
//	           POST   /api/Customers/{id}/orders              create one or many, the foreign key set
//	           DELETE /api/Customers/{id}/orders              delete them all: 204
//	           GET    /api/Customers/{id}/orders/count?where= {"count": n}
//	           GET    /api/Customers/{id}/orders/{fk}         one of them (404 if it is another owner's)
//	           PUT    /api/Customers/{id}/orders/{fk}         patch one (its foreign key cannot move: 400)
//	           DELETE /api/Customers/{id}/orders/{fk}         delete one: 204
//	hasOne     GET, POST, PUT, DELETE /api/Customers/{id}/address   (a second POST is a 409)
//	through    the hasMany routes (over the far rows; a POST creates the far row and its link), and
//	           PUT    /api/Products/{id}/tags/rel/{fk}        link (the body: the link's other properties)
//	           DELETE /api/Products/{id}/tags/rel/{fk}        unlink (the far row stays): 204
//	           HEAD   /api/Products/{id}/tags/rel/{fk}        200 if linked, else 404
//	polymorphic belongsTo  GET /api/Pictures/{id}/imageable   the row the discriminator names
//
// Include reads related rows with each result, nested, with scopes
// (LoopBack's JSON: "include": [{"relation": "orders", "scope": {"where":
// {...}, "limit": 2, "include": "items"}}, "address"]), from the same
// snapshot as the rows themselves; a hasMany is a list ([] when empty), a
// belongsTo or hasOne a row or null.
//
// Filters follow package filter (LoopBack 3's filter language, in ?filter=
// as JSON or filter[where][status]=paid query parameters); where takes
// property names as written in the model. They run on memstore's query
// planner: a condition or an order on the id, a foreign key or an indexed
// property reads that index, and ties in an order are broken by the id.
// Keyset pages (relstore's own "after", see package filter): a find whose
// page is full answers with the header X-Next-After, the JSON array to put
// in the next request's "after" (same where and order; none for an order on
// a shadow foreign key, whose value the rows do not hold).
type Handler struct {
	cfg     Config
	store   *memstore.Store
	schema  *lbmodel.Schema
	models  map[string]*model // by REST path segment
	byName  map[string]*model // by model name
	byType  map[reflect.Type]*model
	order   []*model // schema order
	mux     *http.ServeMux
	parser  filter.Parser
	q       queries
	origins map[string]bool
	// reads counts the store reads of requests: queries, gets and the
	// index lookups of includes (a test seam: "no N+1").
	reads atomic.Int64
}

// model is a model as the handler serves it.
type model struct {
	*lbmodel.Model
	key *lbmodel.Property
	// hasShadow: some property is a shadow foreign key (lbmodel's
	// Property.Shadow), read and written beside the row.
	hasShadow bool
	rels      map[string]*relation
	relList   []*relation
	// memRels maps the names of the memstore relations whose foreign key
	// this model holds to how the API names them: "customer", or
	// "Customer.orders" for one that a hasMany implies.
	memRels map[string]string
}

// propName returns the property name of a Go field, or the field.
func (m *model) propName(field string) string {
	if m == nil {
		return field
	}
	if p := m.PropertyOfField(field); p != nil {
		return p.Name
	}
	return field
}

// relation is a relation as the handler serves it, its models resolved.
type relation struct {
	*lbmodel.Relation
	owner      *model            // the model that declares it
	target     *model            // the related model; nil for a polymorphic belongsTo
	holder     *model            // the model holding the foreign key
	fk         *lbmodel.Property // the foreign key, on holder
	key        *lbmodel.Property // the property fk references (on target for a belongsTo, on owner otherwise)
	through    *model
	keyThrough *lbmodel.Property // on through, referencing target
	disc       *lbmodel.Property // a polymorphic relation's discriminator, on holder
}

// New returns a Handler for cfg.
func New(cfg Config) (*Handler, error) {
	if cfg.Store == nil {
		return nil, errors.New("rest: no store")
	}
	if cfg.Schema == nil {
		cfg.Schema = lbmodel.Describe(cfg.Store)
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	cfg.Prefix = "/" + strings.Trim(cfg.Prefix, "/")
	if cfg.Prefix == "/" {
		return nil, errors.New("rest: the API cannot be mounted at / (the explorer is there)")
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxLimit <= 0 {
		cfg.MaxLimit = DefaultMaxLimit
	}
	if cfg.MaxIncludeDepth <= 0 {
		cfg.MaxIncludeDepth = DefaultMaxIncludeDepth
	}
	h := &Handler{cfg: cfg, store: cfg.Store, schema: cfg.Schema,
		models: map[string]*model{}, byName: map[string]*model{}, byType: map[reflect.Type]*model{},
		parser: filter.Parser{MaxDepth: cfg.MaxFilterDepth, MaxIncludeDepth: cfg.MaxIncludeDepth},
	}
	if len(cfg.AllowOrigins) > 0 {
		h.origins = map[string]bool{}
		for _, o := range cfg.AllowOrigins {
			h.origins[o] = true
		}
	}
	stored := map[string]memstore.ModelInfo{}
	for _, mi := range cfg.Store.Models() {
		stored[mi.Name] = mi
	}
	for _, lm := range cfg.Schema.Models {
		mi, ok := stored[lm.Name]
		if !ok || mi.Type != lm.Type {
			return nil, fmt.Errorf("rest: model %s of the schema is not a model of the store", lm.Name)
		}
		m := &model{Model: lm, key: lm.KeyProperty(), rels: map[string]*relation{}, memRels: map[string]string{}}
		for _, p := range lm.Properties {
			m.hasShadow = m.hasShadow || p.Shadow
		}
		if m.hasShadow && m.key == nil {
			return nil, fmt.Errorf("rest: model %s has a shadow foreign key and no key field: its rows cannot be named to read the key (declare the foreign key as a field, or give the model a key)", lm.Name)
		}
		if h.models[lm.Path] != nil {
			return nil, fmt.Errorf("rest: models %s and %s have the same path %q", h.models[lm.Path].Name, lm.Name, lm.Path)
		}
		h.models[lm.Path] = m
		h.byName[lm.Name] = m
		h.byType[lm.Type] = m
		h.order = append(h.order, m)
		for _, r := range mi.Relations {
			name := r.Name
			if after, ok := strings.CutPrefix(name, "~"); ok {
				name, _ = strings.CutSuffix(after, ".far")
			}
			m.memRels[r.Name] = name
		}
	}
	for _, m := range h.order {
		for _, lr := range m.Relations {
			r, err := h.resolve(m, lr)
			if err != nil {
				return nil, err
			}
			m.rels[r.Name] = r
			m.relList = append(m.relList, r)
		}
	}
	h.q = queries{h: h}
	h.routes()
	return h, nil
}

// resolve finds the models and properties of a relation.
func (h *Handler) resolve(m *model, lr *lbmodel.Relation) (*relation, error) {
	r := &relation{Relation: lr, owner: m}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("rest: relation %s.%s: %s", m.Name, lr.Name, fmt.Sprintf(format, args...))
	}
	if lr.Model != "" {
		if r.target = h.byName[lr.Model]; r.target == nil {
			return nil, bad("model %s is not served", lr.Model)
		}
	}
	switch {
	case lr.Kind == lbmodel.BelongsTo:
		r.holder = m
		if r.target != nil {
			r.key = r.target.Property(lr.PrimaryKey)
		}
	case lr.Through != "":
		if r.through = h.byName[lr.Through]; r.through == nil {
			return nil, bad("through model %s is not served", lr.Through)
		}
		r.holder = r.through
		r.key = m.Property(lr.PrimaryKey)
		r.keyThrough = r.through.Property(lr.KeyThrough)
		if r.keyThrough == nil {
			return nil, bad("%s has no property %s", lr.Through, lr.KeyThrough)
		}
	default:
		r.holder = r.target
		r.key = m.Property(lr.PrimaryKey)
	}
	if r.holder == nil {
		return nil, bad("no model holds its foreign key")
	}
	if r.fk = r.holder.Property(lr.ForeignKey); r.fk == nil {
		return nil, bad("%s has no property %s", r.holder.Name, lr.ForeignKey)
	}
	if lr.Polymorphic != nil {
		r.disc = r.holder.Property(lr.Polymorphic.Discriminator)
	}
	if r.target != nil && r.key == nil {
		return nil, bad("no referenced key")
	}
	return r, nil
}

func (h *Handler) logf(format string, args ...any) {
	if h.cfg.ErrorLog != nil {
		h.cfg.ErrorLog.Printf(format, args...)
		return
	}
	log.Printf(format, args...)
}

// modelNamed returns the served model named name, else fallback.
func (h *Handler) modelNamed(name string, fallback *model) *model {
	if m := h.byName[name]; m != nil {
		return m
	}
	return fallback
}

// ServeHTTP serves the API, /openapi.json and the explorer at /.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.origins != nil {
		if origin := r.Header.Get("Origin"); origin != "" && (h.origins["*"] || h.origins[origin]) {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Expose-Headers", "X-Next-After, X-Result-Truncated")
			w.Header().Add("Vary", "Origin")
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				w.Header().Set("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE")
				w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
				w.Header().Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
	}
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, h.cfg.MaxBodyBytes)
	}
	h.mux.ServeHTTP(w, r)
}

// routes registers every route. The patterns name the model by its path
// segment; the handlers look it up. HEAD requests reach the GET patterns
// (ServeMux refuses a HEAD pattern beside a more specific GET one), and the
// handlers of the two HEAD routes tell them apart.
func (h *Handler) routes() {
	mux := http.NewServeMux()
	p := h.cfg.Prefix
	type route struct {
		pattern string
		fn      func(*request) error
		write   bool
	}
	for _, rt := range []route{
		{"GET " + p + "/{model}", h.find, false},
		{"POST " + p + "/{model}", h.create, true},
		{"PATCH " + p + "/{model}", h.upsert, true},
		{"PUT " + p + "/{model}", h.replaceOrCreate, true},
		{"POST " + p + "/{model}/replaceOrCreate", h.replaceOrCreate, true},
		{"POST " + p + "/{model}/upsertWithWhere", h.upsertWithWhere, true},
		{"DELETE " + p + "/{model}", h.deleteAll, true},
		{"GET " + p + "/{model}/count", h.count, false},
		{"GET " + p + "/{model}/findOne", h.findOne, false},
		{"POST " + p + "/{model}/update", h.updateAll, true},
		{"GET " + p + "/{model}/{id}", h.findByID, false}, // and HEAD: exists as 200 or 404
		{"GET " + p + "/{model}/{id}/exists", h.exists, false},
		{"PUT " + p + "/{model}/{id}", h.replaceByID, true},
		{"POST " + p + "/{model}/{id}/replace", h.replaceByID, true},
		{"PATCH " + p + "/{model}/{id}", h.patchByID, true},
		{"DELETE " + p + "/{model}/{id}", h.deleteByID, true},
		{"GET " + p + "/{model}/{id}/{rel}", h.relGet, false},
		{"POST " + p + "/{model}/{id}/{rel}", h.relCreate, true},
		{"PUT " + p + "/{model}/{id}/{rel}", h.relUpdate, true},
		{"DELETE " + p + "/{model}/{id}/{rel}", h.relDelete, true},
		{"GET " + p + "/{model}/{id}/{rel}/count", h.relCount, false},
		{"GET " + p + "/{model}/{id}/{rel}/{fk}", h.relFindByID, false},
		{"PUT " + p + "/{model}/{id}/{rel}/{fk}", h.relUpdateByID, true},
		{"DELETE " + p + "/{model}/{id}/{rel}/{fk}", h.relDeleteByID, true},
		{"PUT " + p + "/{model}/{id}/{rel}/rel/{fk}", h.relLink, true},
		{"DELETE " + p + "/{model}/{id}/{rel}/rel/{fk}", h.relUnlink, true},
		{"GET " + p + "/{model}/{id}/{rel}/rel/{fk}", h.relLinked, false}, // HEAD only
	} {
		mux.Handle(rt.pattern, h.endpoint(rt.fn, rt.write))
	}
	mux.HandleFunc("GET /openapi.json", h.serveOpenAPI)
	mux.HandleFunc("GET /{$}", h.serveExplorer)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, newError(http.StatusNotFound, codeNoRoute, "There is no method to handle %s %s.", r.Method, r.URL.Path))
	})
	h.mux = mux
}

// request is one API call: the model it addresses and the response.
type request struct {
	w http.ResponseWriter
	r *http.Request
	m *model
}

func (q *request) ctx() context.Context { return q.r.Context() }

// endpoint wraps a route: finds the model, refuses writes when read-only,
// and writes the error a route returns.
func (h *Handler) endpoint(fn func(*request) error, write bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := h.models[r.PathValue("model")]
		if m == nil {
			writeError(w, newError(http.StatusNotFound, codeNoRoute, "There is no model at %s/%s (models: %s).",
				h.cfg.Prefix, r.PathValue("model"), h.pathList()))
			return
		}
		if write && h.cfg.ReadOnly {
			writeError(w, newError(http.StatusForbidden, codeReadOnly, "The server is read-only: %s %s is refused.", r.Method, r.URL.Path))
			return
		}
		if err := fn(&request{w: w, r: r, m: m}); err != nil {
			if r.Context().Err() != nil {
				return // the client is gone
			}
			writeError(w, h.storeError(m, err))
		}
	})
}

func (h *Handler) pathList() string {
	var ps []string
	for _, m := range h.order {
		ps = append(ps, m.Path)
	}
	slices.Sort(ps)
	return strings.Join(ps, ", ")
}
