// Issue #14, archives: every disconnection archive has a manifest (counts,
// dates, encryption; never content); /archives lists them; a download needs
// archives.download, a reason and a confirmation, and is audited; the
// purge hook deletes expired archives (not held ones) and takes buyer
// personal data out of any archive past its 30 days.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { stores } from "../../db/schema.ts";
import { registerStore } from "../../db/maintenance.ts";
import { purgeCron, purgeHandler } from "../../jobs/purge.ts";
import { PURGE_MESSAGE } from "../../lib/policy/purge.ts";
import {
  ARCHIVE_PURPOSE,
  type ArchiveManifest,
  downloadArchive,
  listArchives,
  purgeExpiredArchives,
  readArchive,
  writeArchive,
} from "../../lib/policy/archives.ts";
import {
  type DisconnectionChoices,
  runDisconnection,
  startDisconnection,
} from "../../lib/policy/disconnection.ts";
import { createHold, releaseHold } from "../../lib/policy/retention.ts";
import { seedDatabase } from "../../bench/seed.ts";
import { createVault, generateVaultKey } from "../../lib/security/vault.ts";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff } from "../_helpers/staff.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

const ADMIN = "00000000-0000-4000-8000-0000000000a1";
const DAY = 86_400_000;
const CHOICES: DisconnectionChoices = {
  catalog: "archive",
  inventory: "delete",
  orders: "archive",
  buyer_pii: "delete",
  sales_traffic: "keep",
  advertising: "delete",
  finance: "keep",
  brand_analytics: "delete",
  sync: "delete",
  api_logs: "keep",
};

async function disconnected() {
  const t = await openTestDatabase();
  const vault = createVault([{ kid: "k1", key: generateVaultKey() }]);
  const kv = await Deno.openKv(":memory:");
  const archiveDir = await Deno.makeTempDir({ prefix: "custodian-archive-" });
  const seeded = await seedDatabase(t.db, vault, {
    seed: "archives",
    stores: 2,
    orders: 80,
    days: 30,
    anchor: new Date("2026-11-01T00:00:00Z"),
  });
  const [store, other] = seeded.stores.map((s) => s.id);
  await ownerOf(t.db).update(stores).set({ status: "connected" });
  const admin = { userId: ADMIN, storeIds: [store, other] };
  const record = await startDisconnection(t.db, admin, store, {
    choices: CHOICES,
    reason: "Store closed",
  });
  const started = new Date();
  await runDisconnection({ db: t.db, kv, vault, archiveDir }, store, record.id);
  return {
    t,
    vault,
    kv,
    archiveDir,
    store,
    other,
    admin,
    started,
    disconnectionId: record.id,
    deps: { db: t.db, vault, archiveDir },
    async [Symbol.asyncDispose]() {
      kv.close();
      await Deno.remove(archiveDir, { recursive: true });
      await t[Symbol.asyncDispose]();
    },
  };
}

Deno.test(`archives (${testEngine}): a manifest for each, listed; the purge hook deletes the expired ones, not the held ones`, async () => {
  await using s = await disconnected();
  const dir = `${s.archiveDir}/${s.store}/${s.disconnectionId}`;
  const manifest = JSON.parse(
    await Deno.readTextFile(`${dir}/orders.manifest.json`),
  ) as ArchiveManifest;
  assert.equal(manifest.category, "orders");
  assert.deepEqual(Object.keys(manifest.tables).sort(), [
    "order_items",
    "orders",
    "returns",
  ]);
  let archived = 0;
  for await (const b of readArchive(s.vault, `${dir}/orders.jwe-lines`)) {
    archived += b.rows.length;
  }
  assert.ok(archived > 0);
  assert.equal(manifest.rows, archived);
  assert.equal(manifest.personalData, false);
  assert.equal(manifest.retentionDays, 90);
  assert.equal(
    new Date(manifest.expiresAt).getTime() -
      new Date(manifest.createdAt).getTime(),
    90 * DAY,
  );
  assert.match(manifest.encryption, /A256GCM/);
  assert.match(manifest.sha256, /^[0-9a-f]{64}$/);
  // Never content: no order id of the archive appears in the manifest.
  const text = JSON.stringify(manifest);
  const [anOrder] = rowsOf<{ id: string }>(
    await ownerOf(s.t.db).execute(
      sql`select amazon_order_id as id from orders where store_id = ${s.other} limit 1`,
    ),
  );
  assert.ok(!text.includes(anOrder.id.slice(0, 8)));
  // No buyer personal data is ever archived.
  assert.ok(
    Object.keys(manifest.tables).every((t) => t !== "buyer_pii"),
  );
  await assert.rejects(
    writeArchive(s.deps, s.store, s.disconnectionId, "buyer_pii", [
      "buyer_pii",
    ]),
    /never archived/,
  );

  const listed = await listArchives(s.deps, s.admin);
  assert.deepEqual(listed.map((a) => a.category).sort(), ["catalog", "orders"]);
  assert.ok(listed.every((a) => a.storeName.length > 0));
  // Someone without the store sees none.
  assert.deepEqual(
    await listArchives(s.deps, { userId: ADMIN, storeIds: [s.other] }),
    [],
  );

  // Not yet expired: nothing goes.
  const early = await purgeExpiredArchives(s.deps, new Date());
  assert.deepEqual(early.deleted, []);
  // A legal hold on the store's archives keeps them past their expiry.
  const holdId = await createHold(s.t.db, s.admin, {
    storeId: s.store,
    category: "archives",
    fromAt: "",
    toAt: "",
    recordIds: "",
    reason: "litigation",
    owner: "Legal",
    reviewOn: "2027-06-01",
  });
  const late = new Date(s.started.getTime() + 91 * DAY);
  const heldRun = await purgeExpiredArchives(s.deps, late);
  assert.equal(heldRun.held, 2);
  assert.deepEqual(heldRun.deleted, []);
  assert.ok(await Deno.stat(`${dir}/orders.jwe-lines`));
  await releaseHold(s.t.db, s.admin, holdId, "case closed");
  const run = await purgeExpiredArchives(s.deps, late);
  assert.deepEqual(
    run.deleted.map((d) => d.category).sort(),
    ["catalog", "orders"],
  );
  await assert.rejects(Deno.stat(dir), Deno.errors.NotFound);
  assert.deepEqual(await listArchives(s.deps, s.admin), []);
  const audited = rowsOf<{ target: string; details: { rows: number } }>(
    await ownerOf(s.t.db).execute(
      sql`select target, details from audit_events where action = 'archive.expire' order by id`,
    ),
  );
  assert.equal(audited.length, 2);
  const records = rowsOf<{ n: number }>(
    await ownerOf(s.t.db).execute(
      sql`select count(*)::int as n from purge_records where category = 'archives' and store_id = ${s.store}`,
    ),
  );
  assert.equal(records[0].n, 2);
});

