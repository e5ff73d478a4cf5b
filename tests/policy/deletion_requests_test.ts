// Amazon's deletion request: the scope (stores, categories, time range,
// order ids) is purged through the queue, held rows survive and are
// reported, the 72-hour deadline is tracked, and the certificate's figures
// equal the rows removed. Injected clock.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { registerStore } from "../../db/maintenance.ts";
import {
  certificateJson,
  deletionCertificate,
  deletionMessage,
  DeletionRequestError,
  recordDeletionRequest,
  runDeletionRequest,
} from "../../lib/policy/deletion_requests.ts";
import type { QueueMessage } from "../../lib/queue.ts";
import { verifyAuditChain } from "../../lib/security/audit.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

const NOW = new Date("2026-12-01T00:00:00Z");

Deno.test(`deletion request (${testEngine}): the scope goes, holds stay, the certificate counts what went`, async () => {
  await using t = await openTestDatabase();
  const owner = ownerOf(t.db);
  const storeId = await registerStore(t.db, {
    sellerId: "ADELETE01",
    region: "NA",
    name: "Deletion store",
    marketplaces: [],
  });
  const other = await registerStore(t.db, {
    sellerId: "ADELETE02",
    region: "NA",
    name: "Other store",
    marketplaces: [],
  });
  for (const s of [storeId, other]) {
    for (const o of ["111-1", "111-2", "111-3", "111-4"]) {
      await owner.execute(sql`insert into orders (store_id, amazon_order_id,
        marketplace_id, status, fulfillment_channel, purchased_at,
        last_updated_at) values (${s}::uuid, ${o}, 'ATVPDKIKX0DER', 'Shipped',
        'AFN', '2026-11-01', '2026-11-01')`);
      for (const item of ["a", "b"]) {
        await owner.execute(sql`insert into order_items (store_id,
          amazon_order_id, order_item_id, asin, quantity)
          values (${s}::uuid, ${o}, ${item}, 'B000', 1)`);
      }
      await owner.execute(sql`insert into buyer_pii (store_id, amazon_order_id,
        payload_jwe, purpose, collected_at, purge_after) values (${s}::uuid,
        ${o}, 'jwe', 'fulfillment', '2026-11-01', '2026-12-20')`);
    }
  }
  // 111-3 is under a legal hold (orders only).
  await owner.execute(sql`insert into legal_holds
    (store_id, category, record_ids, reason, owner, review_on)
    values (${storeId}::uuid, 'orders', array['111-3'], 'chargeback dispute',
      'legal@example.com', '2027-03-01')`);

  const queued: QueueMessage[] = [];
  const principal = {
    userId: crypto.randomUUID(),
    storeIds: [storeId, other],
    displayName: "Olive Owner",
  };
  // Field errors come back per field.
  await assert.rejects(
    () =>
      recordDeletionRequest(
        { db: t.db, enqueue: (m) => Promise.resolve(void queued.push(m)) },
        principal,
        {
          amazonReference: "",
          receivedAt: "yesterday",
          storeIds: [],
          categories: ["audit_events"],
          fromAt: "",
          toAt: "",
          orderIds: "",
          confirm: "no",
        } as never,
      ),
    (err) =>
      err instanceof DeletionRequestError &&
      ["amazonReference", "receivedAt", "storeIds", "categories", "confirm"]
        .every((k) => k in err.fields),
  );
  assert.equal(queued.length, 0);

  const id = await recordDeletionRequest(
    { db: t.db, enqueue: (m) => Promise.resolve(void queued.push(m)) },
    principal,
    {
      amazonReference: "AMZ-DEL-0042",
      receivedAt: "2026-11-30T10:00",
      storeIds: [storeId],
      categories: ["orders", "order_items", "buyer_pii"],
      fromAt: "",
      toAt: "",
      orderIds: "111-1, 111-2 111-3",
      confirm: "yes",
    },
  );
  assert.equal(queued.length, 1);
  const message = deletionMessage.parse(queued[0]);
  assert.equal(message.requestId, id);

  const count = async (table: string, s: string) =>
    rowsOf<{ n: number }>(
      await owner.execute(sql`select count(*)::int as n
        from ${sql.raw(table)} where store_id = ${s}::uuid`),
    )[0].n;
  const before = {
    orders: await count("orders", storeId),
    order_items: await count("order_items", storeId),
    buyer_pii: await count("buyer_pii", storeId),
  };
  const done = await runDeletionRequest(
    { db: t.db, now: () => NOW, batchSize: 2 },
    message,
  );
  assert.equal(done?.status, "done");
  // Running it again (a redelivered message) changes nothing.
  await runDeletionRequest({ db: t.db, now: () => NOW }, message);

  const after = {
    orders: await count("orders", storeId),
    order_items: await count("order_items", storeId),
    buyer_pii: await count("buyer_pii", storeId),
  };
  // Orders 111-1 and 111-2 went with their items and buyer data; 111-3's
  // order is held (its items and buyer data were not), 111-4 was not named.
  assert.deepEqual(after, { orders: 2, order_items: 2, buyer_pii: 1 });
  for (const table of ["orders", "order_items", "buyer_pii"]) {
    assert.equal(await count(table, other), table === "order_items" ? 8 : 4);
  }

  const cert = await deletionCertificate(t.db, principal, id);
  assert.ok(cert);
  const deleted = Object.fromEntries(
    cert.tables.map((r) => [r.table, r.deleted]),
  );
  assert.deepEqual(deleted, {
    buyer_pii: before.buyer_pii - after.buyer_pii,
    order_items: before.order_items - after.order_items,
    orders: before.orders - after.orders,
  });
  assert.equal(cert.deletedTotal, 2 + 6 + 3);
  assert.equal(
    cert.tables.find((r) => r.table === "orders")?.held,
    1,
  );
  assert.equal(cert.heldTotal, 1);
  // The deadline is 72 hours after receipt; it was met.
  assert.equal(
    cert.request.deadlineAt.toISOString(),
    "2026-12-03T10:00:00.000Z",
  );
  assert.equal(cert.metDeadline, true);
  assert.equal(cert.request.requestedByName, "Olive Owner");
  assert.ok(cert.request.startedAt && cert.request.finishedAt);
  // The audit head at completion is the completion event itself.
  const [head] = rowsOf<{ id: string; hash: string; action: string }>(
    await owner.execute(sql`select id::text, hash, action from audit_events
      where id = ${cert.request.auditHeadId}`),
  );
  assert.equal(head.action, "retention.deletion.complete");
  assert.equal(head.hash, cert.request.auditHeadHash);
  const json = JSON.parse(certificateJson(cert));
  assert.equal(json.rowsDeleted, 11);
  assert.equal(json.amazonReference, "AMZ-DEL-0042");
  const report = await verifyAuditChain(t.db, {
    userId: "",
    storeIds: [],
    auditAll: true,
  });
  assert.equal(report.firstBrokenId, null);
});

