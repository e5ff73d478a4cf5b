// What every CSV export route answers: the file, streamed with its headers,
// or a refusal's status (and Retry-After) for the page that explains it.
import type { Context } from "hono";
import { stream } from "hono/streaming";

const REFUSAL_STATUS = {
  forbidden: 403,
  reason: 400,
  frozen: 423,
  rate_limited: 429,
} as const;

/** Why lib/ refused an export. */
export type ExportRefusalCode = keyof typeof REFUSAL_STATUS;

/**
 * The HTTP status of a refused export and the minutes to wait (at least 1);
 * sets Retry-After when the refusal names a wait.
 */
export function exportRefusal(
  c: Context,
  err: { code: ExportRefusalCode; retryAfterMs: number },
): { status: (typeof REFUSAL_STATUS)[ExportRefusalCode]; minutes: number } {
  if (err.retryAfterMs > 0) {
    c.header("Retry-After", String(Math.ceil(err.retryAfterMs / 1000)));
  }
  return {
    status: REFUSAL_STATUS[err.code],
    minutes: Math.max(1, Math.ceil(err.retryAfterMs / 60_000)),
  };
}

/**
 * The export as a download named `<name>-<UTC day>.csv`, never cached; the
 * read stops when the client goes away.
 */
export function csvDownload(
  c: Context,
  name: string,
  csv: AsyncIterable<string>,
): Response {
  c.header("Content-Type", "text/csv; charset=utf-8");
  c.header(
    "Content-Disposition",
    `attachment; filename="${name}-${
      new Date().toISOString().slice(0, 10)
    }.csv"`,
  );
  c.header("Cache-Control", "no-store");
  return stream(c, async (out) => {
    for await (const chunk of csv) {
      if (out.aborted) break;
      await out.write(chunk);
    }
  });
}
