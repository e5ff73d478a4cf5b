// One run per request (issue #12): KV may deliver a "sync.run" message more
// than once, at the same time or after the run ended. Each message names
// the run created by the "run now"; a delivery whose run is finished or
// held by a live worker does nothing, so one request is one run whose final
// state never changes, and no report document is downloaded twice for it,
// not even by a run resumed after a shutdown. Calls are counted at the
// sandbox.
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { syncRuns } from "../../db/schema.ts";
import { returnsDataset } from "../../lib/sync/datasets/returns.ts";
import { salesTrafficDataset } from "../../lib/sync/datasets/sales_traffic.ts";
import { searchTermsDataset } from "../../lib/sync/datasets/search_terms.ts";
import {
  handleSyncMessage,
  SYNC_MESSAGE,
  syncMessage,
} from "../../lib/sync/runner.ts";
import { closeRunTx, requestRunTx } from "../../lib/sync/runs.ts";
import type { QueueMessage } from "../../lib/queue.ts";
import type { SandboxRequest } from "../../sandbox/testing.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import {
  openSyncWorld,
  scaledPlans,
  type SyncWorld,
} from "../_helpers/sync.ts";

const DATASET = "sales_traffic";

function open() {
  return openSyncWorld({
    datasets: [salesTrafficDataset],
    sandbox: { stores: 1, orders: 100, usagePlans: scaledPlans(2000) },
    settings: { backfillDays: 62 },
  });
}

const runsOf = (w: SyncWorld, dataset = DATASET) =>
  w.db.asJob(
    w.storeIds[0],
    (tx) =>
      tx.select().from(syncRuns).where(and(
        eq(syncRuns.storeId, w.storeIds[0]),
        eq(syncRuns.dataset, dataset),
      )),
  );

/** "Run now": the queued run and the message that names it. */
async function runNow(w: SyncWorld, dataset = DATASET) {
  const storeId = w.storeIds[0];
  const runId = await w.db.asJob(
    storeId,
    (tx) => requestRunTx(tx, { storeId, dataset }),
  );
  return syncMessage.parse({
    type: SYNC_MESSAGE,
    storeId,
    dataset,
    trigger: "manual",
    runId,
  });
}

/** getReportDocument calls per report document id. */
function documentCalls(requests: readonly SandboxRequest[]) {
  const calls = new Map<string, number>();
  for (const r of requests) {
    const m = /^\/reports\/2021-06-30\/documents\/([^/]+)$/.exec(r.path);
    if (r.method === "GET" && m) calls.set(m[1], (calls.get(m[1]) ?? 0) + 1);
  }
  return calls;
}

Deno.test(`one run per request (${testEngine}): a "run now" delivered again and again is one run, each report read once`, async () => {
  await using w = await open();
  const requests = w.sb.sandbox.recordRequests();
  const requeued: QueueMessage[] = [];
  const deps = {
    ...w.deps,
    enqueue: (m: QueueMessage) => {
      requeued.push(m);
      return Promise.resolve();
    },
  };
  const message = await runNow(w);

  // Three deliveries of the same message at once: one worker runs it.
  await Promise.all([0, 1, 2].map(() => handleSyncMessage(deps, message)));
  const [run, ...others] = await runsOf(w);
  assert.equal(others.length, 0);
  assert.equal(run.id, message.runId);
  assert.equal(run.status, "succeeded", run.error ?? "");
  assert.ok(run.rowsInserted > 0);

  // Delivered again after the finish, twice: nothing runs or changes.
  await handleSyncMessage(deps, message);
  await handleSyncMessage(deps, { ...message, attempt: 1 });
  assert.deepEqual(await runsOf(w), [run]);
  assert.deepEqual(requeued, []);

  const docs = documentCalls(requests);
  assert.ok(docs.size > 2, `${docs.size} documents`);
  for (const [id, n] of docs) assert.equal(n, 1, `document ${id} read ${n}×`);
  const created =
    requests.filter((r) =>
      r.method === "POST" && r.path === "/reports/2021-06-30/reports"
    ).length;
  assert.ok(docs.size <= created);
});

Deno.test(`one run per request (${testEngine}): a finished run's state never changes`, async () => {
  await using w = await open();
  const message = await runNow(w);
  const storeId = w.storeIds[0];
  // The run failed (here: closed) before its message was delivered.
  await w.db.asJob(
    storeId,
    (tx) => closeRunTx(tx, message.runId, "failed", "test: failed"),
  );
  const requests = w.sb.sandbox.recordRequests();
  await handleSyncMessage({ ...w.deps, enqueue: () => Promise.resolve() }, {
    ...message,
    resume: true,
  });
  const [run] = await runsOf(w);
  assert.equal(run.status, "failed");
  assert.equal(requests.length, 0);
  // Not even the owner can flip it back (0020_sync_run_final.sql).
  await assert.rejects(
    ownerOf(w.db).update(syncRuns).set({ status: "running" }).where(
      eq(syncRuns.id, message.runId),
    ),
    (err: Error) => /cannot change/.test(String(err.cause ?? err)),
  );
  assert.equal((await runsOf(w))[0].status, "failed");
});

