// CSV as every export writes it (RFC 4180, CRLF): credential-shaped text
// removed (Data Policy §6, §7: no credential in a downloadable file) and
// cells a spreadsheet would run as a formula neutralised (OWASP CSV
// injection: a leading =, +, -, @, tab or carriage return).
import { redactText } from "./security/redact.ts";

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: redacted, a formula defused with a leading `'`, quoted if needed. */
export function csvCell(
  value: string | number | boolean | null | undefined,
): string {
  if (value === null || value === undefined) return "";
  let s = redactText(String(value));
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One line of cells, with its CRLF. */
export function csvLine(
  cells: readonly (string | number | boolean | null | undefined)[],
): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/**
 * A walk that hands batches to a callback (inside its own transaction) as
 * chunks the response pulls. A generator cannot yield from inside the
 * callback, so each batch goes through a one-slot queue and the next batch
 * is read only once the reader has taken this one (one batch in memory). A
 * reader that stops early cancels the walk (its transaction rolls back).
 * `onRows` counts the rows of every chunk handed over.
 */
export async function* pulledBatches<T>(
  walk: (onBatch: (batch: T[]) => Promise<void>) => Promise<unknown>,
  toChunk: (batch: T[]) => string | Promise<string>,
  onRows: (rows: number) => void,
): AsyncGenerator<string> {
  const queue: { chunk: string | null; rows: number; error?: unknown }[] = [];
  let wake: (() => void) | null = null;
  let resume: (() => void) | null = null;
  let cancelled = false;
  const push = (item: (typeof queue)[number]) => {
    queue.push(item);
    const w = wake;
    wake = null;
    w?.();
  };
  let walking: Promise<void> | null = null;
  try {
    walking = walk(async (batch) => {
      if (cancelled) throw new Error("export cancelled");
      const chunk = await toChunk(batch);
      await new Promise<void>((resolve) => {
        resume = resolve;
        push({ chunk, rows: batch.length });
      });
      if (cancelled) throw new Error("export cancelled");
    }).then(
      () => push({ chunk: null, rows: 0 }),
      (error) => push({ chunk: null, rows: 0, error }),
    );
    for (;;) {
      if (queue.length === 0) {
        await new Promise<void>((resolve) => (wake = resolve));
      }
      const item = queue.shift()!;
      if (item.error) throw item.error;
      if (item.chunk === null) break;
      yield item.chunk;
      onRows(item.rows);
      const next = resume as (() => void) | null;
      resume = null;
      next?.();
    }
  } finally {
    cancelled = true;
    const next = resume as (() => void) | null;
    next?.();
    await walking;
  }
}
