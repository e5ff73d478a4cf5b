// The ship country of orders first seen by an incremental searchOrders
// window. v2026 carries it only in RECIPIENT, which under the restricted
// role also brings the buyer's name and address; Data Policy §8 and the
// sync issue allow buyer data only for orders that still need it, so
// incremental windows ask for RECIPIENT only when the role is missing (then
// Amazon sends no personal part). Otherwise the country comes from the
// buyer-data call of an order that needs it, or from this pass: the
// all-orders flat file (no personal data) over the orders still without a
// country, at most every `shipCountryEveryMinutes`. Only empty countries
// are filled; `through` keeps orders Amazon gives no country for from being
// asked about again.
import { and, eq, gt, isNull, lt, sql } from "drizzle-orm";
import { rowsOf } from "../../../db/client.ts";
import { orders } from "../../../db/schema.ts";
import { obtainReport, reportLines, tsvBatches } from "../../amazon/reports.ts";
import type { SyncContext } from "../dataset.ts";
import { reportDepsOf } from "../reports.ts";
import { ALL_ORDERS_REPORT } from "./orders_report.ts";

const DAY = 86_400_000;
/** The all-orders report covers at most 30 days per request. */
const REPORT_SPAN_MS = 30 * DAY;

/** Where the pass stands, kept in the orders cursor. */
export interface CountryPass {
  /** Orders last updated up to this time were looked up already. */
  through: string;
  /** When the pass last asked Amazon. */
  at: string;
}

/**
 * Fills empty ship countries of orders last updated after `state.through`
 * (at most 30 days back) and before `before`, and saves the new state with
 * `cursorOf` in the same transaction. Returns the state, unchanged when
 * the pass is not due.
 */
export async function fillShipCountries(
  ctx: SyncContext,
  state: CountryPass | undefined,
  before: number,
  cursorOf: (s: CountryPass) => unknown,
): Promise<CountryPass | undefined> {
  const now = ctx.now().getTime();
  const every = ctx.settings.shipCountryEveryMinutes * 60_000;
  if (state && now - Date.parse(state.at) < every) return state;
  const { storeId } = ctx.store;
  const since = Math.max(
    state ? Date.parse(state.through) : 0,
    before - REPORT_SPAN_MS,
  );
  const [span] = await ctx.db.asJob(storeId, (tx) =>
    tx.select({
      from: sql`min(${orders.lastUpdatedAt})`.mapWith(orders.lastUpdatedAt),
      to: sql`max(${orders.lastUpdatedAt})`.mapWith(orders.lastUpdatedAt),
    }).from(orders).where(and(
      eq(orders.storeId, storeId),
      isNull(orders.shipCountry),
      gt(orders.lastUpdatedAt, new Date(since)),
      lt(orders.lastUpdatedAt, new Date(before)),
    )));
  const next: CountryPass = {
    through: new Date(before).toISOString(),
    at: new Date(now).toISOString(),
  };
  const read = span?.from && span.to
    ? await countriesFromReport(ctx, span.from, span.to)
    : null;
  const countries = read?.countries ?? [];
  await ctx.write(async (tx) => {
    if (countries.length === 0) return;
    const updated = rowsOf(
      await tx.execute(sql`
        update ${orders} o set ship_country = v.country
        from json_to_recordset(${JSON.stringify(countries)}::json)
          as v(id text, country text)
        where o.store_id = ${storeId} and o.amazon_order_id = v.id
          and o.ship_country is null
        returning 1`),
    );
    return { inserted: 0, updated: updated.length };
  }, { value: cursorOf(next) });
  if (read?.reportId) ctx.markReportRead(read.reportId);
  return next;
}

/**
 * Order ids and ship countries of the orders last updated in [from, to],
 * with the report they come from.
 */
async function countriesFromReport(
  ctx: SyncContext,
  from: Date,
  to: Date,
): Promise<
  { reportId?: string; countries: { id: string; country: string }[] }
> {
  ctx.progress({ step: "ship countries from the all-orders report" });
  const deps = reportDepsOf(ctx);
  const report = await obtainReport(deps, {
    reportType: ALL_ORDERS_REPORT,
    marketplaceIds: ctx.store.marketplaceIds,
    dataStartTime: from,
    // The report's end is exclusive to the second.
    dataEndTime: new Date(to.getTime() + 1000),
  });
  if (report.status === "CANCELLED") return { countries: [] };
  // Its countries were written by this run already (its message delivered
  // again, or resumed): the document is not downloaded again.
  if (ctx.reportRead(report.reportId) !== undefined) return { countries: [] };
  ctx.page();
  const countries = new Map<string, string>();
  const lines = reportLines(deps, report);
  for await (const batch of tsvBatches(lines, ctx.settings.batchRows)) {
    for (const { cells } of batch) {
      const id = cells["amazon-order-id"];
      const country = cells["ship-country"] ?? "";
      if (id && /^[A-Z]{2}$/.test(country)) countries.set(id, country);
    }
  }
  return {
    reportId: report.reportId,
    countries: [...countries].map(([id, country]) => ({ id, country })),
  };
}
