// Mandatory second factor for break-glass local accounts (Amazon DPP: "MFA
// on all user accounts"): RFC 6238 TOTP as authenticator apps implement it
// (SHA-1, 6 digits, 30-second steps), plus single-use recovery codes that are
// stored only as SHA-256 hashes. Nothing here logs a secret or a code.
import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";
import { sha256Hex } from "./_hex.ts";

export const TOTP_ISSUER = "Custodian";
const TOTP_OPTIONS = { algorithm: "SHA1", digits: 6, period: 30 } as const;
/**
 * Accept the previous and next step too, for clock drift; never a step at
 * or before the last one accepted (claimTotpStep).
 */
const TOTP_WINDOW = 1;

/** A new 160-bit TOTP secret, and its otpauth:// URI for a QR code. */
export function newTotpSecret(): {
  base32: string;
  uri: (label: string) => string;
} {
  const secret = new Secret({ size: 20 });
  return {
    base32: secret.base32,
    uri: (label: string) =>
      new TOTP({ ...TOTP_OPTIONS, issuer: TOTP_ISSUER, label, secret })
        .toString(),
  };
}

/**
 * The otpauth:// URI as a QR code, an SVG document drawn on the server (no
 * script, no image request), for an authenticator app's camera. The URI
 * holds the secret: the page it is drawn on is no-store and never logged.
 */
export async function otpauthQrSvg(uri: string): Promise<string> {
  if (!uri.startsWith("otpauth://")) throw new Error("not an otpauth:// URI");
  return await QRCode.toString(uri, {
    type: "svg",
    errorCorrectionLevel: "M",
    margin: 2,
  });
}

/**
 * The time step (30-second counter) whose code `token` (exactly 6 digits)
 * is for `base32`, at most one step before or after `now`; null when none.
 * A step may be used once: see claimTotpStep.
 */
export function totpStep(
  base32: string,
  token: string,
  now: number = Date.now(),
): number | null {
  if (typeof token !== "string" || !/^\d{6}$/.test(token)) return null;
  try {
    const totp = new TOTP({
      ...TOTP_OPTIONS,
      secret: Secret.fromBase32(base32),
    });
    const delta = totp.validate({
      token,
      timestamp: now,
      window: TOTP_WINDOW,
    });
    return delta === null ? null : totp.counter({ timestamp: now }) + delta;
  } catch (err) {
    if (err instanceof TypeError) return null; // not base32
    throw err;
  }
}

/**
 * True when `token` (exactly 6 digits) is the code for `base32` at `now`,
 * give or take one step.
 */
export function verifyTotp(
  base32: string,
  token: string,
  now: number = Date.now(),
): boolean {
  return totpStep(base32, token, now) !== null;
}

// ── One use per code ────────────────────────────────────────────────────────

/**
 * Remembers the last time step accepted for each user, so a code (and any
 * code of an earlier step) works once. Local sign-in and enrollment take
 * one; `totpReplayGuard(kv)` is the real one.
 */
export interface TotpReplayGuard {
  /** True, once, for a step later than every step accepted before. */
  claim(userId: string, step: number): Promise<boolean>;
}

/**
 * Long enough to outlive the ±1-step window: once the record expires, every
 * acceptable step is later than the one it held.
 */
const LAST_STEP_TTL_MS = 10 * 60_000;
const lastStepKey = (userId: string) => ["totp_last_step", userId] as const;

/**
 * Claims `step` for `userId` in Deno KV: refused when a step at or after it
 * was accepted already. An atomic check-and-set, so of two concurrent
 * sign-ins with one code exactly one gets through.
 */
export async function claimTotpStep(
  kv: Deno.Kv,
  userId: string,
  step: number,
): Promise<boolean> {
  const key = lastStepKey(userId);
  for (let attempt = 0; attempt < 20; attempt++) {
    const entry = await kv.get<number>(key);
    if (entry.value !== null && step <= entry.value) return false;
    const res = await kv.atomic().check(entry).set(key, step, {
      expireIn: LAST_STEP_TTL_MS,
    }).commit();
    if (res.ok) return true;
  }
  return false;
}

/** The replay guard kept in `kv`. */
export function totpReplayGuard(kv: Deno.Kv): TotpReplayGuard {
  return { claim: (userId, step) => claimTotpStep(kv, userId, step) };
}

// ── Recovery codes ─────────────────────────────────────────────────────────

/** 31 symbols: no 0/o, 1/i/l, so codes survive being read aloud or copied by hand. */
const RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
const RECOVERY_GROUPS = 3;
const RECOVERY_GROUP_LENGTH = 4;

/** `n` random codes like `k7qm-3xtr-9pnd` (about 59 bits each). */
export function generateRecoveryCodes(n = 10): string[] {
  const codes: string[] = [];
  for (let i = 0; i < n; i++) {
    const chars: string[] = [];
    while (chars.length < RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH) {
      // Rejection sampling keeps every symbol equally likely.
      const [byte] = crypto.getRandomValues(new Uint8Array(1));
      const limit = 256 - (256 % RECOVERY_ALPHABET.length);
      if (byte < limit) {
        chars.push(RECOVERY_ALPHABET[byte % RECOVERY_ALPHABET.length]);
      }
    }
    const groups: string[] = [];
    for (let g = 0; g < RECOVERY_GROUPS; g++) {
      groups.push(
        chars.slice(g * RECOVERY_GROUP_LENGTH, (g + 1) * RECOVERY_GROUP_LENGTH)
          .join(""),
      );
    }
    codes.push(groups.join("-"));
  }
  return codes;
}

/** Lower case, no dashes or white space: how a code is compared and hashed. */
export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]+/g, "");
}

/** SHA-256 hex of the normalised code; only this is stored. */
export async function hashRecoveryCode(code: string): Promise<string> {
  return await sha256Hex(normaliseRecoveryCode(code));
}

/**
 * Uses up a recovery code: the remaining hashes when `code` matches one of
 * `hashes` (that one removed), null otherwise.
 */
export async function consumeRecoveryCode(
  code: string,
  hashes: string[],
): Promise<string[] | null> {
  const normalised = normaliseRecoveryCode(code);
  if (normalised.length === 0) return null;
  const hash = await hashRecoveryCode(normalised);
  const index = hashes.indexOf(hash);
  if (index < 0) return null;
  return [...hashes.slice(0, index), ...hashes.slice(index + 1)];
}
