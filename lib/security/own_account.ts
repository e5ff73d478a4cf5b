// A staff member's own account (Amazon DPP: a local password changes at
// least every 365 days, not more than once a day): whether they have a local
// password at all, and changing it, audited whatever the outcome. A changed
// password ends every other session of the account (issue #11): whoever
// knew the old one is signed out; the session that changed it goes on.
//
// Issue #13 adds: new recovery codes (with the password or a current code),
// a new authenticator (with the password AND a code from the old one, then
// a code from the new one before the old is replaced), the list of one's
// own sessions with "sign out this one" and "sign out all others", and
// one's time zone. Every change and every refusal is audited.
import type { Database } from "../../db/client.ts";
import { recordAudit, type RequestMeta } from "./audit.ts";
import {
  changePassword,
  checkOwnProof,
  hasLocalCredentials,
  type OwnProof,
  replaceRecoveryCodes,
  replaceTotpSecret,
  totpEnrolled,
} from "./local_accounts.ts";
import type { StaffPrincipal } from "./principal.ts";
import {
  destroyUserSessionByRef,
  destroyUserSessions,
  listUserSessions,
  type OwnSession,
  type SessionPolicy,
} from "./sessions.ts";
import { setStaffTimeZone } from "./staff.ts";
import { newTotpSecret, totpReplayGuard, totpStep } from "./totp.ts";
import type { Vault } from "./vault.ts";

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

/** What the account page's own-account actions need. */
export interface OwnAccountDeps {
  db: Database;
  kv: Deno.Kv;
  vault: Vault;
  sessions: SessionPolicy;
}

/** Appends one audit event about the principal's own account. */
async function auditOwn(
  db: Database,
  principal: StaffPrincipal,
  meta: RequestMeta,
  action: string,
  outcome: "success" | "failure",
  details?: Record<string, unknown>,
) {
  await recordAudit(db, principal, {
    actorType: "staff",
    actorId: principal.userId,
    action,
    target: principal.email,
    outcome,
    ip: meta.ip,
    requestId: meta.requestId,
    details,
  });
}

/** Whether the principal has a local account with a confirmed authenticator. */
export async function hasOwnAuthenticator(
  db: Database,
  principal: StaffPrincipal,
): Promise<boolean> {
  return await db.asUser(
    principal,
    (tx) => totpEnrolled(tx, principal.userId),
  );
}

export type OwnCodesRegeneration =
  | { ok: true; recoveryCodes: string[] }
  | { ok: false; reason: "bad_proof" };

/**
 * New recovery codes for the principal, proven by the password or a current
 * TOTP code: the old codes are void at once, the new ones are returned this
 * once. Audited either way.
 */
export async function regenerateOwnRecoveryCodes(
  deps: OwnAccountDeps,
  principal: StaffPrincipal,
  proof: OwnProof,
  meta: RequestMeta,
): Promise<OwnCodesRegeneration> {
  const { db, kv, vault } = deps;
  const now = new Date();
  const codes = await db.asUser(principal, async (tx) => {
    const ok = await checkOwnProof(
      tx,
      vault,
      principal.userId,
      proof,
      "any",
      now,
      totpReplayGuard(kv),
    );
    return ok ? await replaceRecoveryCodes(tx, principal.userId, now) : null;
  });
  await auditOwn(
    db,
    principal,
    meta,
    "account.recovery_codes.regenerate",
    codes ? "success" : "failure",
    codes
      ? { proof: proof.password !== undefined ? "password" : "totp" }
      : { reason: "bad_proof" },
  );
  return codes
    ? { ok: true, recoveryCodes: codes }
    : { ok: false, reason: "bad_proof" };
}

/** How long a new authenticator waits for its confirming code. */
export const AUTHENTICATOR_RESET_TTL_MS = 15 * 60_000;
const RESET_PURPOSE = "totp_enrollment";
const resetKey = (userId: string, sessionHash: string) =>
  ["totp_reset", userId, sessionHash] as const;

