// The product page: its catalog record, the period's figures, trend charts
// (units and sales per day, one chart per currency; sessions per day) drawn
// by views/charts/daily_bars.tsx with the same figures in a table, its
// listings per marketplace, and a link to its recent orders.
import type { Lang } from "../i18n.ts";
import { formatMoney, formatNumber, formatUtcMinutes } from "../format.ts";
import { DailyBars } from "../charts/daily_bars.tsx";
import { ListingBadge } from "./list.tsx";
import { productsCatalogue } from "./messages.ts";

export interface ProductView {
  storeId: string;
  storeName: string;
  asin: string;
  title: string | null;
  brand: string | null;
  category: string | null;
  skus: string[];
  primaryMarketplaceId: string | null;
  listings: {
    marketplaceId: string;
    countryCode: string | null;
    sku: string;
    itemName: string | null;
    status: string[];
    price: string | null;
    currency: string | null;
    fulfillmentChannel: string | null;
    lastUpdatedAt: Date | null;
  }[];
  period: { from: string; to: string };
  sales:
    | {
      currency: string;
      days: { day: string; units: number; orders: number; sales: string }[];
    }[]
    | null;
  returns: number | null;
  traffic: { day: string; sessions: number; pageViews: number }[] | null;
  timeZones: string[];
}

export interface ProductPageProps {
  lang: Lang;
  product: ProductView;
  /** The list's address to go back to. */
  back: string;
  /** The orders list filtered by this ASIN, or null without orders.read. */
  ordersHref: string | null;
  presets: { days: number; href: string; current: boolean }[];
}

