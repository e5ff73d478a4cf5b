// Pieces every advertising screen shares: the figure columns (amounts in
// their own currency, ratios as percentages, "—" where a divisor is zero),
// the notice that says which days are not final, the ad state badge, the
// period presets, the pager, the spend chart with its table, and the budget
// and bid history beside it.
import { Badge } from "../badge.tsx";
import { DailyBars } from "../charts/daily_bars.tsx";
import { formatMoney, formatNumber } from "../format.ts";
import type { Lang } from "../i18n.ts";
import { Time } from "../time.tsx";
import { adsCatalogue, type AdsKey } from "./messages.ts";

export interface FiguresView {
  currency: string;
  impressions: number;
  clicks: number;
  spend: string;
  orders: number;
  sales: string;
  ctr: string | null;
  cpc: string | null;
  conversionRate: string | null;
  acos: string | null;
  roas: string | null;
  tacos: string | null;
  storeSales: string | null;
}

const percents = new Map<Lang, Intl.NumberFormat>();

/** "12.5%" from a percentage as decimal text ("12.50"); "—" for null. */
export function pct(lang: Lang, v: string | null): string {
  if (v === null) return "—";
  let f = percents.get(lang);
  if (!f) {
    f = new Intl.NumberFormat(lang, {
      style: "percent",
      maximumFractionDigits: 2,
    });
    percents.set(lang, f);
  }
  return f.format(Number(v) / 100);
}

/** "5.33" as a plain ratio in the reader's language; "—" for null. */
export function ratio(lang: Lang, v: string | null): string {
  if (v === null) return "—";
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(
    Number(v),
  );
}

export const money = (lang: Lang, v: string | null, currency: string) =>
  v === null ? "—" : formatMoney(lang, v, currency);

/** The figure headers, in the order of FigureCells. */
export function FigureHeaders(p: { lang: Lang }) {
  const t = adsCatalogue.translator(p.lang);
  const keys: AdsKey[] = [
    "ads.col.impressions",
    "ads.col.clicks",
    "ads.col.ctr",
    "ads.col.cpc",
    "ads.col.spend",
    "ads.col.orders",
    "ads.col.sales",
    "ads.col.cvr",
    "ads.col.acos",
    "ads.col.roas",
    "ads.col.tacos",
  ];
  return <>{keys.map((k) => <th scope="col" class="num">{t(k)}</th>)}</>;
}

/** The figure cells of one row. */
export function FigureCells(p: { lang: Lang; f: FiguresView }) {
  const { f, lang } = p;
  const n = (v: number) => formatNumber(lang, v);
  return (
    <>
      <td class="num">{n(f.impressions)}</td>
      <td class="num">{n(f.clicks)}</td>
      <td class="num">{pct(lang, f.ctr)}</td>
      <td class="num" data-currency={f.currency}>
        {money(lang, f.cpc, f.currency)}
      </td>
      <td class="num" data-currency={f.currency} data-figure="spend">
        {money(lang, f.spend, f.currency)}
      </td>
      <td class="num">{n(f.orders)}</td>
      <td class="num" data-currency={f.currency} data-figure="sales">
        {money(lang, f.sales, f.currency)}
      </td>
      <td class="num">{pct(lang, f.conversionRate)}</td>
      <td class="num" data-figure="acos">{pct(lang, f.acos)}</td>
      <td class="num" data-figure="roas">{ratio(lang, f.roas)}</td>
      <td class="num" data-figure="tacos">{pct(lang, f.tacos)}</td>
    </>
  );
}

/** An entity's state as a badge with its own colour, icon and word. */
export function AdStateBadge(p: { lang: Lang; state: string }) {
  const t = adsCatalogue.translator(p.lang);
  const look = {
    ENABLED: { tone: "green", icon: "✓" },
    PAUSED: { tone: "amber", icon: "Ⅱ" },
    ARCHIVED: { tone: "grey", icon: "○" },
  } as const;
  const l = look[p.state as keyof typeof look] ?? look.ARCHIVED;
  return (
    <Badge
      tone={l.tone}
      icon={l.icon}
      label={t(`ads.state.${p.state}` as AdsKey)}
      state={p.state.toLowerCase()}
    />
  );
}

