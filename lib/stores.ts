// Stores as a principal sees them: row-level security decides which.
import { and, asc, eq } from "drizzle-orm";
import type { Database, Principal, Tx } from "../db/client.ts";
import { storeMarketplaces, stores } from "../db/schema.ts";
import { registerStore, sellerRegistered } from "../db/maintenance.ts";
import { z } from "zod";
import { plainText } from "./validation.ts";
import { REGION_MARKETPLACES } from "./amazon/marketplaces.ts";
import { countCategoriesTx } from "./policy/disconnection.ts";
import { recordAudit } from "./security/audit.ts";

export interface StoreSummary {
  id: string;
  name: string;
  sellerId: string;
  region: string;
  status: string;
}

/** The stores visible to `principal`, by name. */
export async function listVisibleStores(
  db: Database,
  principal: Principal,
): Promise<StoreSummary[]> {
  return await db.asUser(principal, visibleStoresTx);
}

/** The same, inside the caller's scoped transaction. */
export async function visibleStoresTx(tx: Tx): Promise<StoreSummary[]> {
  return await tx.select({
    id: stores.id,
    name: stores.name,
    sellerId: stores.sellerId,
    region: stores.region,
    status: stores.status,
  }).from(stores).orderBy(asc(stores.name));
}

export interface StoreDetail extends StoreSummary {
  brand: string | null;
  createdAt: Date;
  /** Where products take their title and attributes from. */
  primaryMarketplaceId: string | null;
  marketplaces: {
    marketplaceId: string;
    countryCode: string;
    defaultCurrency: string;
    domain: string;
  }[];
  /**
   * Rows held now per data category of Data Policy §3 (counts only, never
   * content): the same categories a disconnection deletes or keeps.
   */
  counts: Record<string, number>;
}

/**
 * One store as `principal` sees it, or null when it does not exist or is
 * not granted: row-level security makes both look the same (a 404).
 */
export async function getStoreDetail(
  db: Database,
  principal: Principal,
  storeId: string,
): Promise<StoreDetail | null> {
  return await db.asUser(principal, async (tx) => {
    const [store] = await tx.select().from(stores).where(
      eq(stores.id, storeId),
    );
    if (!store) return null;
    const marketplaces = await tx.select({
      marketplaceId: storeMarketplaces.marketplaceId,
      countryCode: storeMarketplaces.countryCode,
      defaultCurrency: storeMarketplaces.defaultCurrency,
      domain: storeMarketplaces.domain,
    }).from(storeMarketplaces).where(eq(storeMarketplaces.storeId, storeId))
      .orderBy(asc(storeMarketplaces.marketplaceId));
    const counts = await countCategoriesTx(tx, storeId);
    return {
      id: store.id,
      name: store.name,
      sellerId: store.sellerId,
      region: store.region,
      status: store.status,
      brand: store.brand,
      createdAt: store.createdAt,
      primaryMarketplaceId: store.primaryMarketplaceId,
      marketplaces,
      counts,
    };
  });
}

// ── Registering the company's own seller accounts (Data Policy §2) ─────────

/** The registration form; a field that fails is reported by its name only. */
export const registrationSchema = z.object({
  sellerId: z.string().trim().toUpperCase().regex(/^A[0-9A-Z]{8,20}$/),
  region: z.enum(["NA", "EU", "FE"]),
  name: plainText().trim().min(2).max(120),
  brand: plainText().trim().max(120).optional().transform((v) => v || null),
  marketplaceIds: z.array(z.string()).min(1),
  /** One of marketplaceIds (default: the first of them). */
  primaryMarketplaceId: z.string().trim().optional().transform((v) =>
    v || undefined
  ),
}).refine(
  (v) =>
    v.primaryMarketplaceId === undefined ||
    v.marketplaceIds.includes(v.primaryMarketplaceId),
  { path: ["primaryMarketplaceId"] },
);
export type StoreRegistrationInput = z.input<typeof registrationSchema>;

/**
 * What is wrong with a registration, as codes the views put into words: a
 * field of the form that does not have the expected shape, the
 * marketplaces outside the region, or an account registered already.
 */
export type StoreRegistrationProblem =
  | {
    code:
      | "sellerId"
      | "region"
      | "name"
      | "brand"
      | "marketplaceIds"
      | "primaryMarketplaceId";
  }
  | { code: "marketplace_region"; params: { region: string } }
  | {
    code: "already_registered";
    params: { sellerId: string; region: string };
  };

/** The marketplaces a store of each region can sell in, for the registration form. */
export function registrationRegions(): {
  region: "NA" | "EU" | "FE";
  marketplaces: { id: string; label: string }[];
}[] {
  return (["NA", "EU", "FE"] as const).map((region) => ({
    region,
    marketplaces: REGION_MARKETPLACES[region].map((m) => ({
      id: m.id,
      label: `${m.domain} (${m.countryCode})`,
    })),
  }));
}

export class StoreRegistrationError extends Error {
  override name = "StoreRegistrationError";
  constructor(readonly problems: StoreRegistrationProblem[]) {
    super(`store registration refused: ${problems.map((p) => p.code)}`);
  }
}

const FIELDS = [
  "sellerId",
  "region",
  "name",
  "brand",
  "marketplaceIds",
  "primaryMarketplaceId",
] as const;

