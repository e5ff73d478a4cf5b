// The Reports API 2021-06-30 flow (facts §4.8): createReport → getReport
// until final → getReportDocument → download the presigned URL (expires
// after 5 minutes) → gunzip → lines, streamed, never the whole document in
// memory. Each requested report is remembered in KV by its parameters so
// that a crashed run polls the same report again instead of requesting a
// duplicate, a DONE report younger than the freshness limit is reused, and
// a FATAL one is requested again only after a cooldown.
import type { Database } from "../../db/client.ts";
import { sleep } from "../sleep.ts";
import { documentDecoder } from "./charset.ts";
import { downloadDocument, DownloadError } from "./document_download.ts";
import type { Region } from "./endpoints.ts";
import type { SpClient } from "./sp_client.ts";

const BASE = "/reports/2021-06-30";

export interface ReportRequest {
  reportType: string;
  marketplaceIds: string[];
  dataStartTime?: Date;
  dataEndTime?: Date;
  reportOptions?: Record<string, string>;
}

export interface ReportDeps {
  sp: SpClient;
  db: Database;
  kv: Deno.Kv;
  storeId: string;
  region: Region;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
  /**
   * Told once per document when its text holds replacement characters
   * (U+FFFD): bytes its declared charset could not decode.
   */
  onWarning?: (
    warning: { line: number; source: string; reason: string },
  ) => void;
  /** Reuse a DONE report younger than this (minutes). */
  freshnessMinutes: number;
  /** Request again after FATAL only after this (minutes). */
  fatalCooldownMinutes: number;
  pollMs: number;
  timeoutMs: number;
}

/** The report ended FATAL (Amazon could not build it). */
export class ReportFatalError extends Error {
  override name = "ReportFatalError";
}

/** A report whose document can be read. */
export interface ReadyReport {
  reportId: string;
  reportDocumentId: string;
  /** Whether it was reused rather than requested by this call. */
  reused: boolean;
}

export type ReportOutcome =
  | ({ status: "DONE" } & ReadyReport)
  /** Amazon cancelled it: no data for the period (facts §4.8). */
  | { status: "CANCELLED"; reportId: string };

interface Remembered {
  reportId: string;
  createdAt: number;
  status?: "DONE" | "FATAL" | "CANCELLED";
  finishedAt?: number;
  reportDocumentId?: string;
}

interface ReportJson {
  reportId: string;
  processingStatus: "IN_QUEUE" | "IN_PROGRESS" | "DONE" | "CANCELLED" | "FATAL";
  reportDocumentId?: string;
}

/** The KV key a report is remembered under: its parameters. */
export function reportKey(storeId: string, r: ReportRequest): string[] {
  return [
    "sp_report",
    storeId,
    r.reportType,
    [...r.marketplaceIds].sort().join(","),
    r.dataStartTime?.toISOString() ?? "",
    r.dataEndTime?.toISOString() ?? "",
    JSON.stringify(r.reportOptions ?? {}),
  ];
}

/** Marks a report document whose processing failed: it is never reused. */
function failedKey(storeId: string, reportDocumentId: string): string[] {
  return ["sp_report_failed", storeId, reportDocumentId];
}

/**
 * Gets a finished report for `req`: reused, resumed or newly requested.
 *
 * @example
 * const r = await obtainReport(deps, { reportType: "GET_FBA_…", marketplaceIds });
 * if (r.status === "DONE") for await (const line of reportLines(deps, r)) …
 */
