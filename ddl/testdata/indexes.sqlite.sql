-- SQLite schema of the relstore models Post, Tag, PostTag, Event, written by package ddl.

CREATE TABLE "post" (
	"id"         INTEGER PRIMARY KEY AUTOINCREMENT,
	"status"     TEXT NOT NULL,
	"created_at" TIMESTAMP NOT NULL,
	"score"      REAL,
	"slug"       TEXT NOT NULL,
	CONSTRAINT "post_slug_key" UNIQUE ("slug")
);

CREATE TABLE "tag" (
	"id"   INTEGER PRIMARY KEY,
	"name" TEXT NOT NULL,
	CONSTRAINT "tag_name_key" UNIQUE ("name")
);

CREATE TABLE "post_tag" (
	"id"      INTEGER PRIMARY KEY AUTOINCREMENT,
	"post_id" INTEGER NOT NULL,
	"tag_id"  INTEGER NOT NULL,
	CONSTRAINT "post_tag_post_id_tag_id_key" UNIQUE ("post_id", "tag_id"),
	CONSTRAINT "post_tag_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "post" ("id") ON DELETE CASCADE,
	CONSTRAINT "post_tag_tag_id_fkey" FOREIGN KEY ("tag_id") REFERENCES "tag" ("id") ON DELETE NO ACTION
);

CREATE TABLE "event" (
	"id"     INTEGER PRIMARY KEY,
	"at"     TIMESTAMP NOT NULL,
	"weight" REAL NOT NULL,
	"flag"   BOOLEAN,
	"room"   TEXT NOT NULL,
	"seat"   INTEGER,
	CONSTRAINT "event_at_key" UNIQUE ("at"),
	CONSTRAINT "event_weight_key" UNIQUE ("weight"),
	CONSTRAINT "event_flag_key" UNIQUE ("flag"),
	CONSTRAINT "event_room_seat_key" UNIQUE ("room", "seat")
);

CREATE INDEX "post_status_created_at_idx" ON "post" ("status", "created_at");
CREATE INDEX "post_score_idx" ON "post" ("score");
CREATE INDEX "post_tag_tag_id_idx" ON "post_tag" ("tag_id");
