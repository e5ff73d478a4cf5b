-- Data Policy §10: disconnection records are store data like any other.
GRANT SELECT, INSERT, UPDATE ON store_disconnections TO custodian_app;
--> statement-breakpoint
SELECT app_apply_store_isolation('store_disconnections');
