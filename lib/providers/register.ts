// Data Policy §11 (issue #18): the register of service providers that
// process data for the company — what each does, which data, where, how
// transfers are protected, and its confidentiality agreement with the date
// it is next reviewed. Everyone with audit.read reads it; providers.manage
// adds, edits and retires (the database checks that too, 0032). Every
// change is audited in its own transaction. Lists are keyset pages.
import {
  and,
  asc,
  desc,
  eq,
  isNotNull,
  isNull,
  type SQL,
  sql,
} from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client.ts";
import { serviceProviders } from "../../db/schema.ts";
import { READER } from "../documents/documents.ts";
import { recordAuditInTx, type RequestMeta } from "../security/audit.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import { calendarDate, plainText } from "../validation.ts";
import { providerReviewStatus } from "./review.ts";
import {
  DATA_CATEGORIES,
  type DataCategory,
  type Safeguard,
  SAFEGUARDS,
  type Service,
  SERVICES,
} from "./vocabulary.ts";

export interface Provider {
  id: string;
  name: string;
  service: Service;
  purpose: string;
  dataCategories: DataCategory[];
  region: string;
  safeguards: Safeguard[];
  hasAgreement: boolean;
  /** `YYYY-MM-DD`, or null without an agreement. */
  agreementSignedOn: string | null;
  reviewDueOn: string;
  createdAt: Date;
  updatedAt: Date;
  retiredAt: Date | null;
}

/** What the public privacy page shows of an active provider. */
export interface PublicProvider {
  name: string;
  service: Service;
  purpose: string;
  region: string;
  safeguards: Safeguard[];
}

// ---- the form ---------------------------------------------------------------

/** The form's fields, as typed (several values for the check boxes). */
export interface ProviderInput {
  name: string;
  service: string;
  purpose: string;
  dataCategories: string[];
  region: string;
  safeguards: string[];
  hasAgreement: string;
  agreementSignedOn: string;
  reviewDueOn: string;
}
export const PROVIDER_FIELDS = [
  "name",
  "service",
  "purpose",
  "dataCategories",
  "region",
  "safeguards",
  "hasAgreement",
  "agreementSignedOn",
  "reviewDueOn",
] as const;
export type ProviderField = typeof PROVIDER_FIELDS[number];
export type ProviderProblem =
  | "required"
  | "too_long"
  | "control"
  | "choice"
  | "date"
  | "signed_future";

const providerSchema = z.object({
  name: plainText().trim().min(1, "required").max(200, "too_long"),
  service: z.enum(SERVICES, "choice"),
  purpose: plainText().trim().min(1, "required").max(500, "too_long"),
  dataCategories: z.array(z.enum(DATA_CATEGORIES, "choice")).min(1, "required")
    .transform((v) => [...new Set(v)]),
  region: plainText().trim().min(1, "required").max(200, "too_long"),
  safeguards: z.array(z.enum(SAFEGUARDS, "choice")).min(1, "required")
    .transform((v) => [...new Set(v)]),
  hasAgreement: z.enum(["yes", "no"], "required"),
  agreementSignedOn: z.string().trim(),
  reviewDueOn: z.string().trim().min(1, "required").pipe(
    calendarDate({ min: "2000-01-01", max: "2100-12-31" }),
  ),
});

const SIGNED_ON = calendarDate({ min: "1990-01-01" });

type ProviderValues = Omit<
  Provider,
  "id" | "createdAt" | "updatedAt" | "retiredAt"
>;

/** Refused: a problem per field; nothing was changed. */
export class ProviderInputError extends Error {
  override name = "ProviderInputError";
  constructor(
    readonly problems: Partial<Record<ProviderField, ProviderProblem>>,
  ) {
    super(`provider refused: ${Object.keys(problems).join(", ")}`);
  }
}

/**
 * Checks the form; throws ProviderInputError with a problem per field. A
 * signed date after `today` is refused: an agreement not yet signed is none.
 */
export function parseProvider(
  input: ProviderInput,
  today: string,
): ProviderValues {
  const parsed = providerSchema.safeParse(input);
  const problems: Partial<Record<ProviderField, ProviderProblem>> = {};
  // The signed date matters only with an agreement; checked on its own so
  // that it is marked beside the other fields' problems.
  const signedOn = input.agreementSignedOn.trim();
  if (input.hasAgreement === "yes") {
    if (signedOn === "") problems.agreementSignedOn = "required";
    else if (!SIGNED_ON.safeParse(signedOn).success) {
      problems.agreementSignedOn = "date";
    } else if (signedOn > today) problems.agreementSignedOn = "signed_future";
  }
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as ProviderField;
      const code = issue.message;
      problems[field] ??= (["required", "too_long", "choice"] as string[])
          .includes(code)
        ? code as ProviderProblem
        : field === "reviewDueOn" || field === "agreementSignedOn"
        ? "date"
        : "control";
    }
  }
  if (!parsed.success || Object.keys(problems).length > 0) {
    throw new ProviderInputError(problems);
  }
  const v = parsed.data;
  const signed = v.hasAgreement === "yes" ? signedOn : null;
  return {
    name: v.name,
    service: v.service,
    purpose: v.purpose,
    dataCategories: v.dataCategories,
    region: v.region,
    safeguards: v.safeguards,
    hasAgreement: v.hasAgreement === "yes",
    agreementSignedOn: signed,
    reviewDueOn: v.reviewDueOn,
  };
}

