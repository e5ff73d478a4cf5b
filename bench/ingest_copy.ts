// The baseline of bench/ingest.ts: the same order rows the ingest writes,
// mapped offline from the same flat file with the same functions
// (flatFileLine, orderFromFlatFile), written as CSV, then loaded with a raw
// `COPY orders (…) FROM STDIN` (PostgreSQL) or FROM '/dev/blob' (PGlite,
// whose COPY reads a Blob) as the owner, without RLS or upserts.
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import type { PGlite } from "@electric-sql/pglite";
import { getTableColumns, sql } from "drizzle-orm";
import type postgres from "postgres";
import { type Database, OWNER, rowsOf } from "../db/client.ts";
import { orders } from "../db/schema.ts";
import { splitLines, tsvBatches } from "../lib/amazon/reports.ts";
import type { OrderRow } from "../lib/ingest/orders.ts";
import {
  type FlatFileLine,
  flatFileLine,
  marketplaceOfChannel,
  orderFromFlatFile,
} from "../lib/sync/datasets/orders_map.ts";

// Every column but synced_at, which COPY fills with its default (now()),
// as the upsert does with coalesce(…, now()).
const COLUMNS = Object.entries(getTableColumns(orders))
  .filter(([key]) => key !== "syncedAt")
  .map(([key, c]) => ({ key: key as keyof OrderRow, name: c.name }));
const COPY_SQL = `copy orders (${
  COLUMNS.map((c) => `"${c.name}"`).join(", ")
}) from stdin with (format csv)`;

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return ""; // unquoted empty = NULL
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "boolean") return v ? "t" : "f";
  return `"${String(v).replaceAll('"', '""')}"`;
}

/**
 * Maps the gzip flat file at `gzipPath` to order rows as the report
 * backfill does (lines grouped by order id) and writes them as CSV.
 */
export async function writeOrdersCsv(
  gzipPath: string,
  csvPath: string,
  storeId: string,
  marketplaceIds: readonly string[],
): Promise<number> {
  const file = await Deno.open(gzipPath, { read: true });
  const text = file.readable
    .pipeThrough(new DecompressionStream("gzip"))
    .pipeThrough(new TextDecoderStream());
  async function* numbered() {
    let line = 0;
    for await (const t of splitLines(text)) yield { line: ++line, text: t };
  }
  const out = await Deno.open(csvPath, {
    write: true,
    create: true,
    truncate: true,
  });
  const writer = out.writable.getWriter();
  const encoder = new TextEncoder();
  let rows = 0;
  let group: FlatFileLine[] = [];
  let chunk = "";
  const flush = () => {
    if (group.length === 0) return;
    const market = marketplaceOfChannel(
      group[0]["sales-channel"],
      marketplaceIds,
    );
    if (!market) throw new Error("bench file has a foreign sales channel");
    const row = orderFromFlatFile(storeId, market, group);
    chunk += COLUMNS.map((c) => csvCell(row[c.key])).join(",") + "\n";
    rows++;
    group = [];
  };
  for await (const batch of tsvBatches(numbered(), 5_000)) {
    for (const { cells } of batch) {
      const line = flatFileLine.parse(cells);
      if (group[0]?.["amazon-order-id"] !== line["amazon-order-id"]) flush();
      group.push(line);
    }
    await writer.write(encoder.encode(chunk));
    chunk = "";
  }
  flush();
  await writer.write(encoder.encode(chunk));
  await writer.close();
  return rows;
}

/** Loads the CSV into orders with one raw COPY; returns the rows copied. */
export async function copyOrdersCsv(
  db: Database,
  csvPath: string,
): Promise<number> {
  const client = (db[OWNER] as unknown as { $client: unknown }).$client;
  if (db.engine === "postgres") {
    const pg = client as postgres.Sql;
    const writable = await pg.unsafe(COPY_SQL).writable();
    await pipeline(createReadStream(csvPath), writable);
  } else {
    // PGlite's COPY reads a Blob through its /dev/blob device.
    const blob = new Blob([await Deno.readFile(csvPath)]);
    await (client as PGlite).query(
      COPY_SQL.replace("from stdin", "from '/dev/blob'"),
      [],
      { blob },
    );
  }
  const [{ n }] = rowsOf<{ n: number }>(
    await db[OWNER].execute(sql`select count(*)::int as n from orders`),
  );
  return n;
}

/**
 * An order-independent checksum of every orders column but synced_at, to
 * show that the ingest and COPY stored the same rows.
 */
export async function ordersChecksum(db: Database): Promise<string> {
  const cols = COLUMNS.map((c) => `coalesce("${c.name}"::text, '\\N')`)
    .join(", ");
  const [r] = rowsOf<{ n: number; h: string }>(
    await db[OWNER].execute(sql.raw(
      `select count(*)::int as n,
        coalesce(sum(hashtext(concat_ws('|', ${cols}))::bigint), 0)::text as h
      from orders`,
    )),
  );
  return `${r.n}:${r.h}`;
}
