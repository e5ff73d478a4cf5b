// Staff handling of data requests (issue #17, Data Policy §10, §13): the
// relationship match (with its evidence and reviewer), the written-out scope
// confirmed before execution, two different approvers for a deletion or a
// revocation, execution through the retention purge (a buyer's personal
// data, lib/policy/deletion_requests.ts) or the store disconnection
// (lib/policy/disconnection.ts), denials with the Data Rights Protocol's
// reasons, extensions of the due date with a notice, holds, and written
// answers. Every step is on the request's timeline and in the audit trail;
// a completed request carries its completion record with row counts.
import { sql } from "drizzle-orm";
import { z } from "zod";
import { type Database, rowsOf, type Tx } from "../../db/client.ts";
import { ANSWER_TEMPLATES, composeAnswer } from "../mail/answers.ts";
import { queueMail } from "../mail/outbox.ts";
import { DENIAL_TEXT } from "../mail/templates.ts";
import {
  deletionCertificate,
  recordDeletionRequest,
  runDeletionRequest,
} from "../policy/deletion_requests.ts";
import {
  countCategoriesTx,
  DATA_CATEGORIES,
  requestDisconnection,
} from "../policy/disconnection.ts";
import type { Enqueue } from "../queue.ts";
import { recordAudit, type RequestMeta } from "../security/audit.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import type { Vault } from "../security/vault.ts";
import { calendarDate, plainText } from "../validation.ts";
import { suggestMatches } from "./matching.ts";
import {
  CLOSED_STATES,
  DENIAL_CODES,
  NEEDS_APPROVAL,
  type RequestState,
} from "./model.ts";
import {
  type Completion,
  loadRequest,
  type RequestMatch,
  type RequestRecord,
  type ScopePlan,
  setState,
} from "./read.ts";
import { dueText, statusLink } from "./requester.ts";

export interface HandlingDeps {
  db: Database;
  kv: Deno.Kv;
  vault: Vault;
  publicUrl: string;
  enqueue: Enqueue;
  now?: () => Date;
}

export type HandlingErrorCode =
  | "not_found"
  | "state"
  | "input"
  | "same_approver"
  | "approvals"
  | "scope"
  | "legal_hold";

/** A refused step; `fields` holds per-field errors for a form. */
export class HandlingError extends Error {
  constructor(
    readonly code: HandlingErrorCode,
    readonly fields: Record<string, string> = {},
  ) {
    super(`request step refused: ${code}`);
  }
}

const iso = (d: Date) => d.toISOString();

/** Runs one step on request `id` as staff, in one transaction, audited. */
async function step<T>(
  deps: { db: Database; now?: () => Date },
  principal: StaffPrincipal,
  id: string,
  action: string,
  meta: RequestMeta,
  fn: (tx: Tx, r: RequestRecord, now: Date) => Promise<
    { result: T; details?: Record<string, unknown> }
  >,
): Promise<T> {
  const now = (deps.now ?? (() => new Date()))();
  let publicId: string | null = null;
  try {
    const out = await deps.db.asUser(principal, async (tx) => {
      const r = await loadRequest(tx, id, { forUpdate: true });
      if (!r) throw new HandlingError("not_found");
      publicId = r.publicId;
      const out = await fn(tx, r, now);
      await addStaffEvent(tx, principal, id, action, out.details ?? {}, now);
      return out;
    });
    await recordAudit(deps.db, principal, {
      actorType: "staff",
      actorId: principal.userId,
      action: `requests.${action}`,
      target: publicId,
      outcome: "success",
      ...meta,
      details: out.details,
    });
    return out.result;
  } catch (err) {
    if (err instanceof HandlingError && err.code !== "not_found") {
      await recordAudit(deps.db, principal, {
        actorType: "staff",
        actorId: principal.userId,
        action: `requests.${action}`,
        target: publicId,
        outcome: "denied",
        ...meta,
        details: { code: err.code },
      });
    }
    throw err;
  }
}

