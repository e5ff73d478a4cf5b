// What PostgreSQL cannot store in text, json or jsonb: the NUL character
// (U+0000; `\u0000` in a json value fails with "unsupported Unicode escape
// sequence") and lone UTF-16 surrogates (not encodable as UTF-8). Amazon
// sends both now and then (a NUL in a title, a flat file with a raw NUL
// byte); one such value must never block a whole page or report. Every text
// value goes through `cleanText` on its way to the database (the one write
// primitive in _upsert.ts applies it to every column, nested json included).

/** Lone surrogates: a high one not followed by a low one, or a low one alone. */
const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// deno-lint-ignore no-control-regex
const NUL = /\u0000/g;
// deno-lint-ignore no-control-regex
const UNSTORABLE = /[\u0000\uD800-\uDFFF]/;

/**
 * The text without NUL characters, with each lone surrogate replaced by
 * U+FFFD. Text that needs nothing is returned as is (no copy).
 */
export function cleanText(text: string): string {
  if (!UNSTORABLE.test(text)) return text;
  return text.replace(NUL, "").replace(LONE_SURROGATE, "\uFFFD");
}

/**
 * Cleans every string in a value: itself, or inside arrays and plain
 * objects (json and jsonb columns), keys included. Other values are
 * returned unchanged; nothing is copied when nothing needs cleaning.
 */
export function cleanValue<T>(value: T): T {
  if (typeof value === "string") return cleanText(value) as T;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v = cleanValue(value[i]);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return (out ?? value) as T;
  }
  if (
    value !== null && typeof value === "object" &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    let out: Record<string, unknown> | null = null;
    const entries = Object.entries(value as Record<string, unknown>);
    for (const [k, v] of entries) {
      const ck = cleanText(k);
      const cv = cleanValue(v);
      if (ck !== k || cv !== v) {
        out = {};
        for (const [k2, v2] of entries) out[cleanText(k2)] = cleanValue(v2);
        break;
      }
    }
    return (out ?? value) as T;
  }
  return value;
}
