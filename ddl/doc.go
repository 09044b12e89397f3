// Package ddl writes the SQL schema of a relstore store: the CREATE TABLE,
// foreign key and index statements that give PostgreSQL (or SQLite) the
// same tables, keys and integrity rules as the models. It is the first step
// of moving a program from relstore to a database: write the schema, run
// the same repository tests against the database, switch the constructor.
// It needs no database driver.
//
// # Basics
//
//	store, err := memstore.New(memstore.Config{Models: models})
//	...
//	schema, err := ddl.PostgreSQL(store.Models())   // or ddl.SQLite
//	os.WriteFile("schema.sql", []byte(schema), 0o644)
//
// The output is deterministic (models in Config order, columns in field
// order, then shadow foreign keys), so it can be committed as a migration
// and checked for drift in a test.
//
// # Names
//
// Tables and columns are the model and field names in snake_case:
// Customer → "customer", OrderItem → "order_item", CustomerID →
// "customer_id", URLPath → "url_path". Every identifier is quoted, so
// reserved words ("order", "user") are fine; in hand-written SQL quote them
// too. Constraints and indexes are named as PostgreSQL names them by
// default: "customer_pkey", "customer_email_key", "order_customer_id_fkey",
// and "order_customer_id_idx". A unique index of the store (unique=name, or
// Index with Unique) is a UNIQUE constraint over its columns
// ("post_tag_post_id_tag_id_key"; NULLs are distinct in both databases, as
// in the store), a secondary index a CREATE INDEX over them
// ("post_status_created_at_idx"). A model without a key field gets a "rowid"
// column. Exported fields are columns, fields of embedded structs included
// (promoted through an embedded pointer, they are nullable); unexported
// fields are not, unless they are keys.
//
// # Types
//
//	Go (T, or a named type of its kind)    PostgreSQL               SQLite
//	bool                                   boolean                  BOOLEAN
//	int8, int16, uint8                     smallint                 INTEGER
//	int32, uint16                          integer                  INTEGER
//	int, int64, uint32, uint, uint64,      bigint                   INTEGER
//	uintptr
//	time.Duration                          interval                 INTEGER (ns)
//	float32                                real                     REAL
//	float64                                double precision         REAL
//	string                                 text COLLATE "C"         TEXT
//	[16]byte (UUIDs)                       uuid                     BLOB
//	[]byte                                 bytea                    BLOB
//	time.Time                              timestamptz              TIMESTAMP
//	other slices and arrays, maps,         jsonb                    TEXT (JSON)
//	structs, interfaces
//	*T                                     T's type, nullable       T's type, nullable
//
// A column is NOT NULL unless its field can hold nil: pointers, slices,
// maps and interfaces are nullable. Complex numbers, channels, functions
// and unsafe pointers have no column type: their models are refused with
// ErrSchema. Text is collated "C" (byte order), which is how Go and the
// store compare strings; SQLite's default collation is byte order already.
// The jsonb and TEXT columns hold what encoding/json writes. pgx encodes
// such fields for a jsonb column by itself, except a string or []byte in an
// interface field, which it sends as JSON text already encoded.
//
// # Keys
//
// The primary key is a PRIMARY KEY constraint; unique fields are UNIQUE
// constraints. An auto key is an identity column on PostgreSQL (GENERATED
// BY DEFAULT AS IDENTITY, with a MAXVALUE where the Go type is narrower
// than the column, so the sequence ends where the store's counter
// overflows) and INTEGER PRIMARY KEY AUTOINCREMENT on SQLite (largest key
// ever + 1, never reused, like the store's). BY DEFAULT lets an insert give
// its own key, as the store does for a non-zero key; to have one assigned,
// omit the column (INSERT ... RETURNING "id"), since SQL takes 0 as a key.
// A keyless model's "rowid" is such a column too.
//
// # Relations
//
// Each belongsTo relation is a FOREIGN KEY from its foreign key column
// (a shadow foreign key is a nullable column typed like the target key) to
// the target's key or keyTo column, with an index on the foreign key column
// unless a key, unique constraint or secondary index already leads with it,
// since the store indexes every foreign key and PostgreSQL does not.
// onDelete maps to:
//
//	cascade    ON DELETE CASCADE
//	setNull    ON DELETE SET NULL
//	restrict   ON DELETE NO ACTION
//
// restrict is NO ACTION, the action checked at the end of the statement,
// as the store checks restrict: it plans a whole delete, cascades
// included, and refuses it only if rows outside the plan still reference a
// deleted row. SQLite checks NO ACTION so, at the end of the statement;
// its RESTRICT checks as each row goes, and refuses a delete whose own
// cascade would have removed the referencing row, which the store accepts.
// PostgreSQL checks a foreign key when its trigger fires: a deleted row's
// triggers fire in the order their constraints were created, and the
// triggers of rows deleted by a cascade after those. So the PostgreSQL
// schema creates the cascading and nulling foreign keys before the
// restricting ones, and a delete whose cascade removes a referencing row
// directly is accepted as in the store; one whose referencing row goes
// only through a cascade of a cascade may be refused (see Caveats). Updates of
// a referenced key keep the default, ON UPDATE NO ACTION: the store
// refuses them too.
//
// hasMany and hasOne are belongsTo seen from the target and add nothing (a
// hasOne's foreign key is unique through its UNIQUE constraint); a
// hasManyThrough or hasAndBelongsToMany is its link model's two belongsTo
// (its composite unique, if declared, is a UNIQUE constraint). A
// polymorphic belongsTo, whose target model is named row by row by its
// discriminator column, can be no SQL foreign key: it is its two columns
// and an index on (discriminator, foreign key), and the integrity the store
// enforces for it (the discriminator names a model of the relation, that
// model has the row, a target's delete applies onDelete to the rows that
// name it) is the application's, or a trigger's, in the database.
//
// # Caveats
//
// The database is stricter or looser than the store in a few places, which
// a repository that moves to it may meet:
//
//   - PostgreSQL's identity sequence does not count keys inserted
//     explicitly (the store's counter and SQLite's AUTOINCREMENT do), and
//     it is not rolled back with its transaction (the store's counter is).
//   - PostgreSQL's text refuses the byte 0 and invalid UTF-8, which Go
//     strings and the store accept.
//   - bigint is signed: uint64 values above math.MaxInt64 do not fit.
//     SQLite's INTEGER neither; and an AUTOINCREMENT key has no MAXVALUE.
//   - PostgreSQL runs a delete's referential actions as a queue, a deleted
//     row's foreign keys in turn, and checks a restrict (NO ACTION)
//     reference when its turn comes; the store plans the whole delete
//     first. So PostgreSQL refuses a delete that the store accepts when the
//     row that restricts is removed only by a cascade that runs after the
//     check: two levels below the row it references (deleting A cascades to
//     B, which cascades to C, and C restricts A), or one level below
//     through another row whose foreign keys run later (deleting a customer
//     cascades to its order and to its note p; note x, on that order,
//     replies to p). Which row runs first depends on the order the foreign
//     keys were created and, among the rows one cascade removes, on their
//     order on disk. fuzz/postgres pins these cases and explains them.
//   - SQLite enforces foreign keys only on connections that ran
//     PRAGMA foreign_keys = ON.
//   - timestamptz and interval keep microseconds; timestamptz keeps no
//     time zone name.
package ddl