/**
 * Registers one of the company's own seller accounts. Only registered
 * accounts may later be connected: this is how "no authorization from
 * unrelated third-party sellers" is enforced.
 */
export async function registerOwnStore(
  db: Database,
  actor: Principal,
  input: StoreRegistrationInput,
  audit: { ip?: string | null; requestId?: string | null } = {},
): Promise<string> {
  const parsed = registrationSchema.safeParse(input);
  if (!parsed.success) {
    // One problem per field, in the form's order; never the value.
    const wrong = new Set(parsed.error.issues.map((i) => i.path[0]));
    throw new StoreRegistrationError(
      FIELDS.filter((f) => wrong.has(f)).map((code) => ({ code })),
    );
  }
  const v = parsed.data;
  const marketplaces = v.marketplaceIds.map((id) =>
    REGION_MARKETPLACES[v.region].find((m) => m.id === id)
  );
  if (marketplaces.some((m) => !m)) {
    throw new StoreRegistrationError([
      { code: "marketplace_region", params: { region: v.region } },
    ]);
  }
  if (await sellerRegistered(db, v.sellerId, v.region)) {
    throw new StoreRegistrationError([{
      code: "already_registered",
      params: { sellerId: v.sellerId, region: v.region },
    }]);
  }
  const id = await registerStore(db, {
    sellerId: v.sellerId,
    region: v.region,
    name: v.name,
    brand: v.brand,
    primaryMarketplaceId: v.primaryMarketplaceId ?? v.marketplaceIds[0],
    marketplaces: marketplaces.map((m) => ({
      marketplaceId: m!.id,
      countryCode: m!.countryCode,
      defaultCurrency: m!.currency,
      domain: m!.domain,
    })),
  });
  await recordAudit(db, { ...actor, storeIds: [...actor.storeIds, id] }, {
    actorType: "staff",
    actorId: actor.userId,
    action: "store.register",
    target: `${v.sellerId}/${v.region}`,
    storeId: id,
    outcome: "success",
    ip: audit.ip ?? null,
    requestId: audit.requestId ?? null,
    details: {
      marketplaces: v.marketplaceIds,
      primaryMarketplace: v.primaryMarketplaceId ?? v.marketplaceIds[0],
    },
  });
  return id;
}

/** Whether `principal` may see the store (RLS decides; false looks like 404). */
export async function storeVisible(
  db: Database,
  principal: Principal,
  storeId: string,
): Promise<boolean> {
  const rows = await db.asUser(
    principal,
    (tx) =>
      tx.select({ id: stores.id }).from(stores).where(eq(stores.id, storeId)),
  );
  return rows.length === 1;
}

// ── The primary marketplace (issue #12) ────────────────────────────────────

/** The store page's primary-marketplace form. */
export const primaryMarketplaceSchema = z.object({
  marketplaceId: z.string().trim().min(1),
});

/** Why a primary marketplace was refused: a code the views put into words. */
export type PrimaryMarketplaceProblem = "marketplaceId" | "not_in_store";

export class PrimaryMarketplaceError extends Error {
  override name = "PrimaryMarketplaceError";
  constructor(readonly code: PrimaryMarketplaceProblem) {
    super(`primary marketplace refused: ${code}`);
  }
}

/**
 * Makes one of the store's own marketplaces its primary one, where products
 * take their title and attributes from (the next catalog sync reads every
 * marketplace afresh); audited. Returns false when the store is not
 * visible to `actor` (a 404), true when saved or already so.
 */
export async function setPrimaryMarketplace(
  db: Database,
  actor: Principal,
  storeId: string,
  input: z.input<typeof primaryMarketplaceSchema>,
  audit: { ip?: string | null; requestId?: string | null } = {},
): Promise<boolean> {
  const parsed = primaryMarketplaceSchema.safeParse(input);
  if (!parsed.success) throw new PrimaryMarketplaceError("marketplaceId");
  const marketplaceId = parsed.data.marketplaceId;
  const before = await db.asUser(actor, async (tx) => {
    const [store] = await tx.select({
      primary: stores.primaryMarketplaceId,
    }).from(stores).where(eq(stores.id, storeId));
    if (!store) return null;
    const [market] = await tx.select({ id: storeMarketplaces.marketplaceId })
      .from(storeMarketplaces).where(and(
        eq(storeMarketplaces.storeId, storeId),
        eq(storeMarketplaces.marketplaceId, marketplaceId),
      ));
    if (!market) throw new PrimaryMarketplaceError("not_in_store");
    if (store.primary === marketplaceId) return { changed: false };
    await tx.update(stores).set({
      primaryMarketplaceId: marketplaceId,
      updatedAt: new Date(),
    }).where(eq(stores.id, storeId));
    return { changed: true, from: store.primary };
  });
  if (!before) return false;
  if (before.changed) {
    await recordAudit(db, actor, {
      actorType: "staff",
      actorId: actor.userId,
      action: "store.primary_marketplace",
      target: storeId,
      storeId,
      outcome: "success",
      ip: audit.ip ?? null,
      requestId: audit.requestId ?? null,
      details: { from: before.from ?? null, to: marketplaceId },
    });
  }
  return true;
}
