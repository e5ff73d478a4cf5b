// The staff screens under load (issue #15, "Bench"): seeds a PostgreSQL
// database of its own with the sandbox's generated world (1,000,000 orders
// over 5 stores by default, bench/seed.ts), serves the real application
// (createApp: every middleware, the access guard, sessions in KV) on a
// loopback port, signs a staff member in the way the portal does (a session
// in KV, a grant per store), then drives from a separate process
// (bench/load_client.ts) with 20 concurrent connections: the filtered
// orders list's first page, a page 2,000 deep, order pages and the
// dashboard. In the same run it times the raw SQL of each page — the very
// statements the page sent (recorded through the pool's query hook), sent
// again through postgres.js as the same role with the same row-level
// security settings, grouped in the same transactions, with the same
// concurrency — and the dashboard's statements with and without the daily
// aggregates (the same figures from a GROUP BY over the orders).
//
//   deno run -A bench/load.ts                         # 1M orders, ~30 min
//   deno run -A bench/load.ts --orders 20000 --seconds 5 --depth 50
//   deno run -A bench/load.ts --database custodian_load_1m   # reuse a seeded one
//   deno run -A bench/load.ts --ad-rows 500000       # fewer ad metric rows
//
// Issue #16 adds the advertising screens: 5,000,000 daily ad metric rows
// over the stores (bench/seed_ads.ts; --ad-rows 0 leaves them out), and the
// campaign list and one campaign's keyword list for 30 days, driven as an
// advertising staff member with every store granted.
//
// The server is PostgreSQL at BENCH_DATABASE_URL / DATABASE_URL / localhost.
// Figures only: nothing here asserts a time.
import { parseArgs } from "node:util";
import postgres from "postgres";
import { sql } from "drizzle-orm";
import {
  derivedAppPassword,
  openDatabase,
  OWNER,
  rowsOf,
} from "../db/client.ts";
import { staffUsers, storeGrants } from "../db/schema.ts";
import { loadConfig } from "../lib/config.ts";
import { createLogger } from "../lib/log.ts";
import { encodeCursor } from "../lib/orders/list.ts";
import { createSession } from "../lib/security/sessions.ts";
import { createVault, generateVaultKey } from "../lib/security/vault.ts";
import { prepareDatabase } from "../lib/setup.ts";
import { createApp } from "../routes/app.ts";
import { PG_ADMIN_URL } from "./_db.ts";
import { type LoadPlan, type PageResult, quantile } from "./load_client.ts";
import { seedDatabase } from "./seed.ts";
import { seedAds } from "./seed_ads.ts";

export interface LoadOptions {
  orders: number;
  stores: number;
  days: number;
  seed: string;
  /** Concurrent connections of the load and of the raw SQL replay. */
  connections: number;
  /** Seconds each page is driven (and its raw SQL replayed). */
  seconds: number;
  /** The deep page's number (1-based). */
  depth: number;
  /** The list's status filter. */
  status: string;
  /** Reuse (and keep) this database; seeded only when it has no orders. */
  database?: string;
  /** The runtime pool's size (the portal's DATABASE_POOL_SIZE). */
  poolSize: number;
  /** Daily ad metric rows over the stores (0: no advertising pages). */
  adRows: number;
  onProgress?: (message: string) => void;
}

export const DEFAULTS: LoadOptions = {
  orders: 1_000_000,
  stores: 5,
  days: 730,
  seed: "42",
  connections: 20,
  seconds: 15,
  depth: 2000,
  // The generated world's orders are mostly delivered: a filter that still
  // leaves the 100,000 rows page 2,000 needs.
  status: "Delivered",
  poolSize: 10,
  adRows: 5_000_000,
};

const PAGE_SIZE = 50;

/** A statement as the pool sent it. */
interface Sent {
  pool: "owner" | "runtime";
  conn: number;
  query: string;
  params: unknown[];
  at: number;
}

/** Statements in one transaction (or one statement outside any). */
interface Txn {
  pool: "owner" | "runtime";
  statements: { query: string; params: unknown[] }[];
  /** Sent between begin and commit. */
  wrapped: boolean;
  start: number;
  end: number;
}

