// Financial events (Data Policy §3: settlement and finance data) through
// Finances v0: the events posted in a time window, read per financial event
// group (listFinancialEventGroups, then listFinancialEventsByGroupId with
// PostedAfter/PostedBefore) because the events themselves do not name their
// group. Windows of WINDOW_DAYS run from the cursor (a PostedAfter
// high-water mark, re-read OVERLAP_MS earlier for events Amazon posts late)
// to 3 minutes before now (Amazon wants PostedBefore at least 2 minutes
// old); the cursor moves to a window's end once all its events are written,
// so a crash re-reads at most one window and upserts make that harmless.
//
// v0 events carry no id: shipments, refunds, guarantee claims and
// chargebacks are keyed `SHP-`/`RFD-`/`GCL-`/`CHB-` + AmazonOrderId; a later
// event of the same kind and order posted at another time (a split
// shipment) gets `@<posted time>` appended. ServiceFeeEvent has neither id
// nor date in the model: it is keyed by its group and a hash of its
// content, and dated at its group's start. Other event lists are counted
// as skipped.
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "../../../db/client.ts";
import { financialEvents } from "../../../db/schema.ts";
import { paginate } from "../../amazon/sp_client.ts";
import { addResult } from "../../ingest/_upsert.ts";
import {
  type FeeRow,
  type FinancialEventRow,
  upsertFees,
  upsertFinancialEvents,
} from "../../ingest/finance.ts";
import { formatMinor, minorDigits } from "../../ingest/money.ts";
import type { Dataset, SyncContext } from "../dataset.ts";
import { issueText } from "../validate.ts";

const DAY = 86_400_000;
/** Days per window: one cursor step. */
export const WINDOW_DAYS = 30;
/** Re-read before the high-water mark (events posted late [U]). */
export const OVERLAP_MS = DAY;
/** PostedBefore must be at least 2 minutes old; keep a margin. */
const SETTLE_MS = 3 * 60_000;
/** listFinancialEventGroups spans at most 180 days. */
const GROUP_SPAN_MS = 179 * DAY;

/** The store-level cursor (the seed's shape). */
export interface FinancialEventsCursor {
  /** Every event posted before this instant is stored (ISO). */
  postedAfter: string;
}

const instant = z.iso.datetime({ offset: true });
const amount = z.object({
  CurrencyCode: z.string().length(3),
  CurrencyAmount: z.number(),
});
const charge = z.object({
  ChargeType: z.string().optional(),
  ChargeAmount: amount,
});
const fee = z.object({ FeeType: z.string().min(1), FeeAmount: amount });
const promotion = z.object({ PromotionAmount: amount });
const charges = z.array(charge).optional();
const fees = z.array(fee).optional();
const promotions = z.array(promotion).optional();
const item = z.object({
  SellerSKU: z.string().optional(),
  ItemChargeList: charges,
  ItemChargeAdjustmentList: charges,
  ItemFeeList: fees,
  ItemFeeAdjustmentList: fees,
  ItemTaxWithheldList: z.array(
    z.object({ TaxesWithheld: z.array(charge).default([]) }),
  ).optional(),
  PromotionList: promotions,
  PromotionAdjustmentList: promotions,
});
/** ShipmentEvent, the model's shape of shipments, refunds, claims, chargebacks. */
const shipmentEvent = z.object({
  AmazonOrderId: z.string().min(1),
  PostedDate: instant,
  ShipmentItemList: z.array(item).optional(),
  ShipmentItemAdjustmentList: z.array(item).optional(),
  OrderChargeList: charges,
  OrderChargeAdjustmentList: charges,
  ShipmentFeeList: fees,
  ShipmentFeeAdjustmentList: fees,
  OrderFeeList: fees,
  OrderFeeAdjustmentList: fees,
});
const serviceFeeEvent = z.object({
  AmazonOrderId: z.string().optional(),
  FeeReason: z.string().optional(),
  FeeDescription: z.string().optional(),
  SellerSKU: z.string().optional(),
  FeeList: z.array(fee).default([]),
});
const group = z.object({
  FinancialEventGroupId: z.string().min(1),
  FinancialEventGroupStart: instant,
  FinancialEventGroupEnd: instant.optional(),
});
type Group = z.infer<typeof group>;

