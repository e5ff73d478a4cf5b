// The order page: summary, shipment, items with prices and promotions, fees
// and refunds from the financial events, returns, a timeline, and the buyer
// section — masked by default; revealed for five minutes in an htmx
// fragment that swaps itself back to the masked state when the server's
// expiry comes (`load delay`, no inline script: the CSP allows none).
import type { Lang } from "../i18n.ts";
import { formatNumber } from "../format.ts";
import { formatLocalTime, formatMoney, isoInstant } from "./_format.ts";
import { ordersCatalogue, type OrdersKey } from "./messages.ts";
import { OrderStatusBadge } from "./list.tsx";

export interface OrderView {
  storeId: string;
  storeName: string;
  amazonOrderId: string;
  merchantOrderId: string | null;
  marketplace: string;
  timeZone: string;
  status: string;
  fulfillmentChannel: string;
  salesChannel: string | null;
  orderTotal: string | null;
  currency: string | null;
  isBusiness: boolean;
  isPrime: boolean;
  shipCountry: string | null;
  purchasedAt: Date;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  items: {
    orderItemId: string;
    asin: string;
    sku: string | null;
    title: string | null;
    quantity: number;
    itemPrice: string | null;
    itemTax: string | null;
    shippingPrice: string | null;
    promotionDiscount: string | null;
    currency: string | null;
  }[];
  events: {
    eventId: string;
    eventType: string;
    postedAt: Date;
    sku: string | null;
    description: string | null;
    amount: string;
    currency: string;
  }[];
  fees: {
    eventId: string;
    lineNo: number;
    feeType: string;
    sku: string | null;
    postedAt: Date;
    amount: string;
    currency: string;
  }[];
  returns: {
    sku: string;
    asin: string | null;
    returnedAt: Date;
    quantity: number;
    disposition: string | null;
    reason: string | null;
    status: string | null;
  }[];
  timeline: { at: Date; kind: string; detail: string | null }[];
}

/** What the buyer section shows. */
export type BuyerView =
  | {
    kind: "masked";
    canReveal: boolean;
    purgeAfter: Date | null;
    error?: string | null;
    reason?: string;
  }
  | { kind: "purged"; purgedAt: Date; ruleDays: number }
  | { kind: "none" }
  | {
    kind: "revealed";
    values: Record<string, string | undefined>;
    expiresAt: Date;
    /** Seconds from now until the server's expiry. */
    hideInSeconds: number;
  };

export const BUYER_FIELD_KEYS = [
  "name",
  "email",
  "phone",
  "addressLine1",
  "addressLine2",
  "addressLine3",
  "city",
  "stateOrRegion",
  "postalCode",
  "countryCode",
] as const;

/** The path of an order's page. */
export const orderPath = (storeId: string, amazonOrderId: string) =>
  `/orders/${storeId}/${encodeURIComponent(amazonOrderId)}`;

