// Data Policy §8 (additional export restrictions): each person may start
// only so many exports in a window, counted in Deno KV so every instance
// sharing the KV agrees. A fixed window per user, read-modify-write under an
// atomic check.

export interface ExportLimitPolicy {
  /** Exports a person may start in one window. */
  max: number;
  windowMs: number;
}

/** Ten exports an hour per person. */
export const DEFAULT_EXPORT_LIMIT: ExportLimitPolicy = {
  max: 10,
  windowMs: 3_600_000,
};

interface Window {
  count: number;
  startedAt: number;
}

/** The KV key of a person's export window. */
export const exportLimitKey = (userId: string): Deno.KvKey => [
  "export_limit",
  userId,
];

/**
 * Counts one export of `userId`: 0 when it may start, else the milliseconds
 * until the window ends.
 *
 * @example
 * const wait = await takeExport(kv, principal.userId);
 * if (wait > 0) throw new HTTPException(429);
 */
export async function takeExport(
  kv: Deno.Kv,
  userId: string,
  policy: ExportLimitPolicy = DEFAULT_EXPORT_LIMIT,
  now = Date.now(),
): Promise<number> {
  const key = exportLimitKey(userId);
  for (let attempt = 0; attempt < 20; attempt++) {
    const entry = await kv.get<Window>(key);
    const old = entry.value;
    const fresh = !old || now - old.startedAt >= policy.windowMs;
    if (!fresh && old.count >= policy.max) {
      return old.startedAt + policy.windowMs - now;
    }
    const next: Window = fresh
      ? { count: 1, startedAt: now }
      : { count: old.count + 1, startedAt: old.startedAt };
    const res = await kv.atomic().check(entry).set(key, next, {
      expireIn: policy.windowMs,
    }).commit();
    if (res.ok) return 0;
  }
  throw new Error("could not count an export");
}
