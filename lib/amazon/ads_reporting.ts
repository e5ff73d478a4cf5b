// Ads reporting v3 (facts §5.6): POST /reporting/reports → poll GET
// /reporting/reports/{id} until COMPLETED → download the presigned `url`
// without auth headers → gunzip → a JSON array, parsed one element at a time
// (ids kept as strings), never the whole document in memory. Each request is
// remembered in KV by its parameters, so a crashed run polls the same report
// again and a replay soon after reuses it; a duplicate request answered 425
// reuses the report id Amazon names; a FAILED report is requested again only
// after a cooldown.
import type { Database } from "../../db/client.ts";
import { splitJsonArrays } from "../json_stream.ts";
import { sleep } from "../sleep.ts";
import { downloadDocument, DownloadError } from "./document_download.ts";
import { AdsApiError, type AdsClient } from "./ads_client.ts";
import { parseKeepingIds } from "./ads_profiles.ts";
import type { Region } from "./endpoints.ts";
import { safeText } from "./sp_client.ts";

const MEDIA = "application/vnd.createasyncreportrequest.v3+json";

/** One report: a profile, a date range (at most 31 days), a configuration. */
export interface AdsReportRequest {
  profileId: string;
  reportTypeId: string;
  groupBy: string[];
  columns: string[];
  /** YYYY-MM-DD, inclusive. */
  startDate: string;
  endDate: string;
  timeUnit: "DAILY" | "SUMMARY";
  adProduct?: string;
  filters?: { field: string; values: string[] }[];
}

export interface AdsReportDeps {
  ads: AdsClient;
  db: Database;
  kv: Deno.Kv;
  storeId: string;
  region: Region;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
  /** Reuse a COMPLETED report younger than this (minutes). */
  freshnessMinutes: number;
  /** Request again after FAILED only after this (minutes). */
  failedCooldownMinutes: number;
  pollMs: number;
  timeoutMs: number;
}

/** Amazon could not build the report. */
export class AdsReportFailedError extends Error {
  override name = "AdsReportFailedError";
}

interface Remembered {
  reportId: string;
  createdAt: number;
  status?: "COMPLETED" | "FAILED";
  finishedAt?: number;
}

interface ReportJson {
  reportId: string;
  status: "PENDING" | "PROCESSING" | "COMPLETED" | "FAILED" | string;
  url?: string | null;
  failureReason?: string | null;
}

/** A completed report and its (short-lived) download URL. */
export interface ReadyAdsReport {
  reportId: string;
  url: string;
}

/** The body Amazon expects for `req`. */
function createBody(req: AdsReportRequest) {
  const configuration: Record<string, unknown> = {
    adProduct: req.adProduct ?? "SPONSORED_PRODUCTS",
    reportTypeId: req.reportTypeId,
    groupBy: req.groupBy,
    columns: req.columns,
    timeUnit: req.timeUnit,
    format: "GZIP_JSON",
  };
  if (req.filters?.length) configuration.filters = req.filters;
  return {
    name: `${req.reportTypeId} ${req.startDate}..${req.endDate}`,
    startDate: req.startDate,
    endDate: req.endDate,
    configuration,
  };
}

/** The KV key a report is remembered under: its parameters, hashed. */
export async function adsReportKey(
  storeId: string,
  req: AdsReportRequest,
): Promise<string[]> {
  const config = JSON.stringify([
    req.adProduct ?? "SPONSORED_PRODUCTS",
    req.groupBy,
    req.columns,
    req.timeUnit,
    req.filters ?? [],
  ]);
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(config),
  );
  const hash = [...new Uint8Array(digest).slice(0, 12)]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  return [
    "ads_report",
    storeId,
    req.profileId,
    req.reportTypeId,
    req.startDate,
    req.endDate,
    hash,
  ];
}

/**
 * Requests `req`, or finds the report already requested for it (KV, or the
 * 425 answer to a duplicate). Resolves with the report id.
 */
