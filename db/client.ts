// The one place that opens database connections (architecture: "Store
// isolation is the database's job"). Application code gets only asUser and
// asJob, which run inside a transaction as the database's runtime role
// (custodian_app_<database>) with the principal's stores in `app.store_ids`
// (Data Policy §5). On PostgreSQL they run on a pool that logs in as that
// role, which owns nothing and has no BYPASSRLS, so no statement can get
// back to the owner; the owner's pool serves migrations and the named
// maintenance functions of db/maintenance.ts only.
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
   * Runs `fn` in a transaction as the runtime role, seeing only the
   * principal's stores.
   *
   * @example
   * const rows = await db.asUser(principal, (tx) => tx.select().from(orders));
   */
  asUser<T>(principal: Principal, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs `fn` for background work on one store, with the same isolation. */
  asJob<T>(storeId: string, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Applies pending migrations under an advisory lock. */
  migrate(): Promise<void>;
  /** Throws unless the database answers (through the runtime login). */
  ping(): Promise<void>;
  /**
   * The role scoped transactions run as: one per database
   * (`custodian_app_<database>`, see db/migrations/0012_runtime_login.sql).
   */
  runtimeRole(): Promise<string>;
  close(): Promise<void>;
  readonly [OWNER]: OwnerDb;
}

export interface OpenOptions {
  /**
   * postgres:// URL of the database's owner; when absent, PGlite is used.
   * Requests and jobs run on a second pool that logs in as the runtime role.
   */
  databaseUrl?: string;
  /**
   * The runtime login's password (PostgreSQL). By default it is derived from
   * the owner's password in `databaseUrl`, so every instance with the same
   * URL agrees; without one the login gets no password (trust, peer or
   * certificate authentication).
   */
  appPassword?: string;
  /** PGlite directory, or undefined for an in-memory database. */
  pgliteDir?: string;
  /** A PGlite data-dir dump to start from (tests clone a migrated template). */
  pgliteTemplate?: Blob | File;
  /** Connections of the runtime pool; the owner's pool has a quarter (at least 2). */
  poolSize?: number;
  /**
   * PostgreSQL only: called as each statement is sent (bench/load.ts records
   * the statements a page runs, to time them again as raw SQL). Never set by
   * the portal: parameters can hold anything.
   */
  onQuery?: QueryHook;
}

/** Sees each statement sent: its pool, its connection, its text and parameters. */
export type QueryHook = (
  pool: "owner" | "runtime",
  connection: number,
  query: string,
  parameters: readonly unknown[],
) => void;

/** Opens PostgreSQL when `databaseUrl` is given, PGlite otherwise. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    return openPostgres(
      opts.databaseUrl,
      opts.poolSize,
      opts.appPassword,
      opts.onQuery,
    );
  }
  return await openPglite(opts.pgliteDir, opts.pgliteTemplate);
}

function openPostgres(
  url: string,
  poolSize = 10,
  appPassword?: string,
  onQuery?: QueryHook,
): Database {
  const ownerClient = postgres(url, {
    max: Math.max(2, Math.ceil(poolSize / 4)),
    onnotice: () => {},
    debug: onQuery &&
      ((conn, query, params) => onQuery("owner", conn, query, params)),
    idle_timeout: 30,
    connect_timeout: 10,
    connection: { application_name: "custodian-owner" },
  });
  const owner = drizzlePostgres({
    client: ownerClient,
    schema,
  }) as unknown as OwnerDb;
  let roleName: Promise<string> | undefined;
  const runtimeRole = () =>
    roleName ??= runtimeRoleOf(owner).catch((err) => {
      roleName = undefined;
      throw err;
    });
  // The runtime pool opens on first use, after the migrations made its role.
  let runtime: Promise<{ client: postgres.Sql; db: OwnerDb }> | undefined;
  const openRuntime = () =>
    runtime ??= (async () => {
      const name = await runtimeRole();
      const password = appPassword ?? await derivedAppPassword(url);
      await prepareRuntimeLogin(ownerClient, name, password);
      const client = postgres(url, {
        max: poolSize,
        username: name,
        password: password ?? undefined,
        onnotice: () => {},
        debug: onQuery &&
          ((conn, query, params) => onQuery("runtime", conn, query, params)),
        idle_timeout: 30,
        connect_timeout: 10,
        connection: { application_name: "custodian" },
      });
      return {
        client,
        db: drizzlePostgres({ client, schema }) as unknown as OwnerDb,
      };
    })().catch((err) => {
      runtime = undefined;
      throw err;
    });
  return build("postgres", owner, {
    scopedDb: async () => (await openRuntime()).db,
    prepare: async () => {},
    // The connection is the runtime login already: nothing to switch, and
    // nothing for RESET ROLE to switch back to.
    enterScope: async () => {},
    runtimeRole,
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
    async close() {
      const open = runtime ? await runtime.catch(() => null) : null;
      await open?.client.end({ timeout: 5 });
      await ownerClient.end({ timeout: 5 });
    },
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
  let roleName: Promise<string> | undefined;
  const runtimeRole = () =>
    roleName ??= runtimeRoleOf(owner).catch((err) => {
      roleName = undefined;
      throw err;
    });
  return build("pglite", owner, {
    scopedDb: () => Promise.resolve(owner),
    // PGlite is one in-process session of its built-in superuser, so the
    // runtime role is entered with SET LOCAL ROLE (SET SESSION AUTHORIZATION
    // does not end with the transaction in PGlite).
    async enterScope(tx) {
      // Resolved before the transaction: PGlite's one session is held by it.
      await tx.execute(sql.raw(`set local role ${ident(await runtimeRole())}`));
    },
    prepare: () => runtimeRole().then(() => {}),
    runtimeRole,
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
  ops: {
    /** Where scoped transactions run: the runtime pool, or PGlite's session. */
    scopedDb(): Promise<OwnerDb>;
    /** Switches a fresh transaction to the runtime role where needed. */
    enterScope(tx: OwnerTx): Promise<void>;
    /** Whatever enterScope needs, fetched before the transaction opens. */
    prepare(): Promise<void>;
    runtimeRole(): Promise<string>;
    migrate(): Promise<void>;
    close(): Promise<void>;
  },
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
    const db = await ops.scopedDb();
    await ops.prepare();
    return await db.transaction(async (tx) => {
      // set_config(..., true) is transaction-local: nothing leaks to the
      // next user of a pooled connection (false would).
      await tx.execute(
        sql`select set_config('app.user_id', ${userId}, true),
          set_config('app.store_ids', ${storeIds.join(",")}, true),
          set_config('app.audit_all', ${auditAll ? "on" : "off"}, true)`,
      );
      await ops.enterScope(tx);
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
      await (await ops.scopedDb()).execute(sql`select 1`);
    },
    runtimeRole: ops.runtimeRole,
    close: ops.close,
    [OWNER]: owner,
  };
}

