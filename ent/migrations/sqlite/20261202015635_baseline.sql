-- Create "admins" table
CREATE TABLE `admins` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `email` text NOT NULL, `display_name` text NOT NULL, `role` text NOT NULL, `last_sign_in_at` datetime NULL, `removed_at` datetime NULL, `partner_id` integer NOT NULL, CONSTRAINT `admins_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION);
-- Create index "admin_current_email" to table: "admins"
CREATE UNIQUE INDEX `admin_current_email` ON `admins` (`partner_id`, `email`) WHERE removed_at IS NULL;
-- Create index "admin_partner_id_role" to table: "admins"
CREATE INDEX `admin_partner_id_role` ON `admins` (`partner_id`, `role`);
-- Create "api_tokens" table
CREATE TABLE `api_tokens` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `jti` text NOT NULL, `name` text NOT NULL, `role` text NOT NULL, `scopes` json NULL, `expires_at` datetime NOT NULL, `revoked_at` datetime NULL, `last_used_at` datetime NULL, `admin_id` integer NOT NULL, `partner_id` integer NOT NULL, `parent_id` integer NULL, CONSTRAINT `api_tokens_admins_api_tokens` FOREIGN KEY (`admin_id`) REFERENCES `admins` (`id`) ON DELETE NO ACTION, CONSTRAINT `api_tokens_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION, CONSTRAINT `api_tokens_api_tokens_children` FOREIGN KEY (`parent_id`) REFERENCES `api_tokens` (`id`) ON DELETE SET NULL);
-- Create index "api_tokens_jti_key" to table: "api_tokens"
CREATE UNIQUE INDEX `api_tokens_jti_key` ON `api_tokens` (`jti`);
-- Create index "apitoken_partner_id_created_at" to table: "api_tokens"
CREATE INDEX `apitoken_partner_id_created_at` ON `api_tokens` (`partner_id`, `created_at`);
-- Create index "apitoken_parent_id" to table: "api_tokens"
CREATE INDEX `apitoken_parent_id` ON `api_tokens` (`parent_id`);
-- Create "audit_events" table
CREATE TABLE `audit_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `actor_id` integer NULL, `token_id` text NULL, `action` text NOT NULL, `target_ids` json NULL, `summary` text NOT NULL, `partner_id` integer NOT NULL, CONSTRAINT `audit_events_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION);
-- Create index "auditevent_partner_id_created_at" to table: "audit_events"
CREATE INDEX `auditevent_partner_id_created_at` ON `audit_events` (`partner_id`, `created_at`);
-- Create index "auditevent_partner_id_action" to table: "audit_events"
CREATE INDEX `auditevent_partner_id_action` ON `audit_events` (`partner_id`, `action`);
-- Create "call_legs" table
CREATE TABLE `call_legs` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `leg_id` text NOT NULL, `call_id` text NOT NULL, `user_id` text NOT NULL, `started_at` datetime NOT NULL, `duration_seconds` integer NOT NULL, `direction` text NOT NULL, `media` text NOT NULL, `endpoint_type` text NOT NULL, `jitter_ms` real NULL, `latency_ms` real NULL, `packet_loss_pct` real NULL, `feature` text NOT NULL DEFAULT ('NONE'), `queue_outcome` text NULL, `wait_seconds` integer NULL, `partner_id` integer NOT NULL, `location_id` integer NULL, `queue_id` integer NULL, `customer_id` integer NOT NULL, CONSTRAINT `call_legs_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION, CONSTRAINT `call_legs_locations_location` FOREIGN KEY (`location_id`) REFERENCES `locations` (`id`) ON DELETE SET NULL, CONSTRAINT `call_legs_call_queues_queue` FOREIGN KEY (`queue_id`) REFERENCES `call_queues` (`id`) ON DELETE SET NULL, CONSTRAINT `call_legs_customers_call_legs` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE NO ACTION);
-- Create index "callleg_customer_id" to table: "call_legs"
CREATE INDEX `callleg_customer_id` ON `call_legs` (`customer_id`);
-- Create index "callleg_partner_id_leg_id" to table: "call_legs"
CREATE UNIQUE INDEX `callleg_partner_id_leg_id` ON `call_legs` (`partner_id`, `leg_id`);
-- Create index "callleg_partner_id_started_at" to table: "call_legs"
CREATE INDEX `callleg_partner_id_started_at` ON `call_legs` (`partner_id`, `started_at`);
-- Create index "callleg_customer_id_started_at" to table: "call_legs"
CREATE INDEX `callleg_customer_id_started_at` ON `call_legs` (`customer_id`, `started_at`);
-- Create index "callleg_customer_id_call_id" to table: "call_legs"
CREATE INDEX `callleg_customer_id_call_id` ON `call_legs` (`customer_id`, `call_id`);
-- Create "call_queues" table
CREATE TABLE `call_queues` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `external_id` text NOT NULL, `name` text NOT NULL, `partner_id` integer NOT NULL, `location_id` integer NULL, `customer_id` integer NOT NULL, CONSTRAINT `call_queues_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION, CONSTRAINT `call_queues_locations_location` FOREIGN KEY (`location_id`) REFERENCES `locations` (`id`) ON DELETE SET NULL, CONSTRAINT `call_queues_customers_call_queues` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE NO ACTION);
-- Create index "callqueue_customer_id" to table: "call_queues"
CREATE INDEX `callqueue_customer_id` ON `call_queues` (`customer_id`);
-- Create index "callqueue_partner_id_external_id" to table: "call_queues"
CREATE UNIQUE INDEX `callqueue_partner_id_external_id` ON `call_queues` (`partner_id`, `external_id`);
-- Create "calling_days" table
CREATE TABLE `calling_days` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `customer_id` integer NOT NULL, `location_id` integer NOT NULL DEFAULT (0), `queue_id` integer NOT NULL DEFAULT (0), `day` integer NOT NULL, `week` integer NOT NULL, `legs` integer NOT NULL DEFAULT (0), `poor_legs` integer NOT NULL DEFAULT (0), `measured_legs` integer NOT NULL DEFAULT (0), `seconds` integer NOT NULL DEFAULT (0), `video_seconds` integer NOT NULL DEFAULT (0), `audio_legs` integer NOT NULL DEFAULT (0), `video_legs` integer NOT NULL DEFAULT (0), `webex_app_legs` integer NOT NULL DEFAULT (0), `desk_phone_legs` integer NOT NULL DEFAULT (0), `room_device_legs` integer NOT NULL DEFAULT (0), `other_legs` integer NOT NULL DEFAULT (0), `webex_app_poor` integer NOT NULL DEFAULT (0), `desk_phone_poor` integer NOT NULL DEFAULT (0), `room_device_poor` integer NOT NULL DEFAULT (0), `other_poor` integer NOT NULL DEFAULT (0), `webex_app_measured` integer NOT NULL DEFAULT (0), `desk_phone_measured` integer NOT NULL DEFAULT (0), `room_device_measured` integer NOT NULL DEFAULT (0), `other_measured` integer NOT NULL DEFAULT (0), `calls` integer NOT NULL DEFAULT (0), `hunt_group_calls` integer NOT NULL DEFAULT (0), `auto_attendant_calls` integer NOT NULL DEFAULT (0), `call_queue_calls` integer NOT NULL DEFAULT (0), `queue_legs` integer NOT NULL DEFAULT (0), `answered` integer NOT NULL DEFAULT (0), `abandoned` integer NOT NULL DEFAULT (0), `timed_out` integer NOT NULL DEFAULT (0), `overflow` integer NOT NULL DEFAULT (0), `transferred` integer NOT NULL DEFAULT (0), `answered_wait` integer NOT NULL DEFAULT (0), `abandoned_wait` integer NOT NULL DEFAULT (0), `timed_out_wait` integer NOT NULL DEFAULT (0), `overflow_wait` integer NOT NULL DEFAULT (0), `transferred_wait` integer NOT NULL DEFAULT (0), `partner_id` integer NOT NULL, CONSTRAINT `calling_days_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION);
-- Create index "callingday_customer_id" to table: "calling_days"
CREATE INDEX `callingday_customer_id` ON `calling_days` (`customer_id`);
-- Create index "callingday_customer_id_location_id_queue_id_day" to table: "calling_days"
CREATE UNIQUE INDEX `callingday_customer_id_location_id_queue_id_day` ON `calling_days` (`customer_id`, `location_id`, `queue_id`, `day`);
-- Create index "callingday_partner_id_week" to table: "calling_days"
CREATE INDEX `callingday_partner_id_week` ON `calling_days` (`partner_id`, `week`);
-- Create index "callingday_customer_id_week" to table: "calling_days"
CREATE INDEX `callingday_customer_id_week` ON `calling_days` (`customer_id`, `week`);
-- Create "calling_user_weeks" table
CREATE TABLE `calling_user_weeks` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `customer_id` integer NOT NULL, `user_id` text NOT NULL, `week` integer NOT NULL, `calls` integer NOT NULL DEFAULT (0), `partner_id` integer NOT NULL, CONSTRAINT `calling_user_weeks_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION);
-- Create index "callinguserweek_customer_id" to table: "calling_user_weeks"
CREATE INDEX `callinguserweek_customer_id` ON `calling_user_weeks` (`customer_id`);
-- Create index "callinguserweek_customer_id_user_id_week" to table: "calling_user_weeks"
CREATE UNIQUE INDEX `callinguserweek_customer_id_user_id_week` ON `calling_user_weeks` (`customer_id`, `user_id`, `week`);
-- Create index "callinguserweek_partner_id_week" to table: "calling_user_weeks"
CREATE INDEX `callinguserweek_partner_id_week` ON `calling_user_weeks` (`partner_id`, `week`);
-- Create index "callinguserweek_customer_id_week" to table: "calling_user_weeks"
CREATE INDEX `callinguserweek_customer_id_week` ON `calling_user_weeks` (`customer_id`, `week`);
-- Create "customers" table
CREATE TABLE `customers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `name` text NOT NULL, `org_id` text NOT NULL, `external_id` text NULL, `region` text NOT NULL, `country` text NOT NULL, `city` text NULL, `admin_email` text NULL, `last_admin_activity_at` datetime NULL, `kpi_scope` bool NULL, `over_limit` bool NULL, `expires_at` datetime NULL, `current_products` integer NULL, `subscription_statuses` integer NULL, `partner_id` integer NOT NULL, CONSTRAINT `customers_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION);
-- Create index "customer_partner_id_org_id" to table: "customers"
CREATE UNIQUE INDEX `customer_partner_id_org_id` ON `customers` (`partner_id`, `org_id`);
-- Create index "customer_partner_id_external_id" to table: "customers"
CREATE UNIQUE INDEX `customer_partner_id_external_id` ON `customers` (`partner_id`, `external_id`);
-- Create index "customer_directory_name" to table: "customers"
CREATE INDEX `customer_directory_name` ON `customers` (`partner_id`, `name`);
-- Create index "customer_partner_id_created_at" to table: "customers"
CREATE INDEX `customer_partner_id_created_at` ON `customers` (`partner_id`, `created_at`);
-- Create index "customer_partner_id_last_admin_activity_at" to table: "customers"
CREATE INDEX `customer_partner_id_last_admin_activity_at` ON `customers` (`partner_id`, `last_admin_activity_at`);
-- Create index "customer_partner_id_region" to table: "customers"
CREATE INDEX `customer_partner_id_region` ON `customers` (`partner_id`, `region`);
-- Create index "customer_partner_id_expires_at" to table: "customers"
CREATE INDEX `customer_partner_id_expires_at` ON `customers` (`partner_id`, `expires_at`);
-- Create index "customer_kpi_scope" to table: "customers"
CREATE INDEX `customer_kpi_scope` ON `customers` (`partner_id`, `region`) WHERE kpi_scope;
-- Create index "customer_over_limit" to table: "customers"
CREATE INDEX `customer_over_limit` ON `customers` (`partner_id`, `region`) WHERE over_limit;
-- Create "devices" table
CREATE TABLE `devices` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `external_id` text NOT NULL, `product` text NOT NULL, `mac` text NOT NULL, `firmware` text NOT NULL, `phone_number` text NULL, `extension` text NULL, `user_id` text NULL, `user_uuid` text NULL, `customer_id` integer NOT NULL, `partner_id` integer NOT NULL, `location_id` integer NULL, CONSTRAINT `devices_customers_devices` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE NO ACTION, CONSTRAINT `devices_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION, CONSTRAINT `devices_locations_location` FOREIGN KEY (`location_id`) REFERENCES `locations` (`id`) ON DELETE SET NULL);
-- Create index "device_customer_id" to table: "devices"
CREATE INDEX `device_customer_id` ON `devices` (`customer_id`);
-- Create index "device_partner_id_external_id" to table: "devices"
CREATE UNIQUE INDEX `device_partner_id_external_id` ON `devices` (`partner_id`, `external_id`);
-- Create "invoices" table
CREATE TABLE `invoices` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `customer_id` integer NOT NULL, `number` text NOT NULL, `issued_on` datetime NOT NULL, `amount_cents` integer NOT NULL, `currency` text NOT NULL, `status` text NOT NULL, `partner_id` integer NOT NULL, `subscription_id` integer NOT NULL, CONSTRAINT `invoices_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION, CONSTRAINT `invoices_subscriptions_invoices` FOREIGN KEY (`subscription_id`) REFERENCES `subscriptions` (`id`) ON DELETE NO ACTION);
-- Create index "invoice_customer_id" to table: "invoices"
CREATE INDEX `invoice_customer_id` ON `invoices` (`customer_id`);
-- Create index "invoice_subscription_id_number" to table: "invoices"
CREATE UNIQUE INDEX `invoice_subscription_id_number` ON `invoices` (`subscription_id`, `number`);
-- Create "licenses" table
CREATE TABLE `licenses` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `product` text NOT NULL, `total` integer NOT NULL, `assigned` integer NOT NULL, `used` integer NOT NULL, `used_90d` integer NOT NULL, `usage_as_of` datetime NULL, `active` bool NULL, `started_at` datetime NULL, `assignment_ratio` real NULL, `customer_id` integer NOT NULL, `partner_id` integer NOT NULL, `subscription_id` integer NOT NULL, CONSTRAINT `licenses_customers_licenses` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE NO ACTION, CONSTRAINT `licenses_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION, CONSTRAINT `licenses_subscriptions_licenses` FOREIGN KEY (`subscription_id`) REFERENCES `subscriptions` (`id`) ON DELETE NO ACTION);
-- Create index "license_customer_id" to table: "licenses"
CREATE INDEX `license_customer_id` ON `licenses` (`customer_id`);
-- Create index "license_subscription_id_product" to table: "licenses"
CREATE UNIQUE INDEX `license_subscription_id_product` ON `licenses` (`subscription_id`, `product`);
-- Create index "license_partner_id_product" to table: "licenses"
CREATE INDEX `license_partner_id_product` ON `licenses` (`partner_id`, `product`);
-- Create index "license_over_limit" to table: "licenses"
CREATE INDEX `license_over_limit` ON `licenses` (`partner_id`) WHERE assigned > total;
-- Create index "license_assignment" to table: "licenses"
CREATE INDEX `license_assignment` ON `licenses` (`partner_id`, `product`, `assignment_ratio`) WHERE active;
-- Create "license_snapshots" table
CREATE TABLE `license_snapshots` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `customer_id` integer NOT NULL, `product` text NOT NULL, `week_start` datetime NOT NULL, `as_of` datetime NULL, `total` integer NOT NULL, `assigned` integer NOT NULL, `used` integer NOT NULL, `license_id` integer NOT NULL, `partner_id` integer NOT NULL, CONSTRAINT `license_snapshots_licenses_snapshots` FOREIGN KEY (`license_id`) REFERENCES `licenses` (`id`) ON DELETE NO ACTION, CONSTRAINT `license_snapshots_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION);
-- Create index "licensesnapshot_customer_id" to table: "license_snapshots"
CREATE INDEX `licensesnapshot_customer_id` ON `license_snapshots` (`customer_id`);
-- Create index "licensesnapshot_license_id_week_start" to table: "license_snapshots"
CREATE UNIQUE INDEX `licensesnapshot_license_id_week_start` ON `license_snapshots` (`license_id`, `week_start`);
-- Create index "licensesnapshot_partner_id_product_week_start" to table: "license_snapshots"
CREATE INDEX `licensesnapshot_partner_id_product_week_start` ON `license_snapshots` (`partner_id`, `product`, `week_start`);
-- Create "locations" table
CREATE TABLE `locations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `external_id` text NOT NULL, `name` text NOT NULL, `country` text NOT NULL, `customer_id` integer NOT NULL, `partner_id` integer NOT NULL, CONSTRAINT `locations_customers_locations` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE NO ACTION, CONSTRAINT `locations_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION);
-- Create index "location_customer_id" to table: "locations"
CREATE INDEX `location_customer_id` ON `locations` (`customer_id`);
-- Create index "location_partner_id_external_id" to table: "locations"
CREATE UNIQUE INDEX `location_partner_id_external_id` ON `locations` (`partner_id`, `external_id`);
-- Create "partners" table
CREATE TABLE `partners` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `name` text NOT NULL, `org_id` text NOT NULL, `settings` json NOT NULL);
-- Create index "partners_org_id_key" to table: "partners"
CREATE UNIQUE INDEX `partners_org_id_key` ON `partners` (`org_id`);
-- Create "phone_numbers" table
CREATE TABLE `phone_numbers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `external_id` text NOT NULL, `country` text NOT NULL, `number` text NOT NULL, `extension` text NULL, `pstn_connection` text NOT NULL, `active` bool NOT NULL DEFAULT (true), `user_type` text NOT NULL, `number_type` text NOT NULL, `user_id` text NULL, `user_uuid` text NULL, `customer_id` integer NOT NULL, `partner_id` integer NOT NULL, `location_id` integer NULL, CONSTRAINT `phone_numbers_customers_phone_numbers` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE NO ACTION, CONSTRAINT `phone_numbers_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION, CONSTRAINT `phone_numbers_locations_location` FOREIGN KEY (`location_id`) REFERENCES `locations` (`id`) ON DELETE SET NULL);
-- Create index "phonenumber_customer_id" to table: "phone_numbers"
CREATE INDEX `phonenumber_customer_id` ON `phone_numbers` (`customer_id`);
-- Create index "phonenumber_partner_id_external_id" to table: "phone_numbers"
CREATE UNIQUE INDEX `phonenumber_partner_id_external_id` ON `phone_numbers` (`partner_id`, `external_id`);
-- Create "reports" table
CREATE TABLE `reports` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `template` text NOT NULL, `parameters` json NULL, `region` text NOT NULL, `state` text NOT NULL DEFAULT ('PENDING'), `file_name` text NULL, `size_bytes` integer NULL, `error` text NULL, `created_by_id` integer NULL, `schedule_id` integer NULL, `completed_at` datetime NULL, `partner_id` integer NOT NULL, CONSTRAINT `reports_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION);
-- Create index "report_partner_id_created_at" to table: "reports"
CREATE INDEX `report_partner_id_created_at` ON `reports` (`partner_id`, `created_at`);
-- Create "report_schedules" table
CREATE TABLE `report_schedules` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `template` text NOT NULL, `parameters` json NULL, `region` text NOT NULL, `frequency` text NOT NULL, `next_run_at` datetime NOT NULL, `enabled` bool NOT NULL DEFAULT (true), `created_by_id` integer NULL, `partner_id` integer NOT NULL, CONSTRAINT `report_schedules_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION);
-- Create index "reportschedule_enabled_next_run_at" to table: "report_schedules"
CREATE INDEX `reportschedule_enabled_next_run_at` ON `report_schedules` (`enabled`, `next_run_at`);
-- Create "subscriptions" table
CREATE TABLE `subscriptions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `subscription_id` text NOT NULL, `kind` text NOT NULL, `state` text NOT NULL, `started_at` datetime NOT NULL, `ends_at` datetime NOT NULL, `auto_renew` bool NOT NULL DEFAULT (false), `renewal_date` datetime NULL, `customer_id` integer NOT NULL, `partner_id` integer NOT NULL, CONSTRAINT `subscriptions_customers_subscriptions` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE NO ACTION, CONSTRAINT `subscriptions_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION);
-- Create index "subscription_customer_id" to table: "subscriptions"
CREATE INDEX `subscription_customer_id` ON `subscriptions` (`customer_id`);
-- Create index "subscription_partner_id_subscription_id" to table: "subscriptions"
CREATE UNIQUE INDEX `subscription_partner_id_subscription_id` ON `subscriptions` (`partner_id`, `subscription_id`);
-- Create index "subscription_customer_id_state_kind" to table: "subscriptions"
CREATE INDEX `subscription_customer_id_state_kind` ON `subscriptions` (`customer_id`, `state`, `kind`);
-- Create index "subscription_partner_id_state_ends_at" to table: "subscriptions"
CREATE INDEX `subscription_partner_id_state_ends_at` ON `subscriptions` (`partner_id`, `state`, `ends_at`);
-- Create index "subscription_partner_id_started_at" to table: "subscriptions"
CREATE INDEX `subscription_partner_id_started_at` ON `subscriptions` (`partner_id`, `started_at`);
-- Create index "subscription_expiring" to table: "subscriptions"
CREATE INDEX `subscription_expiring` ON `subscriptions` (`partner_id`, `ends_at`) WHERE NOT auto_renew;
-- Create index "subscription_renewing" to table: "subscriptions"
CREATE INDEX `subscription_renewing` ON `subscriptions` (`partner_id`, `renewal_date`) WHERE auto_renew;
-- Create "subscription_orders" table
CREATE TABLE `subscription_orders` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `customer_id` integer NOT NULL, `number` text NOT NULL, `ordered_at` datetime NOT NULL, `action` text NOT NULL, `product` text NOT NULL, `previous_quantity` integer NOT NULL, `new_quantity` integer NOT NULL, `subscription_id` integer NOT NULL, `partner_id` integer NOT NULL, CONSTRAINT `subscription_orders_subscriptions_orders` FOREIGN KEY (`subscription_id`) REFERENCES `subscriptions` (`id`) ON DELETE NO ACTION, CONSTRAINT `subscription_orders_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION);
-- Create index "subscriptionorder_customer_id" to table: "subscription_orders"
CREATE INDEX `subscriptionorder_customer_id` ON `subscription_orders` (`customer_id`);
-- Create index "subscriptionorder_subscription_id_ordered_at" to table: "subscription_orders"
CREATE INDEX `subscriptionorder_subscription_id_ordered_at` ON `subscription_orders` (`subscription_id`, `ordered_at`);
-- Create "tags" table
CREATE TABLE `tags` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `name` text NOT NULL, `name_key` text NOT NULL, `color` text NULL, `description` text NULL, `partner_id` integer NOT NULL, `created_by_id` integer NULL, CONSTRAINT `tags_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION, CONSTRAINT `tags_admins_created_by` FOREIGN KEY (`created_by_id`) REFERENCES `admins` (`id`) ON DELETE SET NULL);
-- Create index "tag_partner_id_name_key" to table: "tags"
CREATE UNIQUE INDEX `tag_partner_id_name_key` ON `tags` (`partner_id`, `name_key`);
-- Create "customer_admins" table
CREATE TABLE `customer_admins` (`customer_id` integer NOT NULL, `admin_id` integer NOT NULL, PRIMARY KEY (`customer_id`, `admin_id`), CONSTRAINT `customer_admins_customer_id` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE, CONSTRAINT `customer_admins_admin_id` FOREIGN KEY (`admin_id`) REFERENCES `admins` (`id`) ON DELETE CASCADE);
-- Create "customer_tags" table
CREATE TABLE `customer_tags` (`customer_id` integer NOT NULL, `tag_id` integer NOT NULL, PRIMARY KEY (`customer_id`, `tag_id`), CONSTRAINT `customer_tags_customer_id` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE, CONSTRAINT `customer_tags_tag_id` FOREIGN KEY (`tag_id`) REFERENCES `tags` (`id`) ON DELETE CASCADE);
