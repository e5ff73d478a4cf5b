// Amazon's Data Protection Policy: delete on Amazon's request within 72
// hours. An owner records the request (Amazon's reference, when it arrived,
// its scope: stores, categories, time range, order ids); the purge of that
// scope runs at once through the job queue (resumable: each batch adds to a
// purge record naming the request, in the same transaction), legal holds
// still apply and are reported, and a deletion certificate says what went:
// rows per table, started and finished, by whom, the audit chain's head at
// completion, and the archives and backups that still hold the scope with
// the date each expires. Audited.
import { sql } from "drizzle-orm";
import { z } from "zod";
import { type Database, type Principal, rowsOf } from "../../db/client.ts";
import type { Enqueue } from "../queue.ts";
import { recordAudit, type RequestMeta } from "../security/audit.ts";
import { calendarDate, utcDate } from "../validation.ts";
import {
  DELETION_CATEGORIES,
  type DeletionScope,
  type PurgeDeps,
  purgeStore,
} from "./purge.ts";

export const DELETION_MESSAGE = "retention.deletion";

/** `{type: "retention.deletion", requestId, storeIds}`: run one request. */
export const deletionMessage = z.object({
  type: z.literal(DELETION_MESSAGE),
  requestId: z.uuid(),
  storeIds: z.array(z.uuid()).min(1),
});
export type DeletionMessage = z.input<typeof deletionMessage>;

/** Amazon's deadline from receipt. */
export const DEADLINE_HOURS = 72;
/** Copies outside production (archives, backups) go within this. */
export const COPY_LIMIT_DAYS = 90;
const DAY_MS = 86_400_000;

const optionalDate = z.union([
  z.literal("").transform(() => null),
  calendarDate().transform(utcDate),
]);

const DATE_FIELDS = new Set(["fromAt", "toAt"]);

/** The form: every field checked, each with its own error. */
export const deletionInput = z.object({
  amazonReference: z.string().trim().min(3).max(200),
  // <input type="datetime-local">, read as UTC (the route turns the
  // reader's wall clock into UTC first: lib/validation.ts wallClockInZone).
  receivedAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/)
    .transform((v) => new Date(`${v.length === 16 ? `${v}:00` : v}Z`))
    .refine((d) => !Number.isNaN(d.getTime())),
  storeIds: z.array(z.uuid()).min(1).max(100),
  categories: z.array(z.enum(DELETION_CATEGORIES as [string, ...string[]]))
    .min(1),
  fromAt: optionalDate,
  toAt: optionalDate,
  orderIds: z.string().max(20_000).transform((v) => {
    const ids = v.split(/[\s,]+/).filter((x) => x.length > 0);
    return ids.length > 0 ? ids : null;
  }).pipe(
    z.array(z.string().regex(/^[0-9A-Za-z-]{3,40}$/)).max(1000).nullable(),
  ),
  confirm: z.literal("yes"),
}).refine((v) => !v.fromAt || !v.toAt || v.fromAt <= v.toAt, {
  path: ["toAt"],
  message: "range",
});
export type DeletionInput = z.input<typeof deletionInput>;

export interface DeletionRequest {
  id: string;
  amazonReference: string;
  receivedAt: Date;
  deadlineAt: Date;
  storeIds: string[];
  categories: string[];
  fromAt: Date | null;
  toAt: Date | null;
  orderIds: string[] | null;
  status: "queued" | "running" | "done";
  requestedBy: string;
  requestedByName: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  auditHeadId: number | null;
  auditHeadHash: string | null;
}

export interface DeletionCertificate {
  request: DeletionRequest;
  /** Rows deleted and kept by a legal hold, per store and table. */
  tables: { storeId: string; table: string; deleted: number; held: number }[];
  deletedTotal: number;
  heldTotal: number;
  /** Whether it finished within 72 hours of receipt (null: not finished). */
  metDeadline: boolean | null;
  archives: { storeId: string; file: string; expiresAt: Date }[];
  backups: { file: string; createdAt: Date; expiresAt: Date }[];
}

const date = (v: unknown) =>
  v === null || v === undefined ? null : new Date(v as string);

