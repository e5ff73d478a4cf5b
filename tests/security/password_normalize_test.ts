// Issue #11: the "no name in the password" rule was bypassed with a
// zero-width joiner, a soft hyphen or a look-alike letter.
import assert from "node:assert/strict";
import { checkPasswordPolicy } from "../../lib/security/passwords.ts";
import { comparable } from "../../lib/security/normalize.ts";

const ctx = { email: "ann.smith@example.com", displayName: "Annabel Smith" };
const hasName = (password: string) =>
  checkPasswordPolicy(password, ctx).some((p) =>
    p.code === "contains_user_name"
  );

Deno.test("invisible characters and look-alike letters do not hide the name", () => {
  for (
    const password of [
      "Xq9!Smi\u200Dth-Kettle", // zero-width joiner
      "Xq9!Smi\u200Bth-Kettle", // zero-width space
      "Xq9!Smi\u00ADth-Kettle", // soft hyphen
      "Xq9!Smi\u2060th-Kettle", // word joiner
      "Xq9!\uFEFFSmith-Kettle", // BOM
      "Xq9!\u0405mith-Kettle", // Cyrillic Ѕ
      "Xq9!Sm\u0456th-Kettle", // Cyrillic і
      "Xq9!\uFF33\uFF4D\uFF49\uFF54\uFF48-Kettle", // full-width
      "Xq9!Smíth-Kettle", // an accent
      "Xq9!Ann\u200Dabel-Kettle",
    ]
  ) {
    assert.ok(hasName(password), JSON.stringify(password));
  }
  assert.ok(!hasName("Xq9!Tr4vel-Kettle-Pine"));
});

Deno.test("names written with the same tricks are caught too", () => {
  const tricky = { email: "a\u00ADnn@example.com", displayName: "Ѕmi\u200Dth" };
  assert.ok(
    checkPasswordPolicy("Xq9!smith-Kettle", tricky).some((p) =>
      p.code === "contains_user_name"
    ),
  );
});

Deno.test("comparable: NFKC, no default-ignorables, lower case, no accents, Latin look-alikes", () => {
  assert.equal(comparable("Jo\u200Dhn"), "john");
  assert.equal(comparable("ＪＯＨＮ"), "john");
  assert.equal(comparable("Zoë"), "zoe");
  assert.equal(comparable("\u0430\u0440\u0440\u04CF\u0435"), "apple");
  assert.equal(comparable("李小龙"), "李小龙", "other scripts stay");
});
