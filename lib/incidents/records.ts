// Data Policy §12: the incident records of /incidents — the list, one
// incident with its timeline and notification checklist, and the changes an
// incident manager makes (state, severity, owner, notes, notices). Every
// change is a timeline entry and an audit event in one transaction.
import { sql } from "drizzle-orm";
import type { Database, Tx } from "../../db/client.ts";
import { rowsOf } from "../../db/client.ts";
import { recordAuditInTx, type RequestMeta } from "../security/audit.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import {
  type Evidence,
  fieldErrors,
  type IncidentChange,
  incidentChange,
  IncidentError,
  type IncidentKind,
  type IncidentState,
  noteInput,
  noticeInput,
  noticeSentInput,
  type Severity,
  STATES,
} from "./model.ts";

export interface IncidentRow {
  id: string;
  ref: number;
  kind: IncidentKind;
  severity: Severity;
  state: IncidentState;
  source: "report" | "detection" | "canary";
  rule: string | null;
  summary: string;
  occurredAt: Date | null;
  detectedAt: Date;
  storeIds: string[];
  dataCategories: string[];
  credentials: string[];
  ownerId: string | null;
  ownerName: string | null;
  reportedByName: string | null;
  updatedAt: Date;
  closedAt: Date | null;
  /** Notices not sent yet, and the earliest of their due times. */
  noticesOpen: number;
  nextDueAt: Date | null;
}

export interface TimelineEntry {
  id: number;
  at: Date;
  actorType: "staff" | "system";
  actorName: string;
  kind: string;
  note: string;
  evidence: Evidence[];
}

export interface Notice {
  id: string;
  party: string;
  contact: string | null;
  dueAt: Date;
  sentAt: Date | null;
  sentByName: string | null;
  note: string | null;
}

export interface IncidentDetail {
  incident: IncidentRow;
  timeline: TimelineEntry[];
  notices: Notice[];
}

export interface IncidentListQuery {
  state?: "open" | IncidentState;
  severity?: Severity;
  /** Keyset: the last row of the previous page (`<ISO time>_<ref>`). */
  after?: { detectedAt: Date; ref: number };
  size: number;
}

const toDate = (v: unknown) =>
  v === null || v === undefined ? null : new Date(v as string);

const SELECT = sql`select i.id::text as id, i.ref::int as ref, i.kind,
  i.severity, i.state, i.source, i.rule, i.summary, i.occurred_at,
  i.detected_at, i.store_ids::text[] as store_ids, i.data_categories,
  i.credentials, i.owner_id::text as owner_id, u.display_name as owner_name,
  i.reported_by_name, i.updated_at, i.closed_at,
  (select count(*)::int from incident_notices n
    where n.incident_id = i.id and n.sent_at is null) as notices_open,
  (select min(n.due_at) from incident_notices n
    where n.incident_id = i.id and n.sent_at is null) as next_due_at
  from incidents i left join staff_users u on u.id = i.owner_id`;

function incidentOf(r: Record<string, unknown>): IncidentRow {
  return {
    id: r.id as string,
    ref: Number(r.ref),
    kind: r.kind as IncidentKind,
    severity: r.severity as Severity,
    state: r.state as IncidentState,
    source: r.source as IncidentRow["source"],
    rule: (r.rule as string | null) ?? null,
    summary: r.summary as string,
    occurredAt: toDate(r.occurred_at),
    detectedAt: toDate(r.detected_at)!,
    storeIds: (r.store_ids as string[]) ?? [],
    dataCategories: (r.data_categories as string[]) ?? [],
    credentials: (r.credentials as string[]) ?? [],
    ownerId: (r.owner_id as string | null) ?? null,
    ownerName: (r.owner_name as string | null) ?? null,
    reportedByName: (r.reported_by_name as string | null) ?? null,
    updatedAt: toDate(r.updated_at)!,
    closedAt: toDate(r.closed_at),
    noticesOpen: Number(r.notices_open ?? 0),
    nextDueAt: toDate(r.next_due_at),
  };
}

