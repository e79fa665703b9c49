-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_reports" table
CREATE TABLE `new_reports` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `template_id` integer NULL, `template_name` text NOT NULL, `kind` text NOT NULL, `columns` json NOT NULL, `region` text NOT NULL, `from` datetime NULL, `to` datetime NULL, `state` text NOT NULL DEFAULT ('QUEUED'), `file_name` text NOT NULL, `row_count` integer NOT NULL DEFAULT (0), `byte_size` integer NOT NULL DEFAULT (0), `error` text NULL, `attempts` integer NOT NULL DEFAULT (0), `retry_at` datetime NULL, `file_path` text NULL, `created_by_id` integer NOT NULL, `schedule_id` integer NULL, `updated_at` datetime NOT NULL, `completed_at` datetime NULL, `expires_at` datetime NULL, `partner_id` integer NOT NULL, CONSTRAINT `reports_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION);
-- Copy rows from old table "reports" to new temporary table "new_reports"
INSERT INTO `new_reports` (`id`, `created_at`, `region`, `state`, `file_name`, `error`, `created_by_id`, `schedule_id`, `completed_at`, `partner_id`) SELECT `id`, `created_at`, `region`, IFNULL(`state`, ('QUEUED')) AS `state`, `file_name`, `error`, `created_by_id`, `schedule_id`, `completed_at`, `partner_id` FROM `reports`;
-- Drop "reports" table after copying rows
DROP TABLE `reports`;
-- Rename temporary table "new_reports" to "reports"
ALTER TABLE `new_reports` RENAME TO `reports`;
-- Create index "report_partner_id_created_at" to table: "reports"
CREATE INDEX `report_partner_id_created_at` ON `reports` (`partner_id`, `created_at`);
-- Create index "report_state_expires_at" to table: "reports"
CREATE INDEX `report_state_expires_at` ON `reports` (`state`, `expires_at`);
-- Create index "report_state_retry_at" to table: "reports"
CREATE INDEX `report_state_retry_at` ON `reports` (`state`, `retry_at`);
-- Create "new_report_schedules" table
CREATE TABLE `new_report_schedules` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `template_id` integer NULL, `kind` text NOT NULL, `region` text NOT NULL, `frequency` text NOT NULL, `day_of_week` integer NOT NULL DEFAULT (0), `day_of_month` integer NOT NULL DEFAULT (1), `hour_utc` integer NOT NULL DEFAULT (0), `next_run_at` datetime NOT NULL, `created_by_id` integer NOT NULL, `partner_id` integer NOT NULL, CONSTRAINT `report_schedules_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION);
-- Copy rows from old table "report_schedules" to new temporary table "new_report_schedules"
INSERT INTO `new_report_schedules` (`id`, `created_at`, `region`, `frequency`, `next_run_at`, `created_by_id`, `partner_id`) SELECT `id`, `created_at`, `region`, `frequency`, `next_run_at`, `created_by_id`, `partner_id` FROM `report_schedules`;
-- Drop "report_schedules" table after copying rows
DROP TABLE `report_schedules`;
-- Rename temporary table "new_report_schedules" to "report_schedules"
ALTER TABLE `new_report_schedules` RENAME TO `report_schedules`;
-- Create index "reportschedule_next_run_at" to table: "report_schedules"
CREATE INDEX `reportschedule_next_run_at` ON `report_schedules` (`next_run_at`);
-- Create "report_chunks" table
CREATE TABLE `report_chunks` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `report_id` integer NOT NULL, `seq` integer NOT NULL, `data` blob NOT NULL, `partner_id` integer NOT NULL, CONSTRAINT `report_chunks_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION);
-- Create index "reportchunk_report_id_seq" to table: "report_chunks"
CREATE UNIQUE INDEX `reportchunk_report_id_seq` ON `report_chunks` (`report_id`, `seq`);
-- Create "report_templates" table
CREATE TABLE `report_templates` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `name` text NOT NULL, `kind` text NOT NULL, `columns` json NOT NULL, `created_by_id` integer NULL, `partner_id` integer NOT NULL, CONSTRAINT `report_templates_partners_partner` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION);
-- Create index "reporttemplate_partner_id_name" to table: "report_templates"
CREATE INDEX `reporttemplate_partner_id_name` ON `report_templates` (`partner_id`, `name`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
