// Finances v0: financial event groups (one per 14-day settlement period and
// marketplace) and financial events (facts §4.7), wrapped in `payload`,
// paged with `NextToken` (the same arguments must be repeated), money as
// `{CurrencyCode, CurrencyAmount}` with a bare JSON number. The world holds
// each event as the model's object already (charges, fees, withheld tax,
// promotions); refunds are written with the model's adjustment names. The
// model's ServiceFeeEvent has no date and no id, so neither can be
// recovered from this API (the settlement report has the date).
import type { Hono } from "hono";
import { raw } from "./_json.ts";
import { invalidInput, json } from "./_http.ts";
import type { SandboxEnv } from "./env.ts";
import { isoZ } from "./format.ts";
import { paramsHash } from "./pagination.ts";
import { type SpCall, spRoute, timeOf } from "./sp_route.ts";
import type { SellerWorld } from "./served_world.ts";
import type {
  ChargeComponent,
  FeeComponent,
  FinancialEvent,
  FinancialEventGroup,
  Money,
  Promotion,
  TaxWithheldComponent,
} from "./world/amazon.ts";
import { decimal } from "./world/money.ts";

const DAY = 86_400_000;
const TWO_MINUTES = 120_000;

/** Every list of the model's FinancialEvents, present even when empty. */
const EVENT_LISTS = [
  "ShipmentEventList",
  "ShipmentSettleEventList",
  "RefundEventList",
  "GuaranteeClaimEventList",
  "EBTRefundReimbursementOnlyEventList",
  "ChargebackEventList",
  "PayWithAmazonEventList",
  "ServiceProviderCreditEventList",
  "RetrochargeEventList",
  "RentalTransactionEventList",
  "ProductAdsPaymentEventList",
  "ServiceFeeEventList",
  "SellerDealPaymentEventList",
  "DebtRecoveryEventList",
  "LoanServicingEventList",
  "AdjustmentEventList",
  "SAFETReimbursementEventList",
  "SellerReviewEnrollmentPaymentEventList",
  "FBALiquidationEventList",
  "CouponPaymentEventList",
  "ImagingServicesFeeEventList",
  "NetworkComminglingTransactionEventList",
  "AffordabilityExpenseEventList",
  "AffordabilityExpenseReversalEventList",
  "RemovalShipmentEventList",
  "RemovalShipmentAdjustmentEventList",
  "TrialShipmentEventList",
  "TDSReimbursementEventList",
  "AdhocDisbursementEventList",
  "TaxWithholdingEventList",
  "ChargeRefundEventList",
  "FailedAdhocDisbursementEventList",
  "ValueAddedServiceChargeEventList",
  "CapacityReservationBillingEventList",
] as const;

const cur = (minor: number, currency: string) => ({
  CurrencyCode: currency,
  CurrencyAmount: raw(decimal(minor, currency)),
});
/** Finances v0 `Currency`: the amount as a bare JSON number. */
const currency = (m: Money) => ({
  CurrencyCode: m.CurrencyCode,
  CurrencyAmount: raw(m.Amount),
});
const ms = (iso: string | undefined) => iso ? Date.parse(iso) : 0;

const charges = (list: readonly ChargeComponent[]) =>
  list.map((c) => ({
    ChargeType: c.ChargeType,
    ChargeAmount: currency(c.ChargeAmount),
  }));
const fees = (list: readonly FeeComponent[]) =>
  list.map((f) => ({ FeeType: f.FeeType, FeeAmount: currency(f.FeeAmount) }));
const withheld = (list: readonly TaxWithheldComponent[]) =>
  list.map((w) => ({
    TaxCollectionModel: w.TaxCollectionModel,
    TaxesWithheld: charges(w.TaxesWithheld),
  }));
const promotions = (list: readonly Promotion[]) =>
  list.map((p) => ({
    PromotionType: p.PromotionType,
    PromotionId: p.PromotionId,
    PromotionAmount: currency(p.PromotionAmount),
  }));

/** A world value with every `Money` in it as the model's `Currency`. */
function currencies(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(currencies);
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  if (typeof o.CurrencyCode === "string" && typeof o.Amount === "string") {
    return currency(o as unknown as Money);
  }
  return Object.fromEntries(
    Object.entries(o).map(([k, x]) => [k, currencies(x)]),
  );
}

