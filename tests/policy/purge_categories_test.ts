// Data Policy §9: every category a rule names is purged by the same
// machinery as buyer personal data: each table's due rows go, rows not yet
// due and held rows stay; the audit trail loses its oldest events and still
// verifies (and still finds tampering); ended sessions leave KV. Injected
// clock.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { type Database, rowsOf } from "../../db/client.ts";
import { registerStore } from "../../db/maintenance.ts";
import {
  PURGE_TABLES,
  PURGE_TARGETS,
  purgeAll,
  type PurgeCount,
  purgeGlobal,
  purgeStore,
} from "../../lib/policy/purge.ts";
import { recordAudit, verifyAuditChain } from "../../lib/security/audit.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

const DAY = 86_400_000;
const NOW = new Date("2026-12-01T00:00:00Z");
const clock = () => NOW;
const ago = (days: number, from = NOW) =>
  new Date(from.getTime() - days * DAY).toISOString();
const AUDITOR = { userId: "", storeIds: [], auditAll: true };

/** One row of `table` with key `id` at time `at` (the row's own time). */
function insertRow(table: string, store: string, id: string, at: string) {
  const s = sql`${store}::uuid`;
  const ts = sql`${at}::timestamptz`;
  const d = sql`${at.slice(0, 10)}::date`;
  switch (table) {
    case "buyer_pii":
      return sql`insert into buyer_pii (store_id, amazon_order_id, payload_jwe,
        purpose, collected_at, purge_after)
        values (${s}, ${id}, 'jwe', 'fulfillment', ${ts}, ${ts})`;
    case "api_request_log":
      return sql`insert into api_request_log (id, store_id, at, api, operation,
        latency_ms) overriding system value
        values (${id}::bigint, ${s}, ${ts}, 'sp-api', 'getOrders', 5)`;
    case "sync_runs":
      return sql`insert into sync_runs (id, store_id, dataset, trigger, status,
        started_at, finished_at) values (${id}::uuid, ${s}, 'orders', 'manual',
        'succeeded', ${ts}, ${ts})`;
    case "orders":
      return sql`insert into orders (store_id, amazon_order_id, marketplace_id,
        status, fulfillment_channel, purchased_at, last_updated_at)
        values (${s}, ${id}, 'ATVPDKIKX0DER', 'Shipped', 'AFN', ${ts}, ${ts})`;
    case "order_items":
      return sql`insert into order_items (store_id, amazon_order_id,
        order_item_id, asin, quantity) values (${s}, ${id}, '1', 'B000', 1)`;
    case "returns":
      return sql`insert into returns (store_id, amazon_order_id, sku,
        returned_at, quantity) values (${s}, ${id}, 'SKU', ${ts}, 1)`;
    case "inventory_snapshots":
      return sql`insert into inventory_snapshots (store_id, marketplace_id, sku,
        snapshot_date, asin, fulfillable, inbound_working, inbound_shipped,
        inbound_receiving, reserved, researching, unfulfillable, total)
        values (${s}, 'ATVPDKIKX0DER', ${id}, ${d}, 'B000', 1, 0, 0, 0, 0, 0,
          0, 1)`;
    case "sales_traffic_daily":
      return sql`insert into sales_traffic_daily (store_id, marketplace_id, day,
        child_asin, parent_asin, units_ordered, ordered_sales, currency,
        total_order_items, sessions, page_views)
        values (${s}, 'ATVPDKIKX0DER', ${d}, ${id}, 'P', 1, 1, 'USD', 1, 1, 1)`;
    case "ad_metrics_daily":
      return sql`insert into ad_metrics_daily (store_id, profile_id, day,
        entity_type, entity_id, campaign_id, impressions, clicks, spend, orders,
        sales, currency) values (${s}, 'p', ${d}, 'campaign', ${id}, 'c', 1, 1,
        1, 1, 1, 'USD')`;
    case "ad_budget_bid_changes":
      return sql`insert into ad_budget_bid_changes (store_id, entity_type,
        entity_id, field, observed_at, new_value, currency)
        values (${s}, 'campaign', ${id}, 'daily_budget', ${ts}, 1, 'USD')`;
    case "settlements":
      return sql`insert into settlements (store_id, settlement_id, starts_at,
        ends_at, total_amount, currency) values (${s}, ${id}, ${ts}, ${ts}, 1,
        'USD')`;
    case "settlement_lines":
      return sql`insert into settlement_lines (store_id, settlement_id, line_no,
        transaction_type, amount_type, amount_description, amount, currency)
        values (${s}, ${id}, 1, 'Order', 'ItemPrice', 'Principal', 1, 'USD')`;
    case "financial_events":
      return sql`insert into financial_events (store_id, event_id, event_type,
        posted_at, amount, currency) values (${s}, ${id}, 'Shipment', ${ts}, 1,
        'USD')`;
    case "fees":
      return sql`insert into fees (store_id, event_id, line_no, fee_type,
        posted_at, amount, currency) values (${s}, ${id}, 1, 'FBAFee', ${ts},
        1, 'USD')`;
    case "search_terms":
      return sql`insert into search_terms (store_id, marketplace_id,
        report_period, period_start, period_end, search_term, click_share_rank,
        department_name, search_frequency_rank, clicked_asin, click_share,
        conversion_share) values (${s}, 'ATVPDKIKX0DER', 'DAY', ${d}, ${d},
        ${id}, 1, 'Toys', 1, 'B000', 0.1, 0.1)`;
  }
  throw new Error(`no fixture for ${table}`);
}