Deno.test(`archives (${testEngine}): an archive holding buyer personal data loses it after 30 days; one without a manifest gets one`, async () => {
  await using s = await disconnected();
  // A hand-made archive with a batch of buyer data, as an older version or
  // an operator might have left it, and no manifest.
  const dir = `${s.archiveDir}/${s.store}/${crypto.randomUUID()}`;
  await Deno.mkdir(dir, { recursive: true });
  const lines = [
    await s.vault.seal(
      JSON.stringify({ table: "orders", rows: [{ id: 1 }, { id: 2 }] }),
      ARCHIVE_PURPOSE,
    ),
    await s.vault.seal(
      JSON.stringify({
        table: "buyer_pii",
        rows: [{ name: "Jane Buyer" }, { name: "John Buyer" }, { n: 3 }],
      }),
      ARCHIVE_PURPOSE,
    ),
  ];
  await Deno.writeTextFile(`${dir}/legacy.jwe-lines`, lines.join("\n") + "\n");
  const made = new Date(s.started.getTime() - 10 * DAY);
  await Deno.utime(`${dir}/legacy.jwe-lines`, made, made);

  // Day 20 since it was made: a manifest is written; the data stays.
  const first = await purgeExpiredArchives(
    s.deps,
    new Date(made.getTime() + 20 * DAY),
  );
  assert.equal(first.manifested, 1);
  assert.deepEqual(first.personalDataRemoved, []);
  const m1 = JSON.parse(
    await Deno.readTextFile(`${dir}/legacy.manifest.json`),
  ) as ArchiveManifest;
  assert.deepEqual(m1.tables, { orders: 2, buyer_pii: 3 });
  assert.equal(m1.personalData, true);
  assert.equal(m1.createdAt, made.toISOString());

  // Day 31: the buyer data goes, the rest stays, still sealed.
  const second = await purgeExpiredArchives(
    s.deps,
    new Date(made.getTime() + 31 * DAY),
  );
  assert.deepEqual(second.personalDataRemoved.map((r) => r.rows), [3]);
  const kept: string[] = [];
  for await (const b of readArchive(s.vault, `${dir}/legacy.jwe-lines`)) {
    kept.push(b.table);
  }
  assert.deepEqual(kept, ["orders"]);
  const raw = await Deno.readTextFile(`${dir}/legacy.jwe-lines`);
  assert.equal(raw, `${lines[0]}\n`, "the other lines are kept as they were");
  const m2 = JSON.parse(
    await Deno.readTextFile(`${dir}/legacy.manifest.json`),
  ) as ArchiveManifest;
  assert.deepEqual(m2.tables, { orders: 2 });
  assert.equal(m2.personalData, false);
  assert.ok(m2.personalDataRemovedAt);
  const [event] = rowsOf<{ details: { rows: number } }>(
    await ownerOf(s.t.db).execute(
      sql`select details from audit_events where action = 'archive.personal_data.remove'`,
    ),
  );
  assert.equal(event.details.rows, 3);
});

