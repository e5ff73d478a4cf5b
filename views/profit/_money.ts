// Amounts of the profit screens arrive as whole minor units with their
// currency (lib/profit/ does its arithmetic so); printed in the reader's
// language with the currency's own decimals. Never one amount of two
// currencies.
import { formatMoney } from "../format.ts";
import type { Lang } from "../i18n.ts";

const digits = new Map<string, number>();

function minorDigitsOf(currency: string): number {
  let d = digits.get(currency);
  if (d === undefined) {
    d = new Intl.NumberFormat("en", { style: "currency", currency })
      .resolvedOptions().maximumFractionDigits ?? 2;
    digits.set(currency, d);
  }
  return d;
}

/** `minor` units of `currency` as money text; "—" for an unknown amount. */
export function money(
  lang: Lang,
  minor: number | null,
  currency: string,
): string {
  if (minor === null) return "—";
  return formatMoney(lang, minor / 10 ** minorDigitsOf(currency), currency);
}
