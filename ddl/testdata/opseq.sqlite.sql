-- SQLite schema of the relstore models Customer, Order, Note, written by package ddl.

CREATE TABLE "customer" (
	"id"    INTEGER PRIMARY KEY AUTOINCREMENT,
	"email" TEXT NOT NULL,
	"name"  TEXT NOT NULL,
	CONSTRAINT "customer_email_key" UNIQUE ("email")
);

CREATE TABLE "order" (
	"id"          INTEGER PRIMARY KEY,
	"customer_id" INTEGER NOT NULL,
	"parent_id"   INTEGER,
	"note"        TEXT NOT NULL,
	CONSTRAINT "order_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE,
	CONSTRAINT "order_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "order" ("id") ON DELETE SET NULL
);

CREATE TABLE "note" (
	"id"           TEXT NOT NULL PRIMARY KEY,
	"order_id"     INTEGER NOT NULL,
	"reply_to"     TEXT,
	"author_email" TEXT,
	"text"         TEXT NOT NULL,
	CONSTRAINT "note_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "order" ("id") ON DELETE NO ACTION,
	CONSTRAINT "note_reply_to_fkey" FOREIGN KEY ("reply_to") REFERENCES "note" ("id") ON DELETE CASCADE,
	CONSTRAINT "note_author_email_fkey" FOREIGN KEY ("author_email") REFERENCES "customer" ("email") ON DELETE CASCADE
);

CREATE INDEX "order_customer_id_idx" ON "order" ("customer_id");
CREATE INDEX "order_parent_id_idx" ON "order" ("parent_id");
CREATE INDEX "note_order_id_idx" ON "note" ("order_id");
CREATE INDEX "note_reply_to_idx" ON "note" ("reply_to");
CREATE INDEX "note_author_email_idx" ON "note" ("author_email");