export function OrderPage(
  p: { lang: Lang; order: OrderView; buyer: BuyerView },
) {
  const t = ordersCatalogue.translator(p.lang);
  const o = p.order;
  const at = (d: Date | null) => formatLocalTime(p.lang, d, o.timeZone);
  const Time = (x: { at: Date | null }) =>
    x.at
      ? <time datetime={isoInstant(x.at)}>{at(x.at)}</time>
      : <span>{t("order.notYet")}</span>;
  return (
    <>
      <p>
        <a href="/orders">← {t("order.back")}</a>
      </p>
      <hgroup>
        <h1>{t("order.title", { id: o.amazonOrderId })}</h1>
        <p>
          {t("order.context", {
            store: o.storeName,
            marketplace: o.marketplace,
            zone: o.timeZone,
          })}
        </p>
      </hgroup>
      <div class="grid">
        <section aria-labelledby="order-summary">
          <h2 id="order-summary">{t("order.summary")}</h2>
          <dl class="facts">
            <dt>{t("order.status")}</dt>
            <dd>
              <OrderStatusBadge lang={p.lang} status={o.status} />
            </dd>
            <dt>{t("order.total")}</dt>
            <dd class="num">{formatMoney(p.lang, o.orderTotal, o.currency)}</dd>
            <dt>{t("order.channel")}</dt>
            <dd>
              {t(`orders.channel.${o.fulfillmentChannel}` as OrdersKey)}
            </dd>
            <dt>{t("order.salesChannel")}</dt>
            <dd>{o.salesChannel ?? "—"}</dd>
            <dt>{t("order.merchantOrderId")}</dt>
            <dd>{o.merchantOrderId ?? "—"}</dd>
            <dt>{t("order.business")}</dt>
            <dd>{t(o.isBusiness ? "order.yes" : "order.no")}</dd>
            <dt>{t("order.prime")}</dt>
            <dd>{t(o.isPrime ? "order.yes" : "order.no")}</dd>
            <dt>{t("order.shipCountry")}</dt>
            <dd>{o.shipCountry ?? "—"}</dd>
          </dl>
        </section>
        <section aria-labelledby="order-shipment">
          <h2 id="order-shipment">{t("order.shipment")}</h2>
          <dl class="facts">
            <dt>{t("order.purchased")}</dt>
            <dd>
              <Time at={o.purchasedAt} />
            </dd>
            <dt>{t("order.shipped")}</dt>
            <dd>
              <Time at={o.shippedAt} />
            </dd>
            <dt>{t("order.delivered")}</dt>
            <dd>
              <Time at={o.deliveredAt} />
            </dd>
          </dl>
        </section>
      </div>
      <BuyerSection
        lang={p.lang}
        storeId={o.storeId}
        amazonOrderId={o.amazonOrderId}
        buyer={p.buyer}
        timeZone={o.timeZone}
      />
      <section aria-labelledby="order-items">
        <h2 id="order-items">{t("order.items")}</h2>
        <div class="table-wrap">
          <table class="striped index">
            <thead>
              <tr>
                <th scope="col">{t("order.col.sku")}</th>
                <th scope="col">{t("order.col.asin")}</th>
                <th scope="col">{t("order.col.title")}</th>
                <th scope="col" class="num">{t("order.col.qty")}</th>
                <th scope="col" class="num">{t("order.col.price")}</th>
                <th scope="col" class="num">{t("order.col.tax")}</th>
                <th scope="col" class="num">{t("order.col.shipping")}</th>
                <th scope="col" class="num">{t("order.col.promotion")}</th>
              </tr>
            </thead>
            <tbody>
              {o.items.map((i) => (
                <tr>
                  <td>{i.sku ?? "—"}</td>
                  <td>{i.asin}</td>
                  <td>{i.title ?? "—"}</td>
                  <td class="num">{formatNumber(p.lang, i.quantity)}</td>
                  <td class="num">
                    {formatMoney(p.lang, i.itemPrice, i.currency)}
                  </td>
                  <td class="num">
                    {formatMoney(p.lang, i.itemTax, i.currency)}
                  </td>
                  <td class="num">
                    {formatMoney(p.lang, i.shippingPrice, i.currency)}
                  </td>
                  <td class="num">
                    {formatMoney(p.lang, i.promotionDiscount, i.currency)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="order-finance">
        <h2 id="order-finance">{t("order.finance")}</h2>
        {o.events.length === 0
          ? <p>{t("order.finance.none")}</p>
          : (
            <div class="table-wrap">
              <table class="striped index">
                <thead>
                  <tr>
                    <th scope="col">{t("order.col.posted")}</th>
                    <th scope="col">{t("order.col.type")}</th>
                    <th scope="col">{t("order.col.description")}</th>
                    <th scope="col">{t("order.col.sku")}</th>
                    <th scope="col" class="num">{t("order.col.amount")}</th>
                  </tr>
                </thead>
                <tbody>
                  {o.events.map((e) => (
                    <tr>
                      <td>
                        <Time at={e.postedAt} />
                      </td>
                      <td>{e.eventType}</td>
                      <td>{e.description ?? "—"}</td>
                      <td>{e.sku ?? "—"}</td>
                      <td class="num">
                        {formatMoney(p.lang, e.amount, e.currency)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        {o.fees.length > 0 && (
          <div class="table-wrap">
            <table class="striped index">
              <caption>{t("order.fees")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("order.col.posted")}</th>
                  <th scope="col">{t("order.col.fee")}</th>
                  <th scope="col">{t("order.col.sku")}</th>
                  <th scope="col" class="num">{t("order.col.amount")}</th>
                </tr>
              </thead>
              <tbody>
                {o.fees.map((f) => (
                  <tr>
                    <td>
                      <Time at={f.postedAt} />
                    </td>
                    <td>{f.feeType}</td>
                    <td>{f.sku ?? "—"}</td>
                    <td class="num">
                      {formatMoney(p.lang, f.amount, f.currency)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="order-returns">
        <h2 id="order-returns">{t("order.returns")}</h2>
        {o.returns.length === 0
          ? <p>{t("order.returns.none")}</p>
          : (
            <div class="table-wrap">
              <table class="striped index">
                <thead>
                  <tr>
                    <th scope="col">{t("order.col.returned")}</th>
                    <th scope="col">{t("order.col.sku")}</th>
                    <th scope="col" class="num">{t("order.col.qty")}</th>
                    <th scope="col">{t("order.col.disposition")}</th>
                    <th scope="col">{t("order.col.reason")}</th>
                    <th scope="col">{t("order.col.returnStatus")}</th>
                  </tr>
                </thead>
                <tbody>
                  {o.returns.map((r) => (
                    <tr>
                      <td>
                        <Time at={r.returnedAt} />
                      </td>
                      <td>{r.sku}</td>
                      <td class="num">{formatNumber(p.lang, r.quantity)}</td>
                      <td>{r.disposition ?? "—"}</td>
                      <td>{r.reason ?? "—"}</td>
                      <td>{r.status ?? "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
      </section>
      <section aria-labelledby="order-timeline">
        <h2 id="order-timeline">{t("order.timeline")}</h2>
        <ol class="timeline">
          {o.timeline.map((e) => (
            <li>
              <Time at={e.at} /> {t(`order.tl.${e.kind}` as OrdersKey)}
              {e.detail ? ` · ${e.detail}` : ""}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

/** The buyer section: its id is the target every reveal and hide swaps. */
export function BuyerSection(
  p: {
    lang: Lang;
    storeId: string;
    amazonOrderId: string;
    buyer: BuyerView;
    timeZone: string;
  },
) {
  const t = ordersCatalogue.translator(p.lang);
  const path = orderPath(p.storeId, p.amazonOrderId);
  const b = p.buyer;
  return (
    <section id="buyer" aria-labelledby="buyer-title" class="buyer">
      <h2 id="buyer-title">{t("buyer.title")}</h2>
      {b.kind === "purged" && (
        <p data-buyer="purged">
          {t("buyer.purged", {
            days: b.ruleDays,
            at: formatLocalTime(p.lang, b.purgedAt, "UTC") + " UTC",
          })}
        </p>
      )}
      {b.kind === "none" && <p data-buyer="none">{t("buyer.none")}</p>}
      {b.kind === "masked" && (
        <div data-buyer="masked">
          <p>{t("buyer.maskedNote")}</p>
          {b.purgeAfter && (
            <p>
              <small>
                {t("buyer.held", {
                  at: formatLocalTime(p.lang, b.purgeAfter, "UTC") + " UTC",
                })}
              </small>
            </p>
          )}
          <dl class="facts">
            {BUYER_FIELD_KEYS.map((k) => (
              <>
                <dt>{t(`buyer.${k}`)}</dt>
                <dd>
                  <span class="masked">{t("buyer.masked")}</span>
                </dd>
              </>
            ))}
          </dl>
          {b.error && <p class="error" role="alert">{b.error}</p>}
          {b.canReveal
            ? (
              <form
                method="post"
                action={`${path}/reveal`}
                data-hx-post={`${path}/reveal`}
                data-hx-target="#buyer"
                data-hx-swap="outerHTML"
                class="reveal"
              >
                <label>
                  {t("buyer.reason")}
                  <input
                    type="text"
                    name="reason"
                    required
                    minlength={10}
                    maxlength={500}
                    autocomplete="off"
                    value={b.reason ?? ""}
                  />
                </label>
                <button type="submit">{t("buyer.reveal")}</button>
              </form>
            )
            : <p>{t("buyer.noPermission")}</p>}
        </div>
      )}
      {b.kind === "revealed" && (
        <div
          data-buyer="revealed"
          data-hx-get={`${path}/buyer`}
          data-hx-trigger={`load delay:${Math.max(1, b.hideInSeconds)}s`}
          data-hx-target="#buyer"
          data-hx-swap="outerHTML"
        >
          <p role="status">
            {t("buyer.shownUntil", {
              at: formatLocalTime(p.lang, b.expiresAt, p.timeZone),
            })}{" "}
            <time datetime={isoInstant(b.expiresAt)} class="visually-hidden">
              {isoInstant(b.expiresAt)}
            </time>
          </p>
          <dl class="facts">
            {BUYER_FIELD_KEYS.filter((k) => b.values[k]).map((k) => (
              <>
                <dt>{t(`buyer.${k}`)}</dt>
                <dd>{b.values[k]}</dd>
              </>
            ))}
          </dl>
          <p>
            <a
              href={path}
              data-hx-get={`${path}/buyer`}
              data-hx-target="#buyer"
              data-hx-swap="outerHTML"
            >
              {t("buyer.hide")}
            </a>
          </p>
        </div>
      )}
    </section>
  );
}
