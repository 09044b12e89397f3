package memstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
)

func postIDs(posts []blogPost) []int64 {
	var ids []int64
	for _, p := range posts {
		ids = append(ids, p.ID)
	}
	return ids
}

// deep nests and/or n levels deep.
func deep(n int) filter.Cond {
	c := filter.Eq("ID", 1)
	for range n {
		c = filter.And(c)
	}
	return c
}

// TestQueryRefusals: every filter a model cannot take is refused when it
// is bound, before any row is read, with an error that matches
// memstore.ErrInvalid and filter.ErrInvalid and names the path.
func TestQueryRefusals(t *testing.T) {
	b := newBlog(t, 1, 3)
	parse := func(s string) filter.Filter {
		f, err := filter.Parse([]byte(s))
		if err != nil {
			t.Fatalf("Parse(%s): %v", s, err)
		}
		return f
	}
	tests := []struct {
		name   string
		f      filter.Filter
		path   string
		reason string // a substring of the reason
	}{
		{"a value of the wrong type", parse(`{"where":{"createdAt":{"gt":12}}}`), "where.createdAt.gt", "want a time, got 12"},
		{"unknown field, listing those that exist", filter.Filter{Where: filter.Eq("Nope", 1)}, "where.Nope",
			`unknown field "Nope" of blogPost (fields: ID (id), AuthorID (authorId), Status (status)`},
		{"unknown field in an or", parse(`{"where":{"or":[{"id":1},{"nope":2}]}}`), "where.or[1].nope", "unknown field"},
		{"unknown order field", filter.Filter{Order: []filter.Order{filter.Asc("Nope")}}, "order[0]", "unknown field"},
		{"unknown fields entry", filter.Filter{Fields: filter.Fields{Names: []string{"id", "nope"}}}, "fields[1]", "unknown field"},
		{"like on an int", filter.Filter{Where: filter.Like("Views", "1%")}, "where.Views.like", "like needs a string field"},
		{"regexp on a time", parse(`{"where":{"createdAt":{"regexp":"^2026"}}}`), "where.createdAt.regexp", "regexp needs a string field"},
		{"a field that cannot be compared", filter.Filter{Where: filter.Eq("Tags", "x")}, "where.Tags", "cannot compare"},
		{"order by a field that cannot be ordered", filter.Filter{Order: []filter.Order{filter.Desc("tags")}}, "order[0]", "cannot be ordered"},
		{"a fraction for an int", parse(`{"where":{"views":1.5}}`), "where.views", "want an integer, got 1.5"},
		{"out of range", filter.Filter{Where: filter.Eq("Views", uint64(math.MaxUint64))}, "where.Views", "want an int"},
		{"a string for an int", parse(`{"where":{"views":"12"}}`), "where.views", `want an integer, got "12"`},
		{"text that is no number", filter.Filter{Where: filter.Eq("Views", filter.Text("x"))}, "where.Views", "want an integer"},
		{"an inq element", parse(`{"where":{"id":{"inq":[1,"x"]}}}`), "where.id.inq[1]", `want an integer, got "x"`},
		{"a between bound", parse(`{"where":{"createdAt":{"between":["2026-01-01T00:00:00Z","soon"]}}}`), "where.createdAt.between[1]", "want an RFC 3339 time"},
		{"NaN", filter.Filter{Where: filter.Gt("Score", math.NaN())}, "where.Score.gt", "finite"},
		{"an invalid regexp", filter.Filter{Where: filter.Regexp("Title", "(?<=a)")}, "where.Title.regexp", "invalid regexp"},
		{"nested deeper than the limit", filter.Filter{Where: deep(filter.DefaultMaxDepth + 1)},
			"where." + strings.Repeat("and[0].", filter.DefaultMaxDepth) + "and", "nest deeper than 32 levels"},
		{"a negative limit", filter.Filter{Limit: -1}, "limit", "want an integer >= 0"},
		{"after of the wrong length", filter.Filter{Order: []filter.Order{filter.Asc("Title")}, After: []any{"x"}}, "after",
			"want 2 values (one per order field, then the primary key ID)"},
		{"after with the primary key in the order", filter.Filter{Order: []filter.Order{filter.Asc("ID"), filter.Asc("Title")}, After: []any{1, "x", 3}},
			"after", "want 2 values (the order has the primary key)"},
		{"after of the wrong type", filter.Filter{Order: []filter.Order{filter.Asc("Title")}, After: []any{1, 2}}, "after[0]", "want a string"},
		{"after null for a field that cannot be NULL", parse(`{"order":"title","after":[null,1]}`), "after[0]", "got null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, bind := range []struct {
				name string
				fn   func() error
			}{
				{"Table.Query", func() error { _, err := b.posts.Query(tt.f); return err }},
				{"Store.Query", func() error { _, err := b.Store.Query("blogPost", tt.f); return err }},
				{"Rel.Query", func() error { _, err := b.rel.Query(tt.f); return err }},
			} {
				err := bind.fn()
				if !errors.Is(err, memstore.ErrInvalid) || !errors.Is(err, filter.ErrInvalid) {
					t.Fatalf("%s: error %v, want one matching memstore.ErrInvalid and filter.ErrInvalid", bind.name, err)
				}
				var fe *filter.Error
				if !errors.As(err, &fe) || fe.Path != tt.path || !strings.Contains(fe.Reason, tt.reason) {
					t.Errorf("%s: error %v, want path %q and a reason with %q", bind.name, err, tt.path, tt.reason)
				}
				var me *memstore.FilterError
				if !errors.As(err, &me) || me.Model != "blogPost" {
					t.Errorf("%s: error %v, want a *memstore.FilterError of blogPost", bind.name, err)
				}
			}
		})
	}
	t.Run("message", func(t *testing.T) {
		_, err := b.posts.Query(tests[0].f)
		if want := "memstore: query blogPost: filter: where.createdAt.gt: want a time, got 12"; err.Error() != want {
			t.Errorf("error %q, want %q", err, want)
		}
	})
}

