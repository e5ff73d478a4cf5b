// One size of bench/ingest.ts, in its own process so its peak RSS is its
// own: the orders report backfill (backfillByReport through runSync, the
// Reports client, gunzip, tsvBatches, zod, upsertOrders) over a generated
// flat file, sampling RSS every 50 ms; then a raw COPY of the same rows into
// the same table after TRUNCATE. Prints one JSON line on stdout.
//
//   deno run -A bench/ingest_run.ts --file x.tsv.gz --engine pglite|postgres
//     [--batch-rows 5000] [--no-copy]
// (--no-copy stops after the ingest, to profile it alone with --cpu-prof.)
import { eq, sql } from "drizzle-orm";
import { OWNER } from "../db/client.ts";
import { syncRuns } from "../db/schema.ts";
import { amazonEndpoints } from "../lib/amazon/endpoints.ts";
import type { Dataset } from "../lib/sync/dataset.ts";
import { backfillByReport } from "../lib/sync/datasets/orders_report.ts";
import { openSyncWorld } from "../tests/_helpers/sync.ts";
import { openBenchDb } from "./_db.ts";
import { FILE_WINDOW } from "./ingest_file.ts";
import { startReportFront } from "./ingest_front.ts";
import {
  copyOrdersCsv,
  ordersChecksum,
  writeOrdersCsv,
} from "./ingest_copy.ts";

export interface SizeResult {
  engine: "pglite" | "postgres";
  lines: number;
  orders: number;
  ingestMs: number;
  copyMs: number;
  /** RSS when the run starts (database open, sandbox up). */
  rssBeforeBytes: number;
  /** Highest RSS sampled during the run. */
  rssPeakBytes: number;
  /** The kernel's high-water mark (VmHWM) right after the run, if known. */
  hwmBytes: number | null;
  batchRows: number;
  sameRows: boolean;
}

function arg(name: string): string | undefined {
  const at = Deno.args.indexOf(`--${name}`);
  return at >= 0 ? Deno.args[at + 1] : undefined;
}

/** VmHWM of this process (Linux), in bytes. */
async function highWaterMark(): Promise<number | null> {
  try {
    const status = await Deno.readTextFile("/proc/self/status");
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

const file = arg("file");
const engine = arg("engine");
const batchRows = Number(arg("batch-rows") ?? 5_000);
if (!file || (engine !== "pglite" && engine !== "postgres")) {
  throw new Error("usage: --file <tsv.gz> --engine pglite|postgres");
}
const lines = Number(arg("lines") ?? NaN);

const bench: Dataset = {
  name: "bench_orders",
  api: "sp-api",
  schedule: "0 0 1 1 *",
  async run(ctx) {
    const { start, end } = FILE_WINDOW;
    await backfillByReport(
      ctx,
      { start, next: start, end, counts: [] },
      (s) => s,
    );
  },
};

/** Runs the ingest, then the COPY (unless `noCopy`), in one fresh database. */
async function measure(
  file: string,
  engine: "pglite" | "postgres",
  noCopy: boolean,
): Promise<SizeResult | { ingestMs: number; orders: number }> {
  await using b = await openBenchDb(engine);
  await using front = startReportFront(file);
  await using w = await openSyncWorld({
    datasets: [bench],
    db: b.db,
    sandbox: { stores: 1, orders: 10 },
    settings: {
      // One report for the whole file.
      reportWindowDays: 1000,
      batchRows,
    },
    // SP-API through the front; the runner's own flush interval.
    runner: { endpoints: amazonEndpoints(front.url), flushMs: 1_000 },
  });
  front.delegate = w.sb.sandbox.app.fetch;
  const storeId = w.storeIds[0];
  // The harness registered the seller's marketplaces as the store's.
  const marketplaceIds = w.sb.sandbox.sellers[0].marketplaceIds;
  if (!marketplaceIds.includes("ATVPDKIKX0DER")) {
    throw new Error("the bench store must sell on Amazon.com");
  }

  // ── Our path ──────────────────────────────────────────────────────────────
  const rssBefore = Deno.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => {
    peak = Math.max(peak, Deno.memoryUsage().rss);
  }, 50);
  const t0 = performance.now();
  const outcome = await w.run(0, bench.name);
  const ingestMs = performance.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, Deno.memoryUsage().rss);
  const hwm = await highWaterMark();
  if (outcome.status !== "succeeded") {
    throw new Error(`ingest ${outcome.status}: ${JSON.stringify(outcome)}`);
  }
  if (front.calls.download !== 1) throw new Error("the document was not read");
  const [run] = await w.db[OWNER].select().from(syncRuns).where(
    eq(syncRuns.id, outcome.runId),
  );
  if (run.rowsSkipped !== 0 || run.badRowCount !== 0) {
    throw new Error(`ingest skipped ${run.rowsSkipped} rows`);
  }
  const ours = await ordersChecksum(b.db);
  if (noCopy) return { ingestMs, orders: run.rowsInserted };

  // ── Baseline: raw COPY of the same rows ───────────────────────────────────
  const csv = `${file}.csv`;
  const orders = await writeOrdersCsv(file, csv, storeId, marketplaceIds);
  await b.db[OWNER].execute(sql`truncate orders`);
  const t1 = performance.now();
  const copied = await copyOrdersCsv(b.db, csv);
  const copyMs = performance.now() - t1;
  await Deno.remove(csv);
  if (copied !== orders || run.rowsInserted !== orders) {
    throw new Error(
      `rows differ: ingest inserted ${run.rowsInserted}, file has ${orders}, COPY ${copied}`,
    );
  }
  const theirs = await ordersChecksum(b.db);

  return {
    engine,
    lines,
    orders,
    ingestMs,
    copyMs,
    rssBeforeBytes: rssBefore,
    rssPeakBytes: peak,
    hwmBytes: hwm,
    batchRows,
    sameRows: ours === theirs,
  };
}

console.log(
  JSON.stringify(await measure(file, engine, Deno.args.includes("--no-copy"))),
);
