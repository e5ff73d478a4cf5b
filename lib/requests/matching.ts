// Relationship matching suggestions for staff (issue #17): an order id and
// e-mail against the buyer data we hold, a selling partner id against the
// registered stores. Only staff see them; the requester never learns
// whether anything matched. The buyer's e-mail is decrypted in memory to
// compare and never returned: the suggestion says only "matches" or not.
import { sql } from "drizzle-orm";
import { type Database, type Principal, rowsOf } from "../../db/client.ts";
import { BUYER_PII_PURPOSE } from "../ingest/buyer_pii.ts";
import type { Vault } from "../security/vault.ts";
import type { RequestRecord } from "./read.ts";

export interface MatchSuggestion {
  kind: "order" | "seller";
  storeId: string;
  storeName: string;
  orderId: string | null;
  /** For an order: whether the buyer e-mail we hold is the requester's. */
  emailMatches: boolean | null;
  /** Whether we still hold buyer personal data for the order. */
  buyerData: boolean;
}

/** Suggestions for `request`, among the principal's stores. */
export async function suggestMatches(
  deps: { db: Database; vault: Vault },
  principal: Principal,
  request: RequestRecord,
): Promise<MatchSuggestion[]> {
  if (request.relationship === "seller" && request.sellerId) {
    return await deps.db.asUser(
      principal,
      async (tx) =>
        rowsOf<{ id: string; name: string }>(
          await tx.execute(sql`select id::text, name from stores
          where seller_id = ${request.sellerId} order by name`),
        ).map((s) => ({
          kind: "seller" as const,
          storeId: s.id,
          storeName: s.name,
          orderId: null,
          emailMatches: null,
          buyerData: false,
        })),
    );
  }
  if (request.relationship !== "buyer" || !request.orderId) return [];
  const rows = await deps.db.asUser(
    principal,
    async (tx) =>
      rowsOf<{ store_id: string; name: string; payload_jwe: string | null }>(
        await tx.execute(sql`select o.store_id::text, s.name, b.payload_jwe
        from orders o join stores s on s.id = o.store_id
        left join buyer_pii b on b.store_id = o.store_id
          and b.amazon_order_id = o.amazon_order_id
        where o.amazon_order_id = ${request.orderId}
          ${
          request.marketplaceId
            ? sql`and o.marketplace_id = ${request.marketplaceId}`
            : sql``
        }
        order by s.name`),
      ),
  );
  const out: MatchSuggestion[] = [];
  for (const r of rows) {
    let emailMatches: boolean | null = null;
    if (r.payload_jwe) {
      try {
        const payload = JSON.parse(
          await deps.vault.open(r.payload_jwe, BUYER_PII_PURPOSE),
        ) as { email?: string };
        emailMatches = typeof payload.email === "string" &&
          payload.email.trim().toLowerCase() ===
            request.requesterEmail.trim().toLowerCase();
      } catch {
        emailMatches = null;
      }
    }
    out.push({
      kind: "order",
      storeId: r.store_id,
      storeName: r.name,
      orderId: request.orderId,
      emailMatches,
      buyerData: r.payload_jwe !== null,
    });
  }
  return out;
}
