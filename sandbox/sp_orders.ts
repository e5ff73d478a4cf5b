// Orders API v2026-01-01: searchOrders and getOrder (facts §4.2). Items are
// always included; other datasets only when asked for in `includedData`.
// BUYER and RECIPIENT details come only for sellers granted the restricted
// role; without it the call still succeeds and only the non-personal parts
// of the address (city, region, postal code, country) are returned, as
// Amazon does. `paginationToken` lives 24 hours and every other parameter
// except maxResultsPerPage must be repeated unchanged.
//
// How the ground truth maps (lib/ingest OrderRow): status Pending/Unshipped/
// Shipped/Canceled = fulfillment.fulfillmentStatus PENDING/UNSHIPPED/
// SHIPPED/CANCELLED, "Delivered" = SHIPPED with a DELIVERED package;
// shippedAt = packages[].shipTime; deliveredAt = lastUpdatedTime of a
// delivered order; orderTotal = proceeds.grandTotal (absent when cancelled);
// isPrime / isBusiness = programs PRIME / AMAZON_BUSINESS; shipCountry =
// recipient.deliveryAddress.countryCode; merchantOrderId = the
// SELLER_ORDER_ID alias. Item money: itemPrice = the ITEM proceeds
// breakdown, itemTax = TAX, shippingPrice = SHIPPING, promotionDiscount =
// minus DISCOUNT.
import type { Hono } from "hono";
import type { OrderItemRow, OrderRow } from "../lib/ingest/orders.ts";
import { invalidInput, json, notFound } from "./_http.ts";
import type { SandboxEnv } from "./env.ts";
import { formatMinor, isoZ, parseMinor } from "./format.ts";
import { paramsHash } from "./pagination.ts";
import { foreignMarketplace, listOf, spRoute, timeOf } from "./sp_route.ts";
import type { Query } from "./validate.ts";
import type { SellerWorld } from "./served_world.ts";

const DAY = 86_400_000;
const TWO_MINUTES = 120_000;

const FULFILLMENT_STATUS: Record<string, string> = {
  Pending: "PENDING",
  Unshipped: "UNSHIPPED",
  Shipped: "SHIPPED",
  Delivered: "SHIPPED",
  Canceled: "CANCELLED",
};

const ms = (d: Date | string | null | undefined) =>
  d ? new Date(d).getTime() : NaN;

function m(amount: number, currency: string) {
  return { amount: formatMinor(amount, currency), currencyCode: currency };
}

function minor(amount: string | null | undefined, currency: string): number {
  return amount ? parseMinor(amount, currency) : 0;
}

