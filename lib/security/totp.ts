// Mandatory second factor for break-glass local accounts (Amazon DPP: "MFA
// on all user accounts"): RFC 6238 TOTP as authenticator apps implement it
// (SHA-1, 6 digits, 30-second steps), plus single-use recovery codes that are
// stored only as SHA-256 hashes. Nothing here logs a secret or a code.
import { Secret, TOTP } from "otpauth";
import { sha256Hex } from "./_hex.ts";

export const TOTP_ISSUER = "Custodian";
const TOTP_OPTIONS = { algorithm: "SHA1", digits: 6, period: 30 } as const;
/** Accept the previous and next step too, for clock drift. */
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
 * True when `token` (exactly 6 digits) is the code for `base32` at `now`,
 * give or take one step.
 */
export function verifyTotp(
  base32: string,
  token: string,
  now: number = Date.now(),
): boolean {
  if (typeof token !== "string" || !/^\d{6}$/.test(token)) return false;
  try {
    const totp = new TOTP({
      ...TOTP_OPTIONS,
      secret: Secret.fromBase32(base32),
    });
    return totp.validate({ token, timestamp: now, window: TOTP_WINDOW }) !==
      null;
  } catch (err) {
    if (err instanceof TypeError) return false; // not base32
    throw err;
  }
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
