// FBA customer returns against the sandbox: a full sync equals the ground
// truth for two stores and a replay adds nothing; a malformed line is
// recorded as a bad row with its line number while the others are written;
// a cut-off gzip download is retried without writing a line twice; a FATAL
// report fails the run, is not requested again during the cooldown, and the
// run after it succeeds; a period without returns is empty, not failed.
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { returns, syncRuns } from "../../db/schema.ts";
import type { ReturnRow } from "../../lib/ingest/returns.ts";
import {
  finalThrough,
  MAX_BACKFILL_DAYS,
  OVERLAP_MS,
  returnsDataset,
  returnWindows,
} from "../../lib/sync/datasets/returns.ts";
import { testEngine } from "../_helpers/test_db.ts";
import {
  canonicalRows,
  openSyncWorld,
  type SyncWorld,
  type SyncWorldOptions,
  truthKeys,
} from "../_helpers/sync.ts";
import { truthRows } from "../_helpers/truth.ts";
import { accessToken, sp } from "../../sandbox/testing.ts";

const DAY = 86_400_000;
// 800 orders give each of the two stores a handful of FBA returns; the
// sandbox holds 60 days, so 70 days back in 30-day windows is three reports.
const SANDBOX = { stores: 2, orders: 800 };
const SETTINGS = { backfillDays: 70, reportWindowDays: 30, batchRows: 2 };

function open(extra: Partial<SyncWorldOptions> = {}) {
  return openSyncWorld({
    datasets: [returnsDataset],
    sandbox: SANDBOX,
    ...extra,
    settings: { ...SETTINGS, ...extra.settings },
  });
}

function readReturns(w: SyncWorld, storeId: string) {
  return w.db.asJob(
    storeId,
    (tx) => tx.select().from(returns).where(eq(returns.storeId, storeId)),
  );
}

function runRow(w: SyncWorld, storeId: string, runId: string) {
  return w.db.asJob(
    storeId,
    async (tx) =>
      (await tx.select().from(syncRuns).where(eq(syncRuns.id, runId)))[0],
  );
}

async function assertEqualsTruth(
  w: SyncWorld,
  i: number,
  except: (r: ReturnRow) => boolean = () => false,
) {
  const truth = truthRows(w.sb.sandbox.sellers[i]).returns;
  assert.ok(truth.length > 0);
  const keys = truthKeys(truth);
  assert.deepEqual(
    canonicalRows(await readReturns(w, w.storeIds[i]), keys),
    canonicalRows(truth.filter((r) => !except(r)), keys),
  );
  return truth;
}

Deno.test(`returns sync (${testEngine}): equals the sandbox truth for two stores, replay adds nothing`, async () => {
  await using w = await open();
  for (const [i, storeId] of w.storeIds.entries()) {
    const runId = await w.runOk(i, "returns");
    const truth = await assertEqualsTruth(w, i);
    const run = await runRow(w, storeId, runId);
    assert.equal(run.rowsInserted, truth.length);
    assert.equal(run.rowsUpdated, 0);
    assert.equal(run.badRowCount, 0);
    assert.ok(run.pages >= 1);

    const again = await runRow(w, storeId, await w.runOk(i, "returns"));
    assert.equal(again.rowsInserted, 0);
    await assertEqualsTruth(w, i);
  }
});

Deno.test(`returns sync (${testEngine}): a malformed line is a bad row with its line number, the others are written`, async () => {
  await using w = await open({ sandbox: { ...SANDBOX, stores: 1 } });
  // Line 2 (the first return) gets a quantity that is not a number.
  w.sb.sandbox.faults.inject({
    kind: "corruptCell",
    operation: "downloadDocument",
    column: "quantity",
    line: 2,
    value: "lots",
  });
  const storeId = w.storeIds[0];
  const runId = await w.runOk(0, "returns");
  const corrupted = w.sb.sandbox.faults.fired.find((f) =>
    f.kind === "corruptCell"
  )?.detail;
  assert.ok(corrupted, "a returns document was downloaded");
  const cells = corrupted.original.split("\t");
  const run = await runRow(w, storeId, runId);
  assert.equal(run.badRowCount, 1);
  assert.equal(run.rowsSkipped, 1);
  const [bad] = run.badRows as {
    line: number;
    source: string;
    reason: string;
  }[];
  assert.equal(bad.line, 2);
  // The bad row names the report whose document was corrupted.
  const report = await sp(
    w.sb,
    await accessToken(w.sb),
    `/reports/2021-06-30/reports/${bad.source}`,
  );
  assert.equal(report.body.reportDocumentId, corrupted.document);
  assert.match(bad.reason, /^quantity: /);
  // Every other return is there; the bad line's return alone is missing.
  const truth = await assertEqualsTruth(
    w,
    0,
    (r) => r.amazonOrderId === cells[1] && r.sku === cells[2],
  );
  assert.equal(run.rowsInserted, truth.length - 1);
});

