// Cost of goods per SKU (issue #16): what a unit of a store's SKU cost the
// company from a day on, in the currency it sells in, with the optional
// inbound shipping and duty per unit. Entered one at a time or imported as
// CSV (all or nothing, csv_import.ts) by `costs.manage`; every change and
// every import audited (the count, never the contents). A later entry for
// the same SKU and currency supersedes an earlier one from its day on; the
// same SKU, currency and day is replaced.
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import {
  type Database,
  type Principal,
  rowsOf,
  type Tx,
} from "../../db/client.ts";
import { skuCosts } from "../../db/schema.ts";
import { minorDigits } from "../ingest/money.ts";
import {
  recordAudit,
  recordAuditInTx,
  type RequestMeta,
} from "../security/audit.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import { isCalendarDate, isPlainText } from "../validation.ts";
import { type ImportProblem, parseImport } from "./csv_import.ts";

export const COST_COLUMNS = [
  "sku",
  "currency",
  "effective_from",
  "unit_cost",
  "inbound_shipping",
  "duty",
] as const;
export type CostField = typeof COST_COLUMNS[number];

/** The template a person downloads to fill in. */
export const COST_TEMPLATE = `${COST_COLUMNS.join(",")}\r\n` +
  "EXAMPLE-SKU-1,USD,2026-01-01,4.20,0.35,0.10\r\n";

const amountText = z.string().trim().regex(/^\d{1,12}(\.\d{1,4})?$/, "amount");
const optionalAmount = z.string().trim().transform((v) => v === "" ? "0" : v)
  .pipe(amountText);

/** A real day between 2000 and 2100, YYYY-MM-DD. */
export const day = z.string().trim().min(1, "required")
  .refine(isCalendarDate, "date")
  .refine((v) => v >= "2000-01-01" && v <= "2100-12-31", "date");

/** One cost as text fields (a form, or a CSV line). */
export const costRow = z.object({
  sku: z.string().trim().min(1, "required").max(40, "sku")
    .refine((v) => isPlainText(v), "sku"),
  currency: z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, "currency"),
  effective_from: day,
  unit_cost: z.string().trim().min(1, "required").pipe(amountText),
  inbound_shipping: optionalAmount.default("0"),
  duty: optionalAmount.default("0"),
}).superRefine((r, ctx) => {
  // No more decimals than the currency has (a JPY cost has none).
  const digits = minorDigits(r.currency);
  for (const f of ["unit_cost", "inbound_shipping", "duty"] as const) {
    const frac = r[f].split(".")[1] ?? "";
    if (/[^0]/.test(frac.slice(digits))) {
      ctx.addIssue({ code: "custom", path: [f], message: "precision" });
    }
  }
});
export type CostInput = z.output<typeof costRow>;

const keyOfCost = (r: CostInput) =>
  `${r.sku}|${r.currency}|${r.effective_from}`;

export class CostError extends Error {
  override name = "CostError";
  constructor(readonly problems: ImportProblem[]) {
    super(`cost refused: ${problems.map((p) => p.field ?? p.code).join(", ")}`);
  }
}

function requireManage(actor: StaffPrincipal, storeId: string): void {
  if (!actor.permissions.has("costs.manage")) {
    throw new Error("costs need costs.manage");
  }
  if (!actor.storeIds.includes(storeId)) {
    throw new CostError([{ line: 0, field: "store", code: "store" }]);
  }
}

async function upsertCosts(
  tx: Tx,
  actor: StaffPrincipal,
  storeId: string,
  rows: readonly CostInput[],
): Promise<void> {
  const now = new Date();
  for (let i = 0; i < rows.length; i += 500) {
    await tx.insert(skuCosts).values(
      rows.slice(i, i + 500).map((r) => ({
        storeId,
        sku: r.sku,
        currency: r.currency,
        effectiveFrom: r.effective_from,
        unitCost: r.unit_cost,
        inboundShipping: r.inbound_shipping,
        duty: r.duty,
        updatedBy: actor.userId,
        updatedAt: now,
      })),
    ).onConflictDoUpdate({
      target: [
        skuCosts.storeId,
        skuCosts.sku,
        skuCosts.currency,
        skuCosts.effectiveFrom,
      ],
      set: {
        unitCost: sql`excluded.unit_cost`,
        inboundShipping: sql`excluded.inbound_shipping`,
        duty: sql`excluded.duty`,
        updatedBy: sql`excluded.updated_by`,
        updatedAt: sql`excluded.updated_at`,
      },
    });
  }
}

/**
 * Saves one cost from the form's text fields, audited with the values
 * before and after. Throws CostError (a problem per field) and saves
 * nothing when a field is wrong or the store is not the actor's.
 */
