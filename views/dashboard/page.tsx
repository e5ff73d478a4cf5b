// The dashboard `/`: what operations, support and management open every
// morning. Plain data in (lib/dashboard/overview.ts reads it), HTML out.
import { type Lang, translator } from "../i18n.ts";
import { word } from "../words.ts";
import { formatChange, formatMoney, formatNumber, UTC } from "../format.ts";
import { Time } from "../time.tsx";
import { StateBadge } from "../badge.tsx";
import { Badge } from "../badge.tsx";
import { hasSyncMessage, t as syncT } from "../sync/messages.ts";
import { type ChartDay, SalesChart } from "./chart.tsx";
import { dashboardT } from "./messages.ts";

interface Figures {
  orders: number;
  pricedOrders: number;
  units: number;
  sales: string;
}

interface ProductMove {
  asin: string;
  title: string | null;
  currency: string;
  units: number;
  sales: string;
  previousSales: string;
}

export interface DashboardProps {
  lang: Lang;
  /**
   * The reader's time zone, for instants (last sync); the sales days stay
   * in each marketplace's own zone.
   */
  zone?: string;
  /** "All 3 of your stores" or the one store's name. */
  store: { name: string } | { count: number };
  sales: {
    timeZones: string[];
    today: string;
    periods: {
      days: 1 | 7 | 30;
      currency: string;
      current: Figures;
      previous: Figures;
    }[];
    trend: (ChartDay & { currency: string })[];
    top: ProductMove[];
    falling: ProductMove[];
  };
  inventory: {
    alerts: {
      storeId: string;
      storeName: string;
      marketplaceId: string;
      sku: string;
      asin: string;
      fulfillable: number;
      unfulfillable: number;
      units30: number;
      daysOfCover: number | null;
      thresholdDays: number;
      kinds: ("low_cover" | "unfulfillable" | "stranded")[];
    }[];
    more: number;
    /** The selected stores' own thresholds, distinct, smallest first. */
    thresholds: number[];
  } | null;
  sync: {
    storeId: string;
    name: string;
    status: string;
    datasets: {
      dataset: string;
      lastSuccessAt: Date | null;
      failing: boolean;
      running: boolean;
      failedRunId: string | null;
    }[];
  }[] | null;
  revokedStores: { id: string; name: string }[];
  /** Retention categories with rows past their limit. */
  overLimit: { category: string; overdue: number }[];
  /** Rendered notices (credential deadlines, the access review reminder). */
  notices: unknown[];
}

const aov = (f: Figures) =>
  f.pricedOrders > 0 ? Number(f.sales) / f.pricedOrders : null;

/** The whole dashboard. */
export function DashboardPage(p: DashboardProps) {
  const t = dashboardT(p.lang);
  const zones = p.sales.timeZones.join(", ") || "UTC";
  const currencies = [...new Set(p.sales.trend.map((d) => d.currency))];
  return (
    <>
      <header class="page-header">
        <hgroup>
          <h1>{t("title")}</h1>
          <p>
            {"name" in p.store
              ? t("context.one", { name: p.store.name })
              : t("context.all", { count: p.store.count })} ·{" "}
            {t("context.days", { zones, today: p.sales.today })}
          </p>
        </hgroup>
      </header>
      <Attention {...p} />
      <section aria-labelledby="kpi-title" class="dash-section">
        <h2 id="kpi-title">{t("kpi.title")}</h2>
        <p class="section-caption">{t("kpi.caption")}</p>
        {p.sales.periods.length === 0
          ? (
            <div class="empty-state">
              <strong>{t("kpi.empty.title")}</strong>
              <p>{t("kpi.empty.body")}</p>
            </div>
          )
          : <Kpis {...p} />}
      </section>
      {currencies.length > 0 && (
        <section aria-labelledby="trend-title" class="dash-section">
          <h2 id="trend-title">{t("trend.title")}</h2>
          {currencies.map((currency) => (
            <SalesChart
              lang={p.lang}
              id={`trend-${currency.toLowerCase()}`}
              currency={currency}
              zones={zones}
              days={p.sales.trend.filter((d) => d.currency === currency)}
            />
          ))}
        </section>
      )}
      <section aria-labelledby="products-title" class="dash-section">
        <h2 id="products-title">{t("products.title")}</h2>
        <div class="grid-2">
          <Products
            lang={p.lang}
            id="top-products"
            caption={t("products.top")}
            rows={p.sales.top}
            empty={t("products.none")}
          />
          <Products
            lang={p.lang}
            id="falling-products"
            caption={t("products.falling")}
            rows={p.sales.falling}
            empty={t("products.noneFalling")}
          />
        </div>
      </section>
      {p.inventory && <Inventory {...p} inventory={p.inventory} />}
      {p.sync && <SyncHealth {...p} sync={p.sync} />}
    </>
  );
}

