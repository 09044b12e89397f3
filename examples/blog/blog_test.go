package blog_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/examples/blog"
	"github.com/relstore/relstore/memstore"
)

func newBlog(t testing.TB) (*blog.Blog, *memstore.Store) {
	t.Helper()
	c, err := cache.New(cache.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s, err := memstore.New(memstore.Config{Cache: c, Models: blog.Models()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	b, err := blog.New(s)
	if err != nil {
		t.Fatal(err)
	}
	return b, s
}

func dump(t testing.TB, s *memstore.Store) memstore.Dump {
	t.Helper()
	var d memstore.Dump
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		var err error
		if d, err = tx.Dump(); err != nil {
			return err
		}
		return tx.CheckIntegrity()
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPublishIsAtomic(t *testing.T) {
	ctx := context.Background()
	b, s := newBlog(t)
	ann, err := b.AddUser(ctx, blog.User{Email: "ann@x", Name: "Ann"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := b.Publish(ctx, ann.ID, blog.Post{Title: "Hello"}, "go", "db")
	if err != nil {
		t.Fatal(err)
	}
	before := dump(t, s)
	// A tag named twice would link the pair twice: nothing is written, not
	// the post, not the new tag "new".
	_, err = b.Publish(ctx, ann.ID, blog.Post{Title: "Again"}, "new", "go", "go")
	if !errors.Is(err, blog.ErrTaggedTwice) {
		t.Fatalf("Publish with a tag twice = %v, want ErrTaggedTwice", err)
	}
	if diff := cmp.Diff(before, dump(t, s), cmp.AllowUnexported(blog.User{}, blog.Post{})); diff != "" {
		t.Errorf("store after a refused Publish (-want +got):\n%s", diff)
	}
	if _, err := b.Publish(ctx, 99, blog.Post{Title: "Nobody's"}, "go"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("Publish by no user = %v, want ErrNotFound", err)
	}
	pages, err := b.Pages(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"go", "db"}, pages[0].Tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
}

func TestRetag(t *testing.T) {
	ctx := context.Background()
	b, s := newBlog(t)
	ann, _ := b.AddUser(ctx, blog.User{Email: "ann@x", Name: "Ann"})
	p, _ := b.Publish(ctx, ann.ID, blog.Post{Title: "Hello"}, "go", "db")
	if err := b.Retag(ctx, p.ID, "db", "tests"); err != nil {
		t.Fatal(err)
	}
	pages, _ := b.Pages(ctx, p.ID)
	if diff := cmp.Diff([]string{"db", "tests"}, pages[0].Tags); diff != "" {
		t.Errorf("tags after Retag (-want +got):\n%s", diff)
	}
	if n := len(dump(t, s)["Tag"]); n != 3 {
		t.Errorf("%d tags, want 3: a tag a post no longer uses stays", n)
	}
	before := dump(t, s)
	if err := b.Retag(ctx, p.ID, "x", "x"); !errors.Is(err, blog.ErrTaggedTwice) {
		t.Fatalf("Retag with a tag twice = %v", err)
	}
	if diff := cmp.Diff(before, dump(t, s), cmp.AllowUnexported(blog.User{}, blog.Post{})); diff != "" {
		t.Errorf("a refused Retag wrote (-want +got):\n%s", diff)
	}
}

func TestPagesFromOneSnapshotWithoutNPlusOne(t *testing.T) {
	ctx := context.Background()
	b, _ := newBlog(t)
	var users []blog.User
	for _, name := range []string{"Ann", "Bob", "Cy"} {
		u, err := b.AddUser(ctx, blog.User{Email: name + "@x", Name: name})
		if err != nil {
			t.Fatal(err)
		}
		users = append(users, u)
	}
	var ids []int64
	for i := range 30 {
		p, err := b.Publish(ctx, users[i%3].ID, blog.Post{Title: "post"}, "go", []string{"a", "b", "c"}[i%3])
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
		for j := range 3 {
			if _, err := b.Comment(ctx, p.ID, users[j].ID, "nice"); err != nil {
				t.Fatal(err)
			}
		}
	}
	before := b.Lookups()
	pages, err := b.Pages(ctx, ids...)
	if err != nil {
		t.Fatal(err)
	}
	// Authors: 3 distinct; comments: one lookup per post (30), their
	// authors 3; tags: the links of each post (30) and 4 distinct tags.
	if got, want := b.Lookups()-before, int64(3+30+3+30+4); got != want {
		t.Errorf("lookups for %d pages = %d, want %d", len(pages), got, want)
	}
	if p := pages[4]; p.Author.Name != "Bob" || len(p.Comments) != 3 || p.Comments[2].Author != "Cy" || len(p.Tags) != 2 {
		t.Errorf("page 4 = %+v", p)
	}
}

func TestDeleteUserCascades(t *testing.T) {
	ctx := context.Background()
	b, s := newBlog(t)
	ann, _ := b.AddUser(ctx, blog.User{Email: "ann@x", Name: "Ann"})
	bob, _ := b.AddUser(ctx, blog.User{Email: "bob@x", Name: "Bob"})
	p, _ := b.Publish(ctx, ann.ID, blog.Post{Title: "Hello"}, "go")
	q, _ := b.Publish(ctx, bob.ID, blog.Post{Title: "Hi"}, "go")
	b.Comment(ctx, p.ID, bob.ID, "yes")
	b.Comment(ctx, q.ID, ann.ID, "no")
	if err := b.DeleteUser(ctx, ann.ID); err != nil {
		t.Fatal(err)
	}
	d := dump(t, s)
	if len(d["Post"]) != 1 || len(d["Comment"]) != 0 || len(d["PostTag"]) != 1 || len(d["Tag"]) != 1 {
		t.Errorf("after Ann's delete: %d posts, %d comments, %d links, %d tags; want 1, 0, 1, 1",
			len(d["Post"]), len(d["Comment"]), len(d["PostTag"]), len(d["Tag"]))
	}
	if _, err := b.Comment(ctx, p.ID, bob.ID, "gone?"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("Comment on a deleted post = %v, want ErrNotFound", err)
	}
}
