// Data Policy §12: "internal users report abnormal access, mistaken export or
// suspected credential exposure at once". Anyone signed in may report, and a
// report never depends on their grants: it is written by incident_open
// (SECURITY DEFINER, 0034_incidents.sql), which checks only that the
// reporter is an active user and names their own stores. Audited in the same
// transaction.
import { sql } from "drizzle-orm";
import type { Database, Principal, Tx } from "../../db/client.ts";
import { rowsOf } from "../../db/client.ts";
import { recordAuditInTx, type RequestMeta } from "../security/audit.ts";
import { isCalendarDate, wallClockInZone } from "../validation.ts";
import {
  type Evidence,
  fieldErrors,
  IncidentError,
  type IncidentKind,
  type ReportInput,
  reportInput,
  type Severity,
} from "./model.ts";

/** What opening an incident needs (a report, a detection, a canary). */
export interface OpenIncident {
  kind: IncidentKind;
  severity: Severity;
  source: "report" | "detection";
  rule?: string | null;
  /** Detections add to the open incident with the same key. */
  dedupeKey?: string | null;
  summary: string;
  occurredAt?: Date | null;
  detectedAt: Date;
  storeIds: readonly string[];
  dataCategories: readonly string[];
  /** The name of a system actor (a detection rule's job). */
  actorName?: string;
  /** The first timeline entry's text. */
  note: string;
  evidence?: readonly Evidence[];
}

const arrayOf = (values: readonly string[]) =>
  `{${values.map((v) => `"${v.replaceAll(/["\\]/g, "")}"`).join(",")}}`;

/** Opens (or, with a dedupe key, adds to) an incident; returns its id. */
export async function openIncidentTx(
  tx: Tx,
  o: OpenIncident,
): Promise<string> {
  const [row] = rowsOf<{ id: string }>(
    await tx.execute(sql`select incident_open(${o.kind}, ${o.severity},
      ${o.source}, ${o.rule ?? null}, ${o.dedupeKey ?? null}, ${o.summary},
      ${o.occurredAt?.toISOString() ?? null}::timestamptz,
      ${o.detectedAt.toISOString()}::timestamptz,
      ${arrayOf(o.storeIds)}::uuid[], ${arrayOf(o.dataCategories)}::text[],
      ${o.actorName ?? "system"}, ${o.note},
      ${JSON.stringify(o.evidence ?? [])}::jsonb)::text as id`),
  );
  return row.id;
}

/**
 * Records a report from `principal` (any signed-in staff member); audited.
 * Throws IncidentError("invalid", fields) for a bad field and
 * IncidentError("forbidden") for a store that is not theirs.
 *
 * @example
 * const id = await reportIncident(db, principal, {
 *   kind: "mistaken_export", what: "Sent the orders CSV to the wrong person",
 *   when: "2026-03-02", stores: [storeId], data: ["orders"],
 * }, "Asia/Shanghai", meta);
 */
export async function reportIncident(
  db: Database,
  principal: Principal,
  input: ReportInput,
  zone: string,
  meta: RequestMeta,
  now = new Date(),
): Promise<string> {
  const parsed = reportInput.safeParse(input);
  // Every wrong field at once: the zod issues and a day in the future.
  const fields = parsed.success ? {} : fieldErrors(parsed.error);
  const when = typeof input.when === "string" && isCalendarDate(input.when)
    ? wallClockInZone(`${input.when}T00:00`, zone) ??
      new Date(`${input.when}T00:00Z`)
    : null;
  if (when && when.getTime() > now.getTime()) fields.when = "future";
  if (
    parsed.success &&
    parsed.data.stores.some((s) => !principal.storeIds.includes(s))
  ) fields.stores = "store";
  if (!parsed.success || Object.keys(fields).length > 0) {
    throw new IncidentError("invalid", fields);
  }
  const r = parsed.data;
  const occurredAt = r.when ? when : null;
  return await db.asUser(principal, async (tx) => {
    const id = await openIncidentTx(tx, {
      kind: r.kind,
      severity: "medium",
      source: "report",
      summary: r.what,
      occurredAt,
      detectedAt: now,
      storeIds: r.stores,
      dataCategories: r.data,
      note: r.what,
    });
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: principal.userId,
      action: "incident.report",
      target: id,
      outcome: "success",
      ...meta,
      details: { kind: r.kind, stores: r.stores.length, data: r.data },
    });
    return id;
  });
}
