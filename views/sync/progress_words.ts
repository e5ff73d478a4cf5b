// A running sync's step in the reader's language. The datasets report their
// step as a short English phrase with values ("marketplace ATVPDKIKX0DER",
// "returns 2026-01-01 to 2026-01-31"); each known phrase has a message here
// with the same values, and an unknown one shows as it is.
import type { Lang } from "../i18n.ts";
import { type SyncMessageKey, t } from "./messages.ts";

const ROLE_MISSING = "buyer data skipped: restricted role missing";

/** [pattern, message, names of the captured values] */
const STEPS: readonly [RegExp, SyncMessageKey, readonly string[]][] = [
  [/^marketplace (\S+)$/, "step.marketplace", ["marketplace"]],
  [/^report (\S+)$/, "step.report", ["report"]],
  [/^searchOrders (\S+) to (\S+)$/, "step.orders", ["from", "to"]],
  [/^all-orders report (\S+) to (\S+)$/, "step.allOrders", ["from", "to"]],
  [/^returns (\S+) to (\S+)$/, "step.returns", ["from", "to"]],
  [/^posted (\S+)$/, "step.posted", ["from"]],
  [/^ship countries from the all-orders report$/, "step.shipCountries", []],
  [/^done$/, "step.done", []],
  [/^done; buyer data skipped: restricted role missing$/, "step.doneNoPii", []],
  [
    /^buyer data skipped: restricted role missing(?: \((.+)\))?$/,
    "step.noPii",
    ["why"],
  ],
  [/^(\S+) (\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/, "step.adsMetrics", [
    "marketplace",
    "from",
    "to",
  ]],
  [/^(\S+) (\d{4}-\d{2}-\d{2})$/, "step.marketplaceDay", [
    "marketplace",
    "day",
  ]],
];

/**
 * The step in `lang`.
 *
 * @example
 * stepInWords("zh-CN", "marketplace ATVPDKIKX0DER"); // "站点 ATVPDKIKX0DER"
 */
export function stepInWords(lang: Lang, step: string): string {
  for (const [pattern, key, names] of STEPS) {
    const m = pattern.exec(step);
    if (!m) continue;
    const params: Record<string, string> = {};
    names.forEach((name, i) => params[name] = m[i + 1] ?? "");
    if (key === "step.noPii" && !m[1]) return t(lang, "step.noPii.plain");
    return t(lang, key, params);
  }
  return step === ROLE_MISSING ? t(lang, "step.noPii.plain") : step;
}
