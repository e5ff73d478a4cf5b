// Finances v0: financial event groups (one per 14-day settlement period and
// marketplace) and financial events (facts §4.7), wrapped in `payload`,
// paged with `NextToken` (the same arguments must be repeated), money as
// `{CurrencyCode, CurrencyAmount}` with a bare JSON number. Each event is
// built from the ground truth so its charges, fees, withheld tax and
// promotions add up to the truth's net `amount`; the truth's `eventId` is
// `SHP-`/`RFD-` + AmazonOrderId for shipments and refunds. The model's
// ServiceFeeEvent has no date and no id, so those two fields of a service
// fee cannot be recovered from this API (the settlement report has them).
import type { Hono } from "hono";
import type { FeeRow, FinancialEventRow } from "../lib/ingest/finance.ts";
import { raw } from "./_json.ts";
import { invalidInput, json } from "./_http.ts";
import type { SandboxEnv } from "./env.ts";
import { formatMinor, isoZ, parseMinor } from "./format.ts";
import { paramsHash } from "./pagination.ts";
import { type SpCall, spRoute, timeOf } from "./sp_route.ts";
import type { SellerWorld, SettlementPeriod } from "./served_world.ts";

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
  CurrencyAmount: raw(formatMinor(minor, currency)),
});
const ms = (d: Date | string | null | undefined) =>
  d ? new Date(d).getTime() : 0;

function feeList(fees: readonly FeeRow[], sku?: string) {
  return fees.filter((f) => sku === undefined || f.sku === sku).map((f) => ({
    FeeType: f.feeType,
    FeeAmount: cur(parseMinor(f.amount, f.currency), f.currency),
  }));
}

function withheld(minor: number, currency: string) {
  return minor === 0 ? [] : [{
    TaxCollectionModel: "MarketplaceFacilitator",
    TaxesWithheld: [{
      ChargeType: "MarketplaceFacilitatorTax-Principal",
      ChargeAmount: cur(minor, currency),
    }],
  }];
}

/** One truth event as the model's event object, and the list it goes in. */
export function eventJson(
  w: SellerWorld,
  e: FinancialEventRow,
): [typeof EVENT_LISTS[number], Record<string, unknown>] {
  const c = e.currency;
  const fees = w.feesByEvent.get(e.eventId) ?? [];
  const order = e.amazonOrderId ? w.orderById.get(e.amazonOrderId) : undefined;
  const market = order ? w.marketplaceById.get(order.marketplaceId) : undefined;
  const inclusive = market?.taxInclusive ?? true;
  const head: Record<string, unknown> = {
    AmazonOrderId: e.amazonOrderId,
    SellerOrderId: order?.merchantOrderId ?? undefined,
    MarketplaceName: order?.salesChannel ?? market?.name,
    PostedDate: isoZ(ms(e.postedAt)),
  };
  if (e.eventType === "ShipmentEvent") {
    const items = w.itemsByOrder.get(e.amazonOrderId ?? "") ?? [];
    head.ShipmentItemList = items.map((it) => {
      const price = parseMinor(it.itemPrice ?? "0", c);
      const tax = inclusive ? 0 : parseMinor(it.itemTax ?? "0", c);
      const shipping = parseMinor(it.shippingPrice ?? "0", c);
      const promo = parseMinor(it.promotionDiscount ?? "0", c);
      const charges = [{
        ChargeType: "Principal",
        ChargeAmount: cur(price, c),
      }];
      if (tax) charges.push({ ChargeType: "Tax", ChargeAmount: cur(tax, c) });
      if (shipping) {
        charges.push({
          ChargeType: "ShippingCharge",
          ChargeAmount: cur(shipping, c),
        });
      }
      return {
        SellerSKU: it.sku,
        OrderItemId: it.orderItemId,
        QuantityShipped: it.quantity,
        ItemChargeList: charges,
        ItemFeeList: feeList(fees, it.sku ?? undefined),
        ItemTaxWithheldList: withheld(-tax, c),
        PromotionList: promo
          ? [{
            PromotionType: "PromotionMetaDataDefinitionValue",
            PromotionId: `PLM-${it.orderItemId}`,
            PromotionAmount: cur(-promo, c),
          }]
          : [],
      };
    });
    return ["ShipmentEventList", head];
  }
  if (e.eventType === "RefundEvent") {
    const item = (w.itemsByOrder.get(e.amazonOrderId ?? "") ?? []).find((it) =>
      it.sku === e.sku
    );
    const ret = w.returns.find((r) =>
      r.amazonOrderId === e.amazonOrderId && r.sku === e.sku
    );
    const qty = ret?.quantity ?? item?.quantity ?? 1;
    const feeSum = fees.reduce((s, f) => s + parseMinor(f.amount, c), 0);
    const principal = -(parseMinor(e.amount, c) - feeSum);
    const tax = inclusive || !item
      ? 0
      : Math.round(parseMinor(item.itemTax ?? "0", c) * qty / item.quantity);
    const charges = [{
      ChargeType: "Principal",
      ChargeAmount: cur(-principal, c),
    }];
    if (tax) charges.push({ ChargeType: "Tax", ChargeAmount: cur(-tax, c) });
    head.ShipmentItemAdjustmentList = [{
      SellerSKU: e.sku,
      OrderAdjustmentItemId: item?.orderItemId,
      QuantityShipped: qty,
      ItemChargeAdjustmentList: charges,
      ItemFeeAdjustmentList: feeList(fees),
      ItemTaxWithheldList: withheld(tax, c),
    }];
    return ["RefundEventList", head];
  }
  return ["ServiceFeeEventList", {
    FeeReason: e.description,
    FeeList: feeList(fees),
    FeeDescription: e.description,
  }];
}

