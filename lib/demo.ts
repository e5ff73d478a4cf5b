// Demo mode, the embedded default (README "Two commands"): an in-process
// sandbox marketplace with one fixed demo seller, connected as a store on
// first start (obviously fake credentials, sealed in the vault like real
// ones), and a first full sync queued so a newcomer sees data within a
// minute. Nothing else knows it is not Amazon: the clients only get a base URL.
import { eq } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { findStoreBySeller, registerStore } from "../db/maintenance.ts";
import { amazonApps, stores, syncRuns } from "../db/schema.ts";
import { saveApp, saveStoreRefreshToken } from "./amazon/credentials.ts";
import { type RunningSandbox, startSandbox } from "../sandbox/server.ts";
import { marketplaceById } from "./amazon/marketplaces.ts";
import type { Vault } from "./security/vault.ts";

export const DEMO_SEED = "custodian-demo";

export interface Demo {
  /** Base URL of the sandbox (AMAZON_BASE_URL for every client). */
  url: string;
  storeId: string;
  /** Whether the demo store has never been synced (queue a first sync). */
  needsFirstSync: boolean;
  close(): Promise<void>;
}

/**
 * Starts the demo sandbox and connects its seller as a store (idempotent).
 *
 * @example
 * const demo = await startDemo({ db, vault });
 */
export async function startDemo(opts: {
  db: Database;
  vault: Vault;
  port?: number;
}): Promise<Demo> {
  const sb: RunningSandbox = await startSandbox({
    seed: DEMO_SEED,
    stores: 1,
    orders: 1500,
    days: 120,
    restrictedRole: false,
    port: opts.port ?? 0,
  });
  try {
    const seller = sb.sandbox.sellers[0];
    const cred = sb.sandbox.credentials(0);
    const found = await findStoreBySeller(
      opts.db,
      seller.sellerId,
      seller.region,
    );
    const storeId = found?.id ?? await registerStore(opts.db, {
      sellerId: seller.sellerId,
      region: seller.region,
      name: "Demo store (sandbox)",
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
    const needsFirstSync = await opts.db.asJob(storeId, async (tx) => {
      if (!found) {
        for (const api of ["sp-api", "ads"] as const) {
          const [existing] = await tx.select({ id: amazonApps.id }).from(
            amazonApps,
          ).where(eq(amazonApps.api, api));
          const appId = existing?.id ?? await saveApp(tx, opts.vault, {
            api,
            name: `Demo ${api === "ads" ? "Ads client" : "SP-API app"}`,
            clientId: cred.clientId,
            clientSecret: cred.clientSecret,
            secretIssuedAt: new Date(),
          });
          await saveStoreRefreshToken(tx, opts.vault, {
            storeId,
            api,
            appId,
            refreshToken: cred.refreshToken,
            method: "self",
            issuedAt: new Date(),
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
    return {
      url: sb.url,
      storeId,
      needsFirstSync,
      close: () => sb.close(),
    };
  } catch (err) {
    await sb.close();
    throw err;
  }
}