// ---- reads ------------------------------------------------------------------

export const PROVIDER_SORTS = ["name", "review"] as const;
export type ProviderSort = typeof PROVIDER_SORTS[number];
export const PROVIDER_PAGE_SIZES = [25, 50, 100] as const;

const opt = <T extends z.ZodType>(s: T) =>
  z.union([s, z.literal("")]).optional().transform((v) =>
    v === "" ? undefined : v as z.output<T> | undefined
  );

/** The list's query string, as the page's GET form writes it. */
export const providerQuerySchema = z.object({
  status: opt(z.enum(["active", "retired", "all"])).transform((v) =>
    v ?? "active"
  ),
  sort: opt(z.enum(PROVIDER_SORTS)).transform((v) => v ?? "name"),
  dir: opt(z.enum(["asc", "desc"])).transform((v) => v ?? "asc"),
  size: opt(z.enum(["25", "50", "100"])).transform((v) => Number(v ?? "25")),
  after: opt(z.string().max(600)),
});
export type ProviderQuery = z.output<typeof providerQuerySchema>;

/** A position in the list: the sort key and id of a page's last row. */
const cursorSchema = z.tuple([z.string().max(400), z.uuid()]);

function encodeCursor(key: string, id: string): string {
  const bytes = new TextEncoder().encode(JSON.stringify([key, id]));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-")
    .replaceAll("/", "_").replace(/=+$/, "");
}

function decodeCursor(v: string): [string, string] | null {
  try {
    const bin = atob(v.replaceAll("-", "+").replaceAll("_", "/"));
    const text = new TextDecoder("utf-8", { fatal: true }).decode(
      Uint8Array.from(bin, (ch) => ch.charCodeAt(0)),
    );
    const parsed = cursorSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // not one of ours: the first page
  }
}

export interface ProviderPage {
  rows: Provider[];
  /** The cursor of the next page, or null on the last. */
  next: string | null;
  /** Whether this is not the first page. */
  continued: boolean;
}

/** One page of the register, by name or review date, keyset-paged. */
export async function listProviders(
  db: Database,
  principal: StaffPrincipal,
  q: ProviderQuery,
): Promise<ProviderPage> {
  const key = q.sort === "name"
    ? serviceProviders.name
    : serviceProviders.reviewDueOn;
  const order = q.dir === "asc" ? asc : desc;
  const where: SQL[] = [];
  if (q.status === "active") where.push(isNull(serviceProviders.retiredAt));
  if (q.status === "retired") where.push(isNotNull(serviceProviders.retiredAt));
  const after = q.after ? decodeCursor(q.after) : null;
  if (after) {
    const keyValue = q.sort === "name"
      ? sql`${after[0]}::text`
      : sql`${after[0]}::date`;
    where.push(
      q.dir === "asc"
        ? sql`(${key}, ${serviceProviders.id}) > (${keyValue}, ${
          after[1]
        }::uuid)`
        : sql`(${key}, ${serviceProviders.id}) < (${keyValue}, ${
          after[1]
        }::uuid)`,
    );
  }
  const rows = await db.asUser(
    principal,
    (tx) =>
      tx.select().from(serviceProviders).where(and(...where))
        .orderBy(order(key), order(serviceProviders.id)).limit(q.size + 1),
  );
  const more = rows.length > q.size;
  const shown = rows.slice(0, q.size).map(toProvider);
  const last = shown[shown.length - 1];
  return {
    rows: shown,
    next: more && last
      ? encodeCursor(q.sort === "name" ? last.name : last.reviewDueOn, last.id)
      : null,
    continued: after !== null,
  };
}

/** One provider, or null. */
export async function getProvider(
  db: Database,
  principal: StaffPrincipal,
  id: string,
): Promise<Provider | null> {
  const [row] = await db.asUser(
    principal,
    (tx) =>
      tx.select().from(serviceProviders).where(eq(serviceProviders.id, id)),
  );
  return row ? toProvider(row) : null;
}

/** The active providers, by name, as the public privacy page lists them. */
export async function publicProviders(db: Database): Promise<PublicProvider[]> {
  return await db.asUser(READER, (tx) =>
    tx.select({
      name: serviceProviders.name,
      service: serviceProviders.service,
      purpose: serviceProviders.purpose,
      region: serviceProviders.region,
      safeguards: serviceProviders.safeguards,
    }).from(serviceProviders).where(isNull(serviceProviders.retiredAt))
      .orderBy(
        asc(serviceProviders.name),
        asc(serviceProviders.id),
      )) as PublicProvider[];
}

/**
 * Every active provider's review fields, for a summary of the register
 * (with providerReviewStatus, lib/providers/review.ts).
 */
export async function activeProviderReviews(
  db: Database,
  principal: StaffPrincipal,
): Promise<
  {
    id: string;
    name: string;
    reviewDueOn: string;
    hasAgreement: boolean;
    retiredAt: Date | null;
  }[]
