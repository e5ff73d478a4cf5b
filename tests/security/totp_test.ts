import assert from "node:assert/strict";
import { Secret, TOTP } from "otpauth";
import {
  claimTotpStep,
  consumeRecoveryCode,
  generateRecoveryCodes,
  hashRecoveryCode,
  newTotpSecret,
  totpStep,
  verifyTotp,
} from "../../lib/security/totp.ts";

const at = Date.parse("2026-03-01T10:00:10Z");
const tokenFor = (base32: string, timestamp: number) =>
  new TOTP({
    algorithm: "SHA1",
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(base32),
  }).generate({ timestamp });

Deno.test("a new secret is 160-bit base32 with an otpauth URI for Custodian", () => {
  const secret = newTotpSecret();
  assert.match(secret.base32, /^[A-Z2-7]{32}$/);
  assert.notEqual(newTotpSecret().base32, secret.base32);
  const uri = new URL(secret.uri("ann@example.com"));
  assert.equal(uri.protocol, "otpauth:");
  assert.equal(uri.host, "totp");
  assert.equal(decodeURIComponent(uri.pathname), "/Custodian:ann@example.com");
  assert.equal(uri.searchParams.get("issuer"), "Custodian");
  assert.equal(uri.searchParams.get("secret"), secret.base32);
  assert.equal(uri.searchParams.get("algorithm"), "SHA1");
  assert.equal(uri.searchParams.get("digits"), "6");
  assert.equal(uri.searchParams.get("period"), "30");
});

Deno.test("the RFC 6238 SHA-1 test vector verifies", () => {
  // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s → 94287082 (8 digits).
  const base32 = Secret.fromLatin1("12345678901234567890").base32;
  assert.equal(verifyTotp(base32, "287082", 59_000), true);
});

Deno.test("the current token and one step either side are accepted", () => {
  const { base32 } = newTotpSecret();
  assert.equal(verifyTotp(base32, tokenFor(base32, at), at), true);
  assert.equal(verifyTotp(base32, tokenFor(base32, at - 30_000), at), true);
  assert.equal(verifyTotp(base32, tokenFor(base32, at + 30_000), at), true);
});

Deno.test("a token from two steps ago (or ahead) is refused", () => {
  // A fixed secret, so the tokens are fixed and known to differ.
  const base32 = Secret.fromLatin1("12345678901234567890").base32;
  const valid = [-30_000, 0, 30_000].map((d) => tokenFor(base32, at + d));
  const old = tokenFor(base32, at - 60_000);
  const ahead = tokenFor(base32, at + 60_000);
  assert.ok(!valid.includes(old) && !valid.includes(ahead));
  assert.equal(verifyTotp(base32, old, at), false);
  assert.equal(verifyTotp(base32, ahead, at), false);
  assert.equal(verifyTotp(base32, valid[1], at), true);
});

Deno.test("tokens must be exactly six digits", () => {
  const { base32 } = newTotpSecret();
  const token = tokenFor(base32, at);
  assert.equal(verifyTotp(base32, ` ${token}`, at), false);
  assert.equal(verifyTotp(base32, `${token}0`, at), false);
  assert.equal(verifyTotp(base32, token.slice(1), at), false);
  assert.equal(verifyTotp(base32, "", at), false);
  assert.equal(verifyTotp(base32, "12345a", at), false);
  assert.equal(verifyTotp("not base32!", "123456", at), false);
});

Deno.test("recovery codes look like xxxx-xxxx-xxxx, unambiguous and distinct", () => {
  const codes = generateRecoveryCodes();
  assert.equal(codes.length, 10);
  assert.equal(new Set(codes).size, 10);
  for (const code of codes) {
    assert.match(
      code,
      /^[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}$/,
    );
  }
  assert.equal(generateRecoveryCodes(3).length, 3);
});

Deno.test("recovery code hashes are SHA-256 of the normalised code", async () => {
  const hash = await hashRecoveryCode("abcd-efgh-jkmn");
  assert.match(hash, /^[0-9a-f]{64}$/);
  assert.equal(await hashRecoveryCode(" ABCD efgh-JKMN "), hash);
  assert.equal(await hashRecoveryCode("abcdefghjkmn"), hash);
  assert.notEqual(await hashRecoveryCode("abcd-efgh-jkmp"), hash);
});

Deno.test("a recovery code is single use", async () => {
  const codes = generateRecoveryCodes(3);
  const hashes = await Promise.all(codes.map(hashRecoveryCode));
  const left = await consumeRecoveryCode(codes[1].toUpperCase(), hashes);
  assert.deepEqual(left, [hashes[0], hashes[2]]);
  assert.equal(await consumeRecoveryCode(codes[1], left!), null);
  assert.deepEqual(await consumeRecoveryCode(codes[0], left!), [hashes[2]]);
  assert.equal(await consumeRecoveryCode("zzzz-zzzz-zzzz", hashes), null);
  assert.equal(await consumeRecoveryCode("", hashes), null);
  assert.equal(await consumeRecoveryCode("---", hashes), null);
});

Deno.test("a secret that is not base32 verifies nothing (and throws nothing)", () => {
  assert.equal(verifyTotp("not base32 at all!", "123456", 59_000), false);
});

Deno.test("a code names its time step, one step either side at most", () => {
  const base32 = Secret.fromLatin1("12345678901234567890").base32;
  const step = Math.floor(at / 30_000);
  assert.equal(totpStep(base32, tokenFor(base32, at), at), step);
  assert.equal(totpStep(base32, tokenFor(base32, at - 30_000), at), step - 1);
  assert.equal(totpStep(base32, tokenFor(base32, at + 30_000), at), step + 1);
  assert.equal(totpStep(base32, tokenFor(base32, at - 60_000), at), null);
  assert.equal(totpStep(base32, "12345", at), null);
});

Deno.test("a time step is claimed once, and never one at or before the last (issue #11)", async () => {
  using kv = await Deno.openKv(":memory:");
  const user = "00000000-0000-4000-8000-000000000001";
  const other = "00000000-0000-4000-8000-000000000002";
  // A code one step ahead (a fast clock) is used: the current step's code,
  // and the previous one's, are no good any more.
  assert.equal(await claimTotpStep(kv, user, 101), true);
  assert.equal(await claimTotpStep(kv, user, 101), false, "the same code");
  assert.equal(await claimTotpStep(kv, user, 100), false, "an earlier step");
  assert.equal(await claimTotpStep(kv, other, 100), true, "per user");
  assert.equal(await claimTotpStep(kv, user, 102), true, "the next step");
  // Concurrent sign-ins with one code: exactly one gets through.
  const results = await Promise.all(
    Array.from({ length: 5 }, () => claimTotpStep(kv, user, 103)),
  );
  assert.equal(results.filter(Boolean).length, 1);
});
