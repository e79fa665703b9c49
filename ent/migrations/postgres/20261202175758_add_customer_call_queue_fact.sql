-- Modify "customers" table
ALTER TABLE "customers" ADD COLUMN "has_call_queue" boolean NOT NULL DEFAULT false;
-- Create index "customer_calling_queues" to table: "customers"
CREATE INDEX "customer_calling_queues" ON "customers" ("partner_id", "current_products", "region") INCLUDE ("id") WHERE has_call_queue;
