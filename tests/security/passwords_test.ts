import assert from "node:assert/strict";
import {
  checkPasswordPolicy,
  commonPasswordList,
  hashPassword,
  passwordChangeAllowed,
  passwordExpired,
  type PasswordProblemCode,
  verifyPassword,
} from "../../lib/security/passwords.ts";

const ctx = { email: "ann.lee@example.com", displayName: "Annabel Lee" };
const codes = (
  password: string,
  c: { email: string; displayName?: string } = ctx,
) => checkPasswordPolicy(password, c).map((p) => p.code);
const good = "Tr4vel-Kettle-Pine";

Deno.test("a strong password passes every rule", () => {
  assert.deepEqual(checkPasswordPolicy(good, ctx), []);
});

Deno.test("problems are codes with their numbers, never sentences", () => {
  const problems = checkPasswordPolicy("ann", ctx);
  assert.deepEqual(problems.map((p) => p.code), [
    "too_short",
    "contains_user_name",
    "too_few_character_classes",
  ]);
  assert.deepEqual(problems[0].params, { min: 12 });
  for (const p of problems) {
    assert.deepEqual(Object.keys(p).sort(), ["code", "params"]);
    assert.ok(Object.values(p.params).every((v) => typeof v === "number"));
  }
});

Deno.test("the common-password list is checked at load: a missing or short one fails loudly", () => {
  assert.ok(codes("Password123!").includes("common_password"));
  for (
    const dict of [
      {},
      { "passwords-common": [] },
      { "passwords-common": ["123456", "password"] },
      { "passwords-common": "123456" },
    ]
  ) {
    assert.throws(
      () => commonPasswordList(dict),
      /common-password list .* could not be loaded/,
    );
  }
  const list = Array.from({ length: 20_000 }, (_, i) => `pw${i}`);
  assert.equal(commonPasswordList({ "passwords-common": list }), list);
});

Deno.test("length: 12 characters at least, 256 at most", () => {
  assert.ok(codes("Zq7!xw9#Kp2").includes("too_short")); // 11
  assert.ok(!codes("Zq7!xw9#Kp2m").includes("too_short")); // 12
  assert.deepEqual(codes("Zq7!xw9#Kp2m"), []);
  const long = "Zq7!" + "xw9#Kp2m".repeat(32); // 260
  assert.ok(codes(long).includes("too_long"));
  assert.ok(!codes(long.slice(0, 256)).includes("too_long"));
});

Deno.test("length counts characters, not UTF-16 units", () => {
  const eleven = "😀A1😀b2😀C3😀d"; // 11 characters, 15 UTF-16 units
  assert.equal(eleven.length, 15);
  assert.ok(codes(eleven).includes("too_short"));
  assert.ok(!codes(eleven + "😀").includes("too_short"));
});

Deno.test("user name: the e-mail's local part, case-insensitive", () => {
  assert.ok(
    codes("XX-ANN.LEE-42-zz", { email: "ann.lee@example.com" }).includes(
      "contains_user_name",
    ),
  );
  assert.ok(
    codes("Kettle7!Smith", { email: "SMITH@example.com" }).includes(
      "contains_user_name",
    ),
  );
  // Any part of the local part of 3+ characters.
  assert.ok(
    codes("Kettle7!jonas", { email: "jonas.berg@example.com" }).includes(
      "contains_user_name",
    ),
  );
  assert.ok(
    !codes(good, { email: "jonas.berg@example.com" }).includes(
      "contains_user_name",
    ),
  );
  // The domain is not the user name.
  assert.deepEqual(
    codes("Example-Kettle-9", { email: "zed.q@example.com" }),
    [],
  );
});

Deno.test("user name: display-name words of 3+ letters", () => {
  assert.ok(
    codes("Kettle7!annabel", {
      email: "x1@example.com",
      displayName: "Annabel Lee",
    }).includes("contains_user_name"),
  );
  // "Lee" has three letters; "Al" has two and is ignored.
  assert.ok(
    codes("Kettle7!LEEward", { email: "x1@example.com", displayName: "Lee" })
      .includes("contains_user_name"),
  );
  assert.deepEqual(
    codes("Kettle7!Algae", { email: "x1@example.com", displayName: "Al Bo" }),
    [],
  );
});

