// /orders: filters in a GET form (every filter, sort and page lives in the
// URL), a compact index table with numbers right-aligned, a keyset pager
// ("Newer"/"Older"), the per-currency totals (loaded as a fragment: they
// read the whole filtered set, the page does not), and the exports.
import { Badge, type Tone } from "../badge.tsx";
import {
  choice,
  ListActions,
  MarketplaceField,
  OrderFields,
  StoreField,
} from "../list_controls.tsx";
import type { Lang } from "../i18n.ts";
import { formatNumber } from "../format.ts";
import { formatLocalTime, formatMoney, isoInstant } from "./_format.ts";
import { ordersCatalogue, type OrdersKey } from "./messages.ts";

export interface OrderRowView {
  storeId: string;
  storeName: string;
  amazonOrderId: string;
  marketplace: string;
  status: string;
  fulfillmentChannel: string;
  orderTotal: string | null;
  currency: string | null;
  purchasedAt: Date;
  timeZone: string;
  units: number;
}

export interface OrdersFilterView {
  store: string;
  marketplace: string;
  status: string;
  channel: string;
  from: string;
  to: string;
  q: string;
  sort: string;
  dir: string;
  size: number;
}

export interface OrdersPageProps {
  lang: Lang;
  filter: OrdersFilterView;
  stores: { id: string; name: string }[];
  marketplaces: { id: string; countryCode: string; timeZone: string }[];
  statuses: readonly string[];
  sorts: readonly string[];
  sizes: readonly number[];
  rows: OrderRowView[];
  /** Query strings of the neighbouring pages, or null at an end. */
  nextQuery: string | null;
  prevQuery: string | null;
  /** The filters alone (no page), for totals, exports and "first page". */
  filterQuery: string;
  /** The filters narrow the list (the empty state says so). */
  filtered: boolean;
  badFilter: boolean;
  /** Date fields that are not real YYYY-MM-DD dates (marked beside them). */
  badDates?: { from: boolean; to: boolean };
  canExport: boolean;
  canExportPii: boolean;
  /** Null when the person may not change the freeze. */
  canFreeze: boolean;
  frozen: boolean;
  /** Export refusal shown above the table (a message code), if any. */
  exportError?: { code: string; minutes?: number } | null;
}

const STATUS_TONE: Record<string, Tone> = {
  Pending: "grey",
  PendingAvailability: "grey",
  Unshipped: "amber",
  PartiallyShipped: "blue",
  Shipped: "blue",
  Delivered: "green",
  InvoiceUnconfirmed: "amber",
  Canceled: "purple",
  Unfulfillable: "red",
};

/** An order status as a badge, in the reader's language. */
export function OrderStatusBadge(p: { lang: Lang; status: string }) {
  const key = `orders.status.${p.status}`;
  const label = ordersCatalogue.has(key)
    ? ordersCatalogue.t(p.lang, key)
    : p.status;
  return (
    <Badge
      tone={STATUS_TONE[p.status] ?? "grey"}
      icon="●"
      label={label}
      state={p.status}
    />
  );
}

/** "US (America/Los_Angeles), DE (Europe/Berlin)". */
export function zonesText(
  marketplaces: { countryCode: string; timeZone: string }[],
): string {
  const seen = new Map<string, string[]>();
  for (const m of marketplaces) {
    seen.set(m.timeZone, [...(seen.get(m.timeZone) ?? []), m.countryCode]);
  }
  return [...seen].map(([zone, codes]) => `${codes.join("/")} (${zone})`)
    .join(", ") || "UTC";
}

