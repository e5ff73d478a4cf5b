// Local accounts from their one-time link to their first session (Data
// Policy §5, §7; Amazon DPP: unique accounts, a strong password, TOTP):
//
//   link ──(password set, link spent)──► enrollment ──(TOTP code)──► active
//
// The first owner's link is printed at start-up (each start's link voids
// the one before); a break-glass account's setup link is issued by an
// owner. Either link is valid once: the password is checked before the link
// is spent, so a typo costs nothing. Enrollment lasts 15 minutes, held in KV
// under the hash of an id the browser keeps in a cookie; its pending TOTP
// secret is created once and kept sealed, so a reload shows the same one.
// Confirming it activates the account, starts a session and shows the
// recovery codes once. Every step asks again whether the account is still
// an open invitation (disabled meanwhile: refused, and it stays disabled).
// Every refusal and step is audited.
import { sha256Hex } from "./_hex.ts";
import { encodeHex } from "./_hex.ts";
import type { RequestMeta } from "./audit.ts";
import {
  beginTotpEnrollment,
  confirmTotpEnrollment,
  setPassword,
} from "./local_accounts.ts";
import { checkPasswordPolicy, type PasswordProblem } from "./passwords.ts";
import {
  auditRequest,
  type SessionRequest,
  type SignInDeps,
  startSession,
} from "./signin.ts";
import {
  accountInvited,
  activateLocalAccountTx,
  consumeFirstOwnerToken,
  consumeSetupToken,
  createFirstOwner,
  findStaffById,
  firstOwnerTokenValid,
  isGenericAddress,
  lockInvitedLocalTx,
  setupTokenUser,
  type StaffUser,
} from "./staff.ts";
import { totpReplayGuard } from "./totp.ts";

/** How long an enrollment (and its cookie) lives. */
export const ENROLL_TTL_MS = 15 * 60_000;
const enrollKey = (hash: string) => ["enrollment", hash] as const;

interface Enrollment {
  userId: string;
  /** The pending TOTP secret and URI, sealed, so a reload shows the same one. */
  secretJwe?: string;
}

/** A pending TOTP secret, for the enrollment page (never logged). */
export interface TotpSecret {
  base32: string;
  uri: string;
}

export type AccountSetupOutcome =
  /** The link is unknown, used or expired (or an owner exists by now). */
  | { kind: "invalid_link" }
  /** A shared or generic mailbox: accounts are personal. */
  | { kind: "generic_address" }
  /** The address belongs to an account that exists already. */
  | { kind: "email_taken" }
  | { kind: "password_problems"; problems: PasswordProblem[] }
  /** The password is set and the link spent: TOTP enrollment follows. */
  | { kind: "enroll"; enrollId: string };

/** Audits a refused one-time link (unknown, used or expired). */
function refuseLink(
  deps: Pick<SignInDeps, "db">,
  action: string,
  req: RequestMeta,
): Promise<number> {
  return auditRequest(deps.db, req, {
    actorType: "anonymous",
    action,
    outcome: "denied",
    details: { reason: "invalid_or_used_link" },
  });
}

/** Opens an enrollment for `userId`; returns the id for the browser's cookie. */
export async function beginEnrollment(
  kv: Deno.Kv,
  userId: string,
): Promise<string> {
  const enrollId = encodeHex(crypto.getRandomValues(new Uint8Array(32)));
  await kv.set(
    enrollKey(await sha256Hex(enrollId)),
    { userId } satisfies Enrollment,
    { expireIn: ENROLL_TTL_MS },
  );
  return enrollId;
}

/** Audits a spent link and opens the TOTP enrollment that follows. */
async function enrollAfter(
  deps: Pick<SignInDeps, "db" | "kv">,
  step: { action: string; user: { id: string; email: string } },
  req: RequestMeta,
): Promise<AccountSetupOutcome> {
  await auditRequest(deps.db, req, {
    actorType: "anonymous",
    actorId: step.user.id,
    action: step.action,
    target: step.user.email,
    outcome: "success",
  });
  return {
    kind: "enroll",
    enrollId: await beginEnrollment(deps.kv, step.user.id),
  };
}

// ── The first owner ─────────────────────────────────────────────────────────

/** Whether the first owner's link is live; a refused one is audited. */
export async function checkFirstOwnerLink(
  deps: Pick<SignInDeps, "db" | "kv">,
  token: string,
  req: RequestMeta,
): Promise<boolean> {
  if (await firstOwnerTokenValid(deps.kv, token)) return true;
  await refuseLink(deps, "auth.first_owner.refused", req);
  return false;
}

