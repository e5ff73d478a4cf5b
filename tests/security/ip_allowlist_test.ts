import assert from "node:assert/strict";
import { ipAllowed } from "../../lib/security/ip_allowlist.ts";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff } from "../_helpers/staff.ts";
import { testEngine } from "../_helpers/test_db.ts";
import { rowsOf } from "../../db/client.ts";
import { ownerOf } from "../_helpers/test_db.ts";
import { sql } from "drizzle-orm";

Deno.test("ip allow-list: addresses and CIDR ranges, v4 and v6", () => {
  const list = ["10.0.0.0/8", "192.0.2.10", "2001:db8::/32"];
  assert.ok(ipAllowed("10.200.3.4", list));
  assert.ok(ipAllowed("192.0.2.10", list));
  assert.ok(!ipAllowed("192.0.2.11", list));
  assert.ok(ipAllowed("2001:db8:1::5", list));
  assert.ok(!ipAllowed("2001:db9::1", list));
  assert.ok(ipAllowed("::ffff:10.1.1.1", list), "v4-mapped v6");
  assert.ok(!ipAllowed(null, list));
  assert.ok(!ipAllowed("not-an-ip", list));
  assert.ok(ipAllowed("127.0.0.1", ["0.0.0.0/0"]));
});

Deno.test(`ip allow-list (${testEngine}): the staff area refuses other addresses, audited; health stays open`, async () => {
  await using s = await openTestApp({ STAFF_IP_ALLOWLIST: "10.0.0.0/8" });
  const owner = await makeStaff(s, "owner");
  const from = (ip: string) => ({
    remoteAddr: { hostname: ip, port: 1, transport: "tcp" },
  });
  const inside = await s.app.request(
    "/",
    { headers: { cookie: owner.cookie } },
    from("10.1.2.3"),
  );
  assert.equal(inside.status, 200);
  await inside.body?.cancel();
  const outside = await s.app.request("/", {
    headers: { cookie: owner.cookie },
  }, from("203.0.113.9"));
  assert.equal(outside.status, 403);
  await outside.body?.cancel();
  const signin = await s.app.request("/auth/signin", {}, from("203.0.113.9"));
  assert.equal(signin.status, 403, "sign-in is part of the staff area");
  await signin.body?.cancel();
  const health = await s.app.request("/healthz", {}, from("203.0.113.9"));
  assert.equal(health.status, 200);
  const rows = rowsOf<{ action: string; ip: string }>(
    await ownerOf(s.t.db).execute(
      sql`select action, ip from audit_events where action = 'access.denied.network'`,
    ),
  );
  assert.equal(rows.length, 2);
  assert.equal(rows[0].ip, "203.0.113.9");
});