function Attention(p: DashboardProps) {
  const t = dashboardT(p.lang);
  const tr = translator(p.lang);
  const notices = p.notices.filter(Boolean);
  if (
    notices.length === 0 && p.revokedStores.length === 0 &&
    p.overLimit.length === 0
  ) return null;
  return (
    <section aria-labelledby="attention-title" class="dash-section attention">
      <h2 id="attention-title">{t("attention.title")}</h2>
      {notices}
      {p.revokedStores.length > 0 && (
        <article class="notice" role="alert">
          <p>{t("attention.revoked")}</p>
          <ul>
            {p.revokedStores.map((s) => (
              <li>
                <a href={`/stores/${s.id}`}>{s.name}</a>
              </li>
            ))}
          </ul>
        </article>
      )}
      {p.overLimit.length > 0 && (
        <article class="notice" role="alert" id="over-limit">
          <p>⚠ {tr("home.overLimit")}</p>
          <ul>
            {p.overLimit.map((o) => (
              <li>
                {tr("home.overLimit.row", {
                  category: word(p.lang, "category", o.category),
                  n: formatNumber(p.lang, o.overdue),
                })}
              </li>
            ))}
          </ul>
          <p>
            <a href="/retention#state">{tr("home.overLimit.link")}</a>
          </p>
        </article>
      )}
    </section>
  );
}

function Change(
  p: { lang: Lang; current: number; previous: number },
) {
  const t = dashboardT(p.lang);
  const change = formatChange(p.lang, p.current, p.previous);
  if (change === null) {
    return p.current > 0
      ? <span class="delta delta-up">{t("kpi.new")}</span>
      : null;
  }
  const up = p.current >= p.previous;
  return (
    <span
      class={up ? "delta delta-up" : "delta delta-down"}
      title={t("kpi.change", { change })}
    >
      <span aria-hidden="true">{up ? "▲" : "▼"}</span> {change}
    </span>
  );
}

