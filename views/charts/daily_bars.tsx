// A daily bar chart as server-rendered SVG: d3-scale for the axes, d3-shape
// for an optional moving-average line, no script in the browser. Axes, a
// legend, a hover <title> per day, role="img" named by its caption and a
// text description, and the same figures in a table below (a chart never
// stands alone). Plain data in: every label and number arrives formatted in
// the reader's language, so one component serves the dashboard's sales and
// the product page's units, sales and sessions.
import { scaleBand, scaleLinear } from "d3-scale";
import { line } from "d3-shape";

/** One day: its value (what the bar's height says) and its hover text. */
export interface BarDay {
  /** "2026-06-15". */
  day: string;
  value: number;
  /** The hover title of the bar, e.g. "2026-06-15: $12.00, 3 units". */
  title: string;
  /** The table's cells after the day, already formatted. */
  cells: string[];
}

export interface DailyBarsProps {
  /** A stable id, unique on the page, for the title and description. */
  id: string;
  /** The SVG's class (the stylesheet draws `.sales-chart`). */
  svgClass?: string;
  /** The caption above the chart and the SVG's title. */
  caption: string;
  /** The text description of what the chart shows (totals, the peak). */
  description: string;
  /** The legend of the bars and, with `averageDays`, of the line. */
  legend: { bars: string; average?: string };
  days: BarDay[];
  /** Labels every n-th day on the x axis (about ten labels by default). */
  labelEvery?: number;
  /** Draws the moving average over this many days (7 on the dashboard). */
  averageDays?: number;
  /** An axis tick's label. */
  tick(v: number): string;
  /** The table: its summary line and the headers after "Day". */
  table: { summary: string; day: string; headers: string[] };
}

const W = 720;
const H = 240;
const M = { top: 16, right: 16, bottom: 28, left: 72 };

/** The chart, its legend and its table. */
export function DailyBars(p: DailyBarsProps) {
  const values = p.days.map((d) => d.value);
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
  const n = p.averageDays ?? 0;
  const avgPath = n > 0
    ? line<number>()
      .x((_, i) => (x(p.days[i].day) ?? 0) + x.bandwidth() / 2)
      .y((v) => y(v))(
        values.map((_, i) => {
          const window = values.slice(Math.max(0, i - n + 1), i + 1);
          return window.reduce((s, v) => s + v, 0) / window.length;
        }),
      ) ?? ""
    : "";
  const titleId = `${p.id}-title`;
  const descId = `${p.id}-desc`;
  const every = p.labelEvery ?? Math.max(1, Math.ceil(p.days.length / 10));
  return (
    <figure class="chart">
      <figcaption>{p.caption}</figcaption>
      <ul class="chart-legend">
        <li>
          <span class="swatch swatch-bar" aria-hidden="true"></span>
          {p.legend.bars}
        </li>
        {n > 0 && p.legend.average && (
          <li>
            <span class="swatch swatch-line" aria-hidden="true"></span>
            {p.legend.average}
          </li>
        )}
      </ul>
      <svg
        class={p.svgClass ?? "sales-chart"}
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
      >
        <title id={titleId}>{p.caption}</title>
        <desc id={descId}>{p.description}</desc>
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
                {p.tick(v)}
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
            i % every === 0 || i === p.days.length - 1
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
              <title>{d.title}</title>
            </rect>
          ))}
        </g>
        {avgPath && <path class="average" d={avgPath} />}
      </svg>
      <details class="chart-table">
        <summary>{p.table.summary}</summary>
        <table class="index-table">
          <thead>
            <tr>
              <th scope="col">{p.table.day}</th>
              {p.table.headers.map((h) => <th scope="col" class="num">{h}</th>)}
            </tr>
          </thead>
          <tbody>
            {p.days.map((d) => (
              <tr>
                <th scope="row">
                  <time datetime={d.day}>{d.day}</time>
                </th>
                {d.cells.map((c) => <td class="num">{c}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
