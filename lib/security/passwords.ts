// Password rules for break-glass local accounts, from the Amazon Data
// Protection Policy's credential-management requirements (see
// docs/amazon-facts.md §6, "Credential management" and §6.4):
// at least 12 characters, no part of the user name, a mix of upper and lower
// case, digits and special characters, a minimum password age of 1 day and a
// maximum of 365 days. MFA is enforced separately (lib/security/totp.ts).
//
// The character-mix rule is all four classes, each at least once (the DPP's
// "mix of upper and lower case, digits and special characters, each at a
// minimum count"), as the sign-in pages tell users. Common passwords
// come from @zxcvbn-ts/language-common.
//
// Passwords are hashed with scrypt (node:crypto) and compared in constant
// time. Nothing here logs or returns a password.
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { dictionary } from "@zxcvbn-ts/language-common";
import { comparable } from "./normalize.ts";

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
/** How many of lower, upper, digit, symbol a password must use. */
export const PASSWORD_MIN_CLASSES = 4;
/** DPP minimum password age: one change a day. */
export const PASSWORD_MIN_AGE_MS = 24 * 60 * 60 * 1000;
/** DPP maximum password age: 365 days. */
export const PASSWORD_MAX_AGE_MS = 365 * 24 * 60 * 60 * 1000;

/** The rules a new password can break, as codes the views translate. */
export const PASSWORD_PROBLEM_CODES = [
  "too_short",
  "too_long",
  "contains_user_name",
  "too_few_character_classes",
  "common_password",
  "too_soon",
] as const;

export type PasswordProblemCode = typeof PASSWORD_PROBLEM_CODES[number];

/**
 * One broken rule: a stable code and the numbers its message needs (the
 * views say it in the reader's language; lib/ never words it).
 */
export interface PasswordProblem {
  code: PasswordProblemCode;
  params: Readonly<Record<string, number>>;
}

export interface PasswordContext {
  email: string;
  displayName?: string;
}

const PARAMS: Record<PasswordProblemCode, Record<string, number>> = {
  too_short: { min: PASSWORD_MIN_LENGTH },
  too_long: { max: PASSWORD_MAX_LENGTH },
  contains_user_name: {},
  too_few_character_classes: {},
  common_password: {},
  too_soon: {},
};

/** A problem with the parameters of its message. */
export function passwordProblem(code: PasswordProblemCode): PasswordProblem {
  return { code, params: PARAMS[code] };
}

/**
 * The common-password list, checked when this module loads: a list that is
 * missing or cut short stops the process at start instead of silently
 * dropping the rule.
 *
 * @example
 * commonPasswordList({ "passwords-common": ["123456", …] }); // the list
 */
export function commonPasswordList(
  dict: Readonly<Record<string, unknown>>,
): readonly string[] {
  const list = dict["passwords-common"];
  if (
    !Array.isArray(list) || list.length < 10_000 ||
    !list.every((p) => typeof p === "string")
  ) {
    throw new Error(
      "the common-password list (@zxcvbn-ts/language-common, passwords-common) could not be loaded: the password rules cannot be enforced",
    );
  }
  return list;
}

const COMMON_PASSWORDS = commonPasswordList(dictionary);
let commonPasswords: Set<string> | undefined;

/** The common-password list, lower-cased, built on first use. */
function commonPasswordSet(): Set<string> {
  commonPasswords ??= new Set(COMMON_PASSWORDS.map((p) => p.toLowerCase()));
  return commonPasswords;
}

// NFKC, default-ignorables out, lower case, look-alikes folded (normalize.ts).
const fold = comparable;

/** The parts of the user name that a password must not contain. */
function userNameParts(ctx: PasswordContext): string[] {
  const parts = new Set<string>();
  const at = ctx.email.lastIndexOf("@");
  const local = fold(at >= 0 ? ctx.email.slice(0, at) : ctx.email).trim();
  if (local.length >= 3) parts.add(local);
  // "Any part of the username": john.smith+x → john, smith.
  for (const piece of local.split(/[^\p{L}\p{N}]+/u)) {
    if (piece.length >= 3) parts.add(piece);
  }
  for (const word of fold(ctx.displayName ?? "").split(/[^\p{L}]+/u)) {
    if ([...word].length >= 3) parts.add(word);
  }
  return [...parts];
}

function characterClasses(password: string): number {
  let n = 0;
  if (/\p{Ll}/u.test(password)) n++;
  if (/\p{Lu}/u.test(password)) n++;
  if (/\p{Nd}/u.test(password)) n++;
  if (/[^\p{L}\p{N}]/u.test(password)) n++;
  return n;
}

function isCommon(password: string): boolean {
  const set = commonPasswordSet();
  const lower = fold(password);
  if (set.has(lower)) return true;
  // "Password123!" is "password" with decoration.
  const stem = lower.replace(/[^\p{L}]+$/u, "");
  return stem.length > 0 && stem !== lower && set.has(stem);
}

