// The daily sales chart of the dashboard (views/charts/daily_bars.tsx draws
// it): one chart per currency (amounts are never put on one axis across
// currencies), bars of the day's sales and the 7-day average line, with the
// same figures in a table below it.
import type { Lang } from "../i18n.ts";
import { formatMoney, formatNumber } from "../format.ts";
import { DailyBars } from "../charts/daily_bars.tsx";
import { dashboardT } from "./messages.ts";

export interface ChartDay {
  day: string;
  orders: number;
  units: number;
  /** Decimal string. */
  sales: string;
}

export interface SalesChartProps {
  lang: Lang;
  /** A stable id for the chart's title and description. */
  id: string;
  currency: string;
  days: ChartDay[];
  /** The time zones the days are counted in, named on the page. */
  zones: string;
}

/** The chart and its table, for one currency. */
export function SalesChart(p: SalesChartProps) {
  const t = dashboardT(p.lang);
  const values = p.days.map((d) => Number(d.sales));
  const max = Math.max(0, ...values);
  const money = (v: number | string, compact = false) =>
    formatMoney(p.lang, v, p.currency, { compact });
  const first = p.days[0]?.day ?? "";
  const last = p.days.at(-1)?.day ?? "";
  const totalOrders = p.days.reduce((s, d) => s + d.orders, 0);
  const caption = t("trend.caption", {
    currency: p.currency,
    from: first,
    to: last,
    zones: p.zones,
  });
  return (
    <DailyBars
      id={p.id}
      caption={caption}
      description={t("trend.desc", {
        currency: p.currency,
        from: first,
        to: last,
        total: money(values.reduce((s, v) => s + v, 0)),
        orders: formatNumber(p.lang, totalOrders),
        max: money(max),
        maxDay: p.days[values.indexOf(max)]?.day ?? "",
      })}
      legend={{
        bars: t("trend.legend.sales"),
        average: t("trend.legend.average"),
      }}
      averageDays={7}
      labelEvery={7}
      tick={(v) => money(v, true)}
      days={p.days.map((d, i) => ({
        day: d.day,
        value: values[i],
        title: t("trend.point", {
          day: d.day,
          sales: money(d.sales),
          orders: formatNumber(p.lang, d.orders),
          units: formatNumber(p.lang, d.units),
        }),
        cells: [
          money(d.sales),
          formatNumber(p.lang, d.orders),
          formatNumber(p.lang, d.units),
        ],
      }))}
      table={{
        summary: t("trend.table", { currency: p.currency }),
        day: t("trend.day"),
        headers: [t("kpi.sales"), t("kpi.orders"), t("kpi.units")],
      }}
    />
  );
}