// TestQueryMisuse: a query of one store in a transaction of another, an
// unknown model, writes in a View, a changed primary key.
func TestQueryMisuse(t *testing.T) {
	b, other := newBlog(t, 1, 3), newBlog(t, 1, 3)
	ctx := context.Background()
	q := must(b.posts.Query(filter.Filter{}))(t)
	mq := must(b.Store.Query("blogPost", filter.Filter{}))(t)
	err := other.View(ctx, func(tx *memstore.Tx) error {
		if _, err := q.Find(tx); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("Query.Find in another store's View: %v, want ErrInvalid", err)
		}
		if _, err := mq.Find(tx); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("ModelQuery.Find in another store's View: %v, want ErrInvalid", err)
		}
		if _, err := q.Delete(tx); !errors.Is(err, memstore.ErrReadOnly) && !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("Query.Delete in a View: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Store.Query("nope", filter.Filter{}); !errors.Is(err, memstore.ErrInvalid) {
		t.Errorf("Store.Query of an unknown model: %v, want ErrInvalid", err)
	}
	mustView(t, b.Store, func(tx *memstore.Tx) error {
		if _, err := q.Delete(tx); !errors.Is(err, memstore.ErrReadOnly) {
			t.Errorf("Delete in a View: %v, want ErrReadOnly", err)
		}
		if _, err := q.Update(tx, func(*blogPost) error { return nil }); !errors.Is(err, memstore.ErrReadOnly) {
			t.Errorf("Update in a View: %v, want ErrReadOnly", err)
		}
		if _, err := tx.UpdateAll("blogPost", filter.Cond{}, map[string]any{"views": 1}); !errors.Is(err, memstore.ErrReadOnly) {
			t.Errorf("UpdateAll in a View: %v, want ErrReadOnly", err)
		}
		return nil
	})
	err = b.Update(ctx, func(tx *memstore.Tx) error {
		_, err := q.Update(tx, func(p *blogPost) error { p.ID += 100; return nil })
		return err
	})
	if !errors.Is(err, memstore.ErrInvalid) {
		t.Errorf("Update that changes the primary key: %v, want ErrInvalid", err)
	}
	err = b.Update(ctx, func(tx *memstore.Tx) error {
		for _, patch := range []map[string]any{{"nope": 1}, {"id": 2}, {"views": "x"}, {"createdAt": 12}} {
			if _, err := tx.UpdateAll("blogPost", filter.Cond{}, patch); !errors.Is(err, memstore.ErrInvalid) {
				t.Errorf("UpdateAll(%v): %v, want ErrInvalid", patch, err)
			}
		}
		return nil
	})
	if !errors.Is(err, memstore.ErrInvalid) {
		t.Errorf("Update after refused patches: %v, want the first refusal", err)
	}
	for name, write := range map[string]func(tx *memstore.Tx) error{
		"DeleteWhere": func(tx *memstore.Tx) error { _, err := b.posts.DeleteWhere(tx, filter.Eq("Nope", 1)); return err },
		"UpdateWhere": func(tx *memstore.Tx) error {
			_, err := b.posts.UpdateWhere(tx, filter.Eq("Nope", 1), func(*blogPost) error { return nil })
			return err
		},
		"Tx.DeleteAll": func(tx *memstore.Tx) error { _, err := tx.DeleteAll("blogPost", filter.Eq("Nope", 1)); return err },
		"Tx.UpdateAll": func(tx *memstore.Tx) error { _, err := tx.UpdateAll("blogPost", filter.Eq("Nope", 1), nil); return err },
	} {
		err = b.Update(ctx, func(tx *memstore.Tx) error {
			if err := write(tx); !errors.Is(err, memstore.ErrInvalid) {
				t.Errorf("%s with an unknown field: %v, want ErrInvalid", name, err)
			}
			_, err := b.posts.Insert(tx, blogPost{AuthorID: 1})
			if !errors.Is(err, memstore.ErrTxAborted) {
				t.Errorf("Insert after %s refused a filter: %v, want ErrTxAborted", name, err)
			}
			return nil
		})
		if !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("Update after %s refused a filter: %v, want the refusal", name, err)
		}
	}
	mustView(t, b.Store, func(tx *memstore.Tx) error {
		got := must(b.posts.Find(tx, filter.Filter{}))(t)
		if len(got) != 3 || got[0].ID != 1 || got[0].Views != 1 {
			t.Errorf("rows after refused writes: %+v", got)
		}
		return nil
	})
}

