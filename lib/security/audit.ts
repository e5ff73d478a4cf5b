// Data Policy §8: audit logging of security-relevant actions (sign-in, PII
// reveal, export, grant changes), append-only and hash-chained so that an
// edited, removed or reordered row is detected (§12: preserve logs). Details
// pass through redaction first (§7: no credential in an audit detail). The
// chain itself lives in the database (db/migrations/0003_audit_chain.sql):
// audit_append writes, audit_verify checks, row-level security decides who
// reads which rows. Its anchor lives outside the database: periodic signed
// checkpoints in KV and the log (audit_checkpoint.ts).
import { and, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import {
  type Database,
  type Principal,
  rowsOf,
  type Tx,
} from "../../db/client.ts";
import { auditEvents } from "../../db/schema.ts";
import { redact, redactText } from "./redact.ts";
import {
  checkAgainstCheckpoint,
  type CheckpointCheck,
} from "./audit_checkpoint.ts";
import type { Vault } from "./vault.ts";

export type AuditOutcome = "success" | "failure" | "denied";
export type AuditActorType = "staff" | "requester" | "system" | "anonymous";

/** One event to append to the audit trail. */
export interface AuditEventInput {
  actorType: AuditActorType;
  /** The staff user id, requester reference, or job name; null if unknown. */
  actorId?: string | null;
  /** A dotted verb: `auth.signin.failed`, `pii.reveal`, `export.csv`, `grant.revoke`. */
  action: string;
  /** What was acted on: a route, an order id, a user id. */
  target?: string | null;
  /** The store the event concerns; the caller must hold that store. */
  storeId?: string | null;
  outcome: AuditOutcome;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  /** Free-form context; redacted before it is written. */
  details?: Record<string, unknown>;
}

/** Where a request came from, recorded with the events it causes. */
export type RequestMeta = Pick<
  AuditEventInput,
  "ip" | "userAgent" | "requestId"
>;

/** One stored audit event, as the auditor pages and exports read it. */
export interface AuditRow {
  id: number;
  at: Date;
  actorType: AuditActorType;
  actorId: string | null;
  action: string;
  target: string | null;
  storeId: string | null;
  outcome: AuditOutcome;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
  hash: string | null;
  prevHash: string | null;
}

/** Which events to list; every field narrows, none widens beyond RLS. */
export interface AuditFilter {
  actorId?: string;
  /** Prefix match on the action, e.g. `"auth."`. */
  action?: string;
  storeId?: string;
  /** Inclusive lower bound on `at`. */
  from?: Date;
  /** Exclusive upper bound on `at`. */
  to?: Date;
}

/** The result of walking the chain. `firstBrokenId` is null when intact. */
export interface AuditChainReport {
  checked: number;
  firstBrokenId: number | null;
  reason: string | null;
  /**
   * The trail measured against the last checkpoint kept outside the
   * database (lib/security/audit_checkpoint.ts), when asked for: null while
   * none was taken yet.
   */
  checkpoint?: CheckpointCheck | null;
}

/** Whether a report finds the trail intact: chain and checkpoint alike. */
export function auditChainIntact(report: AuditChainReport): boolean {
  return report.firstBrokenId === null && !report.checkpoint?.problem;
}

/** The same rule as the database's audit_events_action_ck constraint. */
const ACTION = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;
/** Longest page a caller may ask for, and the export batch size. */
const MAX_PAGE = 1000;
const STREAM_BATCH = 500;

/** Attacker-supplied text (user agents, routes) is cut, never refused. */
const clipped = (max: number) =>
  z.string().transform((s) => s.slice(0, max)).nullish();

const eventSchema = z.object({
  actorType: z.enum(["staff", "requester", "system", "anonymous"]),
  actorId: clipped(256),
  action: z.string().max(128).regex(ACTION, "action must be a dotted verb"),
  target: clipped(1024),
  storeId: z.guid().nullish(),
  outcome: z.enum(["success", "failure", "denied"]),
  ip: clipped(64),
  userAgent: clipped(512),
  requestId: clipped(128),
  details: z.record(z.string(), z.unknown()).optional(),
});

const filterSchema = z.object({
  actorId: z.string().max(256).optional(),
  action: z.string().max(128).optional(),
  storeId: z.guid().optional(),
  from: z.date().optional(),
  to: z.date().optional(),
});

const pageSchema = z.object({
  before: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(MAX_PAGE),
});

const ANONYMOUS: Principal = { userId: "", storeIds: [] };

/**
 * Appends one event in its own transaction, scoped to `scope` (or to no
 * store at all when null). Returns the new event's id. Throws if the event
 * names a store outside the scope; nothing is written then.
 *
 * @example
 * await recordAudit(db, principal, {
 *   actorType: "staff", actorId: principal.userId, action: "pii.reveal",
 *   target: orderId, storeId, outcome: "success",
 * });
 */
export async function recordAudit(
  db: Database,
  scope: Principal | null,
  event: AuditEventInput,
): Promise<number> {
  return await db.asUser(
    scope ?? ANONYMOUS,
    (tx) => recordAuditInTx(tx, event),
  );
}

/**
 * Appends one event inside the caller's scoped transaction, so that an
 * action and its audit row commit or roll back together.
 *
 * Appends are serialised until the transaction ends (that is what keeps
 * the chain linear), so keep such transactions short.
 */
export async function recordAuditInTx(
  tx: Tx,
  event: AuditEventInput,
): Promise<number> {
  const e = eventSchema.parse(event);
  const text = (v: string | null | undefined) =>
    v === null || v === undefined ? null : redactText(v);
  const details = JSON.stringify(redact(e.details ?? {}));
  const result = await tx.execute(sql`select audit_append(
    ${e.actorType}, ${text(e.actorId)}, ${e.action}, ${text(e.target)},
    ${e.storeId ?? null}::uuid, ${e.outcome}, ${text(e.ip)},
    ${text(e.userAgent)}, ${text(e.requestId)}, ${details}::jsonb
  )::text as id`);
  const [row] = rowsOf<{ id: string }>(result);
  return Number(row.id);
}

function conditions(filter: AuditFilter, before?: number): SQL | undefined {
  const f = filterSchema.parse(filter);
  const where: (SQL | undefined)[] = [
    before === undefined ? undefined : lt(auditEvents.id, before),
    f.actorId === undefined ? undefined : eq(auditEvents.actorId, f.actorId),
    // starts_with, not LIKE: action names contain `_`, a LIKE wildcard.
    f.action ? sql`starts_with(${auditEvents.action}, ${f.action})` : undefined,
    f.storeId === undefined ? undefined : eq(auditEvents.storeId, f.storeId),
    f.from === undefined ? undefined : gte(auditEvents.at, f.from),
    f.to === undefined ? undefined : lt(auditEvents.at, f.to),
  ];
  return and(...where);
}

async function selectPage(
  tx: Tx,
  filter: AuditFilter,
  before: number | undefined,
  limit: number,
): Promise<AuditRow[]> {
  const rows = await tx.select().from(auditEvents)
    .where(conditions(filter, before))
    .orderBy(desc(auditEvents.id))
    .limit(limit);
  return rows.map((r) => ({
    ...r,
    details: (r.details ?? {}) as Record<string, unknown>,
  }));
}

/**
 * One page of events, newest first. Pass `nextBefore` back as `before` for
 * the next page; it is null on the last page. Row-level security decides
 * what `scope` sees: its stores' events and storeless ones, or every event
 * when `scope.auditAll` is set.
 *
 * @example
 * const first = await listAudit(db, principal, { action: "auth." }, { limit: 50 });
 * const second = await listAudit(db, principal, { action: "auth." },
 *   { before: first.nextBefore ?? undefined, limit: 50 });
 */
export async function listAudit(
  db: Database,
  scope: Principal,
  filter: AuditFilter,
  page: { before?: number; limit: number },
): Promise<{ rows: AuditRow[]; nextBefore: number | null }> {
  const p = pageSchema.parse(page);
  const rows = await db.asUser(
    scope,
    (tx) => selectPage(tx, filter, p.before, p.limit + 1),
  );
  const more = rows.length > p.limit;
  if (more) rows.length = p.limit;
  return { rows, nextBefore: more ? rows[rows.length - 1].id : null };
}

/**
 * Every matching event, newest first, in batches: one short transaction per
 * batch and at most one batch in memory (for the CSV export). Events added
 * after the first batch are not included.
 *
 * @example
 * for await (const batch of streamAudit(db, principal, {})) {
 *   await writer.write(encoder.encode(auditCsv(batch, first)));
 * }
 */
export async function* streamAudit(
  db: Database,
  scope: Principal,
  filter: AuditFilter,
  batchSize = STREAM_BATCH,
): AsyncGenerator<AuditRow[]> {
  const size = Math.max(1, Math.min(MAX_PAGE, Math.trunc(batchSize)));
  let before: number | undefined;
  while (true) {
    const rows = await db.asUser(
      scope,
      (tx) => selectPage(tx, filter, before, size),
    );
    if (rows.length > 0) yield rows;
    if (rows.length < size) return;
    before = rows[rows.length - 1].id;
  }
}

/**
 * Recomputes every hash and link of the whole trail (all stores), and, given
 * the KV and vault that keep the checkpoints, compares the trail with the
 * last one (which finds rows cut at either end and rewritten trails). Only
 * an auditor (`scope.auditAll`) may ask; anyone else gets a database error.
 */
export async function verifyAuditChain(
  db: Database,
  scope: Principal,
  anchor?: { kv: Deno.Kv; vault: Vault; now?: Date },
): Promise<AuditChainReport> {
  const [row] = await db.asUser(scope, async (tx) =>
    rowsOf<
      { checked: string; first_broken_id: string | null; reason: string | null }
    >(
      await tx.execute(sql`select checked::text, first_broken_id::text, reason
        from audit_verify()`),
    ));
  return {
    checked: Number(row.checked),
    firstBrokenId: row.first_broken_id === null
      ? null
      : Number(row.first_broken_id),
    reason: row.reason,
    ...(anchor
      ? { checkpoint: await checkAgainstCheckpoint({ db, ...anchor }, scope) }
      : {}),
  };
}

const CSV_COLUMNS = [
  "id",
  "at",
  "actor_type",
  "actor_id",
  "action",
  "target",
  "store_id",
  "outcome",
  "ip",
  "user_agent",
  "request_id",
  "details",
  "prev_hash",
  "hash",
] as const;

/** Cells a spreadsheet would run as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV cell: credential-shaped text removed, formulas defused, quoted. */
function csvCell(value: string | number | null): string {
  if (value === null) return "";
  let s = redactText(String(value));
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * Audit rows as RFC 4180 CSV (CRLF line ends), with the header line when
 * `header` is true, so batches of streamAudit can be concatenated.
 */
export function auditCsv(rows: AuditRow[], header: boolean): string {
  const lines = header ? [CSV_COLUMNS.join(",")] : [];
  for (const r of rows) {
    lines.push(
      [
        r.id,
        r.at.toISOString(),
        r.actorType,
        r.actorId,
        r.action,
        r.target,
        r.storeId,
        r.outcome,
        r.ip,
        r.userAgent,
        r.requestId,
        JSON.stringify(r.details),
        r.prevHash,
        r.hash,
      ].map(csvCell).join(","),
    );
  }
  return lines.length === 0 ? "" : `${lines.join("\r\n")}\r\n`;
}
