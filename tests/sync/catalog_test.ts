// Catalog and listings against the sandbox: a full sync equals the ground
// truth (every listing per marketplace, every listed SKU's product), a
// second run adds nothing, a crash between pages resumes at the last page
// written, and only the store's own ASINs are looked up in the catalog.
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { listings, products, syncCursors, syncRuns } from "../../db/schema.ts";
import {
  catalogDataset,
  FULL_PASS_DAYS,
  type ListingsCursor,
  nextPass,
} from "../../lib/sync/datasets/catalog.ts";
import { testEngine } from "../_helpers/test_db.ts";
import {
  canonicalRows,
  openSyncWorld,
  type SyncWorld,
  truthKeys,
} from "../_helpers/sync.ts";
import { truthRows } from "../_helpers/truth.ts";

// updatedAt is when our row was written; the sandbox's value is a generator
// artefact that no API serves.
const OMIT = ["updatedAt"];

function readTables(w: SyncWorld, storeId: string) {
  return w.db.asJob(storeId, async (tx) => ({
    listings: await tx.select().from(listings).where(
      eq(listings.storeId, storeId),
    ),
    products: await tx.select().from(products).where(
      eq(products.storeId, storeId),
    ),
  }));
}

async function assertEqualsTruth(w: SyncWorld, i: number) {
  const truth = truthRows(w.sb.sandbox.sellers[i]);
  assert.ok(truth.listings.length > 0 && truth.products.length > 0);
  const got = await readTables(w, w.storeIds[i]);
  const lk = truthKeys(truth.listings, OMIT);
  const pk = truthKeys(truth.products, OMIT);
  assert.deepEqual(
    canonicalRows(got.listings, lk),
    canonicalRows(truth.listings, lk),
  );
  assert.deepEqual(
    canonicalRows(got.products, pk),
    canonicalRows(truth.products, pk),
  );
  return truth;
}

function runRow(w: SyncWorld, storeId: string, runId: string) {
  return w.db.asJob(
    storeId,
    async (tx) =>
      (await tx.select().from(syncRuns).where(eq(syncRuns.id, runId)))[0],
  );
}

Deno.test(`catalog sync (${testEngine}): equals the sandbox truth for two stores, replay adds nothing`, async () => {
  const asked: string[] = [];
  await using w = await openSyncWorld({
    datasets: [catalogDataset],
    sandbox: { stores: 2, orders: 40 },
    runner: {
      fetch: (input, init) => {
        const url = new URL(input instanceof Request ? input.url : input);
        if (url.pathname === "/catalog/2022-04-01/items") {
          asked.push(...(url.searchParams.get("identifiers") ?? "").split(","));
        }
        return fetch(input, init);
      },
    },
  });
  for (const [i, storeId] of w.storeIds.entries()) {
    const runId = await w.runOk(i, "catalog");
    const truth = await assertEqualsTruth(w, i);
    const run = await runRow(w, storeId, runId);
    assert.equal(run.status, "succeeded");
    assert.equal(
      run.rowsInserted,
      truth.listings.length + truth.products.length,
    );
    assert.equal(run.badRowCount, 0);

    const again = await w.runOk(i, "catalog");
    const second = await runRow(w, storeId, again);
    assert.equal(second.rowsInserted, 0);
    await assertEqualsTruth(w, i);
  }
  // Data Policy §5: only ASINs the stores list were looked up.
  const own = new Set(
    w.sb.sandbox.sellers.flatMap((s) =>
      truthRows(s).listings.map((l) => l.asin)
    ),
  );
  assert.ok(asked.length > 0);
  assert.deepEqual(asked.filter((a) => !own.has(a)), []);
});

Deno.test(`catalog sync (${testEngine}): a crash between pages resumes at the last page written`, async () => {
  const listingUrls: URL[] = [];
  await using w = await openSyncWorld({
    datasets: [catalogDataset],
    sandbox: { stores: 1, orders: 40 },
    runner: {
      fetch: (input, init) => {
        const url = new URL(input instanceof Request ? input.url : input);
        if (url.pathname.startsWith("/listings/2021-08-01/items/")) {
          listingUrls.push(url);
        }
        return fetch(input, init);
      },
    },
  });
  // From the second listings page on, the network is down.
  w.sb.sandbox.faults.inject({
    kind: "connectionReset",
    operation: "searchListingsItems",
    after: 1,
    count: Infinity,
  });
  const failed = await w.run(0, "catalog");
  assert.equal(failed.status, "failed");
  const storeId = w.storeIds[0];
  const home = w.sb.sandbox.sellers[0].marketplaceIds[0];
  const [saved] = await w.db.asJob(
    storeId,
    (tx) =>
      tx.select().from(syncCursors).where(and(
        eq(syncCursors.storeId, storeId),
        eq(syncCursors.dataset, "catalog"),
        eq(syncCursors.marketplaceId, home),
      )),
  );
  // The first page was written with its cursor before the crash.
  const mark = saved?.cursor as ListingsCursor | undefined;
  assert.ok(mark?.since);
  const got = await readTables(w, storeId);
  assert.equal(got.listings.length, 20);
  const before = got.listings.length + got.products.length;

  w.sb.sandbox.faults.clear();
  listingUrls.length = 0;
  const runId = await w.runOk(0, "catalog");
  // It resumed from the mark (less the overlap) instead of starting over.
  const first = listingUrls[0];
  assert.equal(first.searchParams.get("marketplaceIds"), home);
  assert.equal(
    first.searchParams.get("lastUpdatedAfter"),
    new Date(new Date(mark.since).getTime() - 3_600_000).toISOString(),
  );
  const truth = await assertEqualsTruth(w, 0);
  const run = await runRow(w, storeId, runId);
  assert.equal(
    run.rowsInserted,
    truth.listings.length + truth.products.length - before,
  );
});

Deno.test("catalog passes: resume within a pass, a new full pass every FULL_PASS_DAYS", () => {
  const now = new Date("2026-03-10T00:00:00Z");
  assert.deepEqual(nextPass(null, now), {
    since: null,
    fullPassAt: now.toISOString(),
  });
  const recent = {
    since: "2026-03-09T12:00:00.000Z",
    fullPassAt: "2026-03-08T00:00:00.000Z",
  };
  assert.equal(nextPass(recent, now), recent);
  const old = {
    since: "2026-03-09T12:00:00.000Z",
    fullPassAt: new Date(now.getTime() - FULL_PASS_DAYS * 86_400_000)
      .toISOString(),
  };
  assert.deepEqual(nextPass(old, now), {
    since: null,
    fullPassAt: now.toISOString(),
  });
});
