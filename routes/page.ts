// Renders a full page through the layout with what every page needs: the
// language, the CSP nonce, the navigation this principal may use and the
// store switcher.
import "./context.ts";
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { Permission } from "../lib/security/permissions.ts";
import type { StaffPrincipal } from "../lib/security/principal.ts";
import { Layout, type NavGroup, type StoreSwitcher } from "../views/layout.tsx";
import type { MessageKey } from "../views/i18n.ts";

interface NavEntry {
  /** The address; `:store` is the one store shown (entry hidden without one). */
  href: string;
  label: MessageKey;
  permission: Permission;
  /** The page reads `?store=`: the link keeps the switcher's choice. */
  keepsStore?: boolean;
}

/**
 * The navigation by area, each entry shown only to principals holding its
 * permission, and an area only when one of its pages exists and is allowed.
 * Areas whose screens are not built yet have no entry.
 */
const NAV: { label: MessageKey; items: NavEntry[] }[] = [
  {
    label: "nav.group.overview",
    items: [{
      href: "/",
      label: "nav.dashboard",
      permission: "dashboard.view",
      keepsStore: true,
    }],
  },
  {
    label: "nav.group.sales",
    items: [{
      href: "/orders",
      label: "nav.orders",
      permission: "orders.read",
      keepsStore: true,
    }, {
      href: "/products",
      label: "nav.products",
      permission: "catalog.read",
      keepsStore: true,
    }, {
      href: "/inventory",
      label: "nav.inventory",
      permission: "inventory.read",
      keepsStore: true,
    }],
  },
  {
    label: "nav.group.advertising",
    items: [{
      href: "/ads",
      label: "nav.ads",
      permission: "ads.read",
      keepsStore: true,
    }, {
      href: "/ads/keywords",
      label: "nav.adsKeywords",
      permission: "ads.read",
      keepsStore: true,
    }, {
      // Also needs reports.read, which every role holding ads.read has.
      href: "/ads/search-terms",
      label: "nav.adsSearchTerms",
      permission: "ads.read",
      keepsStore: true,
    }],
  },
  {
    label: "nav.group.finance",
    items: [{
      href: "/finance",
      label: "nav.settlements",
      permission: "finance.read",
      keepsStore: true,
    }, {
      href: "/finance/events",
      label: "nav.financialEvents",
      permission: "finance.read",
      keepsStore: true,
    }, {
      href: "/profit",
      label: "nav.profit",
      permission: "finance.read",
      keepsStore: true,
    }],
  },
  {
    label: "nav.group.data",
    items: [
      { href: "/stores", label: "nav.stores", permission: "dashboard.view" },
      {
        href: "/stores/:store/sync",
        label: "nav.sync",
        permission: "sync.read",
      },
      {
        href: "/stores/:store/api-log",
        label: "nav.apiLog",
        permission: "sync.read",
      },
      { href: "/admin/jobs", label: "nav.jobs", permission: "sync.read" },
      {
        href: "/admin/amazon-apps",
        label: "nav.apps",
        permission: "credentials.manage",
      },
    ],
  },
  {
    label: "nav.group.governance",
    items: [
      { href: "/users", label: "nav.users", permission: "users.manage" },
      {
        href: "/access-review",
        label: "nav.accessReview",
        permission: "access.review",
      },
      { href: "/admin/roles", label: "nav.roles", permission: "roles.read" },
      { href: "/audit", label: "nav.audit", permission: "audit.read" },
      {
        href: "/compliance",
        label: "nav.compliance",
        permission: "audit.read",
      },
      {
        href: "/retention",
        label: "nav.retention",
        permission: "retention.manage",
      },
      {
        href: "/documents",
        label: "nav.documents",
        permission: "documents.publish",
      },
      { href: "/providers", label: "nav.providers", permission: "audit.read" },
      {
        href: "/requests",
        label: "nav.requests",
        permission: "requests.manage",
      },
      {
        href: "/incidents",
        label: "nav.incidents",
        permission: "incidents.manage",
      },
    ],
  },
];

const STORE_PATH = /^\/stores\/([0-9a-f-]{36})(?:\/|$)/i;

/**
 * The one store the page is about: the one in its path, else `?store=` when
 * granted, else the principal's only store; null for several.
 */
function oneStore(
  principal: StaffPrincipal,
  path: string,
  query: URLSearchParams,
): string | null {
  const inPath = STORE_PATH.exec(path)?.[1]?.toLowerCase();
  if (inPath && principal.storeIds.includes(inPath)) return inPath;
  const chosen = query.get("store")?.toLowerCase();
  if (chosen && principal.storeIds.includes(chosen)) return chosen;
  return principal.storeIds.length === 1 ? principal.storeIds[0] : null;
}

/** The navigation groups `principal` may use, with its store choice kept. */
export function navFor(
  principal: StaffPrincipal,
  path: string,
  query: URLSearchParams,
): NavGroup[] {
  const store = oneStore(principal, path, query);
  const chosen = query.get("store");
  const keep = chosen && principal.storeIds.includes(chosen.toLowerCase())
    ? `?store=${encodeURIComponent(chosen.toLowerCase())}`
    : "";
  return NAV.map((group) => ({
    label: group.label,
    items: group.items.filter((n) =>
      principal.permissions.has(n.permission) &&
      (!n.href.includes(":store") || store !== null)
    ).map((n) => ({
      label: n.label,
      href: n.href.replace(":store", store ?? "") +
        (n.keepsStore ? keep : ""),
    })),
  })).filter((g) => g.items.length > 0);
}

/** Renders `body` as a full page with status `status`. */
export async function page(
  c: Context,
  title: string,
  body: Child,
  status = 200,
): Promise<Response> {
  const principal = c.get("principal") ?? null;
  const url = new URL(c.req.url);
  const nav = principal
    ? navFor(principal, url.pathname, url.searchParams)
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
      path: url.pathname + url.search,
      nav,
      user: principal
        ? { displayName: principal.displayName, role: principal.role }
        : null,
      switcher: principal && stores.length > 1
        ? switcherFor(principal, url, stores)
        : null,
      children: body,
    }),
    status as 200,
  );
}

/**
 * The switcher's form: back to this page with the other query parameters
 * kept (a page number restarts: the list changes); on a page of one store
 * (/stores/:id/…) the choice opens the dashboard instead.
 */
function switcherFor(
  principal: StaffPrincipal,
  url: URL,
  stores: { id: string; name: string }[],
): StoreSwitcher {
  const inPath = STORE_PATH.exec(url.pathname)?.[1]?.toLowerCase() ?? null;
  const chosen = url.searchParams.get("store")?.toLowerCase() ?? null;
  const keep = inPath
    ? []
    : [...url.searchParams].filter(([k]) =>
      k !== "store" && k !== "page" && k !== "after" && k !== "before"
    );
  return {
    stores,
    selected: inPath ??
      (chosen && principal.storeIds.includes(chosen) ? chosen : null),
    action: inPath ? "/" : url.pathname,
    keep,
  };
}
