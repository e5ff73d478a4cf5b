// Named maintenance functions: the only code besides migrations that runs
// as the table owner, across stores. Each one does one job and is listed in
// the architecture document; everything else goes through asUser/asJob.
import { sql } from "drizzle-orm";
import { type Database, OWNER } from "./client.ts";
import { roles, storeMarketplaces, stores } from "./schema.ts";

export interface StoreRegistration {
  /** Optional fixed id (the data generator uses deterministic ids). */
  id?: string;
  sellerId: string;
  region: "NA" | "EU" | "FE";
  name: string;
  brand?: string | null;
  createdAt?: Date;
  marketplaces: {
    marketplaceId: string;
    countryCode: string;
    defaultCurrency: string;
    domain: string;
  }[];
}

/**
 * Registers one of the company's own seller accounts (Data Policy §2) with
 * its marketplaces. A new store belongs to no principal yet, so row-level
 * security would hide it from everyone: this is why it runs as owner.
 */
export async function registerStore(
  db: Database,
  input: StoreRegistration,
): Promise<string> {
  return await db[OWNER].transaction(async (tx) => {
    const [row] = await tx.insert(stores).values({
      id: input.id,
      sellerId: input.sellerId,
      region: input.region,
      name: input.name,
      brand: input.brand ?? null,
      createdAt: input.createdAt,
      updatedAt: input.createdAt,
    }).returning({ id: stores.id });
    if (input.marketplaces.length > 0) {
      await tx.insert(storeMarketplaces).values(
        input.marketplaces.map((m) => ({
          storeId: row.id,
          ...m,
          createdAt: input.createdAt,
        })),
      );
    }
    return row.id;
  });
}

/** Writes the permission matrix (kept as data in lib/) into the roles table. */
export async function syncRoles(
  db: Database,
  matrix: readonly {
    name: string;
    description: string;
    permissions: string[];
  }[],
): Promise<void> {
  await db[OWNER].transaction(async (tx) => {
    for (const role of matrix) {
      await tx.insert(roles).values(role).onConflictDoUpdate({
        target: roles.name,
        set: {
          description: sql`excluded.description`,
          permissions: sql`excluded.permissions`,
        },
      });
    }
  });
}

/**
 * Every store id, for the roles that administer the portal (owner, admin,
 * auditor) and so see every store. Runs as owner because RLS would return
 * only the stores already granted.
 */
export async function listAllStoreIds(db: Database): Promise<string[]> {
  const rows = await db[OWNER].select({ id: stores.id }).from(stores);
  return rows.map((r) => r.id);
}

/** Whether an active staff user exists (if not, start-up prints an owner link). */
export async function hasActiveStaff(db: Database): Promise<boolean> {
  const rows = await db[OWNER].execute(
    sql`select exists (select 1 from staff_users where status = 'active') as any`,
  );
  const list = Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows;
  return Boolean((list[0] as { any: boolean }).any);
}
