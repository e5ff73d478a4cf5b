// Settlements (Data Policy §3: settlement and finance data): the V2
// settlement flat files (GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2) that
// Amazon generates on its own at the end of each settlement period; they
// cannot be requested, only found with getReports (facts §4.8). Each new
// report is downloaded and streamed: the first data row is the settlement's
// summary (`settlements`), every later row one amount component
// (`settlement_lines`, numbered from 1 in file order, the file having no
// line id). Dates are ISO or, in some EU files, `dd.mm.yyyy HH:MM:SS UTC`.
// The last batch of a report is written together with the cursor (the
// createdTime of the newest report done and the ids done at that instant),
// so a crash re-reads at most the report it was in, and nothing twice.
import { z } from "zod";
import { reportLines, tsvBatches } from "../../amazon/reports.ts";
import { paginate } from "../../amazon/sp_client.ts";
import {
  type SettlementLineRow,
  type SettlementRow,
  upsertSettlementLines,
  upsertSettlements,
} from "../../ingest/finance.ts";
import { addResult } from "../../ingest/_upsert.ts";
import { formatMinor, parseMinor } from "../../ingest/money.ts";
import type { Dataset, SyncContext } from "../dataset.ts";
import { reportDepsOf } from "../reports.ts";
import { issueText } from "../validate.ts";

const DAY = 86_400_000;
export const SETTLEMENT_REPORT_TYPE =
  "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2";
/** Amazon keeps reports 90 days; createdSince may not reach further back. */
const RETENTION_MS = 90 * DAY - 3_600_000;

/** The store-level cursor. */
export interface SettlementsCursor {
  /** createdTime of the newest report processed (ISO), or null. */
  createdSince: string | null;
  /** The reports processed that were created exactly at `createdSince`. */
  ids?: string[];
}

interface ReportMeta {
  reportId: string;
  createdTime: string;
  reportDocumentId?: string;
  processingStatus: string;
}

const reportMeta = z.object({
  reportId: z.string().min(1),
  createdTime: z.string(),
  reportDocumentId: z.string().optional(),
  processingStatus: z.string(),
});

/**
 * An instant as settlement files write it: ISO 8601 (`T` or a space, an
 * offset, `Z` or `UTC`) or EU style `dd.mm.yyyy[ HH:MM[:SS]][ UTC]`; a
 * date alone is midnight UTC. Null when unreadable.
 */
export function parseSettlementDate(text: string): Date | null {
  const s = text.trim();
  const m =
    /^(?:(\d{4})-(\d\d)-(\d\d)|(\d\d)\.(\d\d)\.(\d{4}))(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,3})\d*)?)?)?\s*(Z|UTC|GMT|[+-]\d\d:?\d\d)?$/i
      .exec(s);
  if (!m) return null;
  const [year, month, day] = m[1] ? [m[1], m[2], m[3]] : [m[6], m[5], m[4]];
  let ms = Date.UTC(
    +year,
    +month - 1,
    +day,
    +(m[7] ?? 0),
    +(m[8] ?? 0),
    +(m[9] ?? 0),
    +(m[10] ?? "0").padEnd(3, "0"),
  );
  const zone = m[11]?.toUpperCase();
  if (zone && zone !== "Z" && zone !== "UTC" && zone !== "GMT") {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    ms -= sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60_000;
  }
  const d = new Date(ms);
  // Date.UTC rolls 31.02 over into March: such a date is not a date.
  return d.getUTCDate() === +day && d.getUTCMonth() === +month - 1 ? d : null;
}

const date = z.string().transform((v, c) => {
  const d = parseSettlementDate(v);
  if (!d) {
    c.addIssue({ code: "custom", message: "not a date" });
    return z.NEVER;
  }
  return d;
});
const optionalDate = z.string().optional().transform((v, c) => {
  if (!v?.trim()) return null;
  const d = parseSettlementDate(v);
  if (!d) {
    c.addIssue({ code: "custom", message: "not a date" });
    return z.NEVER;
  }
  return d;
});
/** A decimal amount; some EU files write a decimal comma. */
const decimalText = z.string().trim().transform((v) => v.replace(",", "."))
  .pipe(z.string().regex(/^-?\d+(\.\d+)?$/, "not a decimal amount"));
