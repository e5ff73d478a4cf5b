// Brings a database to the state the application expects: migrations, then
// the permission matrix written into the roles table. Used by main.ts, the
// migrate task, the seed task and the tests alike.
import type { Database } from "../db/client.ts";
import { syncRoles } from "../db/maintenance.ts";
import { ROLES } from "./security/permissions.ts";

/** Migrates and syncs roles; safe to run on every start. */
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
}