/** The ShipmentEvent-shaped lists: id prefix and description. */
const ORDER_EVENTS: Record<string, { prefix: string; description: string }> = {
  ShipmentEventList: { prefix: "SHP", description: "Order shipment" },
  RefundEventList: { prefix: "RFD", description: "Customer return refund" },
  GuaranteeClaimEventList: {
    prefix: "GCL",
    description: "A-to-z guarantee claim",
  },
  ChargebackEventList: { prefix: "CHB", description: "Chargeback" },
};

type Money = z.infer<typeof amount>;
type FeeLine = Omit<FeeRow, "storeId" | "eventId" | "lineNo">;
interface Parsed {
  event: FinancialEventRow;
  fees: FeeLine[];
  /** Keyed by order: may need `@time` when the key is taken (claimIds). */
  byOrder: boolean;
}

/** Sums amounts in minor units; the first currency seen is the event's. */
class Sum {
  currency: string | null = null;
  minor = 0;
  add(m: Money): string {
    this.currency ??= m.CurrencyCode;
    const minor = Math.round(
      m.CurrencyAmount * 10 ** minorDigits(m.CurrencyCode),
    );
    this.minor += minor;
    return formatMinor(minor, m.CurrencyCode);
  }
}

/** FNV-1a, 32 bits, hex: a short stable key for a service fee's content. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

function orderEvent(
  storeId: string,
  list: string,
  raw: z.infer<typeof shipmentEvent>,
  groupId: string,
): Parsed | string {
  const kind = ORDER_EVENTS[list];
  const postedAt = new Date(raw.PostedDate);
  const sum = new Sum();
  const out: FeeLine[] = [];
  const addFees = (
    list: readonly z.infer<typeof fee>[],
    sku: string | null,
  ) => {
    for (const f of list) {
      out.push({
        feeType: f.FeeType,
        amazonOrderId: raw.AmazonOrderId,
        sku,
        postedAt,
        amount: sum.add(f.FeeAmount),
        currency: f.FeeAmount.CurrencyCode,
      });
    }
  };
  const items = raw.ShipmentItemList ?? raw.ShipmentItemAdjustmentList ?? [];
  for (const it of items) {
    for (const c of it.ItemChargeList ?? it.ItemChargeAdjustmentList ?? []) {
      sum.add(c.ChargeAmount);
    }
    addFees(
      it.ItemFeeList ?? it.ItemFeeAdjustmentList ?? [],
      it.SellerSKU ?? null,
    );
    for (const w of it.ItemTaxWithheldList ?? []) {
      for (const t of w.TaxesWithheld) sum.add(t.ChargeAmount);
    }
    for (const p of it.PromotionList ?? it.PromotionAdjustmentList ?? []) {
      sum.add(p.PromotionAmount);
    }
  }
  for (
    const c of [
      ...raw.OrderChargeList ?? [],
      ...raw.OrderChargeAdjustmentList ?? [],
    ]
  ) {
    sum.add(c.ChargeAmount);
  }
  addFees([
    ...raw.ShipmentFeeList ?? [],
    ...raw.ShipmentFeeAdjustmentList ?? [],
    ...raw.OrderFeeList ?? [],
    ...raw.OrderFeeAdjustmentList ?? [],
  ], null);
  if (sum.currency === null) return "the event has no amounts";
  return {
    event: {
      storeId,
      eventId: `${kind.prefix}-${raw.AmazonOrderId}`,
      eventType: list.replace(/List$/, ""),
      postedAt,
      eventGroupId: groupId,
      amazonOrderId: raw.AmazonOrderId,
      sku: items[0]?.SellerSKU ?? null,
      description: kind.description,
      amount: formatMinor(sum.minor, sum.currency),
      currency: sum.currency,
    },
    fees: out,
    byOrder: true,
  };
}

function serviceFee(
  storeId: string,
  raw: z.infer<typeof serviceFeeEvent>,
  g: Group,
  seen: Map<string, number>,
): Parsed | string {
  const postedAt = new Date(g.FinancialEventGroupStart);
  const sum = new Sum();
  const out: FeeLine[] = raw.FeeList.map((f) => ({
    feeType: f.FeeType,
    amazonOrderId: raw.AmazonOrderId ?? null,
    sku: raw.SellerSKU ?? null,
    postedAt,
    amount: sum.add(f.FeeAmount),
    currency: f.FeeAmount.CurrencyCode,
  }));
  if (sum.currency === null) return "the service fee has no amounts";
  const key = `SVC-${g.FinancialEventGroupId}-${fnv1a(JSON.stringify(raw))}`;
  const n = (seen.get(key) ?? 0) + 1; // identical fees in one group
  seen.set(key, n);
  return {
    event: {
      storeId,
      eventId: n === 1 ? key : `${key}-${n}`,
      eventType: "ServiceFeeEvent",
      postedAt,
      eventGroupId: g.FinancialEventGroupId,
      amazonOrderId: raw.AmazonOrderId ?? null,
      sku: raw.SellerSKU ?? null,
      description: raw.FeeDescription ?? raw.FeeReason ?? null,
      amount: formatMinor(sum.minor, sum.currency),
      currency: sum.currency,
    },
    fees: out,
    byOrder: false,
  };
}

/**
 * Gives each order event its key unless an event of another posted time
 * already holds it (stored, or earlier in this batch): that one keeps it.
 */
