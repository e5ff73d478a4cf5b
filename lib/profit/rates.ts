// The company's currency rate table (issue #16), maintained by finance
// (`costs.manage`) through a form or a CSV import (all or nothing), audited
// (the count, never the contents). One rate per day per pair: 1 `base` buys
// `rate` `quote`. Profit figures converted into a chosen currency use the
// rates of one day, said beside them; a missing rate is reported missing,
// never guessed (not from another day, not inverted).
import { sql } from "drizzle-orm";
import { z } from "zod";
import {
  type Database,
  type Principal,
  rowsOf,
  type Tx,
} from "../../db/client.ts";
import { currencyRates } from "../../db/schema.ts";
import { minorDigits } from "../ingest/money.ts";
import {
  recordAudit,
  recordAuditInTx,
  type RequestMeta,
} from "../security/audit.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import { day } from "./costs.ts";
import { type ImportProblem, parseImport } from "./csv_import.ts";

export const RATE_COLUMNS = ["day", "base", "quote", "rate"] as const;

export const RATE_TEMPLATE = `${RATE_COLUMNS.join(",")}\r\n` +
  "2026-01-01,EUR,USD,1.0850\r\n";

const code = z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, "currency");

/** One rate as text fields (a form, or a CSV line). */
export const rateRow = z.object({
  day,
  base: code,
  quote: code,
  rate: z.string().trim().min(1, "required")
    .regex(/^\d{1,10}(\.\d{1,10})?$/, "rate")
    .refine((v) => Number(v) > 0, "rate"),
}).refine((r) => r.base !== r.quote, { path: ["quote"], message: "pair" });
export type RateInput = z.output<typeof rateRow>;

export class RateError extends Error {
  override name = "RateError";
  constructor(readonly problems: ImportProblem[]) {
    super(`rate refused: ${problems.map((p) => p.field ?? p.code).join(", ")}`);
  }
}

function requireManage(actor: StaffPrincipal): void {
  if (!actor.permissions.has("costs.manage")) {
    throw new Error("rates need costs.manage");
  }
}

async function upsertRates(
  tx: Tx,
  actor: StaffPrincipal,
  rows: readonly RateInput[],
): Promise<void> {
  const now = new Date();
  for (let i = 0; i < rows.length; i += 500) {
    await tx.insert(currencyRates).values(
      rows.slice(i, i + 500).map((r) => ({
        day: r.day,
        base: r.base,
        quote: r.quote,
        rate: r.rate,
        updatedBy: actor.userId,
        updatedAt: now,
      })),
    ).onConflictDoUpdate({
      target: [currencyRates.day, currencyRates.base, currencyRates.quote],
      set: {
        rate: sql`excluded.rate`,
        updatedBy: sql`excluded.updated_by`,
        updatedAt: sql`excluded.updated_at`,
      },
    });
  }
}

/** Saves one rate from the form, audited; RateError when a field is wrong. */
export async function saveRate(
  db: Database,
  actor: StaffPrincipal,
  input: Record<string, string>,
  meta: RequestMeta,
): Promise<RateInput> {
  requireManage(actor);
  const parsed = rateRow.safeParse(input);
  if (!parsed.success) {
    throw new RateError(parsed.error.issues.map((i) => ({
      line: 0,
      field: String(i.path[0] ?? ""),
      code: i.message,
    })));
  }
  const r = parsed.data;
  await db.asUser(actor, async (tx) => {
    await upsertRates(tx, actor, [r]);
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: actor.userId,
      action: "profit.rate.save",
      target: `${r.base}/${r.quote}`,
      outcome: "success",
      ...meta,
      details: { day: r.day, rate: r.rate },
    });
  });
  return r;
}

/** Imports a rate CSV: every line valid, or nothing saved; audited. */
export async function importRates(
  db: Database,
  actor: StaffPrincipal,
  text: string,
  meta: RequestMeta,
): Promise<
  { ok: true; saved: number } | { ok: false; problems: ImportProblem[] }
> {
  requireManage(actor);
  const result = parseImport(
    text,
    RATE_COLUMNS,
    rateRow,
    (r) => `${r.day}|${r.base}|${r.quote}`,
  );
  if (!result.ok) {
    await recordAudit(db, actor, {
      actorType: "staff",
      actorId: actor.userId,
      action: "profit.rates.import",
      outcome: "failure",
      ...meta,
      details: { problems: result.problems.length },
    });
    return result;
  }
  await db.asUser(actor, async (tx) => {
    await upsertRates(tx, actor, result.rows);
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: actor.userId,
      action: "profit.rates.import",
      outcome: "success",
      ...meta,
      details: { rows: result.rows.length },
    });
  });
  return { ok: true, saved: result.rows.length };
}

/** "1.2500000000" → "1.25", "150.0000000000" → "150". */
const trimRate = (rate: string) =>
  rate.includes(".") ? rate.replace(/0+$/, "").replace(/\.$/, "") : rate;

export interface RateListRow {
  day: string;
  base: string;
  quote: string;
  rate: string;
  updatedAt: Date;
}

/** A page of rates, newest day first; `before` is the last row's key. */
export async function listRates(
  db: Database,
  principal: Principal,
  opts: { after?: string; size: number },
): Promise<{ rows: RateListRow[]; next: string | null }> {
  const after = /^\d{4}-\d{2}-\d{2}\|[A-Z]{3}\|[A-Z]{3}$/.test(opts.after ?? "")
    ? opts.after!.split("|")
    : null;
  const rows = await db.asUser(principal, async (tx) =>
    rowsOf<{
      day: string;
      base: string;
      quote: string;
      rate: string;
      updated_at: string | Date;
    }>(
      await tx.execute(sql`select day::text as day, base::text as base,
          quote::text as quote, rate::text as rate, updated_at
        from currency_rates
        ${
        after
          ? sql`where (${"9999-12-31"}::date - day, base, quote)
              > (${"9999-12-31"}::date - ${after[0]}::date,
                 ${after[1]}::char(3), ${after[2]}::char(3))`
          : sql``
      }
        order by day desc, base, quote limit ${opts.size + 1}`),
    ));
  const out = rows.slice(0, opts.size).map((r) => ({
    day: r.day,
    base: r.base.trim(),
    quote: r.quote.trim(),
    rate: trimRate(r.rate),
    updatedAt: new Date(r.updated_at),
  }));
  const last = out[out.length - 1];
  return {
    rows: out,
    next: rows.length > opts.size
      ? `${last.day}|${last.base}|${last.quote}`
      : null,
  };
}

/** The rates into `quote` on `day`, per base currency (exact day only). */
export async function ratesInto(
  db: Database,
  principal: Principal,
  quote: string,
  onDay: string,
): Promise<Map<string, string>> {
  const rows = await db.asUser(
    principal,
    async (tx) =>
      rowsOf<{ base: string; rate: string }>(
        await tx.execute(sql`select base::text as base, rate::text as rate
        from currency_rates where quote = ${quote} and day = ${onDay}::date`),
      ),
  );
  return new Map(rows.map((r) => [r.base.trim(), trimRate(r.rate)]));
}

/**
 * `minor` units of `from` in minor units of `to` at `rate` (rounded half
 * away from zero); the same currency is unchanged.
 */
export function convertMinor(
  minor: number,
  from: string,
  to: string,
  rate: string | null,
): number | null {
  if (from === to) return minor;
  if (rate === null) return null;
  const value = (minor / 10 ** minorDigits(from)) * Number(rate) *
    10 ** minorDigits(to);
  return Math.sign(value) * Math.round(Math.abs(value));
}
