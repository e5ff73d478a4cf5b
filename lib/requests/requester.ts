// What the requester can do (issue #17): confirm their e-mail address with
// the single-use link, read their request's status through the signed link
// (as a page or as the Data Rights Protocol's status object), and withdraw
// an open request. Each step is audited, with the public reference only.
import { sql } from "drizzle-orm";
import { type Database, rowsOf } from "../../db/client.ts";
import { queueMail } from "../mail/outbox.ts";
import { recordAudit, type RequestMeta } from "../security/audit.ts";
import type { Vault } from "../security/vault.ts";
import { CLOSED_STATES, NEEDS_APPROVAL, type RequestState } from "./model.ts";
import { loadRequest, type RequestRecord, setState } from "./read.ts";
import { addEvent, asRequester } from "./scope.ts";
import {
  hashToken,
  sameHash,
  signStatusToken,
  TOKEN_SHAPE,
  verifyStatusToken,
} from "./tokens.ts";

export interface RequesterDeps {
  db: Database;
  vault: Vault;
  publicUrl: string;
  now?: () => Date;
}

export type VerifyOutcome =
  | { outcome: "verified"; statusToken: string }
  | { outcome: "invalid" };

/** The status link for request `id`. */
export async function statusLink(
  deps: { vault: Vault; publicUrl: string },
  id: string,
  now = new Date(),
): Promise<string> {
  return `${deps.publicUrl}/request/status/${await signStatusToken(
    deps.vault,
    id,
    now,
  )}`;
}

/** The due date as the requester's e-mail prints it (a UTC day). */
export const dueText = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Spends a verification token: the request moves on from "verifying
 * identity" and the requester gets their status link. Unknown, expired,
 * spent or malformed tokens are all the same "invalid".
 */
export async function verifyIdentity(
  deps: RequesterDeps,
  token: string,
  meta: RequestMeta,
): Promise<VerifyOutcome> {
  const now = (deps.now ?? (() => new Date()))();
  const refuse = async (why: string) => {
    await recordAudit(deps.db, null, {
      actorType: "anonymous",
      action: "requests.verify",
      outcome: "denied",
      ...meta,
      details: { why },
    });
    return { outcome: "invalid" } as const;
  };
  if (!TOKEN_SHAPE.test(token)) return await refuse("shape");
  const hash = await hashToken(token);
  const [found] = await deps.db.asUser(
    { userId: "", storeIds: [] },
    async (tx) =>
      rowsOf<
        {
          request_id: string;
          expires_at: string;
          used_at: string | null;
          hash: string;
        }
      >(
        await tx.execute(sql`select request_id::text, expires_at, used_at,
          ${hash}::text as hash from request_token_lookup(${hash})`),
      ),
  );
  if (!found || !sameHash(found.hash, hash)) return await refuse("unknown");
  if (found.used_at !== null) return await refuse("used");
  if (new Date(found.expires_at).getTime() <= now.getTime()) {
    return await refuse("expired");
  }
  const id = found.request_id;
  const result = await asRequester(deps.db, id, async (tx) => {
    const spent = rowsOf(
      await tx.execute(sql`update request_tokens
        set used_at = ${now.toISOString()}::timestamptz
        where token_hash = ${hash} and used_at is null returning 1`),
    );
    if (spent.length !== 1) return null;
    const r = await loadRequest(tx, id, { forUpdate: true });
    if (!r || r.state !== "verifying_identity") return null;
    const next: RequestState = NEEDS_APPROVAL.includes(r.type)
      ? "verifying_relationship"
      : "received";
    await setState(
      tx,
      id,
      next,
      now,
      sql`, verified_at = ${now.toISOString()}::timestamptz`,
    );
    await addEvent(tx, id, {
      actorType: "requester",
      kind: "identity_verified",
      public: true,
      at: now,
    });
    await queueMail(tx, {
      requestId: id,
      to: r.requesterEmail,
      template: "received",
      lang: r.lang,
      now,
      params: {
        name: r.requesterName,
        ref: r.publicId,
        due: dueText(r.dueAt),
        status: await statusLink(deps, id, now),
      },
    });
    return r;
  });
  if (!result) return await refuse("state");
  await recordAudit(deps.db, null, {
    actorType: "requester",
    actorId: result.publicId,
    action: "requests.verify",
    target: result.publicId,
    outcome: "success",
    ...meta,
  });
  return {
    outcome: "verified",
    statusToken: await signStatusToken(deps.vault, id, now),
  };
}

