// Settlements against the sandbox: the V2 settlement flat files Amazon
// generated are found with getReports and read into settlements and their
// lines exactly as the truth has them, for two stores (one in the EU with
// EU-style dates) and for a store whose files all use EU dates; a second run
// finds no new report and adds nothing; a malformed line becomes a bad row
// with its line number while the rest of the file is kept; a crash between
// reports is completed by the next run.
import assert from "node:assert/strict";
import { gunzipSync, gzipSync } from "node:zlib";
import { eq } from "drizzle-orm";
import { settlementLines, settlements, syncRuns } from "../../db/schema.ts";
import type { StartOptions } from "../../sandbox/testing.ts";
import {
  parseSettlementDate,
  SETTLEMENT_REPORT_TYPE,
  settlementsDataset,
} from "../../lib/sync/datasets/settlements.ts";
import { testEngine } from "../_helpers/test_db.ts";
import {
  canonicalRows,
  openSyncWorld,
  scaledPlans,
  type SyncWorld,
  truthKeys,
} from "../_helpers/sync.ts";
import { truthRows } from "../_helpers/truth.ts";

function open(sandbox: StartOptions) {
  return openSyncWorld({
    datasets: [settlementsDataset],
    // The sandbox announces the scaled rates in x-amzn-RateLimit-Limit, which
    // the client adopts (else getReportDocument would pace at 1/minute).
    sandbox: { orders: 120, usagePlans: scaledPlans(2000), ...sandbox },
  });
}

async function read(w: SyncWorld, i: number) {
  const storeId = w.storeIds[i];
  return await w.db.asJob(storeId, async (tx) => ({
    settlements: await tx.select().from(settlements).where(
      eq(settlements.storeId, storeId),
    ),
    lines: await tx.select().from(settlementLines).where(
      eq(settlementLines.storeId, storeId),
    ),
  }));
}

async function runRow(w: SyncWorld, i: number, runId: string) {
  const [run] = await w.db.asJob(
    w.storeIds[i],
    (tx) => tx.select().from(syncRuns).where(eq(syncRuns.id, runId)),
  );
  return run;
}

/** Compares the database with the truth, minus lines `skip` (settlementId|lineNo). */
async function assertEqualsTruth(
  w: SyncWorld,
  i: number,
  skip = new Set<string>(),
) {
  const truth = truthRows(w.sb.sandbox.sellers[i]);
  assert.ok(truth.settlements.length > 0 && truth.settlementLines.length > 0);
  const db = await read(w, i);
  const sKeys = truthKeys(truth.settlements);
  assert.deepEqual(
    canonicalRows(db.settlements, sKeys),
    canonicalRows(truth.settlements, sKeys),
  );
  const lKeys = truthKeys(truth.settlementLines);
  const lines = truth.settlementLines.filter((l) =>
    !skip.has(`${l.settlementId}|${l.lineNo}`)
  );
  assert.deepEqual(
    canonicalRows(db.lines, lKeys),
    canonicalRows(lines, lKeys),
  );
  return truth.settlements.length + lines.length;
}

/** The text of a settlement document the sandbox serves. */
const docText = (gzip: Uint8Array) =>
  new TextDecoder().decode(gunzipSync(gzip));

Deno.test("parseSettlementDate: ISO and EU styles, with and without time", () => {
  const at = "2026-03-01T12:34:56.000Z";
  for (
    const s of [
      "2026-03-01T12:34:56+00:00",
      "2026-03-01T14:34:56+02:00",
      "2026-03-01 12:34:56 UTC",
      "2026-03-01T12:34:56Z",
      "01.03.2026 12:34:56 UTC",
      "01.03.2026 12:34:56",
    ]
  ) assert.equal(parseSettlementDate(s)?.toISOString(), at, s);
  assert.equal(
    parseSettlementDate("01.03.2026")?.toISOString(),
    "2026-03-01T00:00:00.000Z",
  );
  for (const s of ["31.02.2026", "2026-13-01", "03/01/2026", "", "soon"]) {
    assert.equal(parseSettlementDate(s), null, s);
  }
});

