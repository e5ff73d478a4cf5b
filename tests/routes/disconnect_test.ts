// Disconnecting a store through the portal: choose, confirm, and the job
// queue carries it out while the store page shows the record.
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { stores } from "../../db/schema.ts";
import { startJobs } from "../../jobs/mod.ts";
import { disconnectHandler } from "../../jobs/disconnect.ts";
import { createLogger } from "../../lib/log.ts";

const ORIGIN = "http://127.0.0.1:8000";
const CHOICES = {
  catalog: "delete",
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
    kv: s.kv,
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
    assert.match(await bad.text(), /Choose an allowed action for: buyer_pii/);

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
    let status = "";
    for (let i = 0; i < 100 && status !== "disconnected"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      [{ status }] = await ownerOf(s.t.db).select({ status: stores.status })
        .from(stores)
        .where(eq(stores.id, id));
    }
    assert.equal(status, "disconnected");
    const page = await (await s.app.request(`${ORIGIN}/stores/${id}`, {
      headers: { cookie: admin.cookie },
    })).text();
    assert.match(page, /Disconnection records/);
    assert.match(page, /completed/);
    assert.doesNotMatch(page, /Disconnect this store/);
  } finally {
    jobs.stop();
    s.kv.close();
    await jobs.listening;
    await Deno.remove(archiveDir, { recursive: true });
  }
});
