// Issue #18, incidents through the real app: a report from someone with no
// other permission is stored (and a bad one changes nothing), the incident
// page's notices and timeline, each containment action takes effect at the
// next request (a suspended user is refused, frozen exports and reveals
// refuse, a paused store does not sync, preserved logs survive a purge run),
// a canary record's reveal opens an incident within that one request, and
// offboarding is one checklist.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { purgeGlobal, purgeStore } from "../../lib/policy/purge.ts";
import { runSync } from "../../lib/sync/runner.ts";
import { rearmCanaries } from "../../lib/incidents/canary.ts";
import { DATASETS } from "../../lib/sync/datasets/mod.ts";
import { listConnectedStoreIds } from "../../db/maintenance.ts";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore, type TestStaff } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";

const ORIGIN = "http://127.0.0.1:8000";
const DAY = 86_400_000;

function get(s: TestApp, path: string, who: TestStaff) {
  return s.app.request(`${ORIGIN}${path}`, {
    headers: { cookie: who.cookie, "accept-language": "en" },
  });
}

function post(
  s: TestApp,
  path: string,
  who: TestStaff,
  form: Record<string, string | string[]>,
) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) {
    for (const x of [v].flat()) body.append(k, x);
  }
  return s.app.request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: {
      cookie: who.cookie,
      origin: ORIGIN,
      "accept-language": "en",
      "content-type": "application/x-www-form-urlencoded",
    },
    body,
  });
}

async function incidents(s: TestApp) {
  return rowsOf<{
    id: string;
    kind: string;
    severity: string;
    source: string;
    summary: string;
    store_ids: string[];
    reported_by: string | null;
  }>(
    await ownerOf(s.t.db).execute(sql`select id::text as id, kind, severity,
      source, summary, store_ids::text[] as store_ids,
      reported_by::text as reported_by from incidents order by ref`),
  );
}

async function openIncident(s: TestApp, admin: TestStaff): Promise<string> {
  const res = await post(s, "/incidents/report", admin, {
    kind: "abnormal_access",
    what: "Orders opened at night by an unknown session",
    when: "",
  });
  assert.equal(res.status, 200);
  return (await incidents(s)).at(-1)!.id;
}

Deno.test(`incidents (${testEngine}): a report from someone with no other permission is stored; a bad one changes nothing`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const store = await makeStore(s, "Report Store");
  // A viewer without a single store grant: nothing else is theirs to do.
  const nobody = await makeStaff(s, "viewer");
  const form = await get(s, "/incidents/report", nobody);
  assert.equal(form.status, 200);
  assert.match(await form.text(), /name="what"/);
  // The layout offers the report on every signed-in page.
  const account = await (await get(s, "/account", nobody)).text();
  assert.match(account, /href="\/incidents\/report"/);

  const bad = await post(s, "/incidents/report", nobody, {
    kind: "mistaken_export",
    what: "short",
    when: "2999-01-01",
  });
  assert.equal(bad.status, 400);
  const badHtml = await bad.text();
  assert.match(badHtml, /id="what-error"/);
  assert.match(badHtml, /id="when-error"/);
  // A store that is not theirs is refused too.
  const foreign = await post(s, "/incidents/report", nobody, {
    kind: "mistaken_export",
    what: "I sent a CSV to the wrong address",
    stores: store,
  });
  assert.equal(foreign.status, 400);
  assert.equal((await incidents(s)).length, 0);

  const ok = await post(s, "/incidents/report", nobody, {
    kind: "mistaken_export",
    what: "I sent a CSV to the wrong address <b>by mistake</b>",
    when: "2026-01-05",
    data: ["orders", "buyer_pii"],
  });
  assert.equal(ok.status, 200);
  assert.match(await ok.text(), /data-testid="report-thanks"/);
  const [row] = await incidents(s);
  assert.equal(row.kind, "mistaken_export");
  assert.equal(row.source, "report");
  assert.equal(row.reported_by, nobody.id);
  // Amazon's 24-hour notice is on its checklist from the start.
  const [notice] = rowsOf<{ party: string; hours: number }>(
    await ownerOf(s.t.db).execute(sql`select n.party,
      extract(epoch from n.due_at - i.detected_at)::int / 3600 as hours
      from incident_notices n join incidents i on i.id = n.incident_id`),
  );
  assert.deepEqual(notice, { party: "amazon", hours: 24 });
  // Audited.
  const [audit] = rowsOf<{ n: number }>(
    await ownerOf(s.t.db).execute(sql`select count(*)::int as n
      from audit_events where action = 'incident.report'
        and actor_id = ${nobody.id}`),
  );
  assert.equal(audit.n, 1);
  // The reporter cannot read the records; an incident manager can.
  assert.equal((await get(s, "/incidents", nobody)).status, 403);
  const admin = await makeStaff(s, "admin");
  const list = await (await get(s, "/incidents", admin)).text();
  assert.match(list, new RegExp(`/incidents/${row.id}`));
  // The dashboard: one open incident, Amazon's notice due, no plan yet.
  const dash = await (await get(s, "/", admin)).text();
  assert.match(dash, /data-testid="incident-attention"/);
  assert.match(dash, /1 open incident\(s\), 0 high or critical/);
  assert.match(dash, /notice to Amazon \(security@amazon\.com\) due/);
  assert.match(dash, /No incident-response plan has been published/);
  // Not for someone outside the incident team.
  const staffDash = await (await get(s, "/", nobody)).text();
  assert.doesNotMatch(staffDash, /incident-attention/);
  const page = await (await get(s, `/incidents/${row.id}`, admin)).text();
  // The reporter's text is text, not markup.
  assert.match(page, /&lt;b&gt;by mistake&lt;\/b&gt;/);
  assert.match(page, /security@amazon\.com/);
});

