-- SQLite schema of the relstore models Acct, Seat, Badge, Tag, Pin, written by package ddl.

CREATE TABLE "acct" (
	"id"   INTEGER PRIMARY KEY AUTOINCREMENT,
	"name" TEXT NOT NULL
);

CREATE TABLE "seat" (
	"id"      INTEGER PRIMARY KEY,
	"acct_id" INTEGER,
	"note"    TEXT NOT NULL,
	CONSTRAINT "seat_acct_id_key" UNIQUE ("acct_id"),
	CONSTRAINT "seat_acct_id_fkey" FOREIGN KEY ("acct_id") REFERENCES "acct" ("id") ON DELETE NO ACTION
);

CREATE TABLE "badge" (
	"id"           INTEGER PRIMARY KEY,
	"seat_acct_id" INTEGER NOT NULL,
	CONSTRAINT "badge_seat_acct_id_fkey" FOREIGN KEY ("seat_acct_id") REFERENCES "seat" ("acct_id") ON DELETE NO ACTION
);

CREATE TABLE "tag" (
	"rowid" INTEGER PRIMARY KEY AUTOINCREMENT,
	"code"  TEXT NOT NULL,
	"label" TEXT NOT NULL,
	CONSTRAINT "tag_code_key" UNIQUE ("code")
);

CREATE TABLE "pin" (
	"id"           TEXT NOT NULL PRIMARY KEY,
	"tag_code"     TEXT,
	"tag_row"      INTEGER,
	"seat_acct_id" INTEGER,
	"up_id"        TEXT,
	"slot"         INTEGER,
	"text"         TEXT NOT NULL,
	CONSTRAINT "pin_slot_key" UNIQUE ("slot"),
	CONSTRAINT "pin_tag_code_fkey" FOREIGN KEY ("tag_code") REFERENCES "tag" ("code") ON DELETE NO ACTION,
	CONSTRAINT "pin_tag_row_fkey" FOREIGN KEY ("tag_row") REFERENCES "tag" ("rowid") ON DELETE NO ACTION,
	CONSTRAINT "pin_seat_acct_id_fkey" FOREIGN KEY ("seat_acct_id") REFERENCES "seat" ("acct_id") ON DELETE NO ACTION,
	CONSTRAINT "pin_up_id_fkey" FOREIGN KEY ("up_id") REFERENCES "pin" ("id") ON DELETE NO ACTION
);

CREATE INDEX "badge_seat_acct_id_idx" ON "badge" ("seat_acct_id");
CREATE INDEX "pin_tag_code_idx" ON "pin" ("tag_code");
CREATE INDEX "pin_tag_row_idx" ON "pin" ("tag_row");
CREATE INDEX "pin_seat_acct_id_idx" ON "pin" ("seat_acct_id");
CREATE INDEX "pin_up_id_idx" ON "pin" ("up_id");