async function addStaffEvent(
  tx: Tx,
  principal: StaffPrincipal,
  id: string,
  kind: string,
  details: Record<string, unknown>,
  at: Date,
  isPublic = false,
) {
  await tx.execute(sql`insert into request_events
    (request_id, at, actor_type, actor_id, actor_name, kind, details, public)
    values (${id}::uuid, ${iso(at)}::timestamptz, 'staff',
      ${principal.userId}::uuid, ${principal.displayName}, ${kind},
      ${JSON.stringify(details)}::jsonb, ${isPublic})`);
}

/** A message to the requester on their status page, from staff. */
async function tellRequester(
  tx: Tx,
  principal: StaffPrincipal,
  id: string,
  kind: string,
  details: Record<string, unknown>,
  at: Date,
) {
  await addStaffEvent(tx, principal, id, kind, details, at, true);
}

function open(r: RequestRecord, ...states: RequestState[]) {
  if (CLOSED_STATES.includes(r.state)) throw new HandlingError("state");
  if (states.length > 0 && !states.includes(r.state)) {
    throw new HandlingError("state");
  }
}

function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const i of error.issues) {
    fields[String(i.path[0] ?? "form")] ??= "invalid";
  }
  return fields;
}

// ── The request page ───────────────────────────────────────────────────────

export interface RequestEvent {
  at: Date;
  actorType: string;
  actorName: string | null;
  kind: string;
  details: Record<string, unknown>;
  public: boolean;
}

export interface RequestScreen {
  request: RequestRecord;
  events: RequestEvent[];
  approvals: { approverId: string; approverName: string; at: Date }[];
  suggestions: Awaited<ReturnType<typeof suggestMatches>>;
  duplicates: { id: string; publicId: string; state: RequestState }[];
}

/** Everything the request page shows; the view is audited. */
export async function requestScreen(
  deps: { db: Database; vault: Vault },
  principal: StaffPrincipal,
  id: string,
  meta: RequestMeta,
): Promise<RequestScreen | null> {
  const screen = await deps.db.asUser(principal, async (tx) => {
    const request = await loadRequest(tx, id);
    if (!request) return null;
    const events = rowsOf<Record<string, unknown>>(
      await tx.execute(sql`select at, actor_type, actor_name, kind, details,
          public from request_events where request_id = ${id}::uuid
        order by id`),
    ).map((e) => ({
      at: new Date(e.at as string),
      actorType: e.actor_type as string,
      actorName: e.actor_name as string | null,
      kind: e.kind as string,
      details: (typeof e.details === "string"
        ? JSON.parse(e.details)
        : e.details) as Record<string, unknown>,
      public: e.public as boolean,
    }));
    const approvals = rowsOf<
      { approver_id: string; approver_name: string; at: string }
    >(
      await tx.execute(sql`select approver_id::text, approver_name, at
        from request_approvals where request_id = ${id}::uuid order by at`),
    ).map((a) => ({
      approverId: a.approver_id,
      approverName: a.approver_name,
      at: new Date(a.at),
    }));
    const duplicates = rowsOf<{ id: string; public_id: string; state: string }>(
      await tx.execute(sql`select id::text, public_id, state
        from data_requests where duplicate_of = ${id}::uuid
          or id = ${request.duplicateOf ?? null}::uuid
        order by received_at`),
    ).map((d) => ({
      id: d.id,
      publicId: d.public_id,
      state: d.state as RequestState,
    }));
    return { request, events, approvals, duplicates };
  });
  if (!screen) return null;
  const suggestions = CLOSED_STATES.includes(screen.request.state)
    ? []
    : await suggestMatches(deps, principal, screen.request);
  await recordAudit(deps.db, principal, {
    actorType: "staff",
    actorId: principal.userId,
    action: "requests.view",
    target: screen.request.publicId,
    outcome: "success",
    ...meta,
  });
  return { ...screen, suggestions };
}

// ── Relationship ───────────────────────────────────────────────────────────

export const matchForm = z.object({
  choice: z.string().regex(
    /^(order|seller):[0-9a-f-]{36}$|^(manual|none)$/,
  ),
  evidence: plainText({ multiline: true }).trim().min(3).max(2000),
});

/**
 * Records the relationship as staff confirmed it: a suggestion (order or
 * seller in a store) or a manual finding, with its evidence and reviewer.
 * The request moves to approval (deletion, revocation) or into progress.
 * "none" records that nothing matched (staff then deny with "no match").
 */