Deno.test(`incidents (${testEngine}): state, notes and notices are recorded on the timeline and audited`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const admin = await makeStaff(s, "admin");
  const id = await openIncident(s, admin);
  const upd = await post(s, `/incidents/${id}/update`, admin, {
    state: "investigating",
    severity: "high",
    owner: admin.id,
    data: ["buyer_pii"],
    credentials: "LWA refresh token of Store A",
  });
  assert.equal(upd.status, 303);
  const refused = await post(s, `/incidents/${id}/update`, admin, {
    state: "bogus",
    severity: "high",
    owner: "",
  });
  assert.match(refused.headers.get("location") ?? "", /refused=invalid/);
  // An id that is no incident id (the fuzz test drew a NUL) is a 404 for every
  // change, even with a form the domain would refuse: never a redirect to it.
  for (const bad of ["%00", "not-a-uuid"]) {
    for (
      const action of ["update", "notes", "notices", "contain/pause_syncs"]
    ) {
      const res = await post(s, `/incidents/${bad}/${action}`, admin, {});
      assert.equal(res.status, 404, `${bad} ${action}`);
    }
  }
  await post(s, `/incidents/${id}/notes`, admin, { note: "Looked at logs" });
  await post(s, `/incidents/${id}/notices`, admin, {
    party: "authority",
    contact: "dpa@example.test",
    dueHours: "72",
  });
  const [amazon] = rowsOf<{ id: string }>(
    await ownerOf(s.t.db).execute(sql`select id::text as id
      from incident_notices where party = 'amazon'`),
  );
  await post(s, `/incidents/${id}/notices/${amazon.id}/sent`, admin, {
    note: "e-mail",
  });
  const row = rowsOf<{ state: string; severity: string; owner: string }>(
    await ownerOf(s.t.db).execute(sql`select state, severity,
      owner_id::text as owner from incidents where id = ${id}::uuid`),
  )[0];
  assert.deepEqual(row, {
    state: "investigating",
    severity: "high",
    owner: admin.id,
  });
  const kinds = rowsOf<{ kind: string }>(
    await ownerOf(s.t.db).execute(sql`select kind from incident_events
      where incident_id = ${id}::uuid order by id`),
  ).map((r) => r.kind);
  assert.deepEqual(kinds, [
    "reported",
    "state",
    "severity",
    "owner",
    "note",
    "note",
    "notice",
    "notice",
  ]);
  const sent = rowsOf<{ party: string; sent: boolean }>(
    await ownerOf(s.t.db).execute(sql`select party, sent_at is not null as sent
      from incident_notices order by party`),
  );
  assert.deepEqual(sent, [
    { party: "amazon", sent: true },
    { party: "authority", sent: false },
  ]);
  const page = await (await get(s, `/incidents/${id}`, admin)).text();
  assert.match(page, /Looked at logs/);
  assert.match(page, /Sent <time/);
});

