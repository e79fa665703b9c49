-- Modify "partners" table
ALTER TABLE "partners" ADD COLUMN "quality_rebuilding" boolean NOT NULL DEFAULT false;
