// Named maintenance functions: the only code besides migrations that runs
// as the table owner, across stores. Each one does one job and is listed in
// the architecture document; everything else goes through asUser/asJob.
import { and, eq, isNull, lt, sql } from "drizzle-orm";
import { type Database, OWNER, rowsOf } from "./client.ts";
import {
  jobSlots,
  roles,
  storeMarketplaces,
  stores,
  storeScopedTables,
} from "./schema.ts";
import { getTableConfig } from "drizzle-orm/pg-core";

export interface StoreRegistration {
  /** Optional fixed id (the data generator uses deterministic ids). */
  id?: string;
  sellerId: string;
  region: "NA" | "EU" | "FE";
  name: string;
  brand?: string | null;
  createdAt?: Date;
  /** Where products take their titles from (default: the first marketplace). */
  primaryMarketplaceId?: string;
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
      primaryMarketplaceId: input.primaryMarketplaceId ??
        input.marketplaces[0]?.marketplaceId ?? null,
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
  const [row] = rowsOf<{ any: boolean }>(
    await db[OWNER].execute(
      sql`select exists (select 1 from staff_users where status = 'active') as any`,
    ),
  );
  return Boolean(row.any);
}

/** A column of vault ciphertexts, for key rotation. */
export interface SealedColumn {
  table: string;
  column: string;
  /** The primary key columns, for keyset batches. */
  keys: string[];
}

/**
 * Rewrites one column of ciphertexts across every store, batch by batch,
 * each batch committed on its own: a crash loses at most one batch's work
 * and a rerun continues (rows already rewritten are skipped by `rewrite`
 * returning null). Runs as owner because a key rotation spans all stores.
 */
export async function rewriteSealedColumn(
  db: Database,
  spec: SealedColumn,
  rewrite: (value: string) => Promise<string | null>,
  batchSize = 500,
): Promise<{ scanned: number; rewritten: number }> {
  const table = sql.identifier(spec.table);
  const column = sql.identifier(spec.column);
  const keyList = sql.join(spec.keys.map((k) => sql.identifier(k)), sql`, `);
  let after: unknown[] | null = null;
  let scanned = 0;
  let rewritten = 0;
  for (;;) {
    const batch: Record<string, unknown>[] = await db[OWNER].transaction(
      async (tx) => {
        const cursor = after
          ? sql`and (${keyList}) > (${
            sql.join(after.map((v) => sql`${v}`), sql`, `)
          })`
          : sql``;
        const rows = rowsOf(
          await tx.execute(sql`
          select ${keyList}, ${column} as sealed from ${table}
          where ${column} is not null ${cursor}
          order by ${keyList} limit ${batchSize} for update`),
        );
        for (const row of rows) {
          const next = await rewrite(String(row.sealed));
          if (next === null) continue;
          const where = sql.join(
            spec.keys.map((k) => sql`${sql.identifier(k)} = ${row[k]}`),
            sql` and `,
          );
          await tx.execute(
            sql`update ${table} set ${column} = ${next} where ${where}`,
          );
          rewritten++;
        }
        return rows;
      },
    );
    scanned += batch.length;
    if (batch.length < batchSize) break;
    const last = batch[batch.length - 1];
    after = spec.keys.map((k) => last[k]);
  }
  return { scanned, rewritten };
}

/**
 * Whether a seller account is registered in a region, whoever may see it:
 * registration must refuse duplicates even of stores the caller cannot see.
 */
export async function sellerRegistered(
  db: Database,
  sellerId: string,
  region: string,
): Promise<boolean> {
  const [row] = rowsOf<{ found: boolean }>(
    await db[OWNER].execute(
      sql`select exists (select 1 from stores where seller_id = ${sellerId} and region = ${region}) as found`,
    ),
  );
  return Boolean(row.found);
}

/**
 * Claims one firing of a scheduled job: the first instance to insert the
 * (name, slot) row runs it, every other instance sees false. Runs as owner
 * because a slot belongs to no store.
 */
export async function claimJobSlot(
  db: Database,
  name: string,
  slot: Date,
  worker: string,
): Promise<boolean> {
  const rows = await db[OWNER].insert(jobSlots).values({
    name,
    slot,
    claimedBy: worker,
  }).onConflictDoNothing().returning({ name: jobSlots.name });
  return rows.length === 1;
}

/** Forgets slots older than `before` (they can no longer be claimed twice). */
export async function pruneJobSlots(db: Database, before: Date): Promise<void> {
  await db[OWNER].delete(jobSlots).where(lt(jobSlots.slot, before));
}

/** Stores a scheduled sync fans out to: connected ones only (Data Policy §10). */
export async function listConnectedStoreIds(db: Database): Promise<string[]> {
  // A store whose syncs an incident paused is left out too.
  const rows = await db[OWNER].select({ id: stores.id }).from(stores).where(
    and(eq(stores.status, "connected"), isNull(stores.syncsPausedAt)),
  ).orderBy(stores.createdAt, stores.id);
  return rows.map((r) => r.id);
}

/** The store registered for a seller account, if any (it may belong to no principal yet). */
export async function findStoreBySeller(
  db: Database,
  sellerId: string,
  region: "NA" | "EU" | "FE",
): Promise<{ id: string; status: string } | null> {
  const [row] = await db[OWNER].select({ id: stores.id, status: stores.status })
    .from(stores).where(
      and(eq(stores.sellerId, sellerId), eq(stores.region, region)),
    );
  return row ?? null;
}

/**
 * Refreshes the planner's statistics of store tables after a bulk load
 * (PGlite has no autovacuum; a freshly backfilled table otherwise gets
 * plans made for an empty one). ANALYZE needs the owner.
 */
export async function analyzeTables(
  db: Database,
  tables: readonly string[],
): Promise<void> {
  const known = new Set(
    storeScopedTables.map((t) => getTableConfig(t).name),
  );
  for (const table of tables) {
    if (!known.has(table)) throw new RangeError(`not a store table: ${table}`);
    await db[OWNER].execute(sql`analyze ${sql.identifier(table)}`);
  }
}