Deno.test(`settlements sync (${testEngine}): two stores equal the truth, a replay adds nothing`, async () => {
  await using w = await open({ stores: 2 });
  // The second store sells in the EU, whose files write dates EU style.
  assert.equal(w.sb.sandbox.sellers[1].region, "EU");
  assert.match(
    docText(w.sb.sandbox.sellers[1].world().settlementDocs[0].gzip),
    /\t\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d UTC\t/,
  );
  for (const i of w.storeIds.keys()) {
    const runId = await w.runOk(i, "settlements");
    const rows = await assertEqualsTruth(w, i);
    const run = await runRow(w, i, runId);
    assert.equal(run.rowsInserted, rows);
    assert.equal(run.badRowCount, 0);

    const again = await w.runOk(i, "settlements");
    const second = await runRow(w, i, again);
    assert.equal(second.rowsInserted + second.rowsUpdated, 0);
    assert.match(second.emptyReason ?? "", /^no_data_for_period/);
    await assertEqualsTruth(w, i);
  }
});

Deno.test(`settlements sync (${testEngine}): files with EU-style dates read right`, async () => {
  await using w = await open({ stores: 1, settlementDateStyle: "eu" });
  assert.equal(w.sb.sandbox.sellers[0].region, "NA");
  const text = docText(w.sb.sandbox.sellers[0].world().settlementDocs[0].gzip);
  assert.doesNotMatch(text, /\d{4}-\d\d-\d\dT/);
  assert.match(
    text,
    /\t\d\d\.\d\d\.\d{4}\t\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d UTC\t/,
  );
  await w.runOk(0, "settlements");
  await assertEqualsTruth(w, 0);
});

Deno.test(`settlements sync (${testEngine}): a malformed line becomes a bad row with its line number`, async () => {
  await using w = await open({ stores: 1 });
  // Before any call (documents are registered on first use), break the
  // amount of document line 4: the second amount line after the summary.
  const world = w.sb.sandbox.sellers[0].world();
  const k = 0;
  const doc = world.settlementDocs[k];
  const lines = docText(doc.gzip).split("\n");
  const cells = lines[3].split("\t");
  cells[14] = "12.3.4"; // amount
  lines[3] = cells.join("\t");
  doc.gzip = gzipSync(new TextEncoder().encode(lines.join("\n")));

  const runId = await w.runOk(0, "settlements");
  const run = await runRow(w, 0, runId);
  assert.equal(run.badRowCount, 1);
  const [bad] = run.badRows as {
    line: number;
    source: string;
    reason: string;
  }[];
  assert.equal(bad.line, 4);
  const reportId = `7${String(k + 1).padStart(10, "0")}`;
  assert.equal(bad.source, `${SETTLEMENT_REPORT_TYPE} ${reportId}`);
  assert.match(bad.reason, /^amount: /);
  // Everything else is there, the summary and total included.
  await assertEqualsTruth(
    w,
    0,
    new Set([`${doc.settlement.settlementId}|2`]),
  );
});

Deno.test(`settlements sync (${testEngine}): a crash between reports is completed by the next run`, async () => {
  await using w = await open({ stores: 1 });
  // The network drops at the third getReportDocument and stays down.
  w.sb.sandbox.faults.inject({
    kind: "connectionReset",
    operation: "getReportDocument",
    after: 2,
    count: Infinity,
  });
  const truth = truthRows(w.sb.sandbox.sellers[0]);
  assert.ok(truth.settlements.length > 2);
  const out = await w.run(0, "settlements");
  assert.equal(out.status, "failed");
  // The two oldest settlements were written whole, with the cursor.
  const docs = [...w.sb.sandbox.sellers[0].world().settlementDocs].sort((
    a,
    b,
  ) => a.createdMs - b.createdMs);
  const first = new Set(docs.slice(0, 2).map((d) => d.settlement.settlementId));
  const partial = await read(w, 0);
  assert.deepEqual(
    new Set(partial.settlements.map((s) => s.settlementId)),
    first,
  );
  assert.equal(
    partial.lines.length,
    truth.settlementLines.filter((l) => first.has(l.settlementId)).length,
  );

  w.sb.sandbox.faults.clear();
  const runId = await w.runOk(0, "settlements");
  const rows = await assertEqualsTruth(w, 0);
  const run = await runRow(w, 0, runId);
  assert.equal(run.rowsInserted, rows - 2 - partial.lines.length);
  assert.equal(run.rowsUpdated, 0); // nothing read twice
});
