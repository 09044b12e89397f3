-- SQLite schema of the relstore models Kinds, Tiny, Small, Wide, Token, Link, written by package ddl.

CREATE TABLE "kinds" (
	"id"        INTEGER PRIMARY KEY AUTOINCREMENT,
	"bool"      BOOLEAN NOT NULL,
	"int"       INTEGER NOT NULL,
	"int8"      INTEGER NOT NULL,
	"int16"     INTEGER NOT NULL,
	"int32"     INTEGER NOT NULL,
	"int64"     INTEGER NOT NULL,
	"uint"      INTEGER NOT NULL,
	"uint8"     INTEGER NOT NULL,
	"uint16"    INTEGER NOT NULL,
	"uint32"    INTEGER NOT NULL,
	"uint64"    INTEGER NOT NULL,
	"float32"   REAL NOT NULL,
	"float64"   REAL NOT NULL,
	"string"    TEXT NOT NULL,
	"named"     TEXT NOT NULL,
	"uuid"      BLOB NOT NULL,
	"bytes"     BLOB,
	"time"      TIMESTAMP NOT NULL,
	"duration"  INTEGER NOT NULL,
	"strings"   TEXT,
	"array"     TEXT NOT NULL,
	"map"       TEXT,
	"struct"    TEXT NOT NULL,
	"any"       TEXT,
	"ptr_int"   INTEGER,
	"ptr_time"  TIMESTAMP,
	"ptr_uuid"  BLOB,
	"ptr_point" TEXT,
	"label"     TEXT NOT NULL,
	"score"     REAL
);

CREATE TABLE "tiny" (
	"id" INTEGER PRIMARY KEY AUTOINCREMENT
);

CREATE TABLE "small" (
	"id" INTEGER PRIMARY KEY AUTOINCREMENT
);

CREATE TABLE "wide" (
	"id" INTEGER PRIMARY KEY AUTOINCREMENT
);

CREATE TABLE "token" (
	"id" BLOB NOT NULL PRIMARY KEY
);

CREATE TABLE "link" (
	"id"       TEXT NOT NULL PRIMARY KEY,
	"tiny_id"  INTEGER NOT NULL,
	"small_id" INTEGER,
	"wide_id"  INTEGER NOT NULL,
	"token_id" BLOB,
	CONSTRAINT "link_tiny_id_fkey" FOREIGN KEY ("tiny_id") REFERENCES "tiny" ("id") ON DELETE NO ACTION,
	CONSTRAINT "link_small_id_fkey" FOREIGN KEY ("small_id") REFERENCES "small" ("id") ON DELETE SET NULL,
	CONSTRAINT "link_wide_id_fkey" FOREIGN KEY ("wide_id") REFERENCES "wide" ("id") ON DELETE CASCADE,
	CONSTRAINT "link_token_id_fkey" FOREIGN KEY ("token_id") REFERENCES "token" ("id") ON DELETE CASCADE
);

CREATE INDEX "link_tiny_id_idx" ON "link" ("tiny_id");
CREATE INDEX "link_small_id_idx" ON "link" ("small_id");
CREATE INDEX "link_wide_id_idx" ON "link" ("wide_id");
CREATE INDEX "link_token_id_idx" ON "link" ("token_id");
