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
// A model's routes are under its plural (Customer: /api/Customers): LoopBack
// 3's PersistedModel methods (find, findById, create, patch, replace,
// delete, count, updateAll, deleteAll...) and its relation methods
// (/api/Orders/{id}/customer, /api/Customers/{id}/orders...); [Handler]
// lists them all. Filters follow package filter, in ?filter= as JSON or as
// filter[where][status]=paid query parameters, with LoopBack's include of
// related rows, nested, with scopes. Package datafile keeps the data in a
// file across restarts.
//
// # Guarantees
//
//   - Every error is LoopBack's body, {"error": {"statusCode", "name",
//     "message", "code", "details"}}, with a 4xx status naming the property
//     at fault; [Error] lists the statuses and codes. A 500 is a bug.
//   - A refused write changes nothing: each request is one transaction, a
//     create of many rows included.
//   - Bounded cost: [Config] caps the body size (1 MiB), the rows of a find
//     (1000, with X-Result-Truncated: true when cut) and the nesting of
//     filters and includes. CORS is off unless AllowOrigins is set;
//     ReadOnly refuses every write.
//   - The handler is safe for any number of concurrent clients.
//
// # Caveats
//
// Includes read through package relations' declarative include: one index
// lookup per distinct key per level, never one query per row. A scope's
// limit, skip, fields and nested include apply; a scope's where and order
// are answered 400 INVALID_FILTER until package relations applies them.
// Relations of a store of Go structs are those memstore's schema declares.
// A shadow foreign key (memstore.Relation.Shadow: no struct field holds it)
// is a property named by its FK, as LoopBack adds a foreign key a model
// does not declare: printed, set and filtered like the others (an
// update-all that sets one writes row by row); a model without a key field
// cannot have one. Polymorphic relations are enforced per named model (a
// 422 for a row naming a missing row or model, onDelete on delete).
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
