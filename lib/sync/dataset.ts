// What a dataset is: a named, incremental, checkpointed read of one kind of
// Amazon data for one store (Data Policy §3), and the context the runner
// hands it. A dataset fetches through the clients in `ctx`, writes through
// lib/ingest inside `ctx.write` (the store's RLS scope), and advances its
// cursor in the same transaction as the rows it covers, so a crash at any
// point leaves a state that the next run completes and nothing twice.
import type { Database, Tx } from "../../db/client.ts";
import type { AccessTokens } from "../amazon/access_tokens.ts";
import type { AmazonEndpoints, Region } from "../amazon/endpoints.ts";
import type { SpClient } from "../amazon/sp_client.ts";
import type { UsagePlan } from "../amazon/usage_plans.ts";
import type { WriteResult } from "../ingest/_upsert.ts";
import type { Logger } from "../log.ts";
import type { Vault } from "../security/vault.ts";

/** Why a run wrote nothing, so staff can tell an empty store from a broken sync. */
export type EmptyReason =
  | "no_data_for_period"
  | "role_missing"
  | "report_cancelled"
  | "no_brand"
  | "no_ads_profile"
  | "not_due";

/** Tunables of every dataset; defaults in DEFAULT_SYNC_SETTINGS. */
export interface SyncSettings {
  /** searchOrders re-reads this much before the last high-water mark. */
  ordersOverlapMinutes: number;
  /** How far back the first run of a dataset reaches. */
  backfillDays: number;
  /** Days per report window on backfills (all-orders: 30). */
  reportWindowDays: number;
  /** Ads metrics are re-read over this many trailing days (restatement). */
  adsTrailingDays: number;
  /** A DONE report younger than this is reused instead of requested again. */
  reportFreshnessMinutes: number;
  /** A FATAL report is requested again only after this cooldown. */
  reportFatalCooldownMinutes: number;
  /** Polling interval for report status (ms; the client's buckets still apply). */
  reportPollMs: number;
  /** Give up on a report that is not final after this long (ms). */
  reportTimeoutMs: number;
  /** Rows per write transaction when streaming documents. */
  batchRows: number;
  /**
   * How often orders first seen without a ship country are looked up in the
   * all-orders report (orders_country.ts).
   */
  shipCountryEveryMinutes: number;
}

export const DEFAULT_SYNC_SETTINGS: SyncSettings = {
  ordersOverlapMinutes: 10,
  backfillDays: 730,
  reportWindowDays: 30,
  adsTrailingDays: 30,
  reportFreshnessMinutes: 60,
  reportFatalCooldownMinutes: 30,
  reportPollMs: 15_000,
  reportTimeoutMs: 45 * 60_000,
  batchRows: 5_000,
  shipCountryEveryMinutes: 360,
};

/** The store a run works for. */
export interface StoreScope {
  storeId: string;
  sellerId: string;
  region: Region;
  /**
   * Registered, participating marketplaces; the first is the primary one
   * (stores.primary_marketplace_id), where products take their titles from.
   */
  marketplaceIds: string[];
  brand: string | null;
}

/** What the dataset needs to build further Amazon clients (the Ads API). */
export interface AmazonDeps {
  db: Database;
  kv: Deno.Kv;
  tokens: AccessTokens;
  endpoints: AmazonEndpoints;
  /** Seals buyer data (lib/ingest/buyer_pii.ts) and opens the Ads client id inside lib/amazon. */
  vault: Vault;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Usage plans replacing the documented ones (tests, benches). */
  usagePlans?: Readonly<Record<string, UsagePlan>>;
  /** Backoff base for retries in ms (tests make it small). */
  backoffBaseMs?: number;
  /** Per-attempt timeout of API calls in ms (default 30000). */
  timeoutMs?: number;
  /** Called once per outbound call, for the run's counters. */
  onCall?: (info: {
    operation: string;
    attempts: number;
    throttles: number;
    status: number | null;
  }) => void;
}

/** The counters a sync run records. */
export interface RunCounters {
  pages: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsSkipped: number;
  apiCalls: number;
  throttles: number;
}

/** A row that failed validation: recorded in the run, then skipped. */
export interface BadRow {
  /** Where: a document line number, or a page and index. */
  line: number;
  /** Which document or page, e.g. a report id. */
  source: string;
  reason: string;
}

/** A run warning: a stable code and a detail free of content. */
export interface RunWarning {
  code: string;
  detail: string;
}

export interface SyncContext {
  store: StoreScope;
  settings: SyncSettings;
  db: Database;
  sp: SpClient;
  amazon: AmazonDeps;
  log: Logger;
  /** Aborted when the lease is lost or the process stops. */
  signal: AbortSignal;
  now(): Date;
  /**
   * Writes in one store-scoped transaction and counts the result. A cursor
   * given here is saved in the same transaction as the rows.
   */
  write(
    fn: (tx: Tx) => Promise<WriteResult | void>,
    cursor?: { key?: string; value: unknown },
  ): Promise<void>;
  /** The dataset's saved cursor for `key` (a marketplace id, or "" for the store). */
  cursor<T>(key?: string): Promise<T | null>;
  /** Saves a cursor on its own (when no rows go with it). */
  saveCursor(value: unknown, key?: string): Promise<void>;
  /** Counts one page or document read. */
  page(): void;
  /** Records a row that was skipped as invalid. */
  badRow(row: BadRow): void;
  /** Counts rows skipped for a reason other than being invalid. */
  skipped(n: number): void;
  /**
   * Records something staff should look at although nothing failed (shown
   * with the run as `progress.warnings`), e.g. data of a kind the code does
   * not know yet, stored raw.
   */
  warn(warning: RunWarning): void;
  /** Says why the run wrote nothing (shown with the run). */
  empty(reason: EmptyReason, detail?: string): void;
  /** Refreshes planner statistics of store tables after a bulk load. */
  refreshStatistics(tables: readonly string[]): Promise<void>;
  /**
   * What this run recorded with markReportRead for report `reportId`, or
   * undefined. A report this run already read (its message delivered again,
   * or the run resumed) is not downloaded again: its rows are written.
   */
  reportRead(reportId: string): unknown;
  /**
   * Records in the run's checkpoint that the rows of report `reportId` are
   * written (call it after the write), with what a later attempt needs in
   * place of the document (`summary`, JSON; default true).
   */
  markReportRead(reportId: string, summary?: unknown): void;
  /** Reports progress (shown live in the portal). */
  progress(p: { done?: number; total?: number; step?: string }): void;
}

/** A named dataset with its default schedule. */
export interface Dataset {
  /** Stable name: queue messages, sync_runs.dataset, cursors, schedules. */
  name: string;
  /** The API whose authorization it needs. */
  api: "sp-api" | "ads";
  /** Default five-field UTC cron schedule (admins may edit it). */
  schedule: string;
  /** English label key in views/i18n.ts (`dataset.<name>`). */
  run(ctx: SyncContext): Promise<void>;
}
