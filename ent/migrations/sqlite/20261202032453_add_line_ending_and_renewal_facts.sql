-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_licenses" table
CREATE TABLE `new_licenses` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `product` text NOT NULL, `total` integer NOT NULL, `assigned` integer NOT NULL, `used` integer NOT NULL, `used_90d` integer NOT NULL, `usage_as_of` datetime NULL, `active` bool NULL, `started_at` datetime NULL, `assignment_ratio` real NULL, `ending_at` datetime NULL, `renews_at` datetime NULL, `customer_id` integer NOT NULL, `partner_id` integer NOT NULL, `subscription_id` integer NOT NULL, CONSTRAINT `licenses_customers_licenses` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE NO ACTION, CONSTRAINT `licenses_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION, CONSTRAINT `licenses_subscriptions_licenses` FOREIGN KEY (`subscription_id`) REFERENCES `subscriptions` (`id`) ON DELETE NO ACTION);
-- Copy rows from old table "licenses" to new temporary table "new_licenses"
INSERT INTO `new_licenses` (`id`, `product`, `total`, `assigned`, `used`, `used_90d`, `usage_as_of`, `active`, `started_at`, `assignment_ratio`, `customer_id`, `partner_id`, `subscription_id`) SELECT `id`, `product`, `total`, `assigned`, `used`, `used_90d`, `usage_as_of`, `active`, `started_at`, `assignment_ratio`, `customer_id`, `partner_id`, `subscription_id` FROM `licenses`;
-- Drop "licenses" table after copying rows
DROP TABLE `licenses`;
-- Rename temporary table "new_licenses" to "licenses"
ALTER TABLE `new_licenses` RENAME TO `licenses`;
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
-- Create index "license_ending" to table: "licenses"
CREATE INDEX `license_ending` ON `licenses` (`partner_id`, `product`, `ending_at`) WHERE ending_at IS NOT NULL;
-- Create index "license_renewing" to table: "licenses"
CREATE INDEX `license_renewing` ON `licenses` (`partner_id`, `product`, `renews_at`) WHERE renews_at IS NOT NULL;
-- Create index "license_started" to table: "licenses"
CREATE INDEX `license_started` ON `licenses` (`partner_id`, `product`, `started_at`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
