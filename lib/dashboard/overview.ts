// The dashboard `/` as one read model: sales per currency, the daily trend,
// top and falling products, inventory alerts, sync health and what needs
// attention, for the stores selected (routes/context.ts selectedStoreIds).
// Each part appears only with the permission of its own screen; the sales
// parts need only dashboard.view (they are aggregates, no order is shown).
import type { Database } from "../../db/client.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import { reviewStatus } from "../security/access_review.ts";
import { credentialDeadlines } from "../connections/apps.ts";
import type { CredentialWarning } from "../amazon/credentials.ts";
import type { Dataset } from "../sync/dataset.ts";
import { type SalesOverview, salesOverview } from "./sales.ts";
import { type InventoryAlert, inventoryAlerts } from "./inventory.ts";
import { type StoreHealth, syncHealth } from "./sync_health.ts";
import { categoriesOverLimit } from "../policy/retention.ts";
import { visibleStoresTx } from "../stores.ts";
import { cappedCampaigns } from "../ads/attention.ts";
import {
  type OpenRequestsSummary,
  openRequestsSummary,
} from "../requests/list.ts";
import { type IncidentSummary, incidentSummary } from "../incidents/summary.ts";
import { skusWithoutCostTx } from "../profit/attention.ts";

export interface DashboardOverview {
  /** The stores the figures cover, by name. */
  stores: { id: string; name: string }[];
  /** Every store the principal sees, by name (the layout's switcher). */
  visibleStores: { id: string; name: string }[];
  sales: SalesOverview;
  /** Null without inventory.read. */
  inventory:
    | { alerts: InventoryAlert[]; more: number; thresholds: number[] }
    | null;
  /** Null without sync.read. */
  sync: StoreHealth[] | null;
  /** Selected stores whose seller revoked our authorization in Amazon. */
  revokedStores: { id: string; name: string }[];
  /** Credential deadlines within 30 days (credentials.manage only). */
  deadlines: CredentialWarning[];
  /** The periodic access review (access.review only). */
  review: { dueAt: Date; overdue: boolean } | null;
  /** Retention categories with rows past their limit (retention.manage). */
  overLimit: { category: string; overdue: number }[];
  /** Campaigns that hit their daily budget in the last 7 days (ads.read). */
  adsCapped: Awaited<ReturnType<typeof cappedCampaigns>> | null;
  /** Open data requests against their due dates (requests.manage). */
  requests: OpenRequestsSummary | null;
  /** Open incidents, notices due, the plan's review (incidents.manage). */
  incidents: IncidentSummary | null;
  /** SKUs sold in 30 days without a cost of goods (finance.read). */
  skusWithoutCost: number;
}

export interface DashboardDeps {
  db: Database;
  datasets: readonly Dataset[];
  accessReviewIntervalDays: number;
}

/**
 * Everything the dashboard shows for `storeIds` at `now`.
 *
 * @example
 * const o = await dashboardOverview(deps, principal, selectedStoreIds(c), new Date());
 */
export async function dashboardOverview(
  deps: DashboardDeps,
  principal: StaffPrincipal,
  storeIds: readonly string[],
  now: Date,
): Promise<DashboardOverview> {
  const can = (p: Parameters<typeof principal.permissions.has>[0]) =>
    principal.permissions.has(p);
  const read = await deps.db.asUser(principal, async (tx) => {
    const sales = await salesOverview(tx, storeIds, now);
    const inventory = can("inventory.read")
      ? await inventoryAlerts(tx, storeIds, now)
      : null;
    const sync = await syncHealth(
      tx,
      storeIds,
      can("sync.read") ? deps.datasets : [],
      now.getTime(),
    );
    // The layout's store switcher, in the same transaction.
    const visible = await visibleStoresTx(tx);
    const adsCapped = can("ads.read")
      ? await cappedCampaigns(tx, storeIds, now)
      : null;
    const skusWithoutCost = can("finance.read")
      ? await skusWithoutCostTx(tx, storeIds, now)
      : 0;
    return { sales, inventory, sync, visible, adsCapped, skusWithoutCost };
  });
  const review = can("access.review")
    ? await reviewStatus(
      deps.db,
      principal,
      now,
      deps.accessReviewIntervalDays,
    )
    : null;
  const selected = new Set(storeIds);
  return {
    stores: read.sync.map((s) => ({ id: s.storeId, name: s.name })),
    visibleStores: read.visible.map((s) => ({ id: s.id, name: s.name })),
    sales: read.sales,
    inventory: read.inventory,
    sync: can("sync.read") ? read.sync : null,
    revokedStores: read.sync.filter((s) =>
      s.status === "revoked" && selected.has(s.storeId)
    ).map((s) => ({ id: s.storeId, name: s.name })),
    deadlines: can("credentials.manage")
      ? await credentialDeadlines(deps.db, principal, now)
      : [],
    review: review?.remind
      ? { dueAt: review.dueAt, overdue: review.due }
      : null,
    overLimit: can("retention.manage")
      ? await categoriesOverLimit(deps.db, principal, now)
      : [],
    adsCapped: read.adsCapped,
    requests: can("requests.manage")
      ? await openRequestsSummary(deps.db, principal, now)
      : null,
    incidents: await incidentSummary(deps.db, principal, now),
    skusWithoutCost: read.skusWithoutCost,
  };
}
