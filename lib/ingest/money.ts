// Money stays a decimal string end to end (schema: numeric(18,4) with its
// currency). Arithmetic happens on integer minor units (cents) and is
// formatted back; no float ever carries an amount.

/** Currencies Amazon settles in without minor units. */
const ZERO_DECIMAL = new Set(["JPY", "KRW", "CLP", "VND", "ISK", "HUF"]);

/** Decimal places of a currency's minor unit (JPY 0, most others 2). */
export function minorDigits(currency: string): number {
  return ZERO_DECIMAL.has(currency.toUpperCase()) ? 0 : 2;
}

/**
 * Formats an integer number of minor units as a decimal string.
 *
 * @example
 * formatMinor(-1234, "USD") // "-12.34"
 * formatMinor(1500, "JPY")  // "1500"
 */
export function formatMinor(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) {
    throw new RangeError(
      `amount must be a whole number of minor units: ${minor}`,
    );
  }
  const digits = minorDigits(currency);
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? "-" : "";
  const abs = String(Math.abs(minor)).padStart(digits + 1, "0");
  return `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

/**
 * Parses a decimal string into integer minor units, exactly. Extra zero
 * decimals are accepted ("12.3400" as stored by numeric(18,4)); a non-zero
 * digit beyond the currency's precision is an error, never rounded away.
 *
 * @example
 * parseMinor("12.3400", "USD") // 1234
 */
export function parseMinor(amount: string, currency: string): number {
  const digits = minorDigits(currency);
  const fast = parsePlain(amount, digits);
  if (fast !== undefined) return fast;
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!m) {
    throw new RangeError(`not a decimal amount: ${JSON.stringify(amount)}`);
  }
  const frac = m[3] ?? "";
  if (/[^0]/.test(frac.slice(digits))) {
    throw new RangeError(
      `${amount} has more precision than ${currency} allows`,
    );
  }
  const minor = Number(m[2] + frac.slice(0, digits).padEnd(digits, "0"));
  if (!Number.isSafeInteger(minor)) {
    throw new RangeError(`amount too large: ${amount}`);
  }
  return m[1] === "-" && minor !== 0 ? -minor : minor;
}

/**
 * The common case without allocating: an optional "-", at most 15 digits, and
 * at most `digits` decimals. Anything else (spaces, extra zero decimals,
 * errors) is left to the full parser.
 */
function parsePlain(s: string, digits: number): number | undefined {
  let i = 0;
  let negative = false;
  if (s.charCodeAt(0) === 45) {
    negative = true;
    i = 1;
  }
  let minor = 0;
  let whole = 0;
  let decimals = -1;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 && decimals === -1) {
      decimals = 0;
      continue;
    }
    if (c < 48 || c > 57) return undefined;
    minor = minor * 10 + (c - 48);
    if (decimals === -1) whole++;
    else decimals++;
  }
  if (
    whole === 0 || decimals === 0 || decimals > digits || whole + digits > 15
  ) {
    return undefined;
  }
  for (let d = decimals < 0 ? 0 : decimals; d < digits; d++) minor *= 10;
  return negative && minor !== 0 ? -minor : minor;
}
