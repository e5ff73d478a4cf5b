// Data Policy §6 and §8: the orders export. Same filters as the page, read
// in keyset batches (lib/orders/list.ts walkOrders) and written out batch by
// batch, so a million rows never sit in memory; bounded by the person's
// stores (row-level security); formula-safe and credential-free cells
// (lib/csv.ts). Buyer personal data columns only with `pii.export` and a
// typed reason. A per-person rate limit holds, nothing runs while exports
// are frozen, and every export is audited with its filters and row count
// once the stream ends (a buyer-data export also before its first row).
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { csvLine, pulledBatches } from "../csv.ts";
import {
  BUYER_PII_PURPOSE,
  type BuyerPiiPayload,
  buyerPiiPayload,
} from "../ingest/buyer_pii.ts";
import { recordAudit, type RequestMeta } from "../security/audit.ts";
import {
  DEFAULT_EXPORT_LIMIT,
  type ExportLimitPolicy,
  takeExport,
} from "../security/export_limit.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import type { Vault } from "../security/vault.ts";
import { exportsFrozen } from "../settings.ts";
import { BUYER_FIELDS, piiReason } from "./buyer.ts";
import { canaryTouchTx } from "../incidents/canary.ts";
import { type OrderFilter, type OrderListRow, walkOrders } from "./list.ts";

const COLUMNS = [
  "store_id",
  "amazon_order_id",
  "merchant_order_id",
  "marketplace_id",
  "purchased_at_utc",
  "status",
  "fulfillment_channel",
  "sales_channel",
  "order_total",
  "currency",
  "units",
  "skus",
  "asins",
  "is_business",
  "is_prime",
  "ship_country",
  "shipped_at_utc",
  "delivered_at_utc",
] as const;

