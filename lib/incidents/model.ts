// Data Policy §12: the vocabulary of incidents (kinds, severities, states,
// data categories) and the zod schemas of what people type about them. The
// database checks the same lists (db/migrations/0034_incidents.sql).
import { z } from "zod";
import { calendarDate, plainText } from "../validation.ts";

/** What a person can report (§12: abnormal access, mistaken export, …). */
export const INCIDENT_KINDS = [
  "abnormal_access",
  "mistaken_export",
  "credential_exposure",
  "other",
] as const;
export type IncidentKind = typeof INCIDENT_KINDS[number];

export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type Severity = typeof SEVERITIES[number];

/** The life of an incident, in order. */
export const STATES = [
  "reported",
  "investigating",
  "contained",
  "remediated",
  "closed",
] as const;
export type IncidentState = typeof STATES[number];

/** The data an incident may have touched (the categories of §3). */
export const DATA_CATEGORIES = [
  "buyer_pii",
  "orders",
  "finance",
  "ads",
  "inventory",
  "credentials",
  "staff_accounts",
  "logs",
] as const;
export type DataCategory = typeof DATA_CATEGORIES[number];

/** Amazon's notice: security@amazon.com within 24 hours of detection. */
export const AMAZON_NOTICE_HOURS = 24;

/** The parties a notice may go to; "amazon" is added to every incident. */
export const NOTICE_PARTIES = [
  "amazon",
  "authority",
  "individuals",
  "provider",
  "other",
] as const;
export type NoticeParty = typeof NOTICE_PARTIES[number];

const multi = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(
    (v) => v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v],
    z.array(z.enum(values)).max(values.length),
  ).transform((a) => [...new Set(a)]);

/**
 * A report as the form sends it. `when` is a day (YYYY-MM-DD) or empty for
 * "now"; the stores must be the reporter's (the database checks too).
 */
export const reportInput = z.object({
  kind: z.enum(INCIDENT_KINDS),
  what: plainText({ multiline: true }).trim().min(10).max(4000),
  when: z.union([z.literal("").transform(() => null), calendarDate()])
    .default(""),
  stores: z.preprocess(
    (v) => v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v],
    z.array(z.uuid()).max(100),
  ).transform((a) => [...new Set(a.map((s) => s.toLowerCase()))]),
  data: multi(DATA_CATEGORIES),
});
export type ReportInput = z.input<typeof reportInput>;

/** A change of state, severity or owner from the incident page. */
export const incidentChange = z.object({
  state: z.enum(STATES),
  severity: z.enum(SEVERITIES),
  owner: z.union([z.literal("").transform(() => null), z.uuid()]),
  data: multi(DATA_CATEGORIES),
  credentials: plainText().trim().max(500).default("").transform((v) =>
    v.split(",").map((x) => x.trim()).filter((x) => x.length > 0).slice(0, 20)
  ),
});
export type IncidentChange = z.input<typeof incidentChange>;

export const noteInput = z.object({
  note: plainText({ multiline: true }).trim().min(1).max(4000),
});

export const noticeInput = z.object({
  party: z.enum(NOTICE_PARTIES),
  contact: plainText().trim().max(200).default(""),
  dueHours: z.coerce.number().int().min(1).max(24 * 90),
});

export const noticeSentInput = z.object({
  note: plainText().trim().max(1000).default(""),
});

/** One link to evidence: a screen of the portal that shows it. */
export interface Evidence {
  label: string;
  href: string;
}

/** Refusals of incident actions, as codes for the views. */
export class IncidentError extends Error {
  constructor(
    readonly code:
      | "invalid"
      | "not_found"
      | "forbidden"
      | "owner_only"
      | "unconfirmed"
      | "self"
      | "no_plan",
    /** For a refused form: each wrong field. */
    readonly fields: Record<string, string> = {},
  ) {
    super(`incident action refused: ${code}`);
  }
}

/** Each issue of a zod error by its first path element. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const k = String(issue.path[0] ?? "form");
    fields[k] ??= issue.code;
  }
  return fields;
}