/** One order as the v2026 model shapes it. */
export function orderJson(
  w: SellerWorld,
  o: OrderRow,
  included: ReadonlySet<string>,
  pii: boolean,
): Record<string, unknown> {
  const cur = o.currency ?? "USD";
  const market = w.marketplaceById.get(o.marketplaceId);
  const taxInclusive = market?.taxInclusive ?? false;
  const items = w.itemsByOrder.get(o.amazonOrderId) ?? [];
  const cancelled = o.status === "Canceled";
  const shipped = o.shippedAt !== null && o.shippedAt !== undefined;
  const out: Record<string, unknown> = { orderId: o.amazonOrderId };
  if (o.merchantOrderId) {
    out.orderAliases = [{
      aliasId: o.merchantOrderId,
      aliasType: "SELLER_ORDER_ID",
    }];
  }
  out.createdTime = isoZ(ms(o.purchasedAt));
  out.lastUpdatedTime = isoZ(ms(o.lastUpdatedAt));
  const programs: string[] = [];
  if (o.isPrime) programs.push("PRIME");
  if (o.isBusiness) programs.push("AMAZON_BUSINESS");
  out.programs = programs;
  out.salesChannel = {
    channelName: "AMAZON",
    marketplaceId: o.marketplaceId,
    marketplaceName: o.salesChannel ?? market?.name,
  };
  const person = w.piiByOrder.get(o.amazonOrderId)?.payload;
  if (included.has("BUYER") && pii && person) {
    out.buyer = { buyerName: person.name, buyerEmail: person.email };
  }
  if (included.has("RECIPIENT")) {
    const address: Record<string, string | undefined> = {};
    if (pii && person) {
      address.name = person.name;
      address.addressLine1 = person.addressLine1;
      address.addressLine2 = person.addressLine2;
    }
    if (person) {
      address.city = person.city;
      address.stateOrRegion = person.stateOrRegion;
      address.postalCode = person.postalCode;
    }
    address.countryCode = o.shipCountry ?? person?.countryCode;
    if (pii && person) {
      address.phone = person.phone;
      address.addressType = "RESIDENTIAL";
    }
    out.recipient = {
      deliveryAddress: Object.fromEntries(
        Object.entries(address).filter(([, v]) => v !== undefined),
      ),
    };
  }
  if (included.has("PROCEEDS") && !cancelled && o.orderTotal) {
    let item = 0, shipping = 0, tax = 0, discount = 0;
    for (const it of items) {
      item += minor(it.itemPrice, cur);
      shipping += minor(it.shippingPrice, cur);
      tax += minor(it.itemTax, cur);
      discount += minor(it.promotionDiscount, cur);
    }
    const breakdowns = [{ type: "ITEM", subtotal: m(item, cur) }];
    if (shipping) {
      breakdowns.push({ type: "SHIPPING", subtotal: m(shipping, cur) });
    }
    if (tax && !taxInclusive) {
      breakdowns.push({ type: "TAX", subtotal: m(tax, cur) });
    }
    if (discount) {
      breakdowns.push({ type: "DISCOUNT", subtotal: m(-discount, cur) });
    }
    out.proceeds = {
      grandTotal: { amount: o.orderTotal, currencyCode: cur },
      breakdowns,
    };
  }
  if (included.has("FULFILLMENT")) {
    out.fulfillment = {
      fulfillmentStatus: FULFILLMENT_STATUS[o.status] ?? "PENDING",
      fulfilledBy: o.fulfillmentChannel === "AFN" ? "AMAZON" : "MERCHANT",
      fulfillmentServiceLevel: o.isPrime ? "EXPEDITED" : "STANDARD",
    };
  }
  out.orderItems = items.map((it) =>
    itemJson(it, cur, taxInclusive, included, cancelled, shipped)
  );
  if (included.has("PACKAGES") && shipped) {
    out.packages = [{
      packageReferenceId: `1${o.amazonOrderId.replace(/\D/g, "").slice(-12)}`,
      createdTime: isoZ(ms(o.shippedAt)),
      packageStatus: {
        status: o.deliveredAt ? "DELIVERED" : "IN_TRANSIT",
        detailedStatus: o.deliveredAt ? "DELIVERED" : "IN_TRANSIT",
      },
      carrier: o.fulfillmentChannel === "AFN" ? "AMZN" : "UPS",
      shipTime: isoZ(ms(o.shippedAt)),
      packageItems: items.map((it) => ({
        orderItemId: it.orderItemId,
        quantity: it.quantity,
      })),
    }];
  }
  return out;
}

function itemJson(
  it: OrderItemRow,
  cur: string,
  taxInclusive: boolean,
  included: ReadonlySet<string>,
  cancelled: boolean,
  shipped: boolean,
): Record<string, unknown> {
  const product: Record<string, unknown> = {
    asin: it.asin,
    title: it.title,
    sellerSku: it.sku,
    condition: { conditionType: "NEW", conditionSubtype: "NEW" },
  };
  if (it.itemPrice) {
    product.price = {
      unitPrice: m(Math.round(minor(it.itemPrice, cur) / it.quantity), cur),
    };
  }
  const out: Record<string, unknown> = {
    orderItemId: it.orderItemId,
    quantityOrdered: it.quantity,
    product,
  };
  if (included.has("PROCEEDS") && !cancelled && it.itemPrice) {
    const item = minor(it.itemPrice, cur);
    const shipping = minor(it.shippingPrice, cur);
    const tax = minor(it.itemTax, cur);
    const discount = minor(it.promotionDiscount, cur);
    const breakdowns = [{ type: "ITEM", subtotal: m(item, cur) }];
    if (shipping) {
      breakdowns.push({ type: "SHIPPING", subtotal: m(shipping, cur) });
    }
    breakdowns.push({ type: "TAX", subtotal: m(tax, cur) });
    if (discount) {
      breakdowns.push({ type: "DISCOUNT", subtotal: m(-discount, cur) });
    }
    out.proceeds = {
      proceedsTotal: m(
        item + shipping - discount + (taxInclusive ? 0 : tax),
        cur,
      ),
      breakdowns,
    };
  }
  if (included.has("FULFILLMENT")) {
    out.fulfillment = {
      quantityFulfilled: shipped ? it.quantity : 0,
      quantityUnfulfilled: shipped || cancelled ? 0 : it.quantity,
    };
  }
  return out;
}