export async function recordMatch(
  deps: HandlingDeps,
  principal: StaffPrincipal,
  id: string,
  input: unknown,
  meta: RequestMeta,
): Promise<void> {
  const parsed = matchForm.safeParse(input);
  if (!parsed.success) {
    throw new HandlingError("input", fieldErrors(parsed.error));
  }
  const { choice, evidence } = parsed.data;
  const request = await deps.db.asUser(
    principal,
    (tx) => loadRequest(tx, id),
  );
  if (!request) throw new HandlingError("not_found");
  let storeId: string | null = null;
  let storeName: string | null = null;
  let kind: RequestMatch["kind"] = choice as "manual" | "none";
  if (choice.includes(":")) {
    const [k, sid] = choice.split(":");
    const found = (await suggestMatches(deps, principal, request)).find((s) =>
      s.kind === k && s.storeId === sid
    );
    if (!found) throw new HandlingError("input", { choice: "invalid" });
    kind = found.kind;
    storeId = found.storeId;
    storeName = found.storeName;
  }
  await step(deps, principal, id, "match", meta, async (tx, r, now) => {
    open(r, "received", "verifying_relationship", "on_hold");
    const match: RequestMatch = {
      kind,
      storeId,
      storeName,
      orderId: kind === "order" ? r.orderId : null,
      evidence,
      reviewerId: principal.userId,
      reviewerName: principal.displayName,
      at: iso(now),
    };
    const next: RequestState = kind === "none"
      ? r.state
      : NEEDS_APPROVAL.includes(r.type)
      ? "awaiting_approval"
      : "in_progress";
    await setState(
      tx,
      id,
      next,
      now,
      sql`, match = ${JSON.stringify(match)}::jsonb, scope_plan = null,
        scope_confirmed_by = null, scope_confirmed_at = null`,
    );
    return { result: undefined, details: { kind, storeId, state: next } };
  });
}

// ── Scope ──────────────────────────────────────────────────────────────────

/** What execution would act on now (stores, tables, row counts). */
export async function planScope(
  db: Database,
  principal: StaffPrincipal,
  r: RequestRecord,
): Promise<ScopePlan> {
  const m = r.match;
  if (!m || !m.storeId || m.kind === "manual" || m.kind === "none") {
    return { action: "none", stores: [], tables: [], orderIds: [] };
  }
  const storeId = m.storeId;
  const stores = [{ id: storeId, name: m.storeName ?? storeId }];
  if (r.type === "delete" && m.kind === "order" && m.orderId) {
    const orderId = m.orderId;
    const [c] = await db.asUser(principal, async (tx) =>
      rowsOf<{ n: number }>(
        await tx.execute(sql`select count(*)::int as n from buyer_pii
          where store_id = ${storeId}::uuid and amazon_order_id = ${orderId}`),
      ));
    return {
      action: "buyer_deletion",
      stores,
      tables: [{ table: "buyer_pii", rows: c.n }],
      orderIds: [orderId],
    };
  }
  if (m.kind === "seller" && (r.type === "revoke" || r.type === "delete")) {
    const counts = await db.asUser(
      principal,
      (tx) => countCategoriesTx(tx, storeId),
    );
    return {
      action: "store_disconnection",
      stores,
      tables: Object.entries(counts).filter(([c]) => c !== "api_logs").map((
        [category, rows],
      ) => ({
        table: DATA_CATEGORIES[category as keyof typeof DATA_CATEGORIES]
          .join(", "),
        rows,
      })),
      orderIds: [],
    };
  }
  return { action: "none", stores, tables: [], orderIds: [] };
}

/** Writes the scope out and records who confirmed it. */
export async function confirmScope(
  deps: HandlingDeps,
  principal: StaffPrincipal,
  id: string,
  meta: RequestMeta,
): Promise<ScopePlan> {
  const r = await deps.db.asUser(principal, (tx) => loadRequest(tx, id));
  if (!r) throw new HandlingError("not_found");
  const plan = await planScope(deps.db, principal, r);
  if (plan.action === "none") throw new HandlingError("scope");
  return await step(deps, principal, id, "scope.confirm", meta, async (
    tx,
    cur,
    now,
  ) => {
    open(cur, "awaiting_approval");
    await tx.execute(sql`update data_requests
      set scope_plan = ${JSON.stringify(plan)}::jsonb,
        scope_confirmed_by = ${principal.userId}::uuid,
        scope_confirmed_at = ${iso(now)}::timestamptz,
        updated_at = ${iso(now)}::timestamptz
      where id = ${id}::uuid`);
    return { result: plan, details: { plan } };
  });
}