export async function requestAdsReport(
  deps: AdsReportDeps,
  req: AdsReportRequest,
): Promise<string> {
  const now = deps.now ?? Date.now;
  const key = await adsReportKey(deps.storeId, req);
  const seen = (await deps.kv.get<Remembered>(key)).value;
  if (seen?.status === "FAILED") {
    const since = now() - (seen.finishedAt ?? seen.createdAt);
    if (since < deps.failedCooldownMinutes * 60_000) {
      throw new AdsReportFailedError(
        `${req.reportTypeId} ${req.startDate}..${req.endDate} FAILED ${
          Math.round(since / 60_000)
        } min ago; it is requested again after a ${deps.failedCooldownMinutes}-minute cooldown`,
      );
    }
  } else if (
    seen && (seen.status !== "COMPLETED" ||
      now() - (seen.finishedAt ?? seen.createdAt) <
        deps.freshnessMinutes * 60_000)
  ) {
    return seen.reportId;
  }
  let reportId: string;
  try {
    const created = await deps.ads.call<{ reportId: string }>({
      storeId: deps.storeId,
      region: deps.region,
      operation: "createAsyncReport",
      method: "POST",
      path: "/reporting/reports",
      profileId: req.profileId,
      mediaType: MEDIA,
      body: createBody(req),
    });
    reportId = String(created.body.reportId);
  } catch (err) {
    // A duplicate of a report Amazon still has: use that one (facts §5.6).
    if (!(err instanceof AdsApiError) || err.status !== 425) throw err;
    if (!err.duplicateOf) throw err;
    // Even a report remembered as FAILED: its status is polled again.
    reportId = err.duplicateOf;
  }
  await deps.kv.set(key, { reportId, createdAt: now() } satisfies Remembered, {
    expireIn: 3 * 86_400_000,
  });
  return reportId;
}

/** Polls the report until COMPLETED; FAILED and timeouts throw. */
async function awaitReport(
  deps: AdsReportDeps,
  req: AdsReportRequest,
  reportId: string,
): Promise<ReadyAdsReport> {
  const now = deps.now ?? Date.now;
  const key = await adsReportKey(deps.storeId, req);
  const deadline = now() + deps.timeoutMs;
  for (;;) {
    deps.signal?.throwIfAborted();
    const r = await deps.ads.call<ReportJson>({
      storeId: deps.storeId,
      region: deps.region,
      operation: "getAsyncReport",
      path: `/reporting/reports/${encodeURIComponent(reportId)}`,
      profileId: req.profileId,
    });
    const s = r.body.status;
    const remembered = (await deps.kv.get<Remembered>(key)).value ??
      { reportId, createdAt: now() };
    if (s === "COMPLETED" && r.body.url) {
      if (remembered.status !== "COMPLETED") {
        await deps.kv.set(
          key,
          {
            ...remembered,
            reportId,
            status: "COMPLETED",
            finishedAt: now(),
          } satisfies Remembered,
          { expireIn: 3 * 86_400_000 },
        );
      }
      return { reportId, url: r.body.url };
    }
    if (s === "FAILED") {
      await deps.kv.set(
        key,
        {
          ...remembered,
          reportId,
          status: "FAILED",
          finishedAt: now(),
        } satisfies Remembered,
        { expireIn: 3 * 86_400_000 },
      );
      throw new AdsReportFailedError(
        `${req.reportTypeId} report ${reportId} FAILED${
          r.body.failureReason ? `: ${safeText(r.body.failureReason)}` : ""
        }`,
      );
    }
    if (now() > deadline) {
      throw new Error(
        `${req.reportTypeId} report ${reportId} was not ready after ${
          Math.round(deps.timeoutMs / 60_000)
        } min; the next run polls it again`,
      );
    }
    await (deps.sleep ?? ((ms) => sleep(ms, deps.signal)))(deps.pollMs);
  }
}