Deno.test(`archives (${testEngine}): /archives lists them; a download needs archives.download, a reason and a confirmation, and is audited`, async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "custodian-data-" });
  await using _cleanup = {
    [Symbol.asyncDispose]: () => Deno.remove(dataDir, { recursive: true }),
  };
  await using s = await openTestApp({ DATA_DIR: dataDir });
  const archiveDir = `${dataDir}/archives`;
  const seeded = await seedDatabase(s.t.db, s.vault, {
    seed: "archive-route",
    stores: 1,
    orders: 20,
    days: 10,
    anchor: new Date("2026-11-01T00:00:00Z"),
  });
  const store = seeded.stores[0].id;
  const did = crypto.randomUUID();
  await writeArchive(
    { db: s.t.db, vault: s.vault, archiveDir },
    store,
    did,
    "catalog",
    ["listings", "products"],
  );
  const owner = await makeStaff(s, "owner");
  const admin = await makeStaff(s, "admin");
  const support = await makeStaff(s, "support", { storeIds: [store] });
  const ORIGIN = "http://127.0.0.1:8000";
  const get = (cookie: string) =>
    s.app.request(`${ORIGIN}/archives`, { headers: { cookie } });
  const ownerPage = await get(owner.cookie);
  assert.equal(ownerPage.status, 200);
  const html = await ownerPage.text();
  assert.match(html, /<code>catalog<\/code>/);
  assert.match(html, /name="confirm"/);
  // Admins see the list (retention) but get no download form.
  const adminPage = await get(admin.cookie);
  assert.equal(adminPage.status, 200);
  assert.doesNotMatch(await adminPage.text(), /name="confirm"/);
  assert.equal((await get(support.cookie)).status, 403);

  const download = (cookie: string, body: Record<string, string>) =>
    s.app.request(`${ORIGIN}/archives/download`, {
      method: "POST",
      headers: {
        cookie,
        origin: ORIGIN,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        storeId: store,
        disconnectionId: did,
        category: "catalog",
        ...body,
      }).toString(),
    });
  const denied = await download(admin.cookie, {
    reason: "Curious about it",
    confirm: "yes",
  });
  assert.equal(denied.status, 403);
  await denied.body?.cancel();
  const noReason = await download(owner.cookie, { confirm: "yes" });
  assert.equal(noReason.status, 400);
  await noReason.text();
  const unconfirmed = await download(owner.cookie, { reason: "Tax audit" });
  assert.equal(unconfirmed.status, 400);
  assert.match(await unconfirmed.text(), /Confirm the download first/);
  const file = await download(owner.cookie, {
    reason: "Tax audit 2026",
    confirm: "yes",
  });
  assert.equal(file.status, 200);
  assert.match(file.headers.get("content-type")!, /ndjson/);
  const body = await file.text();
  assert.ok(body.split("\n").filter(Boolean).length > 0);
  const audited = rowsOf<{ details: { reason: string; rows: number } }>(
    await ownerOf(s.t.db).execute(
      sql`select details from audit_events where action = 'archive.download'`,
    ),
  );
  assert.equal(audited.length, 1);
  assert.equal(audited[0].details.reason, "Tax audit 2026");
  // An expired archive is no longer downloadable.
  const later = await downloadArchive(
    { db: s.t.db, vault: s.vault, archiveDir },
    { userId: ADMIN, storeIds: [store] },
    {
      storeId: store,
      disconnectionId: did,
      category: "catalog",
      reason: "Much later",
      confirmed: true,
    },
    {},
    new Date(Date.now() + 91 * DAY),
  );
  assert.equal(later, null);
});

Deno.test(`archives (${testEngine}): the daily purge job and Run now call the archive hook`, async () => {
  await using t = await openTestDatabase();
  const vault = createVault([{ kid: "k1", key: generateVaultKey() }]);
  const archiveDir = await Deno.makeTempDir({ prefix: "custodian-archive-" });
  await using _cleanup = {
    [Symbol.asyncDispose]: () => Deno.remove(archiveDir, { recursive: true }),
  };
  const storeId = await registerStore(t.db, {
    sellerId: `A${crypto.randomUUID().slice(0, 8).toUpperCase()}`,
    region: "NA",
    name: "Archived store",
    marketplaces: [],
  });
  const archives = { db: t.db, vault, archiveDir };
  const made = new Date("2026-09-01T00:00:00Z");
  const one = () =>
    writeArchive(archives, storeId, crypto.randomUUID(), "catalog", [
      "listings",
      "products",
    ], made);
  const path = await one();
  const late = new Date("2026-12-01T03:15:00Z");
  await purgeCron({ db: t.db, worker: "w1", now: () => late, archives })
    .run();
  await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
  const again = await one();
  const handler = purgeHandler({ db: t.db, now: () => late, archives });
  await handler.handle({
    type: PURGE_MESSAGE,
    dryRun: true,
    requestedBy: null,
  });
  assert.ok(await Deno.stat(again), "a dry run deletes nothing");
  await handler.handle({
    type: PURGE_MESSAGE,
    dryRun: false,
    requestedBy: null,
  });
  await assert.rejects(Deno.stat(again), Deno.errors.NotFound);
});
