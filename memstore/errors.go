package memstore

import (
	"errors"
	"fmt"
	"strings"
)

// Errors that PostgreSQL raises for the same operation report its SQLSTATE
// through a SQLState method, the method pgx's *pgconn.PgError has, so a
// repository maps both stores' errors with one errors.As:
//
//	23503 foreign_key_violation       *ForeignKeyError, ErrForeignKey
//	23505 unique_violation            *UniqueError, ErrUnique
//	25P02 in_failed_sql_transaction   ErrTxAborted
//	25006 read_only_sql_transaction   ErrReadOnly
//	2200H sequence_generator_limit_exceeded  ErrOverflow
//
// The others report none, as their PostgreSQL counterparts raise no error
// or a client-side one: a missing row is no error in SQL (a SELECT returns no
// rows, pgx.ErrNoRows; an UPDATE or DELETE affects none), so ErrNotFound and
// *NotFoundError have no SQLSTATE; bad input (ErrInvalid) is refused before
// any statement, as a driver refuses a value it cannot encode; ErrTxDone,
// ErrClosed and ErrNested are misuse of the API, and a cancelled context is
// the context's error, as in pgx. No store error is a not_null_violation
// (23502) or a check_violation (23514): every field that can hold nil maps
// to a nullable column (see package ddl), clearing a non-pointer foreign key
// through package relations is bad input (ErrInvalid), and the store has no
// CHECK constraints.

// Errors of opening a store.
var (
	// ErrSchema is matched by every error New returns for an invalid model or
	// relation; the error is a *SchemaError naming the model and field.
	ErrSchema = errors.New("memstore: invalid schema")
)

// Errors of the store's life cycle and transactions.
var (
	// ErrClosed is returned by every method of a Store after Close.
	ErrClosed = errors.New("memstore: store closed")

	// ErrTxDone is returned by a Tx method called after its Update or View
	// function has returned.
	ErrTxDone = errors.New("memstore: transaction finished")

	// ErrReadOnly is returned by a write on a Tx of View. Its SQLState is
	// 25006 (read_only_sql_transaction).
	ErrReadOnly error = &stateError{"memstore: write in a read-only transaction", "25006"}

	// ErrTxAborted is returned by a Tx method called after an earlier
	// operation of the same transaction failed; the error wraps that first
	// error too. Like PostgreSQL, the store aborts the whole transaction on
	// the first error: Update then writes nothing, and returns the first
	// error (or fn's own error, if fn returns one). Its SQLState is 25P02
	// (in_failed_sql_transaction), which errors.As finds before the first
	// error's.
	ErrTxAborted error = &stateError{"memstore: transaction aborted by an earlier error", "25P02"}

	// ErrNested is returned by Update, Restore or Close called from inside an
	// Update function of the same goroutine, which would otherwise deadlock.
	// Use the Tx the function was given.
	ErrNested = errors.New("memstore: called inside an Update function")
)

// Errors of reads and writes.
var (
	// ErrNotFound is returned by lookups, updates and deletes of a key that
	// has no row. It is the only way the store reports a miss.
	ErrNotFound = errors.New("memstore: not found")

	// ErrForeignKey is matched by a *ForeignKeyError: a row that points at no
	// owner, or a delete or key change refused because rows still point at the
	// row. Its SQLState is 23503 (foreign_key_violation).
	ErrForeignKey error = &stateError{"memstore: foreign key violation", "23503"}

	// ErrUnique is matched by a *UniqueError: an insert of a primary key that
	// exists, or a unique field value that another row has. Its SQLState is
	// 23505 (unique_violation).
	ErrUnique error = &stateError{"memstore: unique violation", "23505"}

	// ErrInvalid is matched by errors for bad input: a nil or typed-nil value,
	// a value of an unregistered type or of the wrong model, a zero or empty
	// key where one is required, a key longer than MaxKeyLen (or a row whose
	// encoded keys take more than 64 KiB), an unknown field or relation, a nil
	// function or context, a Table or relation given a Tx of another store, a Tx
	// used by two goroutines at once. The store is unchanged and later calls
	// work.
	ErrInvalid = errors.New("memstore: invalid argument")

	// ErrIntegrity is matched by the error Tx.CheckIntegrity returns when the
	// store is inconsistent — which would be a bug in memstore.
	ErrIntegrity = errors.New("memstore: integrity check failed")

	// ErrOverflow is returned when an auto-assigned key would exceed the
	// largest value of the key's type. Its SQLState is 2200H
	// (sequence_generator_limit_exceeded), what PostgreSQL raises when an
	// identity column's sequence reaches its maximum.
	ErrOverflow error = &stateError{"memstore: auto-increment key overflow", "2200H"}
)

