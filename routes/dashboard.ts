// The dashboard `/` (issue #15): sales per currency, the daily trend, top
// and falling products, inventory alerts, sync health and what needs
// attention, for the stores the switcher selects (`?store=`; a store not
// granted is a 404).
import { Hono } from "hono";
import type { Config } from "../lib/config.ts";
import type { Database } from "../db/client.ts";
import type { Dataset } from "../lib/sync/dataset.ts";
import { dashboardOverview } from "../lib/dashboard/overview.ts";
import { CredentialWarnings } from "../views/admin/apps.tsx";
import { ReviewReminder } from "../views/users/review_reminder.tsx";
import { RequestsNotice } from "../views/requests/dashboard_notice.tsx";
import { CostsMissingNotice } from "../views/profit/notice.tsx";
import { DashboardPage } from "../views/dashboard/page.tsx";
import { AdsBudgetNotice } from "../views/ads/attention.tsx";
import { IncidentAttention } from "../views/incidents/list.tsx";
import { dashboardT } from "../views/dashboard/messages.ts";
import { readerZone, requirePrincipal, selectedStoreIds } from "./context.ts";
import { page } from "./page.ts";
import { providerReviewsDue } from "../lib/providers/register.ts";
import { ProviderReviewNotice } from "../views/providers/notice.tsx";
import { formatDayInZone } from "../views/format.ts";

/** The dashboard's routes. */
export function dashboardRoutes(deps: {
  config: Config;
  db: Database;
  datasets: readonly Dataset[];
}): Hono {
  const app = new Hono();

  app.get("/", async (c) => {
    const principal = requirePrincipal(c);
    const storeIds = selectedStoreIds(c);
    const lang = c.get("lang");
    const zone = readerZone(c);
    const o = await dashboardOverview(
      {
        db: deps.db,
        datasets: deps.datasets,
        accessReviewIntervalDays: deps.config.ACCESS_REVIEW_INTERVAL_DAYS,
      },
      principal,
      storeIds,
      new Date(),
    );
    // The switcher takes the stores read with the figures.
    c.set("visibleStores", () => Promise.resolve(o.visibleStores));
    const one = storeIds.length === 1 ? o.stores[0] : undefined;
    const providerReviews = await providerReviewsDue(
      deps.db,
      principal,
      formatDayInZone(new Date(), zone),
    );
    return page(
      c,
      dashboardT(lang)("title"),
      DashboardPage({
        lang,
        zone,
        store: one ? { name: one.name } : { count: storeIds.length },
        sales: o.sales,
        inventory: o.inventory,
        sync: o.sync,
        revokedStores: o.revokedStores,
        overLimit: o.overLimit,
        notices: [
          o.incidents
            ? IncidentAttention({ lang, zone, ...o.incidents })
            : null,
          CredentialWarnings({ lang, zone, warnings: o.deadlines }),
          o.review
            ? ReviewReminder({
              lang,
              zone,
              dueAt: o.review.dueAt,
              overdue: o.review.overdue,
            })
            : null,
          ProviderReviewNotice({ lang, ...providerReviews }),
          AdsBudgetNotice({ lang, capped: o.adsCapped }),
          o.requests && o.requests.open > 0
            ? RequestsNotice({ lang, zone, summary: o.requests })
            : null,
          CostsMissingNotice({ lang, count: o.skusWithoutCost }),
        ],
      }),
    );
  });

  return app;
}