Deno.test(`one run per request (${testEngine}): a run resumed after a shutdown reads no document twice`, async () => {
  await using w = await open();
  const requests = w.sb.sandbox.recordRequests();
  const message = await runNow(w);
  const stopping = new AbortController();
  const base = w.deps.fetch ?? fetch;
  let documents = 0;
  const stoppingFetch: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    // The server stops while the run reads its fifth report document.
    if (url.includes("/reports/2021-06-30/documents/") && ++documents === 5) {
      stopping.abort(new Error("shutdown"));
    }
    return base(input, init);
  };
  await handleSyncMessage({
    ...w.deps,
    fetch: stoppingFetch,
    signal: stopping.signal,
    enqueue: () => Promise.resolve(),
  }, message);
  const [cut] = await runsOf(w);
  assert.equal(cut.status, "interrupted");
  const read = Object.keys(
    ((cut.progress ?? {}) as { reports?: object }).reports ?? {},
  );
  assert.ok(read.length >= 3, `${read.length} reports in the checkpoint`);

  // The next start resumes it (the same run, named by its message).
  await handleSyncMessage({ ...w.deps, enqueue: () => Promise.resolve() }, {
    ...message,
    resume: true,
  });
  const runs = await runsOf(w);
  assert.equal(runs.length, 1);
  assert.equal(runs[0].status, "succeeded", runs[0].error ?? "");
  const docs = documentCalls(requests);
  for (const [id, n] of docs) {
    // The document being read when the server stopped is read again.
    assert.ok(n <= 2, `document ${id} read ${n}×`);
  }
  assert.ok(
    [...docs.values()].filter((n) => n > 1).length <= 1,
    JSON.stringify([...docs]),
  );
});

/**
 * Runs `dataset` by "run now", stops the server as the run asks Amazon for
 * its `stopAt`-th report (the documents before it read and written), then
 * resumes the run: every report document is fetched once in all.
 */
async function resumedReadsEachDocumentOnce(
  w: SyncWorld,
  dataset: string,
  stopAt: number,
) {
  const requests = w.sb.sandbox.recordRequests();
  const message = await runNow(w, dataset);
  const stopping = new AbortController();
  const base = w.deps.fetch ?? fetch;
  let creates = 0;
  // Not an answer of Amazon's rewritten: the portal's own shutdown, timed.
  const stoppingFetch: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (
      init?.method === "POST" &&
      new URL(url).pathname === "/reports/2021-06-30/reports" &&
      ++creates === stopAt
    ) stopping.abort(new Error("shutdown"));
    return base(input, init);
  };
  await handleSyncMessage({
    ...w.deps,
    fetch: stoppingFetch,
    signal: stopping.signal,
    enqueue: () => Promise.resolve(),
  }, message);
  const [cut] = await runsOf(w, dataset);
  assert.equal(cut.status, "interrupted", cut.error ?? "");
  const before = documentCalls(requests);
  assert.ok(before.size >= 1, `${before.size} documents before the stop`);
  const read = Object.keys(
    ((cut.progress ?? {}) as { reports?: object }).reports ?? {},
  );
  assert.equal(
    read.length,
    before.size,
    "the reports read are in the checkpoint",
  );

  await handleSyncMessage({ ...w.deps, enqueue: () => Promise.resolve() }, {
    ...message,
    resume: true,
  });
  const runs = await runsOf(w, dataset);
  assert.equal(runs.length, 1);
  assert.equal(runs[0].status, "succeeded", runs[0].error ?? "");
  const docs = documentCalls(requests);
  assert.ok(docs.size > before.size, "the resumed run read the rest");
  for (const [id, n] of docs) assert.equal(n, 1, `document ${id} read ${n}×`);
  const downloads = requests.filter((r) =>
    r.method === "GET" && r.path.startsWith("/sandbox-documents/")
  );
  assert.equal(downloads.length, docs.size, "each document downloaded once");
  return runs[0];
}

Deno.test(`one run per request (${testEngine}): a resumed returns run fetches no document twice`, async () => {
  await using w = await openSyncWorld({
    datasets: [returnsDataset],
    sandbox: { stores: 1, orders: 800, usagePlans: scaledPlans(2000) },
    settings: {
      backfillDays: 60,
      reportWindowDays: 10,
      batchRows: 2,
      reportPollMs: 10,
    },
  });
  const run = await resumedReadsEachDocumentOnce(w, "returns", 5);
  assert.ok(run.rowsInserted > 0);
});

Deno.test(`one run per request (${testEngine}): a resumed search terms run fetches no document twice`, async () => {
  await using w = await openSyncWorld({
    datasets: [searchTermsDataset],
    sandbox: { stores: 1, orders: 60, usagePlans: scaledPlans(2000) },
    settings: { backfillDays: 62 },
  });
  assert.ok(w.sb.sandbox.sellers[0].hasBrand);
  const run = await resumedReadsEachDocumentOnce(w, "search_terms", 4);
  assert.ok(run.rowsInserted > 0);
});
