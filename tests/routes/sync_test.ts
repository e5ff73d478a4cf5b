// The sync pages: per-dataset status and history, run now and retry (queued,
// audited, one at a time), a store that is not connected is not synced,
// another store's runs are a 404, and admins edit job schedules with
// validation. Both languages render.
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import {
  auditEvents,
  jobSchedules,
  stores,
  syncRuns,
} from "../../db/schema.ts";
import { openTestApp } from "../_helpers/app.ts";
import { appendApiRequestLog } from "../../lib/ingest/ops.ts";
import { makeStaff, makeStore } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";

const ORIGIN = "http://localhost:8000";
const form = (cookie: string, body: Record<string, string> = {}) => ({
  method: "POST",
  headers: {
    cookie,
    origin: ORIGIN,
    "content-type": "application/x-www-form-urlencoded",
  },
  body: new URLSearchParams(body).toString(),
});

Deno.test(`sync pages (${testEngine}): run now, busy, retry, isolation, not connected`, async () => {
  await using s = await openTestApp();
  const a = await makeStore(s, "Store A");
  const b = await makeStore(s, "Store B");
  await ownerOf(s.t.db).update(stores).set({ status: "connected" }).where(
    eq(stores.id, a),
  );
  const ops = await makeStaff(s, "operations", { storeIds: [a] });
  const viewer = await makeStaff(s, "viewer", { storeIds: [a] });
  const admin = await makeStaff(s, "admin");
  const get = (path: string, cookie: string, lang = "en") =>
    s.app.request(`${ORIGIN}${path}`, {
      headers: { cookie, "accept-language": lang },
    });

  let res = await get(`/stores/${a}/sync`, ops.cookie);
  assert.equal(res.status, 200);
  let html = await res.text();
  assert.match(html, /No sync has run yet/);
  assert.doesNotMatch(html, /Run now/, "operations may only read runs");
  html = await (await get(`/stores/${a}/sync`, admin.cookie)).text();
  assert.match(html, /Run now/);

  // Run now: a queued run, an audit row, one queue message.
  res = await s.app.request(
    `${ORIGIN}/stores/${a}/sync/inventory/run`,
    form(admin.cookie),
  );
  assert.equal(res.status, 303);
  const [queued] = await ownerOf(s.t.db).select().from(syncRuns).where(
    eq(syncRuns.storeId, a),
  );
  assert.equal(queued.status, "queued");
  assert.equal(queued.trigger, "manual");
  assert.deepEqual(s.messages.at(-1), {
    type: "sync.run",
    storeId: a,
    dataset: "inventory",
    trigger: "manual",
    runId: queued.id,
  });
  const audits = await ownerOf(s.t.db).select().from(auditEvents).where(
    and(eq(auditEvents.action, "sync.run"), eq(auditEvents.storeId, a)),
  );
  assert.equal(audits.length, 1);

  // A second request while one is queued is refused and changes nothing.
  res = await s.app.request(
    `${ORIGIN}/stores/${a}/sync/inventory/run`,
    form(admin.cookie),
  );
  assert.equal(res.status, 409);
  assert.match(await res.text(), /already queued or running/);
  assert.equal(
    (await ownerOf(s.t.db).select().from(syncRuns)).length,
    1,
  );

  // The status fragment polls while a run is active.
  html = await (await get(`/stores/${a}/sync/status`, ops.cookie)).text();
  assert.match(html, /hx-trigger="every 2s"/);

  // Retry: only a failed run.
  res = await s.app.request(
    `${ORIGIN}/stores/${a}/sync/runs/${queued.id}/retry`,
    form(admin.cookie),
  );
  assert.equal(res.status, 409);
  await ownerOf(s.t.db).update(syncRuns).set({
    status: "failed",
    error: "SP-API getInventorySummaries answered 500",
    finishedAt: new Date(),
  }).where(eq(syncRuns.id, queued.id));
  html = await (await get(`/stores/${a}/sync`, admin.cookie)).text();
  assert.match(html, /answered 500/);
  assert.match(html, /Retry/);
  res = await s.app.request(
    `${ORIGIN}/stores/${a}/sync/runs/${queued.id}/retry`,
    form(admin.cookie),
  );
  assert.equal(res.status, 303);
  assert.equal(s.messages.at(-1)?.trigger, "retry");

  // The run page; unknown dataset; a viewer may not run.
  res = await get(`/stores/${a}/sync/runs/${queued.id}`, ops.cookie);
  assert.equal(res.status, 200);
  res = await s.app.request(
    `${ORIGIN}/stores/${a}/sync/nonsense/run`,
    form(admin.cookie),
  );
  assert.equal(res.status, 400);
  res = await s.app.request(
    `${ORIGIN}/stores/${a}/sync/inventory/run`,
    form(viewer.cookie),
  );
  assert.equal(res.status, 403);

  // Store B is not granted: 404 for its page and for A's run id under B.
  assert.equal((await get(`/stores/${b}/sync`, ops.cookie)).status, 404);
  assert.equal(
    (await get(`/stores/${b}/sync/runs/${queued.id}`, ops.cookie)).status,
    404,
  );

  // A store that is not connected is not synced.
  const before = s.messages.length;
  res = await s.app.request(
    `${ORIGIN}/stores/${b}/sync/inventory/run`,
    form(admin.cookie),
  );
  assert.equal(res.status, 409);
  assert.equal(s.messages.length, before);

  // Chinese.
  html = await (await get(`/stores/${a}/sync`, ops.cookie, "zh-CN")).text();
  assert.match(html, /运行历史/);
});

