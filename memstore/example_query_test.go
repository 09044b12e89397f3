package memstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
)

// The models of the query examples: authors and their stories, indexed
// by (Status, CreatedAt) and by (AuthorID, CreatedAt).

type Author struct {
	ID   int64  `relstore:"pk,auto" json:"id"`
	Name string `json:"name"`
}

type Story struct {
	ID        int64     `relstore:"pk,auto" json:"id"`
	AuthorID  int64     `relstore:"belongsTo=Author,as=author,onDelete=cascade,index=author_created" json:"authorId"`
	Status    string    `relstore:"index=status_created" json:"status"`
	CreatedAt time.Time `relstore:"index=status_created,index=author_created" json:"createdAt"`
	Title     string    `json:"title"`
}

// openStories opens a store of authors and stories: Ann (1) wrote
// stories 1 to 4, Bob (2) stories 5 and 6, one a day from January 1,
// 2026; stories 2, 4, 5 and 6 are published.
func openStories() (*memstore.Store, *memstore.Table[Story, int64]) {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[Author](), memstore.ModelOf[Story](),
	}})
	if err != nil {
		log.Fatal(err)
	}
	stories, err := memstore.TableOf[Story, int64](s)
	if err != nil {
		log.Fatal(err)
	}
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		for _, name := range []string{"Ann", "Bob"} {
			if err := tx.Insert(&Author{Name: name}); err != nil {
				return err
			}
		}
		for i := 1; i <= 6; i++ {
			a := Story{AuthorID: 1, Status: "draft", CreatedAt: day.AddDate(0, 0, i-1), Title: fmt.Sprintf("story %d", i)}
			if i > 4 {
				a.AuthorID = 2
			}
			if i%2 == 0 || i > 4 {
				a.Status = "published"
			}
			if _, err := stories.Insert(tx, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	return s, stories
}

// A filter written in Go is bound to a model once and run in any
// transaction: the three newest published stories.
func ExampleTable_Query() {
	s, stories := openStories()
	defer s.Close()
	q, err := stories.Query(filter.Filter{
		Where: filter.Eq("Status", "published"),
		Order: []filter.Order{filter.Desc("CreatedAt")},
		Limit: 3,
	})
	if err != nil {
		log.Fatal(err)
	}
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		page, err := q.Find(tx)
		for _, a := range page {
			fmt.Println(a.ID, a.Title, a.CreatedAt.Format(time.DateOnly))
		}
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 6 story 6 2026-01-06
	// 5 story 5 2026-01-05
	// 4 story 4 2026-01-04
}

// The same query in LoopBack's JSON, as a REST client sends it in
// ?filter=, with fields named by their json tags, run by model name.
// Rows come back as struct values that encoding/json prints.
func ExampleStore_Query() {
	s, _ := openStories()
	defer s.Close()
	f, err := filter.Parse([]byte(`{"where":{"status":"published","createdAt":{"gt":"2026-01-04T12:00:00Z"}},
		"order":["createdAt DESC"],"limit":20}`))
	if err != nil {
		log.Fatal(err)
	}
	q, err := s.Query("Story", f)
	if err != nil {
		log.Fatal(err)
	}
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		rows, err := q.Find(tx)
		if err != nil {
			return err
		}
		return json.NewEncoder(os.Stdout).Encode(rows)
	})
	if err != nil {
		log.Fatal(err)
	}
	// A value the field cannot take is refused before any row is read.
	_, err = s.Query("Story", filter.Filter{Where: filter.Gt("createdAt", 12)})
	var fe *filter.Error
	fmt.Println(errors.Is(err, memstore.ErrInvalid), errors.As(err, &fe), fe.Path)
	fmt.Println(err)
	// Output:
	// [{"id":6,"authorId":2,"status":"published","createdAt":"2026-01-06T00:00:00Z","title":"story 6"},{"id":5,"authorId":2,"status":"published","createdAt":"2026-01-05T00:00:00Z","title":"story 5"}]
	// true true where.createdAt.gt
	// memstore: query Story: filter: where.createdAt.gt: want a time, got 12 (int)
}

