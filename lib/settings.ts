// Settings of the portal as a whole (portal_settings). Today one:
// `exports_frozen` — Data Policy §8 and §12: while it is on, no CSV export
// runs and no buyer personal data is revealed (the incident response
// switches it). Only an active owner changes it; the database checks that
// too (portal_setting_set, db/migrations/0025_orders_screens.sql).
import { sql } from "drizzle-orm";
import {
  type Database,
  type Principal,
  rowsOf,
  type Tx,
} from "../db/client.ts";
import { recordAuditInTx, type RequestMeta } from "./security/audit.ts";
import type { StaffPrincipal } from "./security/principal.ts";

/** Whether exports and reveals are frozen, read inside the caller's transaction. */
export async function exportsFrozenTx(tx: Tx): Promise<boolean> {
  const [row] = rowsOf<{ value: unknown }>(
    await tx.execute(
      sql`select value_json as value from portal_settings
        where key = 'exports_frozen'`,
    ),
  );
  return row?.value === true;
}

/** Whether exports and reveals are frozen. */
export async function exportsFrozen(
  db: Database,
  principal: Principal,
): Promise<boolean> {
  return await db.asUser(principal, exportsFrozenTx);
}

/** Refused: only an owner freezes or thaws exports. */
export class SettingsError extends Error {
  constructor(readonly code: "owner_only") {
    super(code);
  }
}

/**
 * Freezes (or thaws) every export and buyer-data reveal; audited. Only an
 * owner may.
 */
export async function setExportsFrozen(
  db: Database,
  principal: StaffPrincipal,
  frozen: boolean,
  meta: RequestMeta,
  now = new Date(),
): Promise<void> {
  if (principal.role !== "owner") throw new SettingsError("owner_only");
  await db.asUser(principal, async (tx) => {
    await tx.execute(sql`select portal_setting_set('exports_frozen',
      ${JSON.stringify(frozen)}::jsonb, ${now.toISOString()}::timestamptz)`);
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: principal.userId,
      action: frozen ? "exports.freeze" : "exports.thaw",
      target: "exports_frozen",
      outcome: "success",
      ...meta,
    });
  });
}
