// The daily sales chart: server-rendered SVG (d3-scale for the axes,
// d3-shape for the 7-day average line), no script in the browser. One chart
// per currency (amounts are never put on one axis across currencies), with
// axes, a legend, a hover <title> per day, role="img" with a text
// description, and the same figures in a table below it.
import { scaleBand, scaleLinear } from "d3-scale";
import { line } from "d3-shape";
import type { Lang } from "../i18n.ts";
import { formatMoney, formatNumber } from "../format.ts";
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

const W = 720;
const H = 240;
const M = { top: 16, right: 16, bottom: 28, left: 72 };

/** The chart and its table, for one currency. */
export function SalesChart(p: SalesChartProps) {
  const t = dashboardT(p.lang);
  const values = p.days.map((d) => Number(d.sales));
  const max = Math.max(0, ...values);
  const x = scaleBand<string>()
    .domain(p.days.map((d) => d.day))
    .range([M.left, W - M.right])
    .paddingInner(0.2)
    .paddingOuter(0.1);
  const y = scaleLinear()
    .domain([0, max > 0 ? max : 1])
    .nice(4)
    .range([H - M.bottom, M.top]);
  const average = p.days.map((_, i) => {
    const window = values.slice(Math.max(0, i - 6), i + 1);
    return window.reduce((s, v) => s + v, 0) / window.length;
  });
  const avgPath = line<number>()
    .x((_, i) => (x(p.days[i].day) ?? 0) + x.bandwidth() / 2)
    .y((v) => y(v))(average) ?? "";
  const money = (v: number | string, compact = false) =>
    formatMoney(p.lang, v, p.currency, { compact });
  const first = p.days[0]?.day ?? "";
  const last = p.days.at(-1)?.day ?? "";
  const totalOrders = p.days.reduce((s, d) => s + d.orders, 0);
  const maxIndex = values.indexOf(max);
  const titleId = `${p.id}-title`;
  const descId = `${p.id}-desc`;
  return (
    <figure class="chart">
      <figcaption>
        {t("trend.caption", {
          currency: p.currency,
          from: first,
          to: last,
          zones: p.zones,
        })}
      </figcaption>
      <ul class="chart-legend">
        <li>
          <span class="swatch swatch-bar" aria-hidden="true"></span>
          {t("trend.legend.sales")}
        </li>
        <li>
          <span class="swatch swatch-line" aria-hidden="true"></span>
          {t("trend.legend.average")}
        </li>
      </ul>
      <svg
        class="sales-chart"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
      >
        <title id={titleId}>
          {t("trend.caption", {
            currency: p.currency,
            from: first,
            to: last,
            zones: p.zones,
          })}
        </title>
        <desc id={descId}>
          {t("trend.desc", {
            currency: p.currency,
            from: first,
            to: last,
            total: money(values.reduce((s, v) => s + v, 0)),
            orders: formatNumber(p.lang, totalOrders),
            max: money(max),
            maxDay: p.days[maxIndex]?.day ?? "",
          })}
        </desc>
        <g class="axis axis-y">
          {y.ticks(4).map((v) => (
            <g>
              <line
                class="grid"
                x1={M.left}
                x2={W - M.right}
                y1={y(v)}
                y2={y(v)}
              />
              <text x={M.left - 8} y={y(v)} dy="0.32em" text-anchor="end">
                {money(v, true)}
              </text>
            </g>
          ))}
        </g>
        <g class="axis axis-x">
          <line
            x1={M.left}
            x2={W - M.right}
            y1={H - M.bottom}
            y2={H - M.bottom}
          />
          {p.days.map((d, i) =>
            i % 7 === 0 || i === p.days.length - 1
              ? (
                <text
                  x={(x(d.day) ?? 0) + x.bandwidth() / 2}
                  y={H - M.bottom + 18}
                  text-anchor="middle"
                >
                  {d.day.slice(5)}
                </text>
              )
              : null
          )}
        </g>
        <g class="bars">
          {p.days.map((d, i) => (
            <rect
              x={x(d.day)}
              y={y(values[i])}
              width={x.bandwidth()}
              height={Math.max(0, H - M.bottom - y(values[i]))}
            >
              <title>
                {t("trend.point", {
                  day: d.day,
                  sales: money(d.sales),
                  orders: formatNumber(p.lang, d.orders),
                  units: formatNumber(p.lang, d.units),
                })}
              </title>
            </rect>
          ))}
        </g>
        <path class="average" d={avgPath} />
      </svg>
      <details class="chart-table">
        <summary>{t("trend.table", { currency: p.currency })}</summary>
        <table class="index-table">
          <thead>
            <tr>
              <th scope="col">{t("trend.day")}</th>
              <th scope="col" class="num">{t("kpi.sales")}</th>
              <th scope="col" class="num">{t("kpi.orders")}</th>
              <th scope="col" class="num">{t("kpi.units")}</th>
            </tr>
          </thead>
          <tbody>
            {p.days.map((d) => (
              <tr>
                <th scope="row">
                  <time datetime={d.day}>{d.day}</time>
                </th>
                <td class="num">{money(d.sales)}</td>
                <td class="num">{formatNumber(p.lang, d.orders)}</td>
                <td class="num">{formatNumber(p.lang, d.units)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