Deno.test(`incidents (${testEngine}): the register exports as CSV with the list's filters, audited; refused without export.csv and while frozen`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const owner = await makeStaff(s, "owner");
  const admin = await makeStaff(s, "admin");
  const first = await openIncident(s, admin);
  const second = await openIncident(s, admin);
  await post(s, `/incidents/${second}/update`, admin, {
    state: "investigating",
    severity: "high",
    owner: admin.id,
    credentials: '=HYPERLINK("http://evil.example")',
  });
  const list = await (await get(s, "/incidents?severity=high", admin)).text();
  assert.match(list, /href="\/incidents\.csv\?severity=high"/);

  const all = await get(s, "/incidents.csv", admin);
  assert.equal(all.status, 200);
  assert.match(all.headers.get("content-type") ?? "", /text\/csv/);
  assert.equal(all.headers.get("cache-control"), "no-store");
  const lines = (await all.text()).trim().split("\r\n");
  assert.equal(lines[0].split(",")[0], "ref");
  assert.equal(lines.length, 3, "a header and both incidents");
  const high = (await (await get(s, "/incidents.csv?severity=high", admin))
    .text()).trim().split("\r\n");
  assert.equal(high.length, 2);
  assert.match(high[1], /,high,investigating,/);
  // A cell that would run as a formula is neutralised (lib/csv.ts).
  assert.ok(!high[1].includes(",=HYPERLINK"));
  const [audited] = rowsOf<{ rows: number; filter: { severity: string } }>(
    await ownerOf(s.t.db).execute(sql`select (details->>'rows')::int as rows,
      details->'filter' as filter from audit_events
      where action = 'export.csv' and target = 'incidents'
        and outcome = 'success' and details->'filter'->>'severity' = 'high'`),
  );
  assert.equal(audited.rows, 1);

  // The auditor holds neither export.csv nor incidents.manage.
  const auditor = await makeStaff(s, "auditor");
  const refused = await get(s, "/incidents.csv", auditor);
  assert.equal(refused.status, 403);
  await refused.body?.cancel();
  await post(s, `/incidents/${first}/contain/freeze_exports`, owner, {
    confirm: "yes",
  });
  const frozen = await get(s, "/incidents.csv", admin);
  assert.equal(frozen.status, 423);
  assert.match(await frozen.text(), /Exports are frozen/);
  const after = await (await get(s, "/incidents", admin)).text();
  assert.ok(!after.includes("/incidents.csv"), "no export button while frozen");
});

Deno.test(`incidents (${testEngine}): containment takes effect at the next request; unconfirmed does nothing`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const store = await makeStore(s, "Contain Store");
  await ownerOf(s.t.db).execute(
    sql`update stores set status = 'connected' where id = ${store}::uuid`,
  );
  const owner = await makeStaff(s, "owner");
  const support = await makeStaff(s, "support", { storeIds: [store] });
  const finance = await makeStaff(s, "finance", { storeIds: [store] });
  const id = await openIncident(s, owner);

  // Without the confirmation box nothing happens.
  const unconfirmed = await post(
    s,
    `/incidents/${id}/contain/suspend_user`,
    owner,
    { target: support.id },
  );
  assert.match(unconfirmed.headers.get("location") ?? "", /unconfirmed/);
  assert.equal((await get(s, "/orders", support)).status, 200);

  // Suspend: the very next request of that person is refused.
  const suspended = await post(
    s,
    `/incidents/${id}/contain/suspend_user`,
    owner,
    { target: support.id, confirm: "yes" },
  );
  assert.match(suspended.headers.get("location") ?? "", /done=suspend_user/);
  const after = await get(s, "/orders", support);
  assert.notEqual(after.status, 200);

  // Freeze: exports and reveals refuse.
  assert.equal((await get(s, "/orders.csv", finance)).status, 200);
  await post(s, `/incidents/${id}/contain/freeze_exports`, owner, {
    confirm: "yes",
  });
  const frozen = await get(s, "/orders.csv", finance);
  assert.notEqual(frozen.status, 200);
  await frozen.body?.cancel();

  // Pause: the store is neither scheduled nor run.
  assert.deepEqual(await listConnectedStoreIds(s.t.db), [store]);
  await post(s, `/incidents/${id}/contain/pause_syncs`, owner, {
    target: store,
    confirm: "yes",
  });
  assert.deepEqual(await listConnectedStoreIds(s.t.db), []);
  const run = await runSync(
    {
      db: s.t.db,
      kv: s.kv,
      vault: s.vault,
      datasets: new Map(DATASETS.map((d) => [d.name, d])),
      amazonBaseUrl: "http://127.0.0.1:9",
    } as unknown as Parameters<typeof runSync>[0],
    { storeId: store, dataset: DATASETS[0].name, trigger: "manual" },
  );
  assert.deepEqual(run, {
    status: "skipped",
    reason: "store is paused",
    runId: undefined,
  });
  await post(s, `/incidents/${id}/contain/resume_syncs`, owner, {
    target: store,
    confirm: "yes",
  });
  assert.deepEqual(await listConnectedStoreIds(s.t.db), [store]);

  // Each action is on the timeline and in the audit trail.
  const actions = rowsOf<{ action: string }>(
    await ownerOf(s.t.db).execute(sql`select action from audit_events
      where action like 'incident.contain.%' order by id`),
  ).map((r) => r.action);
  assert.deepEqual(actions, [
    "incident.contain.suspend_user",
    "incident.contain.freeze_exports",
    "incident.contain.pause_syncs",
    "incident.contain.resume_syncs",
  ]);
  const [events] = rowsOf<{ n: number }>(
    await ownerOf(s.t.db).execute(sql`select count(*)::int as n
      from incident_events where kind = 'action'`),
  );
  assert.equal(events.n, 4);
});

