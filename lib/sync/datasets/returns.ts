// FBA customer returns (Data Policy §3: order and fulfillment data) through
// the GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA report (TSV, facts §4.8),
// one report per window of `reportWindowDays` over all the store's
// marketplaces: on the first run from `backfillDays` back (at most the two
// years of order history Amazon keeps), then from the cursor. The report is
// refreshed daily, so a window is final only up to two days before it was
// read: the cursor stops there and the next run reads those days again.
// The document is streamed in batches of `batchRows` lines, each line
// checked with zod (a bad line is recorded with its line number and
// skipped) and each batch written as it comes; the window's cursor is saved
// with its last batch, so a crash repeats at most one window, and a replay
// rewrites the same rows. A CANCELLED report means Amazon has no returns
// for the window. Product names and customer comments are not kept.
import { z } from "zod";
import {
  obtainReport,
  ReportFatalError,
  reportLines,
  tsvBatches,
} from "../../amazon/reports.ts";
import { type ReturnRow, upsertReturns } from "../../ingest/returns.ts";
import type { Dataset, SyncContext, SyncSettings } from "../dataset.ts";
import { reportDepsOf } from "../reports.ts";
import { issueText } from "../validate.ts";

export const RETURNS_REPORT = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA";

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Amazon returns no orders older than two years (facts §4.1). */
export const MAX_BACKFILL_DAYS = 730;
/** Re-read before the cursor: the report is refreshed once a day. */
export const OVERLAP_MS = 2 * DAY;

/** The store's cursor: returns are final through `through`. */
export interface ReturnsCursor {
  through: string;
  /** The marketplaces the reports covered; a new one starts a backfill. */
  marketplaceIds: string[];
}

export interface Window {
  start: Date;
  end: Date;
}

/**
 * The report windows of a run: from the cursor (or the backfill start, a
 * whole day) in steps of `reportWindowDays`, so a run resumed after a crash
 * asks for the same windows again (and reuses reports still fresh); the
 * last one ends at the current hour.
 */
export function returnWindows(
  now: Date,
  cursor: ReturnsCursor | null,
  marketplaceIds: readonly string[],
  settings: Pick<SyncSettings, "backfillDays" | "reportWindowDays">,
): Window[] {
  const end = Math.floor(now.getTime() / HOUR) * HOUR;
  const oldest = Math.floor(now.getTime() / DAY) * DAY -
    Math.min(settings.backfillDays, MAX_BACKFILL_DAYS) * DAY;
  const covers = cursor !== null &&
    marketplaceIds.every((m) => cursor.marketplaceIds.includes(m));
  const start = Math.max(
    oldest,
    covers ? new Date(cursor.through).getTime() : oldest,
  );
  const step = Math.max(1, settings.reportWindowDays) * DAY;
  const out: Window[] = [];
  for (let at = start; at < end; at += step) {
    out.push({ start: new Date(at), end: new Date(Math.min(at + step, end)) });
  }
  return out;
}

/** An ISO date-time with an explicit zone (never read as local time). */
const zoned = z.string().refine(
  (s) => /T.*(Z|[+-]\d\d:?\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)),
  "not a date-time with a time zone",
);
const optional = z.string().optional().transform((s) => s || null);

const returnLine = z.object({
  "return-date": zoned,
  "order-id": z.string().min(1),
  sku: z.string().min(1),
  asin: optional,
  fnsku: optional,
  quantity: z.string().regex(/^\d+$/, "not a whole number").transform(Number)
    .pipe(z.number().int().positive()),
  "fulfillment-center-id": optional,
  "detailed-disposition": optional,
  reason: optional,
  status: optional,
  "license-plate-number": z.string().optional().transform((s) => s ?? ""),
});

