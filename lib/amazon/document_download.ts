// Downloading a report document from its presigned URL (facts §4.8, §5.6):
// the URL is the only credential (no Amazon headers), a timeout and the
// run's abort signal apply, one api_request_log row records the download
// (status, latency, request id, never the URL), and every failure a fresh
// URL can cure — refused, expired, cut off — is a DownloadError.
import type { Database } from "../../db/client.ts";
import { appendApiRequestLog } from "../ingest/ops.ts";

/** What fetch and a body stream fail with: network errors, timeouts. */
const isTransportError = (err: unknown) =>
  err instanceof TypeError || err instanceof DOMException;

/** A download failed in a way a fresh URL and another try can cure. */
export class DownloadError extends Error {
  override name = "DownloadError";
}

export interface DownloadDeps {
  db: Database;
  storeId: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

/**
 * Streams what `read` makes of the (decoded) body of `url`.
 *
 * @example
 * yield* downloadDocument(deps, url, {
 *   operation: "downloadReportDocument", label: "report document",
 *   decode: (body) => body.pipeThrough(new DecompressionStream("gzip")),
 *   read: splitLines,
 * });
 */
export async function* downloadDocument<T>(
  deps: DownloadDeps,
  url: string,
  opts: {
    /** The api_request_log operation name. */
    operation: string;
    /** For messages: "report document", "ads report". */
    label: string;
    /** Bytes to text (gunzip, then decode by the declared Content-Type). */
    decode: (
      body: ReadableStream<Uint8Array>,
      contentType: string | null,
    ) => ReadableStream<string> | Promise<ReadableStream<string>>;
    read: (text: ReadableStream<string>) => AsyncIterable<T>;
  },
): AsyncGenerator<T> {
  const t0 = performance.now();
  let status: number | null = null;
  let errorCode: string | null = null;
  let requestId: string | null = null;
  try {
    let res: Response;
    try {
      res = await (deps.fetch ?? fetch)(url, {
        signal: AbortSignal.any([
          AbortSignal.timeout(120_000),
          ...(deps.signal ? [deps.signal] : []),
        ]),
      });
    } catch (err) {
      deps.signal?.throwIfAborted();
      if (!isTransportError(err)) {
        errorCode = (err as Error)?.name ?? "Error";
        throw err;
      }
      errorCode = "NetworkError";
      throw new DownloadError(
        `${opts.label} download failed: ${(err as Error).name}`,
      );
    }
    status = res.status;
    requestId = res.headers.get("x-amz-request-id");
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      errorCode = res.status === 403 ? "UrlExpired" : "HttpError";
      throw new DownloadError(`${opts.label} download answered ${res.status}`);
    }
    try {
      yield* opts.read(
        await opts.decode(res.body, res.headers.get("content-type")),
      );
    } catch (err) {
      deps.signal?.throwIfAborted();
      if (err instanceof DownloadError) throw err;
      // A body cut off (TypeError, DOMException) or its text ending early
      // (SyntaxError from the reader); anything else is not a download's.
      if (!(isTransportError(err) || err instanceof SyntaxError)) {
        errorCode = (err as Error)?.name ?? "Error";
        throw err;
      }
      errorCode = "Truncated";
      throw new DownloadError(
        `${opts.label} was cut off: ${(err as Error).message}`,
      );
    }
  } finally {
    await deps.db.asJob(deps.storeId, (tx) =>
      appendApiRequestLog(tx, [{
        storeId: deps.storeId,
        at: new Date(),
        api: "report-document",
        operation: opts.operation,
        httpStatus: status,
        latencyMs: Math.round(performance.now() - t0),
        attempts: 1,
        requestId,
        rateLimit: null,
        errorCode,
      }]));
  }
}
