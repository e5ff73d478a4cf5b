// All-or-nothing CSV imports (issue #16: cost of goods and currency rates):
// the file is parsed with csv-parse, its header must name the expected
// columns, and every data line is checked with the row's zod schema. Any
// problem anywhere, and the caller saves nothing; the problems come back
// per line and field as codes the views put into words.
import { parse } from "csv-parse/sync";
import type { z } from "zod";

/** Largest file accepted, and most data lines. */
export const MAX_IMPORT_BYTES = 1_000_000;
export const MAX_IMPORT_LINES = 10_000;

/** One problem of an import: its line (1 = the header) and field, if any. */
export interface ImportProblem {
  line: number;
  field: string | null;
  code: string;
}

export type ImportResult<T> =
  | { ok: true; rows: T[] }
  | { ok: false; problems: ImportProblem[] };

/** At most this many problems are reported (the file is refused anyway). */
const MAX_PROBLEMS = 100;

/**
 * Parses `text` as CSV with the header `columns` (in any order, no other
 * column) and each line through `row`. Duplicate keys (by `keyOf`) are
 * problems too: a file must say each thing once.
 *
 * @example
 * parseImport("day,base,quote,rate\n2026-06-01,EUR,USD,1.08\n", RATE_COLUMNS, rateRow, keyOfRate);
 */
export function parseImport<S extends z.ZodType>(
  text: string,
  columns: readonly string[],
  row: S,
  keyOf: (r: z.output<S>) => string,
): ImportResult<z.output<S>> {
  if (new TextEncoder().encode(text).length > MAX_IMPORT_BYTES) {
    return { ok: false, problems: [{ line: 0, field: null, code: "too_big" }] };
  }
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text.replace(/^\uFEFF/, ""), {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_column_count: false,
    }) as typeof records;
  } catch (err) {
    const line = Number((err as { lines?: number }).lines ?? 0);
    return { ok: false, problems: [{ line, field: null, code: "csv" }] };
  }
  const header = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0]
    .split(",").map((h) => h.trim().replace(/^"|"$/g, "").toLowerCase());
  const problems: ImportProblem[] = [];
  const missing = columns.filter((c) => !header.includes(c));
  const extra = header.filter((h) => !columns.includes(h));
  if (missing.length || extra.length) {
    return {
      ok: false,
      problems: [
        ...missing.map((c) => ({ line: 1, field: c, code: "missing_column" })),
        ...extra.map((c) => ({ line: 1, field: c, code: "unknown_column" })),
      ],
    };
  }
  if (records.length === 0) {
    return { ok: false, problems: [{ line: 1, field: null, code: "empty" }] };
  }
  if (records.length > MAX_IMPORT_LINES) {
    return {
      ok: false,
      problems: [{ line: 0, field: null, code: "too_many" }],
    };
  }
  const rows: z.output<S>[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of records) {
    if (problems.length >= MAX_PROBLEMS) break;
    const parsed = row.safeParse(record);
    if (!parsed.success) {
      const fields = new Set<string>();
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? "");
        if (fields.has(field)) continue;
        fields.add(field);
        problems.push({
          line: info.lines,
          field: field || null,
          code: issue.message,
        });
      }
      continue;
    }
    const key = keyOf(parsed.data);
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({ line: info.lines, field: null, code: "duplicate" });
      continue;
    }
    seen.set(key, info.lines);
    rows.push(parsed.data);
  }
  return problems.length ? { ok: false, problems } : { ok: true, rows };
}