/**
 * Checks a new password against the DPP rules; an empty list means it passes.
 *
 * @example
 * checkPasswordPolicy("Password123!", { email: "ann@example.com" })
 * // → [{ code: "common_password", params: {} }]
 */
export function checkPasswordPolicy(
  password: string,
  ctx: PasswordContext,
): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push(passwordProblem("too_short"));
  if (length > PASSWORD_MAX_LENGTH) problems.push(passwordProblem("too_long"));
  const folded = fold(password);
  if (userNameParts(ctx).some((part) => folded.includes(part))) {
    problems.push(passwordProblem("contains_user_name"));
  }
  if (characterClasses(password) < PASSWORD_MIN_CLASSES) {
    problems.push(passwordProblem("too_few_character_classes"));
  }
  if (isCommon(password)) problems.push(passwordProblem("common_password"));
  return problems;
}

// ── Hashing ────────────────────────────────────────────────────────────────

const SCRYPT_N = 2 ** 15;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Upper bounds accepted when verifying, so a stored hash cannot exhaust memory. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;

function scryptKey(
  password: string,
  salt: Uint8Array,
  n: number,
  r: number,
  p: number,
  keyLength: number,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize("NFKC"),
      salt,
      keyLength,
      // scrypt needs 128·N·r bytes; leave headroom over the 32 MiB default.
      { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 },
      (err, key) => err ? reject(err) : resolve(new Uint8Array(key)),
    );
  });
}

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

function unb64(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch (err) {
    if (err instanceof DOMException) return null; // InvalidCharacterError
    throw err;
  }
}

/**
 * Hashes a password as `scrypt$N$r$p$saltB64$hashB64`.
 *
 * @example
 * const stored = await hashPassword(password);
 * await verifyPassword(password, stored); // true
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = new Uint8Array(randomBytes(SALT_BYTES));
  const key = await scryptKey(
    password,
    salt,
    SCRYPT_N,
    SCRYPT_R,
    SCRYPT_P,
    KEY_BYTES,
  );
  return `scrypt$${SCRYPT_N}$${SCRYPT_R}$${SCRYPT_P}$${b64(salt)}$${b64(key)}`;
}

/** True when `password` matches `encoded`; false, never an error, for a malformed hash. */
export async function verifyPassword(
  password: string,
  encoded: string,
): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (!parsed) return false;
  try {
    const key = await scryptKey(
      password,
      parsed.salt,
      parsed.n,
      parsed.r,
      parsed.p,
      parsed.hash.length,
    );
    return key.length === parsed.hash.length &&
      timingSafeEqual(key, parsed.hash);
  } catch (err) {
    // Parameters scrypt refuses (ERR_CRYPTO_INVALID_SCRYPT_PARAMS).
    if (err instanceof RangeError) return false;
    throw err;
  }
}

/**
 * The encoded hash `password` has under `params` (a stored hash without its
 * key: `scrypt$N$r$p$saltB64`), or null for malformed params. Sign-in sends
 * it to the database to compare, so the stored key never leaves it.
 */
export async function hashPasswordLike(
  password: string,
  params: string,
): Promise<string | null> {
  const parsed = parseHash(`${params}$${b64(new Uint8Array(KEY_BYTES))}`);
  if (!parsed) return null;
  try {
    const key = await scryptKey(
      password,
      parsed.salt,
      parsed.n,
      parsed.r,
      parsed.p,
      KEY_BYTES,
    );
    return `${params}$${b64(key)}`;
  } catch {
    return null;
  }
}

function parseHash(encoded: unknown) {
  if (typeof encoded !== "string") return null;
  const parts = encoded.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return null;
  const [n, r, p] = parts.slice(1, 4).map((s) =>
    /^\d{1,8}$/.test(s) ? Number(s) : NaN
  );
  if (!(n >= 2 && n <= MAX_N && (n & (n - 1)) === 0)) return null;
  if (!(r >= 1 && r <= MAX_R && p >= 1 && p <= MAX_P)) return null;
  if (128 * n * r > MAX_SCRYPT_MEMORY) return null;
  const salt = unb64(parts[4]);
  const hash = unb64(parts[5]);
  if (
    !salt || salt.length < 8 || !hash || hash.length < 16 || hash.length > 64
  ) {
    return null;
  }
  return { n, r, p, salt, hash };
}

// ── Password age ───────────────────────────────────────────────────────────

/** DPP minimum age: true once 24 hours have passed since the last change. */
export function passwordChangeAllowed(changedAt: Date, now: Date): boolean {
  return now.getTime() - changedAt.getTime() >= PASSWORD_MIN_AGE_MS;
}

/** DPP maximum age: true once 365 days have passed since the last change. */
export function passwordExpired(changedAt: Date, now: Date): boolean {
  return now.getTime() - changedAt.getTime() >= PASSWORD_MAX_AGE_MS;
}
