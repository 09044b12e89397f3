package relations_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// The models of the HasMany examples: blogs and their entries.

type Blog struct {
	ID   int64 `relstore:"pk,auto"`
	Name string
	_    struct{} `relstore:"hasMany=Entry"` // entries
}

type Entry struct {
	ID     int64 `relstore:"pk,auto"`
	BlogID int64 `relstore:"belongsTo=Blog,onDelete=cascade"`
	Title  string
	Draft  bool
}

// openBlogs opens a store with blogs 1 (Go) and 2 (Tea), entries 1 (a), 2 (b,
// a draft) and 3 (c) of blog 1, and entry 4 (d) of blog 2; it returns the
// blogs' "entries" accessor.
func openBlogs() (*memstore.Store, *relations.HasMany[Blog, Entry]) {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[Blog](), memstore.ModelOf[Entry](),
	}})
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		for _, v := range []any{
			Blog{Name: "Go"}, Blog{Name: "Tea"},
			Entry{BlogID: 1, Title: "a"}, Entry{BlogID: 1, Title: "b", Draft: true},
			Entry{BlogID: 1, Title: "c"}, Entry{BlogID: 2, Title: "d"},
		} {
			if err := tx.Insert(v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	entries, err := relations.NewHasMany[Blog, Entry](s, "entries")
	if err != nil {
		log.Fatal(err)
	}
	return s, entries
}

// NewHasMany makes the accessor of a hasMany relation, by the owner's
// relation name (or the child's belongsTo name); a wrong name lists those
// that exist.
func ExampleNewHasMany() {
	s, entries := openBlogs()
	defer s.Close()
	fmt.Println(entries.Name())
	_, err := relations.NewHasMany[Blog, Entry](s, "posts")
	fmt.Println(errors.Is(err, memstore.ErrInvalid))
	// Output:
	// entries
	// true
}

// Name is the relation's name.
func ExampleHasMany_Name() {
	s, entries := openBlogs()
	defer s.Close()
	fmt.Println(entries.Name())
	// Output:
	// entries
}

// List returns an owner's children in key order (LoopBack: blog.entries()).
func ExampleHasMany_List() {
	s, entries := openBlogs()
	defer s.Close()
	list, err := entries.List(context.Background(), Blog{ID: 1})
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range list {
		fmt.Println(e.ID, e.Title)
	}
	// Output:
	// 1 a
	// 2 b
	// 3 c
}

// All iterates over an owner's children, read from one snapshot.
func ExampleHasMany_All() {
	s, entries := openBlogs()
	defer s.Close()
	all, err := entries.All(context.Background(), Blog{ID: 2})
	if err != nil {
		log.Fatal(err)
	}
	for e := range all {
		fmt.Println(e.Title)
	}
	// Output:
	// d
}

// Count, CountWhere and Exists count an owner's children.
func ExampleHasMany_Count() {
	s, entries := openBlogs()
	defer s.Close()
	n, err := entries.Count(context.Background(), Blog{ID: 1})
	fmt.Println(n, err)
	// Output:
	// 3 <nil>
}

// CountWhere counts the children a condition matches.
func ExampleHasMany_CountWhere() {
	s, entries := openBlogs()
	defer s.Close()
	n, err := entries.CountWhere(context.Background(), Blog{ID: 1}, filter.Eq("Draft", true))
	fmt.Println(n, err)
	// Output:
	// 1 <nil>
}

// Exists reports whether a child matches a condition.
func ExampleHasMany_Exists() {
	s, entries := openBlogs()
	defer s.Close()
	ok, err := entries.Exists(context.Background(), Blog{ID: 2}, filter.Eq("Draft", true))
	fmt.Println(ok, err)
	// Output:
	// false <nil>
}

// ExistsKey reports whether a key is one of the owner's children
// (LoopBack: blog.entries.exists(id)); an untyped constant key converts to
// the key's type.
func ExampleHasMany_ExistsKey() {
	s, entries := openBlogs()
	defer s.Close()
	ctx := context.Background()
	mine, _ := entries.ExistsKey(ctx, Blog{ID: 1}, 3)
	theirs, _ := entries.ExistsKey(ctx, Blog{ID: 1}, 4) // blog 2's
	fmt.Println(mine, theirs)
	// Output:
	// true false
}

// Create inserts a child of the owner: the foreign key is filled in and
// the assigned key written back.
func ExampleHasMany_Create() {
	s, entries := openBlogs()
	defer s.Close()
	ctx := context.Background()
	e := Entry{Title: "e"}
	err := entries.Create(ctx, Blog{ID: 2}, &e)
	fmt.Println(e.ID, e.BlogID, err)
	// A child naming another owner is refused.
	err = entries.Create(ctx, Blog{ID: 2}, &Entry{BlogID: 1, Title: "f"})
	fmt.Println(errors.Is(err, relations.ErrOtherOwner))
	// Output:
	// 5 2 <nil>
	// true
}

// Update replaces a child; it must belong to the owner.
func ExampleHasMany_Update() {
	s, entries := openBlogs()
	defer s.Close()
	ctx := context.Background()
	err := entries.Update(ctx, Blog{ID: 1}, Entry{ID: 2, BlogID: 1, Title: "b, final"})
	fmt.Println(err)
	err = entries.Update(ctx, Blog{ID: 2}, Entry{ID: 2, BlogID: 2, Title: "stolen"})
	fmt.Println(errors.Is(err, relations.ErrOtherOwner))
	list, _ := entries.List(ctx, Blog{ID: 1})
	fmt.Println(list[1].Title)
	// Output:
	// <nil>
	// true
	// b, final
}

// UpdateWhere changes the owner's children a condition matches.
func ExampleHasMany_UpdateWhere() {
	s, entries := openBlogs()
	defer s.Close()
	ctx := context.Background()
	n, err := entries.UpdateWhere(ctx, Blog{ID: 1}, filter.Eq("Draft", true), func(e *Entry) error {
		e.Draft = false
		return nil
	})
	fmt.Println(n, err)
	drafts, _ := entries.CountWhere(ctx, Blog{ID: 1}, filter.Eq("Draft", true))
	fmt.Println(drafts)
	// Output:
	// 1 <nil>
	// 0
}

// Delete deletes a child of the owner.
func ExampleHasMany_Delete() {
	s, entries := openBlogs()
	defer s.Close()
	ctx := context.Background()
	fmt.Println(entries.Delete(ctx, Blog{ID: 1}, Entry{ID: 1}))
	err := entries.Delete(ctx, Blog{ID: 1}, Entry{ID: 4}) // blog 2's
	fmt.Println(errors.Is(err, relations.ErrOtherOwner))
	n, _ := entries.Count(ctx, Blog{ID: 1})
	fmt.Println(n)
	// Output:
	// <nil>
	// true
	// 2
}

// Include reads the children of many owners at once, one lookup per
// distinct owner; Lookups counts them, so a test can assert "no N+1".
func ExampleHasMany_Include() {
	s, entries := openBlogs()
	defer s.Close()
	out, err := entries.Include(context.Background(), []Blog{{ID: 1}, {ID: 2}, {ID: 1}, {ID: 9}})
	if err != nil {
		log.Fatal(err)
	}
	for _, es := range out {
		fmt.Println(len(es))
	}
	fmt.Println("lookups:", entries.Lookups())
	// Output:
	// 3
	// 1
	// 3
	// 0
	// lookups: 3
}

// Lookups counts the index lookups the accessor made.
func ExampleHasMany_Lookups() {
	s, entries := openBlogs()
	defer s.Close()
	ctx := context.Background()
	for range 3 {
		if _, err := entries.Count(ctx, Blog{ID: 1}); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(entries.Lookups())
	// Output:
	// 3
}

// In runs the accessor inside a caller's transaction: its reads see the
// transaction's writes, and all commit or roll back together.
func ExampleHasManyTx_CreateMany() {
	s, entries := openBlogs()
	defer s.Close()
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		blog := Blog{Name: "New"}
		if err := tx.Insert(&blog); err != nil {
			return err
		}
		in := entries.In(tx)
		if err := in.CreateMany(blog, []Entry{{Title: "x"}, {Title: "y"}}); err != nil {
			return err
		}
		n, err := in.Count(blog)
		fmt.Println("entries of the new blog:", n)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// entries of the new blog: 2
}

// The transaction's methods are HasMany's, without a context.
func ExampleHasManyTx_List() {
	s, entries := openBlogs()
	defer s.Close()
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := entries.In(tx)
		e := Entry{Title: "z"}
		if err := in.Create(Blog{ID: 2}, &e); err != nil {
			return err
		}
		list, err := in.List(Blog{ID: 2})
		for _, e := range list {
			fmt.Println(e.ID, e.Title)
		}
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 4 d
	// 5 z
}

// FindByKey reads one child by key; Update and Delete change the owner's
// children inside the transaction.
func ExampleHasManyTx_FindByKey() {
	s, entries := openBlogs()
	defer s.Close()
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := entries.In(tx)
		e, err := in.FindByKey(Blog{ID: 1}, 2)
		if err != nil {
			return err
		}
		e.Draft = false
		if err := in.Update(Blog{ID: 1}, e); err != nil {
			return err
		}
		if err := in.Delete(Blog{ID: 1}, Entry{ID: 3}); err != nil {
			return err
		}
		ok, err := in.ExistsKey(Blog{ID: 1}, 3)
		fmt.Println(e.Title, e.Draft, ok)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// b false false
}

// All and Include read inside the transaction.
func ExampleHasManyTx_Include() {
	s, entries := openBlogs()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		in := entries.In(tx)
		out, err := in.Include([]Blog{{ID: 2}, {ID: 1}})
		if err != nil {
			return err
		}
		fmt.Println(len(out[0]), len(out[1]))
		all, err := in.All(Blog{ID: 2})
		for e := range all {
			fmt.Println(e.Title)
		}
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 1 3
	// d
}

// Count and All inside a transaction see its own writes.
func ExampleHasManyTx_Count() {
	s, entries := openBlogs()
	defer s.Close()
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := entries.In(tx)
		if err := in.Create(Blog{ID: 2}, &Entry{Title: "e"}); err != nil {
			return err
		}
		n, err := in.Count(Blog{ID: 2})
		fmt.Println(n)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 2
}

// All iterates over an owner's children inside a transaction.
func ExampleHasManyTx_All() {
	s, entries := openBlogs()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		all, err := entries.In(tx).All(Blog{ID: 1})
		if err != nil {
			return err
		}
		for e := range all {
			fmt.Print(e.Title, " ")
		}
		fmt.Println()
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// a b c
}

// Create inserts a child of the owner inside a transaction.
func ExampleHasManyTx_Create() {
	s, entries := openBlogs()
	defer s.Close()
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		e := Entry{Title: "new"}
		err := entries.In(tx).Create(Blog{ID: 1}, &e)
		fmt.Println(e.ID, e.BlogID, err)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 5 1 <nil>
}

// Update replaces a child inside a transaction; it must stay the owner's.
func ExampleHasManyTx_Update() {
	s, entries := openBlogs()
	defer s.Close()
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := entries.In(tx)
		if err := in.Update(Blog{ID: 2}, Entry{ID: 4, BlogID: 2, Title: "d2"}); err != nil {
			return err
		}
		e, err := in.FindByKey(Blog{ID: 2}, 4)
		fmt.Println(e.Title)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// d2
}

// Delete deletes a child of the owner inside a transaction.
func ExampleHasManyTx_Delete() {
	s, entries := openBlogs()
	defer s.Close()
	err := s.Update(context.Background(), func(tx *memstore.Tx) error {
		in := entries.In(tx)
		if err := in.Delete(Blog{ID: 2}, Entry{ID: 4}); err != nil {
			return err
		}
		n, err := in.Count(Blog{ID: 2})
		fmt.Println(n)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 0
}

// ExistsKey reports whether a key is one of the owner's children.
func ExampleHasManyTx_ExistsKey() {
	s, entries := openBlogs()
	defer s.Close()
	err := s.View(context.Background(), func(tx *memstore.Tx) error {
		in := entries.In(tx)
		mine, err := in.ExistsKey(Blog{ID: 2}, 4)
		if err != nil {
			return err
		}
		theirs, err := in.ExistsKey(Blog{ID: 2}, 1)
		fmt.Println(mine, theirs)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// true false
}
