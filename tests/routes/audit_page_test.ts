// The auditor's page over the real trail: filters, keyset pages, the audited
// CSV export and chain verification.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { recordAudit } from "../../lib/security/audit.ts";
import { rowsOf } from "../../db/client.ts";
import { createLogger } from "../../lib/log.ts";
import { takeAuditCheckpoint } from "../../lib/security/audit_checkpoint.ts";

const ORIGIN = "http://127.0.0.1:8000";

Deno.test(`audit page (${testEngine}): an auditor pages through every store's events, filters, exports and verifies`, async () => {
  await using s = await openTestApp();
  const a = await makeStore(s, "Store A");
  const b = await makeStore(s, "Store B");
  const auditor = await makeStaff(s, "auditor");
  for (let i = 0; i < 60; i++) {
    await recordAudit(s.t.db, { userId: "", storeIds: [a, b] }, {
      actorType: "system",
      action: i % 2 ? "sync.run.finished" : "pii.reveal",
      storeId: i % 2 ? a : b,
      outcome: "success",
      details: { n: i },
    });
  }
  const get = (q: string) =>
    s.app.request(`${ORIGIN}/audit${q}`, {
      headers: { cookie: auditor.cookie },
    });

  const first = await get("");
  assert.equal(first.status, 200);
  const html = await first.text();
  assert.match(html, /Store A/);
  assert.match(html, /Store B/);
  const next = /href="\/audit\?([^"]*before=\d+[^"]*)"/.exec(html)?.[1];
  assert.ok(next, "a link to older events");
  const second = await (await get(`?${next.replaceAll("&amp;", "&")}`)).text();
  const ids = (text: string) =>
    [...text.matchAll(/<tr><td class="num">([\d,]+)<\/td>/g)].map((m) =>
      Number(m[1].replaceAll(",", ""))
    );
  const all = [...ids(html), ...ids(second)];
  assert.equal(new Set(all).size, all.length, "no row twice");
  assert.equal(all.length, 60);

  const filtered = await (await get(`?action=pii.&store=${b}`)).text();
  assert.equal(ids(filtered).length, 30);
  assert.doesNotMatch(filtered, /sync\.run\.finished/);

  const bad = await get("?from=not-a-date");
  assert.equal(bad.status, 400);
  await bad.body?.cancel();

  const csv = await s.app.request(`${ORIGIN}/audit/export.csv?action=pii.`, {
    headers: { cookie: auditor.cookie },
  });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get("content-type")!, /text\/csv/);
  const lines = (await csv.text()).trim().split("\r\n");
  assert.equal(lines.length, 31, "header and 30 rows");
  const [{ n }] = rowsOf<{ n: number }>(
    await ownerOf(s.t.db).execute(
      sql`select count(*)::int as n from audit_events where action = 'export.csv'`,
    ),
  );
  assert.equal(n, 1, "the export itself is audited");

  const verify = await s.app.request(`${ORIGIN}/audit/verify`, {
    method: "POST",
    headers: { cookie: auditor.cookie, origin: ORIGIN, "hx-request": "true" },
  });
  assert.equal(verify.status, 200);
  const fragment = await verify.text();
  assert.match(fragment, /The chain is intact/);
  assert.doesNotMatch(fragment, /<html/, "HTMX gets a fragment");

  // Tamper with one row (bypassing the append-only trigger) and verify again.
  await ownerOf(s.t.db).execute(
    sql`alter table audit_events disable trigger audit_events_append_only`,
  );
  await ownerOf(s.t.db).execute(
    sql`update audit_events set action = 'pii.revealed' where id = (select min(id) + 5 from audit_events)`,
  );
  const broken = await (await s.app.request(`${ORIGIN}/audit/verify`, {
    method: "POST",
    headers: { cookie: auditor.cookie, origin: ORIGIN, "hx-request": "true" },
  })).text();
  assert.match(broken, /The chain is broken at row #\d+ \(hash mismatch\)/);
});

