// Package memstore is an in-memory, relation-aware data store: Go structs in
// hashicorp/go-memdb tables, indexed by primary key, unique fields, every
// foreign key and the secondary indexes a model declares, with referential
// integrity enforced the way a SQL database enforces it.
//
// # Basics
//
// Models are Go structs, registered when the store is opened:
//
//	type Customer struct {
//		ID    int64  `relstore:"pk,auto"`
//		Email string `relstore:"unique"`
//		Name  string
//	}
//
//	type Order struct {
//		ID         int64
//		CustomerID int64 `relstore:"belongsTo=Customer,onDelete=cascade"`
//		Note       string
//	}
//
//	type Category struct {
//		ID       string
//		ParentID *string `relstore:"belongsTo=Category,as=parent,onDelete=setNull"`
//	}
//
//	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
//		memstore.ModelOf[Customer](), memstore.ModelOf[Order](), memstore.ModelOf[Category](),
//	}})
//
// Reads and writes happen in transactions: Store.Update runs a function in a
// write transaction and commits when it returns nil; Store.View runs one over
// a consistent snapshot. Inside, Table gives typed access:
//
//	orders, err := memstore.TableOf[Order, int64](s)
//	err = s.Update(ctx, func(tx *memstore.Tx) error {
//		id, err := orders.Insert(tx, Order{CustomerID: 1})
//		...
//	})
//
// # Tags
//
// The tag key is relstore; options are comma-separated:
//
//	pk                 the primary key (default: the field named ID)
//	auto               with pk: an integer key that is zero on insert gets
//	                   the next value (keys are never reused)
//	unique             the field's values must be unique
//	index              a non-unique index on the field alone, named after
//	                   the field
//	index=name         the field is part of the non-unique index name;
//	                   its fields are those tagged index=name, in the order
//	                   the struct declares them
//	unique=name        the same, for a unique index: no two rows have the
//	                   same values in all of its fields
//	belongsTo=Target   the field is a foreign key to model Target
//	polymorphic=A|B    the field is a foreign key to the model that the
//	                   discriminator field names, A or B (or, as plain
//	                   polymorphic, those whose hasMany names it)
//	as=name            with belongsTo or polymorphic: the relation's name
//	                   (default: Target in lowerCamel, e.g. "customer"; for
//	                   polymorphic, the field without ID: "imageable")
//	keyTo=Field        with belongsTo: the target field referenced
//	                   (default: the target's primary key; must be unique)
//	onDelete=action    with belongsTo or polymorphic: restrict (default),
//	                   cascade or setNull
//	discriminator=F    with polymorphic: the field naming the target model
//	                   (default: the relation's name + "Type")
//	-                  a data field: the store keeps it as is (see below)
//
// Relations seen from the owner are declared on blank fields, one per
// field, as LoopBack declares them in a model's "relations":
//
//	_ struct{} `relstore:"hasMany=Order"`                          // orders
//	_ struct{} `relstore:"hasOne=Address"`                         // address
//	_ struct{} `relstore:"hasMany=Patient,through=Appointment"`    // patients
//	_ struct{} `relstore:"hasAndBelongsToMany=Tag"`                // tags, through PostTag or TagPost
//	_ struct{} `relstore:"hasMany=Picture,polymorphic=imageable"`  // pictures
//
// with as=name, foreignKey=Field (the child's, or the link model's,
// field that references the owner), through=Model, keyThrough=Field (the
// link model's field that references the target) and polymorphic=name
// (the polymorphic belongsTo of the target to read through).
//
// A field may carry several options, index and unique ones included
// (`relstore:"belongsTo=Post,unique=post_tag"`, `relstore:"index=a,index=b"`).
//
// Keys (primary and foreign keys, and keyTo targets) have an integer kind, the
// string kind, or [16]byte (UUIDs), or are named types of these. A foreign key
// has exactly the type of the key it references; a pointer foreign key is
// nullable, nil meaning "no owner". A model may reference itself. Unique
// fields and indexed fields may have any indexable kind (see Indexes).
//
// The same schema can be declared in code with the fields of Model,
// Relation and Index, for types whose source cannot be tagged, or for an
// index whose fields are not in declaration order. A code-declared
// relation whose FK field the struct lacks is refused (most often a
// misspelling), unless it sets Relation.Shadow: then the store keeps a
// hidden, nullable "shadow" column typed like the target key (LoopBack adds
// the property; Go structs cannot grow fields), which package relations
// reads and writes. A model with no key field gets a store-assigned RowID.
//
// # Relations
//
// A belongsTo is the relation the store enforces (see Integrity). The
// other kinds are declared on the owner and read through a belongsTo of
// another model; package relations gives the accessors of every kind, built
// from these names:
//
//   - hasMany (a customer's orders) and hasOne (its address, through a
//     unique foreign key) read through the child's belongsTo whose foreign
//     key is named (default: the owner's name + "ID", "CustomerID");
//   - hasManyThrough (a physician's patients, through Appointment) reads
//     through the link model's belongsTo to the owner (default field
//     "PhysicianID") and to the target (keyThrough, default "PatientID");
//     hasAndBelongsToMany is the same over a link model of just the two
//     keys, found by name when not given (PostTag or TagPost). A link model
//     with a unique index over its two keys links a pair at most once;
//   - a polymorphic belongsTo (a picture's imageable) references the model
//     its discriminator field names (the model's name, "Customer"), each by
//     its primary key, whose type must be the foreign key's.
//
// Default names follow LoopBack 3: a belongsTo or hasOne is named after its
// target in lowerCamel ("customer", "address"), a hasMany, hasManyThrough or
// hasAndBelongsToMany after the target's plural ("orders", "categories",
// "people"; see Plural and Model.Plural). Names are unique per model, across
// kinds. Store.Models and Store.Relation describe every relation with its
// keys, defaults resolved.
//
// A polymorphic relation's integrity holds per named model: an insert or
// update checks the row in the model the discriminator names, and refuses a
// discriminator that names none of the relation's models (a
// *ForeignKeyError, as a dangling key); deleting a target row applies the
// relation's onDelete to the rows whose discriminator names that model,
// and only to them. A nil foreign key references nothing, whatever the
// discriminator says.
//
// # Refusals
//
// New validates everything and reports the first problem as a *SchemaError
// (matching ErrSchema) naming the model and field: an unknown target, a
// foreign key whose type differs from the target key's, a keyTo that is not
// unique, setNull on a non-nullable foreign key, duplicate relation names, an
// unsupported key type, more than 255 indexes (primary key, unique fields,
// foreign keys and secondary indexes) in one model; for an index, an unknown
// or shadow field, a field of a type that cannot be indexed, a duplicate
// index name, or an index that repeats one the model has anyway (a
// non-unique index on the primary key, a unique field or a foreign key
// alone; a second index over the same fields in the same order). It also
// refuses:
//
//   - a relation named like a field of its model (whatever the case, or
//     the field's JSON name) or like a method: an include puts the related
//     rows under the relation's name, beside the fields;
//   - a belongsTo whose target has no key field (unless the foreign key is
//     typed RowID, to reference its store-assigned keys);
//   - a field whose type is a registered model, or a pointer, slice, array
//     or map of one: the store would keep a private copy of those rows in
//     each row, which their own writes never update. Read related rows with
//     package relations (an accessor or an include); tag such a field
//     relstore:"-" to keep it as plain data;
//   - a code-declared foreign key that names no field, unless
//     Relation.Shadow asks for a shadow column;
//   - a hasMany or hasOne whose target has no belongsTo to the owner over
//     the foreign key, a hasOne whose foreign key is not unique, a through
//     relation whose link model lacks either belongsTo, a polymorphic
//     relation with no target model or whose discriminator is not a string.
//
// # Indexes
//
// Every model is indexed by its primary key, each unique field and each
// foreign key. Secondary indexes serve the reads by other fields: a
// non-unique index on one field, and named indexes over several fields in a
// declared order, each optionally unique:
//
//	type Post struct {
//		ID        int64     `relstore:"pk,auto"`
//		AuthorID  int64     `relstore:"belongsTo=User"`
//		Status    string    `relstore:"index=status_created"`
//		CreatedAt time.Time `relstore:"index=status_created"`
//		Score     *float64  `relstore:"index"`
//	}
//
//	type PostTag struct {
//		ID     int64 `relstore:"pk,auto"`
//		PostID int64 `relstore:"belongsTo=Post,unique=post_tag"`
//		TagID  int64 `relstore:"belongsTo=Tag,unique=post_tag"`
//	}
//
// or, in code, Model.Indexes: []memstore.Index{{Name: "created_status",
// Fields: []string{"CreatedAt", "Status"}}}. A unique index refuses a second
// row with the same values in all its fields, on insert and on update, with a
// *UniqueError whose Fields and Values name every field of the index: a
// PostTag refuses a second identical link. As in PostgreSQL (NULLS
// DISTINCT), a row with a NULL (a nil pointer) in any field of a unique
// index never conflicts.
//
// Indexable fields have an integer, float32, float64, bool, string,
// time.Time or [16]byte kind, a named type of one of these, or a pointer to
// one, nil being SQL's NULL. An index keeps its rows in the order of its
// fields' values, then of primary keys: integers and floats numerically
// (-0 equals +0; NaN has no place in an order and is refused with
// ErrInvalid), strings byte-wise (PostgreSQL's "C" collation), false before
// true, times by instant whatever their Location or monotonic reading,
// [16]byte byte-wise. NULL sorts after every value, as in PostgreSQL, so an
// index gives ascending order with NULLS LAST and, read backward, descending
// order with NULLS FIRST (SQLite puts NULLs first in ascending order; the
// store follows PostgreSQL). An indexed string longer than MaxKeyLen is
// refused with ErrInvalid, as a key is.
//
// Each index costs every insert, update and delete of the model one more
// index write (bench/README measures it). Indexes of unique fields and
// foreign keys hold no rows whose value is NULL; secondary indexes hold
// every row.
//
// # Queries
//
// A filter of package filter (LoopBack's where, order, limit, skip, fields
// and keyset pages, written in Go or parsed from JSON) is bound to a model
// once, then run in any transaction:
//
//	q, err := posts.Query(filter.Filter{
//		Where: filter.Eq("Status", "published"),
//		Order: []filter.Order{filter.Desc("CreatedAt")},
//		Limit: 20,
//	})
//	err = s.View(ctx, func(tx *memstore.Tx) error {
//		page, err := q.Find(tx) // the 20 newest published posts
//		...
//	})
//
// Binding validates the filter (filter.Filter.Validate, with the zero
// Parser's limits: and/or nested at most filter.DefaultMaxDepth deep),
// resolves each field by its Go name or its json tag name, converts every
// value to the field's type (filter.Coerce), checks that
// each operator fits the field's kind and that After fits the order, and
// reports the first refusal as a *FilterError naming its path in the filter
// ("where.createdAt.gt: want a time, got 12"), before any row is read. A
// bound query (Query, and ModelQuery for a model named at run time) is
// immutable and safe for concurrent use.
//
// A query reads its rows through the best index for its conditions and
// order (the primary key, a unique field, a foreign key or a secondary
// index), in either direction, and stops as soon as it has Skip+Limit rows
// when the index gives the order; otherwise it evaluates the conditions on
// each row as it reads, without copying it, and keeps only the first
// Skip+Limit rows in order. Explain says which index a query reads, within
// which bounds, and whether it sorts. Only the rows returned are copied.
// The plan is chosen when the query is bound, from the indexes alone (there
// are no statistics): a unique index whose every field is fixed by equality
// first, then the index with the most leading fields fixed by eq or inq (a
// range on the next one counting half), then one that gives the order. To
// serve "where A = x order by B", declare an index on (A, B).
//
// The semantics are package filter's (NULLs as in PostgreSQL, ties broken
// by primary key, like and regexp, keyset pages). For the next page, set the
// filter's After to Query.After of the last row shown: the read then starts
// right after it in the index. Fields applies to ModelQuery's description of
// the rows (ModelQuery.Fields), not to typed rows; Include is left to package
// relations, which binds each scope against its related model.
//
// Find, First (ErrNotFound when nothing matches), Count, Exists, Delete and
// Update all act on the rows the whole filter selects. A bulk Delete is one
// statement: the on-delete actions of every relation apply to the deleted
// rows together. A bulk Update writes each row as Table.Update does. Both
// count the rows they touched, and any refusal aborts the transaction.
// Rel.Query scopes a filter to the rows of one owner (package relations'
// HasMany.Find). Tx.Find, Tx.Count, Tx.DeleteAll, Tx.UpdateAll, Tx.Get and
// Tx.ByFK do the same by model name, for generic tools.
//
// # Integrity
//
// Every rule is checked inside the write transaction that writes, against
// what that transaction sees, so there is no check-then-write race:
//
//   - insert and update: a non-nil foreign key must match a row of the target
//     (a row may reference itself), else *ForeignKeyError (ErrForeignKey);
//     the primary key must not exist on insert and unique fields and unique
//     indexes must not repeat, else *UniqueError (ErrUnique) — go-memdb
//     alone would silently replace the row;
//   - delete of a referenced row: restrict refuses with *ForeignKeyError;
//     cascade deletes the referencing rows, recursively, terminating on
//     cycles; setNull clears their foreign key;
//   - update of a referenced unique field (a keyTo target) while rows
//     reference it is refused with *ForeignKeyError, and so is a delete
//     whose setNull would clear such a field (as in PostgreSQL, where SET
//     NULL is an update that the referencing key refuses), unless the same
//     delete removes the referencing rows. Primary keys never change:
//     Update finds the row by its key.
//
// A delete is planned whole before anything is written: its cascades are
// collected, then restrict is checked against the plan, so a row that the same
// delete removes does not block it. This is PostgreSQL's NO ACTION checked at
// the end of the statement; PostgreSQL's RESTRICT checks each row at once and
// SQLite's RESTRICT likewise, which can refuse a delete whose cascade would
// have removed the referencing row. Where SQLite and PostgreSQL differ, the
// store follows PostgreSQL: a failed statement aborts the whole transaction
// (ErrTxAborted afterwards), and auto keys are never reused (SQLite's rowid
// without AUTOINCREMENT reuses the largest freed key). Unlike a PostgreSQL
// sequence, the auto-key counter is part of the transaction and of snapshots:
// a rolled-back insert does not consume a key and Restore puts the counter
// back, so a test sees the same keys on every run.
//
// Errors read like "memstore: insert Order 10: CustomerID 2 references no
// Customer". Bad input — nil, a typed nil, a value of an unregistered type, a
// zero or empty key where one is required, a key longer than MaxKeyLen (or
// a row whose encoded keys take more than 64 KiB), an unknown field or
// relation, a nil context, a Table or Rel given a Tx of another store — is
// an error matching ErrInvalid; the store is unchanged and later calls
// work. Integrity errors report the SQLSTATE PostgreSQL raises for the same
// violation through a SQLState method, as pgx's errors do (23503 for
// *ForeignKeyError, 23505 for *UniqueError, 25P02 for ErrTxAborted), so one
// mapping to domain errors serves both stores.
//
// # Values, not pointers
//
// Rows go in and come out as copies that share no memory a caller can
// change: changing a struct passed in or got back, or anything it points to,
// changes neither the store nor another caller's copy. How each model is
// copied is planned once, when the store opens, from its fields, exported
// or not:
//
//   - numbers, bools, strings (immutable) and time.Time are copied by the
//     assignment that copies the struct; a time's *time.Location, immutable
//     and compared by identity, is shared, as is a *time.Location field;
//   - a pointer gets a new value: one small allocation for a pointer to a
//     number or string (a nullable foreign key), a deep copy otherwise;
//   - a slice gets a new array of exactly its length (a nil slice stays nil,
//     an empty one has no capacity); a map gets a new map with the same keys;
//     their elements and values are copied the same way, recursively;
//   - interface, channel, function and unsafe.Pointer values are shared,
//     never followed: what they point to is the caller's to keep immutable.
//
// A type that reaches itself (a tree or list node) is copied faithfully:
// what a row reaches twice, a cycle included, is copied once, so the copy
// has the same shape; in other types two fields pointing to one value get a
// copy each. No depth of nesting overflows the stack. A model without
// pointers, slices or maps (strings and times are fine) is copied by one
// assignment, with no allocation; the rows of one read (a scan, a list of
// children) carve their small allocations from shared chunks, so a row the
// caller keeps may keep a few KB of its siblings' memory alive.
//
// # Concurrency
//
// A Store is safe for concurrent use. Writers are serialised by one writer
// lock; Update and Restore wait for it and honour their context while they
// wait. Each commit and Restore publishes the new state (a frozen go-memdb
// database and one read transaction on it, shared by all readers) with one
// atomic store: that store is the instant the commit takes effect for every
// reader. Readers (View, Snapshot, Snapshot.View, the accessors of package
// relations) load the published state and never wait. A Tx ends with its
// function: using it afterwards returns ErrTxDone, writing in a View
// returns ErrReadOnly, and calling Update, Restore or Close from inside an
// Update function returns ErrNested instead of deadlocking. An Update's Tx
// is for one goroutine at a time: a call made while another goroutine's
// call on it runs fails with an error matching ErrInvalid, and the Update
// rolls back. Snapshot is O(1)
// and Restore swaps the whole store in O(1), atomically.
//
// # Caches
//
// Config.Cache receives, under the writer lock, the hashes (KeyHash) of every
// primary key and unique value a commit touches, before the commit becomes
// visible and after, and a reset around Restore. That is all a coherent cache
// of owners needs; see package cache. A transaction that rolls back tells the
// cache nothing.
//
// # Performance
//
// The store adds integrity and typed copies on top of go-memdb; bench/ (a
// nested module) measures it side by side with hand-written go-memdb, SQLite
// in memory and Go maps. What each optimisation bought, measured in one run
// each on the bench workload (10,000 customers, 100,000 orders):
//
//   - Write transactions read tables they modified through an overlay of
//     their own unique keys over the snapshot they started from, never
//     through go-memdb's write transaction, whose read of a modified index
//     clones it and discards its cache of copied nodes: a batch of 1,000
//     inserts went from 11.6 KB to 2.0 KB allocated per row (go-memdb: 1.6 KB
//     without the duplicate-key check the store must make).
//   - A record is one block: a header, the encoded keys of its indexes and
//     the row itself, instead of a header, a key buffer and a separately
//     allocated row copy; the block leaves room after a last foreign-key
//     key for the primary key go-memdb appends to it, so that append does
//     not allocate either. Bytes per row after loading: 931 (a slice of key
//     slices) to 882 (one key buffer) to 841 (one block; go-memdb: 841).
//   - Rows are copied once, from the caller's value straight into the
//     block, which is also where their references are made private (there
//     was a private copy first, then the block). A write transaction's
//     unique lookups read its overlay, then its base, never go-memdb's
//     write transaction (whose reads look up a map of modified indexes).
//   - Readers share one go-memdb read transaction per published state
//     instead of opening one per read, and pass keys to go-memdb in pooled
//     holders instead of boxing them into its ...interface{} arguments: an
//     owner lookup without cache went from 6 allocations (224 B) to 2 (64
//     B), against go-memdb's 5, and from 1.25-1.35x to 0.77-0.88x its time.
//   - An Update opens go-memdb's write transaction at its first write, so a
//     refused delete never opens one: 13 allocations to 9 (go-memdb: 12),
//     and with the shared read transaction above, 1.13-1.45x to 0.81-0.95x
//     go-memdb's time.
//   - The fault-injection hook's step names were built on every step, hook
//     or not (4 string concatenations per insert); they are built only for
//     a hook now: a batch of 1,000 inserts went from 26,165 to 21,784
//     allocations. The overlay's map keys are the record's own key bytes
//     (no string copy), and its maps and the commit's hash list are kept
//     between transactions, so a batch does not regrow them; with the
//     single copy below, 1.97 to 1.79 MB allocated per batch (go-memdb:
//     1.84), and a batch insert went from 1.13-1.46x to 0.96-1.15x
//     go-memdb's time (parity within this machine's noise).
//   - A transaction's first insert into a model looks its key up; the bound
//     that lets later inserts skip the lookup (below) costs a reverse
//     lookup, which is more than one lookup, so it is built at the second.
//   - Package relations reads the latest snapshot through closure-free
//     primitives (Rel.OwnerNow and friends) and copies plain rows by
//     assignment: an owner lookup without cache went from 2.7x to 1.25-1.35x
//     go-memdb's time.
//   - A delete of a model that only restrict relations reference probes one
//     index entry per relation, before looking up the row itself (a
//     referencing row proves it exists), instead of collecting the
//     children: a refused delete went from 3.4x to 1.1-1.4x go-memdb.
//   - Children are gathered, then copied into one allocation: a customer's
//     orders went from 1.9x to 0.75-1.1x go-memdb (12 allocations, not 15).
//   - The duplicate-key lookup is skipped for auto-assigned keys and keys
//     above the table's largest. The bound was a transaction's, so the
//     first insert of every transaction still looked its key up; it is the
//     store's now, kept across transactions (it only rises, so it stays an
//     upper bound through deletes, rollbacks and restores): a one-row
//     insert makes one lookup, the foreign key's, and allocates 104-106
//     times instead of 107-109 (go-memdb: 108-110, with no duplicate check
//     at all); its time stayed at parity with go-memdb's.
//   - KeyHash folds keys of up to 16 bytes with one seeded multiply instead
//     of maphash.Bytes (not measured separately; it showed as ~5% of a warm
//     batch include).
//   - A plain 64-bit integer key field (the common primary and foreign
//     key) is encoded without the codec, and Rel.AppendFKs encodes and
//     hashes the foreign keys of a whole batch in one call, inline for such
//     fields: with package relations' and the cache's changes of the same
//     session, a warm batch include went from 469 to 333 instructions per
//     order under callgrind (345 in a later measurement), and from 3.5x to
//     1.8-2.1x the time of the bench's Go-map floor in full runs.
//   - The go-memdb database is a Snapshot of the one NewMemDB returns, so
//     its write transactions do not track mutations for watch channels,
//     which the store never uses (not measured separately).
//
// # Caveats
//
// A Snapshot keeps the rows it holds in memory, so holding one while deleting
// rows does not free them; drop snapshots you no longer need.
//
// go-memdb leaves an index half-written when an Insert fails midway; the store
// checks every rule before it writes and aborts the whole go-memdb
// transaction on any error, so a failed write never becomes visible.
// Sequences from Scan, Range, ByFK and Rel.Children read a snapshot: a
// View's, valid after the View returns, or in an Update, one taken when
// the sequence was made. A sequence made in an Update yields nothing once
// the Update has returned (its rows may never have been committed); an
// iter.Seq cannot carry an error, so iterate it inside the Update function.
package memstore
