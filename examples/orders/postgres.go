package orders

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Postgres is the OrderRepository on PostgreSQL, in a database (or schema,
// through search_path) that has Schema.
type Postgres struct {
	pool *pgxpool.Pool
}

// NewPostgres returns the repository on pool; it does not own the pool.
func NewPostgres(pool *pgxpool.Pool) *Postgres { return &Postgres{pool: pool} }

// AddCustomer implements OrderRepository.
func (p *Postgres) AddCustomer(ctx context.Context, c Customer) (Customer, error) {
	err := p.pool.QueryRow(ctx,
		`INSERT INTO "customer" ("email", "name") VALUES ($1, $2) RETURNING "id"`, c.Email, c.Name).Scan(&c.ID)
	if err != nil {
		return Customer{}, domainError(err, nil, ErrEmailTaken)
	}
	return c, nil
}

// Customer implements OrderRepository.
func (p *Postgres) Customer(ctx context.Context, id int64) (Customer, error) {
	var c Customer
	err := p.pool.QueryRow(ctx, `SELECT "id", "email", "name" FROM "customer" WHERE "id" = $1`, id).
		Scan(&c.ID, &c.Email, &c.Name)
	if errors.Is(err, pgx.ErrNoRows) { // a miss has no SQLSTATE
		return Customer{}, fmt.Errorf("%w: customer %d", ErrNotFound, id)
	}
	return c, err
}

// ChangeEmail implements OrderRepository.
func (p *Postgres) ChangeEmail(ctx context.Context, id int64, email string) error {
	tag, err := p.pool.Exec(ctx, `UPDATE "customer" SET "email" = $2 WHERE "id" = $1`, id, email)
	if err != nil {
		return domainError(err, nil, ErrEmailTaken)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: customer %d", ErrNotFound, id)
	}
	return nil
}

// DeleteCustomer implements OrderRepository.
func (p *Postgres) DeleteCustomer(ctx context.Context, id int64) error {
	tag, err := p.pool.Exec(ctx, `DELETE FROM "customer" WHERE "id" = $1`, id)
	if err != nil {
		return domainError(err, ErrHasOrders, nil)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: customer %d", ErrNotFound, id)
	}
	return nil
}

// PlaceOrders implements OrderRepository.
func (p *Postgres) PlaceOrders(ctx context.Context, orders ...Order) ([]Order, error) {
	placed := make([]Order, len(orders))
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		for i, o := range orders {
			o = normalize(o)
			err := tx.QueryRow(ctx, `INSERT INTO "order" ("customer_id", "item", "quantity", "placed_at")
				VALUES ($1, $2, $3, $4) RETURNING "id"`, o.CustomerID, o.Item, o.Quantity, o.PlacedAt).Scan(&o.ID)
			if err != nil {
				return err
			}
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
func (p *Postgres) OrdersOf(ctx context.Context, customerID int64) ([]Order, error) {
	rows, err := p.pool.Query(ctx, `SELECT "id", "customer_id", "item", "quantity", "placed_at"
		FROM "order" WHERE "customer_id" = $1 ORDER BY "id"`, customerID)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Order])
	for i := range out {
		out[i] = normalize(out[i]) // pgx reads timestamptz in the local time zone
	}
	return out, err
}
