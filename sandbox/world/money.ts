// The sandbox's own money: amounts are whole minor units while generated
// and decimal strings once written, as Amazon writes them. Deliberately not
// the portal's money code (lib/ingest/money.ts): the sandbox and the portal
// must not share a parser or formatter, or a mistake in it would pass every
// ground-truth comparison.
import type { Money } from "./amazon.ts";

/** Digits after the decimal point, per currency the sandbox sells in. */
const DECIMALS: Readonly<Record<string, number>> = {
  AED: 2,
  AUD: 2,
  BRL: 2,
  CAD: 2,
  EGP: 2,
  EUR: 2,
  GBP: 2,
  INR: 2,
  JPY: 0,
  MXN: 2,
  PLN: 2,
  SAR: 2,
  SEK: 2,
  SGD: 2,
  TRY: 2,
  USD: 2,
  ZAR: 2,
};

/** The currency's decimal digits (throws for a currency the sandbox lacks). */
export function decimalsOf(currency: string): number {
  const d = DECIMALS[currency];
  if (d === undefined) throw new RangeError(`unknown currency ${currency}`);
  return d;
}

/**
 * Writes `minor` units as Amazon's decimal string.
 *
 * @example
 * decimal(-705, "EUR") // "-7.05"
 * decimal(1980, "JPY") // "1980"
 */
export function decimal(minor: number, currency: string): string {
  if (!Number.isInteger(minor)) {
    throw new RangeError(`not a whole number of minor units: ${minor}`);
  }
  const d = decimalsOf(currency);
  if (d === 0) return minor.toString();
  const unit = 10 ** d;
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / unit);
  const cents = (abs % unit).toString().padStart(d, "0");
  return `${minor < 0 ? "-" : ""}${whole}.${cents}`;
}

/** A Money of `minor` units. */
export function money(minor: number, currency: string): Money {
  return { CurrencyCode: currency, Amount: decimal(minor, currency) };
}

/**
 * Reads a decimal string back into minor units (exactly: only strings this
 * module wrote, or with fewer decimals).
 *
 * @example
 * minorUnits("12.3", "USD") // 1230
 */
export function minorUnits(amount: string, currency: string): number {
  const d = decimalsOf(currency);
  const m = /^(-)?(\d+)(?:\.(\d*))?$/.exec(amount);
  if (!m || (m[3] ?? "").length > d) {
    throw new RangeError(`not a ${currency} amount: ${amount}`);
  }
  const units = Number(m[2]) * 10 ** d + Number((m[3] ?? "").padEnd(d, "0"));
  return m[1] ? -units : units;
}

/** A Money's amount in minor units (0 when absent). */
export function minorOf(m: Money | undefined): number {
  return m ? minorUnits(m.Amount, m.CurrencyCode) : 0;
}