Deno.test("character classes: lower, upper, digit and symbol, each at least once", () => {
  assert.ok(codes("kettlepinetravel").includes("too_few_character_classes")); // 1
  assert.ok(codes("kettlepine7travel").includes("too_few_character_classes")); // 2
  assert.ok(codes("kettlepine7travel!").includes("too_few_character_classes")); // 3
  assert.ok(codes("Kettlepine7travel").includes("too_few_character_classes")); // 3
  assert.ok(codes("KETTLE-PINE-7TRAVEL").includes("too_few_character_classes")); // 3
  assert.deepEqual(codes("Kettle-pine-7travel"), []); // all four
});

Deno.test("common passwords are refused, case-insensitively", () => {
  // "1qaz2wsx3edc" and "qwerty123456" are on the list; uppercase one letter for variety.
  assert.ok(codes("1QAZ2wsx3edc").includes("common_password"));
  assert.ok(codes("Qwerty123456").includes("common_password"));
  assert.ok(!codes(good).includes("common_password"));
});

Deno.test("common passwords with trailing digits or symbols are refused", () => {
  assert.deepEqual(codes("Password123!"), ["common_password"]);
  assert.deepEqual(codes("Footballfootball2024!!X"), []); // not a listed stem
  assert.ok(codes("Sunshine!!2024").includes("common_password"));
});

Deno.test("problems are listed together", () => {
  const found: PasswordProblemCode[] = codes("annlee");
  assert.deepEqual(
    new Set(found),
    new Set(["too_short", "contains_user_name", "too_few_character_classes"]),
  );
});

Deno.test("hashing: round trip, wrong password, fresh salt", async () => {
  const stored = await hashPassword(good);
  assert.match(
    stored,
    /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/,
  );
  assert.ok(!stored.includes(good));
  assert.equal(await verifyPassword(good, stored), true);
  assert.equal(await verifyPassword(good + "x", stored), false);
  assert.equal(await verifyPassword("", stored), false);
  assert.notEqual(await hashPassword(good), stored);
});

Deno.test("verifyPassword returns false for a malformed hash", async () => {
  const stored = await hashPassword(good);
  const [, n, r, p, salt, hash] = stored.split("$");
  const malformed = [
    "",
    "scrypt",
    "bcrypt$2b$10$abc",
    `argon2$${n}$${r}$${p}$${salt}$${hash}`,
    `scrypt$${n}$${r}$${p}$${salt}`,
    `scrypt$x$${r}$${p}$${salt}$${hash}`,
    `scrypt$1000$${r}$${p}$${salt}$${hash}`, // N not a power of two
    `scrypt$${2 ** 30}$${r}$${p}$${salt}$${hash}`, // N too large
    `scrypt$${n}$0$${p}$${salt}$${hash}`,
    `scrypt$${n}$${r}$${p}$!!!$${hash}`,
    `scrypt$${n}$${r}$${p}$${salt}$not*base64`,
    `scrypt$${n}$${r}$${p}$${salt}$`,
    `${stored}$extra`,
  ];
  for (const encoded of malformed) {
    assert.equal(await verifyPassword(good, encoded), false, encoded);
  }
  // deno-lint-ignore no-explicit-any
  assert.equal(await verifyPassword(good, null as any), false);
});

Deno.test("minimum age: one change a day, at the 24-hour boundary", () => {
  const changed = new Date("2026-03-01T10:00:00Z");
  const day = 24 * 60 * 60 * 1000;
  assert.equal(
    passwordChangeAllowed(changed, new Date(changed.getTime() + day - 1)),
    false,
  );
  assert.equal(
    passwordChangeAllowed(changed, new Date(changed.getTime() + day)),
    true,
  );
  assert.equal(passwordChangeAllowed(changed, changed), false);
});

Deno.test("maximum age: 365 days, at the boundary", () => {
  const changed = new Date("2026-03-01T10:00:00Z");
  const year = 365 * 24 * 60 * 60 * 1000;
  assert.equal(
    passwordExpired(changed, new Date(changed.getTime() + year - 1)),
    false,
  );
  assert.equal(
    passwordExpired(changed, new Date(changed.getTime() + year)),
    true,
  );
  assert.equal(passwordExpired(changed, changed), false);
});
