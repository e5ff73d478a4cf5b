// Renders a full page through the layout with what every page needs: the
// language, the CSP nonce, the navigation this principal may use.
import "./context.ts";
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { Permission } from "../lib/security/permissions.ts";
import { Layout, type NavItem } from "../views/layout.tsx";
import type { MessageKey } from "../views/i18n.ts";

/** The navigation, each entry shown only to principals holding its permission. */
const NAV: { href: string; label: MessageKey; permission: Permission }[] = [
  { href: "/", label: "nav.dashboard", permission: "dashboard.view" },
  { href: "/stores", label: "nav.stores", permission: "dashboard.view" },
  { href: "/orders", label: "nav.orders", permission: "orders.read" },
  { href: "/audit", label: "nav.audit", permission: "audit.read" },
  { href: "/users", label: "nav.users", permission: "users.manage" },
  {
    href: "/access-review",
    label: "nav.accessReview",
    permission: "access.review",
  },
  { href: "/admin/roles", label: "nav.roles", permission: "roles.read" },
  { href: "/admin/jobs", label: "nav.jobs", permission: "sync.read" },
  {
    href: "/retention",
    label: "nav.retention",
    permission: "retention.manage",
  },
  {
    href: "/admin/amazon-apps",
    label: "nav.apps",
    permission: "credentials.manage",
  },
];

const STORE_PATH = /^\/stores\/([0-9a-f-]{36})(?:\/|$)/i;

/** Renders `body` as a full page with status `status`. */
export async function page(
  c: Context,
  title: string,
  body: Child,
  status = 200,
): Promise<Response> {
  const principal = c.get("principal") ?? null;
  const nav: NavItem[] = principal
    ? NAV.filter((n) => principal.permissions.has(n.permission))
    : [];
  // The switcher offers a choice only to someone with more than one store.
  const loadStores = c.get("visibleStores");
  const stores = principal && principal.storeIds.length > 1 && loadStores
    ? await loadStores().catch((error) => {
      // An error page must still render when the database is the problem.
      c.get("log")?.warn("page.stores_unavailable", { error });
      return [];
    })
    : [];
  return await c.html(
    Layout({
      title,
      lang: c.get("lang") ?? "en",
      nonce: c.get("secureHeadersNonce") ?? "",
      path: c.req.path,
      nav,
      user: principal
        ? { displayName: principal.displayName, role: principal.role }
        : null,
      stores,
      currentStoreId: STORE_PATH.exec(c.req.path)?.[1] ?? null,
      children: body,
    }),
    status as 200,
  );
}