/** A new authenticator's secret, pending its first code (never logged). */
export interface PendingAuthenticator {
  base32: string;
  uri: string;
}

export type AuthenticatorResetStart =
  | { ok: true; pending: PendingAuthenticator }
  | { ok: false; reason: "bad_proof" };

/**
 * Starts replacing the principal's authenticator: the password AND a
 * current code from the old authenticator must both match. The new secret
 * waits, sealed in KV for this session only, for a code from the new app
 * (confirmAuthenticatorReset); until then the old one stays in force.
 */
export async function startAuthenticatorReset(
  deps: OwnAccountDeps,
  principal: StaffPrincipal,
  proof: OwnProof,
  meta: RequestMeta,
): Promise<AuthenticatorResetStart> {
  const { db, kv, vault } = deps;
  const ok = proof.password !== undefined && proof.code !== undefined &&
    await db.asUser(
      principal,
      (tx) =>
        checkOwnProof(
          tx,
          vault,
          principal.userId,
          proof,
          "both",
          new Date(),
          totpReplayGuard(kv),
        ),
    );
  if (!ok) {
    await auditOwn(db, principal, meta, "account.mfa.reset", "failure", {
      reason: "bad_proof",
    });
    return { ok: false, reason: "bad_proof" };
  }
  const secret = newTotpSecret();
  const pending = { base32: secret.base32, uri: secret.uri(principal.email) };
  await kv.set(
    resetKey(principal.userId, principal.sessionId),
    await vault.seal(JSON.stringify(pending), RESET_PURPOSE),
    { expireIn: AUTHENTICATOR_RESET_TTL_MS },
  );
  await auditOwn(db, principal, meta, "account.mfa.reset_started", "success");
  return { ok: true, pending };
}

/** The new authenticator this session is setting up, if any. */
export async function pendingAuthenticatorReset(
  deps: Pick<OwnAccountDeps, "kv" | "vault">,
  principal: StaffPrincipal,
): Promise<PendingAuthenticator | null> {
  const entry = await deps.kv.get<string>(
    resetKey(principal.userId, principal.sessionId),
  );
  if (!entry.value) return null;
  return JSON.parse(
    await deps.vault.open(entry.value, RESET_PURPOSE),
  ) as PendingAuthenticator;
}

export type AuthenticatorResetFinish =
  /** No reset is pending for this session (never started, or expired). */
  | { kind: "expired" }
  | { kind: "bad_code"; pending: PendingAuthenticator }
  | { kind: "replaced"; recoveryCodes: string[]; otherSessionsEnded: number };

/**
 * Confirms the pending new authenticator with a code from it: only now is
 * the old secret replaced (and every old recovery code void; new ones are
 * returned this once). Every other session of the account ends. Audited.
 */
export async function confirmAuthenticatorReset(
  deps: OwnAccountDeps,
  principal: StaffPrincipal,
  code: string | null,
  meta: RequestMeta,
): Promise<AuthenticatorResetFinish> {
  const { db, kv, vault } = deps;
  const pending = await pendingAuthenticatorReset(deps, principal);
  if (!pending) return { kind: "expired" };
  const now = new Date();
  const step = code === null
    ? null
    : totpStep(pending.base32, code, now.getTime());
  // The new secret's steps are claimed apart from the old one's (a code of
  // the same 30 seconds as the old app's proof is fine), and then as the
  // account's own, so the confirming code cannot sign in afterwards.
  const steps = totpReplayGuard(kv);
  if (
    step === null || !(await steps.claim(`${principal.userId}#reset`, step))
  ) {
    await auditOwn(db, principal, meta, "account.mfa.reset", "failure", {
      reason: "bad_new_code",
    });
    return { kind: "bad_code", pending };
  }
  await steps.claim(principal.userId, step);
  const recoveryCodes = await db.asUser(
    principal,
    (tx) => replaceTotpSecret(tx, vault, principal.userId, pending.base32, now),
  );
  await kv.delete(resetKey(principal.userId, principal.sessionId));
  const otherSessionsEnded = await destroyUserSessions(
    kv,
    principal.userId,
    principal.sessionId,
  );
  await auditOwn(db, principal, meta, "account.mfa.reset", "success", {
    otherSessionsEnded,
  });
  return { kind: "replaced", recoveryCodes, otherSessionsEnded };
}