Deno.test(`incidents (${testEngine}): preserved logs survive a purge run`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const store = await makeStore(s, "Hold Store");
  const owner = ownerOf(s.t.db);
  const admin = await makeStaff(s, "admin");
  const real = new Date();
  const ago = (days: number) => new Date(real.getTime() - days * DAY);
  for (const [days, action] of [[500, "test.old"], [420, "test.window"]]) {
    await owner.execute(sql`insert into audit_events
      (actor_type, action, outcome, at)
      values ('system', ${action}, 'success', ${
      ago(Number(days)).toISOString()
    }::timestamptz)`);
  }
  for (const days of [500, 420]) {
    await owner.execute(sql`insert into api_request_log
      (store_id, at, api, operation, http_status, latency_ms)
      values (${store}::uuid, ${ago(days).toISOString()}::timestamptz, 'sp-api',
        ${`op${days}`}, 401, 10)`);
  }
  const res = await post(s, "/incidents/report", admin, {
    kind: "credential_exposure",
    what: "A token may have leaked in a ticket",
    when: ago(425).toISOString().slice(0, 10),
  });
  assert.equal(res.status, 200);
  const [{ id }] = await incidents(s);
  const held = await post(s, `/incidents/${id}/contain/preserve_logs`, admin, {
    confirm: "yes",
  });
  assert.match(held.headers.get("location") ?? "", /done=preserve_logs/);
  const holds = rowsOf<{ category: string }>(
    await owner.execute(sql`select category from legal_holds
      where released_at is null order by category`),
  ).map((h) => h.category);
  assert.deepEqual(holds, ["api_request_log", "audit_events"]);

  const kv = await Deno.openKv(":memory:");
  try {
    assert.equal((await purgeGlobal({ db: s.t.db, kv })).status, "done");
    assert.equal((await purgeStore({ db: s.t.db, kv }, store)).status, "done");
  } finally {
    kv.close();
  }
  const actions = rowsOf<{ action: string }>(
    await owner.execute(sql`select action from audit_events
      where action like 'test.%' order by id`),
  ).map((r) => r.action);
  // The event before the window went; the one inside it stayed.
  assert.deepEqual(actions, ["test.window"]);
  const ops = rowsOf<{ operation: string }>(
    await owner.execute(sql`select operation from api_request_log
      order by at`),
  ).map((r) => r.operation);
  assert.deepEqual(ops, ["op420"]);
});

Deno.test(`incidents (${testEngine}): a canary record's reveal opens a critical incident within that one request`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const store = await makeStore(s, "Canary Store");
  const ownerStaff = await makeStaff(s, "owner");
  const admin = await makeStaff(s, "admin");
  const support = await makeStaff(s, "support", { storeIds: [store] });
  // Only an owner plants one.
  const refused = await post(s, "/incidents/canaries", admin, { store });
  assert.match(refused.headers.get("location") ?? "", /owner_only/);
  const planted = await post(s, "/incidents/canaries", ownerStaff, { store });
  assert.match(planted.headers.get("location") ?? "", /done=canary/);
  const [canary] = rowsOf<{ order: string }>(
    await ownerOf(s.t.db).execute(sql`select amazon_order_id as order
      from canary_records`),
  );
  const list = await (await get(s, "/incidents/canaries", ownerStaff)).text();
  assert.match(list, new RegExp(canary.order));
  assert.equal((await incidents(s)).length, 0);

  const reveal = await post(
    s,
    `/orders/${store}/${canary.order}/reveal`,
    support,
    { reason: "Customer called about the parcel" },
  );
  assert.equal(reveal.status, 200);
  const [found] = await incidents(s);
  assert.equal(found.source, "canary");
  assert.equal(found.severity, "critical");
  assert.deepEqual(found.store_ids, [store]);
  // Not the support person's report: the system's finding.
  assert.equal(found.reported_by, null);
  // A second touch adds to the same open incident.
  await post(s, `/orders/${store}/${canary.order}/reveal`, support, {
    reason: "Customer called about the parcel again",
  });
  assert.equal((await incidents(s)).length, 1);
  const [events] = rowsOf<{ n: number }>(
    await ownerOf(s.t.db).execute(sql`select count(*)::int as n
      from incident_events where kind = 'detected'`),
  );
  assert.equal(events.n, 2);
  // A buyer-data export that carries the canary adds to it before the rows
  // leave; an export without buyer data does not.
  const plain = await get(s, "/orders.csv", ownerStaff);
  assert.equal(plain.status, 200);
  await plain.text();
  const withPii = await post(s, "/orders.csv", ownerStaff, {
    reason: "Checking the decoy order export",
  });
  assert.equal(withPii.status, 200);
  assert.match(await withPii.text(), new RegExp(canary.order));
  const [exported] = rowsOf<{ n: number }>(
    await ownerOf(s.t.db).execute(sql`select count(*)::int as n
      from incident_events where kind = 'detected'`),
  );
  assert.equal(exported.n, 3);
  assert.equal((await incidents(s)).length, 1);
});