/** What one page sends, as transactions in waves (a wave runs at once). */
export interface Recorded {
  waves: Txn[][];
  statements: number;
}

export interface Percentiles {
  runs: number;
  p50: number;
  p95: number;
}

export interface PageFigures {
  name: string;
  http: PageResult;
  /** The same page from one connection. */
  httpSerial: PageResult;
  /** The page's statements replayed with the same concurrency. */
  raw: Percentiles;
  /** The same, one at a time. */
  rawSerial: Percentiles;
  statements: number;
  transactions: number;
  /** The slowest statements, each timed alone (median of 5, ms). */
  slowest: { ms: number; query: string }[];
}

export interface LoadReport {
  orders: number;
  /** Daily ad metric rows in the database. */
  adRows: number;
  stores: number;
  connections: number;
  seededMs: number | null;
  load: string;
  pages: PageFigures[];
  dashboard: {
    withAggregates: Percentiles;
    withoutAggregates: Percentiles;
    sameFigures: boolean;
  };
  /** The deep page's cursor agreed with the one reached by following links. */
  cursorChecked: boolean;
}

function group(sent: Sent[]): Recorded {
  const open = new Map<string, Txn>();
  const txns: Txn[] = [];
  for (const s of sent) {
    const key = `${s.pool}:${s.conn}`;
    const q = s.query.trim().toLowerCase();
    if (q.startsWith("begin")) {
      const t: Txn = {
        pool: s.pool,
        statements: [],
        wrapped: true,
        start: s.at,
        end: s.at,
      };
      open.set(key, t);
      txns.push(t);
    } else if (q === "commit" || q === "rollback") {
      const t = open.get(key);
      if (t) t.end = s.at;
      open.delete(key);
    } else {
      const t = open.get(key);
      if (t) {
        t.statements.push({ query: s.query, params: s.params });
        t.end = s.at;
      } else {
        txns.push({
          pool: s.pool,
          statements: [{ query: s.query, params: s.params }],
          wrapped: false,
          start: s.at,
          end: s.at,
        });
      }
    }
  }
  txns.sort((a, b) => a.start - b.start);
  const waves: Txn[][] = [];
  let waveEnd = -Infinity;
  for (const t of txns) {
    if (waves.length && t.start < waveEnd) waves.at(-1)!.push(t);
    else waves.push([t]);
    waveEnd = Math.max(waveEnd, t.end);
  }
  return { waves, statements: sent.length };
}

function percentiles(times: number[]): Percentiles {
  const sorted = [...times].sort((a, b) => a - b);
  const r2 = (v: number) => Math.round(v * 100) / 100;
  return {
    runs: sorted.length,
    p50: r2(quantile(sorted, 0.5)),
    p95: r2(quantile(sorted, 0.95)),
  };
}

/** Runs `once` from `workers` loops for `seconds`; the latency of each. */
async function timed(
  workers: number,
  seconds: number,
  once: () => Promise<unknown>,
): Promise<Percentiles> {
  for (let i = 0; i < 3; i++) await once();
  const times: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        await once();
        times.push(performance.now() - t0);
      }
    }),
  );
  return percentiles(times);
}

function machineLoad(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3)
      .join(" ");
  } catch {
    return "?";
  }
}

class Rollback extends Error {}

