// Financial events against the sandbox (Finances v0, read per financial
// event group): a full sync of two stores equals the truth's events and fee
// lines, a second run re-reads only the overlap and adds nothing, a second
// shipment of the same order keeps a row of its own, and a crash in the
// middle of the backfill is completed by the next run.
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import {
  apiRequestLog,
  fees,
  financialEvents,
  syncRuns,
} from "../../db/schema.ts";
import type { StartOptions } from "../../sandbox/testing.ts";
import type { FeeRow, FinancialEventRow } from "../../lib/ingest/finance.ts";
import {
  financialEventsDataset,
  KNOWN_EVENT_LISTS,
} from "../../lib/sync/datasets/financial_events.ts";
import { testEngine } from "../_helpers/test_db.ts";
import {
  openSyncWorld,
  scaledPlans,
  type SyncWorld,
} from "../_helpers/sync.ts";
import { assertFinanceEquals, truthRows } from "../_helpers/truth.ts";

// The sandbox holds 60 days of orders, and service fees of settlement
// periods that began up to 14 days earlier: 80 days cover them all.
const SETTINGS = { backfillDays: 80 };

function open(sandbox: StartOptions) {
  return openSyncWorld({
    datasets: [financialEventsDataset],
    // The sandbox announces the scaled rates in x-amzn-RateLimit-Limit, which
    // the client adopts.
    sandbox: { orders: 120, usagePlans: scaledPlans(2000), ...sandbox },
    settings: SETTINGS,
  });
}

async function read(w: SyncWorld, i: number) {
  const storeId = w.storeIds[i];
  return await w.db.asJob(storeId, async (tx) => ({
    events: await tx.select().from(financialEvents).where(
      eq(financialEvents.storeId, storeId),
    ),
    fees: await tx.select().from(fees).where(eq(fees.storeId, storeId)),
  }));
}

async function runRow(w: SyncWorld, i: number, runId: string) {
  const [run] = await w.db.asJob(
    w.storeIds[i],
    (tx) => tx.select().from(syncRuns).where(eq(syncRuns.id, runId)),
  );
  return run;
}

/**
 * Compares events and fees with `truth` (truth.ts: eventKeying says which
 * keys and dates can be compared; every other field of every event is).
 */
async function assertEquals(
  w: SyncWorld,
  i: number,
  truth: { financialEvents: FinancialEventRow[]; fees: FeeRow[] },
) {
  const types = new Set(truth.financialEvents.map((e) => e.eventType));
  for (
    const t of [
      "ShipmentEvent",
      "ServiceFeeEvent",
      "AdjustmentEvent",
      "ProductAdsPaymentEvent",
    ]
  ) assert.ok(types.has(t), `the truth has a ${t}`);
  const db = await read(w, i);
  return assertFinanceEquals(db.events, db.fees, truth, `store ${i}`);
}

async function calls(w: SyncWorld, i: number, operation: string) {
  const rows = await w.db.asJob(
    w.storeIds[i],
    (tx) =>
      tx.select().from(apiRequestLog).where(
        eq(apiRequestLog.storeId, w.storeIds[i]),
      ),
  );
  return rows.filter((r) => r.operation === operation).length;
}

Deno.test(`financial_events sync (${testEngine}): two stores equal the truth, a replay adds nothing`, async () => {
  await using w = await open({ stores: 2 });
  for (const i of w.storeIds.keys()) {
    const truth = truthRows(w.sb.sandbox.sellers[i]);
    const runId = await w.runOk(i, "financial_events");
    const rows = await assertEquals(w, i, truth);
    const run = await runRow(w, i, runId);
    assert.equal(run.rowsInserted, rows);
    assert.equal(run.badRowCount, 0);
    assert.equal(run.rowsSkipped, 0); // every event list is stored
    assert.equal(
      (run.progress as { warnings?: unknown[] } | null)?.warnings,
      undefined,
    );
    const groupCalls = await calls(w, i, "listFinancialEventGroups");
    assert.equal(groupCalls, 3); // 80 days in 30-day windows

    // The replay reads one window: the overlap before the high-water mark.
    const again = await w.runOk(i, "financial_events");
    const second = await runRow(w, i, again);
    assert.equal(second.rowsInserted, 0);
    assert.equal(await calls(w, i, "listFinancialEventGroups"), groupCalls + 1);
    await assertEquals(w, i, truth);
  }
});

Deno.test(`financial_events sync (${testEngine}): a second shipment of the same order keeps its own row`, async () => {
  await using w = await open({ stores: 1 });
  // Before any call: Amazon posts a second ShipmentEvent for one order an
  // hour after the first (a split shipment).
  const world = w.sb.sandbox.sellers[0].world();
  const first = world.financialEvents.find((e) =>
    e.list === "ShipmentEventList" &&
    Date.parse(e.PostedDate) < world.anchorMs - 2 * 86_400_000
  )!;
  assert.ok(first.list === "ShipmentEventList");
  const laterAt = new Date(Date.parse(first.PostedDate) + 3_600_000);
  world.financialEvents.push({ ...first, PostedDate: laterAt.toISOString() });
  world.financialEvents.sort((a, b) =>
    Date.parse(a.PostedDate) - Date.parse(b.PostedDate)
  );
  const firstId = `SHP-${first.AmazonOrderId}`;
  const laterId = `${firstId}@${laterAt.toISOString()}`;
  const truth = truthRows(w.sb.sandbox.sellers[0]);
  const firstRow = truth.financialEvents.find((e) => e.eventId === firstId)!;
  truth.financialEvents.push({
    ...firstRow,
    eventId: laterId,
    postedAt: laterAt,
  });
  for (const f of truth.fees.filter((f) => f.eventId === firstId)) {
    truth.fees.push({ ...f, eventId: laterId, postedAt: laterAt });
  }

  await w.runOk(0, "financial_events");
  await assertEquals(w, 0, truth);
  // And a replay keeps both where they are.
  const again = await w.runOk(0, "financial_events");
  assert.equal((await runRow(w, 0, again)).rowsInserted, 0);
  await assertEquals(w, 0, truth);
});

