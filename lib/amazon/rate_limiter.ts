// Client-side SP-API throttling (facts §3.6): one token bucket per seller
// account (store) and operation, seeded from the documented usage plan and
// adjusted by the `x-amzn-RateLimit-Limit` header. The bucket lives in Deno
// KV under ["sp_bucket", storeId, operation] and every change is an atomic
// compare-and-set, so any number of workers sharing the KV never take more
// tokens together than one bucket holds.
import { sleep } from "../sleep.ts";
import { type UsagePlan, usagePlanFor } from "./usage_plans.ts";

/** What KV holds for one bucket. */
export interface BucketState {
  /** Tokens left at `updatedAt` (fractional). */
  tokens: number;
  /** Epoch ms of the last change. */
  updatedAt: number;
  /** Tokens per second. */
  rate: number;
  /** Bucket size. */
  burst: number;
}

export interface RateLimiter {
  /** Waits until a token is free and takes it; resolves with the ms waited. */
  take(storeId: string, operation: string): Promise<number>;
  /** Applies the current rate Amazon reported for this operation and seller. */
  observeRate(storeId: string, operation: string, rate: number): Promise<void>;
  /** After a 429: empties the bucket so every worker slows down. */
  drain(storeId: string, operation: string): Promise<void>;
  /** The bucket as stored (refilled to now), or null before first use. */
  peek(storeId: string, operation: string): Promise<BucketState | null>;
}

export interface RateLimiterDeps {
  kv: Deno.Kv;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Plans replacing the documented ones (tests, benches, dynamic plans). */
  usagePlans?: Readonly<Record<string, UsagePlan>>;
}

export const bucketKey = (storeId: string, operation: string) =>
  ["sp_bucket", storeId, operation] as const;

/** Tokens at `now`: refilled since `updatedAt`, capped at the burst. */
export function refill(s: BucketState, now: number): BucketState {
  const elapsed = Math.max(0, now - s.updatedAt) / 1000;
  return {
    tokens: Math.min(s.burst, s.tokens + elapsed * s.rate),
    updatedAt: Math.max(s.updatedAt, now),
    rate: s.rate,
    burst: s.burst,
  };
}

/**
 * A KV-backed limiter shared by every client on the same KV.
 *
 * @example
 * const limiter = createRateLimiter({ kv });
 * await limiter.take(storeId, "searchOrders");
 */
export function createRateLimiter(deps: RateLimiterDeps): RateLimiter {
  const { kv } = deps;
  const now = deps.now ?? Date.now;
  const pause = deps.sleep ?? sleep;

  const seed = (operation: string, at: number): BucketState => {
    const plan = usagePlanFor(operation, deps.usagePlans);
    return {
      tokens: plan.burst,
      updatedAt: at,
      rate: plan.rate,
      burst: plan.burst,
    };
  };
  // Idle buckets expire once they would be full again anyway (plus margin).
  const ttl = (s: BucketState) =>
    Math.max(60_000, Math.ceil((2 * s.burst / s.rate) * 1000));

  /** Reads, changes and compare-and-sets one bucket until it sticks. */
  const update = async <R>(
    storeId: string,
    operation: string,
    change: (s: BucketState) => { next: BucketState | null; result: R },
  ): Promise<R> => {
    const key = bucketKey(storeId, operation);
    for (;;) {
      const entry = await kv.get<BucketState>(key);
      const at = now();
      const current = refill(entry.value ?? seed(operation, at), at);
      const { next, result } = change(current);
      if (!next) return result;
      const res = await kv.atomic().check(entry)
        .set(key, next, { expireIn: ttl(next) }).commit();
      if (res.ok) return result;
      // Another worker changed the bucket first: read it again.
    }
  };

  return {
    async take(storeId, operation) {
      let waited = 0;
      for (;;) {
        const wait = await update(storeId, operation, (s) => {
          if (s.tokens >= 1) {
            return { next: { ...s, tokens: s.tokens - 1 }, result: 0 };
          }
          // A little past the refill: a request can reach Amazon sooner
          // after the last one than the last reached it after its own
          // predecessor (network jitter), and Amazon's bucket then lacks a
          // fraction of a token — a 429 that costs a whole interval.
          const interval = 1000 / s.rate;
          const margin = Math.min(250, Math.max(5, interval / 100));
          return {
            next: null,
            result: Math.ceil(((1 - s.tokens) / s.rate) * 1000 + margin),
          };
        });
        if (wait === 0) return waited;
        waited += wait;
        await pause(wait);
      }
    },
    async observeRate(storeId, operation, rate) {
      if (!(rate > 0) || !Number.isFinite(rate)) return;
      await update(storeId, operation, (s) => ({
        next: s.rate === rate ? null : { ...s, rate },
        result: undefined,
      }));
    },
    async drain(storeId, operation) {
      await update(storeId, operation, (s) => ({
        next: s.tokens <= 0 ? null : { ...s, tokens: 0 },
        result: undefined,
      }));
    },
    async peek(storeId, operation) {
      const entry = await kv.get<BucketState>(bucketKey(storeId, operation));
      return entry.value ? refill(entry.value, now()) : null;
    },
  };
}