export interface FreshnessView {
  provisional: string[];
  stale: string[];
  unread: string[];
  /** Whether any advertising profile is shown at all. */
  profiles: boolean;
}

/** Days as a short list: "2026-06-01, 2026-06-02 … (9 days)". */
function dayList(days: string[]): string {
  if (days.length <= 6) return days.join(", ");
  return `${days.slice(0, 3).join(", ")} … ${
    days[days.length - 1]
  } (${days.length})`;
}

/** Which days of the period are not final, said before the figures. */
export function FreshnessNotice(p: { lang: Lang; fresh: FreshnessView }) {
  const t = adsCatalogue.translator(p.lang);
  const f = p.fresh;
  const settled = f.provisional.length === 0 && f.stale.length === 0 &&
    f.unread.length === 0;
  return (
    <section
      id="ads-freshness"
      class="notice"
      aria-labelledby="ads-freshness-title"
    >
      <p id="ads-freshness-title">
        <strong>{t("ads.fresh.title")}</strong>
      </p>
      {!f.profiles
        ? <p>{t("ads.fresh.none")}</p>
        : settled
        ? <p>{t("ads.fresh.allFinal")}</p>
        : (
          <ul>
            {f.unread.length > 0 && (
              <li data-state="unread">
                {t("ads.fresh.unread", { days: dayList(f.unread) })}
              </li>
            )}
            {f.provisional.length > 0 && (
              <li data-state="provisional">
                {t("ads.fresh.provisional", { days: dayList(f.provisional) })}
              </li>
            )}
            {f.stale.length > 0 && (
              <li data-state="stale">
                {t("ads.fresh.stale", { days: dayList(f.stale) })}
              </li>
            )}
          </ul>
        )}
      <p>
        <small>{t("ads.attribution.note")} {t("ads.tacos.note")}</small>
      </p>
    </section>
  );
}