Deno.test(`audit page (${testEngine}): verify compares the trail with the last checkpoint`, async () => {
  await using s = await openTestApp();
  const auditor = await makeStaff(s, "auditor");
  for (let i = 0; i < 5; i++) {
    await recordAudit(s.t.db, null, {
      actorType: "system",
      action: "test.event",
      outcome: "success",
    });
  }
  const verify = async () =>
    await (await s.app.request(`${ORIGIN}/audit/verify`, {
      method: "POST",
      headers: { cookie: auditor.cookie, origin: ORIGIN, "hx-request": "true" },
    })).text();
  assert.match(await verify(), /No checkpoint has been taken yet/);
  const taken = await takeAuditCheckpoint({
    db: s.t.db,
    kv: s.kv,
    vault: s.vault,
    log: createLogger({ sink: () => {} }),
  });
  assert.ok(taken.ok);
  assert.match(await verify(), /It matches the last checkpoint/);

  // The newest rows go (the verify events included), as the owner could.
  await ownerOf(s.t.db).transaction(async (tx) => {
    await tx.execute(
      sql`alter table audit_events disable trigger audit_events_append_only`,
    );
    await tx.execute(
      sql`delete from audit_events where id >= ${taken.checkpoint.headId}`,
    );
    await tx.execute(
      sql`alter table audit_events enable trigger audit_events_append_only`,
    );
  });
  const fragment = await verify();
  assert.match(fragment, /does not match the last checkpoint/);
  assert.match(fragment, /rows were deleted from the end/);
  const [row] = rowsOf<{ outcome: string }>(
    await ownerOf(s.t.db).execute(
      sql`select outcome from audit_events where action = 'audit.verify'
        order by id desc limit 1`,
    ),
  );
  assert.equal(row.outcome, "failure");
});

Deno.test(`audit page (${testEngine}): actors and the people an event names by name and e-mail, outcomes in words, never a user id`, async () => {
  await using s = await openTestApp();
  const auditor = await makeStaff(s, "auditor");
  const admin = await makeStaff(s, "admin", { email: "mei.chen@example.test" });
  const person = await makeStaff(s, "viewer", {
    email: "li.wei@example.test",
  });
  await recordAudit(s.t.db, { userId: admin.id, storeIds: [] }, {
    actorType: "staff",
    actorId: admin.id,
    action: "user.role.change",
    target: person.id,
    outcome: "success",
    details: { userId: person.id, from: "viewer", to: "finance" },
  });
  await recordAudit(s.t.db, null, {
    actorType: "anonymous",
    action: "access.denied.anonymous",
    target: "GET /audit",
    outcome: "denied",
  });
  for (
    const [lang, words] of [
      ["en", ["Succeeded", "Denied", "Not signed in", "Anyone"]],
      ["zh-CN", ["成功", "已拒绝", "未登录", "所有人"]],
    ] as const
  ) {
    const html = await (await s.app.request(`${ORIGIN}/audit`, {
      headers: { cookie: auditor.cookie, "accept-language": lang },
    })).text();
    const table = html.slice(html.indexOf("<table"));
    assert.match(table, /mei\.chen@example\.test/);
    assert.match(table, /li\.wei@example\.test/);
    for (const id of [admin.id, person.id]) {
      assert.ok(!table.includes(id), `${lang}: no user id in the table`);
    }
    for (const w of words) assert.ok(html.includes(w), `${lang}: ${w}`);
  }
  // The actor filter chooses people by name; it filters by their id.
  const html = await (await s.app.request(`${ORIGIN}/audit?actor=${admin.id}`, {
    headers: { cookie: auditor.cookie },
  })).text();
  assert.match(
    html,
    new RegExp(`<option value="${admin.id}" selected>Test admin \\d+ &lt;mei`),
  );
  assert.doesNotMatch(html.slice(html.indexOf("<table")), /Not signed in/);
});