// TestQueryOperators runs every operator on the blog's kinds and checks the
// rows, NULLs included (the reference test covers them at random; this
// one reads as a specification).
func TestQueryOperators(t *testing.T) {
	b := newBlog(t, 2, 12)
	// Posts 1..4 get scores 1.5, -0, NULL, 3; 5 and 6 get slugs.
	mustUpdate(t, b.Store, func(tx *memstore.Tx) error {
		_, err := b.posts.UpdateWhere(tx, filter.Inq("ID", 1, 2, 4, 5, 6), func(p *blogPost) error {
			switch p.ID {
			case 1:
				p.Score = ptr(1.5)
			case 2:
				p.Score = ptr(math.Copysign(0, -1))
			case 4:
				p.Score = ptr(3.0)
			default:
				p.Slug = ptr("slug-" + itoa(int(p.ID)))
				p.Score = ptr(0.0)
			}
			return nil
		})
		return err
	})
	t3 := blogStart.Add(3 * time.Hour)
	tests := []struct {
		name  string
		where filter.Cond
		want  []int64
	}{
		{"eq", filter.Eq("Views", 3), []int64{3}},
		{"eq on a time in another zone", filter.Eq("CreatedAt", t3.In(time.FixedZone("X", 7200))), []int64{3}},
		{"eq null", filter.Eq("Score", nil), []int64{3, 7, 8, 9, 10, 11, 12}},
		{"neq: never NULL", filter.Neq("Score", 0), []int64{1, 4}},
		{"neq null", filter.Neq("Score", nil), []int64{1, 2, 4, 5, 6}},
		{"-0 equals 0", filter.Eq("Score", 0), []int64{2, 5, 6}},
		{"gt", filter.Gt("Views", 8), []int64{9}},
		{"gte", filter.Gte("Views", 8), []int64{8, 9}},
		{"lt", filter.Lt("Score", 1), []int64{2, 5, 6}},
		{"lte", filter.Lte("CreatedAt", t3), []int64{1, 2, 3}},
		{"between", filter.Between("ID", 3, 5), []int64{3, 4, 5}},
		{"between, empty", filter.Between("ID", 5, 3), nil},
		{"inq", filter.Inq("Title", "post 2", "post 11", "nope"), []int64{2, 11}},
		{"inq, empty", filter.Inq[string]("Title"), nil},
		{"nin: never NULL", filter.Nin("Slug", "slug-5"), []int64{6}},
		{"nin, empty: every row, NULL included", filter.Nin[string]("Slug"), []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
		{"like", filter.Like("Title", "post 1_"), []int64{10, 11, 12}},
		{"nlike", filter.NLike("Title", "post 1%"), []int64{2, 3, 4, 5, 6, 7, 8, 9}},
		{"ilike", filter.ILike("Title", "POST 1"), []int64{1}},
		{"nilike", filter.NILike("Status", "%E%"), []int64{4, 8, 12}},
		{"regexp", filter.Regexp("Title", "/^POST [2-3]$/i"), []int64{2, 3}},
		{"nlike on NULL: never", filter.NLike("Slug", "x%"), []int64{5, 6}},
		{"isNull on a non-nullable field", filter.IsNull("Title"), nil},
		{"notNull", filter.NotNull("Slug"), []int64{5, 6}},
		{"and", filter.And(filter.Eq("AuthorID", 1), filter.Lt("ID", 6)), []int64{1, 3, 5}},
		{"or", filter.Or(filter.Eq("ID", 1), filter.Gt("ID", 11)), []int64{1, 12}},
		{"empty and", filter.And(), []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
		{"empty or", filter.Or(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustView(t, b.Store, func(tx *memstore.Tx) error {
				got := must(b.posts.Find(tx, filter.Filter{Where: tt.where}))(t)
				if diff := gocmp.Diff(tt.want, postIDs(got)); diff != "" {
					t.Errorf("Find(%v) (-want +got):\n%s", tt.where, diff)
				}
				return nil
			})
		})
	}
}

// TestQueryOrders: NULLs last ascending and first descending, ties by
// primary key in the direction of the last key, compound orders, skip and
// limit.
func TestQueryOrders(t *testing.T) {
	b := newBlog(t, 2, 8)
	mustUpdate(t, b.Store, func(tx *memstore.Tx) error {
		_, err := b.posts.UpdateWhere(tx, filter.Inq("ID", 2, 3, 5), func(p *blogPost) error {
			p.Score = ptr(float64(p.ID % 2))
			return nil
		})
		return err
	})
	tests := []struct {
		order       []filter.Order
		skip, limit int
		want        []int64
	}{
		{nil, 0, 0, []int64{1, 2, 3, 4, 5, 6, 7, 8}},
		{[]filter.Order{filter.Asc("Score")}, 0, 0, []int64{2, 3, 5, 1, 4, 6, 7, 8}},
		{[]filter.Order{filter.Desc("Score")}, 0, 0, []int64{8, 7, 6, 4, 1, 5, 3, 2}},
		{[]filter.Order{filter.Desc("Score")}, 2, 3, []int64{6, 4, 1}},
		{[]filter.Order{filter.Asc("AuthorID"), filter.Desc("Views")}, 0, 0, []int64{7, 5, 3, 1, 8, 6, 4, 2}},
		{[]filter.Order{filter.Asc("Status"), filter.Asc("CreatedAt")}, 1, 4, []int64{7, 4, 8, 2}},
		{[]filter.Order{filter.Desc("AuthorID"), filter.Asc("ID")}, 0, 3, []int64{2, 4, 6}},
		{[]filter.Order{filter.Asc("Views")}, 6, 5, []int64{7, 8}},
		{[]filter.Order{filter.Asc("Views")}, 9, 5, nil},
		{[]filter.Order{filter.Asc("Views")}, 7, math.MaxInt, []int64{8}},    // skip+limit overflows an int
		{[]filter.Order{filter.Asc("Title")}, math.MaxInt, math.MaxInt, nil}, // read in the index's order
		{[]filter.Order{filter.Desc("Title")}, 6, math.MaxInt, []int64{2, 1}},
	}
	for _, tt := range tests {
		mustView(t, b.Store, func(tx *memstore.Tx) error {
			f := filter.Filter{Order: tt.order, Skip: tt.skip, Limit: tt.limit}
			q := must(b.posts.Query(f))(t)
			got := must(q.Find(tx))(t)
			if diff := gocmp.Diff(tt.want, postIDs(got)); diff != "" {
				t.Errorf("Find(%v) (-want +got):\n%s", f, diff)
			}
			if n := must(q.Count(tx))(t); n != len(tt.want) {
				t.Errorf("Count(%v) = %d, want %d", f, n, len(tt.want))
			}
			if ok := must(q.Exists(tx))(t); ok != (len(tt.want) > 0) {
				t.Errorf("Exists(%v) = %v", f, ok)
			}
			return nil
		})
	}
}

// TestKeysetPagesUnderConcurrentInserts pages through the posts of one
// status, newest first, by keyset, while another goroutine inserts and
// deletes posts before and after the reader's position: every post that
// exists throughout is seen exactly once, and pages come in order.
func TestKeysetPagesUnderConcurrentInserts(t *testing.T) {
	b := newBlog(t, 3, 400)
	ctx := context.Background()
	// The posts with status "published" present from the start; the writer
	// deletes only posts it inserted.
	var stable []int64
	mustView(t, b.Store, func(tx *memstore.Tx) error {
		for _, p := range must(b.posts.Find(tx, filter.Filter{Where: filter.Eq("Status", "published")}))(t) {
			stable = append(stable, p.ID)
		}
		return nil
	})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var mine []int64
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			err := b.Update(ctx, func(tx *memstore.Tx) error {
				// New posts at the same instants as existing ones (ties),
				// before and after every position.
				at := blogStart.Add(time.Duration(i*37%400) * time.Hour)
				id, err := b.posts.Insert(tx, blogPost{AuthorID: 1, Status: "published", CreatedAt: at, Title: "new"})
				mine = append(mine, id)
				if err != nil || len(mine) < 5 {
					return err
				}
				victim := mine[0]
				mine = mine[1:]
				return b.posts.Delete(tx, victim)
			})
			if err != nil {
				t.Error(err)
				return
			}
		}
	}()
	f := filter.Filter{Where: filter.Eq("Status", "published"), Order: []filter.Order{filter.Desc("CreatedAt")}, Limit: 7}
	seen := map[int64]int{}
	var last *blogPost
	for pages := 0; ; pages++ {
		q := must(b.posts.Query(f))(t)
		if !q.Explain().Seek && f.After != nil {
			t.Fatalf("keyset page plan %v does not seek", q.Explain())
		}
		var page []blogPost
		mustView(t, b.Store, func(tx *memstore.Tx) error {
			page = must(q.Find(tx))(t)
			return nil
		})
		for _, p := range page {
			if last != nil && (p.CreatedAt.After(last.CreatedAt) || p.CreatedAt.Equal(last.CreatedAt) && p.ID >= last.ID) {
				t.Fatalf("page %d: post %d (%v) after post %d (%v) in a newest-first order", pages, p.ID, p.CreatedAt, last.ID, last.CreatedAt)
			}
			seen[p.ID]++
			last = &p
		}
		if len(page) == 0 {
			break
		}
		f.After = q.After(page[len(page)-1])
	}
	close(stop)
	wg.Wait()
	for _, id := range stable {
		if seen[id] != 1 {
			t.Errorf("post %d seen %d times, want once", id, seen[id])
		}
	}
}

