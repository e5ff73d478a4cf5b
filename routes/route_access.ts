// Data Policy §5 and §8: what every route needs, in this one table: "public",
// "signed-in", or a permission of the matrix, keyed by "METHOD /path" as
// registered. Data only: it imports nothing but the permission type, so any
// module may read it without an import cycle. The guard (access.ts) enforces
// it for every request and fails closed for a route missing from it; a test
// enumerates every registered route against it.
import type { Permission } from "../lib/security/permissions.ts";

export type Access = "public" | "signed-in" | Permission;

/** What each route needs, keyed by "METHOD /path" as registered. */
export const ROUTE_ACCESS: Record<string, Access> = {
  "GET /healthz": "public",
  "GET /readyz": "public",
  "POST /lang": "public",
  "GET /auth/signin": "public",
  "POST /auth/local": "public",
  "GET /auth/google": "public",
  "GET /auth/msentra": "public",
  "GET /auth/github": "public",
  "GET /auth/first-owner/:token": "public",
  "POST /auth/first-owner/:token": "public",
  "GET /auth/setup/:token": "public",
  "POST /auth/setup/:token": "public",
  "GET /auth/enroll": "public",
  "POST /auth/enroll": "public",
  "POST /auth/signout": "signed-in",
  "POST /auth/signout-everywhere": "signed-in",
  "GET /": "dashboard.view",
  "GET /admin/roles": "roles.read",
  "GET /admin/amazon-apps": "credentials.manage",
  "POST /admin/amazon-apps": "credentials.manage",
  "POST /admin/amazon-apps/:id/rotate": "credentials.manage",
  "GET /stores": "dashboard.view",
  "GET /stores/:id": "dashboard.view",
  "GET /stores/new": "stores.manage",
  "POST /stores": "stores.manage",
  "GET /stores/:id/disconnections": "dashboard.view",
  "POST /stores/:id/disconnections/:did/archive": "archives.download",
  "GET /stores/:id/disconnect": "stores.manage",
  "POST /stores/:id/disconnect": "stores.manage",
  "POST /stores/:id/primary-marketplace": "stores.manage",
  "GET /stores/:id/connect/website": "credentials.manage",
  "POST /stores/:id/connect/self": "credentials.manage",
  "GET /connect/sp-api/callback": "credentials.manage",
  "GET /stores/:id/connect/ads": "credentials.manage",
  "GET /connect/ads/callback": "credentials.manage",
  // Users and the access review.
  "GET /users": "users.manage",
  "GET /users/invite": "users.manage",
  "POST /users/invite": "users.manage",
  "GET /users/:id": "users.manage",
  "POST /users/:id/role": "users.manage",
  "POST /users/:id/grant": "users.manage",
  "POST /users/:id/revoke": "users.manage",
  "POST /users/:id/disable": "users.manage",
  "POST /users/:id/enable": "users.manage",
  "POST /users/:id/signout": "users.manage",
  "POST /users/:id/unlock": "users.manage",
  "GET /access-review": "access.review",
  "POST /access-review/start": "access.review",
  "POST /access-review/items/:itemId": "access.review",
  "POST /access-review/complete": "access.review",
  // Sync runs, the API log and the job schedules.
  "GET /stores/:id/sync": "sync.read",
  "GET /stores/:id/sync/status": "sync.read",
  "GET /stores/:id/sync/runs/:runId": "sync.read",
  "POST /stores/:id/sync/:dataset/run": "sync.run",
  "POST /stores/:id/sync/runs/:runId/retry": "sync.run",
  "GET /stores/:id/api-log": "sync.read",
  "GET /admin/jobs": "sync.read",
  // Retention rules, legal holds and the purge (Data Policy §9).
  "GET /retention": "retention.manage",
  "POST /retention/rules": "retention.manage",
  "POST /retention/holds": "retention.manage",
  "POST /retention/holds/:id/release": "retention.manage",
  "POST /retention/run": "retention.manage",
  // Amazon's deletion requests and their certificates (owners).
  "GET /retention/deletion-requests": "retention.deletion_request",
  "POST /retention/deletion-requests": "retention.deletion_request",
  "GET /retention/deletion-requests/:requestId": "retention.deletion_request",
  "GET /retention/deletion-requests/:requestId/certificate.json":
    "retention.deletion_request",
  // Cold archives: listed with their manifests; downloaded with a reason.
  "GET /archives": "retention.manage",
  "POST /archives/download": "archives.download",
  "POST /admin/jobs/:name": "stores.manage",
  "GET /account": "signed-in",
  "POST /account/time-zone": "signed-in",
  "POST /account/sessions/signout-others": "signed-in",
  "POST /account/sessions/:ref/signout": "signed-in",
  "POST /account/recovery-codes": "signed-in",
  "POST /account/recovery-codes.txt": "signed-in",
  "POST /account/authenticator": "signed-in",
  "GET /account/authenticator": "signed-in",
  "POST /account/authenticator/confirm": "signed-in",
  "POST /account/authenticator/cancel": "signed-in",
  "GET /account/password": "signed-in",
  "POST /account/password": "signed-in",
  // Orders, the order page, buyer-data reveals and the orders export.
  "GET /orders": "orders.read",
  "GET /orders/totals": "orders.read",
  // The exports also need orders.read (lib/orders/export.ts refuses them).
  "GET /orders.csv": "export.csv",
  "POST /orders.csv": "pii.export",
  "POST /orders/freeze": "pii.export",
  "GET /orders/:storeId/:amazonOrderId": "orders.read",
  "GET /orders/:storeId/:amazonOrderId/buyer": "orders.read",
  "POST /orders/:storeId/:amazonOrderId/reveal": "pii.reveal",
  // Products, the product page and the products export.
  "GET /products": "catalog.read",
  // The export also needs catalog.read (lib/products/export.ts refuses it).
  "GET /products.csv": "export.csv",
  "GET /products/:storeId/:asin": "catalog.read",
  // Inventory, its export and each store's restock settings.
  "GET /inventory": "inventory.read",
  "GET /inventory.csv": "export.csv",
  // Finance: settlements, a settlement and its reconciliation, financial
  // events; the exports also need finance.read (lib/finance/export.ts).
  "GET /finance": "finance.read",
  "GET /finance.csv": "export.csv",
  "GET /finance/settlements/:storeId/:settlementId": "finance.read",
  "GET /finance/settlements/:storeId/:settlementId/reconciliation":
    "finance.read",
  "GET /finance/events": "finance.read",
  "GET /finance/events.csv": "export.csv",
  "GET /stores/:id/restock": "stores.manage",
  "POST /stores/:id/restock": "stores.manage",
  // Advertising: the drill-down, the keyword list, the campaign and keyword
  // pages, search terms and the two exports (which also need ads.read:
  // lib/ads/export.ts refuses them). Search terms also need reports.read
  // (Brand Analytics data; routes/ads.ts and lib/ads/search_terms.ts).
  "GET /ads": "ads.read",
  "GET /ads.csv": "export.csv",
  "GET /ads/keywords": "ads.read",
  "GET /ads/keywords.csv": "export.csv",
  "GET /ads/campaigns/:storeId/:campaignId": "ads.read",
  "GET /ads/keywords/:storeId/:id": "ads.read",
  "GET /ads/targets/:storeId/:id": "ads.read",
  "GET /ads/search-terms": "ads.read",
  "GET /audit": "audit.read",
  "GET /audit/export.csv": "audit.read",
  "POST /audit/verify": "audit.read",
  // Compliance evidence and its audited download (issue #18).
  "GET /compliance": "audit.read",
  "GET /compliance.html": "audit.read",
  // The public documents (issue #17), and their editor (owners).
  "GET /policy": "public",
  "GET /policy/versions/:version": "public",
  "GET /privacy": "public",
  "GET /privacy/versions/:version": "public",
  "GET /terms": "public",
  "GET /terms/versions/:version": "public",
  "GET /documents": "documents.publish",
  "POST /documents/company": "documents.publish",
  "GET /documents/:kind/edit": "documents.publish",
  "POST /documents/:kind/edit": "documents.publish",
  "POST /documents/:kind/preview": "documents.publish",
  "POST /documents/:kind/publish": "documents.publish",
  // The service-provider register (Data Policy §11).
  "GET /providers": "audit.read",
  "GET /providers/new": "providers.manage",
  "POST /providers": "providers.manage",
  "GET /providers/:providerId/edit": "providers.manage",
  "POST /providers/:providerId": "providers.manage",
  "GET /providers/:providerId/retire": "providers.manage",
  "POST /providers/:providerId/retire": "providers.manage",
};
