// Orders API v2026-01-01: searchOrders and getOrder (facts §4.2). Items are
// always included; other datasets only when asked for in `includedData`.
// BUYER and RECIPIENT details come only for sellers granted the restricted
// role; without it the call still succeeds and only the non-personal parts
// of the address (city, region, postal code, country) are returned, as
// Amazon does. `paginationToken` lives 24 hours and every other parameter
// except maxResultsPerPage must be repeated unchanged.
//
// The world keeps orders in the Orders v0 vocabulary; this writes them in
// the v2026 model's: OrderStatus Pending/Unshipped/Shipped/Canceled =
// fulfillment.fulfillmentStatus PENDING/UNSHIPPED/SHIPPED/CANCELLED; the
// Package is packages[0] (DELIVERED once it has a deliveredTime);
// OrderTotal = proceeds.grandTotal; IsPrime / IsBusinessOrder = programs
// PRIME / AMAZON_BUSINESS; ShippingAddress.CountryCode =
// recipient.deliveryAddress.countryCode; SellerOrderId = the
// SELLER_ORDER_ID alias. Item money becomes proceeds breakdowns: ITEM,
// TAX, SHIPPING and DISCOUNT (minus PromotionDiscount).
import type { Hono } from "hono";
import { invalidInput, json, notFound } from "./_http.ts";
import type { SandboxEnv } from "./env.ts";
import { isoZ } from "./format.ts";
import { paramsHash } from "./pagination.ts";
import type { SellerWorld } from "./served_world.ts";
import { foreignMarketplace, listOf, spRoute, timeOf } from "./sp_route.ts";
import type { Query } from "./validate.ts";
import type { Order, OrderItem } from "./world/amazon.ts";
import { decimal, minorOf } from "./world/money.ts";

const DAY = 86_400_000;
const TWO_MINUTES = 120_000;

const FULFILLMENT_STATUS: Record<Order["OrderStatus"], string> = {
  Pending: "PENDING",
  Unshipped: "UNSHIPPED",
  Shipped: "SHIPPED",
  Canceled: "CANCELLED",
};

const ms = (iso: string) => Date.parse(iso);

function m(amount: number, currency: string) {
  return { amount: decimal(amount, currency), currencyCode: currency };
}

/** One order as the v2026 model shapes it. */
export function orderJson(
  w: SellerWorld,
  o: Order,
  included: ReadonlySet<string>,
  pii: boolean,
): Record<string, unknown> {
  const market = w.marketplaceById.get(o.MarketplaceId);
  const cur = o.OrderTotal?.CurrencyCode ?? market?.currency ?? "USD";
  const taxInclusive = market?.taxInclusive ?? false;
  const items = w.itemsByOrder.get(o.AmazonOrderId) ?? [];
  const cancelled = o.OrderStatus === "Canceled";
  const pkg = o.Package;
  const out: Record<string, unknown> = { orderId: o.AmazonOrderId };
  if (o.SellerOrderId) {
    out.orderAliases = [{
      aliasId: o.SellerOrderId,
      aliasType: "SELLER_ORDER_ID",
    }];
  }
  out.createdTime = isoZ(ms(o.PurchaseDate));
  out.lastUpdatedTime = isoZ(ms(o.LastUpdateDate));
  const programs: string[] = [];
  if (o.IsPrime) programs.push("PRIME");
  if (o.IsBusinessOrder) programs.push("AMAZON_BUSINESS");
  out.programs = programs;
  out.salesChannel = {
    channelName: "AMAZON",
    marketplaceId: o.MarketplaceId,
    marketplaceName: o.SalesChannel,
  };
  const buyer = w.buyerByOrder.get(o.AmazonOrderId);
  const person = buyer?.ShippingAddress;
  if (included.has("BUYER") && pii && buyer) {
    out.buyer = {
      buyerName: buyer.BuyerInfo.BuyerName,
      buyerEmail: buyer.BuyerInfo.BuyerEmail,
    };
  }
  if (included.has("RECIPIENT")) {
    const address: Record<string, string | undefined> = {};
    if (pii && person) {
      address.name = person.Name;
      address.addressLine1 = person.AddressLine1;
      address.addressLine2 = person.AddressLine2;
    }
    if (person) {
      address.city = person.City;
      address.stateOrRegion = person.StateOrRegion;
      address.postalCode = person.PostalCode;
    }
    address.countryCode = o.ShippingAddress.CountryCode;
    if (pii && person) {
      address.phone = person.Phone;
      address.addressType = "RESIDENTIAL";
    }
    out.recipient = {
      deliveryAddress: Object.fromEntries(
        Object.entries(address).filter(([, v]) => v !== undefined),
      ),
    };
  }
  if (included.has("PROCEEDS") && !cancelled && o.OrderTotal) {
    let item = 0, shipping = 0, tax = 0, discount = 0;
    for (const it of items) {
      item += minorOf(it.ItemPrice);
      shipping += minorOf(it.ShippingPrice);
      tax += minorOf(it.ItemTax);
      discount += minorOf(it.PromotionDiscount);
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
      grandTotal: {
        amount: o.OrderTotal.Amount,
        currencyCode: o.OrderTotal.CurrencyCode,
      },
      breakdowns,
    };
  }
  if (included.has("FULFILLMENT")) {
    out.fulfillment = {
      fulfillmentStatus: FULFILLMENT_STATUS[o.OrderStatus],
      fulfilledBy: o.FulfillmentChannel === "AFN" ? "AMAZON" : "MERCHANT",
      fulfillmentServiceLevel: o.IsPrime ? "EXPEDITED" : "STANDARD",
    };
  }
  out.orderItems = items.map((it) =>
    itemJson(it, cur, taxInclusive, included, cancelled, pkg !== undefined)
  );
  if (included.has("PACKAGES") && pkg) {
    const status = pkg.deliveredTime ? "DELIVERED" : "IN_TRANSIT";
    out.packages = [{
      packageReferenceId: `1${o.AmazonOrderId.replace(/\D/g, "").slice(-12)}`,
      createdTime: isoZ(ms(pkg.shipTime)),
      packageStatus: { status, detailedStatus: status },
      carrier: o.FulfillmentChannel === "AFN" ? "AMZN" : "UPS",
      shipTime: isoZ(ms(pkg.shipTime)),
      packageItems: items.map((it) => ({
        orderItemId: it.OrderItemId,
        quantity: it.QuantityOrdered,
      })),
    }];
  }
  return out;
}