/** Runs the bench; returns its figures. */
export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
  const progress = opts.onProgress ?? (() => {});
  const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
  const name = opts.database ??
    `custodian_load_${crypto.randomUUID().replaceAll("-", "")}`;
  const own = opts.database === undefined;
  if (own) await admin.unsafe(`create database ${name}`);
  else {
    const [found] = await admin`select 1 as x from pg_database
      where datname = ${name}`;
    if (!found) await admin.unsafe(`create database ${name}`);
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  let sent: Sent[] | null = null;
  const db = await openDatabase({
    databaseUrl: url.toString(),
    poolSize: opts.poolSize,
    onQuery: (pool, conn, query, params) =>
      sent?.push({
        pool,
        conn,
        query,
        params: [...params],
        at: performance.now(),
      }),
  });
  let role = "";
  const kv = await Deno.openKv(":memory:");
  const dataDir = await Deno.makeTempDir({ prefix: "custodian-load-" });
  let server: Deno.HttpServer | undefined;
  let replayRuntime: postgres.Sql | undefined;
  let replayOwner: postgres.Sql | undefined;
  try {
    await prepareDatabase(db);
    role = await db.runtimeRole();
    const owner = db[OWNER];
    const count = async () =>
      rowsOf<{ n: number }>(
        await owner.execute(sql`select count(*)::int as n from orders`),
      )[0].n;
    const vault = createVault([{ kid: "bench", key: generateVaultKey() }]);
    let seededMs: number | null = null;
    if (await count() === 0) {
      const now = new Date();
      const anchor = new Date(
        Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()),
      );
      const t0 = performance.now();
      let last = 0;
      await seedDatabase(db, vault, {
        seed: opts.seed,
        stores: opts.stores,
        orders: opts.orders,
        days: opts.days,
        anchor,
        ordersPerTransaction: 2000,
        onProgress: (m) => {
          if (performance.now() - last > 10_000) {
            last = performance.now();
            progress(`seed ${((last - t0) / 1000).toFixed(0)}s: ${m}`);
          }
        },
      });
      seededMs = Math.round(performance.now() - t0);
      progress(`seeded in ${(seededMs / 1000).toFixed(1)} s`);
    }
    await owner.execute(sql`analyze`);
    const orders = await count();
    const storeIds = rowsOf<{ id: string }>(
      await owner.execute(sql`select id::text as id from stores order by id`),
    ).map((r) => r.id);
    const ads = opts.adRows > 0
      ? await seedAds(db, storeIds, {
        rows: opts.adRows,
        anchor: new Date(),
      })
      : null;
    if (ads) {
      progress(`ads: ${ads.rows} metric rows, ${ads.campaigns} campaigns`);
    }

    // A staff member with every store granted, signed in as the portal does.
    const config = loadConfig({
      DATABASE_URL: url.toString(),
      DATA_DIR: dataDir,
      DATABASE_POOL_SIZE: String(opts.poolSize),
    });
    const [user] = await owner.insert(staffUsers).values({
      email: `load-${crypto.randomUUID().slice(0, 8)}@example.test`,
      displayName: "Load bench",
      role: "support",
      kind: "sso",
      status: "active",
    }).returning();
    for (const storeId of storeIds) {
      await owner.insert(storeGrants).values({ userId: user.id, storeId });
    }
    const sessionId = await createSession(kv, {
      idleMs: config.SESSION_IDLE_MINUTES * 60_000,
      absoluteMs: config.SESSION_ABSOLUTE_HOURS * 3_600_000,
    }, { userId: user.id });
    const cookie = `__Host-custodian_session=${sessionId}`;
    // The advertising screens need ads.read: an advertising staff member.
    const [adsUser] = await owner.insert(staffUsers).values({
      email: `load-ads-${crypto.randomUUID().slice(0, 8)}@example.test`,
      displayName: "Load bench (ads)",
      role: "advertising",
      kind: "sso",
      status: "active",
    }).returning();
    for (const storeId of storeIds) {
      await owner.insert(storeGrants).values({ userId: adsUser.id, storeId });
    }
    const adsCookie = `__Host-custodian_session=${await createSession(kv, {
      idleMs: config.SESSION_IDLE_MINUTES * 60_000,
      absoluteMs: config.SESSION_ABSOLUTE_HOURS * 3_600_000,
    }, { userId: adsUser.id })}`;

    let logLines = 0;
    const app = createApp({
      config,
      db,
      kv,
      // Lines are counted, not written: the terminal is not what is measured.
      log: createLogger({ level: config.LOG_LEVEL, sink: () => logLines++ }),
      vault,
      enqueue: () => Promise.resolve(),
    });
    const port = await new Promise<number>((resolve) => {
      server = Deno.serve({
        hostname: "127.0.0.1",
        port: 0,
        onListen: (addr) => resolve(addr.port),
      }, app.fetch);
    });
    const base = `http://127.0.0.1:${port}`;
    const get = async (path: string, as = cookie) => {
      const res = await fetch(base + path, { headers: { cookie: as } });
      const text = await res.text();
      if (res.status !== 200) {
        throw new Error(`GET ${path}: ${res.status} ${text.slice(0, 300)}`);
      }
      return text;
    };

    // The deep page's cursor: the last row of the page before it, in the
    // list's order (purchase time, store, order id; newest first).
    const list = `/orders?status=${encodeURIComponent(opts.status)}`;
    const cursorAt = async (page: number): Promise<string | null> => {
      if (page <= 1) return null;
      const [r] = rowsOf<{ p: Date | string; s: string; o: string }>(
        await owner.execute(sql`select purchased_at as p, store_id::text as s,
          amazon_order_id as o from orders where status = ${opts.status}
          order by purchased_at desc, store_id desc, amazon_order_id desc
          offset ${(page - 1) * PAGE_SIZE - 1} limit 1`),
      );
      if (!r) return null;
      return encodeCursor({
        k: null,
        p: new Date(r.p).toISOString(),
        s: r.s,
        o: r.o,
      });
    };
    const deepCursor = await cursorAt(opts.depth);
    if (!deepCursor) {
      throw new Error(
        `fewer than ${opts.depth} pages of ${opts.status} orders: seed more`,
      );
    }
    // Following "Older" links reaches the same place: checked all the way
    // for a shallow depth, on the first pages otherwise.
    const follow = Math.min(opts.depth, 5);
    let after: string | null = null;
    for (let p = 2; p <= follow; p++) {
      const html: string = await get(
        after ? `${list}&after=${after}` : list,
      );
      const nextLink = html.match(/href="(\/orders\?[^"]*)" rel="next"/)?.[1];
      after = nextLink?.match(/[?&](?:amp;)?after=([A-Za-z0-9_-]+)/)?.[1] ??
        null;
      if (after !== await cursorAt(p)) {
        throw new Error(`page ${p}: the followed cursor differs`);
      }
    }
    const cursorChecked = true;

    const sample = rowsOf<{ s: string; o: string }>(
      await owner.execute(sql`select store_id::text as s, amazon_order_id as o
        from orders tablesample system (1) limit 200`),
    );
    if (sample.length === 0) {
      sample.push(...rowsOf<{ s: string; o: string }>(
        await owner.execute(sql`select store_id::text as s,
          amazon_order_id as o from orders limit 200`),
      ));
    }
    const pages: { name: string; urls: string[]; cookie?: string }[] = [
      { name: "orders list, page 1", urls: [list] },
      {
        name: `orders list, page ${opts.depth}`,
        urls: [`${list}&after=${deepCursor}`],
      },
      {
        name: "order page",
        urls: sample.map((r) => `/orders/${r.s}/${encodeURIComponent(r.o)}`),
      },
      ...(ads
        ? [
          {
            name: "ads campaigns, 30 days",
            urls: ["/ads?days=30"],
            cookie: adsCookie,
          },
          {
            name: "ads keywords, 30 days",
            urls: ads.sample.map((x) =>
              `/ads/keywords?days=30&store=${x.storeId}&campaign=${x.campaignId}`
            ),
            cookie: adsCookie,
          },
        ]
        : []),
      { name: "dashboard", urls: ["/"] },
    ];

    // What each page sends, recorded from one request after a warm-up.
    const recorded: Recorded[] = [];
    for (const p of pages) {
      for (const u of p.urls.slice(0, 3)) await get(u, p.cookie);
      await get(p.urls[0], p.cookie);
      sent = [];
      await get(p.urls[0], p.cookie);
      recorded.push(group(sent));
      sent = null;
    }

    progress(`load: ${orders} orders, ${opts.connections} connections`);
    const plan: LoadPlan = {
      base,
      cookie,
      connections: opts.connections,
      seconds: opts.seconds,
      warmup: 5,
      pages,
    };
    const drive = async (plan: LoadPlan): Promise<PageResult[]> => {
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-net",
          new URL("./load_client.ts", import.meta.url).pathname,
        ],
        stdin: "piped",
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(JSON.stringify(plan)));
      await writer.close();
      const out = await child.output();
      if (!out.success) throw new Error("the load client failed");
      return JSON.parse(new TextDecoder().decode(out.stdout));
    };
    const http = await drive(plan);
    const loadDuring = machineLoad();
    // One connection: what a page costs without queueing behind others.
    const httpSerial = await drive({
      ...plan,
      connections: 1,
      seconds: Math.min(opts.seconds, 5),
    });

    // Raw SQL: the recorded statements again, through postgres.js as the
    // runtime role (or the owner, for what the owner's pool sent).
    await server!.shutdown();
    server = undefined;
    const password = await derivedAppPassword(url.toString());
    replayRuntime = postgres(url.toString(), {
      max: opts.poolSize,
      username: role,
      password: password ?? undefined,
      onnotice: () => {},
    });
    replayOwner = postgres(url.toString(), {
      max: Math.max(2, Math.ceil(opts.poolSize / 4)),
      onnotice: () => {},
    });
    const runTxn = async (t: Txn) => {
      const client = t.pool === "owner" ? replayOwner! : replayRuntime!;
      if (!t.wrapped) {
        for (const s of t.statements) {
          await client.unsafe(s.query, s.params as never[]);
        }
        return;
      }
      await client.begin(async (tx) => {
        for (const s of t.statements) {
          await tx.unsafe(s.query, s.params as never[]);
        }
      });
    };
    // Each statement of a page alone, in its transaction's setting.
    const slowest = async (r: Recorded) => {
      const out: { ms: number; query: string }[] = [];
      for (const t of r.waves.flat()) {
        for (let i = 0; i < t.statements.length; i++) {
          const times: number[] = [];
          for (let k = 0; k < 5; k++) {
            const client = t.pool === "owner" ? replayOwner! : replayRuntime!;
            await client.begin(async (tx) => {
              // The statements before it set the scope (set_config).
              for (const s of t.statements.slice(0, i)) {
                if (/set_config/.test(s.query)) {
                  await tx.unsafe(s.query, s.params as never[]);
                }
              }
              const t0 = performance.now();
              await tx.unsafe(
                t.statements[i].query,
                t.statements[i].params as never[],
              );
              times.push(performance.now() - t0);
              // Nothing a page writes stays.
              throw new Rollback();
            }).catch((e) => {
              if (!(e instanceof Rollback)) throw e;
            });
          }
          out.push({
            ms: Math.round(percentiles(times).p50 * 100) / 100,
            query: t.statements[i].query.replace(/\s+/g, " ").slice(0, 160),
          });
        }
      }
      return out.sort((a, b) => b.ms - a.ms).slice(0, 4);
    };
    const replay = async (r: Recorded) => {
      for (const wave of r.waves) await Promise.all(wave.map(runTxn));
    };
    const figures: PageFigures[] = [];
    for (let i = 0; i < pages.length; i++) {
      const r = recorded[i];
      figures.push({
        name: pages[i].name,
        http: http[i],
        httpSerial: httpSerial[i],
        raw: await timed(opts.connections, opts.seconds, () => replay(r)),
        rawSerial: await timed(1, Math.min(opts.seconds, 5), () => replay(r)),
        statements: r.statements,
        transactions: r.waves.reduce((n, w) => n + w.length, 0),
        slowest: await slowest(r),
      });
    }

    // The dashboard with and without its aggregates: the same statements,
    // daily_sales and daily_product_sales replaced by a GROUP BY over the
    // orders (and their items) of the same days.
    const dash = recorded[pages.findIndex((p) => p.name === "dashboard")];
    const direct = withoutAggregates(dash);
    const answers = async (r: Recorded) => {
      const out: unknown[] = [];
      for (const wave of r.waves) {
        for (const t of wave) {
          const client = t.pool === "owner" ? replayOwner! : replayRuntime!;
          await client.begin(async (tx) => {
            for (const s of t.statements) {
              // Rows as a set: an unordered statement may return either order.
              const rows = await tx.unsafe(s.query, s.params as never[]);
              out.push([...rows].map((r) => JSON.stringify(r)).sort());
            }
          });
        }
      }
      return JSON.stringify(out);
    };
    const [a, b] = [await answers(dash), await answers(direct)];
    const sameFigures = a === b;
    if (!sameFigures) {
      const [x, y] = [JSON.parse(a), JSON.parse(b)] as unknown[][];
      const i = x.findIndex((v, k) =>
        JSON.stringify(v) !== JSON.stringify(y[k])
      );
      progress(
        `dashboard figures differ at statement ${i}: ${
          JSON.stringify(x[i]).slice(0, 400)
        } vs ${JSON.stringify(y[i]).slice(0, 400)}`,
      );
    }
    const dashboard = {
      withAggregates: await timed(
        1,
        Math.min(opts.seconds, 5),
        () => replay(onlyAggregateReads(dash)),
      ),
      withoutAggregates: await timed(
        1,
        Math.min(opts.seconds, 5),
        () => replay(onlyAggregateReads(direct)),
      ),
      sameFigures,
    };
    progress(`log lines counted: ${logLines}`);
    return {
      orders,
      adRows: ads?.rows ?? 0,
      stores: storeIds.length,
      connections: opts.connections,
      seededMs,
      load: loadDuring,
      pages: figures,
      dashboard,
      cursorChecked,
    };
  } finally {
    await server?.shutdown();
    await replayRuntime?.end({ timeout: 5 });
    await replayOwner?.end({ timeout: 5 });
    kv.close();
    await db.close();
    await Deno.remove(dataDir, { recursive: true });
    if (own) {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      if (role) await admin.unsafe(`drop role if exists "${role}"`);
    }
    await admin.end();
  }
}