export async function obtainReport(
  deps: ReportDeps,
  req: ReportRequest,
): Promise<ReportOutcome> {
  const now = deps.now ?? Date.now;
  const key = reportKey(deps.storeId, req);
  const remember = (v: Remembered) =>
    deps.kv.set(key, v, { expireIn: 3 * 86_400_000 });
  const seen = (await deps.kv.get<Remembered>(key)).value;
  let current: Remembered | null = seen;
  if (seen?.status === "DONE" && seen.reportDocumentId) {
    if (
      now() - (seen.finishedAt ?? seen.createdAt) <
        deps.freshnessMinutes * 60_000 &&
      !(await deps.kv.get(failedKey(deps.storeId, seen.reportDocumentId)))
        .value
    ) {
      return {
        status: "DONE",
        reportId: seen.reportId,
        reportDocumentId: seen.reportDocumentId,
        reused: true,
      };
    }
    current = null;
  } else if (seen?.status === "FATAL") {
    const since = now() - (seen.finishedAt ?? seen.createdAt);
    if (since < deps.fatalCooldownMinutes * 60_000) {
      throw new ReportFatalError(
        `${req.reportType} ended FATAL ${
          Math.round(since / 60_000)
        } min ago; it is requested again after a ${deps.fatalCooldownMinutes}-minute cooldown`,
      );
    }
    current = null;
  } else if (seen?.status === "CANCELLED") {
    current = null;
  }
  if (!current) {
    const body: Record<string, unknown> = {
      reportType: req.reportType,
      marketplaceIds: req.marketplaceIds,
    };
    if (req.dataStartTime) body.dataStartTime = req.dataStartTime.toISOString();
    if (req.dataEndTime) body.dataEndTime = req.dataEndTime.toISOString();
    if (req.reportOptions) body.reportOptions = req.reportOptions;
    const created = await deps.sp.call<{ reportId: string }>({
      storeId: deps.storeId,
      region: deps.region,
      operation: "createReport",
      method: "POST",
      path: `${BASE}/reports`,
      body,
    });
    current = { reportId: created.body.reportId, createdAt: now() };
    await remember(current);
  }
  const reused = seen !== null && seen.reportId === current.reportId;
  const deadline = now() + deps.timeoutMs;
  for (;;) {
    deps.signal?.throwIfAborted();
    const r = await deps.sp.call<ReportJson>({
      storeId: deps.storeId,
      region: deps.region,
      operation: "getReport",
      path: `${BASE}/reports/${encodeURIComponent(current.reportId)}`,
    });
    const s = r.body.processingStatus;
    if (s === "DONE" && r.body.reportDocumentId) {
      await remember({
        ...current,
        status: "DONE",
        finishedAt: now(),
        reportDocumentId: r.body.reportDocumentId,
      });
      return {
        status: "DONE",
        reportId: current.reportId,
        reportDocumentId: r.body.reportDocumentId,
        reused,
      };
    }
    if (s === "CANCELLED") {
      await remember({ ...current, status: "CANCELLED", finishedAt: now() });
      return { status: "CANCELLED", reportId: current.reportId };
    }
    if (s === "FATAL") {
      await remember({ ...current, status: "FATAL", finishedAt: now() });
      throw new ReportFatalError(
        `${req.reportType} report ${current.reportId} ended FATAL`,
      );
    }
    if (now() > deadline) {
      throw new Error(
        `${req.reportType} report ${current.reportId} was not ready after ${
          Math.round(deps.timeoutMs / 60_000)
        } min; the next run polls it again`,
      );
    }
    await (deps.sleep ?? ((ms) => sleep(ms, deps.signal)))(deps.pollMs);
  }
}

/** One line of a document with its 1-based line number. */
export interface DocumentLine {
  line: number;
  text: string;
}

/**
 * Streams the lines of a report document (gunzipped when Amazon says GZIP).
 * A failed or cut-off download is retried with a fresh URL up to `attempts`
 * times; `from` skips lines already handled by an earlier attempt, so each
 * line is yielded once.
 */
export async function* reportLines(
  deps: ReportDeps,
  report: { reportDocumentId: string },
  opts: { attempts?: number } = {},
): AsyncGenerator<DocumentLine> {
  const attempts = opts.attempts ?? 4;
  let delivered = 0;
  let warned = false;
  let encoding = "";
  let completed = false;
  try {
    yield* readAll();
    completed = true;
  } finally {
    // Processing stopped before the end (the reader or its consumer
    // failed): the report is requested again by the next run, not reused
    // for the freshness window. A shutdown (abort) keeps it.
    if (!completed && !deps.signal?.aborted) {
      await deps.kv.set(
        failedKey(deps.storeId, report.reportDocumentId),
        true,
        { expireIn: 3 * 86_400_000 },
      );
    }
  }
  async function* readAll(): AsyncGenerator<DocumentLine> {
    for (let attempt = 1;; attempt++) {
      try {
        let n = 0;
        for await (
          const text of downloadLines(
            deps,
            report.reportDocumentId,
            (e) => encoding = e,
          )
        ) {
          n++;
          if (n <= delivered) continue;
          delivered = n;
          if (!warned && text.includes("\uFFFD")) {
            warned = true;
            deps.onWarning?.({
              line: n,
              source: report.reportDocumentId,
              reason:
                `replacement characters in the text: bytes not valid in ${encoding}`,
            });
          }
          yield { line: n, text };
        }
        return;
      } catch (err) {
        if (!(err instanceof DownloadError) || attempt >= attempts) throw err;
        await (deps.sleep ?? ((ms) => sleep(ms, deps.signal)))(
          Math.min(30_000, 500 * 2 ** attempt),
        );
      }
    }
  }
}