// SchemaError describes an invalid model or relation found by New.
//
// New validates every model and reports the first problem, naming the model
// and field: an unknown target, a foreign key whose type differs from the
// target key's, a keyTo that is not unique, setNull on a non-nullable
// foreign key, duplicate relation names, an unsupported key type, more than
// 255 indexes (primary key, unique fields, foreign keys and secondary
// indexes) in one model; for an index, an unknown or shadow field, a field
// of a type that cannot be indexed, a duplicate index name, or an index that
// repeats one the model has anyway (a non-unique index on the primary key, a
// unique field or a foreign key alone; a second index over the same fields
// in the same order). It also refuses:
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
type SchemaError struct {
	Model  string // the model's name (or Go type when it has none yet)
	Field  string // the field or relation at fault; empty for the whole model
	Reason string // what is wrong, e.g. "references unknown model Customr"
}

// Error describes the invalid model or field.
func (e *SchemaError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("memstore: schema: %s: %s", e.Model, e.Reason)
	}
	return fmt.Sprintf("memstore: schema: %s.%s: %s", e.Model, e.Field, e.Reason)
}

// Is reports whether target is ErrSchema.
func (e *SchemaError) Is(target error) bool { return target == ErrSchema }

// ForeignKeyError describes a refused write that would break a foreign key.
// Its message reads like "memstore: insert Order 10: CustomerID 2
// references no Customer".
//
// For an insert or update (Referrer empty) the row Model/Key has Field = Value
// and no Target row has that key. For a delete, or a change of a referenced
// key, Model/Key is the row the operation was asked to delete or change, and
// the Target row whose key is Value is still referenced by the Referrer row
// ReferrerKey through its Field; Target/Value differ from Model/Key when the
// delete was refused deep inside a cascade, or because a setNull would clear
// the Target row's referenced Value.
//
// Every rule is checked inside the write transaction that writes, against
// what that transaction sees, so there is no check-then-write race:
//
//   - insert and update: a non-nil foreign key must match a row of the
//     target (a row may reference itself), else *ForeignKeyError; the primary
//     key must not exist on insert and unique fields and unique indexes must
//     not repeat, else *UniqueError (go-memdb alone would silently replace
//     the row);
//   - delete of a referenced row: restrict refuses with *ForeignKeyError;
//     cascade deletes the referencing rows, recursively, terminating on
//     cycles; setNull clears their foreign key;
//   - update of a referenced unique field (a keyTo target) while rows
//     reference it is refused, and so is a delete whose setNull clears
//     such a field while rows still reference it (as in PostgreSQL, where
//     SET NULL is an update that the referencing key refuses). Primary keys
//     never change: Update finds the row by its key.
//
// A delete runs its actions as PostgreSQL runs them on the schema package
// ddl writes: deleting a row queues its relations' actions, cascading and
// nulling relations first, then restricting ones, each group in the order
// the models and their relations were declared; the queue runs first in,
// first out, and the rows a cascade deletes queue their own actions at its
// end. A restrict check refuses the delete if a row still references the
// deleted row when its turn comes. So a row that the delete removes before
// the check does not block it: one that the deleted row's own cascade
// removes, or an earlier one's. A row removed only by a cascade queued
// later does: deleting A, which cascades to B, which cascades to C, is
// refused while C restricts A. Nothing is written unless every check
// passes. SQLite differs: its NO ACTION counts the references left at the
// end of the statement and accepts such a delete. Where SQLite and
// PostgreSQL differ, the store follows PostgreSQL: a failed statement aborts
// the whole transaction (ErrTxAborted afterwards).
type ForeignKeyError struct {
	Op          string // "insert", "update", "upsert" or "delete"
	Model       string // model of the row being written
	Key         any    // primary key of that row (nil if not yet assigned)
	Relation    string // the relation's name, e.g. "customer"
	Field       string // the foreign key field, e.g. "CustomerID"
	Value       any    // the foreign key value
	Target      string // the model the foreign key points at
	Referrer    string // for a refused delete: the model of a referencing row
	ReferrerKey any    // for a refused delete: the key of that row
	// Targets, for an insert or update through a polymorphic relation
	// whose discriminator names none of its models, lists those models;
	// Target is then the discriminator's value ("" when nil).
	Targets []string
}

