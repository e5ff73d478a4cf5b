// Sales and Traffic by child ASIN and day (Data Policy §3: operational
// reports) through GET_SALES_AND_TRAFFIC_REPORT (Reports 2021-06-30, JSON,
// one marketplace per report). Amazon aggregates `salesAndTrafficByAsin`
// over the whole requested range whatever dateGranularity says, so daily
// rows need one report per day. To spare empty days, a range of
// `reportWindowDays` is first probed with one report whose
// `salesAndTrafficByDate` tells which days had any sales or traffic (a
// CANCELLED probe means none at all); only those days are requested one by
// one, at SKU granularity (the only one that carries the SKU), summed to
// the table's child ASIN. Each day is written with the marketplace's cursor
// (the last day read) in one transaction; later runs re-read the last
// RESTATED_DAYS days, which Amazon restates as late orders and traffic land.
// Days are UTC days.
import { z } from "zod";
import { formatMinor, minorDigits } from "../../ingest/money.ts";
import {
  type SalesTrafficRow,
  upsertSalesTrafficDaily,
} from "../../ingest/sales_traffic.ts";
import { obtainReport, reportLines } from "../../amazon/reports.ts";
import type { Dataset, SyncContext } from "../dataset.ts";
import { jsonArrayItems } from "../../json_stream.ts";
import { reportDepsOf } from "../reports.ts";
import { issueText } from "../validate.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const REPORT_TYPE = "GET_SALES_AND_TRAFFIC_REPORT";
/** Trailing days read again on every run (Amazon restates recent days). */
export const RESTATED_DAYS = 3;
/** How far back Amazon keeps Sales and Traffic data (Business Reports: 2 years [U]). */
export const RETENTION_DAYS = 730;
/** Ranges this long or longer are probed before being read day by day. */
const PROBE_MIN_DAYS = 7;

/** The per-marketplace cursor (the seed's shape). */
export interface SalesTrafficCursor {
  /** The last day read (today's partial day included), `YYYY-MM-DD`. */
  lastCompleteDay: string;
}

const count = z.number().int().min(0).default(0);
const percent = z.number().min(0).max(9999).optional();
const byAsin = z.object({
  parentAsin: z.string().min(1),
  childAsin: z.string().min(1),
  sku: z.string().min(1).optional(),
  salesByAsin: z.object({
    unitsOrdered: count,
    orderedProductSales: z.object({
      amount: z.number(),
      currencyCode: z.string().length(3),
    }),
    totalOrderItems: count,
  }),
  trafficByAsin: z.object({
    sessions: count,
    pageViews: count,
    buyBoxPercentage: percent,
    unitSessionPercentage: percent,
  }),
});
type ByAsin = z.infer<typeof byAsin>;

const byDate = z.object({
  date: z.string().regex(/^\d{4}-\d\d-\d\d$/),
  salesByDate: z.object({ unitsOrdered: count, totalOrderItems: count })
    .optional(),
  trafficByDate: z.object({ sessions: count, pageViews: count }).optional(),
});

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const addDays = (day: string, n: number) => isoDay(dayMs(day) + n * DAY);

/**
 * The report request for days [from, to]. Today's part ends at the last
 * full hour, so a run resumed within the hour finds the same report again.
 */
function request(
  ctx: SyncContext,
  m: string,
  from: string,
  to: string,
  asinGranularity: string,
) {
  return {
    reportType: REPORT_TYPE,
    marketplaceIds: [m],
    dataStartTime: new Date(dayMs(from)),
    dataEndTime: new Date(
      Math.min(
        dayMs(to) + DAY - 1000,
        Math.floor(ctx.now().getTime() / HOUR) * HOUR,
      ),
    ),
    reportOptions: { dateGranularity: "DAY", asinGranularity },
  };
}

/** The days of [from, to] with any sales or traffic, from one probe report. */
async function daysWithData(
  ctx: SyncContext,
  m: string,
  from: string,
  to: string,
): Promise<Set<string>> {
  const deps = reportDepsOf(ctx);
  const r = await obtainReport(deps, request(ctx, m, from, to, "PARENT"));
  const days = new Set<string>();
  if (r.status === "CANCELLED") return days;
  // Read already by this run (delivered again, or resumed): its answer is
  // in the run's checkpoint, and the document is not downloaded again.
  const known = ctx.reportRead(r.reportId);
  if (Array.isArray(known)) return new Set(known.map(String));
  ctx.page();
  for await (
    const it of jsonArrayItems(reportLines(deps, r), ["salesAndTrafficByDate"])
  ) {
    const d = "value" in it ? byDate.safeParse(it.value) : null;
    if (!d?.success) {
      // Unreadable: read every day of the range rather than miss one.
      for (let day = from; day <= to; day = addDays(day, 1)) days.add(day);
      continue;
    }
    const s = d.data.salesByDate, t = d.data.trafficByDate;
    if (
      (s?.unitsOrdered ?? 0) + (s?.totalOrderItems ?? 0) +
          (t?.sessions ?? 0) + (t?.pageViews ?? 0) > 0
    ) days.add(d.data.date);
  }
  ctx.markReportRead(r.reportId, [...days]);
  return days;
}

