// Buyer personal data for orders (Data Policy §8, §9; facts §4.2, §6.2):
// fetched only for orders that still need it, i.e. merchant-fulfilled
// orders that are payable and not delivered more than 30 days ago (the
// seller ships them, and answers for them, with this address; Amazon ships
// FBA orders itself). One getOrder with includedData=BUYER,RECIPIENT per
// such order (v2026 role-based access, no RDT), sealed by the vault and
// written only through upsertBuyerPii. Nothing here logs a value: a bad
// payload is reported by field names. Without the restricted role Amazon
// answers 403 or leaves the personal parts out; the run then goes on
// without buyer data, says so in its progress and asks again a day later.
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { buyerPii } from "../../../db/schema.ts";
import { SpApiError } from "../../amazon/sp_client.ts";
import {
  BUYER_PII_RETENTION_DAYS,
  type BuyerPiiInput,
  buyerPiiPayload,
} from "../../ingest/buyer_pii.ts";
import type { OrderRow } from "../../ingest/orders.ts";
import type { SyncContext } from "../dataset.ts";

const DAY = 86_400_000;
/** How long a missing role is believed before asking Amazon again. */
export const ROLE_RECHECK_MS = DAY;

/** Statuses in which the seller still fulfils, invoices or answers for the order. */
const PAYABLE = new Set([
  "Unshipped",
  "PartiallyShipped",
  "Shipped",
  "Delivered",
]);

/**
 * Whether an order needs its buyer's data at `now`: merchant-fulfilled,
 * payable (Amazon vends no address for pending or cancelled orders) and
 * within 30 days of delivery (or not delivered yet).
 */
export function needsBuyerData(o: OrderRow, now: Date): boolean {
  if (o.fulfillmentChannel !== "MFN" || !PAYABLE.has(o.status)) return false;
  if (!o.deliveredAt) return true;
  return new Date(o.deliveredAt).getTime() + BUYER_PII_RETENTION_DAYS * DAY >
    now.getTime();
}

const text = z.string().optional();
const piiAnswer = z.object({
  order: z.object({
    buyer: z.object({ buyerName: text, buyerEmail: text }).optional(),
    recipient: z.object({
      deliveryAddress: z.object({
        name: text,
        addressLine1: text,
        addressLine2: text,
        addressLine3: text,
        city: text,
        stateOrRegion: text,
        postalCode: text,
        countryCode: text,
        phone: text,
      }).optional(),
    }).optional(),
  }),
});

/** What one run knows about the restricted role. */
export interface PiiState {
  /** False once Amazon showed the role is missing (or it was, recently). */
  enabled: boolean;
  /** Set when this run found the role missing: saved in the cursor. */
  missingAt?: string;
  /** Answers with buyer data so far in this run. */
  served: number;
}

/** Orders whose buyer data was already collected after their last change. */
async function alreadyCollected(
  ctx: SyncContext,
  orders: readonly OrderRow[],
): Promise<Set<string>> {
  const ids = orders.map((o) => o.amazonOrderId);
  const rows = await ctx.db.asJob(
    ctx.store.storeId,
    (tx) =>
      tx.select({ id: buyerPii.amazonOrderId, at: buyerPii.collectedAt })
        .from(buyerPii).where(and(
          eq(buyerPii.storeId, ctx.store.storeId),
          inArray(buyerPii.amazonOrderId, ids),
        )),
  );
  const updated = new Map(
    orders.map((o) => [o.amazonOrderId, new Date(o.lastUpdatedAt).getTime()]),
  );
  return new Set(
    rows.filter((r) => r.at.getTime() >= (updated.get(r.id) ?? Infinity))
      .map((r) => r.id),
  );
}

function roleMissing(ctx: SyncContext, state: PiiState, why: string) {
  state.enabled = false;
  state.missingAt = ctx.now().toISOString();
  ctx.progress({
    step: `buyer data skipped: restricted role missing (${why})`,
  });
  ctx.log.warn("orders.buyer_data.role_missing", {
    storeId: ctx.store.storeId,
    reason: why,
  });
}

/**
 * Buyer data of the `orders` that need it and do not have it yet, as
 * BuyerPiiInput rows ready for upsertBuyerPii.
 */
export async function fetchBuyerData(
  ctx: SyncContext,
  orders: readonly { order: OrderRow; latestDeliveryAt: Date | null }[],
  state: PiiState,
): Promise<BuyerPiiInput[]> {
  if (!state.enabled) return [];
  const now = ctx.now();
  const wanted = orders.filter((o) => needsBuyerData(o.order, now));
  if (wanted.length === 0) return [];
  const have = await alreadyCollected(ctx, wanted.map((o) => o.order));
  const out: BuyerPiiInput[] = [];
  let withoutData = 0;
  for (const { order, latestDeliveryAt } of wanted) {
    if (have.has(order.amazonOrderId)) continue;
    let body: unknown;
    try {
      body = (await ctx.sp.call({
        storeId: ctx.store.storeId,
        region: ctx.store.region,
        operation: "getOrder",
        path: `/orders/2026-01-01/orders/${
          encodeURIComponent(order.amazonOrderId)
        }`,
        query: { includedData: ["BUYER", "RECIPIENT"] },
      })).body;
    } catch (err) {
      if (err instanceof SpApiError && err.status === 403) {
        roleMissing(ctx, state, `getOrder answered 403 ${err.code}`);
        return out;
      }
      throw err;
    }
    const parsed = piiAnswer.safeParse(body);
    const source = `getOrder ${order.amazonOrderId} buyer data`;
    if (!parsed.success) {
      ctx.badRow({ line: 1, source, reason: "answer is not a v2026 order" });
      continue;
    }
    const { buyer, recipient } = parsed.data.order;
    const a = recipient?.deliveryAddress;
    if (!buyer?.buyerName && !a?.name && !a?.addressLine1) {
      // Amazon leaves the personal parts out when the role is missing. Up
      // to three such answers (all of them, when fewer orders need data)
      // and none with buyer data tell that apart from a single order
      // Amazon no longer vends data for.
      ctx.skipped(1);
      if (state.served === 0 && ++withoutData >= 3) break;
      continue;
    }
    state.served++;
    const payload = Object.fromEntries(
      Object.entries({
        name: a?.name ?? buyer?.buyerName,
        email: buyer?.buyerEmail,
        addressLine1: a?.addressLine1,
        addressLine2: a?.addressLine2,
        addressLine3: a?.addressLine3,
        city: a?.city,
        stateOrRegion: a?.stateOrRegion,
        postalCode: a?.postalCode,
        countryCode: a?.countryCode ?? order.shipCountry ?? undefined,
        phone: a?.phone,
      }).filter(([, v]) => v !== undefined && v !== ""),
    );
    const checked = buyerPiiPayload.safeParse(payload);
    if (!checked.success) {
      // Field names only: the values are personal data.
      const fields = [
        ...new Set(checked.error.issues.map((i) => i.path.join("."))),
      ];
      ctx.badRow({
        line: 1,
        source,
        reason: `invalid buyer fields: ${fields.join(", ") || "payload"}`,
      });
      continue;
    }
    out.push({
      storeId: ctx.store.storeId,
      amazonOrderId: order.amazonOrderId,
      purpose: "fulfillment",
      collectedAt: now,
      deliveredAt: order.deliveredAt ? new Date(order.deliveredAt) : null,
      latestDeliveryAt,
      payload: checked.data,
    });
  }
  if (state.served === 0 && withoutData > 0) {
    roleMissing(ctx, state, "answers carry no buyer data");
  }
  return out;
}