async function* downloadLines(
  deps: ReportDeps,
  reportDocumentId: string,
  encodingUsed: (encoding: string) => void,
): AsyncGenerator<string> {
  const doc = await deps.sp.call<
    { url: string; compressionAlgorithm?: "GZIP" }
  >({
    storeId: deps.storeId,
    region: deps.region,
    operation: "getReportDocument",
    path: `${BASE}/documents/${encodeURIComponent(reportDocumentId)}`,
  });
  yield* downloadDocument(deps, doc.body.url, {
    operation: "downloadReportDocument",
    label: "report document",
    decode: (body, contentType) => {
      let bytes = body as ReadableStream<Uint8Array>;
      if (doc.body.compressionAlgorithm === "GZIP") {
        bytes = bytes.pipeThrough(
          new DecompressionStream("gzip") as TransformStream<
            Uint8Array,
            Uint8Array
          >,
        );
      }
      // By the charset the download declares (Cp1252 in the EU, Shift_JIS
      // in Japan), else UTF-8 falling back to windows-1252 (charset.ts).
      const decoder = documentDecoder(contentType);
      const text = bytes.pipeThrough(decoder.stream);
      encodingUsed(decoder.encoding());
      return text.pipeThrough(
        new TransformStream<string, string>({
          transform(chunk, out) {
            encodingUsed(decoder.encoding());
            out.enqueue(chunk);
          },
        }),
      );
    },
    read: splitLines,
  });
}

/** Splits a text stream into lines (\n or \r\n), the last one unterminated. */
export async function* splitLines(
  stream: ReadableStream<string>,
): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of stream) {
    rest += chunk;
    let at: number;
    let from = 0;
    while ((at = rest.indexOf("\n", from)) !== -1) {
      const end = at > from && rest.charCodeAt(at - 1) === 13 ? at - 1 : at;
      yield rest.slice(from, end);
      from = at + 1;
    }
    rest = rest.slice(from);
  }
  if (rest !== "") yield rest.endsWith("\r") ? rest.slice(0, -1) : rest;
}

/**
 * Reads a TSV document in batches of `batchRows` objects keyed by header,
 * each with its line number. The header is line 1.
 */
export async function* tsvBatches(
  lines: AsyncIterable<DocumentLine>,
  batchRows: number,
): AsyncGenerator<{ line: number; cells: Record<string, string> }[]> {
  let header: string[] | null = null;
  let template: Record<string, string> = {};
  let batch: { line: number; cells: Record<string, string> }[] = [];
  for await (const { line, text } of lines) {
    if (header === null) {
      header = text.replace(/^\uFEFF/, "").split("\t");
      // Rows are clones of an object JSON.parse built: V8 keeps those in
      // fast mode, where 32 keyed stores into `{}` (the all-orders file)
      // make a dictionary-mode object, twice the CPU and garbage per line.
      template = JSON.parse(
        JSON.stringify(Object.fromEntries(header.map((h) => [h, ""]))),
      );
      continue;
    }
    if (text === "") continue;
    const values = text.split("\t");
    const cells: Record<string, string> = { ...template };
    for (let i = 0; i < header.length; i++) cells[header[i]] = values[i] ?? "";
    batch.push({ line, cells });
    if (batch.length >= batchRows) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** Reads a whole (small) JSON document, e.g. GET_SALES_AND_TRAFFIC_REPORT. */
export async function reportJson<T>(
  deps: ReportDeps,
  report: { reportDocumentId: string },
): Promise<T> {
  const parts: string[] = [];
  for await (const l of reportLines(deps, report)) parts.push(l.text);
  return JSON.parse(parts.join("\n")) as T;
}
