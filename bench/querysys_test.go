package bench

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	memdb "github.com/hashicorp/go-memdb"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
)

// The query workload of issue 14 and its four systems. BenchmarkQuery* in
// query_test.go time them.
//
// 100,000 posts over 10,000 authors (AuthorID uniform at random), Status
// uniform among 4 values, CreatedAt uniform over 2026 in whole seconds,
// Views uniform in [0, 100,000) and indexed by no system, fixed seeds.
// Every system orders a status's posts newest first, ties by id
// descending, with an index on (Status, CreatedAt). Each system's
// operations are functions of their own (go:noinline), so that a profile or
// callgrind's --toggle-collect can be limited to one.
const (
	nAuthors  = 10_000
	nPosts    = 100_000
	pageRows  = 20     // rows per page
	deepSkip  = 10_000 // the deep page starts after this many rows of its status (~25,000)
	viewsSpan = 10     // a scan matches Views in [lo, lo+viewsSpan): ~10 posts
)

var postStatuses = []string{"draft", "review", "published", "archived"}

// Author is the target of Post's foreign key.
type Author struct {
	ID   int64
	Name string
}

// Post is the model the queries read; its only secondary index is
// (Status, CreatedAt). Views is indexed by no system.
type Post struct {
	ID        int64
	AuthorID  int64     `relstore:"belongsTo=Author"`
	Status    string    `relstore:"index=status_created"`
	CreatedAt time.Time `relstore:"index=status_created"`
	Views     int
	Title     string
}

// postWorkload is the data and the positions the benchmarks use.
type postWorkload struct {
	authors []Author
	posts   []Post // posts[i].ID == i+1
	// deep[s] is the last row before the deep page of status s (its
	// deepSkip-th row, newest first): the keyset position.
	deep [4]Post
	// viewsLo are the lower bounds of the scans, a random sequence.
	viewsLo []int
}

