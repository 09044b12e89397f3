package memstore_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	memdb "github.com/hashicorp/go-memdb"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
)

// The query workload of issue 14: 100,000 posts over 10,000 authors,
// Status among 4 values, CreatedAt spread over a year, a compound index
// (Status, CreatedAt); beside it, the same rows in a hand-written go-memdb
// table with the same compound index. bench/ compares with SQLite.

type qbAuthor struct {
	ID int64
}

type qbPost struct {
	ID        int64
	AuthorID  int64     `relstore:"belongsTo=qbAuthor"`
	Status    string    `relstore:"index=status_created"`
	CreatedAt time.Time `relstore:"index=status_created"`
	Views     int
	Title     string
}

const (
	qbPosts   = 100_000
	qbAuthors = 10_000
)

func qbPostRow(i int) qbPost {
	return qbPost{ID: int64(i), AuthorID: int64(i%qbAuthors + 1), Status: blogStatuses[i*7%4],
		CreatedAt: blogStart.Add(time.Duration(i*7919%qbPosts) * 315 * time.Second), // a year, shuffled
		Views:     i * 31 % 1000, Title: fmt.Sprintf("post %d", i)}
}

var benchQueryStore struct {
	s     *memstore.Store
	posts *memstore.Table[qbPost, int64]
	db    *memdb.MemDB
}

// newQueryBench returns the workload, built once per process.
func newQueryBench(b *testing.B) (*memstore.Store, *memstore.Table[qbPost, int64], *memdb.MemDB) {
	b.Helper()
	w := &benchQueryStore
	if w.s != nil {
		return w.s, w.posts, w.db
	}
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[qbAuthor](), memstore.ModelOf[qbPost]()}})
	if err != nil {
		b.Fatal(err)
	}
	posts := mustTable[qbPost, int64](b, s)
	mustUpdate(b, s, func(tx *memstore.Tx) error {
		for i := 1; i <= qbAuthors; i++ {
			if err := tx.Insert(qbAuthor{ID: int64(i)}); err != nil {
				return err
			}
		}
		for i := 1; i <= qbPosts; i++ {
			if _, err := posts.Insert(tx, qbPostRow(i)); err != nil {
				return err
			}
		}
		return nil
	})
	db, err := memdb.NewMemDB(&memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
		"posts": {Name: "posts", Indexes: map[string]*memdb.IndexSchema{
			"id":             {Name: "id", Unique: true, Indexer: &memdb.IntFieldIndex{Field: "ID"}},
			"author":         {Name: "author", Indexer: &memdb.IntFieldIndex{Field: "AuthorID"}}, // the foreign key's, as relstore has
			"status_created": {Name: "status_created", Unique: true, Indexer: statusCreatedIndexer{}},
		}},
	}})
	if err != nil {
		b.Fatal(err)
	}
	txn := db.Txn(true)
	for i := 1; i <= qbPosts; i++ {
		p := qbPostRow(i)
		if err := txn.Insert("posts", &p); err != nil {
			b.Fatal(err)
		}
	}
	txn.Commit()
	w.s, w.posts, w.db = s, posts, db
	return s, posts, db
}

// statusCreatedIndexer is the hand-written compound index: Status, a 0
// byte, CreatedAt's Unix nanoseconds big-endian (sign bit flipped), ID.
type statusCreatedIndexer struct{}

func (statusCreatedIndexer) FromObject(obj any) (bool, []byte, error) {
	p := obj.(*qbPost)
	k := append([]byte(p.Status), 0)
	k = binary.BigEndian.AppendUint64(k, uint64(p.CreatedAt.UnixNano())^1<<63)
	return true, binary.BigEndian.AppendUint64(k, uint64(p.ID)), nil
}

func (statusCreatedIndexer) FromArgs(args ...any) ([]byte, error) {
	return append([]byte(args[0].(string)), 0), nil
}

func (statusCreatedIndexer) PrefixFromArgs(args ...any) ([]byte, error) {
	return append([]byte(args[0].(string)), 0), nil
}

// qbSink receives the go-memdb benchmarks' results, so that they escape to
// the heap as a function's result does (relstore's Find returns its slice).
var qbSink []qbPost

