// How Amazon writes values: ISO 8601 with "Z" in JSON APIs, "+00:00" in flat
// files, `dd.mm.yyyy HH:MM:SS UTC` in some EU settlement files (facts §4.8),
// tab-separated rows with no quoting. Money is world/money.ts.

/** `2026-03-01T12:00:00Z` (milliseconds only when there are some). */
export function isoZ(ms: number | Date): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

/** `2026-03-01T12:00:00+00:00`, the flat-file style. */
export function isoOffset(ms: number | Date): string {
  return new Date(ms).toISOString().replace(/(\.\d{3})?Z$/, "+00:00");
}

/** `2026-03-01`. */
export function isoDay(ms: number | Date): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `01.03.2026 12:00:00 UTC`, as some EU settlement files write dates. */
export function euDateTime(ms: number | Date): string {
  const d = new Date(ms).toISOString();
  return `${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)} ${
    d.slice(11, 19)
  } UTC`;
}

/** `01.03.2026`. */
export function euDay(ms: number | Date): string {
  const d = new Date(ms).toISOString();
  return `${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)}`;
}

/** One TSV line (with its newline); tabs and newlines in values become spaces. */
export function tsvLine(
  values: readonly (string | number | boolean | null | undefined)[],
): string {
  return values.map((v) =>
    v === null || v === undefined ? "" : String(v).replace(/[\t\r\n]+/g, " ")
  ).join("\t") + "\n";
}
