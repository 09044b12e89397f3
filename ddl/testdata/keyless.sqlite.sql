-- SQLite schema of the relstore models Author, Article, Comment, Event, Mark, written by package ddl.

CREATE TABLE "author" (
	"id"     INTEGER PRIMARY KEY AUTOINCREMENT,
	"handle" TEXT NOT NULL,
	CONSTRAINT "author_handle_key" UNIQUE ("handle")
);

CREATE TABLE "article" (
	"id"        INTEGER PRIMARY KEY AUTOINCREMENT,
	"author_id" INTEGER NOT NULL,
	CONSTRAINT "article_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "author" ("id") ON DELETE NO ACTION
);

CREATE TABLE "comment" (
	"id"         INTEGER PRIMARY KEY AUTOINCREMENT,
	"text"       TEXT NOT NULL,
	"article_id" INTEGER,
	"editor_id"  TEXT,
	CONSTRAINT "comment_article_id_fkey" FOREIGN KEY ("article_id") REFERENCES "article" ("id") ON DELETE CASCADE,
	CONSTRAINT "comment_editor_id_fkey" FOREIGN KEY ("editor_id") REFERENCES "author" ("handle") ON DELETE SET NULL
);

CREATE TABLE "event" (
	"rowid" INTEGER PRIMARY KEY AUTOINCREMENT,
	"at"    TIMESTAMP NOT NULL,
	"what"  TEXT NOT NULL
);

CREATE TABLE "mark" (
	"rowid"    INTEGER PRIMARY KEY AUTOINCREMENT,
	"event_id" INTEGER,
	"note"     TEXT NOT NULL,
	CONSTRAINT "mark_note_key" UNIQUE ("note"),
	CONSTRAINT "mark_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "event" ("rowid") ON DELETE CASCADE
);

CREATE INDEX "article_author_id_idx" ON "article" ("author_id");
CREATE INDEX "comment_article_id_idx" ON "comment" ("article_id");
CREATE INDEX "comment_editor_id_idx" ON "comment" ("editor_id");
CREATE INDEX "mark_event_id_idx" ON "mark" ("event_id");
