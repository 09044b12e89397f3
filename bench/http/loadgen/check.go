package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
)

type idOnly struct {
	ID int64 `json:"id"`
}

// check asks the server a few requests of every case and compares the
// answers with the data: the same rows, in the same order, for each
// system, so that the systems are measured doing the same work.
func check(r *runner, s system, d db) error {
	for _, q := range []struct {
		status string
		page   int
	}{{"paid", 1}, {"shipped", 4}, {"delivered", listPages}} {
		var want []int64
		for _, o := range d.Orders {
			if o.Status == q.status {
				want = append(want, o.ID)
			}
		}
		lo := min((q.page-1)*pageLimit, len(want))
		want = want[lo:min(lo+pageLimit, len(want))]
		var got []idOnly
		if err := getJSON(r, s.list(q.status, q.page, pageLimit), 200, &got); err != nil {
			return err
		}
		if ids := idsOf(got); !slices.Equal(ids, want) {
			return fmt.Errorf("list %s page %d: ids %v, want %v", q.status, q.page, ids, want)
		}
	}

	itemsOf := make(map[int64][]int64)
	for _, it := range d.Items {
		itemsOf[it.OrderID] = append(itemsOf[it.OrderID], it.ID)
	}
	for _, id := range []int64{1, int64(len(d.Orders)) / 2, int64(len(d.Orders))} {
		var got struct {
			ID         int64    `json:"id"`
			CustomerID int64    `json:"customerId"`
			Customer   *idOnly  `json:"customer"`
			Items      []idOnly `json:"items"`
		}
		if err := getJSON(r, s.get(id), 200, &got); err != nil {
			return err
		}
		o := d.Orders[id-1]
		items := idsOf(got.Items)
		slices.Sort(items)
		if got.ID != id || got.CustomerID != o.CustomerID || got.Customer == nil || got.Customer.ID != o.CustomerID ||
			!slices.Equal(items, itemsOf[id]) {
			return fmt.Errorf("get %d: id %d, customerId %d, customer %v, items %v; want customer %d, items %v",
				id, got.ID, got.CustomerID, got.Customer, items, o.CustomerID, itemsOf[id])
		}
	}

	w := workloads(s, d)["create"]
	method, path, body := w.next(rand.New(rand.NewPCG(0, 0)))
	code, resp, err := r.do(method, path, body)
	if err != nil {
		return err
	}
	var created struct {
		ID         int64 `json:"id"`
		CustomerID int64 `json:"customerId"`
	}
	if code != w.status || json.Unmarshal(resp, &created) != nil || created.ID <= int64(len(d.Orders)) {
		return fmt.Errorf("create: %d %s; want %d and a new id", code, firstLine(resp), w.status)
	}
	var back struct {
		ID       int64   `json:"id"`
		Customer *idOnly `json:"customer"`
	}
	if err := getJSON(r, s.get(created.ID), 200, &back); err != nil {
		return err
	}
	if back.ID != created.ID || back.Customer == nil || back.Customer.ID != created.CustomerID {
		return fmt.Errorf("get of created order %d: %+v", created.ID, back)
	}
	return nil
}

func getJSON(r *runner, path string, status int, v any) error {
	code, b, err := r.do("GET", path, nil)
	if err != nil {
		return err
	}
	if code != status {
		return fmt.Errorf("GET %s: %d %s", path, code, firstLine(b))
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("GET %s: %w: %s", path, err, firstLine(b))
	}
	return nil
}

func idsOf(rows []idOnly) []int64 {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids
}