export function ProductPage(p: ProductPageProps) {
  const t = productsCatalogue.translator(p.lang);
  const o = p.product;
  const n = (v: number) => formatNumber(p.lang, v);
  const zones = o.timeZones.join(", ") || "UTC";
  const { from, to } = o.period;
  const totalUnits = (o.sales ?? []).reduce(
    (s, c) => s + c.days.reduce((u, d) => u + d.units, 0),
    0,
  );
  return (
    <>
      <p>
        <a href={p.back}>← {t("product.back")}</a>
      </p>
      <header class="page-header">
        <hgroup>
          <h1>{o.title ?? t("products.noTitle")}</h1>
          <p>
            <code>{o.asin}</code> · {t("product.context", {
              store: o.storeName,
              skus: o.skus.join(", ") || "—",
              from,
              to,
              zones,
            })}
          </p>
        </hgroup>
        {p.ordersHref && (
          <a
            href={p.ordersHref}
            role="button"
            class="secondary outline primary-action"
          >
            {t("product.orders")}
          </a>
        )}
      </header>
      <nav aria-label={t("products.period")} class="presets">
        <ul>
          {p.presets.map((x) => (
            <li>
              <a href={x.href} aria-current={x.current ? "true" : undefined}>
                {t("products.preset", { days: x.days })}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <section aria-labelledby="product-summary">
        <h2 id="product-summary">{t("product.summary")}</h2>
        <dl class="facts">
          <dt>{t("product.brand")}</dt>
          <dd>{o.brand ?? "—"}</dd>
          <dt>{t("product.category")}</dt>
          <dd>{o.category ?? "—"}</dd>
          {o.sales !== null && (
            <>
              <dt>{t("product.units")}</dt>
              <dd class="num">{n(totalUnits)}</dd>
              {o.sales.map((c) => (
                <>
                  <dt>{t("product.sales", { currency: c.currency })}</dt>
                  <dd class="num" data-currency={c.currency}>
                    {formatMoney(
                      p.lang,
                      c.days.reduce((s, d) => s + Number(d.sales), 0),
                      c.currency,
                    )}
                  </dd>
                </>
              ))}
              <dt>{t("product.returns")}</dt>
              <dd class="num">{n(o.returns ?? 0)}</dd>
            </>
          )}
          {o.traffic !== null && (
            <>
              <dt>{t("product.sessions")}</dt>
              <dd class="num">
                {n(o.traffic.reduce((s, d) => s + d.sessions, 0))}
              </dd>
              <dt>{t("product.pageViews")}</dt>
              <dd class="num">
                {n(o.traffic.reduce((s, d) => s + d.pageViews, 0))}
              </dd>
            </>
          )}
        </dl>
        {o.sales !== null && o.sales.length === 0 && (
          <p class="empty">{t("product.noSales")}</p>
        )}
      </section>
      {o.sales?.map((c, i) => {
        const values = c.days.map((d) => Number(d.sales));
        const max = Math.max(0, ...values);
        const money = (v: number | string, compact = false) =>
          formatMoney(p.lang, v, c.currency, { compact });
        return (
          <DailyBars
            id={`product-sales-${i}`}
            caption={t("product.chart.sales.caption", {
              currency: c.currency,
              from,
              to,
              zones,
            })}
            description={t("product.chart.sales.desc", {
              currency: c.currency,
              from,
              to,
              total: money(values.reduce((s, v) => s + v, 0)),
              units: n(c.days.reduce((s, d) => s + d.units, 0)),
              max: money(max),
              maxDay: c.days[values.indexOf(max)]?.day ?? "",
            })}
            legend={{
              bars: t("product.chart.sales.legend"),
              average: t("product.chart.average"),
            }}
            averageDays={7}
            tick={(v) => money(v, true)}
            days={c.days.map((d, k) => ({
              day: d.day,
              value: values[k],
              title: t("product.chart.sales.point", {
                day: d.day,
                sales: money(d.sales),
                units: n(d.units),
                orders: n(d.orders),
              }),
              cells: [money(d.sales), n(d.units), n(d.orders)],
            }))}
            table={{
              summary: t("product.chart.sales.table", {
                currency: c.currency,
              }),
              day: t("product.chart.day"),
              headers: [
                t("products.col.sales"),
                t("products.col.units"),
                t("product.chart.orders"),
              ],
            }}
          />
        );
      })}
      {o.traffic !== null && (() => {
        const values = o.traffic.map((d) => d.sessions);
        const max = Math.max(0, ...values);
        return (
          <DailyBars
            id="product-sessions"
            svgClass="sales-chart sessions-chart"
            caption={t("product.chart.sessions.caption", { from, to })}
            description={t("product.chart.sessions.desc", {
              from,
              to,
              total: n(values.reduce((s, v) => s + v, 0)),
              pageViews: n(o.traffic.reduce((s, d) => s + d.pageViews, 0)),
              max: n(max),
              maxDay: o.traffic[values.indexOf(max)]?.day ?? "",
            })}
            legend={{ bars: t("product.chart.sessions.legend") }}
            tick={(v) => n(v)}
            days={o.traffic.map((d) => ({
              day: d.day,
              value: d.sessions,
              title: t("product.chart.sessions.point", {
                day: d.day,
                sessions: n(d.sessions),
                pageViews: n(d.pageViews),
              }),
              cells: [n(d.sessions), n(d.pageViews)],
            }))}
            table={{
              summary: t("product.chart.sessions.table"),
              day: t("product.chart.day"),
              headers: [
                t("products.col.sessions"),
                t("products.col.pageViews"),
              ],
            }}
          />
        );
      })()}
      <section aria-labelledby="product-listings">
        <h2 id="product-listings">{t("product.listings")}</h2>
        {o.listings.length === 0
          ? <p class="empty">{t("product.listings.none")}</p>
          : (
            <div class="table-wrap">
              <table class="striped index listings">
                <thead>
                  <tr>
                    <th scope="col">{t("product.col.marketplace")}</th>
                    <th scope="col">{t("product.col.sku")}</th>
                    <th scope="col">{t("product.col.title")}</th>
                    <th scope="col">{t("product.col.status")}</th>
                    <th scope="col" class="num">{t("product.col.price")}</th>
                    <th scope="col">{t("product.col.channel")}</th>
                    <th scope="col">{t("product.col.updated")}</th>
                  </tr>
                </thead>
                <tbody>
                  {o.listings.map((l) => (
                    <tr data-marketplace={l.marketplaceId}>
                      <td>
                        {l.countryCode ?? l.marketplaceId}
                        {l.marketplaceId === o.primaryMarketplaceId && (
                          <>
                            {" "}
                            <small>({t("product.primary")})</small>
                          </>
                        )}
                      </td>
                      <td>{l.sku}</td>
                      <td>{l.itemName ?? "—"}</td>
                      <td>
                        <ListingBadge
                          lang={p.lang}
                          listing={{
                            buyable: l.status.includes("BUYABLE"),
                            statuses: l.status.join(" "),
                          }}
                        />
                      </td>
                      <td class="num">
                        {l.price !== null && l.currency
                          ? formatMoney(p.lang, l.price, l.currency)
                          : "—"}
                      </td>
                      <td>{l.fulfillmentChannel ?? "—"}</td>
                      <td>
                        {l.lastUpdatedAt
                          ? (
                            <time datetime={l.lastUpdatedAt.toISOString()}>
                              {formatUtcMinutes(l.lastUpdatedAt)}
                            </time>
                          )
                          : "—"}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
      </section>
    </>
  );
}
