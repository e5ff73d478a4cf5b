-- The job registry: admins edit schedules through the app role; slots are
-- claimed by the scheduler (db/maintenance.ts) and only read by the app.
GRANT SELECT, INSERT, UPDATE, DELETE ON job_schedules TO custodian_app;
--> statement-breakpoint
GRANT SELECT ON job_slots TO custodian_app;
