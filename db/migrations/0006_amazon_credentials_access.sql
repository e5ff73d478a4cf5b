-- Data Policy §5 and §7: Amazon app credentials and per-store refresh tokens
-- are readable only through the application role, store tokens isolated
-- per store like every store table.
GRANT SELECT, INSERT, UPDATE, DELETE ON amazon_apps, store_credentials TO custodian_app;
--> statement-breakpoint
SELECT app_apply_store_isolation('store_credentials');
