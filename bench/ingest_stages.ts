// Where bench/ingest.ts spends its CPU on our side of the wire: the orders
// report path cut after each stage (gunzip + line split, tsvBatches, zod,
// grouping + orderFromFlatFile, upsertOrders without a database), CPU time
// of this process per stage, best of 3. The database's share is what
// bench/ingest.ts measures beyond this.
//
//   deno run -A bench/ingest_stages.ts [--lines 200000]
import process from "node:process";
import type { Tx } from "../db/client.ts";
import { splitLines, tsvBatches } from "../lib/amazon/reports.ts";
import { type OrderRow, upsertOrders } from "../lib/ingest/orders.ts";
import {
  type FlatFileLine,
  flatFileLine,
  orderFromFlatFile,
} from "../lib/sync/datasets/orders_map.ts";
import { writeAllOrdersFile } from "./ingest_file.ts";

const at = Deno.args.indexOf("--lines");
const lines = at >= 0 ? Number(Deno.args[at + 1]) : 200_000;
const STORE = "00000000-0000-4000-8000-000000000001";
// A transaction that answers every statement without a database.
const noDb = {
  execute: () => Promise.resolve([{ inserted: 0, total: 0 }]),
} as unknown as Tx;

async function* numbered(file: string) {
  const f = await Deno.open(file, { read: true });
  let line = 0;
  const text = f.readable
    .pipeThrough(new DecompressionStream("gzip"))
    .pipeThrough(new TextDecoderStream());
  for await (const t of splitLines(text)) yield { line: ++line, text: t };
}

/** Runs the path up to `stage` (1-5) over the whole file. */
async function upTo(file: string, stage: number): Promise<void> {
  if (stage === 1) {
    for await (const _ of numbered(file));
    return;
  }
  let pending: FlatFileLine[] = [];
  for await (const batch of tsvBatches(numbered(file), 5_000)) {
    if (stage === 2) continue;
    const groups: FlatFileLine[][] = pending.length ? [pending] : [];
    for (const { cells } of batch) {
      const parsed = flatFileLine.safeParse(cells);
      if (!parsed.success) throw new Error("the bench file has a bad line");
      if (stage === 3) continue;
      const last = groups[groups.length - 1];
      if (last?.[0]["amazon-order-id"] === parsed.data["amazon-order-id"]) {
        last.push(parsed.data);
      } else groups.push([parsed.data]);
    }
    if (stage === 3) continue;
    pending = groups.pop() ?? [];
    const rows: OrderRow[] = groups.map((g) =>
      orderFromFlatFile(STORE, "ATVPDKIKX0DER", g)
    );
    if (stage === 5) await upsertOrders(noDb, rows);
  }
}

const dir = await Deno.makeTempDir({ prefix: "custodian-bench-stages-" });
try {
  const file = `${dir}/all-orders.tsv.gz`;
  const info = await writeAllOrdersFile(file, lines);
  console.log(
    `\nCPU of our side per stage, ${info.lines} lines / ${info.orders} orders`,
  );
  const names = [
    "gunzip + line split",
    "+ tsvBatches (cells objects)",
    "+ zod flatFileLine",
    "+ grouping + orderFromFlatFile",
    "+ upsertOrders JS side (no database)",
  ];
  let previous = 0;
  for (let stage = 1; stage <= names.length; stage++) {
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const c0 = process.cpuUsage();
      await upTo(file, stage);
      const c = process.cpuUsage(c0);
      runs.push((c.user + c.system) / 1000);
    }
    const best = Math.min(...runs);
    console.log(
      `${names[stage - 1].padEnd(40)} ${best.toFixed(0).padStart(7)} ms CPU (${
        stage > 1 ? "+" + (best - previous).toFixed(0) : "first stage"
      })`,
    );
    previous = best;
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
