-- Create index "callqueue_partner_id_customer_id" to table: "call_queues"
CREATE INDEX `callqueue_partner_id_customer_id` ON `call_queues` (`partner_id`, `customer_id`);
-- Drop index "customer_partner_id_region" from table: "customers"
DROP INDEX `customer_partner_id_region`;
-- Create index "customer_calling_scope" to table: "customers"
CREATE INDEX `customer_calling_scope` ON `customers` (`partner_id`, `region`);
