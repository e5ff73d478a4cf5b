// Shared zod helpers for what people type into forms and query strings: text
// without control characters, real calendar dates, and same-origin paths.
// Each refuses with a message that names the rule, never the value, so a bad
// input is a 400 with a clear reason instead of a database error (a NUL byte
// cannot be stored in PostgreSQL text; year 0 is not a PostgreSQL date).
import { z } from "zod";

/**
 * C0 and C1 control characters and DEL (Unicode category Cc), lone
 * surrogates and the noncharacters U+FFFE/U+FFFF. Tab, line feed and
 * carriage return are allowed only in multi-line text.
 */
const CONTROL = /[\p{Cc}\uFFFE\uFFFF]/u;
const LINE_BREAKS = /[\t\n\r]/g;
const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether `v` holds no character that a text field never needs. */
export function isPlainText(v: string, opts: { multiline?: boolean } = {}) {
  const rest = opts.multiline === true ? v.replace(LINE_BREAKS, "") : v;
  return !CONTROL.test(rest) && !LONE_SURROGATE.test(v);
}

export const CONTROL_CHARACTER_MESSAGE =
  "must not contain control characters (such as NUL or line breaks)";

/**
 * A string that refuses control characters; chain `.trim().min().max()` as
 * with `z.string()`.
 *
 * @example
 * const name = plainText().trim().min(2).max(120);
 * name.safeParse("Acme\u0000") // → fails: "must not contain control characters …"
 */
export function plainText(opts: { multiline?: boolean } = {}) {
  return z.string().refine((v) => isPlainText(v, opts), {
    message: opts.multiline
      ? "must not contain control characters (such as NUL)"
      : CONTROL_CHARACTER_MESSAGE,
    abort: true,
  });
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `v` is a real `YYYY-MM-DD` date (2026-02-31 and 9999-99-99 are not). */
export function isCalendarDate(v: string): boolean {
  const m = DATE.exec(v);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const d = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC maps years 0-99 to 1900-1999; set the full year explicitly.
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 &&
    d.getUTCDate() === day;
}

export const EARLIEST_DATE = "1900-01-01";
export const LATEST_DATE = "9999-12-31";

/**
 * A real calendar date written `YYYY-MM-DD`, between `min` and `max`
 * (inclusive; by default 1900-01-01 to 9999-12-31). Stays a string; callers
 * turn it into a Date at UTC midnight.
 *
 * @example
 * calendarDate().safeParse("2026-02-31").success // false
 */
export function calendarDate(
  opts: { min?: string; max?: string } = {},
) {
  const min = opts.min ?? EARLIEST_DATE;
  const max = opts.max ?? LATEST_DATE;
  return z.string().refine(isCalendarDate, {
    message: "must be a real date written YYYY-MM-DD",
    abort: true,
  }).refine((v) => v >= min && v <= max, {
    message: `must be a date between ${min} and ${max}`,
  });
}

/** How far `zone`'s wall clock is ahead of UTC at `at`, in milliseconds. */
function zoneOffsetMs(at: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (
    const p of new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      hourCycle: "h23",
    }).formatToParts(at)
  ) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(
    parts.year,
    parts.month - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  );
  return wall - Math.floor(at / 1000) * 1000;
}

/**
 * The instant a wall-clock time (`YYYY-MM-DDTHH:MM[:SS]`, as an
 * `<input type="datetime-local">` sends it) names in `zone`; null when `v`
 * is not such a time, its day is not a real date, or `zone` is unknown.
 *
 * @example
 * wallClockInZone("2026-03-12T08:00", "Asia/Shanghai"); // 2026-03-12T00:00:00.000Z
 */
export function wallClockInZone(v: string, zone: string): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (!m || !isCalendarDate(m[1])) return null;
  const [h, min, s] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
  if (h > 23 || min > 59 || s > 59) return null;
  const wall = utcDate(m[1]).getTime() + ((h * 60 + min) * 60 + s) * 1000;
  try {
    // The offset at the guess, then at the result (around a DST change).
    let at = wall - zoneOffsetMs(wall, zone);
    at = wall - zoneOffsetMs(at, zone);
    return new Date(at);
  } catch (err) {
    if (err instanceof RangeError) return null; // an unknown zone
    throw err;
  }
}

/** A calendar date as a Date at UTC midnight. */
export function utcDate(v: string): Date {
  return new Date(`${v}T00:00:00Z`);
}

/**
 * Whether `v` is a path on this site to send a browser to: one leading
 * slash, no `//`, no backslash anywhere, no scheme, no whitespace or control
 * character, and resolving to the same origin.
 */
export function isLocalPath(v: string): boolean {
  if (!v.startsWith("/") || v.startsWith("//")) return false;
  if (v.includes("\\") || /[\s\p{Cc}]/u.test(v)) {
    return false;
  }
  if (LONE_SURROGATE.test(v)) return false;
  try {
    const base = "http://local.invalid";
    const url = new URL(v, base);
    return url.origin === base && url.pathname.startsWith("/") &&
      !url.pathname.startsWith("//");
  } catch {
    return false;
  }
}

/**
 * A same-origin path for `next`-style redirects (at most 512 characters).
 * Add `.catch("/")` where a bad value should fall back to the home page.
 *
 * @example
 * localPath.safeParse("/\\evil.example").success // false
 */
export const localPath = z.string().max(512).refine(isLocalPath, {
  message: "must be a path on this site",
});
