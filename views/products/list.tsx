// /products: filters and the period in a GET form (every filter, sort and
// page lives in the URL), period presets as links, a compact index table
// with numbers right-aligned, amounts in their own currency (a row's sales
// list one line per currency), a keyset pager and the filtered set's
// totals per currency.
import { Badge } from "../badge.tsx";
import {
  choice,
  ListActions,
  MarketplaceField,
  OrderFields,
  StoreField,
} from "../list_controls.tsx";
import type { Lang } from "../i18n.ts";
import { formatMoney, formatNumber } from "../format.ts";
import { productsCatalogue, type ProductsKey } from "./messages.ts";

export interface AmountView {
  currency: string;
  amount: string;
}

export interface ProductRowView {
  storeId: string;
  storeName: string;
  marketplaceId: string;
  /** Its country code, as the table shows it. */
  marketplace: string;
  asin: string;
  title: string | null;
  skus: string[];
  listing: { buyable: boolean; statuses: string } | null;
  price: AmountView | null;
  units: number | null;
  sales: AmountView[] | null;
  returns: number | null;
  returnRate: string | null;
  sessions: number | null;
  pageViews: number | null;
  unitSessionPercentage: string | null;
  buyBoxPercentage: string | null;
  /** The product page's address, with the period. */
  href: string;
}

export interface ProductsFilterView {
  store: string;
  marketplace: string;
  status: string;
  from: string;
  to: string;
  q: string;
  sort: string;
  dir: string;
  size: number;
}

export interface ProductsPageProps {
  lang: Lang;
  filter: ProductsFilterView;
  stores: { id: string; name: string }[];
  marketplaces: { id: string; countryCode: string; timeZone: string }[];
  states: readonly string[];
  sorts: readonly string[];
  sizes: readonly number[];
  /** The presets' addresses, by number of days. */
  presets: { days: number; href: string; current: boolean }[];
  figures: { sales: boolean; traffic: boolean };
  rows: ProductRowView[];
  totals: {
    products: number;
    units: number;
    returns: number;
    sessions: number;
    sales: AmountView[];
  } | null;
  nextQuery: string | null;
  prevQuery: string | null;
  /** The filters alone (no page), for the export and "first page". */
  filterQuery: string;
  filtered: boolean;
  badFilter: boolean;
  canExport: boolean;
  frozen: boolean;
}

const percents = new Map<Lang, Intl.NumberFormat>();

