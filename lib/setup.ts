// Brings a database to the state the application expects: migrations, then
// the permission matrix written into the roles table. Used by main.ts, the
// migrate task, the seed task and the tests alike.
import type { Database } from "../db/client.ts";
import { syncRoles } from "../db/maintenance.ts";
import { ROLES } from "./security/permissions.ts";

/**
 * Migrates, syncs roles and opens the runtime login (its checks and, on
 * PostgreSQL, its password); safe to run on every start.
 */
export async function prepareDatabase(db: Database): Promise<void> {
  await db.migrate();
  await syncRoles(
    db,
    ROLES.map((r) => ({
      name: r.name,
      description: r.description,
      permissions: [...r.permissions],
    })),
  );
  // Fails here, at start, if the runtime login cannot be used.
  await db.ping();
}