Deno.test(`returns sync (${testEngine}): a cut-off gzip download is retried and no line is written twice`, async () => {
  await using w = await open({ sandbox: { ...SANDBOX, stores: 1 } });
  w.sb.sandbox.faults.inject({
    kind: "truncatedGzip",
    operation: "downloadDocument",
  });
  const runId = await w.runOk(0, "returns");
  assert.ok(w.sb.sandbox.faults.fired.some((f) => f.kind === "truncatedGzip"));
  const truth = await assertEqualsTruth(w, 0);
  const run = await runRow(w, w.storeIds[0], runId);
  assert.equal(run.rowsInserted, truth.length);
  assert.equal(run.rowsUpdated, 0);
});

Deno.test(`returns sync (${testEngine}): a FATAL report fails the run; after the cooldown the next run succeeds`, async () => {
  let offsetMs = 0;
  await using w = await open({
    sandbox: { ...SANDBOX, stores: 1 },
    settings: { reportFatalCooldownMinutes: 30 },
    runner: { now: () => Date.now() + offsetMs },
  });
  const seller = w.sb.sandbox.sellers[0];
  w.sb.sandbox.faults.inject({
    kind: "reportFatal",
    operation: "createReport",
    sellerId: seller.sellerId,
  });
  const first = await w.run(0, "returns");
  assert.equal(first.status, "failed");
  assert.match(
    String("error" in first && first.error),
    /^FBA returns \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d: GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA report \d+ ended FATAL$/,
  );
  // Within the cooldown the same window is not requested again.
  const cooling = await w.run(0, "returns");
  assert.equal(cooling.status, "failed");
  assert.match(
    String("error" in cooling && cooling.error),
    /30-minute cooldown/,
  );

  offsetMs = 31 * 60_000;
  await w.runOk(0, "returns");
  await assertEqualsTruth(w, 0);
});

Deno.test(`returns sync (${testEngine}): a period without returns is empty with Amazon's reason`, async () => {
  await using w = await open({ sandbox: { stores: 1, orders: 40 } });
  assert.equal(truthRows(w.sb.sandbox.sellers[0]).returns.length, 0);
  const run = await runRow(w, w.storeIds[0], await w.runOk(0, "returns"));
  assert.equal(run.rowsInserted, 0);
  assert.match(String(run.emptyReason), /^report_cancelled: /);
});

Deno.test("returns windows: clamped backfill, contiguous windows, cursor and overlap", () => {
  const now = new Date("2026-03-10T15:42:00Z");
  const markets = ["ATVPDKIKX0DER"];
  const settings = { backfillDays: 5000, reportWindowDays: 30 };
  const first = returnWindows(now, null, markets, settings);
  // Never further back than Amazon keeps, from a whole day, to the hour.
  assert.equal(
    first[0].start.toISOString(),
    new Date(Date.UTC(2026, 2, 10) - MAX_BACKFILL_DAYS * DAY).toISOString(),
  );
  assert.equal(first.at(-1)!.end.toISOString(), "2026-03-10T15:00:00.000Z");
  for (const [i, win] of first.entries()) {
    assert.ok(win.end.getTime() - win.start.getTime() <= 30 * DAY);
    if (i > 0) assert.equal(win.start.getTime(), first[i - 1].end.getTime());
  }
  // A window read now is final two days before now, never before its start.
  const last = first.at(-1)!;
  assert.equal(
    finalThrough(last, now).getTime(),
    Math.max(last.start.getTime(), now.getTime() - OVERLAP_MS),
  );
  assert.equal(finalThrough(first[0], now).getTime(), first[0].end.getTime());
  // Later runs continue at the cursor.
  const through = "2026-03-08T15:00:00.000Z";
  const next = returnWindows(
    now,
    { through, marketplaceIds: markets },
    markets,
    settings,
  );
  assert.deepEqual(
    next.map((x) => [x.start.toISOString(), x.end.toISOString()]),
    [[through, "2026-03-10T15:00:00.000Z"]],
  );
  // A marketplace the cursor did not cover starts a backfill.
  const grown = returnWindows(
    now,
    { through, marketplaceIds: markets },
    [...markets, "A2EUQ1WTGCTBG2"],
    settings,
  );
  assert.equal(grown.length, first.length);
});
