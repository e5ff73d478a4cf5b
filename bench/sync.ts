// A two-year backfill of a 100,000-order store: the orders dataset's first
// run (all-orders report per 30-day window, then the searchOrders pass
// planned from their counts) through the real runner against the sandbox
// over HTTP, time-scaled. Reports the wall time as a ratio of the least
// time the documented usage plans allow for exactly the calls it made
// (sync_bounds.ts; target ≤ 1.2), where the rest of the time went, the 429s
// received, and the calls and least time of the per-order strategies.
//
// Time scale: every usage plan is made `T` times faster on both sides. The
// sandbox gets the scaled plans with its own clock unscaled (timeScale 1):
// it also multiplies the plans it is given by its timeScale, so passing T to
// both (as tests/_helpers/sync.ts does) would refill its buckets T² times
// faster and no client excess could ever show as a 429. Report processing
// keeps Amazon's pace scaled: done `REPORT_SECONDS / T` seconds after
// creation, polled every `reportPollMs` 15 s / T.
//
// Env: BENCH_SYNC_ORDERS (100000), BENCH_SYNC_TIME_SCALE (1000),
// BENCH_SYNC_ENGINES ("postgres,pglite").
import { count, eq } from "drizzle-orm";
import { type Database, OWNER } from "../db/client.ts";
import { apiRequestLog, orderItems, orders, syncRuns } from "../db/schema.ts";
import { SP_USAGE_PLANS } from "../lib/amazon/usage_plans.ts";
import { ordersDataset } from "../lib/sync/datasets/orders.ts";
import { openSyncWorld, scaledPlans } from "../tests/_helpers/sync.ts";
import { openBenchDb, postgresAvailable } from "./_db.ts";
import {
  type CallCounts,
  observedStrategy,
  operationMinSeconds,
  perOrderV0,
  searchOrdersOnly,
  type Strategy,
} from "./sync_bounds.ts";

const ORDERS = Number(Deno.env.get("BENCH_SYNC_ORDERS") ?? 100_000);
const T = Number(Deno.env.get("BENCH_SYNC_TIME_SCALE") ?? 1000);
const ENGINES = (Deno.env.get("BENCH_SYNC_ENGINES") ?? "postgres,pglite")
  .split(",").map((e) => e.trim()) as ("pglite" | "postgres")[];
const DAYS = 730;
/** Seconds Amazon takes to build a report (the sandbox's default). */
const REPORT_SECONDS = 60;
/** The client's poll interval: the default 15 s, scaled. */
const POLL_MS = 15_000 / T;
const TARGET = 1.2;

const fmtS = (s: number) =>
  s >= 3600 ? `${(s / 3600).toFixed(1)} h` : `${s.toFixed(1)} s`;
const pad = (v: unknown, n: number) => String(v).padStart(n);

/** Times of sleeps, fetches and transactions, to split the wall time. */
interface Span {
  at: number;
  ms: number;
}

function probes(db: Database) {
  const sleeps: Span[] = [];
  const fetches: Span[] = [];
  const transactions: Span[] = [];
  const throttles: Record<string, number> = {};
  const span = async <R>(into: Span[], fn: () => Promise<R>): Promise<R> => {
    const at = Date.now();
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      into.push({ at, ms: performance.now() - t0 });
    }
  };
  return {
    sleeps,
    fetches,
    transactions,
    throttles,
    /** The database with every asJob transaction timed. */
    db: {
      ...db,
      asJob: (storeId, fn) => span(transactions, () => db.asJob(storeId, fn)),
    } as Database,
    runner: {
      sleep: (ms: number) =>
        span(sleeps, () => new Promise<void>((r) => setTimeout(r, ms))),
      // Until the headers: the sandbox builds the whole answer before them.
      fetch:
        ((input: RequestInfo | URL, init?: RequestInit) =>
          span(fetches, () => fetch(input, init))) as typeof fetch,
      onCall(info: { operation: string; throttles: number }) {
        if (info.throttles) {
          throttles[info.operation] = (throttles[info.operation] ?? 0) +
            info.throttles;
        }
      },
      flushMs: 1000,
    },
  };
}