/** A page of incidents, newest detection first; `next` continues it. */
export async function listIncidents(
  db: Database,
  principal: StaffPrincipal,
  q: IncidentListQuery,
): Promise<{ rows: IncidentRow[]; next: string | null }> {
  const rows = await db.asUser(principal, async (tx) =>
    rowsOf(
      await tx.execute(sql`${SELECT} where true
      ${
        q.state === "open"
          ? sql`and i.state <> 'closed'`
          : q.state
          ? sql`and i.state = ${q.state}`
          : sql``
      }
      ${q.severity ? sql`and i.severity = ${q.severity}` : sql``}
      ${
        q.after
          ? sql`and (i.detected_at, i.ref) < (${q.after.detectedAt.toISOString()}::timestamptz, ${q.after.ref})`
          : sql``
      }
      order by i.detected_at desc, i.ref desc limit ${q.size + 1}`),
    ).map(incidentOf));
  const more = rows.length > q.size;
  const page = rows.slice(0, q.size);
  const last = page.at(-1);
  return {
    rows: page,
    next: more && last ? `${last.detectedAt.toISOString()}_${last.ref}` : null,
  };
}

/** Parses a keyset cursor of `listIncidents`, or undefined. */
export function parseCursor(
  v: string | undefined,
): IncidentListQuery["after"] {
  const m = v ? /^([0-9T:.Z-]{10,40})_(\d{1,15})$/.exec(v) : null;
  if (!m) return undefined;
  const at = new Date(m[1]);
  return Number.isNaN(at.getTime())
    ? undefined
    : { detectedAt: at, ref: Number(m[2]) };
}

async function detailTx(tx: Tx, id: string): Promise<IncidentDetail | null> {
  const [row] = rowsOf(
    await tx.execute(sql`${SELECT} where i.id = ${id}::uuid`),
  );
  if (!row) return null;
  const timeline = rowsOf(
    await tx.execute(sql`select id::int as id, at, actor_type, actor_name,
      kind, note, evidence from incident_events
      where incident_id = ${id}::uuid order by at, id`),
  ).map((e) => ({
    id: Number(e.id),
    at: toDate(e.at)!,
    actorType: e.actor_type as "staff" | "system",
    actorName: e.actor_name as string,
    kind: e.kind as string,
    note: e.note as string,
    evidence:
      (typeof e.evidence === "string"
        ? JSON.parse(e.evidence)
        : e.evidence) as Evidence[],
  }));
  const notices = rowsOf(
    await tx.execute(sql`select id::text as id, party, contact, due_at,
      sent_at, sent_by_name, note from incident_notices
      where incident_id = ${id}::uuid order by due_at, created_at`),
  ).map((n) => ({
    id: n.id as string,
    party: n.party as string,
    contact: (n.contact as string | null) ?? null,
    dueAt: toDate(n.due_at)!,
    sentAt: toDate(n.sent_at),
    sentByName: (n.sent_by_name as string | null) ?? null,
    note: (n.note as string | null) ?? null,
  }));
  return { incident: incidentOf(row), timeline, notices };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One incident with its timeline and notices, or null (absent or not theirs). */
export async function getIncident(
  db: Database,
  principal: StaffPrincipal,
  id: string,
): Promise<IncidentDetail | null> {
  if (!UUID.test(id)) return null;
  return await db.asUser(principal, (tx) => detailTx(tx, id));
}

/** Adds a timeline entry by `principal` inside the caller's transaction. */
export async function addEventTx(
  tx: Tx,
  principal: StaffPrincipal,
  incidentId: string,
  kind: "note" | "state" | "severity" | "owner" | "action" | "notice",
  note: string,
  at: Date,
  evidence: readonly Evidence[] = [],
): Promise<void> {
  await tx.execute(sql`insert into incident_events (incident_id, at,
      actor_type, actor_id, actor_name, kind, note, evidence)
    values (${incidentId}::uuid, ${at.toISOString()}::timestamptz, 'staff',
      ${principal.userId}::uuid, ${principal.displayName}, ${kind},
      ${note.slice(0, 4000)}, ${JSON.stringify(evidence)}::jsonb)`);
  await tx.execute(
    sql`update incidents set updated_at = ${at.toISOString()}::timestamptz
    where id = ${incidentId}::uuid`,
  );
}

/** Locks the incident for a change; throws not_found when it is not theirs. */
async function lockTx(tx: Tx, id: string): Promise<IncidentRow> {
  if (!UUID.test(id)) throw new IncidentError("not_found");
  const [row] = rowsOf(
    await tx.execute(sql`${SELECT} where i.id = ${id}::uuid for update of i`),
  );
  if (!row) throw new IncidentError("not_found");
  return incidentOf(row);
}

/**
 * Runs `fn` on a locked incident the principal may manage, then audits
 * `action`. The shared frame of every change below and of containment.
 */
export async function changeIncident<T>(
  db: Database,
  principal: StaffPrincipal,
  id: string,
  action: string,
  meta: RequestMeta,
  fn: (
    tx: Tx,
    incident: IncidentRow,
  ) => Promise<{ result: T; details: Record<string, unknown> }>,
): Promise<T> {
  if (!principal.permissions.has("incidents.manage")) {
    throw new IncidentError("forbidden");
  }
  return await db.asUser(principal, async (tx) => {
    const incident = await lockTx(tx, id);
    const { result, details } = await fn(tx, incident);
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: principal.userId,
      action,
      target: id,
      outcome: "success",
      ...meta,
      details: { ref: incident.ref, ...details },
    });
    return result;
  });
}