/** One world event as the model's event object, and the list it goes in. */
export function eventJson(
  e: FinancialEvent,
): [string, Record<string, unknown>] {
  if (e.list === "ServiceFeeEventList") {
    return [e.list, {
      FeeReason: e.FeeReason,
      FeeList: fees(e.FeeList),
      FeeDescription: e.FeeDescription,
    }];
  }
  if (!("items" in e)) {
    const body: Record<string, unknown> = {};
    if (e.dateField) body[e.dateField] = isoZ(ms(e.PostedDate));
    Object.assign(body, currencies(e.fields));
    return [e.list, body];
  }
  const head: Record<string, unknown> = {
    AmazonOrderId: e.AmazonOrderId,
    SellerOrderId: e.SellerOrderId,
    MarketplaceName: e.MarketplaceName,
    PostedDate: isoZ(ms(e.PostedDate)),
  };
  if (e.list === "ShipmentEventList") {
    head.ShipmentItemList = e.items.map((it) => ({
      SellerSKU: it.SellerSKU,
      OrderItemId: it.OrderItemId,
      QuantityShipped: it.QuantityShipped,
      ItemChargeList: charges(it.ItemChargeList),
      ItemFeeList: fees(it.ItemFeeList),
      ItemTaxWithheldList: withheld(it.ItemTaxWithheldList),
      PromotionList: promotions(it.PromotionList),
    }));
  } else {
    head.ShipmentItemAdjustmentList = e.items.map((it) => ({
      SellerSKU: it.SellerSKU,
      OrderAdjustmentItemId: it.OrderItemId,
      QuantityShipped: it.QuantityShipped,
      ItemChargeAdjustmentList: charges(it.ItemChargeList),
      ItemFeeAdjustmentList: fees(it.ItemFeeList),
      ItemTaxWithheldList: withheld(it.ItemTaxWithheldList),
      ...(it.PromotionList.length
        ? { PromotionAdjustmentList: promotions(it.PromotionList) }
        : {}),
    }));
  }
  return [e.list, head];
}

function groupJson(w: SellerWorld, g: FinancialEventGroup) {
  const c = w.marketplaceById.get(g.marketplaceId)?.currency ?? "USD";
  const closed = g.ProcessingStatus === "Closed";
  const doc = w.settlementDocs.find((d) => d.group === g);
  const deposit = doc?.settlement.depositDate;
  const total = w.groupTotals.get(g.FinancialEventGroupId) ?? 0;
  const out: Record<string, unknown> = {
    FinancialEventGroupId: g.FinancialEventGroupId,
    ProcessingStatus: g.ProcessingStatus,
    FundTransferStatus: !closed
      ? "Unknown"
      : deposit
      ? "Succeeded"
      : "Processing",
    OriginalTotal: cur(total, c),
    ConvertedTotal: cur(total, c),
  };
  if (deposit) out.FundTransferDate = isoZ(ms(deposit));
  if (closed) out.TraceId = `SANDBOX${g.settlementId}`;
  out.AccountTail = "042";
  out.BeginningBalance = cur(0, c);
  out.FinancialEventGroupStart = isoZ(ms(g.FinancialEventGroupStart));
  if (closed) out.FinancialEventGroupEnd = isoZ(ms(g.FinancialEventGroupEnd));
  return out;
}

/** Checks the Posted/Started window rules: 2 minutes before now, ordered. */
function window(
  after: number | undefined,
  before: number | undefined,
  now: number,
  names: [string, string],
): Response | { after: number; before: number } {
  if (before !== undefined && after === undefined) {
    return invalidInput(
      "Invalid Input",
      `${names[1]} requires ${names[0]}.`,
    );
  }
  for (const [v, n] of [[after, names[0]], [before, names[1]]] as const) {
    if (v !== undefined && v > now - TWO_MINUTES) {
      return invalidInput(
        "Invalid Input",
        `${n} must be more than two minutes before the time of the request.`,
      );
    }
  }
  const b = before ?? now - TWO_MINUTES;
  if (after !== undefined && b < after) {
    return invalidInput(
      "Invalid Input",
      `${names[1]} must be later than ${names[0]}.`,
    );
  }
  return { after: after ?? -Infinity, before: b };
}