Deno.test(`jobs page (${testEngine}): admins change, pause and reset schedules; bad cron refused`, async () => {
  await using s = await openTestApp();
  const admin = await makeStaff(s, "admin");
  const ops = await makeStaff(s, "operations");
  let res = await s.app.request(`${ORIGIN}/admin/jobs`, {
    headers: { cookie: admin.cookie },
  });
  assert.equal(res.status, 200);
  assert.match(await res.text(), /sync\.inventory/);

  // A bad schedule: back to the jobs page (its address), the value as
  // typed in its field and the problem beside it; nothing saved.
  res = await s.app.request(
    `${ORIGIN}/admin/jobs/sync.inventory`,
    form(admin.cookie, { schedule: "99 * * * *", enabled: "on" }),
  );
  assert.equal(res.status, 303);
  const back = res.headers.get("location")!;
  assert.match(back, /^\/admin\/jobs\?/);
  assert.equal((await ownerOf(s.t.db).select().from(jobSchedules)).length, 0);
  res = await s.app.request(`${ORIGIN}${back}`, {
    headers: { cookie: admin.cookie },
  });
  assert.equal(res.status, 200);
  let html = await res.text();
  const jobRow = html.match(/<tr id="job-inventory".*?<\/tr>/s)![0];
  assert.match(jobRow, /name="schedule" value="99 \* \* \* \*"/);
  assert.match(
    jobRow,
    /aria-invalid="true" aria-describedby="job-inventory-error"/,
  );
  assert.match(
    jobRow,
    /id="job-inventory-error"[^>]*>Not saved: This is not a valid cron expression\./,
  );
  assert.doesNotMatch(
    html.replace(jobRow, ""),
    /aria-invalid/,
    "only that job's field",
  );
  res = await s.app.request(
    `${ORIGIN}/admin/jobs/sync.sales_traffic`,
    form(admin.cookie, { schedule: "*/5 * * * *" }),
  );
  res = await s.app.request(`${ORIGIN}${res.headers.get("location")}`, {
    headers: { cookie: admin.cookie, "accept-language": "zh-CN" },
  });
  assert.match(
    await res.text(),
    /此计划每 5 分钟运行一次；销售和流量两次运行之间至少需要 60 分钟。/,
  );

  // Schedules in words; the cron expression only for those who edit it.
  html = await (await s.app.request(`${ORIGIN}/admin/jobs`, {
    headers: { cookie: admin.cookie },
  })).text();
  assert.match(
    html,
    /title="Cron expression \(UTC\): \*\/15 \* \* \* \*">Every 15 minutes</,
  );
  assert.match(html, />Every Monday at 07:30 UTC</);
  html = await (await s.app.request(`${ORIGIN}/admin/jobs`, {
    headers: { cookie: ops.cookie },
  })).text();
  assert.match(html, />Every 15 minutes</);
  assert.doesNotMatch(html, /\*\/15 \* \* \* \*/, "no cron for non-admins");
  assert.doesNotMatch(html, /name="schedule"/);

  res = await s.app.request(
    `${ORIGIN}/admin/jobs/sync.inventory`,
    form(admin.cookie, { schedule: "*/30 * * * *" }),
  );
  assert.equal(res.status, 303);
  const [row] = await ownerOf(s.t.db).select().from(jobSchedules);
  assert.deepEqual([row.name, row.schedule, row.enabled], [
    "sync.inventory",
    "*/30 * * * *",
    false,
  ]);
  res = await s.app.request(
    `${ORIGIN}/admin/jobs/sync.inventory`,
    form(ops.cookie, { schedule: "0 * * * *", enabled: "on" }),
  );
  assert.equal(res.status, 403);
  res = await s.app.request(
    `${ORIGIN}/admin/jobs/sync.inventory`,
    form(admin.cookie, { reset: "1" }),
  );
  assert.equal(res.status, 303);
  assert.equal((await ownerOf(s.t.db).select().from(jobSchedules)).length, 0);
  res = await s.app.request(
    `${ORIGIN}/admin/jobs/sync.nothing`,
    form(admin.cookie, { schedule: "0 * * * *" }),
  );
  assert.equal(res.status, 404);
});

