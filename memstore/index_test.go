package memstore_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/relstore/relstore/memstore"
)

// Models with secondary indexes: posts indexed by (Status, CreatedAt) and by
// a nullable Score, tags, and the join rows between them, unique per pair.

type IxPost struct {
	ID        int64     `relstore:"pk,auto"`
	Status    string    `relstore:"index=status_created"`
	CreatedAt time.Time `relstore:"index=status_created"`
	Score     *float64  `relstore:"index"`
	Slug      string    `relstore:"unique"`
}

type IxTag struct {
	ID   int64
	Name string `relstore:"unique"`
}

type IxPostTag struct {
	ID     int64 `relstore:"pk,auto"`
	PostID int64 `relstore:"belongsTo=IxPost,as=post,onDelete=cascade,unique=post_tag"`
	TagID  int64 `relstore:"belongsTo=IxTag,as=tag,unique=post_tag"`
}

// IxSeat's unique index has nullable fields: a NULL in either never
// conflicts.
type IxSeat struct {
	ID  int64   `relstore:"pk,auto"`
	Row *string `relstore:"unique=seat"`
	Num *int32  `relstore:"unique=seat"`
}

// IxEvent has unique fields of kinds that are not key kinds.
type IxEvent struct {
	ID     int64
	At     time.Time `relstore:"unique"`
	Weight float64   `relstore:"unique"`
	Flag   *bool     `relstore:"unique"`
}

type ixStore struct {
	*memstore.Store
	posts    *memstore.Table[IxPost, int64]
	tags     *memstore.Table[IxTag, int64]
	postTags *memstore.Table[IxPostTag, int64]
	seats    *memstore.Table[IxSeat, int64]
	events   *memstore.Table[IxEvent, int64]
}

var day = time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)

// newIxStore opens a store of the index models with posts 1 and 2, tags 1
// to 3, and the links (1, 1) and (1, 2).
func newIxStore(t testing.TB) *ixStore {
	t.Helper()
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[IxPost](), memstore.ModelOf[IxTag](), memstore.ModelOf[IxPostTag](),
		memstore.ModelOf[IxSeat](), memstore.ModelOf[IxEvent](),
	}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	is := &ixStore{
		Store:    s,
		posts:    mustTable[IxPost, int64](t, s),
		tags:     mustTable[IxTag, int64](t, s),
		postTags: mustTable[IxPostTag, int64](t, s),
		seats:    mustTable[IxSeat, int64](t, s),
		events:   mustTable[IxEvent, int64](t, s),
	}
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		for _, p := range []IxPost{{Status: "draft", CreatedAt: day, Slug: "a"}, {Status: "published", CreatedAt: day, Slug: "b"}} {
			if _, err := is.posts.Insert(tx, p); err != nil {
				return err
			}
		}
		for i, name := range []string{"go", "sql", "db"} {
			if _, err := is.tags.Insert(tx, IxTag{ID: int64(i + 1), Name: name}); err != nil {
				return err
			}
		}
		for _, l := range []IxPostTag{{PostID: 1, TagID: 1}, {PostID: 1, TagID: 2}} {
			if _, err := is.postTags.Insert(tx, l); err != nil {
				return err
			}
		}
		return nil
	})
	return is
}

type ixDump struct {
	Posts    []IxPost
	PostTags []IxPostTag
	Seats    []IxSeat
	Events   []IxEvent
}

func (is *ixStore) dump(t testing.TB) ixDump {
	t.Helper()
	return ixDump{
		Posts:    allRows(t, is.Store, is.posts),
		PostTags: allRows(t, is.Store, is.postTags),
		Seats:    allRows(t, is.Store, is.seats),
		Events:   allRows(t, is.Store, is.events),
	}
}

// checkIntegrity fails the test if the store's indexes disagree with its rows.
func checkIntegrity(t testing.TB, s *memstore.Store) {
	t.Helper()
	mustView(t, s, func(tx *memstore.Tx) error { return tx.CheckIntegrity() })
}