// ── Approval and execution ─────────────────────────────────────────────────

/** One approval; the same person cannot approve twice. */
export async function approveRequest(
  deps: HandlingDeps,
  principal: StaffPrincipal,
  id: string,
  meta: RequestMeta,
): Promise<number> {
  return await step(deps, principal, id, "approve", meta, async (
    tx,
    r,
    now,
  ) => {
    open(r, "awaiting_approval");
    if (!r.scopePlan) throw new HandlingError("scope");
    const inserted = rowsOf(
      await tx.execute(sql`insert into request_approvals
        (request_id, approver_id, approver_name, at)
        values (${id}::uuid, ${principal.userId}::uuid,
          ${principal.displayName}, ${iso(now)}::timestamptz)
        on conflict do nothing returning 1`),
    );
    if (inserted.length === 0) throw new HandlingError("same_approver");
    const [c] = rowsOf<{ n: number }>(
      await tx.execute(sql`select count(distinct approver_id)::int as n
        from request_approvals where request_id = ${id}::uuid`),
    );
    return { result: c.n, details: { approvals: c.n } };
  });
}

/**
 * Carries out a deletion or a revocation once two different staff members
 * approved the confirmed scope. A buyer's personal data goes through the
 * retention purge's deletion-request machinery (rows counted per table; a
 * legal hold keeps rows and is said so); a seller's store through the store
 * disconnection, in the background.
 */
export async function executeRequest(
  deps: HandlingDeps,
  principal: StaffPrincipal,
  id: string,
  meta: RequestMeta,
): Promise<Completion> {
  const r = await deps.db.asUser(principal, async (tx) => {
    const r = await loadRequest(tx, id);
    if (!r) throw new HandlingError("not_found");
    const [c] = rowsOf<{ n: number }>(
      await tx.execute(sql`select count(distinct approver_id)::int as n
        from request_approvals where request_id = ${id}::uuid`),
    );
    if (r.state !== "awaiting_approval") throw new HandlingError("state");
    if (!r.scopePlan || r.scopePlan.action === "none") {
      throw new HandlingError("scope");
    }
    if (c.n < 2) throw new HandlingError("approvals");
    return r;
  }).catch(async (err) => {
    if (err instanceof HandlingError && err.code !== "not_found") {
      await recordAudit(deps.db, principal, {
        actorType: "staff",
        actorId: principal.userId,
        action: "requests.execute",
        target: id,
        outcome: "denied",
        ...meta,
        details: { code: err.code },
      });
    }
    throw err;
  });
  const plan = r.scopePlan!;
  const now = (deps.now ?? (() => new Date()))();
  // In progress first: the requester can no longer withdraw it.
  await deps.db.asUser(principal, (tx) => setState(tx, id, "in_progress", now));
  let completion: Completion;
  if (plan.action === "buyer_deletion") {
    const wall = now.toISOString().slice(0, 16);
    const deletionId = await recordDeletionRequest(
      { db: deps.db, enqueue: () => Promise.resolve() },
      principal,
      {
        amazonReference: `data request ${r.publicId}`,
        receivedAt: wall,
        storeIds: plan.stores.map((s) => s.id),
        categories: ["buyer_pii"],
        fromAt: "",
        toAt: "",
        orderIds: plan.orderIds.join(" "),
        confirm: "yes",
      },
      meta,
    );
    await runDeletionRequest({ db: deps.db, kv: deps.kv }, {
      requestId: deletionId,
      storeIds: plan.stores.map((s) => s.id),
    });
    const cert = await deletionCertificate(deps.db, principal, deletionId);
    const tables = (cert?.tables ?? []).map((t) => ({
      table: t.table,
      rows: t.deleted,
    }));
    completion = {
      done: cert && cert.heldTotal > 0
        ? `Buyer personal data of order ${
          plan.orderIds.join(", ")
        } erased, except ${cert.heldTotal} row(s) kept under a legal hold.`
        : `Buyer personal data of order ${plan.orderIds.join(", ")} erased.`,
      tables,
      heldRows: cert?.heldTotal ?? 0,
      reference: deletionId,
      at: iso(now),
    };
  } else {
    const record = await requestDisconnection(
      { db: deps.db, enqueue: deps.enqueue },
      principal,
      plan.stores[0].id,
      {
        choices: {
          catalog: "delete",
          inventory: "delete",
          orders: "delete",
          buyer_pii: "delete",
          sales_traffic: "delete",
          advertising: "delete",
          finance: "delete",
          brand_analytics: "delete",
          sync: "delete",
          api_logs: "keep",
        },
        reason: `Data request ${r.publicId} (${r.type})`,
      },
    );
    completion = {
      done: `Store ${
        plan.stores[0].name
      } disconnected: authorization revoked and its data deleted (API logs kept for their 90-day minimum).`,
      tables: plan.tables,
      heldRows: 0,
      reference: record.id,
      at: iso(now),
    };
  }
  await step(deps, principal, id, "execute", meta, async (tx, cur, at) => {
    await setState(
      tx,
      id,
      "completed",
      at,
      sql`, completion = ${JSON.stringify(completion)}::jsonb`,
    );
    await tellRequester(tx, principal, id, "completed", {
      summary: completion.done,
    }, at);
    await queueMail(tx, {
      requestId: id,
      to: cur.requesterEmail,
      template: "completed",
      lang: cur.lang,
      now: at,
      params: {
        name: cur.requesterName,
        ref: cur.publicId,
        summary: completion.done,
        status: await statusLink(deps, id, at),
      },
    });
    return { result: undefined, details: { completion } };
  });
  return completion;
}