// Keyset pages continue after the last row of the previous page: a row
// inserted or deleted before the position moves nothing, unlike skip.
func ExampleQuery_After() {
	s, stories := openStories()
	defer s.Close()
	f := filter.Filter{Order: []filter.Order{filter.Desc("CreatedAt")}, Limit: 4}
	for page := 1; ; page++ {
		q, err := stories.Query(f)
		if err != nil {
			log.Fatal(err)
		}
		var rows []Story
		err = s.View(context.Background(), func(tx *memstore.Tx) error {
			rows, err = q.Find(tx)
			return err
		})
		if err != nil {
			log.Fatal(err)
		}
		if len(rows) == 0 {
			break
		}
		for _, a := range rows {
			fmt.Print(a.ID, " ")
		}
		f.After = q.After(rows[len(rows)-1])
		next, _ := json.Marshal(filter.Filter{After: f.After})
		fmt.Printf("(page %d, next: %s)\n", page, next)
	}
	// Output:
	// 6 5 4 3 (page 1, next: {"after":["2026-01-03T00:00:00Z",3]})
	// 2 1 (page 2, next: {"after":["2026-01-01T00:00:00Z",1]})
}

// Explain says how a query reads its rows: here the (Status, CreatedAt)
// index, backward from the end of the "published" rows, stopping after 20;
// without an index for the order, a scan that keeps the top 20.
func ExampleQuery_Explain() {
	s, stories := openStories()
	defer s.Close()
	for _, f := range []filter.Filter{
		{Where: filter.Eq("Status", "published"), Order: []filter.Order{filter.Desc("CreatedAt")}, Limit: 20},
		{Where: filter.Like("Title", "%6"), Order: []filter.Order{filter.Asc("Title")}, Limit: 20},
	} {
		q, err := stories.Query(f)
		if err != nil {
			log.Fatal(err)
		}
		p := q.Explain()
		fmt.Println(p)
		fmt.Println(p.Index, p.Eq, p.Reverse, p.Sort)
	}
	// Output:
	// Story: index status_created (Status =), backward, stop after 20
	// status_created [Status] true false
	// Story: index ID (whole), filter, sort, top 20
	// ID [] false true
}

// Delete and Update with a where touch every row the filter selects,
// through the same integrity rules as single writes, and count them.
func ExampleQuery_Delete() {
	s, stories := openStories()
	defer s.Close()
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		n, err := stories.UpdateWhere(tx, filter.Eq("AuthorID", 2), func(a *Story) error {
			a.Status = "archived"
			return nil
		})
		if err != nil {
			return err
		}
		fmt.Println("archived", n)
		n, err = stories.DeleteWhere(tx, filter.Eq("Status", "draft"))
		fmt.Println("deleted", n)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		n, err := stories.CountWhere(tx, filter.Cond{})
		fmt.Println("left", n)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// archived 2
	// deleted 2
	// left 4
}

// The by-name forms serve generic tools: a key from a URL path, a patch
// from a request body.
func ExampleTx_UpdateAll() {
	s, _ := openStories()
	defer s.Close()
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		var patch map[string]any
		d := json.NewDecoder(strings.NewReader(`{"status":"retracted"}`))
		d.UseNumber()
		if err := d.Decode(&patch); err != nil {
			return err
		}
		n, err := tx.UpdateAll("Story", filter.Eq("authorId", json.Number("1")), patch)
		if err != nil {
			return err
		}
		a, err := tx.Get("Story", filter.Text("3")) // as in GET /stories/3
		fmt.Println(n, a.(Story).Status)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 4 retracted
}

// First returns the first row in the query's order, or ErrNotFound; Count
// and Exists answer without copying a row.
func ExampleQuery_First() {
	s, stories := openStories()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		oldest, err := stories.FindOne(tx, filter.Filter{Where: filter.Eq("Status", "published"), Order: []filter.Order{filter.Asc("CreatedAt")}})
		if err != nil {
			return err
		}
		fmt.Println(oldest.Title)
		_, err = stories.FindOne(tx, filter.Filter{Where: filter.Eq("Status", "retracted")})
		fmt.Println(errors.Is(err, memstore.ErrNotFound))
		n, err := stories.CountWhere(tx, filter.Eq("AuthorID", 1))
		if err != nil {
			return err
		}
		ok, err := stories.Exists(tx, filter.And(filter.Eq("AuthorID", 2), filter.Eq("Status", "draft")))
		fmt.Println(n, ok)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// story 2
	// true
	// 4 false
}