> {
  return await db.asUser(principal, (tx) =>
    tx.select({
      id: serviceProviders.id,
      name: serviceProviders.name,
      reviewDueOn: serviceProviders.reviewDueOn,
      hasAgreement: serviceProviders.hasAgreement,
      retiredAt: serviceProviders.retiredAt,
    }).from(serviceProviders).where(isNull(serviceProviders.retiredAt))
      .orderBy(asc(serviceProviders.reviewDueOn)));
}

function toProvider(r: typeof serviceProviders.$inferSelect): Provider {
  return {
    id: r.id,
    name: r.name,
    service: r.service,
    purpose: r.purpose,
    dataCategories: r.dataCategories as DataCategory[],
    region: r.region,
    safeguards: r.safeguards as Safeguard[],
    hasAgreement: r.hasAgreement,
    agreementSignedOn: r.agreementSignedOn,
    reviewDueOn: r.reviewDueOn,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    retiredAt: r.retiredAt,
  };
}

// ---- writes -----------------------------------------------------------------

function requireManage(actor: StaffPrincipal): void {
  if (!actor.permissions.has("providers.manage")) {
    throw new Error("the register needs providers.manage");
  }
}

/** Adds a provider from the form; audited (`provider.add`). Its id. */
export async function addProvider(
  db: Database,
  actor: StaffPrincipal,
  input: ProviderInput,
  today: string,
  meta: RequestMeta,
  now = new Date(),
): Promise<string> {
  requireManage(actor);
  const values = parseProvider(input, today);
  return await db.asUser(actor, async (tx) => {
    const [row] = await tx.insert(serviceProviders).values({
      ...values,
      createdBy: actor.userId,
      updatedBy: actor.userId,
      createdAt: now,
      updatedAt: now,
    }).returning({ id: serviceProviders.id });
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: actor.userId,
      action: "provider.add",
      target: row.id,
      outcome: "success",
      ...meta,
      details: { ...values },
    });
    return row.id;
  });
}

/**
 * Saves a provider's entry from the form; audited (`provider.edit`, the
 * changed fields before and after). False when there is no such active
 * provider (a retired one is kept as it was).
 */
export async function editProvider(
  db: Database,
  actor: StaffPrincipal,
  id: string,
  input: ProviderInput,
  today: string,
  meta: RequestMeta,
  now = new Date(),
): Promise<boolean> {
  requireManage(actor);
  const values = parseProvider(input, today);
  return await db.asUser(actor, async (tx) => {
    const [before] = await tx.select().from(serviceProviders).where(
      and(eq(serviceProviders.id, id), isNull(serviceProviders.retiredAt)),
    ).for("update");
    if (!before) return false;
    const old = toProvider(before);
    const changed = (Object.keys(values) as (keyof ProviderValues)[]).filter(
      (k) => JSON.stringify(old[k]) !== JSON.stringify(values[k]),
    );
    if (changed.length === 0) return true;
    await tx.update(serviceProviders).set({
      ...values,
      updatedBy: actor.userId,
      updatedAt: now,
    }).where(eq(serviceProviders.id, id));
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: actor.userId,
      action: "provider.edit",
      target: id,
      outcome: "success",
      ...meta,
      details: {
        from: Object.fromEntries(changed.map((k) => [k, old[k]])),
        to: Object.fromEntries(changed.map((k) => [k, values[k]])),
      },
    });
    return true;
  });
}

/**
 * Retires a provider (it leaves the privacy page, stays in the register);
 * audited (`provider.retire`). False when there is no such active provider.
 */
export async function retireProvider(
  db: Database,
  actor: StaffPrincipal,
  id: string,
  meta: RequestMeta,
  now = new Date(),
): Promise<boolean> {
  requireManage(actor);
  return await db.asUser(actor, async (tx) => {
    const [row] = await tx.update(serviceProviders).set({
      retiredAt: now,
      retiredBy: actor.userId,
      updatedAt: now,
      updatedBy: actor.userId,
    }).where(
      and(eq(serviceProviders.id, id), isNull(serviceProviders.retiredAt)),
    ).returning({ name: serviceProviders.name });
    if (!row) return false;
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: actor.userId,
      action: "provider.retire",
      target: id,
      outcome: "success",
      ...meta,
      details: { name: row.name },
    });
    return true;
  });
}

/**
 * How many active providers' reviews are overdue or due soon on `today`,
 * for the dashboard's "needs attention"; zeros for someone who may not read
 * the register (audit.read).
 */
export async function providerReviewsDue(
  db: Database,
  principal: StaffPrincipal,
  today: string,
): Promise<{ overdue: number; dueSoon: number }> {
  if (!principal.permissions.has("audit.read")) {
    return { overdue: 0, dueSoon: 0 };
  }
  const states = (await activeProviderReviews(db, principal)).map((p) =>
    providerReviewStatus(p, today).state
  );
  return {
    overdue: states.filter((s) => s === "overdue").length,
    dueSoon: states.filter((s) => s === "due_soon").length,
  };
}