/** Row keys per table: due, not yet due, and due but held. */
function keys(table: string, storeId: string) {
  if (table === "sync_runs") {
    const p = storeId.slice(0, 24);
    return {
      due: `${p}00000000d0e0`,
      fresh: `${p}00000000f0e0`,
      held: `${p}00000000b0e0`,
    };
  }
  if (table === "api_request_log") {
    const n = parseInt(storeId.slice(0, 6), 16) * 10;
    return { due: `${n + 1}`, fresh: `${n + 2}`, held: `${n + 3}` };
  }
  // An order's items and a settlement's lines share their parent's key.
  const base = table === "order_items"
    ? "orders"
    : table === "settlement_lines"
    ? "settlements"
    : table;
  return { due: `${base}-due`, fresh: `${base}-fresh`, held: `${base}-held` };
}

async function storeWithRows(db: Database) {
  const storeId = await registerStore(db, {
    sellerId: `A${crypto.randomUUID().slice(0, 8).toUpperCase()}`,
    region: "NA",
    name: "Purge store",
    marketplaces: [],
  });
  const owner = ownerOf(db);
  // Each table's rule is three years, but buyer data's (30 days) and the
  // API log's and sync runs' (365): 1,200 days is due everywhere, 20 days
  // nowhere.
  for (const table of PURGE_TABLES) {
    const k = keys(table, storeId);
    await owner.execute(insertRow(table, storeId, k.due, ago(1200)));
    await owner.execute(insertRow(table, storeId, k.held, ago(1200)));
    await owner.execute(
      insertRow(
        table,
        storeId,
        k.fresh,
        table === "buyer_pii" ? ago(-5) : ago(20),
      ),
    );
  }
  const held = PURGE_TABLES.map((t) => keys(t, storeId).held);
  await owner.execute(sql`insert into legal_holds
    (store_id, record_ids, reason, owner, review_on)
    values (${storeId}::uuid, ${`{${held.join(",")}}`}::text[], 'dispute',
      'legal@example.com', '2027-06-01')`);
  return storeId;
}

async function idsOf(db: Database, table: string, storeId: string) {
  const id = PURGE_TARGETS[table as keyof typeof PURGE_TARGETS].id;
  return rowsOf<{ id: string }>(
    await ownerOf(db).execute(sql`select ${sql.raw(id)}::text as id
      from ${sql.raw(table)} where store_id = ${storeId}::uuid order by 1`),
  ).map((r) => r.id).sort();
}

