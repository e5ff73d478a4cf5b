// Issue #18: /compliance for owners and auditors — every policy section,
// pending promises amber and never green, the record of processing — and
// its download: one self-contained file, audited, carrying the audit
// chain's head hash.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { PENDING_LINES } from "../../lib/compliance/registry.ts";

const ORIGIN = "http://127.0.0.1:8000";

Deno.test(`compliance page (${testEngine}): an auditor sees every section, its lines by colour, the promises of case handling, and the record`, async () => {
  await using s = await openTestApp();
  await makeStore(s, "Evidence Store");
  const auditor = await makeStaff(s, "auditor");
  const res = await s.app.request(`${ORIGIN}/compliance`, {
    headers: { cookie: auditor.cookie },
  });
  assert.equal(res.status, 200);
  const html = await res.text();
  for (
    const n of [
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
      "9",
      "10",
      "11",
      "12",
      "13",
    ]
  ) assert.match(html, new RegExp(`id="section-${n}"`), `section ${n}`);
  assert.match(html, /id="section-updates"/);
  // The nav entry, in the governance group.
  assert.match(html, /href="\/compliance"[^>]*>Compliance</);
  // The promises kept by people handling cases, on a fresh portal: no
  // request or incident open, no provider registered (amber: not proven),
  // the Data Policy's first version published.
  const status = (id: string) =>
    new RegExp(
      `<tr id="line-${id.replaceAll(".", "\\.")}" data-status="(\\w+)"`,
    )
      .exec(html)?.[1];
  assert.equal(PENDING_LINES.length, 0);
  assert.equal(status("requests.due"), "green");
  assert.equal(status("incidents.open"), "green");
  assert.equal(status("incidents.notices_due"), "green");
  assert.equal(status("providers.register"), "amber");
  assert.equal(status("policy.versions"), "green");
  assert.match(html, /href="\/requests"/);
  // A tracked line with its proof link.
  assert.match(
    html,
    /<tr id="line-retention\.buyer_data" data-status="green"/,
  );
  assert.match(html, /href="\/retention"/);
  // The record of processing.
  assert.match(html, /id="record"/);
  assert.match(html, /<code>buyer_pii\.payload_jwe<\/code>/);
  assert.match(html, /Encrypted \(vault JWE\)/);

  const zh = await (await s.app.request(`${ORIGIN}/compliance`, {
    headers: { cookie: auditor.cookie, "accept-language": "zh-CN" },
  })).text();
  assert.match(zh, /合规证据/);
  assert.match(zh, /尚未登记任何服务提供方/);
});

Deno.test(`compliance page (${testEngine}): a seeded violation shows red on the page`, async () => {
  await using s = await openTestApp();
  const store = await makeStore(s, "Red Store");
  const owner = await makeStaff(s, "owner");
  await ownerOf(s.t.db).execute(
    sql`update stores set status = 'connected' where id = ${store}::uuid`,
  );
  const html = await (await s.app.request(`${ORIGIN}/compliance`, {
    headers: { cookie: owner.cookie },
  })).text();
  assert.match(
    html,
    /<tr id="line-authorization\.official" data-status="red"/,
  );
  assert.match(html, /a store is marked connected without one/);
});

Deno.test(`compliance page (${testEngine}): roles without audit.read are refused`, async () => {
  await using s = await openTestApp();
  const store = await makeStore(s, "Shop");
  for (const role of ["support", "finance", "viewer"] as const) {
    const who = await makeStaff(s, role, { storeIds: [store] });
    for (const path of ["/compliance", "/compliance.html"]) {
      const res = await s.app.request(`${ORIGIN}${path}`, {
        headers: { cookie: who.cookie },
      });
      await res.body?.cancel();
      assert.equal(res.status, 403, `${role} ${path}`);
    }
  }
});

Deno.test(`compliance download (${testEngine}): one self-contained file, audited, carrying the chain's head hash`, async () => {
  await using s = await openTestApp();
  await makeStore(s, "Download Store");
  const auditor = await makeStaff(s, "auditor");
  const res = await s.app.request(`${ORIGIN}/compliance.html`, {
    headers: { cookie: auditor.cookie },
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(
    res.headers.get("content-disposition") ?? "",
    /^attachment; filename="compliance-\d{4}-\d{2}-\d{2}\.html"$/,
  );
  const html = await res.text();
  assert.ok(html.startsWith("<!DOCTYPE html>"));
  // Self-contained: its style inline; no script, stylesheet, image or frame
  // to load; no address of any host.
  assert.match(html, /<style>/);
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|<object|<embed/i);
  assert.doesNotMatch(html, /(src|href)\s*=\s*["']?(https?:)?\/\//i);
  assert.doesNotMatch(html, /url\(/i);
  assert.doesNotMatch(html, /(src|href)=/i, "no reference at all");
  // The download is recorded, and the file carries that event's hash: the
  // head of the chain when it was made.
  const [event] = rowsOf<{ id: string; hash: string; actor_id: string }>(
    await ownerOf(s.t.db).execute(sql`select id::text, hash, actor_id
      from audit_events where action = 'compliance.download'`),
  );
  assert.ok(event, "the download is audited");
  assert.equal(event.actor_id, auditor.id);
  const [head] = rowsOf<{ id: string }>(
    await ownerOf(s.t.db).execute(
      sql`select max(id)::text as id from audit_events`,
    ),
  );
  assert.equal(head.id, event.id, "it was the head when the file was made");
  assert.match(event.hash, /^[0-9a-f]{64}$/);
  assert.ok(html.includes(event.hash), "the file carries the head hash");
  assert.ok(html.includes(`event ${event.id}`));
});
