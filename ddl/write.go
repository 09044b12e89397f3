package ddl

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/relstore/relstore/memstore"
)

// pgMaxIdent is PostgreSQL's longest identifier, in bytes (NAMEDATALEN-1).
const pgMaxIdent = 63

// PostgreSQL returns the PostgreSQL schema of models, as Store.Models
// describes them: a CREATE TABLE per model, in the models' order, with its
// primary key and unique constraints; then every foreign key, added by ALTER
// TABLE so that models may reference each other in any order, cycles
// included, cascading and nulling ones before restricting ones (see
// "Relations" below); then an index per foreign key. Every model a relation
// targets must be in models. The sections below give names, types, keys and
// relations for both PostgreSQL and SQLite.
//
// It returns a *SchemaError (ErrSchema) for a field type that has no column
// type, two fields with one column name, or a table or column name longer
// than PostgreSQL's 63 bytes. Longer constraint and index names are cut,
// and end with a hash of the whole name.
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
// restrict is NO ACTION, checked when its trigger fires: PostgreSQL fires a
// deleted row's foreign key triggers in the order their constraints were
// created, and the triggers of the rows a cascade deletes after those, at
// the end of the queue. The schema creates the cascading and nulling
// foreign keys before the restricting ones, and the store runs a delete in
// exactly this order (memstore's ForeignKeyError), so a delete is accepted
// or refused alike: one whose own cascade removes a referencing row is
// accepted; one whose referencing row goes only through a cascade of a
// cascade is refused. SQLite's NO ACTION counts the references left at the
// end of the statement and accepts the latter; its RESTRICT checks as each
// row goes and refuses even the former. Updates of a referenced key keep
// the default, ON UPDATE NO ACTION: the store refuses them too.
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
func PostgreSQL(models []memstore.ModelInfo) (string, error) {
	ts, err := tables(models, pgMaxIdent)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	header(&b, "PostgreSQL", ts)
	for _, t := range ts {
		var lines []string
		w := width(t)
		for _, c := range t.cols {
			l := pad(quote(c.name), w) + " " + pgType(c.typ)
			if !c.nullable {
				l += " NOT NULL"
			}
			if c.auto {
				l += " GENERATED BY DEFAULT AS IDENTITY"
				if top := identityMax(c.typ); top != "" {
					l += " (MAXVALUE " + top + ")"
				}
			}
			lines = append(lines, l)
		}
		lines = append(lines, fmt.Sprintf("CONSTRAINT %s PRIMARY KEY (%s)", quote(t.pkName), quote(t.pk.name)))
		for _, u := range t.uniques {
			lines = append(lines, fmt.Sprintf("CONSTRAINT %s UNIQUE (%s)", quote(u.name), quoteList(u.cols)))
		}
		createTable(&b, t, lines)
	}
	// Cascading and nulling foreign keys first: PostgreSQL runs a deleted
	// row's foreign key triggers in the order the constraints were created
	// (their names hold increasing OIDs), and a NO ACTION check that runs
	// before a cascade of the same row sees the rows that cascade removes.
	for _, restrict := range []bool{false, true} {
		for _, t := range ts {
			for _, fk := range t.fks {
				if (fk.onDelete == memstore.Restrict) != restrict {
					continue
				}
				action, err := onDelete(t, fk)
				if err != nil {
					return "", err
				}
				fmt.Fprintf(&b, "\nALTER TABLE %s ADD CONSTRAINT %s\n\tFOREIGN KEY (%s) REFERENCES %s (%s) ON DELETE %s;\n",
					quote(t.name), quote(fk.name), quoteList(fk.cols), quote(fk.target), quoteList(fk.refCols), action)
			}
		}
	}
	createIndexes(&b, ts)
	return b.String(), nil
}

// SQLite returns the SQLite schema of models, as Store.Models describes
// them: a CREATE TABLE per model, in the models' order, with its primary
// key, unique constraints and foreign keys (SQLite resolves a foreign key's
// target when a row is written, so tables may reference each other in any
// order); then an index per foreign key. SQLite enforces the foreign keys
// only on connections that ran PRAGMA foreign_keys = ON. PostgreSQL's doc
// gives the names and types of both databases.
//
// It returns a *SchemaError (ErrSchema) for a field type that has no column
// type or two fields with one column name.
func SQLite(models []memstore.ModelInfo) (string, error) {
	ts, err := tables(models, 0)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	header(&b, "SQLite", ts)
	for _, t := range ts {
		var lines []string
		w := width(t)
		for _, c := range t.cols {
			typ := liteType(c.typ)
			l := pad(quote(c.name), w) + " " + typ
			switch {
			case c.pk && typ == "INTEGER":
				// The rowid itself: never NULL, assigned when NULL is inserted.
				l += " PRIMARY KEY"
				if c.auto {
					l += " AUTOINCREMENT"
				}
			case c.pk:
				l += " NOT NULL PRIMARY KEY"
			case !c.nullable:
				l += " NOT NULL"
			}
			lines = append(lines, l)
		}
		for _, u := range t.uniques {
			lines = append(lines, fmt.Sprintf("CONSTRAINT %s UNIQUE (%s)", quote(u.name), quoteList(u.cols)))
		}
		for _, fk := range t.fks {
			action, err := onDelete(t, fk)
			if err != nil {
				return "", err
			}
			lines = append(lines, fmt.Sprintf("CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (%s) ON DELETE %s",
				quote(fk.name), quoteList(fk.cols), quote(fk.target), quoteList(fk.refCols), action))
		}
		createTable(&b, t, lines)
	}
	createIndexes(&b, ts)
	return b.String(), nil
}