// ── Denial, extension, hold, answer ────────────────────────────────────────

export const denyForm = z.object({
  code: z.enum(DENIAL_CODES),
  explanation: plainText({ multiline: true }).trim().min(5).max(4000),
});

/** Denies an open request with a DRP reason and an explanation; tells them. */
export async function denyRequest(
  deps: HandlingDeps,
  principal: StaffPrincipal,
  id: string,
  input: unknown,
  meta: RequestMeta,
): Promise<void> {
  const parsed = denyForm.safeParse(input);
  if (!parsed.success) {
    throw new HandlingError("input", fieldErrors(parsed.error));
  }
  const { code, explanation } = parsed.data;
  await step(deps, principal, id, "deny", meta, async (tx, r, now) => {
    open(r);
    if (r.state === "in_progress" && NEEDS_APPROVAL.includes(r.type)) {
      throw new HandlingError("state");
    }
    await setState(
      tx,
      id,
      "denied",
      now,
      sql`, denial_code = ${code}, denial_explanation = ${explanation}`,
    );
    await tellRequester(tx, principal, id, "denied", { code }, now);
    await queueMail(tx, {
      requestId: id,
      to: r.requesterEmail,
      template: "denied",
      lang: r.lang,
      now,
      params: {
        name: r.requesterName,
        ref: r.publicId,
        reason: DENIAL_TEXT[r.lang][code],
        explanation,
        status: await statusLink(deps, id, now),
      },
    });
    return { result: undefined, details: { code } };
  });
}

export const extendForm = z.object({
  due: calendarDate(),
  reason: plainText({ multiline: true }).trim().min(5).max(2000),
});

/**
 * Moves the due date later (at most 60 more days past the first), with a
 * recorded reason and a notice to the requester.
 */
