-- PostgreSQL schema of the relstore models AVeryLongModelNameThatNeedsNoAbbreviationAtAll, Holder, written by package ddl.

CREATE TABLE "a_very_long_model_name_that_needs_no_abbreviation_at_all" (
	"id"                               bigint NOT NULL,
	"another_rather_long_field_name"   text COLLATE "C" NOT NULL,
	"holder_with_a_longish_field_name" bigint,
	CONSTRAINT "a_very_long_model_name_that_needs_no_abbreviation_at_all_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "a_very_long_model_name_that_needs_no_abbreviation_at_a_94ee5658" UNIQUE ("another_rather_long_field_name")
);

CREATE TABLE "holder" (
	"id" bigint NOT NULL,
	CONSTRAINT "holder_pkey" PRIMARY KEY ("id")
);

ALTER TABLE "a_very_long_model_name_that_needs_no_abbreviation_at_all" ADD CONSTRAINT "a_very_long_model_name_that_needs_no_abbreviation_at_a_11f316cf"
	FOREIGN KEY ("holder_with_a_longish_field_name") REFERENCES "holder" ("id") ON DELETE NO ACTION;

CREATE INDEX "a_very_long_model_name_that_needs_no_abbreviation_at_a_ab235789" ON "a_very_long_model_name_that_needs_no_abbreviation_at_all" ("holder_with_a_longish_field_name");
