-- Create "license_trend_weeks" table
CREATE TABLE `license_trend_weeks` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `product` text NOT NULL, `week_start` datetime NOT NULL, `week_end` datetime NOT NULL, `total` integer NOT NULL DEFAULT (0), `assigned` integer NOT NULL DEFAULT (0), `used` integer NOT NULL DEFAULT (0), `partner_id` integer NOT NULL, CONSTRAINT `license_trend_weeks_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION);
-- Create index "licensetrendweek_partner_id_product_week_start" to table: "license_trend_weeks"
CREATE UNIQUE INDEX `licensetrendweek_partner_id_product_week_start` ON `license_trend_weeks` (`partner_id`, `product`, `week_start`);
-- Create "license_weeks" table
CREATE TABLE `license_weeks` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `customer_id` integer NOT NULL, `product` text NOT NULL, `week_start` datetime NOT NULL, `total` integer NOT NULL, `assigned` integer NOT NULL, `used` integer NOT NULL, `partner_id` integer NOT NULL, CONSTRAINT `license_weeks_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION);
-- Create index "licenseweek_customer_id_product_week_start" to table: "license_weeks"
CREATE UNIQUE INDEX `licenseweek_customer_id_product_week_start` ON `license_weeks` (`customer_id`, `product`, `week_start`);
-- Create index "licenseweek_partner_id_product_week_start" to table: "license_weeks"
CREATE INDEX `licenseweek_partner_id_product_week_start` ON `license_weeks` (`partner_id`, `product`, `week_start`);
