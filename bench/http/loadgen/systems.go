package main

import (
	"fmt"
	"net/url"
)

// A system is one server's syntax for the three cases; the parameters of
// each request are the same on every system.
type system struct {
	name string
	// list is the path of page (from 1) of the orders with status, limit
	// to a page, in id order.
	list func(status string, page, limit int) string
	// get is the path of order id with its customer and its items.
	get func(id int64) string
	// create is the path a new order is POSTed to, and createStatus the
	// status of a success.
	create       string
	createStatus int
	// load is the path each collection is POSTed to (as arrays) by run
	// -load; empty when the server loads db.json itself.
	load map[string]string
}

// loopBack is LoopBack 3's REST API, which relstore serve speaks too.
func loopBack(name string, load bool) system {
	s := system{
		name: name,
		list: func(status string, page, limit int) string {
			f := fmt.Sprintf(`{"where":{"status":%q},"order":"id ASC","limit":%d,"skip":%d}`, status, limit, (page-1)*limit)
			return "/api/Orders?filter=" + url.QueryEscape(f)
		},
		get: func(id int64) string {
			return fmt.Sprintf("/api/Orders/%d?filter=%s", id, url.QueryEscape(`{"include":["customer","items"]}`))
		},
		create:       "/api/Orders",
		createStatus: 200, // LoopBack answers a create with 200
	}
	if load {
		s.load = map[string]string{"customers": "/api/Customers", "orders": "/api/Orders", "items": "/api/Items"}
	}
	return s
}

// jsonServer is json-server 0.17's syntax: filters, _sort, _page and
// _limit as query parameters; _expand follows a foreign key (customerId to
// /customers), _embed lists the rows whose orderId is the id.
func jsonServer() system {
	return system{
		name: "json-server",
		list: func(status string, page, limit int) string {
			return fmt.Sprintf("/orders?status=%s&_sort=id&_page=%d&_limit=%d", url.QueryEscape(status), page, limit)
		},
		get: func(id int64) string {
			return fmt.Sprintf("/orders/%d?_expand=customer&_embed=items", id)
		},
		create:       "/orders",
		createStatus: 201,
	}
}

func systemNamed(name string, load bool) (system, error) {
	switch name {
	case "relstore", "loopback":
		return loopBack(name, load), nil
	case "json-server":
		if load {
			return system{}, fmt.Errorf("json-server loads db.json itself: no -load")
		}
		return jsonServer(), nil
	}
	return system{}, fmt.Errorf("unknown system %q (relstore, json-server, loopback)", name)
}
