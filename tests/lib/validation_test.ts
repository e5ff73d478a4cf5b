// The shared zod helpers (issue #11): text without control characters, real
// calendar dates, same-origin paths.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  calendarDate,
  isCalendarDate,
  isLocalPath,
  isPlainText,
  localPath,
  plainText,
} from "../../lib/validation.ts";

Deno.test("calendar dates: real days only, 1900-01-01 to 9999-12-31", () => {
  for (const ok of ["2026-02-28", "2024-02-29", "1900-01-01", "9999-12-31"]) {
    assert.ok(calendarDate().safeParse(ok).success, ok);
  }
  for (
    const bad of [
      "2026-02-31",
      "2026-02-29",
      "1900-02-29",
      "9999-99-99",
      "0000-01-01",
      "2026-13-01",
      "2026-00-10",
      "2026-04-31",
      "2026-1-1",
      "20260101",
      "1899-12-31",
      " 2026-01-01",
    ]
  ) {
    const r = calendarDate().safeParse(bad);
    assert.ok(!r.success, bad);
    assert.match(r.error.issues[0].message, /real date|between/);
  }
  assert.ok(isCalendarDate("0001-01-01"), "years below 100 are not 19xx");
  assert.ok(calendarDate({ min: "2020-01-01" }).safeParse("2019-12-31").error);
});

Deno.test("calendar dates agree with Date for every day of 1900-2100", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1900, max: 2100 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      (y, m, d) => {
        const text = `${y}-${String(m).padStart(2, "0")}-${
          String(d).padStart(2, "0")
        }`;
        const date = new Date(`${text}T00:00:00Z`);
        const real = !Number.isNaN(date.getTime()) &&
          date.toISOString().slice(0, 10) === text;
        return isCalendarDate(text) === real;
      },
    ),
  );
});

Deno.test("plain text: no NUL or other control character; line breaks only when multi-line", () => {
  const name = plainText().trim().min(2).max(10);
  assert.equal(name.parse("  Acme  "), "Acme");
  for (
    const bad of [
      "Ac\u0000me",
      "Ac\u0007me",
      "Ac\u007Fme",
      "Ac\u0085me",
      "A\nB",
    ]
  ) {
    const r = name.safeParse(bad);
    assert.ok(!r.success, JSON.stringify(bad));
    assert.match(r.error.issues[0].message, /control characters/);
  }
  assert.ok(!name.safeParse("A").success, "the chained rules still apply");
  assert.ok(isPlainText("line one\r\nline two\ttab", { multiline: true }));
  assert.ok(!isPlainText("line\u0000", { multiline: true }));
  assert.ok(isPlainText("Zoë 李 😀 \u200D"), "letters of any script pass");
  assert.ok(!isPlainText("\uD800x"), "a lone surrogate");
  assert.ok(!isPlainText("\uFFFF"));
});

Deno.test("local paths: one leading slash, no backslash, scheme or control character", () => {
  // Percent-encoded characters stay encoded in a Location: harmless.
  for (
    const ok of ["/", "/users?q=a%20b", "/stores/1#x", "/a/b/../c", "/%0A%5C"]
  ) {
    assert.ok(isLocalPath(ok), ok);
    assert.equal(localPath.parse(ok), ok);
  }
  for (
    const bad of [
      "/\\evil.example",
      "\\\\evil.example",
      "//evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "https://evil.example",
      "javascript:alert(1)",
      "evil.example",
      "",
      "/a b",
      "/\u0000",
      "/" + "a".repeat(600),
    ]
  ) {
    assert.ok(!localPath.safeParse(bad).success, JSON.stringify(bad));
  }
  assert.equal(localPath.catch("/").parse("/\\evil"), "/");
});

Deno.test("local paths resolve to the same origin, whatever the string", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 30 }), (tail) => {
      for (const v of [tail, `/${tail}`, `/\\${tail}`, `//${tail}`]) {
        if (!isLocalPath(v)) continue;
        const url = new URL(v, "https://portal.example");
        if (url.origin !== "https://portal.example") return false;
      }
      return true;
    }),
  );
});
