-- SQLite schema of the relstore models Physician, Patient, Appointment, Picture, written by package ddl.

CREATE TABLE "physician" (
	"id"   INTEGER PRIMARY KEY AUTOINCREMENT,
	"name" TEXT NOT NULL
);

CREATE TABLE "patient" (
	"id"   INTEGER PRIMARY KEY AUTOINCREMENT,
	"name" TEXT NOT NULL
);

CREATE TABLE "appointment" (
	"id"           INTEGER PRIMARY KEY AUTOINCREMENT,
	"physician_id" INTEGER NOT NULL,
	"patient_id"   INTEGER NOT NULL,
	"date"         TIMESTAMP NOT NULL,
	CONSTRAINT "appointment_physician_id_patient_id_key" UNIQUE ("physician_id", "patient_id"),
	CONSTRAINT "appointment_physician_id_fkey" FOREIGN KEY ("physician_id") REFERENCES "physician" ("id") ON DELETE CASCADE,
	CONSTRAINT "appointment_patient_id_fkey" FOREIGN KEY ("patient_id") REFERENCES "patient" ("id") ON DELETE CASCADE
);

CREATE TABLE "picture" (
	"id"             INTEGER PRIMARY KEY AUTOINCREMENT,
	"imageable_id"   INTEGER,
	"imageable_type" TEXT NOT NULL,
	"url"            TEXT NOT NULL
);

CREATE INDEX "appointment_patient_id_idx" ON "appointment" ("patient_id");
CREATE INDEX "picture_imageable_type_imageable_id_idx" ON "picture" ("imageable_type", "imageable_id");
