-- Data Policy §5 and §8: staff access tables for the application role, the
-- access review isolated like every store table, and the auditor's read of
-- the whole audit trail across stores.
GRANT SELECT, INSERT, UPDATE, DELETE ON access_reviews, access_review_items, local_credentials TO custodian_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO custodian_app;
--> statement-breakpoint
SELECT app_apply_store_isolation('access_review_items');
--> statement-breakpoint
-- Role lines (no store) are visible to any principal; the route checks access.review.
CREATE POLICY role_lines ON access_review_items AS PERMISSIVE FOR ALL TO custodian_app
  USING (store_id IS NULL) WITH CHECK (store_id IS NULL);
--> statement-breakpoint
-- Set only for principals holding audit.read (db.asUser with auditAll).
CREATE POLICY audit_readers ON audit_events AS PERMISSIVE FOR SELECT TO custodian_app
  USING (current_setting('app.audit_all', true) = 'on');
