package memstore_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/relstore/relstore/memstore"
)

// Models of the delete queue (memstore/DESIGN.md, "Deletes"), the shapes
// fuzz/postgres shows on the server:
//
//	QRoot ← QMid ← QLeaf       cascade, cascade; QLeaf restricts QRoot
//	QCust ← QOrder ← QNote     cascade; QNote restricts QOrder
//	QCust ← QNote (by Email)   cascade; QNote ← QNote (reply) cascade
//	QNode → QNode              Pin restricts, Up cascades
type (
	QRoot struct{ ID int64 }
	QMid  struct {
		ID     int64
		RootID int64 `relstore:"belongsTo=QRoot,as=root,onDelete=cascade"`
	}
	QLeaf struct {
		ID     int64
		RootID int64 `relstore:"belongsTo=QRoot,as=root"`
		MidID  int64 `relstore:"belongsTo=QMid,as=mid,onDelete=cascade"`
	}
	QCust struct {
		ID    int64
		Email string `relstore:"unique"`
	}
	QOrder struct {
		ID     int64
		CustID int64 `relstore:"belongsTo=QCust,as=cust,onDelete=cascade"`
	}
	QNote struct {
		ID          string
		OrderID     int64   `relstore:"belongsTo=QOrder,as=order"`
		ReplyTo     *string `relstore:"belongsTo=QNote,as=reply,onDelete=cascade"`
		AuthorEmail *string `relstore:"belongsTo=QCust,as=author,keyTo=Email,onDelete=cascade"`
	}
	QNode struct {
		ID    int64
		PinID *int64 `relstore:"belongsTo=QNode,as=pin"`
		UpID  *int64 `relstore:"belongsTo=QNode,as=up,onDelete=cascade"`
	}
)

// TestDeleteQueueOrder pins the order in which a delete runs its actions:
// PostgreSQL's trigger queue on ddl's schema. A restrict check runs when
// its turn comes, so a referencing row that only a later cascade removes
// refuses the delete, and which cascade is earlier follows the order the
// models were declared in.
func TestDeleteQueueOrder(t *testing.T) {
	a := "a@x"
	shop := []any{QCust{ID: 1, Email: a}, QOrder{ID: 1, CustID: 1},
		QNote{ID: "p", OrderID: 1, AuthorEmail: &a}, QNote{ID: "x", OrderID: 1, ReplyTo: ptr("p")}}
	tests := []struct {
		name   string
		models []memstore.Model
		rows   []any
		del    any
		want   *memstore.ForeignKeyError // nil: accepted, every row gone
	}{
		{
			// QRoot's events: mid's cascade, then leaf's check, which runs
			// before the cascade the deleted mid queues.
			name:   "restrict two cascades below",
			models: []memstore.Model{memstore.ModelOf[QRoot](), memstore.ModelOf[QMid](), memstore.ModelOf[QLeaf]()},
			rows:   []any{QRoot{ID: 1}, QMid{ID: 1, RootID: 1}, QLeaf{ID: 1, RootID: 1, MidID: 1}},
			del:    QRoot{ID: 1},
			want: &memstore.ForeignKeyError{Op: "delete", Model: "QRoot", Key: int64(1), Relation: "root", Field: "RootID",
				Value: int64(1), Target: "QRoot", Referrer: "QLeaf", ReferrerKey: int64(1)},
		},
		{
			// QCust's events: the order's cascade, then the author's; the
			// order's check of note x runs before p's cascade to x.
			name:   "sibling cascade later",
			models: []memstore.Model{memstore.ModelOf[QCust](), memstore.ModelOf[QOrder](), memstore.ModelOf[QNote]()},
			rows:   shop,
			del:    QCust{ID: 1},
			want: &memstore.ForeignKeyError{Op: "delete", Model: "QCust", Key: int64(1), Relation: "order", Field: "OrderID",
				Value: int64(1), Target: "QOrder", Referrer: "QNote", ReferrerKey: "x"},
		},
		{
			// QNote declared first: the author's cascade runs first, and
			// p's cascade removes x before the order's check.
			name:   "sibling cascade earlier",
			models: []memstore.Model{memstore.ModelOf[QCust](), memstore.ModelOf[QNote](), memstore.ModelOf[QOrder]()},
			rows:   shop,
			del:    QCust{ID: 1},
		},
		{
			// QNode's events: Up's cascade (cascading relations first),
			// then Pin's check, which finds node 2 gone.
			name:   "own cascade first",
			models: []memstore.Model{memstore.ModelOf[QNode]()},
			rows:   []any{QNode{ID: 1}, QNode{ID: 2, PinID: ptr[int64](1), UpID: ptr[int64](1)}},
			del:    QNode{ID: 1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s, err := memstore.New(memstore.Config{Models: tc.models})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			mustUpdate(t, s, func(tx *memstore.Tx) error {
				for _, row := range tc.rows {
					if err := tx.Insert(row); err != nil {
						return err
					}
				}
				return nil
			})
			err = s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(tc.del) })
			n := 0
			if err := s.View(ctx, func(tx *memstore.Tx) error {
				for _, row := range tc.rows {
					v := reflect.ValueOf(row) // every model's key is its first field
					if _, err := tx.Get(v.Type().Name(), v.Field(0).Interface()); err == nil {
						n++
					} else if !errors.Is(err, memstore.ErrNotFound) {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Delete = %v, want it accepted", err)
				}
				if n != 0 {
					t.Errorf("%d rows left, want none", n)
				}
				return
			}
			wantForeignKeyError(t, "Delete", err, tc.want)
			if n != len(tc.rows) {
				t.Errorf("%d rows left after a refused delete, want all %d", n, len(tc.rows))
			}
		})
	}
}

