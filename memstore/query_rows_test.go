package memstore_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/internal/relcore"
	"github.com/relstore/relstore/memstore"
)

// Models of TestRelatedScoped: every relation kind, and a shadow foreign
// key a scope can name.
type (
	rsCustomer struct {
		ID   int64
		Name string
		_    struct{} `relstore:"hasMany=rsOrder,foreignKey=CustomerID,as=orders"`
		_    struct{} `relstore:"hasOne=rsAddress,foreignKey=CustomerID,as=address"`
		_    struct{} `relstore:"hasMany=rsProduct,through=rsOrder,foreignKey=CustomerID,keyThrough=ProductID,as=bought"`
		_    struct{} `relstore:"hasMany=rsNote,foreignKey=CustomerID,as=notes"`
	}
	rsAddress struct {
		ID         int64
		CustomerID int64 `relstore:"belongsTo=rsCustomer,unique,onDelete=cascade"`
		City       string
	}
	rsProduct struct {
		ID    int64
		Name  string
		Price int
	}
	rsOrder struct {
		ID         int64
		CustomerID int64 `relstore:"belongsTo=rsCustomer,as=customer,onDelete=cascade"`
		ProductID  int64 `relstore:"belongsTo=rsProduct,as=product,onDelete=cascade"`
		Total      int
		Note       *string
	}
	rsNote struct {
		ID   int64
		Text string
	}
	rsPicture struct {
		ID            int64
		ImageableID   *int64 `relstore:"polymorphic=rsCustomer|rsProduct,as=imageable,onDelete=cascade"`
		ImageableType string
		Likes         int
	}
)

// openRelatedScoped returns a store of the rs models with rows drawn from
// rng.
func openRelatedScoped(t testing.TB, rng *rand.Rand) *memstore.Store {
	t.Helper()
	note := memstore.ModelOf[rsNote]()
	note.Relations = []memstore.Relation{{Name: "customer", Target: "rsCustomer", FK: "CustomerID", OnDelete: memstore.SetNull, Shadow: true}}
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[rsCustomer](), memstore.ModelOf[rsAddress](), memstore.ModelOf[rsProduct](),
		memstore.ModelOf[rsOrder](), note, memstore.ModelOf[rsPicture](),
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	toCustomer := must(relcore.RelationOf[rsNote, rsCustomer](s, "customer"))(t)
	names := []string{"ann", "bob", "cy", "dee", "eve"}
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		for i := int64(1); i <= 6; i++ {
			if err := tx.Insert(rsCustomer{ID: i, Name: names[rng.IntN(len(names))]}); err != nil {
				return err
			}
			if rng.IntN(3) > 0 {
				if err := tx.Insert(rsAddress{ID: i, CustomerID: i, City: names[rng.IntN(len(names))]}); err != nil {
					return err
				}
			}
		}
		for i := int64(1); i <= 5; i++ {
			if err := tx.Insert(rsProduct{ID: i, Name: names[rng.IntN(len(names))], Price: rng.IntN(4)}); err != nil {
				return err
			}
		}
		for i := int64(1); i <= 40; i++ {
			o := rsOrder{ID: i, CustomerID: 1 + rng.Int64N(5), ProductID: 1 + rng.Int64N(5), Total: rng.IntN(6)}
			if rng.IntN(2) == 0 {
				o.Note = ptr(names[rng.IntN(len(names))])
			}
			if err := tx.Insert(o); err != nil {
				return err
			}
		}
		for i := int64(1); i <= 20; i++ {
			n := rsNote{ID: i, Text: names[rng.IntN(len(names))]}
			if err := tx.Insert(n); err != nil {
				return err
			}
			if rng.IntN(4) > 0 {
				k, _, err := toCustomer.AppendKey(nil, &rsCustomer{ID: 1 + rng.Int64N(6)})
				if err != nil {
					return err
				}
				if err := toCustomer.SetFK(tx, &n, k); err != nil {
					return err
				}
			}
		}
		for i := int64(1); i <= 20; i++ {
			p := rsPicture{ID: i, ImageableID: ptr(1 + rng.Int64N(5)), ImageableType: []string{"rsCustomer", "rsProduct"}[rng.IntN(2)], Likes: rng.IntN(5)}
			if err := tx.Insert(p); err != nil {
				return err
			}
		}
		return nil
	})
	return s
}

