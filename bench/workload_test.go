package bench

import (
	"fmt"
	"math/rand/v2"
)

// The workload of issue 5, fixed so that figures compare across runs:
// 10,000 customers (ids 1..10,000) and 100,000 orders (ids 1..100,000) whose
// CustomerID is uniform at random with a fixed seed (~10 orders per
// customer), each with a 17-byte Note. Lookups follow precomputed random
// sequences.
const (
	nCustomers  = 10_000
	nOrders     = 100_000
	batchRows   = 1_000 // orders per transaction in BenchmarkInsertBatch and when loading
	includeRows = 1_000 // orders per BenchmarkInclude call
	seqLen      = 1 << 16
	seqMask     = seqLen - 1
)

// Customer is the target of the belongsTo relation. The relstore tags are
// ignored by every other system.
type Customer struct {
	ID    int64
	Name  string
	Email string
}

// Order belongs to a Customer (on delete: restrict, the default).
type Order struct {
	ID         int64
	CustomerID int64 `relstore:"belongsTo=Customer"`
	Quantity   int
	Note       string
}

// workload is the data every system loads and the lookup sequences every
// system follows. It is built from fixed seeds: two calls return equal
// workloads.
type workload struct {
	customers []Customer // customers[i].ID == i+1
	orders    []Order    // orders[i].ID == i+1

	orderSeq    []int64 // random order ids, seqLen of them
	customerSeq []int64 // random ids of customers that have at least one order
	children    []int   // children[id] is the number of orders of customer id
}

func newWorkload() *workload {
	rng := rand.New(rand.NewPCG(5, 2024))
	w := &workload{
		customers: make([]Customer, nCustomers),
		orders:    make([]Order, nOrders),
		children:  make([]int, nCustomers+1),
	}
	for i := range w.customers {
		id := int64(i + 1)
		w.customers[i] = Customer{ID: id, Name: fmt.Sprintf("Customer %05d", id), Email: fmt.Sprintf("customer%05d@example.com", id)}
	}
	for i := range w.orders {
		id := int64(i + 1)
		cid := 1 + rng.Int64N(nCustomers)
		w.orders[i] = Order{ID: id, CustomerID: cid, Quantity: 1 + rng.IntN(9), Note: fmt.Sprintf("order note %06d", id)} // 17 bytes
		w.children[cid]++
	}
	w.orderSeq = make([]int64, seqLen)
	for i := range w.orderSeq {
		w.orderSeq[i] = 1 + rng.Int64N(nOrders)
	}
	w.customerSeq = make([]int64, 0, seqLen)
	for len(w.customerSeq) < seqLen {
		if id := 1 + rng.Int64N(nCustomers); w.children[id] > 0 {
			w.customerSeq = append(w.customerSeq, id)
		}
	}
	return w
}

// order returns the i-th order of the lookup sequence.
func (w *workload) order(i int) Order { return w.orders[w.orderSeq[i&seqMask]-1] }

// customer returns the i-th customer of the lookup sequence (one with orders).
func (w *workload) customer(i int) Customer { return w.customers[w.customerSeq[i&seqMask]-1] }

// includeBatch returns the i-th window of includeRows orders of the lookup
// sequence, in hand (copied out of the workload), for BenchmarkInclude.
func (w *workload) includeBatches() [][]Order {
	n := seqLen / includeRows
	out := make([][]Order, n)
	for b := range out {
		out[b] = make([]Order, includeRows)
		for j := range out[b] {
			out[b][j] = w.order(b*includeRows + j)
		}
	}
	return out
}