export function OrdersPage(p: OrdersPageProps) {
  const t = ordersCatalogue.translator(p.lang);
  const f = p.filter;
  const dateSort = f.sort === "date";
  const forwardLabel: OrdersKey = dateSort
    ? (f.dir === "desc" ? "orders.older" : "orders.newer")
    : "orders.next";
  const backLabel: OrdersKey = dateSort
    ? (f.dir === "desc" ? "orders.newer" : "orders.older")
    : "orders.previous";
  const option = choice;
  return (
    <>
      <hgroup>
        <h1>{t("orders.title")}</h1>
        <p>{t("orders.intro", { zones: zonesText(p.marketplaces) })}</p>
      </hgroup>
      {p.frozen && <p class="error" role="status">{t("orders.frozen")}</p>}
      {p.badFilter && <p class="error" role="alert">{t("orders.badFilter")}</p>}
      {p.exportError && (
        <p class="error" role="alert">
          {t(`export.error.${p.exportError.code}` as OrdersKey, {
            minutes: p.exportError.minutes ?? 1,
          })}
        </p>
      )}
      <form method="get" action="/orders" class="filters" role="search">
        <fieldset class="grid">
          <StoreField
            label={t("orders.field.store")}
            allLabel={t("orders.allStores")}
            stores={p.stores}
            current={f.store}
          />
          <MarketplaceField
            label={t("orders.field.marketplace")}
            anyLabel={t("orders.any")}
            marketplaces={p.marketplaces}
            current={f.marketplace}
          />
          <label>
            {t("orders.field.status")}
            <select name="status">
              {option("", t("orders.any"), f.status)}
              {p.statuses.map((s) =>
                option(s, t(`orders.status.${s}` as OrdersKey), f.status)
              )}
            </select>
          </label>
          <label>
            {t("orders.field.channel")}
            <select name="channel">
              {option("", t("orders.any"), f.channel)}
              {option("AFN", t("orders.channel.AFN"), f.channel)}
              {option("MFN", t("orders.channel.MFN"), f.channel)}
            </select>
          </label>
        </fieldset>
        <fieldset class="grid">
          <label>
            {t("orders.field.from")}
            <input
              type="date"
              name="from"
              value={f.from}
              aria-invalid={p.badDates?.from ? "true" : undefined}
              aria-describedby={p.badDates?.from ? "from-error" : undefined}
            />
            {p.badDates?.from && (
              <small id="from-error" class="error">
                {t("orders.badDate")}
              </small>
            )}
          </label>
          <label>
            {t("orders.field.to")}
            <input
              type="date"
              name="to"
              value={f.to}
              aria-invalid={p.badDates?.to ? "true" : undefined}
              aria-describedby={p.badDates?.to ? "to-error" : undefined}
            />
            {p.badDates?.to && (
              <small id="to-error" class="error">{t("orders.badDate")}</small>
            )}
          </label>
          <label>
            {t("orders.field.q")}
            <input
              type="search"
              name="q"
              value={f.q}
              maxlength={64}
              autocomplete="off"
            />
          </label>
        </fieldset>
        <fieldset class="grid">
          <OrderFields
            lang={p.lang}
            labels={{
              sort: t("orders.field.sort"),
              dir: t("orders.field.dir"),
              size: t("orders.field.size"),
              asc: t("orders.dir.asc"),
              desc: t("orders.dir.desc"),
            }}
            sorts={p.sorts.map((s) => ({
              value: s,
              label: t(`orders.sort.${s}` as OrdersKey),
            }))}
            sizes={p.sizes}
            current={f}
          />
        </fieldset>
        <ListActions
          path="/orders"
          labels={{
            apply: t("orders.apply"),
            reset: t("orders.reset"),
            export: t("orders.export"),
          }}
          canExport={p.canExport && !p.frozen}
          filterQuery={p.filterQuery}
        />
      </form>
      {p.rows.length === 0
        ? (
          <p class="empty">
            {t(p.filtered ? "orders.empty.filtered" : "orders.empty.none")}
          </p>
        )
        : (
          <div class="table-wrap">
            <table class="striped index">
              <caption class="visually-hidden">
                {t("orders.caption", {
                  count: formatNumber(p.lang, p.rows.length),
                })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("orders.col.order")}</th>
                  <th scope="col">{t("orders.col.store")}</th>
                  <th scope="col">{t("orders.col.marketplace")}</th>
                  <th scope="col">{t("orders.col.purchased")}</th>
                  <th scope="col">{t("orders.col.status")}</th>
                  <th scope="col">{t("orders.col.channel")}</th>
                  <th scope="col" class="num">{t("orders.col.units")}</th>
                  <th scope="col" class="num">{t("orders.col.total")}</th>
                </tr>
              </thead>
              <tbody>
                {p.rows.map((r) => (
                  <tr>
                    <td>
                      <a
                        href={`/orders/${r.storeId}/${
                          encodeURIComponent(r.amazonOrderId)
                        }`}
                      >
                        {r.amazonOrderId}
                      </a>
                    </td>
                    <td>{r.storeName}</td>
                    <td>{r.marketplace}</td>
                    <td>
                      <time
                        datetime={isoInstant(r.purchasedAt)}
                        title={r.timeZone}
                      >
                        {formatLocalTime(p.lang, r.purchasedAt, r.timeZone)}
                      </time>
                    </td>
                    <td>
                      <OrderStatusBadge lang={p.lang} status={r.status} />
                    </td>
                    <td>{r.fulfillmentChannel}</td>
                    <td class="num">{formatNumber(p.lang, r.units)}</td>
                    <td class="num">
                      {formatMoney(p.lang, r.orderTotal, r.currency)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <nav aria-label={t("orders.pager")} class="pager">
        <ul>
          {p.prevQuery !== null && (
            <li>
              <a href={`/orders?${p.filterQuery}`}>{t("orders.first")}</a>
            </li>
          )}
          {p.prevQuery !== null && (
            <li>
              <a href={`/orders?${p.prevQuery}`} rel="prev">
                {"← "}
                {t(backLabel)}
              </a>
            </li>
          )}
          {p.nextQuery !== null && (
            <li>
              <a href={`/orders?${p.nextQuery}`} rel="next">
                {t(forwardLabel)}
                {" →"}
              </a>
            </li>
          )}
        </ul>
      </nav>
      {p.rows.length > 0 && (
        <section id="order-totals" aria-live="polite">
          <a
            href={`/orders/totals${p.filterQuery ? `?${p.filterQuery}` : ""}`}
            data-hx-get={`/orders/totals${
              p.filterQuery ? `?${p.filterQuery}` : ""
            }`}
            data-hx-trigger="load"
            data-hx-target="#order-totals"
            data-hx-swap="innerHTML"
          >
            {t("orders.totals.load")}
          </a>
        </section>
      )}
      {p.canExportPii && !p.frozen && (
        <details>
          <summary>{t("orders.exportPii")}</summary>
          <form method="post" action="/orders.csv">
            <p>
              <small>{t("orders.exportPii.help")}</small>
            </p>
            {hiddenFilters(f)}
            <label>
              {t("orders.reason")}
              <input
                type="text"
                name="reason"
                required
                minlength={10}
                maxlength={500}
                autocomplete="off"
              />
            </label>
            <button type="submit" class="secondary">
              {t("orders.exportPii")}
            </button>
          </form>
        </details>
      )}
      {p.canFreeze && (
        <form method="post" action="/orders/freeze" class="inline freeze">
          <span>
            {t(p.frozen ? "orders.freeze.state.on" : "orders.freeze.state.off")}
          </span>
          <input type="hidden" name="frozen" value={p.frozen ? "0" : "1"} />
          <button type="submit" class="secondary outline">
            {t(p.frozen ? "orders.unfreeze" : "orders.freeze")}
          </button>
        </form>
      )}
    </>
  );
}

/** The filters as hidden fields (the buyer-data export form posts them). */
function hiddenFilters(f: OrdersFilterView) {
  const keys = [
    "store",
    "marketplace",
    "status",
    "channel",
    "from",
    "to",
    "q",
    "sort",
    "dir",
  ] as const;
  return keys.filter((k) => f[k] !== "").map((k) => (
    <input type="hidden" name={k} value={f[k]} />
  ));
}

export interface TotalsView {
  currency: string | null;
  orders: number;
  total: string | null;
}

/** The per-currency totals of the filtered set (an htmx fragment). */
export function OrderTotals(p: { lang: Lang; totals: TotalsView[] }) {
  const t = ordersCatalogue.translator(p.lang);
  return (
    <table class="totals">
      <caption>{t("orders.totals")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("orders.col.currency")}</th>
          <th scope="col" class="num">{t("orders.col.orders")}</th>
          <th scope="col" class="num">{t("orders.col.total")}</th>
        </tr>
      </thead>
      <tbody>
        {p.totals.map((x) => (
          <tr data-currency={x.currency ?? ""}>
            <th scope="row">{x.currency ?? t("orders.noCurrency")}</th>
            <td class="num">{formatNumber(p.lang, x.orders)}</td>
            <td class="num">{formatMoney(p.lang, x.total, x.currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** An export that may not run, and the way back to the list. */
export function ExportRefused(
  p: { lang: Lang; code: string; minutes: number; back: string },
) {
  const t = ordersCatalogue.translator(p.lang);
  return (
    <>
      <h1>{t("orders.title")}</h1>
      <p class="error" role="alert">
        {t(`export.error.${p.code}` as OrdersKey, { minutes: p.minutes })}
      </p>
      <p>
        <a href={p.back}>{t("order.back")}</a>
      </p>
    </>
  );
}