// DNode is a node reached twice by a cascade (Up and Alt) and nulled by
// another relation (Ref).
type DNode struct {
	ID    int64
	UpID  *int64 `relstore:"belongsTo=DNode,as=up,onDelete=cascade"`
	AltID *int64 `relstore:"belongsTo=DNode,as=alt,onDelete=cascade"`
	RefID *int64 `relstore:"belongsTo=DNode,as=ref,onDelete=setNull"`
}

// TestDeleteLongCascade: a cascade that reaches rows twice and nulls rows
// it also deletes, shorter and longer than the queue deleteRecords scans
// instead of keeping a map of the rows it deleted: every row is deleted
// once, and only the rows that survive are nulled.
func TestDeleteLongCascade(t *testing.T) {
	for _, n := range []int64{5, 16, 17, 40} {
		ctx := context.Background()
		s, err := memstore.New(memstore.Config{Models: []memstore.Model{memstore.ModelOf[DNode]()}})
		if err != nil {
			t.Fatal(err)
		}
		nodes, _ := memstore.TableOf[DNode, int64](s)
		p := func(v int64) *int64 { return &v }
		err = s.Update(ctx, func(tx *memstore.Tx) error {
			for i := int64(1); i <= n; i++ {
				d := DNode{ID: i}
				if i > 1 {
					d.UpID = p(i - 1)
				}
				if i > 2 {
					d.AltID = p(i - 2)
				}
				if i > 3 {
					d.RefID = p(i - 3) // deleted anyway
				}
				if _, err := nodes.Insert(tx, d); err != nil {
					return err
				}
			}
			for i := int64(1); i <= 3; i++ { // survivors that reference the chain
				if _, err := nodes.Insert(tx, DNode{ID: 100 + i, RefID: p(i * n / 3)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Update(ctx, func(tx *memstore.Tx) error { return nodes.Delete(tx, 1) }); err != nil {
			t.Fatalf("n=%d: delete: %v", n, err)
		}
		var got []DNode
		_ = s.View(ctx, func(tx *memstore.Tx) error {
			seq, err := nodes.Scan(tx)
			for _, d := range seq {
				got = append(got, d)
			}
			return err
		})
		want := []DNode{{ID: 101}, {ID: 102}, {ID: 103}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("n=%d: rows after the cascade = %+v, want %+v", n, got, want)
		}
		s.Close()
	}
}
