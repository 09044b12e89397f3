package querydiff

import (
	"reflect"
	"testing"

	"github.com/relstore/relstore/filter"
)

// qText is a model with a nullable string.
type qText struct {
	ID int64
	S  *string
}

// TestQueryTranslate pins the SQL of one filter that uses every device of
// the translation, in both dialects.
func TestQueryTranslate(t *testing.T) {
	m, err := NewSQLModel(reflect.TypeFor[qText](), "ID", "q_text", []string{"id", "s"})
	if err != nil {
		t.Fatal(err)
	}
	f := filter.Filter{
		Where: filter.Or(
			filter.And(filter.Like("S", `a\%%`), filter.NILike("S", "é_")),
			filter.Regexp("S", "/^a$/mi"),
			filter.Inq[int]("ID"),
			filter.Nin("ID", 1, 2),
		),
		Order: []filter.Order{filter.Desc("S")},
		After: []any{nil, 7},
		Limit: 20,
		Skip:  5,
	}
	for _, c := range []struct {
		d    Dialect
		sql  string
		args []any
	}{
		{SQLite, `SELECT "id" FROM "q_text" WHERE (("s" LIKE ? ESCAPE '\' AND pg_lower("s") NOT LIKE pg_lower(?) ESCAPE '\') OR ` +
			`pg_regexp("s", ?, ?) OR 1 = 0 OR "id" NOT IN (?, ?)) AND (("s" IS NOT NULL) OR ("s" IS NULL AND "id" < ?)) ` +
			`ORDER BY "s" DESC NULLS FIRST, "id" DESC NULLS FIRST LIMIT 20 OFFSET 5`,
			[]any{`a\%%`, "é_", "^a$", "mi", int64(1), int64(2), int64(7)}},
		{PostgreSQL, `SELECT "id" FROM "q_text" WHERE (("s" LIKE $1 AND ("s" COLLATE "C.utf8") NOT ILIKE $2) OR ` +
			`("s" COLLATE "C.utf8") ~* $3 OR 1 = 0 OR "id" NOT IN ($4, $5)) AND (("s" IS NOT NULL) OR ("s" IS NULL AND "id" < $6)) ` +
			`ORDER BY "s" DESC NULLS FIRST, "id" DESC NULLS FIRST LIMIT 20 OFFSET 5`,
			[]any{`a\%%`, "é_", "(?w)^a$", int64(1), int64(2), int64(7)}},
	} {
		q, args, err := c.d.SelectKeys(m, f)
		if err != nil {
			t.Fatal(err)
		}
		if q != c.sql || !reflect.DeepEqual(args, c.args) {
			t.Errorf("%v:\n got %s %#v\nwant %s %#v", c.d, q, args, c.sql, c.args)
		}
	}
}
