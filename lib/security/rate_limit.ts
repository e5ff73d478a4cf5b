// Data Policy §8 (abuse monitoring): sign-in rate limiting and temporary
// lockout after repeated failures. Counters live in Deno KV so every
// instance sharing the KV sees the same failures.
export interface LockoutPolicy {
  maxFailures: number;
  /** Window for counting failures, and how long a lockout lasts. */
  lockoutMs: number;
}

interface Counter {
  failures: number;
  firstAt: number;
  lockedUntil: number | null;
}

/** What a counter counts: one value, or several (an account and an address). */
export type CounterId = string | readonly string[];

const counterKey = (scope: string, id: CounterId): Deno.KvKey => [
  "signin_failures",
  scope,
  ...(typeof id === "string" ? [id] : id).map((part) => part.toLowerCase()),
];

/** Until when `id` is locked out, or null if it may try now. */
export async function lockedUntil(
  kv: Deno.Kv,
  scope: string,
  id: CounterId,
  now = Date.now(),
): Promise<number | null> {
  const c = (await kv.get<Counter>(counterKey(scope, id))).value;
  return c?.lockedUntil && c.lockedUntil > now ? c.lockedUntil : null;
}

/**
 * Counts one failure; returns the lockout end when this failure reached the
 * limit. Read-modify-write is an atomic check, retried on contention.
 */
export async function recordFailure(
  kv: Deno.Kv,
  policy: LockoutPolicy,
  scope: string,
  id: CounterId,
  now = Date.now(),
): Promise<number | null> {
  const key = counterKey(scope, id);
  for (let attempt = 0; attempt < 20; attempt++) {
    const entry = await kv.get<Counter>(key);
    const old = entry.value;
    const fresh = !old || now - old.firstAt > policy.lockoutMs;
    const failures = fresh ? 1 : old.failures + 1;
    const lockedUntil = failures >= policy.maxFailures
      ? now + policy.lockoutMs
      : fresh
      ? null
      : old.lockedUntil;
    const next: Counter = {
      failures,
      firstAt: fresh ? now : old.firstAt,
      lockedUntil,
    };
    const res = await kv.atomic().check(entry).set(key, next, {
      expireIn: policy.lockoutMs * 2,
    }).commit();
    if (res.ok) return failures >= policy.maxFailures ? lockedUntil : null;
  }
  throw new Error("could not record a sign-in failure");
}

/** Clears a counter (a successful sign-in, an unlock); true if there was one. */
export async function clearFailures(
  kv: Deno.Kv,
  scope: string,
  id: CounterId,
): Promise<boolean> {
  const key = counterKey(scope, id);
  const had = (await kv.get(key)).value !== null;
  await kv.delete(key);
  return had;
}

/**
 * Every counter of `scope` whose id begins with `prefix` (an account's
 * counters at every address), with its lockout end (null: not locked).
 */
export async function listFailures(
  kv: Deno.Kv,
  scope: string,
  prefix: readonly string[],
  now = Date.now(),
): Promise<{ key: Deno.KvKey; lockedUntil: number | null }[]> {
  const out: { key: Deno.KvKey; lockedUntil: number | null }[] = [];
  for await (
    const e of kv.list<Counter>({ prefix: counterKey(scope, prefix) })
  ) {
    const until = e.value.lockedUntil;
    out.push({ key: e.key, lockedUntil: until && until > now ? until : null });
  }
  return out;
}
