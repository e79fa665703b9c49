-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_customers" table
CREATE TABLE `new_customers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `name` text NOT NULL, `org_id` text NOT NULL, `external_id` text NULL, `region` text NOT NULL, `country` text NOT NULL, `city` text NULL, `admin_email` text NULL, `last_admin_activity_at` datetime NULL, `kpi_scope` bool NULL, `over_limit` bool NULL, `expires_at` datetime NULL, `current_products` integer NULL, `subscription_statuses` integer NULL, `has_call_queue` bool NOT NULL DEFAULT (false), `partner_id` integer NOT NULL, CONSTRAINT `customers_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION);
-- Copy rows from old table "customers" to new temporary table "new_customers"
INSERT INTO `new_customers` (`id`, `created_at`, `name`, `org_id`, `external_id`, `region`, `country`, `city`, `admin_email`, `last_admin_activity_at`, `kpi_scope`, `over_limit`, `expires_at`, `current_products`, `subscription_statuses`, `partner_id`) SELECT `id`, `created_at`, `name`, `org_id`, `external_id`, `region`, `country`, `city`, `admin_email`, `last_admin_activity_at`, `kpi_scope`, `over_limit`, `expires_at`, `current_products`, `subscription_statuses`, `partner_id` FROM `customers`;
-- Drop "customers" table after copying rows
DROP TABLE `customers`;
-- Rename temporary table "new_customers" to "customers"
ALTER TABLE `new_customers` RENAME TO `customers`;
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
-- Create index "customer_partner_id_expires_at" to table: "customers"
CREATE INDEX `customer_partner_id_expires_at` ON `customers` (`partner_id`, `expires_at`);
-- Create index "customer_kpi_scope" to table: "customers"
CREATE INDEX `customer_kpi_scope` ON `customers` (`partner_id`, `region`) WHERE kpi_scope;
-- Create index "customer_over_limit" to table: "customers"
CREATE INDEX `customer_over_limit` ON `customers` (`partner_id`, `region`) WHERE over_limit;
-- Create index "customer_partner_id_region" to table: "customers"
CREATE INDEX `customer_partner_id_region` ON `customers` (`partner_id`, `region`);
-- Create index "customer_calling_scope" to table: "customers"
CREATE INDEX `customer_calling_scope` ON `customers` (`partner_id`, `current_products`, `region`);
-- Create index "customer_calling_queues" to table: "customers"
CREATE INDEX `customer_calling_queues` ON `customers` (`partner_id`, `current_products`, `region`) WHERE has_call_queue;
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
