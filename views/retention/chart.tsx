// Rows per category over time: a server-rendered SVG line chart (one line
// per category, the legend names each in text, not by colour alone), and
// the same figures as a table for screen readers and for reading exact
// numbers. Plain data in, markup out.

export interface RowsHistory {
  days: string[];
  series: { category: string; rows: (number | null)[] }[];
}

const W = 640;
const H = 240;
const M = { top: 12, right: 12, bottom: 28, left: 56 };
const COLOURS = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#9467bd",
  "#ff7f0e",
  "#8c564b",
  "#e377c2",
  "#17becf",
  "#7f7f7f",
  "#bcbd22",
];
const DASHES = ["", "6 3", "2 3", "8 3 2 3"];

const fmt = (n: number) =>
  n >= 1e6
    ? `${(n / 1e6).toFixed(1)}M`
    : n >= 1e3
    ? `${(n / 1e3).toFixed(1)}k`
    : String(Math.round(n));

export function RowsChart(
  p: {
    history: RowsHistory;
    title: string;
    desc: string;
    tableLabel: string;
    dayLabel: string;
    none: string;
  },
) {
  const { days, series } = p.history;
  if (days.length === 0 || series.length === 0) return <p>{p.none}</p>;
  const max = Math.max(
    1,
    ...series.flatMap((s) => s.rows.filter((r): r is number => r !== null)),
  );
  const x = (i: number) =>
    M.left +
    (days.length === 1 ? 0.5 : i / (days.length - 1)) *
      (W - M.left - M.right);
  const y = (v: number) => H - M.bottom - (v / max) * (H - M.top - M.bottom);
  const ticks = [0, max / 2, max];
  return (
    <figure>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="img"
        aria-labelledby="rows-chart-title rows-chart-desc"
        class="rows-chart"
      >
        <title id="rows-chart-title">{p.title}</title>
        <desc id="rows-chart-desc">{p.desc}</desc>
        {ticks.map((v) => (
          <g>
            <line
              x1={M.left}
              x2={W - M.right}
              y1={y(v)}
              y2={y(v)}
              stroke="#ccc"
            />
            <text
              x={M.left - 6}
              y={y(v) + 4}
              text-anchor="end"
              font-size="11"
            >
              {fmt(v)}
            </text>
          </g>
        ))}
        <text x={M.left} y={H - 8} font-size="11">{days[0]}</text>
        {days.length > 1 && (
          <text x={W - M.right} y={H - 8} font-size="11" text-anchor="end">
            {days[days.length - 1]}
          </text>
        )}
        {series.map((s, i) => {
          const points = s.rows.flatMap((v, j) =>
            v === null ? [] : [`${x(j).toFixed(1)},${y(v).toFixed(1)}`]
          );
          return (
            <g>
              <polyline
                points={points.join(" ")}
                fill="none"
                stroke={COLOURS[i % COLOURS.length]}
                stroke-width="2"
                stroke-dasharray={DASHES[
                  Math.floor(i / COLOURS.length) %
                  DASHES.length
                ] || undefined}
              />
              {points.map((pt) => {
                const [cx, cy] = pt.split(",");
                return (
                  <circle
                    cx={cx}
                    cy={cy}
                    r="2.5"
                    fill={COLOURS[i % COLOURS.length]}
                  />
                );
              })}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul class="legend">
          {series.map((s, i) => (
            <li>
              <svg width="24" height="10" aria-hidden="true">
                <line
                  x1="0"
                  x2="24"
                  y1="5"
                  y2="5"
                  stroke={COLOURS[i % COLOURS.length]}
                  stroke-width="3"
                />
              </svg>{" "}
              <code>{s.category}</code>:{" "}
              {fmt(s.rows.filter((r) => r !== null).at(-1) ?? 0)}
            </li>
          ))}
        </ul>
      </figcaption>
      <details>
        <summary>{p.tableLabel}</summary>
        <div class="overflow-auto">
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">{p.dayLabel}</th>
                {series.map((s) => (
                  <th scope="col">
                    <code>{s.category}</code>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {days.map((d, j) => (
                <tr>
                  <th scope="row">{d}</th>
                  {series.map((s) => <td>{s.rows[j] ?? "—"}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