/** An optional text column: empty or missing is null. */
const text = z.string().optional().transform((v) => v?.trim() || null);

const summaryRow = z.object({
  "settlement-id": z.string().trim().min(1),
  "settlement-start-date": date,
  "settlement-end-date": date,
  "deposit-date": optionalDate,
  "total-amount": decimalText,
  currency: z.string().trim().regex(/^[A-Z]{3}$/, "not a currency code"),
});

const lineRow = z.object({
  "transaction-type": z.string().trim().min(1),
  "order-id": text,
  "merchant-order-id": text,
  "adjustment-id": text,
  "shipment-id": text,
  "marketplace-name": text,
  "amount-type": z.string().trim().min(1),
  "amount-description": z.string().trim(),
  amount: decimalText,
  "fulfillment-id": text,
  "posted-date": optionalDate,
  "posted-date-time": optionalDate,
  "order-item-code": text,
  sku: text,
  "quantity-purchased": z.string().default("").pipe(
    z.string().trim().regex(/^-?\d*$/, "not a quantity"),
  ).transform((v) => (v === "" ? null : Number(v))),
  "promotion-id": text,
});

/** A decimal string in the currency's precision, or an error text. */
function money(amount: string, currency: string): string | Error {
  try {
    return formatMinor(parseMinor(amount, currency), currency);
  } catch (err) {
    return err as Error;
  }
}

/** Settlement reports created since the cursor, oldest first. */
async function newReports(
  ctx: SyncContext,
  cursor: SettlementsCursor | null,
): Promise<ReportMeta[]> {
  const floor = ctx.now().getTime() - RETENTION_MS;
  const since = cursor?.createdSince
    ? Math.max(Date.parse(cursor.createdSince), floor)
    : floor;
  const done = new Set(cursor?.ids ?? []);
  const out: ReportMeta[] = [];
  for await (
    const page of paginate<{ reports?: unknown[]; nextToken?: string }>(
      ctx.sp,
      {
        storeId: ctx.store.storeId,
        region: ctx.store.region,
        operation: "getReports",
        path: "/reports/2021-06-30/reports",
        query: {
          reportTypes: [SETTLEMENT_REPORT_TYPE],
          processingStatuses: ["DONE"],
          pageSize: "100",
          createdSince: new Date(since).toISOString(),
        },
      },
      // Amazon wants a nextToken alone (facts §4.8).
      { next: (b) => b.nextToken, tokenParam: "nextToken", onlyToken: true },
    )
  ) {
    ctx.page();
    for (const raw of page.body.reports ?? []) {
      const r = reportMeta.safeParse(raw);
      if (!r.success || !r.data.reportDocumentId) continue;
      const at = Date.parse(r.data.createdTime);
      if (Number.isNaN(at) || at < since) continue;
      if (cursor?.createdSince && at === since && done.has(r.data.reportId)) {
        continue;
      }
      out.push(r.data);
    }
  }
  return out.sort((a, b) =>
    Date.parse(a.createdTime) - Date.parse(b.createdTime) ||
    (a.reportId < b.reportId ? -1 : a.reportId > b.reportId ? 1 : 0)
  );
}

/** The cursor after `r`, given the one before. */
function advance(
  cursor: SettlementsCursor | null,
  r: ReportMeta,
): SettlementsCursor {
  const at = new Date(Date.parse(r.createdTime)).toISOString();
  const same = cursor?.createdSince &&
    Date.parse(cursor.createdSince) === Date.parse(at);
  return {
    createdSince: at,
    ids: same ? [...(cursor!.ids ?? []), r.reportId] : [r.reportId],
  };
}