// TestBulkWrites: Delete and Update with a where go through the integrity
// rules as single writes do, atomically, and count the rows they touched.
func TestBulkWrites(t *testing.T) {
	ctx := context.Background()
	t.Run("delete cascades, counts the matched rows", func(t *testing.T) {
		b := newBlog(t, 3, 9)
		var n int
		mustUpdate(t, b.Store, func(tx *memstore.Tx) (err error) {
			n, err = b.users.DeleteWhere(tx, filter.Lte("ID", 2))
			return err
		})
		if n != 2 {
			t.Errorf("DeleteWhere = %d, want 2", n)
		}
		mustView(t, b.Store, func(tx *memstore.Tx) error {
			if got := postIDs(must(b.posts.Find(tx, filter.Filter{}))(t)); !slices.Equal(got, []int64{3, 6, 9}) {
				t.Errorf("posts after the cascade: %v, want [3 6 9]", got)
			}
			return tx.CheckIntegrity()
		})
	})
	t.Run("delete restricted by a row the same delete removes", func(t *testing.T) {
		ts := newTestStore(t)
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) error {
			for _, c := range []Category{{ID: "a"}, {ID: "b", ParentID: ptr("a")}, {ID: "c"}} {
				if _, err := ts.categories.Insert(tx, c); err != nil {
					return err
				}
			}
			return tx.Insert(Product{SKU: "p", CategoryID: "c"})
		})
		// Product restricts the delete of category c: the whole statement
		// is refused, nothing is deleted.
		err := ts.Update(ctx, func(tx *memstore.Tx) error {
			_, err := ts.categories.DeleteWhere(tx, filter.Filter{}.Where)
			return err
		})
		var fk *memstore.ForeignKeyError
		if !errors.As(err, &fk) || fk.Referrer != "Product" || fk.Key != "c" {
			t.Fatalf("DeleteWhere of every category: %v, want a *ForeignKeyError naming Product and c", err)
		}
		mustView(t, ts.Store, func(tx *memstore.Tx) error {
			if n := must(ts.categories.Count(tx))(t); n != 3 {
				t.Errorf("categories after a refused delete: %d, want 3", n)
			}
			return nil
		})
		// Without c, a and b go together (b's parent is a: set null, but b
		// is deleted too).
		var n int
		mustUpdate(t, ts.Store, func(tx *memstore.Tx) (err error) {
			n, err = ts.categories.DeleteWhere(tx, filter.Neq("ID", "c"))
			return err
		})
		if n != 2 {
			t.Errorf("DeleteWhere = %d, want 2", n)
		}
	})
	t.Run("restrict satisfied within one statement", func(t *testing.T) {
		type node struct {
			ID       int64
			ParentID *int64 `relstore:"belongsTo=node,as=parent"` // restrict
		}
		s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[node]()}})
		if err != nil {
			t.Fatal(err)
		}
		nodes := mustTable[node, int64](t, s)
		mustUpdate(t, s, func(tx *memstore.Tx) error {
			for i := int64(1); i <= 5; i++ {
				n := node{ID: i}
				if i > 1 {
					n.ParentID = ptr(i - 1)
				}
				if _, err := nodes.Insert(tx, n); err != nil {
					return err
				}
			}
			return nil
		})
		// One by one in key order, the first delete would be refused.
		err = s.Update(ctx, func(tx *memstore.Tx) error { return nodes.Delete(tx, 1) })
		if !errors.Is(err, memstore.ErrForeignKey) {
			t.Fatalf("Delete(1): %v, want ErrForeignKey", err)
		}
		var n int
		mustUpdate(t, s, func(tx *memstore.Tx) (err error) {
			n, err = nodes.DeleteWhere(tx, filter.Cond{})
			return err
		})
		if n != 5 {
			t.Errorf("DeleteWhere = %d, want 5", n)
		}
		// A partial delete is refused: node 3 still references node 2.
		mustUpdate(t, s, func(tx *memstore.Tx) error {
			for i := int64(1); i <= 3; i++ {
				n := node{ID: i}
				if i > 1 {
					n.ParentID = ptr(i - 1)
				}
				if _, err := nodes.Insert(tx, n); err != nil {
					return err
				}
			}
			return nil
		})
		err = s.Update(ctx, func(tx *memstore.Tx) error {
			_, err := nodes.DeleteWhere(tx, filter.Lte("ID", 2))
			return err
		})
		var fk *memstore.ForeignKeyError
		if !errors.As(err, &fk) || fk.ReferrerKey != int64(3) {
			t.Errorf("DeleteWhere(ID <= 2): %v, want a *ForeignKeyError naming node 3", err)
		}
	})
	t.Run("update checks unique, atomically", func(t *testing.T) {
		b := newBlog(t, 1, 4)
		err := b.Update(ctx, func(tx *memstore.Tx) error {
			_, err := b.posts.UpdateWhere(tx, filter.Cond{}, func(p *blogPost) error {
				p.Slug = ptr("same") // the second row conflicts with the first
				p.Views = 100
				return nil
			})
			return err
		})
		var ue *memstore.UniqueError
		if !errors.As(err, &ue) || ue.Field != "Slug" {
			t.Fatalf("UpdateWhere: %v, want a *UniqueError on Slug", err)
		}
		mustView(t, b.Store, func(tx *memstore.Tx) error {
			if n := must(b.posts.CountWhere(tx, filter.Eq("Views", 100)))(t); n != 0 {
				t.Errorf("%d rows updated by a refused bulk update, want 0", n)
			}
			return nil
		})
	})
	t.Run("update checks foreign keys", func(t *testing.T) {
		b := newBlog(t, 1, 4)
		err := b.Update(ctx, func(tx *memstore.Tx) error {
			_, err := tx.UpdateAll("blogPost", filter.Eq("ID", 2), map[string]any{"authorId": json.Number("9")})
			return err
		})
		if !errors.Is(err, memstore.ErrForeignKey) {
			t.Fatalf("UpdateAll: %v, want ErrForeignKey", err)
		}
	})
	t.Run("update refuses a change of a referenced key", func(t *testing.T) {
		type owner struct {
			ID   int64
			Code string `relstore:"unique"`
		}
		type item struct {
			ID        int64
			OwnerCode string `relstore:"belongsTo=owner,keyTo=Code"`
		}
		s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[owner](), memstore.ModelOf[item]()}})
		if err != nil {
			t.Fatal(err)
		}
		mustUpdate(t, s, func(tx *memstore.Tx) error {
			if err := tx.Insert(owner{ID: 1, Code: "a"}); err != nil {
				return err
			}
			return tx.Insert(item{ID: 1, OwnerCode: "a"})
		})
		err = s.Update(ctx, func(tx *memstore.Tx) error {
			_, err := tx.UpdateAll("owner", filter.Cond{}, map[string]any{"Code": "b"})
			return err
		})
		if !errors.Is(err, memstore.ErrForeignKey) {
			t.Errorf("UpdateAll of a referenced key: %v, want ErrForeignKey", err)
		}
	})
	t.Run("update with order and limit counts what it wrote", func(t *testing.T) {
		b := newBlog(t, 1, 10)
		var n int
		mustUpdate(t, b.Store, func(tx *memstore.Tx) (err error) {
			q := must(b.posts.Query(filter.Filter{Order: []filter.Order{filter.Desc("CreatedAt")}, Limit: 3}))(t)
			n, err = q.Update(tx, func(p *blogPost) error { p.Views = -1; return nil })
			return err
		})
		mustView(t, b.Store, func(tx *memstore.Tx) error {
			got := postIDs(must(b.posts.Find(tx, filter.Filter{Where: filter.Eq("Views", -1)}))(t))
			if n != 3 || !slices.Equal(got, []int64{8, 9, 10}) {
				t.Errorf("Update = %d, rows %v; want 3, [8 9 10]", n, got)
			}
			return nil
		})
	})
}

