// Data Policy §4 (inventory and fulfillment) and §8 (every change audited):
// each store's restock settings — the lead time and cover target of the
// restock suggestion, and the days of cover under which a SKU is a
// low-cover alert on /inventory and the dashboard (lib/inventory/stock.ts).
// Changed by `stores.manage` only, validated field by field, and audited
// with the values before and after in the same transaction as the change.
import { eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Database, Principal } from "../../db/client.ts";
import { stores } from "../../db/schema.ts";
import { recordAuditInTx, type RequestMeta } from "../security/audit.ts";
import type { StaffPrincipal } from "../security/principal.ts";

/** The largest value of each setting: a year. */
export const MAX_SETTING_DAYS = 365;

export const RESTOCK_FIELDS = [
  "leadTimeDays",
  "coverDays",
  "alertDays",
] as const;
export type RestockField = typeof RESTOCK_FIELDS[number];

/** What is wrong with one field: a code the views put into words. */
export type RestockProblem = "required" | "integer" | "range";

export interface RestockSettings {
  leadTimeDays: number;
  coverDays: number;
  alertDays: number;
}

export interface StoreRestockSettings extends RestockSettings {
  storeId: string;
  storeName: string;
}

const days = z.string().trim()
  .min(1, "required")
  .regex(/^[+-]?\d+$/, "integer")
  .transform(Number)
  .pipe(
    z.number().int("integer").min(0, "range").max(MAX_SETTING_DAYS, "range"),
  );

/** The settings form, as text fields (each checked on its own). */
export const restockSettingsSchema = z.object({
  leadTimeDays: days,
  coverDays: days,
  alertDays: days,
});

export class RestockSettingsError extends Error {
  override name = "RestockSettingsError";
  constructor(
    readonly problems: Partial<Record<RestockField, RestockProblem>>,
  ) {
    super(`restock settings refused: ${Object.keys(problems).join(", ")}`);
  }
}

/** The restock settings of `storeIds`, by store name. */
export async function listRestockSettings(
  db: Database,
  principal: Principal,
  storeIds: readonly string[],
): Promise<StoreRestockSettings[]> {
  if (storeIds.length === 0) return [];
  return await db.asUser(principal, (tx) =>
    tx.select({
      storeId: stores.id,
      storeName: stores.name,
      leadTimeDays: stores.restockLeadTimeDays,
      coverDays: stores.restockCoverDays,
      alertDays: stores.coverAlertDays,
    }).from(stores).where(inArray(stores.id, [...storeIds]))
      .orderBy(stores.name));
}

/** One store's settings, or null when it is not visible (a 404). */
export async function getRestockSettings(
  db: Database,
  principal: Principal,
  storeId: string,
): Promise<StoreRestockSettings | null> {
  const [row] = await listRestockSettings(db, principal, [storeId]);
  return row ?? null;
}

/**
 * Saves a store's restock settings from the form's text fields; audited
 * (`store.restock_settings`, with the values before and after). Throws
 * RestockSettingsError with a problem per wrong field (nothing is saved);
 * returns false when the store is not visible to `actor` (a 404).
 *
 * @example
 * await updateRestockSettings(db, principal, storeId,
 *   { leadTimeDays: "45", coverDays: "60", alertDays: "21" }, meta);
 */
export async function updateRestockSettings(
  db: Database,
  actor: StaffPrincipal,
  storeId: string,
  input: Record<RestockField, string>,
  meta: RequestMeta,
): Promise<boolean> {
  if (!actor.permissions.has("stores.manage")) {
    throw new Error("restock settings need stores.manage");
  }
  const parsed = restockSettingsSchema.safeParse(input);
  if (!parsed.success) {
    const problems: Partial<Record<RestockField, RestockProblem>> = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as RestockField;
      const code = issue.message as RestockProblem;
      problems[field] ??= ["required", "integer", "range"].includes(code)
        ? code
        : "integer";
    }
    throw new RestockSettingsError(problems);
  }
  const next = parsed.data;
  return await db.asUser(actor, async (tx) => {
    const [before] = await tx.select({
      leadTimeDays: stores.restockLeadTimeDays,
      coverDays: stores.restockCoverDays,
      alertDays: stores.coverAlertDays,
    }).from(stores).where(eq(stores.id, storeId)).for("update");
    if (!before) return false;
    const changed = RESTOCK_FIELDS.some((f) => before[f] !== next[f]);
    if (!changed) return true;
    await tx.update(stores).set({
      restockLeadTimeDays: next.leadTimeDays,
      restockCoverDays: next.coverDays,
      coverAlertDays: next.alertDays,
      updatedAt: new Date(),
    }).where(eq(stores.id, storeId));
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: actor.userId,
      action: "store.restock_settings",
      target: storeId,
      storeId,
      outcome: "success",
      ...meta,
      details: { from: before, to: next },
    });
    return true;
  });
}