function Kpis(p: DashboardProps) {
  const t = dashboardT(p.lang);
  return (
    <div class="table-wrap" tabindex={0}>
      <table class="index-table kpis" id="kpis">
        <thead>
          <tr>
            <th scope="col">{t("kpi.period")}</th>
            <th scope="col">{t("kpi.currency")}</th>
            <th scope="col" class="num">{t("kpi.sales")}</th>
            <th scope="col" class="num">{t("kpi.units")}</th>
            <th scope="col" class="num">{t("kpi.orders")}</th>
            <th scope="col" class="num">{t("kpi.aov")}</th>
          </tr>
        </thead>
        <tbody>
          {p.sales.periods.map((r) => {
            const money = (v: number | string | null) =>
              v === null ? "—" : formatMoney(p.lang, v, r.currency);
            const cell = (
              shown: string,
              before: string,
              current: number,
              previous: number,
            ) => (
              <td class="num">
                <span class="figure">{shown}</span>
                <br />
                <small class="before">
                  {t("kpi.previous", { value: before })}{" "}
                  <Change lang={p.lang} current={current} previous={previous} />
                </small>
              </td>
            );
            return (
              <tr data-period={r.days} data-currency={r.currency}>
                <th scope="row">{t(`kpi.period.${r.days}`)}</th>
                <td>
                  <code>{r.currency}</code>
                </td>
                {cell(
                  money(r.current.sales),
                  money(r.previous.sales),
                  Number(r.current.sales),
                  Number(r.previous.sales),
                )}
                {cell(
                  formatNumber(p.lang, r.current.units),
                  formatNumber(p.lang, r.previous.units),
                  r.current.units,
                  r.previous.units,
                )}
                {cell(
                  formatNumber(p.lang, r.current.orders),
                  formatNumber(p.lang, r.previous.orders),
                  r.current.orders,
                  r.previous.orders,
                )}
                {cell(
                  money(aov(r.current)),
                  money(aov(r.previous)),
                  aov(r.current) ?? 0,
                  aov(r.previous) ?? 0,
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Products(
  p: {
    lang: Lang;
    id: string;
    caption: string;
    rows: ProductMove[];
    empty: string;
  },
) {
  const t = dashboardT(p.lang);
  return (
    <div class="table-wrap" tabindex={0}>
      <table class="index-table" id={p.id}>
        <caption>{p.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("products.product")}</th>
            <th scope="col" class="num">{t("products.units")}</th>
            <th scope="col" class="num">{t("products.sales")}</th>
            <th scope="col" class="num">{t("products.change")}</th>
          </tr>
        </thead>
        <tbody>
          {p.rows.length === 0 && (
            <tr>
              <td colspan={4} class="empty-row">{p.empty}</td>
            </tr>
          )}
          {p.rows.map((r) => (
            <tr>
              <th scope="row">
                <span class="product-title">
                  {r.title ?? t("products.noTitle")}
                </span>
                <br />
                <small>
                  <code>{r.asin}</code>
                </small>
              </th>
              <td class="num">{formatNumber(p.lang, r.units)}</td>
              <td class="num">
                {formatMoney(p.lang, r.sales, r.currency)}
                <br />
                <small class="before">
                  {t("kpi.previous", {
                    value: formatMoney(p.lang, r.previousSales, r.currency),
                  })}
                </small>
              </td>
              <td class="num">
                <Change
                  lang={p.lang}
                  current={Number(r.sales)}
                  previous={Number(r.previousSales)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const ALERT_TONE = {
  low_cover: ["amber", "◔"],
  unfulfillable: ["red", "✕"],
  stranded: ["purple", "⚓"],
} as const;

function Inventory(
  p: DashboardProps & { inventory: NonNullable<DashboardProps["inventory"]> },
) {
  const t = dashboardT(p.lang);
  const thresholds = p.inventory.thresholds.map((d) => formatNumber(p.lang, d))
    .join(" / ");
  return (
    <section aria-labelledby="inventory-title" class="dash-section">
      <h2 id="inventory-title">{t("inventory.title")}</h2>
      <p class="section-caption">
        {t("inventory.caption", { days: thresholds })}
      </p>
      {p.inventory.alerts.length === 0
        ? (
          <div class="empty-state">
            <strong>{t("inventory.none.title")}</strong>
            <p>{t("inventory.none.body", { days: thresholds })}</p>
          </div>
        )
        : (
          <div class="table-wrap" tabindex={0}>
            <table class="index-table" id="inventory-alerts">
              <thead>
                <tr>
                  <th scope="col">{t("inventory.sku")}</th>
                  <th scope="col">{t("inventory.store")}</th>
                  <th scope="col" class="num">
                    {t("inventory.fulfillable")}
                  </th>
                  <th scope="col" class="num">
                    {t("inventory.unfulfillable")}
                  </th>
                  <th scope="col" class="num">{t("inventory.velocity")}</th>
                  <th scope="col" class="num">{t("inventory.cover")}</th>
                  <th scope="col">{t("inventory.alert")}</th>
                </tr>
              </thead>
              <tbody>
                {p.inventory.alerts.map((a) => (
                  <tr>
                    <th scope="row">
                      <code>{a.sku}</code>
                      <br />
                      <small>
                        <code>{a.asin}</code> · {a.marketplaceId}
                      </small>
                    </th>
                    <td>{a.storeName}</td>
                    <td class="num">{formatNumber(p.lang, a.fulfillable)}</td>
                    <td class="num">
                      {formatNumber(p.lang, a.unfulfillable)}
                    </td>
                    <td class="num">{formatNumber(p.lang, a.units30)}</td>
                    <td class="num">{formatNumber(p.lang, a.daysOfCover)}</td>
                    <td>
                      {a.kinds.map((k) => (
                        <Badge
                          tone={ALERT_TONE[k][0]}
                          icon={ALERT_TONE[k][1]}
                          label={t(`inventory.kind.${k}`)}
                          state={k}
                        />
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      {p.inventory.more > 0 && (
        <p>
          <small>{t("inventory.more", { count: p.inventory.more })}</small>
        </p>
      )}
    </section>
  );
}

function SyncHealth(
  p: DashboardProps & { sync: NonNullable<DashboardProps["sync"]> },
) {
  const t = dashboardT(p.lang);
  const failing = p.sync.flatMap((s) => s.datasets).filter((d) => d.failing)
    .length;
  return (
    <section aria-labelledby="sync-title" class="dash-section">
      <h2 id="sync-title">{t("sync.title")}</h2>
      <p class="section-caption">
        {failing > 0
          ? t("sync.failingCount", { count: failing })
          : t("sync.allOk")}
      </p>
      <div class="table-wrap" tabindex={0}>
        <table class="index-table" id="sync-health">
          <thead>
            <tr>
              <th scope="col">{t("sync.store")}</th>
              <th scope="col">{t("sync.dataset")}</th>
              <th scope="col">{t("sync.lastSuccess")}</th>
              <th scope="col">{t("sync.state")}</th>
            </tr>
          </thead>
          {p.sync.map((s) => (
            <tbody>
              {s.datasets.map((d, i) => (
                <tr class={d.failing ? "failing" : undefined}>
                  {i === 0
                    ? (
                      <th scope="rowgroup" rowspan={s.datasets.length}>
                        <a href={`/stores/${s.storeId}/sync`}>{s.name}</a>
                        <br />
                        <StateBadge
                          lang={p.lang}
                          kind="store"
                          state={s.status}
                        />
                      </th>
                    )
                    : null}
                  <td>
                    {datasetName(p.lang, d.dataset)}
                  </td>
                  <td>
                    {d.lastSuccessAt
                      ? <Time at={d.lastSuccessAt} zone={p.zone ?? UTC} />
                      : t("sync.never")}
                  </td>
                  <td>
                    {d.running
                      ? <StateBadge lang={p.lang} kind="run" state="running" />
                      : d.failing && d.failedRunId
                      ? (
                        <a
                          href={`/stores/${s.storeId}/sync/runs/${d.failedRunId}`}
                        >
                          <StateBadge lang={p.lang} kind="run" state="failed" />
                        </a>
                      )
                      : d.lastSuccessAt
                      ? (
                        <StateBadge
                          lang={p.lang}
                          kind="run"
                          state="succeeded"
                        />
                      )
                      : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      </div>
    </section>
  );
}

function datasetName(lang: Lang, dataset: string): string {
  const key = `dataset.${dataset}`;
  return hasSyncMessage(key) ? syncT(lang, key) : dataset;
}
