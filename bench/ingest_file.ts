// The synthetic all-orders flat file of bench/ingest.ts: `lines` lines in
// the 32 columns of facts §4.8 (one line per order item, 1-3 per order,
// grouped by order id), Amazon.com in USD, flat-file dates
// (`2026-03-01T12:00:00+00:00`), written through CompressionStream("gzip")
// chunk by chunk so the file is never whole in memory. Seeded: the same
// arguments give the same bytes.
import { ALL_ORDERS_COLUMNS, isoOffset } from "../sandbox/testing.ts";
import { formatMinor } from "../lib/ingest/money.ts";

const DAY = 86_400_000;
/** Purchase dates fall in [FILE_FROM, FILE_FROM + FILE_DAYS days). */
export const FILE_FROM = Date.UTC(2025, 0, 1);
export const FILE_DAYS = 365;
/** Last updates are at most this long after the purchase. */
const MAX_UPDATE_LAG = 10 * DAY;
/** The window that covers every line's last-updated date. */
export const FILE_WINDOW = {
  start: new Date(FILE_FROM).toISOString(),
  end: new Date(FILE_FROM + FILE_DAYS * DAY + MAX_UPDATE_LAG + DAY)
    .toISOString(),
};

const LINES_PER_CHUNK = 2_000;
const CITIES = [
  ["Seattle", "WA", "98101"],
  ["Austin", "TX", "73301"],
  ["Denver", "CO", "80202"],
  ["Boston", "MA", "02108"],
  ["Miami", "FL", "33101"],
] as const;
const STATUSES = [
  // [order-status, item-status, weight]
  ["Shipped", "Shipped", 80],
  ["Unshipped", "Unshipped", 8],
  ["Pending", "Unshipped", 6],
  ["Cancelled", "Cancelled", 6],
] as const;

/** mulberry32: small, fast and good enough for synthetic data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FlatFileInfo {
  lines: number;
  orders: number;
  /** Size of the gzip file. */
  bytes: number;
}

/** Writes the gzip flat file of `lines` data lines (plus the header) to `path`. */
export async function writeAllOrdersFile(
  path: string,
  lines: number,
  seed = 20260301,
): Promise<FlatFileInfo> {
  const rand = prng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const pad = (n: number, w: number) => String(n).padStart(w, "0");
  let written = 0;
  let orders = 0;
  let header = true;

  // One order's lines, all of them (an order never straddles the end).
  const order = (): string => {
    const g = orders++;
    const count = Math.min(1 + int(3), lines - written);
    const purchased = FILE_FROM + int(FILE_DAYS * DAY / 1000) * 1000;
    const updated = purchased + int(MAX_UPDATE_LAG / 1000) * 1000;
    let pick = int(100);
    const status = STATUSES.find(([, , w]) => (pick -= w) < 0) ??
      STATUSES[0];
    const cancelled = status[0] === "Cancelled";
    const afn = int(3) !== 0;
    const business = int(20) === 0;
    const [city, state, zip] = CITIES[int(CITIES.length)];
    const id = `${pad(100 + int(900), 3)}-${pad(int(10_000_000), 7)}-${
      pad(g, 7)
    }`;
    // Cells shared by the order's lines.
    const merchantId = int(10) === 0 ? `SO-${pad(g, 8)}` : "";
    const dates = `${isoOffset(purchased)}\t${isoOffset(updated)}`;
    let out = "";
    for (let i = 0; i < count; i++) {
      const product = int(5000);
      const quantity = 1 + int(3);
      const price = quantity * (499 + int(15_000));
      const tax = Math.round(price * 0.08);
      const shipping = afn ? 0 : 499;
      const discount = int(10) === 0 ? 100 : 0;
      const money = (minor: number) =>
        cancelled ? "" : formatMinor(minor, "USD");
      out += [
        id,
        merchantId,
        dates,
        status[0],
        afn ? "Amazon" : "Merchant",
        "Amazon.com",
        "",
        "",
        afn ? "Expedited" : "Standard",
        `Bench product ${product} - stainless steel, 12 oz`,
        `SKU-${pad(product, 5)}`,
        `B0${pad(product, 8)}`,
        status[1],
        quantity,
        "USD",
        money(price),
        money(tax),
        money(shipping),
        money(Math.round(shipping * 0.08)),
        "",
        "",
        money(discount),
        cancelled ? "" : "0.00",
        city,
        state,
        zip,
        "US",
        discount ? "PLM-BENCH-10" : "",
        business ? "true" : "false",
        "",
        business ? "BusinessPrice" : "",
      ].join("\t") + "\n";
      written++;
    }
    return out;
  };

  const text = new ReadableStream<string>({
    pull(controller) {
      let chunk = "";
      if (header) {
        chunk = ALL_ORDERS_COLUMNS.join("\t") + "\n";
        header = false;
      }
      for (let i = 0; i < LINES_PER_CHUNK && written < lines;) {
        const before = written;
        chunk += order();
        i += written - before;
      }
      if (chunk) controller.enqueue(chunk);
      if (written >= lines) controller.close();
    },
  });
  const file = await Deno.open(path, {
    write: true,
    create: true,
    truncate: true,
  });
  await text
    .pipeThrough(new TextEncoderStream())
    .pipeThrough(new CompressionStream("gzip"))
    .pipeTo(file.writable);
  return { lines: written, orders, bytes: (await Deno.stat(path)).size };
}
