// Numbers and times as the pages print them: Intl formats for the reader's
// language, times in UTC (the portal's one time zone, said on the page).
import type { Lang } from "./i18n.ts";

const numberFormats = new Map<Lang, Intl.NumberFormat>();

/**
 * A count or amount in the reader's language: grouping separators, no
 * unit. `null` prints as an em dash.
 *
 * @example
 * formatNumber("en", 12345); // "12,345"
 */
export function formatNumber(lang: Lang, n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return "—";
  let f = numberFormats.get(lang);
  if (!f) {
    f = new Intl.NumberFormat(lang, { maximumFractionDigits: 4 });
    numberFormats.set(lang, f);
  }
  return f.format(n);
}

/** "2026-06-18 09:30:05 UTC"; "—" for null. */
export function formatUtcSeconds(at: Date | null | undefined): string {
  return at ? `${at.toISOString().replace("T", " ").slice(0, 19)} UTC` : "—";
}

/** "2026-06-18 09:30 UTC". */
export function formatUtcMinutes(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "2026-06-18" (the UTC day). */
export function formatUtcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
