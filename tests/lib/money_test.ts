import assert from "node:assert/strict";
import fc from "fast-check";
import { formatMinor, parseMinor } from "../../lib/ingest/money.ts";

// The reference: exact decimal arithmetic with BigInt, no shortcuts.
function referenceMinor(amount: string, digits: number): bigint | "error" {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!m) return "error";
  const frac = m[3] ?? "";
  if (/[^0]/.test(frac.slice(digits))) return "error";
  const v = BigInt(m[2] + frac.slice(0, digits).padEnd(digits, "0"));
  return m[1] === "-" ? -v : v;
}

const decimalText = fc.tuple(
  fc.constantFrom("", "-", " ", "+"),
  fc.string({ unit: fc.constantFrom(..."0123456789"), maxLength: 19 }),
  fc.constantFrom("", "."),
  fc.string({ unit: fc.constantFrom(..."0123456789"), maxLength: 5 }),
  fc.constantFrom("", " ", "x"),
).map((parts) => parts.join(""));

Deno.test("money: parseMinor is exact for every decimal text, fast path or not", () => {
  fc.assert(
    fc.property(decimalText, fc.constantFrom("USD", "JPY", "EUR"), (s, cur) => {
      const digits = cur === "JPY" ? 0 : 2;
      const expected = referenceMinor(s, digits);
      let got: number | "error";
      try {
        got = parseMinor(s, cur);
      } catch (err) {
        assert.ok(err instanceof RangeError);
        got = "error";
      }
      if (expected === "error") return assert.equal(got, "error");
      if (
        expected > BigInt(Number.MAX_SAFE_INTEGER) ||
        -expected > BigInt(Number.MAX_SAFE_INTEGER)
      ) {
        return assert.equal(got, "error");
      }
      assert.equal(got, Number(expected));
      // -0 never comes out.
      assert.ok(!Object.is(got, -0));
    }),
    { numRuns: 20_000 },
  );
});

Deno.test("money: parseMinor and formatMinor round-trip minor units", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: -1e14, max: 1e14 }),
      fc.constantFrom("USD", "JPY"),
      (n, cur) => {
        assert.equal(parseMinor(formatMinor(n, cur), cur), n);
      },
    ),
  );
  assert.equal(parseMinor("12.5", "USD"), 1250);
  assert.equal(parseMinor("-0.00", "USD"), 0);
  assert.throws(() => parseMinor("12.", "USD"), RangeError);
  assert.throws(() => parseMinor(".5", "USD"), RangeError);
});