export async function extendRequest(
  deps: HandlingDeps,
  principal: StaffPrincipal,
  id: string,
  input: unknown,
  meta: RequestMeta,
): Promise<void> {
  const parsed = extendForm.safeParse(input);
  if (!parsed.success) {
    throw new HandlingError("input", fieldErrors(parsed.error));
  }
  const newDue = new Date(`${parsed.data.due}T23:59:59Z`);
  await step(deps, principal, id, "extend", meta, async (tx, r, now) => {
    open(r);
    const latest = r.receivedAt.getTime() + 90 * 86_400_000;
    if (
      newDue.getTime() <= r.dueAt.getTime() || newDue.getTime() > latest
    ) {
      throw new HandlingError("input", { due: "range" });
    }
    await tx.execute(sql`update data_requests
      set due_at = ${iso(newDue)}::timestamptz,
        updated_at = ${iso(now)}::timestamptz
      where id = ${id}::uuid`);
    await tellRequester(tx, principal, id, "extended", {
      due: dueText(newDue),
    }, now);
    await queueMail(tx, {
      requestId: id,
      to: r.requesterEmail,
      template: "extended",
      lang: r.lang,
      now,
      params: {
        name: r.requesterName,
        ref: r.publicId,
        due: dueText(newDue),
        reason: parsed.data.reason,
        status: await statusLink(deps, id, now),
      },
    });
    return {
      result: undefined,
      details: {
        from: iso(r.dueAt),
        to: iso(newDue),
        reason: parsed.data.reason,
        noticeSent: true,
      },
    };
  });
}

export const holdForm = z.object({
  reason: plainText({ multiline: true }).trim().min(3).max(2000),
});

/** Puts an open request on hold, or takes it off (back to where it was). */
export async function holdRequest(
  deps: HandlingDeps,
  principal: StaffPrincipal,
  id: string,
  input: unknown,
  hold: boolean,
  meta: RequestMeta,
): Promise<void> {
  const parsed = holdForm.safeParse(input);
  if (!parsed.success) {
    throw new HandlingError("input", fieldErrors(parsed.error));
  }
  await step(
    deps,
    principal,
    id,
    hold ? "hold" : "resume",
    meta,
    async (tx, r, now) => {
      if (hold) {
        open(
          r,
          "received",
          "verifying_relationship",
          "awaiting_approval",
          "in_progress",
        );
        if (r.state === "in_progress" && NEEDS_APPROVAL.includes(r.type)) {
          throw new HandlingError("state");
        }
      } else open(r, "on_hold");
      const back: RequestState = r.match
        ? NEEDS_APPROVAL.includes(r.type) ? "awaiting_approval" : "in_progress"
        : NEEDS_APPROVAL.includes(r.type)
        ? "verifying_relationship"
        : "received";
      await setState(tx, id, hold ? "on_hold" : back, now);
      return { result: undefined, details: { reason: parsed.data.reason } };
    },
  );
}

export const answerForm = z.object({
  template: z.enum(ANSWER_TEMPLATES),
  text: z.preprocess(
    (v) => v ?? "",
    plainText({ multiline: true }).trim().max(8000),
  ),
}).refine((v) => v.template !== "custom" || v.text.length >= 5, {
  path: ["text"],
  message: "required",
});

/**
 * Answers a question, a security report or another request in writing
 * (a template in the requester's language, and staff's words) and
 * completes it.
 */
export async function answerRequest(
  deps: HandlingDeps,
  principal: StaffPrincipal,
  id: string,
  input: unknown,
  meta: RequestMeta,
): Promise<void> {
  const parsed = answerForm.safeParse(input);
  if (!parsed.success) {
    throw new HandlingError("input", fieldErrors(parsed.error));
  }
  await step(deps, principal, id, "answer", meta, async (tx, r, now) => {
    open(r, "received", "verifying_relationship", "in_progress", "on_hold");
    if (NEEDS_APPROVAL.includes(r.type)) throw new HandlingError("state");
    const answer = composeAnswer(
      parsed.data.template,
      r.lang,
      parsed.data.text,
    );
    const completion: Completion = {
      done: "Answered in writing.",
      tables: [],
      heldRows: 0,
      reference: null,
      at: iso(now),
    };
    await setState(
      tx,
      id,
      "completed",
      now,
      sql`, answer = ${answer}, completion = ${
        JSON.stringify(completion)
      }::jsonb`,
    );
    await tellRequester(tx, principal, id, "answered", {}, now);
    await queueMail(tx, {
      requestId: id,
      to: r.requesterEmail,
      template: "answer",
      lang: r.lang,
      now,
      params: {
        name: r.requesterName,
        ref: r.publicId,
        answer,
        status: await statusLink(deps, id, now),
      },
    });
    return { result: undefined, details: { template: parsed.data.template } };
  });
}