/** Sums the SKU rows of one day into one row per child ASIN. */
function byChildAsin(
  storeId: string,
  m: string,
  day: string,
  records: readonly ByAsin[],
): SalesTrafficRow[] {
  const groups = new Map<string, ByAsin[]>();
  for (const r of records) {
    const list = groups.get(r.childAsin);
    if (list) list.push(r);
    else groups.set(r.childAsin, [r]);
  }
  const pct = (x: number) => x.toFixed(2);
  return [...groups.values()].map((list) => {
    const r0 = list[0];
    const currency = r0.salesByAsin.orderedProductSales.currencyCode;
    const scale = 10 ** minorDigits(currency);
    let units = 0, items = 0, sessions = 0, views = 0, sales = 0, bb = 0;
    for (const r of list) {
      units += r.salesByAsin.unitsOrdered;
      items += r.salesByAsin.totalOrderItems;
      sessions += r.trafficByAsin.sessions;
      views += r.trafficByAsin.pageViews;
      sales += Math.round(r.salesByAsin.orderedProductSales.amount * scale);
      bb += (r.trafficByAsin.buyBoxPercentage ?? 0) * r.trafficByAsin.sessions;
    }
    const single = list.length === 1;
    const skus = new Set(list.map((r) => r.sku).filter(Boolean));
    return {
      storeId,
      marketplaceId: m,
      day,
      childAsin: r0.childAsin,
      parentAsin: r0.parentAsin,
      sku: skus.size === 1 ? [...skus][0]! : null,
      unitsOrdered: units,
      orderedSales: formatMinor(sales, currency),
      currency,
      totalOrderItems: items,
      sessions,
      pageViews: views,
      // One SKU: Amazon's own percentages; several: recomputed from the sums.
      buyBoxPercentage: single
        ? (r0.trafficByAsin.buyBoxPercentage === undefined
          ? null
          : pct(r0.trafficByAsin.buyBoxPercentage))
        : pct(sessions ? bb / sessions : 0),
      unitSessionPercentage: single
        ? (r0.trafficByAsin.unitSessionPercentage === undefined
          ? null
          : pct(r0.trafficByAsin.unitSessionPercentage))
        : pct(sessions ? (units / sessions) * 100 : 0),
    };
  });
}

/** Reads one day's report and writes it with the cursor; returns rows written. */
async function syncDay(
  ctx: SyncContext,
  m: string,
  day: string,
): Promise<number> {
  const deps = reportDepsOf(ctx);
  const r = await obtainReport(deps, request(ctx, m, day, day, "SKU"));
  if (r.status === "CANCELLED") return 0;
  // Its rows were written by this run already (delivered again, resumed).
  if (ctx.reportRead(r.reportId) !== undefined) return 0;
  ctx.page();
  const records: ByAsin[] = [];
  const source = `${REPORT_TYPE} ${r.reportId} (${m} ${day})`;
  for await (
    const it of jsonArrayItems(reportLines(deps, r), ["salesAndTrafficByAsin"])
  ) {
    if ("error" in it) {
      ctx.badRow({ line: it.index, source, reason: it.error });
      continue;
    }
    const parsed = byAsin.safeParse(it.value);
    if (parsed.success) records.push(parsed.data);
    else {
      ctx.badRow({ line: it.index, source, reason: issueText(parsed.error) });
    }
  }
  const rows = byChildAsin(ctx.store.storeId, m, day, records);
  const cursor = { key: m, value: { lastCompleteDay: day } };
  for (let at = 0; at < rows.length; at += ctx.settings.batchRows) {
    const chunk = rows.slice(at, at + ctx.settings.batchRows);
    const last = at + ctx.settings.batchRows >= rows.length;
    await ctx.write(
      (tx) => upsertSalesTrafficDaily(tx, chunk),
      last ? cursor : undefined,
    );
  }
  ctx.markReportRead(r.reportId);
  return rows.length;
}

async function syncMarketplace(ctx: SyncContext, m: string) {
  const saved = await ctx.cursor<SalesTrafficCursor>(m);
  const today = isoDay(ctx.now().getTime());
  const oldest = addDays(
    today,
    -Math.min(ctx.settings.backfillDays, RETENTION_DAYS),
  );
  let from = saved?.lastCompleteDay
    ? addDays(saved.lastCompleteDay, -(RESTATED_DAYS - 1))
    : oldest;
  if (from < oldest) from = oldest;
  const windowDays = Math.max(1, ctx.settings.reportWindowDays);
  let rows = 0;
  for (let start = from; start <= today;) {
    let end = addDays(start, windowDays - 1);
    if (end > today) end = today;
    const span = (dayMs(end) - dayMs(start)) / DAY + 1;
    const wanted = span >= PROBE_MIN_DAYS
      ? await daysWithData(ctx, m, start, end)
      : null;
    for (let day = start; day <= end; day = addDays(day, 1)) {
      if (wanted && !wanted.has(day)) continue;
      ctx.progress({ step: `${m} ${day}` });
      rows += await syncDay(ctx, m, day);
    }
    await ctx.saveCursor({ lastCompleteDay: end }, m);
    start = addDays(end, 1);
  }
  return { rows, from, to: today };
}

export const salesTrafficDataset: Dataset = {
  name: "sales_traffic",
  api: "sp-api",
  schedule: "15 5 * * *",
  async run(ctx) {
    const markets = ctx.store.marketplaceIds;
    let rows = 0;
    const ranges: string[] = [];
    for (const [i, m] of markets.entries()) {
      ctx.progress({
        step: `marketplace ${m}`,
        done: i,
        total: markets.length,
      });
      const r = await syncMarketplace(ctx, m);
      rows += r.rows;
      ranges.push(`${m} ${r.from}..${r.to}`);
    }
    ctx.progress({ done: markets.length });
    if (rows === 0) {
      ctx.empty(
        "no_data_for_period",
        `no sales or traffic in ${ranges.join(", ")}`,
      );
    }
  },
};
