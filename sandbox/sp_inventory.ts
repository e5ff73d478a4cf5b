// FBA Inventory v1: getInventorySummaries (facts §4.4). The current state of
// each FBA SKU in one marketplace, 50 per page; `nextToken` sits at the top
// level beside `payload` and expires 30 seconds after it was issued. With
// startDateTime only summaries changed since then are returned (at most 18
// months back), and that parameter must be repeated with the token.
import type { Hono } from "hono";
import { invalidInput, json } from "./_http.ts";
import type { SandboxEnv } from "./env.ts";
import { isoZ } from "./format.ts";
import { paramsHash } from "./pagination.ts";
import { foreignMarketplace, listOf, spRoute, timeOf } from "./sp_route.ts";
import type { InventorySummary } from "./world/amazon.ts";

const PAGE = 50;
const TOKEN_TTL_MS = 30_000;

function summary(
  s: InventorySummary,
  title: string | undefined,
  details: boolean,
) {
  const out: Record<string, unknown> = {
    asin: s.asin,
    fnSku: s.fnSku,
    sellerSku: s.sellerSku,
    condition: s.condition,
  };
  if (details) {
    const d = s.inventoryDetails;
    const reserved = d.reservedQuantity.totalReservedQuantity;
    const researching = d.researchingQuantity.totalResearchingQuantity;
    const unfulfillable = d.unfulfillableQuantity.totalUnfulfillableQuantity;
    out.inventoryDetails = {
      fulfillableQuantity: d.fulfillableQuantity,
      inboundWorkingQuantity: d.inboundWorkingQuantity,
      inboundShippedQuantity: d.inboundShippedQuantity,
      inboundReceivingQuantity: d.inboundReceivingQuantity,
      reservedQuantity: {
        totalReservedQuantity: reserved,
        pendingCustomerOrderQuantity: reserved,
        pendingTransshipmentQuantity: 0,
        fcProcessingQuantity: 0,
      },
      researchingQuantity: {
        totalResearchingQuantity: researching,
        researchingQuantityBreakdown: researching
          ? [{
            name: "researchingQuantityInShortTerm",
            quantity: researching,
          }]
          : [],
      },
      unfulfillableQuantity: {
        totalUnfulfillableQuantity: unfulfillable,
        customerDamagedQuantity: unfulfillable,
        warehouseDamagedQuantity: 0,
        distributorDamagedQuantity: 0,
        carrierDamagedQuantity: 0,
        defectiveQuantity: 0,
        expiredQuantity: 0,
      },
    };
  }
  out.lastUpdatedTime = isoZ(Date.parse(s.lastUpdatedTime));
  out.productName = title;
  out.totalQuantity = s.totalQuantity;
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
      (skus.size === 0 || skus.has(s.sellerSku)) &&
      (since === undefined || Date.parse(s.lastUpdatedTime) >= since)
    );
    const page = all.slice(offset, offset + PAGE);
    const body: Record<string, unknown> = {
      payload: {
        granularity: {
          granularityType: "Marketplace",
          granularityId: markets[0],
        },
        inventorySummaries: page.map((s) =>
          summary(
            s,
            world.productBySku.get(s.sellerSku)?.title,
            q.details === true,
          )
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
