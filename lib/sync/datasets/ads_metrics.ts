// Daily Sponsored Products metrics (Data Policy §3: advertising data) through
// Ads reporting v3, per own profile: spCampaigns grouped by campaign (the
// campaign rows) and spTargeting grouped by targeting (keyword and target
// rows), DAILY, as gzip JSON. The first run reads from the backfill start,
// clamped to the ~95 days Amazon keeps, in windows of at most 31 days (facts
// §5.6); every later run re-reads the trailing `adsTrailingDays` ending
// yesterday, because Amazon restates recent days as attribution matures.
// The cursor (per marketplace: the last day read) is saved with each
// window's last rows, so a crash resumes at the next window; every report
// of a run is requested up front (Amazon builds them in parallel) and
// remembered in KV, so a resumed run polls the same reports. Each report's
// rows are written once it is read and recorded in the run's checkpoint
// (markReportRead), so a run resumed or delivered again downloads no report
// twice, not even when it re-reads the trailing days.
import { z } from "zod";
import { createAdsClient } from "../../amazon/ads_client.ts";
import {
  type AdsReportDeps,
  type AdsReportRequest,
  adsReportRows,
  obtainAdsReport,
  requestAdsReport,
} from "../../amazon/ads_reporting.ts";
import {
  type AdMetricsDailyRow,
  type AdProfileRow,
  upsertAdMetricsDaily,
} from "../../ingest/ads.ts";
import type { Dataset, SyncContext } from "../dataset.ts";
import { validRows } from "../validate.ts";
import { ownAdsProfiles } from "./ads_entities.ts";

const DAY = 86_400_000;
/** Amazon keeps about 95 days of SP report data (facts §5.6); a day spare. */
const KEPT_DAYS = 94;
/** The longest date range of one report (facts §5.6). */
const WINDOW_DAYS = 31;

/** Per marketplace (one profile each): the last day read in order. */
interface Cursor {
  through: string;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);

const id = z.union([z.string().regex(/^\d+$/), z.number().int().min(0)])
  .transform(String);
const count = z.number().int().min(0).nullable().transform((n) => n ?? 0);
const money = z.number().finite().nullable().transform((n) =>
  (n ?? 0).toFixed(4)
);
/**
 * Sellers' Sponsored Products attribute orders and sales over 7 days (the
 * console's default), hence purchases7d and sales7d.
 */
const metrics = {
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  campaignId: id,
  impressions: count,
  clicks: count,
  cost: money,
  purchases7d: count,
  sales7d: money,
};
const METRIC_COLUMNS = Object.keys(metrics);
const campaignRow = z.object(metrics);
const targetingRow = z.object({
  ...metrics,
  /** The keyword id, or the target id of a targeting expression. */
  keywordId: id,
  keywordType: z.string().min(1),
});
const KEYWORD_TYPES = new Set(["EXACT", "PHRASE", "BROAD"]);

interface ReportKind {
  reportTypeId: string;
  groupBy: string[];
  columns: string[];
  /** The report's rows that pass validation, as ingest rows. */
  rows(
    ctx: SyncContext,
    p: AdProfileRow,
    records: unknown[],
    source: string,
    firstLine: number,
  ): AdMetricsDailyRow[];
}

const base = (
  p: AdProfileRow,
  r: z.infer<typeof campaignRow>,
): Omit<AdMetricsDailyRow, "entityType" | "entityId"> => ({
  storeId: p.storeId,
  profileId: p.profileId,
  day: r.date,
  campaignId: r.campaignId,
  impressions: r.impressions,
  clicks: r.clicks,
  spend: r.cost,
  orders: r.purchases7d,
  sales: r.sales7d,
  currency: p.currency,
});

const REPORTS: ReportKind[] = [
  {
    reportTypeId: "spCampaigns",
    groupBy: ["campaign"],
    columns: METRIC_COLUMNS,
    rows: (ctx, p, records, source, firstLine) =>
      validRows(ctx, campaignRow, records, source, firstLine).map((r) => ({
        ...base(p, r),
        entityType: "campaign",
        entityId: r.campaignId,
      })),
  },
  {
    reportTypeId: "spTargeting",
    groupBy: ["targeting"],
    columns: [...METRIC_COLUMNS, "keywordId", "keywordType"],
    rows: (ctx, p, records, source, firstLine) =>
      validRows(ctx, targetingRow, records, source, firstLine).map((r) => ({
        ...base(p, r),
        entityType: KEYWORD_TYPES.has(r.keywordType) ? "keyword" : "target",
        entityId: r.keywordId,
      })),
  },
];

/** Consecutive windows of at most WINDOW_DAYS covering from..to. */
export function reportWindows(
  from: string,
  to: string,
): { startDate: string; endDate: string }[] {
  const out = [];
  for (let s = dayMs(from); s <= dayMs(to); s += WINDOW_DAYS * DAY) {
    out.push({
      startDate: isoDay(s),
      endDate: isoDay(Math.min(dayMs(to), s + (WINDOW_DAYS - 1) * DAY)),
    });
  }
  return out;
}