// TestRelatedScoped checks each relation kind's scoped rows against the
// query layer: per row, the related rows Related reads, selected by a
// query of the related model whose where also fixes their primary keys.
// The lookups are Related's.
func TestRelatedScoped(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	s := openRelatedScoped(t, rng)
	type kind struct {
		model, relation string
		rows            func(tx *memstore.Tx) any
		scopes          map[string][]filter.Filter // by related model
	}
	all := func(model string) func(tx *memstore.Tx) any {
		return func(tx *memstore.Tx) any { return must(tx.Find(model, filter.Filter{}))(t) }
	}
	orderScopes := []filter.Filter{
		{Where: filter.Gte("Total", 2)},
		{Order: []filter.Order{filter.Desc("Total")}},
		{Where: filter.NotNull("Note"), Order: []filter.Order{filter.Asc("Note"), filter.Desc("Total")}, Limit: 2},
		{Order: []filter.Order{filter.Asc("Note")}, Skip: 1, Limit: 3},
		{Where: filter.Or(filter.Eq("Total", 0), filter.Like("Note", "%e%")), Skip: 2},
		{Order: []filter.Order{filter.Desc("ID")}, After: []any{20}},
	}
	for _, k := range []kind{
		{"rsCustomer", "orders", all("rsCustomer"), map[string][]filter.Filter{"rsOrder": orderScopes}},
		{"rsCustomer", "address", all("rsCustomer"), map[string][]filter.Filter{"rsAddress": {
			{Where: filter.Inq("City", "ann", "bob")}, {Where: filter.Neq("City", "ann"), Order: []filter.Order{filter.Desc("City")}},
		}}},
		{"rsCustomer", "bought", all("rsCustomer"), map[string][]filter.Filter{"rsProduct": {
			{Where: filter.Gt("Price", 1)},
			{Order: []filter.Order{filter.Asc("Name"), filter.Desc("Price")}, Limit: 2},
			{Where: filter.Lt("Price", 3), Order: []filter.Order{filter.Desc("Price")}, Skip: 1},
		}}},
		{"rsCustomer", "notes", all("rsCustomer"), map[string][]filter.Filter{"rsNote": {
			{Where: filter.Like("Text", "%e%"), Order: []filter.Order{filter.Desc("Text")}},
			{Where: filter.Gt("CustomerID", 2)}, // a shadow column: its value is the record's, not the row's
		}}},
		{"rsOrder", "customer", all("rsOrder"), map[string][]filter.Filter{"rsCustomer": {
			{Where: filter.Inq("Name", "ann", "cy")}, {Order: []filter.Order{filter.Desc("Name")}},
		}}},
		{"rsPicture", "imageable", all("rsPicture"), map[string][]filter.Filter{
			"rsCustomer": {{Where: filter.Eq("Name", "bob")}, {}},
			"rsProduct":  {{Where: filter.Gte("Price", 2)}, {Where: filter.Like("Name", "%e%")}},
		}},
	} {
		// Each combination of one scope per related model (the first
		// model's scopes against the others' in turn).
		var models []string
		for m := range k.scopes {
			models = append(models, m)
		}
		n := 0
		for _, fs := range k.scopes {
			n = max(n, len(fs))
		}
		for i := range n {
			var fs []filter.Filter
			for _, m := range models {
				fs = append(fs, k.scopes[m][i%len(k.scopes[m])])
			}
			t.Run(fmt.Sprintf("%s.%s %v", k.model, k.relation, fs), func(t *testing.T) {
				mustView(t, s, func(tx *memstore.Tx) error {
					rows := k.rows(tx)
					var qs []*memstore.ModelQuery
					for j, m := range models {
						qs = append(qs, must(s.Query(m, fs[j]))(t))
					}
					base := must(tx.Related(k.model, k.relation, rows))(t)
					got := must(tx.RelatedScoped(k.model, k.relation, rows, qs...))(t)
					if got.Lookups != base.Lookups {
						t.Errorf("lookups = %d, want Related's %d", got.Lookups, base.Lookups)
					}
					for r := range base.Rows {
						want := []any{}
						// The rows of one related model at a time: a
						// polymorphic row's owner is of one model.
						for j, m := range models {
							var ids []int64
							for _, v := range base.Rows[r] {
								if reflect.TypeOf(v).Name() == m {
									ids = append(ids, reflect.ValueOf(v).FieldByName("ID").Int())
								}
							}
							if len(ids) == 0 {
								continue
							}
							f := fs[j]
							f.Where = filter.And(f.Where, filter.Inq("ID", ids...))
							want = append(want, must(tx.Find(m, f))(t)...)
						}
						if diff := cmp.Diff(want, got.Rows[r]); diff != "" {
							t.Errorf("row %d (-want +got):\n%s", r, diff)
						}
					}
					return nil
				})
			})
		}
	}
}

// TestRelatedScopedRefusals: a query that does not fit the relation is
// refused with ErrInvalid, and reads nothing.
func TestRelatedScopedRefusals(t *testing.T) {
	s := openRelatedScoped(t, rand.New(rand.NewPCG(1, 2)))
	other := openRelatedScoped(t, rand.New(rand.NewPCG(1, 2)))
	orders := must(s.Query("rsOrder", filter.Filter{}))(t)
	for _, tc := range []struct {
		name, relation string
		queries        []*memstore.ModelQuery
		want           string
	}{
		{"a query of a model the relation does not relate", "orders", []*memstore.ModelQuery{must(s.Query("rsProduct", filter.Filter{}))(t)}, "relates rsOrder"},
		{"two queries of one model", "orders", []*memstore.ModelQuery{orders, orders}, "two queries"},
		{"a nil query", "orders", []*memstore.ModelQuery{nil}, "nil"},
		{"a query of another store", "orders", []*memstore.ModelQuery{must(other.Query("rsOrder", filter.Filter{}))(t)}, "another store"},
		{"an unknown relation", "order", []*memstore.ModelQuery{orders}, "its relations: orders"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mustView(t, s, func(tx *memstore.Tx) error {
				_, err := tx.RelatedScoped("rsCustomer", tc.relation, []rsCustomer{{ID: 1}}, tc.queries...)
				if !errors.Is(err, memstore.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("RelatedScoped = %v, want ErrInvalid with %q", err, tc.want)
				}
				return nil
			})
		})
	}
	var tx *memstore.Tx
	if _, err := tx.RelatedScoped("rsCustomer", "orders", []rsCustomer{{ID: 1}}, orders); !errors.Is(err, memstore.ErrInvalid) {
		t.Errorf("RelatedScoped on a nil Tx = %v, want ErrInvalid", err)
	}
}
