// Issue #13: every time a signed-in person reads is in their own time zone
// (or the company's DEFAULT_TIME_ZONE), with the UTC instant on hover; date
// fields take YYYY-MM-DD whatever the browser's locale, and a date that is
// not one is refused beside its field with nothing changed.
import assert from "node:assert/strict";
import { eq, sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { retentionRules, staffUsers, stores } from "../../db/schema.ts";
import { appendApiRequestLog } from "../../lib/ingest/ops.ts";
import { loadConfig } from "../../lib/config.ts";
import { wallClockInZone } from "../../lib/validation.ts";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";

const ORIGIN = "http://127.0.0.1:8000";
/** A known instant: 17:30:05 in Shanghai (UTC+8, no daylight saving). */
const AT = new Date("2026-03-12T09:30:05.123Z");
const SHOWN =
  /<time datetime="2026-03-12T09:30:05\.123Z" title="2026-03-12 09:30:05 UTC">2026-03-12 17:30(:05(\.123)?)? UTC\+8<\/time>/;

async function get(s: TestApp, cookie: string, path: string) {
  const res = await s.app.request(`${ORIGIN}${path}`, { headers: { cookie } });
  assert.equal(res.status, 200, path);
  return await res.text();
}

function post(
  s: TestApp,
  cookie: string,
  path: string,
  body: Record<string, string>,
) {
  return s.app.request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: {
      cookie,
      origin: ORIGIN,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(body).toString(),
  });
}

/** A store added, a call logged and a rule changed at the known instant. */
async function knownInstants(s: TestApp): Promise<string> {
  const store = await makeStore(s, "Zone store");
  const owner = ownerOf(s.t.db);
  await owner.update(stores).set({ createdAt: AT }).where(eq(stores.id, store));
  await owner.update(retentionRules).set({ updatedAt: AT }).where(
    eq(retentionRules.category, "orders"),
  );
  await s.t.db.asJob(store, (tx) =>
    appendApiRequestLog(tx, [{
      storeId: store,
      at: AT,
      api: "sp-api",
      operation: "getOrders",
      httpStatus: 200,
      latencyMs: 120,
      attempts: 1,
      requestId: "zone-call",
      rateLimit: null,
      errorCode: null,
    }]));
  return store;
}

Deno.test(`time zones (${testEngine}): Asia/Shanghai sees the API log, retention and store pages in UTC+8 with UTC on hover`, async () => {
  await using s = await openTestApp();
  const store = await knownInstants(s);
  const me = await makeStaff(s, "owner");
  await ownerOf(s.t.db).update(staffUsers).set({ timeZone: "Asia/Shanghai" })
    .where(eq(staffUsers.id, me.id));

  for (
    const path of [
      `/stores/${store}/api-log`,
      "/retention",
      `/stores/${store}`,
    ]
  ) {
    const html = await get(s, me.cookie, path);
    assert.match(html, SHOWN, path);
    assert.doesNotMatch(html, /2026-03-12 09:30 UTC</, path);
  }
  // The API log keeps the milliseconds that order its rows.
  assert.match(
    await get(s, me.cookie, `/stores/${store}/api-log`),
    />2026-03-12 17:30:05\.123 UTC\+8</,
  );

  // Someone who chose no zone reads UTC.
  const other = await makeStaff(s, "owner");
  assert.match(
    await get(s, other.cookie, `/stores/${store}`),
    />2026-03-12 09:30 UTC<\/time>/,
  );
});

Deno.test(`time zones (${testEngine}): DEFAULT_TIME_ZONE applies to a person who chose none, not over their own choice`, async () => {
  await using s = await openTestApp({ DEFAULT_TIME_ZONE: "Asia/Shanghai" });
  const store = await knownInstants(s);
  const none = await makeStaff(s, "owner");
  assert.match(await get(s, none.cookie, `/stores/${store}`), SHOWN);
  const account = await get(s, none.cookie, "/account");
  assert.match(account, /Asia\/Shanghai/);

  const berlin = await makeStaff(s, "owner");
  await ownerOf(s.t.db).update(staffUsers).set({ timeZone: "Europe/Berlin" })
    .where(eq(staffUsers.id, berlin.id));
  assert.match(
    await get(s, berlin.cookie, `/stores/${store}`),
    />2026-03-12 10:30 UTC\+1<\/time>/,
  );
  // One who chose UTC explicitly keeps UTC.
  const utc = await makeStaff(s, "owner");
  await ownerOf(s.t.db).update(staffUsers).set({ timeZone: "UTC" })
    .where(eq(staffUsers.id, utc.id));
  assert.match(
    await get(s, utc.cookie, `/stores/${store}`),
    />2026-03-12 09:30 UTC<\/time>/,
  );
});

Deno.test("DEFAULT_TIME_ZONE: an IANA name, UTC by default; anything else is refused", () => {
  assert.equal(loadConfig({}).DEFAULT_TIME_ZONE, "UTC");
  assert.equal(
    loadConfig({ DEFAULT_TIME_ZONE: "America/New_York" }).DEFAULT_TIME_ZONE,
    "America/New_York",
  );
  for (const bad of ["Mars/Olympus_Mons", "UTC+8", "Asia/Shanghai; DROP"]) {
    assert.throws(
      () => loadConfig({ DEFAULT_TIME_ZONE: bad }),
      /DEFAULT_TIME_ZONE/,
      bad,
    );
  }
});

