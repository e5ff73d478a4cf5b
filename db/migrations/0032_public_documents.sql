-- Issue #17 (public pages) and issue #18 (§11 service providers): the
-- versioned documents behind /policy, /privacy and /terms, the company name
-- and contact address they show, and the register of the service providers
-- that process data (lib/documents/, lib/providers/).
--
-- Neither table holds a store's data (no store_id): both are the company's
-- own, read by every visitor. Documents are append-only: the runtime role
-- reads them and adds a version only through document_publish, which takes
-- someone holding documents.publish; a published version never changes. The
-- register is read by everyone signed in and written only by someone holding
-- providers.manage (FORCEd policies below); a provider is retired, never
-- deleted, so the privacy page's history stays explainable.
--
-- Version 1 of each document is seeded here: the Data Policy from
-- docs/data-policy.txt (without the page header, the title and the "Last
-- updated" line, which the page draws from the row), the Privacy Policy and
-- the Terms of Service from docs/documents/. lib/backup/restore.ts lists
-- documents among the seed tables.

-- Whether the signed-in person (app.user_id) is active and their role holds
-- `permission` (the roles table is the matrix of lib/security/permissions.ts).
CREATE FUNCTION app_user_holds_permission(permission text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (
    SELECT 1 FROM staff_users u JOIN roles r ON r.name = u.role
    WHERE u.id = nullif(current_setting('app.user_id', true), '')::uuid
      AND u.status = 'active' AND permission = ANY (r.permissions))
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app_user_holds_permission(text) FROM PUBLIC;
--> statement-breakpoint
CREATE TABLE "documents" (
	"kind" text NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"change_note" text DEFAULT '' NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"published_by" uuid,
	"published_by_name" text,
	CONSTRAINT "documents_kind_version_pk" PRIMARY KEY ("kind", "version"),
	CONSTRAINT "documents_kind_known" CHECK ("kind" IN ('policy', 'privacy', 'terms')),
	CONSTRAINT "documents_version_positive" CHECK ("version" >= 1),
	CONSTRAINT "documents_title" CHECK (length(btrim("title")) BETWEEN 1 AND 200),
	CONSTRAINT "documents_body" CHECK (length(btrim("body")) BETWEEN 1 AND 100000),
	CONSTRAINT "documents_change_note" CHECK (length("change_note") <= 500)
);
--> statement-breakpoint
INSERT INTO "documents" ("kind", "version", "title", "body", "change_note", "published_at") VALUES
('policy', 1, 'Data Policy', $policy$Amazon API data, seller data, and DPP commitments

穹蒙(厦门)贸易有限公司 processes Amazon operations data through authorized interfaces. This policy explains data scope, purpose, DPP commitments, retention, deletion, and security controls.

This page is provided for Amazon API review, authorized internal users, and data processing related to the Company's own Amazon operations. It is separate from the Privacy Policy and Terms of Service: the Privacy Policy covers personal information, while the Terms of Service cover service scope and responsibility boundaries.

1. Scope of This Data Policy

This Data Policy specifically explains how the Company processes Amazon seller data, advertising data, product data, order and fulfillment data, inventory data, settlement and finance data, API logs, and synchronization status obtained through Amazon Selling Partner API, Amazon Advertising API, Brand Analytics, reporting APIs, and related authorized interfaces. This page is separate from the Privacy Policy, which covers website visitors, business contacts, and internal user personal information.

2. Authorization and Data Sources

The Company obtains data only when it owns or is authorized to operate the relevant Amazon account, store, or brand, using Amazon official authorization flows, API credentials, and required permission scopes. We do not scrape Seller Central pages, simulate Seller Central login, request authorization from unrelated third-party sellers, or process seller data unrelated to the Company's own operations.

3. Categories of Data Processed

Data may include seller account and marketplace identifiers, store and brand information, ASINs, SKUs, product titles and categories, inventory and FBA data, order status and fulfillment data, return and after-sales operational information, sales and traffic reports, advertising campaigns, ad groups, keywords, budgets, bids, spend, impressions, clicks, orders, ACOS/ROAS metrics, settlement and fee reports, and API request, error, synchronization, and audit logs.

4. Purpose of Processing

We use this data only for internal cross-border e-commerce operations, including listing and product optimization, inventory and fulfillment management, advertising delivery and budget control, keyword and campaign analysis, sales trend reporting, financial reconciliation, exception troubleshooting, compliance audit, system maintenance, and API automation for the Company's own Amazon business.

5. DPP and Least-Privilege Commitments

The Company manages API data according to Amazon's Data Protection Policy (DPP), Acceptable Use Policy (AUP), and applicable API terms. We request only the roles and permission scopes needed for the business purpose, restrict internal access by job role, isolate data by store or account where appropriate, and periodically review permissions that are no longer needed.

6. Prohibited Uses

We do not sell, rent, trade, or publicly disclose Amazon API data. We do not use it for advertising profiles, consumer marketing, credit evaluation, or third-party services unrelated to the Company's Amazon operations. We do not provide data to unauthorized sellers, competitors, or the public, and we do not place API credentials, access tokens, or sensitive reports in public pages, public repositories, or downloadable files.

7. Credential and Token Management

LWA Client Secrets, Refresh Tokens, Access Tokens, AWS keys, and advertising API credentials are stored only in access-controlled server-side environments. Frontend pages, logs, reports, email attachments, and public repositories must not contain complete credentials. If credentials may be exposed, permissions become abnormal, or personnel leave, the Company will revoke, rotate, or disable credentials as needed.

8. Security Controls

The Company uses HTTPS/TLS transmission, server access controls, least-privilege permissions, role separation, audit logging, network access restrictions, firewall controls, abuse monitoring, encrypted backups, configuration isolation, and authorized-personnel restrictions. For Amazon buyer personal information or sensitive business data, we apply additional access and export restrictions.

9. Retention and Deletion Rules

Operational reports, advertising metrics, inventory, product, and settlement data are retained only while needed for business, audit, reconciliation, or legal compliance. If Amazon buyer personal information is processed for order fulfillment, tax, invoice, or legal purposes, it is generally not retained in production systems for more than 30 days after order delivery unless required by law. API logs and security audit logs are retained as needed for compliance and security, normally for at least 90 days.

10. Deletion, Revocation, and Account Disconnection

When the Company stops using an Amazon-authorized account or the relevant business purpose ends, we stop synchronization, revoke or delete tokens, delete or archive data that is no longer needed, and restrict backup access. Seller authorization may be revoked through Amazon authorization management, and internal accounts lose access when disabled by an administrator.

11. Service Providers and Cross-Border Processing

To operate the website, servers, databases, backups, email, and security monitoring, the Company may use service providers bound by confidentiality obligations. Service providers may process data only according to Company instructions and may not use data for their own purposes. Because Amazon systems, cloud services, and Company operations may be located in different regions, data may be transferred to or stored on servers in China or other regions with encrypted transmission and access controls.

12. Incident Response and Notice

If an incident may affect Amazon API data, seller data, or buyer personal information, the Company will investigate promptly, contain risk, preserve logs, remediate the issue, and notify relevant parties according to applicable law, Amazon policy, and contractual obligations. Internal users must immediately report abnormal access, mistaken export, or suspected credential exposure.

13. Data Requests and Contact

Questions about Amazon API data, seller data retention, deletion, authorization revocation, or security incidents should be submitted through the Company contact email. We will verify the requester's identity, account relationship, and request scope before processing.

Contact Email

For Data Policy, DPP compliance, Amazon API authorization, or data deletion questions, contact 13960312085@163.com.

Policy Updates

We may update this Data Policy according to Amazon policies, applicable laws, business processes, and security requirements. The latest version will be posted on this page.$policy$, 'First version', '2026-06-18T00:00:00Z'),
	('privacy', 1, 'Privacy Policy', $privacy$How we handle personal information

This Privacy Policy explains what personal information the Company handles through this portal, why, and what you can ask of us. It is separate from the Data Policy, which covers Amazon API data and seller data, and from the Terms of Service, which cover the service's scope and responsibility boundaries.

1. Who We Are

The Company runs this portal for its own cross-border e-commerce operations on Amazon. The company name and contact address are shown at the end of this page.

2. Personal Information We Handle

- Internal users: name, work e-mail address, role, store access, sign-in records, and an audit record of the actions taken in the portal.
- Requesters and business contacts: the name, e-mail address, relationship, identifiers and description given in a data request or a message, and our replies.
- Website visitors: the network address and browser of each request, kept in security logs. The portal sets a language cookie and, for signed-in users, a session cookie. It uses no advertising or analytics cookies.
- Amazon buyer information processed for order fulfillment is covered by the Data Policy, not by this page.

3. Why We Use It

We use this information to give internal users the access their job needs, to keep the portal secure, to answer and verify data requests, to keep the audit records the law and Amazon's policies require, and to contact business partners about our own operations. We do not use it for advertising profiles or consumer marketing.

4. Sharing and Service Providers

We do not sell, rent or trade personal information. Service providers that host, store, back up, send e-mail for or monitor the portal process data only on our instructions, under confidentiality obligations. The providers we use are listed on this page.

5. Cross-Border Processing

Our systems, our service providers and Amazon may be in different regions, so information may be stored in or transferred to China or other regions. Transfers use encrypted transmission and the access controls described in the Data Policy.

6. Retention

Internal user accounts are kept while the person works with us and are then disabled. Security and audit logs are kept for at least 90 days and as long as needed for security and compliance. Data requests and our answers are kept as long as needed to show how they were handled.

7. Security

Access is limited by job role and protected by single sign-on or a password with a second factor. Transmission is encrypted, credentials are stored encrypted, and every sensitive action is recorded in an audit trail.

8. Your Choices and Requests

You may ask to see, correct or delete personal information about you, or ask a question about how it is used. Use the data request form or write to the contact address below. We verify the requester's identity before acting on a request.

9. Changes to This Policy

We may update this Privacy Policy when our processing, the law or Amazon's policies change. The latest version is posted on this page with its date, and earlier versions remain available.$privacy$, 'First version', '2026-06-18T00:00:00Z'),
	('terms', 1, 'Terms of Service', $terms$Service scope and responsibility boundaries

These Terms of Service describe what this portal is for and the rules for using it. The Data Policy covers Amazon API data and seller data, and the Privacy Policy covers personal information; both apply alongside these terms.

1. What This Portal Is

This portal is an internal system through which the Company runs its own Amazon seller business data: stores, products, inventory, orders, advertising, finance and the related reports. It is not offered to other sellers and processes no seller data unrelated to the Company's own operations.

2. Who May Use It

- Staff areas are open only to internal users invited by an administrator, each with a personal account and the role their job needs.
- Accounts must not be shared. Sign-in details, authenticator apps and recovery codes must be kept private.
- The public pages and the data request form are open to everyone.

3. Acceptable Use

Internal users may use the portal and its data only for the Company's own Amazon operations and as the Data Policy allows. Exporting, copying or disclosing data beyond what a task needs is not allowed. Suspected misuse, mistaken exports and exposed credentials must be reported at once.

4. Monitoring

Use of the portal is recorded in security and audit logs so that access can be reviewed and incidents investigated. Access may be suspended at any time to protect data.

5. Data Requests

Requests about data are handled as the Data Policy describes. Submitting a request does not by itself create any obligation beyond what applicable law and Amazon's policies require.

6. Availability

The portal is provided as it is, for the Company's operations. It may be changed, paused for maintenance or withdrawn without notice.

7. Responsibility

The Company is responsible for how it processes data through the portal as described in its Data Policy and Privacy Policy. It is not responsible for the availability of Amazon's services or of other sites linked from the portal.

8. Changes to These Terms

We may update these terms. The latest version is posted on this page with its date, and earlier versions remain available.$terms$, 'First version', '2026-06-18T00:00:00Z');
--> statement-breakpoint
-- Publishes the next version of a document, as the signed-in person, who
-- must hold documents.publish. `p_base` is the version the editor started
-- from: when someone published meanwhile, nothing is written and the
-- function answers null (the editor is shown the newer version).
CREATE FUNCTION document_publish(p_kind text, p_base integer, p_title text,
  p_body text, p_note text, p_at timestamptz)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  actor uuid := nullif(current_setting('app.user_id', true), '')::uuid;
  current_version integer;
  actor_name text;
BEGIN
  IF app_is_scoped() AND NOT app_user_holds_permission('documents.publish') THEN
    RAISE EXCEPTION 'publishing a document needs documents.publish'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('documents:' || p_kind));
  SELECT coalesce(max(version), 0) INTO current_version FROM documents
    WHERE kind = p_kind;
  IF current_version <> p_base THEN
    RETURN NULL;
  END IF;
  SELECT display_name INTO actor_name FROM staff_users WHERE id = actor;
  INSERT INTO documents (kind, version, title, body, change_note,
      published_at, published_by, published_by_name)
    VALUES (p_kind, current_version + 1, p_title, p_body, p_note, p_at,
      actor, actor_name);
  RETURN current_version + 1;
END
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION document_publish(text, integer, text, text, text, timestamptz) FROM PUBLIC;
--> statement-breakpoint
-- The company name, contact e-mail and postal address the public pages show
-- (changed through portal_setting_set, by an active owner).
ALTER TABLE "portal_settings" DROP CONSTRAINT "portal_settings_key_known";
--> statement-breakpoint
ALTER TABLE "portal_settings" ADD CONSTRAINT "portal_settings_key_known" CHECK ("key" IN (
	'exports_frozen', 'company_name', 'company_email', 'company_address'));
--> statement-breakpoint
INSERT INTO "portal_settings" ("key", "value_json") VALUES
	('company_name', to_jsonb('穹蒙(厦门)贸易有限公司'::text)),
	('company_email', to_jsonb('13960312085@163.com'::text)),
	('company_address', to_jsonb(''::text));
--> statement-breakpoint
CREATE TABLE "service_providers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"service" text NOT NULL,
	"purpose" text NOT NULL,
	"data_categories" text[] NOT NULL,
	"region" text NOT NULL,
	"safeguards" text[] NOT NULL,
	"has_agreement" boolean NOT NULL,
	"agreement_signed_on" date,
	"review_due_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	"retired_at" timestamp with time zone,
	"retired_by" uuid,
	CONSTRAINT "service_providers_name" CHECK (length(btrim("name")) BETWEEN 1 AND 200),
	CONSTRAINT "service_providers_service" CHECK ("service" IN (
		'hosting', 'database', 'backups', 'email', 'security_monitoring', 'other')),
	CONSTRAINT "service_providers_purpose" CHECK (length(btrim("purpose")) BETWEEN 1 AND 500),
	CONSTRAINT "service_providers_categories" CHECK (cardinality("data_categories") > 0),
	CONSTRAINT "service_providers_region" CHECK (length(btrim("region")) BETWEEN 1 AND 200),
	CONSTRAINT "service_providers_safeguards" CHECK (cardinality("safeguards") > 0),
	CONSTRAINT "service_providers_agreement" CHECK (
		"has_agreement" = ("agreement_signed_on" IS NOT NULL))
);
--> statement-breakpoint
CREATE INDEX "service_providers_name_idx" ON "service_providers" ("name", "id");
--> statement-breakpoint
CREATE INDEX "service_providers_review_idx" ON "service_providers" ("review_due_on", "id");
--> statement-breakpoint
ALTER TABLE "service_providers" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "service_providers" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DO $$
DECLARE
  app text := app_runtime_role();
BEGIN
  EXECUTE format('GRANT SELECT ON documents TO %I', app);
  EXECUTE format('GRANT EXECUTE ON FUNCTION app_user_holds_permission(text) TO %I', app);
  EXECUTE format('GRANT EXECUTE ON FUNCTION document_publish(text, integer, text, text, text, timestamptz) TO %I', app);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE ON service_providers TO %I', app);
  EXECUTE format('CREATE POLICY providers_read ON service_providers AS PERMISSIVE
    FOR SELECT TO %I USING (true)', app);
  EXECUTE format('CREATE POLICY providers_insert ON service_providers AS PERMISSIVE
    FOR INSERT TO %I WITH CHECK (app_user_holds_permission(''providers.manage''))', app);
  EXECUTE format('CREATE POLICY providers_update ON service_providers AS PERMISSIVE
    FOR UPDATE TO %I USING (app_user_holds_permission(''providers.manage''))
    WITH CHECK (app_user_holds_permission(''providers.manage''))', app);
END
$$;