function itemJson(
  it: OrderItem,
  cur: string,
  taxInclusive: boolean,
  included: ReadonlySet<string>,
  cancelled: boolean,
  shipped: boolean,
): Record<string, unknown> {
  const product: Record<string, unknown> = {
    asin: it.ASIN,
    title: it.Title,
    sellerSku: it.SellerSKU,
    condition: { conditionType: "NEW", conditionSubtype: "NEW" },
  };
  if (it.ItemPrice) {
    product.price = {
      unitPrice: m(Math.round(minorOf(it.ItemPrice) / it.QuantityOrdered), cur),
    };
  }
  const out: Record<string, unknown> = {
    orderItemId: it.OrderItemId,
    quantityOrdered: it.QuantityOrdered,
    product,
  };
  if (included.has("PROCEEDS") && !cancelled && it.ItemPrice) {
    const item = minorOf(it.ItemPrice);
    const shipping = minorOf(it.ShippingPrice);
    const tax = minorOf(it.ItemTax);
    const discount = minorOf(it.PromotionDiscount);
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
      quantityFulfilled: shipped ? it.QuantityOrdered : 0,
      quantityUnfulfilled: shipped || cancelled ? 0 : it.QuantityOrdered,
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
    const time = (o: Order) =>
      ms(byCreation ? o.PurchaseDate : o.LastUpdateDate);
    const statuses = new Set(listOf(q.fulfillmentStatuses));
    const fulfilledBy = new Set(listOf(q.fulfilledBy));
    const marketSet = new Set(markets.length ? markets : seller.marketplaceIds);
    const matches = (o: Order) =>
      marketSet.has(o.MarketplaceId) &&
      (statuses.size === 0 ||
        statuses.has(FULFILLMENT_STATUS[o.OrderStatus])) &&
      (fulfilledBy.size === 0 ||
        fulfilledBy.has(
          o.FulfillmentChannel === "AFN" ? "AMAZON" : "MERCHANT",
        ));
    // First index after the token's position, or at `after`.
    let lo = 0, hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const t = time(list[mid]);
      const ahead = start
        ? t < start.t || (t === start.t && list[mid].AmazonOrderId <= start.id)
        : t < after;
      if (ahead) lo = mid + 1;
      else hi = mid;
    }
    const included = new Set(listOf(q.includedData));
    const page: Order[] = [];
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
          k: { b: bound, t: time(last), id: last.AmazonOrderId },
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
