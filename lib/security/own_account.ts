// A staff member's own account (Amazon DPP: a local password changes at
// least every 365 days, not more than once a day): whether they have a local
// password at all, and changing it, audited whatever the outcome. A changed
// password ends every other session of the account (issue #11): whoever
// knew the old one is signed out; the session that changed it goes on.
import type { Database } from "../../db/client.ts";
import { recordAudit, type RequestMeta } from "./audit.ts";
import { changePassword, hasLocalCredentials } from "./local_accounts.ts";
import type { StaffPrincipal } from "./principal.ts";
import { destroyUserSessions } from "./sessions.ts";

/** Whether the principal signs in with a local password (not through SSO). */
export async function hasOwnPassword(
  db: Database,
  principal: StaffPrincipal,
): Promise<boolean> {
  return await db.asUser(
    principal,
    (tx) => hasLocalCredentials(tx, principal.userId),
  );
}

export type OwnPasswordChange = Awaited<ReturnType<typeof changePassword>>;

/**
 * Changes the principal's own password: the current one must match, the new
 * one must meet the policy. Every other session of the account ends; this
 * one (`principal.sessionId`) goes on. Audited with the reason or the
 * problems' codes, or how many sessions ended.
 */
export async function changeOwnPassword(
  deps: { db: Database; kv: Deno.Kv },
  principal: StaffPrincipal,
  input: { current: string; password: string },
  meta: RequestMeta,
): Promise<OwnPasswordChange> {
  const { db, kv } = deps;
  const result = await db.asUser(
    principal,
    (tx) =>
      changePassword(tx, principal.userId, input.current, input.password, {
        email: principal.email,
        displayName: principal.displayName,
      }, new Date()),
  );
  const sessionsEnded = result.ok
    ? await destroyUserSessions(kv, principal.userId, principal.sessionId)
    : 0;
  await recordAudit(db, principal, {
    actorType: "staff",
    actorId: principal.userId,
    action: "account.password.change",
    target: principal.email,
    outcome: result.ok ? "success" : "failure",
    ip: meta.ip,
    requestId: meta.requestId,
    details: result.ok
      ? { otherSessionsEnded: sessionsEnded }
      : "reason" in result
      ? { reason: result.reason }
      : { problems: result.problems.map((p) => p.code) },
  });
  return result;
}
