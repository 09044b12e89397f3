// Package blog is a worked repository on relstore that writes owners and
// their children atomically with relation accessors inside one transaction,
// and reads a page of related rows from one snapshot with a declarative
// include: users write posts, posts have comments and tags (many-to-many,
// through PostTag, a pair linked at most once).
package blog

import (
	"context"
	"errors"
	"fmt"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// User writes posts and comments.
type User struct {
	ID    int64    `relstore:"pk,auto" json:"id"`
	Email string   `relstore:"unique" json:"email"`
	Name  string   `json:"name"`
	_     struct{} `relstore:"hasMany=Post,foreignKey=AuthorID,as=posts"`
}

// Post belongs to its author; deleting the author deletes the post.
type Post struct {
	ID       int64    `relstore:"pk,auto" json:"id"`
	AuthorID int64    `relstore:"belongsTo=User,as=author,onDelete=cascade" json:"authorId"`
	Title    string   `json:"title"`
	Body     string   `json:"body"`
	_        struct{} `relstore:"hasMany=Comment"`         // comments
	_        struct{} `relstore:"hasAndBelongsToMany=Tag"` // tags, through PostTag
}

// Comment is on a post, by a user.
type Comment struct {
	ID       int64  `relstore:"pk,auto" json:"id"`
	PostID   int64  `relstore:"belongsTo=Post,onDelete=cascade" json:"postId"`
	AuthorID int64  `relstore:"belongsTo=User,as=author,onDelete=cascade" json:"authorId"`
	Text     string `json:"text"`
}

// Tag is a label with a unique name.
type Tag struct {
	ID   int64  `relstore:"pk,auto" json:"id"`
	Name string `relstore:"unique" json:"name"`
}

// PostTag links a post and a tag, at most once (the unique index pair).
type PostTag struct {
	ID     int64 `relstore:"pk,auto" json:"id"`
	PostID int64 `relstore:"belongsTo=Post,onDelete=cascade,unique=pair" json:"postId"`
	TagID  int64 `relstore:"belongsTo=Tag,onDelete=cascade,unique=pair" json:"tagId"`
}

// Models are the blog's models, for memstore.Config.Models.
func Models() []memstore.Model {
	return []memstore.Model{
		memstore.ModelOf[User](), memstore.ModelOf[Post](), memstore.ModelOf[Comment](),
		memstore.ModelOf[Tag](), memstore.ModelOf[PostTag](),
	}
}

// The repository's errors.
var (
	ErrNotFound    = errors.New("blog: not found")
	ErrEmailTaken  = errors.New("blog: email taken")
	ErrTaggedTwice = errors.New("blog: a tag given twice")
)

// Blog is the repository. It is safe for concurrent use.
type Blog struct {
	store    *memstore.Store
	users    *memstore.Table[User, int64]
	postRows *memstore.Table[Post, int64]
	tagTable *memstore.Table[Tag, int64]
	posts    *relations.HasMany[User, Post]
	comments *relations.HasMany[Post, Comment]
	tags     *relations.HasManyThrough[Post, Tag, PostTag]
	page     *relations.Include[Post]
}

// New returns the repository on store, which must have been opened with
// Models.
func New(store *memstore.Store) (*Blog, error) {
	b := &Blog{store: store}
	var err error
	if b.users, err = memstore.TableOf[User, int64](store); err != nil {
		return nil, err
	}
	if b.postRows, err = memstore.TableOf[Post, int64](store); err != nil {
		return nil, err
	}
	if b.tagTable, err = memstore.TableOf[Tag, int64](store); err != nil {
		return nil, err
	}
	if b.posts, err = relations.NewHasMany[User, Post](store, "posts"); err != nil {
		return nil, err
	}
	if b.comments, err = relations.NewHasMany[Post, Comment](store, "comments"); err != nil {
		return nil, err
	}
	if b.tags, err = relations.NewHasManyThrough[Post, Tag, PostTag](store, "tags"); err != nil {
		return nil, err
	}
	// A post's page: its author, its first comments with theirs, its tags.
	b.page, err = relations.NewInclude[Post](store,
		relations.With("author"),
		filter.Include{Relation: "comments", Scope: filter.Filter{Limit: 20, Include: []filter.Include{relations.With("author")}}},
		relations.With("tags"))
	if err != nil {
		return nil, err
	}
	return b, nil
}

// AddUser stores a new user.
func (b *Blog) AddUser(ctx context.Context, u User) (User, error) {
	u.ID = 0
	err := b.store.Update(ctx, func(tx *memstore.Tx) error {
		var err error
		u.ID, err = b.users.Insert(tx, u)
		return err
	})
	if errors.Is(err, memstore.ErrUnique) {
		return User{}, fmt.Errorf("%w: %w", ErrEmailTaken, err)
	}
	return u, err
}

// Publish stores post by author with its tags, found by name or created,
// in one transaction: the post, new tags and the links are all written, or
// none is (a tag named twice links the pair twice, which the link model's
// unique index refuses: the post is not written either).
func (b *Blog) Publish(ctx context.Context, authorID int64, p Post, tags ...string) (Post, error) {
	p.ID, p.AuthorID = 0, 0
	err := b.store.Update(ctx, func(tx *memstore.Tx) error {
		author, err := b.users.Get(tx, authorID)
		if err != nil {
			return err
		}
		if err := b.posts.In(tx).Create(author, &p); err != nil {
			return err
		}
		for _, name := range tags {
			tag, err := b.tagTable.Lookup(tx, "Name", name)
			switch {
			case errors.Is(err, memstore.ErrNotFound):
				err = b.tags.In(tx).Create(p, &Tag{Name: name}, nil)
			case err == nil:
				err = b.tags.In(tx).Add(p, tag, nil)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	switch {
	case errors.Is(err, memstore.ErrNotFound):
		return Post{}, fmt.Errorf("%w: %w", ErrNotFound, err)
	case errors.Is(err, memstore.ErrUnique):
		return Post{}, fmt.Errorf("%w: %w", ErrTaggedTwice, err)
	case err != nil:
		return Post{}, err
	}
	return p, nil
}

// Comment adds a comment by user to a post.
func (b *Blog) Comment(ctx context.Context, postID, userID int64, text string) (Comment, error) {
	c := Comment{AuthorID: userID, Text: text}
	err := b.comments.Create(ctx, Post{ID: postID}, &c)
	if errors.Is(err, memstore.ErrForeignKey) {
		return Comment{}, fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return c, err
}

// Retag replaces a post's tags by tags, in one transaction: the links to
// the old tags are removed (the tags stay), the new ones added.
func (b *Blog) Retag(ctx context.Context, postID int64, tags ...string) error {
	err := b.store.Update(ctx, func(tx *memstore.Tx) error {
		post := Post{ID: postID}
		old, err := b.tags.In(tx).List(post)
		if err != nil {
			return err
		}
		for _, t := range old {
			if _, err := b.tags.In(tx).Remove(post, t); err != nil {
				return err
			}
		}
		for _, name := range tags {
			tag, err := b.tagTable.Lookup(tx, "Name", name)
			switch {
			case errors.Is(err, memstore.ErrNotFound):
				err = b.tags.In(tx).Create(post, &Tag{Name: name}, nil)
			case err == nil:
				err = b.tags.In(tx).Add(post, tag, nil)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	switch {
	case errors.Is(err, memstore.ErrForeignKey):
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	case errors.Is(err, memstore.ErrUnique):
		return fmt.Errorf("%w: %w", ErrTaggedTwice, err)
	}
	return err
}

// Page is a post with what a reader sees beside it.
type Page struct {
	Post     Post
	Author   User
	Comments []CommentView // the first 20, in the order written
	Tags     []string      // in the order of the tags' keys
}

// CommentView is a comment with its author's name.
type CommentView struct {
	Text, Author string
}

// Pages reads the pages of posts from one snapshot, with one index lookup
// per distinct author, post and tag, however many posts share them.
func (b *Blog) Pages(ctx context.Context, postIDs ...int64) ([]Page, error) {
	var pages []Page
	err := b.store.View(ctx, func(tx *memstore.Tx) error {
		posts := make([]Post, len(postIDs))
		for i, id := range postIDs {
			p, err := b.postRows.Get(tx, id)
			if err != nil {
				return err
			}
			posts[i] = p
		}
		nodes, err := b.page.In(tx).Load(posts)
		if err != nil {
			return err
		}
		pages = make([]Page, len(nodes))
		for i, n := range nodes {
			pg := Page{Post: n.Row.(Post), Comments: []CommentView{}, Tags: []string{}}
			if a := n.One("author"); a != nil {
				pg.Author = a.Row.(User)
			}
			for _, c := range n.Many("comments") {
				cv := CommentView{Text: c.Row.(Comment).Text}
				if a := c.One("author"); a != nil {
					cv.Author = a.Row.(User).Name
				}
				pg.Comments = append(pg.Comments, cv)
			}
			for _, t := range n.Many("tags") {
				pg.Tags = append(pg.Tags, t.Row.(Tag).Name)
			}
			pages[i] = pg
		}
		return nil
	})
	if errors.Is(err, memstore.ErrNotFound) {
		return nil, fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return pages, err
}

// DeleteUser deletes a user with their posts, their comments and the
// comments on their posts; the tags stay.
func (b *Blog) DeleteUser(ctx context.Context, id int64) error {
	err := b.store.Update(ctx, func(tx *memstore.Tx) error { return b.users.Delete(tx, id) })
	if errors.Is(err, memstore.ErrNotFound) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}

// Lookups reports the index lookups the pages have made, for a test that
// asserts there is no N+1.
func (b *Blog) Lookups() int64 { return b.page.Lookups() }
