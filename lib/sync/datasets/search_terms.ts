// Brand Analytics search terms (Data Policy §3: Brand Analytics; §2: only
// for brands the company owns) through GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT
// (JSON, one marketplace and exactly one period per report: weeks run
// Sunday to Saturday, months from the 1st). Stores without a registered
// brand are skipped without any call (Amazon answers 403 without the Brand
// Analytics role). Every completed WEEK and MONTH since the backfill start
// is read once, oldest first; the documents are huge in reality (millions
// of rows), so `dataByDepartmentAndSearchTerm` is parsed element by element
// as it downloads (lib/json_stream.ts) and written in batches, the last
// one with the marketplace's cursor (the end of the last period read per
// period kind). A recent period Amazon has no data for yet (CANCELLED) is
// asked again on the next run rather than passed over.
import { z } from "zod";
import { obtainReport, reportLines } from "../../amazon/reports.ts";
import {
  type SearchTermRow,
  upsertSearchTerms,
} from "../../ingest/search_terms.ts";
import type { Dataset, SyncContext } from "../dataset.ts";
import { jsonArrayItems } from "../../json_stream.ts";
import { reportDepsOf } from "../reports.ts";
import { issueText } from "../validate.ts";

const DAY = 86_400_000;
const REPORT_TYPE = "GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT";
/** The period kinds read (DAY is too large to keep; QUARTER sums months). */
export const PERIODS = ["WEEK", "MONTH"] as const;
type Period = typeof PERIODS[number];
/** How far back Brand Analytics data goes (2 years [U]). */
export const RETENTION_DAYS = 730;
/** A period this recent without data may still be published [U]. */
const PUBLISH_DAYS = 7;

/** Per marketplace: the last day of the last period read, per kind (the seed's shape). */
export type SearchTermsCursor = Partial<Record<Period, string | null>>;

const share = z.number().min(0).max(999);
const termRecord = z.object({
  departmentName: z.string(),
  searchTerm: z.string().min(1),
  searchFrequencyRank: z.number().int().min(1),
  clickedAsin: z.string(),
  clickShareRank: z.number().int().min(1),
  clickShare: share,
  conversionShare: share,
});

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** The period of `kind` that starts on or after `day`: [start, end] days. */
function periodFrom(kind: Period, day: string): [string, string] {
  const t = dayMs(day);
  const d = new Date(t);
  if (kind === "WEEK") {
    const start = t + ((7 - d.getUTCDay()) % 7) * DAY; // next Sunday
    return [isoDay(start), isoDay(start + 6 * DAY)];
  }
  const first = d.getUTCDate() === 1
    ? t
    : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  const f = new Date(first);
  const next = Date.UTC(f.getUTCFullYear(), f.getUTCMonth() + 1, 1);
  return [isoDay(first), isoDay(next - DAY)];
}

/**
 * Reads one period; the last write carries `cursor`. Returns the rows
 * written, or null when Amazon has no data (CANCELLED).
 */
async function syncPeriod(
  ctx: SyncContext,
  m: string,
  kind: Period,
  [start, end]: [string, string],
  cursor: SearchTermsCursor,
): Promise<number | null> {
  const deps = reportDepsOf(ctx);
  const r = await obtainReport(deps, {
    reportType: REPORT_TYPE,
    marketplaceIds: [m],
    dataStartTime: new Date(dayMs(start)),
    dataEndTime: new Date(dayMs(end) + DAY - 1000),
    reportOptions: { reportPeriod: kind },
  });
  if (r.status === "CANCELLED") return null;
  // Written by this run already (its message delivered again, or resumed):
  // the document is not downloaded again.
  const known = ctx.reportRead(r.reportId);
  if (typeof known === "number") return known;
  ctx.page();
  const source = `${REPORT_TYPE} ${r.reportId} (${m} ${kind} ${start})`;
  const base = {
    storeId: ctx.store.storeId,
    marketplaceId: m,
    reportPeriod: kind,
    periodStart: start,
    periodEnd: end,
  };
  let batch: SearchTermRow[] = [];
  let rows = 0;
  const write = async (last: boolean) => {
    const chunk = batch;
    batch = [];
    if (!chunk.length && !last) return;
    await ctx.write(
      (tx) => upsertSearchTerms(tx, chunk),
      last ? { key: m, value: cursor } : undefined,
    );
    rows += chunk.length;
  };
  for await (
    const it of jsonArrayItems(reportLines(deps, r), [
      "dataByDepartmentAndSearchTerm",
    ])
  ) {
    if ("error" in it) {
      ctx.badRow({ line: it.index, source, reason: it.error });
      continue;
    }
    const t = termRecord.safeParse(it.value);
    if (!t.success) {
      ctx.badRow({ line: it.index, source, reason: issueText(t.error) });
      continue;
    }
    batch.push({
      ...base,
      searchTerm: t.data.searchTerm,
      clickShareRank: t.data.clickShareRank,
      departmentName: t.data.departmentName,
      searchFrequencyRank: t.data.searchFrequencyRank,
      clickedAsin: t.data.clickedAsin,
      clickShare: t.data.clickShare.toFixed(4),
      conversionShare: t.data.conversionShare.toFixed(4),
    });
    if (batch.length >= ctx.settings.batchRows) await write(false);
  }
  await write(true);
  ctx.markReportRead(r.reportId, rows);
  return rows;
}

/** Reads the periods due for one marketplace: reports asked for, rows written. */
async function syncMarketplace(
  ctx: SyncContext,
  m: string,
): Promise<{ reports: number; rows: number }> {
  const cursor: SearchTermsCursor = {
    ...await ctx.cursor<SearchTermsCursor>(m),
  };
  const today = isoDay(ctx.now().getTime());
  const oldest = isoDay(
    ctx.now().getTime() -
      Math.min(ctx.settings.backfillDays, RETENTION_DAYS) * DAY,
  );
  let rows = 0, reports = 0;
  for (const kind of PERIODS) {
    const last = cursor[kind];
    let period = periodFrom(kind, last ? isoDay(dayMs(last) + DAY) : oldest);
    while (period[1] < today) {
      ctx.progress({ step: `${m} ${kind} ${period[0]}` });
      const next = { ...cursor, [kind]: period[1] };
      const n = await syncPeriod(ctx, m, kind, period, next);
      reports++;
      if (n === null) {
        // No data: final for an old period, maybe not yet for a recent one.
        if (dayMs(period[1]) >= dayMs(today) - PUBLISH_DAYS * DAY) break;
        await ctx.saveCursor(next, m);
      }
      cursor[kind] = period[1];
      rows += n ?? 0;
      period = periodFrom(kind, isoDay(dayMs(period[1]) + DAY));
    }
  }
  return { reports, rows };
}

export const searchTermsDataset: Dataset = {
  name: "search_terms",
  api: "sp-api",
  schedule: "30 7 * * 1",
  async run(ctx) {
    if (!ctx.store.brand) {
      ctx.empty("no_brand", "Brand Analytics needs a registered brand");
      return;
    }
    const markets = ctx.store.marketplaceIds;
    let rows = 0, reports = 0;
    for (const [i, m] of markets.entries()) {
      ctx.progress({
        step: `marketplace ${m}`,
        done: i,
        total: markets.length,
      });
      const r = await syncMarketplace(ctx, m);
      rows += r.rows;
      reports += r.reports;
    }
    ctx.progress({ done: markets.length });
    if (reports === 0) ctx.empty("not_due", "no newly completed period");
    else if (rows === 0) {
      ctx.empty("no_data_for_period", `${reports} period(s) without data`);
    }
  },
};
