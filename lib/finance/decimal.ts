// Exact money arithmetic on the decimal strings the database returns
// (numeric(18,4)): scaled to ten-thousandths as BigInt, so sums and
// differences are exact and never pass through a float.

const SCALE = 4;
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** A decimal string as ten-thousandths. Throws on anything else. */
export function toUnits(v: string): bigint {
  const m = DECIMAL.exec(v.trim());
  if (!m) throw new RangeError(`not a decimal amount: ${v}`);
  const frac = (m[3] ?? "").padEnd(SCALE, "0");
  if (frac.length > SCALE && /[1-9]/.test(frac.slice(SCALE))) {
    throw new RangeError(`more than ${SCALE} decimals: ${v}`);
  }
  const units = BigInt(m[2]) * 10n ** BigInt(SCALE) +
    BigInt(frac.slice(0, SCALE));
  return m[1] ? -units : units;
}

/** Ten-thousandths as a decimal string, trailing zeros kept to 2 places. */
export function fromUnits(u: bigint): string {
  const negative = u < 0n;
  const abs = negative ? -u : u;
  const whole = abs / 10n ** BigInt(SCALE);
  let frac = (abs % 10n ** BigInt(SCALE)).toString().padStart(SCALE, "0");
  frac = frac.replace(/0+$/, "").padEnd(2, "0");
  return `${negative ? "-" : ""}${whole}.${frac}`;
}

/** The exact sum of decimal strings ("0.00" for none). */
export function sumDecimals(values: Iterable<string>): string {
  let u = 0n;
  for (const v of values) u += toUnits(v);
  return fromUnits(u);
}

/** a − b, exactly. */
export function subtractDecimals(a: string, b: string): string {
  return fromUnits(toUnits(a) - toUnits(b));
}

/** Whether a decimal string is zero. */
export const isZero = (v: string) => toUnits(v) === 0n;

/** A decimal string in this module's canonical form ("-26.3400" → "-26.34"). */
export const normalizeDecimal = (v: string) => fromUnits(toUnits(v));
