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
//	schema, err := ddl.PostgreSQL(store.Models()) // or ddl.SQLite
//	os.WriteFile("schema.sql", []byte(schema), 0o644)
//
// Tables and columns are the model and field names in snake_case
// (OrderItem → "order_item", CustomerID → "customer_id"), every identifier
// quoted; constraints and indexes are named as PostgreSQL names them by
// default ("order_customer_id_fkey"). [PostgreSQL]'s doc lists the names,
// the column type of each Go type, and how keys and relations map, for both
// databases.
//
// # Guarantees
//
//   - Deterministic output (models in Config order, columns in field order,
//     then shadow foreign keys): commit it as a migration and check it for
//     drift in a test.
//   - Every key, unique field, unique index, secondary index and belongsTo
//     of the store is a constraint or index of the schema, with each
//     relation's onDelete (restrict is NO ACTION, and PostgreSQL runs a
//     delete's actions in the order the store runs them), and every foreign
//     key is indexed, as in the store.
//   - A model that has no SQL form is refused with a *SchemaError.
//
// # Caveats
//
// The database is stricter or looser than the store in a few places, which
// a repository that moves to it may meet:
//
//   - A polymorphic belongsTo can be no SQL foreign key: its integrity is
//     the application's, or a trigger's, in the database. fuzz/postgres
//     writes such triggers (AFTER ROW, named into the order of
//     PostgreSQL's own foreign key triggers); even then, a trigger's own
//     DELETE runs its rows' actions when it ends, not at the end of the
//     statement's queue as the store does (its difference 17).
//   - PostgreSQL's identity sequence does not count keys inserted
//     explicitly (the store's counter and SQLite's AUTOINCREMENT do), and
//     it is not rolled back with its transaction (the store's counter is).
//     To have a key assigned, omit the column: SQL takes 0 as a key.
//   - PostgreSQL's text refuses the byte 0 and invalid UTF-8, which Go
//     strings and the store accept.
//   - bigint is signed: uint64 values above math.MaxInt64 do not fit.
//     SQLite's INTEGER neither; and an AUTOINCREMENT key has no MAXVALUE.
//   - PostgreSQL runs a delete's referential actions as a queue, a deleted
//     row's foreign keys in the order they were created, and checks a
//     restrict (NO ACTION) reference when its turn comes; the store runs
//     the same queue over this schema's order, so a restrict deep in a
//     cascade refuses the delete on both (deleting A cascades to B, which
//     cascades to C, and C restricts A). A schema created otherwise (foreign
//     keys reordered by hand) may change the outcome on PostgreSQL only.
//     Among the rows one cascade removes, PostgreSQL takes them in their
//     order on disk and the store in key order: a delete whose outcome
//     depends on that order can differ. fuzz/postgres pins both cases.
//   - SQLite's NO ACTION counts the references left at the end of the
//     statement: it accepts the A, B, C delete above, which the store and
//     PostgreSQL refuse.
//   - Text columns are COLLATE "C", under which PostgreSQL's ILIKE, lower()
//     and ~* fold ASCII letters only; the store's ilike and regexp flag i
//     fold every letter ('é' matches 'É'). Write col COLLATE "C.utf8"
//     ILIKE $1 (or ~*) for the store's folding, except for the few letters
//     whose folding is no lower/upper pair (ſ, ς, İ, the Kelvin sign in a
//     regexp); and a regexp's '.' matches a newline in PostgreSQL, not in
//     the store (RE2). fuzz/postgres pins each case.
//   - SQLite enforces foreign keys only on connections that ran
//     PRAGMA foreign_keys = ON.
//   - timestamptz and interval keep microseconds; timestamptz keeps no
//     time zone name.
package ddl
