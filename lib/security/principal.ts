// Data Policy §5: who is asking, with which job role and which stores. A
// principal is rebuilt from the database on every request, so disabling a
// user or revoking a grant takes effect on that user's very next request.
import { eq, sql } from "drizzle-orm";
import type { Database, Principal } from "../../db/client.ts";
import { listAllStoreIds } from "../../db/maintenance.ts";
import { staffUsers, storeGrants } from "../../db/schema.ts";
import { type Permission, roleByName, type RoleName } from "./permissions.ts";

/** A signed-in staff member, as the routes and the database see them. */
export interface StaffPrincipal extends Principal {
  kind: "staff";
  userId: string;
  email: string;
  displayName: string;
  role: RoleName;
  permissions: ReadonlySet<Permission>;
  /** The stores whose rows this principal may touch (`app.store_ids`). */
  storeIds: readonly string[];
  /** The session this request came with. */
  sessionId: string;
  mfaAssurance: "totp" | "idp" | null;
  /**
   * The IANA time zone they chose for dates and times; null when they chose
   * none (the company's DEFAULT_TIME_ZONE applies, routes/context.ts).
   */
  timeZone: string | null;
}

/**
 * Loads an active staff user with their role and grants, or null if the user
 * is missing, disabled (by status or by `disabled_at`), or holds an unknown
 * role.
 */
export async function loadPrincipal(
  db: Database,
  userId: string,
  sessionId: string,
): Promise<StaffPrincipal | null> {
  // One statement: the user and their grants (the own_grants policy lets a
  // principal read its grants before its store set is known).
  const found = await db.asUser({ userId, storeIds: [] }, async (tx) => {
    const [row] = await tx.select({
      user: staffUsers,
      grants: sql<string[]>`array(select ${storeGrants.storeId}::text
        from ${storeGrants} where ${storeGrants.userId} = ${staffUsers.id})`,
    }).from(staffUsers).where(eq(staffUsers.id, userId));
    if (!row) return null;
    return { user: row.user, grants: row.grants };
  });
  // Active and never disabled since (issue #11: a row left "active" with
  // disabled_at set is disabled).
  if (
    !found || found.user.status !== "active" || found.user.disabledAt !== null
  ) {
    return null;
  }
  const role = roleByName(found.user.role);
  if (!role) return null;
  const storeIds = role.allStores ? await listAllStoreIds(db) : found.grants;
  return {
    kind: "staff",
    userId,
    email: found.user.email,
    displayName: found.user.displayName,
    role: role.name,
    permissions: new Set(role.permissions),
    storeIds,
    auditAll: role.permissions.includes("audit.read"),
    sessionId,
    mfaAssurance: found.user.mfaAssurance,
    timeZone: found.user.timeZone ?? null,
  };
}
