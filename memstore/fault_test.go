package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/relstore/relstore/cache"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// Models for fault injection: a customer with orders (cascade) and tickets
// (setNull), and a self-referencing chain of nodes whose deletes cascade.

type FaultCustomer struct {
	ID    int64  `relstore:"pk,auto"`
	Email string `relstore:"unique"`
	Name  string
}

type FaultOrder struct {
	ID         int64 `relstore:"pk,auto"`
	CustomerID int64 `relstore:"belongsTo=FaultCustomer,as=customer,onDelete=cascade"`
	Note       string
}

type FaultTicket struct {
	ID         int64  `relstore:"pk,auto"`
	CustomerID *int64 `relstore:"belongsTo=FaultCustomer,as=customer,onDelete=setNull"`
}

// FaultNote restricts the deletion of its order.
type FaultNote struct {
	ID      int64
	OrderID int64 `relstore:"belongsTo=FaultOrder,as=order"`
}

type FaultNode struct {
	ID       int64
	ParentID *int64 `relstore:"belongsTo=FaultNode,as=parent,onDelete=cascade"`
}

var errInjected = errors.New("injected fault")

type faultEnv struct {
	s        *memstore.Store
	c        *cache.Cache
	customer *relations.BelongsTo[FaultOrder, FaultCustomer]
	orders   *relations.HasMany[FaultCustomer, FaultOrder]
	nodes    *memstore.Table[FaultNode, int64]
}