/** One message to the requester on their status page. */
export interface StatusMessage {
  at: Date;
  kind: string;
  details: Record<string, unknown>;
}

export interface RequestStatus {
  request: RequestRecord;
  messages: StatusMessage[];
  canWithdraw: boolean;
}

/** The request a status token names, with its public messages; or null. */
export async function readStatus(
  deps: RequesterDeps,
  token: string,
  meta: RequestMeta,
  as: "page" | "json",
): Promise<RequestStatus | null> {
  const now = (deps.now ?? (() => new Date()))();
  const id = await verifyStatusToken(deps.vault, token, now);
  if (!id) {
    await recordAudit(deps.db, null, {
      actorType: "anonymous",
      action: "requests.status.view",
      outcome: "denied",
      ...meta,
    });
    return null;
  }
  const status = await asRequester(deps.db, id, async (tx) => {
    const request = await loadRequest(tx, id);
    if (!request) return null;
    const messages = rowsOf<
      { at: string; kind: string; details: unknown }
    >(
      await tx.execute(sql`select at, kind, details from request_events
        where request_id = ${id}::uuid and public order by id`),
    ).map((m) => ({
      at: new Date(m.at),
      kind: m.kind,
      details: (typeof m.details === "string"
        ? JSON.parse(m.details)
        : m.details) as Record<string, unknown>,
    }));
    return {
      request,
      messages,
      canWithdraw: !CLOSED_STATES.includes(request.state),
    };
  });
  if (!status) return null;
  await recordAudit(deps.db, null, {
    actorType: "requester",
    actorId: status.request.publicId,
    action: "requests.status.view",
    target: status.request.publicId,
    outcome: "success",
    ...meta,
    details: { as },
  });
  return status;
}

/** Withdraws the open request a status token names; false if it cannot. */
export async function withdrawRequest(
  deps: RequesterDeps,
  token: string,
  meta: RequestMeta,
): Promise<boolean> {
  const now = (deps.now ?? (() => new Date()))();
  const id = await verifyStatusToken(deps.vault, token, now);
  if (!id) return false;
  const done = await asRequester(deps.db, id, async (tx) => {
    const r = await loadRequest(tx, id, { forUpdate: true });
    if (!r || CLOSED_STATES.includes(r.state)) return null;
    // Once execution has started it runs to its end.
    if (r.state === "in_progress" && NEEDS_APPROVAL.includes(r.type)) {
      return null;
    }
    await setState(tx, id, "withdrawn", now);
    await addEvent(tx, id, {
      actorType: "requester",
      kind: "withdrawn",
      public: true,
      at: now,
    });
    await queueMail(tx, {
      requestId: id,
      to: r.requesterEmail,
      template: "withdrawn",
      lang: r.lang,
      now,
      params: { name: r.requesterName, ref: r.publicId },
    });
    return r;
  });
  await recordAudit(deps.db, null, {
    actorType: "requester",
    actorId: done?.publicId ?? null,
    action: "requests.withdraw",
    target: done?.publicId ?? null,
    outcome: done ? "success" : "denied",
    ...meta,
  });
  return done !== null;
}

/** The Data Rights Protocol's status for each of our states. */
const DRP_STATUS: Record<RequestState, string> = {
  received: "open",
  verifying_identity: "needs_user_verification",
  verifying_relationship: "open",
  awaiting_approval: "in_progress",
  in_progress: "in_progress",
  on_hold: "in_progress",
  completed: "fulfilled",
  denied: "denied",
  withdrawn: "revoked",
  expired: "expired",
};

/** The status as the Data Rights Protocol's status object. */
export function drpStatus(s: RequestStatus): Record<string, unknown> {
  const r = s.request;
  return {
    request_id: r.publicId,
    status: DRP_STATUS[r.state],
    reason: r.denialCode,
    received_at: r.receivedAt.toISOString(),
    expected_by: r.dueAt.toISOString(),
    processing_details: r.state === "denied"
      ? r.denialExplanation
      : r.state === "completed"
      ? r.completion?.done ?? r.answer ?? ""
      : "",
  };
}