async function claimIds(tx: Tx, storeId: string, parsed: Parsed[]) {
  const keyed = parsed.filter((p) => p.byOrder).sort((a, b) =>
    a.event.postedAt.valueOf() - b.event.postedAt.valueOf()
  );
  if (!keyed.length) return;
  const ids = [...new Set(keyed.map((p) => p.event.eventId))];
  const stored = await tx.select({
    id: financialEvents.eventId,
    postedAt: financialEvents.postedAt,
  }).from(financialEvents).where(and(
    eq(financialEvents.storeId, storeId),
    inArray(financialEvents.eventId, ids),
  ));
  const holder = new Map(stored.map((r) => [r.id, r.postedAt.getTime()]));
  for (const p of keyed) {
    const t = new Date(p.event.postedAt).getTime();
    const held = holder.get(p.event.eventId);
    if (held === undefined) holder.set(p.event.eventId, t);
    else if (held !== t) {
      p.event.eventId = `${p.event.eventId}@${new Date(t).toISOString()}`;
    }
  }
}

/** The groups whose events may have been posted in [from, to). */
async function groupsOverlapping(
  ctx: SyncContext,
  from: number,
  to: number,
): Promise<Group[]> {
  const out: Group[] = [];
  for await (
    const page of paginate<{
      payload?: { FinancialEventGroupList?: unknown[]; NextToken?: string };
    }>(ctx.sp, {
      storeId: ctx.store.storeId,
      region: ctx.store.region,
      operation: "listFinancialEventGroups",
      path: "/finances/v0/financialEventGroups",
      query: {
        MaxResultsPerPage: "100",
        FinancialEventGroupStartedAfter: new Date(to - GROUP_SPAN_MS)
          .toISOString(),
        FinancialEventGroupStartedBefore: new Date(to).toISOString(),
      },
    }, { next: (b) => b.payload?.NextToken, tokenParam: "NextToken" })
  ) {
    ctx.page();
    const list = page.body.payload?.FinancialEventGroupList ?? [];
    for (const [i, raw] of list.entries()) {
      const g = group.safeParse(raw);
      if (!g.success) {
        // A group that cannot be dated cannot be windowed: shown, not guessed.
        ctx.badRow({
          line: i + 1,
          source: "listFinancialEventGroups",
          reason: issueText(g.error),
        });
        continue;
      }
      const end = g.data.FinancialEventGroupEnd;
      // A margin of a day past the group's end for events posted as it closed.
      if (!end || Date.parse(end) + DAY >= from) out.push(g.data);
    }
  }
  return out;
}