export async function saveCost(
  db: Database,
  actor: StaffPrincipal,
  storeId: string,
  input: Record<string, string>,
  meta: RequestMeta,
): Promise<CostInput> {
  requireManage(actor, storeId);
  const parsed = costRow.safeParse(input);
  if (!parsed.success) {
    throw new CostError(parsed.error.issues.map((i) => ({
      line: 0,
      field: String(i.path[0] ?? ""),
      code: i.message,
    })));
  }
  const r = parsed.data;
  await db.asUser(actor, async (tx) => {
    const [before] = await tx.select({
      unitCost: skuCosts.unitCost,
      inboundShipping: skuCosts.inboundShipping,
      duty: skuCosts.duty,
    }).from(skuCosts).where(and(
      eq(skuCosts.storeId, storeId),
      eq(skuCosts.sku, r.sku),
      eq(skuCosts.currency, r.currency),
      eq(skuCosts.effectiveFrom, r.effective_from),
    ));
    await upsertCosts(tx, actor, storeId, [r]);
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: actor.userId,
      action: "profit.cost.save",
      target: r.sku,
      storeId,
      outcome: "success",
      ...meta,
      details: {
        currency: r.currency,
        effectiveFrom: r.effective_from,
        from: before ?? null,
        to: {
          unitCost: r.unit_cost,
          inboundShipping: r.inbound_shipping,
          duty: r.duty,
        },
      },
    });
  });
  return r;
}

/**
 * Imports a cost CSV for one store: every line valid, or nothing saved.
 * Audited either way with the count of lines (and of problems), never the
 * contents.
 */
export async function importCosts(
  db: Database,
  actor: StaffPrincipal,
  storeId: string,
  text: string,
  meta: RequestMeta,
): Promise<
  { ok: true; saved: number } | { ok: false; problems: ImportProblem[] }
> {
  requireManage(actor, storeId);
  const result = parseImport(text, COST_COLUMNS, costRow, keyOfCost);
  if (!result.ok) {
    await recordAudit(db, actor, {
      actorType: "staff",
      actorId: actor.userId,
      action: "profit.costs.import",
      storeId,
      outcome: "failure",
      ...meta,
      details: { problems: result.problems.length },
    });
    return result;
  }
  await db.asUser(actor, async (tx) => {
    await upsertCosts(tx, actor, storeId, result.rows);
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: actor.userId,
      action: "profit.costs.import",
      storeId,
      outcome: "success",
      ...meta,
      details: { rows: result.rows.length },
    });
  });
  return { ok: true, saved: result.rows.length };
}

export interface CostListRow {
  storeId: string;
  sku: string;
  currency: string;
  effectiveFrom: string;
  unitCost: string;
  inboundShipping: string;
  duty: string;
  updatedAt: Date;
}

/** The cursor of a cost page: the last row's key. */
const cursor = z.object({
  sku: z.string(),
  currency: z.string(),
  day: z.string(),
  store: z.string(),
});

export function encodeCostCursor(r: CostListRow): string {
  return btoa(JSON.stringify({
    sku: r.sku,
    currency: r.currency,
    day: r.effectiveFrom,
    store: r.storeId,
  })).replaceAll("=", "");
}

function decodeCostCursor(v: string | undefined) {
  if (!v) return null;
  try {
    return cursor.parse(JSON.parse(atob(v)));
  } catch {
    return null;
  }
}

/**
 * A page of costs of `storeIds` (SKU, currency, newest day first), a SKU
 * prefix filter, keyset by the last row; `next` is null on the last page.
 */
export async function listCosts(
  db: Database,
  principal: Principal,
  storeIds: readonly string[],
  opts: { q?: string; after?: string; size: number },
): Promise<{ rows: CostListRow[]; next: string | null }> {
  if (storeIds.length === 0) return { rows: [], next: null };
  const after = decodeCostCursor(opts.after);
  const rows = await db.asUser(principal, async (tx) =>
    rowsOf<{
      store_id: string;
      sku: string;
      currency: string;
      effective_from: string;
      unit_cost: string;
      inbound_shipping: string;
      duty: string;
      updated_at: string | Date;
    }>(
      await tx.execute(sql`select store_id, sku, currency::text as currency,
          effective_from::text as effective_from, unit_cost::text as unit_cost,
          inbound_shipping::text as inbound_shipping, duty::text as duty,
          updated_at
        from sku_costs
        where store_id in (${
        sql.join(storeIds.map((id) => sql`${id}::uuid`), sql`, `)
      })
          ${opts.q ? sql`and starts_with(sku, ${opts.q})` : sql``}
          ${
        after
          ? sql`and (sku, currency, ${"9999-12-31"}::date - effective_from, store_id)
              > (${after.sku}, ${after.currency}::char(3),
                 ${"9999-12-31"}::date - ${after.day}::date, ${after.store}::uuid)`
          : sql``
      }
        order by sku, currency, effective_from desc, store_id
        limit ${opts.size + 1}`),
    ));
  const out = rows.slice(0, opts.size).map((r): CostListRow => ({
    storeId: r.store_id,
    sku: r.sku,
    currency: r.currency.trim(),
    effectiveFrom: r.effective_from,
    unitCost: r.unit_cost,
    inboundShipping: r.inbound_shipping,
    duty: r.duty,
    updatedAt: new Date(r.updated_at),
  }));
  return {
    rows: out,
    next: rows.length > opts.size
      ? encodeCostCursor(out[out.length - 1])
      : null,
  };
}
