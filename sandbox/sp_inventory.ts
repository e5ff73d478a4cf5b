// FBA Inventory v1: getInventorySummaries (facts §4.4). The current state of
// each FBA SKU in one marketplace, 50 per page; `nextToken` sits at the top
// level beside `payload` and expires 30 seconds after it was issued. With
// startDateTime only summaries changed since then are returned (at most 18
// months back), and that parameter must be repeated with the token.
import type { Hono } from "hono";
import type { InventorySnapshotRow } from "../lib/ingest/inventory.ts";
import { invalidInput, json } from "./_http.ts";
import type { SandboxEnv } from "./env.ts";
import { isoZ } from "./format.ts";
import { paramsHash } from "./pagination.ts";
import { foreignMarketplace, listOf, spRoute, timeOf } from "./sp_route.ts";

const PAGE = 50;
const TOKEN_TTL_MS = 30_000;

function summary(
  s: InventorySnapshotRow,
  title: string | undefined,
  details: boolean,
) {
  const out: Record<string, unknown> = {
    asin: s.asin,
    fnSku: s.fnsku,
    sellerSku: s.sku,
    condition: s.condition ?? "NewItem",
  };
  if (details) {
    out.inventoryDetails = {
      fulfillableQuantity: s.fulfillable,
      inboundWorkingQuantity: s.inboundWorking,
      inboundShippedQuantity: s.inboundShipped,
      inboundReceivingQuantity: s.inboundReceiving,
      reservedQuantity: {
        totalReservedQuantity: s.reserved,
        pendingCustomerOrderQuantity: s.reserved,
        pendingTransshipmentQuantity: 0,
        fcProcessingQuantity: 0,
      },
      researchingQuantity: {
        totalResearchingQuantity: s.researching,
        researchingQuantityBreakdown: s.researching
          ? [{
            name: "researchingQuantityInShortTerm",
            quantity: s.researching,
          }]
          : [],
      },
      unfulfillableQuantity: {
        totalUnfulfillableQuantity: s.unfulfillable,
        customerDamagedQuantity: s.unfulfillable,
        warehouseDamagedQuantity: 0,
        distributorDamagedQuantity: 0,
        carrierDamagedQuantity: 0,
        defectiveQuantity: 0,
        expiredQuantity: 0,
      },
    };
  }
  out.lastUpdatedTime = s.lastUpdatedAt ? isoZ(new Date(s.lastUpdatedAt)) : "";
  out.productName = title;
  out.totalQuantity = s.total;
  return out;
}

/** Registers GET /fba/inventory/v1/summaries. */
export function inventoryRoutes(app: Hono, env: SandboxEnv): void {
  spRoute(app, env, "getInventorySummaries", ({ q, seller, world, now }) => {
    const markets = listOf(q.marketplaceIds);
    const foreign = foreignMarketplace(seller, markets);
    if (foreign) return foreign;
    if (q.granularityId !== markets[0]) {
      return invalidInput(
        "Invalid Input",
        "granularityId must be the marketplace in marketplaceIds.",
      );
    }
    const since = timeOf(q.startDateTime);
    if (since !== undefined && since < now - 548 * 86_400_000) {
      return invalidInput(
        "Invalid Input",
        "startDateTime cannot be more than 18 months in the past.",
      );
    }
    const skus = new Set(listOf(q.sellerSkus));
    if (typeof q.sellerSku === "string") skus.add(q.sellerSku);
    const { nextToken, ...fixed } = q;
    const hash = paramsHash(fixed);
    let offset = 0;
    if (typeof nextToken === "string") {
      const state = env.codec.decode(nextToken, {
        s: seller.sellerId,
        o: "getInventorySummaries",
        h: hash,
        now,
        ttlMs: TOKEN_TTL_MS,
      });
      if (state === "expired") {
        return invalidInput(
          "The nextToken you have submitted has expired.",
          "nextToken is valid for 30 seconds.",
        );
      }
      if (typeof state === "string") {
        return invalidInput(
          "Invalid nextToken",
          "The nextToken is not valid for these parameters.",
        );
      }
      offset = state.k as number;
    }
    const all = (world.inventoryByMarket.get(markets[0]) ?? []).filter((s) =>
      (skus.size === 0 || skus.has(s.sku)) &&
      (since === undefined ||
        (s.lastUpdatedAt !== null && s.lastUpdatedAt !== undefined &&
          new Date(s.lastUpdatedAt).getTime() >= since))
    );
    const page = all.slice(offset, offset + PAGE);
    const body: Record<string, unknown> = {
      payload: {
        granularity: {
          granularityType: "Marketplace",
          granularityId: markets[0],
        },
        inventorySummaries: page.map((s) =>
          summary(s, world.productBySku.get(s.sku)?.title, q.details === true)
        ),
      },
    };
    if (offset + PAGE < all.length) {
      body.pagination = {
        nextToken: env.codec.encode({
          s: seller.sellerId,
          o: "getInventorySummaries",
          h: hash,
          t: now,
          k: offset + PAGE,
        }),
      };
    }
    return json(200, body);
  });
}
