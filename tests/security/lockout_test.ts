// The local sign-in lockout (issue #11, behind a proxy): per account and
// address, with a slower per-account limit that spares known addresses;
// an unlock clears both.
import assert from "node:assert/strict";
import {
  clearSignInLockout,
  recordSignInFailure,
  recordSignInSuccess,
  signInLocked,
  signInLockState,
} from "../../lib/security/lockout.ts";

const policy = {
  address: { maxFailures: 3, lockoutMs: 15 * 60_000 },
  account: { maxFailures: 5, lockoutMs: 60 * 60_000 },
};
const OWNER = "Owner@Example.test";

Deno.test("lockout: failures at one address lock that address only", async () => {
  using kv = await Deno.openKv(":memory:");
  const t0 = Date.now();
  for (let i = 0; i < 3; i++) {
    await recordSignInFailure(kv, policy, OWNER, "198.51.100.1", t0 + i);
  }
  assert.equal(
    (await signInLocked(kv, "owner@example.test", "198.51.100.1", t0 + 5))
      ?.scope,
    "address",
  );
  assert.equal(await signInLocked(kv, OWNER, "203.0.113.9", t0 + 5), null);
  assert.equal(
    await signInLocked(kv, "other@example.test", "198.51.100.1"),
    null,
  );
  // It ends by itself.
  assert.equal(
    await signInLocked(kv, OWNER, "198.51.100.1", t0 + 16 * 60_000),
    null,
  );
});

Deno.test("lockout: the per-account limit locks new addresses, not known ones; unlock clears all", async () => {
  using kv = await Deno.openKv(":memory:");
  const t0 = Date.now();
  await recordSignInSuccess(kv, OWNER, "203.0.113.20");
  let last = { address: false, account: false };
  for (let i = 1; i <= 5; i++) {
    last = await recordSignInFailure(kv, policy, OWNER, `198.51.100.${i}`, t0);
  }
  assert.deepEqual(last, { address: false, account: true });
  assert.equal(
    (await signInLocked(kv, OWNER, "192.0.2.50", t0))?.scope,
    "account",
  );
  assert.equal(
    await signInLocked(kv, OWNER, null, t0).then((l) => l?.scope),
    "account",
  );
  assert.equal(await signInLocked(kv, OWNER, "203.0.113.20", t0), null);
  await recordSignInFailure(kv, policy, OWNER, "198.51.100.1", t0);
  await recordSignInFailure(kv, policy, OWNER, "198.51.100.1", t0);
  const state = await signInLockState(kv, OWNER, t0);
  assert.ok(state.accountUntil);
  assert.equal(state.addresses, 1);
  assert.equal(await clearSignInLockout(kv, OWNER), 6);
  assert.equal(await signInLocked(kv, OWNER, "192.0.2.50", t0), null);
  assert.equal(await signInLocked(kv, OWNER, "198.51.100.1", t0), null);
  assert.deepEqual(await signInLockState(kv, OWNER, t0), {
    accountUntil: null,
    addresses: 0,
  });
});
