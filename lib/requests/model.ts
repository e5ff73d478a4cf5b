// Issue #17, data requests (Data Policy §10, §13): the vocabulary of the
// workflow (types, states, relationships, the Data Rights Protocol's denial
// reasons) and the zod schema of the public /request form. The views turn
// every code here into words in both languages.
import { z } from "zod";
import { AMAZON_MARKETPLACES } from "../amazon/marketplaces.ts";
import { calendarDate, plainText } from "../validation.ts";

export const REQUEST_TYPES = [
  "delete",
  "revoke",
  "question",
  "security",
  "other",
] as const;
export type RequestType = typeof REQUEST_TYPES[number];

export const RELATIONSHIPS = ["seller", "buyer", "business", "other"] as const;
export type Relationship = typeof RELATIONSHIPS[number];

export const REQUEST_STATES = [
  "received",
  "verifying_identity",
  "verifying_relationship",
  "awaiting_approval",
  "in_progress",
  "on_hold",
  "completed",
  "denied",
  "withdrawn",
  "expired",
] as const;
export type RequestState = typeof REQUEST_STATES[number];

/** States that end a request (closed_at is set). */
export const CLOSED_STATES: readonly RequestState[] = [
  "completed",
  "denied",
  "withdrawn",
  "expired",
];

/** The Data Rights Protocol's denial reasons. */
export const DENIAL_CODES = [
  "suspected_fraud",
  "insufficient_verification",
  "no_match",
  "claim_not_covered",
  "outside_jurisdiction",
  "too_many_requests",
  "other",
] as const;
export type DenialCode = typeof DENIAL_CODES[number];

/** The data categories a requester may name (Data Policy §3). */
export const SCOPE_CATEGORIES = [
  "buyer_pii",
  "orders",
  "catalog",
  "inventory",
  "advertising",
  "finance",
  "sales_traffic",
  "brand_analytics",
] as const;

/** Types that change data: two approvers and a confirmed scope first. */
export const NEEDS_APPROVAL: readonly RequestType[] = ["delete", "revoke"];

export const DUE_DAYS = 30;
export const VERIFY_TTL_MS = 24 * 3_600_000;
export const UNVERIFIED_EXPIRY_MS = 7 * 86_400_000;

/** The marketplaces a buyer may name, for the form's list. */
export const REQUEST_MARKETPLACES = AMAZON_MARKETPLACES.map((m) => ({
  id: m.id,
  countryCode: m.countryCode,
  name: m.name,
}));

const MARKETPLACE_IDS = AMAZON_MARKETPLACES.map((m) => m.id) as [
  string,
  ...string[],
];

/** An empty form field is "not given". */
const blank = (v: unknown) =>
  typeof v === "string" && v.trim() === "" ? undefined : v;

/** A form field that may hold one value or several (checkboxes). */
const many = (v: unknown) =>
  v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v];

/**
 * The /request form. Identifiers must fit the relationship: a seller gives
 * their selling partner id; a buyer an order id and its marketplace.
 */
export const intakeSchema = z.object({
  type: z.enum(REQUEST_TYPES),
  name: plainText().trim().min(1).max(200),
  email: z.string().trim().max(254).pipe(z.email()),
  relationship: z.enum(RELATIONSHIPS),
  sellerId: z.preprocess(
    blank,
    z.string().trim().regex(/^[A-Z0-9]{8,20}$/).optional(),
  ),
  orderId: z.preprocess(
    blank,
    z.string().trim().regex(/^\d{3}-\d{7}-\d{7}$/).optional(),
  ),
  marketplace: z.preprocess(blank, z.enum(MARKETPLACE_IDS).optional()),
  categories: z.preprocess(many, z.array(z.enum(SCOPE_CATEGORIES)).max(8)),
  stores: z.preprocess(blank, plainText().trim().max(500).optional()),
  from: z.preprocess(blank, calendarDate().optional()),
  to: z.preprocess(blank, calendarDate().optional()),
  description: z.preprocess(
    (v) => v ?? "",
    plainText({ multiline: true }).trim().max(5000),
  ),
}).superRefine((v, ctx) => {
  if (v.relationship === "seller" && !v.sellerId) {
    ctx.addIssue({ code: "custom", path: ["sellerId"], message: "required" });
  }
  if (v.relationship === "buyer") {
    if (!v.orderId) {
      ctx.addIssue({ code: "custom", path: ["orderId"], message: "required" });
    }
    if (!v.marketplace) {
      ctx.addIssue({
        code: "custom",
        path: ["marketplace"],
        message: "required",
      });
    }
  }
  if (v.from && v.to && v.from > v.to) {
    ctx.addIssue({ code: "custom", path: ["to"], message: "range" });
  }
  if (
    (v.type === "question" || v.type === "security" || v.type === "other") &&
    v.description === ""
  ) {
    ctx.addIssue({
      code: "custom",
      path: ["description"],
      message: "required",
    });
  }
});
export type Intake = z.output<typeof intakeSchema>;

/** The fields of the form, in its order (each may carry an error). */
export const INTAKE_FIELDS = [
  "type",
  "name",
  "email",
  "relationship",
  "sellerId",
  "orderId",
  "marketplace",
  "categories",
  "stores",
  "from",
  "to",
  "description",
] as const;
export type IntakeField = typeof INTAKE_FIELDS[number];

/** Why a field was refused: "required", "range" or "invalid". */
export type FieldError = "required" | "range" | "invalid";

/** Checks a submitted form: the request, or each field's error. */
export function parseIntake(
  body: Record<string, unknown>,
):
  | { ok: true; value: Intake }
  | { ok: false; errors: Partial<Record<IntakeField, FieldError>> } {
  const parsed = intakeSchema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: Partial<Record<IntakeField, FieldError>> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? "") as IntakeField;
    if (!INTAKE_FIELDS.includes(field)) continue;
    const missing = issue.message === "required" ||
      (issue.code === "too_small" && issue.origin === "string") ||
      (issue.code === "invalid_value" && body[field] === undefined);
    errors[field] ??= issue.message === "range"
      ? "range"
      : missing
      ? "required"
      : "invalid";
  }
  if (Object.keys(errors).length === 0) errors.type = "invalid";
  return { ok: false, errors };
}

/** A random public reference, e.g. "DR-7KQ2M9XH4T" (50 bits; not a secret). */
export function newPublicId(): string {
  const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  return `DR-${[...bytes].map((b) => alphabet[b % alphabet.length]).join("")}`;
}
