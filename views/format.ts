// Numbers and times as the pages print them: Intl formats for the reader's
// language; times in the reader's own time zone (an IANA name, UTC unless
// they chose another on their account page), threaded through the views as
// `zone` beside `lang`, with the UTC instant on hover (views/time.tsx).
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

/** The zone for a person who chose none. */
export const UTC = "UTC";

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(zone: string): Intl.DateTimeFormat {
  let f = zoneFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZoneName: "shortOffset",
    });
    zoneFormats.set(zone, f);
  }
  return f;
}

/** The wall-clock parts of `at` in `zone` (an unknown zone falls back to UTC). */
function wallClock(at: Date, zone: string) {
  let f: Intl.DateTimeFormat;
  try {
    f = zoneFormat(zone);
  } catch {
    f = zoneFormat(UTC);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(at)) parts[p.type] = p.value;
  const offset = parts.timeZoneName === "GMT" ? "UTC" : parts.timeZoneName
    .replace(/^GMT/, "UTC");
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: `${parts.hour}:${parts.minute}`,
    seconds: `${parts.hour}:${parts.minute}:${parts.second}`,
    milliseconds: `${parts.hour}:${parts.minute}:${parts.second}.${
      String(at.getUTCMilliseconds()).padStart(3, "0")
    }`,
    offset,
  };
}

/**
 * `at` in `zone`, ISO-like with its offset: "2026-06-18 17:30 UTC+8" (or
 * with seconds); "—" for null. UTC prints as "… UTC".
 *
 * @example
 * formatInZone(new Date("2026-06-18T09:30:05Z"), "Asia/Shanghai"); // "2026-06-18 17:30 UTC+8"
 */
export function formatInZone(
  at: Date | null | undefined,
  zone: string,
  precision: "minutes" | "seconds" | "milliseconds" = "minutes",
): string {
  if (!at || Number.isNaN(at.getTime())) return "—";
  const w = wallClock(at, zone);
  return `${w.day} ${w[precision]} ${w.offset}`;
}

/** The calendar day of `at` in `zone`: "2026-06-18". */
export function formatDayInZone(at: Date, zone: string): string {
  return wallClock(at, zone).day;
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
