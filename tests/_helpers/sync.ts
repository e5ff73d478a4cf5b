// A sandbox marketplace and a test database with its sellers registered and
// connected as our own stores (SP-API and Ads credentials in the vault), so
// a test can run datasets through the real runner and compare the database
// with the sandbox's ground truth. Time is scaled: the sandbox's buckets and
// the clients' use the same plans, `timeScale` times the documented rates.
import { eq } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { registerStore } from "../../db/maintenance.ts";
import { stores } from "../../db/schema.ts";
import { createAccessTokens } from "../../lib/amazon/access_tokens.ts";
import {
  saveApp,
  saveStoreRefreshToken,
} from "../../lib/amazon/credentials.ts";
import { amazonEndpoints } from "../../lib/amazon/endpoints.ts";
import { createLwaClient } from "../../lib/amazon/lwa.ts";
import {
  type RunningSandbox,
  type StartOptions,
  startSandbox,
} from "../../sandbox/testing.ts";
import {
  SP_USAGE_PLANS,
  type UsagePlan,
} from "../../lib/amazon/usage_plans.ts";
import { createLogger, type Logger } from "../../lib/log.ts";
import { marketplaceById } from "../../lib/amazon/marketplaces.ts";
import { createVault, generateVaultKey } from "../../lib/security/vault.ts";
import type { Vault } from "../../lib/security/vault.ts";
import type { Dataset, SyncSettings } from "../../lib/sync/dataset.ts";
import {
  type RunnerDeps,
  type RunOutcome,
  runSync,
  type RunTrigger,
} from "../../lib/sync/runner.ts";
import { openTestDatabase, ownerOf, type TestDatabase } from "./test_db.ts";

/** Every documented plan made `factor` times faster (bursts unchanged). */
export function scaledPlans(factor: number): Record<string, UsagePlan> {
  return Object.fromEntries(
    Object.entries(SP_USAGE_PLANS).map((
      [op, p],
    ) => [op, { rate: p.rate * factor, burst: p.burst }]),
  );
}