/** Sets state, severity, owner, data categories and credentials; audited. */
export async function updateIncident(
  db: Database,
  principal: StaffPrincipal,
  id: string,
  input: IncidentChange,
  meta: RequestMeta,
  now = new Date(),
): Promise<void> {
  const parsed = incidentChange.safeParse(input);
  if (!parsed.success) {
    throw new IncidentError("invalid", fieldErrors(parsed.error));
  }
  const c = parsed.data;
  await changeIncident(
    db,
    principal,
    id,
    "incident.update",
    meta,
    async (tx, i) => {
      if (c.owner) {
        const [ok] = rowsOf(
          await tx.execute(sql`select 1 from staff_users
          where id = ${c.owner}::uuid and status = 'active'`),
        );
        if (!ok) throw new IncidentError("invalid", { owner: "owner" });
      }
      const changes: Record<string, unknown> = {};
      if (c.state !== i.state) {
        await addEventTx(
          tx,
          principal,
          id,
          "state",
          `${i.state} → ${c.state}`,
          now,
        );
        changes.state = c.state;
      }
      if (c.severity !== i.severity) {
        await addEventTx(
          tx,
          principal,
          id,
          "severity",
          `${i.severity} → ${c.severity}`,
          now,
        );
        changes.severity = c.severity;
      }
      if (c.owner !== i.ownerId) {
        const [u] = c.owner
          ? rowsOf<{ name: string }>(
            await tx.execute(sql`select display_name as name from staff_users
            where id = ${c.owner}::uuid`),
          )
          : [];
        await addEventTx(tx, principal, id, "owner", u?.name ?? "—", now);
        changes.owner = c.owner;
      }
      const sameList = (a: readonly string[], b: readonly string[]) =>
        a.length === b.length && a.every((x, k) => x === b[k]);
      if (
        !sameList(c.data, i.dataCategories) ||
        !sameList(c.credentials, i.credentials)
      ) {
        await addEventTx(
          tx,
          principal,
          id,
          "note",
          `data: ${c.data.join(", ") || "—"}; credentials: ${
            c.credentials.join(", ") || "—"
          }`,
          now,
        );
        changes.scope = true;
      }
      await tx.execute(sql`update incidents set state = ${c.state},
        severity = ${c.severity}, owner_id = ${c.owner}::uuid,
        data_categories = ${`{${c.data.join(",")}}`}::text[],
        credentials = ${`{${
        c.credentials.map((x) => `"${x.replaceAll(/["\\]/g, "")}"`).join(",")
      }}`}::text[],
        closed_at = ${
        c.state === "closed" ? (i.closedAt ?? now).toISOString() : null
      }::timestamptz,
        updated_at = ${now.toISOString()}::timestamptz
      where id = ${id}::uuid`);
      return { result: undefined, details: changes };
    },
  );
}

