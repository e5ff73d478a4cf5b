// FBA inventory (Data Policy §3: inventory and fulfillment data): the current
// summary of every FBA SKU per marketplace through getInventorySummaries
// (FBA Inventory v1), 50 per page, stored as today's snapshot. Pages are
// written as they arrive; the run is a full read (Amazon's startDateTime
// filter misses SKUs whose quantities did not change), so a crash mid-way
// is completed by the next run, which rewrites the same rows.
import { z } from "zod";
import { paginate } from "../../amazon/sp_client.ts";
import {
  type InventorySnapshotRow,
  upsertInventorySnapshots,
} from "../../ingest/inventory.ts";
import type { Dataset, SyncContext } from "../dataset.ts";
import { validRows } from "../validate.ts";

const qty = z.number().int().min(0).default(0);
const summary = z.object({
  asin: z.string().min(1),
  fnSku: z.string().optional(),
  sellerSku: z.string().min(1),
  condition: z.string().optional(),
  inventoryDetails: z.object({
    fulfillableQuantity: qty,
    inboundWorkingQuantity: qty,
    inboundShippedQuantity: qty,
    inboundReceivingQuantity: qty,
    reservedQuantity: z.object({ totalReservedQuantity: qty }).optional(),
    researchingQuantity: z.object({ totalResearchingQuantity: qty })
      .optional(),
    unfulfillableQuantity: z.object({ totalUnfulfillableQuantity: qty })
      .optional(),
  }).optional(),
  lastUpdatedTime: z.string().optional(),
  totalQuantity: qty,
});

interface Page {
  payload?: { inventorySummaries?: unknown[] };
  pagination?: { nextToken?: string };
}

/** Today's date (UTC) as the snapshot date. */
function snapshotDate(ctx: SyncContext): string {
  return ctx.now().toISOString().slice(0, 10);
}

async function syncMarketplace(ctx: SyncContext, marketplaceId: string) {
  const day = snapshotDate(ctx);
  let n = 0;
  for await (
    const page of paginate<Page>(ctx.sp, {
      storeId: ctx.store.storeId,
      region: ctx.store.region,
      operation: "getInventorySummaries",
      path: "/fba/inventory/v1/summaries",
      query: {
        details: "true",
        granularityType: "Marketplace",
        granularityId: marketplaceId,
        marketplaceIds: [marketplaceId],
      },
    }, { next: (b) => b.pagination?.nextToken, tokenParam: "nextToken" })
  ) {
    ctx.page();
    const rows: InventorySnapshotRow[] = validRows(
      ctx,
      summary,
      page.body.payload?.inventorySummaries ?? [],
      `getInventorySummaries ${marketplaceId} page ${++n}`,
    ).map((s) => {
      const d = s.inventoryDetails;
      return {
        storeId: ctx.store.storeId,
        marketplaceId,
        sku: s.sellerSku,
        snapshotDate: day,
        fnsku: s.fnSku || null,
        asin: s.asin,
        condition: s.condition || null,
        fulfillable: d?.fulfillableQuantity ?? 0,
        inboundWorking: d?.inboundWorkingQuantity ?? 0,
        inboundShipped: d?.inboundShippedQuantity ?? 0,
        inboundReceiving: d?.inboundReceivingQuantity ?? 0,
        reserved: d?.reservedQuantity?.totalReservedQuantity ?? 0,
        researching: d?.researchingQuantity?.totalResearchingQuantity ?? 0,
        unfulfillable: d?.unfulfillableQuantity?.totalUnfulfillableQuantity ??
          0,
        total: s.totalQuantity,
        lastUpdatedAt: s.lastUpdatedTime ? new Date(s.lastUpdatedTime) : null,
      };
    });
    if (rows.length) {
      await ctx.write((tx) => upsertInventorySnapshots(tx, rows));
    }
  }
}

export const inventoryDataset: Dataset = {
  name: "inventory",
  api: "sp-api",
  schedule: "7 * * * *",
  async run(ctx) {
    for (const [i, m] of ctx.store.marketplaceIds.entries()) {
      ctx.progress({
        step: `marketplace ${m}`,
        done: i,
        total: ctx.store.marketplaceIds.length,
      });
      await syncMarketplace(ctx, m);
    }
    ctx.progress({ done: ctx.store.marketplaceIds.length });
  },
};
