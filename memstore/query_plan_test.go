package memstore_test

import (
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/internal/relcore"
	"github.com/relstore/relstore/memstore"
)

// The blog of the planner tests: users, their posts (a compound index on
// (Status, CreatedAt), one on (AuthorID, CreatedAt) declared in code, a
// title index, a nullable unique slug, a nullable indexed score).

type blogUser struct {
	ID    int64  `relstore:"pk,auto" json:"id"`
	Email string `relstore:"unique" json:"email"`
	Name  string `json:"name"`
}

type blogPost struct {
	ID        int64     `relstore:"pk,auto" json:"id"`
	AuthorID  int64     `relstore:"belongsTo=blogUser,as=author,onDelete=cascade" json:"authorId"`
	Status    string    `relstore:"index=status_created" json:"status"`
	CreatedAt time.Time `relstore:"index=status_created" json:"createdAt"`
	Title     string    `relstore:"index" json:"title"`
	Views     int       `json:"views"`
	Slug      *string   `relstore:"unique" json:"slug,omitempty"`
	Score     *float64  `relstore:"index" json:"score"`
	Tags      []string  `json:"tags"`
}

func blogModels() []memstore.Model {
	post := memstore.ModelOf[blogPost]()
	post.Indexes = []memstore.Index{{Name: "author_created", Fields: []string{"AuthorID", "CreatedAt"}}}
	return []memstore.Model{memstore.ModelOf[blogUser](), post}
}

type blog struct {
	*memstore.Store
	users *memstore.Table[blogUser, int64]
	posts *memstore.Table[blogPost, int64]
	rel   *relcore.Rel[blogPost, blogUser]
}

var blogStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// newBlog opens the blog with users authors and posts posts: post i (from
// 1) is by author (i-1)%users+1, has status statuses[i%4], was created i
// hours after blogStart, has views i%10 and title "post i".
func newBlog(t testing.TB, users, posts int) *blog {
	t.Helper()
	s, err := memstore.New(memstore.Config{Models: blogModels()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	b := &blog{Store: s, users: mustTable[blogUser, int64](t, s), posts: mustTable[blogPost, int64](t, s),
		rel: must(relcore.RelationOf[blogPost, blogUser](s, "author"))(t)}
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		for i := 1; i <= users; i++ {
			if _, err := b.users.Insert(tx, blogUser{Email: "u" + itoa(i), Name: "user " + itoa(i)}); err != nil {
				return err
			}
		}
		for i := 1; i <= posts; i++ {
			if _, err := b.posts.Insert(tx, blogPost{AuthorID: int64((i-1)%users + 1), Status: blogStatuses[i%4],
				CreatedAt: blogStart.Add(time.Duration(i) * time.Hour), Views: i % 10, Title: "post " + itoa(i)}); err != nil {
				return err
			}
		}
		return nil
	})
	return b
}

var blogStatuses = []string{"draft", "review", "published", "archived"}

func itoa(i int) string { return string(appendInt(nil, i)) }

func appendInt(b []byte, i int) []byte {
	if i >= 10 {
		b = appendInt(b, i/10)
	}
	return append(b, byte('0'+i%10))
}

