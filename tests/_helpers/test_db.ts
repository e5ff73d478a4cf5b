// Opens a fresh, migrated database for one test: PGlite cloned from a
// migrated template by default, or a new database on the PostgreSQL server
// named by DATABASE_URL (created here and dropped on dispose).
import postgres from "postgres";
import { PGlite } from "@electric-sql/pglite";
import { type Database, openDatabase, OWNER } from "../../db/client.ts";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle } from "drizzle-orm/pglite";

export interface TestDatabase extends AsyncDisposable {
  db: Database;
  /** Connection URL of the per-test PostgreSQL database (postgres engine only). */
  url?: string;
}

export const testEngine: "pglite" | "postgres" = Deno.env.get("DATABASE_URL")
  ? "postgres"
  : "pglite";

let template: Promise<Blob> | undefined;

function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const client = await PGlite.create();
    await migratePglite(drizzle({ client }), {
      migrationsFolder: decodeURIComponent(
        new URL("../../db/migrations", import.meta.url).pathname,
      ),
    });
    const dump = await client.dumpDataDir("none");
    await client.close();
    return dump;
  })();
  return template;
}

/** A fresh migrated database on the engine chosen by DATABASE_URL. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const adminUrl = Deno.env.get("DATABASE_URL");
  if (!adminUrl) {
    const db = await openDatabase({ pgliteTemplate: await pgliteTemplate() });
    await db.migrate(); // no-op on the template; proves it is current
    return { db, [Symbol.asyncDispose]: () => db.close() };
  }
  const name = `custodian_t_${crypto.randomUUID().replaceAll("-", "")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), poolSize: 4 });
  await db.migrate();
  // The database's own runtime role (custodian_app_<name>) outlives a
  // dropped database: drop it too. Its name is unique to this database, so
  // concurrent tests never race for it.
  const role = await db.runtimeRole();
  return {
    db,
    url: url.toString(),
    async [Symbol.asyncDispose]() {
      await db.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.unsafe(`drop role if exists "${role}"`);
      await admin.end();
    },
  };
}

/** The owner-level drizzle handle, for fixtures that set up across stores. */
export function ownerOf(db: Database) {
  return db[OWNER];
}
