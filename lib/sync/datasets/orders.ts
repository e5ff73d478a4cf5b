// Orders and their items (Data Policy §3: order and fulfillment data), with
// buyer data only where needed (§8, §9; orders_pii.ts). Incremental through
// searchOrders (Orders API v2026-01-01, items included) by lastUpdatedAfter:
// each run re-reads `ordersOverlapMinutes` before the saved high-water mark
// up to a lastUpdatedBefore fixed at its start, in windows of at most 7
// days. Every page is written with the cursor in one transaction; the
// cursor holds the window and its paginationToken (valid 24 hours), so a
// crash resumes at the next page, and the high-water mark moves to the
// window's end with its last page.
//
// The first run backfills `backfillDays` with the all-orders flat file, one
// report per 30-day window (orders_report.ts): two years of orders in a few
// dozen calls. The file has no order item ids, no Prime flag and no ship or
// delivery times, so it cannot give exact rows on its own; a searchOrders
// pass over the same range follows (items included, 100 orders a call) and
// rewrites the rows exactly. Its windows are planned from the report's
// counts (consecutive windows merged up to 2000 orders), so it costs about
// one call per 100 orders however long the range. That pass leaves out
// RECIPIENT (whose only non-personal use, the ship country, the report
// already gave) so two years of addresses are never even transferred.
// Incremental windows ask for RECIPIENT only while the restricted role is
// missing (Amazon then sends city, region, postal code and country, no
// personal part); with the role, orders_country.ts finds the ship country.
import { and, eq, inArray } from "drizzle-orm";
import { orders as ordersTable } from "../../../db/schema.ts";
import { SpApiError } from "../../amazon/sp_client.ts";
import { upsertBuyerPii } from "../../ingest/buyer_pii.ts";
import { upsertOrderItems, upsertOrders } from "../../ingest/orders.ts";
import type { Dataset, SyncContext } from "../dataset.ts";
import { validRows } from "../validate.ts";
import { type CountryPass, fillShipCountries } from "./orders_country.ts";
import { rowsFromV2026, v2026Order } from "./orders_map.ts";
import {
  fetchBuyerData,
  type PiiState,
  ROLE_RECHECK_MS,
} from "./orders_pii.ts";
import {
  backfillByReport,
  type BackfillState,
  type WindowCount,
} from "./orders_report.ts";

const MINUTE = 60_000;
const DAY = 86_400_000;
/** searchOrders needs lastUpdatedBefore at least 2 minutes in the past. */
const BEFORE_LAG_MS = 3 * MINUTE;
/** Longest incremental window: bounds what a lost page token costs. */
const WINDOW_MS = 7 * DAY;
/** Backfill windows are merged up to this many orders (20 pages). */
const RANGE_ORDERS = 2000;
/** A stored page token older than this is not used (Amazon: 24 hours). */
const TOKEN_TTL_MS = 23 * 3_600_000;
const SEARCH_PATH = "/orders/2026-01-01/orders";

/** A searchOrders window; `planned` ones belong to the backfill. */
interface SearchWindow {
  after: string;
  before: string;
  planned: boolean;
}

/** The dataset's cursor (one per store: searchOrders covers all marketplaces). */
export interface OrdersCursor {
  v: 1;
  /** Every order last updated before this is stored exactly. */
  hwm: string;
  /** The first run's report backfill, while it is not finished. */
  backfill?: BackfillState;
  /** Backfill windows still to read with searchOrders. */
  plan?: { from: string; to: string }[];
  /** The window being read and the token of its next page. */
  page?: SearchWindow & { token: string; at: string };
  /** When Amazon last showed the restricted role missing. */
  piiRoleMissingAt?: string;
  /** The ship-country lookups (orders_country.ts). */
  countries?: CountryPass;
}

