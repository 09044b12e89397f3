package relcore_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/internal/relcore"
	"github.com/relstore/relstore/memstore"
)

// Article owns Comments; its slice fields make it a model that is not
// plain: copies of it get their own memory.
type Article struct {
	ID    int64
	Title string
	Body  []byte
	Tags  []string
}

// Comment belongs to an Article.
type Comment struct {
	ID        int64
	ArticleID int64 `relstore:"belongsTo=Article"`
}

// Size tells how much memory an owner holds: what package relations charges
// its cache entry.
func ExampleRel_Size() {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Article](), memstore.ModelOf[Comment]()}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	article, err := relcore.RelationOf[Comment, Article](s, "article")
	if err != nil {
		log.Fatal(err)
	}
	a := Article{ID: 1, Title: "Copy plans", Body: make([]byte, 4096), Tags: []string{"go", "memory"}}
	// The struct (72 bytes), the title (10), the body (4096), the tags
	// array (32) and their bytes (8).
	fmt.Println(article.Size(&a))
	// Output: 4218
}

// CloneSize copies an owner so that the copy shares no memory with it, and
// measures the copy.
func ExampleRel_CloneSize() {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Article](), memstore.ModelOf[Comment]()}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	article, err := relcore.RelationOf[Comment, Article](s, "article")
	if err != nil {
		log.Fatal(err)
	}
	a := Article{ID: 1, Title: "Copy plans", Tags: []string{"go"}}
	c, size := article.CloneSize(&a)
	c.Tags[0] = "changed"
	fmt.Println(a.Tags[0], c.Tags[0], size)
	// Output: go changed 100
}

type Author struct {
	ID   int64 `relstore:"pk,auto"`
	Name string
}

type Story struct {
	ID        int64     `relstore:"pk,auto"`
	AuthorID  int64     `relstore:"belongsTo=Author,as=author,onDelete=cascade,index=author_created"`
	CreatedAt time.Time `relstore:"index=author_created"`
	Title     string
}

// Rel.Query scopes a filter to one owner's rows: bound once, run for each
// owner with the owner's encoded key.
func ExampleRel_Query() {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Author](), memstore.ModelOf[Story]()}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		for _, name := range []string{"Ann", "Bob"} {
			if err := tx.Insert(&Author{Name: name}); err != nil {
				return err
			}
		}
		// Ann wrote stories 1 to 4, Bob 5 and 6, one a day.
		for i := 1; i <= 6; i++ {
			st := Story{AuthorID: 1, CreatedAt: day.AddDate(0, 0, i-1), Title: fmt.Sprintf("story %d", i)}
			if i > 4 {
				st.AuthorID = 2
			}
			if err := tx.Insert(&st); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	author, err := relcore.RelationOf[Story, Author](s, "author")
	if err != nil {
		log.Fatal(err)
	}
	newest, err := author.Query(filter.Filter{Order: []filter.Order{filter.Desc("CreatedAt")}, Limit: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(newest.Explain())
	err = s.View(ctx, func(tx *memstore.Tx) error {
		for _, w := range []Author{{ID: 1}, {ID: 2}} {
			k, _, err := author.AppendKey(nil, &w)
			if err != nil {
				return err
			}
			rows, err := newest.Find(tx, k)
			if err != nil {
				return err
			}
			fmt.Println(w.ID, rows[0].Title)
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// Story: index author_created (AuthorID =), backward, stop after 1
	// 1 story 4
	// 2 story 6
}

type Patron struct {
	ID   int64 `relstore:"pk,auto"`
	Name string
}

type Loan struct {
	ID       int64 `relstore:"pk,auto"`
	PatronID int64 `relstore:"belongsTo=Patron"`
	Note     string
}

// AppendFKs encodes and hashes the foreign keys of many rows in one call,
// the first step of package relations' Include.
func ExampleRel_AppendFKs() {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Patron](), memstore.ModelOf[Loan]()}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	patron, err := relcore.RelationOf[Loan, Patron](s, "patron")
	if err != nil {
		log.Fatal(err)
	}
	rows := []Loan{{ID: 1, PatronID: 1, Note: "tea"}, {ID: 2, PatronID: 1, Note: "scones"}, {ID: 3, PatronID: 7, Note: "jam"}}
	ends, hashes := make([]int32, len(rows)), make([]uint64, len(rows))
	arena, err := patron.AppendFKs(nil, rows, ends, hashes)
	if err != nil {
		log.Fatal(err)
	}
	start := int32(0)
	for i, end := range ends {
		k := arena[start:end]
		start = end
		fmt.Println(rows[i].Note, "->", patron.FormatKey(k), hashes[i] == s.KeyHash(patron.Space(), k))
	}
	// Output:
	// tea -> 1 true
	// scones -> 1 true
	// jam -> 7 true
}
