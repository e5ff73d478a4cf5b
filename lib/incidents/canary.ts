// Data Policy §8 (abuse monitoring): canary records. An owner plants a decoy
// order with decoy buyer data in a store; no legitimate work reveals or
// exports a cancelled order's buyer data, so a reveal or a buyer-data export
// of one opens a critical incident at once, in the same request
// (incident_canary_touch, 0034_incidents.sql, which keeps the list of
// canaries from the person who tripped one). The decoy's buyer data is
// purged after 30 days like any other (§9: no exemption in the purge); the
// detection job then seals fresh decoy data for the same order, so a canary
// stays armed for as long as its record exists.
import { sql } from "drizzle-orm";
import type { Database, Tx } from "../../db/client.ts";
import { rowsOf } from "../../db/client.ts";
import { listConnectedStoreIds } from "../../db/maintenance.ts";
import { upsertBuyerPii } from "../ingest/buyer_pii.ts";
import { upsertOrders } from "../ingest/orders.ts";
import { recordAuditInTx, type RequestMeta } from "../security/audit.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import type { Vault } from "../security/vault.ts";
import { type Evidence, IncidentError } from "./model.ts";

export interface Canary {
  id: string;
  storeId: string;
  storeName: string;
  amazonOrderId: string;
  plantedByName: string;
  plantedAt: Date;
  /** Whether the decoy buyer data is held now (the purge takes it at 30 days, the detection job re-arms it). */
  decoyHeld: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const digits = (n: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b % 10).join(
    "",
  );

const DECOY_NAMES = ["Morgan Ellery", "Robin Achterberg", "Sam Okafor"];

/** The canaries of the principal's stores, newest first. */
export async function listCanaries(
  db: Database,
  principal: StaffPrincipal,
): Promise<Canary[]> {
  return await db.asUser(principal, async (tx) =>
    rowsOf(
      await tx.execute(
        sql`select c.id::text as id, c.store_id::text as store_id,
        s.name as store_name, c.amazon_order_id, c.planted_by_name,
        c.planted_at, exists (select 1 from buyer_pii b
          where b.store_id = c.store_id
            and b.amazon_order_id = c.amazon_order_id) as decoy_held
      from canary_records c join stores s on s.id = c.store_id
      order by c.planted_at desc, c.id`,
      ),
    ).map((r) => ({
      id: r.id as string,
      storeId: r.store_id as string,
      storeName: r.store_name as string,
      amazonOrderId: r.amazon_order_id as string,
      plantedByName: r.planted_by_name as string,
      plantedAt: new Date(r.planted_at as string),
      decoyHeld: Boolean(r.decoy_held),
    })));
}

/** Seals made-up buyer data for a decoy order (collected `now`: 30 days to live). */
async function sealDecoy(
  tx: Tx,
  vault: Vault,
  storeId: string,
  orderId: string,
  country: string,
  now: Date,
): Promise<void> {
  const name = DECOY_NAMES[Number(digits(1)) % DECOY_NAMES.length];
  await upsertBuyerPii(tx, vault, [{
    storeId,
    amazonOrderId: orderId,
    collectedAt: now,
    payload: {
      name,
      email: `${name.split(" ")[0].toLowerCase()}.${digits(6)}@example.invalid`,
      addressLine1: `${Number(digits(2)) + 1} Larkspur Lane`,
      city: "Fairhaven",
      postalCode: digits(5),
      countryCode: country.trim(),
    },
  }], { now });
}

/**
 * Re-arms the canaries of `storeIds` (default: every connected store) whose
 * decoy buyer data the retention purge took: fresh decoy data for the same
 * order, audited without the order id. Returns how many were re-armed.
 */
export async function rearmCanaries(
  deps: { db: Database; vault: Vault },
  storeIds?: readonly string[],
  now = new Date(),
): Promise<number> {
  let rearmed = 0;
  for (const storeId of storeIds ?? await listConnectedStoreIds(deps.db)) {
    rearmed += await deps.db.asJob(storeId, async (tx) => {
      const bare = rowsOf<{ order_id: string; country: string }>(
        await tx.execute(sql`select c.amazon_order_id as order_id,
            m.country_code::text as country
          from canary_records c
          join orders o on o.store_id = c.store_id
            and o.amazon_order_id = c.amazon_order_id
          join store_marketplaces m on m.store_id = o.store_id
            and m.marketplace_id = o.marketplace_id
          where c.store_id = ${storeId}::uuid
            and not exists (select 1 from buyer_pii b
              where b.store_id = c.store_id
                and b.amazon_order_id = c.amazon_order_id)`),
      );
      for (const c of bare) {
        await sealDecoy(tx, deps.vault, storeId, c.order_id, c.country, now);
      }
      if (bare.length > 0) {
        await recordAuditInTx(tx, {
          actorType: "system",
          action: "incident.canary.rearm",
          target: "canary",
          storeId,
          outcome: "success",
          details: { canaries: bare.length },
        });
      }
      return bare.length;
    });
  }
  return rearmed;
}

/**
 * Plants a canary order in `storeId` (owners only); audited. Returns the
 * decoy's Amazon order id.
 */
export async function plantCanary(
  deps: { db: Database; vault: Vault },
  principal: StaffPrincipal,
  storeId: string,
  meta: RequestMeta,
  now = new Date(),
): Promise<string> {
  if (principal.role !== "owner") throw new IncidentError("owner_only");
  if (!UUID.test(storeId) || !principal.storeIds.includes(storeId)) {
    throw new IncidentError("invalid", { store: "store" });
  }
  const orderId = `${digits(3)}-${digits(7)}-${digits(7)}`;
  return await deps.db.asUser(principal, async (tx) => {
    const [m] = rowsOf<{ id: string; country: string }>(
      await tx.execute(sql`select m.marketplace_id as id,
          m.country_code::text as country
        from store_marketplaces m join stores s on s.id = m.store_id
        where m.store_id = ${storeId}::uuid
        order by (m.marketplace_id = s.primary_marketplace_id) desc,
          m.created_at limit 1`),
    );
    if (!m) throw new IncidentError("invalid", { store: "marketplace" });
    const purchased = new Date(now.getTime() - 2 * 86_400_000);
    await upsertOrders(tx, [{
      storeId,
      amazonOrderId: orderId,
      marketplaceId: m.id,
      status: "Canceled",
      fulfillmentChannel: "MFN",
      purchasedAt: purchased,
      lastUpdatedAt: purchased,
    }]);
    await sealDecoy(tx, deps.vault, storeId, orderId, m.country, now);
    await tx.execute(sql`insert into canary_records (store_id, amazon_order_id,
        planted_by, planted_by_name, planted_at)
      values (${storeId}::uuid, ${orderId}, ${principal.userId}::uuid,
        ${principal.displayName}, ${now.toISOString()}::timestamptz)`);
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: principal.userId,
      action: "incident.canary.plant",
      // The order id stays out of the trail everyone with audit.read sees.
      target: "canary",
      storeId,
      outcome: "success",
      ...meta,
    });
    return orderId;
  });
}

/**
 * Whether `orderIds` of `storeId` include a canary; if so, opens (or adds
 * to) its critical incident inside the caller's transaction and returns the
 * incident's id. Called by the reveal and the buyer-data export.
 */
export async function canaryTouchTx(
  tx: Tx,
  storeId: string,
  orderIds: readonly string[],
  action: "reveal" | "export",
  at: Date,
  evidence: readonly Evidence[] = [],
): Promise<string | null> {
  if (orderIds.length === 0) return null;
  const [row] = rowsOf<{ id: string | null }>(
    await tx.execute(sql`select incident_canary_touch(${storeId}::uuid,
      ${`{${
      orderIds.map((o) => `"${o.replaceAll(/["\\]/g, "")}"`).join(",")
    }}`}::text[], ${action}, ${at.toISOString()}::timestamptz,
      ${JSON.stringify(evidence)}::jsonb)::text as id`),
  );
  return row?.id ?? null;
}
