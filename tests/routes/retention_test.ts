// /retention: only retention.manage may see or change rules and holds; the
// database's limits are reported, not bypassed; every change is audited; Run
// now queues a purge.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";

const ORIGIN = "http://127.0.0.1:8000";

Deno.test(`retention page (${testEngine}): access, limits, holds, audit and Run now`, async () => {
  await using s = await openTestApp();
  const store = await makeStore(s, "Retention store");
  const admin = await makeStaff(s, "admin");
  const ops = await makeStaff(s, "operations", { storeIds: [store] });
  const post = (
    who: { cookie: string },
    path: string,
    body: Record<string, string>,
  ) =>
    s.app.request(`${ORIGIN}${path}`, {
      method: "POST",
      headers: {
        cookie: who.cookie,
        origin: ORIGIN,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams(body).toString(),
    });
  const rule = async (category: string) =>
    rowsOf<{ days: number; reason: string }>(
      await ownerOf(s.t.db).execute(sql`select days, reason from retention_rules
        where category = ${category}`),
    )[0];
  const actions = async () =>
    rowsOf<{ action: string }>(
      await ownerOf(s.t.db).execute(sql`select action from audit_events
        where action like 'retention.%' order by id`),
    ).map((r) => r.action);

  // Without retention.manage: neither the page nor any change.
  assert.equal(
    (await s.app.request(`${ORIGIN}/retention`, {
      headers: { cookie: ops.cookie },
    })).status,
    403,
  );
  const denied = await post(ops, "/retention/rules", {
    category: "orders",
    days: "10",
    reason: "shorter",
  });
  assert.equal(denied.status, 403);
  assert.equal((await rule("orders")).days, 1095);

  // With it: the page in both languages.
  const pageEn = await s.app.request(`${ORIGIN}/retention`, {
    headers: { cookie: admin.cookie },
  });
  assert.equal(pageEn.status, 200);
  const html = await pageEn.text();
  assert.match(html, /Legal holds/);
  assert.match(html, /rule-buyer_pii/);
  const pageZh = await s.app.request(`${ORIGIN}/retention`, {
    headers: {
      cookie: `${admin.cookie}; lang=zh-CN`,
      "accept-language": "zh-CN",
    },
  });
  assert.equal(pageZh.status, 200);

  // A change inside the limits is saved with its reason and audited.
  const ok = await post(admin, "/retention/rules", {
    category: "orders",
    days: "730",
    fallbackDays: "",
    reason: "Two years is enough",
  });
  assert.equal(ok.status, 303);
  assert.deepEqual(await rule("orders"), {
    days: 730,
    reason: "Two years is enough",
  });
  // Outside them, the database refuses and the page says why.
  for (
    const [category, days] of [["buyer_pii", "45"], ["api_request_log", "30"], [
      "audit_events",
      "89",
    ]]
  ) {
    const res = await post(admin, "/retention/rules", {
      category,
      days,
      reason: "try",
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /outside the policy/);
  }
  assert.equal((await rule("buyer_pii")).days, 30);
  const noReason = await post(admin, "/retention/rules", {
    category: "orders",
    days: "700",
    reason: "",
  });
  assert.equal(noReason.status, 400);

  // A hold, placed and released, both audited.
  const placed = await post(admin, "/retention/holds", {
    storeId: store,
    category: "buyer_pii",
    fromAt: "",
    toAt: "",
    recordIds: "111-0000000-0000001, 111-0000000-0000002",
    reason: "Tax audit 2026",
    owner: "legal@example.test",
    reviewOn: "2027-03-01",
  });
  assert.equal(placed.status, 303);
  const [hold] = rowsOf<{ id: string; record_ids: string[] }>(
    await ownerOf(s.t.db).execute(
      sql`select id::text, record_ids from legal_holds`,
    ),
  );
  assert.deepEqual(hold.record_ids, [
    "111-0000000-0000001",
    "111-0000000-0000002",
  ]);
  assert.equal(
    (await post(ops, `/retention/holds/${hold.id}/release`, {
      reason: "not mine",
    })).status,
    403,
  );
  const released = await post(admin, `/retention/holds/${hold.id}/release`, {
    reason: "Audit closed",
  });
  assert.equal(released.status, 303);

  // Run now queues a purge of every store.
  const run = await post(admin, "/retention/run", { dryRun: "true" });
  assert.equal(run.status, 200);
  assert.ok(
    s.messages.some((m) => m.type === "retention.purge" && m.dryRun === true),
  );
  assert.deepEqual(await actions(), [
    "retention.rule.update",
    "retention.hold.create",
    "retention.hold.release",
    "retention.purge.request",
  ]);
});