Deno.test(`incidents (${testEngine}): a canary stays armed after the purge takes its decoy data`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const store = await makeStore(s, "Canary Store");
  const ownerStaff = await makeStaff(s, "owner");
  const support = await makeStaff(s, "support", { storeIds: [store] });
  await post(s, "/incidents/canaries", ownerStaff, { store });
  const [{ order }] = rowsOf<{ order: string }>(
    await ownerOf(s.t.db).execute(sql`select amazon_order_id as order
      from canary_records`),
  );
  const held = async () =>
    rowsOf<{ n: number }>(
      await ownerOf(s.t.db).execute(sql`select count(*)::int as n
        from buyer_pii where amazon_order_id = ${order}`),
    )[0].n;
  // Nothing to re-arm while the decoy is there.
  assert.equal(await rearmCanaries({ db: s.t.db, vault: s.vault }, [store]), 0);
  // 31 days on, the purge treats the decoy like any buyer data (§9).
  const later = new Date(Date.now() + 31 * DAY);
  await using kv = await Deno.openKv(":memory:");
  const purged = await purgeStore(
    { db: s.t.db, kv, now: () => later },
    store,
  );
  assert.equal(purged.status, "done");
  assert.equal(await held(), 0);
  // The detection job's re-arm seals fresh decoy data for the same order.
  assert.equal(
    await rearmCanaries({ db: s.t.db, vault: s.vault }, [store], later),
    1,
  );
  assert.equal(await held(), 1);
  assert.equal(
    await rearmCanaries({ db: s.t.db, vault: s.vault }, [store], later),
    0,
  );
  const reveal = await post(s, `/orders/${store}/${order}/reveal`, support, {
    reason: "Customer called about the parcel",
  });
  assert.equal(reveal.status, 200);
  const [found] = await incidents(s);
  assert.equal(found.source, "canary");
});

Deno.test(`incidents (${testEngine}): offboarding disables, ends sessions and revokes every grant in one step`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const a = await makeStore(s, "Off A");
  const b = await makeStore(s, "Off B");
  const admin = await makeStaff(s, "admin");
  const leaver = await makeStaff(s, "operations", { storeIds: [a, b] });
  const before = await (
    await get(s, `/incidents/offboarding?user=${leaver.id}`, admin)
  ).text();
  assert.match(before, /data-testid="offboarding"/);
  const unconfirmed = await post(
    s,
    `/incidents/offboarding/${leaver.id}`,
    admin,
    {},
  );
  assert.match(unconfirmed.headers.get("location") ?? "", /unconfirmed/);
  assert.equal((await get(s, "/products", leaver)).status, 200);
  const done = await post(s, `/incidents/offboarding/${leaver.id}`, admin, {
    confirm: "yes",
  });
  assert.match(done.headers.get("location") ?? "", /done=offboard/);
  assert.notEqual((await get(s, "/products", leaver)).status, 200);
  const [left] = rowsOf<{ status: string; grants: number }>(
    await ownerOf(s.t.db).execute(sql`select u.status,
      (select count(*)::int from store_grants g where g.user_id = u.id) as grants
      from staff_users u where u.id = ${leaver.id}::uuid`),
  );
  assert.deepEqual(left, { status: "disabled", grants: 0 });
  const after = await (
    await get(s, `/incidents/offboarding?user=${leaver.id}`, admin)
  ).text();
  assert.match(after, /Every step is done/);
});
