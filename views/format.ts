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

const moneyFormats = new Map<string, Intl.NumberFormat>();

/**
 * An amount in its currency, in the reader's language (the currency's own
 * decimals). `amount` is a decimal string or a number; "XXX" (no currency)
 * prints as a plain number.
 *
 * @example
 * formatMoney("en", "1234.5000", "USD"); // "$1,234.50"
 * formatMoney("zh-CN", "1234.5", "EUR"); // "€1,234.50"
 */
export function formatMoney(
  lang: Lang,
  amount: string | number,
  currency: string,
  opts: { compact?: boolean } = {},
): string {
  const n = typeof amount === "number" ? amount : Number(amount);
  if (!Number.isFinite(n)) return "—";
  const key = `${lang}|${currency}|${opts.compact ? 1 : 0}`;
  let f = moneyFormats.get(key);
  if (!f) {
    f = currency === "XXX"
      ? new Intl.NumberFormat(lang)
      : new Intl.NumberFormat(
        lang,
        {
          style: "currency",
          currency,
          ...(opts.compact
            ? { notation: "compact", maximumFractionDigits: 1 }
            : {}),
        },
      );
    moneyFormats.set(key, f);
  }
  return f.format(n);
}

const percentFormats = new Map<Lang, Intl.NumberFormat>();

/**
 * The change from `previous` to `current` as a signed percentage
 * ("+12.5%"); null when there was nothing before (a change from zero has
 * no percentage).
 */
export function formatChange(
  lang: Lang,
  current: number,
  previous: number,
): string | null {
  if (!previous) return null;
  let f = percentFormats.get(lang);
  if (!f) {
    f = new Intl.NumberFormat(lang, {
      style: "percent",
      maximumFractionDigits: 1,
      signDisplay: "exceptZero",
    });
    percentFormats.set(lang, f);
  }
  return f.format((current - previous) / previous);
}