/** Registers searchOrders and getOrder. */
export function ordersRoutes(app: Hono, env: SandboxEnv): void {
  spRoute(app, env, "searchOrders", (call) => {
    const { q, now, world, seller } = call;
    const ca = timeOf(q.createdAfter), cb = timeOf(q.createdBefore);
    const ua = timeOf(q.lastUpdatedAfter), ub = timeOf(q.lastUpdatedBefore);
    if ((ca === undefined) === (ua === undefined)) {
      return invalidInput(
        "Invalid Input",
        "Exactly one of createdAfter and lastUpdatedAfter must be provided.",
      );
    }
    if (
      (ca !== undefined && ub !== undefined) ||
      (ua !== undefined && cb !== undefined)
    ) {
      return invalidInput(
        "Invalid Input",
        "createdAfter/createdBefore cannot be combined with lastUpdatedAfter/lastUpdatedBefore.",
      );
    }
    const byCreation = ca !== undefined;
    const after = (ca ?? ua)!;
    const before = byCreation ? cb : ub;
    const field = byCreation ? "createdBefore" : "lastUpdatedBefore";
    if (after > now - TWO_MINUTES) {
      return invalidInput(
        "Invalid Input",
        `${
          byCreation ? "createdAfter" : "lastUpdatedAfter"
        } must be at least two minutes before the time of the request.`,
      );
    }
    if (before !== undefined && !q.paginationToken) {
      if (before > now - TWO_MINUTES) {
        return invalidInput(
          "Invalid Input",
          `${field} must be at least two minutes before the time of the request.`,
        );
      }
      if (before < after) {
        return invalidInput(
          "Invalid Input",
          `${field} must be equal to or after the ${
            byCreation ? "createdAfter" : "lastUpdatedAfter"
          } date.`,
        );
      }
    }
    const markets = listOf(q.marketplaceIds);
    const foreign = foreignMarketplace(seller, markets);
    if (foreign) return foreign;
    const size = (q.maxResultsPerPage as number | undefined) ?? 100;
    if (size < 1 || size > 100) {
      return invalidInput(
        "Invalid Input",
        "maxResultsPerPage must be between 1 and 100.",
      );
    }
    const { paginationToken, maxResultsPerPage: _, ...fixed } = q;
    const hash = paramsHash(fixed as Query);
    let start: { b: number; t: number; id: string } | undefined;
    if (typeof paginationToken === "string") {
      const state = env.codec.decode(paginationToken, {
        s: seller.sellerId,
        o: "searchOrders",
        h: hash,
        now,
        ttlMs: DAY,
      });
      if (state === "expired") {
        return invalidInput(
          "The paginationToken you have submitted has expired.",
          "Pagination tokens are valid for 24 hours. Request the first page again.",
        );
      }
      if (typeof state === "string") {
        return invalidInput(
          "The paginationToken you have submitted is not valid for this request.",
          "Send the same parameters as the request that returned the token; only maxResultsPerPage may change.",
        );
      }
      start = state.k as { b: number; t: number; id: string };
    }
    const bound = start?.b ?? before ?? now - TWO_MINUTES;
    const list = byCreation ? world.ordersByCreation : world.ordersByUpdate;
    const time = (o: OrderRow) =>
      ms(byCreation ? o.purchasedAt : o.lastUpdatedAt);
    const statuses = new Set(listOf(q.fulfillmentStatuses));
    const fulfilledBy = new Set(listOf(q.fulfilledBy));
    const marketSet = new Set(markets.length ? markets : seller.marketplaceIds);
    const matches = (o: OrderRow) =>
      marketSet.has(o.marketplaceId) &&
      (statuses.size === 0 || statuses.has(FULFILLMENT_STATUS[o.status])) &&
      (fulfilledBy.size === 0 ||
        fulfilledBy.has(
          o.fulfillmentChannel === "AFN" ? "AMAZON" : "MERCHANT",
        ));
    // First index after the token's position, or at `after`.
    let lo = 0, hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const t = time(list[mid]);
      const ahead = start
        ? t < start.t || (t === start.t && list[mid].amazonOrderId <= start.id)
        : t < after;
      if (ahead) lo = mid + 1;
      else hi = mid;
    }
    const included = new Set(listOf(q.includedData));
    const page: OrderRow[] = [];
    let more = false;
    for (let i = lo; i < list.length; i++) {
      const o = list[i];
      if (time(o) > bound) break;
      if (!matches(o)) continue;
      if (page.length === size) {
        more = true;
        break;
      }
      page.push(o);
    }
    const body: Record<string, unknown> = {
      orders: page.map((o) => orderJson(world, o, included, call.pii)),
    };
    if (more) {
      const last = page[page.length - 1];
      body.pagination = {
        nextToken: env.codec.encode({
          s: seller.sellerId,
          o: "searchOrders",
          h: hash,
          t: now,
          k: { b: bound, t: time(last), id: last.amazonOrderId },
        }),
      };
    }
    body[field] = isoZ(bound);
    return json(200, body);
  });

  spRoute(app, env, "getOrder", ({ path, world, q, pii }) => {
    const o = world.orderById.get(path.orderId);
    if (!o) {
      return notFound(
        "Order not found",
        `No order ${path.orderId} for this seller.`,
      );
    }
    return json(200, {
      order: orderJson(world, o, new Set(listOf(q.includedData)), pii),
    });
  });
}
