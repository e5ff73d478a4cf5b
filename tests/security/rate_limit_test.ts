import assert from "node:assert/strict";
import {
  clearFailures,
  lockedUntil,
  recordFailure,
} from "../../lib/security/rate_limit.ts";

const policy = { maxFailures: 3, lockoutMs: 15 * 60_000 };

Deno.test("rate limit: the limit'th failure locks; the lockout ends by itself", async () => {
  const kv = await Deno.openKv(":memory:");
  const t0 = Date.now();
  assert.equal(await recordFailure(kv, policy, "email", "A@x.test", t0), null);
  assert.equal(
    await recordFailure(kv, policy, "email", "a@x.test", t0 + 1),
    null,
  );
  const until = await recordFailure(kv, policy, "email", "a@x.test", t0 + 2);
  assert.equal(until, t0 + 2 + policy.lockoutMs);
  assert.equal(await lockedUntil(kv, "email", "a@x.test", t0 + 3), until);
  assert.equal(await lockedUntil(kv, "email", "a@x.test", until! + 1), null);
  assert.equal(await lockedUntil(kv, "email", "b@x.test", t0 + 3), null);
  kv.close();
});

Deno.test("rate limit: failures outside the window start a new count; success clears", async () => {
  const kv = await Deno.openKv(":memory:");
  const t0 = Date.now();
  await recordFailure(kv, policy, "ip", "198.51.100.1", t0);
  await recordFailure(kv, policy, "ip", "198.51.100.1", t0 + 1);
  // Much later: the count restarts.
  const later = t0 + policy.lockoutMs + 10;
  assert.equal(
    await recordFailure(kv, policy, "ip", "198.51.100.1", later),
    null,
  );
  await clearFailures(kv, "ip", "198.51.100.1");
  assert.equal(
    await recordFailure(kv, policy, "ip", "198.51.100.1", later + 1),
    null,
  );
  assert.equal(
    await recordFailure(kv, policy, "ip", "198.51.100.1", later + 2),
    null,
  );
  kv.close();
});

Deno.test("rate limit: concurrent failures are all counted (atomic check)", async () => {
  const kv = await Deno.openKv(":memory:");
  const results = await Promise.all(
    Array.from(
      { length: 10 },
      () =>
        recordFailure(
          kv,
          { maxFailures: 10, lockoutMs: 60_000 },
          "email",
          "c@x.test",
        ),
    ),
  );
  assert.equal(
    results.filter((r) => r !== null).length,
    1,
    "exactly one reached 10",
  );
  kv.close();
});
