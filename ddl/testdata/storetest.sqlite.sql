-- SQLite schema of the relstore models Order, Customer, Category, Step, written by package ddl.

CREATE TABLE "order" (
	"id"          INTEGER PRIMARY KEY AUTOINCREMENT,
	"customer_id" INTEGER NOT NULL,
	"item"        TEXT NOT NULL,
	CONSTRAINT "order_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE
);

CREATE TABLE "customer" (
	"id"             INTEGER PRIMARY KEY AUTOINCREMENT,
	"email"          TEXT NOT NULL,
	"name"           TEXT NOT NULL,
	"best_friend_id" INTEGER,
	CONSTRAINT "customer_email_key" UNIQUE ("email"),
	CONSTRAINT "customer_best_friend_id_fkey" FOREIGN KEY ("best_friend_id") REFERENCES "customer" ("id") ON DELETE SET NULL
);

CREATE TABLE "category" (
	"id"        TEXT NOT NULL PRIMARY KEY,
	"parent_id" TEXT,
	CONSTRAINT "category_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "category" ("id") ON DELETE NO ACTION
);

CREATE TABLE "step" (
	"id"      INTEGER PRIMARY KEY,
	"prev_id" INTEGER NOT NULL,
	CONSTRAINT "step_prev_id_fkey" FOREIGN KEY ("prev_id") REFERENCES "step" ("id") ON DELETE NO ACTION
);

CREATE INDEX "order_customer_id_idx" ON "order" ("customer_id");
CREATE INDEX "customer_best_friend_id_idx" ON "customer" ("best_friend_id");
CREATE INDEX "category_parent_id_idx" ON "category" ("parent_id");
CREATE INDEX "step_prev_id_idx" ON "step" ("prev_id");
