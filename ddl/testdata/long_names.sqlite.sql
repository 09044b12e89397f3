-- SQLite schema of the relstore models AVeryLongModelNameThatNeedsNoAbbreviationAtAll, Holder, written by package ddl.

CREATE TABLE "a_very_long_model_name_that_needs_no_abbreviation_at_all" (
	"id"                               INTEGER PRIMARY KEY,
	"another_rather_long_field_name"   TEXT NOT NULL,
	"holder_with_a_longish_field_name" INTEGER,
	CONSTRAINT "a_very_long_model_name_that_needs_no_abbreviation_at_all_another_rather_long_field_name_key" UNIQUE ("another_rather_long_field_name"),
	CONSTRAINT "a_very_long_model_name_that_needs_no_abbreviation_at_all_holder_with_a_longish_field_name_fkey" FOREIGN KEY ("holder_with_a_longish_field_name") REFERENCES "holder" ("id") ON DELETE NO ACTION
);

CREATE TABLE "holder" (
	"id" INTEGER PRIMARY KEY
);

CREATE INDEX "a_very_long_model_name_that_needs_no_abbreviation_at_all_holder_with_a_longish_field_name_idx" ON "a_very_long_model_name_that_needs_no_abbreviation_at_all" ("holder_with_a_longish_field_name");