Deno.test(`purge categories (${testEngine}): each table's due rows go; rows not yet due and held rows stay`, async () => {
  await using t = await openTestDatabase();
  const storeId = await storeWithRows(t.db);
  const other = await storeWithRows(t.db);
  const dry = await purgeStore({ db: t.db, now: clock }, storeId, {
    dryRun: true,
  });
  assert.equal(dry.status, "done");
  if (dry.status !== "done") return;
  assert.deepEqual(dry.counts.map((c) => c.table), PURGE_TABLES);
  for (const c of dry.counts) {
    assert.deepEqual([c.due, c.held, c.deleted], [2, 1, 0], c.table);
  }

  const out = await purgeStore({ db: t.db, now: clock, batchSize: 1 }, storeId);
  assert.equal(out.status, "done");
  if (out.status !== "done") return;
  for (const table of PURGE_TABLES) {
    const k = keys(table, storeId);
    assert.deepEqual(
      await idsOf(t.db, table, storeId),
      [k.fresh, k.held].sort(),
      table,
    );
    // The other store is untouched.
    assert.equal((await idsOf(t.db, table, other)).length, 3, table);
    const c: PurgeCount = out.counts.find((x) => x.table === table)!;
    assert.deepEqual([c.due, c.held, c.deleted], [2, 1, 1], table);
  }
  // One record per table, with the rows left behind, counts only.
  const records = rowsOf<
    { table_name: string; rows_deleted: number; rows_remaining: string }
  >(
    await ownerOf(t.db).execute(sql`select table_name, rows_deleted,
      rows_remaining::text from purge_records
      where store_id = ${storeId}::uuid and not dry_run order by table_name`),
  );
  assert.equal(records.length, PURGE_TABLES.length);
  for (const r of records) {
    assert.equal(r.rows_deleted, 1, r.table_name);
    assert.equal(r.rows_remaining, "2", r.table_name);
  }

  // Running it again deletes nothing more.
  const again = await purgeStore({ db: t.db, now: clock }, storeId);
  assert.ok(
    again.status === "done" && again.counts.every((c) => c.deleted === 0),
  );
});

Deno.test(`purge categories (${testEngine}): a running sync run is never purged`, async () => {
  await using t = await openTestDatabase();
  const storeId = await registerStore(t.db, {
    sellerId: "ARUNNING1",
    region: "NA",
    name: "Runs",
    marketplaces: [],
  });
  await ownerOf(t.db).execute(sql`insert into sync_runs (store_id, dataset,
    trigger, status, started_at) values
    (${storeId}::uuid, 'orders', 'manual', 'running', ${ago(900)}::timestamptz),
    (${storeId}::uuid, 'orders', 'manual', 'failed', ${
    ago(900)
  }::timestamptz)`);
  await purgeStore({ db: t.db, now: clock }, storeId);
  const left = rowsOf<{ status: string }>(
    await ownerOf(t.db).execute(sql`select status from sync_runs`),
  );
  assert.deepEqual(left.map((r) => r.status), ["running"]);
});

Deno.test(`purge categories (${testEngine}): the audit trail loses its oldest events and still verifies`, async () => {
  await using t = await openTestDatabase();
  const real = new Date();
  const owner = ownerOf(t.db);
  const at = (days: number) => ago(days, real);
  const ids: number[] = [];
  // Owner-level fixtures may choose the time of an event.
  for (
    const [days, action] of [
      [500, "test.one"],
      [450, "test.two"],
      [420, "test.held"],
      [400, "test.after_hold"],
      [100, "test.recent"],
    ] as const
  ) {
    const [r] = rowsOf<{ id: string }>(
      await owner.execute(sql`insert into audit_events
        (actor_type, action, outcome, at)
        values ('system', ${action}, 'success', ${at(days)}::timestamptz)
        returning id::text as id`),
    );
    ids.push(Number(r.id));
  }
  await recordAudit(t.db, null, {
    actorType: "system",
    action: "test.now",
    outcome: "success",
  });
  await owner.execute(sql`insert into legal_holds
    (category, record_ids, reason, owner, review_on)
    values ('audit_events', ${`{${ids[2]}}`}::text[], 'investigation',
      'security@example.com', '2027-06-01')`);

  const kv = await Deno.openKv(":memory:");
  try {
    const out = await purgeGlobal({
      db: t.db,
      kv,
      now: () => real,
      batchSize: 1,
    });
    assert.equal(out.status, "done");
    if (out.status !== "done") return;
    const audit = out.counts.find((c) => c.category === "audit_events")!;
    // Four are older than the rule (365 days); the held one and the one
    // after it stay, so the chain stays one piece.
    assert.deepEqual([audit.due, audit.held, audit.deleted], [4, 2, 2]);
    const left = rowsOf<{ action: string }>(
      await owner.execute(sql`select action from audit_events order by id`),
    ).map((r) => r.action);
    assert.deepEqual(left.slice(0, 3), [
      "test.held",
      "test.after_hold",
      "test.recent",
    ]);
    const anchors = rowsOf<{ after_id: string }>(
      await owner.execute(sql`select after_id::text from audit_anchors
        order by after_id desc`),
    );
    assert.equal(Number(anchors[0].after_id), ids[1]);

    const report = await verifyAuditChain(t.db, AUDITOR);
    assert.equal(report.firstBrokenId, null, report.reason ?? "");
    assert.equal(report.checked, left.length);

    // Still finds tampering: a changed row …
    await owner.transaction(async (tx) => {
      await tx.execute(
        sql`alter table audit_events disable trigger audit_events_append_only`,
      );
      await tx.execute(sql`update audit_events set outcome = 'failure'
        where id = ${ids[3]}`);
      await tx.execute(
        sql`alter table audit_events enable trigger audit_events_append_only`,
      );
    });
    const changed = await verifyAuditChain(t.db, AUDITOR);
    assert.equal(changed.firstBrokenId, ids[3]);
    assert.equal(changed.reason, "hash mismatch");
  } finally {
    kv.close();
  }
});

