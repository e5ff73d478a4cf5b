// Staff sign-in and sign-out (Data Policy §5, §7, §8): the break-glass local
// account (password plus TOTP or a recovery code, behind the lockout), single
// sign-on through an invited e-mail, and sign-out here or everywhere. Each
// function runs the whole sequence (checks, counters, session, audit) and
// returns an outcome; the routes only set or clear the session cookie and
// render. Every attempt is audited, whatever its outcome. Every step asks
// again whether the account may sign in (accountUsable): the lookup, the
// conditional UPDATE that records the sign-in, and the new session, which
// is ended at once when the account was disabled meanwhile.
import type { Database } from "../../db/client.ts";
import {
  type AuditEventInput,
  recordAudit,
  type RequestMeta,
} from "./audit.ts";
import { verifyLocalSignIn } from "./local_accounts.ts";
import {
  recordSignInFailure,
  recordSignInSuccess,
  signInLocked,
  type SignInLockoutPolicy,
} from "./lockout.ts";
import type { StaffPrincipal } from "./principal.ts";
import {
  createSession,
  destroySession,
  destroyUserSessions,
  type SessionPolicy,
} from "./sessions.ts";
import {
  accountUsable,
  completeSsoSignIn,
  findStaffByEmail,
  findStaffById,
  normaliseEmail,
  recordLocalSignIn,
  type StaffUser,
} from "./staff.ts";
import { totpReplayGuard } from "./totp.ts";
import type { Vault } from "./vault.ts";

export interface SignInDeps {
  db: Database;
  kv: Deno.Kv;
  vault: Vault;
  sessions: SessionPolicy;
}

/** A request that may start a session: where it came from, and its old one. */
export interface SessionRequest extends RequestMeta {
  /** The session id the browser still holds: ended when a new one starts. */
  previousSessionId?: string | null;
}

/** Appends an event with the request's address, user agent and id. */
export function auditRequest(
  db: Database,
  meta: RequestMeta,
  event: Omit<AuditEventInput, "ip" | "userAgent" | "requestId">,
): Promise<number> {
  return recordAudit(db, null, {
    ...event,
    ip: meta.ip,
    userAgent: meta.userAgent ?? null,
    requestId: meta.requestId,
  });
}

/**
 * Starts a session for `userId`; returns its id for the cookie. A new id at
 * every sign-in, and the old one ended: a session id planted earlier is
 * worthless. The account is read again once the session exists: if it was
 * disabled meanwhile, the session ends at once and the result is null (a
 * disable that commits later ends it too).
 */
export async function startSession(
  deps: Pick<SignInDeps, "db" | "kv" | "sessions">,
  userId: string,
  req: SessionRequest,
): Promise<string | null> {
  if (req.previousSessionId) {
    await destroySession(deps.kv, req.previousSessionId);
  }
  const sessionId = await createSession(deps.kv, deps.sessions, {
    userId,
    ip: req.ip,
    userAgent: req.userAgent ?? undefined,
  });
  const user = await findStaffById(deps.db, userId);
  if (user && accountUsable(user)) return sessionId;
  await destroySession(deps.kv, sessionId);
  return null;
}

/** Why an account may not sign in now, for the audit row; null if it may. */
function refusedAccount(user: StaffUser): string | null {
  if (user.status !== "active") return `account_${user.status}`;
  return user.disabledAt !== null ? "account_disabled" : null;
}

export type LocalSignInOutcome =
  /** Locked out after repeated failures (here, or everywhere). */
  | { kind: "locked" }
  /** Wrong or unknown, whatever the reason (the audit row says which). */
  | { kind: "failed" }
  | {
    kind: "signed_in";
    sessionId: string;
    /** Amazon DPP: a password older than 365 days must be changed now. */
    passwordExpired: boolean;
  };

/**
 * Signs a local account in: refused while the account is locked out at this
 * address, or everywhere (the slower per-account limit; lockout.ts); the
 * password and the second factor (six digits: TOTP, whose time step is
 * then used up, else a recovery code) checked with the same work for
 * unknown accounts, so timing tells nothing; a failure counts towards both
 * limits.
 */
