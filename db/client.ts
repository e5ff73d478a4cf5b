// The one place that opens database connections (architecture: "Store
// isolation is the database's job"). Application code gets only asUser and
// asJob, which run inside a transaction as the custodian_app role with the
// principal's stores in `app.store_ids` (Data Policy §5).
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type { PgDatabase } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema.ts";

export type Schema = typeof schema;
export type Tx = PgTransaction<
  PgQueryResultHKT,
  Schema,
  ExtractTablesWithRelations<Schema>
>;
type OwnerDb = PgDatabase<PgQueryResultHKT, Schema>;

/** Who a scoped transaction runs for. `storeIds` become `app.store_ids`. */
export interface Principal {
  userId: string;
  storeIds: readonly string[];
  /** Auditors read the whole audit trail across stores (`app.audit_all`). */
  auditAll?: boolean;
}

/** The application role that every scoped transaction switches to. */
export const APP_ROLE = "custodian_app";
/** The advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK = 7_240_917_001;
const MIGRATIONS_FOLDER = decodeURIComponent(
  new URL("./migrations", import.meta.url).pathname,
);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Access to owner-level connections, for db/maintenance.ts and migrations only. */
export const OWNER: unique symbol = Symbol("custodian.db.owner");

export interface Database {
  readonly engine: "pglite" | "postgres";
  /**
   * Runs `fn` in a transaction as custodian_app, seeing only the principal's stores.
   *
   * @example
   * const rows = await db.asUser(principal, (tx) => tx.select().from(orders));
   */
  asUser<T>(principal: Principal, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs `fn` for background work on one store, with the same isolation. */
  asJob<T>(storeId: string, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Applies pending migrations under an advisory lock. */
  migrate(): Promise<void>;
  /** Throws unless the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
  readonly [OWNER]: OwnerDb;
}

export interface OpenOptions {
  /** postgres:// URL; when absent, PGlite is used. */
  databaseUrl?: string;
  /** PGlite directory, or undefined for an in-memory database. */
  pgliteDir?: string;
  /** A PGlite data-dir dump to start from (tests clone a migrated template). */
  pgliteTemplate?: Blob | File;
  poolSize?: number;
}

/** Opens PostgreSQL when `databaseUrl` is given, PGlite otherwise. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize);
  return await openPglite(opts.pgliteDir, opts.pgliteTemplate);
}

function openPostgres(url: string, poolSize = 10): Database {
  const client = postgres(url, {
    max: poolSize,
    onnotice: () => {},
    idle_timeout: 30,
    connect_timeout: 10,
    connection: { application_name: "custodian" },
  });
  const owner = drizzlePostgres({ client, schema }) as unknown as OwnerDb;
  return build("postgres", owner, {
    async migrate() {
      // One dedicated connection holds the lock and runs the migrations.
      const single = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await single`select pg_advisory_lock(${MIGRATION_LOCK})`;
        await migratePostgres(drizzlePostgres({ client: single, schema }), {
          migrationsFolder: MIGRATIONS_FOLDER,
        });
        await single`select pg_advisory_unlock(${MIGRATION_LOCK})`;
      } finally {
        await single.end({ timeout: 5 });
      }
    },
    close: () => client.end({ timeout: 5 }),
  });
}

async function openPglite(
  dir: string | undefined,
  template: Blob | File | undefined,
): Promise<Database> {
  if (dir) await Deno.mkdir(dir, { recursive: true });
  const client = await PGlite.create({
    dataDir: dir,
    loadDataDir: template,
  });
  const owner = drizzlePglite({ client, schema }) as unknown as OwnerDb;
  return build("pglite", owner, {
    async migrate() {
      // PGlite has one session; the lock still guards a shared directory.
      await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
      try {
        await migratePglite(drizzlePglite({ client, schema }), {
          migrationsFolder: MIGRATIONS_FOLDER,
        });
      } finally {
        await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]);
      }
    },
    close: () => client.close(),
  });
}

function build(
  engine: Database["engine"],
  owner: OwnerDb,
  ops: { migrate(): Promise<void>; close(): Promise<void> },
): Database {
  const scoped = async <T>(
    userId: string,
    storeIds: readonly string[],
    fn: (tx: Tx) => Promise<T>,
    auditAll = false,
  ): Promise<T> => {
    if (userId !== "" && !UUID.test(userId)) {
      throw new TypeError("user id must be a UUID");
    }
    for (const id of storeIds) {
      if (!UUID.test(id)) throw new TypeError("store id must be a UUID");
    }
    return await owner.transaction(async (tx) => {
      // set_config(..., true) is transaction-local: nothing leaks to the
      // next user of a pooled connection (false would).
      await tx.execute(
        sql`select set_config('app.user_id', ${userId}, true),
          set_config('app.store_ids', ${storeIds.join(",")}, true),
          set_config('app.audit_all', ${auditAll ? "on" : "off"}, true)`,
      );
      await tx.execute(sql.raw(`set local role ${APP_ROLE}`));
      return await fn(tx as unknown as Tx);
    });
  };
  return {
    engine,
    asUser: (principal, fn) =>
      scoped(principal.userId, principal.storeIds, fn, principal.auditAll),
    asJob: (storeId, fn) => scoped("", [storeId], fn),
    migrate: ops.migrate,
    async ping() {
      await owner.execute(sql`select 1`);
    },
    close: ops.close,
    [OWNER]: owner,
  };
}

/** Normalises `execute` results: postgres.js returns an array, PGlite `{rows}`. */
export function rowsOf<T = Record<string, unknown>>(result: unknown): T[] {
  if (Array.isArray(result)) return Array.from(result) as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** The database's own message for a failed query (drizzle wraps it in `cause`). */
export function dbErrorMessage(err: unknown): string {
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}