/** Adds a note to the timeline; audited. */
export async function addNote(
  db: Database,
  principal: StaffPrincipal,
  id: string,
  input: { note?: string },
  meta: RequestMeta,
  now = new Date(),
): Promise<void> {
  const parsed = noteInput.safeParse(input);
  if (!parsed.success) {
    throw new IncidentError("invalid", fieldErrors(parsed.error));
  }
  await changeIncident(db, principal, id, "incident.note", meta, async (tx) => {
    await addEventTx(tx, principal, id, "note", parsed.data.note, now);
    return { result: undefined, details: {} };
  });
}

/** Adds a party to the notification checklist, due `dueHours` from detection. */
export async function addNotice(
  db: Database,
  principal: StaffPrincipal,
  id: string,
  input: { party?: string; contact?: string; dueHours?: string | number },
  meta: RequestMeta,
  now = new Date(),
): Promise<void> {
  const parsed = noticeInput.safeParse(input);
  if (!parsed.success) {
    throw new IncidentError("invalid", fieldErrors(parsed.error));
  }
  const n = parsed.data;
  await changeIncident(
    db,
    principal,
    id,
    "incident.notice.add",
    meta,
    async (tx, i) => {
      const due = new Date(i.detectedAt.getTime() + n.dueHours * 3_600_000);
      await tx.execute(sql`insert into incident_notices (incident_id, party,
        contact, due_at) values (${id}::uuid, ${n.party},
        ${n.contact || null}, ${due.toISOString()}::timestamptz)`);
      await addEventTx(tx, principal, id, "notice", `+ ${n.party}`, now);
      return {
        result: undefined,
        details: { party: n.party, dueHours: n.dueHours },
      };
    },
  );
}

/** Records that a notice was sent, by whom and when; audited. */
export async function markNoticeSent(
  db: Database,
  principal: StaffPrincipal,
  id: string,
  noticeId: string,
  input: { note?: string },
  meta: RequestMeta,
  now = new Date(),
): Promise<void> {
  const parsed = noticeSentInput.safeParse(input);
  if (!parsed.success || !UUID.test(noticeId)) {
    throw new IncidentError(
      "invalid",
      parsed.success ? {} : fieldErrors(parsed.error),
    );
  }
  await changeIncident(
    db,
    principal,
    id,
    "incident.notice.sent",
    meta,
    async (tx) => {
      const [n] = rowsOf<{ party: string }>(
        await tx.execute(sql`update incident_notices
        set sent_at = ${now.toISOString()}::timestamptz,
          sent_by = ${principal.userId}::uuid,
          sent_by_name = ${principal.displayName},
          note = ${parsed.data.note || null}
        where id = ${noticeId}::uuid and incident_id = ${id}::uuid
          and sent_at is null
        returning party`),
      );
      if (!n) throw new IncidentError("not_found");
      await addEventTx(tx, principal, id, "notice", `✓ ${n.party}`, now);
      return { result: undefined, details: { party: n.party } };
    },
  );
}

/** Active staff who may own an incident (the owner select). */
export async function incidentOwners(
  db: Database,
  principal: StaffPrincipal,
): Promise<{ id: string; name: string }[]> {
  return await db.asUser(
    principal,
    async (tx) =>
      rowsOf<{ id: string; name: string }>(
        await tx.execute(sql`select id::text as id, display_name as name
        from staff_users where status = 'active'
          and role in ('owner', 'admin') order by display_name, id`),
      ),
  );
}

export { STATES };

/** Active staff other than `principal` (the suspend and offboarding selects). */
export async function activeStaff(
  db: Database,
  principal: StaffPrincipal,
  includeDisabled = false,
): Promise<{ id: string; name: string }[]> {
  return await db.asUser(
    principal,
    async (tx) =>
      rowsOf<{ id: string; name: string }>(
        await tx.execute(sql`select id::text as id,
          display_name || ' <' || email || '>' as name
        from staff_users where (${includeDisabled} or status <> 'disabled')
          and id <> ${principal.userId}::uuid
        order by display_name, id`),
      ),
  );
}