function requestOf(r: Record<string, unknown>): DeletionRequest {
  return {
    id: r.id as string,
    amazonReference: r.amazon_reference as string,
    receivedAt: date(r.received_at)!,
    deadlineAt: date(r.deadline_at)!,
    storeIds: r.store_ids as string[],
    categories: r.categories as string[],
    fromAt: date(r.from_at),
    toAt: date(r.to_at),
    orderIds: r.order_ids as string[] | null,
    status: r.status as DeletionRequest["status"],
    requestedBy: r.requested_by as string,
    requestedByName: r.requested_by_name as string,
    createdAt: date(r.created_at)!,
    startedAt: date(r.started_at),
    finishedAt: date(r.finished_at),
    auditHeadId: r.audit_head_id === null ? null : Number(r.audit_head_id),
    auditHeadHash: r.audit_head_hash as string | null,
  };
}

const COLUMNS = sql`id::text, amazon_reference, received_at, deadline_at,
  store_ids::text[] as store_ids, categories, from_at, to_at, order_ids,
  status, requested_by::text, requested_by_name, created_at, started_at,
  finished_at, audit_head_id::text, audit_head_hash`;

const textArray = (xs: readonly string[]) =>
  `{${xs.map((x) => `"${x.replaceAll('"', "")}"`).join(",")}}`;

/** A refused request (the form shows the fields' errors). */
export class DeletionRequestError extends Error {
  constructor(readonly fields: Record<string, string>) {
    super("deletion request refused");
  }
}

/**
 * Checks a request as the form sent it: every field, and that the stores
 * are the principal's. Throws DeletionRequestError with each field's error.
 */
export function checkDeletionRequest(
  principal: Principal,
  input: DeletionInput,
): z.output<typeof deletionInput> {
  const parsed = deletionInput.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const k = String(issue.path[0] ?? "form");
      fields[k] ??= issue.message === "range"
        ? "range"
        : DATE_FIELDS.has(k)
        ? "date"
        : "invalid";
    }
    throw new DeletionRequestError(fields);
  }
  const foreign = parsed.data.storeIds.filter((s) =>
    !principal.storeIds.includes(s)
  );
  if (foreign.length > 0) {
    throw new DeletionRequestError({ storeIds: "invalid" });
  }
  return parsed.data;
}

/**
 * Records Amazon's deletion request and queues its purge at once; audited.
 * The stores must be the principal's. Returns the request's id.
 */
export async function recordDeletionRequest(
  deps: { db: Database; enqueue: Enqueue },
  principal: Principal & { displayName: string },
  input: DeletionInput,
  meta: RequestMeta = {},
): Promise<string> {
  const r = checkDeletionRequest(principal, input);
  const deadline = new Date(
    r.receivedAt.getTime() + DEADLINE_HOURS * 3_600_000,
  );
  const id = await deps.db.asUser(principal, async (tx) => {
    const [row] = rowsOf<{ id: string }>(
      await tx.execute(sql`insert into deletion_requests
        (amazon_reference, received_at, deadline_at, store_ids, categories,
         from_at, to_at, order_ids, requested_by, requested_by_name)
        values (${r.amazonReference}, ${r.receivedAt.toISOString()}::timestamptz,
          ${deadline.toISOString()}::timestamptz,
          ${textArray(r.storeIds)}::uuid[], ${textArray(r.categories)}::text[],
          ${r.fromAt?.toISOString() ?? null}::timestamptz,
          ${r.toAt?.toISOString() ?? null}::timestamptz,
          ${r.orderIds ? textArray(r.orderIds) : null}::text[],
          ${principal.userId}::uuid, ${principal.displayName})
        returning id::text as id`),
    );
    return row.id;
  });
  await recordAudit(deps.db, principal, {
    actorType: "staff",
    actorId: principal.userId,
    action: "retention.deletion.request",
    target: id,
    outcome: "success",
    ...meta,
    details: {
      amazonReference: r.amazonReference,
      receivedAt: r.receivedAt.toISOString(),
      stores: r.storeIds,
      categories: r.categories,
      orders: r.orderIds?.length ?? 0,
    },
  });
  await deps.enqueue({
    type: DELETION_MESSAGE,
    requestId: id,
    storeIds: r.storeIds,
  });
  return id;
}