/** Period presets as links. */
export function Presets(
  p: {
    lang: Lang;
    presets: { days: number; href: string; current: boolean }[];
  },
) {
  const t = adsCatalogue.translator(p.lang);
  return (
    <nav aria-label={t("ads.period")} class="presets">
      <ul>
        {p.presets.map((x) => (
          <li>
            <a href={x.href} aria-current={x.current ? "true" : undefined}>
              {t("ads.preset", { days: x.days })}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** First, previous and next pages of a keyset list. */
export function Pager(p: {
  lang: Lang;
  path: string;
  filterQuery: string;
  prevQuery: string | null;
  nextQuery: string | null;
}) {
  const t = adsCatalogue.translator(p.lang);
  return (
    <nav aria-label={t("ads.pager")} class="pager">
      <ul>
        {p.prevQuery !== null && (
          <li>
            <a href={`${p.path}?${p.filterQuery}`}>{t("ads.first")}</a>
          </li>
        )}
        {p.prevQuery !== null && (
          <li>
            <a href={`${p.path}?${p.prevQuery}`} rel="prev">
              {"← "}
              {t("ads.previous")}
            </a>
          </li>
        )}
        {p.nextQuery !== null && (
          <li>
            <a href={`${p.path}?${p.nextQuery}`} rel="next">
              {t("ads.next")}
              {" →"}
            </a>
          </li>
        )}
      </ul>
    </nav>
  );
}

export interface DayView {
  day: string;
  impressions: number;
  clicks: number;
  spend: string;
  orders: number;
  sales: string;
  budget: string | null;
  capped: boolean;
  state: "final" | "provisional" | "stale" | "unread";
}

export interface HistoryView {
  observedAt: Date;
  field: "daily_budget" | "default_bid" | "bid";
  oldValue: string | null;
  newValue: string;
  currency: string;
}

/** The spend per day as bars, with every figure in its table. */
export function SpendChart(p: {
  lang: Lang;
  id: string;
  currency: string;
  days: DayView[];
  /** Days (UTC) on which a budget or bid change was observed. */
  changed: Set<string>;
  withBudget: boolean;
}) {
  const t = adsCatalogue.translator(p.lang);
  const m = (v: string | number) => formatMoney(p.lang, v, p.currency);
  const total = p.days.reduce((s, d) => s + Number(d.spend), 0);
  const peak = p.days.reduce(
    (best, d) => Number(d.spend) > Number(best.spend) ? d : best,
    p.days[0] ?? { day: "—", spend: "0" },
  );
  const state = (d: DayView) => t(`ads.day.${d.state}` as AdsKey);
  return (
    <DailyBars
      id={p.id}
      caption={t("ads.chart.spend")}
      description={t("ads.chart.desc", {
        total: m(total),
        days: p.days.length,
        peak: peak.day,
        peakValue: m(peak.spend),
      })}
      legend={{ bars: t("ads.chart.legend") }}
      days={p.days.map((d) => ({
        day: d.day,
        value: Number(d.spend),
        title: t("ads.chart.bar", {
          day: d.day,
          spend: m(d.spend),
          clicks: formatNumber(p.lang, d.clicks),
          sales: m(d.sales),
          state: state(d),
        }) + (p.changed.has(d.day) ? ` · ${t("ads.chart.changed")}` : ""),
        cells: [
          formatNumber(p.lang, d.impressions),
          formatNumber(p.lang, d.clicks),
          m(d.spend),
          ...(p.withBudget ? [d.budget === null ? "—" : m(d.budget)] : []),
          formatNumber(p.lang, d.orders),
          m(d.sales),
          state(d) +
          (p.changed.has(d.day) ? ` · ${t("ads.chart.changed")}` : ""),
        ],
      }))}
      tick={(v) => formatMoney(p.lang, v, p.currency, { compact: true })}
      table={{
        summary: t("ads.chart.table"),
        day: t("ads.col.day"),
        headers: [
          t("ads.col.impressions"),
          t("ads.col.clicks"),
          t("ads.col.spend"),
          ...(p.withBudget ? [t("ads.col.budget")] : []),
          t("ads.col.orders"),
          t("ads.col.sales"),
          t("ads.col.dayState"),
        ],
      }}
    />
  );
}

/** The budget and bid changes, newest first. */
export function HistoryTable(
  p: { lang: Lang; zone: string; history: HistoryView[] },
) {
  const t = adsCatalogue.translator(p.lang);
  return (
    <section id="ads-history" aria-labelledby="ads-history-title">
      <h2 id="ads-history-title">{t("ads.history")}</h2>
      {p.history.length === 0
        ? <p>{t("ads.history.none")}</p>
        : (
          <table class="striped">
            <caption>{t("ads.history.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("ads.history.at")}</th>
                <th scope="col">{t("ads.history.what")}</th>
                <th scope="col" class="num">{t("ads.history.old")}</th>
                <th scope="col" class="num">{t("ads.history.new")}</th>
              </tr>
            </thead>
            <tbody>
              {p.history.map((h) => (
                <tr data-field={h.field}>
                  <td>
                    <Time at={h.observedAt} zone={p.zone} />
                  </td>
                  <td>{t(`ads.history.field.${h.field}` as AdsKey)}</td>
                  <td class="num">{money(p.lang, h.oldValue, h.currency)}</td>
                  <td class="num">{money(p.lang, h.newValue, h.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
    </section>
  );
}

/** An export that may not run, and the way back to the list. */
export function AdsExportRefused(
  p: { lang: Lang; code: string; minutes: number; back: string },
) {
  const t = adsCatalogue.translator(p.lang);
  return (
    <>
      <h1>{t("ads.title")}</h1>
      <p class="error" role="alert">
        {t(`export.error.${p.code}` as AdsKey, { minutes: p.minutes })}
      </p>
      <p>
        <a href={p.back}>{t("export.back")}</a>
      </p>
    </>
  );
}