/** Valid lines of a batch as rows; the others are recorded as bad rows. */
function rowsOf(
  ctx: SyncContext,
  reportId: string,
  batch: readonly { line: number; cells: Record<string, string> }[],
): ReturnRow[] {
  const rows: ReturnRow[] = [];
  for (const { line, cells } of batch) {
    const r = returnLine.safeParse(cells);
    if (!r.success) {
      ctx.badRow({ line, source: reportId, reason: issueText(r.error) });
      continue;
    }
    const v = r.data;
    rows.push({
      storeId: ctx.store.storeId,
      amazonOrderId: v["order-id"],
      sku: v.sku,
      returnedAt: new Date(v["return-date"]),
      licensePlateNumber: v["license-plate-number"],
      asin: v.asin,
      fnsku: v.fnsku,
      quantity: v.quantity,
      fulfillmentCenterId: v["fulfillment-center-id"],
      disposition: v["detailed-disposition"],
      reason: v.reason,
      status: v.status,
    });
  }
  return rows;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Where a window read at `now` is final: its end, or two days before now. */
export function finalThrough(w: Window, now: Date): Date {
  const t = Math.min(w.end.getTime(), now.getTime() - OVERLAP_MS);
  return new Date(Math.max(w.start.getTime(), t));
}

/** The window's report, with the window named when Amazon could not build it. */
async function windowReport(ctx: SyncContext, w: Window) {
  try {
    return await obtainReport(reportDepsOf(ctx), {
      reportType: RETURNS_REPORT,
      marketplaceIds: ctx.store.marketplaceIds,
      dataStartTime: w.start,
      dataEndTime: w.end,
    });
  } catch (err) {
    if (!(err instanceof ReportFatalError)) throw err;
    throw new ReportFatalError(
      `FBA returns ${day(w.start)} to ${day(w.end)}: ${err.message}`,
      { cause: err },
    );
  }
}

/** Reads one window; returns the rows written, or null when Amazon cancelled it. */
async function syncWindow(
  ctx: SyncContext,
  w: Window,
  cursor: ReturnsCursor,
): Promise<number | null> {
  const report = await windowReport(ctx, w);
  const save = { key: "", value: cursor };
  if (report.status === "CANCELLED") {
    await ctx.saveCursor(cursor);
    return null;
  }
  // Written by this run already (its message delivered again, or resumed):
  // the document is not downloaded again.
  const known = ctx.reportRead(report.reportId);
  if (typeof known === "number") return known;
  ctx.page();
  let written = 0;
  // One batch is held back so the last one carries the window's cursor.
  let held: ReturnRow[] | null = null;
  for await (
    const batch of tsvBatches(
      reportLines(reportDepsOf(ctx), report),
      ctx.settings.batchRows,
    )
  ) {
    const rows = rowsOf(ctx, report.reportId, batch);
    if (held) {
      const ready = held;
      await ctx.write((tx) => upsertReturns(tx, ready));
      written += ready.length;
    }
    held = rows;
  }
  const last = held ?? [];
  await ctx.write((tx) => upsertReturns(tx, last), save);
  ctx.markReportRead(report.reportId, written + last.length);
  return written + last.length;
}

export const returnsDataset: Dataset = {
  name: "returns",
  api: "sp-api",
  schedule: "41 4 * * *",
  async run(ctx) {
    const marketplaceIds = [...ctx.store.marketplaceIds].sort();
    const windows = returnWindows(
      ctx.now(),
      await ctx.cursor<ReturnsCursor>(),
      marketplaceIds,
      ctx.settings,
    );
    let written = 0;
    let cancelled = 0;
    for (const [i, w] of windows.entries()) {
      ctx.progress({
        step: `returns ${day(w.start)} to ${day(w.end)}`,
        done: i,
        total: windows.length,
      });
      const n = await syncWindow(ctx, w, {
        through: finalThrough(w, ctx.now()).toISOString(),
        marketplaceIds,
      });
      if (n === null) cancelled++;
      else written += n;
    }
    ctx.progress({ done: windows.length });
    if (written === 0 && windows.length) {
      const period = `${day(windows[0].start)} to ${day(windows.at(-1)!.end)}`;
      if (cancelled === windows.length) {
        ctx.empty(
          "report_cancelled",
          `Amazon cancelled the returns report(s) for ${period}: no data`,
        );
      } else ctx.empty("no_data_for_period", `no FBA returns ${period}`);
    }
  },
};
