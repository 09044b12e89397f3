// Package orders is a worked example of a repository with two
// implementations: one on relstore, for tests and prototypes, and one on
// PostgreSQL through pgx, for production. Both pass one contract test suite
// (contract_test.go), integrity failures included, because both map the
// store's errors to the domain's the same way: by SQLSTATE, which relstore's
// integrity errors report as pgx's do.
//
// The PostgreSQL schema (schema.sql, also Schema) is written by package ddl
// from the same models; a test fails when it drifts from them. See README.md
// for the path from memory to PostgreSQL.
package orders

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"time"

	"github.com/relstore/relstore/memstore"
)

// Customer places orders; its email is unique.
type Customer struct {
	ID    int64  `relstore:"pk,auto"`
	Email string `relstore:"unique"`
	Name  string
}

// Order belongs to a Customer. A customer with orders cannot be deleted
// (restrict, the default).
type Order struct {
	ID         int64 `relstore:"pk,auto"`
	CustomerID int64 `relstore:"belongsTo=Customer"`
	Item       string
	Quantity   int32
	PlacedAt   time.Time // kept to the microsecond, in UTC, as PostgreSQL keeps it
}

// Models are the models to open a relstore store with, and to write the
// schema from.
func Models() []memstore.Model {
	return []memstore.Model{memstore.ModelOf[Customer](), memstore.ModelOf[Order]()}
}

// Schema is the PostgreSQL schema of Models, written by package ddl
// (go test -run TestSchemaIsCurrent -update rewrites it).
//
//go:embed schema.sql
var Schema string

// Errors of the repository: what callers act on, whichever store is behind it.
var (
	ErrNotFound        = errors.New("orders: not found")
	ErrEmailTaken      = errors.New("orders: email already taken")
	ErrUnknownCustomer = errors.New("orders: unknown customer")
	ErrHasOrders       = errors.New("orders: customer has orders")
)

// OrderRepository stores customers and their orders. Implementations are
// safe for concurrent use.
type OrderRepository interface {
	// AddCustomer stores a new customer and returns it with its assigned
	// ID; ErrEmailTaken if another customer has the email.
	AddCustomer(ctx context.Context, c Customer) (Customer, error)
	// Customer returns the customer; ErrNotFound if there is none.
	Customer(ctx context.Context, id int64) (Customer, error)
	// ChangeEmail changes a customer's email; ErrNotFound, ErrEmailTaken.
	ChangeEmail(ctx context.Context, id int64, email string) error
	// DeleteCustomer deletes a customer; ErrNotFound, or ErrHasOrders if
	// orders still belong to it.
	DeleteCustomer(ctx context.Context, id int64) error
	// PlaceOrders stores the orders, all or none, and returns them with
	// their assigned IDs; ErrUnknownCustomer if one names no customer.
	PlaceOrders(ctx context.Context, orders ...Order) ([]Order, error)
	// OrdersOf returns a customer's orders in ID order (none for an unknown
	// customer).
	OrdersOf(ctx context.Context, customerID int64) ([]Order, error)
}

// SQLSTATEs the repository maps (PostgreSQL's Appendix A).
const (
	foreignKeyViolation = "23503"
	uniqueViolation     = "23505"
)

// domainError maps an integrity error of either store to the domain error
// for its SQLSTATE, which it wraps with the cause; other errors pass
// through. A nil domain error leaves that SQLSTATE unmapped.
func domainError(err error, onForeignKey, onUnique error) error {
	var e interface{ SQLState() string }
	if !errors.As(err, &e) {
		return err
	}
	switch {
	case e.SQLState() == foreignKeyViolation && onForeignKey != nil:
		return fmt.Errorf("%w: %w", onForeignKey, err)
	case e.SQLState() == uniqueViolation && onUnique != nil:
		return fmt.Errorf("%w: %w", onUnique, err)
	}
	return err
}

// normalize returns an order as both stores keep it.
func normalize(o Order) Order {
	o.PlacedAt = o.PlacedAt.UTC().Truncate(time.Microsecond)
	return o
}
