// The local sign-in lockout (Data Policy §8; issue #11, "behind a proxy"):
// failures are counted per account *and client address*, so whoever guesses
// from one address locks out only that address for that account, never the
// owner signing in from elsewhere. A second, slower count per account (many
// more failures, a longer window) stops guessing spread over many addresses;
// it does not apply at an address where the account signed in successfully
// in the last 30 days, so a spread-out attack cannot lock the owner out of
// their usual place either. Owners can lift both from the Users page.
import {
  clearFailures,
  listFailures,
  lockedUntil,
  type LockoutPolicy,
  recordFailure,
} from "./rate_limit.ts";
import { normaliseEmail } from "./staff.ts";

export interface SignInLockoutPolicy {
  /** Failures of one account from one client address. */
  address: LockoutPolicy;
  /** Failures of one account from any address: the slower limit. */
  account: LockoutPolicy;
}

const ADDRESS_SCOPE = "account_address";
const ACCOUNT_SCOPE = "account";
/** How long a successful sign-in makes its address a known one. */
export const KNOWN_ADDRESS_MS = 30 * 86_400_000;
const knownKey = (email: string, ip: string) =>
  ["signin_known_address", email, ip] as const;

/** Requests without a known address share one. */
const addressOf = (ip: string | null | undefined) => ip ?? "unknown";

/** Which lock refuses this attempt, until when; null when it may try. */
export async function signInLocked(
  kv: Deno.Kv,
  email: string,
  ip: string | null | undefined,
  now = Date.now(),
): Promise<{ scope: "address" | "account"; until: number } | null> {
  const account = normaliseEmail(email);
  const address = addressOf(ip);
  const here = await lockedUntil(kv, ADDRESS_SCOPE, [account, address], now);
  if (here) return { scope: "address", until: here };
  const everywhere = await lockedUntil(kv, ACCOUNT_SCOPE, account, now);
  if (!everywhere) return null;
  if (ip && (await kv.get(knownKey(account, ip))).value !== null) return null;
  return { scope: "account", until: everywhere };
}

/** Counts a failed attempt in both counts; says which one it locked. */
export async function recordSignInFailure(
  kv: Deno.Kv,
  policy: SignInLockoutPolicy,
  email: string,
  ip: string | null | undefined,
  now = Date.now(),
): Promise<{ address: boolean; account: boolean }> {
  const account = normaliseEmail(email);
  const address = await recordFailure(
    kv,
    policy.address,
    ADDRESS_SCOPE,
    [account, addressOf(ip)],
    now,
  );
  const everywhere = await recordFailure(
    kv,
    policy.account,
    ACCOUNT_SCOPE,
    account,
    now,
  );
  return { address: address !== null, account: everywhere !== null };
}

/**
 * A successful sign-in: this address's count starts again and the address
 * is known for 30 days. The per-account count runs out by itself: a
 * sign-in from one place does not grant more guesses everywhere.
 */
export async function recordSignInSuccess(
  kv: Deno.Kv,
  email: string,
  ip: string | null | undefined,
): Promise<void> {
  const account = normaliseEmail(email);
  await clearFailures(kv, ADDRESS_SCOPE, [account, addressOf(ip)]);
  if (ip) {
    await kv.set(knownKey(account, ip), true, { expireIn: KNOWN_ADDRESS_MS });
  }
}

/** What the Users page shows: is the account locked, here or anywhere. */
export interface SignInLockState {
  /** The per-account lock's end, or null. */
  accountUntil: number | null;
  /** How many client addresses are locked out for this account. */
  addresses: number;
}

export async function signInLockState(
  kv: Deno.Kv,
  email: string,
  now = Date.now(),
): Promise<SignInLockState> {
  const account = normaliseEmail(email);
  const addresses = await listFailures(kv, ADDRESS_SCOPE, [account], now);
  return {
    accountUntil: await lockedUntil(kv, ACCOUNT_SCOPE, account, now),
    addresses: addresses.filter((a) => a.lockedUntil !== null).length,
  };
}

/** Lifts every lock of the account (both counts); returns how many counters. */
export async function clearSignInLockout(
  kv: Deno.Kv,
  email: string,
): Promise<number> {
  const account = normaliseEmail(email);
  const counters = await listFailures(kv, ADDRESS_SCOPE, [account]);
  for (const c of counters) await kv.delete(c.key);
  const everywhere = await clearFailures(kv, ACCOUNT_SCOPE, account);
  return counters.length + (everywhere ? 1 : 0);
}
