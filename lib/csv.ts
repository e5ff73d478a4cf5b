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