// BenchmarkQuery runs the queries on the workload: relstore with a
// query bound once (the normal use), bound on every call, and hand-written
// go-memdb.
func BenchmarkQuery(b *testing.B) {
	s, posts, db := newQueryBench(b)
	ctx := context.Background()
	newest := filter.Filter{Where: filter.Eq("Status", "published"), Order: []filter.Order{filter.Desc("CreatedAt")}, Limit: 20}
	run := func(b *testing.B, fn func(tx *memstore.Tx) error) {
		b.ReportAllocs()
		for b.Loop() {
			if err := s.View(ctx, fn); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("first20-status-newest/relstore", func(b *testing.B) {
		q := must(posts.Query(newest))(b)
		run(b, func(tx *memstore.Tx) error {
			rows, err := q.Find(tx)
			if len(rows) != 20 {
				b.Fatalf("%d rows", len(rows))
			}
			return err
		})
	})
	b.Run("first20-status-newest/relstore-bind-each", func(b *testing.B) {
		run(b, func(tx *memstore.Tx) error {
			_, err := posts.Find(tx, newest)
			return err
		})
	})
	b.Run("first20-status-newest/memdb", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			txn := db.Txn(false)
			it, err := txn.GetReverse("posts", "status_created_prefix", "published")
			if err != nil {
				b.Fatal(err)
			}
			rows := make([]qbPost, 0, 20)
			for raw := it.Next(); raw != nil && len(rows) < 20; raw = it.Next() {
				rows = append(rows, *raw.(*qbPost))
			}
			if len(rows) != 20 {
				b.Fatalf("%d rows", len(rows))
			}
			qbSink = rows // returned, as a repository's method returns them
		}
	})
	b.Run("count-status/relstore", func(b *testing.B) {
		q := must(posts.Query(filter.Filter{Where: filter.Eq("Status", "draft")}))(b)
		run(b, func(tx *memstore.Tx) error {
			_, err := q.Count(tx)
			return err
		})
	})
	b.Run("count-status/memdb", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			it, err := db.Txn(false).Get("posts", "status_created_prefix", "draft")
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for raw := it.Next(); raw != nil; raw = it.Next() {
				n++
			}
		}
	})
	b.Run("scan-unindexed-filter/relstore", func(b *testing.B) {
		// Views = 7: 100 of 100,000 rows, every row read.
		q := must(posts.Query(filter.Filter{Where: filter.Eq("Views", 7)}))(b)
		run(b, func(tx *memstore.Tx) error {
			rows, err := q.Find(tx)
			if len(rows) != 100 {
				b.Fatalf("%d rows", len(rows))
			}
			return err
		})
	})
	b.Run("scan-unindexed-filter/memdb", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			it, err := db.Txn(false).Get("posts", "id")
			if err != nil {
				b.Fatal(err)
			}
			var rows []qbPost
			for raw := it.Next(); raw != nil; raw = it.Next() {
				if p := raw.(*qbPost); p.Views == 7 {
					rows = append(rows, *p)
				}
			}
			if len(rows) != 100 {
				b.Fatalf("%d rows", len(rows))
			}
			qbSink = rows
		}
	})
	b.Run("top20-unindexed-order/relstore", func(b *testing.B) {
		// The 20 most viewed drafts: a scan with a bounded heap.
		q := must(posts.Query(filter.Filter{Where: filter.Eq("Status", "draft"), Order: []filter.Order{filter.Desc("Views")}, Limit: 20}))(b)
		run(b, func(tx *memstore.Tx) error {
			_, err := q.Find(tx)
			return err
		})
	})
	deep := filter.Filter{Where: filter.Eq("Status", "published"), Order: []filter.Order{filter.Desc("CreatedAt")}, Limit: 20, Skip: 10_000}
	b.Run("deep-page/skip", func(b *testing.B) {
		q := must(posts.Query(deep))(b)
		run(b, func(tx *memstore.Tx) error {
			_, err := q.Find(tx)
			return err
		})
	})
	b.Run("deep-page/keyset", func(b *testing.B) {
		// The same page, continuing after the last row of the one before.
		var after []any
		mustView(b, s, func(tx *memstore.Tx) error {
			prev := deep
			prev.Skip, prev.Limit = deep.Skip-1, 1
			rows := must(posts.Find(tx, prev))(b)
			after = must(posts.Query(prev))(b).After(rows[0])
			return nil
		})
		page := deep
		page.Skip, page.After = 0, after
		q := must(posts.Query(page))(b)
		run(b, func(tx *memstore.Tx) error {
			_, err := q.Find(tx)
			return err
		})
	})
}
