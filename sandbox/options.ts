// The sandbox's knobs, with defaults sized for tests and demos: one store,
// a few hundred orders over 60 days, Amazon's documented timings. Every
// Amazon behaviour the facts mark as unconfirmed ([U]) is an option here
// rather than a guess baked in.
import type { Clock } from "./clock.ts";
import { systemClock } from "./clock.ts";
import type { SettlementDateStyle } from "./served_world.ts";

const HOUR = 3_600_000;

/** Options of `createSandbox` / `startSandbox`. */
export interface SandboxOptions {
  /** Seed of the generated world (default "custodian-sandbox"). */
  seed?: string | number;
  /** Number of sellers (stores) (default 1). */
  stores?: number;
  /** Orders across all sellers (default 300). */
  orders?: number;
  /** Days of history (default 60). */
  days?: number;
  /** "Now" of the generated data (default: 5 minutes ago, floored to the hour). */
  anchor?: Date;
  /** Days of inventory snapshots (default 30). */
  inventoryDays?: number;
  /** Days of ad metrics (default 60). */
  adMetricsDays?: number;
  /**
   * Finances v0 also answers `FooBarEventList`, a list of a future model
   * that no client knows yet, with one event per settlement period
   * (default false).
   */
  futureEventList?: boolean;
  /**
   * Titles are localized: outside a seller's home marketplace every catalog
   * and listing title ends with ` (<country code>)` (default false).
   */
  localizedTitles?: boolean;
  /** The clock every expiry reads (default: the wall clock). */
  clock?: Clock;
  /** Token buckets refill this many times faster (default 1). */
  timeScale?: number;
  /** Enforce usage plans (default true). */
  rateLimits?: boolean;
  /** Usage plans by operation, replacing the documented ones (dynamic plans). */
  usagePlans?: Record<string, { rate: number; burst: number }>;
  /** LWA client of the (single) app (defaults derive from the seed). */
  clientId?: string;
  clientSecret?: string;
  /** SP-API application id for the consent URL. */
  applicationId?: string;
  /** Registered OAuth redirect URIs (default: any). */
  redirectUris?: string[];
  /** Whether sellers granted the restricted (PII) role (default false). */
  restrictedRole?: boolean | ((index: number, sellerId: string) => boolean);
  /** Revocation also rejects live access tokens at once (default true). */
  revokeKillsAccessTokens?: boolean;
  /** Refresh grants echo the refresh token back (default true). */
  echoRefreshToken?: boolean;
  /**
   * SP-API reports: getReport polls (or time-scaled seconds) until final
   * (default 3 polls: IN_QUEUE, IN_PROGRESS, DONE; or 60 s).
   */
  reportPollsToDone?: number;
  reportSecondsToDone?: number;
  /** Ads reports: polls (or seconds) until COMPLETED (default 3 / 120 s). */
  adsReportPollsToDone?: number;
  adsReportSecondsToDone?: number;
  /** Lifetime of presigned report document URLs (default 300 s). */
  documentUrlTtlSeconds?: number;
  /** Lifetime of Ads report URLs (default 3600 s). */
  adsUrlTtlSeconds?: number;
  /**
   * Flat-file charsets: "utf-8" (default) serves every TSV as UTF-8;
   * "amazon" serves EU ones as `charset=Cp1252` and Japanese ones as
   * `charset=Shift_JIS`, as Amazon does.
   */
  flatFileCharsets?: "utf-8" | "amazon";
  /** Settlement date format (default "auto": EU style for EU sellers). */
  settlementDateStyle?: SettlementDateStyle;
  /** Honour the `x-sandbox-fault` request header (default false). */
  faultHeader?: boolean;
  /** Serve `/_sandbox/faults` (default false). */
  faultAdmin?: boolean;
  /** Which Ads 429s carry Retry-After (default "except-report-create"). */
  adsRetryAfter?: "always" | "never" | "except-report-create";
  /** Ads usage plan per profile and operation (default 10/s, burst 20). */
  adsRate?: { rate: number; burst: number };
  /** Duplicate Ads report requests answer 425 (default true). */
  adsDuplicate425?: boolean;
}

/** Options with every default filled in. */
export interface ResolvedOptions extends
  Required<
    Omit<
      SandboxOptions,
      | "anchor"
      | "clientId"
      | "clientSecret"
      | "applicationId"
      | "usagePlans"
      | "restrictedRole"
    >
  > {
  anchor: Date;
  clientId?: string;
  clientSecret?: string;
  applicationId?: string;
  usagePlans: Record<string, { rate: number; burst: number }>;
  restrictedRole: (index: number, sellerId: string) => boolean;
}

/** Fills in defaults. */
export function resolveOptions(opts: SandboxOptions = {}): ResolvedOptions {
  const clock = opts.clock ?? systemClock;
  const anchor = opts.anchor ??
    new Date(Math.floor((clock.now() - 5 * 60_000) / HOUR) * HOUR);
  const role = opts.restrictedRole ?? false;
  return {
    seed: opts.seed ?? "custodian-sandbox",
    stores: opts.stores ?? 1,
    orders: opts.orders ?? 300,
    days: opts.days ?? 60,
    anchor,
    inventoryDays: opts.inventoryDays ?? 30,
    adMetricsDays: opts.adMetricsDays ?? 60,
    futureEventList: opts.futureEventList ?? false,
    localizedTitles: opts.localizedTitles ?? false,
    clock,
    timeScale: opts.timeScale ?? 1,
    rateLimits: opts.rateLimits ?? true,
    usagePlans: opts.usagePlans ?? {},
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    applicationId: opts.applicationId,
    redirectUris: opts.redirectUris ?? [],
    restrictedRole: typeof role === "function" ? role : () => role,
    revokeKillsAccessTokens: opts.revokeKillsAccessTokens ?? true,
    echoRefreshToken: opts.echoRefreshToken ?? true,
    reportPollsToDone: opts.reportPollsToDone ?? 3,
    reportSecondsToDone: opts.reportSecondsToDone ?? 60,
    adsReportPollsToDone: opts.adsReportPollsToDone ?? 3,
    adsReportSecondsToDone: opts.adsReportSecondsToDone ?? 120,
    documentUrlTtlSeconds: opts.documentUrlTtlSeconds ?? 300,
    adsUrlTtlSeconds: opts.adsUrlTtlSeconds ?? 3600,
    settlementDateStyle: opts.settlementDateStyle ?? "auto",
    flatFileCharsets: opts.flatFileCharsets ?? "utf-8",
    faultHeader: opts.faultHeader ?? false,
    faultAdmin: opts.faultAdmin ?? false,
    adsRetryAfter: opts.adsRetryAfter ?? "except-report-create",
    adsRate: opts.adsRate ?? { rate: 10, burst: 20 },
    adsDuplicate425: opts.adsDuplicate425 ?? true,
  };
}