export interface SyncWorld {
  sb: RunningSandbox;
  t: TestDatabase;
  db: Database;
  kv: Deno.Kv;
  vault: Vault;
  log: Logger;
  /** Our store id per sandbox seller, same order. */
  storeIds: string[];
  /** Runner dependencies; `datasets` and `settings` as given to openSyncWorld. */
  deps: RunnerDeps;
  /** Runs one dataset for store `index`. */
  run(
    index: number,
    dataset: string,
    trigger?: RunTrigger,
  ): Promise<RunOutcome>;
  /** Throws with the run's error unless it succeeded. */
  runOk(index: number, dataset: string): Promise<string>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface SyncWorldOptions {
  datasets: readonly Dataset[];
  sandbox?: StartOptions;
  settings?: Partial<SyncSettings>;
  /** Client and sandbox speed-up (default 2000). */
  timeScale?: number;
  /** Collects log lines instead of discarding them. */
  logSink?: (line: string) => void;
  /** Extra runner options (fetch wrappers, leases). */
  runner?: Partial<RunnerDeps>;
  /** Use this database instead of a fresh test database (closed by the caller). */
  db?: Database;
  /** Use this KV instead of an in-memory one (closed by the caller). */
  kv?: Deno.Kv;
  /** The vault key (default: a new one). */
  vaultKey?: string;
}

/**
 * Starts a sandbox and a database with every seller connected.
 *
 * @example
 * await using w = await openSyncWorld({ datasets: [ordersDataset], sandbox: { stores: 2 } });
 * await w.runOk(0, "orders");
 */
export async function openSyncWorld(
  opts: SyncWorldOptions,
): Promise<SyncWorld> {
  const timeScale = opts.timeScale ?? 2000;
  const sb = await startSandbox({
    stores: 1,
    orders: 200,
    reportPollsToDone: 2,
    adsReportPollsToDone: 2,
    // The sandbox enforces (and announces in x-amzn-RateLimit-Limit) exactly
    // the plans the clients use, `timeScale` times the documented ones, on
    // its own unscaled clock: a client that goes too fast meets a 429.
    timeScale: 1,
    usagePlans: scaledPlans(timeScale),
    adsRate: { rate: 10 * timeScale, burst: 20 },
    ...opts.sandbox,
  });
  const t: TestDatabase = opts.db
    ? { db: opts.db, [Symbol.asyncDispose]: () => Promise.resolve() }
    : await openTestDatabase();
  const kv = opts.kv ?? await Deno.openKv(":memory:");
  const vault = createVault([{
    kid: "k1",
    key: opts.vaultKey ?? generateVaultKey(),
  }]);
  const log = createLogger({
    level: "debug",
    sink: opts.logSink ?? (() => {}),
  });
  const storeIds: string[] = [];
  const ids: Record<string, string> = {};
  for (const [index, seller] of sb.sandbox.sellers.entries()) {
    const storeId = await registerStore(t.db, {
      sellerId: seller.sellerId,
      region: seller.region,
      name: `Own store ${index + 1}`,
      brand: seller.plan.brand,
      marketplaces: seller.marketplaceIds.map((id) => {
        const m = marketplaceById(id)!;
        return {
          marketplaceId: id,
          countryCode: m.countryCode,
          defaultCurrency: m.currency,
          domain: m.domain,
        };
      }),
    });
    await ownerOf(t.db).update(stores).set({ status: "connected" }).where(
      eq(stores.id, storeId),
    );
    const c = sb.sandbox.credentials(index);
    await t.db.asJob(storeId, async (tx) => {
      for (const api of ["sp-api", "ads"] as const) {
        ids[api] ??= await saveApp(tx, vault, {
          api,
          name: api === "ads" ? "Ads client" : "Custodian",
          clientId: c.clientId,
          clientSecret: c.clientSecret,
          secretIssuedAt: new Date(),
        });
        await saveStoreRefreshToken(tx, vault, {
          storeId,
          api,
          appId: ids[api],
          refreshToken: c.refreshToken,
          method: "self",
          issuedAt: new Date(),
        });
      }
    });
    storeIds.push(storeId);
  }
  const deps = syncRunnerDeps({
    db: t.db,
    kv,
    vault,
    log,
    sandboxUrl: sb.url,
    datasets: opts.datasets,
    timeScale,
    settings: opts.settings,
    runner: opts.runner,
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    if (!opts.kv) kv.close();
    await sb.close();
    await t[Symbol.asyncDispose]();
  };
  const run = (
    index: number,
    dataset: string,
    trigger: RunTrigger = "manual",
  ) => runSync(deps, { storeId: storeIds[index], dataset, trigger });
  return {
    sb,
    t,
    db: t.db,
    kv,
    vault,
    log,
    storeIds,
    deps,
    run,
    async runOk(index, dataset) {
      const out = await run(index, dataset);
      if (out.status !== "succeeded") {
        throw new Error(`${dataset} run ${out.status}: ${JSON.stringify(out)}`);
      }
      return out.runId;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Runner dependencies against a sandbox at `sandboxUrl`, time-scaled. */
export function syncRunnerDeps(o: {
  db: Database;
  kv: Deno.Kv;
  vault: Vault;
  log: Logger;
  sandboxUrl: string;
  datasets: readonly Dataset[];
  timeScale: number;
  settings?: Partial<SyncSettings>;
  runner?: Partial<RunnerDeps>;
}): RunnerDeps {
  const endpoints = amazonEndpoints(o.sandboxUrl);
  const lwa = createLwaClient({ tokenUrl: endpoints.lwaTokenUrl });
  const tokens = createAccessTokens({
    db: o.db,
    kv: o.kv,
    vault: o.vault,
    lwa,
  });
  return {
    db: o.db,
    kv: o.kv,
    tokens,
    endpoints,
    vault: o.vault,
    log: o.log,
    datasets: new Map(o.datasets.map((d) => [d.name, d])),
    settings: {
      reportPollMs: 20,
      reportFatalCooldownMinutes: 0,
      ...o.settings,
    },
    usagePlans: scaledPlans(o.timeScale),
    backoffBaseMs: 20,
    flushMs: 100,
    ...o.runner,
  };
}

/** A value in a form both the database and the ground truth agree on. */
function canon(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (typeof v === "string" && /^\d{4}-\d\d-\d\dT/.test(v)) {
    return new Date(v).toISOString();
  }
  if (typeof v === "object") return JSON.stringify(v);
  return v;
}

/**
 * Rows as sorted, canonical JSON lines over `keys` (default: every key of
 * the first truth row but storeId), for an exact comparison with truth.
 */
export function canonicalRows(
  rows: readonly Record<string, unknown>[],
  keys: readonly string[],
): string[] {
  return rows.map((r) => JSON.stringify(keys.map((k) => canon(r[k])))).sort();
}

/** Keys of a truth row worth comparing (all but storeId and `omit`). */
export function truthKeys(
  rows: readonly object[],
  omit: readonly string[] = [],
): string[] {
  const keys = new Set<string>();
  for (const r of rows.slice(0, 50)) {
    for (const k of Object.keys(r)) keys.add(k);
  }
  return [...keys].filter((k) => k !== "storeId" && !omit.includes(k)).sort();
}
