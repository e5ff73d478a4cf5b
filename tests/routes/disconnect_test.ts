// Disconnecting a store through the portal: choose, confirm, and the job
// queue carries it out while the store page shows the record.
import assert from "node:assert/strict";
import { eq, sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { stores } from "../../db/schema.ts";
import { startJobs } from "../../jobs/mod.ts";
import { disconnectHandler } from "../../jobs/disconnect.ts";
import { createLogger } from "../../lib/log.ts";

const ORIGIN = "http://127.0.0.1:8000";
const CHOICES = {
  catalog: "archive",
  inventory: "delete",
  orders: "delete",
  buyer_pii: "delete",
  sales_traffic: "keep",
  advertising: "delete",
  finance: "keep",
  brand_analytics: "delete",
  sync: "delete",
  api_logs: "keep",
};

Deno.test(`disconnect page (${testEngine}): choose, confirm, and the queued job completes the record`, async () => {
  await using s = await openTestApp();
  const archiveDir = await Deno.makeTempDir();
  const jobs = startJobs({
    queue: s.queue,
    log: createLogger({ sink: () => {} }),
    handlers: [
      disconnectHandler({ db: s.t.db, kv: s.kv, vault: s.vault, archiveDir }),
    ],
  });
  try {
    const id = await makeStore(s, "Closing store");
    const admin = await makeStaff(s, "admin");
    const form = await s.app.request(`${ORIGIN}/stores/${id}/disconnect`, {
      headers: { cookie: admin.cookie },
    });
    assert.equal(form.status, 200);
    assert.match(await form.text(), /name="buyer_pii" value="keep"/);
    const post = (extra: Record<string, string>) =>
      s.app.request(`${ORIGIN}/stores/${id}/disconnect`, {
        method: "POST",
        headers: {
          cookie: admin.cookie,
          origin: ORIGIN,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({
          ...CHOICES,
          reason: "Account closed",
          ...extra,
        }).toString(),
      });
    const bad = await post({ buyer_pii: "archive" });
    assert.equal(bad.status, 400);
    assert.match(
      await bad.text(),
      /Choose an allowed action for: Buyer personal data/,
    );

    const review = await post({});
    assert.equal(review.status, 200);
    assert.match(await review.text(), /Confirm the disconnection/);
    const [still] = await ownerOf(s.t.db).select().from(stores).where(
      eq(stores.id, id),
    );
    assert.equal(
      still.status,
      "registered",
      "nothing changes before confirmation",
    );

    const confirmed = await post({ confirm: "yes" });
    assert.equal(confirmed.status, 303);
    // The queued job has run once the queue is drained.
    await jobs.drained();
    const [{ status }] = await ownerOf(s.t.db).select({
      status: stores.status,
    }).from(stores).where(eq(stores.id, id));
    assert.equal(status, "disconnected");
    const page = await (await s.app.request(`${ORIGIN}/stores/${id}`, {
      headers: { cookie: admin.cookie },
    })).text();
    assert.match(page, /Disconnection records/);
    assert.match(page, /completed/);
    assert.doesNotMatch(page, /Disconnect this store/);
    // Archives are named, never located (issue #11).
    assert.match(page, /catalog\.jwe-lines/);
    assert.ok(!page.includes(archiveDir), "no server path on the page");
    const completion = rowsOf<{ details: unknown }>(
      await ownerOf(s.t.db).execute(
        sql`select details from audit_events where action = 'store.disconnect.complete'`,
      ),
    );
    assert.equal(completion.length, 1);
    assert.ok(
      !JSON.stringify(completion).includes(archiveDir),
      "nor in the trail",
    );

    // The archive: only the owner, with a reason, and audited.
    const recordId = /\/disconnections\/([0-9a-f-]{36})\/archive/.exec(page);
    assert.equal(recordId, null, "admins are not offered the archive");
    const owner = await makeStaff(s, "owner");
    const ownerPage = await (await s.app.request(`${ORIGIN}/stores/${id}`, {
      headers: { cookie: owner.cookie },
    })).text();
    const did =
      /\/disconnections\/([0-9a-f-]{36})\/archive/.exec(ownerPage)![1];
    const download = (who: string, reason: string, confirm = true) =>
      s.app.request(`${ORIGIN}/stores/${id}/disconnections/${did}/archive`, {
        method: "POST",
        headers: {
          cookie: who,
          origin: ORIGIN,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({
          category: "catalog",
          reason,
          ...(confirm ? { confirm: "yes" } : {}),
        }).toString(),
      });
    const denied = await download(admin.cookie, "Curious about it");
    assert.equal(denied.status, 403);
    await denied.body?.cancel();
    const noReason = await download(owner.cookie, "");
    assert.equal(noReason.status, 400);
    await noReason.body?.cancel();
    const unconfirmed = await download(owner.cookie, "Tax audit 2026", false);
    assert.equal(unconfirmed.status, 400, "a download must be confirmed");
    await unconfirmed.body?.cancel();
    const file = await download(owner.cookie, "Tax audit request 2026-11");
    assert.equal(file.status, 200);
    assert.match(file.headers.get("content-type")!, /ndjson/);
    await file.text();
    const audited = rowsOf<{ details: { reason: string } }>(
      await ownerOf(s.t.db).execute(
        sql`select details from audit_events where action = 'archive.download'`,
      ),
    );
    assert.deepEqual(audited.map((a) => a.details.reason), [
      "Tax audit request 2026-11",
    ]);
  } finally {
    jobs.stop();
    s.kv.close();
    await jobs.listening;
    await Deno.remove(archiveDir, { recursive: true });
  }
});
