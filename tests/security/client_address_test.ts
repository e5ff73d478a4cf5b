// TRUSTED_PROXIES (issue #11, "behind a proxy"): which X-Forwarded-For
// entry is the client, and how the setting is read.
import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../../lib/config.ts";
import { clientAddress } from "../../lib/security/client_address.ts";
import { TokenBuckets } from "../../lib/security/token_buckets.ts";

Deno.test("without trusted proxies, X-Forwarded-For is ignored", () => {
  assert.equal(clientAddress("10.0.0.2", "203.0.113.5", undefined), "10.0.0.2");
  assert.equal(clientAddress(null, "203.0.113.5", { hops: 1 }), null);
});

Deno.test("trusted ranges: the nearest address that is not a proxy", () => {
  const ranges = { ranges: ["10.0.0.0/8", "fd00::/8"] };
  assert.equal(
    clientAddress("10.0.0.2", "198.51.100.9, 203.0.113.5, 10.1.1.1", ranges),
    "203.0.113.5",
    "a spoofed left-most entry does not count",
  );
  assert.equal(
    clientAddress("198.51.100.1", "203.0.113.5", ranges),
    "198.51.100.1",
    "an untrusted peer's header is ignored",
  );
  assert.equal(
    clientAddress("fd00::1", "[2001:db8::7]:4711", ranges),
    "2001:db8::7",
  );
  assert.equal(
    clientAddress("10.0.0.2", "203.0.113.5:8443", ranges),
    "203.0.113.5",
  );
  assert.equal(
    clientAddress("10.0.0.2", "10.0.0.3, 10.0.0.4", ranges),
    "10.0.0.3",
    "all proxies: the furthest",
  );
  assert.equal(
    clientAddress("10.0.0.2", "203.0.113.5, not-an-ip", ranges),
    "10.0.0.2",
    "a garbled entry stops at the last address read",
  );
  assert.equal(clientAddress("10.0.0.2", "", ranges), "10.0.0.2");
});

Deno.test("trusted hops: that many proxies in front, counted from the peer", () => {
  const xff = "198.51.100.9, 203.0.113.5, 10.1.1.1";
  assert.equal(clientAddress("10.0.0.2", xff, { hops: 1 }), "10.1.1.1");
  assert.equal(clientAddress("10.0.0.2", xff, { hops: 2 }), "203.0.113.5");
  assert.equal(clientAddress("10.0.0.2", xff, { hops: 3 }), "198.51.100.9");
  assert.equal(clientAddress("10.0.0.2", xff, { hops: 9 }), "198.51.100.9");
});

Deno.test("config: TRUSTED_PROXIES is a hop count or a list of ranges", () => {
  assert.equal(loadConfig({}).TRUSTED_PROXIES, undefined);
  assert.equal(loadConfig({ TRUSTED_PROXIES: "0" }).TRUSTED_PROXIES, undefined);
  assert.deepEqual(loadConfig({ TRUSTED_PROXIES: "2" }).TRUSTED_PROXIES, {
    hops: 2,
  });
  assert.deepEqual(
    loadConfig({ TRUSTED_PROXIES: "10.0.0.0/8, 192.0.2.1,fd00::/8" })
      .TRUSTED_PROXIES,
    { ranges: ["10.0.0.0/8", "192.0.2.1", "fd00::/8"] },
  );
  for (const bad of ["proxy.internal", "11", "-1", "10.0.0.0/8;x"]) {
    assert.throws(
      () => loadConfig({ TRUSTED_PROXIES: bad }),
      (err) =>
        err instanceof ConfigError &&
        err.problems.some((p) => p.startsWith("TRUSTED_PROXIES ")) &&
        !err.message.includes(bad),
    );
  }
  assert.equal(loadConfig({}).ANON_REQUESTS_PER_MINUTE, 60);
});

Deno.test("token buckets: a burst of perMinute, then one per 60/perMinute seconds; refunds", () => {
  let now = 0;
  const b = new TokenBuckets({ perMinute: 3, now: () => now, maxKeys: 2 });
  assert.deepEqual([b.take("a"), b.take("a"), b.take("a")], [0, 0, 0]);
  assert.equal(b.take("a"), 20_000, "empty: wait for the next token");
  b.refund("a");
  assert.equal(b.take("a"), 0);
  now += 20_000;
  assert.equal(b.take("a"), 0, "one token earned back");
  assert.ok(b.take("a") > 0);
  assert.equal(b.take("b"), 0, "addresses are independent");
  b.take("c"); // "a" is forgotten: at most two keys
  assert.equal(b.take("a"), 0);
});