/** Offset-and-hash NextToken handling shared by the four operations. */
function page<T>(
  call: SpCall,
  items: readonly T[],
  size: number,
): Response | { slice: T[]; next?: string } {
  const { env, q, seller, now, op } = call;
  const { NextToken, MaxResultsPerPage: _, ...fixed } = q;
  const hash = paramsHash({ ...fixed, ...call.path });
  let offset = 0;
  if (typeof NextToken === "string") {
    const state = env.codec.decode(NextToken, {
      s: seller.sellerId,
      o: op,
      h: hash,
      now,
      ttlMs: DAY,
    });
    if (typeof state === "string") {
      return invalidInput(
        "Invalid Input",
        "The NextToken is not valid for these arguments.",
      );
    }
    offset = state.k as number;
  }
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length
    ? env.codec.encode({
      s: seller.sellerId,
      o: op,
      h: hash,
      t: now,
      k: offset + size,
    })
    : undefined;
  return { slice, next };
}

function eventsResponse(call: SpCall, events: readonly FinancialEvent[]) {
  const size = (call.q.MaxResultsPerPage as number | undefined) ?? 100;
  const p = page(call, events, size);
  if (p instanceof Response) return p;
  const lists: Record<string, unknown[]> = {};
  for (const name of EVENT_LISTS) lists[name] = [];
  for (const e of p.slice) {
    const [list, obj] = eventJson(e);
    (lists[list] ??= []).push(obj); // FooBarEventList: a future model's
  }
  const payload: Record<string, unknown> = { FinancialEvents: lists };
  if (p.next) payload.NextToken = p.next;
  return json(200, { payload });
}

function postedFilter(call: SpCall) {
  return window(
    timeOf(call.q.PostedAfter),
    timeOf(call.q.PostedBefore),
    call.now,
    ["PostedAfter", "PostedBefore"],
  );
}

function inWindow(
  events: readonly FinancialEvent[],
  w: { after: number; before: number },
) {
  if (w.before - w.after > 180 * DAY) return []; // Amazon answers empty
  return events.filter((e) => {
    const t = ms(e.PostedDate);
    return t >= w.after && t < w.before;
  });
}

/** Registers the four Finances v0 operations. */
export function financesRoutes(app: Hono, env: SandboxEnv): void {
  spRoute(app, env, "listFinancialEventGroups", (call) => {
    const { q, now, world } = call;
    const win = window(
      timeOf(q.FinancialEventGroupStartedAfter),
      timeOf(q.FinancialEventGroupStartedBefore),
      now,
      ["FinancialEventGroupStartedAfter", "FinancialEventGroupStartedBefore"],
    );
    if (win instanceof Response) return win;
    const groups = win.before - win.after > 180 * DAY
      ? []
      : world.groups.filter((g) => {
        const start = ms(g.FinancialEventGroupStart);
        return start >= win.after && start < win.before;
      }).sort((a, b) =>
        ms(a.FinancialEventGroupStart) - ms(b.FinancialEventGroupStart)
      );
    const size = (q.MaxResultsPerPage as number | undefined) ?? 10;
    const p = page(call, groups, size);
    if (p instanceof Response) return p;
    const payload: Record<string, unknown> = {
      FinancialEventGroupList: p.slice.map((g) => groupJson(world, g)),
    };
    if (p.next) payload.NextToken = p.next;
    return json(200, { payload });
  });

  spRoute(app, env, "listFinancialEvents", (call) => {
    const win = postedFilter(call);
    if (win instanceof Response) return win;
    return eventsResponse(call, inWindow(call.world.financialEvents, win));
  });

  spRoute(app, env, "listFinancialEventsByGroupId", (call) => {
    const win = postedFilter(call);
    if (win instanceof Response) return win;
    const events = call.world.financialEvents.filter((e) =>
      e.FinancialEventGroupId === call.path.eventGroupId
    );
    const filtered = call.q.PostedAfter ? inWindow(events, win) : events;
    return eventsResponse(call, filtered);
  });

  spRoute(app, env, "listFinancialEventsByOrderId", (call) =>
    eventsResponse(
      call,
      call.world.financialEvents.filter((e) =>
        "items" in e && e.AmazonOrderId === call.path.orderId
      ),
    ));
}
