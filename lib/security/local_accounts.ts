// The store for break-glass local accounts (Amazon DPP credential rules, see
// lib/security/passwords.ts): the password hash and its age, the TOTP secret
// sealed by the vault (purpose "totp_secret"), and recovery codes kept only
// as hashes. Every function takes the caller's scoped transaction (Tx); none
// logs or returns a password, secret or code except where its signature says.
// The runtime role cannot read a password hash (0013_least_privilege.sql):
// sign-in gets the hash's parameters, derives the candidate and lets the
// database compare; a password is written by local_password_set only.
import { and, eq, sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../db/client.ts";
import { localCredentials } from "../../db/schema.ts";
import {
  checkPasswordPolicy,
  hashPassword,
  hashPasswordLike,
  passwordChangeAllowed,
  passwordExpired,
  type PasswordProblem,
  passwordProblem,
  verifyPassword,
} from "./passwords.ts";
import {
  consumeRecoveryCode,
  generateRecoveryCodes,
  hashRecoveryCode,
  newTotpSecret,
  type TotpReplayGuard,
  totpStep,
} from "./totp.ts";
import type { Vault } from "./vault.ts";

/** The vault purpose a TOTP secret is sealed under. */
export const TOTP_SECRET_PURPOSE = "totp_secret";
export const RECOVERY_CODE_COUNT = 10;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type SetPasswordResult =
  | { ok: true }
  | { ok: false; problems: PasswordProblem[] };

export type ConfirmTotpResult =
  | { ok: true; recoveryCodes: string[] }
  | { ok: false };

export type LocalSignInResult =
  | {
    ok: true;
    passwordExpired: boolean;
    usedRecoveryCode: boolean;
    recoveryCodesLeft: number;
  }
  | {
    ok: false;
    reason:
      | "no_credentials"
      | "bad_password"
      | "mfa_not_enrolled"
      | "bad_second_factor"
      /** A right code whose time step was used already. */
      | "totp_reused";
  };

async function credentialsOf(tx: Tx, userId: string, lock = false) {
  if (!UUID.test(userId)) return undefined;
  // Every column but password_hash, which the runtime role cannot read.
  const query = tx.select({
    userId: localCredentials.userId,
    passwordChangedAt: localCredentials.passwordChangedAt,
    totpSecretJwe: localCredentials.totpSecretJwe,
    totpConfirmedAt: localCredentials.totpConfirmedAt,
    recoveryCodeHashes: localCredentials.recoveryCodeHashes,
    updatedAt: localCredentials.updatedAt,
  }).from(localCredentials)
    .where(eq(localCredentials.userId, userId));
  const [row] = lock ? await query.for("update") : await query;
  return row;
}

/** Whether `password` is the user's: the database compares, never returns, the hash. */
async function passwordMatches(
  tx: Tx,
  userId: string,
  password: string,
): Promise<boolean> {
  const [p] = rowsOf<{ params: string | null }>(
    await tx.execute(
      sql`select local_password_params(${userId}::uuid) as params`,
    ),
  );
  const candidate = p?.params
    ? await hashPasswordLike(password, p.params)
    : null;
  if (candidate === null) {
    await verifyPassword(password, await timingDummy());
    return false;
  }
  const [m] = rowsOf<{ ok: boolean }>(
    await tx.execute(
      sql`select local_password_matches(${userId}::uuid, ${candidate}) as ok`,
    ),
  );
  return m?.ok === true;
}

/**
 * Sets a local account's password if it meets the DPP rules and the last
 * change was at least 24 hours ago (the first password is always allowed).
 */
export async function setPassword(
  tx: Tx,
  userId: string,
  password: string,
  ctx: { email: string; displayName?: string },
  now: Date,
): Promise<SetPasswordResult> {
  const problems = checkPasswordPolicy(password, ctx);
  const existing = await credentialsOf(tx, userId, true);
  if (existing && !passwordChangeAllowed(existing.passwordChangedAt, now)) {
    problems.push(passwordProblem("too_soon"));
  }
  if (problems.length > 0) return { ok: false, problems };
  const passwordHash = await hashPassword(password);
  await tx.execute(sql`select local_password_set(${userId}::uuid,
    ${passwordHash}, ${now.toISOString()}::timestamptz)`);
  return { ok: true };
}

/**
 * Starts (or restarts) TOTP enrollment: a new secret, sealed, pending until
 * confirmed. The account must have a password already. Returns the secret
 * and its otpauth:// URI once, for the enrollment page.
 */
export async function beginTotpEnrollment(
  tx: Tx,
  vault: Vault,
  userId: string,
  email: string,
): Promise<{ base32: string; uri: string }> {
  const secret = newTotpSecret();
  const sealed = await vault.seal(secret.base32, TOTP_SECRET_PURPOSE);
  const updated = UUID.test(userId)
    ? await tx.update(localCredentials).set({
      totpSecretJwe: sealed,
      totpConfirmedAt: null,
      // Codes from an earlier enrollment die with it; confirmation issues new ones.
      recoveryCodeHashes: [],
      updatedAt: new Date(),
    }).where(eq(localCredentials.userId, userId))
      .returning({ userId: localCredentials.userId })
    : [];
  if (updated.length === 0) {
    throw new Error("set a password before enrolling an authenticator");
  }
  return { base32: secret.base32, uri: secret.uri(email) };
}

/**
 * Confirms the pending TOTP secret with a code from the authenticator, and
 * issues recovery codes: the plain codes are returned this once only. The
 * code's time step is used up (`steps`), so it cannot sign in afterwards.
 */
export async function confirmTotpEnrollment(
  tx: Tx,
  vault: Vault,
  userId: string,
  token: string,
  now: Date,
  steps: TotpReplayGuard,
): Promise<ConfirmTotpResult> {
  const row = await credentialsOf(tx, userId, true);
  if (!row || !row.totpSecretJwe || row.totpConfirmedAt) return { ok: false };
  const base32 = await vault.open(row.totpSecretJwe, TOTP_SECRET_PURPOSE);
  const step = totpStep(base32, token, now.getTime());
  if (step === null || !(await steps.claim(userId, step))) {
    return { ok: false };
  }
  const recoveryCodes = generateRecoveryCodes(RECOVERY_CODE_COUNT);
  const recoveryCodeHashes = await Promise.all(
    recoveryCodes.map(hashRecoveryCode),
  );
  await tx.update(localCredentials).set({
    totpConfirmedAt: now,
    recoveryCodeHashes,
    updatedAt: now,
  }).where(eq(localCredentials.userId, userId));
  return { ok: true, recoveryCodes };
}

let dummyHash: Promise<string> | undefined;

/** A hash with today's parameters, verified when an account has no password. */
function timingDummy(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  return dummyHash;
}

/**
 * Checks a local sign-in: the password (scrypt runs even for an unknown
 * account), then a TOTP code, whose time step is used up (`steps`: one code
 * signs in once), or a single-use recovery code, which is used up in the
 * caller's transaction.
 */
export async function verifyLocalSignIn(
  tx: Tx,
  vault: Vault,
  userId: string,
  password: string,
  secondFactor: { totp?: string; recoveryCode?: string },
  now: Date,
  steps: TotpReplayGuard,
): Promise<LocalSignInResult> {
  const row = await credentialsOf(tx, userId);
  if (!row) {
    await verifyPassword(password, await timingDummy());
    return { ok: false, reason: "no_credentials" };
  }
  if (!(await passwordMatches(tx, userId, password))) {
    return { ok: false, reason: "bad_password" };
  }
  if (!row.totpSecretJwe || !row.totpConfirmedAt) {
    return { ok: false, reason: "mfa_not_enrolled" };
  }
  const expired = passwordExpired(row.passwordChangedAt, now);
  if (secondFactor.totp !== undefined) {
    const base32 = await vault.open(row.totpSecretJwe, TOTP_SECRET_PURPOSE);
    const step = totpStep(base32, secondFactor.totp, now.getTime());
    if (step === null) return { ok: false, reason: "bad_second_factor" };
    if (!(await steps.claim(userId, step))) {
      return { ok: false, reason: "totp_reused" };
    }
    return {
      ok: true,
      passwordExpired: expired,
      usedRecoveryCode: false,
      recoveryCodesLeft: row.recoveryCodeHashes.length,
    };
  }
  if (secondFactor.recoveryCode !== undefined) {
    const remaining = await consumeRecoveryCode(
      secondFactor.recoveryCode,
      row.recoveryCodeHashes,
    );
    if (!remaining) return { ok: false, reason: "bad_second_factor" };
    // Remove it only if it is still there: of two concurrent sign-ins with
    // the same code, the second waits for the first's row lock and then
    // finds nothing to remove.
    const hash = await hashRecoveryCode(secondFactor.recoveryCode);
    const [left] = await tx.update(localCredentials).set({
      recoveryCodeHashes:
        sql`array_remove(${localCredentials.recoveryCodeHashes}, ${hash}::text)`,
      updatedAt: now,
    }).where(and(
      eq(localCredentials.userId, userId),
      sql`${hash}::text = any(${localCredentials.recoveryCodeHashes})`,
    )).returning({ hashes: localCredentials.recoveryCodeHashes });
    if (!left) return { ok: false, reason: "bad_second_factor" };
    return {
      ok: true,
      passwordExpired: expired,
      usedRecoveryCode: true,
      recoveryCodesLeft: left.hashes.length,
    };
  }
  return { ok: false, reason: "bad_second_factor" };
}

/** True when the user has a local password. */
export async function hasLocalCredentials(
  tx: Tx,
  userId: string,
): Promise<boolean> {
  return (await credentialsOf(tx, userId)) !== undefined;
}

/** True when the user's authenticator enrollment is confirmed. */
export async function totpEnrolled(tx: Tx, userId: string): Promise<boolean> {
  const row = await credentialsOf(tx, userId);
  return !!row?.totpSecretJwe && row.totpConfirmedAt !== null;
}

/**
 * Changes a local account's password: the current one must match, the new
 * one must meet the policy, and not more than one change a day.
 */
export async function changePassword(
  tx: Tx,
  userId: string,
  current: string,
  next: string,
  ctx: { email: string; displayName?: string },
  now: Date,
): Promise<SetPasswordResult | { ok: false; reason: "bad_password" }> {
  const row = await credentialsOf(tx, userId, true);
  if (!row || !(await passwordMatches(tx, userId, current))) {
    return { ok: false, reason: "bad_password" };
  }
  return await setPassword(tx, userId, next, ctx, now);
}

/** Whether the local account's password is past its 365-day maximum age. */
export async function localPasswordExpired(
  tx: Tx,
  userId: string,
  now: Date,
): Promise<boolean> {
  const row = await credentialsOf(tx, userId);
  return row ? passwordExpired(row.passwordChangedAt, now) : false;
}

/** The second factors a person may prove themselves with on their own account. */
export interface OwnProof {
  password?: string;
  code?: string;
}

/**
 * Whether `proof` holds for the user: each of its parts that is given must
 * match (the password; a current TOTP code, whose time step is then used
 * up), and at least `need` must be given ("any": one of them, "both").
 */
export async function checkOwnProof(
  tx: Tx,
  vault: Vault,
  userId: string,
  proof: OwnProof,
  need: "any" | "both",
  now: Date,
  steps: TotpReplayGuard,
): Promise<boolean> {
  const row = await credentialsOf(tx, userId, true);
  if (!row || !row.totpSecretJwe || !row.totpConfirmedAt) return false;
  const given = [proof.password, proof.code].filter((p) => p !== undefined);
  if (given.length === 0 || (need === "both" && given.length < 2)) {
    return false;
  }
  if (
    proof.password !== undefined &&
    !(await passwordMatches(tx, userId, proof.password))
  ) {
    return false;
  }
  if (proof.code !== undefined) {
    const base32 = await vault.open(row.totpSecretJwe, TOTP_SECRET_PURPOSE);
    const step = totpStep(base32, proof.code, now.getTime());
    if (step === null || !(await steps.claim(userId, step))) return false;
  }
  return true;
}

/** New recovery codes: the old ones are void at once; the plain codes returned this once. */
export async function replaceRecoveryCodes(
  tx: Tx,
  userId: string,
  now: Date,
): Promise<string[]> {
  const recoveryCodes = generateRecoveryCodes(RECOVERY_CODE_COUNT);
  const recoveryCodeHashes = await Promise.all(
    recoveryCodes.map(hashRecoveryCode),
  );
  const updated = await tx.update(localCredentials).set({
    recoveryCodeHashes,
    updatedAt: now,
  }).where(eq(localCredentials.userId, userId))
    .returning({ userId: localCredentials.userId });
  if (updated.length === 0) throw new Error("no local credentials");
  return recoveryCodes;
}

/**
 * Replaces a confirmed authenticator by a new secret (already confirmed by
 * a code from the new app): the old secret and every old recovery code are
 * void at once; new recovery codes are returned this once.
 */
export async function replaceTotpSecret(
  tx: Tx,
  vault: Vault,
  userId: string,
  base32: string,
  now: Date,
): Promise<string[]> {
  const sealed = await vault.seal(base32, TOTP_SECRET_PURPOSE);
  const recoveryCodes = generateRecoveryCodes(RECOVERY_CODE_COUNT);
  const recoveryCodeHashes = await Promise.all(
    recoveryCodes.map(hashRecoveryCode),
  );
  const updated = await tx.update(localCredentials).set({
    totpSecretJwe: sealed,
    totpConfirmedAt: now,
    recoveryCodeHashes,
    updatedAt: now,
  }).where(eq(localCredentials.userId, userId))
    .returning({ userId: localCredentials.userId });
  if (updated.length === 0) throw new Error("no local credentials");
  return recoveryCodes;
}
