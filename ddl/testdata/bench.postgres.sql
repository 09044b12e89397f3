-- PostgreSQL schema of the relstore models Customer, Order, written by package ddl.

CREATE TABLE "customer" (
	"id"    bigint NOT NULL,
	"name"  text COLLATE "C" NOT NULL,
	"email" text COLLATE "C" NOT NULL,
	CONSTRAINT "customer_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "order" (
	"id"          bigint NOT NULL,
	"customer_id" bigint NOT NULL,
	"quantity"    bigint NOT NULL,
	"note"        text COLLATE "C" NOT NULL,
	CONSTRAINT "order_pkey" PRIMARY KEY ("id")
);

ALTER TABLE "order" ADD CONSTRAINT "order_customer_id_fkey"
	FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE NO ACTION;

CREATE INDEX "order_customer_id_idx" ON "order" ("customer_id");
