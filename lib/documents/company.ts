// Issue #17: the company name, contact e-mail and postal address the public
// pages show, kept as portal settings (portal_settings, 0032). Read by
// anyone; changed by an active owner holding documents.publish, through
// portal_setting_set (the database checks the owner too), audited with the
// values before and after.
import { inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client.ts";
import { portalSettings } from "../../db/schema.ts";
import { recordAuditInTx, type RequestMeta } from "../security/audit.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import { plainText } from "../validation.ts";
import { READER } from "./documents.ts";

export interface CompanyDetails {
  name: string;
  email: string;
  /** Empty when not given. */
  address: string;
}
export const COMPANY_FIELDS = ["name", "email", "address"] as const;
export type CompanyField = typeof COMPANY_FIELDS[number];
export type CompanyProblem = "required" | "too_long" | "control" | "email";

const KEY: Record<CompanyField, string> = {
  name: "company_name",
  email: "company_email",
  address: "company_address",
};

const companySchema = z.object({
  name: plainText().trim().min(1, "required").max(200, "too_long"),
  email: plainText().trim().min(1, "required").max(254, "too_long")
    .pipe(z.email("email")),
  address: plainText({ multiline: true }).transform((v) =>
    v.replace(/\r\n?/g, "\n").trim()
  ).pipe(z.string().max(500, "too_long")),
});

/** Refused: a problem per field; nothing was changed. */
export class CompanyDetailsError extends Error {
  override name = "CompanyDetailsError";
  constructor(
    readonly problems: Partial<Record<CompanyField, CompanyProblem>>,
  ) {
    super(`company details refused: ${Object.keys(problems).join(", ")}`);
  }
}

/** The company details as set (empty strings for unset ones). */
export async function companyDetails(db: Database): Promise<CompanyDetails> {
  const rows = await db.asUser(
    READER,
    (tx) =>
      tx.select().from(portalSettings).where(
        inArray(portalSettings.key, Object.values(KEY)),
      ),
  );
  const value = (f: CompanyField) => {
    const v = rows.find((r) => r.key === KEY[f])?.valueJson;
    return typeof v === "string" ? v : "";
  };
  return {
    name: value("name"),
    email: value("email"),
    address: value("address"),
  };
}

/**
 * Saves the company details from the form's fields; audited
 * (`company.details`). Throws CompanyDetailsError with a problem per field.
 */
export async function updateCompanyDetails(
  db: Database,
  actor: StaffPrincipal,
  input: Record<CompanyField, string>,
  meta: RequestMeta,
  now = new Date(),
): Promise<void> {
  if (!actor.permissions.has("documents.publish")) {
    throw new Error("company details need documents.publish");
  }
  const parsed = companySchema.safeParse(input);
  if (!parsed.success) {
    const problems: Partial<Record<CompanyField, CompanyProblem>> = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as CompanyField;
      const code = issue.message;
      problems[field] ??= code === "required" || code === "too_long" ||
          code === "email"
        ? code
        : (issue.code === "invalid_format" ? "email" : "control");
    }
    throw new CompanyDetailsError(problems);
  }
  const next = parsed.data;
  const before = await companyDetails(db);
  const changed = COMPANY_FIELDS.filter((f) => before[f] !== next[f]);
  if (changed.length === 0) return;
  await db.asUser(actor, async (tx) => {
    for (const f of changed) {
      await tx.execute(sql`select portal_setting_set(${KEY[f]},
        ${JSON.stringify(next[f])}::jsonb, ${now.toISOString()}::timestamptz)`);
    }
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: actor.userId,
      action: "company.details",
      target: "company",
      outcome: "success",
      ...meta,
      details: {
        changed,
        from: Object.fromEntries(changed.map((f) => [f, before[f]])),
        to: Object.fromEntries(changed.map((f) => [f, next[f]])),
      },
    });
  });
}