// TestPlan asserts the planner's choice for each shape of filter (the rule
// is in DESIGN.md, "Planner").
func TestPlan(t *testing.T) {
	b := newBlog(t, 2, 10)
	t0 := blogStart.Add(5 * time.Hour)
	tests := []struct {
		name string
		f    filter.Filter
		want memstore.Plan
	}{
		{"no filter: the primary key, in order", filter.Filter{},
			memstore.Plan{Index: "ID", Ranges: 1}},
		{"primary key equality: one lookup", filter.Filter{Where: filter.Eq("ID", 3)},
			memstore.Plan{Index: "ID", Eq: []string{"ID"}, Ranges: 1}},
		{"primary key inq: one lookup per value", filter.Filter{Where: filter.Inq("ID", 3, 1, 2, 3)},
			memstore.Plan{Index: "ID", Eq: []string{"ID"}, Ranges: 3}},
		{"primary key range, descending", filter.Filter{Where: filter.Gt("ID", 3), Order: []filter.Order{filter.Desc("ID")}},
			memstore.Plan{Index: "ID", Range: "ID", Ranges: 1, Reverse: true}},
		{"unique field", filter.Filter{Where: filter.And(filter.Eq("Slug", "x"), filter.Gt("Views", 2))},
			memstore.Plan{Index: "Slug", Eq: []string{"Slug"}, Ranges: 1, Residual: true}},
		{"a unique point beats a longer compound prefix", filter.Filter{Where: filter.And(
			filter.Eq("Status", "draft"), filter.Eq("CreatedAt", t0), filter.Eq("Slug", "x"))},
			memstore.Plan{Index: "Slug", Eq: []string{"Slug"}, Ranges: 1, Residual: true}},
		{"nullable unique field: no NULL rows, no order over all rows", filter.Filter{Order: []filter.Order{filter.Asc("Slug")}},
			memstore.Plan{Index: "ID", Ranges: 1, Sort: true}},
		{"nullable unique field: IS NULL is a filter", filter.Filter{Where: filter.IsNull("Slug")},
			memstore.Plan{Index: "ID", Ranges: 1, Residual: true}},
		{"foreign key", filter.Filter{Where: filter.Eq("AuthorID", 1)},
			memstore.Plan{Index: "AuthorID", Eq: []string{"AuthorID"}, Ranges: 1}},
		{"foreign key by its json name", filter.Filter{Where: filter.Eq("authorId", 1), Order: []filter.Order{filter.Desc("id")}},
			memstore.Plan{Index: "AuthorID", Eq: []string{"AuthorID"}, Ranges: 1, Reverse: true}},
		{"compound index gives the order of its second field", filter.Filter{Where: filter.Eq("AuthorID", 1),
			Order: []filter.Order{filter.Desc("CreatedAt")}, Limit: 10},
			memstore.Plan{Index: "author_created", Eq: []string{"AuthorID"}, Ranges: 1, Reverse: true, Stop: 10}},
		{"first 20 with status X, newest first", filter.Filter{Where: filter.Eq("Status", "published"),
			Order: []filter.Order{filter.Desc("CreatedAt")}, Limit: 20},
			memstore.Plan{Index: "status_created", Eq: []string{"Status"}, Ranges: 1, Reverse: true, Stop: 20}},
		{"skip and limit: stop after both", filter.Filter{Where: filter.Eq("Status", "published"),
			Order: []filter.Order{filter.Asc("CreatedAt")}, Limit: 20, Skip: 40},
			memstore.Plan{Index: "status_created", Eq: []string{"Status"}, Ranges: 1, Stop: 60}},
		{"equality then a range", filter.Filter{Where: filter.And(filter.Eq("Status", "draft"), filter.Gt("CreatedAt", t0))},
			memstore.Plan{Index: "status_created", Eq: []string{"Status"}, Range: "CreatedAt", Ranges: 1, Sort: true}},
		{"equality, between, order", filter.Filter{Where: filter.And(filter.Eq("Status", "draft"), filter.Between("CreatedAt", t0, t0.Add(time.Hour))),
			Order: []filter.Order{filter.Asc("CreatedAt")}},
			memstore.Plan{Index: "status_created", Eq: []string{"Status"}, Range: "CreatedAt", Ranges: 1}},
		{"inq on the leading field, ordered by it", filter.Filter{Where: filter.Inq("Status", "review", "draft"),
			Order: []filter.Order{filter.Asc("Status"), filter.Asc("CreatedAt")}, Limit: 5},
			memstore.Plan{Index: "status_created", Eq: []string{"Status"}, Ranges: 2, Stop: 5}},
		{"inq on the leading field, ordered by the next: top-k", filter.Filter{Where: filter.Inq("Status", "review", "draft"),
			Order: []filter.Order{filter.Desc("CreatedAt")}, Limit: 5},
			memstore.Plan{Index: "status_created", Eq: []string{"Status"}, Ranges: 2, Sort: true, TopK: 5}},
		{"a condition on a field no index has: scan and filter", filter.Filter{Where: filter.Gt("Views", 3)},
			memstore.Plan{Index: "ID", Ranges: 1, Residual: true}},
		{"order by a field no index has, with a limit: top-k", filter.Filter{Where: filter.Gt("Views", 3),
			Order: []filter.Order{filter.Desc("Views")}, Limit: 5, Skip: 2},
			memstore.Plan{Index: "ID", Ranges: 1, Residual: true, Sort: true, TopK: 7}},
		{"order without a limit: a whole sort", filter.Filter{Order: []filter.Order{filter.Asc("Views")}},
			memstore.Plan{Index: "ID", Ranges: 1, Sort: true}},
		{"order by an index's second field alone: not given", filter.Filter{Order: []filter.Order{filter.Asc("CreatedAt")}, Limit: 3},
			memstore.Plan{Index: "ID", Ranges: 1, Sort: true, TopK: 3}},
		{"order an index gives, backward", filter.Filter{Order: []filter.Order{filter.Desc("Title")}, Limit: 3},
			memstore.Plan{Index: "Title", Ranges: 1, Reverse: true, Stop: 3}},
		{"ties in the other direction: not given", filter.Filter{Order: []filter.Order{filter.Asc("Title"), filter.Desc("ID")}, Limit: 3},
			memstore.Plan{Index: "ID", Ranges: 1, Sort: true, TopK: 3}},
		{"a fixed field drops out of the order", filter.Filter{Where: filter.Eq("Status", "draft"),
			Order: []filter.Order{filter.Asc("Status"), filter.Asc("CreatedAt")}},
			memstore.Plan{Index: "status_created", Eq: []string{"Status"}, Ranges: 1}},
		{"like with a literal prefix: a range, still filtered", filter.Filter{Where: filter.Like("Title", "post 1%")},
			memstore.Plan{Index: "Title", Range: "Title", Ranges: 1, Residual: true, Sort: true}},
		{"like with a literal prefix, in the index's order", filter.Filter{Where: filter.Like("Title", "post 1%"),
			Order: []filter.Order{filter.Asc("Title")}},
			memstore.Plan{Index: "Title", Range: "Title", Ranges: 1, Residual: true}},
		{"like without wildcards: equality", filter.Filter{Where: filter.Like("Title", "post 1")},
			memstore.Plan{Index: "Title", Eq: []string{"Title"}, Ranges: 1}},
		{"ilike: no range", filter.Filter{Where: filter.ILike("Title", "post%")},
			memstore.Plan{Index: "ID", Ranges: 1, Residual: true}},
		{"like starting with a wildcard: no range", filter.Filter{Where: filter.Like("Title", "%1")},
			memstore.Plan{Index: "ID", Ranges: 1, Residual: true}},
		{"or: a filter", filter.Filter{Where: filter.Or(filter.Eq("ID", 1), filter.Eq("ID", 2))},
			memstore.Plan{Index: "ID", Ranges: 1, Residual: true}},
		{"nullable secondary index: IS NULL is an equality", filter.Filter{Where: filter.IsNull("Score")},
			memstore.Plan{Index: "Score", Eq: []string{"Score"}, Ranges: 1}},
		{"nullable secondary index: a range stops before NULLs", filter.Filter{Where: filter.Gte("Score", 1.5)},
			memstore.Plan{Index: "Score", Range: "Score", Ranges: 1, Sort: true}},
		{"empty inq: nothing to read", filter.Filter{Where: filter.Inq[int]("ID")},
			memstore.Plan{Index: "ID", Eq: []string{"ID"}, Ranges: 0}},
		{"contradictory bounds: nothing to read", filter.Filter{Where: filter.And(filter.Gt("Title", "b"), filter.Lt("Title", "a"))},
			memstore.Plan{Index: "Title", Range: "Title", Ranges: 0, Sort: true}},
		{"keyset page: the read starts at the position", filter.Filter{Where: filter.Eq("Status", "draft"),
			Order: []filter.Order{filter.Desc("CreatedAt")}, Limit: 2, After: []any{t0, 5}},
			memstore.Plan{Index: "status_created", Eq: []string{"Status"}, Ranges: 1, Reverse: true, Seek: true, Stop: 2}},
		{"keyset page without an index for the order: a filter", filter.Filter{
			Order: []filter.Order{filter.Desc("Views")}, Limit: 2, After: []any{5, 5}},
			memstore.Plan{Index: "ID", Ranges: 1, Residual: true, Sort: true, TopK: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := b.posts.Query(tt.f)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Model = "blogPost"
			if diff := gocmp.Diff(tt.want, q.Explain()); diff != "" {
				t.Errorf("Explain() (-want +got):\n%s\n%v", diff, q.Explain())
			}
		})
	}
}

