// Money and times on the order screens: Intl in the reader's language,
// amounts exactly as stored (decimal strings, never summed here), times in
// the order's marketplace time zone, named.
import type { Lang } from "../i18n.ts";

const money = new Map<string, Intl.NumberFormat>();
const times = new Map<string, Intl.DateTimeFormat>();

/**
 * An amount in its currency, e.g. "$1,234.50" / "US$1,234.50"; "—" without
 * an amount. The decimal string is formatted exactly (no float).
 */
export function formatMoney(
  lang: Lang,
  amount: string | null,
  currency: string | null,
): string {
  if (amount === null) return "—";
  const key = `${lang}|${currency ?? ""}`;
  let f = money.get(key);
  if (!f) {
    f = currency
      ? new Intl.NumberFormat(lang, {
        style: "currency",
        currency,
        currencyDisplay: "code",
        maximumFractionDigits: 4,
      })
      : new Intl.NumberFormat(lang, { maximumFractionDigits: 4 });
    money.set(key, f);
  }
  // A decimal string keeps every digit (Intl.NumberFormat v3).
  return f.format(amount as unknown as number);
}

/** "2026-06-18 09:30" in `timeZone` (the zone is named on the page). */
export function formatLocalTime(
  lang: Lang,
  at: Date | null,
  timeZone: string,
): string {
  if (!at) return "—";
  const key = `${lang}|${timeZone}`;
  let f = times.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === "zh-CN" ? "zh-CN" : "en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    times.set(key, f);
  }
  return f.format(at);
}

/** The ISO instant for a `<time datetime>`. */
export const isoInstant = (at: Date) => at.toISOString();
