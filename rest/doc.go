// Package rest serves LoopBack 3's REST API over a relstore store: the
// routes, verbs, status codes and error bodies a LoopBack 3 client or a
// json-server user expects, with the store's integrity behind them — a
// dangling foreign key, a duplicate unique value or a delete that rows still
// reference is a clear 4xx answer, never a silent success or a 500. It also
// serves an OpenAPI 3 document of every route (GET /openapi.json) and an
// explorer page (GET /). `relstore serve` is a thin command over it.
//
// # Basics
//
// Over Go structs (properties are named by their json tags):
//
//	store, _ := memstore.New(memstore.Config{Models: models})
//	h, err := rest.New(rest.Config{Store: store})
//	http.ListenAndServe("127.0.0.1:3000", h)
//
// Over LoopBack 3 model definitions, with every relation kind:
//
//	schema, _ := lbmodel.Load(os.DirFS("common/models"))
//	store, _ := schema.Open(memstore.Config{})
//	h, err := rest.New(rest.Config{Store: store, Schema: schema})
//
// A model's routes are under its plural (Customer: /api/Customers). Package
// datafile keeps the data in a file across restarts.
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
// property names as written in the model.
//
// # Statuses and errors
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
//
// # Safety
//
// Config bounds what one request may cost: the body size (MaxBodyBytes, 1
// MiB), the rows one find returns (MaxLimit, 1000: a larger limit is a 400;
// without a limit at most MaxLimit rows, with X-Result-Truncated: true when
// there were more; each included list likewise), how deeply and/or nest
// (MaxFilterDepth, 32) and how deeply includes nest (MaxIncludeDepth, 4). CORS
// is off unless AllowOrigins is set; ReadOnly refuses every write. The
// handler is safe for any number of concurrent clients: reads run on
// snapshots, writes are serialised by the store.
//
// # Caveats
//
// Until issue 14's query API is on main, finds, counts and gets by id scan
// the model's rows (a stand-in behind an internal interface), and includes
// read each row's related rows with one query (until issue 15's declarative
// include): fine for a prototype's thousands of rows. Keyset pages (after)
// wait for issue 14. Relations of a store of Go structs are its belongsTo
// relations until memstore's schema names the other kinds (issue 15); a
// shadow foreign key (no struct field) is not served. Polymorphic relations
// are served, but memstore does not enforce them yet.
//
// # Differences from LoopBack 3
//
//   - Integrity is enforced: a foreign key must reference a row (422), a
//     unique property or index refuses a duplicate (422), a referenced row
//     cannot be deleted under restrict (409), and onDelete cascade and
//     setNull run; LoopBack's memory connector checks none of them.
//   - Models are strict: an unknown property in a body is a 422
//     (unknown-property), and an unknown property, relation or operator in a
//     filter is a 400; LoopBack ignores or stores them.
//   - Values are not converted across kinds: "12" is not a number, and a
//     number is not a date.
//   - A create of many rows is one transaction: all or none.
//   - Everything LoopBack answers with a 500 is a 4xx here with a reason: an
//     unknown relation in include, a second hasOne, a foreign key changed
//     through a scoped route, a malformed filter.
//   - DELETE /api/Model (deleteAll) is served, and needs a where; LoopBack
//     hides it.
//   - Ids may be given on create (LoopBack's forceId is not applied).
//   - A belongsTo with a null foreign key is a 404 (RELATION_EMPTY).
//   - Finds are capped at MaxLimit rows.
package rest