const PII_COLUMNS = BUYER_FIELDS.map((f) =>
  `buyer_${f.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`)}`
);

/** Why an export may not start. */
export type ExportRefusal =
  | "forbidden"
  | "reason"
  | "frozen"
  | "rate_limited";

export class ExportError extends Error {
  constructor(readonly code: ExportRefusal, readonly retryAfterMs = 0) {
    super(code);
  }
}

export interface ExportDeps {
  db: Database;
  kv: Deno.Kv;
  vault: Vault;
  limit?: ExportLimitPolicy;
}

export interface OrderExportRequest {
  filter: OrderFilter;
  /** The filters as the URL said them, for the audit record. */
  describe: Record<string, string>;
  /** Include buyer personal data (needs pii.export and a reason). */
  pii?: { reason: string };
}

const EXTRA = sql`, o.merchant_order_id, o.sales_channel, o.is_business,
  o.is_prime, o.ship_country::text as ship_country, o.shipped_at,
  o.delivered_at,
  (select string_agg(distinct i.sku, ' ') from order_items i
    where i.store_id = o.store_id and i.amazon_order_id = o.amazon_order_id)
    as skus,
  (select string_agg(distinct i.asin, ' ') from order_items i
    where i.store_id = o.store_id and i.amazon_order_id = o.amazon_order_id)
    as asins`;
const PII_EXTRA = sql`${EXTRA}, (select b.payload_jwe from buyer_pii b
    where b.store_id = o.store_id and b.amazon_order_id = o.amazon_order_id)
    as payload_jwe`;

interface ExtraRow extends Record<string, unknown> {
  merchant_order_id: string | null;
  sales_channel: string | null;
  is_business: boolean;
  is_prime: boolean;
  ship_country: string | null;
  shipped_at: string | Date | null;
  delivered_at: string | Date | null;
  skus: string | null;
  asins: string | null;
  payload_jwe?: string | null;
}

const iso = (v: string | Date | null) =>
  v === null ? null : (v instanceof Date ? v : new Date(v)).toISOString();

/**
 * Checks that the export may start — rate limit, freeze, permission and
 * reason — and returns its CSV as chunks (the header, then one chunk per
 * batch). The audit record is written when the chunks are exhausted, with
 * the row count, or with the count so far when the reader stops early.
 *
 * @example
 * const csv = await exportOrdersCsv(deps, principal, { filter, describe }, meta);
 * return stream(c, async (out) => { for await (const s of csv) await out.write(s); });
 */
export async function exportOrdersCsv(
  deps: ExportDeps,
  principal: StaffPrincipal,
  request: OrderExportRequest,
  meta: RequestMeta,
): Promise<AsyncIterable<string>> {
  const { db } = deps;
  const withPii = request.pii !== undefined;
  let reason: string | null = null;
  const refuse = async (code: ExportRefusal, retryAfterMs = 0) => {
    await recordAudit(db, principal, {
      actorType: "staff",
      actorId: principal.userId,
      action: "export.csv",
      target: "orders",
      outcome: "denied",
      ...meta,
      details: { filter: request.describe, pii: withPii, refused: code },
    });
    return new ExportError(code, retryAfterMs);
  };
  // An export is a copy of a list: it needs the list's own permission too.
  if (
    !principal.permissions.has("export.csv") ||
    !principal.permissions.has("orders.read")
  ) throw await refuse("forbidden");
  if (withPii) {
    if (!principal.permissions.has("pii.export")) {
      throw await refuse("forbidden");
    }
    const parsed = piiReason.safeParse(request.pii!.reason);
    if (!parsed.success) throw new ExportError("reason");
    reason = parsed.data;
  }
  if (await exportsFrozen(db, principal)) throw await refuse("frozen");
  const wait = await takeExport(
    deps.kv,
    principal.userId,
    deps.limit ?? DEFAULT_EXPORT_LIMIT,
  );
  if (wait > 0) throw await refuse("rate_limited", wait);
  const details = {
    filter: request.describe,
    pii: withPii,
    ...(reason ? { reason } : {}),
  };
  if (withPii) {
    // Buyer data is about to leave: recorded before the first row too.
    await recordAudit(db, principal, {
      actorType: "staff",
      actorId: principal.userId,
      action: "export.csv.started",
      target: "orders",
      outcome: "success",
      ...meta,
      details,
    });
  }
  return (async function* () {
    let rows = 0;
    let done = false;
    try {
      yield csvLine(withPii ? [...COLUMNS, ...PII_COLUMNS] : [...COLUMNS]);
      yield* pulledBatches<Parameters<typeof lineOf>[1]>(
        (onBatch) =>
          walkOrders<ExtraRow>(db, principal, request.filter, {
            oneTransaction: db.engine === "postgres",
            extra: withPii ? PII_EXTRA : EXTRA,
            onBatch,
          }),
        async (batch) => {
          if (withPii) await touchCanaries(db, principal, batch);
          const lines: string[] = [];
          for (const r of batch) {
            lines.push(await lineOf(deps.vault, r, withPii));
          }
          return lines.join("");
        },
        (n) => rows += n,
      );
      done = true;
    } finally {
      await recordAudit(db, principal, {
        actorType: "staff",
        actorId: principal.userId,
        action: "export.csv",
        target: "orders",
        outcome: done ? "success" : "failure",
        ...meta,
        details: { ...details, rows, complete: done },
      });
    }
  })();
}

/**
 * A buyer-data export that includes a canary order opens its incident
 * before the batch leaves (lib/incidents/canary.ts).
 */
async function touchCanaries(
  db: Database,
  principal: StaffPrincipal,
  batch: readonly { storeId: string; amazonOrderId: string }[],
): Promise<void> {
  const byStore = Map.groupBy(batch, (r) => r.storeId);
  await db.asUser(principal, async (tx) => {
    for (const [storeId, rows] of byStore) {
      await canaryTouchTx(
        tx,
        storeId,
        rows.map((r) => r.amazonOrderId),
        "export",
        new Date(),
        [{
          label: "export.csv",
          href: `/audit?action=export.csv&actor=${principal.userId}`,
        }],
      );
    }
  });
}

/** One order as a CSV line (buyer data opened from the vault when asked). */
async function lineOf(
  vault: Vault,
  r: OrderListRow & { raw: ExtraRow },
  withPii: boolean,
): Promise<string> {
  const x = r.raw;
  const cells: (string | number | boolean | null)[] = [
    r.storeId,
    r.amazonOrderId,
    x.merchant_order_id,
    r.marketplaceId,
    r.purchasedAt.toISOString(),
    r.status,
    r.fulfillmentChannel,
    x.sales_channel,
    r.orderTotal,
    r.currency,
    r.units,
    x.skus,
    x.asins,
    x.is_business,
    x.is_prime,
    x.ship_country?.trim() ?? null,
    iso(x.shipped_at),
    iso(x.delivered_at),
  ];
  if (withPii) {
    const values: Partial<BuyerPiiPayload> = x.payload_jwe
      ? buyerPiiPayload.parse(
        JSON.parse(await vault.open(x.payload_jwe, BUYER_PII_PURPOSE)),
      )
      : {};
    for (const f of BUYER_FIELDS) cells.push(values[f] ?? null);
  }
  return csvLine(cells);
}
