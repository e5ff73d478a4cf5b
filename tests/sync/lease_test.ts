// Leases (lib/sync/lease.ts) on the caller's clock: one holder at a time, a
// lapsed lease is free to take, a lost lease cannot be renewed, and only its
// holder releases it. The clock is a number: nothing here waits.
import assert from "node:assert/strict";
import {
  leaseKey,
  releaseLease,
  renewLease,
  takeLease,
} from "../../lib/sync/lease.ts";

Deno.test("lease: one holder at a time, on the caller's clock", async () => {
  await using kv = await Deno.openKv(":memory:");
  const key = leaseKey(crypto.randomUUID(), "orders");
  const t0 = Date.now();
  assert.deepEqual(await takeLease(kv, key, "a", 1_000, t0), {
    owner: "a",
    until: t0 + 1_000,
  });
  assert.equal(await takeLease(kv, key, "b", 1_000, t0 + 999), null);
  assert.ok(await renewLease(kv, key, "a", 1_000, t0 + 500), "a renews");
  assert.equal(await takeLease(kv, key, "b", 1_000, t0 + 1_499), null);

  // a stops renewing (a crash): one lease later, b takes it.
  assert.deepEqual(await takeLease(kv, key, "b", 1_000, t0 + 1_500), {
    owner: "b",
    until: t0 + 2_500,
  });
  assert.equal(
    await renewLease(kv, key, "a", 1_000, t0 + 1_600),
    false,
    "a lost it",
  );
  await releaseLease(kv, key, "a");
  assert.equal(await takeLease(kv, key, "c", 1_000, t0 + 1_600), null);
  await releaseLease(kv, key, "b");
  assert.ok(await takeLease(kv, key, "c", 1_000, t0 + 1_600));
});
