// Data Policy §5 and §8: access by job role, least privilege, role
// separation. The permission matrix is data: this module is the one place
// that says which role may do what, and the admin overview page shows it.

/** Every permission, with what it lets a person do. */
export const PERMISSIONS = {
  "dashboard.view": "See the dashboard of the stores granted",
  "catalog.read": "Read products and listings",
  "inventory.read": "Read FBA inventory",
  "orders.read":
    "Read orders, order items and returns (no buyer personal data)",
  "pii.reveal": "Reveal buyer personal data of an order, giving a reason",
  "reports.read": "Read sales and traffic and Brand Analytics search terms",
  "ads.read": "Read advertising campaigns, keywords, budgets, bids and metrics",
  "finance.read": "Read settlements, fees and financial events",
  "export.csv": "Export lists as CSV",
  "sync.read": "See sync runs and API logs",
  "sync.run": "Run a sync now or retry a failed one",
  "stores.manage": "Register, connect and disconnect stores",
  "credentials.manage": "Manage Amazon app credentials and tokens",
  "users.manage": "Invite users, change roles, grant stores, disable users",
  "access.review": "Run the periodic access review",
  "retention.manage": "Set retention rules and legal holds",
  "requests.manage": "Handle data requests from outside the company",
  "incidents.manage": "Record and handle security incidents",
  "audit.read": "Read the audit trail and compliance pages",
  "roles.read": "See the permission matrix",
  "archives.download":
    "Download a disconnected store's encrypted archive, giving a reason",
} as const;

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
      p !== "pii.reveal" && p !== "archives.download"
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