Deno.test(`financial_events sync (${testEngine}): a crash mid-backfill is completed by the next run`, async () => {
  await using w = await open({ stores: 1 });
  // The network drops at the 4th events page and stays down.
  w.sb.sandbox.faults.inject({
    kind: "connectionReset",
    operation: "listFinancialEventsByGroupId",
    after: 3,
    count: Infinity,
  });
  const truth = truthRows(w.sb.sandbox.sellers[0]);
  const out = await w.run(0, "financial_events");
  assert.equal(out.status, "failed");
  const partial = await read(w, 0);
  assert.ok(
    partial.events.length > 0 &&
      partial.events.length < truth.financialEvents.length,
    `${partial.events.length} events`,
  );

  w.sb.sandbox.faults.clear();
  await w.runOk(0, "financial_events");
  await assertEquals(w, 0, truth);
});

Deno.test(`financial_events (${testEngine}): every list of the Finances v0 model is read`, async () => {
  const model = JSON.parse(
    await Deno.readTextFile(
      new URL("../fixtures/amazon-models/financesV0.json", import.meta.url),
    ),
  );
  const lists = Object.keys(model.definitions.FinancialEvents.properties);
  assert.ok(lists.includes("AdjustmentEventList"));
  assert.deepEqual([...KNOWN_EVENT_LISTS].sort(), [...lists].sort());
});

Deno.test(`financial_events sync (${testEngine}): adjustments and ads payments keep their exact signed amounts; a list of a future model is stored raw and flagged`, async () => {
  await using w = await open({ stores: 1, futureEventList: true });
  const truth = truthRows(w.sb.sandbox.sellers[0]);
  const runId = await w.runOk(0, "financial_events");
  const rows = await assertEquals(w, 0, truth);
  const run = await runRow(w, 0, runId);
  assert.equal(run.rowsInserted, rows);
  assert.equal(run.rowsSkipped, 0);
  assert.equal(run.badRowCount, 0);
  const warnings = (run.progress as { warnings?: { code: string }[] })
    .warnings ?? [];
  assert.deepEqual(warnings.map((x) => x.code), [
    "financial_events.unknown_list",
  ]);
  assert.match(JSON.stringify(warnings), /FooBarEventList/);

  const db = await read(w, 0);
  const byType = (t: string) => db.events.filter((e) => e.eventType === t);
  // A reimbursement is money in, an ads charge money out, to the cent.
  const adjustments = byType("AdjustmentEvent");
  const ads = byType("ProductAdsPaymentEvent");
  assert.ok(adjustments.length > 0 && ads.length > 0);
  assert.ok(adjustments.every((e) => Number(e.amount) > 0 && e.known));
  assert.ok(ads.every((e) => Number(e.amount) < 0 && e.known));
  const world = w.sb.sandbox.sellers[0].world();
  for (const e of world.financialEvents) {
    if (e.list !== "AdjustmentEventList") continue;
    const stored = adjustments.find((a) =>
      a.postedAt.getTime() === Date.parse(e.PostedDate)
    )!;
    assert.equal(Number(stored.amount), Number(e.net.Amount));
    assert.equal(stored.currency, e.net.CurrencyCode);
    assert.deepEqual(
      (stored.raw as { AdjustmentAmount: unknown }).AdjustmentAmount,
      {
        CurrencyCode: e.net.CurrencyCode,
        CurrencyAmount: Number(e.net.Amount),
      },
    );
  }

  // The unknown list: every event stored, raw, flagged, no amount guessed.
  const future = byType("FooBarEvent");
  const served = world.financialEvents.filter((e) =>
    e.list === "FooBarEventList"
  );
  assert.ok(served.length > 0);
  assert.equal(future.length, served.length);
  for (const e of future) {
    assert.equal(e.known, false);
    assert.equal(e.amount, null);
    assert.equal(e.currency, null);
    const raw = e.raw as { FooBarType: string; FooBarAmount: unknown };
    assert.equal(raw.FooBarType, "Future");
    assert.ok(served.some((s) =>
      "fields" in s &&
      JSON.stringify(raw.FooBarAmount) === JSON.stringify({
          CurrencyCode: (s.fields.FooBarAmount as { CurrencyCode: string })
            .CurrencyCode,
          CurrencyAmount: Number(
            (s.fields.FooBarAmount as { Amount: string }).Amount,
          ),
        })
    ));
  }
});