/** Reads one group's events posted in [from, to); returns rows written. */
async function syncGroup(
  ctx: SyncContext,
  g: Group,
  from: number,
  to: number,
  unsupported: Map<string, number>,
): Promise<number> {
  const storeId = ctx.store.storeId;
  const seen = new Map<string, number>();
  let rows = 0;
  let n = 0;
  for await (
    const page of paginate<{
      payload?: {
        FinancialEvents?: Record<string, unknown>;
        NextToken?: string;
      };
    }>(ctx.sp, {
      storeId,
      region: ctx.store.region,
      operation: "listFinancialEventsByGroupId",
      path: `/finances/v0/financialEventGroups/${
        encodeURIComponent(g.FinancialEventGroupId)
      }/financialEvents`,
      query: {
        MaxResultsPerPage: "100",
        PostedAfter: new Date(from).toISOString(),
        PostedBefore: new Date(to).toISOString(),
      },
    }, { next: (b) => b.payload?.NextToken, tokenParam: "NextToken" })
  ) {
    ctx.page();
    const source =
      `listFinancialEventsByGroupId ${g.FinancialEventGroupId} page ${++n}`;
    const parsed: Parsed[] = [];
    let position = 0;
    for (
      const [list, events] of Object.entries(
        page.body.payload?.FinancialEvents ?? {},
      )
    ) {
      if (!Array.isArray(events)) continue;
      const known = list in ORDER_EVENTS || list === "ServiceFeeEventList";
      if (!known) {
        position += events.length;
        if (events.length) {
          ctx.skipped(events.length);
          unsupported.set(list, (unsupported.get(list) ?? 0) + events.length);
        }
        continue;
      }
      for (const raw of events) {
        const line = ++position;
        let result: Parsed | string;
        if (list === "ServiceFeeEventList") {
          const e = serviceFeeEvent.safeParse(raw);
          result = e.success
            ? serviceFee(storeId, e.data, g, seen)
            : `${list}: ${issueText(e.error)}`;
        } else {
          const e = shipmentEvent.safeParse(raw);
          result = e.success
            ? orderEvent(storeId, list, e.data, g.FinancialEventGroupId)
            : `${list}: ${issueText(e.error)}`;
        }
        if (typeof result === "string") {
          ctx.badRow({ line, source, reason: result });
        } else parsed.push(result);
      }
    }
    if (!parsed.length) continue;
    await ctx.write(async (tx) => {
      await claimIds(tx, storeId, parsed);
      const result = await upsertFinancialEvents(
        tx,
        parsed.map((p) => p.event),
      );
      return addResult(
        result,
        await upsertFees(
          tx,
          parsed.flatMap((p) =>
            p.fees.map((f, i) => ({
              ...f,
              storeId,
              eventId: p.event.eventId,
              lineNo: i + 1,
            }))
          ),
        ),
      );
    });
    rows += parsed.length;
  }
  return rows;
}

export const financialEventsDataset: Dataset = {
  name: "financial_events",
  api: "sp-api",
  schedule: "35 * * * *",
  async run(ctx) {
    const saved = await ctx.cursor<FinancialEventsCursor>();
    const now = ctx.now().getTime();
    const until = now - SETTLE_MS;
    const from = saved?.postedAfter
      ? Date.parse(saved.postedAfter) - OVERLAP_MS
      : now - ctx.settings.backfillDays * DAY;
    const total = Math.max(1, Math.ceil((until - from) / (WINDOW_DAYS * DAY)));
    let rows = 0;
    let done = 0;
    const unsupported = new Map<string, number>();
    for (let start = from; start < until; done++) {
      const end = Math.min(start + WINDOW_DAYS * DAY, until);
      ctx.progress({
        step: `posted ${new Date(start).toISOString().slice(0, 10)}`,
        done,
        total,
      });
      for (const g of await groupsOverlapping(ctx, start, end)) {
        rows += await syncGroup(ctx, g, start, end, unsupported);
      }
      await ctx.saveCursor({ postedAfter: new Date(end).toISOString() });
      start = end;
    }
    ctx.progress({ done: total, total });
    if (unsupported.size) {
      ctx.log.info("financial_events.lists_skipped", {
        storeId: ctx.store.storeId,
        lists: Object.fromEntries(unsupported),
      });
    }
    if (rows === 0) {
      ctx.empty(
        "no_data_for_period",
        `no financial events posted from ${new Date(from).toISOString()} to ${
          new Date(until).toISOString()
        }`,
      );
    }
  },
};
