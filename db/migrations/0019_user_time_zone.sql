-- Issue #13: each person chooses the time zone their pages show dates and
-- times in (an IANA name, checked with Intl by lib/security/own_account.ts;
-- NULL: the default, UTC). The database checks its shape, so no text but a
-- zone-like name is ever stored.
--
-- Least privilege (0013_least_privilege.sql): the runtime role updates
-- staff_users only column by column; it gains this one column and nothing
-- else (never role, which only staff_set_role changes).
ALTER TABLE "staff_users" ADD COLUMN "time_zone" text;
--> statement-breakpoint
ALTER TABLE "staff_users" ADD CONSTRAINT "staff_users_time_zone_ck" CHECK (
  "time_zone" IS NULL OR "time_zone" ~ '^[A-Za-z][A-Za-z0-9_+/-]{0,63}$');
--> statement-breakpoint
DO $$
BEGIN
  EXECUTE format('GRANT UPDATE (time_zone) ON staff_users TO %I',
    app_runtime_role());
END
$$;