const DAILY_SALES = `(select o.store_id, o.marketplace_id,
    (o.purchased_at at time zone app_marketplace_time_zone(o.marketplace_id))::date as day,
    coalesce(o.currency, 'XXX')::char(3) as currency, count(*)::int as orders,
    count(o.order_total)::int as priced_orders,
    coalesce(sum((select sum(it.quantity) from order_items it
      where it.store_id = o.store_id
        and it.amazon_order_id = o.amazon_order_id)), 0)::int as units,
    coalesce(sum(o.order_total), 0)::numeric(18, 4) as sales
  from orders o
  where o.status <> 'Canceled' and o.purchased_at >= now() - interval '80 days'
  group by 1, 2, 3, 4)`;

const DAILY_PRODUCT_SALES = `(select o.store_id, o.marketplace_id,
    (o.purchased_at at time zone app_marketplace_time_zone(o.marketplace_id))::date as day,
    it.asin, coalesce(o.currency, 'XXX')::char(3) as currency,
    count(distinct o.amazon_order_id)::int as orders,
    sum(it.quantity)::int as units,
    coalesce(sum(it.item_price), 0)::numeric(18, 4) as sales
  from orders o join order_items it on it.store_id = o.store_id
    and it.amazon_order_id = o.amazon_order_id
  where o.status <> 'Canceled' and o.purchased_at >= now() - interval '80 days'
  group by 1, 2, 3, 4, 5)`;