/** The requests the principal may see, newest first. */
export async function listDeletionRequests(
  db: Database,
  principal: Principal,
  limit = 50,
): Promise<DeletionRequest[]> {
  return await db.asUser(
    principal,
    async (tx) =>
      rowsOf<Record<string, unknown>>(
        await tx.execute(sql`select ${COLUMNS} from deletion_requests
        order by created_at desc limit ${limit}`),
      ).map(requestOf),
  );
}

async function readRequest(
  db: Database,
  principal: Principal,
  id: string,
): Promise<DeletionRequest | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const [r] = await db.asUser(
    principal,
    async (tx) =>
      rowsOf<Record<string, unknown>>(
        await tx.execute(sql`select ${COLUMNS} from deletion_requests
        where id = ${id}::uuid`),
      ),
  );
  return r ? requestOf(r) : null;
}

/**
 * Runs one request's purge (the queue handler): every store in scope in
 * turn, each under its purge lease; a store another instance is purging
 * makes the message fail and the queue retry it. Safe to run again: rows
 * already gone are not counted twice.
 */
export async function runDeletionRequest(
  deps: PurgeDeps,
  message: { requestId: string; storeIds: string[] },
): Promise<DeletionRequest | null> {
  const now = deps.now ?? (() => new Date());
  const scope: Principal = { userId: "", storeIds: message.storeIds };
  const request = await readRequest(deps.db, scope, message.requestId);
  if (!request || request.status === "done") return request;
  await deps.db.asUser(
    scope,
    (tx) =>
      tx.execute(sql`update deletion_requests set status = 'running',
        started_at = coalesce(started_at, ${now().toISOString()}::timestamptz)
      where id = ${request.id}::uuid`),
  );
  const deletionScope: DeletionScope = {
    requestId: request.id,
    categories: request.categories,
    fromAt: request.fromAt,
    toAt: request.toAt,
    orderIds: request.orderIds,
  };
  for (const storeId of request.storeIds) {
    const out = await purgeStore(deps, storeId, { scope: deletionScope });
    if (out.status === "busy") {
      throw new Error(`store ${storeId} is being purged; retry`);
    }
  }
  const [totals] = await deps.db.asUser(
    scope,
    async (tx) =>
      rowsOf<{ deleted: number; held: number }>(
        await tx.execute(
          sql`select coalesce(sum(rows_deleted), 0)::int as deleted,
        coalesce(sum(rows_held), 0)::int as held
        from purge_records where deletion_request_id = ${request.id}::uuid
          and status = 'done'`,
        ),
      ),
  );
  await recordAudit(deps.db, scope, {
    actorType: "system",
    actorId: "retention.deletion",
    action: "retention.deletion.complete",
    target: request.id,
    outcome: "success",
    details: {
      amazonReference: request.amazonReference,
      rowsDeleted: totals.deleted,
    },
  });
  // The chain's head once the completion is on it.
  const [head] = await deps.db.asUser(
    { ...scope, auditAll: true },
    async (tx) =>
      rowsOf<{ head_id: string | null; head_hash: string | null }>(
        await tx.execute(sql`select head_id::text, head_hash
          from audit_state(null, now())`),
      ),
  );
  await deps.db.asUser(
    scope,
    (tx) =>
      tx.execute(sql`update deletion_requests set status = 'done',
        finished_at = ${now().toISOString()}::timestamptz,
        audit_head_id = ${head.head_id}::bigint,
        audit_head_hash = ${head.head_hash}
      where id = ${request.id}::uuid`),
  );
  return await readRequest(deps.db, scope, request.id);
}

/**
 * The certificate of one request: its figures are the purge records that
 * name it (the rows actually removed), plus the copies outside production
 * that still hold its scope: the stores' disconnection archives (expiring
 * by the archives rule, at most 90 days) and the backups the backup task
 * recorded in the audit trail (`backup.create`, `{file, expiresAt}`).
 */
