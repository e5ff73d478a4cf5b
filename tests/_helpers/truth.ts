// Compares everything a store holds with the sandbox's ground truth, table
// by table, row for row. Left out of the comparison, and why:
// - syncedAt / updatedAt: our own write times, not Amazon data;
// - inventory snapshotDate: the day of the sync, not a generated day;
// - a ServiceFeeEvent's eventId and postedAt (and its fees'): the Finances
//   v0 model gives that event neither an id nor a date, so ours are derived.
// Buyer data is compared by order id (the payloads are sealed; the orders
// test opens and compares them).
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import * as schema from "../../db/schema.ts";
import type { SellerTruth } from "../../sandbox/served_world.ts";
import { canonicalRows, type SyncWorld, truthKeys } from "./sync.ts";

const OMIT = ["syncedAt", "updatedAt"];

const TABLES: [keyof SellerTruth, PgTable & { storeId: unknown }, string[]][] =
  [
    ["products", schema.products, OMIT],
    ["listings", schema.listings, OMIT],
    ["inventory", schema.inventorySnapshots, [...OMIT, "snapshotDate"]],
    ["orders", schema.orders, OMIT],
    ["orderItems", schema.orderItems, OMIT],
    ["returns", schema.returns, OMIT],
    ["salesTraffic", schema.salesTrafficDaily, OMIT],
    ["settlements", schema.settlements, OMIT],
    ["settlementLines", schema.settlementLines, OMIT],
    ["searchTerms", schema.searchTerms, OMIT],
    ["adProfiles", schema.adProfiles, OMIT],
    ["adCampaigns", schema.adCampaigns, OMIT],
    ["adGroups", schema.adGroups, OMIT],
    ["adKeywords", schema.adKeywords, OMIT],
    ["adTargets", schema.adTargets, OMIT],
    ["adMetricsDaily", schema.adMetricsDaily, OMIT],
  ];

const isService = (e: { eventType: string }) =>
  e.eventType === "ServiceFeeEvent";

/** Asserts that store `index` holds exactly its seller's ground truth. */
export async function assertEqualsTruth(
  w: SyncWorld,
  index: number,
  /** Only these truth tables (default: all, with financial events and buyer data). */
  only?: readonly string[],
): Promise<void> {
  const wanted = (name: string) => !only || only.includes(name);
  const storeId = w.storeIds[index];
  const truth = w.sb.sandbox.sellers[index].truth();
  const read = (table: PgTable & { storeId: unknown }) =>
    w.db.asJob(storeId, (tx) =>
      // deno-lint-ignore no-explicit-any
      tx.select().from(table as any).where(
        // deno-lint-ignore no-explicit-any
        eq((table as any).storeId, storeId),
      )) as Promise<Record<string, unknown>[]>;
  for (const [name, table, omit] of TABLES) {
    if (!wanted(name)) continue;
    const expected = truth[name] as unknown as Record<string, unknown>[];
    const keys = truthKeys(expected, omit);
    assert.deepEqual(
      canonicalRows(await read(table), keys),
      canonicalRows(expected, keys),
      `${name} of store ${index} differs from the ground truth`,
    );
  }
  if (wanted("financialEvents")) await compareFinance(w, index, truth, read);
  if (!wanted("buyerPii")) return;
  const pii = await read(schema.buyerPii) as { amazonOrderId: string }[];
  assert.deepEqual(
    pii.map((p) => p.amazonOrderId).sort(),
    truth.buyerPii.map((p) => p.amazonOrderId).sort(),
    `buyer data of store ${index} is not exactly for the orders that need it`,
  );
}

async function compareFinance(
  _w: SyncWorld,
  index: number,
  truth: SellerTruth,
  read: (
    table: PgTable & { storeId: unknown },
  ) => Promise<Record<string, unknown>[]>,
): Promise<void> {
  const events = await read(schema.financialEvents) as {
    eventId: string;
    eventType: string;
  }[];
  const fees = await read(schema.fees) as { eventId: string }[];
  const dbService = new Set(events.filter(isService).map((e) => e.eventId));
  const truthService = new Set(
    truth.financialEvents.filter(isService).map((e) => e.eventId),
  );
  for (const service of [false, true]) {
    const omit = service ? [...OMIT, "eventId", "postedAt"] : OMIT;
    const ek = truthKeys(truth.financialEvents, omit);
    assert.deepEqual(
      canonicalRows(events.filter((e) => isService(e) === service), ek),
      canonicalRows(
        truth.financialEvents.filter((e) => isService(e) === service),
        ek,
      ),
      `financial events (service: ${service}) of store ${index} differ`,
    );
    const fk = truthKeys(truth.fees, omit);
    assert.deepEqual(
      canonicalRows(
        fees.filter((f) => dbService.has(f.eventId) === service),
        fk,
      ),
      canonicalRows(
        truth.fees.filter((f) => truthService.has(f.eventId) === service),
        fk,
      ),
      `fees (service: ${service}) of store ${index} differ`,
    );
  }
}
