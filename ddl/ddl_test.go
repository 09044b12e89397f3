package ddl_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/relstore/relstore/ddl"
	"github.com/relstore/relstore/internal/opseq"
	"github.com/relstore/relstore/memstore"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Schemas are the model sets whose DDL is pinned by golden files in
// testdata (NAME.postgres.sql, NAME.sqlite.sql). fuzz/postgres applies every
// golden file to a real PostgreSQL, fuzz/sqlite to SQLite.
func schemas() map[string][]memstore.Model {
	shadow := memstore.ModelOf[Comment]()
	shadow.Relations = []memstore.Relation{
		{Target: "Article", OnDelete: memstore.Cascade, Shadow: true},                                 // shadow ArticleID
		{Name: "editor", Target: "Author", KeyTo: "Handle", OnDelete: memstore.SetNull, Shadow: true}, // shadow EditorID, a string
	}
	return map[string][]memstore.Model{
		"opseq":       opseq.Models(),
		"opseq_seats": opseq.Seats.MemstoreModels(),
		"opseq_links": opseq.Links.MemstoreModels(),
		"kinds": {
			memstore.ModelOf[Kinds](), memstore.ModelOf[Tiny](), memstore.ModelOf[Small](),
			memstore.ModelOf[Wide](), memstore.ModelOf[Token](), memstore.ModelOf[Link](),
		},
		"keyless": {
			memstore.ModelOf[Author](), memstore.ModelOf[Article](), shadow,
			memstore.ModelOf[Event](), memstore.ModelOf[Mark](),
		},
		"long_names": {memstore.ModelOf[AVeryLongModelNameThatNeedsNoAbbreviationAtAll](), memstore.ModelOf[Holder]()},
		"quickstart": {
			named[QuickstartCustomer]("Customer"), named[QuickstartOrder]("Order"), named[QuickstartCategory]("Category"),
		},
		"storetest": {
			named[StoretestOrder]("Order"), named[StoretestCustomer]("Customer"),
			named[StoretestCategory]("Category"), named[StoretestStep]("Step"),
		},
		"bench": {named[BenchCustomer]("Customer"), named[BenchOrder]("Order")},
		"indexes": {
			named[IndexesPost]("Post"), named[IndexesTag]("Tag"), named[IndexesPostTag]("PostTag"), indexesEvent,
		},
		"relations": {
			named[RelPhysician]("Physician"), named[RelPatient]("Patient"), named[RelAppointment]("Appointment"),
			named[RelPicture]("Picture"),
		},
	}
}

// The relations schema: a hasManyThrough whose link model has a composite
// unique (a UNIQUE constraint), and a polymorphic belongsTo (its two
// columns and an index, no FOREIGN KEY).
type (
	RelPhysician struct {
		ID   int64 `relstore:"pk,auto"`
		Name string
		_    struct{} `relstore:"hasMany=Patient,through=Appointment"`
	}
	RelPatient struct {
		ID   int64 `relstore:"pk,auto"`
		Name string
		_    struct{} `relstore:"hasMany=Picture,polymorphic=imageable"`
	}
	RelAppointment struct {
		ID          int64 `relstore:"pk,auto"`
		PhysicianID int64 `relstore:"belongsTo=Physician,onDelete=cascade,unique=visit"`
		PatientID   int64 `relstore:"belongsTo=Patient,onDelete=cascade,unique=visit"`
		Date        time.Time
	}
	RelPicture struct {
		ID            int64  `relstore:"pk,auto"`
		ImageableID   *int64 `relstore:"polymorphic=Physician,onDelete=cascade"`
		ImageableType string
		URL           string
	}
)

func named[T any](name string) memstore.Model {
	m := memstore.ModelOf[T]()
	m.Name = name
	return m
}