export async function deletionCertificate(
  db: Database,
  principal: Principal,
  id: string,
): Promise<DeletionCertificate | null> {
  const request = await readRequest(db, principal, id);
  if (!request) return null;
  const tables = await db.asUser(principal, async (tx) =>
    rowsOf<
      { store_id: string; table_name: string; deleted: number; held: number }
    >(
      await tx.execute(sql`select store_id::text, table_name,
          sum(rows_deleted)::int as deleted,
          max(rows_held)::int as held
        from purge_records where deletion_request_id = ${id}::uuid
        group by store_id, table_name order by store_id, table_name`),
    ));
  const at = request.finishedAt ?? new Date();
  const limit = (d: Date) =>
    new Date(
      Math.min(d.getTime(), at.getTime() + COPY_LIMIT_DAYS * DAY_MS),
    );
  const archives = await db.asUser(principal, async (tx) => {
    const [rule] = rowsOf<{ days: number }>(
      await tx.execute(sql`select days from retention_rules
        where category = 'archives'`),
    );
    const days = rule?.days ?? COPY_LIMIT_DAYS;
    return rowsOf<
      { store_id: string; archive_path: string; completed_at: string | null }
    >(
      await tx.execute(sql`select store_id::text, archive_path,
          coalesce(completed_at, requested_at) as completed_at
        from store_disconnections
        where archive_path is not null
          and store_id = any(${textArray(request.storeIds)}::uuid[])`),
    ).map((r) => ({
      storeId: r.store_id,
      file: r.archive_path.split("/").slice(-2).join("/"),
      expiresAt: limit(
        new Date(new Date(r.completed_at!).getTime() + days * DAY_MS),
      ),
    })).filter((a) => a.expiresAt > at);
  });
  const backups = await db.asUser(
    { ...principal, auditAll: true },
    async (tx) =>
      rowsOf<{ at: string; file: unknown; expires_at: unknown }>(
        await tx.execute(sql`select at, details->>'file' as file,
            details->>'expiresAt' as expires_at
          from audit_events where action = 'backup.create'
            and outcome = 'success' and at <= ${at.toISOString()}::timestamptz
          order by id`),
      ),
  );
  return {
    request,
    tables: tables.map((t) => ({
      storeId: t.store_id,
      table: t.table_name,
      deleted: t.deleted,
      held: t.held,
    })),
    deletedTotal: tables.reduce((n, t) => n + t.deleted, 0),
    heldTotal: tables.reduce((n, t) => n + t.held, 0),
    metDeadline: request.finishedAt
      ? request.finishedAt <= request.deadlineAt
      : null,
    archives,
    backups: backups.flatMap((b) => {
      const expires = typeof b.expires_at === "string"
        ? new Date(b.expires_at)
        : null;
      if (!expires || Number.isNaN(expires.getTime()) || expires <= at) {
        return [];
      }
      return [{
        file: String(b.file ?? "").split("/").pop() ?? "",
        createdAt: new Date(b.at),
        expiresAt: limit(expires),
      }];
    }),
  };
}

/** The certificate as plain JSON for the download. */
export function certificateJson(c: DeletionCertificate): string {
  const r = c.request;
  return JSON.stringify(
    {
      certificate: "custodian.deletion.v1",
      amazonReference: r.amazonReference,
      requestId: r.id,
      receivedAt: r.receivedAt.toISOString(),
      deadlineAt: r.deadlineAt.toISOString(),
      metDeadline: c.metDeadline,
      scope: {
        stores: r.storeIds,
        categories: r.categories,
        from: r.fromAt?.toISOString() ?? null,
        to: r.toAt?.toISOString() ?? null,
        orderIds: r.orderIds,
      },
      requestedBy: { id: r.requestedBy, name: r.requestedByName },
      startedAt: r.startedAt?.toISOString() ?? null,
      finishedAt: r.finishedAt?.toISOString() ?? null,
      rows: c.tables,
      rowsDeleted: c.deletedTotal,
      rowsHeld: c.heldTotal,
      auditHead: { id: r.auditHeadId, hash: r.auditHeadHash },
      copies: {
        archives: c.archives.map((a) => ({
          ...a,
          expiresAt: a.expiresAt.toISOString(),
        })),
        backups: c.backups.map((b) => ({
          ...b,
          createdAt: b.createdAt.toISOString(),
          expiresAt: b.expiresAt.toISOString(),
        })),
      },
    },
    null,
    2,
  );
}
