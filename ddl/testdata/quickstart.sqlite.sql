-- SQLite schema of the relstore models Customer, Order, Category, written by package ddl.

CREATE TABLE "customer" (
	"id"    INTEGER PRIMARY KEY AUTOINCREMENT,
	"email" TEXT NOT NULL,
	"name"  TEXT NOT NULL,
	CONSTRAINT "customer_email_key" UNIQUE ("email")
);

CREATE TABLE "order" (
	"id"          INTEGER PRIMARY KEY AUTOINCREMENT,
	"customer_id" INTEGER NOT NULL,
	"item"        TEXT NOT NULL,
	CONSTRAINT "order_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE
);

CREATE TABLE "category" (
	"id"        TEXT NOT NULL PRIMARY KEY,
	"parent_id" TEXT,
	CONSTRAINT "category_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "category" ("id") ON DELETE NO ACTION
);

CREATE INDEX "order_customer_id_idx" ON "order" ("customer_id");
CREATE INDEX "category_parent_id_idx" ON "category" ("parent_id");
