-- Create index "callqueue_partner_id_customer_id" to table: "call_queues"
CREATE INDEX "callqueue_partner_id_customer_id" ON "call_queues" ("partner_id", "customer_id");
-- Drop index "callingday_partner_id_week" from table: "calling_days"
DROP INDEX "callingday_partner_id_week";
-- Create index "callingday_partner_id_week" to table: "calling_days"
CREATE INDEX "callingday_partner_id_week" ON "calling_days" ("partner_id", "week") INCLUDE ("customer_id", "legs", "poor_legs", "measured_legs", "calls", "seconds", "video_seconds", "queue_legs", "abandoned");
-- Drop index "callinguserweek_partner_id_week" from table: "calling_user_weeks"
DROP INDEX "callinguserweek_partner_id_week";
-- Create index "callinguserweek_partner_id_week" to table: "calling_user_weeks"
CREATE INDEX "callinguserweek_partner_id_week" ON "calling_user_weeks" ("partner_id", "week") INCLUDE ("customer_id", "calls");
-- Drop index "customer_partner_id_region" from table: "customers"
DROP INDEX "customer_partner_id_region";
-- Create index "customer_calling_scope" to table: "customers"
CREATE INDEX "customer_calling_scope" ON "customers" ("partner_id", "region") INCLUDE ("id", "current_products");
