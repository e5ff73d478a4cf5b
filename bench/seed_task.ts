// `deno task seed`: fills the configured database (PGlite under $DATA_DIR or
// DATABASE_URL) with deterministic generated data for development and demos.
// Buyer data is sealed with the configured vault keys (Data Policy §7).
//
//   deno task seed --stores 3 --orders 100000 --days 730 --seed 42 --anchor 2026-11-01
import { parseArgs } from "node:util";
import { z } from "zod";
import { openDatabase } from "../db/client.ts";
import { ConfigError, loadConfig } from "../lib/config.ts";
import { loadOrCreateEmbeddedKeys } from "../lib/security/embedded_keys.ts";
import { createVault } from "../lib/security/vault.ts";
import { seedDatabase, type SeedSummary } from "./seed.ts";

const USAGE = `Usage: deno task seed [options]

  --stores N    stores to create (1-100, default 3)
  --orders N    orders in total across stores (0-10000000, default 100000)
  --days N      days of history before the anchor (1-3660, default 730)
  --seed S      random seed; the same seed and anchor give the same data (default 42)
  --anchor D    "today" of the data, YYYY-MM-DD (default: today, UTC midnight)
  --help        show this help

The database is DATABASE_URL, or PGlite in $DATA_DIR/pg. Buyer data is
sealed with VAULT_KEYS, or the embedded key in $DATA_DIR/vault.key.`;

const whole = (min: number, max: number) =>
  z.string().regex(/^\d+$/, "must be a whole number").transform(Number).pipe(
    z.number().min(min, `must be at least ${min}`).max(
      max,
      `must be at most ${max}`,
    ),
  );

const flagsSchema = z.object({
  stores: whole(1, 100).default(3),
  orders: whole(0, 10_000_000).default(100_000),
  days: whole(1, 3660).default(730),
  seed: z.string().trim().min(1, "must not be empty").max(200).default("42"),
  anchor: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must look like YYYY-MM-DD")
    .transform((v, ctx) => {
      const d = new Date(`${v}T00:00:00Z`);
      if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v) {
        ctx.addIssue({ code: "custom", message: "is not a real date" });
        return z.NEVER;
      }
      return d;
    }).optional(),
});

export type SeedFlags = z.infer<typeof flagsSchema>;

/** Parses command-line flags; throws an Error whose message lists every problem. */
export function parseSeedFlags(args: string[]): SeedFlags | "help" {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        stores: { type: "string" },
        orders: { type: "string" },
        days: { type: "string" },
        seed: { type: "string" },
        anchor: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (err) {
    throw new Error(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return "help";
  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success) {
    throw new Error(
      parsed.error.issues.map((i) => `--${String(i.path[0])} ${i.message}`)
        .join("\n"),
    );
  }
  return parsed.data;
}

function todayUtc(): Date {
  const now = new Date();
  return new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()),
  );
}

function table(summary: SeedSummary): string {
  const rows = Object.entries(summary.tables)
    .filter(([, r]) => r.inserted + r.updated > 0)
    .sort(([a], [b]) => a.localeCompare(b));
  const total = rows.reduce(
    (acc, [, r]) => [acc[0] + r.inserted, acc[1] + r.updated],
    [0, 0],
  );
  const width = Math.max(5, ...rows.map(([t]) => t.length));
  const line = (a: string, b: string, c: string) =>
    `  ${a.padEnd(width)}  ${b.padStart(10)}  ${c.padStart(10)}`;
  const n = (v: number) => v.toLocaleString("en-US");
  return [
    line("table", "inserted", "updated"),
    line("-".repeat(width), "-".repeat(10), "-".repeat(10)),
    ...rows.map(([t, r]) => line(t, n(r.inserted), n(r.updated))),
    line("-".repeat(width), "-".repeat(10), "-".repeat(10)),
    line("total", n(total[0]), n(total[1])),
  ].join("\n");
}

async function main(args: string[]): Promise<number> {
  let flags: SeedFlags | "help";
  try {
    flags = parseSeedFlags(args);
  } catch (err) {
    const problems = (err instanceof Error ? err.message : String(err))
      .split("\n").map((line) => `seed: ${line}`).join("\n");
    console.error(`${problems}\n\n${USAGE}`);
    return 2;
  }
  if (flags === "help") {
    console.log(USAGE);
    return 0;
  }
  let config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  const anchor = flags.anchor ?? todayUtc();
  const ring = config.VAULT_KEYS ??
    await loadOrCreateEmbeddedKeys(config.DATA_DIR);
  const vault = createVault(ring);
  const where = config.engine === "postgres"
    ? "PostgreSQL (DATABASE_URL)"
    : `PGlite in ${config.pgliteDir}`;
  console.log(
    `Seeding ${where}: ${flags.stores} stores, ${flags.orders} orders over ${flags.days} days, seed ${
      JSON.stringify(flags.seed)
    }, anchor ${anchor.toISOString().slice(0, 10)}`,
  );
  const db = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    appPassword: config.DATABASE_APP_PASSWORD,
    pgliteDir: config.pgliteDir,
    poolSize: config.DATABASE_POOL_SIZE,
  });
  const t0 = performance.now();
  try {
    await db.migrate();
    const summary = await seedDatabase(db, vault, {
      seed: flags.seed,
      stores: flags.stores,
      orders: flags.orders,
      days: flags.days,
      anchor,
      onProgress: (msg) =>
        console.log(
          `[${
            ((performance.now() - t0) / 1000).toFixed(1).padStart(6)
          }s] ${msg}`,
        ),
    });
    console.log(`\n${table(summary)}\n`);
    if (summary.buyerPiiSkipped > 0) {
      console.log(
        `  buyer_pii rows past retention, not written: ${summary.buyerPiiSkipped}`,
      );
    }
    for (const s of summary.stores) {
      console.log(
        `  ${s.id}  ${s.sellerId}  ${s.region}  ${s.name}${
          s.brand ? ` (brand ${s.brand})` : ""
        }  ${s.orders} orders${
          s.registered ? "" : "  [existing store reused]"
        }`,
      );
    }
    console.log(
      `\nDone in ${
        (summary.elapsedMs / 1000).toFixed(1)
      } s (${summary.transactions} transactions).`,
    );
    return 0;
  } catch (err) {
    console.error(
      `seed failed: ${err instanceof Error ? err.message : String(err)}`,
    );
    return 1;
  } finally {
    await db.close();
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