// newFaultEnv opens a store with customers 1..3 (with orders and tickets)
// and, when chain > 0, a chain of nodes 1 ← 2 ← … ← chain+1 plus a cycle
// 1001 ↔ 1002.
func newFaultEnv(t *testing.T, chain int) *faultEnv {
	t.Helper()
	c, err := cache.New(cache.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s, err := memstore.New(memstore.Config{Cache: c, Models: []memstore.Model{
		memstore.ModelOf[FaultCustomer](), memstore.ModelOf[FaultOrder](),
		memstore.ModelOf[FaultTicket](), memstore.ModelOf[FaultNode](), memstore.ModelOf[FaultNote](),
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	e := &faultEnv{s: s, c: c}
	e.customer = must(relations.NewBelongsTo[FaultOrder, FaultCustomer](s, "customer"))(t)
	e.orders = must(relations.NewHasMany[FaultCustomer, FaultOrder](s, "customer"))(t)
	e.nodes = mustTable[FaultNode, int64](t, s)
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		for i := int64(1); i <= 3; i++ {
			if err := tx.Insert(FaultCustomer{Email: fmt.Sprint(i, "@x"), Name: fmt.Sprint("c", i)}); err != nil {
				return err
			}
			for j := 0; j < 2; j++ {
				if err := tx.Insert(FaultOrder{CustomerID: i, Note: fmt.Sprint("o", j)}); err != nil {
					return err
				}
			}
			if err := tx.Insert(FaultTicket{CustomerID: ptr(i)}); err != nil {
				return err
			}
		}
		// Order 5 belongs to customer 3 and has a note: deleting customer 3
		// cascades to the order, which the note restricts.
		if err := tx.Insert(FaultNote{ID: 1, OrderID: 5}); err != nil {
			return err
		}
		if chain > 0 {
			if err := tx.Insert(FaultNode{ID: 1}); err != nil {
				return err
			}
			for i := int64(2); i <= int64(chain)+1; i++ {
				if err := tx.Insert(FaultNode{ID: i, ParentID: ptr(i - 1)}); err != nil {
					return err
				}
			}
			if err := tx.Insert(FaultNode{ID: 1001}); err != nil {
				return err
			}
			if err := tx.Insert(FaultNode{ID: 1002, ParentID: ptr[int64](1001)}); err != nil {
				return err
			}
			return tx.Update(FaultNode{ID: 1001, ParentID: ptr[int64](1002)})
		}
		return nil
	})
	return e
}

func must[V any](v V, err error) func(testing.TB) V {
	return func(t testing.TB) V {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func (e *faultEnv) dump(t *testing.T) memstore.Dump {
	t.Helper()
	var d memstore.Dump
	mustView(t, e.s, func(tx *memstore.Tx) error {
		var err error
		d, err = tx.Dump()
		return err
	})
	return d
}

// warm fills the owner cache for every order.
func (e *faultEnv) warm(t *testing.T, d memstore.Dump) {
	t.Helper()
	for _, o := range d["FaultOrder"] {
		if _, _, err := e.customer.Get(context.Background(), o.(FaultOrder)); err != nil {
			t.Fatal(err)
		}
	}
	e.c.Wait()
}

// checkCache fails unless every owner the cache would serve for an order
// equals the store's row.
func (e *faultEnv) checkCache(t *testing.T, d memstore.Dump) {
	t.Helper()
	rows := map[int64]FaultCustomer{}
	for _, c := range d["FaultCustomer"] {
		rows[c.(FaultCustomer).ID] = c.(FaultCustomer)
	}
	for _, o := range d["FaultOrder"] {
		got, st := e.customer.Cached(o.(FaultOrder))
		if st != relations.Found {
			continue
		}
		if diff := cmp.Diff(rows[o.(FaultOrder).CustomerID], got); diff != "" {
			t.Errorf("cache serves an owner that is not the store's (-store +cache):\n%s", diff)
		}
	}
}

func TestFaultInjection(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		chain int
		op    func(e *faultEnv) error
		want  error // the error the operation ends with when no fault is injected
	}{
		{"insert", 0, func(e *faultEnv) error {
			return e.s.Update(ctx, func(tx *memstore.Tx) error { return tx.Insert(FaultOrder{CustomerID: 2, Note: "new"}) })
		}, nil},
		{"insert with a unique field", 0, func(e *faultEnv) error {
			return e.s.Update(ctx, func(tx *memstore.Tx) error { return tx.Insert(FaultCustomer{Email: "new@x"}) })
		}, nil},
		{"update of a referenced owner", 0, func(e *faultEnv) error {
			return e.s.Update(ctx, func(tx *memstore.Tx) error {
				return tx.Update(FaultCustomer{ID: 1, Email: "changed@x", Name: "changed"})
			})
		}, nil},
		{"foreign key move", 0, func(e *faultEnv) error {
			return e.s.Update(ctx, func(tx *memstore.Tx) error { return tx.Update(FaultOrder{ID: 1, CustomerID: 3}) })
		}, nil},
		{"several writes, then the function fails", 0, func(e *faultEnv) error {
			return e.s.Update(ctx, func(tx *memstore.Tx) error {
				if err := tx.Update(FaultCustomer{ID: 2, Email: "2@x", Name: "renamed"}); err != nil {
					return err
				}
				if err := tx.Insert(FaultOrder{CustomerID: 2}); err != nil {
					return err
				}
				return errUser
			})
		}, errUser},
		{"several writes, then the function panics", 0, func(e *faultEnv) (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("%w: %v", errPanicked, r)
				}
			}()
			return e.s.Update(ctx, func(tx *memstore.Tx) error {
				if err := tx.Update(FaultCustomer{ID: 2, Email: "2@x", Name: "renamed"}); err != nil {
					return err
				}
				panic("user panic")
			})
		}, errPanicked},
		{"delete of a missing key", 0, func(e *faultEnv) error {
			return e.s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(FaultOrder{ID: 99}) })
		}, memstore.ErrNotFound},
		{"delete refused by restrict deep in a cascade", 0, func(e *faultEnv) error {
			return e.s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(FaultCustomer{ID: 3}) })
		}, memstore.ErrForeignKey},
		{"delete cascading to orders and nulling tickets", 0, func(e *faultEnv) error {
			return e.s.Update(ctx, func(tx *memstore.Tx) error { return tx.Delete(FaultCustomer{ID: 1}) })
		}, nil},
		{"cascade of depth 1", 1, func(e *faultEnv) error {
			return e.s.Update(ctx, func(tx *memstore.Tx) error { return e.nodes.Delete(tx, 1) })
		}, nil},
		{"cascade of depth 3", 3, func(e *faultEnv) error {
			return e.s.Update(ctx, func(tx *memstore.Tx) error { return e.nodes.Delete(tx, 1) })
		}, nil},
		{"cascade of depth 100", 100, func(e *faultEnv) error {
			return e.s.Update(ctx, func(tx *memstore.Tx) error { return e.nodes.Delete(tx, 1) })
		}, nil},
		{"cascade around a cycle", 1, func(e *faultEnv) error {
			return e.s.Update(ctx, func(tx *memstore.Tx) error { return e.nodes.Delete(tx, 1001) })
		}, nil},
		{"upsert that updates", 0, func(e *faultEnv) error {
			return e.s.Update(ctx, func(tx *memstore.Tx) error {
				_, err := mustTable[FaultCustomer, int64](t, e.s).Upsert(tx, FaultCustomer{ID: 2, Email: "up@x"})
				return err
			})
		}, nil},
		{"upsert that inserts", 0, func(e *faultEnv) error {
			return e.s.Update(ctx, func(tx *memstore.Tx) error {
				_, err := mustTable[FaultOrder, int64](t, e.s).Upsert(tx, FaultOrder{ID: 50, CustomerID: 3})
				return err
			})
		}, nil},
		{"update by key", 0, func(e *faultEnv) error {
			return e.s.Update(ctx, func(tx *memstore.Tx) error {
				return mustTable[FaultOrder, int64](t, e.s).UpdateKey(tx, 2, FaultOrder{ID: 2, CustomerID: 2, Note: "moved"})
			})
		}, nil},
		{"relations Set", 0, func(e *faultEnv) error {
			o := FaultOrder{ID: 1, CustomerID: 1}
			return e.customer.Set(ctx, &o, &FaultCustomer{ID: 3})
		}, nil},
		{"relations HasMany.Create", 0, func(e *faultEnv) error {
			return e.orders.Create(ctx, FaultCustomer{ID: 3}, &FaultOrder{Note: "through the relation"})
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFaultEnv(t, tc.chain)
			before := e.dump(t)
			steps := 0
			for k := 1; ; k++ {
				e.warm(t, before)
				n := 0
				memstore.SetFault(e.s, func(step string) error {
					n++
					if n == k {
						if strings.HasPrefix(step, "cascade") {
							return fmt.Errorf("%s: %w", step, context.Canceled)
						}
						return fmt.Errorf("%s: %w", step, errInjected)
					}
					return nil
				})
				err := tc.op(e)
				memstore.SetFault(e.s, nil)
				if n < k {
					// Step k was never reached: the operation completed.
					if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
						t.Fatalf("without a fault: error = %v, want %v", err, tc.want)
					}
					steps = n
					break
				}
				if !errors.Is(err, errInjected) && !errors.Is(err, context.Canceled) {
					t.Fatalf("fault at step %d: error = %v, want the injected cause", k, err)
				}
				if diff := cmp.Diff(before, e.dump(t)); diff != "" {
					t.Fatalf("fault at step %d changed the store (-before +after):\n%s", k, diff)
				}
				e.checkCache(t, before)
				// The writer lock was released: the next Update runs at once.
				wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				err = e.s.Update(wctx, func(*memstore.Tx) error { return nil })
				cancel()
				if err != nil {
					t.Fatalf("fault at step %d: next Update = %v", k, err)
				}
			}
			t.Logf("%d steps, each failed once", steps)
			if steps == 0 && tc.want != memstore.ErrNotFound {
				t.Errorf("the operation had no fallible step")
			}
			e.warm(t, e.dump(t))
			e.checkCache(t, e.dump(t))
		})
	}
}

var (
	errUser     = errors.New("user error")
	errPanicked = errors.New("panicked")
)

// TestContextCancelledMidCascade cancels the context for real while a long
// cascade is being planned: the delete fails with context.Canceled and
// changes nothing.
func TestContextCancelledMidCascade(t *testing.T) {
	e := newFaultEnv(t, 100)
	before := e.dump(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	memstore.SetFault(e.s, func(step string) error {
		if strings.HasPrefix(step, "cascade") {
			if n++; n == 10 {
				cancel()
			}
		}
		return nil
	})
	err := e.s.Update(ctx, func(tx *memstore.Tx) error { return e.nodes.Delete(tx, 1) })
	memstore.SetFault(e.s, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("delete with a context cancelled mid-cascade: error = %v, want context.Canceled", err)
	}
	if diff := cmp.Diff(before, e.dump(t)); diff != "" {
		t.Errorf("cancelled cascade changed the store (-before +after):\n%s", diff)
	}
}
