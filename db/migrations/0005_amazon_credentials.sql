CREATE TABLE "amazon_apps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"api" text NOT NULL,
	"name" text NOT NULL,
	"application_id" text,
	"draft" boolean DEFAULT true NOT NULL,
	"client_id_jwe" text NOT NULL,
	"client_secret_jwe" text NOT NULL,
	"secret_issued_at" timestamp with time zone NOT NULL,
	"previous_secret_jwe" text,
	"secret_verified_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "store_credentials" (
	"store_id" uuid NOT NULL,
	"api" text NOT NULL,
	"app_id" uuid NOT NULL,
	"refresh_token_jwe" text NOT NULL,
	"method" text NOT NULL,
	"roles" text[] DEFAULT '{}' NOT NULL,
	"scopes" text[] DEFAULT '{}' NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"authorization_expires_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"last_rotated_at" timestamp with time zone,
	CONSTRAINT "store_credentials_store_id_api_pk" PRIMARY KEY("store_id","api")
);
--> statement-breakpoint
ALTER TABLE "store_credentials" ADD CONSTRAINT "store_credentials_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_credentials" ADD CONSTRAINT "store_credentials_app_id_amazon_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."amazon_apps"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "amazon_apps_api_name_uq" ON "amazon_apps" USING btree ("api","name");