export async function signInLocal(
  deps: SignInDeps & { lockout: SignInLockoutPolicy },
  input: { email: string; password: string; code: string },
  req: SessionRequest,
): Promise<LocalSignInOutcome> {
  const { db, kv, vault } = deps;
  const { email, password, code } = input;
  const locked = await signInLocked(kv, email, req.ip);
  if (locked) {
    await auditRequest(db, req, {
      actorType: "anonymous",
      action: "auth.signin.locked",
      target: normaliseEmail(email),
      outcome: "denied",
      details: { scope: locked.scope },
    });
    return { kind: "locked" };
  }
  const user = await findStaffByEmail(db, email);
  const local = user && user.kind === "local" ? user : null;
  const refused = local ? refusedAccount(local) : null;
  const steps = totpReplayGuard(kv);
  const result = local && !refused
    ? await db.asUser(
      { userId: local.id, storeIds: [] },
      (tx) =>
        verifyLocalSignIn(
          tx,
          vault,
          local.id,
          password,
          secondFactor(code),
          new Date(),
          steps,
        ),
    )
    : await db.asUser({ userId: "", storeIds: [] }, (tx) =>
      // Same work for unknown accounts, so timing tells nothing.
      verifyLocalSignIn(
        tx,
        vault,
        crypto.randomUUID(),
        password,
        {},
        new Date(),
        steps,
      ));
  // The last check: the sign-in is recorded only while the account is
  // still active and not disabled (one conditional UPDATE).
  const recorded = result.ok && local && !refused
    ? await recordLocalSignIn(db, local.id)
    : false;
  const sessionId = recorded && local
    ? await startSession(deps, local.id, req)
    : null;
  if (!local || !sessionId || !result.ok) {
    const reason = !user
      ? "unknown_account"
      : !local
      ? "not_local"
      : refused ?? (result.ok ? "account_disabled" : result.reason);
    const lockedNow = await recordSignInFailure(
      kv,
      deps.lockout,
      email,
      req.ip,
    );
    await auditRequest(db, req, {
      actorType: "anonymous",
      actorId: user?.id ?? null,
      action: "auth.signin.failed",
      target: normaliseEmail(email),
      outcome: "failure",
      details: {
        method: "local",
        reason,
        lockedOut: lockedNow.address || lockedNow.account,
        ...(lockedNow.account ? { accountLockedOut: true } : {}),
      },
    });
    return { kind: "failed" };
  }
  await recordSignInSuccess(kv, email, req.ip);
  await auditRequest(db, req, {
    actorType: "staff",
    actorId: local.id,
    action: "auth.signin.succeeded",
    target: local.email,
    outcome: "success",
    details: {
      method: "local",
      mfa: result.usedRecoveryCode ? "recovery_code" : "totp",
      recoveryCodesLeft: result.recoveryCodesLeft,
      passwordExpired: result.passwordExpired,
    },
  });
  return {
    kind: "signed_in",
    sessionId,
    passwordExpired: result.passwordExpired,
  };
}

function secondFactor(code: string): { totp?: string; recoveryCode?: string } {
  return /^\d{6}$/.test(code) ? { totp: code } : { recoveryCode: code };
}

/**
 * Finishes single sign-on: the identity provider vouched for `email`; it
 * gets in only if an admin invited that address and the account is not
 * disabled (completeSsoSignIn). Null when refused.
 */
export async function signInSso(
  deps: SignInDeps & { allowedDomains?: string[] },
  input: { provider: string; email: string | null | undefined },
  req: SessionRequest,
): Promise<{ sessionId: string } | null> {
  const { db } = deps;
  const { provider, email } = input;
  const outcome = await completeSsoSignIn(db, {
    email,
    allowedDomains: deps.allowedDomains,
  });
  const sessionId = outcome.ok
    ? await startSession(deps, outcome.user.id, req)
    : null;
  if (!outcome.ok || !sessionId) {
    await auditRequest(db, req, {
      actorType: "anonymous",
      actorId: outcome.ok ? outcome.user.id : null,
      action: "auth.signin.failed",
      target: email ? normaliseEmail(email) : null,
      outcome: "denied",
      details: {
        method: provider,
        reason: outcome.ok ? "disabled" : outcome.reason,
      },
    });
    return null;
  }
  await auditRequest(db, req, {
    actorType: "staff",
    actorId: outcome.user.id,
    action: "auth.signin.succeeded",
    target: outcome.user.email,
    outcome: "success",
    details: { method: provider, mfa: "idp" },
  });
  return { sessionId };
}

/**
 * Records a single sign-on that failed at the provider (state mismatch, a
 * refused code exchange, a provider error), with the HTTP status it ended in.
 */
export async function recordSsoFailure(
  db: Database,
  provider: string,
  status: number,
  req: RequestMeta,
): Promise<void> {
  await auditRequest(db, req, {
    actorType: "anonymous",
    action: "auth.signin.failed",
    outcome: "failure",
    details: { method: provider, reason: "provider_error", status },
  });
}

/** Ends this browser's session (`sessionId`, when it still has one). */
export async function signOut(
  deps: Pick<SignInDeps, "db" | "kv">,
  principal: StaffPrincipal,
  sessionId: string | null | undefined,
  req: RequestMeta,
): Promise<void> {
  if (sessionId) await destroySession(deps.kv, sessionId);
  await auditRequest(deps.db, req, {
    actorType: "staff",
    actorId: principal.userId,
    action: "auth.signout",
    outcome: "success",
  });
}

/** Ends every session of the principal, on every device. */
export async function signOutEverywhere(
  deps: Pick<SignInDeps, "db" | "kv">,
  principal: StaffPrincipal,
  req: RequestMeta,
): Promise<void> {
  const ended = await destroyUserSessions(deps.kv, principal.userId);
  await auditRequest(deps.db, req, {
    actorType: "staff",
    actorId: principal.userId,
    action: "auth.signout.everywhere",
    outcome: "success",
    details: { sessionsEnded: ended },
  });
}
