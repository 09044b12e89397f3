package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode"

	sqlite "modernc.org/sqlite"

	"github.com/relstore/relstore/internal/querydiff"
)

// The SQLite side of the differential query test (internal/querydiff, whose
// sql.go says how its SQL makes SQLite behave like PostgreSQL): the Go
// functions that SQL calls, and the connections.

// The SQLite functions of the translation, registered once for every
// connection the driver opens.
var registerFuncs = sync.OnceValue(func() error {
	err := sqlite.RegisterDeterministicScalarFunction("pg_lower", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			s, ok := args[0].(string)
			if !ok {
				return nil, nil // NULL
			}
			return strings.Map(unicode.ToLower, s), nil
		})
	if err != nil {
		return err
	}
	var mu sync.Mutex // protects compiled
	compiled := map[[2]string]*regexp.Regexp{}
	return sqlite.RegisterDeterministicScalarFunction("pg_regexp", 3,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			s, ok := args[0].(string)
			if !ok {
				return nil, nil // NULL
			}
			pattern, _ := args[1].(string)
			flags, _ := args[2].(string)
			mu.Lock()
			re, ok := compiled[[2]string{pattern, flags}]
			if !ok {
				prefix := "(?s" // PostgreSQL's ARE: '.' matches a newline
				if strings.Contains(flags, "i") {
					prefix += "i"
				}
				if strings.Contains(flags, "m") {
					prefix += "m"
				}
				var err error
				if re, err = regexp.Compile(prefix + ")" + pattern); err != nil {
					mu.Unlock()
					return nil, err
				}
				compiled[[2]string{pattern, flags}] = re
			}
			mu.Unlock()
			if re.MatchString(s) {
				return int64(1), nil
			}
			return int64(0), nil
		})
})

// openQueryLite opens a SQLite database in memory with schema (package
// ddl's), PostgreSQL's LIKE case rule and the translation's functions.
func openQueryLite(t testing.TB, schema string) *sql.Conn {
	t.Helper()
	if err := registerFuncs(); err != nil {
		t.Fatal(err)
	}
	conn := openDDL(t, schema)
	if _, err := conn.ExecContext(context.Background(), "PRAGMA case_sensitive_like = ON"); err != nil {
		t.Fatal(err)
	}
	return conn
}

// readSQLModel reads the columns of table from SQLite for model type typ.
func readSQLModel(ctx context.Context, conn *sql.Conn, typ reflect.Type, key, table string) (*querydiff.SQLModel, error) {
	rs, err := conn.QueryContext(ctx, "SELECT name FROM pragma_table_info(?) ORDER BY cid", table)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var cols []string
	for rs.Next() {
		var name string
		if err := rs.Scan(&name); err != nil {
			return nil, err
		}
		cols = append(cols, name)
	}
	if err := rs.Err(); err != nil {
		return nil, err
	}
	return querydiff.NewSQLModel(typ, key, table, cols)
}

// liteDB is a SQLite database of openQueryLite, as querydiff.Run uses it.
type liteDB struct{ conn *sql.Conn }

func openLiteDB(t querydiff.TB, schema string) querydiff.DB {
	return liteDB{openQueryLite(t.(testing.TB), schema)}
}

func (db liteDB) Tables(ctx context.Context) ([]string, error) {
	return db.strings(ctx, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
}

func (db liteDB) Columns(ctx context.Context, table string) ([]string, error) {
	return db.strings(ctx, "SELECT name FROM pragma_table_info(?) ORDER BY cid", table)
}

func (db liteDB) strings(ctx context.Context, q string, args ...any) ([]string, error) {
	col, err := db.Column(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	s := make([]string, len(col))
	for i, v := range col {
		s[i], _ = v.(string)
	}
	return s, nil
}

func (db liteDB) Exec(ctx context.Context, q string, args ...any) error {
	_, err := db.conn.ExecContext(ctx, q, args...)
	return err
}

func (db liteDB) Column(ctx context.Context, q string, args ...any) ([]any, error) {
	rs, err := db.conn.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var col []any
	for rs.Next() {
		var v any
		if err := rs.Scan(&v); err != nil {
			return nil, err
		}
		col = append(col, v)
	}
	return col, rs.Err()
}