// TestPlanScoped asserts the plans of Rel.Query: the owner's key is an
// equality like any other.
func TestPlanScoped(t *testing.T) {
	b := newBlog(t, 2, 10)
	tests := []struct {
		name string
		f    filter.Filter
		want memstore.Plan
	}{
		{"a customer's orders: the foreign key's index", filter.Filter{},
			memstore.Plan{Index: "AuthorID", Eq: []string{"AuthorID"}, Ranges: 1}},
		{"newest first: the compound index that starts with the foreign key", filter.Filter{
			Order: []filter.Order{filter.Desc("CreatedAt")}, Limit: 3},
			memstore.Plan{Index: "author_created", Eq: []string{"AuthorID"}, Ranges: 1, Reverse: true, Stop: 3}},
		{"by primary key: the owner checked per row", filter.Filter{Where: filter.Eq("ID", 3)},
			memstore.Plan{Index: "ID", Eq: []string{"ID"}, Ranges: 1, Residual: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := b.rel.Query(tt.f)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Model = "blogPost"
			if diff := gocmp.Diff(tt.want, q.Explain()); diff != "" {
				t.Errorf("Explain() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanString(t *testing.T) {
	b := newBlog(t, 1, 1)
	tests := []struct {
		f    filter.Filter
		want string
	}{
		{filter.Filter{Where: filter.Eq("Status", "published"), Order: []filter.Order{filter.Desc("CreatedAt")}, Limit: 20},
			"blogPost: index status_created (Status =), backward, stop after 20"},
		{filter.Filter{Where: filter.Gt("Views", 3), Order: []filter.Order{filter.Desc("Views")}, Limit: 20},
			"blogPost: index ID (whole), filter, sort, top 20"},
		{filter.Filter{Where: filter.Inq("ID", 1, 2)}, "blogPost: index ID (ID =), 2 ranges"},
		{filter.Filter{Where: filter.And(filter.Eq("Status", "x"), filter.Lt("CreatedAt", blogStart))},
			"blogPost: index status_created (Status =, CreatedAt in a range), sort"},
	}
	for _, tt := range tests {
		q, err := b.posts.Query(tt.f)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.Explain().String(); got != tt.want {
			t.Errorf("Explain(%v).String() = %q, want %q", tt.f, got, tt.want)
		}
	}
}