/**
 * A completed report for `req`: requested (or found) and polled. A report
 * Amazon no longer knows (404) is requested once more.
 *
 * @example
 * const ready = await obtainAdsReport(deps, req);
 * for await (const batch of adsReportRows(deps, req, ready, 5000)) …
 */
export async function obtainAdsReport(
  deps: AdsReportDeps,
  req: AdsReportRequest,
): Promise<ReadyAdsReport> {
  const reportId = await requestAdsReport(deps, req);
  try {
    return await awaitReport(deps, req, reportId);
  } catch (err) {
    if (!(err instanceof AdsApiError) || err.status !== 404) throw err;
    await deps.kv.delete(await adsReportKey(deps.storeId, req));
    return await awaitReport(deps, req, await requestAdsReport(deps, req));
  }
}

/** One element of the report's array, with its 1-based position. */
export interface AdsReportRow {
  index: number;
  row: unknown;
}

/**
 * Streams the report's rows in batches of `batchRows`. A failed or cut-off
 * download is retried with a fresh URL (the report is read again); rows an
 * earlier attempt delivered are skipped, so each row is yielded once.
 */
export async function* adsReportRows(
  deps: AdsReportDeps,
  req: AdsReportRequest,
  ready: ReadyAdsReport,
  batchRows: number,
  opts: { attempts?: number } = {},
): AsyncGenerator<AdsReportRow[]> {
  const attempts = opts.attempts ?? 4;
  let delivered = 0;
  let url = ready.url;
  for (let attempt = 1;; attempt++) {
    try {
      let n = 0;
      let batch: AdsReportRow[] = [];
      for await (const text of download(deps, url)) {
        n++;
        if (n <= delivered) continue;
        batch.push({ index: n, row: parseKeepingIds(text) });
        if (batch.length >= batchRows) {
          delivered = n;
          yield batch;
          batch = [];
        }
      }
      if (batch.length) {
        delivered = n;
        yield batch;
      }
      return;
    } catch (err) {
      if (!(err instanceof DownloadError) || attempt >= attempts) throw err;
      await (deps.sleep ?? ((ms) => sleep(ms, deps.signal)))(
        Math.min(30_000, 500 * 2 ** attempt),
      );
      url = (await awaitReport(deps, req, ready.reportId)).url;
    }
  }
}

/** The report's array elements as JSON texts; logs one row per download. */
async function* download(
  deps: AdsReportDeps,
  url: string,
): AsyncGenerator<string> {
  // The presigned URL is the only credential: no Amazon headers.
  yield* downloadDocument(deps, url, {
    operation: "downloadAdsReport",
    label: "ads report",
    decode: async (body) =>
      (await gunzipped(body)).pipeThrough(
        new TextDecoderStream() as TransformStream<Uint8Array, string>,
      ),
    read: async function* (text) {
      for await (const e of splitJsonArrays(text)) yield e.text;
    },
  });
}

/**
 * The body, inflated when it is gzip (magic bytes 1f 8b). A host that set
 * `Content-Encoding: gzip` has had fetch inflate it already.
 */
async function gunzipped(
  body: ReadableStream<Uint8Array>,
): Promise<ReadableStream<Uint8Array>> {
  const reader = body.getReader();
  let first = await reader.read();
  while (!first.done && first.value.length === 0) first = await reader.read();
  const head = first.done ? new Uint8Array() : first.value;
  const rest = new ReadableStream<Uint8Array>({
    start(ctrl) {
      if (head.length) ctrl.enqueue(head);
    },
    async pull(ctrl) {
      const { done, value } = await reader.read();
      if (done) ctrl.close();
      else ctrl.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return head[0] === 0x1f && head[1] === 0x8b
    ? rest.pipeThrough(
      new DecompressionStream("gzip") as TransformStream<
        Uint8Array,
        Uint8Array
      >,
    )
    : rest;
}