Deno.test(`purge categories (${testEngine}): rows cut from the front without the purge break the anchor`, async () => {
  await using t = await openTestDatabase();
  const real = new Date();
  const owner = ownerOf(t.db);
  for (const days of [500, 480, 460, 100]) {
    await owner.execute(sql`insert into audit_events
      (actor_type, action, outcome, at)
      values ('system', 'test.old', 'success', ${
      ago(days, real)
    }::timestamptz)`);
  }
  await purgeGlobal({
    db: t.db,
    now: () => new Date(real.getTime() - 470 * DAY),
  });
  assert.equal((await verifyAuditChain(t.db, AUDITOR)).firstBrokenId, null);
  // Someone with the owner's rights removes the next row by hand.
  await owner.transaction(async (tx) => {
    await tx.execute(
      sql`alter table audit_events disable trigger audit_events_append_only`,
    );
    await tx.execute(sql`delete from audit_events
      where id = (select min(id) from audit_events)`);
    await tx.execute(
      sql`alter table audit_events enable trigger audit_events_append_only`,
    );
  });
  const report = await verifyAuditChain(t.db, AUDITOR);
  assert.equal(report.reason, "broken anchor");
});

Deno.test(`purge categories (${testEngine}): ended sessions leave KV, live ones stay`, async () => {
  await using t = await openTestDatabase();
  const kv = await Deno.openKv(":memory:");
  try {
    const now = NOW.getTime();
    const put = async (hash: string, userId: string, lastSeen: number) => {
      await kv.set(["session", hash], {
        userId,
        createdAt: lastSeen,
        lastSeenAt: lastSeen,
        absoluteExpiresAt: lastSeen + DAY,
        ip: null,
        userAgent: null,
      });
      await kv.set(["user_session", userId, hash], true);
    };
    await put("a".repeat(64), "u1", now - 2 * DAY); // past its lifetime
    await put("b".repeat(64), "u1", now - 60_000); // live
    await put("c".repeat(64), "u2", now - 9 * 3_600_000); // idle too long
    const out = await purgeGlobal({
      db: t.db,
      kv,
      now: clock,
      sessionIdleMs: 8 * 3_600_000,
    });
    assert.ok(out.status === "done");
    const left: string[] = [];
    for await (const e of kv.list({ prefix: ["session"] })) {
      left.push(String(e.key[1])[0]);
    }
    assert.deepEqual(left, ["b"]);
    const index: string[] = [];
    for await (const e of kv.list({ prefix: ["user_session"] })) {
      index.push(String(e.key[2])[0]);
    }
    assert.deepEqual(index, ["b"]);
    const records = rowsOf<{ rows_deleted: number; store_id: string | null }>(
      await ownerOf(t.db).execute(sql`select rows_deleted, store_id
        from purge_records where category = 'sessions'`),
    );
    assert.deepEqual(records, [{ rows_deleted: 2, store_id: null }]);
  } finally {
    kv.close();
  }
});

Deno.test(`purge categories (${testEngine}): purgeAll covers every store and the storeless categories`, async () => {
  await using t = await openTestDatabase();
  const a = await storeWithRows(t.db);
  const b = await storeWithRows(t.db);
  const out = await purgeAll({ db: t.db, now: clock });
  assert.deepEqual(
    out.map((o) => o.storeId).sort(),
    [a, b, null].sort(),
  );
  for (const s of [a, b]) {
    assert.equal((await idsOf(t.db, "orders", s)).length, 2);
  }
});
