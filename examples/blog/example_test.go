package blog_test

import (
	"context"
	"fmt"
	"log"

	"github.com/relstore/relstore/examples/blog"
	"github.com/relstore/relstore/memstore"
)

func Example() {
	s, err := memstore.New(memstore.Config{Models: blog.Models()})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	b, err := blog.New(s)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	ann, _ := b.AddUser(ctx, blog.User{Email: "ann@x", Name: "Ann"})
	bob, _ := b.AddUser(ctx, blog.User{Email: "bob@x", Name: "Bob"})
	// The post and its tags in one transaction.
	p, err := b.Publish(ctx, ann.ID, blog.Post{Title: "Hello, relstore"}, "go", "databases")
	if err != nil {
		log.Fatal(err)
	}
	b.Comment(ctx, p.ID, bob.ID, "Nice!")
	pages, err := b.Pages(ctx, p.ID)
	if err != nil {
		log.Fatal(err)
	}
	pg := pages[0]
	fmt.Printf("%q by %s, tagged %v\n", pg.Post.Title, pg.Author.Name, pg.Tags)
	for _, c := range pg.Comments {
		fmt.Printf("%s: %s\n", c.Author, c.Text)
	}
	// Output:
	// "Hello, relstore" by Ann, tagged [go databases]
	// Bob: Nice!
}
