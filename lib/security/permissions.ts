// Data Policy §5 and §8: access by job role, least privilege, role
// separation. The permission matrix is data: this module is the one place
// that says which role may do what, and the admin overview page shows it.

/**
 * The features (screen areas) of the portal, as codes the views name. A
 * permission belongs to the feature whose screens it opens.
 */
export type Feature =
  | "dashboard"
  | "catalog"
  | "inventory"
  | "orders"
  | "reports"
  | "ads"
  | "finance"
  | "exports"
  | "sync"
  | "stores"
  | "credentials"
  | "users"
  | "access_review"
  | "retention"
  | "requests"
  | "incidents"
  | "audit"
  | "roles"
  | "documents"
  | "providers";

/**
 * Every permission, with the feature it belongs to. What each lets a person
 * do is said by the views (`permission.<name>` in both languages); until a
 * route needs a permission, the roles page marks it "not used yet — arrives
 * with <feature>" (`permissionsGating`).
 */
export const PERMISSIONS = {
  /** The dashboard of the stores granted. */
  "dashboard.view": "dashboard",
  /** Products and listings. */
  "catalog.read": "catalog",
  /** FBA inventory. */
  "inventory.read": "inventory",
  /** Orders, order items and returns, without buyer personal data. */
  "orders.read": "orders",
  /** Buyer personal data of an order, giving a reason. */
  "pii.reveal": "orders",
  /** Sales and traffic, Brand Analytics search terms. */
  "reports.read": "reports",
  /** Campaigns, keywords, budgets, bids and metrics. */
  "ads.read": "ads",
  /** Settlements, fees and financial events. */
  "finance.read": "finance",
  /** Cost of goods per SKU and the currency rate table (profit). */
  "costs.manage": "finance",
  /** Lists exported as CSV. */
  "export.csv": "exports",
  /** Buyer personal data columns in an export, giving a reason (§8). */
  "pii.export": "exports",
  /** Sync runs and API logs. */
  "sync.read": "sync",
  /** Running a sync now, retrying a failed one. */
  "sync.run": "sync",
  /** Registering, connecting and disconnecting stores. */
  "stores.manage": "stores",
  /** Amazon app credentials and tokens. */
  "credentials.manage": "credentials",
  /** Inviting users, changing roles, granting stores, disabling users. */
  "users.manage": "users",
  /** The periodic access review. */
  "access.review": "access_review",
  /** Retention rules and legal holds. */
  "retention.manage": "retention",
  /** Recording Amazon's deletion requests (owners: §10, Amazon's 72 hours). */
  "retention.deletion_request": "retention",
  /** Data requests from outside the company. */
  "requests.manage": "requests",
  /** Security incidents. */
  "incidents.manage": "incidents",
  /** The audit trail and compliance pages. */
  "audit.read": "audit",
  /** The permission matrix. */
  "roles.read": "roles",
  /** A disconnected store's encrypted archive, giving a reason. */
  "archives.download": "stores",
  /** Publishing the public documents and the company details they show. */
  "documents.publish": "documents",
  /** The register of service providers (§11): add, edit, retire. */
  "providers.manage": "providers",
} as const satisfies Record<string, Feature>;

export type Permission = keyof typeof PERMISSIONS;

export type RoleName =
  | "owner"
  | "admin"
  | "operations"
  | "advertising"
  | "finance"
  | "support"
  | "auditor"
  | "viewer";

export interface RoleDefinition {
  name: RoleName;
  /**
   * For the roles table (what an operator reads in SQL); the pages say it in
   * the reader's language (`role.<name>` in the views).
   */
  description: string;
  /**
   * Whether the role sees every store without per-store grants. Only the
   * roles that administer the portal itself do; everyone else needs grants.
   */
  allStores: boolean;
  permissions: Permission[];
}

const ALL = Object.keys(PERMISSIONS) as Permission[];

/** The matrix. Admins administer but do not read buyer data (role separation). */
export const ROLES: readonly RoleDefinition[] = [
  {
    name: "owner",
    description: "Accountable for the portal; every permission",
    allStores: true,
    permissions: ALL,
  },
  {
    name: "admin",
    description: "Runs the portal: stores, credentials, users, retention",
    allStores: true,
    permissions: ALL.filter((p) =>
      p !== "pii.reveal" && p !== "pii.export" &&
      p !== "archives.download" && p !== "retention.deletion_request" &&
      p !== "documents.publish" && p !== "providers.manage" &&
      p !== "costs.manage" // finance's own figures: finance and owner
    ),
  },
  {
    name: "operations",
    description: "Products, listings and inventory",
    allStores: false,
    permissions: [
      "dashboard.view",
      "catalog.read",
      "inventory.read",
      "reports.read",
      "sync.read",
      "export.csv",
    ],
  },
  {
    name: "advertising",
    description: "Campaigns, keywords, budgets and bids",
    allStores: false,
    permissions: [
      "dashboard.view",
      "catalog.read",
      "ads.read",
      "reports.read",
      "export.csv",
    ],
  },
  {
    name: "finance",
    description: "Settlements, fees and reconciliation",
    allStores: false,
    permissions: [
      "dashboard.view",
      "orders.read",
      "finance.read",
      "costs.manage",
      "export.csv",
    ],
  },
  {
    name: "support",
    description: "Orders; may reveal buyer personal data with a reason",
    allStores: false,
    permissions: [
      "dashboard.view",
      "catalog.read",
      "orders.read",
      "pii.reveal",
    ],
  },
  {
    name: "auditor",
    description: "Audit trail and compliance pages; no buyer personal data",
    allStores: true,
    permissions: ["dashboard.view", "audit.read", "sync.read", "roles.read"],
  },
  {
    name: "viewer",
    description: "Read-only dashboard and catalog of the stores granted",
    allStores: false,
    permissions: ["dashboard.view", "catalog.read"],
  },
];

const BY_NAME = new Map(ROLES.map((r) => [r.name, r]));

/** The definition of a role, or undefined for an unknown name. */
export function roleByName(name: string): RoleDefinition | undefined {
  return BY_NAME.get(name as RoleName);
}

/** Whether `role` grants `permission`. */
export function can(role: string, permission: Permission): boolean {
  return roleByName(role)?.permissions.includes(permission) ?? false;
}

/**
 * The permissions that gate at least one route, given what the routes
 * require (the values of the route-access table: "public", "signed-in" or a
 * permission).
 *
 * @example
 * permissionsGating(Object.values(ROUTE_ACCESS)).has("incidents.manage"); // false until its screens land
 */
export function permissionsGating(
  requirements: Iterable<string>,
): Set<Permission> {
  const gating = new Set<Permission>();
  for (const r of requirements) {
    if (Object.hasOwn(PERMISSIONS, r)) gating.add(r as Permission);
  }
  return gating;
}