/** Abandons a pending new authenticator (the old one stays). */
export async function cancelAuthenticatorReset(
  deps: Pick<OwnAccountDeps, "kv">,
  principal: StaffPrincipal,
): Promise<void> {
  await deps.kv.delete(resetKey(principal.userId, principal.sessionId));
}

/** The principal's own live sessions, this one marked. */
export async function listOwnSessions(
  deps: Pick<OwnAccountDeps, "kv" | "sessions">,
  principal: StaffPrincipal,
): Promise<OwnSession[]> {
  return await listUserSessions(
    deps.kv,
    deps.sessions,
    principal.userId,
    principal.sessionId,
  );
}

/**
 * Signs out one other session of the principal's own (by the handle the
 * list gave); another user's session or this one is never matched. True
 * when one ended. Audited either way.
 */
export async function signOutOwnSession(
  deps: Pick<OwnAccountDeps, "db" | "kv">,
  principal: StaffPrincipal,
  ref: string,
  meta: RequestMeta,
): Promise<boolean> {
  const ended = await destroyUserSessionByRef(
    deps.kv,
    principal.userId,
    ref,
    principal.sessionId,
  );
  await auditOwn(
    deps.db,
    principal,
    meta,
    "account.session.signout",
    ended ? "success" : "failure",
    ended ? undefined : { reason: "no_such_session" },
  );
  return ended;
}

/** Signs out every other session of the principal's; how many ended. Audited. */
export async function signOutOtherOwnSessions(
  deps: Pick<OwnAccountDeps, "db" | "kv">,
  principal: StaffPrincipal,
  meta: RequestMeta,
): Promise<number> {
  const ended = await destroyUserSessions(
    deps.kv,
    principal.userId,
    principal.sessionId,
  );
  await auditOwn(
    deps.db,
    principal,
    meta,
    "account.session.signout_others",
    "success",
    { sessionsEnded: ended },
  );
  return ended;
}

/** Whether `zone` is an IANA time zone name this runtime knows. */
export function isTimeZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The IANA time zones a person may choose from (UTC first). */
export function timeZoneChoices(): string[] {
  const zones = Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC");
  return ["UTC", ...zones];
}

/**
 * Sets the principal's own time zone (an IANA name; null: the default).
 * False when the name is not a time zone. Audited when it changes.
 */
export async function setOwnTimeZone(
  db: Database,
  principal: StaffPrincipal,
  zone: string | null,
  meta: RequestMeta,
): Promise<boolean> {
  if (zone !== null && !isTimeZone(zone)) return false;
  await db.asUser(
    principal,
    (tx) => setStaffTimeZone(tx, principal.userId, zone, new Date()),
  );
  await auditOwn(db, principal, meta, "account.time_zone.change", "success", {
    timeZone: zone ?? "default",
  });
  return true;
}

/** What the account page shows: one's sessions and whether one is local. */
export async function ownAccountOverview(
  deps: Pick<OwnAccountDeps, "db" | "kv" | "sessions">,
  principal: StaffPrincipal,
): Promise<
  { sessions: OwnSession[]; local: boolean; timeZone: string | null }
> {
  const [sessions, local] = await Promise.all([
    listOwnSessions(deps, principal),
    hasOwnAuthenticator(deps.db, principal),
  ]);
  return { sessions, local, timeZone: principal.timeZone };
}
