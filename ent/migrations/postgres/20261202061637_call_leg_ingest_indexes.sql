-- Drop index "callleg_customer_id" from table: "call_legs"
DROP INDEX "callleg_customer_id";
-- Drop index "callleg_customer_id_started_at" from table: "call_legs"
DROP INDEX "callleg_customer_id_started_at";
-- Drop index "callleg_partner_id_started_at" from table: "call_legs"
DROP INDEX "callleg_partner_id_started_at";
-- Modify "call_legs" table
ALTER TABLE "call_legs" DROP CONSTRAINT "call_legs_call_queues_queue", DROP CONSTRAINT "call_legs_customers_call_legs", DROP CONSTRAINT "call_legs_locations_location", DROP CONSTRAINT "call_legs_partners_partner";
-- Create index "callleg_started_at" to table: "call_legs"
CREATE INDEX "callleg_started_at" ON "call_legs" ("started_at");
-- Drop index "callingday_customer_id" from table: "calling_days"
DROP INDEX "callingday_customer_id";
-- Drop index "callinguserweek_customer_id" from table: "calling_user_weeks"
DROP INDEX "callinguserweek_customer_id";