Deno.test(`api log page (${testEngine}): filters, pages, other stores 404, nothing secret`, async () => {
  await using s = await openTestApp();
  const a = await makeStore(s, "Store A");
  const b = await makeStore(s, "Store B");
  const ops = await makeStaff(s, "operations", { storeIds: [a] });
  const statuses = [200, 429, 500, null];
  await s.t.db.asJob(a, (tx) =>
    appendApiRequestLog(
      tx,
      Array.from({ length: 60 }, (_, i) => ({
        storeId: a,
        at: new Date(Date.UTC(2026, 10, 1, 0, i)),
        api: "sp-api" as const,
        operation: i % 2 ? "searchOrders" : "getInventorySummaries",
        httpStatus: statuses[i % 4],
        latencyMs: 100 + i,
        attempts: 1,
        requestId: `req-${i}`,
        rateLimit: "0.0056",
        errorCode: statuses[i % 4] === 200 ? null : "QuotaExceeded",
      })),
    ));
  const get = async (q = "", store = a) => {
    const res = await s.app.request(`${ORIGIN}/stores/${store}/api-log${q}`, {
      headers: { cookie: ops.cookie },
    });
    return { status: res.status, html: await res.text() };
  };
  let r = await get();
  assert.equal(r.status, 200);
  assert.equal(r.html.match(/req-\d+/g)?.length, 50, "a page holds 50");
  assert.match(r.html, /req-59/); // newest first
  const next = r.html.match(/href="([^"]*before=[^"]+)" rel="next">Older calls/)
    ?.[1];
  assert.ok(next);
  r = await get(
    next!.replace(`/stores/${a}/api-log`, "").replaceAll("&amp;", "&"),
  );
  assert.equal(r.html.match(/req-\d+/g)?.length, 10);
  assert.doesNotMatch(r.html, /Older calls/, "the last page");

  r = await get("?outcome=throttled");
  const ids = [...r.html.matchAll(/req-(\d+)/g)].map((m) => Number(m[1]));
  assert.equal(ids.length, 15);
  assert.ok(ids.every((i) => i % 4 === 1), "only the 429s");
  r = await get("?operation=searchOrders&outcome=failed");
  assert.ok(
    [...r.html.matchAll(/req-(\d+)/g)].every((m) => Number(m[1]) % 4 === 3),
  );
  // Nonsense filters are ignored, not errors.
  assert.equal((await get("?api=ftp&outcome=<x>&before=-3")).status, 200);
  assert.equal((await get("?before=2026-99-01T00:00:00Z_3")).status, 200);
  assert.equal((await get("", b)).status, 404);
});

Deno.test(`api log page (${testEngine}): strictly by time, then id, across pages, though ids do not follow time`, async () => {
  await using s = await openTestApp();
  const a = await makeStore(s, "Store A");
  const ops = await makeStaff(s, "operations", { storeIds: [a] });
  // Logged after each call ends: a long call started first gets a later id.
  // 120 calls at 40 distinct times, inserted in a shuffled order.
  const calls = Array.from({ length: 120 }, (_, i) => ({
    storeId: a,
    at: new Date(Date.UTC(2026, 10, 1, 0, 0, Math.floor(i / 3))),
    api: "sp-api" as const,
    operation: "searchOrders",
    httpStatus: 200,
    latencyMs: 100,
    attempts: 1,
    requestId: `call-${String(i).padStart(3, "0")}`,
    rateLimit: null,
    errorCode: null,
  }));
  const shuffled = calls.map((c, i) => ({ c, k: (i * 37) % 120 }))
    .sort((x, y) => x.k - y.k).map((x) => x.c);
  await s.t.db.asJob(a, (tx) => appendApiRequestLog(tx, shuffled));

  const seen: { at: string; id: string }[] = [];
  let href: string | null = `/stores/${a}/api-log`;
  for (let pages = 0; href && pages < 10; pages++) {
    const html: string = await (await s.app.request(`${ORIGIN}${href}`, {
      headers: { cookie: ops.cookie },
    })).text();
    for (
      const m of html.matchAll(
        /<time datetime="([^"]+)"[^>]*>.*?<code>(call-\d+)<\/code>/gs,
      )
    ) seen.push({ at: m[1], id: m[2] });
    href = html.match(/href="([^"]+)" rel="next"/)?.[1]?.replaceAll(
      "&amp;",
      "&",
    ) ?? null;
  }
  assert.equal(seen.length, 120, "every call once, over three pages");
  assert.equal(new Set(seen.map((x) => x.id)).size, 120);
  for (let i = 1; i < seen.length; i++) {
    assert.ok(seen[i - 1].at >= seen[i].at, `newest first at ${i}`);
  }
});