// Error reads like "memstore: insert Order 10: CustomerID 2 references no Customer".
func (e *ForeignKeyError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "memstore: %s %s", e.Op, e.Model)
	if e.Key != nil {
		fmt.Fprintf(&b, " %v", e.Key)
	}
	if e.Referrer == "" && e.Targets != nil {
		fmt.Fprintf(&b, ": %s %v references a %q, not a model of relation %s (%s)", e.Field, e.Value, e.Target, e.Relation, strings.Join(e.Targets, ", "))
		return b.String()
	}
	if e.Referrer == "" {
		fmt.Fprintf(&b, ": %s %v references no %s", e.Field, e.Value, e.Target)
		return b.String()
	}
	fmt.Fprintf(&b, ": %s %v referenced by %s %v (%s.%s, relation %s)",
		e.Target, e.Value, e.Referrer, e.ReferrerKey, e.Referrer, e.Field, e.Relation)
	return b.String()
}

// Is reports whether target is ErrForeignKey.
func (e *ForeignKeyError) Is(target error) bool { return target == ErrForeignKey }

// SQLState returns "23503", PostgreSQL's foreign_key_violation: what it
// raises for the same insert, update or delete.
func (e *ForeignKeyError) SQLState() string { return "23503" }

// UniqueError describes a write refused because another row has the same
// primary key, unique field value, or values in every field of a unique
// index.
type UniqueError struct {
	Op    string // "insert", "update" or "upsert"
	Model string // the model
	Field string // the primary key or unique field; for a unique index, its first field
	Value any    // the duplicated value; for a unique index, its first field's
	// Index is the unique index's name; empty for the primary key and
	// unique fields.
	Index string
	// Fields are all the fields of the constraint, in its order (one for
	// the primary key and a unique field), and Values the refused row's
	// values of them.
	Fields []string
	Values []any
}

// Error names the model, the fields and the duplicated values: "memstore:
// insert Customer: Email a@x already exists", or for a unique index
// "memstore: insert PostTag: (PostID, TagID) = (1, 2) already exists (unique
// index post_tag)".
func (e *UniqueError) Error() string {
	if e.Index == "" {
		return fmt.Sprintf("memstore: %s %s: %s %v already exists", e.Op, e.Model, e.Field, e.Value)
	}
	vals := make([]string, len(e.Values))
	for i, v := range e.Values {
		vals[i] = fmt.Sprint(v)
	}
	return fmt.Sprintf("memstore: %s %s: (%s) = (%s) already exists (unique index %s)",
		e.Op, e.Model, strings.Join(e.Fields, ", "), strings.Join(vals, ", "), e.Index)
}

// Is reports whether target is ErrUnique.
func (e *UniqueError) Is(target error) bool { return target == ErrUnique }

// SQLState returns "23505", PostgreSQL's unique_violation, raised for a
// duplicate primary key and a duplicate unique value alike.
func (e *UniqueError) SQLState() string { return "23505" }

// NotFoundError describes a key that has no row.
type NotFoundError struct {
	Op    string // the operation, e.g. "get" or "delete"
	Model string // the model
	Field string // the key field looked up
	Value any    // the key
}

// Error names the model, field and key looked up.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("memstore: %s %s: no row with %s %v", e.Op, e.Model, e.Field, e.Value)
}

// Is reports whether target is ErrNotFound.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// stateError is a sentinel that reports PostgreSQL's SQLSTATE for the same
// failure.
type stateError struct{ msg, state string }

func (e *stateError) Error() string { return e.msg }

// SQLState returns the SQLSTATE.
func (e *stateError) SQLState() string { return e.state }

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// opError names the operation that failed with a sentinel or context error,
// without repeating the package prefix: "memstore: update: called inside an
// Update function".
type opError struct {
	op  string
	err error
}

func (e *opError) Error() string {
	return "memstore: " + e.op + ": " + strings.TrimPrefix(e.err.Error(), "memstore: ")
}

func (e *opError) Unwrap() error { return e.err }

func opErr(op string, err error) error { return &opError{op: op, err: err} }
