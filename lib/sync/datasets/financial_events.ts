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
// Every event list of the model is stored (KNOWN_EVENT_LISTS; issue #12:
// reconciliation and profit need them all), each event with the object
// Amazon sent (`raw`) and its net amount. v0 events carry no id:
// shipments, shipment settlements, refunds, guarantee claims and
// chargebacks are keyed `SHP-`/`SST-`/`RFD-`/`GCL-`/`CHB-` + AmazonOrderId;
// a later event of the same kind and order posted at another time (a split
// shipment) gets `@<posted time>` appended. ServiceFeeEvent has neither id
// nor date in the model: it is keyed by its group and a hash of its
// content, and dated at its group's start. Every other list's events are
// keyed by a prefix, their group and a SHA-256 of their content (which
// holds their date), dated by the model's date field or, where it has none
// (DebtRecoveryEvent, LoanServicingEvent), at their group's start; their
// amount is the sum of the fields that make the event's net effect
// (OTHER_EVENTS). A list the code does not know (a newer model's) is never
// dropped: its events are stored raw with `known` false and no amount, and
// the run carries a warning naming the list.
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
  ShipmentSettleEventList: {
    prefix: "SST",
    description: "Shipment settlement",
  },
};

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? v as Obj : {};
const arr = (v: unknown): unknown[] => Array.isArray(v) ? v : [];
const str = (v: unknown): string | null =>
  typeof v === "string" && v !== "" ? v : null;
/** The amounts of components: `list[].field`. */
const each = (list: unknown, field: string) =>
  arr(list).map((x) => obj(x)[field]);
/** Withheld taxes: `list[].TaxesWithheld[].ChargeAmount`. */
const withheld = (list: unknown) =>
  arr(list).flatMap((w) => each(obj(w).TaxesWithheld, "ChargeAmount"));
/** A total if Amazon gave one, else its parts. */
const totalOr = (total: unknown, ...parts: unknown[]) =>
  total === undefined ? parts : [total];

/**
 * How to read an event of one of the other lists: its id prefix, the field
 * dating it (null: the model has none), the amounts whose sum is its net
 * effect, its fee lines, and the fields naming its order, SKU and kind.
 */
interface OtherEvent {
  prefix: string;
  date: string | null;
  amounts: (e: Obj) => unknown[];
  fees?: (e: Obj) => unknown[];
  order?: (e: Obj) => unknown;
  sku?: (e: Obj) => unknown;
  description?: (e: Obj) => unknown;
}

const affordability = (prefix: string): OtherEvent => ({
  prefix,
  date: "PostedDate",
  amounts: (e) =>
    totalOr(
      e.TotalExpense,
      e.BaseExpense,
      e.TaxTypeCGST,
      e.TaxTypeSGST,
      e.TaxTypeIGST,
    ),
  order: (e) => e.AmazonOrderId,
  description: (e) => e.TransactionType,
});
const transaction = (prefix: string, description: string): OtherEvent => ({
  prefix,
  date: "PostedDate",
  amounts: (e) => [e.TransactionAmount],
  description: (e) => e[description],
});

