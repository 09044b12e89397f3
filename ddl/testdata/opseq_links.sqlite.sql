-- SQLite schema of the relstore models LDoc, LPat, LVisit, LPic, written by package ddl.

CREATE TABLE "l_doc" (
	"id"   INTEGER PRIMARY KEY AUTOINCREMENT,
	"name" TEXT NOT NULL
);

CREATE TABLE "l_pat" (
	"id"   INTEGER PRIMARY KEY,
	"name" TEXT NOT NULL
);

CREATE TABLE "l_visit" (
	"id"     INTEGER PRIMARY KEY,
	"doc_id" INTEGER NOT NULL,
	"pat_id" INTEGER NOT NULL,
	"note"   TEXT NOT NULL,
	CONSTRAINT "l_visit_doc_id_pat_id_key" UNIQUE ("doc_id", "pat_id"),
	CONSTRAINT "l_visit_doc_id_fkey" FOREIGN KEY ("doc_id") REFERENCES "l_doc" ("id") ON DELETE NO ACTION,
	CONSTRAINT "l_visit_pat_id_fkey" FOREIGN KEY ("pat_id") REFERENCES "l_pat" ("id") ON DELETE NO ACTION
);

CREATE TABLE "l_pic" (
	"id"       INTEGER PRIMARY KEY,
	"ref_id"   INTEGER,
	"ref_type" TEXT NOT NULL
);

CREATE INDEX "l_visit_pat_id_idx" ON "l_visit" ("pat_id");
CREATE INDEX "l_pic_ref_type_ref_id_idx" ON "l_pic" ("ref_type", "ref_id");