/** "12.5%" from a percentage as decimal text ("12.50"); "—" for null. */
export function formatPercent(lang: Lang, pct: string | null): string {
  if (pct === null) return "—";
  let f = percents.get(lang);
  if (!f) {
    f = new Intl.NumberFormat(lang, {
      style: "percent",
      maximumFractionDigits: 2,
    });
    percents.set(lang, f);
  }
  return f.format(Number(pct) / 100);
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

/** A listing's state as a badge. */
export function ListingBadge(
  p: { lang: Lang; listing: { buyable: boolean; statuses: string } | null },
) {
  const t = productsCatalogue.translator(p.lang);
  if (p.listing === null) {
    return (
      <Badge
        tone="grey"
        icon="○"
        label={t("products.state.unlisted")}
        state="unlisted"
      />
    );
  }
  return p.listing.buyable
    ? (
      <Badge
        tone="green"
        icon="✓"
        label={t("products.state.buyable")}
        state="buyable"
        title={p.listing.statuses}
      />
    )
    : (
      <Badge
        tone="amber"
        icon="!"
        label={t("products.state.notBuyable")}
        state="notBuyable"
        title={p.listing.statuses}
      />
    );
}

/** Amounts one per line, each in its currency. */
export function Amounts(p: { lang: Lang; amounts: AmountView[] | null }) {
  if (p.amounts === null || p.amounts.length === 0) return <>—</>;
  return (
    <>
      {p.amounts.map((a, i) => (
        <>
          {i > 0 && <br />}
          <span data-currency={a.currency}>
            {formatMoney(p.lang, a.amount, a.currency)}
          </span>
        </>
      ))}
    </>
  );
}

export function ProductsPage(p: ProductsPageProps) {
  const t = productsCatalogue.translator(p.lang);
  const f = p.filter;
  const option = choice;
  const n = (v: number | null) => formatNumber(p.lang, v);
  return (
    <>
      <header class="page-header">
        <hgroup>
          <h1>{t("products.title")}</h1>
          <p>
            {t("products.intro", {
              from: f.from,
              to: f.to,
              zones: zonesText(p.marketplaces),
            })}
          </p>
        </hgroup>
      </header>
      {p.badFilter && (
        <p class="error" role="alert">{t("products.badFilter")}</p>
      )}
      {!p.figures.sales && <p class="notice">{t("products.figuresHidden")}</p>}
      {p.figures.sales && !p.figures.traffic && (
        <p class="notice">{t("products.trafficHidden")}</p>
      )}
      {p.frozen && p.canExport && (
        <p class="notice" role="status">{t("products.frozen")}</p>
      )}
      <nav aria-label={t("products.period")} class="presets">
        <ul>
          {p.presets.map((x) => (
            <li>
              <a
                href={x.href}
                aria-current={x.current ? "true" : undefined}
              >
                {t("products.preset", { days: x.days })}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <form method="get" action="/products" class="filters" role="search">
        <fieldset class="grid">
          <StoreField
            label={t("products.field.store")}
            allLabel={t("products.allStores")}
            stores={p.stores}
            current={f.store}
          />
          <MarketplaceField
            label={t("products.field.marketplace")}
            anyLabel={t("products.any")}
            marketplaces={p.marketplaces}
            current={f.marketplace}
          />
          <label>
            {t("products.field.status")}
            <select name="status">
              {option("", t("products.any"), f.status)}
              {p.states.map((s) =>
                option(s, t(`products.state.${s}` as ProductsKey), f.status)
              )}
            </select>
          </label>
          <label>
            {t("products.field.q")}
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
          <label>
            {t("products.field.from")}
            <input type="date" name="from" value={f.from} />
          </label>
          <label>
            {t("products.field.to")}
            <input type="date" name="to" value={f.to} />
          </label>
          <OrderFields
            lang={p.lang}
            labels={{
              sort: t("products.field.sort"),
              dir: t("products.field.dir"),
              size: t("products.field.size"),
              asc: t("products.dir.asc"),
              desc: t("products.dir.desc"),
            }}
            sorts={p.sorts.map((s) => ({
              value: s,
              label: t(`products.sort.${s}` as ProductsKey),
            }))}
            sizes={p.sizes}
            current={f}
          />
        </fieldset>
        <ListActions
          path="/products"
          labels={{
            apply: t("products.apply"),
            reset: t("products.reset"),
            export: t("products.export"),
          }}
          canExport={p.canExport && !p.frozen}
          filterQuery={p.filterQuery}
        />
      </form>
      {p.rows.length === 0
        ? (
          <div class="empty-state">
            <p>
              {t(
                p.filtered ? "products.empty.filtered" : "products.empty.none",
              )}
            </p>
          </div>
        )
        : (
          <div class="table-wrap">
            <table class="striped index products">
              <caption class="visually-hidden">
                {t("products.caption", { count: n(p.rows.length) })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("products.col.product")}</th>
                  <th scope="col">{t("products.col.store")}</th>
                  <th scope="col">{t("products.col.marketplace")}</th>
                  <th scope="col">{t("products.col.status")}</th>
                  <th scope="col" class="num">{t("products.col.price")}</th>
                  {p.figures.traffic && (
                    <>
                      <th scope="col" class="num">
                        {t("products.col.sessions")}
                      </th>
                      <th scope="col" class="num">
                        {t("products.col.pageViews")}
                      </th>
                      <th scope="col" class="num">
                        {t("products.col.unitSession")}
                      </th>
                      <th scope="col" class="num">
                        {t("products.col.buyBox")}
                      </th>
                    </>
                  )}
                  {p.figures.sales && (
                    <>
                      <th scope="col" class="num">
                        {t("products.col.units")}
                      </th>
                      <th scope="col" class="num">
                        {t("products.col.sales")}
                      </th>
                      <th scope="col" class="num">
                        {t("products.col.returns")}
                      </th>
                      <th scope="col" class="num">
                        {t("products.col.returnRate")}
                      </th>
                    </>
                  )}
                </tr>
              </thead>
              <tbody>
                {p.rows.map((r) => (
                  <tr data-key={`${r.storeId}/${r.marketplaceId}/${r.asin}`}>
                    <td>
                      <a href={r.href} class="product-link">
                        {r.title ?? t("products.noTitle")}
                      </a>
                      <br />
                      <small>
                        <code>{r.asin}</code> ·{" "}
                        {r.skus.length
                          ? r.skus.join(", ")
                          : t("products.noSkus")}
                      </small>
                    </td>
                    <td>{r.storeName}</td>
                    <td>{r.marketplace}</td>
                    <td>
                      <ListingBadge lang={p.lang} listing={r.listing} />
                    </td>
                    <td class="num">
                      <Amounts
                        lang={p.lang}
                        amounts={r.price ? [r.price] : null}
                      />
                    </td>
                    {p.figures.traffic && (
                      <>
                        <td class="num">{n(r.sessions)}</td>
                        <td class="num">{n(r.pageViews)}</td>
                        <td class="num">
                          {formatPercent(p.lang, r.unitSessionPercentage)}
                        </td>
                        <td class="num">
                          {formatPercent(p.lang, r.buyBoxPercentage)}
                        </td>
                      </>
                    )}
                    {p.figures.sales && (
                      <>
                        <td class="num">{n(r.units)}</td>
                        <td class="num">
                          <Amounts lang={p.lang} amounts={r.sales} />
                        </td>
                        <td class="num">{n(r.returns)}</td>
                        <td class="num">
                          {formatPercent(p.lang, r.returnRate)}
                        </td>
                      </>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <nav aria-label={t("products.pager")} class="pager">
        <ul>
          {p.prevQuery !== null && (
            <li>
              <a href={`/products?${p.filterQuery}`}>{t("products.first")}</a>
            </li>
          )}
          {p.prevQuery !== null && (
            <li>
              <a href={`/products?${p.prevQuery}`} rel="prev">
                {"← "}
                {t("products.previous")}
              </a>
            </li>
          )}
          {p.nextQuery !== null && (
            <li>
              <a href={`/products?${p.nextQuery}`} rel="next">
                {t("products.next")}
                {" →"}
              </a>
            </li>
          )}
        </ul>
      </nav>
      {p.totals && p.rows.length > 0 && (
        <section id="product-totals" aria-labelledby="product-totals-title">
          <p id="product-totals-title">
            {t("products.totals", {
              products: n(p.totals.products),
              units: n(p.totals.units),
              returns: n(p.totals.returns),
              sessions: n(p.totals.sessions),
            })}
          </p>
          {p.totals.sales.length > 0 && (
            <table class="totals">
              <caption>{t("products.totals.sales")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("products.col.currency")}</th>
                  <th scope="col" class="num">{t("products.col.sales")}</th>
                </tr>
              </thead>
              <tbody>
                {p.totals.sales.map((x) => (
                  <tr data-currency={x.currency}>
                    <th scope="row">{x.currency}</th>
                    <td class="num">
                      {formatMoney(p.lang, x.amount, x.currency)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </>
  );
}

/** An export that may not run, and the way back to the list. */
export function ProductExportRefused(
  p: { lang: Lang; code: string; minutes: number; back: string },
) {
  const t = productsCatalogue.translator(p.lang);
  return (
    <>
      <h1>{t("products.title")}</h1>
      <p class="error" role="alert">
        {t(`export.error.${p.code}` as ProductsKey, { minutes: p.minutes })}
      </p>
      <p>
        <a href={p.back}>{t("export.back")}</a>
      </p>
    </>
  );
}