type OwnerTx = Parameters<Parameters<OwnerDb["transaction"]>[0]>[0];

/** A role name as a quoted identifier. */
function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function runtimeRoleOf(owner: OwnerDb): Promise<string> {
  let rows;
  try {
    rows = rowsOf<{ name: string }>(
      await owner.execute(sql`select app_runtime_role() as name`),
    );
  } catch (err) {
    throw new Error(
      "the database has no runtime role yet: run the migrations first",
      { cause: err },
    );
  }
  return rows[0].name;
}

/**
 * Checks that the runtime role has no power beyond its grants, then gives it
 * its password. Runs as owner, once per process, under the migration lock
 * (two instances altering one role at once would fail).
 */
async function prepareRuntimeLogin(
  owner: postgres.Sql,
  name: string,
  password: string | null,
): Promise<void> {
  const [role] = await owner<{
    super: boolean;
    bypass: boolean;
    member: boolean;
    owns: boolean;
  }[]>`select r.rolsuper as super, r.rolbypassrls as bypass,
      exists (select 1 from pg_auth_members m where m.member = r.oid) as member,
      exists (select 1 from pg_class c where c.relowner = r.oid)
        or exists (select 1 from pg_proc p where p.proowner = r.oid)
        or exists (select 1 from pg_namespace n where n.nspowner = r.oid) as owns
    from pg_roles r where r.rolname = ${name}`;
  if (!role) {
    throw new Error(`the runtime role ${name} is missing: run the migrations`);
  }
  if (role.super || role.bypass || role.member || role.owns) {
    throw new Error(
      `refusing to serve requests as ${name}: it must not be superuser, have BYPASSRLS, belong to another role or own anything (fix the role, or drop it and migrate again)`,
    );
  }
  // A SCRAM verifier, not the password, travels to the server (and its log).
  const verifier = password === null
    ? "null"
    : `'${await scramVerifier(password)}'`;
  try {
    await owner.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
      await tx.unsafe(
        `alter role ${ident(name)} with login password ${verifier}`,
      );
    });
  } catch (err) {
    // Without CREATEROLE (or ADMIN on the role) the owner cannot set it: the
    // administrator manages the login, and connecting will tell.
    if ((err as { code?: string }).code !== "42501") throw err;
  }
}

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

/**
 * The runtime login's default password: PBKDF2 of the owner's password in
 * the URL, salted with the owner and database names, so that every instance
 * started with the same DATABASE_URL derives the same one and the runtime
 * password reveals nothing usable about the owner's. Null without a password.
 */
export async function derivedAppPassword(url: string): Promise<string | null> {
  const u = new URL(url);
  if (!u.password) return null;
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    enc.encode(decodeURIComponent(u.password)),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    {
      name: "PBKDF2",
      hash: "SHA-256",
      salt: enc.encode(
        `custodian.app-login.v1\0${decodeURIComponent(u.username)}\0${
          decodeURIComponent(u.pathname.slice(1))
        }`,
      ),
      iterations: 600_000,
    },
    key,
    256,
  );
  return base64(new Uint8Array(bits)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

/**
 * A SCRAM-SHA-256 verifier for `password` (RFC 5802/7677, PostgreSQL's
 * format), as `ALTER ROLE … PASSWORD` accepts it pre-hashed. ASCII passwords
 * only (no SASLprep).
 */
export async function scramVerifier(
  password: string,
  salt: Uint8Array<ArrayBuffer> = crypto.getRandomValues(new Uint8Array(16)),
  iterations = 4096,
): Promise<string> {
  const enc = new TextEncoder();
  const base = await crypto.subtle.importKey(
    "raw",
    enc.encode(password),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const salted = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    base,
    256,
  );
  const hmac = await crypto.subtle.importKey(
    "raw",
    salted,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const clientKey = await crypto.subtle.sign(
    "HMAC",
    hmac,
    enc.encode("Client Key"),
  );
  const storedKey = new Uint8Array(
    await crypto.subtle.digest("SHA-256", clientKey),
  );
  const serverKey = new Uint8Array(
    await crypto.subtle.sign("HMAC", hmac, enc.encode("Server Key")),
  );
  return `SCRAM-SHA-256$${iterations}:${base64(salt)}$${base64(storedKey)}:${
    base64(serverKey)
  }`;
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
