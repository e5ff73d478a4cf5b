// Databases for bench scripts: a fresh PGlite directory, or a fresh database
// on the PostgreSQL server at BENCH_DATABASE_URL / DATABASE_URL / localhost.
import postgres from "postgres";
import { type Database, openDatabase } from "../db/client.ts";

export const PG_ADMIN_URL = Deno.env.get("BENCH_DATABASE_URL") ??
  Deno.env.get("DATABASE_URL") ??
  "postgres://postgres@127.0.0.1:5432/postgres";

export interface BenchDb extends AsyncDisposable {
  db: Database;
  engine: "pglite" | "postgres";
  /** Opens the same database again (a restart). */
  reopen(): Promise<Database>;
}

/** A fresh, migrated database on one engine; removed on dispose. */
export async function openBenchDb(
  engine: "pglite" | "postgres",
): Promise<BenchDb> {
  if (engine === "pglite") {
    const dir = await Deno.makeTempDir({ prefix: "custodian-bench-" });
    const open = () => openDatabase({ pgliteDir: dir });
    const db = await open();
    await db.migrate();
    return {
      db,
      engine,
      reopen: open,
      async [Symbol.asyncDispose]() {
        await db.close();
        await Deno.remove(dir, { recursive: true });
      },
    };
  }
  const name = `custodian_bench_${crypto.randomUUID().replaceAll("-", "")}`;
  const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const open = () => openDatabase({ databaseUrl: url.toString(), poolSize: 4 });
  const db = await open();
  await db.migrate();
  const role = await db.runtimeRole();
  return {
    db,
    engine,
    reopen: open,
    async [Symbol.asyncDispose]() {
      await db.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      // The database's runtime role outlives it.
      await admin.unsafe(`drop role if exists "${role}"`);
      await admin.end();
    },
  };
}

/** Whether the PostgreSQL server answers; benches skip it otherwise. */
export async function postgresAvailable(): Promise<boolean> {
  const sql = postgres(PG_ADMIN_URL, {
    max: 1,
    connect_timeout: 3,
    onnotice: () => {},
  });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}