Deno.test("wallClockInZone: a wall-clock time in a zone is one instant, across daylight saving", () => {
  assert.equal(
    wallClockInZone("2026-03-12T17:30", "Asia/Shanghai")?.toISOString(),
    "2026-03-12T09:30:00.000Z",
  );
  assert.equal(
    wallClockInZone("2026-07-01T12:00:30", "Europe/Berlin")?.toISOString(),
    "2026-07-01T10:00:30.000Z",
  );
  assert.equal(
    wallClockInZone("2026-01-01T12:00", "Europe/Berlin")?.toISOString(),
    "2026-01-01T11:00:00.000Z",
  );
  assert.equal(wallClockInZone("2026-02-31T10:00", "UTC"), null);
  assert.equal(wallClockInZone("03/12/2026 10:00", "UTC"), null);
  assert.equal(wallClockInZone("2026-03-12T10:00", "Mars/Olympus_Mons"), null);
});

Deno.test(`date fields (${testEngine}): 2026-02-31 and 03/12/2026 are refused beside their field and change nothing; 2026-03-12 works`, async () => {
  await using s = await openTestApp();
  const store = await makeStore(s, "Dates store");
  const owner = await makeStaff(s, "owner");
  const holds = async () =>
    rowsOf<{ n: number }>(
      await ownerOf(s.t.db).execute(
        sql`select count(*)::int as n from legal_holds`,
      ),
    )[0].n;
  const requests = async () =>
    rowsOf<{ n: number }>(
      await ownerOf(s.t.db).execute(
        sql`select count(*)::int as n from deletion_requests`,
      ),
    )[0].n;
  const hold = (reviewOn: string, fromAt = "") => ({
    storeId: store,
    category: "orders",
    fromAt,
    toAt: "",
    recordIds: "",
    reason: "Litigation hold",
    owner: "Legal",
    reviewOn,
  });

  // Legal holds.
  for (const bad of ["2026-02-31", "03/12/2026"]) {
    const res = await post(s, owner.cookie, "/retention/holds", hold(bad));
    assert.equal(res.status, 400, bad);
    const html = await res.text();
    assert.match(
      html,
      /id="hold-reviewOn-error" class="error">Enter a real date written YYYY-MM-DD/,
      bad,
    );
    assert.match(html, /name="reviewOn"[^>]*aria-invalid="true"/, bad);
    // What else was typed is kept.
    assert.match(html, /value="Litigation hold"/);
    assert.equal(await holds(), 0);
  }
  const refusedFrom = await post(
    s,
    owner.cookie,
    "/retention/holds",
    hold("2026-03-12", "2026-02-31"),
  );
  assert.equal(refusedFrom.status, 400);
  assert.match(await refusedFrom.text(), /id="hold-fromAt-error"/);
  assert.equal(await holds(), 0);
  const placed = await post(
    s,
    owner.cookie,
    "/retention/holds",
    hold("2026-03-12"),
  );
  assert.equal(placed.status, 303);
  assert.equal(await holds(), 1);
  assert.match(await get(s, owner.cookie, "/retention"), />2026-03-12</);

  // Amazon's deletion requests (the review step records nothing either way).
  const request = (fromAt: string) => ({
    amazonReference: "AMZ-DEL-1",
    receivedAt: "2026-03-12T17:30",
    storeIds: store,
    categories: "orders",
    fromAt,
    toAt: "",
    orderIds: "",
  });
  for (const bad of ["2026-02-31", "03/12/2026"]) {
    const res = await post(
      s,
      owner.cookie,
      "/retention/deletion-requests",
      { ...request(bad), confirm: "yes" },
    );
    assert.equal(res.status, 400, bad);
    assert.match(
      await res.text(),
      /id="fromAt-error" class="error">Enter a real date written YYYY-MM-DD/,
    );
    assert.equal(await requests(), 0);
  }
  const review = await post(
    s,
    owner.cookie,
    "/retention/deletion-requests",
    request("2026-03-12"),
  );
  assert.equal(review.status, 200);
  assert.equal(await requests(), 0);

  // The audit and orders filters: the same message beside the field.
  for (const bad of ["2026-02-31", "03%2F12%2F2026"]) {
    const audit = await s.app.request(`${ORIGIN}/audit?from=${bad}`, {
      headers: { cookie: owner.cookie },
    });
    assert.equal(audit.status, 400);
    assert.match(
      await audit.text(),
      /id="from-error" class="error">Enter a real date/,
    );
    const orders = await s.app.request(`${ORIGIN}/orders?to=${bad}`, {
      headers: { cookie: owner.cookie },
    });
    assert.equal(orders.status, 400);
    assert.match(
      await orders.text(),
      /id="to-error" class="error">Enter a real date/,
    );
  }
  assert.equal(
    (await s.app.request(`${ORIGIN}/audit?from=2026-03-12`, {
      headers: { cookie: owner.cookie },
    })).status,
    200,
  );
  assert.equal(
    (await s.app.request(`${ORIGIN}/orders?to=2026-03-12`, {
      headers: { cookie: owner.cookie },
    })).status,
    200,
  );
});