/** Every list of the model besides the ShipmentEvent ones and service fees. */
const OTHER_EVENTS: Record<string, OtherEvent> = {
  EBTRefundReimbursementOnlyEventList: {
    prefix: "EBT",
    date: "PostedDate",
    amounts: (e) => [e.Amount],
    order: (e) => e.OrderId,
  },
  PayWithAmazonEventList: {
    prefix: "PWA",
    date: "TransactionPostedDate",
    amounts: (e) => [
      obj(e.Charge).ChargeAmount,
      ...each(e.FeeList, "FeeAmount"),
    ],
    fees: (e) => arr(e.FeeList),
    description: (e) => e.AmountDescription,
  },
  ServiceProviderCreditEventList: {
    prefix: "SPC",
    date: "TransactionCreationDate",
    amounts: (e) => [e.TransactionAmount],
    description: (e) => e.ProviderTransactionType,
  },
  RetrochargeEventList: {
    prefix: "RTC",
    date: "PostedDate",
    amounts: (e) => [
      e.BaseTax,
      e.ShippingTax,
      ...withheld(e.RetrochargeTaxWithheldList),
    ],
    order: (e) => e.AmazonOrderId,
    description: (e) => e.RetrochargeEventType,
  },
  RentalTransactionEventList: {
    prefix: "RNT",
    date: "PostedDate",
    amounts: (e) => [
      ...each(e.RentalChargeList, "ChargeAmount"),
      ...each(e.RentalFeeList, "FeeAmount"),
      ...withheld(e.RentalTaxWithheldList),
      e.RentalReimbursement,
    ],
    fees: (e) => arr(e.RentalFeeList),
    order: (e) => e.AmazonOrderId,
    description: (e) => e.RentalEventType,
  },
  ProductAdsPaymentEventList: {
    prefix: "ADS",
    date: "postedDate",
    amounts: (e) => totalOr(e.transactionValue, e.baseValue, e.taxValue),
    description: (e) => e.transactionType,
  },
  SellerDealPaymentEventList: {
    prefix: "DEAL",
    date: "postedDate",
    amounts: (e) => totalOr(e.totalAmount, e.feeAmount, e.taxAmount),
    fees: (e) =>
      e.feeAmount === undefined
        ? []
        : [{ FeeType: e.feeType ?? "DealFee", FeeAmount: e.feeAmount }],
    description: (e) => e.dealDescription ?? e.eventType,
  },
  DebtRecoveryEventList: {
    prefix: "DBT",
    date: null,
    amounts: (e) => [e.RecoveryAmount],
    description: (e) => e.DebtRecoveryType,
  },
  LoanServicingEventList: {
    prefix: "LOAN",
    date: null,
    amounts: (e) => [e.LoanAmount],
    description: (e) => e.SourceBusinessEventType,
  },
  AdjustmentEventList: {
    prefix: "ADJ",
    date: "PostedDate",
    amounts: (e) => [e.AdjustmentAmount],
    sku: (e) => obj(arr(e.AdjustmentItemList)[0]).SellerSKU,
    description: (e) => e.AdjustmentType,
  },
  SAFETReimbursementEventList: {
    prefix: "SAFET",
    date: "PostedDate",
    amounts: (e) => [e.ReimbursedAmount],
    description: (e) => e.ReasonCode,
  },
  SellerReviewEnrollmentPaymentEventList: {
    prefix: "SRE",
    date: "PostedDate",
    amounts: (e) =>
      totalOr(
        e.TotalAmount,
        obj(e.FeeComponent).FeeAmount,
        obj(e.ChargeComponent).ChargeAmount,
      ),
    fees: (e) => e.FeeComponent === undefined ? [] : [e.FeeComponent],
  },
  FBALiquidationEventList: {
    prefix: "LIQ",
    date: "PostedDate",
    amounts: (e) => [e.LiquidationProceedsAmount, e.LiquidationFeeAmount],
  },
  CouponPaymentEventList: {
    prefix: "CPN",
    date: "PostedDate",
    amounts: (e) =>
      totalOr(
        e.TotalAmount,
        obj(e.FeeComponent).FeeAmount,
        obj(e.ChargeComponent).ChargeAmount,
      ),
    fees: (e) => e.FeeComponent === undefined ? [] : [e.FeeComponent],
    description: (e) => e.SellerCouponDescription,
  },
  ImagingServicesFeeEventList: {
    prefix: "IMG",
    date: "PostedDate",
    amounts: (e) => each(e.FeeList, "FeeAmount"),
    fees: (e) => arr(e.FeeList),
  },
  NetworkComminglingTransactionEventList: {
    prefix: "NCT",
    date: "PostedDate",
    amounts: (e) => [e.TaxExclusiveAmount, e.TaxAmount],
    description: (e) => e.TransactionType,
  },
  AffordabilityExpenseEventList: affordability("AFE"),
  AffordabilityExpenseReversalEventList: affordability("AFR"),
  RemovalShipmentEventList: {
    prefix: "RMV",
    date: "PostedDate",
    amounts: (e) =>
      arr(e.RemovalShipmentItemList).flatMap((x) => {
        const it = obj(x);
        return [it.Revenue, it.FeeAmount, it.TaxAmount, it.TaxWithheld];
      }),
    description: (e) => e.TransactionType,
  },
  RemovalShipmentAdjustmentEventList: {
    prefix: "RMA",
    date: "PostedDate",
    amounts: (e) =>
      arr(e.RemovalShipmentItemAdjustmentList).flatMap((x) => {
        const it = obj(x);
        return [
          it.RevenueAdjustment,
          it.TaxAmountAdjustment,
          it.TaxWithheldAdjustment,
        ];
      }),
    description: (e) => e.TransactionType,
  },
  TrialShipmentEventList: {
    prefix: "TRL",
    date: "PostedDate",
    amounts: (e) => each(e.FeeList, "FeeAmount"),
    fees: (e) => arr(e.FeeList),
    order: (e) => e.AmazonOrderId,
    sku: (e) => e.SKU,
  },
  TDSReimbursementEventList: {
    prefix: "TDS",
    date: "PostedDate",
    amounts: (e) => [e.ReimbursedAmount],
  },
  AdhocDisbursementEventList: transaction("ADH", "TransactionType"),
  TaxWithholdingEventList: {
    prefix: "TWH",
    date: "PostedDate",
    amounts: (e) => [e.WithheldAmount],
  },
  ChargeRefundEventList: {
    prefix: "CRF",
    date: "PostedDate",
    amounts: (e) => each(e.ChargeRefundTransactions, "ChargeAmount"),
    description: (e) => e.ReasonCodeDescription ?? e.ReasonCode,
  },
  FailedAdhocDisbursementEventList: {
    prefix: "FAD",
    date: "PostedDate",
    amounts: (e) => [e.TransferAmount],
    description: (e) => e.PaymentDisbursementType,
  },
  ValueAddedServiceChargeEventList: transaction("VAS", "Description"),
  CapacityReservationBillingEventList: transaction("CRB", "Description"),
};

