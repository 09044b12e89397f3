-- SQLite schema of the relstore models Customer, Order, written by package ddl.

CREATE TABLE "customer" (
	"id"    INTEGER PRIMARY KEY,
	"name"  TEXT NOT NULL,
	"email" TEXT NOT NULL
);

CREATE TABLE "order" (
	"id"          INTEGER PRIMARY KEY,
	"customer_id" INTEGER NOT NULL,
	"quantity"    INTEGER NOT NULL,
	"note"        TEXT NOT NULL,
	CONSTRAINT "order_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE NO ACTION
);

CREATE INDEX "order_customer_id_idx" ON "order" ("customer_id");