func newPostWorkload() *postWorkload {
	rng := rand.New(rand.NewPCG(14, 2026))
	w := &postWorkload{authors: make([]Author, nAuthors), posts: make([]Post, nPosts)}
	for i := range w.authors {
		w.authors[i] = Author{ID: int64(i + 1), Name: fmt.Sprintf("author %05d", i+1)}
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range w.posts {
		w.posts[i] = Post{
			ID:        int64(i + 1),
			AuthorID:  1 + rng.Int64N(nAuthors),
			Status:    postStatuses[rng.IntN(len(postStatuses))],
			CreatedAt: start.Add(time.Duration(rng.Int64N(365*24*3600)) * time.Second),
			Views:     rng.IntN(nPosts),
			Title:     fmt.Sprintf("post title %06d", i+1), // 17 bytes
		}
	}
	for s, status := range postStatuses {
		w.deep[s] = w.newest(status)[deepSkip-1]
	}
	w.viewsLo = make([]int, seqLen)
	for i := range w.viewsLo {
		w.viewsLo[i] = rng.IntN(nPosts - viewsSpan)
	}
	return w
}

// newest returns the posts of status, newest first, ties by id descending:
// the order every system gives.
func (w *postWorkload) newest(status string) []Post {
	var out []Post
	for _, p := range w.posts {
		if p.Status == status {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, newestFirst)
	return out
}

func newestFirst(a, b Post) int {
	if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
		return c
	}
	return int(b.ID - a.ID)
}

// The filters of the relstore system.
func first20Filter(status string) filter.Filter {
	return filter.Filter{Where: filter.Eq("Status", status), Order: []filter.Order{filter.Desc("CreatedAt")}, Limit: pageRows}
}

func keysetFilter(status string, after Post) filter.Filter {
	f := first20Filter(status)
	f.After = []any{after.CreatedAt, after.ID}
	return f
}

func skipFilter(status string) filter.Filter {
	f := first20Filter(status)
	f.Skip = deepSkip
	return f
}

func scanFilter(lo int) filter.Filter {
	return filter.Filter{Where: filter.Between("Views", lo, lo+viewsSpan-1)}
}

// relstorePosts is relstore through its public API, no owner cache.
type relstorePosts struct {
	store *memstore.Store
	posts *memstore.Table[Post, int64]
	// first20 and count are the queries bound once per status.
	first20, count [4]*memstore.Query[Post, int64]
}

func loadRelstorePosts(tb testing.TB, w *postWorkload) *relstorePosts {
	tb.Helper()
	ctx := context.Background()
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Author](), memstore.ModelOf[Post]()}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	r := &relstorePosts{store: s}
	authors, err := memstore.TableOf[Author, int64](s)
	if err != nil {
		tb.Fatal(err)
	}
	if r.posts, err = memstore.TableOf[Post, int64](s); err != nil {
		tb.Fatal(err)
	}
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		for _, a := range w.authors {
			if _, err := authors.Insert(tx, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	for lo := 0; lo < len(w.posts); lo += batchRows {
		err := s.Update(ctx, func(tx *memstore.Tx) error {
			for _, p := range w.posts[lo : lo+batchRows] {
				if _, err := r.posts.Insert(tx, p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	for i, status := range postStatuses {
		if r.first20[i], err = r.posts.Query(first20Filter(status)); err != nil {
			tb.Fatal(err)
		}
		if r.count[i], err = r.posts.Query(filter.Filter{Where: filter.Eq("Status", status)}); err != nil {
			tb.Fatal(err)
		}
	}
	return r
}

// find runs a bound query in a read transaction.
//
//go:noinline
func (r *relstorePosts) find(ctx context.Context, q *memstore.Query[Post, int64]) (out []Post, err error) {
	err = r.store.View(ctx, func(tx *memstore.Tx) error {
		out, err = q.Find(tx)
		return err
	})
	return out, err
}

// findFilter binds f and runs it in a read transaction.
//
//go:noinline
func (r *relstorePosts) findFilter(ctx context.Context, f filter.Filter) (out []Post, err error) {
	err = r.store.View(ctx, func(tx *memstore.Tx) error {
		out, err = r.posts.Find(tx, f)
		return err
	})
	return out, err
}

//go:noinline
func (r *relstorePosts) countOf(ctx context.Context, q *memstore.Query[Post, int64]) (n int, err error) {
	err = r.store.View(ctx, func(tx *memstore.Tx) error {
		n, err = q.Count(tx)
		return err
	})
	return n, err
}

// sqlitePosts is SQLite in memory through database/sql with prepared
// statements (see sqliteSys), the posts' CreatedAt as INTEGER nanoseconds
// (the fastest form for SQLite to compare and the driver to scan), and an
// index on (status, created_at), whose entries end with the rowid (id), so
// "ORDER BY created_at DESC, id DESC" reads it backward and sorts nothing
// (TestQuerySystems checks the plans).
type sqlitePosts struct {
	db                                 *sql.DB
	first20, count, keyset, skip, scan *sql.Stmt
}

const sqlitePostSchema = `
CREATE TABLE authors (
	id   INTEGER PRIMARY KEY,
	name TEXT NOT NULL
);
CREATE TABLE posts (
	id         INTEGER PRIMARY KEY,
	author_id  INTEGER NOT NULL REFERENCES authors(id),
	status     TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	views      INTEGER NOT NULL,
	title      TEXT NOT NULL
);
CREATE INDEX posts_author_id ON posts(author_id);
CREATE INDEX posts_status_created_at ON posts(status, created_at);
`

const postColumns = "id, author_id, status, created_at, views, title"

// The statements of sqlitePosts, also explained by TestQuerySystems.
var sqlitePostQueries = map[string]string{
	"first20": "SELECT " + postColumns + " FROM posts WHERE status = ? ORDER BY created_at DESC, id DESC LIMIT 20",
	"count":   "SELECT count(*) FROM posts WHERE status = ?",
	"keyset":  "SELECT " + postColumns + " FROM posts WHERE status = ? AND (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT 20",
	"skip":    "SELECT " + postColumns + " FROM posts WHERE status = ? ORDER BY created_at DESC, id DESC LIMIT 20 OFFSET ?",
	"scan":    "SELECT " + postColumns + " FROM posts WHERE views BETWEEN ? AND ? ORDER BY id",
}

func loadSQLitePosts(tb testing.TB, w *postWorkload) *sqlitePosts {
	tb.Helper()
	base := openSQLite(tb) // the pinned connection, foreign keys on
	db := base.db
	if _, err := db.Exec(sqlitePostSchema); err != nil {
		tb.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	for _, a := range w.authors {
		if _, err := tx.Exec("INSERT INTO authors (id, name) VALUES (?, ?)", a.ID, a.Name); err != nil {
			tb.Fatal(err)
		}
	}
	ins, err := tx.Prepare("INSERT INTO posts (" + postColumns + ") VALUES (?, ?, ?, ?, ?, ?)")
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range w.posts {
		if _, err := ins.Exec(p.ID, p.AuthorID, p.Status, p.CreatedAt.UnixNano(), p.Views, p.Title); err != nil {
			tb.Fatal(err)
		}
	}
	ins.Close()
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec("ANALYZE"); err != nil {
		tb.Fatal(err)
	}
	s := &sqlitePosts{db: db}
	for name, st := range map[string]**sql.Stmt{"first20": &s.first20, "count": &s.count, "keyset": &s.keyset, "skip": &s.skip, "scan": &s.scan} {
		if *st, err = db.Prepare(sqlitePostQueries[name]); err != nil {
			tb.Fatalf("prepare %s: %v", name, err)
		}
	}
	return s
}

func scanPosts(rows *sql.Rows, out []Post) ([]Post, error) {
	defer rows.Close()
	for rows.Next() {
		var p Post
		var at int64
		if err := rows.Scan(&p.ID, &p.AuthorID, &p.Status, &at, &p.Views, &p.Title); err != nil {
			return out, err
		}
		p.CreatedAt = time.Unix(0, at).UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

//go:noinline
func (s *sqlitePosts) query(ctx context.Context, st *sql.Stmt, args ...any) ([]Post, error) {
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	return scanPosts(rows, nil)
}

//go:noinline
func (s *sqlitePosts) countOf(ctx context.Context, status string) (n int, err error) {
	err = s.count.QueryRowContext(ctx, status).Scan(&n)
	return n, err
}

// memdbPosts is go-memdb written by hand: an "id" index, an "author_id"
// index, and a compound (Status, CreatedAt) index whose indexer builds the
// key from the *Post directly (no reflection), non-unique, so go-memdb
// appends the id index's key: entries are ordered by (Status, CreatedAt,
// ID), and read backward for newest first.
type memdbPosts struct {
	db *memdb.MemDB
}

// statusCreatedIndex is the hand-written compound indexer: status, a NUL,
// CreatedAt as 8 big-endian bytes of its nanoseconds with the sign bit
// flipped. Its FromArgs takes (status), (status, time) or (status, time,
// id), the id encoded as IntFieldIndex encodes it (the suffix go-memdb
// appends), for keyset seeks.
type statusCreatedIndex struct{}

func appendStatusCreated(b []byte, status string, at time.Time) []byte {
	b = append(b, status...)
	b = append(b, 0)
	return binary.BigEndian.AppendUint64(b, uint64(at.UnixNano())^1<<63)
}

func (statusCreatedIndex) FromObject(obj any) (bool, []byte, error) {
	p := obj.(*Post)
	return true, appendStatusCreated(make([]byte, 0, len(p.Status)+1+8), p.Status, p.CreatedAt), nil
}

func (statusCreatedIndex) FromArgs(args ...any) ([]byte, error) {
	status, ok := args[0].(string)
	if !ok || len(args) > 3 {
		return nil, fmt.Errorf("status_created: want (string[, time.Time[, int64]]), got %v", args)
	}
	if len(args) == 1 {
		return append([]byte(status), 0), nil
	}
	b := appendStatusCreated(nil, status, args[1].(time.Time))
	if len(args) == 3 {
		b = binary.BigEndian.AppendUint64(b, uint64(args[2].(int64))^1<<63)
	}
	return b, nil
}

func (i statusCreatedIndex) PrefixFromArgs(args ...any) ([]byte, error) { return i.FromArgs(args...) }

func loadMemdbPosts(tb testing.TB, w *postWorkload) *memdbPosts {
	tb.Helper()
	db, err := memdb.NewMemDB(&memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
		"author": {Name: "author", Indexes: map[string]*memdb.IndexSchema{
			"id": {Name: "id", Unique: true, Indexer: &memdb.IntFieldIndex{Field: "ID"}},
		}},
		"post": {Name: "post", Indexes: map[string]*memdb.IndexSchema{
			"id":             {Name: "id", Unique: true, Indexer: &memdb.IntFieldIndex{Field: "ID"}},
			"author_id":      {Name: "author_id", Indexer: &memdb.IntFieldIndex{Field: "AuthorID"}},
			"status_created": {Name: "status_created", Indexer: statusCreatedIndex{}},
		}},
	}})
	if err != nil {
		tb.Fatal(err)
	}
	txn := db.Txn(true)
	for i := range w.authors {
		if err := txn.Insert("author", &w.authors[i]); err != nil {
			tb.Fatal(err)
		}
	}
	txn.Commit()
	for lo := 0; lo < len(w.posts); lo += batchRows {
		txn := db.Txn(true)
		for _, p := range w.posts[lo : lo+batchRows] {
			if a, err := txn.First("author", "id", p.AuthorID); a == nil || err != nil {
				tb.Fatalf("post %d: author %d: %v, %v", p.ID, p.AuthorID, a, err)
			}
			p := p
			if err := txn.Insert("post", &p); err != nil {
				tb.Fatal(err)
			}
		}
		txn.Commit()
	}
	return &memdbPosts{db: db}
}

// newest returns up to n posts of status, newest first, after the
// position (at, id) when after is set.
//
//go:noinline
func (m *memdbPosts) newest(status string, after *Post, skip, n int) ([]Post, error) {
	txn := m.db.Txn(false)
	var it memdb.ResultIterator
	var err error
	if after != nil {
		it, err = txn.ReverseLowerBound("post", "status_created", status, after.CreatedAt, after.ID)
	} else {
		it, err = txn.ReverseLowerBound("post", "status_created", status, time.Unix(0, 1<<63-1))
	}
	if err != nil {
		return nil, err
	}
	out := make([]Post, 0, n)
	for obj := it.Next(); obj != nil && len(out) < n; obj = it.Next() {
		p := obj.(*Post)
		if p.Status != status {
			break
		}
		if after != nil && p.ID == after.ID {
			continue // ReverseLowerBound includes the position itself
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, *p)
	}
	return out, nil
}

//go:noinline
func (m *memdbPosts) countOf(status string) (int, error) {
	it, err := m.db.Txn(false).Get("post", "status_created_prefix", status)
	if err != nil {
		return 0, err
	}
	n := 0
	for obj := it.Next(); obj != nil; obj = it.Next() {
		n++
	}
	return n, nil
}

// scan returns the posts whose Views is in [lo, hi], in id order.
//
//go:noinline
func (m *memdbPosts) scan(lo, hi int) ([]Post, error) {
	it, err := m.db.Txn(false).Get("post", "id")
	if err != nil {
		return nil, err
	}
	var out []Post
	for obj := it.Next(); obj != nil; obj = it.Next() {
		if p := obj.(*Post); p.Views >= lo && p.Views <= hi {
			out = append(out, *p)
		}
	}
	return out, nil
}

// mapPosts is the floor: the posts in a map under a sync.RWMutex, and a
// hand-kept index per status (the ids newest first), no snapshots.
type mapPosts struct {
	mu       sync.RWMutex // protects posts and byStatus
	posts    map[int64]Post
	byStatus map[string][]int64
}

func loadMapPosts(w *postWorkload) *mapPosts {
	m := &mapPosts{posts: make(map[int64]Post, len(w.posts)), byStatus: map[string][]int64{}}
	for _, p := range w.posts {
		m.posts[p.ID] = p
		m.byStatus[p.Status] = append(m.byStatus[p.Status], p.ID)
	}
	for _, ids := range m.byStatus {
		slices.SortFunc(ids, func(a, b int64) int { return newestFirst(m.posts[a], m.posts[b]) })
	}
	return m
}

//go:noinline
func (m *mapPosts) newest(status string, after *Post, skip, n int) []Post {
	m.mu.RLock()
	defer m.mu.RUnlock()
	ids := m.byStatus[status]
	if after != nil {
		i := sort.Search(len(ids), func(i int) bool { return newestFirst(*after, m.posts[ids[i]]) < 0 })
		ids = ids[i:]
	}
	ids = ids[min(skip, len(ids)):]
	ids = ids[:min(n, len(ids))]
	out := make([]Post, len(ids))
	for i, id := range ids {
		out[i] = m.posts[id]
	}
	return out
}

//go:noinline
func (m *mapPosts) countOf(status string) int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.byStatus[status])
}

//go:noinline
func (m *mapPosts) scan(lo, hi int) []Post {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Post
	for _, p := range m.posts {
		if p.Views >= lo && p.Views <= hi {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b Post) int { return int(a.ID - b.ID) })
	return out
}
