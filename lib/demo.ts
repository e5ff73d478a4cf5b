// Demo mode, the embedded default (README "Two commands"): main.ts starts the
// sandbox marketplace in this process and hands over, as plain data, its
// base URL and the fake seller's account and credentials; this module
// connects that seller as a store on first start (the obviously fake
// credentials sealed in the vault like real ones) and says whether a first
// full sync is due, so a newcomer sees data within a minute. Nothing here
// knows the sandbox: the clients only get a base URL.
import { eq } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { findStoreBySeller, registerStore } from "../db/maintenance.ts";
import { amazonApps, stores, syncRuns } from "../db/schema.ts";
import { saveApp, saveStoreRefreshToken } from "./amazon/credentials.ts";
import { scaledUsagePlans, type UsagePlan } from "./amazon/usage_plans.ts";
import type { Region } from "./amazon/endpoints.ts";
import { marketplaceById } from "./amazon/marketplaces.ts";
import type { Vault } from "./security/vault.ts";

/** The demo seller's account at the fake Amazon, as plain data. */
export interface DemoAccount {
  sellerId: string;
  region: Region;
  brand: string | null;
  marketplaceIds: readonly string[];
  /** The fake app's LWA client (used for the SP-API and the Ads API). */
  clientId: string;
  clientSecret: string;
  /** The seller's self-authorization refresh token. */
  refreshToken: string;
}

/**
 * How many times faster than Amazon the demo sandbox and the clients run
 * (usage plans and report processing), so the demo store fills in minutes.
 */
export const DEMO_TIME_SCALE = 1000;

/** What the runner gets in demo mode, from the demo world's plain data. */
export interface DemoSyncTuning {
  usagePlans: Record<string, UsagePlan>;
  settings: { backfillDays: number; reportPollMs: number };
}

/**
 * The clients' plans at the demo's time scale, report polls as much
 * faster, and the first backfill clamped to the history the demo world
 * holds (no reading 730 days of a 120-day world).
 *
 * @example
 * demoSyncTuning({ days: 120, timeScale: 100 }, 730).settings.backfillDays; // 120
 */
export function demoSyncTuning(
  world: { days: number; timeScale: number },
  backfillDays: number,
): DemoSyncTuning {
  return {
    usagePlans: scaledUsagePlans(world.timeScale),
    settings: {
      backfillDays: Math.min(backfillDays, world.days),
      reportPollMs: Math.max(10, Math.round(15_000 / world.timeScale)),
    },
  };
}

/** KV prefixes of what a sandbox handed out: reports and access tokens. */
const DEMO_SESSION_PREFIXES = [
  ["sp_report"],
  ["ads_report"],
  ["lwa_access"],
] as const;

/**
 * Forgets what the previous demo sandbox handed out (it lives in this
 * process and starts afresh each time): remembered report ids and cached
 * access tokens would name reports and tokens the new one never issued, so
 * a run resumed after a restart requests its reports again instead.
 * Checkpoints (cursors) are kept: they hold data positions, not report ids.
 *
 * @example
 * await forgetDemoSession(kv);
 */
export async function forgetDemoSession(kv: Deno.Kv): Promise<number> {
  let n = 0;
  for (const prefix of DEMO_SESSION_PREFIXES) {
    for await (const e of kv.list({ prefix: [...prefix] })) {
      await kv.delete(e.key);
      n++;
    }
  }
  return n;
}

export interface DemoStore {
  storeId: string;
  /** Whether the demo store has never been synced (queue a first sync). */
  needsFirstSync: boolean;
}

/**
 * Registers and connects the demo seller as a store (idempotent).
 *
 * @example
 * const { storeId, needsFirstSync } = await connectDemoStore({ db, vault, account });
 */
export async function connectDemoStore(opts: {
  db: Database;
  vault: Vault;
  account: DemoAccount;
  /** The clock the credentials' issue dates are read from. */
  now?: () => Date;
}): Promise<DemoStore> {
  const { account: acc } = opts;
  const now = opts.now ?? (() => new Date());
  const found = await findStoreBySeller(opts.db, acc.sellerId, acc.region);
  const storeId = found?.id ?? await registerStore(opts.db, {
    sellerId: acc.sellerId,
    region: acc.region,
    name: "Demo store (sandbox)",
    brand: acc.brand,
    marketplaces: acc.marketplaceIds.map((id) => {
      const m = marketplaceById(id);
      if (!m) throw new RangeError(`unknown marketplace ${id}`);
      return {
        marketplaceId: id,
        countryCode: m.countryCode,
        defaultCurrency: m.currency,
        domain: m.domain,
      };
    }),
  });
  const needsFirstSync = await opts.db.asJob(storeId, async (tx) => {
    if (!found) {
      for (const api of ["sp-api", "ads"] as const) {
        const [existing] = await tx.select({ id: amazonApps.id }).from(
          amazonApps,
        ).where(eq(amazonApps.api, api));
        const appId = existing?.id ?? await saveApp(tx, opts.vault, {
          api,
          name: `Demo ${api === "ads" ? "Ads client" : "SP-API app"}`,
          clientId: acc.clientId,
          clientSecret: acc.clientSecret,
          secretIssuedAt: now(),
        });
        await saveStoreRefreshToken(tx, opts.vault, {
          storeId,
          api,
          appId,
          refreshToken: acc.refreshToken,
          method: "self",
          issuedAt: now(),
        });
      }
      await tx.update(stores).set({ status: "connected" }).where(
        eq(stores.id, storeId),
      );
    }
    const [run] = await tx.select({ id: syncRuns.id }).from(syncRuns).where(
      eq(syncRuns.storeId, storeId),
    ).limit(1);
    return !run;
  });
  return { storeId, needsFirstSync };
}