// The by-name forms, for tools that know models by name only: rows by key
// and by foreign key, found, counted and projected.
func ExampleTx_Find() {
	s, _ := openStories()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		row, err := tx.Get("Story", json.Number("5"))
		if err != nil {
			return err
		}
		fmt.Println(row.(Story).Title)
		byAuthor, err := tx.ByFK("Story", "author", 2)
		if err != nil {
			return err
		}
		fmt.Println(len(byAuthor))
		f, err := filter.Parse([]byte(`{"where":{"title":{"like":"story _"}},"order":"id DESC","limit":2,"fields":["id","title"]}`))
		if err != nil {
			return err
		}
		rows, err := tx.Find("Story", f)
		if err != nil {
			return err
		}
		q, err := s.Query("Story", f)
		if err != nil {
			return err
		}
		for _, row := range rows {
			// Print the fields the projection keeps, by their JSON names.
			for i, fd := range q.Fields() {
				if i > 0 {
					fmt.Print(" ")
				}
				fmt.Printf("%s=%v", fd.JSON, reflect.ValueOf(row).FieldByIndex(fd.Index))
			}
			fmt.Println()
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// story 5
	// 2
	// id=6 title=story 6
	// id=5 title=story 5
}

// All iterates over a query's rows as (key, row) pairs, in its order.
func ExampleQuery_All() {
	s, stories := openStories()
	defer s.Close()
	q, err := stories.Query(filter.Filter{Where: filter.Eq("AuthorID", 2)})
	if err != nil {
		log.Fatal(err)
	}
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		rows, err := q.All(tx)
		if err != nil {
			return err
		}
		for id, a := range rows {
			fmt.Println(id, a.Title)
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 5 story 5
	// 6 story 6
}

// Find returns a query's rows, limit and skip applied.
func ExampleQuery_Find() {
	s, stories := openStories()
	defer s.Close()
	q, err := stories.Query(filter.Filter{
		Where: filter.Eq("Status", "draft"),
		Order: []filter.Order{filter.Desc("ID")},
	})
	if err != nil {
		log.Fatal(err)
	}
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		rows, err := q.Find(tx)
		for _, a := range rows {
			fmt.Println(a.ID, a.Status)
		}
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 3 draft
	// 1 draft
}

// Count and Exists ignore the order, limit and skip of the filter's where.
func ExampleQuery_Count() {
	s, stories := openStories()
	defer s.Close()
	q, err := stories.Query(filter.Filter{Where: filter.Eq("Status", "published")})
	if err != nil {
		log.Fatal(err)
	}
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		n, err := q.Count(tx)
		fmt.Println(n)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 4
}

// Exists reports whether the query selects a row.
func ExampleQuery_Exists() {
	s, stories := openStories()
	defer s.Close()
	q, err := stories.Query(filter.Filter{Where: filter.And(
		filter.Eq("AuthorID", 2), filter.Eq("Status", "draft"),
	)})
	if err != nil {
		log.Fatal(err)
	}
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		ok, err := q.Exists(tx)
		fmt.Println(ok)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// false
}

// Update changes every row the query selects, in one transaction.
func ExampleQuery_Update() {
	s, stories := openStories()
	defer s.Close()
	q, err := stories.Query(filter.Filter{Where: filter.Eq("Status", "draft")})
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		n, err := q.Update(tx, func(a *Story) error {
			a.Status = "published"
			return nil
		})
		fmt.Println("published", n)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// published 2
}

// Filter returns the filter a query was bound from, printed as LoopBack's
// JSON.
func ExampleQuery_Filter() {
	s, stories := openStories()
	defer s.Close()
	q, err := stories.Query(filter.Filter{Where: filter.Gt("ID", 4), Limit: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(q.Filter())
	// Output:
	// {"where":{"ID":{"gt":4}},"limit":1}
}

// A ModelQuery is a filter bound to a model named at run time, as a REST
// server binds ?filter=: Find returns struct values, Fields the fields
// the projection keeps, Model the model's name.
func ExampleModelQuery_Find() {
	s, _ := openStories()
	defer s.Close()
	f, err := filter.Parse([]byte(`{"where":{"authorId":1,"status":"published"},"fields":["title"]}`))
	if err != nil {
		log.Fatal(err)
	}
	q, err := s.Query("Story", f)
	if err != nil {
		log.Fatal(err)
	}
	for _, fd := range q.Fields() {
		fmt.Println(q.Model(), "field", fd.Name, fd.JSON)
	}
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		rows, err := q.Find(tx)
		for _, r := range rows {
			fmt.Println(r.(Story).Title)
		}
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// Story field Title title
	// story 2
	// story 4
}

// Fields lists the fields a projection keeps, in struct order.
func ExampleModelQuery_Fields() {
	s, _ := openStories()
	defer s.Close()
	q, err := s.Query("Story", filter.Filter{Fields: filter.Fields{Names: []string{"title", "id"}}})
	if err != nil {
		log.Fatal(err)
	}
	for _, fd := range q.Fields() {
		fmt.Println(fd.Name, fd.JSON, fd.Type)
	}
	// Output:
	// ID id int64
	// Title title string
}

// First returns the first row, or ErrNotFound.
func ExampleModelQuery_First() {
	s, _ := openStories()
	defer s.Close()
	q, err := s.Query("Story", filter.Filter{Order: []filter.Order{filter.Desc("createdAt")}})
	if err != nil {
		log.Fatal(err)
	}
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		r, err := q.First(tx)
		fmt.Println(r.(Story).Title)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// story 6
}

// Count and Exists by model name.
func ExampleModelQuery_Count() {
	s, _ := openStories()
	defer s.Close()
	q, err := s.Query("Story", filter.Filter{Where: filter.Eq("authorId", 1)})
	if err != nil {
		log.Fatal(err)
	}
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		n, err := q.Count(tx)
		if err != nil {
			return err
		}
		ok, err := q.Exists(tx)
		fmt.Println(n, ok)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 4 true
}

// Patch sets fields, named as in JSON, on every row the query selects;
// values are converted as a filter's are.
func ExampleModelQuery_Patch() {
	s, stories := openStories()
	defer s.Close()
	q, err := s.Query("Story", filter.Filter{Where: filter.Eq("status", "draft")})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		n, err := q.Patch(tx, map[string]any{"status": "archived", "authorId": json.Number("2")})
		fmt.Println("patched", n)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	err = s.View(ctx, func(tx *memstore.Tx) error {
		a, err := stories.Get(tx, 1)
		fmt.Println(a.Status, a.AuthorID)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// patched 2
	// archived 2
}

// Delete deletes the rows the query selects.
func ExampleModelQuery_Delete() {
	s, _ := openStories()
	defer s.Close()
	q, err := s.Query("Story", filter.Filter{Where: filter.Lt("createdAt", "2026-01-03T00:00:00Z")})
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		n, err := q.Delete(tx)
		fmt.Println("deleted", n)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// deleted 2
}

// Keyset pages by model name: After gives the position after a row, as
// JSON-ready values.
func ExampleModelQuery_After() {
	s, _ := openStories()
	defer s.Close()
	f := filter.Filter{Order: []filter.Order{filter.Asc("title")}, Limit: 3}
	q, err := s.Query("Story", f)
	if err != nil {
		log.Fatal(err)
	}
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		rows, err := q.Find(tx)
		if err != nil {
			return err
		}
		f.After, err = q.After(rows[len(rows)-1])
		if err != nil {
			return err
		}
		fmt.Println("after", f.After)
		next, err := s.Query("Story", f)
		if err != nil {
			return err
		}
		rows, err = next.Find(tx)
		for _, r := range rows {
			fmt.Println(r.(Story).Title)
		}
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// after [story 3 3]
	// story 4
	// story 5
	// story 6
}

// Explain says which index a query reads; Filter returns the filter it was
// bound from.
func ExampleModelQuery_Explain() {
	s, _ := openStories()
	defer s.Close()
	q, err := s.Query("Story", filter.Filter{Where: filter.Eq("authorId", 2)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(q.Filter())
	fmt.Println(q.Explain())
	// Output:
	// {"where":{"authorId":2}}
	// Story: index AuthorID (AuthorID =)
}

// Model names the model a query was bound to; Exists asks whether it
// selects a row.
func ExampleModelQuery_Exists() {
	s, _ := openStories()
	defer s.Close()
	q, err := s.Query("Story", filter.Filter{Where: filter.Eq("title", "story 9")})
	if err != nil {
		log.Fatal(err)
	}
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		ok, err := q.Exists(tx)
		fmt.Println(q.Model(), ok)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// Story false
}

// Filter returns the filter as given, fields named as the caller wrote
// them.
func ExampleModelQuery_Filter() {
	s, _ := openStories()
	defer s.Close()
	q, err := s.Query("Story", filter.Filter{Where: filter.Eq("status", "draft"), Limit: 2})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(q.Model(), q.Filter())
	// Output:
	// Story {"where":{"status":"draft"},"limit":2}
}

// Model is the name of the model the query reads.
func ExampleModelQuery_Model() {
	s, _ := openStories()
	defer s.Close()
	q, err := s.Query("Author", filter.Filter{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(q.Model())
	// Output:
	// Author
}
