// SP-API throttling is a token bucket per operation and per application +
// selling partner pair (facts §3.6): `rate` tokens a second refill a bucket
// of `burst`, each request takes one, an empty bucket is a 429. Buckets start
// full. `timeScale` speeds the refill up so tests and benches can exercise
// real limits (0.0056/s for searchOrders) without waiting hours.
import type { Clock } from "./clock.ts";

/** One bucket: `burst` capacity, refilled at `rate` tokens per second. */
export class TokenBucket {
  readonly rate: number;
  readonly burst: number;
  #tokens: number;
  #last: number;

  constructor(rate: number, burst: number, now: number) {
    this.rate = rate;
    this.burst = burst;
    this.#tokens = burst;
    this.#last = now;
  }

  /** Tokens available at `now` (fractional). */
  level(now: number, timeScale = 1): number {
    const elapsed = Math.max(0, now - this.#last) / 1000;
    return Math.min(this.burst, this.#tokens + elapsed * this.rate * timeScale);
  }

  /** Takes one token if there is one; false means "throttle this request". */
  take(now: number, timeScale = 1): boolean {
    this.#tokens = this.level(now, timeScale);
    this.#last = Math.max(this.#last, now);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** A usage plan: requests per second and bucket size. */
export interface UsagePlan {
  rate: number;
  burst: number;
}

/**
 * Buckets keyed by operation and seller.
 *
 * @example
 * const limiter = new RateLimiter(systemClock, { timeScale: 100 });
 * limiter.take("searchOrders", "A1SELLER", { rate: 0.0056, burst: 20 });
 */
export class RateLimiter {
  readonly #clock: Clock;
  readonly #buckets = new Map<string, TokenBucket>();
  timeScale: number;
  enabled: boolean;

  constructor(clock: Clock, opts: { timeScale?: number; enabled?: boolean }) {
    this.#clock = clock;
    this.timeScale = opts.timeScale ?? 1;
    this.enabled = opts.enabled ?? true;
    if (!(this.timeScale > 0)) throw new RangeError("timeScale must be > 0");
  }

  /** Takes a token for `operation` of `seller`; false means 429. */
  take(operation: string, seller: string, plan: UsagePlan): boolean {
    if (!this.enabled) return true;
    const key = `${operation}|${seller}`;
    const now = this.#clock.now();
    let bucket = this.#buckets.get(key);
    if (!bucket || bucket.rate !== plan.rate || bucket.burst !== plan.burst) {
      bucket = new TokenBucket(plan.rate, plan.burst, now);
      this.#buckets.set(key, bucket);
    }
    return bucket.take(now, this.timeScale);
  }

  /** Tokens left in a bucket (a full bucket if it was never used). */
  level(operation: string, seller: string, plan: UsagePlan): number {
    const bucket = this.#buckets.get(`${operation}|${seller}`);
    return bucket
      ? bucket.level(this.#clock.now(), this.timeScale)
      : plan.burst;
  }

  /** Refills every bucket. */
  reset(): void {
    this.#buckets.clear();
  }
}