// mustModels opens a store of the models and returns its Models.
func mustModels(t testing.TB, models ...memstore.Model) []memstore.ModelInfo {
	t.Helper()
	s, err := memstore.New(memstore.Config{Models: models})
	if err != nil {
		t.Fatalf("memstore.New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s.Models()
}

func TestGolden(t *testing.T) {
	for name, models := range schemas() {
		for _, d := range []struct {
			suffix string
			write  func([]memstore.ModelInfo) (string, error)
		}{{"postgres", ddl.PostgreSQL}, {"sqlite", ddl.SQLite}} {
			t.Run(name+" "+d.suffix, func(t *testing.T) {
				got, err := d.write(mustModels(t, models...))
				if err != nil {
					t.Fatal(err)
				}
				again, _ := d.write(mustModels(t, models...))
				if again != got {
					t.Errorf("two runs differ:\n%s\n%s", got, again)
				}
				path := filepath.Join("testdata", name+"."+d.suffix+".sql")
				if *update {
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update to write it)", err)
				}
				if diff := cmp.Diff(string(want), got); diff != "" {
					t.Errorf("%s differs (-want +got; go test -update rewrites it):\n%s", path, diff)
				}
			})
		}
	}
}

// TestNoGoldenLeftOver: every golden file belongs to a schema, so
// fuzz/postgres, which applies them all, applies no stale one.
func TestNoGoldenLeftOver(t *testing.T) {
	files, err := filepath.Glob("testdata/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	s := schemas()
	for _, f := range files {
		name, _, _ := strings.Cut(filepath.Base(f), ".")
		if _, ok := s[name]; !ok {
			t.Errorf("%s belongs to no schema", f)
		}
	}
}

func TestErrors(t *testing.T) {
	orders := mustModels(t, opseq.Models()...)
	for _, tc := range []struct {
		name   string
		models []memstore.ModelInfo
		want   string // in the message
		sqlite bool   // SQLite refuses it too
	}{
		{name: "no models", want: "no models", sqlite: true},
		{
			name: "a field without a column type", models: mustModels(t, memstore.ModelOf[Callback]()),
			want: "ddl: Callback.Run: type func() has no column type", sqlite: true,
		},
		{
			name: "two fields with one column", models: mustModels(t, memstore.ModelOf[Twins]()),
			want: `ddl: Twins.UserId: column "user_id" is also the column of UserID`, sqlite: true,
		},
		{
			name: "a relation to a model not listed", models: orders[1:],
			want: "relation customer references model Customer, which is not in the list", sqlite: true,
		},
		{
			name: "two models with one table", models: mustModels(t, named[Tiny]("OrderItem"), named[Small]("order_item")),
			want: `table "order_item" is also the name of table of OrderItem`, sqlite: true,
		},
		{
			name: "a table named like an index", models: append(orders[:3:3], mustModels(t, named[Tiny]("NoteOrderIDIdx"))...),
			want: `index "note_order_id_idx" is also the name of table of NoteOrderIDIdx`, sqlite: true,
		},
		{
			name:   "a table name longer than PostgreSQL's 63 bytes",
			models: mustModels(t, named[Tiny]("ThisModelNameIsSoLongThatPostgreSQLWouldTruncateItsTableNameSilently")),
			want:   "longer than 63 bytes",
		},
		{
			name: "an unknown onDelete action",
			models: func() []memstore.ModelInfo {
				m := mustModels(t, opseq.Models()...)
				m[1].Relations[0].OnDelete = 7
				return m
			}(),
			want: "unknown onDelete action", sqlite: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, d := range []struct {
				name  string
				write func([]memstore.ModelInfo) (string, error)
				fails bool
			}{{"PostgreSQL", ddl.PostgreSQL, true}, {"SQLite", ddl.SQLite, tc.sqlite}} {
				out, err := d.write(tc.models)
				if !d.fails {
					if err != nil {
						t.Errorf("%s: %v", d.name, err)
					}
					continue
				}
				if !errors.Is(err, ddl.ErrSchema) || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s = %q, %v; want an ErrSchema containing %q", d.name, out, err, tc.want)
				}
				var se *ddl.SchemaError
				if !errors.As(err, &se) {
					t.Errorf("%s: %T is not a *SchemaError", d.name, err)
				}
				if out != "" {
					t.Errorf("%s wrote %q with its error", d.name, out)
				}
			}
		})
	}
}

// TestNames pins snake_case through the table names of one-model schemas.
func TestNames(t *testing.T) {
	for _, tc := range []struct{ model, table string }{
		{"Customer", `"customer"`},
		{"OrderItem", `"order_item"`},
		{"URLPath", `"url_path"`},
		{"HTTPServerURL", `"http_server_url"`},
		{"Field2FA", `"field2_fa"`},
		{"already_snake", `"already_snake"`},
		{`Quote"d`, `"quote""d"`},
		{"Élan", `"élan"`},
	} {
		out, err := ddl.PostgreSQL(mustModels(t, named[Tiny](tc.model)))
		if err != nil {
			t.Fatal(err)
		}
		if want := "CREATE TABLE " + tc.table + " ("; !strings.Contains(out, want) {
			t.Errorf("%s: no %q in\n%s", tc.model, want, out)
		}
	}
}

// Models of the golden schemas and the errors.

// Kinds has a field of every kind the package maps.
type Kinds struct {
	ID       int64 `relstore:"pk,auto"`
	Bool     bool
	Int      int
	Int8     int8
	Int16    int16
	Int32    int32
	Int64    int64
	Uint     uint
	Uint8    uint8
	Uint16   uint16
	Uint32   uint32
	Uint64   uint64
	Float32  float32
	Float64  float64
	String   string
	Named    Status
	UUID     [16]byte
	Bytes    []byte
	Time     time.Time
	Duration time.Duration
	Strings  []string
	Array    [3]int
	Map      map[string]int
	Struct   Point
	Any      any
	PtrInt   *int32
	PtrTime  *time.Time
	PtrUUID  *[16]byte
	PtrPoint *Point
	Embedded
	*Optional
	hidden int // unexported: no column
}

// Status is a named string type.
type Status string

// Point is a struct field: jsonb.
type Point struct{ X, Y int }

// Embedded is embedded by value: its fields are Kinds' columns.
type Embedded struct{ Label string }

// Optional is embedded by pointer: its fields are nullable columns.
type Optional struct{ Score float64 }