/** The recording with the aggregates replaced by their GROUP BY. */
export function withoutAggregates(r: Recorded): Recorded {
  const swap = (q: string) =>
    q.replace(
      /\bfrom\s+"?daily_product_sales"?/g,
      `from ${DAILY_PRODUCT_SALES} daily_product_sales`,
    )
      .replace(/\bfrom\s+"?daily_sales"?/g, `from ${DAILY_SALES} daily_sales`);
  return {
    statements: r.statements,
    waves: r.waves.map((w) =>
      w.map((t) => ({
        ...t,
        statements: t.statements.map((s) => ({ ...s, query: swap(s.query) })),
      }))
    ),
  };
}

/** Only the transactions that read the aggregates (the sales figures). */
function onlyAggregateReads(r: Recorded): Recorded {
  const reads = (t: Txn) =>
    t.statements.some((s) => /\bdaily_(product_)?sales\b/.test(s.query));
  return {
    statements: r.statements,
    waves: r.waves.map((w) => w.filter(reads)).filter((w) => w.length > 0),
  };
}

/** The report as text. */
export function formatReport(r: LoadReport): string {
  const lines = [
    `orders: ${r.orders} and ${r.adRows} ad metric rows over ${r.stores} stores; ${r.connections} connections; load average during the run ${r.load}`,
    "",
    `${"page".padEnd(26)} ${"req".padStart(6)} ${"rps".padStart(7)} ${
      "p50".padStart(7)
    } ${"p95".padStart(7)} │ ${"raw p50".padStart(8)} ${
      "raw p95".padStart(8)
    } ${"p95 ×".padStart(6)} │ ${"1-conn p50".padStart(10)} ${
      "raw".padStart(7)
    }  stmts/txns  failures`,
  ];
  for (const p of r.pages) {
    lines.push(
      `${p.name.padEnd(26)} ${String(p.http.requests).padStart(6)} ${
        p.http.rps.toFixed(1).padStart(7)
      } ${p.http.p50.toFixed(1).padStart(7)} ${
        p.http.p95.toFixed(1).padStart(7)
      } │ ${p.raw.p50.toFixed(1).padStart(8)} ${
        p.raw.p95.toFixed(1).padStart(8)
      } ${(p.http.p95 / p.raw.p95).toFixed(2).padStart(6)} │ ${
        p.httpSerial.p50.toFixed(2).padStart(10)
      } ${p.rawSerial.p50.toFixed(2).padStart(7)}  ${
        `${p.statements}/${p.transactions}`.padStart(10)
      }  ${JSON.stringify(p.http.failures)}`,
    );
  }
  lines.push("", "slowest statements per page (each alone, median ms):");
  for (const p of r.pages) {
    lines.push(`  ${p.name}`);
    for (const s of p.slowest) {
      lines.push(`    ${s.ms.toFixed(2).padStart(8)}  ${s.query}`);
    }
  }
  const d = r.dashboard;
  lines.push(
    "",
    `dashboard sales SQL, one at a time: with aggregates p50 ${d.withAggregates.p50} ms p95 ${d.withAggregates.p95} ms; ` +
      `GROUP BY over orders p50 ${d.withoutAggregates.p50} ms p95 ${d.withoutAggregates.p95} ms; same figures: ${d.sameFigures}`,
  );
  if (r.seededMs !== null) {
    lines.push(`seeded in ${(r.seededMs / 1000).toFixed(1)} s`);
  }
  return lines.join("\n");
}

