package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"math"
	"time"

	"github.com/relstore/relstore/memstore"
)

// The models of the index examples: posts, tags and the links between them.

type Post struct {
	ID        int64     `relstore:"pk,auto"`
	Status    string    `relstore:"index=status_created"`
	CreatedAt time.Time `relstore:"index=status_created"`
	Score     *float64  `relstore:"index"`
}

type Tag struct {
	ID   int64  `relstore:"pk,auto"`
	Name string `relstore:"unique"`
}

// PostTag links a post to a tag; unique=post_tag makes (PostID, TagID) a
// composite unique constraint: a post has a tag at most once.
type PostTag struct {
	ID     int64 `relstore:"pk,auto"`
	PostID int64 `relstore:"belongsTo=Post,onDelete=cascade,unique=post_tag"`
	TagID  int64 `relstore:"belongsTo=Tag,unique=post_tag"`
}

// A composite unique index refuses a second identical link, naming every
// field of the constraint.
func ExampleIndex_unique() {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[Post](), memstore.ModelOf[Tag](), memstore.ModelOf[PostTag](),
	}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	posts, err := memstore.TableOf[Post, int64](s)
	if err != nil {
		log.Fatal(err)
	}
	tags, err := memstore.TableOf[Tag, int64](s)
	if err != nil {
		log.Fatal(err)
	}
	links, err := memstore.TableOf[PostTag, int64](s)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	var post, tag int64
	if err := s.Update(ctx, func(tx *memstore.Tx) error {
		if post, err = posts.Insert(tx, Post{Status: "draft"}); err != nil {
			return err
		}
		if tag, err = tags.Insert(tx, Tag{Name: "go"}); err != nil {
			return err
		}
		_, err = links.Insert(tx, PostTag{PostID: post, TagID: tag})
		return err
	}); err != nil {
		log.Fatal(err)
	}

	err = s.Update(ctx, func(tx *memstore.Tx) error {
		_, err := links.Insert(tx, PostTag{PostID: post, TagID: tag})
		return err
	})
	fmt.Println(err)
	var ue *memstore.UniqueError
	if errors.As(err, &ue) {
		fmt.Println(ue.Index, ue.Fields, ue.Values)
	}
	// Output:
	// memstore: insert PostTag: (PostID, TagID) = (1, 1) already exists (unique index post_tag)
	// post_tag [PostID TagID] [1 1]
}

// Secondary indexes declared by tags: index=name on each field of a
// compound index, in declaration order, and index alone for a one-field
// index. Indexed values must have a place in the index's order: NaN is
// refused, NULL (a nil pointer) sorts last.
func ExampleIndex_tags() {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[Post]()}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	for _, ix := range s.Models()[0].Indexes {
		fmt.Printf("%s %v unique=%v\n", ix.Name, ix.Fields, ix.Unique)
	}
	posts, err := memstore.TableOf[Post, int64](s)
	if err != nil {
		log.Fatal(err)
	}

	nan := math.NaN()
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		if _, err := posts.Insert(tx, Post{Status: "draft"}); err != nil { // Score NULL
			return err
		}
		_, err := posts.Insert(tx, Post{Status: "draft", Score: &nan})
		return err
	})
	fmt.Println(errors.Is(err, memstore.ErrInvalid))
	// Output:
	// status_created [Status CreatedAt] unique=false
	// Score [Score] unique=false
	// true
}

// Indexes declared in code, for an order of fields other than the struct's
// or a type whose source cannot be tagged.
func ExampleIndex() {
	type Membership struct {
		ID     int64 `relstore:"pk,auto"`
		Team   string
		Person string
		Since  time.Time
	}
	m := memstore.ModelOf[Membership]()
	m.Indexes = []memstore.Index{
		{Name: "person_team", Fields: []string{"Person", "Team"}, Unique: true},
		{Fields: []string{"Since"}}, // named "Since"
	}
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{m}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	members, err := memstore.TableOf[Membership, int64](s)
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		for _, team := range []string{"red", "blue", "red"} {
			if _, err := members.Insert(tx, Membership{Team: team, Person: "ann"}); err != nil {
				return err
			}
		}
		return nil
	})
	fmt.Println(err)
	fmt.Println(s.Models()[0].Indexes)
	// Output:
	// memstore: insert Membership: (Person, Team) = (ann, red) already exists (unique index person_team)
	// [{person_team [Person Team] true} {Since [Since] false}]
}