// TestUntyped: the by-name forms a REST server uses.
func TestUntyped(t *testing.T) {
	b := newBlog(t, 2, 6)
	ctx := context.Background()
	mustView(t, b.Store, func(tx *memstore.Tx) error {
		for _, key := range []any{2, int64(2), json.Number("2"), json.Number("2.0"), filter.Text("2"), 2.0} {
			row, err := tx.Get("blogPost", key)
			if err != nil || row.(blogPost).ID != 2 {
				t.Errorf("Get(%#v) = %v, %v; want post 2", key, row, err)
			}
		}
		for _, key := range []any{"2", 2.5, json.Number("2.5"), nil, filter.Text("x")} {
			if _, err := tx.Get("blogPost", key); !errors.Is(err, memstore.ErrInvalid) {
				t.Errorf("Get(%#v): %v, want ErrInvalid", key, err)
			}
		}
		if _, err := tx.Get("blogPost", 99); !errors.Is(err, memstore.ErrNotFound) {
			t.Errorf("Get(99): %v, want ErrNotFound", err)
		}
		if _, err := tx.Get("nope", 1); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("Get of an unknown model: %v, want ErrInvalid", err)
		}
		rows, err := tx.ByFK("blogPost", "author", json.Number("2"))
		if err != nil || len(rows) != 3 || rows[0].(blogPost).ID != 2 {
			t.Errorf("ByFK = %v, %v; want posts 2, 4, 6", rows, err)
		}
		if _, err := tx.ByFK("blogPost", "nope", 1); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("ByFK of an unknown relation: %v, want ErrInvalid", err)
		}
		f, err := filter.Parse([]byte(`{"where":{"authorId":1},"order":"createdAt DESC","limit":2,"fields":["id","title"]}`))
		if err != nil {
			return err
		}
		q, err := b.Store.Query("blogPost", f)
		if err != nil {
			return err
		}
		found, err := q.Find(tx)
		if err != nil || len(found) != 2 || found[0].(blogPost).ID != 5 {
			t.Errorf("Find = %v, %v; want posts 5, 3", found, err)
		}
		var names []string
		for _, fd := range q.Fields() {
			names = append(names, fd.JSON)
		}
		if !slices.Equal(names, []string{"id", "title"}) {
			t.Errorf("Fields = %v, want [id title]", names)
		}
		ex, err := b.Store.Query("blogPost", filter.Filter{Fields: filter.Fields{Names: []string{"tags", "Score", "views"}, Exclude: true}})
		if err != nil {
			return err
		}
		names = nil
		for _, fd := range ex.Fields() {
			names = append(names, fd.Name)
		}
		if !slices.Equal(names, []string{"ID", "AuthorID", "Status", "CreatedAt", "Title", "Slug"}) {
			t.Errorf("Fields excluding = %v", names)
		}
		one, err := tx.FindOne("blogPost", filter.Filter{Where: filter.Gt("ID", 4)})
		if err != nil || one.(blogPost).ID != 5 {
			t.Errorf("FindOne = %v, %v; want post 5", one, err)
		}
		if _, err := tx.FindOne("blogPost", filter.Filter{Where: filter.Gt("ID", 9)}); !errors.Is(err, memstore.ErrNotFound) {
			t.Errorf("FindOne of nothing: %v, want ErrNotFound", err)
		}
		if n, err := tx.Count("blogPost", filter.Eq("authorId", 2)); n != 3 || err != nil {
			t.Errorf("Count = %d, %v; want 3", n, err)
		}
		if ok, err := tx.Exists("blogPost", filter.Eq("title", "post 9")); ok || err != nil {
			t.Errorf("Exists = %v, %v; want false", ok, err)
		}
		after, err := q.After(found[1])
		if err != nil || !slices.Equal(after, []any{blogStart.Add(3 * time.Hour), int64(3)}) {
			t.Errorf("After = %v, %v", after, err)
		}
		return nil
	})
	var n int
	err := b.Update(ctx, func(tx *memstore.Tx) (err error) {
		if n, err = tx.UpdateAll("blogPost", filter.Eq("authorId", 1), map[string]any{"views": json.Number("7"), "score": nil, "slug": nil, "tags": []string{"a"}}); err != nil {
			return err
		}
		m, err := tx.DeleteAll("blogPost", filter.Eq("views", 7))
		if m != 3 {
			t.Errorf("DeleteAll = %d, want 3", m)
		}
		return err
	})
	if err != nil || n != 3 {
		t.Errorf("UpdateAll = %d, %v; want 3", n, err)
	}
}