const sumMs = (spans: Span[], from: number, to: number) =>
  spans.filter((s) => s.at >= from && s.at < to).reduce((a, s) => a + s.ms, 0) /
  1000;

function tally(rows: { operation: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.operation] = (out[r.operation] ?? 0) + 1;
  return out;
}

async function benchEngine(engine: "pglite" | "postgres") {
  await using b = await openBenchDb(engine);
  const probe = probes(b.db);
  await using w = await openSyncWorld({
    datasets: [ordersDataset],
    db: probe.db,
    timeScale: T,
    sandbox: {
      stores: 1,
      orders: ORDERS,
      days: DAYS,
      timeScale: 1,
      usagePlans: scaledPlans(T),
      reportPollsToDone: Number.MAX_SAFE_INTEGER,
      reportSecondsToDone: REPORT_SECONDS / T,
    },
    settings: { backfillDays: DAYS, reportPollMs: POLL_MS },
    runner: probe.runner,
  });
  // Build the sandbox's world now, not inside the timed run.
  const served = w.sb.sandbox.sellers[0].world().ordersByUpdate.length;

  const startedAt = Date.now();
  const t0 = performance.now();
  const out = await w.run(0, "orders");
  const wall = (performance.now() - t0) / 1000;
  const endedAt = Date.now();
  if (out.status !== "succeeded") {
    throw new Error(`orders run ${out.status}: ${JSON.stringify(out)}`);
  }

  const owner = b.db[OWNER];
  const storeId = w.storeIds[0];
  const log = await owner.select({
    at: apiRequestLog.at,
    api: apiRequestLog.api,
    operation: apiRequestLog.operation,
    attempts: apiRequestLog.attempts,
    status: apiRequestLog.httpStatus,
  }).from(apiRequestLog).where(eq(apiRequestLog.storeId, storeId))
    .orderBy(apiRequestLog.at, apiRequestLog.id);
  const [run] = await owner.select().from(syncRuns).where(
    eq(syncRuns.id, out.runId),
  );
  const [{ n: orderRows }] = await owner.select({ n: count() }).from(orders);
  const [{ n: itemRows }] = await owner.select({ n: count() }).from(
    orderItems,
  );

  // The two phases, as the log shows them: everything before the first
  // searchOrders call (the report windows), then the planned pass.
  const sp = log.filter((r) => r.api === "sp-api");
  const firstSearch = sp.find((r) => r.operation === "searchOrders");
  const split = firstSearch ? firstSearch.at.getTime() : endedAt;
  const reportCalls = tally(sp.filter((r) => r.at.getTime() < split));
  const searchCalls = tally(sp.filter((r) => r.at.getTime() >= split));
  const attempts = sp.reduce((a, r) => a + r.attempts, 0);
  const downloads = log.filter((r) => r.api === "report-document").length;
  const ours = observedStrategy(
    "this run: reports, then planned searchOrders",
    [
      { name: "report windows", calls: reportCalls },
      { name: "searchOrders pass", calls: searchCalls },
    ],
  );
  const allCalls: CallCounts = tally(sp);
  const overlapFloor = Math.max(
    0,
    ...Object.entries(allCalls).map(([op, n]) => operationMinSeconds(op, n)),
  );
  const minimum = ours.seconds / T;

  console.log(
    `\n${engine}: orders first run, ${served} orders over ${DAYS} days ` +
      `(one store, ${
        w.sb.sandbox.sellers[0].marketplaceIds.length
      } marketplace)`,
  );
  console.log(
    `time scale ${T}: client and sandbox plans = documented × ${T} ` +
      `(sandbox clock unscaled); reports DONE ${REPORT_SECONDS} s / ${T} = ` +
      `${REPORT_SECONDS / T * 1000} ms after creation; client reportPollMs ` +
      `${POLL_MS} ms; backfillDays ${DAYS}, reportWindowDays 30`,
  );
  console.log(
    `run: ${run.pages} pages, ${run.rowsInserted} rows inserted, ` +
      `${run.rowsUpdated} updated, ${run.rowsSkipped} skipped; ` +
      `database: ${orderRows} orders, ${itemRows} order items`,
  );

  console.log(
    `\n${"operation".padEnd(22)} ${pad("calls", 7)} ${pad("phase", 18)} ` +
      `${pad("rate/s", 8)} ${pad("burst", 6)} ${pad("min (real)", 11)}`,
  );
  for (const p of ours.phases) {
    for (const [op, n] of Object.entries(p.calls)) {
      const plan = SP_USAGE_PLANS[op];
      console.log(
        `${op.padEnd(22)} ${pad(n, 7)} ${pad(p.name, 18)} ${
          pad(plan.rate, 8)
        } ${pad(plan.burst, 6)} ${pad(fmtS(operationMinSeconds(op, n)), 11)}`,
      );
    }
  }
  console.log(
    `${"(report downloads)".padEnd(22)} ${pad(downloads, 7)} ` +
      `(presigned URL, no usage plan)`,
  );
  const throttled = Object.entries(probe.throttles)
    .map(([op, n]) => `${op} ${n}`).join(", ");
  console.log(
    `SP-API calls ${sp.length}, attempts ${attempts}; 429s received ` +
      `${run.throttles}${throttled ? ` (${throttled})` : ""}, calls ` +
      `ending 429: ${sp.filter((r) => r.status === 429).length}`,
  );
  if (run.throttles) {
    console.log(
      `  (the client spends its bucket to the last token; a request that ` +
        `reaches the sandbox sooner after its predecessor than the first ` +
        `one did finds the server's bucket a hair short; the client then ` +
        `drains its bucket, which realigns it behind the server's: each ` +
        `costs about one token interval)`,
    );
  }

  // Where the wall time went, per phase.
  const phases = [
    {
      name: "report windows",
      from: startedAt,
      to: split,
      bound: ours.phases[0],
    },
    {
      name: "searchOrders pass",
      from: split,
      to: endedAt,
      bound: ours.phases[1],
    },
  ].map((p) => {
    const wall = (p.to - p.from) / 1000;
    const sleeps = sumMs(probe.sleeps, p.from, p.to);
    const http = sumMs(probe.fetches, p.from, p.to);
    const db = sumMs(probe.transactions, p.from, p.to);
    return {
      ...p,
      wall,
      min: p.bound.seconds / T,
      sleeps,
      http,
      db,
      other: wall - sleeps - http - db,
      busy: wall - sleeps,
    };
  });
  console.log(
    `\n${"phase".padEnd(18)} ${pad("wall s", 8)} ${pad("min s", 8)} ${
      pad("× min", 6)
    } ${pad("sleeps", 7)} ${pad("HTTP", 7)} ${pad("DB tx", 7)} ${
      pad("other", 7)
    }  binding`,
  );
  for (const p of phases) {
    console.log(
      `${p.name.padEnd(18)} ${pad(p.wall.toFixed(2), 8)} ${
        pad(p.min.toFixed(2), 8)
      } ${pad(p.min ? (p.wall / p.min).toFixed(2) : "-", 6)} ${
        pad(p.sleeps.toFixed(2), 7)
      } ${pad(p.http.toFixed(2), 7)} ${pad(p.db.toFixed(2), 7)} ${
        pad(p.other.toFixed(2), 7)
      }  ${p.bound.binding ?? "bursts suffice"}`,
    );
  }
  console.log(
    `  sleeps = rate-limiter waits and report polls; HTTP = fetch until ` +
      `headers (the sandbox runs in this process and builds the answer ` +
      `before them); DB tx = every asJob transaction (rows, cursors, API ` +
      `log, run counters); other = the rest (bodies, JSON, zod, mapping, ` +
      `KV buckets, event-loop contention)`,
  );
  const reports = reportCalls.createReport ?? 0;
  const polls = (reportCalls.getReport ?? 0) - reports;
  const [p1, p2] = phases;
  console.log(
    `  report windows: ${reports} reports, ${polls} extra getReport polls ` +
      `(≈ ${(polls * POLL_MS / 1000).toFixed(2)} s of the sleeps, the rest ` +
      `is bucket waits); busy ${(p1.busy / Math.max(1, reports)).toFixed(2)} ` +
      `s a window (download, parse, write ~${
        Math.round(served / Math.max(1, reports))
      } orders)`,
  );
  const pages = searchCalls.searchOrders ?? 0;
  const perPage = p2.busy * 1000 / Math.max(1, pages);
  const interval = 1000 / (SP_USAGE_PLANS.searchOrders.rate * T);
  console.log(
    `  searchOrders pass: ${pages} pages for ${served} orders ` +
      `(${Math.ceil(served / 100)} at least); busy ${perPage.toFixed(1)} ms ` +
      `a page (${(p2.db * 1000 / Math.max(1, pages)).toFixed(1)} ms of it ` +
      `in DB transactions) against one token every ${interval.toFixed(1)} ` +
      `ms: the client keeps up with ${(interval / perPage).toFixed(2)}× ` +
      `this scaled rate`,
  );

  const ratio = wall / minimum;
  const busy = p1.busy + p2.busy;
  console.log(
    `\nminimum (documented plans, phases in sequence: Σ of each phase's ` +
      `slowest operation) = ${fmtS(ours.seconds)} real = ${
        minimum.toFixed(2)
      } s at ×${T}` +
      `\n  (if every call could overlap, the floor for these calls would be ` +
      `${fmtS(overlapFloor)} real; orders.ts cannot overlap them: the ` +
      `searchOrders plan needs every report's count)`,
  );
  console.log(
    `wall ${wall.toFixed(2)} s ÷ minimum ${minimum.toFixed(2)} s = ` +
      `${ratio.toFixed(3)} (target ≤ ${TARGET}: ${
        ratio <= TARGET ? "met" : "NOT met"
      })`,
  );
  // Busy time does not shrink with the time scale; waits only fill the
  // gaps between tokens, so at documented speed wall ≤ minimum + busy.
  console.log(
    `  busy time ${busy.toFixed(1)} s does not scale: at documented speed ` +
      `wall ≤ ${fmtS(ours.seconds)} + ${busy.toFixed(0)} s, ratio ≤ ${
        ((ours.seconds + busy) / ours.seconds).toFixed(3)
      }`,
  );

  const strategies: Strategy[] = [
    ours,
    perOrderV0(served),
    searchOrdersOnly(served),
  ];
  console.log(
    `\n${"strategy".padEnd(46)} ${pad("API calls", 10)} ${pad("× ours", 7)} ${
      pad("min real", 9)
    } ${pad(`min ×${T}`, 10)}  binding`,
  );
  for (const s of strategies) {
    console.log(
      `${s.name.padEnd(46)} ${pad(s.calls, 10)} ${
        pad((s.calls / ours.calls).toFixed(2), 7)
      } ${pad(fmtS(s.seconds), 9)} ${
        pad((s.seconds / T).toFixed(1) + " s", 10)
      }  ${s.phases.map((p) => p.binding ?? "-").join(" then ")}`,
    );
  }
  return { engine, wall, minimum, ratio, throttles: run.throttles };
}

const results = [];
for (const engine of ENGINES) {
  if (engine === "postgres" && !(await postgresAvailable())) {
    console.log("\npostgres: not reachable, skipped");
    continue;
  }
  results.push(await benchEngine(engine));
}
console.log(
  `\n${"engine".padEnd(10)} ${pad("wall s", 8)} ${pad("min s", 8)} ${
    pad("× min", 7)
  } ${pad("429s", 5)}`,
);
for (const r of results) {
  console.log(
    `${r.engine.padEnd(10)} ${pad(r.wall.toFixed(2), 8)} ${
      pad(r.minimum.toFixed(2), 8)
    } ${pad(r.ratio.toFixed(3), 7)} ${pad(r.throttles, 5)}`,
  );
}