/**
 * Creates the first owner with its password through the link `token`
 * (checked live by checkFirstOwnerLink first) and opens the TOTP
 * enrollment. The password is checked first, so a typo costs nothing; then
 * the link is spent, atomically, before anything is written: of two
 * concurrent submissions only one gets further, and the other leaves
 * nothing behind. The owner and its password are one transaction; when it
 * fails, the link is put back.
 */
export async function createFirstOwnerAccount(
  deps: Pick<SignInDeps, "db" | "kv">,
  token: string,
  input: { email: string; displayName: string; password: string },
  req: RequestMeta,
): Promise<AccountSetupOutcome> {
  const { db, kv } = deps;
  const { email, displayName, password } = input;
  if (isGenericAddress(email)) return { kind: "generic_address" };
  const problems = checkPasswordPolicy(password, { email, displayName });
  if (problems.length > 0) return { kind: "password_problems", problems };
  const spent = await consumeFirstOwnerToken(kv, token);
  if (!spent) {
    // Another submission spent it first (or a newer link replaced it).
    await refuseLink(deps, "auth.first_owner.refused", req);
    return { kind: "invalid_link" };
  }
  let created: Awaited<ReturnType<typeof createFirstOwner>>;
  try {
    created = await createFirstOwner(
      db,
      { email, displayName },
      async (tx, user) => {
        const set = await setPassword(
          tx,
          user.id,
          password,
          { email, displayName },
          new Date(),
        );
        if (!set.ok) throw new Error("the first owner's password was refused");
      },
    );
  } catch (err) {
    await spent.restore();
    throw err;
  }
  if (created.kind === "email_taken") {
    await spent.restore();
    return { kind: "email_taken" };
  }
  if (created.kind === "owner_exists") {
    await refuseLink(deps, "auth.first_owner.refused", req);
    return { kind: "invalid_link" };
  }
  return await enrollAfter(deps, {
    action: "auth.first_owner.created",
    user: created.user,
  }, req);
}

// ── Break-glass local accounts: the setup link ─────────────────────────────

/**
 * The invited local account a live setup link belongs to; null (audited)
 * when the link is unknown, used or expired or the account is no longer
 * awaiting its setup.
 */
export async function openSetupLink(
  deps: Pick<SignInDeps, "db" | "kv">,
  token: string,
  req: RequestMeta,
): Promise<StaffUser | null> {
  const userId = await setupTokenUser(deps.kv, token);
  const user = userId ? await findStaffById(deps.db, userId) : null;
  if (user && user.kind === "local" && accountInvited(user)) return user;
  await refuseLink(deps, "auth.setup.refused", req);
  return null;
}

/**
 * Sets the password of `user` (from openSetupLink), spends the link and
 * opens the TOTP enrollment. The account is locked and checked again in the
 * password's transaction: disabled meanwhile, nothing is set or spent.
 */
export async function completeLocalSetup(
  deps: Pick<SignInDeps, "db" | "kv">,
  token: string,
  user: StaffUser,
  password: string,
  req: RequestMeta,
): Promise<AccountSetupOutcome> {
  const set = await deps.db.asUser(
    { userId: user.id, storeIds: [] },
    async (tx) => {
      if (!(await lockInvitedLocalTx(tx, user.id))) return null;
      const r = await setPassword(tx, user.id, password, {
        email: user.email,
        displayName: user.displayName,
      }, new Date());
      // Spent inside the transaction: if the link was taken meanwhile, the
      // password is not changed either.
      if (r.ok && !(await consumeSetupToken(deps.kv, token))) {
        throw new LinkTaken();
      }
      return r;
    },
  ).catch((err) => {
    if (err instanceof LinkTaken) return null;
    throw err;
  });
  if (!set) {
    await refuseLink(deps, "auth.setup.refused", req);
    return { kind: "invalid_link" };
  }
  if (!set.ok) return { kind: "password_problems", problems: set.problems };
  return await enrollAfter(deps, { action: "auth.setup.password", user }, req);
}

/** Rolls a setup back whose link another request spent first. */
class LinkTaken extends Error {}

// ── TOTP enrollment ─────────────────────────────────────────────────────────

async function openEnrollment(
  deps: Pick<SignInDeps, "db" | "kv">,
  enrollId: string | null | undefined,
) {
  if (!enrollId || !/^[0-9a-f]{64}$/.test(enrollId)) return null;
  const entry = await deps.kv.get<Enrollment>(
    enrollKey(await sha256Hex(enrollId)),
  );
  if (!entry.value) return null;
  const user = await findStaffById(deps.db, entry.value.userId);
  return user ? { user, entry } : null;
}

type OpenEnrollment = NonNullable<Awaited<ReturnType<typeof openEnrollment>>>;

