package orders

import (
	"context"
	"errors"
	"fmt"

	"github.com/relstore/relstore/memstore"
)

// Relstore is the OrderRepository on a relstore store opened with Models.
type Relstore struct {
	store     *memstore.Store
	customers *memstore.Table[Customer, int64]
	orders    *memstore.Table[Order, int64]
}

// NewRelstore returns the repository on store, which must have been opened
// with Models.
func NewRelstore(store *memstore.Store) (*Relstore, error) {
	customers, err := memstore.TableOf[Customer, int64](store)
	if err != nil {
		return nil, err
	}
	orders, err := memstore.TableOf[Order, int64](store)
	if err != nil {
		return nil, err
	}
	return &Relstore{store: store, customers: customers, orders: orders}, nil
}

// notFound maps the store's miss to the domain's: a miss has no SQLSTATE.
func notFound(err error) error {
	if errors.Is(err, memstore.ErrNotFound) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}

// AddCustomer implements OrderRepository.
func (r *Relstore) AddCustomer(ctx context.Context, c Customer) (Customer, error) {
	c.ID = 0
	err := r.store.Update(ctx, func(tx *memstore.Tx) error {
		var err error
		c.ID, err = r.customers.Insert(tx, c)
		return err
	})
	if err != nil {
		return Customer{}, domainError(err, nil, ErrEmailTaken)
	}
	return c, nil
}

// Customer implements OrderRepository.
func (r *Relstore) Customer(ctx context.Context, id int64) (Customer, error) {
	var c Customer
	err := r.store.View(ctx, func(tx *memstore.Tx) error {
		var err error
		c, err = r.customers.Get(tx, id)
		return err
	})
	return c, notFound(err)
}

// ChangeEmail implements OrderRepository.
func (r *Relstore) ChangeEmail(ctx context.Context, id int64, email string) error {
	err := r.store.Update(ctx, func(tx *memstore.Tx) error {
		c, err := r.customers.Get(tx, id)
		if err != nil {
			return err
		}
		c.Email = email
		return r.customers.Update(tx, c)
	})
	return notFound(domainError(err, nil, ErrEmailTaken))
}

// DeleteCustomer implements OrderRepository.
func (r *Relstore) DeleteCustomer(ctx context.Context, id int64) error {
	err := r.store.Update(ctx, func(tx *memstore.Tx) error { return r.customers.Delete(tx, id) })
	return notFound(domainError(err, ErrHasOrders, nil))
}

// PlaceOrders implements OrderRepository.
func (r *Relstore) PlaceOrders(ctx context.Context, orders ...Order) ([]Order, error) {
	placed := make([]Order, len(orders))
	err := r.store.Update(ctx, func(tx *memstore.Tx) error {
		for i, o := range orders {
			o = normalize(o)
			o.ID = 0
			id, err := r.orders.Insert(tx, o)
			if err != nil {
				return err
			}
			o.ID = id
			placed[i] = o
		}
		return nil
	})
	if err != nil {
		return nil, domainError(err, ErrUnknownCustomer, nil)
	}
	return placed, nil
}

// OrdersOf implements OrderRepository.
func (r *Relstore) OrdersOf(ctx context.Context, customerID int64) ([]Order, error) {
	var out []Order
	err := r.store.View(ctx, func(tx *memstore.Tx) error {
		seq, err := r.orders.ByFK(tx, "customer", customerID)
		if err != nil {
			return err
		}
		for _, o := range seq {
			out = append(out, o)
		}
		return nil
	})
	return out, err
}
