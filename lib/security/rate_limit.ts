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

const counterKey = (scope: string, id: string) =>
  ["signin_failures", scope, id.toLowerCase()] as const;

/** Until when `id` is locked out, or null if it may try now. */
export async function lockedUntil(
  kv: Deno.Kv,
  scope: string,
  id: string,
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
  id: string,
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

/** Clears the counter after a successful sign-in. */
export async function clearFailures(
  kv: Deno.Kv,
  scope: string,
  id: string,
): Promise<void> {
  await kv.delete(counterKey(scope, id));
}
