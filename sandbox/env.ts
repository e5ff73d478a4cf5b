// The state one sandbox shares between its handlers: options, clock,
// authorization, token buckets, faults, sellers, reports and documents.
// Handlers receive it explicitly; nothing in the sandbox is global, so
// several sandboxes can run side by side in one test process.
import type { AdsReportStore } from "./ads_reporting.ts";
import type { AppClient, AuthState } from "./auth.ts";
import type { Clock } from "./clock.ts";
import type { DocumentRegistry } from "./downloads.ts";
import type { FaultController } from "./faults.ts";
import type { Lifecycle } from "./lifecycle.ts";
import type { ResolvedOptions } from "./options.ts";
import type { TokenCodec } from "./pagination.ts";
import type { RateLimiter } from "./rate_limit.ts";
import type { ReportStore } from "./reports.ts";
import type { SandboxSeller } from "./seller.ts";

export interface SandboxEnv {
  opts: ResolvedOptions;
  clock: Clock;
  auth: AuthState;
  /** The LWA app every default credential belongs to. */
  client: AppClient;
  limiter: RateLimiter;
  faults: FaultController;
  codec: TokenCodec;
  life: Lifecycle;
  sellers: SandboxSeller[];
  sellerById: Map<string, SandboxSeller>;
  documents: DocumentRegistry;
  reports: ReportStore;
  adsReports: AdsReportStore;
}