export function parseLoadFlags(args: string[]): LoadOptions {
  const { values } = parseArgs({
    args,
    options: {
      orders: { type: "string" },
      stores: { type: "string" },
      days: { type: "string" },
      seed: { type: "string" },
      connections: { type: "string" },
      seconds: { type: "string" },
      depth: { type: "string" },
      status: { type: "string" },
      database: { type: "string" },
      "pool-size": { type: "string" },
      "ad-rows": { type: "string" },
    },
  });
  const n = (v: string | undefined, d: number, flag: string) => {
    if (v === undefined) return d;
    if (!/^\d+$/.test(v) || Number(v) < 1) {
      throw new Error(`--${flag} must be a positive whole number`);
    }
    return Number(v);
  };
  if (
    values.database !== undefined && !/^[a-z_][a-z0-9_]*$/.test(values.database)
  ) {
    throw new Error("--database must be a plain lower-case name");
  }
  return {
    orders: n(values.orders, DEFAULTS.orders, "orders"),
    stores: n(values.stores, DEFAULTS.stores, "stores"),
    days: n(values.days, DEFAULTS.days, "days"),
    seed: values.seed ?? DEFAULTS.seed,
    connections: n(values.connections, DEFAULTS.connections, "connections"),
    seconds: n(values.seconds, DEFAULTS.seconds, "seconds"),
    depth: n(values.depth, DEFAULTS.depth, "depth"),
    status: values.status ?? DEFAULTS.status,
    database: values.database,
    poolSize: n(values["pool-size"], DEFAULTS.poolSize, "pool-size"),
    adRows: values["ad-rows"] === "0"
      ? 0
      : n(values["ad-rows"], DEFAULTS.adRows, "ad-rows"),
  };
}

if (import.meta.main) {
  const opts = parseLoadFlags(Deno.args);
  const t0 = performance.now();
  const report = await runLoad({
    ...opts,
    onProgress: (m) =>
      console.log(`[${((performance.now() - t0) / 1000).toFixed(0)}s] ${m}`),
  });
  console.log(`\n${formatReport(report)}`);
  if (Deno.env.get("LOAD_JSON")) {
    await Deno.writeTextFile(
      Deno.env.get("LOAD_JSON")!,
      JSON.stringify(report, null, 2),
    );
  }
}