/** The days this run reads for a marketplace: null when none are due. */
export function daysDue(
  settings: { backfillDays: number; adsTrailingDays: number },
  now: Date,
  cursor: Cursor | null,
): { from: string; to: string } | null {
  const today = dayMs(isoDay(now.getTime()));
  const yesterday = today - DAY;
  const earliest = today - KEPT_DAYS * DAY;
  let from = cursor
    ? Math.min(
      dayMs(cursor.through) + DAY,
      yesterday - (settings.adsTrailingDays - 1) * DAY,
    )
    : today - settings.backfillDays * DAY;
  from = Math.max(from, earliest);
  return from > yesterday
    ? null
    : { from: isoDay(from), to: isoDay(yesterday) };
}

function reportDeps(ctx: SyncContext): AdsReportDeps {
  return {
    ads: createAdsClient(ctx.amazon),
    db: ctx.db,
    kv: ctx.amazon.kv,
    storeId: ctx.store.storeId,
    region: ctx.store.region,
    fetch: ctx.amazon.fetch,
    now: ctx.amazon.now,
    sleep: ctx.amazon.sleep,
    signal: ctx.signal,
    freshnessMinutes: ctx.settings.reportFreshnessMinutes,
    failedCooldownMinutes: ctx.settings.reportFatalCooldownMinutes,
    pollMs: ctx.settings.reportPollMs,
    timeoutMs: ctx.settings.reportTimeoutMs,
  };
}

/** Reads one profile's due days: the rows written, null when none were due. */
async function syncProfile(
  ctx: SyncContext,
  deps: AdsReportDeps,
  p: AdProfileRow,
): Promise<number | null> {
  const cursor = await ctx.cursor<Cursor>(p.marketplaceId);
  const due = daysDue(ctx.settings, ctx.now(), cursor);
  if (!due) return null;
  const windows = reportWindows(due.from, due.to);
  const request = (
    w: { startDate: string; endDate: string },
    k: ReportKind,
  ): AdsReportRequest => ({
    profileId: p.profileId,
    reportTypeId: k.reportTypeId,
    groupBy: k.groupBy,
    columns: k.columns,
    timeUnit: "DAILY",
    ...w,
  });
  for (const w of windows) {
    for (const k of REPORTS) await requestAdsReport(deps, request(w, k));
  }
  let through = cursor?.through ?? "";
  let written = 0;
  for (const [i, w] of windows.entries()) {
    ctx.progress({
      step: `${p.marketplaceId} ${w.startDate}..${w.endDate}`,
      done: i,
      total: windows.length,
    });
    let pending: AdMetricsDailyRow[] = [];
    let last: { reportId: string; read: number } | null = null;
    for (const [j, k] of REPORTS.entries()) {
      const req = request(w, k);
      const ready = await obtainAdsReport(deps, req);
      // Written by this run already (its message delivered again, or
      // resumed before the window's cursor): not downloaded again.
      const known = ctx.reportRead(`ads:${ready.reportId}`);
      if (typeof known === "number") {
        written += known;
        continue;
      }
      ctx.page();
      let read = 0;
      for await (
        const batch of adsReportRows(deps, req, ready, ctx.settings.batchRows)
      ) {
        pending.push(
          ...k.rows(
            ctx,
            p,
            batch.map((b) => b.row),
            `${k.reportTypeId} ${ready.reportId}`,
            batch[0].index,
          ),
        );
        if (pending.length >= ctx.settings.batchRows) {
          const rows = pending;
          pending = [];
          written += rows.length;
          read += rows.length;
          await ctx.write((tx) => upsertAdMetricsDaily(tx, rows));
        }
      }
      if (j < REPORTS.length - 1) {
        // Every report but the window's last is written on its own and
        // recorded as read; the last one's rows go with the cursor.
        const rows = pending;
        pending = [];
        written += rows.length;
        read += rows.length;
        if (rows.length) {
          await ctx.write((tx) => upsertAdMetricsDaily(tx, rows));
        }
        ctx.markReportRead(`ads:${ready.reportId}`, read);
      } else {
        last = { reportId: ready.reportId, read: read + pending.length };
      }
    }
    if (w.endDate > through) through = w.endDate;
    const rows = pending;
    written += rows.length;
    await ctx.write(
      async (tx) =>
        rows.length ? await upsertAdMetricsDaily(tx, rows) : undefined,
      { key: p.marketplaceId, value: { through } satisfies Cursor },
    );
    if (last) ctx.markReportRead(`ads:${last.reportId}`, last.read);
  }
  ctx.progress({ done: windows.length, total: windows.length });
  return written;
}

export const adsMetricsDataset: Dataset = {
  name: "ads_metrics",
  api: "ads",
  schedule: "40 3 * * *",
  async run(ctx) {
    const deps = reportDeps(ctx);
    const profiles = await ownAdsProfiles(ctx, deps.ads);
    if (profiles === null) {
      ctx.empty("no_ads_profile", "the store has no Ads API authorization");
      return;
    }
    if (profiles.length === 0) {
      ctx.empty("no_ads_profile");
      return;
    }
    let written: number | null = null;
    for (const p of profiles) {
      const n = await syncProfile(ctx, deps, p);
      if (n !== null) written = (written ?? 0) + n;
    }
    if (written === null) ctx.empty("not_due", "every day due was read");
    else if (written === 0) {
      ctx.empty("no_data_for_period", "no ad metrics in the days read");
    }
  },
};