/** The pending secret: created once per enrollment, kept sealed in KV. */
async function pendingSecret(
  deps: Pick<SignInDeps, "db" | "kv" | "vault">,
  enrolling: OpenEnrollment,
): Promise<TotpSecret> {
  const { user, entry } = enrolling;
  if (entry.value?.secretJwe) {
    return JSON.parse(
      await deps.vault.open(entry.value.secretJwe, "totp_enrollment"),
    ) as TotpSecret;
  }
  const secret = await deps.db.asUser(
    { userId: user.id, storeIds: [] },
    (tx) => beginTotpEnrollment(tx, deps.vault, user.id, user.email),
  );
  const sealed = await deps.vault.seal(
    JSON.stringify(secret),
    "totp_enrollment",
  );
  await deps.kv.atomic().check(entry).set(entry.key, {
    ...entry.value!,
    secretJwe: sealed,
  }, { expireIn: ENROLL_TTL_MS }).commit();
  return secret;
}

/**
 * The enrollment's pending TOTP secret (created on first sight), or null
 * when the enrollment `enrollId` is unknown or expired, or its account is
 * no longer an open invitation (disabled meanwhile: the enrollment ends).
 */
export async function enrollmentSecret(
  deps: Pick<SignInDeps, "db" | "kv" | "vault">,
  enrollId: string | null | undefined,
): Promise<TotpSecret | null> {
  const enrolling = await openEnrollment(deps, enrollId);
  if (!enrolling) return null;
  if (!enrollable(enrolling.user)) {
    await deps.kv.delete(enrolling.entry.key);
    return null;
  }
  return await pendingSecret(deps, enrolling);
}

/** Whether an account may (still) complete its enrollment. */
function enrollable(user: StaffUser): boolean {
  return user.kind === "local" && accountInvited(user);
}

export type EnrollmentOutcome =
  /** The enrollment is unknown or expired. */
  | { kind: "expired" }
  /** The account was disabled (or activated) meanwhile: nothing happened. */
  | { kind: "refused" }
  /** A wrong (or no) code: the same secret stays pending. */
  | { kind: "bad_code"; secret: TotpSecret }
  /** Active and signed in; the recovery codes are shown this once. */
  | { kind: "enrolled"; sessionId: string; recoveryCodes: string[] };

/** Rolls an enrollment back whose account may no longer be activated. */
class NotActivated extends Error {}

/**
 * Confirms the enrollment `enrollId` with a six-digit `code` (null when the
 * form had none): the account becomes active with TOTP, the enrollment ends
 * and a session starts. The account is checked before, activated only by a
 * conditional UPDATE (an open invitation, never disabled) in the same
 * transaction as the TOTP confirmation, and checked again once the session
 * exists: an account disabled at any point stays disabled, with no session.
 */
export async function confirmEnrollment(
  deps: SignInDeps,
  enrollId: string | null | undefined,
  code: string | null,
  req: SessionRequest,
): Promise<EnrollmentOutcome> {
  const { db, kv, vault } = deps;
  const enrolling = await openEnrollment(deps, enrollId);
  if (!enrolling) return { kind: "expired" };
  const { user } = enrolling;
  const refuse = async (): Promise<EnrollmentOutcome> => {
    await kv.delete(enrolling.entry.key);
    await auditRequest(db, req, {
      actorType: "anonymous",
      actorId: user.id,
      action: "auth.mfa.enroll",
      target: user.email,
      outcome: "denied",
      details: { reason: "account_not_invited" },
    });
    return { kind: "refused" };
  };
  if (!enrollable(user)) return await refuse();
  const steps = totpReplayGuard(kv);
  let result: { ok: true; recoveryCodes: string[] } | { ok: false };
  try {
    result = code !== null
      ? await db.asUser({ userId: user.id, storeIds: [] }, async (tx) => {
        const r = await confirmTotpEnrollment(
          tx,
          vault,
          user.id,
          code,
          new Date(),
          steps,
        );
        if (r.ok && !(await activateLocalAccountTx(tx, user.id))) {
          throw new NotActivated();
        }
        return r;
      })
      : { ok: false as const };
  } catch (err) {
    if (err instanceof NotActivated) return await refuse();
    throw err;
  }
  if (!result.ok) {
    await auditRequest(db, req, {
      actorType: "anonymous",
      actorId: user.id,
      action: "auth.mfa.enroll",
      outcome: "failure",
    });
    // The pending secret stays; the page shows the same secret again.
    return { kind: "bad_code", secret: await pendingSecret(deps, enrolling) };
  }
  await kv.delete(enrolling.entry.key);
  const sessionId = await startSession(deps, user.id, req);
  if (!sessionId) return await refuse();
  await auditRequest(db, req, {
    actorType: "staff",
    actorId: user.id,
    action: "auth.mfa.enroll",
    target: user.email,
    outcome: "success",
  });
  return { kind: "enrolled", sessionId, recoveryCodes: result.recoveryCodes };
}
