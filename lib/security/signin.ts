// Staff sign-in and sign-out (Data Policy §5, §7, §8): the break-glass local
// account (password plus TOTP or a recovery code, behind the lockout), single
// sign-on through an invited e-mail, and sign-out here or everywhere. Each
// function runs the whole sequence (checks, counters, session, audit) and
// returns an outcome; the routes only set or clear the session cookie and
// render. Every attempt is audited, whatever its outcome.
import type { Database } from "../../db/client.ts";
import {
  type AuditEventInput,
  recordAudit,
  type RequestMeta,
} from "./audit.ts";
import { verifyLocalSignIn } from "./local_accounts.ts";
import type { StaffPrincipal } from "./principal.ts";
import {
  clearFailures,
  lockedUntil,
  type LockoutPolicy,
  recordFailure,
} from "./rate_limit.ts";
import {
  createSession,
  destroySession,
  destroyUserSessions,
  type SessionPolicy,
} from "./sessions.ts";
import {
  completeSsoSignIn,
  findStaffByEmail,
  normaliseEmail,
  recordLocalSignIn,
} from "./staff.ts";
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
 * worthless.
 */
export async function startSession(
  deps: Pick<SignInDeps, "kv" | "sessions">,
  userId: string,
  req: SessionRequest,
): Promise<string> {
  if (req.previousSessionId) {
    await destroySession(deps.kv, req.previousSessionId);
  }
  return await createSession(deps.kv, deps.sessions, {
    userId,
    ip: req.ip,
    userAgent: req.userAgent ?? undefined,
  });
}

export type LocalSignInOutcome =
  /** The e-mail or the address is locked out after repeated failures. */
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
 * Signs a local account in: refused while the e-mail or the address is
 * locked out; the password and the second factor (six digits: TOTP, else a
 * recovery code) checked with the same work for unknown accounts, so timing
 * tells nothing; a failure counts towards the lockout of both.
 */
export async function signInLocal(
  deps: SignInDeps & { lockout: LockoutPolicy },
  input: { email: string; password: string; code: string },
  req: SessionRequest,
): Promise<LocalSignInOutcome> {
  const { db, kv, vault } = deps;
  const { email, password, code } = input;
  const ip = req.ip ?? "unknown";
  const locked = (await lockedUntil(kv, "email", email)) ??
    (await lockedUntil(kv, "ip", ip));
  if (locked) {
    await auditRequest(db, req, {
      actorType: "anonymous",
      action: "auth.signin.locked",
      target: normaliseEmail(email),
      outcome: "denied",
    });
    return { kind: "locked" };
  }
  const user = await findStaffByEmail(db, email);
  const result = user && user.kind === "local" && user.status === "active"
    ? await db.asUser(
      { userId: user.id, storeIds: [] },
      (tx) =>
        verifyLocalSignIn(
          tx,
          vault,
          user.id,
          password,
          secondFactor(code),
          new Date(),
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
      ));
  if (
    !result.ok || !user || user.kind !== "local" || user.status !== "active"
  ) {
    const reason = !user
      ? "unknown_account"
      : user.status !== "active"
      ? `account_${user.status}`
      : result.ok
      ? "not_local"
      : result.reason;
    const lockedNow = (await recordFailure(kv, deps.lockout, "email", email)) ??
      (await recordFailure(kv, deps.lockout, "ip", ip));
    await auditRequest(db, req, {
      actorType: "anonymous",
      actorId: user?.id ?? null,
      action: "auth.signin.failed",
      target: normaliseEmail(email),
      outcome: "failure",
      details: { method: "local", reason, lockedOut: lockedNow !== null },
    });
    return { kind: "failed" };
  }
  await clearFailures(kv, "email", email);
  await recordLocalSignIn(db, user.id);
  const sessionId = await startSession(deps, user.id, req);
  await auditRequest(db, req, {
    actorType: "staff",
    actorId: user.id,
    action: "auth.signin.succeeded",
    target: user.email,
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
  if (!outcome.ok) {
    await auditRequest(db, req, {
      actorType: "anonymous",
      action: "auth.signin.failed",
      target: email ? normaliseEmail(email) : null,
      outcome: "denied",
      details: { method: provider, reason: outcome.reason },
    });
    return null;
  }
  const sessionId = await startSession(deps, outcome.user.id, req);
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
