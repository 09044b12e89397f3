package bench

import (
	"context"
	"strings"
	"testing"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
)

// The query benchmarks of issue 14, on the post workload (querysys_test.go).
// Each names the system as its sub-benchmark: relstore (a query bound once
// by Table.Query, run by Query.Find in Store.View, as SQLite runs a prepared
// statement), relstore-bind (Table.Find: bind and run on every call, as a
// server does for each request's filter), memdb (hand-written), sqlite, map.
// Every operation returns the rows as a new []Post.

// BenchmarkQueryFirst20 reads "the first 20 posts with status X, newest
// first", X cycling through the 4 statuses.
func BenchmarkQueryFirst20(b *testing.B) {
	w := newPostWorkload()
	ctx := context.Background()
	b.Run("relstore", func(b *testing.B) {
		b.ReportAllocs()
		r := loadRelstorePosts(b, w)
		i := 0
		for b.Loop() {
			if _, err := r.find(ctx, r.first20[i&3]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("relstore-bind", func(b *testing.B) {
		b.ReportAllocs()
		r := loadRelstorePosts(b, w)
		i := 0
		for b.Loop() {
			if _, err := r.findFilter(ctx, first20Filter(postStatuses[i&3])); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("memdb", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMemdbPosts(b, w)
		i := 0
		for b.Loop() {
			if _, err := m.newest(postStatuses[i&3], nil, 0, pageRows); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("sqlite", func(b *testing.B) {
		b.ReportAllocs()
		s := loadSQLitePosts(b, w)
		i := 0
		for b.Loop() {
			if _, err := s.query(ctx, s.first20, postStatuses[i&3]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMapPosts(w)
		i := 0
		for b.Loop() {
			m.newest(postStatuses[i&3], nil, 0, pageRows)
			i++
		}
	})
}

// BenchmarkQueryCount counts the posts of a status (~25,000), an indexed
// field: relstore's Query.Count, SQLite's count(*), go-memdb iterating its
// index's prefix (it has no count), the map's len of its hand-kept list.
func BenchmarkQueryCount(b *testing.B) {
	w := newPostWorkload()
	ctx := context.Background()
	b.Run("relstore", func(b *testing.B) {
		b.ReportAllocs()
		r := loadRelstorePosts(b, w)
		i := 0
		for b.Loop() {
			if _, err := r.countOf(ctx, r.count[i&3]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("memdb", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMemdbPosts(b, w)
		i := 0
		for b.Loop() {
			if _, err := m.countOf(postStatuses[i&3]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("sqlite", func(b *testing.B) {
		b.ReportAllocs()
		s := loadSQLitePosts(b, w)
		i := 0
		for b.Loop() {
			if _, err := s.countOf(ctx, postStatuses[i&3]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMapPosts(w)
		i := 0
		for b.Loop() {
			m.countOf(postStatuses[i&3])
			i++
		}
	})
}

// BenchmarkQueryPageKeyset reads the page of 20 after the 10,000th post of
// a status, newest first, by keyset: after the position (CreatedAt, ID) of
// that post. relstore binds the filter on every call (each page's After
// differs), SQLite runs a prepared row-value comparison.
func BenchmarkQueryPageKeyset(b *testing.B) {
	w := newPostWorkload()
	ctx := context.Background()
	b.Run("relstore", func(b *testing.B) {
		b.ReportAllocs()
		r := loadRelstorePosts(b, w)
		i := 0
		for b.Loop() {
			s := i & 3
			if _, err := r.findFilter(ctx, keysetFilter(postStatuses[s], w.deep[s])); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("memdb", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMemdbPosts(b, w)
		i := 0
		for b.Loop() {
			s := i & 3
			if _, err := m.newest(postStatuses[s], &w.deep[s], 0, pageRows); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("sqlite", func(b *testing.B) {
		b.ReportAllocs()
		sq := loadSQLitePosts(b, w)
		i := 0
		for b.Loop() {
			s := i & 3
			if _, err := sq.query(ctx, sq.keyset, postStatuses[s], w.deep[s].CreatedAt.UnixNano(), w.deep[s].ID); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMapPosts(w)
		i := 0
		for b.Loop() {
			s := i & 3
			m.newest(postStatuses[s], &w.deep[s], 0, pageRows)
			i++
		}
	})
}

// BenchmarkQueryPageSkip reads the same page as BenchmarkQueryPageKeyset
// by skipping 10,000 rows (LoopBack's skip, SQL's OFFSET).
func BenchmarkQueryPageSkip(b *testing.B) {
	w := newPostWorkload()
	ctx := context.Background()
	b.Run("relstore", func(b *testing.B) {
		b.ReportAllocs()
		r := loadRelstorePosts(b, w)
		i := 0
		for b.Loop() {
			if _, err := r.findFilter(ctx, skipFilter(postStatuses[i&3])); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("memdb", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMemdbPosts(b, w)
		i := 0
		for b.Loop() {
			if _, err := m.newest(postStatuses[i&3], nil, deepSkip, pageRows); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("sqlite", func(b *testing.B) {
		b.ReportAllocs()
		s := loadSQLitePosts(b, w)
		i := 0
		for b.Loop() {
			if _, err := s.query(ctx, s.skip, postStatuses[i&3], deepSkip); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMapPosts(w)
		i := 0
		for b.Loop() {
			m.newest(postStatuses[i&3], nil, deepSkip, pageRows)
			i++
		}
	})
}

// BenchmarkQueryScan filters on Views, which no index covers: every system
// reads all 100,000 posts to return the ~10 in a range of 10 views, in id
// order.
func BenchmarkQueryScan(b *testing.B) {
	w := newPostWorkload()
	ctx := context.Background()
	b.Run("relstore", func(b *testing.B) {
		b.ReportAllocs()
		r := loadRelstorePosts(b, w)
		i := 0
		for b.Loop() {
			if _, err := r.findFilter(ctx, scanFilter(w.viewsLo[i&seqMask])); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("memdb", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMemdbPosts(b, w)
		i := 0
		for b.Loop() {
			lo := w.viewsLo[i&seqMask]
			if _, err := m.scan(lo, lo+viewsSpan-1); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("sqlite", func(b *testing.B) {
		b.ReportAllocs()
		s := loadSQLitePosts(b, w)
		i := 0
		for b.Loop() {
			lo := w.viewsLo[i&seqMask]
			if _, err := s.query(ctx, s.scan, lo, lo+viewsSpan-1); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		m := loadMapPosts(w)
		i := 0
		for b.Loop() {
			lo := w.viewsLo[i&seqMask]
			m.scan(lo, lo+viewsSpan-1)
			i++
		}
	})
}

// TestQuerySystems checks that every system answers each benchmarked query
// as the workload says, and that SQLite's plans use the (status,
// created_at) index without sorting.
func TestQuerySystems(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 110,000 rows into every system")
	}
	w := newPostWorkload()
	ctx := context.Background()
	r := loadRelstorePosts(t, w)
	m := loadMemdbPosts(t, w)
	s := loadSQLitePosts(t, w)
	mp := loadMapPosts(w)
	ids := func(ps []Post) []int64 {
		out := make([]int64, len(ps))
		for i, p := range ps {
			out[i] = p.ID
		}
		return out
	}
	check := func(t *testing.T, system string, want, got []Post, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", system, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d rows %v, want %d %v", system, len(got), ids(got), len(want), ids(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: row %d = %+v, want %+v", system, i, got[i], want[i])
			}
		}
	}
	for si, status := range postStatuses {
		all := w.newest(status)
		t.Run(status, func(t *testing.T) {
			first, deep := all[:pageRows], all[deepSkip:deepSkip+pageRows]
			got, err := r.find(ctx, r.first20[si])
			check(t, "relstore first 20", first, got, err)
			got, err = r.findFilter(ctx, first20Filter(status))
			check(t, "relstore-bind first 20", first, got, err)
			got, err = r.findFilter(ctx, keysetFilter(status, w.deep[si]))
			check(t, "relstore keyset", deep, got, err)
			got, err = r.findFilter(ctx, skipFilter(status))
			check(t, "relstore skip", deep, got, err)
			n, err := r.countOf(ctx, r.count[si])
			if err != nil || n != len(all) {
				t.Errorf("relstore count = %d, %v; want %d", n, err, len(all))
			}
			got, err = m.newest(status, nil, 0, pageRows)
			check(t, "memdb first 20", first, got, err)
			got, err = s.query(ctx, s.first20, status)
			check(t, "sqlite first 20", first, got, err)
			check(t, "map first 20", first, mp.newest(status, nil, 0, pageRows), nil)

			got, err = m.newest(status, &w.deep[si], 0, pageRows)
			check(t, "memdb keyset", deep, got, err)
			got, err = s.query(ctx, s.keyset, status, w.deep[si].CreatedAt.UnixNano(), w.deep[si].ID)
			check(t, "sqlite keyset", deep, got, err)
			check(t, "map keyset", deep, mp.newest(status, &w.deep[si], 0, pageRows), nil)

			got, err = m.newest(status, nil, deepSkip, pageRows)
			check(t, "memdb skip", deep, got, err)
			got, err = s.query(ctx, s.skip, status, deepSkip)
			check(t, "sqlite skip", deep, got, err)
			check(t, "map skip", deep, mp.newest(status, nil, deepSkip, pageRows), nil)

			if n, err := m.countOf(status); err != nil || n != len(all) {
				t.Errorf("memdb count = %d, %v; want %d", n, err, len(all))
			}
			if n, err := s.countOf(ctx, status); err != nil || n != len(all) {
				t.Errorf("sqlite count = %d, %v; want %d", n, err, len(all))
			}
			if n := mp.countOf(status); n != len(all) {
				t.Errorf("map count = %d, want %d", n, len(all))
			}
		})
	}
	t.Run("scan", func(t *testing.T) {
		for _, lo := range w.viewsLo[:20] {
			var want []Post
			for _, p := range w.posts {
				if p.Views >= lo && p.Views < lo+viewsSpan {
					want = append(want, p)
				}
			}
			got, err := r.findFilter(ctx, scanFilter(lo))
			check(t, "relstore scan", want, got, err)
			got, err = m.scan(lo, lo+viewsSpan-1)
			check(t, "memdb scan", want, got, err)
			got, err = s.query(ctx, s.scan, lo, lo+viewsSpan-1)
			check(t, "sqlite scan", want, got, err)
			check(t, "map scan", want, mp.scan(lo, lo+viewsSpan-1), nil)
		}
	})
	t.Run("relstore plans", func(t *testing.T) {
		for _, c := range []struct {
			name string
			f    filter.Filter
			ok   func(p memstore.Plan) bool
		}{
			{"first20", first20Filter("published"), func(p memstore.Plan) bool {
				return p.Index == "status_created" && p.Reverse && !p.Sort && p.Stop == pageRows
			}},
			{"count", filter.Filter{Where: filter.Eq("Status", "published")}, func(p memstore.Plan) bool {
				return p.Index == "status_created" && !p.Residual
			}},
			{"keyset", keysetFilter("published", w.deep[2]), func(p memstore.Plan) bool {
				return p.Index == "status_created" && p.Reverse && p.Seek && !p.Sort && p.Stop == pageRows
			}},
			{"skip", skipFilter("published"), func(p memstore.Plan) bool {
				return p.Index == "status_created" && p.Reverse && !p.Sort && p.Stop == deepSkip+pageRows
			}},
			{"scan", scanFilter(0), func(p memstore.Plan) bool { return p.Index == "ID" && p.Residual && !p.Sort }},
		} {
			q, err := r.posts.Query(c.f)
			if err != nil {
				t.Fatal(err)
			}
			p := q.Explain()
			t.Logf("%s: %s", c.name, p)
			if !c.ok(p) {
				t.Errorf("%s: plan %+v", c.name, p)
			}
		}
	})
	t.Run("sqlite plans", func(t *testing.T) {
		for name, q := range sqlitePostQueries {
			args := make([]any, strings.Count(q, "?"))
			for i := range args {
				args[i] = 0
			}
			args[0] = "published"
			rows, err := s.db.Query("EXPLAIN QUERY PLAN "+q, args...)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			rows.Close()
			p := strings.Join(plan, "; ")
			t.Logf("%s: %s", name, p)
			wantIndex := name != "scan"
			if strings.Contains(p, "posts_status_created_at") != wantIndex || strings.Contains(p, "TEMP B-TREE") {
				t.Errorf("%s: plan %q; want the (status, created_at) index: %v, no sort", name, p, wantIndex)
			}
		}
	})
}
