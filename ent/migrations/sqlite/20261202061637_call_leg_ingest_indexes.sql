-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_call_legs" table
CREATE TABLE `new_call_legs` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `leg_id` text NOT NULL, `call_id` text NOT NULL, `user_id` text NOT NULL, `started_at` datetime NOT NULL, `duration_seconds` integer NOT NULL, `direction` text NOT NULL, `media` text NOT NULL, `endpoint_type` text NOT NULL, `jitter_ms` real NULL, `latency_ms` real NULL, `packet_loss_pct` real NULL, `feature` text NOT NULL DEFAULT ('NONE'), `queue_outcome` text NULL, `wait_seconds` integer NULL, `partner_id` integer NOT NULL, `location_id` integer NULL, `queue_id` integer NULL, `customer_id` integer NOT NULL);
-- Copy rows from old table "call_legs" to new temporary table "new_call_legs"
INSERT INTO `new_call_legs` (`id`, `leg_id`, `call_id`, `user_id`, `started_at`, `duration_seconds`, `direction`, `media`, `endpoint_type`, `jitter_ms`, `latency_ms`, `packet_loss_pct`, `feature`, `queue_outcome`, `wait_seconds`, `partner_id`, `location_id`, `queue_id`, `customer_id`) SELECT `id`, `leg_id`, `call_id`, `user_id`, `started_at`, `duration_seconds`, `direction`, `media`, `endpoint_type`, `jitter_ms`, `latency_ms`, `packet_loss_pct`, `feature`, `queue_outcome`, `wait_seconds`, `partner_id`, `location_id`, `queue_id`, `customer_id` FROM `call_legs`;
-- Drop "call_legs" table after copying rows
DROP TABLE `call_legs`;
-- Rename temporary table "new_call_legs" to "call_legs"
ALTER TABLE `new_call_legs` RENAME TO `call_legs`;
-- Create index "callleg_partner_id_leg_id" to table: "call_legs"
CREATE UNIQUE INDEX `callleg_partner_id_leg_id` ON `call_legs` (`partner_id`, `leg_id`);
-- Create index "callleg_customer_id_call_id" to table: "call_legs"
CREATE INDEX `callleg_customer_id_call_id` ON `call_legs` (`customer_id`, `call_id`);
-- Create index "callleg_started_at" to table: "call_legs"
CREATE INDEX `callleg_started_at` ON `call_legs` (`started_at`);
-- Drop index "callingday_customer_id" from table: "calling_days"
DROP INDEX `callingday_customer_id`;
-- Drop index "callinguserweek_customer_id" from table: "calling_user_weeks"
DROP INDEX `callinguserweek_customer_id`;
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
