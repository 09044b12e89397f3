package relations_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// Models of BenchmarkIncludeScope.
type (
	benchBuyer struct {
		ID int64
		_  struct{} `relstore:"hasMany=benchSale,foreignKey=BuyerID,as=sales"`
	}
	benchSale struct {
		ID      int64
		BuyerID int64 `relstore:"belongsTo=benchBuyer,as=buyer"`
		Total   int
	}
)

// BenchmarkIncludeScope loads the sales of 1,000 buyers (20 each) with an
// include: unscoped, and with a scope per buyer (a where that keeps half,
// an order, a limit of 3). Both make 1,000 lookups; the scope's cost is
// its where, sort and limit over each buyer's rows before they are copied
// out.
func BenchmarkIncludeScope(b *testing.B) {
	const buyers, per = 1000, 20
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[benchBuyer](), memstore.ModelOf[benchSale]()}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rows := make([]benchBuyer, buyers)
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		for i := range rows {
			rows[i] = benchBuyer{ID: int64(i + 1)}
			if err := tx.Insert(rows[i]); err != nil {
				return err
			}
			for j := range per {
				if err := tx.Insert(benchSale{ID: int64(i*per + j + 1), BuyerID: int64(i + 1), Total: (j * 7) % per}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		scope filter.Filter
		want  int
	}{
		{"unscoped", filter.Filter{}, per},
		{"where-order-limit", filter.Filter{Where: filter.Gte("Total", per/2), Order: []filter.Order{filter.Desc("Total")}, Limit: 3}, 3},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			inc, err := relations.NewInclude[benchBuyer](s, filter.Include{Relation: "sales", Scope: tc.scope})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				nodes, err := inc.Load(context.Background(), rows)
				if err != nil || len(nodes[0].Many("sales")) != tc.want {
					b.Fatal(fmt.Sprint(len(nodes), err))
				}
			}
		})
	}
}