/** Every list of Finances v0 `FinancialEvents` this dataset reads. */
export const KNOWN_EVENT_LISTS: readonly string[] = [
  ...Object.keys(ORDER_EVENTS),
  "ServiceFeeEventList",
  ...Object.keys(OTHER_EVENTS),
];

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
  /** Whether amounts in another currency were added (no sum then). */
  mixed = false;
  add(m: Money): string {
    this.currency ??= m.CurrencyCode;
    if (m.CurrencyCode !== this.currency) this.mixed = true;
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
  if (sum.mixed) return "the event's amounts are in more than one currency";
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
  if (sum.mixed) {
    return "the service fee's amounts are in more than one currency";
  }
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

/** SHA-256 of a list name and an event's JSON, first 16 hex digits. */
async function contentKey(list: string, raw: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(`${list}\n${JSON.stringify(raw)}`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest.slice(0, 8)].map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/** The key of an event without id: prefix, group, content; `-n` for twins. */
async function hashedId(
  prefix: string,
  list: string,
  raw: unknown,
  g: Group,
  seen: Map<string, number>,
): Promise<string> {
  const key = `${prefix}-${g.FinancialEventGroupId}-${await contentKey(
    list,
    raw,
  )}`;
  const n = (seen.get(key) ?? 0) + 1; // identical events in one group
  seen.set(key, n);
  return n === 1 ? key : `${key}-${n}`;
}

/** When an event was posted: its date field, else its group's start. */
function postedOf(e: Obj, field: string | null, g: Group): Date | string {
  const v = field === null ? undefined : e[field];
  if (v === undefined) return new Date(g.FinancialEventGroupStart);
  const t = instant.safeParse(v);
  return t.success ? new Date(t.data) : `${field}: not a date-time`;
}

async function otherEvent(
  storeId: string,
  list: string,
  raw: unknown,
  g: Group,
  seen: Map<string, number>,
): Promise<Parsed | string> {
  const spec = OTHER_EVENTS[list];
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return `${list}: the event is not an object`;
  }
  const e = raw as Obj;
  const postedAt = postedOf(e, spec.date, g);
  if (typeof postedAt === "string") return `${list}: ${postedAt}`;
  const sum = new Sum();
  for (const a of spec.amounts(e)) {
    if (a === undefined || a === null) continue;
    const m = amount.safeParse(a);
    if (!m.success) return `${list}: ${issueText(m.error)}`;
    sum.add(m.data);
  }
  if (sum.currency === null) return `${list}: the event has no amounts`;
  if (sum.mixed) {
    return `${list}: the event's amounts are in more than one currency`;
  }
  const orderId = str(spec.order?.(e));
  const sku = str(spec.sku?.(e));
  const out: FeeLine[] = [];
  for (const f of spec.fees?.(e) ?? []) {
    const line = fee.safeParse(f);
    if (!line.success) return `${list}: ${issueText(line.error)}`;
    const m = line.data.FeeAmount;
    out.push({
      feeType: line.data.FeeType,
      amazonOrderId: orderId,
      sku,
      postedAt,
      amount: formatMinor(
        Math.round(m.CurrencyAmount * 10 ** minorDigits(m.CurrencyCode)),
        m.CurrencyCode,
      ),
      currency: m.CurrencyCode,
    });
  }
  return {
    event: {
      storeId,
      eventId: await hashedId(spec.prefix, list, raw, g, seen),
      eventType: list.replace(/List$/, ""),
      postedAt,
      eventGroupId: g.FinancialEventGroupId,
      amazonOrderId: orderId,
      sku,
      description: str(spec.description?.(e)),
      amount: formatMinor(sum.minor, sum.currency),
      currency: sum.currency,
      raw,
      known: true,
    },
    fees: out,
    byOrder: false,
  };
}

/**
 * An event of a list the code does not know: stored as Amazon sent it,
 * flagged `known: false`, its amount left NULL (nothing guessed), dated by
 * a PostedDate/postedDate if it has one, else at its group's start.
 */
async function unknownEvent(
  storeId: string,
  list: string,
  raw: unknown,
  g: Group,
  seen: Map<string, number>,
): Promise<Parsed> {
  const e = obj(raw);
  const dated = [e.PostedDate, e.postedDate].map((v) => instant.safeParse(v))
    .find((r) => r.success);
  return {
    event: {
      storeId,
      eventId: await hashedId("UNK", list, raw, g, seen),
      eventType: list.replace(/List$/, ""),
      postedAt: dated?.success
        ? new Date(dated.data)
        : new Date(g.FinancialEventGroupStart),
      eventGroupId: g.FinancialEventGroupId,
      amazonOrderId: str(e.AmazonOrderId),
      sku: null,
      description: null,
      amount: null,
      currency: null,
      raw,
      known: false,
    },
    fees: [],
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
  unknown: Map<string, number>,
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
      const known = KNOWN_EVENT_LISTS.includes(list);
      if (!known && events.length) {
        unknown.set(list, (unknown.get(list) ?? 0) + events.length);
      }
      for (const raw of events) {
        const line = ++position;
        let result: Parsed | string;
        if (!known) {
          result = await unknownEvent(storeId, list, raw, g, seen);
        } else if (list === "ServiceFeeEventList") {
          const e = serviceFeeEvent.safeParse(raw);
          result = e.success
            ? serviceFee(storeId, e.data, g, seen)
            : `${list}: ${issueText(e.error)}`;
        } else if (list in OTHER_EVENTS) {
          result = await otherEvent(storeId, list, raw, g, seen);
        } else {
          const e = shipmentEvent.safeParse(raw);
          result = e.success
            ? orderEvent(storeId, list, e.data, g.FinancialEventGroupId)
            : `${list}: ${issueText(e.error)}`;
        }
        if (typeof result === "string") {
          ctx.badRow({ line, source, reason: result });
        } else {
          result.event.raw = raw;
          parsed.push(result);
        }
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
    const unknown = new Map<string, number>();
    for (let start = from; start < until; done++) {
      const end = Math.min(start + WINDOW_DAYS * DAY, until);
      ctx.progress({
        step: `posted ${new Date(start).toISOString().slice(0, 10)}`,
        done,
        total,
      });
      for (const g of await groupsOverlapping(ctx, start, end)) {
        rows += await syncGroup(ctx, g, start, end, unknown);
      }
      await ctx.saveCursor({ postedAfter: new Date(end).toISOString() });
      start = end;
    }
    ctx.progress({ done: total, total });
    for (const [list, n] of unknown) {
      ctx.warn({
        code: "financial_events.unknown_list",
        detail: `${n} event(s) of ${list}, a list this version does not ` +
          "know: stored raw without amounts",
      });
    }
    if (unknown.size) {
      ctx.log.warn("financial_events.unknown_lists", {
        storeId: ctx.store.storeId,
        lists: Object.fromEntries(unknown),
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