// Tiny, Small, Wide and Token have auto keys of narrow types and a UUID key.
type Tiny struct {
	ID int8 `relstore:"pk,auto"`
}

type Small struct {
	ID uint16 `relstore:"pk,auto"`
}

type Wide struct {
	ID uint32 `relstore:"pk,auto"`
}

type Token struct {
	ID [16]byte
}

// Link references each key kind, nullably and not.
type Link struct {
	ID      string
	TinyID  int8      `relstore:"belongsTo=Tiny"`
	SmallID *uint16   `relstore:"belongsTo=Small,onDelete=setNull"`
	WideID  uint32    `relstore:"belongsTo=Wide,onDelete=cascade"`
	TokenID *[16]byte `relstore:"belongsTo=Token,onDelete=cascade"`
}

// Author has a unique handle that comments reference (keyTo).
type Author struct {
	ID     int64  `relstore:"pk,auto"`
	Handle string `relstore:"unique"`
}

// Article belongs to an author (restrict).
type Article struct {
	ID       int64 `relstore:"pk,auto"`
	AuthorID int64 `relstore:"belongsTo=Author"`
}

// Comment has no foreign key fields: its relations, declared in code, get
// shadow columns.
type Comment struct {
	ID   int64 `relstore:"pk,auto"`
	Text string
}

// Event has no key field: a store-assigned rowid.
type Event struct {
	At   time.Time
	What string
}

// Mark references a keyless Event by its rowid, and is keyless too.
type Mark struct {
	EventID *memstore.RowID `relstore:"belongsTo=Event,onDelete=cascade"`
	Note    string          `relstore:"unique"`
}

// AVeryLongModelNameThatNeedsNoAbbreviationAtAll makes constraint names
// longer than PostgreSQL's 63 bytes.
type AVeryLongModelNameThatNeedsNoAbbreviationAtAll struct {
	ID                          int64
	AnotherRatherLongFieldName  string `relstore:"unique"`
	HolderWithALongishFieldName *int64 `relstore:"belongsTo=Holder"`
}

type Holder struct {
	ID int64
}

// Callback has a field with no column type.
type Callback struct {
	ID  int64
	Run func()
}

// Twins has two fields with one column name.
type Twins struct {
	ID     int64
	UserID int64
	UserId int64
}

// Copies of the models of examples/quickstart, storetest's tests and
// bench (nested module), which this package cannot import.

type QuickstartCustomer struct {
	ID    int64  `relstore:"pk,auto"`
	Email string `relstore:"unique"`
	Name  string
}

type QuickstartOrder struct {
	ID         int64 `relstore:"pk,auto"`
	CustomerID int64 `relstore:"belongsTo=Customer,onDelete=cascade"`
	Item       string
}

type QuickstartCategory struct {
	ID       string
	ParentID *string `relstore:"belongsTo=Category,as=parent"`
}

type StoretestCustomer struct {
	ID           int64  `relstore:"pk,auto"`
	Email        string `relstore:"unique"`
	Name         string
	BestFriendID *int64 `relstore:"belongsTo=Customer,as=bestFriend,onDelete=setNull"`
}

type StoretestOrder struct {
	ID         int64 `relstore:"pk,auto"`
	CustomerID int64 `relstore:"belongsTo=Customer,onDelete=cascade"`
	Item       string
}

type StoretestCategory struct {
	ID       string
	ParentID *string `relstore:"belongsTo=Category,as=parent"`
}

type StoretestStep struct {
	ID     int64
	PrevID int64 `relstore:"belongsTo=Step,as=prev"`
}

type BenchCustomer struct {
	ID    int64
	Name  string
	Email string
}

type BenchOrder struct {
	ID         int64
	CustomerID int64 `relstore:"belongsTo=Customer"`
	Quantity   int
	Note       string
}

// The indexes schema: secondary indexes by tag and in code, a composite
// unique constraint whose leading column is a foreign key (no index of its
// own), unique fields of kinds that are not keys.

type IndexesPost struct {
	ID        int64     `relstore:"pk,auto"`
	Status    string    `relstore:"index=status_created"`
	CreatedAt time.Time `relstore:"index=status_created"`
	Score     *float64  `relstore:"index"`
	Slug      string    `relstore:"unique"`
}

type IndexesTag struct {
	ID   int64
	Name string `relstore:"unique"`
}

type IndexesPostTag struct {
	ID     int64 `relstore:"pk,auto"`
	PostID int64 `relstore:"belongsTo=Post,onDelete=cascade,unique=post_tag"`
	TagID  int64 `relstore:"belongsTo=Tag,unique=post_tag"`
}

type IndexesEvent struct {
	ID     int64
	At     time.Time `relstore:"unique"`
	Weight float64   `relstore:"unique"`
	Flag   *bool     `relstore:"unique"`
	Room   string
	Seat   *int32
}

var indexesEvent = func() memstore.Model {
	m := named[IndexesEvent]("Event")
	m.Indexes = []memstore.Index{{Name: "room_seat", Fields: []string{"Room", "Seat"}, Unique: true}}
	return m
}()