func linkErr(op string, post, tag int64) *memstore.UniqueError {
	return &memstore.UniqueError{Op: op, Model: "IxPostTag", Field: "PostID", Value: post,
		Index: "post_tag", Fields: []string{"PostID", "TagID"}, Values: []any{post, tag}}
}

func TestCompoundUnique(t *testing.T) {
	link := func(post, tag int64) func(is *ixStore, tx *memstore.Tx) error {
		return func(is *ixStore, tx *memstore.Tx) error {
			_, err := is.postTags.Insert(tx, IxPostTag{PostID: post, TagID: tag})
			return err
		}
	}
	seat := func(row string, num int32) IxSeat {
		s := IxSeat{}
		if row != "" {
			s.Row = &row
		}
		if num != 0 {
			s.Num = &num
		}
		return s
	}
	tests := []struct {
		name string
		fn   func(is *ixStore, tx *memstore.Tx) error
		want *memstore.UniqueError // nil: the write succeeds
	}{
		{name: "insert of an existing pair", fn: link(1, 2), want: linkErr("insert", 1, 2)},
		{name: "insert of a pair that differs in one field", fn: link(1, 3)},
		{name: "insert of the same pair twice in one transaction", fn: func(is *ixStore, tx *memstore.Tx) error {
			if err := link(2, 3)(is, tx); err != nil {
				return err
			}
			return link(2, 3)(is, tx)
		}, want: linkErr("insert", 2, 3)},
		{name: "untyped insert of an existing pair", fn: func(is *ixStore, tx *memstore.Tx) error {
			return tx.Insert(IxPostTag{PostID: 1, TagID: 1})
		}, want: linkErr("insert", 1, 1)},
		{name: "update to an existing pair", fn: func(is *ixStore, tx *memstore.Tx) error {
			return is.postTags.Update(tx, IxPostTag{ID: 2, PostID: 1, TagID: 1})
		}, want: linkErr("update", 1, 1)},
		{name: "upsert to an existing pair", fn: func(is *ixStore, tx *memstore.Tx) error {
			_, err := is.postTags.Upsert(tx, IxPostTag{ID: 7, PostID: 1, TagID: 1})
			return err
		}, want: linkErr("upsert", 1, 1)},
		{name: "update keeping its own pair", fn: func(is *ixStore, tx *memstore.Tx) error {
			return is.postTags.Update(tx, IxPostTag{ID: 2, PostID: 1, TagID: 2})
		}},
		{name: "insert, delete and insert the same pair in one transaction", fn: func(is *ixStore, tx *memstore.Tx) error {
			id, err := is.postTags.Insert(tx, IxPostTag{PostID: 2, TagID: 1})
			if err != nil {
				return err
			}
			if err := is.postTags.Delete(tx, id); err != nil {
				return err
			}
			return link(2, 1)(is, tx)
		}},
		{name: "insert, delete, insert and insert again the same pair", fn: func(is *ixStore, tx *memstore.Tx) error {
			id, err := is.postTags.Insert(tx, IxPostTag{PostID: 2, TagID: 1})
			if err != nil {
				return err
			}
			if err := is.postTags.Delete(tx, id); err != nil {
				return err
			}
			if err := link(2, 1)(is, tx); err != nil {
				return err
			}
			return link(2, 1)(is, tx)
		}, want: linkErr("insert", 2, 1)},
		{name: "reusing the pair of a committed row deleted in the same transaction", fn: func(is *ixStore, tx *memstore.Tx) error {
			if err := is.postTags.Delete(tx, 1); err != nil {
				return err
			}
			return link(1, 1)(is, tx)
		}},
		{name: "reusing the pair of a row updated away in the same transaction", fn: func(is *ixStore, tx *memstore.Tx) error {
			if err := is.postTags.Update(tx, IxPostTag{ID: 1, PostID: 2, TagID: 1}); err != nil {
				return err
			}
			return link(1, 1)(is, tx)
		}},
		{name: "but not the pair a row was updated to", fn: func(is *ixStore, tx *memstore.Tx) error {
			if err := is.postTags.Update(tx, IxPostTag{ID: 1, PostID: 2, TagID: 1}); err != nil {
				return err
			}
			return link(2, 1)(is, tx)
		}, want: linkErr("insert", 2, 1)},
		{name: "swapping pairs through a free one", fn: func(is *ixStore, tx *memstore.Tx) error {
			for _, l := range []IxPostTag{{ID: 1, PostID: 2, TagID: 3}, {ID: 2, PostID: 1, TagID: 1}, {ID: 1, PostID: 1, TagID: 2}} {
				if err := is.postTags.Update(tx, l); err != nil {
					return err
				}
			}
			return nil
		}},
		{name: "reusing the pairs of rows a cascade deleted", fn: func(is *ixStore, tx *memstore.Tx) error {
			if err := is.posts.Delete(tx, 1); err != nil {
				return err
			}
			id, err := is.posts.Insert(tx, IxPost{ID: 1, Slug: "again"})
			if err != nil {
				return err
			}
			return link(id, 1)(is, tx)
		}},
		{name: "NULL in a unique index never conflicts", fn: func(is *ixStore, tx *memstore.Tx) error {
			for _, s := range []IxSeat{seat("A", 0), seat("A", 0), seat("", 1), seat("", 1), seat("", 0), seat("", 0), seat("A", 1)} {
				if _, err := is.seats.Insert(tx, s); err != nil {
					return err
				}
			}
			return nil
		}},
		{name: "values in every field do", fn: func(is *ixStore, tx *memstore.Tx) error {
			for _, s := range []IxSeat{seat("A", 0), seat("A", 1), seat("A", 1)} {
				if _, err := is.seats.Insert(tx, s); err != nil {
					return err
				}
			}
			return nil
		}, want: &memstore.UniqueError{Op: "insert", Model: "IxSeat", Field: "Row", Value: "A",
			Index: "seat", Fields: []string{"Row", "Num"}, Values: []any{"A", int32(1)}}},
		{name: "an update from NULL to a taken pair", fn: func(is *ixStore, tx *memstore.Tx) error {
			for _, s := range []IxSeat{seat("A", 1), seat("A", 0)} {
				if _, err := is.seats.Insert(tx, s); err != nil {
					return err
				}
			}
			return is.seats.Update(tx, IxSeat{ID: 2, Row: ptr("A"), Num: ptr[int32](1)})
		}, want: &memstore.UniqueError{Op: "update", Model: "IxSeat", Field: "Row", Value: "A",
			Index: "seat", Fields: []string{"Row", "Num"}, Values: []any{"A", int32(1)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := newIxStore(t)
			before := is.dump(t)
			err := is.Update(context.Background(), func(tx *memstore.Tx) error { return tt.fn(is, tx) })
			checkIntegrity(t, is.Store)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Update = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, memstore.ErrUnique) {
				t.Errorf("Update = %v, want ErrUnique", err)
			}
			var got *memstore.UniqueError
			if !errors.As(err, &got) {
				t.Fatalf("Update = %T %v, want *UniqueError", err, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("UniqueError mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, is.dump(t)); diff != "" {
				t.Errorf("store changed by a refused write (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCompoundUniqueAcrossTransactions checks that a unique index follows
// commits, rollbacks and Restore: what is refused is what the committed
// state holds.
func TestCompoundUniqueAcrossTransactions(t *testing.T) {
	is := newIxStore(t)
	ctx := context.Background()
	insert := func(post, tag int64) error {
		return is.Update(ctx, func(tx *memstore.Tx) error {
			_, err := is.postTags.Insert(tx, IxPostTag{PostID: post, TagID: tag})
			return err
		})
	}
	// A rolled-back insert leaves its pair free.
	errRollback := errors.New("roll back")
	err := is.Update(ctx, func(tx *memstore.Tx) error {
		if _, err := is.postTags.Insert(tx, IxPostTag{PostID: 2, TagID: 2}); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("Update = %v, want %v", err, errRollback)
	}
	snap, err := is.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := insert(2, 2); err != nil {
		t.Fatalf("insert (2, 2) after its rollback = %v, want nil", err)
	}
	if err := insert(2, 2); !errors.Is(err, memstore.ErrUnique) {
		t.Fatalf("insert (2, 2) after its commit = %v, want ErrUnique", err)
	}
	// A rolled-back delete keeps its pair taken.
	err = is.Update(ctx, func(tx *memstore.Tx) error {
		if err := is.postTags.Delete(tx, 1); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("Update = %v, want %v", err, errRollback)
	}
	if err := insert(1, 1); !errors.Is(err, memstore.ErrUnique) {
		t.Fatalf("insert (1, 1) after a rolled-back delete = %v, want ErrUnique", err)
	}
	// Restore brings back the snapshot's pairs, and frees the later ones.
	mustUpdate(t, is.Store, func(tx *memstore.Tx) error { return is.postTags.Delete(tx, 1) })
	if err := insert(1, 1); err != nil {
		t.Fatalf("insert (1, 1) after its delete = %v, want nil", err)
	}
	if err := is.Restore(ctx, snap); err != nil {
		t.Fatal(err)
	}
	checkIntegrity(t, is.Store)
	if err := insert(1, 1); !errors.Is(err, memstore.ErrUnique) {
		t.Errorf("insert (1, 1) after Restore = %v, want ErrUnique (the snapshot holds it)", err)
	}
	if err := insert(2, 2); err != nil {
		t.Errorf("insert (2, 2) after Restore = %v, want nil (the snapshot predates it)", err)
	}
	checkIntegrity(t, is.Store)
}

func TestUniqueFieldsOfEveryKind(t *testing.T) {
	minusZero := math.Copysign(0, -1)
	tests := []struct {
		name string
		ev   IxEvent
		want *memstore.UniqueError // nil: the insert succeeds
	}{
		{"another time and weight", IxEvent{ID: 2, At: day.Add(1), Weight: 2, Flag: ptr(false)}, nil},
		{"the same instant in another zone", IxEvent{ID: 2, At: day.In(time.FixedZone("X", 3600)), Weight: 2},
			&memstore.UniqueError{Op: "insert", Model: "IxEvent", Field: "At", Value: day, Fields: []string{"At"}, Values: []any{day}}},
		{"minus zero is zero", IxEvent{ID: 2, At: day.Add(1), Weight: minusZero},
			&memstore.UniqueError{Op: "insert", Model: "IxEvent", Field: "Weight", Value: 0.0, Fields: []string{"Weight"}, Values: []any{0.0}}},
		{"a taken bool", IxEvent{ID: 2, At: day.Add(1), Weight: 2, Flag: ptr(true)},
			&memstore.UniqueError{Op: "insert", Model: "IxEvent", Field: "Flag", Value: true, Fields: []string{"Flag"}, Values: []any{true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := newIxStore(t)
			mustUpdate(t, is.Store, func(tx *memstore.Tx) error {
				_, err := is.events.Insert(tx, IxEvent{ID: 1, At: day, Weight: 0, Flag: ptr(true)})
				return err
			})
			err := is.Update(context.Background(), func(tx *memstore.Tx) error {
				_, err := is.events.Insert(tx, tt.ev)
				return err
			})
			checkIntegrity(t, is.Store)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Insert = %v, want nil", err)
				}
				return
			}
			var got *memstore.UniqueError
			if !errors.As(err, &got) {
				t.Fatalf("Insert = %T %v, want *UniqueError", err, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("UniqueError mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("lookup by instant", func(t *testing.T) {
		is := newIxStore(t)
		mustUpdate(t, is.Store, func(tx *memstore.Tx) error {
			_, err := is.events.Insert(tx, IxEvent{ID: 1, At: day, Weight: 1})
			return err
		})
		mustView(t, is.Store, func(tx *memstore.Tx) error {
			got, err := is.events.Lookup(tx, "At", day.In(time.FixedZone("Y", -7200)))
			if err != nil {
				return err
			}
			if got.ID != 1 {
				t.Errorf("Lookup(At) = %+v, want row 1", got)
			}
			if _, err := is.events.Lookup(tx, "Weight", math.NaN()); !errors.Is(err, memstore.ErrInvalid) {
				t.Errorf("Lookup(Weight, NaN) = %v, want ErrInvalid", err)
			}
			return nil
		})
	})
}

// TestIndexRefusesBadValues checks that a value an index cannot hold (NaN,
// a string longer than MaxKeyLen) is refused with ErrInvalid on insert and
// update, and changes nothing.
func TestIndexRefusesBadValues(t *testing.T) {
	nan := math.NaN()
	long := strings.Repeat("x", memstore.MaxKeyLen+1)
	tests := []struct {
		name string
		fn   func(is *ixStore, tx *memstore.Tx) error
	}{
		{"insert of NaN in an indexed field", func(is *ixStore, tx *memstore.Tx) error {
			_, err := is.posts.Insert(tx, IxPost{Slug: "c", Score: &nan})
			return err
		}},
		{"update to NaN", func(is *ixStore, tx *memstore.Tx) error {
			return is.posts.Update(tx, IxPost{ID: 1, Slug: "a", Score: &nan})
		}},
		{"insert of NaN in a unique field", func(is *ixStore, tx *memstore.Tx) error {
			_, err := is.events.Insert(tx, IxEvent{ID: 1, Weight: nan})
			return err
		}},
		{"insert of a long string in a compound index", func(is *ixStore, tx *memstore.Tx) error {
			return tx.Insert(IxPost{Slug: "c", Status: long})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := newIxStore(t)
			before := is.dump(t)
			err := is.Update(context.Background(), func(tx *memstore.Tx) error { return tt.fn(is, tx) })
			if !errors.Is(err, memstore.ErrInvalid) {
				t.Errorf("Update = %v, want ErrInvalid", err)
			}
			if diff := cmp.Diff(before, is.dump(t)); diff != "" {
				t.Errorf("store changed by a refused write (-want +got):\n%s", diff)
			}
			checkIntegrity(t, is.Store)
		})
	}
}

func TestUniqueErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *memstore.UniqueError
		want string
	}{
		{"a unique field", &memstore.UniqueError{Op: "insert", Model: "Customer", Field: "Email", Value: "a@x",
			Fields: []string{"Email"}, Values: []any{"a@x"}}, "memstore: insert Customer: Email a@x already exists"},
		{"a unique index", linkErr("insert", 1, 2), "memstore: insert IxPostTag: (PostID, TagID) = (1, 2) already exists (unique index post_tag)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestModelsIndexes(t *testing.T) {
	post := memstore.ModelOf[IxPost]()
	post.Indexes = []memstore.Index{{Name: "created_status", Fields: []string{"CreatedAt", "Status"}}, {Fields: []string{"Slug", "Score"}, Unique: true}}
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{post, memstore.ModelOf[IxTag](), memstore.ModelOf[IxPostTag]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := map[string][]memstore.Index{}
	for _, m := range s.Models() {
		got[m.Name] = m.Indexes
	}
	want := map[string][]memstore.Index{
		"IxPost": {
			{Name: "status_created", Fields: []string{"Status", "CreatedAt"}},
			{Name: "Score", Fields: []string{"Score"}},
			{Name: "created_status", Fields: []string{"CreatedAt", "Status"}},
			{Name: "Slug_Score", Fields: []string{"Slug", "Score"}, Unique: true},
		},
		"IxTag":     nil,
		"IxPostTag": {{Name: "post_tag", Fields: []string{"PostID", "TagID"}, Unique: true}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Models() indexes mismatch (-want +got):\n%s", diff)
	}
	// Unique lists unique fields only, as before.
	for _, m := range s.Models() {
		if m.Name == "IxPostTag" && len(m.Unique) != 0 {
			t.Errorf("IxPostTag Unique = %v, want none (post_tag is an index)", m.Unique)
		}
	}
}

// Models that New must refuse for their indexes.
type (
	ixUnsupported struct {
		ID   int64
		Tags []string `relstore:"index"`
	}
	ixComplex struct {
		ID int64
		C  complex128 `relstore:"index=a"`
	}
	ixStructField struct {
		ID  int64
		Pos struct{ X, Y int } `relstore:"index"`
	}
	ixEmptyName struct {
		ID   int64
		Name string `relstore:"index="`
	}
	ixEmptyUniqueName struct {
		ID   int64
		Name string `relstore:"unique="`
	}
	ixUniqueAndNot struct {
		ID int64
		A  int64 `relstore:"index=ab"`
		B  int64 `relstore:"unique=ab"`
	}
	ixOnPK struct {
		ID int64 `relstore:"index"`
	}
	ixOnUnique struct {
		ID    int64
		Email string `relstore:"unique,index"`
	}
	ixOnFK struct {
		ID         int64
		CustomerID int64 `relstore:"belongsTo=Customer,index"`
	}
	ixPlain struct {
		ID    int64
		Name  string
		Email string `relstore:"unique"`
		Age   int
	}
	ixShadow struct {
		ID   int64
		Text string
	}
	ixTwiceInOne struct {
		ID int64
		A  int64 `relstore:"index=a,index=a"`
	}
	ixKeyToTime struct {
		ID int64
		At time.Time `relstore:"belongsTo=IxEvent,keyTo=At"`
	}
	ixKeyToFloat struct {
		ID     int64
		Weight float64 `relstore:"belongsTo=IxEvent,keyTo=Weight"`
	}
)

func TestIndexSchemaErrors(t *testing.T) {
	withIndexes := func(m memstore.Model, ixs ...memstore.Index) memstore.Model {
		m.Indexes = ixs
		return m
	}
	shadow := memstore.ModelOf[ixShadow]()
	shadow.Relations = []memstore.Relation{{Target: "Customer", Shadow: true}} // shadow column CustomerID
	shadow.Indexes = []memstore.Index{{Name: "by_customer", Fields: []string{"Text", "CustomerID"}}}
	tests := []struct {
		name      string
		models    []memstore.Model
		wantModel string
		wantField string
	}{
		{"unknown field", []memstore.Model{withIndexes(memstore.ModelOf[ixPlain](), memstore.Index{Name: "x", Fields: []string{"Name", "Nope"}})}, "ixPlain", "Nope"},
		{"slice field", []memstore.Model{memstore.ModelOf[ixUnsupported]()}, "ixUnsupported", "Tags"},
		{"complex field", []memstore.Model{memstore.ModelOf[ixComplex]()}, "ixComplex", "C"},
		{"struct field", []memstore.Model{memstore.ModelOf[ixStructField]()}, "ixStructField", "Pos"},
		{"duplicate names in code", []memstore.Model{withIndexes(memstore.ModelOf[ixPlain](),
			memstore.Index{Name: "x", Fields: []string{"Name"}}, memstore.Index{Name: "x", Fields: []string{"Age"}})}, "ixPlain", "x"},
		{"a code index named like a tag index", []memstore.Model{withIndexes(memstore.ModelOf[IxPost](),
			memstore.Index{Name: "status_created", Fields: []string{"Slug", "Score"}})}, "IxPost", "status_created"},
		{"an index named like a unique field", []memstore.Model{withIndexes(memstore.ModelOf[ixPlain](),
			memstore.Index{Name: "Email", Fields: []string{"Name", "Age"}})}, "ixPlain", "Email"},
		{"an index without fields", []memstore.Model{withIndexes(memstore.ModelOf[ixPlain](), memstore.Index{Name: "x"})}, "ixPlain", "x"},
		{"two indexes over the same fields", []memstore.Model{withIndexes(memstore.ModelOf[ixPlain](),
			memstore.Index{Name: "x", Fields: []string{"Name", "Age"}}, memstore.Index{Name: "y", Fields: []string{"Name", "Age"}, Unique: true})}, "ixPlain", "y"},
		{"a field twice in a code index", []memstore.Model{withIndexes(memstore.ModelOf[ixPlain](),
			memstore.Index{Name: "x", Fields: []string{"Name", "Age", "Name"}})}, "ixPlain", "Name"},
		{"a field twice in a tag index", []memstore.Model{memstore.ModelOf[ixTwiceInOne]()}, "ixTwiceInOne", "A"},
		{"index without a name", []memstore.Model{memstore.ModelOf[ixEmptyName]()}, "ixEmptyName", "Name"},
		{"unique index without a name", []memstore.Model{memstore.ModelOf[ixEmptyUniqueName]()}, "ixEmptyUniqueName", "Name"},
		{"one name both unique and not", []memstore.Model{memstore.ModelOf[ixUniqueAndNot]()}, "ixUniqueAndNot", "B"},
		{"index on the primary key", []memstore.Model{memstore.ModelOf[ixOnPK]()}, "ixOnPK", "ID"},
		{"index on a unique field", []memstore.Model{memstore.ModelOf[ixOnUnique]()}, "ixOnUnique", "Email"},
		{"index on a foreign key alone", []memstore.Model{memstore.ModelOf[Customer](), memstore.ModelOf[ixOnFK]()}, "ixOnFK", "CustomerID"},
		{"unique index on a unique field alone", []memstore.Model{withIndexes(memstore.ModelOf[ixPlain](),
			memstore.Index{Name: "x", Fields: []string{"Email"}, Unique: true})}, "ixPlain", "Email"},
		{"index on a shadow column", []memstore.Model{memstore.ModelOf[Customer](), shadow}, "ixShadow", "CustomerID"},
		{"keyTo a unique time", []memstore.Model{memstore.ModelOf[IxEvent](), memstore.ModelOf[ixKeyToTime]()}, "ixKeyToTime", "At"},
		{"keyTo a unique float", []memstore.Model{memstore.ModelOf[IxEvent](), memstore.ModelOf[ixKeyToFloat]()}, "ixKeyToFloat", "Weight"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := memstore.New(memstore.Config{Models: tt.models})
			if err == nil {
				s.Close()
				t.Fatalf("New() = nil error, want ErrSchema")
			}
			var se *memstore.SchemaError
			if !errors.As(err, &se) || !errors.Is(err, memstore.ErrSchema) {
				t.Fatalf("New() = %T %v, want *SchemaError", err, err)
			}
			if se.Model != tt.wantModel || se.Field != tt.wantField {
				t.Errorf("New() = %v: Model, Field = %q, %q, want %q, %q", err, se.Model, se.Field, tt.wantModel, tt.wantField)
			}
			if se.Reason == "" {
				t.Errorf("New() = %v: empty Reason", err)
			}
			t.Log(err)
		})
	}
}

// IxLog has no key field: its secondary keys end with the store-assigned
// RowID.
type IxLog struct {
	Level string    `relstore:"index=level_at,unique=level_seq"`
	Seq   int64     `relstore:"unique=level_seq"`
	At    time.Time `relstore:"index=level_at"`
}

func TestIndexesOfKeylessModel(t *testing.T) {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[IxLog]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	logs := mustTable[IxLog, memstore.RowID](t, s)
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		for i, l := range []IxLog{{Level: "info", Seq: 1}, {Level: "info", Seq: 2}, {Level: "warn", Seq: 1}} {
			l.At = day.Add(time.Duration(i))
			if _, err := logs.Insert(tx, l); err != nil {
				return err
			}
		}
		return logs.UpdateKey(tx, 2, IxLog{Level: "info", Seq: 3, At: day})
	})
	checkIntegrity(t, s)
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		_, err := logs.Insert(tx, IxLog{Level: "info", Seq: 3})
		return err
	})
	want := &memstore.UniqueError{Op: "insert", Model: "IxLog", Field: "Level", Value: "info",
		Index: "level_seq", Fields: []string{"Level", "Seq"}, Values: []any{"info", int64(3)}}
	var got *memstore.UniqueError
	if !errors.As(err, &got) {
		t.Fatalf("Insert(info, 3) = %v, want *UniqueError", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("UniqueError mismatch (-want +got):\n%s", diff)
	}
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		if err := logs.Delete(tx, 2); err != nil {
			return err
		}
		_, err := logs.Insert(tx, IxLog{Level: "info", Seq: 3})
		return err
	})
	checkIntegrity(t, s)
}
