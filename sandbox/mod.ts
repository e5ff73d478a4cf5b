// The sandbox marketplace's entry for demo mode (main.ts): a fake Amazon
// (LWA, the SP-API, the Advertising API) on a real HTTP port, and the fake
// seller's account and credentials a portal connects to it. The sandbox is
// a neighbour of the portal, not part of it: it imports nothing of the
// project. Tests and benches use sandbox/testing.ts; nothing outside
// sandbox/ imports any other of its files.
import { type RunningSandbox, startSandbox } from "./server.ts";
import type { Region } from "./world/reference.ts";

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
  close(): Promise<void>;
}

/**
 * Starts the demo sandbox: one fixed seller with 120 days of history and
 * 1,500 orders, without the restricted role.
 *
 * @example
 * const demo = await startDemoSandbox();
 * try { … demo.url, demo.account … } finally { await demo.close(); }
 */
export async function startDemoSandbox(
  opts: { port?: number } = {},
): Promise<DemoSandbox> {
  const running: RunningSandbox = await startSandbox({
    seed: DEMO_SEED,
    stores: 1,
    orders: 1500,
    days: 120,
    restrictedRole: false,
    port: opts.port ?? 0,
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
    close: () => running.close(),
  };
}