func header(b *strings.Builder, dialect string, ts []*table) {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.model
	}
	fmt.Fprintf(b, "-- %s schema of the relstore models %s, written by package ddl.\n", dialect, strings.Join(names, ", "))
}

func createTable(b *strings.Builder, t *table, lines []string) {
	fmt.Fprintf(b, "\nCREATE TABLE %s (\n\t%s\n);\n", quote(t.name), strings.Join(lines, ",\n\t"))
}

func createIndexes(b *strings.Builder, ts []*table) {
	first := true
	for _, t := range ts {
		for _, ix := range t.indexes {
			if first {
				b.WriteString("\n")
				first = false
			}
			unique := ""
			if ix.unique {
				unique = "UNIQUE "
			}
			fmt.Fprintf(b, "CREATE %sINDEX %s ON %s (%s);\n", unique, quote(ix.name), quote(t.name), quoteList(ix.cols))
		}
	}
}

// onDelete returns the ON DELETE action of a relation. restrict is NO
// ACTION, checked at the end of the statement as the store checks it: see
// "Relations" in PostgreSQL's doc.
func onDelete(t *table, fk foreignKey) (string, error) {
	switch fk.onDelete {
	case memstore.Cascade:
		return "CASCADE", nil
	case memstore.SetNull:
		return "SET NULL", nil
	case memstore.Restrict:
		return "NO ACTION", nil
	}
	return "", &SchemaError{Model: t.model, Field: fk.cols[0], Reason: fmt.Sprintf("unknown onDelete action %v", fk.onDelete)}
}

func pgType(t reflect.Type) string {
	switch {
	case isTime(t):
		return "timestamptz"
	case isDuration(t):
		return "interval" // what pgx encodes a time.Duration as
	}
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Int8, reflect.Int16, reflect.Uint8:
		return "smallint"
	case reflect.Int32, reflect.Uint16:
		return "integer"
	case reflect.Int, reflect.Int64, reflect.Uint32, reflect.Uint, reflect.Uint64, reflect.Uintptr:
		return "bigint"
	case reflect.Float32:
		return "real"
	case reflect.Float64:
		return "double precision"
	case reflect.String:
		return `text COLLATE "C"`
	case reflect.Array:
		if isUUID(t) {
			return "uuid"
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "bytea"
		}
	}
	return "jsonb"
}

// identityMax returns the MAXVALUE of an identity column whose Go type is
// narrower than its SQL type, so that PostgreSQL's sequence ends where the
// store's counter overflows.
func identityMax(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int8:
		return "127"
	case reflect.Uint8:
		return "255"
	case reflect.Uint16:
		return "65535"
	case reflect.Uint32:
		return "4294967295"
	}
	return ""
}

func liteType(t reflect.Type) string {
	if isTime(t) {
		return "TIMESTAMP"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "BOOLEAN"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "INTEGER"
	case reflect.Float32, reflect.Float64:
		return "REAL"
	case reflect.String:
		return "TEXT"
	case reflect.Array:
		if isUUID(t) {
			return "BLOB"
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "BLOB"
		}
	}
	return "TEXT" // JSON; a declared JSON type would get NUMERIC affinity
}

func isUUID(t reflect.Type) bool {
	return t.Kind() == reflect.Array && t.Len() == 16 && t.Elem().Kind() == reflect.Uint8
}

// quote returns an SQL identifier in double quotes, valid in both dialects
// whatever the name (a reserved word, upper case, punctuation).
func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}

// width returns the width of the table's longest quoted column name, to
// align the column types.
func width(t *table) int {
	w := 0
	for _, c := range t.cols {
		w = max(w, len(quote(c.name)))
	}
	return w
}

func pad(s string, w int) string { return s + strings.Repeat(" ", max(0, w-len(s))) }
