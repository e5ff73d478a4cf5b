// `deno task migrate`: applies pending migrations to the configured database
// (PGlite under $DATA_DIR/pg, or DATABASE_URL) under the advisory lock.
import { ConfigError, loadConfig } from "../config.ts";
import { openDatabase } from "../../db/client.ts";
import { prepareDatabase } from "../setup.ts";

if (import.meta.main) {
  try {
    const config = loadConfig(Deno.env.toObject());
    const db = await openDatabase({
      databaseUrl: config.DATABASE_URL,
      appPassword: config.DATABASE_APP_PASSWORD,
      pgliteDir: config.pgliteDir,
      poolSize: 1,
    });
    try {
      await prepareDatabase(db);
      console.log(`Migrations applied (${db.engine}).`);
    } finally {
      await db.close();
    }
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : String(err));
    Deno.exit(1);
  }
}