function groupJson(w: SellerWorld, p: SettlementPeriod) {
  const c = p.marketplace.currency;
  const doc = w.settlementDocs.find((d) => d.period === p);
  const deposit = doc?.settlement.depositAt;
  const total = w.groupTotals.get(p.groupId) ?? 0;
  const g: Record<string, unknown> = {
    FinancialEventGroupId: p.groupId,
    ProcessingStatus: p.closed ? "Closed" : "Open",
    FundTransferStatus: !p.closed
      ? "Unknown"
      : deposit
      ? "Succeeded"
      : "Processing",
    OriginalTotal: cur(total, c),
    ConvertedTotal: cur(total, c),
  };
  if (deposit) g.FundTransferDate = isoZ(ms(deposit));
  if (p.closed) g.TraceId = `SANDBOX${p.settlementId}`;
  g.AccountTail = "042";
  g.BeginningBalance = cur(0, c);
  g.FinancialEventGroupStart = isoZ(p.startMs);
  if (p.closed) g.FinancialEventGroupEnd = isoZ(p.endMs);
  return g;
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

function eventsResponse(call: SpCall, events: readonly FinancialEventRow[]) {
  const size = (call.q.MaxResultsPerPage as number | undefined) ?? 100;
  const p = page(call, events, size);
  if (p instanceof Response) return p;
  const lists: Record<string, unknown[]> = {};
  for (const name of EVENT_LISTS) lists[name] = [];
  for (const e of p.slice) {
    const [list, obj] = eventJson(call.world, e);
    lists[list].push(obj);
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
  events: readonly FinancialEventRow[],
  w: { after: number; before: number },
) {
  if (w.before - w.after > 180 * DAY) return []; // Amazon answers empty
  return events.filter((e) => {
    const t = ms(e.postedAt);
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
      : world.periods.filter((p) =>
        p.startMs >= win.after && p.startMs < win.before
      ).sort((a, b) => a.startMs - b.startMs);
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
      e.eventGroupId === call.path.eventGroupId
    );
    const filtered = call.q.PostedAfter ? inWindow(events, win) : events;
    return eventsResponse(call, filtered);
  });

  spRoute(app, env, "listFinancialEventsByOrderId", (call) =>
    eventsResponse(
      call,
      call.world.financialEvents.filter((e) =>
        e.amazonOrderId === call.path.orderId
      ),
    ));
}