Deno.test(`deletion request (${testEngine}): the certificate lists the backups and archives that still hold the scope`, async () => {
  await using t = await openTestDatabase();
  const owner = ownerOf(t.db);
  const storeId = await registerStore(t.db, {
    sellerId: "ADELETE03",
    region: "NA",
    name: "Copies store",
    marketplaces: [],
  });
  const principal = {
    userId: crypto.randomUUID(),
    storeIds: [storeId],
    displayName: "Olive Owner",
  };
  const real = new Date();
  const inDays = (d: number) =>
    new Date(real.getTime() + d * 86_400_000).toISOString();
  // What the backup task records (the other half of issue #14).
  for (
    const [file, expires] of [
      ["/backups/2026-11-30.cbk", inDays(20)],
      ["/backups/old.cbk", inDays(-1)],
    ]
  ) {
    await owner.execute(sql`insert into audit_events
      (actor_type, action, outcome, details)
      values ('system', 'backup.create', 'success',
        ${JSON.stringify({ file, expiresAt: expires })}::jsonb)`);
  }
  await owner.execute(sql`insert into store_disconnections (store_id,
    requested_by, reason, choices, status, archive_path, completed_at)
    values (${storeId}::uuid, ${principal.userId}::uuid, 'closing', '{}',
      'completed', ${`/data/archives/${storeId}/d1`}, now())`);
  const queued: QueueMessage[] = [];
  const id = await recordDeletionRequest(
    { db: t.db, enqueue: (m) => Promise.resolve(void queued.push(m)) },
    principal,
    {
      amazonReference: "AMZ-DEL-7",
      receivedAt: real.toISOString().slice(0, 16),
      storeIds: [storeId],
      categories: ["buyer_pii"],
      fromAt: "2026-01-01",
      toAt: "2026-06-30",
      orderIds: "",
      confirm: "yes",
    },
  );
  await runDeletionRequest({ db: t.db }, deletionMessage.parse(queued[0]));
  const cert = await deletionCertificate(t.db, principal, id);
  assert.ok(cert);
  assert.deepEqual(cert.backups.map((b) => b.file), ["2026-11-30.cbk"]);
  assert.equal(cert.archives.length, 1);
  for (const copy of [...cert.backups, ...cert.archives]) {
    assert.ok(
      copy.expiresAt.getTime() <=
        cert.request.finishedAt!.getTime() + 90 * 86_400_000,
    );
  }
});
