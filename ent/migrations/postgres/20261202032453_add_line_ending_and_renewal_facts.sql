-- Modify "licenses" table
ALTER TABLE "licenses" ADD COLUMN "ending_at" timestamptz NULL, ADD COLUMN "renews_at" timestamptz NULL;
-- Create index "license_ending" to table: "licenses"
CREATE INDEX "license_ending" ON "licenses" ("partner_id", "product", "ending_at") WHERE (ending_at IS NOT NULL);
-- Create index "license_renewing" to table: "licenses"
CREATE INDEX "license_renewing" ON "licenses" ("partner_id", "product", "renews_at") WHERE (renews_at IS NOT NULL);
-- Create index "license_started" to table: "licenses"
CREATE INDEX "license_started" ON "licenses" ("partner_id", "product", "started_at");