interface OrdersPage {
  orders?: unknown[];
  pagination?: { nextToken?: string };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Consecutive report windows merged into searchOrders ranges. */
export function planRanges(
  counts: readonly WindowCount[],
): { from: string; to: string }[] {
  const out: { from: string; to: string; orders: number }[] = [];
  for (const c of counts) {
    const last = out[out.length - 1];
    if (last && last.orders + c.orders <= RANGE_ORDERS) {
      last.to = c.to;
      last.orders += c.orders;
    } else out.push({ ...c });
  }
  return out.map(({ from, to }) => ({ from, to }));
}

/** The next window to read, or null when the store is up to date. */
function nextWindow(
  ctx: SyncContext,
  c: OrdersCursor,
  before: number,
): (SearchWindow & { token?: string }) | null {
  if (c.page) {
    const fresh = ctx.now().getTime() - Date.parse(c.page.at) < TOKEN_TTL_MS;
    const { token, at: _, ...w } = c.page;
    return fresh ? { ...w, token } : w;
  }
  if (c.plan?.length) {
    return { after: c.plan[0].from, before: c.plan[0].to, planned: true };
  }
  const hwm = Date.parse(c.hwm);
  if (hwm >= before) return null;
  return {
    after: iso(hwm - ctx.settings.ordersOverlapMinutes * MINUTE),
    before: iso(Math.min(before, hwm + WINDOW_MS)),
    planned: false,
  };
}

/** Reads one window page by page; returns the cursor after its last page. */
async function readWindow(
  ctx: SyncContext,
  cursor: OrdersCursor,
  w: SearchWindow & { token?: string },
  pii: PiiState,
): Promise<{ cursor: OrdersCursor; written: number }> {
  const { storeId } = ctx.store;
  let c = cursor;
  let token = w.token;
  let written = 0;
  let n = 0;
  // RECIPIENT only when the restricted role is missing: then it carries the
  // ship country and no personal part (orders_country.ts).
  const recipient = !w.planned && !pii.enabled;
  for (;;) {
    const query = {
      marketplaceIds: ctx.store.marketplaceIds,
      lastUpdatedAfter: w.after,
      lastUpdatedBefore: w.before,
      includedData: recipient
        ? ["PROCEEDS", "FULFILLMENT", "PACKAGES", "RECIPIENT"]
        : ["PROCEEDS", "FULFILLMENT", "PACKAGES"],
      maxResultsPerPage: "100",
      paginationToken: token,
    };
    let body: OrdersPage;
    try {
      body = (await ctx.sp.call<OrdersPage>({
        storeId,
        region: ctx.store.region,
        operation: "searchOrders",
        path: SEARCH_PATH,
        query,
      })).body;
    } catch (err) {
      // An expired or refused page token: read the window again from its start.
      if (token && err instanceof SpApiError && err.status === 400) {
        ctx.log.info("orders.page_token.refused", { storeId, code: err.code });
        token = undefined;
        continue;
      }
      throw err;
    }
    ctx.page();
    const source = `searchOrders ${w.after}..${w.before} page ${++n}`;
    const found: ReturnType<typeof rowsFromV2026>[] = [];
    for (const o of validRows(ctx, v2026Order, body.orders ?? [], source)) {
      try {
        found.push(rowsFromV2026(storeId, o));
      } catch (err) {
        // An amount with more decimals than its currency has.
        ctx.badRow({
          line: 0,
          source,
          reason: `${o.orderId}: ${(err as Error).message}`,
        });
      }
    }
    const buyers = await fetchBuyerData(ctx, found, pii);
    const buyerCountry = new Map(
      buyers.map((b) => [b.amazonOrderId, b.payload.countryCode]),
    );
    for (const { order } of found) {
      order.shipCountry ??= buyerCountry.get(order.amazonOrderId) ?? null;
    }
    const next = body.pagination?.nextToken;
    const done: OrdersCursor = {
      ...c,
      page: undefined,
      plan: w.planned ? c.plan?.slice(1) : c.plan,
      hwm: iso(Math.max(Date.parse(c.hwm), Date.parse(w.before))),
    };
    c = {
      ...(next
        ? { ...c, page: { ...w, token: next, at: iso(ctx.now().getTime()) } }
        : done),
      piiRoleMissingAt: pii.missingAt ??
        (pii.served > 0 ? undefined : c.piiRoleMissingAt),
    };
    const orderRows = found.map((f) => f.order);
    const itemRows = found.flatMap((f) => f.items);
    await ctx.write(async (tx) => {
      if (!recipient && orderRows.length) {
        // Without RECIPIENT: keep the country the report or a lookup gave.
        const known = await tx.select({
          id: ordersTable.amazonOrderId,
          shipCountry: ordersTable.shipCountry,
        }).from(ordersTable).where(and(
          eq(ordersTable.storeId, storeId),
          inArray(
            ordersTable.amazonOrderId,
            orderRows.map((o) => o.amazonOrderId),
          ),
        ));
        const country = new Map(known.map((k) => [k.id, k.shipCountry]));
        for (const o of orderRows) {
          o.shipCountry ??= country.get(o.amazonOrderId) ?? null;
        }
      }
      const a = await upsertOrders(tx, orderRows);
      const b = await upsertOrderItems(tx, itemRows);
      const p = await upsertBuyerPii(tx, ctx.amazon.vault, buyers, {
        now: ctx.now(),
      });
      return {
        inserted: a.inserted + b.inserted + p.inserted,
        updated: a.updated + b.updated + p.updated,
      };
    }, { value: c });
    written += orderRows.length;
    if (!next) return { cursor: c, written };
    token = next;
  }
}

export const ordersDataset: Dataset = {
  name: "orders",
  api: "sp-api",
  schedule: "*/15 * * * *",
  async run(ctx) {
    if (ctx.store.marketplaceIds.length === 0) {
      ctx.empty(
        "no_data_for_period",
        "the store has no participating marketplace",
      );
      return;
    }
    const startedAt = ctx.now().getTime();
    const before = Math.floor((startedAt - BEFORE_LAG_MS) / 1000) * 1000;
    let c = await ctx.cursor<OrdersCursor>();
    if (!c) {
      const start = iso(before - ctx.settings.backfillDays * DAY);
      c = {
        v: 1,
        hwm: start,
        backfill: { start, next: start, end: iso(before), counts: [] },
      };
      // Saved now so that a rerun after a crash asks for the same windows
      // (and so reuses their reports).
      await ctx.saveCursor(c);
    }
    if (c.backfill) {
      const base: OrdersCursor = c;
      const state = await backfillByReport(
        ctx,
        c.backfill,
        (s) => ({ ...base, backfill: s }),
      );
      c = {
        ...base,
        backfill: undefined,
        plan: planRanges(state.counts),
        // The reports gave every order up to `before` its country.
        countries: { through: iso(before), at: iso(startedAt) },
      };
      await ctx.saveCursor(c);
      // The searchOrders pass looks up the rows just loaded, by key.
      await ctx.refreshStatistics(["orders", "order_items"]);
    }
    const missing = c.piiRoleMissingAt ? Date.parse(c.piiRoleMissingAt) : NaN;
    const pii: PiiState = {
      enabled: !(startedAt - missing < ROLE_RECHECK_MS),
      served: 0,
    };
    if (!pii.enabled) {
      ctx.progress({ step: "buyer data skipped: restricted role missing" });
    }
    let written = 0;
    for (
      let w = nextWindow(ctx, c, before);
      w;
      w = nextWindow(ctx, c, before)
    ) {
      ctx.progress({ step: `searchOrders ${w.after} to ${w.before}` });
      const r = await readWindow(ctx, c, w, pii);
      c = r.cursor;
      written += r.written;
    }
    if (pii.enabled) {
      const base: OrdersCursor = c;
      const countries = await fillShipCountries(
        ctx,
        c.countries,
        before,
        (s) => ({ ...base, countries: s }),
      );
      c = { ...base, countries };
    }
    ctx.progress({
      step: pii.enabled
        ? "done"
        : "done; buyer data skipped: restricted role missing",
    });
    if (written === 0) {
      ctx.empty(
        "no_data_for_period",
        `no order was created or updated up to ${iso(before)}`,
      );
    }
  },
};
