-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_partners" table
CREATE TABLE `new_partners` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `name` text NOT NULL, `org_id` text NOT NULL, `settings` json NOT NULL, `quality_rebuilding` bool NOT NULL DEFAULT (false));
-- Copy rows from old table "partners" to new temporary table "new_partners"
INSERT INTO `new_partners` (`id`, `created_at`, `name`, `org_id`, `settings`) SELECT `id`, `created_at`, `name`, `org_id`, `settings` FROM `partners`;
-- Drop "partners" table after copying rows
DROP TABLE `partners`;
-- Rename temporary table "new_partners" to "partners"
ALTER TABLE `new_partners` RENAME TO `partners`;
-- Create index "partners_org_id_key" to table: "partners"
CREATE UNIQUE INDEX `partners_org_id_key` ON `partners` (`org_id`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
