// Brand Analytics search terms against the sandbox: a store with a brand
// gets every completed week and month exactly as the truth has them and a
// second run adds nothing; a store without a brand is skipped with the
// reason "no_brand" and no call to Amazon; an invalid record becomes a bad
// row with its position; a crash mid-backfill is completed by the next run.
// The streaming parser is checked on its own in tests/lib/json_stream_test.ts.
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { apiRequestLog, searchTerms, syncRuns } from "../../db/schema.ts";
import type { StartOptions } from "../../sandbox/testing.ts";
import type { SearchTermRow } from "../../lib/ingest/search_terms.ts";
import { searchTermsDataset } from "../../lib/sync/datasets/search_terms.ts";
import { testEngine } from "../_helpers/test_db.ts";
import {
  canonicalRows,
  openSyncWorld,
  scaledPlans,
  type SyncWorld,
  truthKeys,
} from "../_helpers/sync.ts";
import { truthRows } from "../_helpers/truth.ts";

// The sandbox holds 60 days; a 62-day backfill covers them from any hour.
const SETTINGS = { backfillDays: 62 };

function open(sandbox: StartOptions) {
  return openSyncWorld({
    datasets: [searchTermsDataset],
    // The sandbox announces the scaled rates in x-amzn-RateLimit-Limit, which
    // the client adopts (else createReport would pace at 1/minute).
    sandbox: { orders: 60, usagePlans: scaledPlans(2000), ...sandbox },
    settings: SETTINGS,
  });
}

const read = (w: SyncWorld, i: number) =>
  w.db.asJob(
    w.storeIds[i],
    (tx) =>
      tx.select().from(searchTerms).where(
        eq(searchTerms.storeId, w.storeIds[i]),
      ),
  );

async function runRow(w: SyncWorld, i: number, runId: string) {
  const [run] = await w.db.asJob(
    w.storeIds[i],
    (tx) => tx.select().from(syncRuns).where(eq(syncRuns.id, runId)),
  );
  return run;
}

async function assertEquals(w: SyncWorld, i: number, truth: SearchTermRow[]) {
  assert.ok(truth.length > 0);
  assert.ok(truth.some((t) => t.reportPeriod === "WEEK"));
  assert.ok(truth.some((t) => t.reportPeriod === "MONTH"));
  const keys = truthKeys(truth);
  assert.deepEqual(
    canonicalRows(await read(w, i), keys),
    canonicalRows(truth, keys),
  );
}

Deno.test(`search_terms sync (${testEngine}): a branded store equals the truth, an unbranded one is skipped without a call`, async () => {
  await using w = await open({ stores: 2 });
  assert.ok(w.sb.sandbox.sellers[0].hasBrand);
  assert.ok(!w.sb.sandbox.sellers[1].hasBrand);

  const truth = truthRows(w.sb.sandbox.sellers[0]).searchTerms;
  const runId = await w.runOk(0, "search_terms");
  await assertEquals(w, 0, truth);
  const run = await runRow(w, 0, runId);
  assert.equal(run.rowsInserted, truth.length);
  assert.equal(run.badRowCount, 0);
  const again = await w.runOk(0, "search_terms");
  assert.equal((await runRow(w, 0, again)).rowsInserted, 0);
  await assertEquals(w, 0, truth);

  const skipped = await runRow(w, 1, await w.runOk(1, "search_terms"));
  assert.match(skipped.emptyReason ?? "", /^no_brand/);
  assert.equal(skipped.apiCalls, 0);
  const log = await w.db.asJob(
    w.storeIds[1],
    (tx) =>
      tx.select().from(apiRequestLog).where(
        eq(apiRequestLog.storeId, w.storeIds[1]),
      ),
  );
  assert.equal(log.length, 0);
  assert.equal((await read(w, 1)).length, 0);
});

Deno.test(`search_terms sync (${testEngine}): an invalid record becomes a bad row with its position`, async () => {
  await using w = await open({ stores: 1 });
  // Before any call: one record of one week gets an impossible rank, which
  // also sorts it first in its document.
  const world = w.sb.sandbox.sellers[0].world();
  const [key, rows] = [...world.searchTerms].find(([k]) =>
    k.includes("|WEEK|")
  )!;
  const victim = rows[rows.length - 1];
  victim.searchFrequencyRank = 0;

  const runId = await w.runOk(0, "search_terms");
  const run = await runRow(w, 0, runId);
  assert.equal(run.badRowCount, 1);
  const [bad] = run.badRows as {
    line: number;
    source: string;
    reason: string;
  }[];
  assert.equal(bad.line, 1);
  const [m, , start] = key.split("|");
  assert.match(
    bad.source,
    new RegExp(
      `^GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT \\d+ \\(${m} WEEK ${start}\\)$`,
    ),
  );
  assert.match(bad.reason, /^searchFrequencyRank: /);
  const truth = truthRows(w.sb.sandbox.sellers[0]).searchTerms.filter((t) =>
    !(t.marketplaceId === victim.marketplaceId &&
      t.reportPeriod === victim.reportPeriod &&
      t.periodStart === victim.dataStartTime &&
      t.searchTerm === victim.searchTerm &&
      t.clickShareRank === victim.clickShareRank)
  );
  await assertEquals(w, 0, truth);
});

Deno.test(`search_terms sync (${testEngine}): a crash mid-backfill is completed by the next run`, async () => {
  await using w = await open({ stores: 1 });
  // The network drops at the 5th createReport and stays down.
  w.sb.sandbox.faults.inject({
    kind: "connectionReset",
    operation: "createReport",
    after: 4,
    count: Infinity,
  });
  const truth = truthRows(w.sb.sandbox.sellers[0]).searchTerms;
  const out = await w.run(0, "search_terms");
  assert.equal(out.status, "failed");
  const before = (await read(w, 0)).length;
  assert.ok(before > 0 && before < truth.length, `${before} rows`);

  w.sb.sandbox.faults.clear();
  const runId = await w.runOk(0, "search_terms");
  await assertEquals(w, 0, truth);
  assert.equal(
    (await runRow(w, 0, runId)).rowsInserted,
    truth.length - before,
  );
});