/** Reads one settlement report; its last batch carries `next`. Returns rows written. */
async function syncReport(
  ctx: SyncContext,
  r: ReportMeta,
  next: SettlementsCursor,
): Promise<number> {
  const deps = reportDepsOf(ctx);
  const source = `${SETTLEMENT_REPORT_TYPE} ${r.reportId}`;
  const storeId = ctx.store.storeId;
  let header: SettlementRow | null = null;
  let headerLine = 0;
  let broken = false;
  let pending: SettlementLineRow[] = [];
  let lines = 0;
  const flush = async (last: boolean) => {
    const rows = pending;
    pending = [];
    const head = last && header ? [header] : [];
    if (!rows.length && !head.length && !last) return;
    await ctx.write(async (tx) => {
      const out = await upsertSettlementLines(tx, rows);
      return addResult(out, await upsertSettlements(tx, head));
    }, last ? { value: next } : undefined);
    lines += rows.length;
  };
  // Written by this run already (its message delivered again, or resumed):
  // the document is not downloaded again.
  const known = ctx.reportRead(r.reportId);
  if (typeof known === "number") return known;
  ctx.page();
  for await (
    const batch of tsvBatches(
      reportLines(deps, { reportDocumentId: r.reportDocumentId! }),
      ctx.settings.batchRows,
    )
  ) {
    for (const { line, cells } of batch) {
      if (broken) {
        ctx.skipped(1);
        continue;
      }
      if (header === null) {
        // The first data row is the settlement's summary.
        const s = summaryRow.safeParse(cells);
        const total = s.success
          ? money(s.data["total-amount"], s.data.currency)
          : null;
        if (!s.success || total instanceof Error) {
          ctx.badRow({
            line,
            source,
            reason: s.success
              ? `total-amount: ${(total as Error).message}`
              : `summary row: ${issueText(s.error)}`,
          });
          broken = true; // without its summary no line can be attributed
          continue;
        }
        headerLine = line;
        header = {
          storeId,
          settlementId: s.data["settlement-id"],
          startsAt: s.data["settlement-start-date"],
          endsAt: s.data["settlement-end-date"],
          depositAt: s.data["deposit-date"],
          totalAmount: total!,
          currency: s.data.currency,
          reportDocumentId: r.reportDocumentId!,
        };
        continue;
      }
      const p = lineRow.safeParse(cells);
      const amount = p.success ? money(p.data.amount, header.currency) : null;
      if (!p.success || amount instanceof Error) {
        ctx.badRow({
          line,
          source,
          reason: p.success
            ? `amount: ${(amount as Error).message}`
            : issueText(p.error),
        });
        continue;
      }
      const l = p.data;
      pending.push({
        storeId,
        settlementId: header.settlementId,
        // Position after the summary: stable as long as the file is.
        lineNo: line - headerLine,
        transactionType: l["transaction-type"],
        amazonOrderId: l["order-id"],
        merchantOrderId: l["merchant-order-id"],
        adjustmentId: l["adjustment-id"],
        shipmentId: l["shipment-id"],
        marketplaceName: l["marketplace-name"],
        amountType: l["amount-type"],
        amountDescription: l["amount-description"],
        amount: amount!,
        currency: header.currency,
        fulfillmentId: l["fulfillment-id"],
        postedAt: l["posted-date-time"] ?? l["posted-date"],
        orderItemCode: l["order-item-code"],
        sku: l.sku,
        quantityPurchased: l["quantity-purchased"],
        promotionId: l["promotion-id"],
      });
    }
    if (pending.length >= ctx.settings.batchRows) await flush(false);
  }
  await flush(true);
  const written = lines + (header ? 1 : 0);
  ctx.markReportRead(r.reportId, written);
  return written;
}

export const settlementsDataset: Dataset = {
  name: "settlements",
  api: "sp-api",
  schedule: "50 6 * * *",
  async run(ctx) {
    let cursor = await ctx.cursor<SettlementsCursor>();
    const reports = await newReports(ctx, cursor);
    let rows = 0;
    for (const [i, r] of reports.entries()) {
      ctx.progress({
        step: `report ${r.reportId}`,
        done: i,
        total: reports.length,
      });
      const next = advance(cursor, r);
      rows += await syncReport(ctx, r, next);
      cursor = next;
    }
    ctx.progress({ done: reports.length, total: reports.length });
    if (rows === 0) {
      ctx.empty(
        "no_data_for_period",
        `no new settlement report since ${
          cursor?.createdSince ?? "the last 90 days"
        }`,
      );
    }
  },
};
