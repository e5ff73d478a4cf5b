// The orders report backfill at scale: an N-line all-orders flat file
// (gzip) through the real path — backfillByReport run by runSync, the
// Reports client (createReport → getReport → getReportDocument → download,
// DecompressionStream, line split), tsvBatches, zod, upsertOrders under
// RLS — against a raw COPY of the same rows into the same table in the same
// run, and the peak RSS of the ingest at each size (one process per size,
// bench/ingest_run.ts). Targets: at least half the COPY rate; a peak RSS
// that does not grow with the file.
//
//   deno run -A bench/ingest.ts [--lines 1000000,3000000]
//     [--engine pglite|postgres] [--batch-rows 5000]
// The engine is PostgreSQL when DATABASE_URL is set, PGlite otherwise.
import { report } from "./_measure.ts";
import { writeAllOrdersFile } from "./ingest_file.ts";
import type { SizeResult } from "./ingest_run.ts";

function arg(name: string): string | undefined {
  const at = Deno.args.indexOf(`--${name}`);
  return at >= 0 ? Deno.args[at + 1] : undefined;
}

const sizes = (arg("lines") ?? "1000000,3000000").split(",").map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 1)) {
  throw new Error("--lines takes whole numbers, e.g. --lines 100000,300000");
}
const engine = arg("engine") ??
  (Deno.env.get("DATABASE_URL") ? "postgres" : "pglite");
const batchRows = arg("batch-rows") ?? "5000";
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

const results: SizeResult[] = [];
const dir = await Deno.makeTempDir({ prefix: "custodian-bench-ingest-" });
try {
  for (const lines of sizes) {
    const file = `${dir}/all-orders-${lines}.tsv.gz`;
    const t0 = performance.now();
    const info = await writeAllOrdersFile(file, lines);
    console.log(
      `\ngenerated ${info.lines} lines (${info.orders} orders, ${
        mb(info.bytes)
      } gzip) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const child = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("ingest_run.ts", import.meta.url).pathname,
        "--file",
        file,
        "--engine",
        engine,
        "--lines",
        String(lines),
        "--batch-rows",
        batchRows,
      ],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    await Deno.remove(file);
    if (!child.success) throw new Error(`bench/ingest_run.ts failed`);
    const out = new TextDecoder().decode(child.stdout).trim().split("\n");
    const r = JSON.parse(out[out.length - 1]) as SizeResult;
    results.push(r);
    // Other work on the host slows both paths, not always alike.
    console.log(`load average: ${Deno.loadavg().map((l) => l.toFixed(2))}`);
    report(
      `${engine}: ${lines} lines, ${r.orders} orders (batchRows ${r.batchRows})`,
      [
        {
          name: "raw COPY of the same rows (owner, no RLS)",
          ms: r.copyMs,
          runs: 1,
          rows: r.orders,
        },
        {
          name: "orders report backfill via runSync",
          ms: r.ingestMs,
          runs: 1,
          rows: r.orders,
        },
      ],
      "raw COPY of the same rows (owner, no RLS)",
    );
    console.log(
      `rate ours ÷ COPY: ${(r.copyMs / r.ingestMs).toFixed(2)} (target ≥ 0.50)`,
    );
    console.log(
      `lines/s ours: ${Math.round(lines / (r.ingestMs / 1000))}`,
    );
    console.log(
      `peak RSS during the ingest: ${mb(r.rssPeakBytes)} (at start ${
        mb(r.rssBeforeBytes)
      }${r.hwmBytes ? `, VmHWM ${mb(r.hwmBytes)}` : ""})`,
    );
    console.log(`same rows as COPY: ${r.sameRows ? "yes" : "NO"}`);
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}

if (results.length > 1) {
  const first = results[0];
  const last = results[results.length - 1];
  console.log(
    `\npeak RSS ${last.lines} ÷ ${first.lines} lines: ${
      (last.rssPeakBytes / first.rssPeakBytes).toFixed(2)
    } (${mb(first.rssPeakBytes)} → ${
      mb(last.rssPeakBytes)
    }; target ≈ 1: memory does not grow with file size)`,
  );
}
if (results.some((r) => !r.sameRows)) Deno.exit(1);
