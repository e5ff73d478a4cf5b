// The sandbox marketplace's entry for demo mode (main.ts): a fake Amazon
// (LWA, the SP-API, the Advertising API) on a real HTTP port, and the fake
// seller's account and credentials a portal connects to it. The sandbox is
// a neighbour of the portal, not part of it: it imports nothing of the
// project. Tests and benches use sandbox/testing.ts; nothing outside
// sandbox/ imports any other of its files.
import { type RunningSandbox, startSandbox } from "./server.ts";
import type { Region } from "./world/reference.ts";
import { SP_OPERATIONS } from "./spec.ts";

export {
  type RunningSandbox,
  type StartOptions,
  startSandbox,
} from "./server.ts";
export type { SandboxOptions } from "./options.ts";
export type { SandboxCredentials } from "./credentials.ts";

/** The seed of the demo seller: the same fake seller on every start. */
export const DEMO_SEED = "custodian-demo";

/** The demo seller's account and credentials, as plain data. */
export interface DemoAccount {
  sellerId: string;
  region: Region;
  brand: string | null;
  marketplaceIds: string[];
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** A running demo sandbox. */
export interface DemoSandbox {
  /** Base URL of every fake Amazon host (AMAZON_BASE_URL for the clients). */
  url: string;
  account: DemoAccount;
  /** Days of history the demo world holds. */
  days: number;
  /** How many times faster than Amazon the demo runs. */
  timeScale: number;
  close(): Promise<void>;
}

/** Days of history of the demo world. */
export const DEMO_DAYS = 120;

/**
 * Starts the demo sandbox: one fixed seller with 120 days of history and
 * 1,500 orders, without the restricted role. At `timeScale` T (default 1)
 * it is T times faster than Amazon as the benches run it: every usage plan
 * T times the documented rate (announced as such in x-amzn-RateLimit-Limit,
 * on the sandbox's own unscaled clock) and reports ready T times sooner.
 *
 * @example
 * const demo = await startDemoSandbox();
 * try { … demo.url, demo.account … } finally { await demo.close(); }
 */
export async function startDemoSandbox(
  opts: { port?: number; timeScale?: number } = {},
): Promise<DemoSandbox> {
  const t = opts.timeScale ?? 1;
  if (!(t >= 1)) throw new RangeError("timeScale must be at least 1");
  const running: RunningSandbox = await startSandbox({
    seed: DEMO_SEED,
    stores: 1,
    orders: 1500,
    days: DEMO_DAYS,
    restrictedRole: false,
    port: opts.port ?? 0,
    ...(t === 1 ? {} : {
      timeScale: 1,
      usagePlans: Object.fromEntries(
        Object.entries(SP_OPERATIONS).map(([op, spec]) => [op, {
          // Amazon announces at most 4 decimals (x-amzn-RateLimit-Limit).
          rate: Number((Number(spec.rate) * t).toFixed(4)),
          burst: spec.burst,
        }]),
      ),
      adsRate: { rate: 10 * t, burst: 20 },
      reportPollsToDone: Number.MAX_SAFE_INTEGER,
      reportSecondsToDone: 60 / t,
      adsReportPollsToDone: Number.MAX_SAFE_INTEGER,
      adsReportSecondsToDone: 120 / t,
    }),
  });
  const seller = running.sandbox.sellers[0];
  const cred = running.sandbox.credentials(0);
  return {
    url: running.url,
    account: {
      sellerId: seller.sellerId,
      region: seller.region,
      brand: seller.plan.brand,
      marketplaceIds: seller.marketplaceIds,
      clientId: cred.clientId,
      clientSecret: cred.clientSecret,
      refreshToken: cred.refreshToken,
    },
    days: DEMO_DAYS,
    timeScale: t,
    close: () => running.close(),
  };
}
