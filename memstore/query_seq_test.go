package memstore_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/internal/relcore"
	"github.com/relstore/relstore/memstore"
)

// TestQuerySequence: Query.All and RelQuery.All follow Table.Scan's rules:
// a View's sequence reads its snapshot after the View; an Update's reads a
// snapshot taken at the call and yields nothing once the Update returned.
func TestQuerySequence(t *testing.T) {
	for _, f := range []filter.Filter{
		{Where: filter.Eq("AuthorID", 1)},                                              // streamed from the index
		{Where: filter.Eq("AuthorID", 1), Order: []filter.Order{filter.Desc("Views")}}, // sorted first
	} {
		b := newBlog(t, 2, 6)
		q := must(b.posts.Query(f))(t)
		rq := must(b.rel.Query(f))(t)
		k := []byte{0x80, 0, 0, 0, 0, 0, 0, 1} // author 1
		ids := func(yield func(func(int64) bool)) []int64 {
			var out []int64
			yield(func(id int64) bool { out = append(out, id); return true })
			return out
		}
		var viewSeq, updateSeq func(func(int64) bool)
		var relSeq func(func(int64) bool)
		mustView(t, b.Store, func(tx *memstore.Tx) error {
			seq := must(q.All(tx))(t)
			viewSeq = func(yield func(int64) bool) {
				for id := range seq {
					if !yield(id) {
						return
					}
				}
			}
			return nil
		})
		mustUpdate(t, b.Store, func(tx *memstore.Tx) error {
			seq := must(q.All(tx))(t)
			rseq := must(rq.All(tx, k))(t)
			updateSeq = func(yield func(int64) bool) {
				for id := range seq {
					if !yield(id) {
						return
					}
				}
			}
			relSeq = func(yield func(int64) bool) {
				for p := range rseq {
					if !yield(p.ID) {
						return
					}
				}
			}
			// Written after the call: not in the sequences' snapshot.
			if _, err := b.posts.Insert(tx, blogPost{AuthorID: 1, Views: 100}); err != nil {
				return err
			}
			if got := ids(updateSeq); len(got) != 3 {
				t.Errorf("%v: All in the Update = %v, want the 3 posts before the insert", f, got)
			}
			if got := ids(relSeq); len(got) != 3 {
				t.Errorf("%v: RelQuery.All in the Update = %v, want 3 posts", f, got)
			}
			return nil
		})
		if got := ids(updateSeq); got != nil {
			t.Errorf("%v: All after its Update = %v, want nothing", f, got)
		}
		if got := ids(relSeq); got != nil {
			t.Errorf("%v: RelQuery.All after its Update = %v, want nothing", f, got)
		}
		if got := ids(viewSeq); len(got) != 3 {
			t.Errorf("%v: All after its View = %v, want the View's 3 posts", f, got)
		}
	}
}

// shadowItem has no field for its owner: the relation declared in code
// keeps a shadow foreign key, which filters name like a field.
type shadowItem struct {
	ID    int64 `relstore:"pk,auto"`
	Label string
}

// keylessRow has no key field: the store assigns a rowid.
type keylessRow struct {
	Label string `relstore:"index"`
	N     int
}

func TestQueryShadowAndKeyless(t *testing.T) {
	item := memstore.ModelOf[shadowItem]()
	item.Relations = []memstore.Relation{{Name: "owner", Target: "blogUser", FK: "OwnerID", OnDelete: memstore.SetNull, Shadow: true}}
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[blogUser](), item, memstore.ModelOf[keylessRow]()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	items := mustTable[shadowItem, int64](t, s)
	owner := must(relcore.RelationOf[shadowItem, blogUser](s, "owner"))(t)
	keyless := mustTable[keylessRow, memstore.RowID](t, s)
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		for i := 1; i <= 3; i++ {
			if err := tx.Insert(&blogUser{Email: itoa(i)}); err != nil {
				return err
			}
		}
		for i := 1; i <= 6; i++ {
			it := shadowItem{Label: "item " + itoa(i)}
			var k []byte
			if i%3 != 0 { // items 3 and 6 have no owner
				k = []byte{0x80, 0, 0, 0, 0, 0, 0, byte(i%2 + 1)} // owners 2, 1, -, 1, 2, -
			}
			if err := owner.InsertChild(tx, &it, k); err != nil {
				return err
			}
			if _, err := keyless.Insert(tx, keylessRow{Label: "x" + itoa(i%2), N: i}); err != nil {
				return err
			}
		}
		return nil
	})
	labels := func(rows []shadowItem) []string {
		var out []string
		for _, r := range rows {
			out = append(out, r.Label)
		}
		return out
	}
	mustView(t, s, func(tx *memstore.Tx) error {
		for _, tt := range []struct {
			f    filter.Filter
			want []string
		}{
			{filter.Filter{Where: filter.Eq("OwnerID", 1)}, []string{"item 2", "item 4"}},
			{filter.Filter{Where: filter.IsNull("OwnerID")}, []string{"item 3", "item 6"}},
			{filter.Filter{Where: filter.Gt("OwnerID", 1)}, []string{"item 1", "item 5"}},
			{filter.Filter{Order: []filter.Order{filter.Desc("OwnerID")}}, []string{"item 6", "item 3", "item 5", "item 1", "item 4", "item 2"}},
			{filter.Filter{Order: []filter.Order{filter.Asc("OwnerID")}, After: []any{1, 4}}, []string{"item 1", "item 5", "item 3", "item 6"}},
		} {
			got := must(items.Find(tx, tt.f))(t)
			if !slices.Equal(labels(got), tt.want) {
				q, _ := items.Query(tt.f)
				t.Errorf("Find(%v) = %v, want %v (plan %v)", tt.f, labels(got), tt.want, q.Explain())
			}
		}
		q := must(items.Query(filter.Filter{Order: []filter.Order{filter.Asc("OwnerID")}}))(t)
		if after := q.After(shadowItem{ID: 1}); after != nil {
			t.Errorf("After of an order with a shadow column = %v, want nil", after)
		}
		// A model without a key field: rowid orders and pages it.
		kq := must(keyless.Query(filter.Filter{Where: filter.Eq("Label", "x1"), Order: []filter.Order{filter.Desc("rowid")}, Limit: 2}))(t)
		var ns []int
		for k, row := range must(kq.All(tx))(t) {
			if int(k) != row.N {
				t.Errorf("keyless row %d has N %d", k, row.N)
			}
			ns = append(ns, row.N)
		}
		if !slices.Equal(ns, []int{5, 3}) || kq.Explain().Index != "Label" {
			t.Errorf("keyless query = %v with plan %v, want [5 3] from index Label", ns, kq.Explain())
		}
		next := must(keyless.Query(filter.Filter{Where: filter.Eq("Label", "x1"), Order: []filter.Order{filter.Desc("rowid")}, After: []any{3}}))(t)
		if got := must(next.Find(tx))(t); len(got) != 1 || got[0].N != 1 {
			t.Errorf("keyless keyset page = %+v, want row 1", got)
		}
		if _, err := s.Query("shadowItem", filter.Filter{Fields: filter.Fields{Names: []string{"OwnerID"}}}); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("fields naming a shadow column: %v, want ErrInvalid", err)
		}
		return nil
	})
}
